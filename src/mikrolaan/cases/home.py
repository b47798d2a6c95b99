"""Start-page panels: what waits for each role on the way from referral to final screening."""

from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.models import Case
from mikrolaan.cases.next_step import next_step
from mikrolaan.core.home import register_panel

LIMIT = 50


def _rows(cases):
    return [
        {
            "url": reverse("cases:detail", args=[case.pk]),
            "citizen": case.citizen_id,
            "cells": [
                case.citizen.full_name,
                case.get_stage_display(),
                formats.date_format(case.opened_on, "SHORT_DATE_FORMAT"),
                case.unit.name,
            ],
        }
        for case in cases[:LIMIT]
    ]


def _columns():
    return [_("Citizen"), _("Stage"), _("Referred"), _("Unit")]


def _cases(user):
    return Case.objects.for_user(user).select_related("citizen", "unit").order_by("opened_on")


@register_panel(order=10)
def my_referrals(user):
    if not user.has_role(Role.JOB_CONSULTANT):
        return None
    cases = _cases(user).open().filter(job_consultant=user).order_by("-opened_on", "-pk")
    return {
        "key": "my-referrals",
        "heading": _("My referrals"),
        "columns": _columns(),
        "rows": _rows(cases),
        "empty": _("You have no open referrals."),
        "link": {"label": _("Register and refer a citizen"), "url": reverse("cases:citizen_new")},
    }


@register_panel(order=11)
def awaiting_knowledge_person(user):
    if not user.has_role(Role.KNOWLEDGE_PERSON):
        return None
    cases = _cases(user).filter(stage__in=[Stage.REFERRED, Stage.FIRST_SCREENING])
    return {
        "key": "awaiting-screening",
        "heading": _("Referrals awaiting first screening or first conversation"),
        "columns": _columns(),
        "rows": _rows(cases),
        "empty": _("No referrals are waiting for you."),
    }


@register_panel(order=12)
def awaiting_final_screening(user):
    if not user.has_role(Role.PROJECT_LEADER):
        return None
    cases = _cases(user).filter(stage=Stage.FIRST_CONVERSATION)
    return {
        "key": "awaiting-final-screening",
        "heading": _("Cases awaiting final screening"),
        "columns": _columns(),
        "rows": _rows(cases),
        "empty": _("No cases are waiting for final screening."),
    }


# The stages where each role has a next step to take (keeps the start page's work small).
_ROLE_STAGES = {
    Role.KNOWLEDGE_PERSON: [Stage.REFERRED, Stage.FIRST_SCREENING],
    Role.PROJECT_LEADER: [
        Stage.FIRST_CONVERSATION,
        Stage.FINAL_SCREENING,
        Stage.PRE_COURSE,
        Stage.DECISION,
        Stage.GRANTED,
        Stage.MAIN_COURSE,
    ],
    Role.BENEFITS_CASEWORKER: [Stage.DECISION, Stage.GRANTED, Stage.MAIN_COURSE],
    Role.FINANCE_CLERK: [Stage.GRANTED, Stage.MAIN_COURSE],
}
STEP_LIMIT = 15
# The cases examined for steps, at most: each costs a few queries (``next_step``), so the
# start page's cost stays bounded however many cases wait.
STEP_CANDIDATES = 2 * STEP_LIMIT


def _step_candidates(user, stages):
    """The cases in these stages that may have a step to take, oldest first.

    A main-course case whose loan is paid out only shows the repayment (never a start-page
    step), so those are left out in the query rather than examined one by one.
    """
    # Through the case's reverse relation to its loans (loans sits above cases).
    paid_out = Q(stage=Stage.MAIN_COURSE, loans__disbursed_on__isnull=False)
    return _cases(user).filter(stage__in=stages).exclude(paid_out).select_related("cohort")


@register_panel(order=5)
def my_next_steps(user):
    """The cases whose next step is this user's to take, with the button to take it."""
    stages = next((s for role, s in _ROLE_STAGES.items() if user.has_role(role)), None)
    if stages is None:
        return None
    steps = []
    for case in _step_candidates(user, stages)[:STEP_CANDIDATES]:
        step = next_step(case, user)
        if step and step["action"] and step["key"] != "repayment":
            steps.append(
                {
                    "step": step,
                    "citizen": case.citizen_id,
                    "name": case.citizen.full_name,
                    "url": reverse("cases:detail", args=[case.pk]),
                }
            )
            if len(steps) >= STEP_LIMIT:
                break
    return {
        "key": "next-steps",
        "heading": _("Your next steps"),
        "columns": [],
        "rows": [],
        "steps": steps,
        "empty": _("No case waits for a step of yours."),
    }
