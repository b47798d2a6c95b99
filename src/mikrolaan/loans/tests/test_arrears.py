"""The set-based arrears query agrees with the per-loan reference computation."""

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.loans import ledger, services
from mikrolaan.loans.arrears import arrears_for
from mikrolaan.loans.models import EntryKind
from mikrolaan.loans.plan import position
from mikrolaan.loans.schedule import to_kr
from mikrolaan.loans.tests.factories import disbursed_loan

PAID_ON = dt.date(2013, 3, 15)


def _check_agrees(loan, as_of):
    ref = position(loan, as_of)
    got = arrears_for(as_of, [loan.pk]).get(loan.pk)
    # The statement for every loan (the ledger summed before the join) says the same.
    assert arrears_for(as_of).get(loan.pk) == got
    if ref is None or as_of < loan.disbursed_on:
        assert got is None
        return
    assert got is not None
    assert got.due_to_date == to_kr(ref.due_to_date)
    assert got.paid_to_date == to_kr(ref.paid_to_date)
    assert got.arrears == to_kr(ref.arrears)
    assert got.oldest_unpaid_due == ref.oldest_unpaid_due
    assert got.days_past_due == ref.days_past_due


@pytest.mark.django_db
def test_a_regular_payer_is_not_in_arrears_and_a_missed_month_is():
    loan = disbursed_loan(paid_on=PAID_ON, amount=Decimal("8400.00"))  # 100 kr. a month
    user = loan.decision.recorded_by
    assert loan.repayment_start == dt.date(2013, 4, 2)  # 1 April 2013 was Easter Monday
    services.register_payment(
        loan, amount=Decimal("100.00"), paid_on=dt.date(2013, 3, 28), acting_user=user
    )
    on_time = arrears_for(dt.date(2013, 4, 20))[loan.pk]
    assert on_time.arrears == Decimal("0.00")
    missed = arrears_for(dt.date(2013, 5, 20))[loan.pk]
    assert missed.arrears == Decimal("100.00")
    assert missed.oldest_unpaid_due == dt.date(2013, 5, 1)
    assert missed.days_past_due == 19
    _check_agrees(loan, dt.date(2013, 5, 20))


@pytest.mark.django_db
def test_a_reversed_payment_never_counts():
    loan = disbursed_loan(paid_on=PAID_ON, amount=Decimal("8400.00"))
    user = loan.decision.recorded_by
    received = services.register_payment(
        loan, amount=Decimal("100.00"), paid_on=dt.date(2013, 4, 2), acting_user=user
    )
    services.reverse_entry(
        received.entry,
        reason="Betalingen blev afvist af banken",
        on=dt.date(2013, 4, 20),
        acting_user=user,
    )
    got = arrears_for(dt.date(2013, 4, 10))[loan.pk]
    assert got.arrears == Decimal("100.00")
    _check_agrees(loan, dt.date(2013, 4, 10))


class TestSetBasedAgreesWithReference(TestCase):
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        amount=st.integers(1000, 50000),
        deferral_at_start=st.integers(0, 6),
        payments=st.lists(st.tuples(st.integers(0, 2800), st.integers(1, 30000)), max_size=8),
        deferral=st.one_of(st.none(), st.tuples(st.integers(0, 1500), st.integers(1, 12))),
        reverse_first=st.booleans(),
        as_of_days=st.lists(st.integers(-10, 3200), min_size=1, max_size=4),
    )
    def test_agree(self, amount, deferral_at_start, payments, deferral, reverse_first, as_of_days):
        user = UserFactory(role=Role.FINANCE_CLERK)
        loan = disbursed_loan(
            paid_on=PAID_ON, amount=Decimal(amount), deferral_months=deferral_at_start
        )
        posted = []
        for days, kr in payments:
            try:
                received = services.register_payment(
                    loan,
                    amount=Decimal(kr),
                    paid_on=PAID_ON + dt.timedelta(days=days),
                    acting_user=user,
                )
            except services.LoanError:
                continue
            if received.entry:
                posted.append(received.entry)
        if deferral:
            days, months = deferral
            with contextlib.suppress(services.LoanError):
                services.grant_deferral(
                    loan,
                    months=months,
                    reason="Sygdom",
                    acting_user=user,
                    decided_on=PAID_ON + dt.timedelta(days=days),
                    send_letters=False,
                )
        if reverse_first and posted:
            services.reverse_entry(
                posted[0], reason="Fejlpostering", on=posted[0].value_date, acting_user=user
            )
        loan.refresh_from_db()
        assert ledger.balance(loan) >= 0
        for days in as_of_days:
            _check_agrees(loan, PAID_ON + dt.timedelta(days=days))


@pytest.mark.django_db
def test_collector_payments_count_and_other_kinds_do_not():
    loan = disbursed_loan(paid_on=PAID_ON, amount=Decimal("8400.00"))
    user = loan.decision.recorded_by
    ledger.receive_payment(  # April's instalment late, May's a few days early
        loan,
        Decimal("200.00"),
        dt.date(2013, 4, 25),
        acting_user=user,
        kind=EntryKind.COLLECTOR_PAYMENT,
        source="collector",
    )
    got = arrears_for(dt.date(2013, 5, 2))[loan.pk]
    assert got.paid_to_date == Decimal("200.00")
    assert got.arrears == Decimal("0.00")
    _check_agrees(loan, dt.date(2013, 6, 2))
