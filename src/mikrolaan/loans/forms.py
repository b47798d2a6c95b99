import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.utils.translation import gettext_lazy as _

from mikrolaan.core.widgets import DateInput

if TYPE_CHECKING:
    from mikrolaan.courses.models import Cohort


def _number(**attrs: str) -> forms.NumberInput:
    return forms.NumberInput(attrs={"class": "form-input", **attrs})


class PayoutForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid out on"), widget=DateInput())
    deferral_months = forms.IntegerField(
        label=_("Deferral at start, months"), min_value=0, initial=0, widget=_number()
    )
    deferral_reason = forms.CharField(
        label=_("Reason for the deferral"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("deferral_months") and not (data.get("deferral_reason") or "").strip():
            self.add_error("deferral_reason", _("A deferral needs a reason."))
        return data


class DeferralForm(forms.Form):
    first_month = forms.ChoiceField(label=_("First month postponed"))
    months = forms.IntegerField(label=_("Months"), min_value=1, widget=_number())
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"class": "form-input", "rows": 2})
    )

    def __init__(self, *args: Any, months: Iterable[dt.date] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first_month = self.fields["first_month"]
        assert isinstance(first_month, forms.ChoiceField)
        first_month.choices = [(m.isoformat(), f"{m:%m/%Y}") for m in months]
        self.fields["first_month"].widget.attrs["class"] = "form-select"


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (kr.)"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        widget=_number(step="0.01"),
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.TextInput(attrs={"class": "form-input"})
    )


class ReverseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.TextInput(attrs={"class": "form-input"})
    )


class WriteOffForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the write-off"),
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("I confirm that the whole outstanding balance is written off"),
        error_messages={"required": _("Confirm the write-off.")},
    )


class RefundForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the refund"), widget=forms.TextInput(attrs={"class": "form-input"})
    )


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())


# Days past due, in the buckets the loan list filters on: (lowest, highest or None).
DAYS_PAST_DUE_BUCKETS = {
    "1-30": (1, 30),
    "31-60": (31, 60),
    "61-90": (61, 90),
    "91+": (91, None),
}


class Criteria(TypedDict, total=False):
    """The loan list's filters chosen (``LoanFilterForm.criteria``): only those given."""

    status: str
    cohort: "Cohort"
    arrears: str
    days: str


class LoanFilterForm(forms.Form):
    """The loan list's filters (GET, kept in the query string); an unknown value is ignored."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    cohort: "forms.ModelChoiceField[Cohort]" = forms.ModelChoiceField(
        label=_("Cohort"), required=False, queryset=None
    )
    arrears = forms.ChoiceField(
        label=_("In arrears"),
        required=False,
        choices=[("", _("All")), ("yes", _("Yes")), ("no", _("No"))],
    )
    days = forms.ChoiceField(
        label=_("Days past due"),
        required=False,
        choices=[
            ("", _("All")),
            ("1-30", _("1–30 days")),
            ("31-60", _("31–60 days")),
            ("61-90", _("61–90 days")),
            ("91+", _("More than 90 days")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from mikrolaan.courses.models import Cohort
        from mikrolaan.loans.models import LoanStatus

        super().__init__(*args, **kwargs)
        status, cohort = self.fields["status"], self.fields["cohort"]
        assert isinstance(status, forms.ChoiceField)
        assert isinstance(cohort, forms.ModelChoiceField)
        status.choices = [("", _("All")), *LoanStatus.choices]
        cohort.queryset = Cohort.objects.order_by("-main_course_start", "code")
        cohort.empty_label = _("All")
        for field in self.fields.values():
            field.widget.attrs.update({"class": "form-select", "data-autosubmit": ""})

    @property
    def criteria(self) -> Criteria:
        """The filters chosen, empty and unknown values left out (in the fields' order)."""
        self.is_valid()
        data = self.cleaned_data
        chosen = Criteria()
        if data.get("status"):
            chosen["status"] = data["status"]
        if data.get("cohort"):
            chosen["cohort"] = data["cohort"]
        if data.get("arrears"):
            chosen["arrears"] = data["arrears"]
        if data.get("days"):
            chosen["days"] = data["days"]
        return chosen
