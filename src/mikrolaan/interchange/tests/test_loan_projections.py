"""Imported loans are serviced like granted ones: a payment ID and a stored plan."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from mikrolaan.loans import payment_id
from mikrolaan.loans.arrears import arrears_for
from mikrolaan.loans.models import Loan, PlanSegment
from mikrolaan.loans.plan import position

pytestmark = pytest.mark.django_db


def test_imported_loans_get_payment_ids_and_the_plan_the_bundle_describes(review_bundle):
    call_command("import", str(review_bundle))
    loans = Loan.objects.all()
    assert loans.count() >= 34
    assert all(payment_id.is_valid(loan.payment_id) for loan in loans)
    assert len({loan.payment_id for loan in loans}) == loans.count()

    # ML-M3-001: paid out 15.06.2013, first instalment 01.06.2014 (6 months' deferral at
    # start, in the bundle) over 84 months: the stored plan starts there and sums to 12,000.
    loan = Loan.objects.get(loan_ref="ML-M3-001")
    assert loan.repayment_start == dt.date(2014, 6, 2)  # 1 June 2014 was a Sunday
    segments = PlanSegment.objects.filter(loan=loan)
    assert sum(s.count for s in segments) == 84
    assert sum(s.count * s.amount_ore for s in segments) == 12000 * 100


def test_the_set_based_arrears_agree_with_the_plan_for_imported_loans(review_bundle):
    call_command("import", str(review_bundle))
    as_of = dt.date(2016, 12, 31)
    rows = arrears_for(as_of)
    behind = 0
    for loan in Loan.objects.filter(disbursed_on__lte=as_of):
        expected = position(loan, as_of)
        assert rows[loan.pk].arrears == Decimal(expected.arrears) / 100, loan.loan_ref
        assert rows[loan.pk].days_past_due == expected.days_past_due, loan.loan_ref
        behind += expected.arrears > 0
    assert behind  # the review's borrowers were not all on time: the check saw arrears
