"""The case's next step in the pre-course and the decision round: the plan, the budgets, the
decision and the two approvals (registered with ``cases.next_step``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from mikrolaan.cases.constants import Stage
from mikrolaan.cases.next_step import (
    PL,
    main_course_start,
    make_action,
    make_step,
    register_step,
    user_is,
    who,
)


@register_step(Stage.PRE_COURSE)
def _pre_course_step(case, user):
    from mikrolaan.budgets.services import latest_version

    plan = getattr(case, "pre_course_plan", None)
    if plan is None or not plan.completed_on:
        from mikrolaan.courses.services import self_development_deadline

        due = self_development_deadline(case.cohort) if case.cohort_id else None
        return make_step(
            "plan",
            _("Plan the pre-course and complete the plan"),
            [PL],
            due=due,
            due_rule=_("The self-development course ends at least 15 days before the main course")
            if due
            else None,
            action=make_action(
                user,
                user_is(user, PL),
                _("Pre-course plan"),
                reverse("courses:plan", args=[case.pk]),
            ),
        )
    if latest_version(case) is None:
        return _budget_step(
            case, user, "budget", _("The budgets: establishment, operation and liquidity")
        )
    return _decide_step(case, user)


def _budget_step(case, user, key, what, note=None):
    from mikrolaan.budgets.services import may_submit_budget

    due = main_course_start(case)
    return make_step(
        key,
        what,
        [PL],
        due=due,
        due_rule=_("Before the main course starts") if due else None,
        note=note,
        action=make_action(
            user,
            user is not None and may_submit_budget(case, user),
            _("New budget version") if case.budget_versions.exists() else _("Enter budgets"),
            reverse("budgets:new", args=[case.pk]),
        ),
    )


def _decide_step(case, user, key="decide", what=None, note=None):
    from mikrolaan.decisions.services import may_decide

    due = main_course_start(case)
    return make_step(
        key,
        what or _("Budget and loan decision on the three P's"),
        [PL],
        due=due,
        due_rule=_("Before the main course starts") if due else None,
        note=note,
        action=make_action(
            user,
            user is not None and may_decide(case, user),
            _("Decide on the budget"),
            reverse("decisions:decide", args=[case.pk]),
        ),
    )


@register_step(Stage.DECISION)
def _decision_step(case, user):
    from mikrolaan.decisions.models import Colour
    from mikrolaan.decisions.services import (
        awaits_resubmission,
        latest_decision,
        may_approve,
        missing_approver_roles,
    )

    latest = latest_decision(case)
    if latest is None:
        return _decide_step(case, user)
    if latest.colour == Colour.YELLOW:
        if awaits_resubmission(case):
            return _budget_step(
                case,
                user,
                "resubmit",
                _("The citizen resubmits the budget: enter the new version"),
                note=latest.feedback or None,
            )
        return _decide_step(case, user, what=_("A new decision round on the resubmitted budget"))
    refusal = latest.refusal
    if refusal is not None:
        return _decide_step(
            case,
            user,
            key="decide-again",
            what=_("The grant was refused: a new decision round"),
            note=_("Refused by %(name)s (%(role)s): %(reason)s")
            % {"name": refusal.recorded_by, "role": who([refusal.role]), "reason": refusal.reason},
        )
    missing = missing_approver_roles(latest)
    approvals = list(latest.approvals.select_related("recorded_by"))
    note = None
    if approvals:
        note = _("One approval is given (%(role)s %(name)s); missing: the %(missing)s.") % {
            "role": who([approvals[0].role]),
            "name": approvals[0].recorded_by,
            "missing": who(missing),
        }
    return make_step(
        "approve",
        _("The loan grant needs two approvals: a project leader's and a benefits caseworker's"),
        missing,
        note=note,
        action=make_action(
            user,
            user is not None and may_approve(latest, user),
            _("Approve the loan grant"),
            reverse("decisions:approve", args=[latest.pk]),
        ),
    )
