import datetime as dt

import pytest

from mikrolaan.banking import demo
from mikrolaan.banking.matching import Reason
from mikrolaan.banking.models import BankEntry
from mikrolaan.core.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_demo_imports_a_statement_with_payments_and_a_queue(loan_factory, finance_clerk):
    loans = [loan_factory("42000.00"), loan_factory("25200.00")]
    ctx = DemoContext(today=dt.date(2026, 11, 30))  # a Monday: the statement is Friday's
    ctx.users["fc"] = finance_clerk
    demo.populate(ctx)
    result = ctx.data["bank_import"]
    assert result.posted == 2
    assert result.queued == {
        Reason.BAD_CHECK_DIGIT: 1,
        Reason.NO_REFERENCE: 1,
        Reason.UNKNOWN_PAYMENT_ID: 1,
        Reason.DEBIT: 1,
    }
    assert BankEntry.objects.queued().count() == 4
    assert {e.booking_date for e in BankEntry.objects.all()} == {dt.date(2026, 11, 27)}
    assert loans[0].entries.count() == 2  # payout and the 500 kr. instalment


def test_demo_without_loans_imports_nothing():
    demo.populate(DemoContext())
    assert not BankEntry.objects.exists()
