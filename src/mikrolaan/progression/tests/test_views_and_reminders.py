"""The caseworker's form and the case page section; the reminder letters, one per point."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mikrolaan.accounts.roles import Role
from mikrolaan.audit.models import AuditRecord
from mikrolaan.cases.models import Case
from mikrolaan.cases.tests.factories import referred_case, staff
from mikrolaan.letters.models import Letter
from mikrolaan.progression.constants import Point
from mikrolaan.progression.models import Assessment, AssessmentReminder
from mikrolaan.progression.reminders import remind_due_assessments
from mikrolaan.progression.tests.factories import assess, codes
from mikrolaan.servicing import run

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    return referred_case(referred_on=timezone.localdate() - dt.timedelta(days=3))


def _post(client, url, *, point=Point.REFERRAL, score=4, **extra):
    today = timezone.localdate()
    data = {"point": point, "answered_on": today.isoformat(), "why": "", **extra}
    data.update({f"score_{c}": str(score) for c in codes(today)})
    return client.post(url, data)


def test_the_caseworker_enters_and_corrects_an_assessment(client, project_leader, case):
    client.force_login(project_leader)
    detail = reverse("cases:detail", args=[case.pk])
    page = client.get(detail).content.decode()
    assert 'data-testid="progression"' in page
    record = reverse("progression:record", args=[case.pk])
    assert record in page
    form = client.get(record)
    assert form.status_code == 200 and form.content.decode().count('type="radio"') == 60
    assert AuditRecord.objects.filter(user=project_leader, citizen=case.citizen).exists()

    missing = _post(client, record, score="")
    assert missing.status_code == 200 and 'data-testid="error-score_person_belief"' in (
        missing.content.decode()
    )
    assert _post(client, record, score=2).status_code == 302
    first = Assessment.objects.get(case=case)
    assert first.recorded_by == project_leader and first.answers.count() == 12

    again = _post(client, record, score=3)
    assert 'data-testid="error-point"' in again.content.decode()

    correct = reverse("progression:correct", args=[first.pk])
    assert correct in client.get(detail).content.decode()
    assert 'data-testid="error-why"' in _post(client, correct, score=5).content.decode()
    assert _post(client, correct, score=5, why="Forkert udfyldt").status_code == 302
    second = Assessment.objects.get(corrects=first)
    assert {a.score for a in second.answers.all()} == {5}
    page = client.get(detail).content.decode()
    assert 'data-testid="progression-row"' in page and "Selvvurdering" in page


def test_roles_without_this_case_work_get_no_form(client, case):
    benefits = staff(Role.BENEFITS_CASEWORKER)
    client.force_login(benefits)
    record = reverse("progression:record", args=[case.pk])
    assert record not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert client.get(record).status_code == 403
    client.force_login(staff(Role.JOB_CONSULTANT, None))  # another unit: not even the case
    assert client.get(record).status_code == 404


def test_one_reminder_letter_per_due_point(case):
    today = timezone.localdate()
    assert remind_due_assessments(today) == 1
    assert remind_due_assessments(today) == 0
    (reminder,) = AssessmentReminder.objects.all()
    assert reminder.point == Point.REFERRAL and reminder.case == case
    letter = Letter.objects.get(pk=reminder.letter_id)
    assert letter.citizen == case.citizen and letter.subject == "Selvvurdering: ved henvisning"
    # Answered or long overdue points are not chased.
    other = referred_case(referred_on=today - dt.timedelta(days=2))
    assess(other, Point.REFERRAL, on=today)
    referred_case(referred_on=today - dt.timedelta(days=90))
    assert remind_due_assessments(today) == 0


def test_the_daily_run_sends_them(case):
    result = run.run(timezone.localdate())
    assert result.counts["assessment_reminders"] == 1
    assert AssessmentReminder.objects.count() == 1


def test_the_daily_filter_reads_only_cases_near_a_point_and_misses_none():
    """``_candidates`` (a filter in the database) holds every case with a point due, day by day
    through a cohort's year — checked against ``due_points`` over every case — and leaves out
    a case whose points are all long past."""
    from mikrolaan.courses.models import Participation
    from mikrolaan.courses.tests.factories import CohortFactory, in_pre_course_case
    from mikrolaan.progression.constants import PointStatus
    from mikrolaan.progression.due import ENDED_STAGES, due_points
    from mikrolaan.progression.reminders import _candidates

    day = dt.date(2026, 1, 5)
    cohort = CohortFactory(
        pre_course_start=dt.date(2026, 2, 1),
        main_course_start=dt.date(2026, 6, 1),
        main_course_end=dt.date(2026, 11, 30),
    )
    cases = [
        in_pre_course_case(cohort=cohort, referred_on=day),
        in_pre_course_case(cohort=cohort, referred_on=day + dt.timedelta(days=20)),
        referred_case(referred_on=day + dt.timedelta(days=40)),
    ]
    Participation.objects.filter(case=cases[1]).update(main_course_end=dt.date(2027, 2, 28))
    old = referred_case(referred_on=dt.date(2023, 3, 1))
    checked = 0
    for offset in range(0, 760, 9):
        on = day + dt.timedelta(days=offset)
        with_due = {
            case.pk
            for case in Case.objects.exclude(stage__in=ENDED_STAGES)
            if any(p.status == PointStatus.DUE for p in due_points(case, on))
        }
        candidates = set(_candidates(on).values_list("pk", flat=True))
        assert with_due <= candidates, on
        assert old.pk not in candidates
        checked += bool(with_due)
    assert checked > 20  # the dates did cross points of every kind
