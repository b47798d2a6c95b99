"""The case's next step after the grant: set up the loan, start the main course, confirm fit for
work, pay out, repay (registered with ``cases.next_step``)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from mikrolaan.accounts.models import User
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.models import Case
from mikrolaan.cases.next_step import (
    BC,
    FC,
    PL,
    main_course_start,
    make_action,
    make_step,
    register_step,
    who,
)


@register_step(Stage.GRANTED, Stage.MAIN_COURSE)
def _main_course_step(case: Case, user: User) -> dict[str, Any] | None:
    from mikrolaan.decisions import main_course
    from mikrolaan.loans.models import Loan, LoanStatus
    from mikrolaan.loans.permissions import can

    loan = Loan.objects.filter(case=case).order_by("-pk").first()
    if loan is None:
        from mikrolaan.loans.case_page import granted_decisions_without_loan

        decisions = granted_decisions_without_loan(case)
        return make_step(
            "set-up-loan",
            _("The loan is set up in the loan register"),
            [FC],
            action=make_action(
                user,
                bool(decisions) and user is not None and can(user, "set_up"),
                _("Set up loan"),
                reverse("loans:set_up", args=[decisions[0].pk]) if decisions else "",
            ),
        )
    if case.stage == Stage.GRANTED:
        due = main_course_start(case)
        return make_step(
            "main-course",
            _("The main course starts: CVR number and subsistence grant"),
            [PL, BC],
            due=due,
            due_rule=_("The cohort's main course starts") if due else None,
            action=make_action(
                user,
                user is not None and main_course.may_start(case, user),
                _("Start the main course"),
                reverse("decisions:main_course", args=[case.pk]),
            ),
        )
    if not case.fit_for_work.exists():
        return make_step(
            "fit",
            _("Record that the citizen is declared fit for work; needed before the payout"),
            [PL, BC],
            action=make_action(
                user,
                user is not None and main_course.may_confirm_fit(case, user),
                _("Confirm fit for work"),
                reverse("decisions:fit", args=[case.pk]),
            ),
        )
    if loan.status == LoanStatus.GRANTED:
        return make_step(
            "payout",
            _("Ready for payout: a %(who)s pays out the loan") % {"who": who([FC])},
            [FC],
            action=make_action(
                user,
                user is not None and can(user, "payout"),
                _("Record payout"),
                reverse("loans:detail", args=[loan.pk]) + "#payout",
            ),
        )
    if loan.status == LoanStatus.ACTIVE:
        return make_step(
            "repayment",
            _("The loan is paid out; the citizen repays it by the plan"),
            [FC],
            action=make_action(
                user,
                user is not None and can(user, "payment"),
                _("See the loan"),
                reverse("loans:detail", args=[loan.pk]),
            ),
        )
    return None
