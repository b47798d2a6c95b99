"""What the courses app adds to the case page: cohort, pre-course plan, conversations."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.accounts.roles import Role
from mikrolaan.cases.constants import EventKind, Stage
from mikrolaan.cases.page import (
    register_action,
    register_event_details,
    register_event_summary,
    register_section,
)
from mikrolaan.cases.services import final_screening_recommends
from mikrolaan.courses.services import (
    CONVERSATION_ROLES,
    active_participation,
    conversation_warning,
    job_consultant_conversation_due,
    plan_problems,
)

IN_COURSE = {Stage.PRE_COURSE, Stage.DECISION, Stage.GRANTED, Stage.MAIN_COURSE}


@register_section(order=20)
def course_section(case, user):
    participations = list(case.participations.select_related("cohort", "moved_from__cohort"))
    if not participations and case.stage not in IN_COURSE and not case.is_open:
        return None
    today = timezone.localdate()
    plan = getattr(case, "pre_course_plan", None)
    return {
        "template": "courses/case_section.html",
        "context": {
            "participations": participations,
            "plan": plan,
            "planned": list(plan.activities.select_related("activity")) if plan else [],
            "problems": plan_problems(case) if plan and not plan.completed_on else [],
            "warning": conversation_warning(case, today),
            "jc_due": (due := job_consultant_conversation_due(case, today)),
            "jc_overdue": due is not None and due <= today,
            "conversations": list(case.conversations.select_related("recorded_by")[:10]),
            "case": case,
        },
    }


@register_action(order=30)
def course_actions(case, user):
    actions = []
    if not case.is_open:
        return actions
    if user.has_role(Role.PROJECT_LEADER):
        if case.stage == Stage.FINAL_SCREENING and final_screening_recommends(case):
            actions.append(
                {
                    "label": _("Assign to a cohort"),
                    "url": reverse("courses:assign", args=[case.pk]),
                    "primary": True,
                    "key": "assign",
                }
            )
        if case.stage == Stage.PRE_COURSE:
            actions.append(
                {
                    "label": _("Pre-course plan"),
                    "url": reverse("courses:plan", args=[case.pk]),
                    "primary": True,
                    "key": "plan",
                }
            )
        if active_participation(case):
            actions.append(
                {
                    "label": _("Move to a later cohort"),
                    "url": reverse("courses:move", args=[case.pk]),
                    "key": "move",
                }
            )
    if any(user.has_role(role) for role in CONVERSATION_ROLES.values()):
        actions.append(
            {
                "label": _("Log a conversation"),
                "url": reverse("courses:conversation", args=[case.pk]),
                "key": "conversation",
            }
        )
    return actions


@register_event_details(EventKind.CONVERSATION)
def conversation_details(event):
    c = event.conversation
    return [
        (gettext_lazy("Duration (minutes)"), str(c.duration_minutes)),
        *([(gettext_lazy("Notes"), c.notes)] if c.notes else []),
    ]


@register_event_summary(EventKind.CONVERSATION)
def conversation_summary(event):
    """In the reader's language (the stored summary has the kind in the writer's)."""
    c = event.conversation
    return f"{c.get_kind_display()}, {c.place}"
