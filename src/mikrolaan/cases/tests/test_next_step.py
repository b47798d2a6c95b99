"""The next step of a case, stage by stage: what, who, by when, and the button for whom."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.audit.models import AuditRecord
from mikrolaan.budgets.tests.factories import budget
from mikrolaan.cases.constants import EventKind, Stage
from mikrolaan.cases.next_step import next_step
from mikrolaan.cases.tests.factories import referred_case, screen, screened_case, staff
from mikrolaan.courses.tests.factories import in_pre_course_case
from mikrolaan.decisions.services import (
    approval_refusal,
    approve_grant,
    may_decide,
    refuse_grant,
)
from mikrolaan.decisions.tests.factories import DAY, green, green_decision, yellow
from mikrolaan.loans.tests.factories import disbursed_loan, granted_loan, ready_for_payout

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The texts in English here; the Danish shows in the view and browser tests."""
    with translation.override("en"):
        yield


def test_screening_steps_name_the_knowledge_person_then_the_project_leader(project_leader):
    case = referred_case()
    kp = staff(Role.KNOWLEDGE_PERSON, case.unit)
    step = next_step(case, kp)
    assert (step["key"], step["roles"]) == ("first_screening", ["knowledge_person"])
    assert step["action"]["url"].endswith("/screening/first_screening/")
    assert next_step(case, project_leader)["action"] is None
    screen(case, EventKind.FIRST_SCREENING, on=case.opened_on + dt.timedelta(days=3))
    case.refresh_from_db()
    assert next_step(case, kp)["key"] == "first_conversation"
    screen(case, EventKind.FIRST_CONVERSATION, on=case.opened_on + dt.timedelta(days=5))
    case.refresh_from_db()
    step = next_step(case, project_leader)
    assert (step["key"], step["roles"]) == ("final_screening", ["project_leader"])
    assert step["action"] is not None
    assert next_step(case, kp)["action"] is None


def test_after_the_final_screening_the_cohort_or_the_dropout(project_leader):
    assert next_step(screened_case(), project_leader)["key"] == "assign"
    case = referred_case()
    screen(case, EventKind.FIRST_SCREENING, on=case.opened_on + dt.timedelta(days=3))
    screen(case, EventKind.FIRST_CONVERSATION, on=case.opened_on + dt.timedelta(days=5))
    screen(
        case, EventKind.FINAL_SCREENING, on=case.opened_on + dt.timedelta(days=7), recommend=False
    )
    case.refresh_from_db()
    step = next_step(case, project_leader)
    assert step["key"] == "not-recommended"
    assert step["action"]["url"].endswith("/dropout/")


def test_pre_course_plan_is_due_15_days_before_the_main_course(project_leader):
    case = in_pre_course_case(complete=False, project_leader=project_leader)
    step = next_step(case, project_leader)
    assert step["key"] == "plan"
    assert step["due"] == case.cohort.main_course_start - dt.timedelta(days=15)
    case = in_pre_course_case(project_leader=project_leader)
    step = next_step(case, project_leader)
    assert step["key"] == "budget"
    assert step["due"] == case.cohort.main_course_start
    budget(case, project_leader)
    assert next_step(case, project_leader)["key"] == "decide"


def test_yellow_asks_for_a_resubmitted_budget(project_leader):
    case = in_pre_course_case(project_leader=project_leader)
    budget(case, project_leader)
    yellow(case, project_leader)
    case.refresh_from_db()
    step = next_step(case, project_leader)
    assert step["key"] == "resubmit"
    assert "Likviditetsbudgettet" in step["note"]


def test_one_approval_given_names_the_missing_role(project_leader, benefits_caseworker):
    decision = green_decision(project_leader)
    case = decision.case
    step = next_step(case, benefits_caseworker)
    assert step["key"] == "approve"
    assert set(step["roles"]) == {"project_leader", "benefits_caseworker"}
    approve_grant(decision, approved_on=DAY, acting_user=project_leader)
    step = next_step(case, project_leader)
    assert step["roles"] == ["benefits_caseworker"]
    assert step["action"] is None
    assert "One approval is given" in step["note"]
    assert "benefits caseworker" in step["note"]
    assert next_step(case, benefits_caseworker)["action"]["url"].endswith(
        f"/{decision.pk}/approve/"
    )


def test_the_second_approver_refuses_and_the_case_goes_back_to_the_decision(
    project_leader, benefits_caseworker
):
    decision = green_decision(project_leader)
    case = decision.case
    approve_grant(decision, approved_on=DAY, acting_user=project_leader)
    with pytest.raises(ValidationError, match="reason"):
        refuse_grant(decision, refused_on=DAY, reason="  ", acting_user=benefits_caseworker)
    with pytest.raises(ValidationError, match="already approved"):
        refuse_grant(decision, refused_on=DAY, reason="Nej", acting_user=project_leader)
    assert not decision.grant_refusals.exists()

    refuse_grant(
        decision,
        refused_on=DAY,
        reason="Forsørgelsen er ikke afklaret.",
        acting_user=benefits_caseworker,
    )
    case.refresh_from_db()
    assert case.stage == Stage.DECISION
    event = case.events.get(kind="grant_refused")
    assert event.why == "Forsørgelsen er ikke afklaret."
    assert AuditRecord.objects.filter(citizen=case.citizen, user=benefits_caseworker).exists()
    assert "refused" in approval_refusal(decision, benefits_caseworker)
    step = next_step(case, project_leader)
    assert step["key"] == "decide-again"
    assert "Forsørgelsen er ikke afklaret." in step["note"]
    assert may_decide(case, project_leader)
    # A new round on the same budget; it can be granted as usual.
    second = green(case, project_leader)
    assert second.round_number == 2
    assert next_step(case, benefits_caseworker)["key"] == "approve"


def test_after_the_grant_main_course_fit_payout_and_repayment(
    project_leader, benefits_caseworker, finance_clerk
):
    loan = granted_loan(project_leader=project_leader, benefits_caseworker=benefits_caseworker)
    case = loan.case
    case.refresh_from_db()
    assert case.stage == Stage.GRANTED
    step = next_step(case, benefits_caseworker)
    assert step["key"] == "main-course"
    assert set(step["roles"]) == {"project_leader", "benefits_caseworker"}
    assert step["action"] is not None
    assert next_step(case, finance_clerk)["action"] is None
    ready_for_payout(loan, on=dt.date(2013, 3, 10))
    case.refresh_from_db()
    step = next_step(case, project_leader)
    assert (step["key"], step["roles"], step["action"]) == ("payout", ["finance_clerk"], None)
    assert "finance clerk" in step["what"]
    action = next_step(case, finance_clerk)["action"]
    assert action["url"].endswith(f"/loans/{loan.pk}/#payout")


def test_a_granted_case_without_a_loan_sets_it_up_and_a_paid_loan_is_repaid(finance_clerk):
    from mikrolaan.decisions.tests.factories import granted_decision

    decision = granted_decision(
        UserFactory(username="pl9", role="project_leader"),
        UserFactory(username="bc9", role="benefits_caseworker"),
    )
    step = next_step(decision.case, finance_clerk)
    assert step["key"] == "set-up-loan"
    assert step["action"]["url"].endswith(f"/set-up/{decision.pk}/")
    loan = disbursed_loan()
    loan.case.refresh_from_db()
    assert next_step(loan.case, finance_clerk)["key"] == "repayment"


def test_a_closed_case_has_no_next_step(project_leader):
    case = referred_case()
    case.stage = Stage.CLOSED
    assert next_step(case, project_leader) is None
