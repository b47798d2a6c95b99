"""The loan page's chart: what the borrower has paid against what the plan asked, over time.

Drawn as an SVG on the server (the Content-Security-Policy allows no inline style or script):
the view passes ``paid_against_planned(summary)`` to ``loans/_paid_chart.html``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mikrolaan.loans.models import EntryKind, LedgerEntry

if TYPE_CHECKING:
    from mikrolaan.loans.summary import LoanSummary, PlanRow

WIDTH, HEIGHT = 600, 200
LEFT, RIGHT, TOP, BOTTOM = 8, 8, 8, 24
_PAID_KINDS = {EntryKind.REPAYMENT, EntryKind.COLLECTOR_PAYMENT, EntryKind.REFUND}


def _paid_effect(entry: LedgerEntry) -> Decimal:
    """How much an entry adds to what the borrower has paid (a refund or reversal takes off)."""
    if entry.kind in _PAID_KINDS:
        return -entry.debt_delta
    if entry.kind == EntryKind.REVERSAL and entry.reverses and entry.reverses.kind in _PAID_KINDS:
        return -entry.debt_delta
    return Decimal("0.00")


def paid_against_planned(summary: LoanSummary) -> dict[str, Any] | None:
    """Cumulative planned and paid amounts at each due date, as SVG points; None without a plan.

    Paid is drawn up to the page's date (``as_of``) only; planned runs to the last instalment.
    """
    plan = summary["plan"]
    if not plan:
        return None
    as_of: dt.date = summary["as_of"]
    payments = [(e.value_date, _paid_effect(e)) for e in summary["entries"]]
    planned_total = sum((row["amount"] for row in plan), Decimal("0.00"))
    paid_total = sum((amount for day, amount in payments if day <= as_of), Decimal("0.00"))
    top = max(planned_total, paid_total, Decimal("1"))
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM
    step = span_x / max(len(plan) - 1, 1)

    def y(amount: Decimal) -> str:
        return f"{TOP + span_y * float(1 - amount / top):.1f}"

    planned, paid, planned_sum = [], [], Decimal("0.00")
    planned_to_date = Decimal("0.00")
    for i, row in enumerate(plan):
        planned_sum += row["amount"]
        x = f"{LEFT + i * step:.1f}"
        planned.append(f"{x},{y(planned_sum)}")
        if row["due_date"] <= as_of:
            planned_to_date = planned_sum
            paid_sum = sum((a for day, a in payments if day <= row["due_date"]), Decimal("0.00"))
            paid.append(f"{x},{y(paid_sum)}")
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - BOTTOM,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "planned_points": " ".join(planned),
        "paid_points": " ".join(paid),
        "planned_total": planned_total,
        "planned_to_date": planned_to_date,
        "paid_total": paid_total,
        "first_due": plan[0]["due_date"],
        "last_due": plan[-1]["due_date"],
    }


def next_instalment(summary: LoanSummary) -> PlanRow | None:
    """The first instalment not yet paid in full (overdue ones first), or None."""
    return next((row for row in summary["plan"] if row["unpaid"] > 0), None)
