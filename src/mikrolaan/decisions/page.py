"""The case page's decision section and actions."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mikrolaan.accounts.roles import Role
from mikrolaan.cases.page import register_action, register_section


@register_section(order=50)
def decisions_section(case, user):
    from mikrolaan.decisions import main_course
    from mikrolaan.decisions.services import (
        APPROVER_ROLES,
        approval_refusal,
        awaits_resubmission,
        missing_approver_roles,
    )

    decisions = list(
        case.decisions.select_related("budget_version", "policy", "recorded_by").prefetch_related(
            "approvals__recorded_by"
        )
    )
    start = main_course.current_start(case)
    if not decisions and start is None:
        return None
    current = decisions[-1] if decisions else None
    grant = None
    if current is not None and current.colour == "green":
        grant = {
            "decision": current,
            "approvals": list(current.approvals.all()),
            "granted": current.is_granted,
            "refusal": current.refusal,
            "missing": [str(Role(r).label).lower() for r in missing_approver_roles(current)],
            "my_refusal": approval_refusal(current, user)
            if user.has_role(*APPROVER_ROLES)
            and not current.is_granted
            and current.case.stage == "decision"
            else None,
        }
    context = {
        "decisions": decisions,
        "awaits_resubmission": awaits_resubmission(case),
        "grant": grant,
        "start": start,
        "fit": case.fit_for_work.order_by("-pk").first(),
        "payout_blockers": main_course.payout_blockers(case) if grant else [],
        # Once paid out, "ready for payout" would be stale: the loan section shows the loan.
        "paid_out": bool(grant) and case.loans.filter(disbursed_on__isnull=False).exists(),
    }
    context["ctx"] = context  # the template reads ``ctx.…`` however the case page passes it
    return {"template": "decisions/case_section.html", "context": context}


@register_action(order=50)
def decision_actions(case, user):
    from mikrolaan.decisions import main_course
    from mikrolaan.decisions.services import latest_decision, may_approve, may_decide

    actions = []
    if may_decide(case, user):
        actions.append(
            {"label": _("Decide on the budget"), "url": reverse("decisions:decide", args=[case.pk])}
        )
    latest = latest_decision(case)
    if latest is not None and may_approve(latest, user):
        actions.append(
            {
                "label": _("Approve the loan grant"),
                "url": reverse("decisions:approve", args=[latest.pk]),
            }
        )
    if main_course.may_start(case, user):
        actions.append(
            {
                "label": _("Start the main course"),
                "url": reverse("decisions:main_course", args=[case.pk]),
            }
        )
    if main_course.may_confirm_fit(case, user):
        actions.append(
            {"label": _("Confirm fit for work"), "url": reverse("decisions:fit", args=[case.pk])}
        )
    return actions


def _register_event_kinds():
    from django.utils.translation import gettext_lazy

    from mikrolaan.cases.page import register_event_kind, register_event_summary
    from mikrolaan.decisions.main_course import EVENT_FIT_FOR_WORK, EVENT_MAIN_COURSE_STARTED
    from mikrolaan.decisions.services import (
        EVENT_DECISION,
        EVENT_GRANT_APPROVED,
        EVENT_GRANT_REFUSED,
        EVENT_LOAN_GRANTED,
    )

    register_event_kind(EVENT_DECISION, gettext_lazy("Budget decision"))
    register_event_kind(EVENT_GRANT_APPROVED, gettext_lazy("Loan grant approved"))
    register_event_kind(EVENT_LOAN_GRANTED, gettext_lazy("Loan granted"))
    register_event_kind(EVENT_GRANT_REFUSED, gettext_lazy("Loan grant refused"))
    register_event_kind(EVENT_MAIN_COURSE_STARTED, gettext_lazy("Main course started"))
    register_event_kind(EVENT_FIT_FOR_WORK, gettext_lazy("Declared fit for work"))

    # Summaries in the reader's language, from the event's data (the stored text, written in
    # the language of whoever acted, is the fallback; issue 9).
    from mikrolaan.accounts.roles import Role
    from mikrolaan.core.formatting import money
    from mikrolaan.decisions.models import Colour, RedOutcome

    @register_event_summary(EVENT_DECISION)
    def decision_summary(event):
        data = event.data
        text = _("Round %(n)s: %(colour)s") % {
            "n": data["round"],
            "colour": Colour(data["colour"]).label.lower(),
        }
        if data["colour"] == Colour.GREEN and data.get("proposed_amount"):
            text += " · " + _("proposed loan %(amount)s") % {
                "amount": money(data["proposed_amount"])
            }
        if data["colour"] == Colour.RED and data.get("red_outcome"):
            text += " · " + str(RedOutcome(data["red_outcome"]).label)
        return text

    @register_event_summary(EVENT_GRANT_APPROVED)
    def approved_summary(event):
        return _("Loan grant approved by %(role)s %(name)s") % {
            "role": Role(event.data["role"]).label.lower(),
            "name": event.recorded_by,
        }

    @register_event_summary(EVENT_GRANT_REFUSED)
    def refused_summary(event):
        return _("Loan grant refused by %(role)s %(name)s") % {
            "role": Role(event.data["role"]).label.lower(),
            "name": event.recorded_by,
        }

    @register_event_summary(EVENT_LOAN_GRANTED)
    def granted_summary(event):
        return _("Loan of %(amount)s granted") % {"amount": money(event.data["amount"])}

    @register_event_summary(EVENT_MAIN_COURSE_STARTED)
    def main_course_summary(event):
        data = event.data
        if data["keeps_pension"]:
            subsistence = _("keeps the early-retirement pension, no subsistence grant")
        else:
            months = int(data["subsistence_months"])
            subsistence = ngettext(
                "subsistence grant for %(n)s month",
                "subsistence grant for %(n)s months",
                months,
            ) % {"n": months}
        return _("Main course started; CVR %(cvr)s; %(subsistence)s") % {
            "cvr": data["cvr"],
            "subsistence": subsistence,
        }

    @register_event_summary(EVENT_FIT_FOR_WORK)
    def fit_summary(event):
        return _("Declared fit for work")


_register_event_kinds()
