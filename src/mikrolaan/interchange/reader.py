"""Reading a bundle: from a folder or a .zip to typed records, or to the list of problems.

Nothing here touches the database; ``validate.py`` checks the records against each other and
against what the database already holds.
"""

import csv
import datetime as dt
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from mikrolaan.core.validators import code_problem, formula_problem
from mikrolaan.interchange import schema
from mikrolaan.progression.constants import SCORE_MAX


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bundle, printed as ``file:line: column: what is wrong``."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.column:
            return f"{where}: {self.column}: {self.message}"
        return f"{where}: {self.message}"

    @property
    def sort_key(self):
        order = [spec.name for spec in schema.FILES]
        rank = order.index(self.file) if self.file in order else len(order)
        return (rank, self.file, self.line or 0, self.column or "")


class BundleError(Exception):
    """The bundle cannot be imported; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Cohort:
    line: int
    code: str | None
    pre_course_start: dt.date | None
    main_course_start: dt.date | None
    main_course_end: dt.date | None


@dataclass
class Person:
    line: int
    person_ref: str | None
    cpr: str | None
    first_name: str
    last_name: str
    birth_date: dt.date | None
    birth_year: int | None
    gender: str
    benefit_before: str
    unit: str


@dataclass
class Participation:
    line: int
    person_ref: str | None
    cohort_code: str | None
    status: str | None
    main_course_end: dt.date | None
    dropout_date: dt.date | None
    dropout_reason: str
    dropout_destination: str
    given: frozenset[str] = frozenset()  # dropout columns with a value, valid or not


@dataclass
class Loan:
    line: int
    loan_ref: str | None
    person_ref: str | None
    cohort_code: str | None
    principal: Decimal | None
    disbursed_on: dt.date | None
    repayment_start: dt.date | None
    term_months: int | None
    deferral_months: int | None
    collection_transferred_on: dt.date | None


@dataclass
class Payment:
    line: int
    loan_ref: str | None
    paid_on: dt.date | None
    amount: Decimal | None
    reference: str
    identity: str = ""  # set by validation: the ledger's external id of this payment


@dataclass
class Spell:
    line: int
    person_ref: str | None
    status: str | None
    start: dt.date | None
    end: dt.date | None


@dataclass
class AssessmentAnswer:
    """One row of assessments.csv: one score of one assessment."""

    line: int
    person_ref: str | None
    point: str | None
    correction: int | None
    answered_on: dt.date | None
    channel: str | None
    questionnaire: dt.date | None
    item: str | None
    score: int | None
    why: str


@dataclass
class Bundle:
    cohorts: list[Cohort] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    participations: list[Participation] = field(default_factory=list)
    loans: list[Loan] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    spells: list[Spell] = field(default_factory=list)
    assessments: list[AssessmentAnswer] = field(default_factory=list)
    # Files whose header could not be read: their records are unknown, so references into
    # them are not reported again as missing.
    unreadable: set[str] = field(default_factory=set)
    present: set[str] = field(default_factory=set)

    @property
    def size(self) -> int:
        return sum(
            len(x)
            for x in (
                self.cohorts,
                self.people,
                self.participations,
                self.loans,
                self.payments,
                self.spells,
                self.assessments,
            )
        )


# --- getting the files out of a folder or a zip --------------------------------------------


def _ignored(name: str) -> bool:
    # Archive tools' own bookkeeping, not part of anyone's bundle.
    return name.startswith("__MACOSX/") or name.endswith("/")


def _size(size: int) -> str:
    """A size as people read it: ``1,4 MB``, ``512 kB``, ``100 B``."""
    for unit, factor in (("MB", 1024 * 1024), ("kB", 1024)):
        if size >= factor:
            return f"{number_format(Decimal(size) / factor, 1).removesuffix(',0')} {unit}"
    return f"{size} B"


def _limit_problems(name: str, sizes: dict[str, tuple[int, int]]) -> list[Problem]:
    """What passes the limits, judged from the sizes alone (before anything is read).

    ``sizes`` holds each member's (unpacked, packed) size, as a .zip's central directory
    states them (Python's zipfile never unpacks more than the stated size).
    """
    problems = []
    if len(sizes) > settings.BUNDLE_MAX_MEMBERS:
        problems.append(
            Problem(
                name,
                None,
                None,
                _("holds %(n)d files; the limit is %(limit)d (MIKROLAAN_BUNDLE_MAX_MEMBERS)")
                % {"n": len(sizes), "limit": settings.BUNDLE_MAX_MEMBERS},
            )
        )
    total = sum(unpacked for unpacked, _packed in sizes.values())
    if total > settings.BUNDLE_MAX_UNPACKED_BYTES:
        problems.append(
            Problem(
                name,
                None,
                None,
                _(
                    "its files hold %(size)s unpacked; the limit is %(limit)s "
                    "(MIKROLAAN_BUNDLE_MAX_UNPACKED_MB)"
                )
                % {"size": _size(total), "limit": _size(settings.BUNDLE_MAX_UNPACKED_BYTES)},
            )
        )
    for member, (unpacked, packed) in sizes.items():
        # A small file may compress well by chance; a bomb has to be large unpacked.
        ratio = unpacked / max(packed, 1)
        if unpacked > RATIO_FROM_BYTES and ratio > settings.BUNDLE_MAX_RATIO:
            problems.append(
                Problem(
                    member,
                    None,
                    None,
                    _(
                        "is compressed %(ratio)d times; the limit is %(limit)d "
                        "(MIKROLAAN_BUNDLE_MAX_RATIO)"
                    )
                    % {"ratio": ratio, "limit": settings.BUNDLE_MAX_RATIO},
                )
            )
    return problems


RATIO_FROM_BYTES = 1024 * 1024  # the ratio limit applies to files above 1 MB unpacked


def _outside(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0])


def _folder_entries(path: Path) -> tuple[dict[str, Path], list[Problem]]:
    """The plain files under ``path``; a symbolic link or anything outside is refused unread."""
    root = path.resolve()
    entries: dict[str, Path] = {}
    problems: list[Problem] = []
    for folder, dirs, names in os.walk(path, followlinks=False):
        for name in sorted(dirs + names):
            entry = Path(folder) / name
            relative = entry.relative_to(path).as_posix()
            if entry.is_symlink():
                problems.append(
                    Problem(
                        relative,
                        None,
                        None,
                        _("is a symbolic link; a bundle folder holds only plain files (not read)"),
                    )
                )
            elif not entry.resolve().is_relative_to(root):
                problems.append(Problem(relative, None, None, _("lies outside the bundle folder")))
            elif entry.is_file():
                entries[relative] = entry
        dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink()]
    return dict(sorted(entries.items())), problems


def load_files(path: Path) -> tuple[dict[str, bytes], list[Problem]]:
    """The bundle's files by name, from a folder or a .zip (at the root or in one folder).

    Raises ``BundleError`` for a bundle refused unread: a path that does not exist or a .zip
    that cannot be opened (that problem alone), past the limits on size, number of
    files and compression (settings ``BUNDLE_MAX_*``), a symbolic link in a folder (never
    followed) or a path outside the bundle.
    """
    path = Path(path)
    if path.is_symlink() and path.is_dir():
        raise BundleError([Problem(path.name, None, None, _("is a symbolic link, not a folder"))])
    if path.is_dir():
        entries, problems = _folder_entries(path)
        sizes = {name: (p.stat().st_size,) * 2 for name, p in entries.items()}
        problems = problems or _limit_problems(path.name, sizes)
        if problems:
            raise BundleError(problems)  # refused before any file is read
        names = list(entries)
        read = lambda name: entries[name].read_bytes()  # noqa: E731
    elif path.is_file():
        try:
            archive = zipfile.ZipFile(path)
            infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            problem = Problem(path.name, None, None, _("not a readable .zip file (%s)") % exc)
            raise BundleError([problem]) from None  # nothing else to say about it
        outside = [
            Problem(i.filename, None, None, _("lies outside the bundle folder"))
            for i in infos
            if _outside(i.filename)
        ]
        problems = outside + _limit_problems(
            path.name, {i.filename: (i.file_size, i.compress_size) for i in infos}
        )
        if problems:
            raise BundleError(problems)  # refused before any member is unpacked
        names = [i.filename for i in infos if not _ignored(i.filename)]
        read = archive.read
    else:
        # Only this: a missing bundle has no missing files.
        raise BundleError([Problem(str(path), None, None, _("no such folder or .zip file"))])

    # Files inside one folder (as a zip of a folder holds them) count as at the root.
    prefix = ""
    tops = {n.split("/", 1)[0] for n in names}
    if names and all("/" in n for n in names) and len(tops) == 1:
        prefix = tops.pop() + "/"
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for name in names:
        short = name[len(prefix) :]
        if short not in schema.BY_NAME:
            problems.append(
                Problem(
                    short,
                    None,
                    None,
                    _("unknown file; a bundle holds only %s") % ", ".join(schema.BY_NAME),
                )
            )
            continue
        try:
            files[short] = read(name)
        except (OSError, zipfile.BadZipFile, ValueError, RuntimeError) as exc:
            problems.append(Problem(short, None, None, _("cannot be read (%s)") % exc))
    return files, problems


# --- cells ---------------------------------------------------------------------------------

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
AMOUNT_RE = re.compile(r"^\d{1,10}(\.\d{1,2})?$")
INT_RE = re.compile(r"^\d{1,5}$")


class Row:
    """One record of a file: reads its cells and records what is wrong with them."""

    def __init__(self, file: str, line: int, cells: dict[str, str], problems: list[Problem]):
        self.file = file
        self.line = line
        self.cells = cells
        self.problems = problems

    def problem(self, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, self.line, column, message))

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.cells.get(column, "")
        if required and not value:
            self.problem(column, _("is required"))
        limit = schema.MAX_LENGTH.get(column)
        if limit and len(value) > limit:
            self.problem(column, _("is longer than %(n)d characters") % {"n": limit})
            return ""
        problem = None
        if column in schema.CODE_COLUMNS:
            problem = code_problem(value)
        elif column in schema.TEXT_COLUMNS:
            problem = formula_problem(value)
        if problem:
            self.problem(column, problem)
            return ""
        return value

    def key(self, column: str) -> str | None:
        value = self.text(column, required=True)
        return value or None

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        if DATE_RE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(column, _("'%(value)s' is not a date (YYYY-MM-DD)") % {"value": value})
        return None

    def amount(self, column: str, *, required: bool = False) -> Decimal | None:
        value = self.text(column, required=required)
        if not value:
            return None
        if not AMOUNT_RE.match(value):
            self.problem(
                column,
                _("'%(value)s' is not an amount in kroner (digits, at most two decimals after '.')")
                % {"value": value},
            )
            return None
        amount = Decimal(value).quantize(Decimal("0.01"))
        if amount <= 0:
            self.problem(column, _("must be greater than 0"))
            return None
        return amount

    def whole(self, column: str, *, minimum: int) -> int | None:
        value = self.text(column)
        if not value:
            return None
        if not INT_RE.match(value) or int(value) > 32767:
            self.problem(column, _("'%(value)s' is not a whole number") % {"value": value})
            return None
        if int(value) < minimum:
            self.problem(column, _("must be at least %(n)d") % {"n": minimum})
            return None
        return int(value)

    def choice(self, column: str, allowed: tuple[str, ...], *, required: bool = False):
        value = self.text(column, required=required)
        if value and value not in allowed:
            self.problem(
                column,
                _("'%(value)s' is not one of %(allowed)s")
                % {"value": value, "allowed": ", ".join(allowed)},
            )
            return None
        return value or None


# --- files ---------------------------------------------------------------------------------


def _decode(name: str, data: bytes, problems: list[Problem]) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(name, line, None, _("is not UTF-8 text")))
        return None


def read_rows(spec: schema.FileSpec, data: bytes, problems: list[Problem]):
    """Yield a ``Row`` per record; header and CSV problems go to ``problems``.

    Returns early (yielding nothing) when the header itself is unusable.
    """
    text = _decode(spec.name, data, problems)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        problems.append(Problem(spec.name, 1, None, _("not valid CSV (%s)") % exc))
        return False
    if not header or not any(h.strip() for h in header):
        problems.append(Problem(spec.name, None, None, _("is empty; it needs a header row")))
        return False
    columns = [h.strip() for h in header]
    header_ok = True
    seen: set[str] = set()
    for column in columns:
        if "\x00" in column:
            problems.append(Problem(spec.name, 1, None, _("contains a NUL character")))
            header_ok = False
        elif column not in spec.columns:
            problems.append(Problem(spec.name, 1, column or "''", _("unknown column")))
            header_ok = False
        elif column in seen:
            problems.append(Problem(spec.name, 1, column, _("column appears twice")))
            header_ok = False
        seen.add(column)
    for column in spec.columns:
        if column in spec.required_columns and column not in seen:
            problems.append(Problem(spec.name, 1, column, _("required column is missing")))
            header_ok = False
    if not header_ok:
        return False
    line_end = reader.line_num
    may_hold_nul = "\x00" in text  # look in each record only when the file has one at all
    while True:
        start = line_end + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(spec.name, start, None, _("not valid CSV (%s)") % exc))
            return False
        line_end = reader.line_num
        if not record or (len(record) == 1 and not record[0].strip()):
            continue  # a blank line
        if len(record) != len(columns):
            problems.append(
                Problem(
                    spec.name,
                    start,
                    None,
                    _("has %(got)d fields, the header has %(want)d")
                    % {"got": len(record), "want": len(columns)},
                )
            )
            continue
        if may_hold_nul and any("\x00" in value for value in record):
            problems.append(Problem(spec.name, start, None, _("contains a NUL character")))
            continue
        values = dict(zip(columns, map(str.strip, record), strict=True))
        yield Row(spec.name, start, values, problems)
    return True


def parse(files: dict[str, bytes], problems: list[Problem]) -> Bundle:
    """Turn the files into records; cell-level problems go to ``problems``."""
    bundle = Bundle(present=set(files))
    for spec in schema.FILES:
        if spec.name not in files:
            if spec.required_file:
                problems.append(Problem(spec.name, None, None, _("required file is missing")))
                bundle.unreadable.add(spec.name)
            continue
        rows = read_rows(spec, files[spec.name], problems)
        target = _PARSERS[spec.name]
        records = []
        try:
            while True:
                records.append(target(next(rows)))
        except StopIteration as stop:
            if stop.value is not True:
                bundle.unreadable.add(spec.name)
        getattr(bundle, _ATTR[spec.name]).extend(records)
    return bundle


def _cohort(r: Row) -> Cohort:
    return Cohort(
        r.line,
        r.key("code"),
        r.date("pre_course_start"),
        r.date("main_course_start", required=True),
        r.date("main_course_end", required=True),
    )


def _person(r: Row) -> Person:
    return Person(
        r.line,
        r.key("person_ref"),
        r.text("cpr") or None,
        r.text("first_name"),
        r.text("last_name"),
        r.date("birth_date"),
        r.whole("birth_year", minimum=1),
        r.choice("gender", ("F", "M")) or "",
        r.text("benefit_before"),
        r.text("unit"),
    )


DROPOUT_COLUMNS = ("dropout_date", "dropout_reason", "dropout_destination")


def _participation(r: Row) -> Participation:
    return Participation(
        r.line,
        r.key("person_ref"),
        r.key("cohort_code"),
        r.choice("status", schema.PARTICIPATION_STATUSES, required=True),
        r.date("main_course_end"),
        r.date("dropout_date"),
        r.choice("dropout_reason", schema.DROPOUT_REASONS) or "",
        r.choice("dropout_destination", schema.DROPOUT_DESTINATIONS) or "",
        frozenset(c for c in DROPOUT_COLUMNS if r.cells.get(c)),
    )


def _loan(r: Row) -> Loan:
    return Loan(
        r.line,
        r.key("loan_ref"),
        r.key("person_ref"),
        r.key("cohort_code"),
        r.amount("principal", required=True),
        r.date("disbursed_on", required=True),
        r.date("repayment_start", required=True),
        r.whole("term_months", minimum=1),
        r.whole("deferral_months", minimum=0),
        r.date("collection_transferred_on"),
    )


def _payment(r: Row) -> Payment:
    return Payment(
        r.line,
        r.key("loan_ref"),
        r.date("paid_on", required=True),
        r.amount("amount", required=True),
        r.text("reference"),
    )


def _spell(r: Row) -> Spell:
    return Spell(
        r.line,
        r.key("person_ref"),
        r.choice("status", schema.SPELL_STATUSES, required=True),
        r.date("start", required=True),
        r.date("end"),
    )


def _assessment_answer(r: Row) -> AssessmentAnswer:
    score = r.whole("score", minimum=1) if r.cells.get("score") else r.key("score")
    if type(score) is int and score > SCORE_MAX:
        r.problem("score", _("must be a whole number from 1 to 5"))
        score = None
    correction = r.whole("correction", minimum=0)
    return AssessmentAnswer(
        r.line,
        r.key("person_ref"),
        r.choice("point", schema.ASSESSMENT_POINTS, required=True),
        0 if correction is None and not r.cells.get("correction") else correction,
        r.date("answered_on", required=True),
        r.choice("channel", schema.ASSESSMENT_CHANNELS, required=True),
        r.date("questionnaire"),
        r.key("item"),
        score if type(score) is int else None,
        r.text("why"),
    )


_PARSERS = {
    "cohorts.csv": _cohort,
    "people.csv": _person,
    "participations.csv": _participation,
    "loans.csv": _loan,
    "payments.csv": _payment,
    "support_spells.csv": _spell,
    "assessments.csv": _assessment_answer,
}
_ATTR = {
    "cohorts.csv": "cohorts",
    "people.csv": "people",
    "participations.csv": "participations",
    "loans.csv": "loans",
    "payments.csv": "payments",
    "support_spells.csv": "spells",
    "assessments.csv": "assessments",
}
