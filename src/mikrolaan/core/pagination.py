"""Lists shown a page at a time: the rows of one page and the links to the others.

    page = paginate(request, queryset, per_page=50)
    {% include "web/_pagination.html" %}     # with ``page`` in the context

The count comes from the database (one ``COUNT``), the rows are one ``LIMIT``/``OFFSET``
query; the links keep the list's other query parameters (its filters). A page number out of
range shows the last page, a page number that is no number the first.
"""

from django.core.paginator import Paginator

PER_PAGE = 50
# Page numbers shown around the current one (the first and last are always shown).
AROUND = 2


def page_url(request, number: int) -> str:
    params = request.GET.copy()
    if number == 1:
        params.pop("page", None)
    else:
        params["page"] = str(number)
    query = params.urlencode()
    return f"{request.path}?{query}" if query else request.path


def paginate(request, queryset, per_page: int | None = None):
    """The page of ``queryset`` the request asks for, with ``links`` for the template."""
    paginator = Paginator(queryset, per_page or PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    current, last = page.number, paginator.num_pages
    numbers = sorted(
        {1, last} | set(range(max(1, current - AROUND), min(last, current + AROUND) + 1))
    )
    links, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            links.append(None)  # a gap: "…"
        links.append({"number": number, "url": page_url(request, number)})
        previous = number
    page.links = links if last > 1 else []
    page.previous_url = page_url(request, current - 1) if page.has_previous() else None
    page.next_url = page_url(request, current + 1) if page.has_next() else None
    return page
