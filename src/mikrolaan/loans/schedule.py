"""The repayment plan and how money received is applied to it. Pure functions, no database.

The rules, decided here once (the loan page, the letters and ``loans.arrears`` follow them):

Plan
  * Interest-free: the instalments add up to the principal, exactly. There are ``term``
    instalments of whole kroner, ``floor(principal / term)`` each, and the last takes the
    remainder (so it is the same or larger, and carries any øre).
  * Instalment ``i`` (0-based) falls due in month ``start_month + i``; a month is numbered
    ``year * 12 + month - 1`` (``month_index``). ``start_month`` is the payout month plus the
    policy's ``months_to_first_instalment``.
  * A deferral (henstand) ``(first_month, months)`` moves every instalment whose month is
    ``first_month`` or later ``months`` later. Deferrals apply in the order they were granted
    (a deferral at start has ``first_month == start_month``). The plan is re-derived from the
    principal, the term and the deferrals after every change; it is never edited.
  * The due date of an instalment is the policy's due day of its month, moved forward to the
    next Danish bank day (``banking_days``).

Money received (repayments and payments reported by the debt collector; a reversed payment is
treated as never received, and so is its reversal)
  * Payments are applied in value-date order. A payment on day ``t`` first pays, oldest first,
    what is *due*: the instalments falling due on or before ``t + advance_days`` (policy
    ``advance_payment_days``, default 14) that are not paid yet. So a payment a few days
    before a due date pays that instalment; it is not "extra". (A borrower who always pays
    on the same day of the month is never affected by the window.)
  * What is left of the payment is *extra*: it pays the LAST unpaid instalments first, so the
    term shortens and the monthly amount stays. Extra money never pays a later regular
    instalment: paying extra in March does not excuse April.
  * The plan covers the principal only. Money beyond what the plan still lacks pays fees; the
    ledger refuses money beyond the whole balance (``loans.ledger.receive_payment`` holds it
    as an overpayment for refund).

Position on a date ``D`` (what ``loans.arrears`` computes set-based)
  * ``due_to_date``: the instalments with a due date on or before ``D``.
  * ``regular``/``extra``: the parts of the payments up to ``D`` applied to the front and to
    the back of the plan.
  * ``arrears``: the part of the instalments due by ``D`` that neither the front (regular) nor
    the back (extra) money covers: ``max(0, min(due_to_date - regular, principal - paid))``.
  * the oldest unpaid due date is the due date of the first instalment not fully covered from
    the front, and ``days_past_due`` is ``D`` minus that date (0 when there are no arrears).

All amounts inside this module are integer øre.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import holidays

ORE = 100


# --- money -------------------------------------------------------------------------------


def to_ore(amount: Decimal) -> int:
    return int((amount * ORE).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_kr(ore: int) -> Decimal:
    return (Decimal(ore) / ORE).quantize(Decimal("0.01"))


# --- months and bank days ----------------------------------------------------------------


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


@lru_cache(maxsize=256)
def bank_closing_days(year: int) -> frozenset[dt.date]:
    """Days Danish banks are closed, weekends aside (Danmarks Nationalbanken's list).

    The ``holidays`` package's Danish public holidays, plus the days banks close although
    they are not public holidays: the Friday after Ascension Day, Constitution Day (5 June),
    Christmas Eve and New Year's Eve. (Great Prayer Day stopped being a holiday in 2024;
    ``holidays`` knows.)
    """
    danish = holidays.country_holidays("DK", years=year)
    days = set(danish)
    ascension = next(d for d, name in danish.items() if name == "Ascension Day")
    days |= {
        ascension + dt.timedelta(days=1),
        dt.date(year, 6, 5),
        dt.date(year, 12, 24),
        dt.date(year, 12, 31),
    }
    return frozenset(days)


def is_bank_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_closing_days(day.year)


def next_bank_day(day: dt.date) -> dt.date:
    """``day`` itself if banks are open, otherwise the next day they are."""
    while not is_bank_day(day):
        day += dt.timedelta(days=1)
    return day


@lru_cache(maxsize=65536)
def due_date(month: int, due_day: int) -> dt.date:
    """The due date of an instalment in month ``month`` (a ``month_index``)."""
    if not 1 <= due_day <= 28:
        raise ValueError("the due day must be 1–28")
    start = month_start(month)
    return next_bank_day(start.replace(day=due_day))


# --- the plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Deferral:
    first_month: int  # month_index of the first month whose instalment is postponed
    months: int


@dataclass(frozen=True)
class Instalment:
    number: int  # 1-based
    month: int
    due_date: dt.date
    amount: int  # øre


@dataclass(frozen=True)
class Segment:
    """A run of instalments of one amount in consecutive months: the stored, compact plan."""

    first_month: int
    count: int
    amount: int  # øre, each
    before: int  # øre due in the plan before this segment


def instalment_amounts(principal: int, term: int) -> list[int]:
    if term <= 0:
        raise ValueError("the term must be at least one month")
    if principal < term * ORE:
        raise ValueError("the principal must be at least one krone per instalment")
    base = (principal // term) // ORE * ORE  # whole kroner
    return [base] * (term - 1) + [principal - base * (term - 1)]


def instalment_months(start_month: int, term: int, deferrals: list[Deferral]) -> list[int]:
    months = [start_month + i for i in range(term)]
    for deferral in deferrals:
        if deferral.months <= 0:
            raise ValueError("a deferral is at least one month")
        months = [m + deferral.months if m >= deferral.first_month else m for m in months]
    return months


def build_plan(
    principal: int, term: int, start_month: int, due_day: int, deferrals: list[Deferral]
) -> list[Instalment]:
    amounts = instalment_amounts(principal, term)
    months = instalment_months(start_month, term, deferrals)
    return [
        Instalment(i + 1, m, due_date(m, due_day), a)
        for i, (m, a) in enumerate(zip(months, amounts, strict=True))
    ]


def segments(plan: list[Instalment]) -> list[Segment]:
    result: list[Segment] = []
    before = 0
    for inst in plan:
        last = result[-1] if result else None
        if last and inst.amount == last.amount and inst.month == last.first_month + last.count:
            result[-1] = Segment(last.first_month, last.count + 1, last.amount, last.before)
        else:
            result.append(Segment(inst.month, 1, inst.amount, before))
        before += inst.amount
    return result


def due_by(plan: list[Instalment], day: dt.date) -> int:
    return sum(i.amount for i in plan if i.due_date <= day)


# --- applying money ----------------------------------------------------------------------


@dataclass(frozen=True)
class Payment:
    key: int  # the ledger entry's id (or any number identifying the payment)
    value_date: dt.date
    amount: int  # øre, > 0


@dataclass(frozen=True)
class Allocation:
    payment: Payment
    regular: int  # paid to the front of the plan (what is due)
    extra: int  # paid to the back of the plan (shortens the term)
    beyond_plan: int  # the plan was paid; this pays fees


def allocate(
    plan: list[Instalment], payments: list[Payment], advance_days: int
) -> list[Allocation]:
    # "Due by day t" from prefix sums over the due dates: O(payments × log instalments).
    dated = sorted((i.due_date, i.amount) for i in plan)
    dates = [d for d, _a in dated]
    sums = [0]
    for _d, amount in dated:
        sums.append(sums[-1] + amount)
    return _allocate(sums[-1], lambda day: sums[bisect_right(dates, day)], payments, advance_days)


# --- the plan as segments, without the instalments (bulk work: imports, many loans) --------
#
# ``plan_segments`` and ``allocate_segments`` give exactly what ``segments(build_plan(…))`` and
# ``allocate(build_plan(…), …)`` give, without building one object per instalment: a loan's
# plan is a few runs of months, and due dates grow with the month (a due day moved to the next
# bank day never passes the next month's due day), so "due by day t" is "month ≤ the last month
# whose due date is ≤ t".


def plan_segments(
    principal: int, term: int, start_month: int, deferrals: list[Deferral]
) -> list[Segment]:
    """``segments(build_plan(principal, term, start_month, due_day, deferrals))``."""
    if term <= 0:
        raise ValueError("the term must be at least one month")
    if principal < term * ORE:
        raise ValueError("the principal must be at least one krone per instalment")
    base = (principal // term) // ORE * ORE
    last = principal - base * (term - 1)
    runs = [(start_month, term)]  # (first month, count): months in a row
    for deferral in deferrals:
        if deferral.months <= 0:
            raise ValueError("a deferral is at least one month")
        moved = []
        for first, count in runs:
            if first + count <= deferral.first_month:
                moved.append((first, count))
            elif first >= deferral.first_month:
                moved.append((first + deferral.months, count))
            else:  # the deferral starts inside this run: split it, leaving a gap
                kept = deferral.first_month - first
                moved.append((first, kept))
                moved.append((deferral.first_month + deferral.months, count - kept))
        runs = moved
    # Gaps between runs only ever grow, so runs never touch: one segment per run, and the last
    # instalment is a segment of its own when its amount differs.
    result: list[Segment] = []
    before = 0
    for index, (first, count) in enumerate(runs):
        if index == len(runs) - 1 and last != base:
            if count > 1:
                result.append(Segment(first, count - 1, base, before))
                before += base * (count - 1)
            result.append(Segment(first + count - 1, 1, last, before))
            before += last
        else:
            result.append(Segment(first, count, base, before))
            before += base * count
    return result


def last_due_month(day: dt.date, due_day: int) -> int:
    """The last month whose instalment falls due on or before ``day``."""
    month = month_index(day)
    while due_date(month, due_day) > day:
        month -= 1
    return month


def due_through(plan: list[Segment], month: int) -> int:
    """The sum of the instalments in months up to and including ``month``."""
    total = 0
    for s in plan:
        if month < s.first_month:
            break
        total += s.amount * min(s.count, month - s.first_month + 1)
    return total


def due_by_segments(plan: list[Segment], due_day: int, day: dt.date) -> int:
    """``due_by`` of the plan whose segments these are."""
    return due_through(plan, last_due_month(day, due_day))


def _allocate(
    total: int, due_at: Callable[[dt.date], int], payments: list[Payment], advance_days: int
) -> list[Allocation]:
    regular = extra = 0
    advance = dt.timedelta(days=advance_days)
    result = []
    for p in sorted(payments, key=lambda p: (p.value_date, p.key)):
        lacking = total - regular - extra
        due_now = min(due_at(p.value_date + advance), total - extra)
        r = min(p.amount, max(0, due_now - regular))
        x = min(p.amount - r, lacking - r)
        result.append(Allocation(p, r, x, p.amount - r - x))
        regular += r
        extra += x
    return result


def allocate_segments(
    plan: list[Segment], due_day: int, payments: list[Payment], advance_days: int
) -> list[Allocation]:
    """``allocate`` over the plan whose segments these are."""
    if not payments:
        return []
    total = sum(s.amount * s.count for s in plan)
    return _allocate(total, lambda day: due_by_segments(plan, due_day, day), payments, advance_days)


@dataclass
class InstalmentState:
    instalment: Instalment
    paid: int = 0  # øre covered (front and back)

    @property
    def unpaid(self) -> int:
        return self.instalment.amount - self.paid


@dataclass
class Position:
    as_of: dt.date
    principal: int
    due_to_date: int
    paid_to_date: int  # money applied to the plan (regular + extra)
    regular: int
    extra: int
    arrears: int
    oldest_unpaid_due: dt.date | None
    days_past_due: int
    instalments: list[InstalmentState] = field(default_factory=list)

    @property
    def outstanding(self) -> int:
        return self.principal - self.paid_to_date

    @property
    def last_due_date(self) -> dt.date | None:
        """When the plan ends, given what is paid: extra money moves this earlier."""
        unpaid = [s.instalment.due_date for s in self.instalments if s.unpaid > 0]
        return max(unpaid) if unpaid else None


def position(plan: list[Instalment], allocations: list[Allocation], as_of: dt.date) -> Position:
    """The reference computation, instalment by instalment (``loans.arrears`` must agree)."""
    regular = sum(a.regular for a in allocations if a.payment.value_date <= as_of)
    extra = sum(a.extra for a in allocations if a.payment.value_date <= as_of)
    states = [InstalmentState(i) for i in plan]
    left = regular
    for s in states:  # the front, oldest first
        take = min(left, s.unpaid)
        s.paid += take
        left -= take
    left = extra
    for s in reversed(states):  # the back, last first
        take = min(left, s.unpaid)
        s.paid += take
        left -= take
    overdue = [s for s in states if s.instalment.due_date <= as_of and s.unpaid > 0]
    arrears = sum(s.unpaid for s in overdue)
    oldest = overdue[0].instalment.due_date if overdue else None
    return Position(
        as_of=as_of,
        principal=sum(i.amount for i in plan),
        due_to_date=due_by(plan, as_of),
        paid_to_date=regular + extra,
        regular=regular,
        extra=extra,
        arrears=arrears,
        oldest_unpaid_due=oldest,
        days_past_due=(as_of - oldest).days if oldest else 0,
        instalments=states,
    )
