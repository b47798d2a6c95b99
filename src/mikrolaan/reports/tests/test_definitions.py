"""The report's definitions on small worked examples (docs/INTERCHANGE.md)."""

import datetime as dt

import pytest

from mikrolaan.interchange.services import import_bundle
from mikrolaan.interchange.tests.conftest import write_files
from mikrolaan.reports.services import build_report, covered_days

pytestmark = pytest.mark.django_db
D = dt.date

HEAD = {
    "cohorts.csv": "code,main_course_start,main_course_end\nA,2020-01-01,2020-06-30\n"
    "B,2019-01-01,2019-06-30\n",
}


def bundle(tmp_path, people, loans, payments="", spells="", parts=""):
    files = dict(HEAD)
    files["people.csv"] = "person_ref,birth_year,gender,benefit_before\n" + people
    files["loans.csv"] = (
        "loan_ref,person_ref,cohort_code,principal,disbursed_on,repayment_start,"
        "collection_transferred_on\n" + loans
    )
    files["payments.csv"] = "loan_ref,paid_on,amount\n" + payments
    files["support_spells.csv"] = "person_ref,status,start,end\n" + spells
    files["participations.csv"] = "person_ref,cohort_code,status,main_course_end\n" + parts
    import_bundle(write_files(tmp_path / "b", files))


def test_empty_report_has_nulls_where_nothing_to_divide():
    r = build_report(D(2021, 1, 1))
    assert r["borrowers"] == 0 and r["cohorts"] == []
    assert r["age"]["mean"] is None and r["age"]["min"] is None
    assert r["open_loan_sizes"]["mean"] is None and r["open_loan_sizes"]["min"] is None
    assert r["totals"]["repaid_pct"] is None
    assert r["totals"]["self_supporting_days_mean"] is None
    assert r["benefit_before"] == {"unknown": 0}


def test_bands_are_half_open_and_rounding_is_half_up(tmp_path):
    bundle(
        tmp_path,
        "p1,1990,F, Kontanthjælp \np2,1980,M,\np3,1978,,\n",
        "l1,p1,A,19999.99,2020-01-10,2020-08-01,\n"
        "l2,p2,A,20000.00,2020-01-10,2020-08-01,2020-09-01\n"
        "l3,p3,B,50000.00,2019-01-10,2019-08-01,\n",
        "l1,2020-08-01,4999.99\nl2,2020-08-01,5000.00\nl3,2019-08-01,50000.00\n",
    )
    r = build_report(D(2020, 12, 31))
    sizes = r["open_loan_sizes"]
    assert sizes["bands"]["<20000"] == 1 and sizes["bands"]["20000-29999"] == 1
    assert sizes["mean"] == "20000.00"  # (19999.99 + 20000.00) / 2 = 19999.995 → half up
    a = next(c for c in r["cohorts"] if c["cohort"] == "A")
    # 4999.99 / 19999.99 = 24.99…% → 0-24; 5000 / 20000 = 25 % → 25-49
    assert a["repayment_bands"]["0-24"] == 1 and a["repayment_bands"]["25-49"] == 1
    assert a["repaid_pct"] == 25  # 9999.99 / 39999.99 = 24.9999…% rounds half up to 25
    assert r["totals"]["fully_repaid"] == 1
    assert r["totals"]["transferred_to_collection"] == 1
    assert [c["cohort"] for c in r["cohorts"]] == ["B", "A"]  # by main course start
    assert r["age"]["bands"]["<=30"] == 1 and r["age"]["bands"]["41-50"] == 1
    assert r["age"]["mean"] == 37.3  # (30 + 40 + 42) / 3 = 37.33…
    assert r["benefit_before"] == {"Kontanthjælp": 1, "unknown": 2}
    assert r["gender"] == {"F": 1, "M": 1, "unknown": 1}


def test_self_supporting_days_from_own_course_end_only_for_those_self_supporting_now(tmp_path):
    bundle(
        tmp_path,
        "p1,1990,F,\np2,1980,M,\np3,1980,M,\n",
        "l1,p1,A,1000,2020-01-10,2020-08-01,\nl2,p2,A,1000,2020-01-10,2020-08-01,\n"
        "l3,p3,A,1000,2020-01-10,2020-08-01,\n",
        spells="p1,self_supporting_business,2020-06-01,2020-07-10\n"
        "p1,public_support,2020-07-11,2020-07-31\n"
        "p1,self_supporting_job,2020-08-01,\n"
        "p2,self_supporting_business,2020-07-01,2020-12-30\n"
        "p3,self_supporting_business,2020-06-01,\n",
        parts="p1,A,completed,\np2,A,completed,\np3,A,completed,2020-09-30\n",
    )
    r = build_report(D(2020, 12, 31))
    a = r["cohorts"][0]
    # p1: 1–10 July (10 days) + 1 Aug–31 Dec (153); p2 ended the day before; p3 from 1 Oct (92)
    assert a["self_supporting"] == 2
    assert a["self_supporting_days"] == 10 + 153 + 92
    assert a["self_supporting_days_mean"] == 128  # 255 / 2 = 127.5 → half up


def test_covered_days_counts_each_day_once():
    spans = [(D(2020, 1, 1), D(2020, 1, 10)), (D(2020, 1, 5), D(2020, 1, 20))]
    assert covered_days(spans, D(2020, 1, 3), D(2020, 1, 15)) == 13


def test_debt_is_the_ledgers_as_of_the_date_and_a_later_reversal_counts_from_its_date(
    tmp_path, finance_clerk
):
    from mikrolaan.loans import services
    from mikrolaan.loans.models import LedgerEntry

    bundle(
        tmp_path,
        "p1,1990,F,\n",
        "l1,p1,A,10000.00,2020-01-10,2020-08-01,\n",
        "l1,2020-08-01,2000.00\nl1,2020-09-01,500.00\n",
    )
    payment = LedgerEntry.objects.get(loan__loan_ref="l1", value_date=D(2020, 8, 1))
    services.reverse_entry(payment, reason="Fejl", on=D(2021, 2, 1), acting_user=finance_clerk)
    before = build_report(D(2020, 12, 31))["totals"]
    assert (before["current_debt"], before["repaid_pct"]) == ("7500.00", 25)
    after = build_report(D(2021, 3, 1))["totals"]
    assert (after["current_debt"], after["repaid_pct"]) == ("9500.00", 5)
