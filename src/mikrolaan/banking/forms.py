from django import forms
from django.utils.translation import gettext_lazy as _

from mikrolaan.loans.models import Loan

MAX_FILE_BYTES = 20 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_("ISO 20022 camt.053 (XML) or the bank's CSV export."),
    )
    account = forms.CharField(
        label=_("Account (CSV only)"),
        required=False,
        max_length=70,
        help_text=_("The account number of a CSV export, which does not name its account."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class ReasonForm(forms.Form):
    why = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PostToLoanForm(ReasonForm):
    loan = forms.CharField(
        label=_("Loan number or payment ID"),
        max_length=40,
        help_text=_("The loan the money belongs to, e.g. ML-2026-0001 or +71<…"),
    )
    field_order = ["loan", "why"]

    def clean_loan(self):
        value = self.cleaned_data["loan"].strip()
        digits = value.replace("+71<", "").replace("71/", "").strip()
        loan = Loan.objects.filter(loan_ref=value).first() or (
            Loan.objects.filter(payment_id=digits).first() if digits.isdigit() else None
        )
        if loan is None:
            raise forms.ValidationError(_("No loan has this number or payment ID."))
        return loan
