"""What progression adds to the case page: the progression table, the "enter" action, and
how assessment events read on the timeline."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.cases import page
from mikrolaan.cases.page import register_action, register_section
from mikrolaan.progression import services
from mikrolaan.progression.constants import POINTS, Area, Point
from mikrolaan.progression.due import due_points
from mikrolaan.progression.reminders import EVENT_KIND as REMINDER_EVENT_KIND
from mikrolaan.progression.scores import progression_of


@register_section(order=85)
def progression_section(case, user):
    today = timezone.localdate()
    progression = progression_of(case)
    points = due_points(case, today, progression.assessments)
    may_record = services.may_record(case, user)
    return {
        "template": "progression/case_section.html",
        "context": {
            "case": case,
            "points": points,
            "columns": [p for p in points if p.assessment is not None],
            "rows": [
                {
                    "item": item,
                    "area": Area(item.area).label,
                    "cells": [
                        {"score": item.scores.get(p), "change": item.change(p)}
                        for p in POINTS
                        if p in progression.assessments
                    ],
                }
                for item in progression.items
            ],
            "may_record": may_record,
        },
    }


@register_action(order=85)
def progression_actions(case, user):
    if not services.may_record(case, user):
        return []
    return [
        {
            "key": "enter-self-assessment",
            "label": _("Enter self-assessment"),
            "url": reverse("progression:record", args=[case.pk]),
        }
    ]


def assessment_summary(event) -> str:
    """The timeline line in the reader's language, from the event's data."""
    label = Point(event.data["point"]).label
    if event.data.get("corrects"):
        return _("Self-assessment corrected: %(point)s") % {"point": label}
    return _("Self-assessment: %(point)s") % {"point": label}


if hasattr(page, "register_event_kind"):
    page.register_event_kind(services.EVENT_KIND, gettext_lazy("Self-assessment"))
    page.register_event_kind(REMINDER_EVENT_KIND, gettext_lazy("Self-assessment reminder"))
if hasattr(page, "register_event_summary"):
    page.register_event_summary(services.EVENT_KIND)(assessment_summary)
