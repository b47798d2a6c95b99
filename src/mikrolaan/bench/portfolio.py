"""A synthetic portfolio for the benchmarks.

``generate(n, as_of)`` writes ``n`` loans with citizens, plan segments, deferrals, payouts,
payments and payment splits, paid out over the eight years before ``as_of`` with a mix of
borrowers: regular payers (some a few days early, some late), borrowers who stopped paying,
early repayers, deferrals at start, extra payments, loans handed to debt collection. On
PostgreSQL the rows are made inside the server by bulk ``INSERT … SELECT`` over
``generate_series`` (row triggers off for the load: the rows follow the rules the triggers
check); elsewhere the same rules run in Python with ``bulk_create`` (small portfolios, for
tests). Either way, the tests check every generated loan against the reference computation.

Only for an empty or benchmark-only database: ``generate`` refuses a database holding loans
that it did not make.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mikrolaan.core.formatting import number
from mikrolaan.loans import kept, lifecycle, schedule
from mikrolaan.loans.arrears import tune_session
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


# The borrowers, by ``i % 20``: 0–11 pay every instalment a few days early (0–4 days),
# 12–13 stopped paying after ``i % 37`` instalments, 14 repays everything early with
# instalment ``3 + i % 40``, 15–16 got 6 or 12 months' deferral at start and pay regularly,
# 17 paid an extra lump covering the last 10 instalments 10 days after instalment 6, 18
# stopped after ``i % 23`` instalments and was handed to debt collection, 19 pays 20 days
# late. The same rules in SQL (PostgreSQL) and in Python (other databases).
MIX = 20


def _params(i: int, as_of: dt.date, months_to_first: int) -> dict:
    term = 84
    principal = (1000 + (i * 7919) % 49001) * 100 + ((i * 31) % 100 if i % 5 == 0 else 0)
    disbursed = as_of - dt.timedelta(days=1 + (i * 104729) % 2920)
    kind = i % MIX
    defer = (6 if i % 2 else 12) if kind in (15, 16) else 0
    start = schedule.month_index(disbursed) + months_to_first + defer
    base = principal // term // 100 * 100
    return {
        "principal": principal,
        "disbursed": disbursed,
        "kind": kind,
        "defer": defer,
        "start": start,
        "base": base,
        "last": principal - base * (term - 1),
        "term": term,
    }


def _loan_rows(i, loan_id, citizen_id, entry_id, policy, as_of, now) -> tuple[Rows, int]:
    """All rows of loan number ``i``; returns them and the next free ledger entry id."""
    p = _params(i, as_of, policy.months_to_first_instalment)
    term, base, last, start, principal = p["term"], p["base"], p["last"], p["start"], p["principal"]
    kind, disbursed = p["kind"], p["disbursed"]
    due = [schedule.due_date(start + k, policy.due_day) for k in range(term)]
    n_due = sum(1 for d in due if d <= as_of)
    stop = {12: i % 37, 13: i % 37, 18: i % 23}.get(kind, term)
    stop = min(stop, n_due + 1)  # the next instalment may be paid a few days early
    if kind == 17:
        stop = min(stop, term - 10)
    offset = 20 if kind == 19 else -(i % 5)
    early = 3 + i % 40 if kind == 14 else None
    payments: list[tuple[dt.date, int, int]] = []  # (date, amount, extra)
    paid = 0
    for k in range(stop):
        day = max(disbursed, due[k] + dt.timedelta(days=offset))
        if day > as_of:
            break
        amount = last if k == term - 1 else base
        if k == early:
            payments.append((day, principal - paid, principal - paid - amount))
            paid = principal
            break
        payments.append((day, amount, 0))
        paid += amount
        if kind == 17 and k == 5:
            lump_day = day + dt.timedelta(days=10)
            if lump_day <= as_of:
                lump = 9 * base + last
                payments.append((lump_day, lump, lump))
                paid += lump
    status = "repaid" if paid >= principal else "active"
    collection_on = None
    if kind == 18 and n_due - stop > 6:
        status = "in_collection"
        collection_on = due[stop + 5]
    citizen = (citizen_id, f"Bench{i}", "Låntager", 1960 + i % 40, "FM"[i % 2], f"bench-{i}")
    loan = (
        loan_id,
        f"{PREFIX}{i:07d}",
        citizen_id,
        policy.pk,
        schedule.to_kr(principal),
        disbursed,
        disbursed,
        due[0],
        term,
        p["defer"],
        status,
        collection_on,
        now,
    )
    segments = [
        (loan_id, start, term - 1, base, 0),
        (loan_id, start + term - 1, 1, last, base * (term - 1)),
    ]
    deferrals = (
        [
            (
                loan_id,
                disbursed,
                schedule.month_start(start - p["defer"]),
                p["defer"],
                True,
                "Opstart",
                now,
            )
        ]
        if p["defer"]
        else []
    )
    entries = [(entry_id, loan_id, "disbursement", principal, principal, disbursed, "manual", now)]
    splits = []
    entry_id += 1
    for day, amount, extra in payments:
        entries.append((entry_id, loan_id, "repayment", amount, -amount, day, "bank", now))
        if extra:
            splits.append((entry_id, loan_id, day, extra))
        entry_id += 1
    if collection_on:
        entries.append(
            (
                entry_id,
                loan_id,
                "collection_transfer",
                principal - paid,
                0,
                collection_on,
                "manual",
                now,
            )
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


def _ledger_money(row):
    # entries are built in øre; the table holds kroner with two decimals
    eid, loan, kind, amount, delta, day, source, at = row
    return (eid, loan, kind, schedule.to_kr(amount), schedule.to_kr(delta), day, source, at)


def settle(tables=("loans_loan", "loans_plansegment", "loans_ledgerentry")) -> None:
    """``VACUUM ANALYZE`` the portfolio's tables before a timed run, on PostgreSQL.

    A real database has had this done by autovacuum (PostgreSQL's default, which
    ``docs/deployment.md`` asks for): hint bits and the visibility map set, and the dead rows of
    earlier runs' updates gone. Without it a timed run pays for the generator's bulk load and
    the previous runs (a benchmark database on a server with autovacuum off, as on the machine
    these figures were measured on, keeps every dead row).
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


@transaction.atomic
def generate(n: int, as_of: dt.date, *, progress=None) -> None:
    if Loan.objects.exclude(loan_ref__startswith=PREFIX).exists():
        raise BenchError(_("This database holds real loans; use a separate benchmark database."))
    if Loan.objects.exists():
        raise BenchError(_("This database already holds a benchmark portfolio; drop it first."))
    policy = LoanPolicy.in_force(as_of - dt.timedelta(days=8 * 366))
    first = schedule.month_index(as_of) - 9 * 12
    ensure_calendar(policy.due_day, first, schedule.month_index(as_of) + 10 * 12)
    ids = (_next_id("people_citizen"), _next_id("loans_loan"), _next_id("loans_ledgerentry"))
    if connection.vendor == "postgresql":
        _generate_sql(n, as_of, ids, policy, progress)
    else:
        _generate_orm(n, as_of, ids)
    kept.recount_all()
    _life_cycle()


def _life_cycle() -> None:
    """The generated loans' transitions, reconstructed from their dates and status."""
    lifecycle.reconstruct_transitions(
        why="benchmark", where="loan_ref LIKE %(prefix)s", params={"prefix": f"{PREFIX}%"}
    )


GENERATE_SQL = [
    (
        gettext_noop("parameters per loan"),
        """
        CREATE TEMP TABLE bench_g ON COMMIT DROP AS
        WITH g0 AS (
            SELECT i,
                   (1000 + (i::bigint * 7919) %% 49001) * 100
                     + CASE WHEN i %% 5 = 0 THEN (i::bigint * 31) %% 100 ELSE 0 END AS principal,
                   CAST(%(as_of)s AS date) - (1 + (i::bigint * 104729) %% 2920)::int AS disbursed,
                   i %% 20 AS kind
            FROM generate_series(0, %(n)s - 1) AS i
        ), g1 AS (
            SELECT g0.*, CASE WHEN kind IN (15, 16) THEN CASE WHEN i %% 2 = 1 THEN 6 ELSE 12 END
                              ELSE 0 END AS defer
            FROM g0
        ), g2 AS (
            SELECT g1.*,
                   EXTRACT(YEAR FROM disbursed)::int * 12 + EXTRACT(MONTH FROM disbursed)::int - 1
                     + %(m1)s + defer AS start,
                   principal / 84 / 100 * 100 AS base
            FROM g1
        )
        SELECT g2.*, principal - base * 83 AS last,
               GREATEST(0, LEAST(84, (SELECT MAX(month) FROM loans_duedate
                                      WHERE due_day = %(dd)s AND due_date <= %(as_of)s)
                                     - start + 1)) AS n_due,
               CASE WHEN kind IN (12, 13) THEN i %% 37 WHEN kind = 18 THEN i %% 23
                    WHEN kind = 17 THEN 74 ELSE 84 END AS stop,
               CASE WHEN kind = 14 THEN 3 + i %% 40 END AS early,
               CASE WHEN kind = 19 THEN 20 ELSE -(i %% 5) END AS off
        FROM g2
        """,
    ),
    (
        gettext_noop("payments"),
        """
        CREATE TEMP TABLE bench_p ON COMMIT DROP AS
        WITH p AS (
            SELECT g.i, k, GREATEST(g.disbursed, dd.due_date + g.off) AS day,
                   CASE WHEN k = g.early THEN g.principal - g.base * k
                        WHEN k = 83 THEN g.last ELSE g.base END AS amount,
                   CASE WHEN k = g.early THEN g.principal - g.base * k - g.base
                        ELSE 0 END AS extra
            FROM bench_g g
            CROSS JOIN LATERAL generate_series(0, LEAST(g.stop, COALESCE(g.early + 1, 84)) - 1) k
            JOIN loans_duedate dd ON dd.due_day = %(dd)s AND dd.month = g.start + k
            WHERE GREATEST(g.disbursed, dd.due_date + g.off) <= %(as_of)s
        ), lump AS (
            SELECT p.i, 100 AS k, p.day + 10 AS day, 9 * g.base + g.last AS amount,
                   9 * g.base + g.last AS extra
            FROM p JOIN bench_g g ON g.i = p.i
            WHERE g.kind = 17 AND p.k = 5 AND p.day + 10 <= %(as_of)s
        )
        SELECT all_p.*, %(e0)s + %(n)s + ROW_NUMBER() OVER (ORDER BY i, k) - 1 AS id
        FROM (SELECT * FROM p UNION ALL SELECT * FROM lump) all_p
        """,
    ),
    (
        gettext_noop("citizens"),
        """
        INSERT INTO people_citizen (id, first_name, last_name, birth_year, gender, person_ref,
            phone, email, address, target_group, digital_post_exempt, created_at)
        SELECT %(c0)s + i, 'Bench' || i, 'Låntager', 1960 + i %% 40,
               CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END, 'bench-' || i, '', '', '', '', false,
               now()
        FROM bench_g
        """,
    ),
    (
        gettext_noop("loans"),
        """
        INSERT INTO loans_loan (id, loan_ref, citizen_id, policy_id, principal, granted_on,
            disbursed_on, repayment_start, term_months, deferral_months_at_start, collateral,
            status, collection_transferred_on, created_at)
        SELECT %(l0)s + g.i, %(prefix)s || LPAD(g.i::text, 7, '0'), %(c0)s + g.i, %(policy)s,
               g.principal / 100.0, g.disbursed, g.disbursed, d0.due_date, 84, g.defer, '',
               CASE WHEN COALESCE(paid.total, 0) >= g.principal THEN 'repaid'
                    WHEN g.kind = 18 AND g.n_due - g.stop > 6 THEN 'in_collection'
                    ELSE 'active' END,
               CASE WHEN g.kind = 18 AND g.n_due - g.stop > 6
                         AND COALESCE(paid.total, 0) < g.principal THEN dc.due_date END,
               now()
        FROM bench_g g
        JOIN loans_duedate d0 ON d0.due_day = %(dd)s AND d0.month = g.start
        LEFT JOIN loans_duedate dc ON dc.due_day = %(dd)s AND dc.month = g.start + g.stop + 5
        LEFT JOIN (SELECT i, SUM(amount) AS total FROM bench_p GROUP BY i) paid
               ON paid.i = g.i
        """,
    ),
    (
        gettext_noop("plan segments"),
        """
        INSERT INTO loans_plansegment (loan_id, first_month, count, amount_ore, before_ore)
        SELECT %(l0)s + i, start, 83, base, 0 FROM bench_g
        UNION ALL
        SELECT %(l0)s + i, start + 83, 1, last, base * 83 FROM bench_g
        """,
    ),
    (
        gettext_noop("deferrals"),
        """
        INSERT INTO loans_deferral (loan_id, decided_on, first_month, months, at_start, reason,
            recorded_at)
        SELECT %(l0)s + i, disbursed,
               make_date((start - defer) / 12, (start - defer) %% 12 + 1, 1), defer, true,
               'Opstart', now()
        FROM bench_g WHERE defer > 0
        """,
    ),
    (
        gettext_noop("ledger"),
        """
        INSERT INTO loans_ledgerentry (id, loan_id, kind, amount, debt_delta, value_date, source,
            external_id, why, reversed_kind, recorded_at)
        SELECT %(e0)s + i, %(l0)s + i, 'disbursement', principal / 100.0, principal / 100.0,
               disbursed, 'manual', '', '', '', now()
        FROM bench_g
        UNION ALL
        SELECT id, %(l0)s + i, 'repayment', amount / 100.0, -amount / 100.0, day, 'bank', '', '',
               '', now()
        FROM bench_p
        UNION ALL
        SELECT (SELECT COALESCE(MAX(id), 0) FROM bench_p) + %(n)s + ROW_NUMBER() OVER (),
               l.id, 'collection_transfer', l.principal - COALESCE(paid.total, 0) / 100.0, 0,
               l.collection_transferred_on, 'manual', '', '', '', now()
        FROM loans_loan l
        JOIN bench_g g ON l.id = %(l0)s + g.i
        LEFT JOIN (SELECT i, SUM(amount) AS total FROM bench_p GROUP BY i) paid ON paid.i = g.i
        WHERE l.collection_transferred_on IS NOT NULL
        """,
    ),
    (
        gettext_noop("payment splits"),
        """
        INSERT INTO loans_paymentsplit (entry_id, loan_id, value_date, extra_ore)
        SELECT id, %(l0)s + i, day, extra FROM bench_p WHERE extra > 0
        """,
    ),
]


def _generate_sql(n, as_of, ids, policy, progress):
    citizen0, loan0, entry0 = ids
    params = {
        "n": n,
        "as_of": as_of,
        "dd": policy.due_day,
        "m1": policy.months_to_first_instalment,
        "c0": citizen0,
        "l0": loan0,
        "e0": entry0,
        "policy": policy.pk,
        "prefix": PREFIX,
    }
    with connection.cursor() as cursor:
        tune_session(cursor)
        # A throw-away load: the row triggers (append-only, balance check) are skipped.
        cursor.execute("SET LOCAL session_replication_role = replica")
        for label, sql in GENERATE_SQL:
            started = time.perf_counter()
            cursor.execute(sql, params)
            if progress:
                progress(f"{_(label)}: {number(time.perf_counter() - started, 1)} s")
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
        for table in COLUMNS:
            cursor.execute(f"ANALYZE {table}")


def _generate_orm(n, as_of, ids):
    from mikrolaan.loans.models import Deferral, LedgerEntry, PaymentSplit, PlanSegment
    from mikrolaan.people.models import Citizen

    models = {
        "people_citizen": (Citizen, "citizens"),
        "loans_loan": (Loan, "loans"),
        "loans_plansegment": (PlanSegment, "segments"),
        "loans_deferral": (Deferral, "deferrals"),
        "loans_ledgerentry": (LedgerEntry, "entries"),
        "loans_paymentsplit": (PaymentSplit, "splits"),
    }
    for rows in _portfolio(n, as_of, ids):
        for table, columns in COLUMNS.items():
            model, name = models[table]
            fields = [c.strip() for c in columns.split(",")]
            values = getattr(rows, name)
            if table == "loans_ledgerentry":
                values = map(_ledger_money, values)
            model.objects.bulk_create(
                model(**dict(zip(fields, row, strict=True))) for row in values
            )
