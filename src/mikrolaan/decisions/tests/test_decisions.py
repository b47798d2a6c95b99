import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from mikrolaan.budgets.tests.factories import budget
from mikrolaan.cases.constants import Stage
from mikrolaan.core.models import AppendOnlyError
from mikrolaan.decisions.models import Decision
from mikrolaan.decisions.services import awaits_resubmission, decide, worst_colour
from mikrolaan.decisions.tests.factories import DAY, case_in_pre_course, green, three_ps, yellow
from mikrolaan.policy.models import LoanPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(project_leader):
    case = case_in_pre_course()
    budget(case, project_leader)
    return case


def test_yellow_opens_a_resubmission_and_the_next_round_needs_a_new_version(case, project_leader):
    first = yellow(case, project_leader)
    case.refresh_from_db()
    assert first.round_number == 1
    assert case.stage == Stage.DECISION
    assert awaits_resubmission(case)
    with pytest.raises(ValidationError, match="resubmitted budget"):
        green(case, project_leader)
    budget(case, project_leader, submitted_on=dt.date(2026, 4, 1))
    assert not awaits_resubmission(case)
    second = green(case, project_leader, on=dt.date(2026, 4, 8))
    assert second.round_number == 2
    assert second.budget_version.number == 2
    assert first.budget_version.number == 1
    assert list(case.decisions.values_list("colour", flat=True)) == ["yellow", "green"]


def test_any_number_of_yellow_rounds(case, project_leader):
    for n in range(1, 4):
        assert yellow(case, project_leader).round_number == n
        budget(case, project_leader)
    assert case.decisions.count() == 3


def test_yellow_needs_feedback(case, project_leader):
    with pytest.raises(ValidationError) as exc:
        decide(
            case, decided_on=DAY, colour="yellow", **three_ps("yellow"), acting_user=project_leader
        )
    assert "feedback" in exc.value.message_dict


@pytest.mark.parametrize(
    ("outcome", "stage"),
    [("end_trajectory", Stage.CLOSED), ("return_to_job_centre", Stage.CLOSED)],
)
def test_red_ends_the_case_and_records_which_way(case, project_leader, outcome, stage):
    decision = decide(
        case,
        decided_on=DAY,
        colour="red",
        red_outcome=outcome,
        feedback="Mættet marked.",
        **three_ps("red"),
        acting_user=project_leader,
    )
    case.refresh_from_db()
    assert case.stage == stage
    assert decision.red_outcome == outcome
    assert decision.event.data["red_outcome"] == outcome
    with pytest.raises(ValidationError):
        green(case, project_leader)
    with pytest.raises(ValidationError):
        budget(case, project_leader)


def test_red_must_say_what_happens_to_the_citizen(case, project_leader):
    with pytest.raises(ValidationError) as exc:
        decide(case, decided_on=DAY, colour="red", **three_ps("red"), acting_user=project_leader)
    assert "red_outcome" in exc.value.message_dict


def test_green_proposes_an_amount_and_stores_the_policy(case, project_leader):
    decision = green(case, project_leader, amount=Decimal("35000"))
    assert decision.proposed_amount == Decimal("35000")
    assert decision.policy == LoanPolicy.in_force(DAY)
    assert not decision.amount_outside_policy
    with pytest.raises(ValidationError) as exc:
        decide(
            case_with_budget(project_leader),
            decided_on=DAY,
            colour="green",
            **three_ps(),
            acting_user=project_leader,
        )
    assert "proposed_amount" in exc.value.message_dict


def case_with_budget(user):
    c = case_in_pre_course()
    budget(c, user)
    return c


@pytest.mark.parametrize("amount", [Decimal("51000"), Decimal("999.99")])
def test_an_amount_outside_the_policy_needs_a_written_justification(case, project_leader, amount):
    with pytest.raises(ValidationError) as exc:
        green(case, project_leader, amount=amount)
    assert "justification" in exc.value.message_dict["amount_justification"][0]
    assert not case.decisions.exists()
    decision = green(
        case,
        project_leader,
        amount=amount,
        amount_justification="Værkstedsudstyr; godkendt af leder.",
    )
    assert decision.amount_outside_policy


def test_the_edges_of_the_range_need_no_justification(project_leader):
    assert green(case_with_budget(project_leader), project_leader, amount=Decimal("50000"))
    assert green(case_with_budget(project_leader), project_leader, amount=Decimal("1000"))


def test_the_policy_in_force_on_the_decision_date_decides_the_range(case, project_leader):
    LoanPolicy.objects.create(
        valid_from=dt.date(2026, 3, 1), name="Ny", legal_basis="x", max_amount=Decimal("60000")
    )
    decision = green(case, project_leader, amount=Decimal("55000"))
    assert decision.policy.name == "Ny"
    assert not decision.amount_outside_policy


def test_green_is_refused_when_a_p_is_red(case, project_leader):
    with pytest.raises(ValidationError) as exc:
        decide(
            case,
            decided_on=DAY,
            colour="green",
            proposed_amount=Decimal("1000"),
            **{**three_ps(), "plan_colour": "red"},
            acting_user=project_leader,
        )
    assert "colour" in exc.value.message_dict


def test_only_green_proposes_an_amount(case, project_leader):
    with pytest.raises(ValidationError):
        decide(
            case,
            decided_on=DAY,
            colour="yellow",
            feedback="x",
            proposed_amount=Decimal("5"),
            **three_ps("yellow"),
            acting_user=project_leader,
        )


def test_no_decision_without_a_budget(project_leader):
    with pytest.raises(ValidationError, match="budgets"):
        green(case_in_pre_course(), project_leader)


def test_only_a_project_leader_decides(case, benefits_caseworker):
    with pytest.raises(PermissionDenied):
        green(case, benefits_caseworker)


def test_worst_colour_suggests_the_overall_colour():
    assert worst_colour("green", "yellow", "green") == "yellow"
    assert worst_colour("green", "red", "yellow") == "red"
    assert worst_colour("green", "green", "green") == "green"


def test_decisions_are_append_only(case, project_leader):
    decision = green(case, project_leader)
    decision.proposed_amount = Decimal("49000")
    with pytest.raises(AppendOnlyError):
        decision.save()
    with pytest.raises(AppendOnlyError):
        Decision.objects.filter(pk=decision.pk).update(colour="red")
    with pytest.raises(AppendOnlyError):
        decision.delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE decisions_decision SET colour = 'red' WHERE id = %s", [decision.pk])
    assert Decision.objects.get(pk=decision.pk).colour == "green"
