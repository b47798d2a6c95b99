"""Issuing the reminders the run decided: fee entry, Danish PDF letter, the outbox.

Each reminder is issued once: its row is locked, the fee entry (idempotent by the reminder's
id as its source reference) and the letter are written, and ``reminder.letter`` is set — all
in one transaction per batch. The transport gets the letters after the batch commits
(``letters.send_letter``). A batch that dies leaves its reminders without a letter; the next
run (or ``mikrolaan servicing letters``) issues them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

from mikrolaan.cases.events import record_event
from mikrolaan.core.formatting import money
from mikrolaan.letters.models import LetterKind
from mikrolaan.letters.pdf import render_pdf
from mikrolaan.letters.services import dispatch, send_letter
from mikrolaan.loans import ledger
from mikrolaan.loans.models import EntryKind, EntrySource, LedgerEntry
from mikrolaan.loans.payment_id import display
from mikrolaan.loans.plan import policy_of
from mikrolaan.servicing.models import Reminder

logger = logging.getLogger(__name__)


def reminder_context(reminder: Reminder) -> dict[str, Any]:
    loan = reminder.loan
    policy = policy_of(loan)
    fees = sum(
        (
            e.amount
            for e in LedgerEntry.objects.filter(loan=loan, kind=EntryKind.FEE)
            if not hasattr(e, "reversed_by")
        ),
        start=ledger.ZERO,
    )
    return {
        "reminder": reminder,
        "loan": loan,
        "citizen": loan.citizen,
        "policy": policy,
        "fees": fees,
        "total": reminder.arrears + fees,
        "payment_ref": display(loan.payment_id) if loan.payment_id else "",
        "municipality": getattr(settings, "MIKROLAAN_MUNICIPALITY", "Aarhus Kommune"),
        "department": getattr(
            settings, "MIKROLAAN_DEPARTMENT", "Beskæftigelsesforvaltningen, Jobcenter Aarhus"
        ),
        "reminder_max": policy.reminder_max,
    }


def reminder_pdf(reminder: Reminder) -> bytes:
    return render_pdf("servicing/letters/reminder.html", reminder_context(reminder))


def subject_of(reminder: Reminder) -> str:
    return f"Rykker {reminder.number} for lån {reminder.loan.loan_ref}"


def _issue(reminder: Reminder) -> None:
    loan = reminder.loan
    if reminder.fee > 0:
        ledger.post(
            loan,
            EntryKind.FEE,
            reminder.fee,
            reminder.sent_on,
            acting_user=None,
            source=EntrySource.SYSTEM,
            external_id=f"reminder:{reminder.pk}",
            why=subject_of(reminder),
        )
    letter = send_letter(
        loan.citizen,
        kind=LetterKind.REMINDER,
        subject=subject_of(reminder),
        pdf=reminder_pdf(reminder),
        acting_user=None,
        case=loan.case,
        reference=loan.loan_ref,
    )
    reminder.letter = letter
    reminder.save(update_fields=["letter"])
    if loan.case_id:
        record_event(
            loan.case,
            "loan_reminder",
            acting_user=None,
            occurred_on=reminder.sent_on,
            summary=f"{loan.loan_ref}: rykker {reminder.number}, restance {money(reminder.arrears)}"
            + (" (varsel om overdragelse til Gældsstyrelsen)" if reminder.is_last else ""),
            data={
                "loan": loan.loan_ref,
                "reminder": reminder.number,
                "letter": letter.pk,
                "arrears": str(reminder.arrears),
                "last": bool(reminder.is_last),
            },
        )


def issue_pending(
    *, batch_size: int = 100, after_batch: Callable[[int], None] | None = None
) -> int:
    """Issue every reminder that has no letter yet, oldest first, in committed batches."""
    issued = 0
    batch_no = 0
    last_id = 0
    while True:
        with transaction.atomic():
            batch = list(
                Reminder.objects.select_for_update()
                .filter(letter__isnull=True, pk__gt=last_id)
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            for reminder in batch:
                reminder = Reminder.objects.select_related("loan__citizen", "loan__case").get(
                    pk=reminder.pk
                )
                _issue(reminder)
            last_id = batch[-1].pk
            issued += len(batch)
            letter_ids = [
                r.letter_id for r in Reminder.objects.filter(pk__in=[b.pk for b in batch])
            ]
        # ``send_letter`` hands each letter to the transport when its transaction commits;
        # asking again here is harmless (``dispatch`` sends a letter only while it is queued)
        # and covers a run inside an outer transaction. A transport that fails leaves the
        # letter queued for ``dispatch_queued`` and does not stop the run.
        for letter_id in letter_ids:
            try:
                dispatch(letter_id)
            except Exception:  # noqa: BLE001 - logged; the letter stays queued for a retry
                logger.exception("letter %s: the transport failed; it stays queued", letter_id)
        batch_no += 1
        if after_batch:
            after_batch(batch_no)
    return issued
