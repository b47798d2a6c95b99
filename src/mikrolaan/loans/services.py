"""Every change to a loan is one of these functions: atomic, with its case event and audit
record in the same transaction. Money moves only through ``loans.ledger``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from mikrolaan.accounts.roles import Role
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.cases import date_rules
from mikrolaan.cases.events import record_event
from mikrolaan.core.formatting import money, number
from mikrolaan.core.formatting import months as months_text
from mikrolaan.loans import ledger, lifecycle, payment_id, schedule
from mikrolaan.loans.models import (
    Deferral,
    EntryKind,
    EntrySource,
    LedgerEntry,
    Loan,
    LoanStatus,
    Overpayment,
    OverpaymentRefund,
)
from mikrolaan.loans.plan import plan_of, policy_of, rederive, start_month
from mikrolaan.policy.models import LoanPolicy

if TYPE_CHECKING:
    from mikrolaan.accounts.models import User
    from mikrolaan.decisions.models import Decision


class LoanError(Exception):
    """A request the loan's rules refuse; nothing was changed. ``field`` names the input it
    is about, if one (the form shows the message there)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- grant ------------------------------------------------------------------------------


def grant_status(decision: Decision) -> tuple[bool, str]:
    """Is this decision a granted loan? (green, approved by a project leader and a benefits
    caseworker, two different people). Returns (granted, why not)."""
    if decision.colour != "green":
        return False, _("the decision is not green")
    approvals = list(decision.approvals.all())
    roles = {a.role for a in approvals}
    if not {Role.PROJECT_LEADER, Role.BENEFITS_CASEWORKER} <= roles:
        return False, _(
            "the grant needs both a project leader's and a benefits caseworker's approval"
        )
    if len({a.recorded_by_id for a in approvals}) < 2:
        return False, _("the two approvals must be by two different people")
    return True, ""


def payment_id_for(loan_pk: int) -> str:
    """The loan's own +71 payment ID: a body derived from the loan's id (unique)."""
    return payment_id.make(10**13 + loan_pk)


@transaction.atomic
def create_loan(decision: Decision, *, acting_user: User, collateral: str = "") -> Loan:
    """Set up the loan of a granted decision, under the policy in force when it was granted."""
    granted, why_not = grant_status(decision)
    if not granted:
        raise LoanError(why_not)
    if Loan.objects.filter(decision=decision).exists():
        raise LoanError(_("this decision already has a loan"))
    granted_on = max(a.approved_on for a in decision.approvals.all())
    policy = decision.policy or LoanPolicy.in_force(granted_on)
    principal = decision.proposed_amount
    assert principal is not None  # a green decision has an amount (a CHECK constraint)
    if not policy.amount_within_range(principal) and not decision.amount_justification.strip():
        raise LoanError(
            _(
                "%(amount)s kr. is outside the policy's range and the decision gives no "
                "justification"
            )
            % {"amount": number(principal, 2)}
        )
    case = decision.case
    loan = Loan.objects.create(
        loan_ref=f"tmp-{decision.pk}",
        citizen=case.citizen,
        case=case,
        cohort=case.cohort,
        decision=decision,
        policy=policy,
        principal=principal,
        granted_on=granted_on,
        term_months=policy.term_months,
        collateral=collateral,
    )
    loan.loan_ref = f"ML-{granted_on.year}-{loan.pk:05d}"
    loan.payment_id = payment_id_for(loan.pk)
    loan.save(update_fields=["loan_ref", "payment_id"])
    lifecycle.transition(
        loan,
        LoanStatus.GRANTED,
        on=granted_on,
        acting_user=acting_user,
        summary=f"{loan.loan_ref}: {money(principal)}",
        data={"principal": str(principal), "policy": policy.pk},
    )
    return loan


def _check_dates(field: str, *results: str | None) -> None:
    """Refuse with the first broken date rule (cases.date_rules) on ``field``, if any."""
    for message in results:
        if message:
            raise LoanError(message, field=field)


# --- payout -----------------------------------------------------------------------------


@transaction.atomic
def record_payout(
    loan: Loan,
    *,
    paid_on: dt.date,
    acting_user: User,
    deferral_months: int = 0,
    deferral_reason: str = "",
    send_letters: bool = True,
) -> Loan:
    """The principal is paid out: disbursement entry, repayment start, status active.

    A deferral at start postpones the first instalment (a recorded deferral with its reason).
    The loan agreement and the repayment plan go to the citizen as letters.
    """
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != LoanStatus.GRANTED or loan.disbursed_on is not None:
        raise LoanError(_("%(loan)s is already paid out") % {"loan": loan.loan_ref})
    if loan.granted_on and paid_on < loan.granted_on:
        raise LoanError(_("the payout cannot be before the grant"), field="paid_on")
    if loan.decision_id and loan.case is not None:
        # DOMAIN.md §6: the main course has started and the citizen is declared fit for
        # work (raskmeldt) before the loan is paid out.
        from mikrolaan.decisions.main_course import payout_blockers

        blockers = payout_blockers(loan.case)
        if blockers:
            raise LoanError(" ".join(str(b) for b in blockers))
        from mikrolaan.decisions.main_course import current_start

        start = current_start(loan.case)
        fit = loan.case.fit_for_work.order_by("confirmed_on").first()
        _check_dates(
            "paid_on",
            date_rules.not_before(
                paid_on, start.started_on if start is not None else None, _("the main-course start")
            ),
            date_rules.not_before(paid_on, fit and fit.confirmed_on, _("the fit-for-work date")),
        )
    _check_dates("paid_on", date_rules.not_future(paid_on, _("A payout")))
    policy = policy_of(loan)
    if deferral_months:
        _check_deferral(loan, policy, deferral_months, deferral_reason)
    loan.disbursed_on = paid_on
    loan.deferral_months_at_start = deferral_months
    loan.save(update_fields=["disbursed_on", "deferral_months_at_start"])
    if deferral_months:
        first = start_month(loan, policy)
        assert first is not None  # the loan is paid out (just above)
        Deferral.objects.create(
            loan=loan,
            decided_on=paid_on,
            first_month=schedule.month_start(first),
            months=deferral_months,
            at_start=True,
            reason=deferral_reason.strip(),
            recorded_by=acting_user,
        )
    ledger.post(
        loan,
        EntryKind.DISBURSEMENT,
        loan.principal,
        paid_on,
        acting_user=acting_user,
        why=_("Payout"),
    )
    loan.refresh_from_db()
    assert loan.repayment_start is not None  # the payout's posting derived the plan
    lifecycle.transition(
        loan,
        LoanStatus.ACTIVE,
        on=paid_on,
        acting_user=acting_user,
        summary=f"{loan.loan_ref}: {money(loan.principal)}",
        data={"amount": str(loan.principal), "first_due": loan.repayment_start.isoformat()},
    )
    if send_letters:
        from mikrolaan.loans.letters import send_agreement, send_plan

        send_agreement(loan, acting_user=acting_user)
        send_plan(loan, acting_user=acting_user)
    return loan


# --- deferral ---------------------------------------------------------------------------


def deferred_months(loan: Loan) -> int:
    return sum(d.months for d in Deferral.objects.filter(loan=loan))


def _check_deferral(loan: Loan, policy: LoanPolicy, months: int, reason: str) -> None:
    if months <= 0:
        raise LoanError(_("a deferral is at least one month"))
    if not reason.strip():
        raise LoanError(_("a deferral needs a reason"))
    used = deferred_months(loan)
    if used + months > policy.max_deferral_months:
        raise LoanError(
            _(
                "the policy allows %(max)s months of deferral in total; %(used)s are used, "
                "so at most %(left)s more"
            )
            % {
                "max": policy.max_deferral_months,
                "used": used,
                "left": policy.max_deferral_months - used,
            }
        )


def first_deferrable_month(loan: Loan, on: dt.date) -> dt.date | None:
    """The month of the first instalment not yet due on ``on`` (what a deferral may start
    with), or None when every instalment has fallen due.

    An instalment has fallen due on its due date — the rule the arrears follow
    (``loans.arrears``: ``due_date <= as_of``) — so the instalment due on ``on`` itself is
    no longer deferrable: deferring it would turn arrears the loan page showed into none."""
    for inst in plan_of(loan):
        if inst.due_date > on:
            return schedule.month_start(inst.month)
    return None


def deferrable_months(loan: Loan, on: dt.date, count: int = 24) -> list[dt.date]:
    """The months a deferral decided on ``on`` may start with (the first ``count``)."""
    first = first_deferrable_month(loan, on)
    if first is None:
        return []
    start = schedule.month_index(first)
    return [schedule.month_start(start + i) for i in range(count)]


@transaction.atomic
def grant_deferral(
    loan: Loan,
    *,
    months: int,
    reason: str,
    decided_on: dt.date,
    acting_user: User,
    first_month: dt.date | None = None,
    send_letters: bool = True,
) -> Deferral:
    """Postpone the instalments from ``first_month`` (default: the next one not yet due) by
    ``months``. Instalments already due are never deferred; the plan is re-derived."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != LoanStatus.ACTIVE:
        raise LoanError(_("only a loan being repaid can be deferred"))
    policy = policy_of(loan)
    _check_deferral(loan, policy, months, reason)
    _check_dates(
        "decided_on",
        date_rules.not_future(decided_on, _("A deferral decision")),
        date_rules.not_before(decided_on, loan.disbursed_on, _("the payout")),
    )
    earliest = first_deferrable_month(loan, decided_on)
    if earliest is None:
        raise LoanError(_("every instalment has fallen due; nothing is left to defer"))
    first_month = (first_month or earliest).replace(day=1)
    if first_month < earliest:
        raise LoanError(
            _("instalments already due cannot be deferred; the first month possible is %(m)s")
            % {"m": earliest.strftime("%m/%Y")}
        )
    deferral = Deferral.objects.create(
        loan=loan,
        decided_on=decided_on,
        first_month=first_month,
        months=months,
        at_start=False,
        reason=reason.strip(),
        recorded_by=acting_user,
    )
    rederive(loan)
    if loan.case is not None:
        record_event(
            loan.case,
            "loan_deferral",
            acting_user=acting_user,
            occurred_on=decided_on,
            summary=f"{loan.loan_ref}: {months_text(months)} fra {first_month:%m/%Y}",
            why=reason,
            data={"loan": loan.loan_ref, "months": months, "from": first_month.isoformat()},
        )
    else:
        log(acting_user, Action.CHANGE, obj=loan, what=f"deferral {months}", why=reason)
    if send_letters:
        from mikrolaan.loans.letters import send_plan

        send_plan(loan, acting_user=acting_user)
    return deferral


# --- money ------------------------------------------------------------------------------


@transaction.atomic
def register_payment(
    loan: Loan, *, amount: Decimal, paid_on: dt.date, acting_user: User, why: str = ""
) -> ledger.Received:
    """A payment entered by hand (e.g. paid at the counter). More than is owed is held for
    refund, not posted."""
    if loan.status not in (LoanStatus.ACTIVE, LoanStatus.REPAID, LoanStatus.IN_COLLECTION):
        raise LoanError(_("the loan is not paid out"))
    _check_dates(
        "paid_on",
        date_rules.not_future(paid_on, _("A payment")),
        date_rules.not_before(paid_on, loan.disbursed_on, _("the payout")),
    )
    try:
        received = ledger.receive_payment(
            loan, amount, paid_on, acting_user=acting_user, source=EntrySource.MANUAL, why=why
        )
    except ledger.LedgerError as exc:
        raise LoanError(str(exc)) from exc
    lifecycle.follow_balance(loan, on=paid_on, acting_user=acting_user, why=why)
    log(
        acting_user,
        Action.CHANGE,
        obj=loan,
        citizen=loan.citizen,
        what=f"payment {amount} on {paid_on} to {loan.loan_ref}",
        why=why,
    )
    return received


@transaction.atomic
def reverse_entry(
    entry: LedgerEntry, *, reason: str, on: dt.date, acting_user: User
) -> LedgerEntry:
    """Cancel an entry with a reversal (the entry itself is never changed)."""
    if not reason.strip():
        raise LoanError(_("a reversal needs a reason"))
    if entry.kind == EntryKind.COLLECTION_TRANSFER:
        # Reversing the hand-over alone would leave the loan marked as with the collector.
        raise LoanError(
            _("a hand-over to debt collection is undone by taking the loan back, not reversed")
        )
    try:
        posted = ledger.post(
            entry.loan,
            EntryKind.REVERSAL,
            entry.amount,
            max(on, entry.value_date),
            acting_user=acting_user,
            reverses=entry,
            why=reason.strip(),
        )
    except ledger.LedgerError as exc:
        raise LoanError(str(exc)) from exc
    loan = entry.loan
    lifecycle.follow_balance(
        loan, on=posted.entry.value_date, acting_user=acting_user, why=reason.strip()
    )
    if loan.case is not None:
        record_event(
            loan.case,
            "loan_entry_reversed",
            acting_user=acting_user,
            occurred_on=posted.entry.value_date,
            summary=f"{loan.loan_ref}: {entry.get_kind_display()} {money(entry.amount)}",
            why=reason,
            data={"loan": loan.loan_ref, "entry_kind": entry.kind, "amount": str(entry.amount)},
        )
    return posted.entry


@transaction.atomic
def correct_entry(
    entry: LedgerEntry, *, amount: Decimal, value_date: dt.date, reason: str, acting_user: User
) -> tuple[LedgerEntry, LedgerEntry]:
    """A correction is a reversal plus a new entry of the same kind, in one transaction."""
    reversal = reverse_entry(entry, reason=reason, on=value_date, acting_user=acting_user)
    try:
        new = ledger.post(
            entry.loan,
            entry.kind,
            amount,
            value_date,
            acting_user=acting_user,
            source=entry.source,
            why=reason,
        ).entry
    except ledger.LedgerError as exc:
        raise LoanError(str(exc)) from exc
    lifecycle.follow_balance(entry.loan, on=value_date, acting_user=acting_user, why=reason)
    return reversal, new


@transaction.atomic
def refund_overpayment(
    overpayment: Overpayment, *, refunded_on: dt.date, acting_user: User, note: str = ""
) -> OverpaymentRefund:
    """Pay an overpayment held for refund back to the citizen (``note``: why, how)."""
    # The loan row is the lock that serialises two clerks refunding the same overpayment.
    Loan.objects.select_for_update().get(pk=overpayment.loan_id)
    if not note.strip():
        raise LoanError(_("a refund needs a reason"))
    if OverpaymentRefund.objects.filter(overpayment=overpayment).exists():
        raise LoanError(_("this overpayment is already refunded"))
    if refunded_on < overpayment.value_date:
        raise LoanError(_("a refund cannot be dated before the money was received"))
    refund = OverpaymentRefund.objects.create(
        overpayment=overpayment, refunded_on=refunded_on, note=note.strip(), recorded_by=acting_user
    )
    log(
        acting_user,
        Action.CHANGE,
        obj=overpayment.loan,
        citizen=overpayment.loan.citizen,
        what=f"refund of overpayment {overpayment.amount}",
        why=note.strip(),
    )
    loan = overpayment.loan
    if loan.case is not None:
        record_event(
            loan.case,
            "loan_overpayment_refunded",
            acting_user=acting_user,
            occurred_on=refunded_on,
            summary=f"{loan.loan_ref}: {money(overpayment.amount)}",
            why=note.strip(),
            data={"loan": loan.loan_ref, "amount": str(overpayment.amount)},
        )
    return refund


@transaction.atomic
def transfer_to_collection(loan: Loan, *, on: dt.date, reason: str, acting_user: User) -> Loan:
    """Hand the claim to the state debt collector (Gældsstyrelsen): the claim moves, the
    amount does not (a zero-effect ledger entry of the balance)."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != LoanStatus.ACTIVE:
        raise LoanError(_("only a loan being repaid can be handed over"))
    owed = ledger.balance(loan)
    if owed <= 0:
        raise LoanError(_("nothing is owed"))
    ledger.post(loan, EntryKind.COLLECTION_TRANSFER, owed, on, acting_user=acting_user, why=reason)
    loan.collection_transferred_on = on
    loan.save(update_fields=["collection_transferred_on"])
    lifecycle.transition(
        loan,
        LoanStatus.IN_COLLECTION,
        on=on,
        acting_user=acting_user,
        why=reason,
        summary=f"{loan.loan_ref}: {money(owed)}",
        data={"amount": str(owed)},
    )
    return loan


@transaction.atomic
def take_back_from_collection(loan: Loan, *, on: dt.date, reason: str, acting_user: User) -> Loan:
    """The claim comes back from the state debt collector (e.g. Gældsstyrelsen rejected it):
    the collection transfer is reversed in the ledger (the transfer entry stays in the history)
    and the loan is the municipality's again — being repaid, or repaid when nothing is owed."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != LoanStatus.IN_COLLECTION:
        raise LoanError(_("%(loan)s is not with state debt collection") % {"loan": loan.loan_ref})
    if not reason.strip():
        raise LoanError(_("taking a loan back from debt collection needs a reason"))
    transfer = (
        LedgerEntry.objects.filter(
            loan=loan, kind=EntryKind.COLLECTION_TRANSFER, reversed_by__isnull=True
        )
        .order_by("-value_date", "-pk")
        .first()
    )
    if transfer is not None:
        if on < transfer.value_date:
            raise LoanError(
                _("the take-back cannot be dated before the hand-over (%(day)s)")
                % {"day": transfer.value_date.strftime("%d.%m.%Y")}
            )
        try:
            ledger.post(
                loan,
                EntryKind.REVERSAL,
                transfer.amount,
                on,
                acting_user=acting_user,
                reverses=transfer,
                why=reason.strip(),
            )
        except ledger.LedgerError as exc:
            raise LoanError(str(exc)) from exc
    owed = ledger.balance(loan)
    loan.collection_transferred_on = None
    loan.save(update_fields=["collection_transferred_on"])
    lifecycle.transition(
        loan,
        LoanStatus.ACTIVE,
        on=on,
        acting_user=acting_user,
        why=reason.strip(),
        summary=f"{loan.loan_ref}: {money(owed)}",
        data={"amount": str(owed)},
    )
    lifecycle.follow_balance(loan, on=on, acting_user=acting_user, why=reason.strip())
    log(
        acting_user,
        Action.CHANGE,
        obj=loan,
        citizen=loan.citizen,
        what=f"{loan.loan_ref} taken back from debt collection: {owed} kr.",
        why=reason.strip(),
    )
    return loan


@transaction.atomic
def write_off(loan: Loan, *, on: dt.date, reason: str, acting_user: User) -> Loan:
    """Write off what is owed (the whole balance; never more)."""
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    owed = ledger.balance(loan)
    if owed <= 0 or loan.status not in (LoanStatus.ACTIVE, LoanStatus.IN_COLLECTION):
        raise LoanError(_("nothing to write off"))
    if not reason.strip():
        raise LoanError(_("a write-off needs a reason"))
    try:
        ledger.post(loan, EntryKind.WRITE_OFF, owed, on, acting_user=acting_user, why=reason)
    except ledger.LedgerError as exc:
        raise LoanError(str(exc)) from exc
    lifecycle.transition(
        loan,
        LoanStatus.WRITTEN_OFF,
        on=on,
        acting_user=acting_user,
        why=reason,
        summary=f"{loan.loan_ref}: {money(owed)}",
        data={"amount": str(owed)},
    )
    return loan


def early_repayment_figure(loan: Loan, as_of: dt.date) -> Decimal:
    """What pays the loan off on ``as_of``: the balance (interest-free, no penalty)."""
    return ledger.balance(loan)
