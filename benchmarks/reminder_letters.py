"""Benchmark: the heaviest day's reminder letters (about 84,000), rendered and sent.

    .venv/bin/python benchmarks/reminder_letters.py --reminders 3000
    .venv/bin/python benchmarks/reminder_letters.py --reminders 3000 \\
        --database-url postgres://postgres@127.0.0.1:5432/mikrolaan_bench_letters

A synthetic portfolio (``bench.portfolio.generate``) gets its first servicing run without letters:
every loan in arrears gets a due reminder. Then:

1. rendering alone, per letter, on a sample: WeasyPrint (as before) and the typesetter
   (``letters.pdf.typeset_pdf``), wall and CPU time;
2. issuing (fee entry, PDF, outbox row, archive file, audit, case event, hand-over to the
   folder transport) with ``servicing.reminders.issue_reminder_letters``: a third of the
   reminders in one process, the rest in two processes side by side (as two background jobs
   over disjoint slices; PostgreSQL only — SQLite takes one writer at a time).

Printed: letters/s, ms/letter and the projected time for 84,000 letters. The database is made
fresh (a temporary SQLite file, or the PostgreSQL database named, dropped again at the end).
"""

import argparse
import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

HEAVIEST_DAY = 84_000
AS_OF = dt.date(2026, 11, 2)


def _server_cpu() -> float:
    """CPU seconds the PostgreSQL backend of this connection has used (0 when not readable)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _issue(ids: list[int], batch_size: int) -> tuple[int, float, float]:
    """One worker: issue these reminders (in a forked process: a connection of its own).
    Returns the letters issued and the CPU seconds of this process and of its database
    backend."""
    from django.db import connections

    from mikrolaan.servicing.reminders import issue_reminder_letters

    connections.close_all()
    server = _server_cpu()
    started = time.process_time()
    count = issue_reminder_letters(ids, batch_size=batch_size)
    cpu = time.process_time() - started
    server = _server_cpu() - server
    connections.close_all()
    return count, cpu, server


def _cpu_projection(letters: int, cpu: float, server: float) -> str:
    per = (cpu + server) / max(letters, 1)
    return (
        f"CPU {cpu / letters * 1000:.1f} ms/letter in Python + {server / letters * 1000:.1f} ms "
        f"in PostgreSQL = {per * 1000:.1f} ms; on otherwise idle cores 84,000 letters take "
        f"{HEAVIEST_DAY * per / 60:.1f} min with 1 process, {HEAVIEST_DAY * per / 2 / 60:.1f} "
        f"min with 2"
    )


def _projection(letters: int, seconds: float) -> str:
    per = seconds / max(letters, 1)
    return (
        f"{letters:,} letters in {seconds:.1f} s: {letters / seconds:.1f} letters/s, "
        f"{per * 1000:.1f} ms/letter; 84,000 would take {HEAVIEST_DAY * per / 60:.1f} min"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reminders", type=int, default=3000, help="at least this many")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--sample", type=int, default=30, help="letters rendered alone")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument(
        "--fee", default="0", help="reminder fee of the policy (kr.); a fee entry per letter"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mikrolaan-bench-letters-"))
    url = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    pg = url.startswith("postgres")
    if pg:
        import psycopg

        name = urlsplit(url).path.lstrip("/")
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mikrolaan.settings.base")
    os.environ.setdefault("MIKROLAAN_VAR_DIR", str(work / "var"))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from django.core.management import call_command
    from django.db import connections

    from mikrolaan.bench import portfolio as loans_bench
    from mikrolaan.letters import pdf
    from mikrolaan.loans.schedule import next_bank_day
    from mikrolaan.policy.models import LoanPolicy
    from mikrolaan.servicing import reminders
    from mikrolaan.servicing.models import Reminder
    from mikrolaan.servicing.run import run

    try:
        call_command("migrate", verbosity=0)
        t = time.perf_counter()
        # About one loan in twelve of the synthetic mix gets a reminder on the first run.
        loans = args.reminders * 12
        if args.fee != "0":
            # policies are append-only: a version with the fee, in force for the portfolio
            LoanPolicy.objects.create(
                valid_from=AS_OF - dt.timedelta(days=9 * 366),
                name="Benchmark med rykkergebyr",
                legal_basis="LAS § 65",
                reminder_fee=Decimal(args.fee),
            )
        loans_bench.generate(loans, AS_OF)
        day = next_bank_day(AS_OF)
        run(day, issue_letters=False)
        ids = reminders.pending_reminder_ids()
        print(
            f"{loans:,} loans, {len(ids):,} due reminders on {day} "
            f"({connections['default'].vendor}, fee {args.fee} kr.; "
            f"made in {time.perf_counter() - t:.0f} s)"
        )

        sample = list(
            Reminder.objects.select_related("loan__citizen", "loan__policy").filter(
                pk__in=ids[: args.sample]
            )
        )
        contexts = [reminders.reminder_context(r) for r in sample]
        for label, render in (
            ("WeasyPrint (before)", lambda c: pdf.render_pdf(reminders.TEMPLATE, c)),
            ("typesetter (after)", lambda c: pdf.typeset_pdf(reminders.TEMPLATE, c)),
        ):
            render(contexts[0])  # fonts loaded, caches warm
            wall, cpu = time.perf_counter(), time.process_time()
            size = sum(len(render(c)) for c in contexts)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            n = len(contexts)
            print(
                f"rendering, {label}: {wall / n * 1000:.1f} ms/letter wall, "
                f"{cpu / n * 1000:.1f} ms CPU, {size / n / 1024:.1f} kB; 84,000 on one core: "
                f"{HEAVIEST_DAY * cpu / n / 60:.1f} min of CPU"
            )

        # Where the time of issuing goes, in one process: wrap the steps and count.
        spent = {"render": 0.0, "fee": 0.0}

        def timed(key, func):
            def wrapper(*a, **kw):
                started = time.perf_counter()
                try:
                    return func(*a, **kw)
                finally:
                    spent[key] += time.perf_counter() - started

            return wrapper

        one, rest = ids[: len(ids) // 3], ids[len(ids) // 3 :]
        original = reminders.reminder_pdf, reminders._post_fees
        reminders.reminder_pdf = timed("render", reminders.reminder_pdf)
        reminders._post_fees = timed("fee", reminders._post_fees)
        server = _server_cpu()
        wall, cpu = time.perf_counter(), time.process_time()
        count = reminders.issue_reminder_letters(one, batch_size=args.batch_size)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        server = _server_cpu() - server
        reminders.reminder_pdf, reminders._post_fees = original
        other = wall - spent["render"] - spent["fee"]
        print(f"issuing, 1 process: {_projection(count, wall)}")
        print(
            f"  of which rendering {spent['render'] / count * 1000:.1f} ms/letter, "
            f"fee posting {spent['fee'] / count * 1000:.1f}, the rest (outbox, archive, audit, "
            f"case event, transport) {other / count * 1000:.1f}"
        )
        print(f"  {_cpu_projection(count, cpu, server)}")
        if pg:
            connections.close_all()
            parts = reminders.slices(rest, 2)
            wall = time.perf_counter()
            with multiprocessing.get_context("fork").Pool(2) as pool:
                results = pool.starmap(_issue, [(part, args.batch_size) for part in parts])
            wall = time.perf_counter() - wall
            count = sum(r[0] for r in results)
            print(f"issuing, 2 processes: {_projection(count, wall)}")
            cpu, server = sum(r[1] for r in results), sum(r[2] for r in results)
            print(f"  {_cpu_projection(count, cpu, server)}")
        else:
            print("issuing, 2 processes: PostgreSQL only (SQLite takes one writer at a time)")
        left = Reminder.objects.filter(letter__isnull=True).count()
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        cores = os.cpu_count()
        print(f"reminders left without a letter: {left}; load average {load} on {cores} cores")
    finally:
        connections.close_all()
        if pg:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            print(f"dropped {name}")


if __name__ == "__main__":
    main()
