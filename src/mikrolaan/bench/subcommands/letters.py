"""``mikrolaan bench letters --workers N``: the heaviest day's reminder letters, issued by N
``mikrolaan worker`` processes, end to end.

On a benchmark database that holds a portfolio (``mikrolaan bench servicing --loans N`` makes
one): forgets earlier servicing runs, runs the first day over the portfolio (every loan in
arrears gets its first reminder: the heaviest day) without letters, queues the letters as N
background jobs as ``mikrolaan servicing run --letters-in-background N`` does, starts N worker
processes against the same database and follows the jobs' progress until they end. Prints the
run's seconds, the letters' wall-clock time, letters a second and the time 84,000 would take.
Every reminder must end with its letter, delivered to the configured transport (the folder
``MIKROLAAN_LETTERS_DIR`` by default: a few gigabytes for a million loans).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from urllib.parse import quote

import dj_database_url
from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.bench import portfolio
from mikrolaan.bench.subcommands.servicing import SERVICING_TABLES, reset
from mikrolaan.core.formatting import number, short_date
from mikrolaan.jobs.models import FINISHED, Job, JobStatus
from mikrolaan.letters.models import Letter, LetterKind, LetterStatus
from mikrolaan.loans.models import Loan
from mikrolaan.loans.schedule import next_bank_day
from mikrolaan.servicing.letter_jobs import KIND, enqueue_letters
from mikrolaan.servicing.models import Reminder
from mikrolaan.servicing.run import run

HELP = gettext_lazy("Issue the heaviest day's reminder letters with N background workers.")

HEAVIEST_DAY = 84_000  # the issue's heaviest day: about 84,000 reminders


def add_arguments(p) -> None:
    p.add_argument(
        "--workers",
        type=int,
        default=2,
        metavar=_("NUMBER"),
        help=_("Worker processes and jobs (default 2)."),
    )
    p.add_argument("--as-of", metavar=_("DATE"), help=_("Date YYYY-MM-DD (default: today)."))
    p.add_argument(
        "--every",
        type=float,
        default=10.0,
        metavar=_("SECONDS"),
        help=_("Seconds between two progress lines (default 10)."),
    )


def worker_environment() -> dict[str, str]:
    """This process's environment, with the database and letter folder it uses now: its
    ``DATABASE_URL`` as it is (options and all), or, where the database is another (a test
    database), an address made for it."""
    db = settings.DATABASES["default"]
    url = os.environ.get("DATABASE_URL", "")
    if not url or dj_database_url.parse(url)["NAME"] != db["NAME"]:
        if db["ENGINE"].endswith("sqlite3"):
            url = f"sqlite:///{db['NAME']}"
        else:
            host, port = db.get("HOST") or "localhost", db.get("PORT") or 5432
            auth = quote(db.get("USER") or "", safe="")
            if db.get("PASSWORD"):
                auth = f"{auth}:{quote(db['PASSWORD'], safe='')}"
            url = f"postgres://{auth}{'@' if auth else ''}{host}:{port}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "MIKROLAAN_LETTERS_DIR": str(settings.LETTERS_DIR),
        "DJANGO_SETTINGS_MODULE": "mikrolaan.settings.base",
    }


def start_workers(n: int) -> list[subprocess.Popen[bytes]]:
    """``n`` ``mikrolaan worker --once`` processes: each runs waiting jobs until none is left."""
    env = worker_environment()
    return [
        subprocess.Popen(  # noqa: S603 - our own console command, no shell
            [sys.executable, "-m", "mikrolaan.cli", "worker", "--once", "--interval", "0.2"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(n)
    ]


def handle(command, *, workers, as_of, every, **options) -> None:
    out = command.stdout.write
    if workers < 1:
        raise CommandError(_("--workers must be at least 1."))
    if not portfolio_loans():
        raise CommandError(
            _("No benchmark portfolio in this database: run `mikrolaan bench servicing` first.")
        )
    as_of = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    day = next_bank_day(as_of)
    try:
        reset()
    except portfolio.BenchError as exc:
        raise CommandError(str(exc)) from exc
    Job.objects.filter(kind=KIND).delete()
    portfolio.settle(SERVICING_TABLES)
    started = time.perf_counter()
    result = run(day, issue_letters=False, keep_figures=False)
    run_seconds = time.perf_counter() - started
    jobs = enqueue_letters(parts=workers)
    reminders = result.counts["reminders"]
    out(
        _("the run of %(day)s: %(n)s reminders in %(s)s s; their letters queued as %(jobs)s jobs")
        % {
            "day": short_date(day),
            "n": number(reminders),
            "s": number(run_seconds, 2),
            "jobs": len(jobs),
        }
    )
    started = time.perf_counter()
    processes = start_workers(workers)
    try:
        done = follow(command, [job.pk for job in jobs], processes, every)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
            process.wait()
    wall = time.perf_counter() - started
    failed = [job for job in done if job.status != JobStatus.DONE]
    if failed:
        raise CommandError(
            _("%(n)s jobs failed: %(errors)s")
            % {"n": len(failed), "errors": "; ".join(job.error.splitlines()[-1] for job in failed)}
        )
    issued = sum(job.result["letters"] for job in done)
    delivered = Letter.objects.filter(
        pk__in=Reminder.objects.filter(letter__isnull=False).values("letter_id"),
        kind=LetterKind.REMINDER,
        status=LetterStatus.DELIVERED,
    ).count()
    left = Reminder.objects.filter(letter__isnull=True).count()
    rate = issued / wall if wall else 0
    out(
        _(
            "letters: %(issued)s issued by %(workers)s workers in %(wall)s s (%(rate)s letters/s,"
            " %(ms)s ms per letter); %(delivered)s delivered, %(left)s reminders without a "
            "letter; %(heaviest)s letters would take %(minutes)s min"
        )
        % {
            "issued": number(issued),
            "workers": workers,
            "wall": number(wall, 1),
            "rate": number(rate, 1),
            "ms": number(1000 / rate if rate else 0, 1),
            "delivered": number(delivered),
            "left": number(left),
            "heaviest": number(HEAVIEST_DAY),
            "minutes": number(HEAVIEST_DAY / rate / 60 if rate else 0, 1),
        }
    )


def portfolio_loans() -> bool:
    return Loan.objects.filter(loan_ref__startswith=portfolio.PREFIX).exists()


def follow(command, job_ids: list[int], processes, every: float) -> list[Job]:
    """Wait for the jobs to end, a progress line every ``every`` seconds; fail if every worker
    stopped while a job had not ended."""
    started = time.perf_counter()
    last = started
    while True:
        jobs = list(Job.objects.filter(pk__in=job_ids).order_by("pk"))
        if all(job.status in FINISHED for job in jobs):
            return jobs
        if all(process.poll() is not None for process in processes):
            raise CommandError(_("The workers stopped before the jobs ended."))
        now = time.perf_counter()
        if now - last >= every:
            last = now
            command.stderr.write(
                f"  {number(now - started, 0)} s: "
                + ", ".join(f"{number(job.done)}/{number(job.total)}" for job in jobs)
            )
        time.sleep(0.5)
