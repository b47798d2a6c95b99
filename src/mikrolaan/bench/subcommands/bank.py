"""``mikrolaan bench bank --payments N``: a camt.053 with N matching +71 payments, imported.

On a separate database: generates a portfolio (``bench.portfolio.generate``, one loan per payment
unless ``--loans`` says otherwise; ``--reuse`` keeps the one there), writes the statement to
a temporary file as a stream, imports it as ``mikrolaan bank import`` does and prints the
seconds, entries per second and the memory (RSS) the process held before and at most during
the import.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mikrolaan_bench mikrolaan migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mikrolaan_bench \\
        mikrolaan bench bank --payments 100000
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

from django.core.management.base import CommandError
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.banking.samples import ACCOUNT, NAMESPACE
from mikrolaan.banking.services import import_statement_file
from mikrolaan.bench import portfolio as loans_bench
from mikrolaan.loans import payment_id
from mikrolaan.loans.models import LedgerEntry, Loan, LoanStatus

AMOUNT = Decimal("50.00")
PAYMENT_ID_BASE = 90_000_000_000_000  # 14 digits + the check digit


HELP = gettext_lazy("Import a camt.053 with N matching payments.")


def add_arguments(bank) -> None:
    bank.add_argument(
        "--payments",
        type=int,
        default=10_000,
        metavar=_("NUMBER"),
        help=_("Payments in the statement (default 10000)."),
    )
    bank.add_argument(
        "--loans", type=int, metavar=_("NUMBER"), help=_("Loans to generate (default N).")
    )
    bank.add_argument(
        "--as-of", metavar=_("DATE"), help=_("Booking date YYYY-MM-DD (default today).")
    )
    bank.add_argument(
        "--reuse", action="store_true", help=_("Pay the loans already in the database.")
    )
    bank.add_argument("--keep-file", action="store_true", help=_("Keep the statement file."))


def handle(command, *, payments, loans, as_of, reuse, keep_file, **options) -> None:
    from mikrolaan.loans.management.commands.loans import parse_date

    as_of = parse_date(as_of) if as_of else timezone.localdate()
    say = command.stdout.write
    if not reuse:
        started = time.perf_counter()
        try:
            loans_bench.generate(
                loans or payments, as_of, progress=lambda step: command.stderr.write(f"  {step}")
            )
        except loans_bench.BenchError as exc:
            raise CommandError(str(exc)) from exc
        say(f"generated {loans or payments:,} loans in {time.perf_counter() - started:.1f} s")
    targets = payable_loans(payments)
    if not targets:
        raise CommandError("no loan being repaid has room for a payment")
    loans_bench.settle()
    with tempfile.TemporaryDirectory(prefix="mikrolaan-bench-") as folder:
        path = Path(folder) / f"bench-{payments}.xml"
        started = time.perf_counter()
        write_statement(path, targets, payments, as_of)
        size = path.stat().st_size
        say(
            f"wrote a camt.053 of {payments:,} payments to {len(targets):,} loans "
            f"({size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s"
        )
        with RssWatch() as rss, override_settings(BANK_STATEMENT_MAX_BYTES=size + 1):
            started = time.perf_counter()
            with path.open("rb") as content:
                result = import_statement_file(path.name, content)
            seconds = time.perf_counter() - started
        if keep_file:
            kept = Path(tempfile.gettempdir()) / path.name
            path.replace(kept)
            say(f"statement kept as {kept}")
    if result.error:
        raise CommandError(result.error)
    say(
        f"imported {payments:,} payments in {seconds:.1f} s: {payments / seconds:,.0f} entries/s; "
        f"posted {result.posted:,}, queued {result.queued_total:,} {dict(result.queued)}, "
        f"skipped {result.skipped_total:,}"
    )
    say(
        f"memory (RSS): {rss.start / 1e6:.0f} MB before the import, "
        f"{rss.peak / 1e6:.0f} MB at most during it (+{(rss.peak - rss.start) / 1e6:.0f} MB)"
    )


def payable_loans(payments: int) -> list[str]:
    """Payment IDs of loans being repaid that owe enough for their share of the payments."""
    active = list(
        Loan.objects.filter(status=LoanStatus.ACTIVE).order_by("pk").values_list("pk", "payment_id")
    )
    if not active:
        return []
    per_loan = -(-payments // len(active))
    owed = dict(
        LedgerEntry.objects.filter(loan__status=LoanStatus.ACTIVE)
        .values("loan_id")
        .annotate(total=Sum("debt_delta"))
        .values_list("loan_id", "total")
    )
    need = AMOUNT * per_loan
    chosen = [(pk, pid) for pk, pid in active if (owed.get(pk) or 0) >= need]
    return _with_payment_ids(chosen)


def _with_payment_ids(loans: list[tuple[int, str | None]]) -> list[str]:
    """The generated portfolio has no +71 payment IDs: give each chosen loan one."""
    missing = [Loan(pk=pk, payment_id=payment_id.make(PAYMENT_ID_BASE + pk)) for pk, pid in loans]
    missing = [loan for loan, (_pk, pid) in zip(missing, loans, strict=True) if not pid]
    for start in range(0, len(missing), 2000):
        Loan.objects.bulk_update(missing[start : start + 2000], ["payment_id"])
    given = {loan.pk: loan.payment_id for loan in missing}
    return [pid or given[pk] for pk, pid in loans]


def write_statement(path: Path, targets: list[str], payments: int, day: dt.date) -> None:
    """One statement, written entry by entry (memory stays flat for a million)."""
    statement_id = f"BENCH-{timezone.now():%Y%m%d%H%M%S}"
    total = AMOUNT * payments
    with path.open("w", encoding="utf-8") as out:
        out.write(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Document '
            f'xmlns="{NAMESPACE.format(version="02")}"><BkToCstmrStmt>'
            f"<GrpHdr><MsgId>{statement_id}</MsgId><CreDtTm>{day}T18:00:00</CreDtTm></GrpHdr>"
            f"<Stmt><Id>{statement_id}</Id><CreDtTm>{day}T18:00:00</CreDtTm>"
            f"<FrToDt><FrDtTm>{day}T00:00:00</FrDtTm><ToDtTm>{day}T23:59:59</ToDtTm></FrToDt>"
            f"<Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>DKK</Ccy></Acct>"
            f'<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="DKK">0.00</Amt>'
            f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>"
            f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="DKK">{total:.2f}</Amt>'
            f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>\n"
        )
        for n in range(payments):
            pid = targets[n % len(targets)]
            out.write(
                f'<Ntry><Amt Ccy="DKK">{AMOUNT}</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
                f"<Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
                f"<AcctSvcrRef>{statement_id}-{n}</AcctSvcrRef><NtryDtls><TxDtls>"
                f"<RmtInf><Strd><CdtrRefInf><Ref>71/{pid}</Ref></CdtrRefInf></Strd></RmtInf>"
                f"</TxDtls></NtryDtls></Ntry>\n"
            )
        out.write("</Stmt></BkToCstmrStmt></Document>\n")


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class RssWatch:
    """The process's resident memory before and at most during a block (sampled 20×/s)."""

    def __enter__(self) -> RssWatch:
        self.start = self.peak = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())
