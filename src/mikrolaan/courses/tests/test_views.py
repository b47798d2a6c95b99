import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mikrolaan.cases.tests.factories import referred_case, screened_case
from mikrolaan.core.home import panels_for
from mikrolaan.courses.models import Cohort, ParticipationStatus
from mikrolaan.courses.services import log_conversation
from mikrolaan.courses.tests.factories import CohortFactory, in_pre_course_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def future_cohort(today):
    return CohortFactory(
        code="F1",
        pre_course_start=today - dt.timedelta(days=5),
        main_course_start=today + dt.timedelta(days=100),
        main_course_end=today + dt.timedelta(days=280),
    )


def test_create_a_cohort_with_a_size_warning(client, project_leader):
    client.force_login(project_leader)
    response = client.post(
        reverse("courses:cohorts"),
        {
            "code": "M40",
            "pre_course_start": "2027-01-04",
            "main_course_start": "2027-05-03",
            "main_course_end": "2027-10-29",
            "capacity": "15",
        },
        follow=True,
    )
    assert Cohort.objects.get(code="M40").capacity == 15
    text = response.content.decode()
    assert "Den anbefalede holdstørrelse er 10–12 iværksættere" in text


def test_knowledge_person_cannot_see_cohorts(client, knowledge_person):
    client.force_login(knowledge_person)
    assert client.get(reverse("courses:cohorts")).status_code == 403


def test_assign_through_the_view_and_warn_over_capacity(client, project_leader, unit, today):
    cohort = CohortFactory(
        code="F2",
        main_course_start=today + dt.timedelta(days=60),
        main_course_end=today + dt.timedelta(days=240),
        capacity=1,
    )
    in_pre_course_case(unit=unit, cohort=cohort, referred_on=today - dt.timedelta(days=40))
    case = screened_case(unit=unit, referred_on=today - dt.timedelta(days=30))
    client.force_login(project_leader)
    response = client.post(
        reverse("courses:assign", args=[case.pk]),
        {"on": today.isoformat(), "cohort": cohort.pk},
        follow=True,
    )
    case.refresh_from_db()
    assert case.cohort == cohort and case.stage == "pre_course"
    assert "mere end holdets kapacitet på 1" in response.content.decode()


def test_move_through_the_view(client, project_leader, unit, future_cohort, today):
    later = CohortFactory(
        code="F3",
        main_course_start=today + dt.timedelta(days=200),
        main_course_end=today + dt.timedelta(days=380),
    )
    case = in_pre_course_case(
        unit=unit, cohort=future_cohort, referred_on=today - dt.timedelta(days=40)
    )
    client.force_login(project_leader)
    response = client.post(
        reverse("courses:move", args=[case.pk]),
        {"on": today.isoformat(), "cohort": later.pk, "why": "Barsel"},
    )
    assert response.status_code == 302
    statuses = dict(case.participations.values_list("cohort__code", "status"))
    assert statuses == {"F1": ParticipationStatus.MOVED, "F3": ParticipationStatus.PRE_COURSE}
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "F1 → F3" in page and "Barsel" in page


def test_plan_of_another_units_case_is_404(client, knowledge_person, other_unit):
    case = in_pre_course_case(unit=other_unit)
    client.force_login(knowledge_person)
    assert client.get(reverse("courses:plan", args=[case.pk])).status_code == 404


def test_knowledge_person_may_see_but_not_change_the_plan(client, knowledge_person, unit):
    case = in_pre_course_case(unit=unit, complete=False)
    client.force_login(knowledge_person)
    assert client.get(reverse("courses:plan", args=[case.pk])).status_code == 200
    response = client.post(reverse("courses:complete", args=[case.pk]))
    assert response.status_code == 403


def test_conversation_warning_on_the_case_page(client, project_leader, unit, future_cohort, today):
    case = in_pre_course_case(
        unit=unit, cohort=future_cohort, referred_on=today - dt.timedelta(days=120)
    )
    client.force_login(project_leader)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="conversation-warning"' in page
    log_conversation(
        case,
        kind="individual",
        held_on=today,
        duration_minutes=120,
        place="Café",
        today=today,
        acting_user=project_leader,
    )
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="conversation-warning"' not in page


def _panel(user, key):
    return next((p for p in panels_for(user) if p["key"] == key), None)


def test_start_page_panels_are_scoped(
    unit, other_unit, knowledge_person, job_consultant, project_leader, future_cohort, today
):
    mine = referred_case(
        unit=unit, job_consultant=job_consultant, referred_on=today - dt.timedelta(days=100)
    )
    theirs = referred_case(unit=other_unit, referred_on=today - dt.timedelta(days=100))
    kp_rows = _panel(knowledge_person, "awaiting-screening")["rows"]
    assert [r["cells"][0] for r in kp_rows] == [mine.citizen.full_name]
    jc_due = _panel(job_consultant, "jc-conversations-due")["rows"]
    assert [r["cells"][0] for r in jc_due] == [mine.citizen.full_name]  # 3 months passed
    assert _panel(knowledge_person, "cohorts-pre-course") is None
    assert _panel(project_leader, "cohorts-pre-course")["rows"][0]["cells"][0] == "F1"
    assert theirs.citizen.full_name not in str(panels_for(knowledge_person))


def test_conversation_warnings_panel(project_leader, unit, future_cohort, today):
    case = in_pre_course_case(
        unit=unit, cohort=future_cohort, referred_on=today - dt.timedelta(days=120)
    )
    rows = _panel(project_leader, "conversation-warnings")["rows"]
    assert [r["cells"][0] for r in rows] == [case.citizen.full_name]


def test_attendance_is_recorded_after_the_plan_is_complete(client, project_leader, unit):
    case = in_pre_course_case(unit=unit)
    planned = case.pre_course_plan.activities.get(activity__code="bookkeeping")
    client.force_login(project_leader)
    url = reverse("courses:attendance", args=[case.pk, planned.pk])
    assert client.post(url, {"sessions_attended": "7"}).status_code == 302
    planned.refresh_from_db()
    assert planned.sessions_attended == 7
    response = client.post(url, {"sessions_attended": "9"}, follow=True)
    assert "Mellem 0 og 8 gange." in response.content.decode()
    planned.refresh_from_db()
    assert planned.sessions_attended == 7
