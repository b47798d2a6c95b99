"""Loans in servicing states, made through the real services (``loans.tests.factories``)."""

import datetime as dt
from decimal import Decimal

from mikrolaan.loans.tests.factories import disbursed_loan

PAID_ON = dt.date(2013, 3, 15)  # first instalment due 2 April 2013 (1 April is Easter Monday)
FIRST_DUE = dt.date(2013, 4, 2)


def paid_out_loan(*, amount=Decimal("8400.00"), paid_on=PAID_ON, exempt=False, **kwargs):
    """A loan of 100 kr. a month (8,400 kr. over 84 months), paid out, nothing paid yet."""
    loan = disbursed_loan(paid_on=paid_on, amount=amount, **kwargs)
    if exempt:
        citizen = loan.citizen
        citizen.digital_post_exempt = True
        citizen.save(update_fields=["digital_post_exempt"])
    if not loan.citizen.phone:
        loan.citizen.phone = "86 12 34 56"
        loan.citizen.save(update_fields=["phone"])
    return loan
