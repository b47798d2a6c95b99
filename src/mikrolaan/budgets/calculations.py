"""Pure arithmetic on budgets: cash flow, loan need and the red-flag warning.

Everything here takes plain values (no database), so it is tested directly and with
hypothesis. Amounts are ``Decimal``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")

# Share of the loan that may go to living costs before the business carries itself
# before the budget is flagged (see ``red_flag``).
RED_FLAG_LIVING_SHARE = Decimal("0.50")


@dataclass(frozen=True)
class Month:
    """One month of a liquidity budget, as plain values."""

    loan: Decimal = ZERO
    own_funds: Decimal = ZERO
    sales: Decimal = ZERO
    living_costs: Decimal = ZERO
    costs: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.loan + self.own_funds + self.sales - self.living_costs - self.costs


@dataclass(frozen=True)
class CashRow:
    month: int
    opening: Decimal
    row: Month
    closing: Decimal


def cash_flow(months: Sequence[Month], opening_cash: Decimal = ZERO) -> list[CashRow]:
    """Opening and closing cash per month: closing = opening + inflows − outflows."""
    rows = []
    cash = opening_cash
    for number, month in enumerate(months, start=1):
        closing = cash + month.net
        rows.append(CashRow(month=number, opening=cash, row=month, closing=closing))
        cash = closing
    return rows


def establishment_need(
    establishment_costs: Decimal, own_funds: Decimal, other_financing: Decimal
) -> Decimal:
    """What the establishment budget leaves to be financed by the loan (never negative)."""
    return max(ZERO, establishment_costs - own_funds - other_financing)


def liquidity_need(months: Sequence[Month], opening_cash: Decimal = ZERO) -> Decimal:
    """The loan the liquidity budget needs: the deepest cash hole without the loan."""
    without_loan = [
        Month(own_funds=m.own_funds, sales=m.sales, living_costs=m.living_costs, costs=m.costs)
        for m in months
    ]
    lowest = min((r.closing for r in cash_flow(without_loan, opening_cash)), default=ZERO)
    return max(ZERO, -lowest)


def loan_need(
    *,
    establishment_costs: Decimal,
    own_funds: Decimal,
    other_financing: Decimal,
    months: Sequence[Month],
    opening_cash: Decimal = ZERO,
) -> Decimal:
    """The loan need derived from the budgets: the larger of the establishment need and the
    liquidity need (the establishment costs are in the liquidity budget's costs, so the two
    overlap rather than add up)."""
    return max(
        establishment_need(establishment_costs, own_funds, other_financing),
        liquidity_need(months, opening_cash),
    )


@dataclass(frozen=True)
class RedFlag:
    """The outcome of ``red_flag``: whether to warn, and the figures that explain why."""

    warn: bool
    loan: Decimal
    living_before_break_even: Decimal
    break_even_month: int | None
    closing_without_growth: Decimal


def red_flag(
    months: Sequence[Month],
    opening_cash: Decimal = ZERO,
    living_share: Decimal = RED_FLAG_LIVING_SHARE,
) -> RedFlag:
    """The review's red-flag budget (§6.3): the loan is spent surviving the first months and
    the cash only holds because customers are expected to pour in later. ADVISORY only.

    Precisely, the warning is raised when the liquidity budget has a loan (L > 0) and both:

    1. *The loan goes to living costs.* The break-even month is the first month whose sales
       cover that month's business costs plus living costs. The living costs (private
       withdrawals) of the months before it (all months if it never comes) are at least
       ``living_share`` (50 %) of L.
    2. *Only hoped-for sales make it positive.* Recompute the cash flow with every month's
       sales capped at the first month's sales (the sales the citizen has at the start);
       the closing cash of the last month is then below zero — the plan holds only if
       sales grow.
    """
    loan = sum((m.loan for m in months), ZERO)
    break_even = next(
        (i for i, m in enumerate(months, start=1) if m.sales >= m.costs + m.living_costs), None
    )
    before = months if break_even is None else months[: break_even - 1]
    living_before = sum((m.living_costs for m in before), ZERO)
    first_sales = months[0].sales if months else ZERO
    flat = [
        Month(
            loan=m.loan,
            own_funds=m.own_funds,
            sales=min(m.sales, first_sales),
            living_costs=m.living_costs,
            costs=m.costs,
        )
        for m in months
    ]
    flow = cash_flow(flat, opening_cash)
    closing_without_growth = flow[-1].closing if flow else opening_cash
    warn = loan > ZERO and living_before >= living_share * loan and closing_without_growth < ZERO
    return RedFlag(
        warn=warn,
        loan=loan,
        living_before_break_even=living_before,
        break_even_month=break_even,
        closing_without_growth=closing_without_growth,
    )
