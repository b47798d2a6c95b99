"""The fund forecast's model: roll rates between loan states by age, and the projection.

Pure functions over observations; no database (``loans.forecast_history`` reads the ledger,
``loans.forecast`` puts the two together).

States at a month-end (``state_of``): ``current`` (nothing past due), ``late`` (1–90 days past
due), ``late_90`` (more than 90 days past due, still repaid to the municipality),
``in_collection`` (with the state debt collector), ``repaid`` and ``written_off`` (both
absorbing). Loans not yet paid out are not in the model.

Roll rates are weighted by balance, the usual way for a credit portfolio: over a look-back
window of months, for loans of an age band in state ``s`` at the start of a month,

* ``cash[s]`` = payments received in the month / balance at the start, and
* ``roll[s][t]`` = balance at the end of the month of those that ended in ``t`` / balance at
  the start,

so ``Σ_t roll[s][t] = 1 − cash[s] − write-offs[s] (+ fees)``. Projecting moves the balance
held in each (age, state) month by month: inflow = Σ balance × cash; the next month's balance
in ``t`` = Σ balance × roll[s][t], one month older. Rates are estimates, so they and the
projection are floats; amounts are rounded to whole øre when reported.

The range is a bootstrap over the historical months: each run gives every projected month the
rates of one month of the window drawn at random (with replacement) and projects again; the
low and high ends are the 10th and 90th percentiles of each month's inflow over the runs.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

CURRENT, LATE, LATE_90 = "current", "late", "late_90"
IN_COLLECTION, REPAID, WRITTEN_OFF = "in_collection", "repaid", "written_off"
STATES = [CURRENT, LATE, LATE_90, IN_COLLECTION, REPAID, WRITTEN_OFF]
LIVE_STATES = [CURRENT, LATE, LATE_90, IN_COLLECTION]  # those that can still pay
LATE_DAYS = 90

# Months since payout: (label, first month, last month or None).
AGE_BANDS = [
    ("0-5", 0, 5),
    ("6-11", 6, 11),
    ("12-23", 12, 23),
    ("24-47", 24, 47),
    ("48-83", 48, 83),
    ("84+", 84, None),
]
MAX_AGE = AGE_BANDS[-1][1]  # older loans are tracked together
# A band with less history than this (loan-months in the state) borrows the rates of all
# ages pooled; a state never seen at all pays nothing and stays where it is.
MIN_LOAN_MONTHS = 20
BOOTSTRAP_RUNS = 50
LOW_Q, HIGH_Q = 0.10, 0.90


def state_of(status: str, days_past_due: int) -> str | None:
    """The model's state for a loan's status and days past due on a day (None: not paid out)."""
    if status == "active":
        if days_past_due <= 0:
            return CURRENT
        return LATE if days_past_due <= LATE_DAYS else LATE_90
    if status in (IN_COLLECTION, REPAID, WRITTEN_OFF):
        return status
    return None


def band_of(age: int) -> str:
    for label, first, last in AGE_BANDS:
        if age >= first and (last is None or age <= last):
            return label
    return AGE_BANDS[0][0]


@dataclass(frozen=True)
class LoanMonth:
    """One loan through one month of the look-back window (amounts in øre)."""

    month: int  # which month of the window (any key; the bootstrap draws by it)
    age: int  # months since payout at the start of the month
    start: str
    end: str
    start_balance: int
    end_balance: int
    paid: int


@dataclass
class Tally:
    """A band-and-state's sums over some months: what the rates are estimated from."""

    loan_months: int = 0
    start_balance: int = 0
    paid: int = 0
    end_balance: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, other: Tally) -> None:
        self.loan_months += other.loan_months
        self.start_balance += other.start_balance
        self.paid += other.paid
        for state, amount in other.end_balance.items():
            self.end_balance[state] += amount


# month → (band, state) → Tally
Tallies = dict[int, dict[tuple[str, str], Tally]]


def tally(observations: Iterable[LoanMonth]) -> Tallies:
    out: Tallies = defaultdict(lambda: defaultdict(Tally))
    for o in observations:
        if o.start not in LIVE_STATES:
            continue  # repaid and written off are absorbing
        t = out[o.month][(band_of(o.age), o.start)]
        t.loan_months += 1
        t.start_balance += o.start_balance
        t.paid += o.paid
        t.end_balance[o.end] += o.end_balance
    return out


@dataclass(frozen=True)
class Rate:
    loan_months: int
    cash: float
    roll: dict[str, float]
    pooled: bool = False  # borrowed from all ages


# (band, state) → Rate
Rates = dict[tuple[str, str], Rate]


def _rate(t: Tally, pooled: bool = False) -> Rate:
    if t.start_balance <= 0:
        return Rate(t.loan_months, 0.0, {}, pooled)
    return Rate(
        loan_months=t.loan_months,
        cash=t.paid / t.start_balance,
        roll={s: t.end_balance.get(s, 0) / t.start_balance for s in LIVE_STATES},
        pooled=pooled,
    )


def estimate(tallies: Tallies, months: Sequence[int] | None = None) -> Rates:
    """Roll rates and cash rates by age band and state over the given months (default all;
    a month may appear more than once, as the bootstrap draws them)."""
    by_key: dict[tuple[str, str], Tally] = defaultdict(Tally)
    pooled: dict[str, Tally] = defaultdict(Tally)
    for month in tallies if months is None else months:
        for (band, state), t in tallies.get(month, {}).items():
            by_key[(band, state)].add(t)
            pooled[state].add(t)
    rates: Rates = {}
    for band, _first, _last in AGE_BANDS:
        for state in LIVE_STATES:
            tally = by_key.get((band, state))
            if tally is not None and tally.loan_months >= MIN_LOAN_MONTHS:
                if tally.start_balance > 0:
                    rates[(band, state)] = _rate(tally)
            elif state in pooled and pooled[state].start_balance > 0:
                rates[(band, state)] = _rate(pooled[state], pooled=True)
            else:  # never seen: pays nothing, stays
                rates[(band, state)] = Rate(0, 0.0, {state: 1.0}, pooled=True)
    return rates


# (age, state) → balance in øre (float while projecting)
Book = dict[tuple[int, str], float]


Table = list[list[tuple[float, list[tuple[int, float]]]]]  # age → state → (cash, roll)


def _table(rates: Rates) -> Table:
    """The rates looked up once per age: each live state's cash rate and (target, share)."""
    index = {state: i for i, state in enumerate(LIVE_STATES)}
    table = []
    for age in range(MAX_AGE + 1):
        row = []
        for state in LIVE_STATES:
            rate = rates[(band_of(age), state)]
            row.append((rate.cash, [(index[t], v) for t, v in rate.roll.items() if v]))
        table.append(row)
    return table


def project(book: Book, rates: Rates | Sequence[Table], months: int) -> list[float]:
    """Inflows (øre) in each of the next ``months`` months from the balances in ``book``,
    with the same rates every month or (a sequence of ``_table``) each month's own."""
    tables = [_table(rates)] * months if isinstance(rates, dict) else list(rates)
    n_states = len(LIVE_STATES)
    index = {state: i for i, state in enumerate(LIVE_STATES)}
    balance = [[0.0] * n_states for _ in range(MAX_AGE + 1)]
    for (age, state), amount in book.items():
        if state in index and amount > 0:
            balance[min(age, MAX_AGE)][index[state]] += amount
    inflows = []
    for month in range(months):
        by_age = tables[month]
        inflow = 0.0
        nxt = [[0.0] * n_states for _ in range(MAX_AGE + 1)]
        for age in range(MAX_AGE + 1):
            older = nxt[min(age + 1, MAX_AGE)]
            for i, amount in enumerate(balance[age]):
                if amount:
                    cash, roll = by_age[age][i]
                    inflow += amount * cash
                    for j, share in roll:
                        older[j] += amount * share
        inflows.append(inflow)
        balance = nxt
    return inflows


def _quantile(values: list[float], q: float) -> float:
    values = sorted(values)
    pos = q * (len(values) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)


@dataclass
class Projection:
    rates: Rates
    expected: list[float]  # øre per month, from all months of the window
    low: list[float]
    high: list[float]
    # the range of the first 12 months' total: the percentiles of the runs' sums (a sum of
    # monthly 10th percentiles would be far lower than any year the runs show)
    year_low: float = 0.0
    year_high: float = 0.0


def forecast(
    tallies: Tallies, book: Book, months: int, *, runs: int = BOOTSTRAP_RUNS, seed: int = 2016
) -> Projection:
    """Rates from the whole window, the projection, and its range: each run gives every
    projected month the rates of one historical month drawn at random, so the range holds
    the months' own swings (a month with many early repayments, one with few)."""
    rates = estimate(tallies)
    expected = project(book, rates, months)
    window = sorted(tallies)
    if len(window) < 2 or runs < 2:
        year = sum(expected[:12])
        return Projection(rates, expected, list(expected), list(expected), year, year)
    by_month = {month: _table(estimate(tallies, [month])) for month in window}
    draw = random.Random(seed)  # a fixed seed: the same data gives the same range
    runs_out = [
        project(book, [by_month[draw.choice(window)] for _ in range(months)], months)
        for _ in range(runs)
    ]
    low = [_quantile([r[m] for r in runs_out], LOW_Q) for m in range(months)]
    high = [_quantile([r[m] for r in runs_out], HIGH_Q) for m in range(months)]
    years = [sum(r[:12]) for r in runs_out]
    return Projection(rates, expected, low, high, _quantile(years, LOW_Q), _quantile(years, HIGH_Q))
