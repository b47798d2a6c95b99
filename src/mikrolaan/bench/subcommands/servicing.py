"""``mikrolaan bench servicing --loans N``: the daily servicing run over a synthetic portfolio
(``mikrolaan.bench.portfolio``), on a separate database.

Timed: the run's set-based part (arrears, cycles, reminders, tasks) for the first run over the
portfolio (every loan in arrears gets its first cycle and reminder at once: the heaviest day),
the same date again (idempotent: nothing new), the next bank day, ten days later (second
reminders) and fourteen days after the first reminders, with every reminder marked delivered on
its date (the project leader's tasks for "no payment"). Letters are not issued in the timed
runs; their rendering is timed separately, per letter, on a sample of the reminders
(``--render``). Nor are the day's kept figures (the run's last step on the day itself):
``mikrolaan bench pages`` times them.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mikrolaan.audit.erasure import erasure_permit
from mikrolaan.bench import portfolio
from mikrolaan.bench.subcommands.arrears import generated_line
from mikrolaan.core.formatting import number, short_date
from mikrolaan.loans.models import Loan
from mikrolaan.loans.schedule import next_bank_day
from mikrolaan.servicing.models import Reminder
from mikrolaan.servicing.reminders import reminder_pdf
from mikrolaan.servicing.run import run

HELP = gettext_lazy("Time the daily servicing run.")

SERVICING_TABLES = (
    "servicing_remindercycle",
    "servicing_reminder",
    "servicing_task",
    "servicing_taskevent",
)

TABLES = [
    # (citizens' requests point at their tasks: a benchmark database has none, but the
    # tables must be emptied together)
    "selfservice_loanrequestanswer",
    "selfservice_loanrequest",
    "servicing_taskevent",
    "servicing_task",
    "servicing_claimreceipt",
    "servicing_claim",
    "servicing_reminder",
    "servicing_remindercycle",
    "servicing_servicingrun",
]


def add_arguments(p) -> None:
    p.add_argument(
        "--loans",
        type=int,
        default=10_000,
        metavar=_("NUMBER"),
        help=_("Loans to generate (default 10000)."),
    )
    p.add_argument("--as-of", metavar=_("DATE"), help=_("Date YYYY-MM-DD (default: today)."))
    p.add_argument("--reuse", action="store_true", help=_("Use the portfolio in the database."))
    p.add_argument(
        "--render",
        type=int,
        default=20,
        metavar=_("NUMBER"),
        help=_("Reminder PDFs to render and time."),
    )


def reset() -> None:
    """Forget earlier benchmark runs (benchmark databases only)."""
    if Loan.objects.exclude(loan_ref__startswith=portfolio.PREFIX).exists():
        raise portfolio.BenchError(
            _("This database holds real loans; use a separate benchmark database.")
        )
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(TABLES)}")
        return
    # SQLite empties with DELETE, which the append-only tables refuse without a permit.
    with erasure_permit("benchmark reset"), connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608


def handle(command, *, loans, as_of, reuse, render, **options) -> None:
    out = command.stdout.write
    as_of = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    if not reuse:
        started = time.perf_counter()
        portfolio.generate(loans, as_of, progress=lambda step: command.stderr.write(f"  {step}"))
        out(generated_line(loans, time.perf_counter() - started))
    reset()
    portfolio.settle()
    total = Loan.objects.count()
    first = next_bank_day(as_of)
    second = next_bank_day(first + dt.timedelta(days=1))
    later = next_bank_day(first + dt.timedelta(days=10))
    tasks_day = next_bank_day(first + dt.timedelta(days=14))
    for label, day in (
        (_("first run (every cycle opens)"), first),
        (_("same date again"), first),
        (_("next bank day"), second),
        (_("ten days later"), later),
        (_("fourteen days after the first reminders were delivered"), tasks_day),
    ):
        if day == tasks_day:
            # No letters are issued here; mark the reminders delivered on their date, as the
            # folder transport would have, so the run raises the project leader's tasks.
            Reminder.objects.filter(delivered_on__isnull=True).update(delivered_on=F("sent_on"))
        # What the previous run and that update left behind, cleared as autovacuum would
        # between two days' runs (untimed; a no-op on SQLite).
        portfolio.settle(SERVICING_TABLES)
        started = time.perf_counter()
        result = run(day, issue_letters=False, keep_figures=False)  # (``bench pages`` times them)
        wall = time.perf_counter() - started
        c, s = result.counts, result.seconds
        out(
            _(
                "%(label)s, %(day)s: %(loans)s loans, %(wall)s s in all (set-based part "
                "%(set_based)s s: arrears %(arrears)s, cycles %(cycles)s, reminders "
                "%(reminders)s, tasks %(tasks)s); %(in_arrears)s in arrears, %(opened)s "
                "cycles opened, %(closed)s closed, %(n_reminders)s reminders, %(n_tasks)s tasks"
            )
            % {
                "label": label,
                "day": short_date(day),
                "loans": number(total),
                "wall": number(wall, 2),
                "set_based": number(s["set_based"], 2),
                "arrears": number(s["arrears"], 2),
                "cycles": number(s["cycles"], 2),
                "reminders": number(s["reminders"], 2),
                "tasks": number(s["tasks"], 2),
                "in_arrears": number(c["in_arrears"]),
                "opened": number(c["cycles_opened"]),
                "closed": number(c["cycles_closed"]),
                "n_reminders": number(c["reminders"]),
                "n_tasks": number(c["tasks"]),
            }
        )
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    sample = list(Reminder.objects.select_related("loan__citizen").order_by("pk")[:render])
    if sample:
        reminder_pdf(sample[0])  # warm up (fonts)
        started = time.perf_counter()
        for reminder in sample:
            reminder_pdf(reminder)
        per = (time.perf_counter() - started) / len(sample)
        pending = Reminder.objects.filter(letter__isnull=True).count()
        out(
            _(
                "rendering reminder PDFs: %(ms)s ms per letter (%(rate)s letters/s) over "
                "%(sample)s letters; the %(pending)s reminders decided above would take "
                "%(minutes)s min to render (not part of the timed run)"
            )
            % {
                "ms": number(per * 1000),
                "rate": number(1 / per, 1),
                "sample": number(len(sample)),
                "pending": number(pending),
                "minutes": number(pending * per / 60, 1),
            }
        )
