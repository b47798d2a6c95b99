"""The fund forecast over the ledger: states at month-ends, the command, the fund page."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from mikrolaan.bench import portfolio as bench
from mikrolaan.loans import forecast_history, services
from mikrolaan.loans.forecast import fund_forecast
from mikrolaan.loans.forecast_model import CURRENT, LATE, LATE_90, LIVE_STATES, REPAID
from mikrolaan.loans.tests.factories import disbursed_loan, granted_loan
from mikrolaan.policy.models import LoanPolicy

pytestmark = pytest.mark.django_db


def _pay(loan, amount, day):
    services.register_payment(
        loan, amount=Decimal(amount), paid_on=day, acting_user=loan.decision.recorded_by
    )


@pytest.fixture
def three_loans():
    """8,400 kr. each, 100 kr. a month from the first instalment: one pays each instalment,
    one pays nothing, one repays everything in June 2013; and one granted, not paid out."""
    paying = disbursed_loan(paid_on=dt.date(2013, 3, 15), amount=Decimal("8400.00"))
    silent = disbursed_loan(paid_on=dt.date(2013, 3, 15), amount=Decimal("8400.00"))
    early = disbursed_loan(paid_on=dt.date(2013, 3, 15), amount=Decimal("8400.00"))
    for k in range(9):  # the instalments due from 2 April to 2 December 2013
        _pay(paying, "100.00", forecast_history.months_back(paying.repayment_start, -k))
    _pay(early, "8400.00", dt.date(2013, 6, 3))
    granted_loan(amount=Decimal("5000.00"), decided_on=dt.date(2013, 11, 1))
    return paying, silent, early


def test_months_back_keeps_month_ends():
    assert forecast_history.months_back(dt.date(2015, 12, 31), 10) == dt.date(2015, 2, 28)
    assert forecast_history.months_back(dt.date(2015, 12, 31), -2) == dt.date(2016, 2, 29)
    assert forecast_history.months_back(dt.date(2015, 12, 15), 1) == dt.date(2015, 11, 15)
    assert forecast_history.months_between(dt.date(2013, 3, 15), dt.date(2013, 12, 31)) == 9
    assert forecast_history.months_between(dt.date(2013, 3, 15), dt.date(2013, 4, 14)) == 0


def test_positions_at_past_month_ends_come_from_the_ledger(three_loans):
    paying, silent, early = three_loans
    day = dt.date(2013, 12, 31)
    on = forecast_history.positions(day)
    days_late = (day - silent.repayment_start).days
    assert on[paying.pk].state == CURRENT and on[paying.pk].paid == 900_00
    assert on[silent.pk].state == (LATE_90 if days_late > 90 else LATE)
    assert on[silent.pk].balance == 8400_00 and on[silent.pk].paid == 0
    assert on[early.pk].state == REPAID and on[early.pk].balance == 0
    # before: current until its first instalment, then late (two unpaid by 31 May)
    assert forecast_history.positions(dt.date(2013, 3, 31))[early.pk].state == CURRENT
    assert forecast_history.positions(dt.date(2013, 5, 31))[early.pk].state == LATE


def test_forecast_of_the_three_loans(three_loans):
    f = fund_forecast(dt.date(2013, 12, 31), window=6, horizon=12, runs=20)
    assert f.loans == 3 and f.sampled == 3
    assert f.committed == 5000_00
    assert f.outstanding[REPAID] == 0 and f.outstanding[CURRENT] == 7500_00
    # July to December: the paying loan paid 100 kr. on 8,100, 8,000 … 7,600 kr.; the
    # silent one nothing (late); the early one was repaid before
    current = f.projection.rates[("0-5", CURRENT)]  # pooled over ages: little history
    assert current.cash == pytest.approx(600 / (8100 + 8000 + 7900 + 7800 + 7700 + 7600))
    assert f.projection.expected[0] == pytest.approx(7500_00 * current.cash)
    assert f.next_year["can_lend"] == max(f.next_year["low"] - 5000_00, 0)


def test_fund_forecast_command_and_backtest(three_loans, tmp_path, capsys):
    call_command("fund", "forecast", "--as-of", "2013-12-31", "--window", "6", "--months", "12")
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2013-12-31" and len(data["months"]) == 12
    assert data["months"][0]["month"] == "2014-01-31"
    assert data["next_year"]["committed"] == "5000.00"
    assert {r["from"] for r in data["roll_rates"]} == set(LIVE_STATES)
    out = tmp_path / "bt.json"
    call_command(
        "fund", "forecast", "--backtest", "2013-12-31", "--until", "2014-06-30",
        "--window", "6", "--months", "12", "-o", str(out),
    )  # fmt: skip
    bt = json.loads(out.read_text())["backtest"]
    assert bt["summary"]["months_compared"] == 6
    # nothing was paid after 2013: every actual month is zero
    assert {m["actual"] for m in bt["months"]} == {"0.00"}


def test_backtest_on_a_generated_portfolio():
    policy = LoanPolicy.in_force(dt.date(2013, 12, 31))
    policy.pk, policy.valid_from = None, dt.date(2005, 1, 1)  # the portfolio starts in 2009
    policy._state.adding = True
    policy.save()
    bench.generate(60, dt.date(2016, 12, 31))
    from mikrolaan.loans.forecast import backtest

    bt = backtest(dt.date(2015, 12, 31), until=dt.date(2016, 12, 31), window=12, runs=20)
    summary = bt["backtest"]["summary"]
    assert summary["months_compared"] == 12
    actual = Decimal(summary["first_year_actual"])
    assert actual > 0
    # the generated borrowers behave the same every year: the forecast is close
    assert abs(Decimal(summary["first_year_error_percent"])) < 25


def test_the_fund_page_shows_the_forecast_a_background_job_computed(client, manager, three_loans):
    from mikrolaan.jobs.models import Job
    from mikrolaan.jobs.testing import run_waiting_jobs

    client.force_login(manager)
    # Never computed in the request: the first view asks the worker for it …
    first = client.get(reverse("loans:fund"), {"as_of": "2013-12-31"}).content.decode()
    assert 'data-testid="forecast-pending"' in first and "<polygon" not in first
    client.get(reverse("loans:fund"), {"as_of": "2013-12-31"})  # … once
    assert Job.objects.filter(kind="fund_forecast").count() == 1
    run_waiting_jobs()
    page = client.get(reverse("loans:fund"), {"as_of": "2013-12-31"}).content.decode()
    assert 'data-testid="forecast-chart"' in page and "<polygon" in page
    assert 'data-testid="can-lend"' in page and 'data-testid="forecast-computed"' in page
