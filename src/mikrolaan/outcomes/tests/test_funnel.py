import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction

from mikrolaan.cases.events import record_event
from mikrolaan.courses.models import ParticipationStatus
from mikrolaan.outcomes import funnel
from mikrolaan.outcomes.funnel import compute_funnel
from mikrolaan.outcomes.tests import factories as f

pytestmark = pytest.mark.django_db
D = dt.date


def dropout(case, on, reason, destination):
    return f.event(
        case,
        funnel.KIND_DROPOUT,
        on,
        **{funnel.DROPOUT_REASON_KEY: reason, funnel.DROPOUT_DESTINATION_KEY: destination},
    )


@pytest.fixture
def programme(unit, other_unit):
    """Ten referrals: 4 borrowers, a yellow decision, 4 dropouts, 2 still on their way."""
    m1 = f.cohort("M1", D(2026, 5, 1), D(2026, 10, 31), pre_course_start=D(2026, 2, 1))
    cases = [
        f.case(other_unit if i in (3, 9) else unit, opened_on=D(2026, 1, 5)) for i in range(10)
    ]
    for c in cases[:8]:
        f.event(c, funnel.KIND_FIRST_SCREENING, D(2026, 1, 12))
    f.event(cases[7], funnel.KIND_FINAL_SCREENING, D(2026, 1, 15))
    for c in cases[:6]:
        f.admit(c, m1, D(2026, 1, 20))
    for c in cases[:4]:
        f.decide(c, D(2026, 4, 15))
        f.loan(c, m1, D(2026, 5, 1))
    f.decide(cases[4], D(2026, 4, 15), colour="yellow")
    dropout(cases[4], D(2026, 4, 20), "idea_not_realisable", "job")
    dropout(cases[5], D(2026, 3, 1), "illness", "public_support")
    wrong = dropout(cases[6], D(2026, 1, 30), "wants_larger_loan", "business_without_loan")
    with transaction.atomic():  # a correction replaces the first dropout record
        record_event(
            cases[6],
            funnel.KIND_DROPOUT,
            acting_user=None,
            occurred_on=D(2026, 1, 30),
            corrects=wrong,
            data={"reason": "language", "destination": "business_without_loan"},
        )
    dropout(cases[9], D(2026, 2, 1), "ordinary_job", "job")
    return cases


def test_the_funnel_counts_each_step_and_the_conversion(programme):
    t = compute_funnel(D(2026, 12, 31))["totals"]
    assert [t[s] for s in funnel.STEPS] == [10, 8, 6, 5, 4]
    assert t["conversion_pct"] == 40
    assert t["dropouts"] == 4
    assert t["dropout_reasons"] == {
        "idea_not_realisable": 1,
        "illness": 1,
        "language": 1,
        "ordinary_job": 1,
    }
    assert t["dropout_destinations"] == {"business_without_loan": 1, "job": 2, "public_support": 1}
    assert t["dropouts_after_step"] == {"referred": 1, "screened": 1, "admitted": 1, "decision": 1}
    # The project leader "talked to" 7 (6 admitted + 1 final screening): 4 of 7 = 57 %.
    assert t["final_screened"] == 7
    assert t["conversion_from_final_screening_pct"] == 57


def test_the_funnel_per_cohort_and_per_unit(programme, unit, other_unit):
    result = compute_funnel(D(2026, 12, 31))
    by_cohort = {r["cohort"]: r for r in result["cohorts"]}
    assert [by_cohort["M1"][s] for s in funnel.STEPS] == [6, 6, 6, 5, 4]
    assert [by_cohort[None][s] for s in funnel.STEPS] == [4, 2, 0, 0, 0]
    assert [r["cohort"] for r in result["cohorts"]] == ["M1", None]
    by_unit = {r["unit"]: r for r in result["units"]}
    assert [by_unit[other_unit.code][s] for s in funnel.STEPS] == [2, 1, 1, 1, 1]
    assert by_unit[other_unit.code]["dropout_destinations"] == {"job": 1}
    assert [by_unit[unit.code][s] for s in funnel.STEPS] == [8, 7, 5, 4, 3]


def test_the_funnel_on_an_earlier_date_sees_only_what_had_happened(programme):
    t = compute_funnel(D(2026, 3, 15))["totals"]
    assert [t[s] for s in funnel.STEPS] == [10, 8, 6, 0, 0]
    assert t["dropouts"] == 3
    assert t["conversion_pct"] == 0
    assert compute_funnel(D(2025, 12, 31))["totals"]["referred"] == 0


def test_a_later_step_implies_the_earlier_ones(unit):
    """An imported borrower without screening events still counts at every step."""
    m1 = f.cohort("M1", D(2013, 6, 1), D(2013, 11, 30))
    c = f.case(unit, opened_on=D(2013, 3, 1))
    f.loan(c, m1, D(2013, 7, 1))
    t = compute_funnel(D(2016, 12, 31))["totals"]
    assert [t[s] for s in funnel.STEPS] == [1, 1, 1, 1, 1]
    assert t["conversion_pct"] == 100


def test_moved_participants_count_in_their_later_cohort(unit):
    m5 = f.cohort("M5", D(2015, 1, 1), D(2015, 6, 30))
    m6 = f.cohort("M6", D(2015, 9, 1), D(2016, 2, 28))
    c = f.case(unit, opened_on=D(2014, 10, 1))
    first = f.admit(c, m5, D(2014, 11, 1), status=ParticipationStatus.MOVED)
    later = f.admit(c, m6, D(2015, 5, 1))
    assert first.cohort == m5 and later.cohort == m6
    cohorts = {r["cohort"]: r["referred"] for r in compute_funnel(D(2016, 12, 31))["cohorts"]}
    assert cohorts == {"M6": 1}


def test_no_cases_gives_an_empty_funnel_without_division_by_zero(db):
    result = compute_funnel(D(2026, 1, 1))
    assert result["totals"]["referred"] == 0
    assert result["totals"]["conversion_pct"] is None
    assert result["cohorts"] == [] and result["units"] == []


def test_the_funnel_command_prints_json(programme):
    out = io.StringIO()
    call_command("funnel", "--as-of", "2026-12-31", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["as_of"] == "2026-12-31"
    assert data["totals"]["borrower"] == 4
    assert data["totals"]["conversion_pct"] == 40


def test_a_text_correction_of_a_screening_leaves_the_step_in_place(unit):
    c = f.case(unit, opened_on=D(2026, 1, 5))
    screening = f.event(c, funnel.KIND_FIRST_SCREENING, D(2026, 1, 12))
    with transaction.atomic():
        record_event(
            c,
            "correction",
            acting_user=None,
            occurred_on=D(2026, 1, 13),
            corrects=screening,
            data={"field": "notes", "value": "rettet"},
        )
    assert compute_funnel(D(2026, 12, 31))["totals"]["screened"] == 1
