"""Loans in the states tests need, made through the real services.

A granted decision goes through ``decisions.builders.grant``: a case in the pre-course, a
budget, a green decision and the two signatures. One state cannot: a decision whose amount is
outside the policy without a justification (the decisions service refuses it), which the
loans app must still refuse; that one is built from its rows.
"""

import datetime as dt
import importlib
from decimal import Decimal

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.events import record_event
from mikrolaan.cases.tests.factories import CaseFactory
from mikrolaan.decisions.builders import GREEN_PS, grant, start_for_payout
from mikrolaan.decisions.models import Decision, GrantApproval
from mikrolaan.loans import services
from mikrolaan.policy.models import LoanPolicy


def ensure_policy():
    """The 2013 policy the migration seeds: transactional tests flush it, so put it back."""
    from django.apps import apps

    seed = importlib.import_module("mikrolaan.policy.migrations.0003_first_policy").seed
    seed(apps, None)


def granted_decision(
    *,
    case=None,
    amount=Decimal("30000.00"),
    decided_on=dt.date(2013, 3, 1),
    project_leader=None,
    benefits_caseworker=None,
    justification="",
    benefits_approval=True,
):
    ensure_policy()
    case = case or CaseFactory(
        opened_on=decided_on - dt.timedelta(days=200), stage=Stage.PRE_COURSE
    )
    project_leader = project_leader or UserFactory(role=Role.PROJECT_LEADER)
    benefits_caseworker = benefits_caseworker or UserFactory(role=Role.BENEFITS_CASEWORKER)
    policy = LoanPolicy.in_force(decided_on)
    if not policy.amount_within_range(amount) and not justification.strip():
        return _unjustified_decision(case, amount, decided_on, project_leader, benefits_caseworker)
    return grant(
        case,
        amount=amount,
        decided_on=decided_on,
        project_leader=project_leader,
        benefits_caseworker=benefits_caseworker if benefits_approval else None,
        justification=justification,
    )


def _unjustified_decision(case, amount, decided_on, project_leader, benefits_caseworker):
    """A granted decision outside the policy's range with no justification. The decisions
    service refuses to record one, so it is built from rows, to test that the loans app
    refuses it too."""
    event = record_event(
        case, "decision", acting_user=project_leader, occurred_on=decided_on, summary="green"
    )
    decision = Decision.objects.create(
        case=case,
        event=event,
        decided_on=decided_on,
        colour="green",
        **GREEN_PS,
        proposed_amount=amount,
        recorded_by=project_leader,
    )
    for role, user in (
        (Role.PROJECT_LEADER, project_leader),
        (Role.BENEFITS_CASEWORKER, benefits_caseworker),
    ):
        GrantApproval.objects.create(
            decision=decision, role=role, approved_on=decided_on, recorded_by=user
        )
    return decision


def granted_loan(*, acting_user=None, **kwargs):
    decision = granted_decision(**kwargs)
    acting_user = acting_user or decision.recorded_by
    return services.create_loan(decision, acting_user=acting_user)


def ready_for_payout(loan, *, on: dt.date):
    """Take the loan's case where a payout may happen: main course started, fit for work."""
    start_for_payout(loan.case, on=on, cvr="39475146", acting_user=loan.decision.recorded_by)
    return loan


def disbursed_loan(*, paid_on=dt.date(2013, 3, 15), deferral_months=0, acting_user=None, **kwargs):
    loan = granted_loan(acting_user=acting_user, decided_on=paid_on, **kwargs)
    ready_for_payout(loan, on=paid_on)
    return services.record_payout(
        loan,
        paid_on=paid_on,
        acting_user=acting_user or loan.decision.recorded_by,
        deferral_months=deferral_months,
        deferral_reason="Virksomheden er i opstart." if deferral_months else "",
        send_letters=False,
    )
