"""Imported loans are serviced like granted ones: a payment ID and a stored plan."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from mikrolaan.interchange.services import import_bundle
from mikrolaan.interchange.tests.conftest import GOOD, write_files
from mikrolaan.loans import payment_id
from mikrolaan.loans.arrears import arrears_for
from mikrolaan.loans.lifecycle import status_from_ledger
from mikrolaan.loans.models import (
    Deferral,
    Loan,
    LoanStatus,
    LoanTransition,
    PaymentSplit,
    PlanSegment,
)
from mikrolaan.loans.plan import position, rederive_many
from mikrolaan.loans.tests.test_rederive_many import stored

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


def _stored(loan_ids):
    return {pk: stored(Loan.objects.get(pk=pk)) for pk in loan_ids}


def test_new_loans_are_written_as_the_loans_app_derives_them_from_their_ledger(review_bundle):
    """An import derives its new loans in memory and writes each once (``new_loans``): the
    plan, splits and kept figures are those a re-derivation from the stored ledger gives, the
    status is the one the ledger implies, and the transitions lead to it."""
    call_command("import", str(review_bundle))
    ids = list(Loan.objects.values_list("pk", flat=True))
    imported = _stored(ids)
    statuses = set(Loan.objects.values_list("status", flat=True))
    # The bundle has loans being repaid, repaid, with the collector and deferred at start.
    assert {LoanStatus.ACTIVE, LoanStatus.REPAID, LoanStatus.IN_COLLECTION} <= statuses
    assert Deferral.objects.filter(at_start=True).exists()
    assert PaymentSplit.objects.exists()
    assert rederive_many(ids) == len(ids)
    assert _stored(ids) == imported
    for loan in Loan.objects.all():
        assert loan.status == status_from_ledger(loan), loan.loan_ref
        last = LoanTransition.objects.filter(loan=loan).order_by("pk").last()
        assert last is not None and last.to_status == loan.status, loan.loan_ref


def test_a_bundle_with_a_new_loan_and_payments_to_a_loan_already_in_the_database(
    good_bundle, tmp_path
):
    """The two ways of writing a bundle's loans in one import: the new loan derived in memory,
    the existing one re-derived from the database; both as a re-derivation stores them."""
    import_bundle(good_bundle)
    files = dict(GOOD)
    files["people.csv"] = GOOD["people.csv"] + "P3,,Ole,Olsen,,1980,M,,\n"
    files["participations.csv"] = GOOD["participations.csv"] + "P3,M3,completed,,,,\n"
    files["loans.csv"] = GOOD["loans.csv"] + "L3,P3,M3,15000.00,2013-07-01,2014-03-01\n"
    files["payments.csv"] = (
        GOOD["payments.csv"]
        + "L1,2014-03-03,2500.00,R7\n"  # to the loan already there: more than one instalment
        + "L3,2014-03-03,214.29,A1\nL3,2014-04-01,5000.00,A2\n"
    )
    result = import_bundle(write_files(tmp_path / "later", files))
    assert result.created["loans"] == 1 and result.created["payments"] == 3
    ids = list(Loan.objects.values_list("pk", flat=True))
    imported = _stored(ids)
    new = Loan.objects.get(loan_ref="L3")
    assert payment_id.is_valid(new.payment_id)
    assert new.balance == Decimal("15000.00") - Decimal("214.29") - Decimal("5000.00")
    assert PaymentSplit.objects.filter(loan=new).exists()  # the 5,000 paid the back of the plan
    assert rederive_many(ids) == len(ids)
    assert _stored(ids) == imported
    for loan in Loan.objects.all():
        assert loan.status == status_from_ledger(loan), loan.loan_ref
