"""``mikrolaan bench arrears --loans N [--as-of D] [--reuse] [--runs K]``: generate a synthetic
portfolio (``mikrolaan.bench.portfolio``) into the configured (separate!) database and time the
set-based arrears computation over it."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.bench import portfolio
from mikrolaan.core.formatting import money, number, short_date
from mikrolaan.loans import schedule
from mikrolaan.loans.arrears import arrears_sql, tune_session
from mikrolaan.loans.management.commands.loans import parse_date
from mikrolaan.loans.models import Loan

HELP = gettext_lazy("Time the set-based arrears run.")


def add_arguments(parser) -> None:
    parser.add_argument(
        "--loans",
        type=int,
        default=10_000,
        metavar=_("NUMBER"),
        help=_("Loans to generate (default 10000)."),
    )
    parser.add_argument("--as-of", metavar=_("DATE"), help=_("Date YYYY-MM-DD (default: today)."))
    parser.add_argument(
        "--reuse",
        action="store_true",
        help=_("Time the portfolio already in the database instead of generating one."),
    )
    parser.add_argument(
        "--runs", type=int, default=3, metavar=_("NUMBER"), help=_("Timed runs (default 3).")
    )


def handle(command, *, loans, as_of, reuse, runs, **options) -> None:
    as_of = parse_date(as_of) if as_of else timezone.localdate()
    if not reuse:
        started = time.perf_counter()
        try:
            portfolio.generate(
                loans,
                as_of,
                progress=lambda step: command.stderr.write(f"  {step}"),
            )
        except portfolio.BenchError as exc:
            raise CommandError(str(exc)) from exc
        command.stdout.write(generated_line(loans, time.perf_counter() - started))
    elif not Loan.objects.exists():
        raise CommandError(_("--reuse: the database holds no loans."))
    for run in range(1, runs + 1):
        t = time_arrears(as_of)
        command.stdout.write(
            _(
                "run %(run)s: arrears of %(loans)s loans (%(entries)s ledger entries) on "
                "%(day)s: %(seconds)s s; %(in_arrears)s in arrears, %(over_30)s over 30 days, "
                "arrears in all %(arrears)s"
            )
            % {
                "run": run,
                "loans": number(t.loans),
                "entries": number(t.entries),
                "day": short_date(as_of),
                "seconds": number(t.seconds, 2),
                "in_arrears": number(t.in_arrears),
                "over_30": number(t.over_30_days),
                "arrears": money(t.arrears),
            }
        )


def generated_line(loans: int, seconds: float) -> str:
    return _("generated %(loans)s loans in %(seconds)s s") % {
        "loans": number(loans),
        "seconds": number(seconds, 1),
    }


@dataclass
class Timing:
    loans: int
    entries: int
    seconds: float
    in_arrears: int
    arrears: str
    over_30_days: int


def time_arrears(as_of: dt.date) -> Timing:
    """Compute every loan's arrears on ``as_of`` into a temporary table; time it."""
    sql = arrears_sql(connection.vendor)
    with transaction.atomic(), connection.cursor() as cursor:
        tune_session(cursor)
        cursor.execute("DROP TABLE IF EXISTS bench_arrears")
        started = time.perf_counter()
        cursor.execute(f"CREATE TEMP TABLE bench_arrears AS {sql}", {"as_of": as_of})
        seconds = time.perf_counter() - started
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN arrears > 0 THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(arrears), 0), "
            "COALESCE(SUM(CASE WHEN days_past_due > 30 THEN 1 ELSE 0 END), 0) FROM bench_arrears"
        )
        loans, in_arrears, arrears, over_30 = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM loans_ledgerentry")
        entries = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_arrears")
    return Timing(
        loans, entries, seconds, in_arrears, f"{schedule.to_kr(int(arrears)):.2f}", over_30
    )
