import datetime as dt
from decimal import Decimal

import pytest

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.cases.models import CaseEvent
from mikrolaan.loans import payment_id, services
from mikrolaan.loans.models import Deferral, Loan
from mikrolaan.loans.plan import plan_of
from mikrolaan.loans.tests.factories import disbursed_loan, granted_decision, granted_loan

pytestmark = pytest.mark.django_db


def test_a_granted_decision_becomes_a_loan_with_its_policy_number_and_payment_id():
    loan = granted_loan(amount=Decimal("30000.00"), decided_on=dt.date(2014, 5, 2))
    assert loan.loan_ref == f"ML-2014-{loan.pk:05d}"
    assert payment_id.is_valid(loan.payment_id)
    assert loan.policy.name == "Mikrolån 3.0" and loan.term_months == 84
    assert loan.granted_on == dt.date(2014, 5, 2)
    assert CaseEvent.objects.filter(case=loan.case, kind="loan_created").exists()


def test_payment_ids_differ_between_loans():
    assert granted_loan().payment_id != granted_loan().payment_id


def test_one_approval_is_not_a_grant():
    decision = granted_decision(benefits_approval=False)
    with pytest.raises(services.LoanError, match="både projektleder og ydelsessagsbehandler"):
        services.create_loan(decision, acting_user=decision.recorded_by)


def test_an_amount_outside_the_policy_needs_a_justification():
    decision = granted_decision(amount=Decimal("51000.00"))
    with pytest.raises(services.LoanError, match="ingen begrundelse"):
        services.create_loan(decision, acting_user=decision.recorded_by)
    ok = granted_decision(amount=Decimal("51000.00"), justification="Særlig maskine nødvendig.")
    assert services.create_loan(ok, acting_user=ok.recorded_by).principal == Decimal("51000.00")


def test_a_decision_gets_one_loan():
    decision = granted_decision()
    services.create_loan(decision, acting_user=decision.recorded_by)
    with pytest.raises(services.LoanError):
        services.create_loan(decision, acting_user=decision.recorded_by)


def test_payout_sets_repayment_start_and_a_deferral_at_start_moves_it():
    plain = disbursed_loan(paid_on=dt.date(2013, 3, 15))
    deferred = disbursed_loan(paid_on=dt.date(2013, 3, 15), deferral_months=6)
    assert plain.repayment_start == dt.date(2013, 4, 2)
    assert deferred.repayment_start == dt.date(2013, 10, 1)
    assert Deferral.objects.get(loan=deferred).at_start


def test_deferrals_add_up_to_the_policy_maximum_and_each_has_a_reason():
    loan = disbursed_loan(paid_on=dt.date(2013, 3, 15), deferral_months=12)
    user = UserFactory(role=Role.PROJECT_LEADER)
    with pytest.raises(services.LoanError, match="skal begrundes"):
        services.grant_deferral(
            loan,
            months=3,
            reason=" ",
            decided_on=dt.date(2014, 1, 10),
            acting_user=user,
            send_letters=False,
        )
    services.grant_deferral(
        loan,
        months=24,
        reason="Sygdom",
        decided_on=dt.date(2014, 1, 10),
        acting_user=user,
        send_letters=False,
    )
    with pytest.raises(services.LoanError, match="36"):
        services.grant_deferral(
            loan,
            months=1,
            reason="Igen",
            decided_on=dt.date(2014, 3, 10),
            acting_user=user,
            send_letters=False,
        )


def test_a_deferral_re_derives_the_plan_and_never_moves_what_is_due():
    loan = disbursed_loan(paid_on=dt.date(2013, 3, 15))
    before = plan_of(loan)
    user = UserFactory(role=Role.PROJECT_LEADER)
    with pytest.raises(services.LoanError, match="forfaldne ydelser kan ikke udskydes"):
        services.grant_deferral(
            loan,
            months=3,
            reason="Sygdom",
            decided_on=dt.date(2013, 7, 10),
            first_month=dt.date(2013, 6, 1),
            acting_user=user,
            send_letters=False,
        )
    services.grant_deferral(
        loan,
        months=3,
        reason="Sygdom",
        decided_on=dt.date(2013, 7, 10),
        acting_user=user,
        send_letters=False,
    )
    after = plan_of(loan)
    assert [i.due_date for i in after[:4]] == [i.due_date for i in before[:4]]
    assert after[4].due_date == dt.date(2013, 11, 1)  # August instalment moved 3 months
    assert sum(i.amount for i in after) == sum(i.amount for i in before)
    assert Loan.objects.get(pk=loan.pk).plan_segments.count() == 3


def test_full_early_repayment_closes_the_loan_and_a_reversal_reopens_it():
    loan = disbursed_loan(paid_on=dt.date(2013, 3, 15), amount=Decimal("20000.00"))
    user = loan.decision.recorded_by
    figure = services.early_repayment_figure(loan, dt.date(2014, 1, 1))
    received = services.register_payment(
        loan, amount=figure, paid_on=dt.date(2014, 1, 1), acting_user=user
    )
    loan.refresh_from_db()
    assert loan.status == "repaid"
    assert CaseEvent.objects.filter(case=loan.case, kind="loan_repaid").exists()
    services.reverse_entry(
        received.entry,
        reason="Betalingen blev tilbageført",
        on=dt.date(2014, 1, 5),
        acting_user=user,
    )
    loan.refresh_from_db()
    assert loan.status == "active"


def test_the_months_a_deferral_may_start_with_are_consecutive_and_not_yet_due():
    loan = disbursed_loan(paid_on=dt.date(2013, 3, 15))
    months = services.deferrable_months(loan, dt.date(2013, 7, 10))
    assert months[0] == dt.date(2013, 8, 1)
    assert months[-1] == dt.date(2015, 7, 1) and len(months) == 24
    assert len(set(months)) == 24
