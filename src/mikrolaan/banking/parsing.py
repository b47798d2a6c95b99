"""What a bank statement file says, read into plain values before anything is written: the
values and the helpers the format readers (``camt053``, ``csvfile``) share.

``reading.read_statement_file`` detects the format (camt.053 XML or CSV), reads the whole file and
raises ``StatementError`` naming the file, the place (line/element) and the field at the first
thing it cannot read: a file is imported whole or not at all.

A file is read as a stream and its entries are not kept: memory stays flat however large the
file (docs/bank-statements.md). What the import needs of each entry it gathers on the first
reading (``each_entry``); it writes the entries on a second (``ParsedFile.entries()``, from a
temporary file the first reading filled: the file is parsed once).
"""

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

_LINE = re.compile(r"^line (\d+)$")
_NTRY = re.compile(r"^Ntry\[(\d+)\](?:/TxDtls\[(\d+)\])?$")


def place_in_file(location: str) -> str:
    """ "line 7" → "linje 7"; "Ntry[3]/TxDtls[2]" → "post 3, transaktion 2" (else as given)."""
    if m := _LINE.match(location or ""):
        return gettext("line %(n)s") % {"n": m.group(1)}
    if m := _NTRY.match(location or ""):
        text = gettext("entry %(n)s") % {"n": m.group(1)}
        if m.group(2):
            text += ", " + gettext("transaction %(n)s") % {"n": m.group(2)}
        return text
    return location


class StatementError(Exception):
    """A statement file that cannot be read; nothing of it is imported.

    ``where`` is the place as the parsers name it ("line 7"); the message says it in the
    reader's language ("linje 7"), and ``problem`` comes already translated."""

    def __init__(self, file_name: str, where: str, field_name: str, problem: str) -> None:
        self.file_name = file_name
        self.where = where
        self.field_name = field_name
        self.problem = problem
        field_label = gettext("header") if field_name == "header" else field_name
        parts = [file_name, place_in_file(where), field_label]
        super().__init__(": ".join(p for p in parts if p) + f": {problem}")


@dataclass(frozen=True, slots=True)  # slots: a large statement holds many of these
class ParsedEntry:
    position: int
    location: str  # "Ntry[3]", "Ntry[3]/TxDtls[2]" or "line 7"
    booking_date: dt.date
    value_date: dt.date | None
    amount: Decimal  # never negative; the direction is ``credit``
    currency: str
    credit: bool
    reversal: bool = False
    status: str = "BOOK"
    entry_ref: str = ""
    account_servicer_ref: str = ""
    end_to_end_id: str = ""
    creditor_references: tuple[str, ...] = ()
    text: str = ""
    counterparty: str = ""
    # Distinguishes entries that would otherwise look the same (see ``entry_identity``).
    fingerprint_extra: str = ""


@dataclass
class ParsedStatement:
    account: str
    statement_id: str
    created_at: dt.datetime | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    currency: str = ""
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    entry_count: int = 0
    # True when the identity of an entry without a bank reference may use its position.
    positional_identity: bool = True


@dataclass
class ParsedFile:
    """What a statement file holds. Its entries are not kept (a large file would fill memory):
    ``entries()`` reads them again, one at a time, from the temporary file the first reading
    wrote them to (``reading._Spool``)."""

    file_name: str
    format: str  # StatementFormat value
    version: str
    statements: list[ParsedStatement]
    reread: Callable[[], Iterator[tuple[int, ParsedEntry]]] | None = None

    def entries(self) -> Iterator[tuple[int, ParsedEntry]]:
        """Every entry in file order, as (index of its statement, entry), read anew."""
        if self.reread is None:
            raise RuntimeError("the file has not been read yet")
        return self.reread()


# Called for each entry while a file is read: (index of the statement, statement, entry).
EntryHook = Callable[[int, "ParsedStatement", "ParsedEntry"], None]
# A format's reader (``camt053.walk``, ``csvfile.walk``): yields (index of the statement,
# statement, entry) for each entry and returns the ``ParsedFile``.
Walk = Generator[tuple[int, "ParsedStatement", "ParsedEntry"], None, "ParsedFile"]

IDENTITY_MAX = 200  # fits the ledger's external_id


def entry_identity(statement: ParsedStatement, entry: ParsedEntry) -> str:
    """A stable identity of a bank entry, the same whichever file the statement came in.

    With the bank's own reference (AcctSvcrRef) that is account + reference; without one, the
    statement id and the entry's place in it (camt.053), or the entry's contents (CSV).
    """
    if entry.account_servicer_ref:
        key = f"{statement.account}/ref/{entry.account_servicer_ref}"
    elif statement.positional_identity:
        key = f"{statement.account}/stmt/{statement.statement_id}/{entry.location}"
    else:
        key = f"{statement.account}/{entry.fingerprint_extra}"
    if len(key) > IDENTITY_MAX:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


_AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")


def plain_amount(text: str | None, file_name: str, where: str, field_name: str) -> Decimal:
    """A camt.053 amount: digits with an optional dot and at most two decimals."""
    value = (text or "").strip()
    if not _AMOUNT.match(value):
        raise StatementError(
            file_name, where, field_name, gettext("%(value)r is not an amount") % {"value": value}
        )
    return Decimal(value).quantize(Decimal("0.01"))
