"""Importing bank statements and the finance clerk's handling of what the import held back.

``import_statement_file`` is idempotent: a file already imported (same bytes), a statement
already imported (same account and statement id, in whatever file) and an entry already
imported (same identity at the bank) change nothing. A file that cannot be read is rejected
whole. Postings go through ``loans.ledger.post`` with the bank entry's identity as
``external_id``, so the ledger itself refuses to post one bank entry twice.
"""

import datetime as dt
import hashlib
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mikrolaan.accounts.models import User
from mikrolaan.audit.models import Action
from mikrolaan.audit.services import log
from mikrolaan.banking.matching import Reason, payment_ids_in
from mikrolaan.banking.models import (
    BankEntry,
    CreditDebit,
    EntryHandling,
    Outcome,
    Statement,
    StatementFile,
)
from mikrolaan.banking.parsing import (
    ParsedEntry,
    ParsedFile,
    ParsedStatement,
    StatementError,
    entry_identity,
)
from mikrolaan.banking.posting import Batch
from mikrolaan.banking.reading import read_statement_file
from mikrolaan.core.bulk import build, in_parts, insert_many
from mikrolaan.core.collector import long_lived_frozen
from mikrolaan.core.uploads import limit_in_mb
from mikrolaan.loans import ledger, lifecycle
from mikrolaan.loans.models import EntryKind, EntrySource, Loan, LoanStatus

# A statement file: its bytes, or a seekable binary file object (an upload, an open file).
StatementContent = bytes | bytearray | IO[bytes]


class Progress(Protocol):
    """Where an import reports its progress: a background job's ``Tracker``, or the command
    line's dots."""

    def stage(self, step: str, *, total: int = 0) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class ImportStatus:
    IMPORTED = "imported"
    ALREADY_IMPORTED = "already_imported"
    REJECTED = "rejected"


@dataclass
class ImportResult:
    file_name: str
    status: str
    error: str = ""
    statement_file: StatementFile | None = None
    statements: list[Statement] = field(default_factory=list)
    already_imported_statements: list[str] = field(default_factory=list)
    posted: int = 0
    queued: Counter[str] = field(default_factory=Counter)  # reason -> number of entries
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def queued_total(self) -> int:
        return sum(self.queued.values())

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def file_hash(content: StatementContent) -> str:
    """SHA-256 of the file's bytes, read in chunks from bytes or a binary file object."""
    if isinstance(content, bytes | bytearray):
        return hashlib.sha256(content).hexdigest()
    digest = hashlib.sha256()
    content.seek(0)
    while chunk := content.read(1024 * 1024):
        digest.update(chunk)
    content.seek(0)
    return digest.hexdigest()


# Lookups of a large statement's entries and loans go in batches of this many values: one huge
# ``IN (…)`` passes SQLite's limit on SQL variables.
BATCH = 2000


def _stream(content: StatementContent) -> IO[bytes]:
    """A seekable binary stream of the file: bytes, an uploaded file or an open file."""
    if isinstance(content, bytes | bytearray):
        return io.BytesIO(content)
    stream: IO[bytes] = getattr(content, "file", content)  # an UploadedFile wraps the file
    return stream


def _size(stream: IO[bytes]) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def too_large_message(limit: int) -> str:
    return _("the file is larger than the limit of %(mb)s MB for a bank statement") % {
        "mb": limit_in_mb(limit)
    }


def import_statement_file(
    file_name: str,
    content: StatementContent,
    *,
    acting_user: User | None = None,
    account: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Import one camt.053 or CSV file. ``account`` names the account of a CSV file.

    ``content`` is the file's bytes or a seekable binary file object (e.g. an upload); a
    file is read as a stream, and one larger than ``BANK_STATEMENT_MAX_BYTES`` is refused
    before it is read. ``progress`` is a background job (``mikrolaan.jobs``) to report to.
    """
    with long_lived_frozen():  # (a large file makes the collector's work the largest cost)
        return _import(file_name, content, acting_user, account, progress)


def _import(
    file_name: str,
    content: StatementContent,
    acting_user: User | None,
    account: str,
    progress: Progress | None,
    _retry: bool = True,
) -> ImportResult:
    stream = _stream(content)
    limit = settings.BANK_STATEMENT_MAX_BYTES
    if _size(stream) > limit:
        return ImportResult(file_name, ImportStatus.REJECTED, error=too_large_message(limit))
    digest = file_hash(stream)
    if StatementFile.objects.filter(file_hash=digest).exists():
        return ImportResult(file_name, ImportStatus.ALREADY_IMPORTED)
    survey = _Survey(progress)
    if progress is not None:
        progress.stage(_("Reading the file"))
    try:
        parsed = read_statement_file(file_name, stream, account=account, each_entry=survey.add)
    except StatementError as exc:
        return ImportResult(file_name, ImportStatus.REJECTED, error=str(exc))
    survey.flush()
    result = ImportResult(file_name, ImportStatus.IMPORTED)
    fresh = []
    for index, statement in enumerate(parsed.statements):
        if Statement.objects.filter(
            account=statement.account, statement_id=statement.statement_id
        ).exists() or (statement.entry_count and survey.all_known[index]):
            result.already_imported_statements.append(statement.statement_id)
        else:
            fresh.append(index)
    if not fresh:
        result.status = ImportStatus.ALREADY_IMPORTED
        return result
    loans = set().union(*(survey.loans[index] for index in fresh))
    if progress is not None:
        progress.stage(_("Posting the payments"), total=survey.count)
    try:
        with transaction.atomic():
            _write(parsed, digest, fresh, loans, result, acting_user, progress)
    except IntegrityError:
        # The same file, statement or entry was imported at the same moment by someone else:
        # look again now that theirs is committed.
        if _retry:
            return _import(file_name, stream, acting_user, account, progress, _retry=False)
        return ImportResult(file_name, ImportStatus.ALREADY_IMPORTED)
    return result


class _Survey:
    """What the import needs to know of every entry before it writes, gathered while the file
    is read, a batch at a time (no entry is kept): whether each statement's entries are all
    imported already, and the loans that each statement's entries pay (by payment ID)."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress
        self.count = 0
        self.all_known: defaultdict[int, bool] = defaultdict(lambda: True)
        self.loans: defaultdict[int, set[int]] = defaultdict(set)  # statement -> loan pks
        self.pending: list[tuple[int, str, list[str]]] = []

    def add(self, index: int, statement: ParsedStatement, entry: ParsedEntry) -> None:
        reference = "|".join(entry.creditor_references)[:200]
        found = payment_ids_in(_References(reference, entry.text))
        self.pending.append((index, entry_identity(statement, entry), found.valid))
        self.count += 1
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        identities = {identity for _index, identity, _ids in self.pending}
        known = set(
            BankEntry.objects.filter(identity__any=identities).values_list("identity", flat=True)
        )
        wanted = {pid for _index, _identity, ids in self.pending for pid in ids}
        loan_of = dict(Loan.objects.filter(payment_id__any=wanted).values_list("payment_id", "pk"))
        for index, identity, ids in self.pending:
            if identity not in known:
                self.all_known[index] = False
            self.loans[index].update(loan_of[pid] for pid in ids if pid in loan_of)
        if self.progress is not None and self.pending:
            self.progress.advance(len(self.pending))
        self.pending = []


@dataclass(frozen=True)
class _References:
    """The two fields of a bank entry that ``payment_ids_in`` reads."""

    creditor_reference: str
    text: str


def _write(
    parsed: ParsedFile,
    digest: str,
    fresh: list[int],
    loans: set[int],
    result: ImportResult,
    acting_user: User | None,
    progress: Progress | None = None,
) -> None:
    result.statement_file = StatementFile.objects.create(
        file_name=parsed.file_name[:255],
        file_hash=digest,
        format=parsed.format,
        version=parsed.version,
        recorded_by=_user(acting_user),
    )
    rows: dict[int, Statement] = {}
    for index in fresh:
        statement = parsed.statements[index]
        rows[index] = Statement.objects.create(
            file=result.statement_file,
            account=statement.account,
            statement_id=statement.statement_id,
            created_by_bank_at=statement.created_at,
            period_from=statement.period_from,
            period_to=statement.period_to,
            currency=statement.currency,
            opening_balance=statement.opening_balance,
            closing_balance=statement.closing_balance,
            recorded_by=_user(acting_user),
        )
        result.statements.append(rows[index])
    # Lock every loan the file pays, in one order, before reading any balance: two imports
    # paying the same loans wait for each other instead of deadlocking or double-counting.
    for ids in in_parts(sorted(loans), BATCH):  # ascending pk across the batches
        list(Loan.objects.select_for_update().filter(pk__any=ids).order_by("pk").values_list("pk"))
    # The entries, read again (from the first reading's spool) and written a batch at a time.
    batch: list[tuple[Statement, ParsedEntry, str]] = []
    for index, parsed_entry in parsed.entries():
        if index in rows:
            statement = parsed.statements[index]
            batch.append((rows[index], parsed_entry, entry_identity(statement, parsed_entry)))
        elif progress is not None:
            progress.advance(1)  # an entry of a statement imported before
        if len(batch) >= BATCH:
            _write_batch(batch, result, acting_user, progress)
            batch = []
    _write_batch(batch, result, acting_user, progress)


def _write_batch(
    batch: list[tuple[Statement, ParsedEntry, str]],
    result: ImportResult,
    acting_user: User | None,
    progress: Progress | None = None,
) -> None:
    """Write new entries and handle each; an entry already there (imported before, or earlier
    in this file) is skipped. Posting is set-based per batch (``banking.posting``)."""
    identities = {identity for _row, _entry, identity in batch}
    seen = set(
        BankEntry.objects.filter(identity__any=identities).values_list("identity", flat=True)
    )
    new = []
    now = timezone.now()
    for row, parsed_entry, identity in batch:
        if identity in seen:
            result.skipped[Reason.ALREADY_IMPORTED] += 1
            continue
        seen.add(identity)
        new.append(_entry(row, parsed_entry, identity, acting_user, now))
    insert_many(BankEntry, new)
    for (outcome, reason), n in Batch(new, _user(acting_user)).run().items():
        if outcome == Outcome.POSTED:
            result.posted += n
        elif outcome == Outcome.QUEUED:
            result.queued[reason] += n
        else:
            result.skipped[reason] += n
    if progress is not None and batch:
        progress.advance(len(batch))


def _entry(
    statement: Statement,
    parsed: ParsedEntry,
    identity: str,
    acting_user: User | None,
    now: dt.datetime,
) -> BankEntry:
    return build(
        BankEntry,
        {"statement": statement},
        recorded_at=now,
        position=parsed.position,
        location=parsed.location[:60],
        identity=identity,
        booking_date=parsed.booking_date,
        value_date=parsed.value_date,
        amount=parsed.amount,
        currency=parsed.currency,
        credit_debit=CreditDebit.CREDIT if parsed.credit else CreditDebit.DEBIT,
        reversal=parsed.reversal,
        status=parsed.status[:10],
        entry_ref=parsed.entry_ref[:100],
        account_servicer_ref=parsed.account_servicer_ref[:100],
        end_to_end_id=parsed.end_to_end_id[:100],
        creditor_reference="|".join(parsed.creditor_references)[:200],
        text=parsed.text,
        counterparty=parsed.counterparty[:200],
        recorded_by_id=getattr(_user(acting_user), "pk", None),
    )


def _user(user: Any) -> User | None:
    return user if (user is not None and user.is_authenticated) else None


# --- the finance clerk's queue ---------------------------------------------------------------


class ResolutionError(Exception):
    """The clerk's choice cannot be carried out; nothing was changed. The message is for her."""


def _lock_queued(entry: BankEntry) -> tuple[BankEntry, EntryHandling]:
    entry = BankEntry.objects.select_for_update().select_related("statement").get(pk=entry.pk)
    current = entry.current_handling()
    if current is None or current.outcome != Outcome.QUEUED:
        raise ResolutionError(_("This entry has already been handled."))
    return entry, current


def _require_reason(why: str) -> str:
    why = (why or "").strip()
    if not why:
        raise ResolutionError(_("Give a reason."))
    return why


@transaction.atomic
def post_to_loan(entry: BankEntry, loan: Loan, *, why: str, acting_user: User) -> EntryHandling:
    """Post a queued credit to the loan the clerk chose (e.g. the citizen wrote the wrong
    payment ID). Audited with the clerk's reason."""
    why = _require_reason(why)
    entry, _current = _lock_queued(entry)
    if not entry.is_credit or entry.reversal:
        raise ResolutionError(_("Only a payment into the account can be posted to a loan."))
    if entry.currency != "DKK":
        raise ResolutionError(_("%(currency)s: only DKK is posted.") % {"currency": entry.currency})
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status not in (LoanStatus.ACTIVE, LoanStatus.IN_COLLECTION):
        raise ResolutionError(
            _("Loan %(loan_ref)s is not being repaid (%(status)s).")
            % {"loan_ref": loan.loan_ref, "status": loan.get_status_display()}
        )
    outstanding = ledger.balance(loan)
    if entry.amount > outstanding:
        raise ResolutionError(
            _("The amount is more than the %(outstanding)s kr. outstanding on loan %(loan_ref)s.")
            % {"outstanding": f"{outstanding:.2f}", "loan_ref": loan.loan_ref}
        )
    try:
        posted = ledger.post(
            loan,
            EntryKind.REPAYMENT,
            entry.amount,
            entry.posting_date,
            acting_user=acting_user,
            source=EntrySource.BANK,
            external_id=entry.identity,
            why=why,
        )
    except ledger.LedgerError as exc:
        raise ResolutionError(str(exc)) from exc
    lifecycle.follow_balance(loan, on=entry.posting_date, acting_user=acting_user, why=why)
    log(
        acting_user,
        Action.CREATE,
        obj=posted.entry,
        citizen=loan.citizen,
        what=f"queued bank entry {entry.identity} ({entry.amount} kr.) posted to {loan.loan_ref}",
        why=why,
    )
    return EntryHandling.objects.create(
        entry=entry,
        outcome=Outcome.POSTED,
        loan=loan,
        ledger_entry=posted.entry,
        why=why,
        recorded_by=acting_user,
    )


@transaction.atomic
def confirm_reversal(entry: BankEntry, *, why: str, acting_user: User) -> EntryHandling:
    """The clerk confirms that a reversal entry undoes the payment it was matched with: the
    ledger gets a reversal of that repayment."""
    why = _require_reason(why)
    entry, current = _lock_queued(entry)
    target = current.proposed_reversal_of
    if target is None:
        raise ResolutionError(_("No posted payment was found for this reversal."))
    try:
        posted = ledger.post(
            target.loan,
            EntryKind.REVERSAL,
            target.amount,
            entry.posting_date,
            acting_user=acting_user,
            source=EntrySource.BANK,
            external_id=entry.identity,
            why=why,
            reverses=target,
        )
    except ledger.LedgerError as exc:
        raise ResolutionError(str(exc)) from exc
    lifecycle.follow_balance(target.loan, on=entry.posting_date, acting_user=acting_user, why=why)
    log(
        acting_user,
        Action.CREATE,
        obj=posted.entry,
        citizen=target.loan.citizen,
        what=f"bank reversal {entry.identity} reverses payment {target.pk} on {target.loan}",
        why=why,
    )
    return EntryHandling.objects.create(
        entry=entry,
        outcome=Outcome.REVERSED,
        loan=target.loan,
        ledger_entry=posted.entry,
        why=why,
        recorded_by=acting_user,
    )


@transaction.atomic
def mark_not_ours(entry: BankEntry, *, why: str, acting_user: User) -> EntryHandling:
    """Not a loan payment (another of the municipality's money, a payout …): leaves the queue."""
    return _close(entry, Outcome.NOT_OURS, why, acting_user)


@transaction.atomic
def mark_refunded(entry: BankEntry, *, why: str, acting_user: User) -> EntryHandling:
    """The money was (or will be) paid back to the sender outside the system."""
    return _close(entry, Outcome.REFUNDED, why, acting_user)


def _close(entry: BankEntry, outcome: str, why: str, acting_user: User) -> EntryHandling:
    why = _require_reason(why)
    entry, current = _lock_queued(entry)
    handling = EntryHandling.objects.create(
        entry=entry, outcome=outcome, loan=current.loan, why=why, recorded_by=acting_user
    )
    log(
        acting_user,
        Action.CHANGE,
        obj=handling,
        citizen=current.loan.citizen if current.loan else None,
        what=f"bank entry {entry.identity} ({entry.amount} {entry.currency}): {outcome}",
        why=why,
    )
    return handling
