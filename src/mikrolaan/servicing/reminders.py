"""Issuing the reminders the run decided: fee entry, Danish PDF letter, the outbox.

Each reminder is issued once: its row is locked, the fee entry (idempotent by the reminder's
id as its source reference) and the letter are written, and ``reminder.letter`` is set — all
in one transaction per batch. The transport gets the letters after the batch commits
(``letters.send_letters``). A batch that dies leaves its reminders without a letter; the next
run (or ``mikrolaan servicing letters``) issues them.

The heaviest day has some 84,000 reminders. ``issue_reminder_letters(ids, progress=…)`` is the
unit a background job runs: the ids are cut into batches, each batch is read in a few queries,
its letters typeset with ReportLab (``letters.pdf.typeset_pdf``, about 15 ms of CPU each where
WeasyPrint took 100) and written in bulk. Several jobs over disjoint slices of the day's ids
(``slices``) run side by side, one per core; a reminder two jobs both hold is issued by the one
that locks it first and skipped by the other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum

from mikrolaan.cases.events import record_event
from mikrolaan.cases.models import Case
from mikrolaan.core.formatting import money
from mikrolaan.letters.models import Letter, LetterKind
from mikrolaan.letters.pdf import typeset_pdf
from mikrolaan.letters.services import Draft, dispatch_many, send_letters
from mikrolaan.loans import ledger
from mikrolaan.loans.models import ZERO, EntryKind, EntrySource, LedgerEntry
from mikrolaan.loans.payment_id import display
from mikrolaan.loans.plan import policy_of
from mikrolaan.servicing.models import Reminder

TEMPLATE = "servicing/letters/reminder.html"
logger = logging.getLogger(__name__)


def fees_of(loan_ids: Iterable[int]) -> dict[int, Decimal]:
    """The reminder fees charged to each loan and not reversed (one query)."""
    rows = (
        LedgerEntry.objects.filter(
            loan_id__in=list(loan_ids), kind=EntryKind.FEE, reversed_by__isnull=True
        )
        .values("loan_id")
        .annotate(total=Sum("amount"))
    )
    return {row["loan_id"]: row["total"] for row in rows}


def reminder_context(reminder: Reminder, *, fees: Decimal | None = None) -> dict[str, Any]:
    """What the letter says. ``fees``: the loan's unreversed fees, when already known."""
    loan = reminder.loan
    policy = policy_of(loan)
    if fees is None:
        fees = fees_of([loan.pk]).get(loan.pk, ZERO)
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


def reminder_pdf(reminder: Reminder, *, fees: Decimal | None = None) -> bytes:
    return typeset_pdf(TEMPLATE, reminder_context(reminder, fees=fees), title=subject_of(reminder))


def subject_of(reminder: Reminder) -> str:
    return f"Rykker {reminder.number} for lån {reminder.loan.loan_ref}"


def _post_fees(reminders: Sequence[Reminder]) -> set[int]:
    """Each reminder's fee on its loan; the ids of the reminders whose fee was new (a rerun
    finds it posted: idempotent by the reminder's id)."""
    # TODO(core): one set-based posting per batch once ``loans.ledger`` posts fees in bulk
    # (as ``receive_payments`` does payments); each ``post`` is a few statements per letter.
    new = set()
    for reminder in reminders:
        if reminder.fee <= 0:
            continue
        posted = ledger.post(
            reminder.loan,
            EntryKind.FEE,
            reminder.fee,
            reminder.sent_on,
            acting_user=None,
            source=EntrySource.SYSTEM,
            external_id=f"reminder:{reminder.pk}",
            why=subject_of(reminder),
        )
        if posted.created:
            new.add(reminder.pk)
    return new


def _record_event(reminder: Reminder, case: Case, letter: Letter) -> None:
    loan = reminder.loan
    record_event(
        case,
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


def _issue_batch(ids: Sequence[int]) -> list[int]:
    """Issue the reminders among ``ids`` that have no letter yet; their letters' ids."""
    with transaction.atomic():
        reminders = list(
            Reminder.objects.select_for_update(of=("self",))
            .select_related("loan__citizen", "loan__case__citizen", "loan__policy")
            .filter(pk__in=ids, letter__isnull=True)
            .order_by("pk")
        )
        if not reminders:
            return []
        # The letter states the fees charged so far, this reminder's included (in id order,
        # as if the reminders were issued one by one).
        fees = fees_of({r.loan_id for r in reminders})
        posted = _post_fees(reminders)
        drafts = []
        for reminder in reminders:
            if reminder.pk in posted:
                fees[reminder.loan_id] = fees.get(reminder.loan_id, ZERO) + reminder.fee
            loan = reminder.loan
            drafts.append(
                Draft(
                    citizen=loan.citizen,
                    kind=LetterKind.REMINDER,
                    subject=subject_of(reminder),
                    pdf=reminder_pdf(reminder, fees=fees.get(loan.pk, ZERO)),
                    case=loan.case,
                    reference=loan.loan_ref,
                )
            )
        letters = send_letters(drafts, acting_user=None)
        for reminder, letter in zip(reminders, letters, strict=True):
            reminder.letter = letter
            if (case := reminder.loan.case) is not None:
                _record_event(reminder, case, letter)
        Reminder.objects.bulk_update(reminders, ["letter"])
        return [letter.pk for letter in letters]


def issue_reminder_letters(
    reminder_ids: Iterable[int],
    *,
    batch_size: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Issue the letters of these reminders (those still without one) in committed batches.

    The unit of work of a background job: ``progress(done, total)`` is called after each
    batch has committed and been handed to the transport (it may raise to stop the job; the
    committed batches stay issued). Returns how many letters were issued.
    """
    ids = sorted(set(reminder_ids))
    issued = 0
    for start in range(0, len(ids), batch_size):
        letter_ids = _issue_batch(ids[start : start + batch_size])
        issued += len(letter_ids)
        # ``send_letters`` hands the letters to the transport when the batch commits; asking
        # again is harmless (only queued letters go) and covers a call inside an outer
        # transaction. A failing transport leaves its letters queued for ``dispatch_queued``.
        dispatch_many(letter_ids)
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    return issued


def pending_reminder_ids() -> list[int]:
    """The reminders still waiting for their letter, oldest first."""
    return list(
        Reminder.objects.filter(letter__isnull=True).order_by("pk").values_list("pk", flat=True)
    )


def slices(ids: Sequence[int], parts: int) -> list[list[int]]:
    """``ids`` cut into ``parts`` contiguous slices of (nearly) equal size, for parallel jobs."""
    parts = max(1, min(parts, len(ids)))
    size, extra = divmod(len(ids), parts)
    out, start = [], 0
    for part in range(parts):
        end = start + size + (1 if part < extra else 0)
        out.append(list(ids[start:end]))
        start = end
    return [s for s in out if s]


def issue_pending(
    *, batch_size: int = 100, after_batch: Callable[[int], None] | None = None
) -> int:
    """Issue every reminder that has no letter yet, oldest first, in committed batches."""
    batches = 0

    def progress(done: int, total: int) -> None:
        nonlocal batches
        batches += 1
        if after_batch:
            after_batch(batches)

    return issue_reminder_letters(pending_reminder_ids(), batch_size=batch_size, progress=progress)
