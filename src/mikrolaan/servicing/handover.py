"""Hand-over to Gældsstyrelsen (state debt collection), and what comes back.

A loan whose open reminder cycle has had its last reminder (with the written notice of
hand-over) is a *candidate*. A finance clerk confirms it (``confirm_handover``) after these
checks, each refused with its own message:

* the reminder procedure was tried: every reminder of the policy was sent;
* the debtor was told in writing: the last reminder (the notice) was delivered, or went out
  on paper;
* the last on-time payment date — the "pay by" date of that notice — has passed;
* the arrears are still unpaid;
* the project leader's task to reach the citizen in person, if there is one, is done.

Then the claim is written as a JSON file (docs/debt-collection.md), the loan is handed over
through ``loans.services.transfer_to_collection`` (ledger ``collection_transfer``, status
``in_collection``) and the cycle is closed. Receipts and collector payments are imported from
CSV files (``import_receipts``, ``import_payments``), idempotently. A claim Gældsstyrelsen
rejected (AFVIST) is taken back by the clerk (``take_back_claim``): the loan is the
municipality's again, and a new reminder cycle can lead to a new claim.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from mikrolaan.accounts.models import User
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.cases.events import record_event
from mikrolaan.core.formatting import number
from mikrolaan.core.private_files import private_dir, write_private
from mikrolaan.letters.models import LetterStatus
from mikrolaan.loans import ledger, lifecycle
from mikrolaan.loans.arrears import arrears_for
from mikrolaan.loans.models import EntryKind, EntrySource, LedgerEntry, Loan, LoanStatus
from mikrolaan.loans.plan import policy_of
from mikrolaan.loans.services import (
    LoanError,
    take_back_from_collection,
    transfer_to_collection,
)
from mikrolaan.servicing.models import (
    Claim,
    ClaimReceipt,
    ClaimType,
    CloseReason,
    ReceiptStatus,
    Reminder,
    ReminderCycle,
    Task,
    TaskEvent,
    TaskKind,
    TaskReason,
    TaskStatus,
)


class HandoverError(Exception):
    """The hand-over or import was refused; nothing was changed."""


def candidates() -> QuerySet[ReminderCycle]:
    """Open cycles of loans being repaid whose last reminder has been sent."""
    last = Reminder.objects.filter(cycle=OuterRef("pk"), is_last=True)
    return (
        ReminderCycle.objects.filter(closed_on__isnull=True, loan__status=LoanStatus.ACTIVE)
        .filter(Exists(last))
        .select_related("loan__citizen")
        .order_by("opened_on", "pk")
    )


@dataclass(frozen=True)
class Check:
    ok: bool
    message: str


def notice_of(cycle: ReminderCycle) -> Reminder | None:
    return cycle.reminders.filter(is_last=True).select_related("letter").first()


def notice_date(reminder: Reminder) -> dt.date | None:
    """When the debtor was told in writing: delivery, or the day a paper letter went out."""
    letter = reminder.letter
    if letter is None or letter.status in (LetterStatus.QUEUED, LetterStatus.FAILED):
        return None
    if reminder.delivered_on:
        return reminder.delivered_on
    if letter.paper:
        return reminder.sent_on
    return None


def checks(cycle: ReminderCycle, on: dt.date) -> list[Check]:
    """What must hold before the claim may be handed over, each with its message."""
    loan = cycle.loan
    policy = policy_of(loan)
    result = []
    sent = cycle.reminders.count()
    result.append(
        Check(
            sent >= policy.reminder_max,
            _("The reminder procedure was tried: %(sent)s of %(max)s reminders sent.")
            % {"sent": sent, "max": policy.reminder_max}
            if sent >= policy.reminder_max
            else _("Only %(sent)s of %(max)s reminders have been sent.")
            % {"sent": sent, "max": policy.reminder_max},
        )
    )
    notice = notice_of(cycle)
    given = notice_date(notice) if notice else None
    if given:
        msg = _("Written notice of hand-over given on %(date)s.") % {"date": _fmt(given)}
    elif notice is None:
        msg = _("No written notice of hand-over has been sent.")
    elif notice.letter and notice.letter.status == LetterStatus.FAILED:
        msg = _("The written notice could not be delivered; the debtor has not been told.")
    else:
        msg = _("The written notice has not been delivered yet.")
    result.append(Check(given is not None, msg))
    if notice is not None:
        passed = on > notice.pay_by
        result.append(
            Check(
                passed,
                _("The last on-time payment date (%(date)s) has passed.")
                % {"date": _fmt(notice.pay_by)}
                if passed
                else _("The last on-time payment date (%(date)s) has not passed yet.")
                % {"date": _fmt(notice.pay_by)},
            )
        )
    position = arrears_for(on, [loan.pk]).get(loan.pk)
    arrears = position.arrears if position is not None else Decimal("0.00")
    owing = arrears > 0
    result.append(
        Check(
            owing,
            _("%(amount)s kr. in arrears.") % {"amount": number(arrears, 2)}
            if owing
            else _("The arrears have been paid."),
        )
    )
    open_task = cycle.tasks.filter(kind=TaskKind.CONTACT_CITIZEN, status=TaskStatus.OPEN).exists()
    result.append(
        Check(
            not open_task,
            _("The project leader's task to reach the citizen is still open.")
            if open_task
            else _("No open task to reach the citizen."),
        )
    )
    return result


def _fmt(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _fees_owed(loan: Loan, balance: Decimal) -> Decimal:
    fees = Decimal("0.00")
    for e in LedgerEntry.objects.filter(loan=loan, kind=EntryKind.FEE):
        if not LedgerEntry.objects.filter(reverses=e).exists():
            fees += e.amount
    # Payments pay the plan first and fees last, so what is owed holds the fees last.
    return min(fees, balance)


def claim_data(claim: Claim, loan: Loan) -> dict[str, Any]:
    return {
        "format": "mikrolaan-claim/1",
        "claim_ref": claim.claim_ref,
        "claim_type": claim.claim_type,
        "creditor": getattr(settings, "MIKROLAAN_MUNICIPALITY", "Aarhus Kommune"),
        "debtor": {"cpr": claim.cpr, "name": loan.citizen.full_name},
        "loan_ref": loan.loan_ref,
        "created_on": claim.created_on.isoformat(),
        "due_date": claim.due_date.isoformat(),
        "last_on_time_payment_date": claim.last_on_time_payment.isoformat(),
        "principal": f"{claim.principal:.2f}",
        "outstanding": f"{claim.outstanding:.2f}",
        "fees": f"{claim.fees:.2f}",
        "written_notice_date": claim.notice_on.isoformat(),
        "handed_over_on": claim.confirmed_on.isoformat(),
    }


@transaction.atomic
def confirm_handover(cycle: ReminderCycle, *, on: dt.date, acting_user: User) -> Claim:
    cycle = (
        ReminderCycle.objects.select_for_update().select_related("loan__citizen").get(pk=cycle.pk)
    )
    loan = cycle.loan
    if cycle.closed_on is not None or loan.status != LoanStatus.ACTIVE:
        raise HandoverError(_("%(loan)s is not a hand-over candidate.") % {"loan": loan.loan_ref})
    failed = [c.message for c in checks(cycle, on) if not c.ok]
    if failed:
        raise HandoverError(" ".join(failed))
    if not loan.citizen.cpr:
        raise HandoverError(_("The citizen has no CPR number; a claim needs one."))
    notice = notice_of(cycle)
    notice_on = notice_date(notice) if notice is not None else None
    # The checks passed: the notice was given in writing; an active loan is paid out.
    assert notice is not None and notice_on is not None and loan.disbursed_on is not None
    balance = ledger.balance(loan)
    fees = _fees_owed(loan, balance)
    claim = Claim(
        claim_ref=f"{loan.loan_ref}-{cycle.pk}",
        loan=loan,
        cycle=cycle,
        claim_type=ClaimType.KTSEREV,
        confirmed_on=on,
        confirmed_by=acting_user,
        cpr=loan.citizen.cpr,
        created_on=loan.disbursed_on,
        due_date=cycle.first_unpaid_due,
        last_on_time_payment=notice.pay_by,
        principal=loan.principal,
        outstanding=balance,
        fees=fees,
        notice_on=notice_on,
    )
    folder = Path(settings.EXPORTS_DIR) / "gaeldsstyrelsen"
    private_dir(folder)
    path = folder / f"fordring-{claim.claim_ref}.json"
    claim.export_file = str(path)
    try:
        transfer_to_collection(
            loan,
            on=on,
            reason=f"Overdraget til Gældsstyrelsen, fordring {claim.claim_ref}",
            acting_user=acting_user,
        )
    except LoanError as exc:
        raise HandoverError(str(exc)) from exc
    claim.save()
    cycle.closed_on = on
    cycle.close_reason = CloseReason.HANDED_OVER
    cycle.save(update_fields=["closed_on", "close_reason"])
    write_private(path, json.dumps(claim_data(claim, loan), ensure_ascii=False, indent=2))
    log(
        acting_user,
        Action.EXTRACT,
        obj=claim,
        citizen=loan.citizen,
        what=f"claim {claim.claim_ref} to Gældsstyrelsen: {balance} kr.",
    )
    return claim


# --- what comes back -----------------------------------------------------------------------


@dataclass
class ImportResult:
    added: int = 0
    already: int = 0


def _rows(text: str, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise HandoverError(
            _("line 1: the header lacks the column(s) %(cols)s") % {"cols": ", ".join(missing)}
        )
    return [(n, row) for n, row in enumerate(reader, start=2)]


def _date(value: str, line: int, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError as exc:
        raise HandoverError(
            _("line %(line)s: %(column)s is not a date (YYYY-MM-DD): %(value)r")
            % {"line": line, "column": column, "value": value}
        ) from exc


def _claim(ref: str, line: int) -> Claim:
    claim = Claim.objects.filter(claim_ref=(ref or "").strip()).select_related("loan").first()
    if claim is None:
        raise HandoverError(
            _("line %(line)s: no claim with number %(ref)r") % {"line": line, "ref": ref}
        )
    return claim


@transaction.atomic
def import_receipts(text: str, *, acting_user: User | None = None) -> ImportResult:
    """Receipts ``claim_ref,status,date,message``; every line is checked before any is kept."""
    parsed = []
    for line, row in _rows(text, ["claim_ref", "status", "date"]):
        status = (row.get("status") or "").strip().upper()
        if status not in ReceiptStatus.values:
            raise HandoverError(
                _("line %(line)s: unknown receipt status %(status)r (expected %(known)s)")
                % {"line": line, "status": status, "known": ", ".join(ReceiptStatus.values)}
            )
        parsed.append(
            (
                _claim(row["claim_ref"], line),
                status,
                _date(row["date"], line, "date"),
                (row.get("message") or "").strip(),
            )
        )
    result = ImportResult()
    for claim, status, day, message in parsed:
        if ClaimReceipt.objects.filter(claim=claim, status=status, received_on=day).exists():
            result.already += 1
            continue
        ClaimReceipt.objects.create(
            claim=claim, status=status, received_on=day, message=message, recorded_by=acting_user
        )
        result.added += 1
        latest = claim.receipts.order_by("-received_on", "-pk").first()
        assert latest is not None  # the receipt just added, at least
        if claim.status != latest.status:
            claim.status = latest.status
            claim.save(update_fields=["status"])
        if status == ReceiptStatus.AFVIST:
            _claim_rejected_task(claim, day, message)
        loan = claim.loan
        if loan.case is not None:
            record_event(
                loan.case,
                "claim_receipt",
                acting_user=acting_user,
                occurred_on=day,
                summary=f"{claim.claim_ref}: {status}",
                why=message,
                data={"claim": claim.claim_ref, "status": str(status)},
            )
        else:
            log(acting_user, Action.CHANGE, obj=claim, what=f"receipt {status}")
    return result


def _claim_rejected_task(claim: Claim, day: dt.date, message: str) -> None:
    task, created = Task.objects.get_or_create(
        kind=TaskKind.CLAIM_REJECTED,
        claim=claim,
        defaults={
            "role": "finance_clerk",
            "loan": claim.loan,
            "reason": TaskReason.CLAIM_REJECTED,
            "created_on": day,
        },
    )
    if created:
        TaskEvent.objects.create(task=task, kind="created", occurred_on=day, note=message)


def _amount(value: str, line: int) -> Decimal:
    text = (value or "").strip().replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise HandoverError(
            _("line %(line)s: amount is not a number: %(value)r") % {"line": line, "value": value}
        ) from exc
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise HandoverError(
            _("line %(line)s: amount must be positive with at most 2 decimals: %(value)r")
            % {"line": line, "value": value}
        )
    return amount


@transaction.atomic
def import_payments(text: str, *, acting_user: User | None = None) -> ImportResult:
    """Collector payments ``claim_ref,reference,date,amount``, posted as ``collector_payment``
    entries; the collector's reference makes a line count once, however often it is imported."""
    parsed = []
    seen = set()
    for line, row in _rows(text, ["claim_ref", "reference", "date", "amount"]):
        ref = (row.get("reference") or "").strip()
        if not ref:
            raise HandoverError(_("line %(line)s: the reference is empty") % {"line": line})
        if ref in seen:
            raise HandoverError(
                _("line %(line)s: reference %(ref)r appears twice in the file")
                % {"line": line, "ref": ref}
            )
        seen.add(ref)
        parsed.append(
            (
                _claim(row["claim_ref"], line),
                ref,
                _date(row["date"], line, "date"),
                _amount(row["amount"], line),
                line,
            )
        )
    result = ImportResult()
    for claim, ref, day, amount, line in parsed:
        try:
            received = ledger.receive_payment(
                claim.loan,
                amount,
                day,
                acting_user=acting_user,
                kind=EntryKind.COLLECTOR_PAYMENT,
                source=EntrySource.COLLECTOR,
                external_id=ref,
                why=f"Indbetalt via Gældsstyrelsen, fordring {claim.claim_ref}",
            )
        except ledger.LedgerError as exc:
            raise HandoverError(f"line {line}: {exc}") from exc
        lifecycle.follow_balance(claim.loan, on=day, acting_user=acting_user, why=ref)
        if received.created:
            result.added += 1
        else:
            result.already += 1
    return result


# --- taking a rejected claim back ----------------------------------------------------------


def can_take_back(claim: Claim) -> bool:
    """Gældsstyrelsen rejected the claim and the loan is still marked as with them."""
    return claim.status == ReceiptStatus.AFVIST and claim.loan.status == LoanStatus.IN_COLLECTION


@transaction.atomic
def take_back_claim(claim: Claim, *, on: dt.date, reason: str, acting_user: User) -> Loan:
    """The clerk takes a rejected claim back: the loan returns from collection
    (``loans.services.take_back_from_collection``) and the clerk's task about the rejection is
    done, with the reason as its note."""
    claim = Claim.objects.select_for_update().select_related("loan").get(pk=claim.pk)
    if not can_take_back(claim):
        raise HandoverError(
            _(
                "Only a claim Gældsstyrelsen has rejected (AFVIST) can be taken back; "
                "%(claim)s is not."
            )
            % {"claim": claim.claim_ref}
        )
    try:
        loan = take_back_from_collection(
            claim.loan,
            on=on,
            reason=reason,
            acting_user=acting_user,
        )
    except LoanError as exc:
        raise HandoverError(str(exc)) from exc
    for task in Task.objects.select_for_update().filter(
        claim=claim, kind=TaskKind.CLAIM_REJECTED, status=TaskStatus.OPEN
    ):
        TaskEvent.objects.create(
            task=task, kind="done", occurred_on=on, note=reason.strip(), recorded_by=acting_user
        )
        task.status = TaskStatus.DONE
        task.save(update_fields=["status"])
    log(
        acting_user,
        Action.CHANGE,
        obj=claim,
        citizen=loan.citizen,
        what=f"claim {claim.claim_ref} taken back",
        why=reason.strip(),
    )
    return loan
