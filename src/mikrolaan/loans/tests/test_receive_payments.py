"""A batch of payments posted set-based (bank files) ends exactly where posting them one by one
ends: the same entries, splits, overpayments and kept figures."""

import contextlib
import datetime as dt
from decimal import Decimal

import pytest

from mikrolaan.loans import kept, ledger, schedule
from mikrolaan.loans.models import EntrySource, LedgerEntry, Loan, Overpayment, PaymentSplit
from mikrolaan.loans.plan import payments_of, plan_of, policy_of
from mikrolaan.loans.tests.factories import disbursed_loan

PAID_ON = dt.date(2013, 3, 15)
pytestmark = pytest.mark.django_db


def _state(loan):
    loan = Loan.objects.get(pk=loan.pk)
    rows = LedgerEntry.objects.filter(loan=loan)
    entries = sorted((e.kind, e.amount, e.value_date, e.external_id) for e in rows)
    splits = sorted(
        (s.entry.external_id, s.extra_ore) for s in PaymentSplit.objects.filter(loan=loan)
    )
    overs = sorted((o.amount, o.external_id) for o in Overpayment.objects.filter(loan=loan))
    figures = [getattr(loan, f) for f in kept.FIELDS]
    return entries, splits, overs, figures


def _items(a, b):
    pay = ledger.Incoming
    return [
        pay(a.pk, Decimal("100.00"), dt.date(2013, 4, 28), "E1"),
        pay(b.pk, Decimal("2500.00"), dt.date(2013, 4, 29), "E2"),  # extra part
        pay(a.pk, Decimal("100.00"), dt.date(2013, 4, 28), "E1"),  # the same entry again
        pay(a.pk, Decimal("150.00"), dt.date(2013, 5, 30), "E3"),
        pay(b.pk, Decimal("50.00"), dt.date(2013, 4, 20), "E4"),  # back-dated: one by one
        pay(a.pk, Decimal("9000.00"), dt.date(2013, 6, 28), "E5"),  # beyond the balance
        pay(a.pk, Decimal("10.00"), dt.date(2013, 1, 2), "E6"),  # before the payout: refused
    ]


def test_a_batch_ends_where_one_by_one_ends():
    a1, b1, a2, b2 = (disbursed_loan(paid_on=PAID_ON, amount=Decimal("8400.00")) for _ in range(4))
    user = a1.decision.recorded_by
    results = ledger.receive_payments(_items(a1, b1), acting_user=user, source=EntrySource.BANK)
    for item in _items(a2, b2):
        loan = Loan.objects.get(pk=item.loan_id)
        with contextlib.suppress(ledger.LedgerError):
            ledger.receive_payment(
                loan,
                item.amount,
                item.value_date,
                acting_user=user,
                source=EntrySource.BANK,
                external_id=item.external_id,
            )
    assert _state(a1) == _state(a2)
    assert _state(b1) == _state(b2)
    assert [r.created for r in results] == [True, True, False, True, True, True, False]
    assert results[2].entry.pk == results[0].entry.pk
    assert isinstance(results[6], ledger.Refused) and "payout" in results[6].error
    assert results[5].overpayment.amount > 0
    assert PaymentSplit.objects.filter(loan=b1).exists()
    # And the kept figures are a recomputation's.
    for loan in (a1, b1):
        fresh = Loan.objects.get(pk=loan.pk)
        plan = plan_of(fresh)
        allocations = schedule.allocate(
            plan, payments_of(fresh), policy_of(fresh).advance_payment_days
        )
        kept.recount(fresh, plan, allocations, policy_of(fresh).due_day)
        assert _state(loan)[3] == [getattr(fresh, f) for f in kept.FIELDS]
    # A second run of the same batch posts nothing new.
    again = ledger.receive_payments(_items(a1, b1), acting_user=user, source=EntrySource.BANK)
    assert not any(r.created for r in again)
    assert _state(a1) == _state(a2)
