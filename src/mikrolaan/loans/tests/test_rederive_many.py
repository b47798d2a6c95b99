"""The bulk re-derivation of bundle imports stores what the per-loan one stores."""

import datetime as dt
from decimal import Decimal

import pytest

from mikrolaan.loans import kept, services
from mikrolaan.loans.models import LedgerEntry, Loan, PaymentSplit, PlanSegment
from mikrolaan.loans.plan import rederive, rederive_many
from mikrolaan.loans.tests.factories import disbursed_loan

pytestmark = pytest.mark.django_db


def stored(loan):
    """A loan's stored plan, payment splits and kept figures, as read from the database."""
    loan = Loan.objects.get(pk=loan.pk)
    return (
        (loan.policy_id, loan.repayment_start, *(getattr(loan, f) for f in kept.FIELDS)),
        list(
            PlanSegment.objects.filter(loan=loan)
            .order_by("first_month")
            .values_list("first_month", "count", "amount_ore", "before_ore")
        ),
        list(
            PaymentSplit.objects.filter(loan=loan)
            .order_by("value_date", "entry_id")
            .values_list("entry_id", "value_date", "extra_ore")
        ),
    )


def test_bulk_and_per_loan_re_derivation_store_the_same_plan_and_splits(finance_clerk):
    # A deferral at the start and one later, regular and extra money, a reversed payment.
    loan = disbursed_loan(amount=Decimal("10001.50"), deferral_months=2)
    services.grant_deferral(
        loan,
        months=3,
        reason="Sygdom",
        decided_on=dt.date(2014, 1, 10),
        acting_user=finance_clerk,
        send_letters=False,
    )
    for day, amount in [
        (dt.date(2013, 6, 1), "119.00"),
        (dt.date(2013, 7, 1), "4000.00"),  # mostly extra: pays the back of the plan
        (dt.date(2013, 8, 1), "119.00"),
    ]:
        services.register_payment(
            loan, amount=Decimal(amount), paid_on=day, acting_user=finance_clerk
        )
    reversed_payment = LedgerEntry.objects.get(loan=loan, value_date=dt.date(2013, 8, 1))
    services.reverse_entry(
        reversed_payment, reason="Fejl", on=dt.date(2013, 8, 5), acting_user=finance_clerk
    )
    paid_up = disbursed_loan(amount=Decimal("2000.00"))
    services.register_payment(
        paid_up, amount=Decimal("2000.00"), paid_on=dt.date(2013, 4, 2), acting_user=finance_clerk
    )
    for each in (loan, paid_up):
        rederive(Loan.objects.get(pk=each.pk))
    expected = [stored(loan), stored(paid_up)]
    assert expected[0][2], "the example has extra money"
    assert len(expected[0][1]) >= 3, "the example's plan is split by the deferral"

    PlanSegment.objects.all().delete()
    PaymentSplit.objects.all().delete()
    Loan.objects.filter(pk__in=[loan.pk, paid_up.pk]).update(
        repayment_start=None,
        balance=0,
        paid_regular_ore=0,
        paid_extra_ore=0,
        oldest_unpaid_due=None,
    )
    assert rederive_many([loan.pk, paid_up.pk]) == 2
    assert [stored(loan), stored(paid_up)] == expected
