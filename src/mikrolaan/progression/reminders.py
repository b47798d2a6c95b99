"""A reminder letter through the outbox when a measuring point is due: one letter per point.

``remind_due_assessments(on)`` is called by the daily servicing run (and by
``mikrolaan assessment_reminders``). For every case still in the programme or followed after it
(not dropped out, closed or registered in error) it reads the points (``due.due_points``);
each point that is *due* on ``on`` — from its date through the answer window, so a point long
overdue when this began is not chased — and has no reminder yet gets a letter and an
``AssessmentReminder`` row in one transaction per case. ``UNIQUE (case, point)`` and the row
lock on the case make a second letter for the same point impossible, also when two runs meet.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import translation

from mikrolaan.cases.events import record_event
from mikrolaan.cases.models import Case
from mikrolaan.cases.services import lock_case
from mikrolaan.core.dates import add_months
from mikrolaan.courses.models import Participation
from mikrolaan.letters.models import LetterKind
from mikrolaan.letters.pdf import typeset_pdf
from mikrolaan.letters.services import send_letter
from mikrolaan.progression.constants import PointStatus
from mikrolaan.progression.due import ENDED_STAGES, DuePoint, due_points
from mikrolaan.progression.models import AssessmentReminder, Questionnaire

TEMPLATE = "progression/letters/reminder.html"
EVENT_KIND = "assessment_reminder"


def subject_of(point: DuePoint) -> str:
    with translation.override("da"):  # letters are Danish, whoever runs the command
        return f"Selvvurdering: {point.label.lower()}"


def _candidates(on: dt.date):
    """The cases that may have a point due on ``on``: still followed, and with a date a point
    can fall on inside the answer window before ``on`` — a referral, a completed plan, a main
    course started, or a main course that ended within the last year (its 6 and 12 months).
    A generous filter in the database, so the daily run reads the few cases near a point, not
    every case; ``due_points`` then decides exactly."""
    window = Questionnaire.objects.aggregate(days=Max("answer_within_days"))["days"] or 0
    since = on - dt.timedelta(days=window)
    course_since = add_months(since, -12) - dt.timedelta(days=3)  # (short months)
    participations = Participation.objects.filter(case=OuterRef("pk"))
    return (
        Case.objects.exclude(stage__in=ENDED_STAGES)
        .filter(
            Q(opened_on__gte=since)
            | Q(pre_course_plan__completed_on__gte=since)
            | Exists(participations.filter(cohort__main_course_start__gte=since))
            | Exists(participations.filter(cohort__main_course_end__gte=course_since))
            | Exists(participations.filter(main_course_end__gte=course_since))
        )
        .select_related("citizen")
        .order_by("pk")
    )


def letter_pdf(case: Case, point: DuePoint) -> bytes:
    context = {
        "case": case,
        "citizen": case.citizen,
        "point": point,
        "municipality": getattr(settings, "MIKROLAAN_MUNICIPALITY", "Aarhus Kommune"),
        "department": getattr(
            settings, "MIKROLAAN_DEPARTMENT", "Beskæftigelsesforvaltningen, Jobcenter Aarhus"
        ),
    }
    return typeset_pdf(TEMPLATE, context, title=subject_of(point))


def _has_due(case: Case, on: dt.date) -> bool:
    """Read first, without a lock: most candidates have nothing to send."""
    sent = set(AssessmentReminder.objects.filter(case=case).values_list("point", flat=True))
    return any(p.status == PointStatus.DUE and p.point not in sent for p in due_points(case, on))


def _remind_case(case: Case, on: dt.date) -> int:
    if not _has_due(case, on):
        return 0
    with transaction.atomic():
        lock_case(case)
        sent = set(AssessmentReminder.objects.filter(case=case).values_list("point", flat=True))
        count = 0
        for point in due_points(case, on):
            if point.status != PointStatus.DUE or point.point in sent:
                continue
            letter = send_letter(
                case.citizen,
                kind=LetterKind.OTHER,
                subject=subject_of(point),
                pdf=letter_pdf(case, point),
                acting_user=None,
                case=case,
                reference=f"assessment:{case.pk}:{point.point}",
            )
            AssessmentReminder.objects.create(
                case=case, point=point.point, sent_on=on, letter=letter
            )
            record_event(
                case,
                EVENT_KIND,
                acting_user=None,
                occurred_on=on,
                summary=subject_of(point),
                data={"point": point.point, "letter": letter.pk},
            )
            count += 1
        return count


def remind_due_assessments(on: dt.date) -> int:
    """Send the reminder letters due on ``on``; returns how many. Safe to repeat."""
    return sum(_remind_case(case, on) for case in _candidates(on))
