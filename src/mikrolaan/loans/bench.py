"""A synthetic portfolio for benchmarks, and the arrears benchmark itself.

``generate(n, as_of)`` writes ``n`` loans with citizens, plan segments, deferrals, payouts,
payments and payment splits, paid out over the eight years before ``as_of`` with a mix of
borrowers: regular payers (some a few days early, some late), borrowers who stopped paying,
early repayers, deferrals at start, extra payments, loans handed to debt collection. On
PostgreSQL the rows go in with ``COPY`` (triggers off for the load: the rows are made by the
same rules the triggers check); elsewhere with ``bulk_create`` (small portfolios, for tests).

Only for an empty or benchmark-only database: ``generate`` refuses a database holding loans
that it did not make.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from mikrolaan.loans import schedule
from mikrolaan.loans.arrears import arrears_sql, tune_session
from mikrolaan.loans.models import Loan
from mikrolaan.loans.plan import ensure_calendar
from mikrolaan.policy.models import LoanPolicy

PREFIX = "BENCH-"


class BenchError(Exception):
    pass


@dataclass
class Rows:
    citizens: list
    loans: list
    segments: list
    deferrals: list
    entries: list
    splits: list


def _loan_rows(i, loan_id, citizen_id, entry_id, policy, as_of, now) -> tuple[Rows, int]:
    """All rows of loan number ``i``; returns them and the next free ledger entry id."""
    term = 84
    principal_kr = 1000 + (i * 7919) % 49001
    principal = principal_kr * 100 + ((i * 31) % 100 if i % 5 == 0 else 0)
    disbursed = as_of - dt.timedelta(days=1 + (i * 104729) % (8 * 365))
    kind = i % 20
    defer = (6 if i % 2 else 12) if kind in (15, 16) else 0
    start = schedule.month_index(disbursed) + policy.months_to_first_instalment + defer
    amounts = schedule.instalment_amounts(principal, term)
    base, last = amounts[0], amounts[-1]
    plan_segments = [(start, term - 1, base, 0), (start + term - 1, 1, last, base * (term - 1))]
    status = "active"
    collection_on = None
    # Which instalments were paid, when, and how much.
    payments: list[tuple[dt.date, int, int]] = []  # (date, amount, extra)
    n_due = sum(1 for k in range(term) if schedule.due_date(start + k, policy.due_day) <= as_of)
    stop = n_due
    if kind in (12, 13):
        stop = min(n_due, i % 37)  # stopped paying
    if kind == 18:
        stop = min(n_due, i % 23)
    offset = {19: 20}.get(kind, -(i % 5))  # late payers 20 days after, others a few days early
    paid = 0
    for k in range(stop):
        due = schedule.due_date(start + k, policy.due_day)
        day = max(disbursed, due + dt.timedelta(days=offset))
        if day > as_of:
            break
        if kind == 14 and k == 3 + i % 40:  # early repayer pays everything off
            payments.append((day, principal - paid, 0))
            paid = principal
            break
        payments.append((day, amounts[k], 0))
        paid += amounts[k]
        if kind == 17 and k == 5:  # an extra lump, beyond the next instalment
            lump = min(500000, principal - paid)
            if lump > base:
                payments.append((day + dt.timedelta(days=10), lump, lump - base))
                paid += lump
    if kind == 18 and stop < n_due and n_due - stop > 6:
        status = "in_collection"
        collection_on = schedule.due_date(start + stop + 5, policy.due_day)
    if paid >= principal:
        status = "repaid"
    citizen = (citizen_id, f"Bench{i}", "Låntager", 1960 + i % 40, "FM"[i % 2], f"bench-{i}")
    loan = (
        loan_id,
        f"{PREFIX}{i:07d}",
        citizen_id,
        policy.pk,
        schedule.to_kr(principal),
        disbursed,
        disbursed,
        schedule.due_date(start, policy.due_day),
        term,
        defer,
        status,
        collection_on,
        now,
    )
    segments = [(loan_id, *s) for s in plan_segments]
    deferrals = (
        [(loan_id, disbursed, schedule.month_start(start - defer), defer, True, "Opstart", now)]
        if defer
        else []
    )
    entries = [(entry_id, loan_id, "disbursement", principal, principal, disbursed, "manual", now)]
    splits = []
    entry_id += 1
    for day, amount, extra in sorted(payments):
        entries.append((entry_id, loan_id, "repayment", amount, -amount, day, "bank", now))
        if extra:
            splits.append((entry_id, loan_id, day, extra))
        entry_id += 1
    if collection_on:
        owed = principal - paid
        entries.append(
            (entry_id, loan_id, "collection_transfer", owed, 0, collection_on, "manual", now)
        )
        entry_id += 1
    return Rows([citizen], [loan], segments, deferrals, entries, splits), entry_id


def _portfolio(n, as_of, first_ids) -> Iterator[Rows]:
    policy = LoanPolicy.in_force(as_of - dt.timedelta(days=8 * 366))
    now = timezone.now()
    citizen_id, loan_id, entry_id = first_ids
    for i in range(n):
        rows, entry_id = _loan_rows(i, loan_id + i, citizen_id + i, entry_id, policy, as_of, now)
        yield rows


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


COLUMNS = {
    "people_citizen": "id, first_name, last_name, birth_year, gender, person_ref",
    "loans_loan": (
        "id, loan_ref, citizen_id, policy_id, principal, granted_on, disbursed_on, "
        "repayment_start, term_months, deferral_months_at_start, status, "
        "collection_transferred_on, created_at"
    ),
    "loans_plansegment": "loan_id, first_month, count, amount_ore, before_ore",
    "loans_deferral": "loan_id, decided_on, first_month, months, at_start, reason, recorded_at",
    "loans_ledgerentry": ("id, loan_id, kind, amount, debt_delta, value_date, source, recorded_at"),
    "loans_paymentsplit": "entry_id, loan_id, value_date, extra_ore",
}
# Columns Django gives no database default: filled with constants in the COPY target.
CONSTANTS = {
    "people_citizen": {
        "phone": "''",
        "email": "''",
        "address": "''",
        "target_group": "''",
        "digital_post_exempt": "false",
        "created_at": "now()",
    },
    "loans_loan": {"collateral": "''"},
    "loans_ledgerentry": {"external_id": "''", "why": "''", "reversed_kind": "''"},
}


def _fmt(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _ledger_money(row):
    # entries are built in øre; the table holds kroner with two decimals
    eid, loan, kind, amount, delta, day, source, at = row
    return (eid, loan, kind, schedule.to_kr(amount), schedule.to_kr(delta), day, source, at)


@transaction.atomic
def generate(n: int, as_of: dt.date, *, progress=None) -> None:
    if Loan.objects.exclude(loan_ref__startswith=PREFIX).exists():
        raise BenchError("this database holds real loans; use a separate benchmark database")
    if Loan.objects.exists():
        raise BenchError("this database already holds a benchmark portfolio; drop it first")
    policy = LoanPolicy.in_force(as_of - dt.timedelta(days=8 * 366))
    first = schedule.month_index(as_of) - 9 * 12
    ensure_calendar(policy.due_day, first, schedule.month_index(as_of) + 10 * 12)
    ids = (_next_id("people_citizen"), _next_id("loans_loan"), _next_id("loans_ledgerentry"))
    if connection.vendor == "postgresql":
        _generate_copy(n, as_of, ids, progress)
    else:
        _generate_orm(n, as_of, ids)


def _generate_copy(n, as_of, ids, progress):
    with connection.cursor() as cursor:
        # A throw-away load: skip the row triggers (append-only, balance check) while copying.
        cursor.execute("SET LOCAL session_replication_role = replica")
        buffers = {table: io.StringIO() for table in COLUMNS}

        def flush():
            for table, buf in buffers.items():
                if not buf.tell():
                    continue
                extra = CONSTANTS.get(table, {})
                cols = COLUMNS[table]
                if extra:
                    # COPY cannot fill constants: copy into a temp table, insert from it.
                    cursor.execute(
                        f"CREATE TEMP TABLE IF NOT EXISTS bench_{table} AS "  # noqa: S608
                        f"SELECT {cols} FROM {table} WITH NO DATA"
                    )
                    target = f"bench_{table}"
                else:
                    target = table
                with cursor.cursor.copy(f"COPY {target} ({cols}) FROM STDIN") as copy:
                    copy.write(buf.getvalue())
                if extra:
                    names = ", ".join(extra)
                    values = ", ".join(extra.values())
                    cursor.execute(
                        f"INSERT INTO {table} ({cols}, {names}) "  # noqa: S608
                        f"SELECT {cols}, {values} FROM {target}; TRUNCATE {target}"
                    )
                buffers[table] = io.StringIO()

        for written, rows in enumerate(_portfolio(n, as_of, ids), start=1):
            for table, items in zip(
                COLUMNS,
                (
                    rows.citizens,
                    rows.loans,
                    rows.segments,
                    rows.deferrals,
                    [_ledger_money(e) for e in rows.entries],
                    rows.splits,
                ),
                strict=True,
            ):
                buf = buffers[table]
                for item in items:
                    buf.write("\t".join(_fmt(v) for v in item))
                    buf.write("\n")
            if written % 50_000 == 0:
                flush()
                if progress:
                    progress(written)
        flush()
        for table in (
            "people_citizen",
            "loans_loan",
            "loans_ledgerentry",
            "loans_plansegment",
            "loans_deferral",
            "loans_paymentsplit",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        cursor.execute("SET LOCAL session_replication_role = origin")
    with connection.cursor() as cursor:
        for table in COLUMNS:
            cursor.execute(f"ANALYZE {table}")


def _generate_orm(n, as_of, ids):
    from mikrolaan.loans.models import Deferral, LedgerEntry, PaymentSplit, PlanSegment
    from mikrolaan.people.models import Citizen

    for rows in _portfolio(n, as_of, ids):
        Citizen.objects.bulk_create(
            Citizen(
                id=c[0],
                first_name=c[1],
                last_name=c[2],
                birth_year=c[3],
                gender=c[4],
                person_ref=c[5],
            )
            for c in rows.citizens
        )
        Loan.objects.bulk_create(
            Loan(
                id=r[0],
                loan_ref=r[1],
                citizen_id=r[2],
                policy_id=r[3],
                principal=r[4],
                granted_on=r[5],
                disbursed_on=r[6],
                repayment_start=r[7],
                term_months=r[8],
                deferral_months_at_start=r[9],
                status=r[10],
                collection_transferred_on=r[11],
            )
            for r in rows.loans
        )
        PlanSegment.objects.bulk_create(
            PlanSegment(
                loan_id=s[0], first_month=s[1], count=s[2], amount_ore=s[3], before_ore=s[4]
            )
            for s in rows.segments
        )
        Deferral.objects.bulk_create(
            Deferral(
                loan_id=d[0],
                decided_on=d[1],
                first_month=d[2],
                months=d[3],
                at_start=d[4],
                reason=d[5],
            )
            for d in rows.deferrals
        )
        LedgerEntry.objects.bulk_create(
            LedgerEntry(
                id=e[0],
                loan_id=e[1],
                kind=e[2],
                amount=e[3],
                debt_delta=e[4],
                value_date=e[5],
                source=e[6],
            )
            for e in map(_ledger_money, rows.entries)
        )
        PaymentSplit.objects.bulk_create(
            PaymentSplit(entry_id=x[0], loan_id=x[1], value_date=x[2], extra_ore=x[3])
            for x in rows.splits
        )


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
