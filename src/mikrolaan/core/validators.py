"""Names and codes that cannot turn into a formula when someone opens an export.

The interchange bundle keeps exact values (round trips stay exact), so a name like
``=HYPERLINK(…)`` is refused where it comes in instead: web forms and ``mikrolaan import``.
Codes (cohort codes and the like) are further kept to a safe set of characters.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mikrolaan.core.cells import looks_like_formula

# Letters (æ, ø, å and every other letter), digits, then also "-", "_", "." and space; the
# first character a letter or a digit, so a code never starts like a formula.
_CODE = re.compile(r"^[^\W_][\w .\-]*$")


def formula_problem(value: str) -> str | None:
    """Why ``value`` cannot be a name or label, or None."""
    if value and looks_like_formula(value):
        return _(
            "must not start with =, +, -, @, a tab or a line break "
            "(a spreadsheet would read it as a formula)"
        )
    return None


def code_problem(value: str) -> str | None:
    """Why ``value`` cannot be a code, or None."""
    if value and not _CODE.match(value):
        return _(
            "may hold only letters, digits, '-', '_', '.' and spaces, "
            "and must start with a letter or a digit"
        )
    return None


def formula_message(value: str) -> str | None:
    """The sentence a form shows for a name that looks like a formula, or None."""
    problem = formula_problem(value or "")
    return _("The text %(problem)s.") % {"problem": problem} if problem else None


def code_message(value: str) -> str | None:
    """The sentence a form shows for a code outside the safe set, or None."""
    problem = code_problem((value or "").strip())
    return _("The code %(problem)s.") % {"problem": problem} if problem else None


def no_formula(value: str) -> None:
    """Form field validator for names and free labels."""
    if message := formula_message(value):
        raise ValidationError(message, code="formula")


def safe_code(value: str) -> None:
    """Form field validator for codes."""
    if message := code_message(value):
        raise ValidationError(message, code="code")
