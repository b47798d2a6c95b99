import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mikrolaan.selfservice.models import Outcome

TEXT = {"class": "form-input"}


class DeferralRequestForm(forms.Form):
    months = forms.TypedChoiceField(label=_("For how many months?"), coerce=int)
    message = forms.CharField(
        label=_("Why do you need a break from paying?"),
        help_text=_("For example illness, a quiet season or a large expense in the business."),
        max_length=2000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 4}),
    )

    def __init__(self, *args: Any, months_left: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["months"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(n, str(n)) for n in range(1, months_left + 1)]
        field.widget.attrs["class"] = "form-select"


class ExtraPaymentRequestForm(forms.Form):
    monthly_amount = forms.DecimalField(
        label=_("How much extra a month (kr.)?"),
        min_value=Decimal("1.00"),
        max_digits=12,
        decimal_places=2,
        localize=True,  # "250,50" as Danes write it
        widget=forms.TextInput(attrs={**TEXT, "inputmode": "decimal", "autocomplete": "off"}),
    )
    message = forms.CharField(
        label=_("Anything the project leader should know?"),
        max_length=2000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )


class ContactForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "tel", "type": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={**TEXT, "autocomplete": "email"}),
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "street-address"}),
    )


class AnswerForm(forms.Form):
    """The project leader's decision on a citizen's request."""

    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=Outcome.choices,
        widget=forms.RadioSelect(attrs={"class": "form-radio"}),
    )
    first_month = forms.ChoiceField(label=_("First month postponed"), required=False)
    answer = forms.CharField(
        label=_("Answer to the citizen"),
        help_text=_("The citizen reads this on their own page. Write plainly."),
        max_length=2000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 4}),
    )

    def __init__(self, *args: Any, months: Iterable[dt.date] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["first_month"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m.isoformat(), f"{m:%m/%Y}") for m in months]
        field.widget.attrs["class"] = "form-select"
        if not field.choices:
            del self.fields["first_month"]


class SelfAssessmentForm(forms.Form):
    """The citizen's own answers: one score from 1 to 5 for each of ``statements``."""

    def __init__(self, *args: Any, statements: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.statements = list(statements)
        choices = [
            (1, _("1 – not at all")),
            (2, "2"),
            (3, "3"),
            (4, "4"),
            (5, _("5 – completely")),
        ]
        for statement in self.statements:
            self.fields[self.field_name(statement.code)] = forms.TypedChoiceField(
                label=statement.text,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose a number from 1 to 5.")},
            )

    @staticmethod
    def field_name(code: str) -> str:
        return f"score_{code}"

    def scores(self) -> dict[str, int]:
        return {s.code: self.cleaned_data[self.field_name(s.code)] for s in self.statements}
