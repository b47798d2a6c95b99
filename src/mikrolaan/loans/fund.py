"""The revolving fund on a date: what was paid out, came back, is owed, is lost, and how old
the arrears are. Set-based: a few aggregate queries over the ledger and the arrears query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from mikrolaan.loans.arrears import arrears_sql, tune_session
from mikrolaan.loans.schedule import to_kr

BUCKETS = [
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    ("181-360", 181, 360),
    (">360", 361, None),
]


@dataclass
class Fund:
    as_of: dt.date
    loans_granted: int = 0
    capital_granted: Decimal = Decimal("0.00")
    loans_paid_out: int = 0
    paid_out: Decimal = Decimal("0.00")
    repaid: Decimal = Decimal("0.00")
    fees: Decimal = Decimal("0.00")
    written_off: Decimal = Decimal("0.00")
    outstanding: Decimal = Decimal("0.00")
    in_collection: Decimal = Decimal("0.00")
    loans_in_arrears: int = 0
    arrears: Decimal = Decimal("0.00")
    ageing: list[dict] = field(default_factory=list)
    outstanding_at_risk_30: Decimal = Decimal("0.00")

    @property
    def portfolio_at_risk_30(self) -> Decimal:
        """Share of the outstanding balance on loans more than 30 days past due (PAR30)."""
        if not self.outstanding:
            return Decimal("0.0000")
        return (self.outstanding_at_risk_30 / self.outstanding).quantize(Decimal("0.0001"))

    @property
    def portfolio_at_risk_30_percent(self) -> Decimal:
        return (self.portfolio_at_risk_30 * 100).quantize(Decimal("0.1"))


def _kr(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def fund_on(as_of: dt.date) -> Fund:
    fund = Fund(as_of=as_of)
    with transaction.atomic(), connection.cursor() as cursor:
        tune_session(cursor)
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(principal), 0) FROM loans_loan "
            "WHERE granted_on IS NULL OR granted_on <= %s",
            [as_of],
        )
        fund.loans_granted, capital = cursor.fetchone()
        fund.capital_granted = _kr(capital)
        # Each entry by what it is (a reversal counts against the kind it reverses).
        cursor.execute(
            """
            SELECT CASE WHEN kind = 'reversal' THEN reversed_kind ELSE kind END AS k,
                   SUM(CASE WHEN kind = 'reversal' THEN -amount ELSE amount END),
                   COUNT(DISTINCT loan_id)
            FROM loans_ledgerentry WHERE value_date <= %s
            GROUP BY CASE WHEN kind = 'reversal' THEN reversed_kind ELSE kind END
            """,
            [as_of],
        )
        by_kind = {k: (_kr(total), n) for k, total, n in cursor.fetchall()}
        fund.paid_out, fund.loans_paid_out = by_kind.get("disbursement", (_kr(0), 0))
        fund.repaid = (
            by_kind.get("repayment", (_kr(0), 0))[0]
            + by_kind.get("collector_payment", (_kr(0), 0))[0]
        )
        fund.fees = by_kind.get("fee", (_kr(0), 0))[0]
        fund.written_off = by_kind.get("write_off", (_kr(0), 0))[0]
        cursor.execute(
            "SELECT COALESCE(SUM(debt_delta), 0) FROM loans_ledgerentry WHERE value_date <= %s",
            [as_of],
        )
        fund.outstanding = _kr(cursor.fetchone()[0])
        cursor.execute(
            """
            SELECT COALESCE(SUM(e.debt_delta), 0) FROM loans_ledgerentry e
            JOIN loans_loan l ON l.id = e.loan_id
            WHERE e.value_date <= %s AND l.collection_transferred_on <= %s
            """,
            [as_of, as_of],
        )
        fund.in_collection = _kr(cursor.fetchone()[0])
        # Ageing: loans being repaid by the municipality (not handed over, not written off).
        bucket_sql = " ".join(
            f"WHEN a.days_past_due BETWEEN {lo} AND {hi} THEN '{name}'"
            if hi is not None
            else f"WHEN a.days_past_due >= {lo} THEN '{name}'"
            for name, lo, hi in BUCKETS
        )
        cursor.execute(
            f"""
            WITH a AS ({arrears_sql(connection.vendor)}),
            bal AS (
                SELECT loan_id, SUM(debt_delta) AS owed FROM loans_ledgerentry
                WHERE value_date <= %(as_of)s GROUP BY loan_id
            )
            SELECT CASE {bucket_sql} END AS bucket, COUNT(*), SUM(a.arrears),
                   COALESCE(SUM(bal.owed), 0)
            FROM a JOIN loans_loan l ON l.id = a.loan_id
            LEFT JOIN bal ON bal.loan_id = a.loan_id
            WHERE a.arrears > 0
              AND (l.collection_transferred_on IS NULL OR l.collection_transferred_on > %(as_of)s)
              AND l.status <> 'written_off'
            GROUP BY CASE {bucket_sql} END
            """,  # noqa: S608 - the buckets are constants of this module
            {"as_of": as_of},
        )
        rows = {bucket: (n, arrears, owed) for bucket, n, arrears, owed in cursor.fetchall()}
    for name, lo, _hi in BUCKETS:
        n, arrears, owed = rows.get(name, (0, 0, 0))
        fund.ageing.append(
            {"bucket": name, "loans": n, "arrears": to_kr(int(arrears)), "outstanding": _kr(owed)}
        )
        fund.loans_in_arrears += n
        fund.arrears += to_kr(int(arrears))
        if lo > 30:
            fund.outstanding_at_risk_30 += _kr(owed)
    return fund


def fund_json(fund: Fund) -> dict:
    def m(value: Decimal) -> str:
        return f"{value:.2f}"

    return {
        "as_of": fund.as_of.isoformat(),
        "loans_granted": fund.loans_granted,
        "capital_granted": m(fund.capital_granted),
        "loans_paid_out": fund.loans_paid_out,
        "paid_out": m(fund.paid_out),
        "repaid": m(fund.repaid),
        "fees": m(fund.fees),
        "written_off": m(fund.written_off),
        "outstanding": m(fund.outstanding),
        "in_collection": m(fund.in_collection),
        "loans_in_arrears": fund.loans_in_arrears,
        "arrears": m(fund.arrears),
        "ageing": [
            {
                "bucket": row["bucket"],
                "loans": row["loans"],
                "arrears": m(row["arrears"]),
                "outstanding": m(row["outstanding"]),
            }
            for row in fund.ageing
        ],
        "portfolio_at_risk_30": f"{fund.portfolio_at_risk_30:.4f}",
    }
