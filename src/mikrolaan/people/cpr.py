"""CPR numbers: the date and century are checked, the modulus-11 checksum is not.

Numbers issued since October 2007 need not pass modulus 11 (DOMAIN.md), so only the date
part is validated, with python-stdnum's century rule (the 7th digit decides the century).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)
from stdnum.exceptions import (
    ValidationError as StdnumError,
)


def normalise(value: str) -> str:
    """``DDMMYY-SSSS`` or ``DDMMYYSSSS`` (spaces allowed) → ``DDMMYYSSSS``."""
    return stdnum_cpr.compact(value or "")


def validate(value: str) -> str:
    """Return the compact CPR number or raise ``ValidationError`` saying what is wrong."""
    number = normalise(value)
    try:
        if len(number) != 10:
            raise InvalidLength()
        if not number.isdigit():
            raise InvalidFormat()
        stdnum_cpr.get_birth_date(number)
    except InvalidLength:
        raise ValidationError(
            _("A CPR number has 10 digits (DDMMYY-SSSS)."), code="length"
        ) from None
    except InvalidFormat:
        raise ValidationError(_("A CPR number may only contain digits."), code="format") from None
    except (InvalidComponent, StdnumError):
        raise ValidationError(
            _("%(cpr)s is not a valid CPR number: the date %(date)s does not exist.")
            % {"cpr": format_cpr(number), "date": f"{number[0:2]}.{number[2:4]}.{number[4:6]}"},
            code="date",
        ) from None
    return number


def birth_date(number: str) -> dt.date:
    return stdnum_cpr.get_birth_date(normalise(number))


def gender(number: str) -> str:
    """``M`` for an odd last digit, ``F`` for an even one."""
    return "M" if int(normalise(number)[-1]) % 2 else "F"


def format_cpr(number: str) -> str:
    number = normalise(number)
    return f"{number[:6]}-{number[6:]}" if len(number) == 10 else number
