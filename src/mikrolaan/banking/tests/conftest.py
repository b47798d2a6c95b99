"""Loans for the banking tests, made directly: the loans app's grant and payout services are
built on another branch, so a test loan is a Loan row with a +71 payment ID and a payout
posted through the real ledger."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from mikrolaan.loans import ledger, payment_id
from mikrolaan.loans.models import EntryKind, Loan, LoanStatus
from mikrolaan.people.tests.factories import CitizenFactory

_numbers = itertools.count(1)


def make_loan(
    principal="30000.00", *, status=LoanStatus.ACTIVE, user=None, body=None, citizen=None
) -> Loan:
    n = next(_numbers)
    body = body if body is not None else 10654870238000 + n
    loan = Loan.objects.create(
        loan_ref=f"ML-2026-{n:04d}",
        citizen=citizen or CitizenFactory(),
        principal=Decimal(principal),
        granted_on=dt.date(2026, 1, 10),
        disbursed_on=dt.date(2026, 2, 1),
        repayment_start=dt.date(2026, 3, 1),
        payment_id=payment_id.make(body),
        status=status,
    )
    if status != LoanStatus.GRANTED:
        ledger.post(
            loan, EntryKind.DISBURSEMENT, Decimal(principal), dt.date(2026, 2, 1), acting_user=user
        )
    if status == LoanStatus.REPAID:
        # Repaid is a projection of the ledger: the loan must really be paid off.
        ledger.post(
            loan, EntryKind.REPAYMENT, Decimal(principal), dt.date(2026, 3, 1), acting_user=user
        )
        loan.refresh_from_db()
    return loan


@pytest.fixture
def loan_factory(db):
    return make_loan


@pytest.fixture
def loan(db):
    return make_loan()
