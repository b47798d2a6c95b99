"""``mikrolaan bench arrears --loans N [--as-of D]``: generate a synthetic portfolio into the
configured (separate!) database and time the set-based arrears computation over it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mikrolaan_bench mikrolaan migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mikrolaan_bench \\
        mikrolaan bench arrears --loans 1000000
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mikrolaan.loans import bench
from mikrolaan.loans.management.commands.loans import parse_date
from mikrolaan.loans.models import Loan


class Command(BaseCommand):
    help = "Benchmarks on a synthetic portfolio (use a separate database)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        arrears = sub.add_parser("arrears", help="Time the set-based arrears run.")
        arrears.add_argument("--loans", type=int, default=10_000)
        arrears.add_argument("--as-of", default=None, help="Date YYYY-MM-DD (default: today).")
        arrears.add_argument(
            "--reuse",
            action="store_true",
            help="Time the portfolio already in the database instead of generating one.",
        )
        arrears.add_argument("--runs", type=int, default=3, help="Timed runs (default 3).")
        from mikrolaan.servicing import bench as servicing_bench

        servicing_bench.add_arguments(sub)
        from mikrolaan.bench_pages import command as pages_bench

        pages_bench.add_arguments(sub)

    def handle(self, *args, subcommand, **options):
        if subcommand == "servicing":
            from mikrolaan.servicing import bench as servicing_bench

            return servicing_bench.handle(self, **options)
        if subcommand == "pages":
            from mikrolaan.bench_pages import command as pages_bench

            return pages_bench.handle(self, **options)
        return self.handle_arrears(**options)

    def handle_arrears(self, *, loans, as_of, reuse, runs, **options):
        as_of = parse_date(as_of) if as_of else timezone.localdate()
        if not reuse:
            started = time.perf_counter()
            try:
                bench.generate(
                    loans,
                    as_of,
                    progress=lambda step: self.stderr.write(f"  {step}"),
                )
            except bench.BenchError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"generated {loans:,} loans in {time.perf_counter() - started:.1f} s")
        elif not Loan.objects.exists():
            raise CommandError("--reuse: the database holds no loans")
        for run in range(1, runs + 1):
            t = bench.time_arrears(as_of)
            self.stdout.write(
                f"run {run}: arrears of {t.loans:,} loans ({t.entries:,} ledger entries) "
                f"as of {as_of}: {t.seconds:.2f} s; {t.in_arrears:,} in arrears, "
                f"{t.over_30_days:,} over 30 days, total arrears {t.arrears} kr."
            )
