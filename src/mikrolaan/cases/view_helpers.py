"""View helpers for the apps that work on a case (budgets, decisions, …): open a case the user
may see, link to its page, style a form."""

from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse

from mikrolaan.audit.services import log_read
from mikrolaan.cases.models import Case


def case_page_url(case) -> str:
    """The case page (the cases app's, once it exists; this app's minimal page until then)."""
    for name in ("cases:detail", "cases:case", "cases:page", "cases:show"):
        try:
            return reverse(name, args=[case.pk])
        except NoReverseMatch:
            continue
    return reverse("decisions:case", args=[case.pk])


def open_case(request, pk, *, why: str) -> Case:
    """A case the user may see (404 otherwise), with the audit READ record."""
    case = get_object_or_404(
        Case.objects.for_user(request.user).select_related("citizen", "cohort"), pk=pk
    )
    log_read(request.user, case.citizen, what=f"case {case.pk}", why=why)
    return case


def date_field(label, **kwargs):
    """A date with the browser's own date picker (the value travels as ISO 8601)."""
    from django import forms

    from mikrolaan.core.widgets import DateInput

    return forms.DateField(
        label=label,
        widget=DateInput(),
        **kwargs,
    )


class StyledFormMixin:
    """Det Fælles Designsystem classes on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            name = type(widget).__name__
            if name in ("RadioSelect", "CheckboxInput"):
                continue
            css = "form-select" if name == "Select" else "form-input"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
