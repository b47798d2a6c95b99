from django import template

from mikrolaan.banking.matching import REASON_LABELS

register = template.Library()


@register.filter
def bank_reason(reason: str) -> str:
    """A queue or skip reason's short label ("unknown payment ID"), in the active language."""
    return str(REASON_LABELS.get(reason, reason))
