"""The daily servicing run, set-based: a handful of statements over the whole portfolio.

``run(D)`` does, for the date ``D``, each step in its own transaction (so a crash leaves a
consistent prefix, and a rerun continues where it stopped — every step is idempotent):

1. receipts: reminders whose letter the transport has since reported delivered get their
   ``delivered_on`` (only the reminders waiting for a receipt are read);
2. arrears: ``loans.arrears`` over every active loan into a temporary table, keeping only the
   loans in arrears (one statement);
3. cycles: open reminder cycles of loans no longer in arrears are closed (the arrears were
   paid, or the loan is no longer being repaid); loans ``reminder_first_days`` past due with
   no open cycle get one (``INSERT … SELECT``, per policy version);
4. reminders: each open cycle whose next reminder is due — the first at once, the next ones
   at least ``reminder_interval_days`` after the previous, at most ``reminder_max``, the last
   carrying the notice of hand-over — gets a reminder row (``INSERT … SELECT``, per policy
   version). ``UNIQUE (cycle, number)`` makes a second reminder with the same number
   impossible, so a repeated run cannot remind twice;
5. tasks: the project leader is asked to reach the citizen in person, once per cycle, when a
   reminder's letter failed, the citizen is exempt from Digital Post (paper), or a delivered
   reminder brought no payment within ``contact_after_reminder_days`` (``INSERT … SELECT``);
6. self-assessment reminders: a letter for each measuring point of a case that fell due and
   has none yet (``progression.reminders``, idempotent: one letter per point);
7. letters: the reminders without a letter are issued in batches (fee entry, Danish PDF,
   ``letters.send_letters``; the transport is called after each batch commits) by
   ``servicing.reminders.issue_reminder_letters``. This is the only loop, over today's
   reminders, and it is not part of the set-based timing. On a heavy day the run is made with
   ``issue_letters=False`` and the letters are issued by background jobs instead, one per
   slice of ``pending_reminder_ids()`` (``reminders.slices``), one job per core.

8. kept figures: on the day itself, the figures the pages would otherwise compute over the
   whole portfolio (the fund, the report, the start pages' panels) are computed once and kept
   (``core.snapshots``).

A loan becomes a hand-over candidate when its open cycle has its last reminder
(``servicing.handover``).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from mikrolaan.core import snapshots
from mikrolaan.core.formatting import short_date
from mikrolaan.loans.arrears import in_arrears_sql, tune_session
from mikrolaan.loans.schedule import is_bank_day
from mikrolaan.policy.models import LoanPolicy
from mikrolaan.progression.reminders import remind_due_assessments
from mikrolaan.servicing.models import Reminder, RunStatus, ServicingRun

T = TypeVar("T")

TMP = "servicing_tmp_arrears"
LOCK_KEY = 7_310_001  # pg advisory lock: one servicing run at a time


class RunError(Exception):
    """The run was refused; nothing was changed."""


@dataclass
class RunResult:
    run: ServicingRun
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _money_sql(expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST({expr} AS numeric(14, 2)) / 100"
    return f"ROUND({expr} / 100.0, 2)"


def _materialized() -> str:
    """``WITH x AS MATERIALIZED (…)``: computed once, before the statement writes anything.

    A step that inserts rows and skips those already there reads the already-there rows from
    such a snapshot, never from the table it is inserting into: planned while that table was
    empty (the first run, the first task day), PostgreSQL scanned the growing table once for
    every row inserted — 82,878 cycles took 45 s instead of 2. (SQLite plans it as a lookup.)
    """
    return "MATERIALIZED" if connection.vendor == "postgresql" else ""


def _exec(cursor: CursorWrapper, sql: str, params: dict[str, Any] | None = None) -> int:
    cursor.execute(sql, params or {})
    count: int = cursor.rowcount
    return max(count, 0)


# --- the steps ------------------------------------------------------------------------------


def sync_receipts(run_on: dt.date) -> int:
    """Give reminders whose letter was reported delivered their delivery date.

    The date is the day of the transport's report, but never before the reminder was sent nor
    after the run's date (a run for a past date must not see the future).
    """
    pending = list(
        Reminder.objects.filter(
            letter__isnull=False, delivered_on__isnull=True, letter__status="delivered"
        ).select_related("letter")
    )
    for r in pending:
        letter = r.letter
        assert letter is not None  # only reminders with a letter are pending
        reported = timezone.localdate(letter.status_at) if letter.status_at else run_on
        r.delivered_on = min(run_on, max(r.sent_on, reported))
    Reminder.objects.bulk_update(pending, ["delivered_on"], batch_size=1000)
    return len(pending)


def compute_arrears(cursor: CursorWrapper, run_on: dt.date) -> int:
    """Loans in arrears on ``run_on`` into the temporary table (one statement)."""
    sql = in_arrears_sql(connection.vendor, run_on, loan_filter="l.status = 'active'")
    cursor.execute(f"DROP TABLE IF EXISTS {TMP}")
    cursor.execute(
        f"CREATE TEMP TABLE {TMP} AS SELECT * FROM ({sql}) q WHERE q.arrears > 0",  # noqa: S608
        {"as_of": run_on},
    )
    cursor.execute(f"CREATE INDEX {TMP}_loan ON {TMP} (loan_id)")
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {TMP}")
    cursor.execute(f"SELECT COUNT(*) FROM {TMP}")  # noqa: S608
    (count,) = cursor.fetchone() or (0,)
    return int(count)


def close_cycles(cursor: CursorWrapper, run_on: dt.date) -> int:
    return _exec(
        cursor,
        f"""
        UPDATE servicing_remindercycle
        SET closed_on = %(run_on)s,
            close_reason = CASE WHEN EXISTS (
                SELECT 1 FROM loans_loan l
                WHERE l.id = servicing_remindercycle.loan_id AND l.status = 'active')
              THEN 'paid' ELSE 'loan_closed' END
        WHERE closed_on IS NULL
          AND NOT EXISTS (SELECT 1 FROM {TMP} a WHERE a.loan_id = servicing_remindercycle.loan_id)
          AND NOT EXISTS (SELECT 1 FROM loans_loan l
                          WHERE l.id = servicing_remindercycle.loan_id
                            AND l.status = 'in_collection')
        """,  # noqa: S608
        {"run_on": run_on},
    )


def open_cycles(cursor: CursorWrapper, run_on: dt.date, policy: LoanPolicy) -> int:
    return _exec(
        cursor,
        f"""
        INSERT INTO servicing_remindercycle (loan_id, opened_on, first_unpaid_due, close_reason)
        WITH open_cycle AS {_materialized()} (
            SELECT loan_id FROM servicing_remindercycle WHERE closed_on IS NULL
        )
        SELECT a.loan_id, %(run_on)s, a.oldest_unpaid_due, ''
        FROM {TMP} a JOIN loans_loan l ON l.id = a.loan_id
        WHERE l.policy_id = %(policy)s AND a.days_past_due >= %(first_days)s
          AND NOT EXISTS (SELECT 1 FROM open_cycle o WHERE o.loan_id = a.loan_id)
        """,  # noqa: S608
        {"run_on": run_on, "policy": policy.pk, "first_days": policy.reminder_first_days},
    )


def insert_reminders(cursor: CursorWrapper, run: ServicingRun, policy: LoanPolicy) -> int:
    interval = max(1, policy.reminder_interval_days)
    return _exec(
        cursor,
        f"""
        INSERT INTO servicing_reminder
            (cycle_id, loan_id, run_id, number, is_last, sent_on, pay_by, arrears,
             oldest_unpaid_due, days_past_due, fee)
        SELECT c.id, c.loan_id, %(run)s, COALESCE(r.n, 0) + 1,
               CASE WHEN COALESCE(r.n, 0) + 1 >= %(max)s THEN %(yes)s ELSE %(no)s END,
               %(run_on)s, %(pay_by)s, {_money_sql("a.arrears")}, a.oldest_unpaid_due,
               a.days_past_due, %(fee)s
        FROM servicing_remindercycle c
        JOIN {TMP} a ON a.loan_id = c.loan_id
        JOIN loans_loan l ON l.id = c.loan_id
        LEFT JOIN (
            SELECT rr.cycle_id, MAX(rr.number) AS n, MAX(rr.sent_on) AS last
            FROM servicing_reminder rr
            JOIN servicing_remindercycle cc ON cc.id = rr.cycle_id AND cc.closed_on IS NULL
            GROUP BY rr.cycle_id
        ) r ON r.cycle_id = c.id
        WHERE c.closed_on IS NULL AND l.policy_id = %(policy)s
          AND COALESCE(r.n, 0) < %(max)s
          AND (r.last IS NULL OR r.last <= %(last_before)s)
        """,  # noqa: S608
        {
            "run": run.pk,
            "run_on": run.run_on,
            "pay_by": run.run_on + dt.timedelta(days=interval),
            "last_before": run.run_on - dt.timedelta(days=interval),
            "max": max(1, policy.reminder_max),
            "fee": policy.reminder_fee,
            "policy": policy.pk,
            "yes": True,
            "no": False,
        },
    )


_TASK_INSERT = """
    INSERT INTO servicing_task
        (kind, role, loan_id, cycle_id, reminder_id, reason, created_on, status)
    WITH has_task AS {materialized} (
        SELECT cycle_id FROM servicing_task WHERE kind = 'contact_citizen'
    )
    SELECT 'contact_citizen', 'project_leader', c.loan_id, c.id, MIN(r.id), %(reason)s,
           %(run_on)s, 'open'
    FROM servicing_remindercycle c
    JOIN servicing_reminder r ON r.cycle_id = c.id
    JOIN loans_loan l ON l.id = c.loan_id
    {joins}
    WHERE c.closed_on IS NULL AND l.status = 'active' AND {where}
      AND NOT EXISTS (SELECT 1 FROM has_task t WHERE t.cycle_id = c.id)
    GROUP BY c.id, c.loan_id
"""


# No payment (not reversed) dated from the reminder to the run's date. The loan's kept latest
# payment answers it without reading the ledger, unless that payment is dated after the run
# (then the ledger is asked). So the task day reads no payments of the late loans.
_NOT_PAID = """(
    l.last_paid_on IS NULL OR l.last_paid_on < r.sent_on
    OR (l.last_paid_on > %(run_on)s AND NOT EXISTS (
        SELECT 1 FROM loans_ledgerentry e
        WHERE e.loan_id = c.loan_id AND e.kind IN ('repayment', 'collector_payment')
          AND e.value_date >= r.sent_on AND e.value_date <= %(run_on)s
          AND NOT EXISTS (SELECT 1 FROM loans_ledgerentry x WHERE x.reverses_id = e.id)))
)"""


def _task_insert(*, joins: str, where: str) -> str:
    return _TASK_INSERT.format(materialized=_materialized(), joins=joins, where=where)


def insert_tasks(cursor: CursorWrapper, run_on: dt.date, policies: list[LoanPolicy]) -> int:
    """Contact tasks for the project leader, once per cycle, the first reason found."""
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM servicing_task")
    (before,) = cursor.fetchone() or (0,)
    count = _exec(
        cursor,
        _task_insert(
            joins="JOIN letters_letter lt ON lt.id = r.letter_id",
            where="lt.status = 'failed'",
        ),
        {"reason": "letter_failed", "run_on": run_on},
    )
    count += _exec(
        cursor,
        _task_insert(
            joins="JOIN people_citizen ci ON ci.id = l.citizen_id",
            where="ci.digital_post_exempt = %(yes)s",
        ),
        {"reason": "paper", "run_on": run_on, "yes": True},
    )
    for policy in policies:
        count += _exec(
            cursor,
            _task_insert(
                joins=f"JOIN {TMP} a ON a.loan_id = c.loan_id",
                where=f"l.policy_id = %(policy)s AND r.delivered_on <= %(cutoff)s AND {_NOT_PAID}",
            ),
            {
                "reason": "no_payment",
                "run_on": run_on,
                "policy": policy.pk,
                "cutoff": run_on - dt.timedelta(days=policy.contact_after_reminder_days),
            },
        )
    # The append-only history of each new task starts with its creation. The new ones are the
    # contact tasks (only this run makes them) above the highest id before: the sequence only
    # grows, and the step is one transaction. No scan of every task and event there ever was.
    _exec(
        cursor,
        """
        INSERT INTO servicing_taskevent (task_id, kind, occurred_on, note, recorded_at)
        SELECT t.id, 'created', t.created_on, '', %(now)s FROM servicing_task t
        WHERE t.id > %(before)s AND t.kind = 'contact_citizen'
        """,
        {"now": timezone.now(), "before": before},
    )
    return count


# --- the run --------------------------------------------------------------------------------


def _start(run_on: dt.date) -> ServicingRun:
    with transaction.atomic():
        later = ServicingRun.objects.filter(run_on__gt=run_on).order_by("-run_on").first()
        if later is not None:
            raise RunError(
                _("a servicing run for a later date (%(date)s) exists; runs go forward in time")
                % {"date": short_date(later.run_on)}
            )
        run, created = ServicingRun.objects.select_for_update().get_or_create(
            run_on=run_on, defaults={"started_at": timezone.now()}
        )
        if not created:
            run.attempts += 1
            run.status = RunStatus.RUNNING
            run.started_at = timezone.now()
            run.finished_at = None
            run.error = ""
            run.save(update_fields=["attempts", "status", "started_at", "finished_at", "error"])
        return run


def _lock() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        return bool(cursor.fetchone()[0])


def _unlock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def run(
    run_on: dt.date,
    *,
    issue_letters: bool = True,
    batch_size: int = 100,
    after_batch: Callable[[int], None] | None = None,
    keep_figures: bool = True,
) -> RunResult:
    """Run the servicing for ``run_on``. Safe to repeat; continues a run that died.

    ``keep_figures=False`` leaves out step 8 (the benchmark times the servicing alone)."""
    if not _lock():
        raise RunError(_("another servicing run is in progress"))
    try:
        run_obj = _start(run_on)
        result = RunResult(run_obj)
        try:
            _steps(
                result,
                issue_letters=issue_letters,
                batch_size=batch_size,
                after=after_batch,
                keep_figures=keep_figures,
            )
        except BaseException as exc:
            ServicingRun.objects.filter(pk=run_obj.pk).update(
                status=RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
            )
            raise
        run_obj.status = RunStatus.DONE
        run_obj.finished_at = timezone.now()
        run_obj.stats = {**result.counts, "seconds": result.seconds}
        run_obj.save(update_fields=["status", "finished_at", "stats"])
        return result
    finally:
        _unlock()


def _timed(result: RunResult, name: str, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    started = time.perf_counter()
    value = func(*args, **kwargs)
    result.seconds[name] = round(time.perf_counter() - started, 3)
    return value


def _steps(
    result: RunResult,
    *,
    issue_letters: bool,
    batch_size: int,
    after: Callable[[int], None] | None,
    keep_figures: bool,
) -> None:
    run_obj = result.run
    run_on = run_obj.run_on
    counts = result.counts
    policies = list(LoanPolicy.objects.all())
    counts["receipts"] = _timed(result, "receipts", sync_receipts, run_on)
    started = time.perf_counter()
    with connection.cursor() as cursor:

        def step(name: str, func: Callable[[], int]) -> int:
            """One step in its own transaction, timed with its commit (the deferred checks of
            the rows it wrote run then)."""

            def in_transaction() -> int:
                with transaction.atomic():
                    tune_session(cursor)
                    return func()

            return _timed(result, name, in_transaction)

        counts["in_arrears"] = step("arrears", lambda: compute_arrears(cursor, run_on))

        def cycles() -> int:
            counts["cycles_closed"] = close_cycles(cursor, run_on)
            counts["cycles_opened"] = sum(open_cycles(cursor, run_on, p) for p in policies)
            return counts["cycles_opened"]

        step("cycles", cycles)
        counts["reminders"] = step(
            "reminders", lambda: sum(insert_reminders(cursor, run_obj, p) for p in policies)
        )
        counts["tasks"] = step("tasks", lambda: insert_tasks(cursor, run_on, policies))
        cursor.execute(f"DROP TABLE IF EXISTS {TMP}")
    result.seconds["set_based"] = round(time.perf_counter() - started, 3)
    # Self-assessment reminders: a letter per measuring point that falls due (progression).
    counts["assessment_reminders"] = _timed(
        result, "assessment_reminders", remind_due_assessments, run_on
    )
    if issue_letters:
        from mikrolaan.servicing.reminders import issue_pending

        counts["letters"] = _timed(
            result, "letters", issue_pending, batch_size=batch_size, after_batch=after
        )
        counts["receipts"] += sync_receipts(run_on)
    if keep_figures and run_on == timezone.localdate():
        # The figures the pages read instead of scanning the portfolio (``core.snapshots``).
        _timed(result, "kept_figures", snapshots.refresh, run_on)


def should_run_today(today: dt.date) -> bool:
    """The scheduler hook runs only on Danish bank days (the calendar ``loans`` uses)."""
    return is_bank_day(today)
