from django import forms
from django.utils.translation import gettext_lazy as _

from mikrolaan.core.widgets import DateInput
from mikrolaan.outcomes.models import SupportStatus


class SpellForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Support status"),
        choices=SupportStatus.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(
        label=_("To (inclusive)"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty if the status still applies."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-input", "list": "spell-sources"}),
        help_text=_("Where the information comes from, e.g. the citizen, eIndkomst or CVR."),
    )
    why = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )


class CorrectSpellForm(SpellForm):
    why = forms.CharField(
        label=_("Why is it corrected?"),
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )


class WithdrawSpellForm(forms.Form):
    why = forms.CharField(
        label=_("Why is it withdrawn?"),
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 2}),
    )


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())


SOURCES = [
    _("The citizen"),
    _("Job consultant"),
    _("eIndkomst"),
    _("CVR register"),
    _("Benefits system"),
]
