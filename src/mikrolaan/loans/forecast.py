"""The fund forecast (issue 10, item 6): what the loans already paid out will bring back to
the fund month by month, with a range, and so what the fund can lend next year.

``fund_forecast(as_of)`` estimates roll rates over the ``window`` months before ``as_of``
(``loans.forecast_history`` reads the ledger, ``loans.forecast_model`` estimates and
projects), projects the balances held on ``as_of`` ``horizon`` months ahead and applies the
lending rule:

    can lend next year = the low end (10th percentile over the runs) of the next 12 months'
                         inflows − loans granted by ``as_of`` and not yet paid out.

Money the fund already holds is not counted (the system does not keep the fund's bank
balance), nor repayments on loans paid out after ``as_of``: the rule errs on the safe side.

``backtest(as_of)`` puts the forecast beside what the ledger shows happened afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from mikrolaan.loans import forecast_history as history
from mikrolaan.loans import forecast_model as model
from mikrolaan.loans import queries
from mikrolaan.loans.models import Loan
from mikrolaan.loans.schedule import to_kr, to_ore

WINDOW = 12
HORIZON = 36


@dataclass
class Forecast:
    as_of: dt.date
    window: int
    loans: int  # paid out by as_of
    sampled: int  # of which the rates are estimated from
    outstanding: dict[str, int]  # øre by state on as_of
    committed: int  # øre granted, not paid out
    month_ends: list[dt.date]
    projection: model.Projection

    def _year(self, values: list[float]) -> int:
        return round(sum(values[:12]))

    @property
    def next_year(self) -> dict[str, int]:
        low = round(self.projection.year_low)
        return {
            "expected": self._year(self.projection.expected),
            "low": low,
            "high": round(self.projection.year_high),
            "committed": self.committed,
            "can_lend": max(low - self.committed, 0),
        }


def committed_on(as_of: dt.date) -> int:
    """Loans granted by ``as_of`` and not paid out by then, in øre."""
    total = (
        Loan.objects.filter(granted_on__lte=as_of)
        .filter(Q(disbursed_on__isnull=True) | Q(disbursed_on__gt=as_of))
        .aggregate(total=Sum("principal"))["total"]
    )
    return to_ore(total or Decimal(0))


def book_on(as_of: dt.date) -> tuple[model.Book, dict[str, int], int]:
    """What each (age, state) owes on ``as_of``; the totals by state; the number of loans."""
    paid_out = Loan.objects.filter(disbursed_on__lte=as_of).values_list("pk", "disbursed_on")
    # ``day`` is never None: ``lte`` leaves out the loans not paid out.
    payouts = {pk: day for pk, day in paid_out if day is not None}
    book: model.Book = {}
    by_state = dict.fromkeys(model.STATES, 0)
    positions = history.positions(as_of)
    for loan_id, p in positions.items():
        by_state[p.state] += p.balance
        if p.state in model.LIVE_STATES and p.balance > 0 and loan_id in payouts:
            age = min(history.months_between(payouts[loan_id], as_of), model.MAX_AGE)
            book[(age, p.state)] = book.get((age, p.state), 0.0) + p.balance
    return book, by_state, len(positions)


def fund_forecast(
    as_of: dt.date,
    *,
    window: int = WINDOW,
    horizon: int = HORIZON,
    sample_size: int = history.SAMPLE,
    runs: int = model.BOOTSTRAP_RUNS,
) -> Forecast:
    book, by_state, loans = book_on(as_of)
    ids = history.sample(history.paid_out_by(as_of), sample_size)
    tallies = model.tally(history.observations(as_of, window, ids))
    return Forecast(
        as_of=as_of,
        window=window,
        loans=loans,
        sampled=len(ids),
        outstanding=by_state,
        committed=committed_on(as_of),
        month_ends=[history.months_back(as_of, -i) for i in range(1, horizon + 1)],
        projection=model.forecast(tallies, book, horizon, runs=runs),
    )


def _kr(ore: float) -> str:
    return f"{to_kr(round(ore)):.2f}"


def forecast_json(f: Forecast) -> dict[str, Any]:
    p = f.projection
    return {
        "as_of": f.as_of.isoformat(),
        "method": {
            "states": model.STATES,
            "late_days": model.LATE_DAYS,
            "age_bands": [label for label, _a, _b in model.AGE_BANDS],
            "window_months": f.window,
            "loans_paid_out": f.loans,
            "loans_in_estimate": f.sampled,
            "bootstrap_runs": model.BOOTSTRAP_RUNS,
            "range": [model.LOW_Q, model.HIGH_Q],
            "lending_rule": "next 12 months' inflows at the low end minus granted, not paid out",
        },
        "outstanding": {state: _kr(v) for state, v in f.outstanding.items()},
        "roll_rates": [
            {
                "age_band": band,
                "from": state,
                "loan_months": rate.loan_months,
                "pooled": rate.pooled,
                "cash": f"{rate.cash:.4f}",
                "to": {to: f"{share:.4f}" for to, share in rate.roll.items()},
            }
            for (band, state), rate in p.rates.items()
        ],
        "months": [
            {
                "month": end.isoformat(),
                "inflow": _kr(p.expected[i]),
                "low": _kr(p.low[i]),
                "high": _kr(p.high[i]),
            }
            for i, end in enumerate(f.month_ends)
        ],
        "next_year": {key: _kr(value) for key, value in f.next_year.items()},
    }


def actual_inflows(as_of: dt.date, month_ends: list[dt.date]) -> list[int]:
    """What the loans paid out by ``as_of`` paid in each month after it (øre)."""
    portfolio = set(history.paid_out_by(as_of))
    totals = []
    for day in [as_of, *month_ends]:
        paid = queries.paid_by_loan(as_of=day)
        totals.append(sum(to_ore(v) for k, v in paid.items() if k in portfolio))
    return [b - a for a, b in zip(totals, totals[1:], strict=False)]


def backtest(as_of: dt.date, *, until: dt.date, **options: Any) -> dict[str, Any]:
    """The forecast from ``as_of`` against the months that ended by ``until``.

    MAPE: the mean of |forecast − actual| / actual over the months with inflows; "inside":
    how many months' actual fell within the range.
    """
    f = fund_forecast(as_of, **options)
    ends = [d for d in f.month_ends if d <= until]
    actual = actual_inflows(as_of, ends)
    p = f.projection
    months, errors, inside = [], [], 0
    for i, (end, got) in enumerate(zip(ends, actual, strict=True)):
        within = p.low[i] - 0.5 <= got <= p.high[i] + 0.5
        inside += within
        if got > 0:
            errors.append(abs(p.expected[i] - got) / got)
        months.append(
            {
                "month": end.isoformat(),
                "forecast": _kr(p.expected[i]),
                "low": _kr(p.low[i]),
                "high": _kr(p.high[i]),
                "actual": _kr(got),
                "inside": within,
            }
        )
    first_year = actual[:12]
    summary = {
        "months_compared": len(ends),
        "mape_percent": f"{100 * sum(errors) / len(errors):.1f}" if errors else None,
        "months_inside_range": inside,
    }
    if len(first_year) == 12:
        expected = sum(p.expected[:12])
        got = sum(first_year)
        summary |= {
            "first_year_forecast": _kr(expected),
            "first_year_low": _kr(p.year_low),
            "first_year_high": _kr(p.year_high),
            "first_year_actual": _kr(got),
            "first_year_inside": p.year_low - 0.5 <= got <= p.year_high + 0.5,
            "first_year_error_percent": f"{100 * (expected - got) / got:.1f}" if got else None,
        }
    return {"forecast": forecast_json(f), "backtest": {"summary": summary, "months": months}}
