from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mikrolaan.privacy.services import find_citizen


class InsightForm(forms.Form):
    cpr = forms.CharField(
        label=_("The citizen's CPR number"),
        help_text=_("DDMMYY-SSSS. The number is sent in the form, never in the address."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "form-input input-width-s",
                "autocomplete": "off",
                "inputmode": "numeric",
            }
        ),
    )

    def clean_cpr(self):
        try:
            self.citizen = find_citizen(self.cleaned_data["cpr"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
        return self.citizen.cpr
