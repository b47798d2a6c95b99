"""Pages of a list: the links keep the list's filters and show the pages near the current one."""

from django.template.loader import render_to_string
from django.test import RequestFactory

from mikrolaan.core.pagination import paginate


def test_links_keep_the_filters_and_skip_far_pages():
    request = RequestFactory().get("/loans/", {"status": "active", "page": "5"})
    page = paginate(request, list(range(500)), per_page=50)
    assert list(page.object_list) == list(range(200, 250))
    numbers = [link["number"] if link else "…" for link in page.links]
    assert numbers == [1, "…", 3, 4, 5, 6, 7, "…", 10]
    assert page.links[0]["url"] == "/loans/?status=active"
    assert page.next_url == "/loans/?status=active&page=6"
    html = render_to_string("web/_pagination.html", {"page": page})
    assert 'aria-current="page"' in html and ">5</a>" in html
    # The arrows keep a name on a phone, where the design system hides their words.
    assert 'rel="next" aria-label="Næste side"' in html
    assert 'rel="prev" aria-label="Forrige side"' in html


def test_a_page_out_of_range_or_not_a_number():
    factory = RequestFactory()
    assert paginate(factory.get("/", {"page": "99"}), list(range(120)), per_page=50).number == 3
    assert paginate(factory.get("/", {"page": "x"}), list(range(120)), per_page=50).number == 1
    single = paginate(factory.get("/"), list(range(3)), per_page=50)
    assert (
        single.links == []
        and render_to_string("web/_pagination.html", {"page": single}).strip() == ""
    )
