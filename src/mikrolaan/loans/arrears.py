"""Arrears for the whole portfolio in one SQL statement (SQLite and PostgreSQL).

For every loan paid out on or before ``D``: what has fallen due (``due_to_date``), what was
paid and applied to the plan (``paid_to_date``), ``arrears``, the oldest unpaid due date and
``days_past_due`` — by the rules in ``loans.schedule``, computed without a loop over loans:

* ``cutoff``: per due day, the last month whose due date is on or before ``D`` — from the
  shared calendar ``loans_duedate`` (a few thousand rows);
* ``due``: per loan, ``Σ segment.amount × clamp(cutoff − segment.first_month + 1, 0, count)``;
* ``paid``: per loan, payments up to ``D`` that were not reversed (reversed payments never
  count: ``loans.schedule``), and ``extra``: the extra parts (``loans_paymentsplit``);
* ``regular = min(paid, principal) − extra``; ``arrears = max(0, min(due − regular,
  principal − paid))``; the oldest unpaid instalment is the one at position ``regular`` from
  the front: ``first_month + (regular − before) / amount`` in the segment holding it.

``loans.plan.position`` computes the same per loan, instalment by instalment; the tests check
that the two agree (hypothesis).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from mikrolaan.loans.schedule import to_kr

PAYMENT_KINDS_SQL = "('repayment', 'collector_payment')"


@dataclass(frozen=True)
class Arrears:
    loan_id: int
    due_to_date: Decimal
    paid_to_date: Decimal
    arrears: Decimal
    oldest_unpaid_due: dt.date | None
    days_past_due: int


def _ore(expr: str) -> str:
    # Sums of 2-decimal money as integer øre: exact on PostgreSQL (numeric), and on SQLite
    # (whose decimals are floats) the rounding removes the float error of a sum.
    return f"CAST(ROUND(({expr}) * 100) AS BIGINT)"


def _days_since(vendor: str, column: str) -> str:
    """Whole days from ``column`` to ``%(as_of)s``, in the vendor's date arithmetic."""
    if vendor == "postgresql":
        return f"(CAST(%(as_of)s AS date) - {column})"
    return f"CAST(julianday(%(as_of)s) - julianday({column}) AS INTEGER)"


def _cutoff_and_due(loans: str) -> str:
    """The CTEs ``cutoff`` and ``due`` (what fell due by ``%(as_of)s`` per loan, in øre) for
    the loans of the CTE named ``loans`` (columns ``loan_id`` and ``due_day``)."""
    return f"""cutoff AS (
    SELECT due_day, MAX(month) AS month
    FROM loans_duedate WHERE due_date <= %(as_of)s GROUP BY due_day
),
due AS (
    SELECT s.loan_id,
           CAST(SUM(s.amount_ore * CASE
                 WHEN c.month IS NULL OR c.month < s.first_month THEN 0
                 WHEN c.month - s.first_month + 1 >= s.count THEN s.count
                 ELSE c.month - s.first_month + 1 END) AS BIGINT) AS due
    FROM loans_plansegment s
    JOIN {loans} b ON b.loan_id = s.loan_id
    LEFT JOIN cutoff c ON c.due_day = b.due_day
    GROUP BY s.loan_id
)"""  # noqa: S608 - ``loans`` is a CTE name from this module


def arrears_sql(vendor: str, *, loan_filter: str = "") -> str:
    """The query, with named parameters ``%(as_of)s`` (and whatever ``loan_filter`` uses).

    ``loan_filter`` is an extra SQL condition on ``l`` (the loans table), e.g.
    ``"l.id IN (…)"``; the caller must build it safely.
    """
    days = _days_since(vendor, "dd.due_date")
    extra_where = f"AND ({loan_filter})" if loan_filter else ""

    def only(alias: str) -> str:
        # A few loans: their rows only, by index. Every loan: each sum over the whole table
        # first (a parallel aggregate on PostgreSQL), then joined (``pos``); joined to every
        # loan row first, the ledger's 30 million payments went through a hash join serially.
        return f"JOIN base b ON b.loan_id = {alias}.loan_id" if loan_filter else ""

    return f"""
WITH base AS (
    SELECT l.id AS loan_id, {_ore("l.principal")} AS principal, p.due_day AS due_day
    FROM loans_loan l JOIN policy_loanpolicy p ON p.id = l.policy_id
    WHERE l.disbursed_on IS NOT NULL AND l.disbursed_on <= %(as_of)s {extra_where}
),
{_cutoff_and_due("base")},
paid AS (
    SELECT e.loan_id, {_ore("SUM(e.amount)")} AS paid
    FROM loans_ledgerentry e {only("e")}
    WHERE e.kind IN {PAYMENT_KINDS_SQL} AND e.value_date <= %(as_of)s
    GROUP BY e.loan_id
),
unpaid AS (  -- payments up to D that were reversed (at any date): they never count
    SELECT o.loan_id, {_ore("SUM(o.amount)")} AS amount
    FROM loans_ledgerentry r JOIN loans_ledgerentry o ON o.id = r.reverses_id {only("r")}
    WHERE r.kind = 'reversal' AND r.reversed_kind IN {PAYMENT_KINDS_SQL}
      AND o.value_date <= %(as_of)s
    GROUP BY o.loan_id
),
extra AS (
    SELECT x.loan_id, CAST(SUM(x.extra_ore) AS BIGINT) AS extra
    FROM loans_paymentsplit x {only("x")}
    WHERE x.value_date <= %(as_of)s
    GROUP BY x.loan_id
),
pos AS (
    SELECT b.loan_id, b.principal, b.due_day,
           COALESCE(d.due, 0) AS due,
           CASE WHEN COALESCE(p.paid, 0) - COALESCE(u.amount, 0) > b.principal THEN b.principal
                ELSE COALESCE(p.paid, 0) - COALESCE(u.amount, 0) END AS paid,
           COALESCE(x.extra, 0) AS extra
    FROM base b
    LEFT JOIN due d ON d.loan_id = b.loan_id
    LEFT JOIN paid p ON p.loan_id = b.loan_id
    LEFT JOIN unpaid u ON u.loan_id = b.loan_id
    LEFT JOIN extra x ON x.loan_id = b.loan_id
),
arr AS (
    SELECT pos.*, pos.paid - pos.extra AS regular,
           CASE WHEN pos.due - (pos.paid - pos.extra) <= 0 OR pos.principal - pos.paid <= 0 THEN 0
                WHEN pos.due - (pos.paid - pos.extra) < pos.principal - pos.paid
                     THEN pos.due - (pos.paid - pos.extra)
                ELSE pos.principal - pos.paid END AS arrears
    FROM pos
)
SELECT arr.loan_id, arr.due, arr.paid, arr.arrears,
       CASE WHEN arr.arrears > 0 THEN dd.due_date END AS oldest_unpaid_due,
       CASE WHEN arr.arrears > 0 THEN {days} ELSE 0 END AS days_past_due
FROM arr
LEFT JOIN loans_plansegment s
       ON arr.arrears > 0 AND s.loan_id = arr.loan_id
      AND s.before_ore <= arr.regular AND arr.regular < s.before_ore + s.count * s.amount_ore
LEFT JOIN loans_duedate dd
       ON dd.due_day = arr.due_day
      AND dd.month = s.first_month + CAST(arr.regular - s.before_ore AS BIGINT) / s.amount_ore
"""  # noqa: S608 - no user input: callers build loan_filter from integers


def kept_arrears_sql(vendor: str, *, loan_filter: str = "") -> str:
    """The loans in arrears on ``%(as_of)s`` from the figures each loan keeps
    (``loans.kept``), with the same columns as ``arrears_sql``: an index range over the loans
    whose oldest unpaid due date has passed, and their plan segments — no ledger scan.

    Right only when no entry is dated after ``as_of`` (``kept_is_current``): the kept figures
    hold every payment recorded.
    """
    days = _days_since(vendor, "late.oldest_unpaid_due")
    extra_where = f"AND ({loan_filter})" if loan_filter else ""
    return f"""
WITH late AS (
    SELECT l.id AS loan_id, {_ore("l.principal")} AS principal, p.due_day AS due_day,
           l.paid_regular_ore AS regular, l.paid_extra_ore AS extra, l.oldest_unpaid_due
    FROM loans_loan l JOIN policy_loanpolicy p ON p.id = l.policy_id
    WHERE l.oldest_unpaid_due <= %(as_of)s {extra_where}
),
{_cutoff_and_due("late")}
SELECT late.loan_id, COALESCE(due.due, 0) AS due, late.regular + late.extra AS paid,
       CASE WHEN COALESCE(due.due, 0) - late.regular < late.principal - late.regular - late.extra
            THEN COALESCE(due.due, 0) - late.regular
            ELSE late.principal - late.regular - late.extra END AS arrears,
       late.oldest_unpaid_due, {days} AS days_past_due
FROM late LEFT JOIN due ON due.loan_id = late.loan_id
"""  # noqa: S608 - no user input: callers build loan_filter from constants


def kept_is_current(as_of: dt.date) -> bool:
    """True when no ledger entry is dated after ``as_of``: the kept figures are its figures."""
    from mikrolaan.loans.models import Loan

    return not Loan.objects.filter(last_value_date__gt=as_of).exists()


def in_arrears_sql(vendor: str, as_of: dt.date, *, loan_filter: str = "") -> str:
    """The loans in arrears on ``as_of`` (``arrears_sql``'s columns, only rows with arrears):
    from the kept figures when they are current, else from the whole ledger."""
    if kept_is_current(as_of):
        return kept_arrears_sql(vendor, loan_filter=loan_filter)
    full = arrears_sql(vendor, loan_filter=loan_filter)
    return f"SELECT * FROM ({full}) q WHERE q.arrears > 0"  # noqa: S608


FEW_LOANS = 1000


def tune_session(cursor: CursorWrapper) -> None:
    """Settings for the portfolio queries, local to the current transaction (PostgreSQL).

    JIT compilation costs seconds on this query (its estimates are large) and saves
    nothing; the hash aggregates over a million loans want more than the default work_mem.
    """
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '256MB'")


def arrears_for(as_of: dt.date, loan_ids: list[int] | None = None) -> dict[int, Arrears]:
    """Arrears of every loan paid out by ``as_of`` (or of the given loans), by loan id."""
    params: dict[str, dt.date | int] = {"as_of": as_of}
    loan_filter = ""
    if loan_ids is not None:
        if not loan_ids:
            return {}
        keys = []
        for i, loan_id in enumerate(loan_ids):
            params[f"loan_{i}"] = int(loan_id)
            keys.append(f"%(loan_{i})s")
        loan_filter = f"l.id IN ({', '.join(keys)})"
    sql = arrears_sql(connection.vendor, loan_filter=loan_filter)
    result = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if loan_ids is None or len(loan_ids) > FEW_LOANS:
            tune_session(cursor)  # a page's few loans need none of it (two round trips)
        cursor.execute(sql, params)
        for loan_id, due, paid, arrears, oldest, days in cursor.fetchall():
            if isinstance(oldest, str):  # SQLite returns dates as text
                oldest = dt.date.fromisoformat(oldest)
            result[loan_id] = Arrears(
                loan_id=loan_id,
                due_to_date=to_kr(int(due)),
                paid_to_date=to_kr(int(paid)),
                arrears=to_kr(int(arrears)),
                oldest_unpaid_due=oldest,
                days_past_due=int(days or 0),
            )
    return result
