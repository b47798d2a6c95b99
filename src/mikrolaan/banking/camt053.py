"""Reading ISO 20022 camt.053 (BankToCustomerStatement) files, any version from 001.02.

The version is taken from the root element's namespace
(``urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN``); the elements we read have the same
names in every version, with two differences handled here: the entry status is ``<Sts>BOOK``
up to .05 and ``<Sts><Cd>BOOK`` later, and a party's name moved into ``<Pty>`` in .08.

A batch entry whose transactions each carry their own amount, summing to the entry's amount,
is read as one entry per transaction: Danish banks book FI-card payments that way.
"""

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, TypedDict

from django.utils import timezone
from django.utils.translation import gettext
from lxml import etree
from lxml.etree import _Element

from mikrolaan.banking.models import StatementFormat
from mikrolaan.banking.parsing import (
    ParsedEntry,
    ParsedFile,
    ParsedStatement,
    StatementError,
    Walk,
    plain_amount,
)

_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:(camt\.053\.001\.\d{2})$")
# Entities off, no network, no DTD: the same safety as the parser this replaced.
_PARSE_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "remove_comments": True,
}


# What ``iterparse`` yields: ("start" or "end", the element).
Events = Iterator[tuple[str, _Element]]


def walk(file_name: str, stream: IO[bytes]) -> Walk:
    """Read a camt.053 file (a binary file object) as a stream: yields (index of the
    statement, statement, entry) for every entry and returns the ``ParsedFile``.

    ``iterparse`` hands over one element at a time; each entry is read when it ends and then
    cleared and dropped, so memory never holds the document's tree or its entries.
    """
    events: Events = etree.iterparse(stream, events=("start", "end"), **_PARSE_OPTIONS)
    try:
        try:
            return (yield from _Stream(file_name).walk(events))
        except StatementError:
            # A file that is not well-formed XML is reported as that, whatever else is wrong
            # with it, as when the whole document was parsed first.
            for event, el in events:
                if event == "end":
                    el.clear()  # the tail too (``keep_tail`` is False by default)
                    parent = el.getparent()
                    while parent is not None and el.getprevious() is not None:
                        del parent[0]
            raise
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else 0)
        raise StatementError(file_name, f"line {line}", "XML", exc.msg) from exc


_DEEPEST = 4  # the depth of an entry (Document = 1)


class _Stream:
    """Follows the document's elements as they start and end (``walk``)."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        # The reader of the document's namespace, made when the root element starts.
        self.reader = _Reader(file_name, "")
        self.root: _Element | None = None
        self.statements_el: _Element | None = None  # the first BkToCstmrStmt under the root
        self.statements: list[ParsedStatement] = []
        # The statement being read: its element, what is read so far, entries counted, and
        # how many of its balances are read.
        self.stmt_el: _Element | None = None
        self.stmt: ParsedStatement | None = None
        self.entry_count = 0
        self.balances_read = 0
        self.forgotten: list[_Element] = []

    def walk(self, events: Events) -> Walk:
        version = ""
        # Everything read here is at most four levels deep (Document, BkToCstmrStmt, Stmt,
        # Ntry or Bal); what lies deeper is read with its entry (``_Reader``). Most of a file's
        # elements lie deeper: their events are passed over before anything else is asked.
        depth = 0
        for event, el in events:
            if event == "start":
                depth += 1
                if depth > _DEEPEST:
                    continue
            else:
                depth -= 1
                if depth >= _DEEPEST:
                    continue
            if self.root is None:
                version = self._open_document(el)
                tags = {
                    name: f"{{{self.namespace}}}{name}"
                    for name in ("BkToCstmrStmt", "Stmt", "Ntry", "Bal")
                }
                continue
            if event == "start":
                parent = el.getparent()
                if el.tag == tags["Ntry"] and self.stmt_el is not None and parent is self.stmt_el:
                    # Everything before the first entry (id, account, balances) has been read.
                    if self.stmt is None:
                        self._begin_statement(self.stmt_el)
                elif (
                    el.tag == tags["Stmt"]
                    and self.statements_el is not None
                    and parent is self.statements_el
                ):
                    self.stmt_el, self.stmt, self.entry_count, self.balances_read = el, None, 0, 0
                elif (
                    el.tag == tags["BkToCstmrStmt"]
                    and self.statements_el is None
                    and parent is self.root
                ):
                    self.statements_el = el
                continue
            parent = el.getparent()
            if parent is not None and parent is self.statements_el and el.tag != tags["Stmt"]:
                self._forget(el)  # the group header and the like: never read
                continue
            if self.stmt_el is None:
                continue
            if (
                parent is self.stmt_el
                and self.stmt is not None
                and el.tag not in (tags["Ntry"], tags["Bal"])
            ):
                self._forget(
                    el
                )  # after the statement's header is read, only entries and balances count
                continue
            if el.tag == tags["Ntry"] and parent is self.stmt_el:
                stmt = self.stmt
                assert stmt is not None  # begun when the entry started
                self.entry_count += 1
                entries = self.reader.entries(el, self.entry_count, stmt.entry_count)
                stmt.entry_count += len(entries)
                for entry in entries:
                    yield len(self.statements), stmt, entry
                _drop(el)
            elif el is self.stmt_el:
                stmt = self.stmt if self.stmt is not None else self._begin_statement(el)
                self._balances(el, stmt)  # any after the entries
                self.statements.append(stmt)
                self.stmt_el = self.stmt = None
                _drop(el)
        if self.root is None:
            raise StatementError(self.file_name, "line 1", "XML", gettext("the document is empty"))
        if self.statements_el is None:
            raise self.reader.error(self.root, "BkToCstmrStmt", gettext("missing"))
        if not self.statements:
            raise self.reader.error(
                self.statements_el, "Stmt", gettext("the file holds no statement")
            )
        return ParsedFile(self.file_name, StatementFormat.CAMT053, version, self.statements)

    def _forget(self, el: _Element) -> None:
        """Free an element that is never read (many of them must not fill memory): cleared
        now, taken out of the tree at the next one (the parser may still hold the current)."""
        el.clear()  # the tail too (``keep_tail`` is False by default)
        for done in self.forgotten:
            if (parent := done.getparent()) is not None:
                parent.remove(done)
        self.forgotten = [el]

    def _open_document(self, root: _Element) -> str:
        self.root = root
        self.namespace = etree.QName(root).namespace or ""
        match = _NAMESPACE.match(self.namespace)
        if etree.QName(root).localname != "Document" or not match:
            raise StatementError(
                self.file_name,
                f"line {root.sourceline}",
                "Document",
                gettext("not a camt.053 statement (root namespace %(namespace)r)")
                % {"namespace": self.namespace or gettext("missing")},
            )
        self.reader = _Reader(self.file_name, self.namespace)
        return match.group(1)

    def _begin_statement(self, stmt_el: _Element) -> ParsedStatement:
        self.stmt = stmt = self.reader.statement_header(stmt_el)
        self._balances(stmt_el, stmt)
        return stmt

    def _balances(self, stmt_el: _Element, stmt: ParsedStatement) -> None:
        balances = self.reader.findall(stmt_el, "Bal")
        self.reader.balances(stmt, balances[self.balances_read :])
        self.balances_read = len(balances)


def _drop(el: _Element) -> None:
    """Free a read element and the read siblings before it (they are all read)."""
    el.clear()  # the tail too (``keep_tail`` is False by default)
    tag = el.tag
    parent = el.getparent()
    while parent is not None and (previous := el.getprevious()) is not None and previous.tag == tag:
        parent.remove(previous)


def _first(el: _Element, steps: tuple[str, ...], at: int) -> _Element | None:
    last = at == len(steps) - 1
    for child in el.iterchildren(steps[at]):
        if last:
            return child
        if (found := _first(child, steps, at + 1)) is not None:
            return found
    return None


def _collect(el: _Element, steps: tuple[str, ...], at: int, found: list[_Element]) -> None:
    if at == len(steps) - 1:
        found.extend(el.iterchildren(steps[at]))
        return
    for child in el.iterchildren(steps[at]):
        _collect(child, steps, at + 1, found)


class _Common(TypedDict):
    """What the entries read from one ``Ntry`` share."""

    booking_date: dt.date
    value_date: dt.date | None
    currency: str
    credit: bool
    reversal: bool
    status: str
    entry_ref: str


class _Details(TypedDict):
    """What an entry's transaction details say (``_Reader.details``)."""

    creditor_references: tuple[str, ...]
    text: str
    end_to_end_id: str
    counterparty: str


class _Reader:
    def __init__(self, file_name: str, namespace: str) -> None:
        self.file_name = file_name
        self.namespace = namespace
        self.paths: dict[str, tuple[str, ...]] = {}  # "Acct/Ccy" -> ("{ns}Acct", "{ns}Ccy")

    # --- small helpers --------------------------------------------------------------------

    def _path(self, path: str) -> tuple[str, ...]:
        """The path's steps in Clark notation, made once per path (an entry looks up some
        twenty)."""
        found = self.paths.get(path)
        if found is None:
            found = self.paths[path] = tuple(
                f"{{{self.namespace}}}{part}" for part in path.split("/")
            )
        return found

    # ``find`` and ``findall`` answer as lxml's ``find`` and ``findall`` of the path would (the
    # first match in document order; all of them in document order), stepping from child to
    # child in C (``iterchildren``) instead of through lxml's path language: the path
    # look-ups were about half the time of reading an entry.

    def find(self, el: _Element, path: str) -> _Element | None:
        return _first(el, self._path(path), 0)

    def findall(self, el: _Element, path: str) -> list[_Element]:
        found: list[_Element] = []
        _collect(el, self._path(path), 0, found)
        return found

    def text(self, el: _Element, path: str) -> str:
        found = self.find(el, path)
        return (found.text or "").strip() if found is not None else ""

    def texts(self, el: _Element, path: str) -> list[str]:
        return [(f.text or "").strip() for f in self.findall(el, path) if (f.text or "").strip()]

    def error(self, el: _Element, field_name: str, problem: str) -> StatementError:
        return StatementError(self.file_name, f"line {el.sourceline}", field_name, problem)

    def date(self, el: _Element, path: str, *, required: bool = False) -> dt.date | None:
        """A date from ``…/Dt`` or ``…/DtTm`` (or a bare date-time element)."""
        holder = self.find(el, path)
        if holder is None:
            if required:
                raise self.error(el, path, gettext("missing"))
            return None
        value = self.text(holder, "Dt") or self.text(holder, "DtTm") or (holder.text or "").strip()
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            raise self.error(
                holder, path, gettext("%(value)r is not a date") % {"value": value}
            ) from None

    def datetime(self, el: _Element, path: str) -> dt.datetime | None:
        value = self.text(el, path)
        if not value:
            return None
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            holder = self.find(el, path)  # there: it has the text
            raise self.error(
                holder if holder is not None else el,
                path,
                gettext("%(value)r is not a date-time") % {"value": value},
            ) from None
        # ISO 20022 local times without an offset are the bank's, here Danish time.
        return moment if moment.tzinfo else timezone.make_aware(moment)

    def amount(self, el: _Element, path: str) -> tuple[Decimal, str]:
        amount_el = self.find(el, path)
        if amount_el is None:
            raise self.error(el, path, gettext("missing"))
        currency = (amount_el.get("Ccy") or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise self.error(
                amount_el,
                f"{path}@Ccy",
                gettext("%(value)r is not a currency code") % {"value": currency},
            )
        where = f"line {amount_el.sourceline}"
        return plain_amount(amount_el.text, self.file_name, where, path), currency

    def credit(self, el: _Element) -> bool:
        indicator = self.text(el, "CdtDbtInd")
        if indicator not in ("CRDT", "DBIT"):
            raise self.error(
                el,
                "CdtDbtInd",
                gettext("%(value)r is neither CRDT nor DBIT") % {"value": indicator},
            )
        return indicator == "CRDT"

    # --- the statement --------------------------------------------------------------------

    def statement_header(self, el: _Element) -> ParsedStatement:
        """The statement's id, account and dates (its balances and entries are read later)."""
        statement_id = self.text(el, "Id")
        if not statement_id:
            raise self.error(el, "Stmt/Id", gettext("missing"))
        account = self.text(el, "Acct/Id/IBAN") or self.text(el, "Acct/Id/Othr/Id")
        if not account:
            raise self.error(el, "Acct/Id", gettext("the statement names no account"))
        return ParsedStatement(
            account=account,
            statement_id=statement_id,
            created_at=self.datetime(el, "CreDtTm"),
            period_from=self.date(el, "FrToDt/FrDtTm"),
            period_to=self.date(el, "FrToDt/ToDtTm"),
            currency=self.text(el, "Acct/Ccy"),
        )

    def balances(self, statement: ParsedStatement, balances: Iterable[_Element]) -> None:
        for balance in balances:
            code = self.text(balance, "Tp/CdOrPrtry/Cd")
            amount, currency = self.amount(balance, "Amt")
            signed = amount if self.credit(balance) else -amount
            statement.currency = statement.currency or currency
            if code in ("OPBD", "PRCD") and statement.opening_balance is None:
                statement.opening_balance = signed
            elif code == "CLBD":
                statement.closing_balance = signed

    def entries(self, el: _Element, number: int, before: int) -> list[ParsedEntry]:
        amount, currency = self.amount(el, "Amt")
        credit = self.credit(el)
        reversal = self.text(el, "RvslInd").lower() in ("true", "1")
        status = self.text(el, "Sts/Cd") or self.text(el, "Sts") or "BOOK"
        booking_date = self.date(el, "BookgDt")
        value_date = self.date(el, "ValDt")
        booked = booking_date or value_date
        if booked is None:
            raise self.error(el, f"Ntry[{number}]/BookgDt", gettext("the entry has no date"))
        common: _Common = {
            "booking_date": booked,
            "value_date": value_date,
            "currency": currency,
            "credit": credit,
            "reversal": reversal,
            "status": status.upper(),
            "entry_ref": self.text(el, "NtryRef"),
        }
        entry_ref = self.text(el, "AcctSvcrRef")
        entry_info = self.texts(el, "AddtlNtryInf")
        transactions = self.findall(el, "NtryDtls/TxDtls")
        tx_amounts = [self.tx_amount(tx) for tx in transactions]
        known = [a for a in tx_amounts if a is not None]
        split = (
            len(transactions) > 1
            and len(known) == len(tx_amounts)
            and all(a[1] == currency for a in known)
            and sum(a[0] for a in known) == amount
        )
        if not split:
            details = self.details(transactions, entry_info, credit)
            return [
                ParsedEntry(
                    position=before + 1,
                    location=f"Ntry[{number}]",
                    amount=amount,
                    account_servicer_ref=entry_ref,
                    **details,
                    **common,
                )
            ]
        result = []
        for index, (tx, tx_amount) in enumerate(zip(transactions, known, strict=True), 1):
            tx_ref = self.text(tx, "Refs/AcctSvcrRef")
            result.append(
                ParsedEntry(
                    position=before + index,
                    location=f"Ntry[{number}]/TxDtls[{index}]",
                    amount=tx_amount[0],
                    account_servicer_ref=tx_ref or (f"{entry_ref}/{index}" if entry_ref else ""),
                    **self.details([tx], entry_info, credit),
                    **common,
                )
            )
        return result

    def tx_amount(self, tx: _Element) -> tuple[Decimal, str] | None:
        for path in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
            if self.find(tx, path) is not None:
                return self.amount(tx, path)
        return None

    def details(
        self, transactions: Iterable[_Element], entry_info: list[str], credit: bool
    ) -> _Details:
        references: list[str] = []
        texts: list[str] = []
        end_to_end = ""
        counterparty = ""
        for tx in transactions:
            references += self.texts(tx, "RmtInf/Strd/CdtrRefInf/Ref")
            texts += self.texts(tx, "RmtInf/Ustrd") + self.texts(tx, "AddtlTxInf")
            e2e = self.text(tx, "Refs/EndToEndId")
            if e2e and e2e.upper() != "NOTPROVIDED":
                end_to_end = end_to_end or e2e
            for party in ("Dbtr", "Cdtr") if credit else ("Cdtr", "Dbtr"):
                name = self.text(tx, f"RltdPties/{party}/Nm") or self.text(
                    tx, f"RltdPties/{party}/Pty/Nm"
                )
                counterparty = counterparty or name
        texts += entry_info
        return {
            "creditor_references": tuple(dict.fromkeys(references)),
            "text": " / ".join(dict.fromkeys(texts)),
            "end_to_end_id": end_to_end,
            "counterparty": counterparty,
        }
