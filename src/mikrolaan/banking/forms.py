from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from mikrolaan.core.uploads import limit_in_mb, upload_limit
from mikrolaan.loans.models import Loan


def too_large_message(limit: int) -> str:
    return _(
        "The file is larger than the limit of %(mb)s MB for an upload; nothing was imported."
    ) % {"mb": limit_in_mb(limit)}


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

    def __init__(self, *args: Any, too_large: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large  # the limit the upload passed (core.uploads), if it did

    def clean(self) -> dict[str, Any] | None:
        if self.too_large:
            self.errors.pop("file", None)  # not "required": the upload was cut off
            raise forms.ValidationError({"file": too_large_message(self.too_large)})
        return super().clean()

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        assert upload.size is not None  # Django's upload handlers set it
        if upload.size > upload_limit():
            raise forms.ValidationError(too_large_message(upload_limit()))
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

    def clean_loan(self) -> Loan:
        value = self.cleaned_data["loan"].strip()
        digits = value.replace("+71<", "").replace("71/", "").strip()
        loan = Loan.objects.filter(loan_ref=value).first() or (
            Loan.objects.filter(payment_id=digits).first() if digits.isdigit() else None
        )
        if loan is None:
            raise forms.ValidationError(_("No loan has this number or payment ID."))
        return loan
