from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.budgets.tests.factories import budget
from mikrolaan.cases.constants import Stage
from mikrolaan.decisions.models import Decision, GrantApproval
from mikrolaan.decisions.services import approve_grant, granted_decisions, grants_awaiting
from mikrolaan.decisions.tests.factories import (
    DAY,
    case_in_pre_course,
    green,
    green_decision,
    yellow,
)

pytestmark = pytest.mark.django_db


def test_project_leader_and_benefits_caseworker_grant_the_loan(project_leader, benefits_caseworker):
    decision = green_decision(project_leader)
    approve_grant(decision, approved_on=DAY, acting_user=project_leader)
    decision.case.refresh_from_db()
    assert not decision.is_granted
    assert decision.case.stage == Stage.DECISION
    assert decision not in granted_decisions()
    approve_grant(decision, approved_on=DAY, acting_user=benefits_caseworker)
    decision.case.refresh_from_db()
    assert decision.is_granted
    assert decision.case.stage == Stage.GRANTED
    assert list(granted_decisions()) == [decision]
    kinds = list(decision.case.events.values_list("kind", flat=True))
    assert kinds[-3:] == ["grant_approved", "grant_approved", "loan_granted"]


def test_the_same_person_cannot_approve_twice(project_leader):
    decision = green_decision(project_leader)
    approve_grant(decision, approved_on=DAY, acting_user=project_leader)
    with pytest.raises(ValidationError, match="another person"):
        approve_grant(decision, approved_on=DAY, acting_user=project_leader)
    assert decision.approvals.count() == 1


def test_two_project_leaders_do_not_make_a_grant(project_leader):
    decision = green_decision(project_leader)
    other_leader = UserFactory(username="pl2", role="project_leader")
    approve_grant(decision, approved_on=DAY, acting_user=project_leader)
    with pytest.raises(ValidationError, match="other role"):
        approve_grant(decision, approved_on=DAY, acting_user=other_leader)
    assert not decision.is_granted


def test_one_person_cannot_sign_in_both_roles(project_leader):
    """Even if the same user's role is changed between the signatures."""
    decision = green_decision(project_leader)
    approve_grant(decision, approved_on=DAY, acting_user=project_leader)
    project_leader.role = "benefits_caseworker"
    project_leader.save()
    with pytest.raises(ValidationError, match="another person"):
        approve_grant(decision, approved_on=DAY, acting_user=project_leader)
    assert not decision.is_granted


def test_the_database_refuses_a_second_signature_by_one_person(project_leader):
    decision = green_decision(project_leader)
    GrantApproval.objects.create(
        decision=decision, role="project_leader", approved_on=DAY, recorded_by=project_leader
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        GrantApproval.objects.create(
            decision=decision,
            role="benefits_caseworker",
            approved_on=DAY,
            recorded_by=project_leader,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        GrantApproval.objects.create(
            decision=decision,
            role="project_leader",
            approved_on=DAY,
            recorded_by=UserFactory(username="pl3"),
        )


@pytest.mark.parametrize("role", ["job_consultant", "finance_clerk", "knowledge_person", "manager"])
def test_other_roles_cannot_approve(project_leader, role):
    decision = green_decision(project_leader)
    with pytest.raises(PermissionDenied):
        approve_grant(decision, approved_on=DAY, acting_user=UserFactory(username=role, role=role))


def test_only_a_green_decision_is_approved(project_leader, benefits_caseworker):
    case = case_in_pre_course()
    budget(case, project_leader)
    decision = yellow(case, project_leader)
    with pytest.raises(ValidationError, match="green"):
        approve_grant(decision, approved_on=DAY, acting_user=benefits_caseworker)


def test_an_amount_outside_policy_without_justification_cannot_be_approved(
    project_leader, benefits_caseworker
):
    """A decision stored without the justification (e.g. imported, or made before the policy
    narrowed) is refused at the grant."""
    case = case_in_pre_course()
    budget(case, project_leader)
    ok = green(case, project_leader, amount=Decimal("51000"), amount_justification="Begrundet.")
    approve_grant(ok, approved_on=DAY, acting_user=benefits_caseworker)  # justified: fine

    case2 = case_in_pre_course()
    budget(case2, project_leader)
    good = green(case2, project_leader, amount=Decimal("40000"))
    bad = Decision.objects.create(
        case=case2,
        event=good.event.__class__.objects.create(case=case2, kind="decision", occurred_on=DAY),
        decided_on=DAY,
        round_number=2,
        colour="green",
        proposed_amount=Decimal("51000"),
        person_colour="green",
        person_reason="x",
        money_colour="green",
        money_reason="x",
        plan_colour="green",
        plan_reason="x",
        policy=good.policy,
    )
    with pytest.raises(ValidationError, match="justification"):
        approve_grant(bad, approved_on=DAY, acting_user=benefits_caseworker)


def test_grants_awaiting_lists_what_each_can_sign(project_leader, benefits_caseworker):
    decision = green_decision(project_leader)
    assert grants_awaiting(project_leader) == [decision]
    assert grants_awaiting(benefits_caseworker) == [decision]
    approve_grant(decision, approved_on=DAY, acting_user=project_leader)
    assert grants_awaiting(project_leader) == []
    assert grants_awaiting(benefits_caseworker) == [decision]
