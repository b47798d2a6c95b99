"""The portfolio's history for the fund forecast: each loan's state, balance and payments at
month-ends, read from the one ledger query API (``loans.queries``: status from the dated
transitions, balance and payments by value date) and ``loans.arrears`` — never from fields
that later events overwrite. Set-based: a few queries per month-end, for a sample of loans
when the portfolio is large: the rates of 5,000 loans over a year are 60,000 loan-months,
about 2,500 for each age band and state, and each month-end costs a few queries on 5,000
loans instead of a million.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from mikrolaan.core.bulk import in_parts
from mikrolaan.loans import arrears, queries, schedule
from mikrolaan.loans.forecast_model import LoanMonth, state_of
from mikrolaan.loans.models import ZERO, Loan

CHUNK = 5_000  # loan ids per query (well inside SQLite's limit on parameters)
SAMPLE = 5_000


def months_back(as_of: dt.date, k: int) -> dt.date:
    """The same day ``k`` months earlier (a month-end stays a month-end); ``k < 0`` is later."""
    index = schedule.month_index(as_of) - k
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    month_end = as_of.day == calendar.monthrange(as_of.year, as_of.month)[1]
    return dt.date(year, month0 + 1, last if month_end else min(as_of.day, last))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``."""
    n = schedule.month_index(end) - schedule.month_index(start)
    return n - 1 if end.day < start.day and n > 0 else n


@dataclass(frozen=True)
class Position:
    state: str
    balance: int  # øre
    paid: int  # øre received to date


def _chunks(ids: Sequence[int] | None) -> Iterator[list[int] | None]:
    """The given loans a part at a time, or every loan (None) at once."""
    if ids is None:
        yield None
        return
    yield from in_parts(ids, CHUNK)


def positions(day: dt.date, loan_ids: Sequence[int] | None = None) -> dict[int, Position]:
    """Every paid-out loan's state on ``day`` (or of the given loans)."""
    out: dict[int, Position] = {}
    for ids in _chunks(loan_ids):
        statuses = queries.statuses_on(day, loans=ids)
        live = [i for i, s in statuses.items() if s == "active"]
        days_late = {a.loan_id: a.days_past_due for a in _arrears(day, live, ids).values()}
        owed = queries.balances(as_of=day, loans=ids)
        paid = queries.paid_by_loan(as_of=day, loans=ids)
        for loan_id, status in statuses.items():
            state = state_of(status, days_late.get(loan_id, 0))
            if state is None:
                continue
            out[loan_id] = Position(
                state,
                max(schedule.to_ore(owed.get(loan_id, ZERO)), 0),
                schedule.to_ore(paid.get(loan_id, ZERO)),
            )
    return out


def _arrears(day: dt.date, live: list[int], ids: list[int] | None) -> dict[int, arrears.Arrears]:
    if not live:
        return {}
    # For all loans one query without a list of ids is cheaper than a list of a million.
    return arrears.arrears_for(day, None if ids is None else live)


def paid_out_by(day: dt.date) -> list[int]:
    """Ids of the loans paid out on or before ``day``."""
    return list(
        Loan.objects.filter(disbursed_on__lte=day).order_by("pk").values_list("pk", flat=True)
    )


def sample(ids: list[int], size: int = SAMPLE, seed: int = 2016) -> list[int]:
    if len(ids) <= size:
        return ids
    return sorted(random.Random(seed).sample(ids, size))


def observations(as_of: dt.date, window: int, loan_ids: list[int]) -> Iterator[LoanMonth]:
    """Each loan through each of the ``window`` months before ``as_of``."""
    payouts: dict[int, dt.date] = {}
    for ids in _chunks(loan_ids):
        rows = Loan.objects.filter(pk__in=ids).values_list("pk", "disbursed_on")
        payouts.update((pk, day) for pk, day in rows if day is not None)
    end = positions(as_of, loan_ids)
    for k in range(1, window + 1):
        start_day = months_back(as_of, k)
        start = positions(start_day, loan_ids)
        for loan_id, s in start.items():
            e = end.get(loan_id)
            if e is None:  # cannot happen: a paid-out loan stays paid out
                continue
            yield LoanMonth(
                month=k,
                age=months_between(payouts[loan_id], start_day),
                start=s.state,
                end=e.state,
                start_balance=s.balance,
                end_balance=e.balance,
                paid=e.paid - s.paid,
            )
        end = start
