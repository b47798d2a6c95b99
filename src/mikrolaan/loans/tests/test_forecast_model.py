"""The forecast's model on a hand-computed portfolio (amounts in øre)."""

import pytest

from mikrolaan.loans import forecast_model as m
from mikrolaan.loans.forecast_model import CURRENT, IN_COLLECTION, LATE, REPAID, LoanMonth


def _window():
    return [
        # month 1: A pays an instalment, B stops paying, C (already late) is handed over
        LoanMonth(1, 12, CURRENT, CURRENT, 10_000, 9_000, 1_000),
        LoanMonth(1, 12, CURRENT, LATE, 10_000, 10_000, 0),
        LoanMonth(1, 12, LATE, IN_COLLECTION, 5_000, 5_000, 0),
        # month 2: D repays in full, E pays a little and stays late
        LoanMonth(2, 13, CURRENT, REPAID, 2_000, 0, 2_000),
        LoanMonth(2, 13, LATE, LATE, 5_000, 4_500, 500),
        # repaid loans are absorbing: not counted
        LoanMonth(2, 40, REPAID, REPAID, 0, 0, 0),
    ]


def test_states_and_age_bands():
    assert m.state_of("active", 0) == CURRENT
    assert m.state_of("active", 1) == LATE and m.state_of("active", 90) == LATE
    assert m.state_of("active", 91) == m.LATE_90
    assert m.state_of("in_collection", 400) == IN_COLLECTION
    assert m.state_of("granted", 0) is None
    assert [m.band_of(a) for a in (0, 5, 6, 12, 47, 48, 84, 200)] == [
        "0-5", "0-5", "6-11", "12-23", "24-47", "48-83", "84+", "84+",
    ]  # fmt: skip


def test_roll_rates_are_balance_weighted():
    rates = m.estimate(m.tally(_window()))
    current = rates[("12-23", CURRENT)]
    # 22,000 at the start; 3,000 paid; 9,000 stayed current, 10,000 rolled to late
    assert current.loan_months == 3
    assert current.cash == pytest.approx(3_000 / 22_000)
    assert current.roll[CURRENT] == pytest.approx(9_000 / 22_000)
    assert current.roll[LATE] == pytest.approx(10_000 / 22_000)
    late = rates[("12-23", LATE)]
    assert late.cash == pytest.approx(500 / 10_000)
    assert late.roll == pytest.approx({CURRENT: 0, LATE: 0.45, m.LATE_90: 0, IN_COLLECTION: 0.5})
    # fewer than MIN_LOAN_MONTHS: every band uses the rates of all ages pooled, here the same
    assert current.pooled and rates[("0-5", CURRENT)].cash == current.cash
    # a state never seen pays nothing and stays
    assert rates[("0-5", IN_COLLECTION)].cash == 0
    assert rates[("0-5", IN_COLLECTION)].roll == {IN_COLLECTION: 1.0}


def test_a_band_with_enough_history_has_its_own_rates(monkeypatch):
    monkeypatch.setattr(m, "MIN_LOAN_MONTHS", 1)
    window = [*_window(), LoanMonth(1, 2, CURRENT, CURRENT, 1_000, 1_000, 0)]
    rates = m.estimate(m.tally(window))
    assert rates[("0-5", CURRENT)].cash == 0 and not rates[("0-5", CURRENT)].pooled
    assert rates[("12-23", CURRENT)].cash == pytest.approx(3_000 / 22_000)
    # only month 1 (as the bootstrap may draw it, twice)
    only_first = m.estimate(m.tally(window), months=[1, 1])
    assert only_first[("12-23", CURRENT)].cash == pytest.approx(1_000 / 20_000)


def test_projection_worked_example():
    rates = m.estimate(m.tally(_window()))
    inflows = m.project({(12, CURRENT): 22_000.0}, rates, 3)
    # month 1: 22,000 × 3/22 = 3,000; then 9,000 current and 10,000 late
    assert inflows[0] == pytest.approx(3_000)
    assert inflows[1] == pytest.approx(9_000 * 3 / 22 + 10_000 * 0.05)
    # month 3: current 9,000 × 9/22; late 9,000 × 10/22 + 10,000 × 0.45
    late = 9_000 * 10 / 22 + 10_000 * 0.45
    assert inflows[2] == pytest.approx(9_000 * 9 / 22 * 3 / 22 + late * 0.05)


def test_the_range_draws_each_month_from_one_historical_month():
    book = {(12, CURRENT): 22_000.0, (14, LATE): 5_000.0}
    a = m.forecast(m.tally(_window()), book, 6, runs=50)
    b = m.forecast(m.tally(_window()), book, 6, runs=50)
    assert a.low == b.low and a.high == b.high  # a fixed seed
    # the first month has month 1's rates (current pays 1,000/20,000, late nothing) or
    # month 2's (current 2,000/2,000: the one current loan repaid; late 500/5,000)
    assert a.low[0] == pytest.approx(22_000 * 0.05)
    assert a.high[0] == pytest.approx(22_000 * 1.0 + 5_000 * 0.1)
    assert a.expected[0] == pytest.approx(22_000 * 3 / 22 + 5_000 * 0.05)  # whole window
    assert all(low <= high for low, high in zip(a.low, a.high, strict=True))


def test_the_year_range_comes_from_the_runs_totals():
    book = {(12, CURRENT): 22_000.0, (14, LATE): 5_000.0}
    a = m.forecast(m.tally(_window()), book, 12, runs=50)
    # each run's year is at least its first month: the 10th percentile of month 1 (1,100)
    assert a.year_low >= 22_000 * 0.05
    # a sum of monthly 10th percentiles is lower than the year's 10th percentile
    assert sum(a.low) <= a.year_low <= a.year_high <= sum(a.high)
