"""Money, numbers and dates as every page, letter, event and command shows them: one place.

Danish forms (the active language's formats, ``mikrolaan/formats/da``): ``45.000,00 kr.``,
``1.234``, ``02.11.2026``; long dates (``2. november 2026``) only where prose needs them.
Templates use the same functions as filters (``{{ loan.principal|money }}``, ``|number``,
``|short_date``, ``|long_date``, ``|months``), built in for every template.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import ngettext

DASH = "–"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def number(value, decimals: int = 0) -> str:
    """``57423`` → ``57.423``; ``decimals`` places, rounded half up; ``–`` for none."""
    amount = _decimal(value)
    if amount is None:
        return DASH if value in (None, "") else str(value)
    return formats.number_format(
        amount.quantize(Decimal(1).scaleb(-decimals), rounding="ROUND_HALF_UP"),
        decimals,
        use_l10n=True,
        force_grouping=True,
    )


def money(value, currency: str = "kr.") -> str:
    """``45000`` → ``45.000,00 kr.``; ``–`` for none. Other currencies keep their code."""
    amount = _decimal(value)
    if amount is None:
        return DASH if value in (None, "") else str(value)
    unit = "kr." if currency in ("kr.", "DKK", "", None) else currency
    return f"{number(amount, 2)} {unit}"


def short_date(value) -> str:
    """``2026-11-02`` → ``02.11.2026``; ``–`` for none."""
    if not value:
        return DASH
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def long_date(value) -> str:
    """``2026-11-02`` → ``2. november 2026`` (prose only)."""
    if not value:
        return DASH
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return formats.date_format(value, "DATE_FORMAT")


def month(value) -> str:
    """A month as ``11/2026``."""
    if not value:
        return DASH
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value:%m/%Y}"


def months(count) -> str:
    """``1 måned``, ``2 måneder``."""
    if count in (None, ""):
        return DASH
    n = int(count)
    return ngettext("%(n)s month", "%(n)s months", n) % {"n": n}


def days(count) -> str:
    """``1 dag``, ``57.423 dage``."""
    if count in (None, ""):
        return DASH
    n = int(count)
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": number(n)}


_RAW_KR = re.compile(r"(?<![\d.,])(-?\d+(?:\.\d{2})?) kr\.")


def reformat_amounts(text: str) -> str:
    """Old stored texts (``ML-2026-00022: 45000.00 kr.``) with their amounts in today's form."""
    if not text:
        return text
    return _RAW_KR.sub(lambda m: money(m.group(1)), text)


__all__ = [
    "days",
    "long_date",
    "money",
    "month",
    "months",
    "number",
    "reformat_amounts",
    "short_date",
]
