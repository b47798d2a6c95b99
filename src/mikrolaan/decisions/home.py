"""Start-page panels for the project leader and the benefits caseworker."""

from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mikrolaan.accounts.roles import Role
from mikrolaan.budgets.models import BudgetVersion
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.models import Case
from mikrolaan.cases.view_helpers import case_page_url
from mikrolaan.core.home import register_panel
from mikrolaan.decisions.models import Colour, Decision, MainCourseStart
from mikrolaan.decisions.services import grants_awaiting, kr

LIMIT = 25
# Grants awaiting approval are checked one by one (``may_approve``): shown at most.
GRANTS_LIMIT = LIMIT


def _case_row(case, *cells):
    return {
        "cells": [str(case.citizen), *cells],
        "url": case_page_url(case),
        "citizen": case.citizen_id,
    }


@register_panel(order=50)
def pre_course_without_decision(user):
    if not user.has_role(Role.PROJECT_LEADER):
        return None
    cases = (
        Case.objects.for_user(user)
        .filter(stage=Stage.PRE_COURSE)
        .exclude(Exists(Decision.objects.filter(case=OuterRef("pk"))))
        .select_related("citizen", "cohort")
        .annotate(n_budgets=Count("budget_versions"))
        .order_by("cohort__main_course_start", "pk")[:LIMIT]
    )
    return {
        "key": "pre-course-without-decision",
        "heading": _("Pre-course without a budget decision"),
        "columns": [_("Citizen"), _("Cohort"), _("Budgets")],
        "rows": [
            _case_row(
                c,
                str(c.cohort or "—"),
                ngettext("%(n)s version", "%(n)s versions", c.n_budgets) % {"n": c.n_budgets}
                if c.n_budgets
                else _("none yet"),
            )
            for c in cases
        ],
        "empty": _("No cases in the pre-course wait for a decision."),
    }


@register_panel(order=51)
def yellow_awaiting_resubmission(user):
    """Cases whose latest decision is yellow on the latest budget (``awaits_resubmission``),
    found in one query."""
    if not user.has_role(Role.PROJECT_LEADER):
        return None
    latest = Decision.objects.filter(case=OuterRef("pk")).order_by("-round_number")
    latest_budget = BudgetVersion.objects.filter(case=OuterRef("pk")).order_by("-number")
    cases = (
        Case.objects.for_user(user)
        .filter(stage=Stage.DECISION)
        .annotate(
            latest_colour=Subquery(latest.values("colour")[:1]),
            latest_budget_id=Subquery(latest.values("budget_version_id")[:1]),
            latest_round=Subquery(latest.values("round_number")[:1]),
            latest_decided_on=Subquery(latest.values("decided_on")[:1]),
            budget_id=Subquery(latest_budget.values("pk")[:1]),
        )
        .filter(latest_colour=Colour.YELLOW, latest_budget_id=F("budget_id"))
        .select_related("citizen")
        .order_by("-opened_on", "-pk")[:LIMIT]
    )
    rows = [
        _case_row(
            case,
            _("Round %(n)s") % {"n": case.latest_round},
            case.latest_decided_on.strftime("%d.%m.%Y"),
        )
        for case in cases
    ]
    return {
        "key": "yellow-awaiting-resubmission",
        "heading": _("Yellow decisions awaiting resubmission"),
        "columns": [_("Citizen"), _("Round"), _("Decided on")],
        "rows": rows,
        "empty": _("No yellow decision awaits a resubmitted budget."),
    }


@register_panel(order=52)
def grants_awaiting_me(user):
    if not user.has_role(Role.PROJECT_LEADER, Role.BENEFITS_CASEWORKER):
        return None
    return {
        "key": "grants-awaiting-me",
        "heading": _("Loan grants awaiting my approval"),
        "columns": [_("Citizen"), _("Proposed loan"), _("Approved so far")],
        "rows": [
            {
                "cells": [
                    str(d.case.citizen),
                    kr(d.proposed_amount),
                    ", ".join(str(Role(r).label) for r in sorted(d.approved_roles)) or "—",
                ],
                "url": reverse("decisions:approve", args=[d.pk]),
                "citizen": d.case.citizen_id,
            }
            for d in grants_awaiting(user, limit=GRANTS_LIMIT)
        ],
        "empty": _("No loan grant awaits your approval."),
    }


@register_panel(order=53)
def main_course_with_subsistence(user):
    if not user.has_role(Role.BENEFITS_CASEWORKER):
        return None
    starts = (
        MainCourseStart.objects.filter(
            case__in=Case.objects.for_user(user).filter(stage=Stage.MAIN_COURSE),
            keeps_pension=False,
            correction__isnull=True,
        )
        .select_related("case__citizen")
        .order_by("-started_on")[:LIMIT]
    )
    return {
        "key": "main-course-subsistence",
        "heading": _("Main-course starts with a subsistence grant"),
        "columns": [_("Citizen"), _("Start"), _("Months"), _("CVR number")],
        "rows": [
            _case_row(
                s.case,
                s.started_on.strftime("%d.%m.%Y"),
                str(s.subsistence_months),
                s.cvr,
            )
            for s in starts
        ],
        "empty": _("No main course with a subsistence grant has started."),
    }
