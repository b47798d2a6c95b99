"""The rules of the self-assessment: points from the case's dates, corrections, versions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mikrolaan.accounts.roles import Role
from mikrolaan.cases.tests.factories import REFERRED_ON, referred_case, staff
from mikrolaan.core.dates import add_months
from mikrolaan.core.models import AppendOnlyError
from mikrolaan.courses.models import Participation
from mikrolaan.courses.tests.factories import CohortFactory, in_pre_course_case
from mikrolaan.progression.constants import Area, Channel, Point, PointStatus
from mikrolaan.progression.due import due_points
from mikrolaan.progression.models import Assessment, Questionnaire
from mikrolaan.progression.questionnaires import add_questionnaire_version
from mikrolaan.progression.scores import progression_of
from mikrolaan.progression.services import effective_assessments
from mikrolaan.progression.tests.factories import assess, codes

pytestmark = pytest.mark.django_db

D = dt.date


def statuses(case, on):
    return {p.point: (p.date, p.status) for p in due_points(case, on)}


def test_the_seeded_questionnaire_covers_the_three_ps_and_three_more_areas():
    questionnaire = Questionnaire.in_force(D(2015, 1, 1))
    areas = set(questionnaire.statements.values_list("area", flat=True))
    assert areas == set(Area.values)
    assert questionnaire.statements.count() == 12


def test_points_of_a_referred_case_wait_for_its_dates():
    case = referred_case()
    got = statuses(case, REFERRED_ON + dt.timedelta(days=3))
    assert got[Point.REFERRAL] == (REFERRED_ON, PointStatus.DUE)
    for point in Point.values[1:]:
        assert got[point] == (None, PointStatus.NOT_YET_KNOWN)
    assert statuses(case, REFERRED_ON + dt.timedelta(days=31))[Point.REFERRAL][1] == (
        PointStatus.OVERDUE
    )
    assert statuses(case, REFERRED_ON + dt.timedelta(days=30))[Point.REFERRAL][1] == (
        PointStatus.DUE
    )


def test_points_follow_the_plan_the_cohort_and_the_participants_own_end():
    cohort = CohortFactory(main_course_start=D(2026, 6, 1), main_course_end=D(2026, 11, 30))
    case = in_pre_course_case(cohort=cohort)
    completed = case.pre_course_plan.completed_on
    got = statuses(case, completed + dt.timedelta(days=1))
    assert got[Point.PRE_COURSE_END] == (completed, PointStatus.DUE)
    assert got[Point.MAIN_COURSE_END] == (D(2026, 11, 30), PointStatus.UPCOMING)
    assert got[Point.AFTER_6_MONTHS] == (D(2027, 5, 30), PointStatus.UPCOMING)
    assert got[Point.AFTER_12_MONTHS] == (D(2027, 11, 30), PointStatus.UPCOMING)
    # The delayed participant's own end moves the later points with it.
    Participation.objects.filter(case=case).update(main_course_end=D(2027, 2, 28))
    got = statuses(case, D(2027, 3, 1))
    assert got[Point.MAIN_COURSE_END] == (D(2027, 2, 28), PointStatus.DUE)
    assert got[Point.AFTER_6_MONTHS][0] == D(2027, 8, 28)
    assert got[Point.AFTER_12_MONTHS][0] == D(2028, 2, 28)
    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)


def test_an_answered_point_is_answered_and_a_dropout_lapses_the_rest():
    case = referred_case()
    assess(case, Point.REFERRAL, on=REFERRED_ON + dt.timedelta(days=2))
    assert statuses(case, D(2026, 12, 1))[Point.REFERRAL][1] == PointStatus.ANSWERED
    case.stage = "dropped_out"
    case.save(update_fields=["stage"])
    got = statuses(case, D(2026, 12, 1))
    assert got[Point.REFERRAL][1] == PointStatus.ANSWERED
    assert {got[p][1] for p in Point.values[1:]} == {PointStatus.LAPSED}


def test_a_correction_is_a_new_record_and_the_old_one_is_kept():
    case = referred_case()
    day = REFERRED_ON + dt.timedelta(days=2)
    first = assess(case, Point.REFERRAL, on=day, scores=2)
    with pytest.raises(ValidationError) as exc:
        assess(case, Point.REFERRAL, on=day, scores=4)
    assert "point" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        assess(case, Point.REFERRAL, on=day, scores=4, corrects=first)
    assert "why" in exc.value.message_dict
    second = assess(case, Point.REFERRAL, on=day, scores=4, corrects=first, why="Tastefejl")
    assert second.corrects == first
    assert list(effective_assessments(case)) == [second]
    assert Assessment.objects.filter(case=case).count() == 2
    assert {i.scores[Point.REFERRAL] for i in progression_of(case).items} == {4}
    with pytest.raises(ValidationError):
        assess(case, Point.REFERRAL, on=day, scores=5, corrects=first, why="Igen")
    with pytest.raises(AppendOnlyError):
        first.delete()


def test_scores_dates_and_roles_are_checked():
    case = referred_case()
    day = REFERRED_ON + dt.timedelta(days=2)
    scores = dict.fromkeys(codes(day), 3)
    with pytest.raises(ValidationError) as exc:
        assess(case, Point.REFERRAL, on=day, scores={**scores, "person_belief": 6})
    assert set(exc.value.message_dict) == {"person_belief"}
    missing = dict(scores)
    del missing["money_budget"]
    with pytest.raises(ValidationError) as exc:
        assess(case, Point.REFERRAL, on=day, scores=missing)
    assert set(exc.value.message_dict) == {"money_budget"}
    with pytest.raises(ValidationError) as exc:
        assess(case, Point.REFERRAL, on=REFERRED_ON - dt.timedelta(days=1))
    assert set(exc.value.message_dict) == {"answered_on"}
    with pytest.raises(ValidationError):
        assess(case, Point.REFERRAL, on=day, today=day - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        assess(case, Point.REFERRAL, on=day, user=staff(Role.BENEFITS_CASEWORKER))
    with pytest.raises(PermissionDenied):  # a job consultant of another unit
        assess(case, Point.REFERRAL, on=day, user=staff(Role.JOB_CONSULTANT, None))
    own = staff(Role.JOB_CONSULTANT, case.unit)
    assert assess(case, Point.REFERRAL, on=day, user=own).recorded_by == own
    citizens = assess(case, Point.PRE_COURSE_END, on=day, channel=Channel.CITIZEN)
    assert citizens.recorded_by is None and citizens.channel == Channel.CITIZEN


def test_each_answer_keeps_the_version_in_force_and_items_follow_their_code(project_leader):
    case = referred_case()
    new_from = D(2026, 12, 15)
    with pytest.raises(ValidationError):
        add_questionnaire_version(
            valid_from=D(2026, 1, 1), name="For sent", statements=[], acting_user=project_leader
        )
    add_questionnaire_version(
        valid_from=new_from,
        name="Selvvurdering 2.0",
        statements=[
            ("person_belief", Area.PERSON, "Jeg tror på mig selv."),
            ("plan_customers", Area.PLAN, "Jeg ved, hvem mine kunder er."),
        ],
        acting_user=project_leader,
        today=D(2026, 12, 1),
    )
    old = assess(case, Point.REFERRAL, on=REFERRED_ON, scores=2)
    assert old.questionnaire.name == "Selvvurdering 1.0"
    later = D(2027, 1, 4)
    new = assess(
        case,
        Point.PRE_COURSE_END,
        on=later,
        scores={"person_belief": 5, "plan_customers": 4},
        today=later,
    )
    assert new.questionnaire.name == "Selvvurdering 2.0"
    items = {i.code: i for i in progression_of(case).items}
    assert items["person_belief"].text == "Jeg tror på mig selv."
    assert items["person_belief"].change(Point.PRE_COURSE_END) == 3
    assert items["money_budget"].scores[Point.PRE_COURSE_END] is None
    assert items["money_budget"].change(Point.PRE_COURSE_END) is None
    assert items["plan_customers"].change(Point.PRE_COURSE_END) is None
    assert list(items)[:2] == ["person_belief", "plan_customers"]
