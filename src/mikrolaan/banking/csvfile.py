"""Reading a bank's CSV export (the layout is documented in docs/bank-statements.md).

A header line names the columns (Danish or English names, any order, any case); the
delimiter is ``;`` or ``,``, detected from the header. Amounts use a comma or a dot as the
decimal mark; a negative amount is a debit. Dates are DD-MM-YYYY, DD.MM.YYYY, DD/MM/YYYY or
YYYY-MM-DD. The file is UTF-8 (with or without BOM) or, failing that, Windows-1252.
"""

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, TYPE_CHECKING

from django.utils.translation import gettext

from mikrolaan.banking.models import StatementFormat
from mikrolaan.banking.parsing import (
    ParsedEntry,
    ParsedFile,
    ParsedStatement,
    StatementError,
    Walk,
)

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

COLUMNS = {
    "booking_date": ("dato", "bogføringsdato", "bogført", "bogføringsdag", "booking date", "date"),
    "value_date": ("rentedato", "valørdato", "valør", "value date"),
    "amount": ("beløb", "amount"),
    "text": ("tekst", "text", "posteringstekst", "beskrivelse", "description"),
    "currency": ("valuta", "currency"),
    "reference": ("reference", "betalings-id", "betalingsid", "kreditorreference"),
    "bank_ref": ("bankreference", "posterings-id", "entry reference"),
    "counterparty": ("afsender", "modtager", "navn", "name", "counterparty"),
    "balance": ("saldo", "balance"),
}
REQUIRED = ("booking_date", "amount", "text")
FIELD_NAMES = {
    "booking_date": "Dato",
    "value_date": "Rentedato",
    "amount": "Beløb",
    "text": "Tekst",
    "currency": "Valuta",
    "reference": "Reference",
    "bank_ref": "Bankreference",
    "counterparty": "Afsender",
    "balance": "Saldo",
}

_AMOUNT = re.compile(r"^[+-]?[\d.,]+$")


def walk(file_name: str, stream: IO[bytes], *, account: str = "") -> Walk:
    """Read a CSV statement (a seekable binary file object) row by row: yields (0, statement,
    entry) for every entry and returns the ``ParsedFile``; no entry is kept."""
    encoding = _encoding(stream)
    header_line, header = _first_line(stream, encoding)
    if header_line is None:
        raise StatementError(file_name, "", "", gettext("the file is empty"))
    if ";" in header:
        delimiter = ";"
    elif "," in header:
        delimiter = ","
    else:
        raise StatementError(
            file_name,
            f"line {header_line + 1}",
            "header",
            gettext("no ';' or ',' between the columns"),
        )
    stream.seek(0)
    # Lines end at "\n" only, as the reader of the whole text (a StringIO) had them.
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="\n")
    try:
        reader = csv.reader(text, delimiter=delimiter, quotechar='"', strict=True)
        return (yield from _read(file_name, reader, account))
    finally:
        text.detach()  # the caller's file stays open


def _read(file_name: str, reader: "CsvReader", account: str) -> Walk:
    def numbered() -> Iterator[tuple[int, list[str]]]:
        try:
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield reader.line_num, row
        except csv.Error as exc:
            raise StatementError(file_name, f"line {reader.line_num}", "", str(exc)) from exc

    rows = numbered()
    try:
        return (yield from _entries(file_name, rows, account))
    except StatementError:
        # A file that is not valid CSV is reported as that, as when all rows were read first.
        for _row in rows:
            pass
        raise


def _entries(file_name: str, rows: Iterator[tuple[int, list[str]]], account: str) -> Walk:
    header_number, header_row = next(rows)
    columns = _columns(file_name, header_number, header_row)
    statement = ParsedStatement(account=account, statement_id="", positional_identity=False)
    # Identical rows counted by a 64-bit digest of their content: small, whatever the rows.
    seen: Counter[int] = Counter()
    fingerprint = hashlib.sha256()
    first_currency = ""
    balances: list[tuple[Decimal, Decimal]] = []  # the first and the last row's
    for number, row in rows:
        where = f"line {number}"
        if len(row) != len(header_row):
            raise StatementError(
                file_name,
                where,
                "",
                gettext("%(n)s columns where the header has %(m)s")
                % {"n": len(row), "m": len(header_row)},
            )

        def cell(name: str, row: list[str] = row) -> str:
            return row[columns[name]].strip() if name in columns else ""

        signed = _amount(cell("amount"), file_name, where, FIELD_NAMES["amount"])
        booking_date = _date(cell("booking_date"), file_name, where, FIELD_NAMES["booking_date"])
        value_date = (
            _date(cell("value_date"), file_name, where, FIELD_NAMES["value_date"])
            if cell("value_date")
            else None
        )
        currency = (cell("currency") or "DKK").upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise StatementError(
                file_name,
                where,
                FIELD_NAMES["currency"],
                gettext("%(value)r is not a currency code") % {"value": currency},
            )
        if cell("balance"):
            del balances[1:]
            balances.append(
                (signed, _amount(cell("balance"), file_name, where, FIELD_NAMES["balance"]))
            )
        description = " ".join(cell("text").split())
        # Two identical lines on one day are two payments: number them in order.
        same = (booking_date, signed, currency, description, cell("reference"))
        digest_bytes = hashlib.sha256("|".join(map(str, same)).encode()).digest()
        key = int.from_bytes(digest_bytes[:8], "big")
        seen[key] += 1
        digest = digest_bytes.hex()[:16]
        statement.entry_count += 1
        entry = ParsedEntry(
            position=statement.entry_count,
            location=where,
            booking_date=booking_date,
            value_date=value_date,
            amount=abs(signed),
            currency=currency,
            credit=signed >= 0,
            account_servicer_ref=cell("bank_ref"),
            creditor_references=(cell("reference"),) if cell("reference") else (),
            text=description,
            counterparty=cell("counterparty"),
            fingerprint_extra=f"csv/{booking_date}/{signed}/{digest}/{seen[key]}",
        )
        if statement.entry_count == 1:
            first_currency = currency
            statement.period_from = statement.period_to = booking_date
        statement.period_from = min(statement.period_from or booking_date, booking_date)
        statement.period_to = max(statement.period_to or booking_date, booking_date)
        if statement.entry_count > 1:
            fingerprint.update(b"\n")
        fingerprint.update((entry.account_servicer_ref or entry.fingerprint_extra).encode())
        yield 0, statement, entry
    if not statement.entry_count:
        raise StatementError(
            file_name, f"line {header_number}", "", gettext("no entries after the header")
        )
    statement.currency = first_currency
    if balances:
        statement.opening_balance = balances[0][1] - balances[0][0]
        statement.closing_balance = balances[-1][1]
    # A CSV file has no statement id: its entries are its identity, so the same statement
    # exported again (another delimiter, another decimal mark) is recognised.
    statement.statement_id = f"csv:{fingerprint.hexdigest()[:32]}"
    return ParsedFile(file_name, StatementFormat.CSV, "", [statement])


def _encoding(stream: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes as UTF-8, else Windows-1252."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(1024 * 1024):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        stream.seek(0)
    return "utf-8-sig"


def _first_line(stream: IO[bytes], encoding: str) -> tuple[int | None, str]:
    """The number (from 0) and text of the first line that is not blank."""
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline=None)
    number = 0
    try:
        # Read in pieces: a file without line breaks is never held as one huge line.
        while piece := text.readline(64 * 1024):
            if piece.strip():
                return number, piece
            if piece.endswith("\n"):
                number += 1
        return None, ""
    finally:
        text.detach()


def _columns(file_name: str, number: int, header: list[str]) -> dict[str, int]:
    names = [cell.strip().strip('"').lower() for cell in header]
    columns: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        for index, name in enumerate(names):
            if name in aliases and key not in columns:
                columns[key] = index
    missing = [FIELD_NAMES[key] for key in REQUIRED if key not in columns]
    if missing:
        raise StatementError(
            file_name,
            f"line {number}",
            "header",
            gettext("no column %(names)s") % {"names": ", ".join(missing)},
        )
    return columns


def _amount(value: str, file_name: str, where: str, field_name: str) -> Decimal:
    """``1.234,56``, ``1234,56``, ``1,234.56``, ``1234.56``, ``-500`` … to a Decimal.

    The last separator followed by one or two digits is the decimal mark; other separators
    must group thousands (three digits), so ``1.234`` is 1234 kroner.
    """
    text = value.replace(" ", "").replace("\u00a0", "")
    if not text or not _AMOUNT.match(text) or text[-1] in ".,":
        raise StatementError(
            file_name, where, field_name, gettext("%(value)r is not an amount") % {"value": value}
        )
    sign = -1 if text.startswith("-") else 1
    text = text.lstrip("+-")
    whole, decimals = text, ""
    cut = max(text.rfind(","), text.rfind("."))
    if cut >= 0 and len(text) - cut - 1 in (1, 2):
        whole, decimals = text[:cut], text[cut + 1 :]
    groups = re.split(r"[.,]", whole)
    if len(groups) > 1 and (
        not 1 <= len(groups[0]) <= 3
        or any(len(g) != 3 for g in groups[1:])
        or len(set(re.findall(r"[.,]", whole))) > 1
    ):
        raise StatementError(
            file_name, where, field_name, gettext("%(value)r is not an amount") % {"value": value}
        )
    if not "".join(groups).isdigit():
        raise StatementError(
            file_name, where, field_name, gettext("%(value)r is not an amount") % {"value": value}
        )
    amount = Decimal("".join(groups) + ("." + decimals if decimals else ""))
    return (sign * amount).quantize(Decimal("0.01"))


_DATE_FORMATS = ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d")


def _date(value: str, file_name: str, where: str, field_name: str) -> dt.date:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise StatementError(
        file_name, where, field_name, gettext("%(value)r is not a date") % {"value": value}
    )
