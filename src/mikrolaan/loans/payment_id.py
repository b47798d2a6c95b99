"""Payment IDs for Danish payment slips (FI-kort, card type +71).

A +71 payment ID is 15 digits, the last a modulus-10 check digit (weights 2,1,2,1 … from the
right of the body, digit sums added: the Luhn scheme). A statement carries it in the entry's
creditor reference, e.g. ``71/106548702380495``.
"""

import re

from stdnum import luhn

LENGTH = 15
_REFERENCE = re.compile(r"^\s*(?:\+?71\s*[/<]\s*)?(\d{15})\s*>?\s*$")


def make(body: int | str) -> str:
    """The payment ID for a body of up to 14 digits (zero-padded on the left)."""
    digits = str(body).zfill(LENGTH - 1)
    if len(digits) != LENGTH - 1 or not digits.isdigit():
        raise ValueError(f"a payment ID body has at most {LENGTH - 1} digits: {body!r}")
    return digits + luhn.calc_check_digit(digits)


def is_valid(payment_id: str) -> bool:
    return len(payment_id) == LENGTH and payment_id.isdigit() and luhn.is_valid(payment_id)


def from_reference(reference: str) -> str | None:
    """The payment ID in a creditor reference (``71/…``, ``+71<…>`` or bare), if valid."""
    match = _REFERENCE.match(reference or "")
    if match and is_valid(match.group(1)):
        return match.group(1)
    return None


def display(payment_id: str) -> str:
    """How a citizen types it into the bank: +71<payment ID>."""
    return f"+71<{payment_id}"
