"""Start-page panels: conversations due, cohorts in pre-course, conversation warnings."""

import datetime as dt

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.cases.constants import EventKind, Stage
from mikrolaan.cases.models import Case, CaseEvent
from mikrolaan.core.home import register_panel
from mikrolaan.courses.models import Cohort, Conversation, ConversationKind
from mikrolaan.courses.services import (
    CONVERSATION_GAP,
    JOB_CONSULTANT_INTERVAL,
    cohort_size_expression,
    fmt,
)

# Show a job-consultant conversation on the start page this long before it falls due.
DUE_SOON_DAYS = 14
# Rows a panel shows at most (the start page's cost stays bounded).
LIMIT = 50


def _short(day):
    return formats.date_format(day, "SHORT_DATE_FORMAT")


@register_panel(order=15)
def job_consultant_conversations_due(user):
    if not user.has_role(Role.JOB_CONSULTANT):
        return None
    today = timezone.localdate()
    # Due within DUE_SOON_DAYS: the last conversation (or the referral) is old enough. The
    # query's bound is a few days loose (months differ in length); the exact test is below,
    # and as the rows come oldest first, the rows it drops are the last ones.
    bound = today + dt.timedelta(days=DUE_SOON_DAYS + 3) - JOB_CONSULTANT_INTERVAL
    cases = (
        Case.objects.for_user(user)
        .open()
        .filter(job_consultant=user)
        .select_related("citizen")
        .exclude(cohort__main_course_end__lt=today)
        .annotate(last_jc=_last_conversation(ConversationKind.JOB_CONSULTANT))
        .annotate(since=Coalesce("last_jc", "opened_on"))
        .filter(since__lte=bound)
        .order_by("since", "pk")[:LIMIT]
    )
    rows = []
    for case in cases:
        due = case.since + JOB_CONSULTANT_INTERVAL
        if (due - today).days <= DUE_SOON_DAYS:
            rows.append((due, case))
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


def _last_conversation(kind):
    """The date of the case's latest conversation of this kind (a subquery: one per row)."""
    return Subquery(
        Conversation.objects.filter(case=OuterRef("pk"), kind=kind)
        .order_by("-held_on")
        .values("held_on")[:1]
    )


@register_panel(order=20)
def cohorts_in_pre_course(user):
    if not user.has_role(Role.PROJECT_LEADER):
        return None
    today = timezone.localdate()
    cohorts = (
        Cohort.objects.filter(
            Q(pre_course_start__lte=today) | Q(pre_course_start__isnull=True),
            main_course_start__gt=today,
        )
        .annotate(size=cohort_size_expression())
        .order_by("main_course_start")
    )
    return {
        "key": "cohorts-pre-course",
        "heading": _("Cohorts in pre-course"),
        "columns": [_("Cohort"), _("Main course starts"), _("Participants")],
        "rows": [
            {
                "url": reverse("courses:cohort", args=[c.pk]),
                "cells": [c.code, _short(c.main_course_start), f"{c.size} / {c.capacity}"],
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
    joined = Subquery(
        CaseEvent.objects.filter(case=OuterRef("pk"), kind=EventKind.COHORT_ASSIGNED)
        .order_by("-occurred_on")
        .values("occurred_on")[:1]
    )
    # The query's bound is a few days loose (months differ in length); the exact test below
    # drops the newest rows only, as the rows come oldest first.
    bound = today + dt.timedelta(days=3) - CONVERSATION_GAP
    cases = (
        Case.objects.for_user(user)
        .filter(stage__in=[Stage.PRE_COURSE, Stage.DECISION, Stage.GRANTED, Stage.MAIN_COURSE])
        .select_related("citizen", "cohort")
        .exclude(cohort__main_course_end__lt=today)
        .annotate(last_talk=_last_conversation(ConversationKind.INDIVIDUAL), joined=joined)
        .annotate(since=Coalesce("last_talk", "joined", "opened_on"))
        .filter(since__lt=bound)
        .order_by("since", "pk")[:LIMIT]
    )
    rows = [
        {
            "url": reverse("cases:detail", args=[case.pk]),
            "citizen": case.citizen_id,
            "cells": [
                case.citizen.full_name,
                str(case.cohort or ""),
                fmt(case.last_talk) if case.last_talk else _("none yet"),
            ],
        }
        for case in cases
        if case.since + CONVERSATION_GAP < today
    ]
    return {
        "key": "conversation-warnings",
        "heading": _("A month or more without an individual conversation"),
        "columns": [_("Citizen"), _("Cohort"), _("Last conversation")],
        "rows": rows,
        "empty": _("Every participant has had a conversation within the last month."),
    }
