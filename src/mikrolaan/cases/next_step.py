"""What happens next in a case: the one place that knows the programme's steps in order.

    step = next_step(case, user)

returns ``None`` for a closed case, or a dict:

- ``what``: the next step in words;
- ``roles``: the role values that do it, and ``who``: those roles in words;
- ``due``: the date it should be done by (where the programme has one), ``due_rule`` why;
- ``note``: what is already done towards it (e.g. one approval of two), or ``None``;
- ``action``: ``{"label", "url", "method"}`` when this user can do it now, else ``None``;
- ``key``: a stable name for the step (tests and ``data-testid``).

The action is decided by the same domain predicates the case page's registered actions use
(``cases.page.actions_for``); this module only picks the step that comes next. The case page,
the loan page and the start page render it through ``cases/_next_step.html``.
"""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.cases.constants import SCREENING_STEPS, EventKind, Stage

PL = Role.PROJECT_LEADER.value
BC = Role.BENEFITS_CASEWORKER.value
FC = Role.FINANCE_CLERK.value
KP = Role.KNOWLEDGE_PERSON.value


def who(roles: list[str]) -> str:
    """The roles in words: "project leader or benefits caseworker"."""
    labels = [str(Role(r).label).lower() for r in roles]
    if len(labels) <= 1:
        return "".join(labels)
    return _("%(first)s or %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def _step(key, what, roles, *, due=None, due_rule=None, note=None, action=None):
    return {
        "key": key,
        "what": what,
        "roles": list(roles),
        "who": who(roles),
        "due": due,
        "due_rule": due_rule,
        "note": note,
        "action": action,
    }


def _action(user, allowed: bool, label, url, method="get"):
    if user is None or not allowed:
        return None
    return {"label": label, "url": url, "method": method}


def next_step(case, user=None) -> dict | None:
    """The next step of this case, and the action if ``user`` can take it now."""
    if not case.is_open:
        return None
    stage = case.stage
    if stage in (Stage.REFERRED, Stage.FIRST_SCREENING, Stage.FIRST_CONVERSATION):
        return _screening_step(case, user)
    if stage == Stage.FINAL_SCREENING:
        return _after_final_screening(case, user)
    if stage == Stage.PRE_COURSE:
        return _pre_course_step(case, user)
    if stage == Stage.DECISION:
        return _decision_step(case, user)
    if stage in (Stage.GRANTED, Stage.MAIN_COURSE):
        return _main_course_step(case, user)
    return None


def _screening_step(case, user):
    from mikrolaan.cases.services import may_screen, next_screening

    kind = next_screening(case)
    role = SCREENING_STEPS[kind][2]
    whats = {
        EventKind.FIRST_SCREENING: _("First screening"),
        EventKind.FIRST_CONVERSATION: _("First conversation"),
        EventKind.FINAL_SCREENING: _("Final screening"),
    }
    labels = {
        EventKind.FIRST_SCREENING: _("Record first screening"),
        EventKind.FIRST_CONVERSATION: _("Record first conversation"),
        EventKind.FINAL_SCREENING: _("Record final screening"),
    }
    return _step(
        kind,
        whats[kind],
        [role],
        action=_action(
            user,
            user is not None and may_screen(case, user, kind),
            labels[kind],
            reverse("cases:screening", args=[case.pk, kind]),
        ),
    )


def _is(user, *roles) -> bool:
    return user is not None and user.has_role(*roles)


def _after_final_screening(case, user):
    from mikrolaan.cases.services import final_screening_recommends

    if final_screening_recommends(case):
        return _step(
            "assign",
            _("Assign the citizen to a cohort; the pre-course begins"),
            [PL],
            action=_action(
                user,
                _is(user, PL),
                _("Assign to a cohort"),
                reverse("courses:assign", args=[case.pk]),
            ),
        )
    return _step(
        "not-recommended",
        _("The final screening did not recommend a pre-course: record where the citizen goes"),
        [PL],
        action=_action(
            user, _is(user, PL), _("Record dropout"), reverse("cases:dropout", args=[case.pk])
        ),
    )


def _main_course_start(case) -> dt.date | None:
    return case.cohort.main_course_start if case.cohort_id else None


def _pre_course_step(case, user):
    from mikrolaan.budgets.services import latest_version

    plan = getattr(case, "pre_course_plan", None)
    if plan is None or not plan.completed_on:
        from mikrolaan.courses.services import self_development_deadline

        due = self_development_deadline(case.cohort) if case.cohort_id else None
        return _step(
            "plan",
            _("Plan the pre-course and complete the plan"),
            [PL],
            due=due,
            due_rule=_("The self-development course ends at least 15 days before the main course")
            if due
            else None,
            action=_action(
                user, _is(user, PL), _("Pre-course plan"), reverse("courses:plan", args=[case.pk])
            ),
        )
    if latest_version(case) is None:
        return _budget_step(
            case, user, "budget", _("The budgets: establishment, operation and liquidity")
        )
    return _decide_step(case, user)


def _budget_step(case, user, key, what, note=None):
    from mikrolaan.budgets.services import may_submit_budget

    due = _main_course_start(case)
    return _step(
        key,
        what,
        [PL],
        due=due,
        due_rule=_("Before the main course starts") if due else None,
        note=note,
        action=_action(
            user,
            user is not None and may_submit_budget(case, user),
            _("New budget version") if case.budget_versions.exists() else _("Enter budgets"),
            reverse("budgets:new", args=[case.pk]),
        ),
    )


def _decide_step(case, user, key="decide", what=None, note=None):
    from mikrolaan.decisions.services import may_decide

    due = _main_course_start(case)
    return _step(
        key,
        what or _("Budget and loan decision on the three P's"),
        [PL],
        due=due,
        due_rule=_("Before the main course starts") if due else None,
        note=note,
        action=_action(
            user,
            user is not None and may_decide(case, user),
            _("Decide on the budget"),
            reverse("decisions:decide", args=[case.pk]),
        ),
    )


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
    return _step(
        "approve",
        _("The loan grant needs two approvals: a project leader's and a benefits caseworker's"),
        missing,
        note=note,
        action=_action(
            user,
            user is not None and may_approve(latest, user),
            _("Approve the loan grant"),
            reverse("decisions:approve", args=[latest.pk]),
        ),
    )


def _main_course_step(case, user):
    from mikrolaan.decisions import main_course
    from mikrolaan.loans.models import Loan, LoanStatus
    from mikrolaan.loans.permissions import can

    loan = Loan.objects.filter(case=case).order_by("-pk").first()
    if loan is None:
        from mikrolaan.loans.case_page import granted_decisions_without_loan

        decisions = granted_decisions_without_loan(case)
        return _step(
            "set-up-loan",
            _("The loan is set up in the loan register"),
            [FC],
            action=_action(
                user,
                bool(decisions) and user is not None and can(user, "set_up"),
                _("Set up loan"),
                reverse("loans:set_up", args=[decisions[0].pk]) if decisions else "",
            ),
        )
    if case.stage == Stage.GRANTED:
        due = _main_course_start(case)
        return _step(
            "main-course",
            _("The main course starts: CVR number and subsistence grant"),
            [PL, BC],
            due=due,
            due_rule=_("The cohort's main course starts") if due else None,
            action=_action(
                user,
                user is not None and main_course.may_start(case, user),
                _("Start the main course"),
                reverse("decisions:main_course", args=[case.pk]),
            ),
        )
    if not case.fit_for_work.exists():
        return _step(
            "fit",
            _("Record that the citizen is declared fit for work; needed before the payout"),
            [PL, BC],
            action=_action(
                user,
                user is not None and main_course.may_confirm_fit(case, user),
                _("Confirm fit for work"),
                reverse("decisions:fit", args=[case.pk]),
            ),
        )
    if loan.status == LoanStatus.GRANTED:
        return _step(
            "payout",
            _("Ready for payout: a %(who)s pays out the loan") % {"who": who([FC])},
            [FC],
            action=_action(
                user,
                user is not None and can(user, "payout"),
                _("Record payout"),
                reverse("loans:detail", args=[loan.pk]) + "#payout",
            ),
        )
    if loan.status == LoanStatus.ACTIVE:
        return _step(
            "repayment",
            _("The loan is paid out; the citizen repays it by the plan"),
            [FC],
            action=_action(
                user,
                user is not None and can(user, "payment"),
                _("See the loan"),
                reverse("loans:detail", args=[loan.pk]),
            ),
        )
    return None
