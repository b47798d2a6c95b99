"""A reminder letter through the outbox when a measuring point is due: one letter per point.

``remind_due_assessments(on)`` is called by the daily servicing run (and by
``mikrolaan assessment_reminders``). For every case still in the programme or followed after it
(not dropped out, closed or registered in error) it reads the points (``services.due_points``);
each point that is *due* on ``on`` — from its date through the answer window, so a point long
overdue when this began is not chased — and has no reminder yet gets a letter and an
``AssessmentReminder`` row in one transaction per case. ``UNIQUE (case, point)`` and the row
lock on the case make a second letter for the same point impossible, also when two runs meet.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import translation

from mikrolaan.cases.events import record_event
from mikrolaan.cases.models import Case
from mikrolaan.cases.services import lock_case
from mikrolaan.letters.models import LetterKind
from mikrolaan.letters.pdf import typeset_pdf
from mikrolaan.letters.services import send_letter
from mikrolaan.progression.constants import PointStatus
from mikrolaan.progression.models import AssessmentReminder
from mikrolaan.progression.services import ENDED_STAGES, DuePoint, due_points

TEMPLATE = "progression/letters/reminder.html"
EVENT_KIND = "assessment_reminder"


def subject_of(point: DuePoint) -> str:
    with translation.override("da"):  # letters are Danish, whoever runs the command
        return f"Selvvurdering: {point.label.lower()}"


def _candidates():
    return Case.objects.exclude(stage__in=ENDED_STAGES).select_related("citizen")


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


def _remind_case(case: Case, on: dt.date) -> int:
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
    return sum(_remind_case(case, on) for case in _candidates())
