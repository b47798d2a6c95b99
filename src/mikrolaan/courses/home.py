"""Start-page panels: conversations due, cohorts in pre-course, conversation warnings."""

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.cases.constants import EventKind, Stage
from mikrolaan.cases.models import Case
from mikrolaan.core.home import register_panel
from mikrolaan.courses.models import Cohort, ConversationKind
from mikrolaan.courses.services import (
    CONVERSATION_GAP,
    JOB_CONSULTANT_INTERVAL,
    cohort_size,
    fmt,
)

# Show a job-consultant conversation on the start page this long before it falls due.
DUE_SOON_DAYS = 14


def _short(day):
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@register_panel(order=15)
def job_consultant_conversations_due(user):
    if not user.has_role(Role.JOB_CONSULTANT):
        return None
    today = timezone.localdate()
    cases = (
        Case.objects.for_user(user)
        .open()
        .filter(job_consultant=user)
        .select_related("citizen")
        .exclude(cohort__main_course_end__lt=today)
        .annotate(
            last_jc=Max(
                "conversations__held_on",
                filter=Q(conversations__kind=ConversationKind.JOB_CONSULTANT),
            )
        )
    )
    rows = []
    for case in cases:
        due = (case.last_jc or case.opened_on) + JOB_CONSULTANT_INTERVAL
        if (due - today).days <= DUE_SOON_DAYS:
            rows.append((due, case))
    rows.sort(key=lambda pair: pair[0])
    return {
        "key": "jc-conversations-due",
        "heading": _("3-monthly conversations due"),
        "columns": [_("Citizen"), _("Due"), _("Last conversation")],
        "rows": [
            {
                "url": reverse("cases:detail", args=[case.pk]),
                "citizen": case.citizen_id,
                "cells": [
                    case.citizen.full_name,
                    _short(due) + (" " + _("(overdue)") if due < today else ""),
                    _short(case.last_jc) if case.last_jc else _("none yet"),
                ],
            }
            for due, case in rows
        ],
        "empty": _("No 3-monthly conversations are due."),
    }


@register_panel(order=20)
def cohorts_in_pre_course(user):
    if not user.has_role(Role.PROJECT_LEADER):
        return None
    today = timezone.localdate()
    cohorts = Cohort.objects.filter(
        Q(pre_course_start__lte=today) | Q(pre_course_start__isnull=True),
        main_course_start__gt=today,
    ).order_by("main_course_start")
    return {
        "key": "cohorts-pre-course",
        "heading": _("Cohorts in pre-course"),
        "columns": [_("Cohort"), _("Main course starts"), _("Participants")],
        "rows": [
            {
                "url": reverse("courses:cohort", args=[c.pk]),
                "cells": [c.code, _short(c.main_course_start), f"{cohort_size(c)} / {c.capacity}"],
            }
            for c in cohorts
        ],
        "empty": _("No cohort is in its pre-course."),
        "link": {"label": _("All cohorts"), "url": reverse("courses:cohorts")},
    }


@register_panel(order=21)
def conversation_warnings(user):
    if not user.has_role(Role.PROJECT_LEADER):
        return None
    today = timezone.localdate()
    cases = (
        Case.objects.for_user(user)
        .filter(stage__in=[Stage.PRE_COURSE, Stage.DECISION, Stage.GRANTED, Stage.MAIN_COURSE])
        .select_related("citizen", "cohort")
        .exclude(cohort__main_course_end__lt=today)
        .annotate(
            last_talk=Max(
                "conversations__held_on",
                filter=Q(conversations__kind=ConversationKind.INDIVIDUAL),
            ),
            joined=Max("events__occurred_on", filter=Q(events__kind=EventKind.COHORT_ASSIGNED)),
        )
    )
    rows = []
    for case in cases:
        since = case.last_talk or case.joined or case.opened_on
        if since + CONVERSATION_GAP < today:
            rows.append(
                {
                    "url": reverse("cases:detail", args=[case.pk]),
                    "citizen": case.citizen_id,
                    "cells": [
                        case.citizen.full_name,
                        str(case.cohort or ""),
                        fmt(case.last_talk) if case.last_talk else _("none yet"),
                    ],
                    "since": since,
                }
            )
    rows.sort(key=lambda row: row["since"])
    return {
        "key": "conversation-warnings",
        "heading": _("A month or more without an individual conversation"),
        "columns": [_("Citizen"), _("Cohort"), _("Last conversation")],
        "rows": rows,
        "empty": _("Every participant has had a conversation within the last month."),
    }
