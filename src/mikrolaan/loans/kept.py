"""The figures a loan keeps beside its ledger, so that reads need not sum its history.

Every posting updates them in its own transaction (``apply``), incrementally when it can:

* any entry moves ``balance`` by its effect, and the total of its kind (``received`` for money
  from the borrower, ``fees_charged``, ``written_off``; a reversal moves its reversed kind's
  total back);
* a payment dated on or after every earlier entry is applied to the plan as ``schedule.allocate``
  would apply it as the last payment: regular (front) and extra (back) parts, the extra part
  stored as a ``PaymentSplit``; then the oldest unpaid due date follows from the front part.

Anything else that changes how payments apply (a reversal of a payment, a back-dated payment,
a new plan) recomputes the loan from scratch (``loans.plan.rederive`` → ``recount``). A property
test checks that any sequence of postings leaves the same figures as a recomputation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from mikrolaan.core.bulk import update_rows
from mikrolaan.loans import schedule
from mikrolaan.loans.models import (
    PAYMENT_KINDS,
    ZERO,
    EntryKind,
    LedgerEntry,
    Loan,
    PaymentSplit,
    PlanSegment,
)
from mikrolaan.policy.models import LoanPolicy

FIELDS = [
    "paid_out",
    "balance",
    "received",
    "fees_charged",
    "written_off",
    "paid_regular_ore",
    "paid_extra_ore",
    "oldest_unpaid_due",
    "last_value_date",
    "last_paid_on",
]

# A plan segment as stored: (first_month, count, amount_ore, before_ore).
Segment = tuple[int, int, int, int]

TOTAL_OF_KIND: dict[str, str] = {
    EntryKind.DISBURSEMENT: "paid_out",
    EntryKind.REPAYMENT: "received",
    EntryKind.COLLECTOR_PAYMENT: "received",
    EntryKind.FEE: "fees_charged",
    EntryKind.WRITE_OFF: "written_off",
}


def oldest_unpaid(
    segments: Sequence[Segment], regular: int, extra: int, due_day: int
) -> dt.date | None:
    """The due date of the first instalment the front money does not cover, unless the back
    money covers the rest of the plan. ``segments``: (first_month, count, amount, before)."""
    if not segments:
        return None
    total = sum(count * amount for _first, count, amount, _before in segments)
    if regular + extra >= total:
        return None
    for first_month, count, amount, before in segments:
        if before <= regular < before + count * amount:
            return schedule.due_date(first_month + (regular - before) // amount, due_day)
    return None


def due_by(segments: Sequence[Segment], day: dt.date, due_day: int) -> int:
    """What the stored plan has fallen due by ``day`` (øre)."""
    month = schedule.last_due_month(day, due_day)
    return sum(
        amount * max(0, min(count, month - first_month + 1))
        for first_month, count, amount, _before in segments
    )


def totals(rows: Iterable[tuple[str, str, Decimal, Decimal]]) -> dict[str, Decimal]:
    """``balance`` and the kind totals from ledger rows (kind, reversed_kind, amount, delta)."""
    result = dict.fromkeys(("balance", *TOTAL_OF_KIND.values()), ZERO)
    for kind, reversed_kind, amount, delta in rows:
        result["balance"] += delta
        if kind == EntryKind.REVERSAL:
            field = TOTAL_OF_KIND.get(reversed_kind)
            if field:
                result[field] -= amount
        elif kind in TOTAL_OF_KIND:
            result[TOTAL_OF_KIND[kind]] += amount
    return result


def recount(
    loan: Loan,
    plan: list[schedule.Instalment],
    allocations: Sequence[schedule.Allocation],
    due_day: int,
) -> None:
    """Set every kept figure on ``loan`` (in memory) from its ledger and its allocation
    (``due_day``: the policy's, for the oldest unpaid due date)."""
    rows = list(
        LedgerEntry.objects.filter(loan=loan).values_list(
            "kind", "reversed_kind", "amount", "debt_delta", "value_date", "pk", "reverses_id"
        )
    )
    for field, value in totals(r[:4] for r in rows).items():
        setattr(loan, field, value)
    loan.last_value_date = max((r[4] for r in rows), default=None)
    reversed_ids = {r[6] for r in rows if r[6] is not None}
    loan.last_paid_on = max(
        (r[4] for r in rows if r[0] in PAYMENT_KINDS and r[5] not in reversed_ids), default=None
    )
    loan.paid_regular_ore = sum(a.regular for a in allocations)
    loan.paid_extra_ore = sum(a.extra for a in allocations)
    loan.oldest_unpaid_due = None
    if plan:
        segs = [(s.first_month, s.count, s.amount, s.before) for s in schedule.segments(plan)]
        loan.oldest_unpaid_due = oldest_unpaid(
            segs, loan.paid_regular_ore, loan.paid_extra_ore, due_day
        )


def _segments(loan: Loan) -> list[Segment]:
    return list(
        PlanSegment.objects.filter(loan=loan)
        .order_by("first_month")
        .values_list("first_month", "count", "amount_ore", "before_ore")
    )


def incremental(entry: LedgerEntry, *, in_order: bool) -> bool:
    """Can ``apply`` follow this entry? Not a payout (the plan starts), a reversal of a
    payment (it leaves the allocation) nor a back-dated payment (the later ones apply anew):
    those re-derive the loan (``loans.plan.rederive``)."""
    if entry.kind == EntryKind.DISBURSEMENT:
        return False
    if entry.kind == EntryKind.REVERSAL and entry.reversed_kind in PAYMENT_KINDS:
        return False
    return in_order or entry.kind not in PAYMENT_KINDS


def apply(loan: Loan, entry: LedgerEntry, policy: LoanPolicy) -> None:
    """Update the kept figures of ``loan`` (locked, fresh) for the new ``entry`` and save
    them; only where ``incremental(entry)`` holds."""
    loan.balance += entry.debt_delta
    if entry.kind == EntryKind.REVERSAL:
        field = TOTAL_OF_KIND.get(entry.reversed_kind)
        if field:
            setattr(loan, field, getattr(loan, field) - entry.amount)
    elif entry.kind in TOTAL_OF_KIND:
        field = TOTAL_OF_KIND[entry.kind]
        setattr(loan, field, getattr(loan, field) + entry.amount)
    loan.last_value_date = max(loan.last_value_date or entry.value_date, entry.value_date)
    if entry.kind in PAYMENT_KINDS:
        loan.last_paid_on = max(loan.last_paid_on or entry.value_date, entry.value_date)
        extra = allocate_in_memory(loan, _segments(loan), entry, policy)
        if extra:
            PaymentSplit.objects.create(
                entry=entry, loan=loan, value_date=entry.value_date, extra_ore=extra
            )
    loan.save(update_fields=FIELDS)


def allocate_in_memory(
    loan: Loan, segs: Sequence[Segment], entry: LedgerEntry, policy: LoanPolicy
) -> int:
    """``schedule.allocate`` for one more payment, the last in value-date order: moves the
    loan's front and back figures and oldest unpaid due date (in memory) and returns the
    payment's extra part (øre). ``segs``: the loan's plan segments, in month order;
    ``policy``: the loan's policy (due day, advance days)."""
    if not segs:
        return 0
    total = sum(count * amount for _f, count, amount, _b in segs)
    amount = schedule.to_ore(entry.amount)
    regular, extra = loan.paid_regular_ore, loan.paid_extra_ore
    window = entry.value_date + dt.timedelta(days=policy.advance_payment_days)
    due_now = min(due_by(segs, window, policy.due_day), total - extra)
    r = min(amount, max(0, due_now - regular))
    x = min(amount - r, total - regular - extra - r)
    loan.paid_regular_ore = regular + r
    loan.paid_extra_ore = extra + x
    loan.oldest_unpaid_due = oldest_unpaid(
        segs, loan.paid_regular_ore, loan.paid_extra_ore, policy.due_day
    )
    return int(x)


# Every loan's ``last_paid_on`` from its ledger (``recount_all``), in one pass over the payments
# (a look-up of each payment's reversal took minutes over 36 million entries).
LAST_PAID_SQL = """
    UPDATE loans_loan SET last_paid_on = t.day
    FROM (
        SELECT e.loan_id, MAX(e.value_date) AS day FROM loans_ledgerentry e
        WHERE e.kind IN ('repayment', 'collector_payment') AND e.id NOT IN (
            SELECT r.reverses_id FROM loans_ledgerentry r WHERE r.reverses_id IS NOT NULL)
        GROUP BY e.loan_id
    ) t
    WHERE loans_loan.id = t.loan_id
"""


def recount_all(*, last_paid: bool = True) -> None:
    """Every loan's kept figures from its ledger and stored plan, set-based (a few UPDATE
    statements, SQLite and PostgreSQL): for portfolios written in bulk (benchmarks) and to
    repair. The plan's payment splits must be stored (``loans.plan.rederive_many``).
    ``last_paid=False``: not ``last_paid_on`` (migration 0005 runs before its column exists)."""
    from django.db import connection

    def total(kinds: str) -> str:
        return (
            f"ROUND(SUM(CASE WHEN kind IN ({kinds}) THEN amount "
            f"WHEN kind = 'reversal' AND reversed_kind IN ({kinds}) THEN -amount ELSE 0 END), 2)"
        )

    ore = "CAST(ROUND(({}) * 100) AS BIGINT)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH t AS (
                SELECT loan_id, ROUND(SUM(debt_delta), 2) AS balance, MAX(value_date) AS last_day,
                       {total("'disbursement'")} AS paid_out,
                       {total("'repayment', 'collector_payment'")} AS received,
                       {total("'fee'")} AS fees, {total("'write_off'")} AS written_off
                FROM loans_ledgerentry GROUP BY loan_id
            )
            UPDATE loans_loan SET balance = t.balance, paid_out = t.paid_out,
                   received = t.received, fees_charged = t.fees, written_off = t.written_off,
                   last_value_date = t.last_day
            FROM t WHERE loans_loan.id = t.loan_id
            """  # noqa: S608 - constants only
        )
        cursor.execute(
            f"""
            WITH paid AS (
                SELECT e.loan_id, {ore.format("SUM(e.amount)")} AS paid
                FROM loans_ledgerentry e
                WHERE e.kind IN ('repayment', 'collector_payment') AND NOT EXISTS (
                    SELECT 1 FROM loans_ledgerentry r WHERE r.reverses_id = e.id)
                GROUP BY e.loan_id
            ), extra AS (
                SELECT loan_id, SUM(extra_ore) AS extra FROM loans_paymentsplit GROUP BY loan_id
            ), pos AS (
                SELECT l.id AS loan_id, COALESCE(x.extra, 0) AS extra,
                       CASE WHEN p.paid > {ore.format("l.principal")}
                            THEN {ore.format("l.principal")} ELSE p.paid END
                         - COALESCE(x.extra, 0) AS regular
                FROM loans_loan l JOIN paid p ON p.loan_id = l.id
                LEFT JOIN extra x ON x.loan_id = l.id
            )
            UPDATE loans_loan SET paid_regular_ore = pos.regular, paid_extra_ore = pos.extra
            FROM pos WHERE loans_loan.id = pos.loan_id
            """  # noqa: S608 - constants only
        )
        if last_paid:
            cursor.execute(
                "UPDATE loans_loan SET last_paid_on = NULL WHERE last_paid_on IS NOT NULL"
            )
            cursor.execute(LAST_PAID_SQL)
        cursor.execute(
            f"""
            UPDATE loans_loan SET oldest_unpaid_due = CASE
                WHEN paid_regular_ore + paid_extra_ore >= {ore.format("principal")} THEN NULL
                ELSE (
                    SELECT dd.due_date
                    FROM loans_plansegment s
                    JOIN policy_loanpolicy p ON p.id = loans_loan.policy_id
                    JOIN loans_duedate dd ON dd.due_day = p.due_day
                     AND dd.month = s.first_month
                         + (loans_loan.paid_regular_ore - s.before_ore) / s.amount_ore
                    WHERE s.loan_id = loans_loan.id
                      AND s.before_ore <= loans_loan.paid_regular_ore
                      AND loans_loan.paid_regular_ore < s.before_ore + s.count * s.amount_ore
                ) END
            WHERE disbursed_on IS NOT NULL
            """  # noqa: S608 - constants only
        )


def save_many(loans: Sequence[Loan]) -> None:
    """Write the kept figures of many loans (in memory) with a few statements
    (``core.bulk.update_rows``: an array per column on PostgreSQL) — ``bulk_update``'s CASE
    per field and row is slow here."""
    update_rows(Loan, FIELDS, [[loan.pk, *(getattr(loan, f) for f in FIELDS)] for loan in loans])
