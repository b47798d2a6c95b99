"""Loans in the states tests need, made through the real services.

On this branch the decisions app has no services yet, so a granted decision is built from
its rows: a green ``Decision`` and the two ``GrantApproval`` signatures.
"""

import datetime as dt
import importlib
from decimal import Decimal

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.cases.events import record_event
from mikrolaan.cases.tests.factories import CaseFactory
from mikrolaan.decisions.models import Decision, GrantApproval
from mikrolaan.loans import services


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
    case = case or CaseFactory(opened_on=decided_on - dt.timedelta(days=200))
    project_leader = project_leader or UserFactory(role=Role.PROJECT_LEADER)
    benefits_caseworker = benefits_caseworker or UserFactory(role=Role.BENEFITS_CASEWORKER)
    event = record_event(
        case, "decision", acting_user=project_leader, occurred_on=decided_on, summary="green"
    )
    decision = Decision.objects.create(
        case=case,
        event=event,
        decided_on=decided_on,
        colour="green",
        person_colour="green",
        person_reason="Motiveret og vedholdende.",
        money_colour="green",
        money_reason="Realistisk lånebehov.",
        plan_colour="green",
        plan_reason="Gennemarbejdet forretningsplan.",
        proposed_amount=amount,
        amount_justification=justification,
        recorded_by=project_leader,
    )
    GrantApproval.objects.create(
        decision=decision,
        role=Role.PROJECT_LEADER,
        approved_on=decided_on,
        recorded_by=project_leader,
    )
    if not benefits_approval:
        return decision
    GrantApproval.objects.create(
        decision=decision,
        role=Role.BENEFITS_CASEWORKER,
        approved_on=decided_on,
        recorded_by=benefits_caseworker,
    )
    return decision


def granted_loan(*, acting_user=None, **kwargs):
    decision = granted_decision(**kwargs)
    acting_user = acting_user or decision.recorded_by
    return services.create_loan(decision, acting_user=acting_user)


def ready_for_payout(loan, *, on: dt.date):
    """Take the loan's case where a payout may happen: main course started, fit for work.

    The decision here is built from rows, so the case's stage is set to ``granted`` as the
    grant service would have left it; the main-course start goes through its real service."""
    from mikrolaan.cases.constants import Stage
    from mikrolaan.cases.models import Case
    from mikrolaan.decisions.main_course import start_main_course

    Case.objects.filter(pk=loan.case_id).update(stage=Stage.GRANTED)
    start_main_course(
        Case.objects.get(pk=loan.case_id),
        started_on=on,
        cvr="39475146",
        subsistence_months=6,
        fit_for_work_on=on,
        acting_user=loan.decision.recorded_by,
    )
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
