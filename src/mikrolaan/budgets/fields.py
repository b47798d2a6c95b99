"""Amounts as Danish people write them: 12.500 or 12.500,50 (dot groups, comma decimals)."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _


def parse_amount(text: str) -> Decimal:
    """A Danish amount: '12.500', '12.500,50', '12500' or '12500,5' (2 decimals at most)."""
    cleaned = text.strip().replace(" ", "").replace("kr.", "").replace("kr", "")
    cleaned = cleaned.replace(".", "").replace(",", ".")
    amount = Decimal(cleaned)
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise InvalidOperation
    return amount.quantize(Decimal("0.01"))


class KronerInput(forms.TextInput):
    def format_value(self, value):
        if isinstance(value, Decimal):
            return number_format(value, 2, force_grouping=True)
        return super().format_value(value)


class KronerField(forms.Field):
    widget = KronerInput
    default_error_messages = {
        "invalid": _("Write an amount in kroner, e.g. 12.500 or 12.500,50."),
        "negative": _("The amount cannot be negative."),
    }

    def __init__(self, *args, allow_negative=False, **kwargs):
        self.allow_negative = allow_negative
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return value
        try:
            amount = parse_amount(str(value))
        except (InvalidOperation, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if amount < 0 and not self.allow_negative:
            raise ValidationError(self.error_messages["negative"], code="negative")
        return amount
