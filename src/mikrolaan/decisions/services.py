"""Decision rounds on the three P's and the two-person loan grant (DOMAIN.md §6.3, "The loan").

Every function that changes state is atomic and writes its case event (and so its audit
record) in the same transaction. Decisions and approvals are append-only.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.budgets.services import latest_version, register_submission_guard
from mikrolaan.cases import date_rules
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.events import record_event
from mikrolaan.cases.models import Case
from mikrolaan.core.formatting import money
from mikrolaan.decisions.models import Colour, Decision, GrantApproval, GrantRefusal, RedOutcome
from mikrolaan.policy.models import LoanPolicy, PolicyNotInForce

EVENT_DECISION = "decision"
EVENT_GRANT_APPROVED = "grant_approved"
EVENT_LOAN_GRANTED = "loan_granted"
EVENT_GRANT_REFUSED = "grant_refused"

DECISION_STAGES = {Stage.PRE_COURSE, Stage.DECISION}
APPROVER_ROLES = (Role.PROJECT_LEADER, Role.BENEFITS_CASEWORKER)
_ORDER = {Colour.GREEN: 0, Colour.YELLOW: 1, Colour.RED: 2}


def kr(amount: Decimal) -> str:
    return money(amount)


def latest_decision(case: Case) -> Decision | None:
    return case.decisions.order_by("-round_number").first()


@register_submission_guard
def final_decision_refusal(case: Case) -> str | None:
    """After a final decision (green, not refused; or red) the budget is closed."""
    latest = latest_decision(case)
    if latest is not None and latest.colour != "yellow" and not latest.grant_refusals.exists():
        return _("The case already has a final decision (%(colour)s); no new budget.") % {
            "colour": latest.get_colour_display().lower()
        }
    return None


def is_refused(decision: Decision) -> bool:
    """Was this green decision's grant refused by an approver (a new round is then decided)?"""
    return decision.grant_refusals.exists()


def worst_colour(*colours: str) -> str:
    """The overall colour the three P's suggest: the worst of them."""
    return max(colours, key=lambda c: _ORDER[c])


def decision_refusal(case: Case) -> str | None:
    """Why the project leader cannot decide a new round now, or None."""
    if case.stage not in DECISION_STAGES:
        return _("A decision can only be made in the pre-course or after a yellow decision.")
    latest = latest_decision(case)
    if latest is not None and latest.colour != Colour.YELLOW and not is_refused(latest):
        return _("The case already has a final decision.")
    version = latest_version(case)
    if version is None:
        return _("Enter the budgets before the decision.")
    if (
        latest is not None
        and latest.colour == Colour.YELLOW
        and latest.budget_version_id == version.pk
    ):
        return _(
            "The last round was yellow: a resubmitted budget (a new version) is needed "
            "before the next round."
        )
    return None


def may_decide(case: Case, user) -> bool:
    return user.has_role(Role.PROJECT_LEADER) and decision_refusal(case) is None


def awaits_resubmission(case: Case) -> bool:
    latest = latest_decision(case)
    version = latest_version(case)
    return bool(
        latest
        and latest.colour == Colour.YELLOW
        and case.stage in DECISION_STAGES
        and version is not None
        and latest.budget_version_id == version.pk
    )


@transaction.atomic
def decide(
    case: Case,
    *,
    decided_on: dt.date,
    person_colour: str,
    person_reason: str,
    money_colour: str,
    money_reason: str,
    plan_colour: str,
    plan_reason: str,
    colour: str,
    feedback: str = "",
    proposed_amount: Decimal | None = None,
    amount_justification: str = "",
    red_outcome: str = "",
    acting_user,
) -> Decision:
    """Record a decision round on the latest budget version.

    Yellow opens a resubmission; red ends the case (and records whether the trajectory ends
    or the citizen returns to the job centre); green proposes the loan amount, checked
    against the loan policy in force on the decision date.
    """
    if not acting_user.has_role(Role.PROJECT_LEADER):
        raise PermissionDenied(_("Only a project leader makes the budget decision."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    refusal = decision_refusal(case)
    if refusal:
        raise ValidationError(refusal)
    errors = {}
    for field, value in (
        ("person_reason", person_reason),
        ("money_reason", money_reason),
        ("plan_reason", plan_reason),
    ):
        if not value.strip():
            errors[field] = _("Give the reasons for the colour.")
    if colour == Colour.GREEN and Colour.RED in (person_colour, money_colour, plan_colour):
        errors["colour"] = _("A decision cannot be green when one of the three P's is red.")
    if colour == Colour.YELLOW and not feedback.strip():
        errors["feedback"] = _("A yellow decision needs feedback for the resubmission.")
    if colour == Colour.RED:
        if red_outcome not in RedOutcome.values:
            errors["red_outcome"] = _(
                "Choose whether the trajectory ends or the citizen returns to the job centre."
            )
    elif red_outcome:
        errors["red_outcome"] = _("Only a red decision ends the trajectory.")
    budget = case.budget_versions.order_by("-number").first()
    errors |= date_rules.check(
        decided_on=[
            date_rules.not_future(decided_on, _("A decision")),
            date_rules.not_before(
                decided_on, budget and budget.submitted_on, _("the budget's submission")
            ),
            date_rules.not_before(decided_on, case.opened_on, _("the referral")),
        ]
    )
    try:
        policy = LoanPolicy.in_force(decided_on)
    except PolicyNotInForce:
        raise ValidationError(
            _("No loan policy is in force on %(day)s.") % {"day": decided_on.strftime("%d.%m.%Y")}
        ) from None
    if colour == Colour.GREEN:
        if proposed_amount is None or proposed_amount <= 0:
            errors["proposed_amount"] = _("A green decision proposes the loan amount.")
        elif not policy.amount_within_range(proposed_amount) and not amount_justification.strip():
            errors["amount_justification"] = _(
                "%(amount)s is outside the policy's range (%(min)s to %(max)s): a written "
                "justification is required."
            ) % {
                "amount": kr(proposed_amount),
                "min": kr(policy.min_amount),
                "max": kr(policy.max_amount),
            }
    elif proposed_amount is not None:
        errors["proposed_amount"] = _("Only a green decision proposes a loan amount.")
    if errors:
        raise ValidationError(errors)

    latest = latest_decision(case)
    round_number = latest.round_number + 1 if latest else 1
    version = latest_version(case)
    stage = Stage.CLOSED if colour == Colour.RED else Stage.DECISION
    summary = _("Round %(n)s: %(colour)s") % {
        "n": round_number,
        "colour": Colour(colour).label.lower(),
    }
    if colour == Colour.GREEN:
        summary += " · " + _("proposed loan %(amount)s") % {"amount": kr(proposed_amount)}
    if colour == Colour.RED:
        summary += " · " + str(RedOutcome(red_outcome).label)
    event = record_event(
        case,
        EVENT_DECISION,
        acting_user=acting_user,
        occurred_on=decided_on,
        summary=summary,
        why=feedback,
        data={
            "round": round_number,
            "colour": colour,
            "budget_version": version.number,
            "proposed_amount": str(proposed_amount) if proposed_amount is not None else None,
            "red_outcome": red_outcome,
        },
        stage=stage,
    )
    return Decision.objects.create(
        case=case,
        event=event,
        decided_on=decided_on,
        round_number=round_number,
        budget_version=version,
        colour=colour,
        person_colour=person_colour,
        person_reason=person_reason,
        money_colour=money_colour,
        money_reason=money_reason,
        plan_colour=plan_colour,
        plan_reason=plan_reason,
        feedback=feedback,
        proposed_amount=proposed_amount if colour == Colour.GREEN else None,
        amount_justification=amount_justification if colour == Colour.GREEN else "",
        red_outcome=red_outcome,
        policy=policy,
        recorded_by=acting_user,
    )


# --- the grant ----------------------------------------------------------------------------


def approval_refusal(decision: Decision, user) -> str | None:
    """Why this user cannot sign the grant of this decision now, or None."""
    if not user.has_role(*APPROVER_ROLES):
        return _("Only a project leader and a benefits caseworker approve a loan grant.")
    if decision.colour != Colour.GREEN:
        return _("Only a green decision can be granted.")
    if decision.is_granted:
        return _("The loan grant is already approved by both.")
    if is_refused(decision):
        return _("The loan grant was refused; the project leader decides a new round.")
    latest = latest_decision(decision.case)
    if latest is None or latest.pk != decision.pk or decision.case.stage != Stage.DECISION:
        return _("This decision is no longer the case's current decision.")
    approvals = list(decision.approvals.all())
    if any(a.recorded_by_id == user.pk for a in approvals):
        return _(
            "You have already approved this grant. The second approval must be given by "
            "another person."
        )
    if any(a.role == user.role for a in approvals):
        return _("The grant already has the approval of a %(role)s; the other role must sign.") % {
            "role": Role(user.role).label.lower()
        }
    if decision.amount_outside_policy and not decision.amount_justification.strip():
        return _(
            "The amount is outside the policy's range and the decision has no written "
            "justification; it cannot be approved."
        )
    return None


def may_approve(decision: Decision, user) -> bool:
    return approval_refusal(decision, user) is None


@transaction.atomic
def approve_grant(
    decision: Decision, *, approved_on: dt.date, note: str = "", acting_user
) -> GrantApproval:
    """Sign the loan grant. The second signature (the other role, another person) grants it:
    the case moves to ``granted`` with a case event."""
    case = Case.objects.select_for_update().get(pk=decision.case_id)
    decision = Decision.objects.select_related("policy").get(pk=decision.pk)
    decision.case = case
    refusal = approval_refusal(decision, acting_user)
    if refusal:
        if not acting_user.has_role(*APPROVER_ROLES):
            raise PermissionDenied(refusal)
        raise ValidationError(refusal)
    record_event(
        case,
        EVENT_GRANT_APPROVED,
        acting_user=acting_user,
        occurred_on=approved_on,
        summary=_("Loan grant approved by %(role)s %(name)s")
        % {"role": Role(acting_user.role).label.lower(), "name": acting_user},
        why=note,
        data={"decision": decision.pk, "role": acting_user.role},
    )
    try:
        with transaction.atomic():
            approval = GrantApproval.objects.create(
                decision=decision,
                role=acting_user.role,
                approved_on=approved_on,
                note=note,
                recorded_by=acting_user,
            )
    except IntegrityError:
        # Only reachable in a race the row lock above should prevent; the database holds.
        raise ValidationError(
            _("The grant already has this approval; the other role must sign.")
        ) from None
    if decision.is_granted:
        record_event(
            case,
            EVENT_LOAN_GRANTED,
            acting_user=acting_user,
            occurred_on=approved_on,
            summary=_("Loan of %(amount)s granted") % {"amount": kr(decision.proposed_amount)},
            data={
                "decision": decision.pk,
                "amount": str(decision.proposed_amount),
                "policy": decision.policy_id,
                "approvers": [a.recorded_by_id for a in decision.approvals.all()],
            },
            stage=Stage.GRANTED,
        )
    return approval


def missing_approver_roles(decision: Decision) -> list[str]:
    """The approver roles that have not yet signed this decision's grant."""
    given = decision.approved_roles
    return [role.value for role in APPROVER_ROLES if role.value not in given]


@transaction.atomic
def refuse_grant(
    decision: Decision, *, refused_on: dt.date, reason: str, acting_user
) -> GrantRefusal:
    """An approver refuses to sign the grant, giving the reason. The decision stays as it was
    (append-only); the case stays at the decision step, where the project leader decides a
    new round (on the same budget or a resubmitted one)."""
    case = Case.objects.select_for_update().get(pk=decision.case_id)
    decision = Decision.objects.get(pk=decision.pk)
    decision.case = case
    refusal = approval_refusal(decision, acting_user)
    if refusal:
        if not acting_user.has_role(*APPROVER_ROLES):
            raise PermissionDenied(refusal)
        raise ValidationError(refusal)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for refusing the grant.")})
    record_event(
        case,
        EVENT_GRANT_REFUSED,
        acting_user=acting_user,
        occurred_on=refused_on,
        summary=_("Loan grant refused by %(role)s %(name)s")
        % {"role": Role(acting_user.role).label.lower(), "name": acting_user},
        why=reason.strip(),
        data={"decision": decision.pk, "role": acting_user.role},
        stage=Stage.DECISION,
    )
    return GrantRefusal.objects.create(
        decision=decision,
        role=acting_user.role,
        refused_on=refused_on,
        reason=reason.strip(),
        recorded_by=acting_user,
    )


def granted_decisions():
    """Green decisions signed by both roles: the loans helper creates a Loan from these."""
    return Decision.objects.granted()


def grants_awaiting(user, limit: int | None = None):
    """Green, current decisions this user could sign now (for the start page), oldest first.

    The query leaves out what ``approval_refusal`` would refuse on its face (a later round, a
    refusal, this user's or this role's signature), so only the first ``limit`` candidates
    are checked one by one (a few queries each).
    """
    later_round = Decision.objects.filter(
        case=OuterRef("case"), round_number__gt=OuterRef("round_number")
    )
    signed = GrantApproval.objects.filter(decision=OuterRef("pk")).filter(
        Q(recorded_by=user) | Q(role=user.role)
    )
    candidates = (
        Decision.objects.filter(
            colour=Colour.GREEN,
            case__in=Case.objects.for_user(user).filter(stage=Stage.DECISION),
        )
        .exclude(Exists(later_round))
        .exclude(Exists(GrantRefusal.objects.filter(decision=OuterRef("pk"))))
        .exclude(Exists(signed))
        .select_related("case__citizen", "policy")
        .prefetch_related("approvals", "grant_refusals")
        .order_by("decided_on", "pk")
    )
    if limit is not None:
        candidates = candidates[:limit]
    return [d for d in candidates if may_approve(d, user)]
