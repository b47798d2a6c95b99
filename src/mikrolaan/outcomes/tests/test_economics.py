"""A worked example of the economic gain, computed by hand in the comments."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from mikrolaan.courses.models import ParticipationStatus
from mikrolaan.loans.ledger import post
from mikrolaan.loans.models import EntryKind
from mikrolaan.outcomes import services
from mikrolaan.outcomes.economics import as_json, compute_economics
from mikrolaan.outcomes.models import ProgrammeCostSetting, PublicSupportRate
from mikrolaan.outcomes.tests import factories as f
from mikrolaan.people.models import SupportCategory

pytestmark = pytest.mark.django_db
D = dt.date
M = Decimal


@pytest.fixture
def worked_example(unit, project_leader):
    """Cohort X1 (main course 1.1.–30.4.2030), three participants, two borrowers.

    Rates from 2030 (set here, after the seeded ones): "Testydelse" 400.00/day, from 1.7.2030
    500.00/day; "Førtidspension" 700.00/day. Costs from 2030: courses 20,000 per participant,
    subsistence grant 10,000 × 6 months per borrower (not pensioners), project leader
    100 hours × 500 per participant.
    """
    test_benefit = SupportCategory.objects.create(label="Testydelse")
    pension = SupportCategory.objects.get_or_create(label="Førtidspension")[0]
    PublicSupportRate.objects.create(
        category=test_benefit, valid_from=D(2030, 1, 1), daily_rate=M("400.00")
    )
    PublicSupportRate.objects.create(
        category=test_benefit, valid_from=D(2030, 7, 1), daily_rate=M("500.00")
    )
    PublicSupportRate.objects.create(
        category=pension, valid_from=D(2030, 1, 1), daily_rate=M("700.00")
    )
    ProgrammeCostSetting.objects.create(
        valid_from=D(2030, 1, 1),
        course_cost_per_participant=M("20000.00"),
        subsistence_grant_per_month=M("10000.00"),
        subsistence_months=6,
        project_leader_hours_per_participant=M("100.00"),
        project_leader_hourly_cost=M("500.00"),
    )
    x1 = f.cohort("X1", D(2030, 1, 1), D(2030, 4, 30), pre_course_start=D(2029, 10, 1))
    a = f.case(unit, opened_on=D(2029, 8, 1), support_before=test_benefit)
    b = f.case(unit, opened_on=D(2029, 8, 1), support_before=pension)
    c = f.case(unit, opened_on=D(2029, 8, 1))
    for case in (a, b, c):
        f.admit(case, x1, D(2029, 9, 1))
    c.participations.update(status=ParticipationStatus.DROPPED_OUT)
    loan_a = f.loan(a, x1, D(2030, 2, 1), M("40000.00"))
    loan_b = f.loan(b, x1, D(2030, 2, 1), M("20000.00"))
    post(loan_a, EntryKind.REPAYMENT, M("4000.00"), D(2030, 6, 1), acting_user=None)
    post(loan_b, EntryKind.WRITE_OFF, M("5000.00"), D(2030, 8, 1), acting_user=None)
    post(loan_b, EntryKind.WRITE_OFF, M("1000.00"), D(2030, 9, 15), acting_user=None)  # after D

    def spell(case, status, start, end=None):
        services.record_spell(
            case.citizen,
            status=status,
            start=start,
            end=end,
            source="test",
            acting_user=project_leader,
        )

    # A: self-supporting through the business from the day after course end, still running.
    spell(a, "self_supporting_business", D(2030, 5, 1))
    # B: a month on public support, then a month in a job, then nothing recorded.
    spell(b, "public_support", D(2030, 5, 1), D(2030, 5, 31))
    spell(b, "self_supporting_job", D(2030, 6, 1), D(2030, 6, 30))
    # A self-supporting spell before course end does not count.
    spell(c, "self_supporting_job", D(2030, 3, 1))
    return x1


AS_OF = D(2030, 8, 31)


def test_the_worked_example(worked_example):
    result = compute_economics(AS_OF)
    (row,) = result["cohorts"]
    assert row["cohort"] == "X1"
    assert row["participants"] == 3
    assert row["borrowers"] == 2
    # A: 1.5.–30.6. = 61 days × 400 = 24,400; 1.7.–31.8. = 62 days × 500 = 31,000.
    # B: 1.6.–30.6. = 30 days × 700 = 21,000.
    assert row["self_supporting_days"] == 61 + 62 + 30
    assert row["public_support_saved"] == M("76400.00")
    assert row["course_costs"] == M("60000.00")  # 3 × 20,000
    assert row["subsistence_grants"] == M("60000.00")  # A only: 6 × 10,000
    assert row["project_leader_time"] == M("150000.00")  # 3 × 100 h × 500
    assert row["programme_cost"] == M("270000.00")
    assert row["loan_losses"] == M("5000.00")  # the September write-off is after D
    assert row["net_gain"] == M("-198600.00")  # 76,400 − 270,000 − 5,000
    assert row["outstanding_loans"] == M("51000.00")  # 36,000 + 15,000
    assert row["net_gain_if_outstanding_lost"] == M("-249600.00")
    assert row["cost_setting_valid_from"] == "2030-01-01"
    assert result["totals"]["net_gain"] == M("-198600.00")


def test_the_assumptions_are_returned_beside_the_figures(worked_example):
    result = as_json(compute_economics(AS_OF))
    a = result["assumptions"]
    assert "antagelser" in a["statement"]
    assert a["programme_cost_settings"][0]["course_cost_per_participant"] == "20000.00"
    rates = {(r["category"], r["valid_from"]): r["daily_rate"] for r in a["public_support_rates"]}
    assert rates[("Testydelse", "2030-07-01")] == "500.00"
    assert rates[(None, "2013-01-01")] == "345.21"  # the seeded default, kontanthjælp level
    assert result["totals"]["net_gain"] == "-198600.00"


def test_a_reversed_write_off_is_no_loss(worked_example):
    from mikrolaan.loans.models import LedgerEntry

    write_off = LedgerEntry.objects.get(kind=EntryKind.WRITE_OFF, value_date=D(2030, 8, 1))
    post(
        write_off.loan,
        EntryKind.REVERSAL,
        M("5000.00"),
        D(2030, 8, 20),
        acting_user=None,
        reverses=write_off,
    )
    row = compute_economics(AS_OF)["cohorts"][0]
    assert row["loan_losses"] == M("0.00")
    assert row["outstanding_loans"] == M("56000.00")


def test_a_rate_change_is_a_new_dated_row_and_the_old_stays(worked_example):
    category = SupportCategory.objects.get(label="Testydelse")
    PublicSupportRate.objects.create(
        category=category, valid_from=D(2030, 8, 1), daily_rate=M("0.00")
    )
    row = compute_economics(AS_OF)["cohorts"][0]
    # August for A (31 days) is now priced at 0: 76,400 − 31 × 500.
    assert row["public_support_saved"] == M("60900.00")
    assert compute_economics(D(2030, 7, 31))["cohorts"][0]["public_support_saved"] == M(
        str(61 * 400 + 31 * 500 + 30 * 700) + ".00"
    )


def test_no_data_gives_zero_figures(db):
    result = compute_economics(D(2026, 1, 1))
    assert result["cohorts"] == []
    assert result["totals"]["net_gain"] == M("0.00")


def test_the_economics_command_prints_json_with_money_strings(worked_example):
    out = io.StringIO()
    call_command("economics", "--as-of", "2030-08-31", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["cohorts"][0]["public_support_saved"] == "76400.00"
    assert data["assumptions"]["statement"]


def test_a_borrower_without_a_recorded_participation_still_counts_as_a_participant(unit):
    x2 = f.cohort("X2", D(2030, 1, 1), D(2030, 4, 30))
    f.loan(f.case(unit), x2, D(2030, 2, 1))
    row = compute_economics(AS_OF)["cohorts"][0]
    assert (row["participants"], row["borrowers"]) == (1, 1)


@given(
    spans=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 60)), min_size=0, max_size=4),
    changes=st.lists(st.tuples(st.integers(-30, 400), st.integers(0, 900)), min_size=0, max_size=4),
)
def test_pricing_by_dated_rates_agrees_with_pricing_day_by_day(spans, changes):
    from mikrolaan.outcomes.economics import value_of_days

    base = D(2030, 1, 1)
    by_day = {}
    for offset, cents in changes:
        by_day[base + dt.timedelta(offset)] = Decimal(cents) / 100
    rates = sorted((vf, rate, "") for vf, rate in by_day.items())
    pieces = [(base + dt.timedelta(s), base + dt.timedelta(s + n)) for s, n in spans]
    total, unpriced = value_of_days(pieces, rates)
    expected, expected_unpriced = Decimal("0"), 0
    for first, last in pieces:
        day = first
        while day <= last:
            in_force = [rate for vf, rate, _ in rates if vf <= day]
            if in_force:
                expected += in_force[-1]
            else:
                expected_unpriced += 1
            day += dt.timedelta(days=1)
    assert total == expected.quantize(Decimal("0.01"))
    assert unpriced == expected_unpriced


def test_a_loan_without_a_cohort_is_counted_without_one(unit, project_leader):
    c = f.case(unit)
    f.loan(c, None, D(2030, 2, 1))
    services.record_spell(
        c.citizen,
        status="self_supporting_business",
        start=D(2030, 2, 1),
        source="CVR",
        acting_user=project_leader,
    )
    (row,) = compute_economics(D(2030, 2, 11))["cohorts"]
    assert row["cohort"] is None
    assert row["self_supporting_days"] == 10  # from the day after the payout
    assert row["programme_cost"] == M("0.00")  # no cohort, no setting priced
