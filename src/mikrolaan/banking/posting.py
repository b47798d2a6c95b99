"""Posting a batch of a statement's new entries: decided one by one by the same rules
(``matching.decide``), posted together (``ledger.receive_payments``), recorded in bulk.

The loans a batch pays and their balances are looked up once per batch. An entry for a loan
the batch is already paying first posts what is pending, so every entry is decided on the
loan as it stands after the entries before it — exactly as if they were posted one at a time.
"""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from mikrolaan.accounts.models import User
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.audit.services import origin_fields
from mikrolaan.banking.matching import Reason, decide, payment_ids_in
from mikrolaan.banking.models import BankEntry, EntryHandling, Outcome
from mikrolaan.core.bulk import build, insert_many
from mikrolaan.loans import ledger, lifecycle
from mikrolaan.loans.models import EntryKind, EntrySource, LedgerEntry, Loan

Incoming = ledger.Incoming
receive_payments = ledger.receive_payments


# How many entries of a batch had each (outcome, reason).
Outcomes = Counter[tuple[str, str]]


def _follow_balances(
    paid_off: list[int], day_of: dict[int, dt.date], acting_user: User | None
) -> None:
    """A loan paid off by the batch becomes repaid (its life cycle's transition)."""
    for loan in Loan.objects.filter(pk__in=paid_off).order_by("pk"):
        lifecycle.follow_balance(loan, on=day_of[loan.pk], acting_user=acting_user)


class _Refused(Exception):
    """The batch posting did something one-at-a-time posting would not have: undo it."""


class Batch:
    """One batch of new entries (already saved) and what becomes of each."""

    def __init__(self, entries: list[BankEntry], acting_user: User | None) -> None:
        self.entries = entries
        self.user = acting_user
        self.user_id = getattr(acting_user, "pk", None)
        self.handlings: list[EntryHandling] = []
        self.audit: list[AuditRecord] = []
        self.pending: list[tuple[BankEntry, Loan]] = []
        self.pending_loans: set[int] = set()
        self.outcomes: Outcomes = Counter()
        wanted: set[str] = set()
        for entry in entries:
            wanted.update(payment_ids_in(entry).valid)
        # The import locked these loans already (``services._write``), in pk order.
        self.loans = {
            loan.payment_id: loan
            for loan in Loan.objects.filter(payment_id__any=wanted).select_related("policy")
        }
        self.origin = {**origin_fields(), "role": getattr(acting_user, "role", "") or ""}
        self.now = timezone.now()  # the batch's records' time (one clock reading, not one each)
        self.why: dict[int, str] = {}  # statement pk -> its ledger reason's start (``_why``)

    # --- matching.Known ---
    def loan(self, payment_id: str) -> Loan | None:
        found = self.loans.get(payment_id)
        if found is not None and found.pk in self.pending_loans:
            self.flush()
            found = self.loans.get(payment_id)
        return found

    def outstanding(self, loan: Loan) -> Decimal:
        return self.loans[loan.payment_id].balance  # as posted so far (``flush``)

    # --- the work ---
    def run(self) -> Outcomes:
        for entry in self.entries:
            if entry.reversal:
                self.flush()  # a reversal looks for the posted payment it undoes
            decision = decide(entry, known=self)
            if decision.outcome == Outcome.POSTED:
                assert decision.loan is not None  # a payment is posted to its loan
                self.pending.append((entry, decision.loan))
                self.pending_loans.add(decision.loan.pk)
                continue
            self._handled(
                entry,
                decision.loan,
                outcome=decision.outcome,
                reason=decision.reason,
                params=decision.params,
                proposed_reversal_of_id=getattr(decision.proposed_reversal_of, "pk", None),
            )
        self.flush()
        insert_many(EntryHandling, self.handlings)
        insert_many(AuditRecord, self.audit)
        return self.outcomes

    def flush(self) -> None:
        """Post the pending entries; the batch's loans are then as the database has them."""
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        try:
            with transaction.atomic():
                received = receive_payments(
                    [
                        Incoming(
                            loan_id=loan.pk,
                            amount=entry.amount,
                            value_date=entry.posting_date,
                            external_id=entry.identity,
                            why=self._why(entry),
                        )
                        for entry, loan in pending
                    ],
                    acting_user=self.user,
                    source=EntrySource.BANK,
                    locked={loan.pk: loan for _entry, loan in pending},  # updated in place
                )
                if any(r.created and r.overpayment is not None for r in received):
                    raise _Refused  # e.g. back-dated before a fee: the clerk decides, as before
        except (_Refused, ledger.LedgerError):
            for entry, loan in pending:
                self._post_one(entry, loan)
            stale = {loan.pk for _entry, loan in pending}  # rolled back, then posted anew
        else:
            stale = set()
            for (entry, loan), got in zip(pending, received, strict=True):
                error = getattr(got, "error", None)  # ``ledger.Refused``: nothing was written
                if error is not None:
                    self._refused(entry, loan, error)
                else:
                    self._record(entry, loan, got.entry, created=got.created)
        touched = {loan.pk: loan.payment_id for _entry, loan in pending}
        self.pending_loans -= set(touched)
        self._reread(stale)  # posted one by one, through other instances
        paid_off = sorted(pk for pk, pid in touched.items() if self.loans[pid].balance <= 0)
        if paid_off:
            last_day = {loan.pk: entry.posting_date for entry, loan in pending}
            _follow_balances(paid_off, last_day, self.user)
            self._reread(paid_off)  # their status changed

    def _reread(self, pks: Iterable[int]) -> None:
        """Read these loans again (what the batch holds of them is out of date)."""
        for loan in Loan.objects.filter(pk__in=list(pks)).select_related("policy"):
            self.loans[loan.payment_id] = loan

    def _post_one(self, entry: BankEntry, loan: Loan) -> None:
        """One entry through ``ledger.post``, as the import always did; refused → the queue."""
        try:
            with transaction.atomic():
                posted = ledger.post(
                    loan,
                    EntryKind.REPAYMENT,
                    entry.amount,
                    entry.posting_date,
                    acting_user=self.user,
                    source=EntrySource.BANK,
                    external_id=entry.identity,
                    why=self._why(entry),
                )
        except ledger.LedgerError as exc:
            self._refused(entry, loan, str(exc))
            return
        self._record(entry, loan, posted.entry, created=posted.created)

    def _refused(self, entry: BankEntry, loan: Loan, error: str) -> None:
        """The matching rules should never let this happen; if they do, the clerk decides."""
        self._handled(
            entry,
            loan,
            outcome=Outcome.QUEUED,
            reason=Reason.LEDGER_REFUSED,
            params={"error": error[:300], "loan_ref": loan.loan_ref},
        )

    def _record(
        self, entry: BankEntry, loan: Loan, ledger_entry: LedgerEntry | None, *, created: bool
    ) -> None:
        if not created:
            self._handled(
                entry,
                loan,
                outcome=Outcome.SKIPPED,
                reason=Reason.ALREADY_POSTED,
                params={"loan_ref": loan.loan_ref},
                ledger_entry_id=getattr(ledger_entry, "pk", None),
            )
            return
        # Posted now: the batch refuses a payment that was all overpayment (``flush``).
        assert ledger_entry is not None
        self.audit.append(
            build(
                AuditRecord,
                at=self.now,
                user_id=self.user_id,
                action=Action.CREATE,
                citizen_id=loan.citizen_id,
                object_type=LedgerEntry._meta.label,
                object_id=str(ledger_entry.pk),
                what=(
                    f"repayment {entry.amount} kr. from bank entry {entry.identity} "
                    f"on {loan.loan_ref}"
                )[:500],
                **self.origin,
            )
        )
        self._handled(entry, loan, outcome=Outcome.POSTED, ledger_entry_id=ledger_entry.pk)

    def _handled(
        self, entry: BankEntry, loan: Loan | None, *, outcome: str, reason: str = "", **fields: Any
    ) -> None:
        """What became of the entry (``core.bulk.build``: a batch makes thousands)."""
        self.handlings.append(
            build(
                EntryHandling,
                {"entry": entry, "loan": loan},
                outcome=outcome,
                reason=reason,
                recorded_by_id=self.user_id,
                recorded_at=self.now,
                **fields,
            )
        )
        self.outcomes[(outcome, reason)] += 1

    def _why(self, entry: BankEntry) -> str:
        """The ledger entry's reason, in the programme's language whoever imports the file:
        the ledger is read by every role ("Kontoudtog 02.11.2026, linje 2")."""
        with override(settings.LANGUAGE_CODE):
            if entry.statement_id not in self.why:
                self.why[entry.statement_id] = entry.statement.label
            return f"{self.why[entry.statement_id]}, {entry.place}"
