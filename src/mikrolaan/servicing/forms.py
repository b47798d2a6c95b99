from django import forms
from django.utils.translation import gettext_lazy as _


class TaskDoneForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
        max_length=2000,
    )


class TakeBackForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the loan is taken back"),
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-input"}),
        max_length=2000,
    )
