"""The date rules of budgets, decisions, main-course start and fit for work (issue 9)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from mikrolaan.budgets.tests.factories import budget
from mikrolaan.cases.constants import Stage
from mikrolaan.courses.models import PreCoursePlan
from mikrolaan.decisions.main_course import confirm_fit_for_work, start_main_course
from mikrolaan.decisions.tests.factories import case_in_pre_course, granted_decision, green

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
START = dt.date(2026, 5, 4)  # M9's main course: 04.05.2026–03.11.2026
CVR = "30011228"


def fields(err) -> list[str]:
    return list(err.value.message_dict)


def test_a_budget_is_not_dated_in_the_future(project_leader):
    case = case_in_pre_course()
    with pytest.raises(ValidationError) as err:
        budget(case, project_leader, submitted_on=TODAY + dt.timedelta(days=1))
    assert fields(err) == ["submitted_on"]
    assert not case.budget_versions.exists()


def test_a_decision_is_not_before_the_budget_nor_in_the_future(project_leader):
    case = case_in_pre_course()
    budget(case, project_leader, submitted_on=dt.date(2026, 3, 2))
    for day in (dt.date(2026, 3, 1), TODAY + dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as err:
            green(case, project_leader, on=day)
        assert fields(err) == ["decided_on"]
    assert not case.decisions.exists()


@pytest.fixture
def case(project_leader, benefits_caseworker):
    return granted_decision(project_leader, benefits_caseworker).case


def test_the_main_course_starts_within_the_cohorts_main_course(case, project_leader):
    for day in (dt.date(2026, 4, 20), dt.date(2026, 11, 4)):
        with translation.override("da"), pytest.raises(ValidationError) as err:
            start_main_course(
                case, started_on=day, cvr=CVR, subsistence_months=6, acting_user=project_leader
            )
        assert fields(err) == ["started_on"]
        assert "hovedforløbet for M9 (04.05.2026–03.11.2026)" in err.value.messages[0]
    case.refresh_from_db()
    assert case.stage == Stage.GRANTED


def test_the_main_course_starts_after_the_completed_plan(case, project_leader):
    PreCoursePlan.objects.create(case=case, completed_on=dt.date(2026, 5, 10))
    with translation.override("da"), pytest.raises(ValidationError) as err:
        start_main_course(
            case, started_on=START, cvr=CVR, subsistence_months=6, acting_user=project_leader
        )
    assert "den færdige for-forløbsplan (10.05.2026)" in err.value.message_dict["started_on"][0]


def test_fit_for_work_is_not_in_the_future(case, project_leader):
    future = TODAY + dt.timedelta(days=60)
    with pytest.raises(ValidationError) as err:
        start_main_course(
            case,
            started_on=START,
            cvr=CVR,
            subsistence_months=6,
            fit_for_work_on=future,
            acting_user=project_leader,
        )
    assert fields(err) == ["fit_for_work_on"]
    start_main_course(
        case, started_on=START, cvr=CVR, subsistence_months=6, acting_user=project_leader
    )
    with pytest.raises(ValidationError) as err:
        confirm_fit_for_work(case, confirmed_on=future, acting_user=project_leader)
    assert fields(err) == ["confirmed_on"]
    assert not case.fit_for_work.exists()


def test_the_fit_for_work_page_names_the_rule(client, case, project_leader):
    start_main_course(
        case, started_on=START, cvr=CVR, subsistence_months=6, acting_user=project_leader
    )
    client.force_login(project_leader)
    response = client.post(
        reverse("decisions:fit", args=[case.pk]),
        {"confirmed_on": (TODAY + dt.timedelta(days=60)).isoformat(), "note": ""},
    )
    assert response.status_code == 200
    assert "En raskmelding kan ikke dateres i fremtiden" in response.content.decode()
    assert not case.fit_for_work.exists()
