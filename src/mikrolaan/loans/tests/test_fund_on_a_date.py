"""The fund on a past date against the same figures counted loan by loan.

``fund_on`` answers in a few statements over the whole ledger; here every loan's balance,
status and arrears on the date are read one by one through ``loans.queries`` and
``loans.arrears.arrears_for`` and added up in Python. On the demo programme (loans being
repaid, late, with the debt collector, taken back, repaid and written off, since 2013), at
several dates, and today both ways: from the loans' kept figures and from the ledger.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from mikrolaan.loans import fund, queries
from mikrolaan.loans.arrears import arrears_for
from mikrolaan.loans.fund import BUCKETS, Fund, fund_on
from mikrolaan.loans.models import LoanStatus

pytestmark = pytest.mark.django_db


def _bucket(days: int) -> str:
    return next(name for name, lo, hi in BUCKETS if days >= lo and (hi is None or days <= hi))


def _loan_by_loan(as_of: dt.date) -> dict:
    statuses = queries.statuses_on(as_of)
    balances = queries.balances(as_of)
    ageing = {name: [0, Decimal("0.00"), Decimal("0.00")] for name, _lo, _hi in BUCKETS}
    for loan_id, row in arrears_for(as_of).items():
        if statuses.get(loan_id) != LoanStatus.ACTIVE or row.arrears <= 0:
            continue
        bucket = ageing[_bucket(row.days_past_due)]
        bucket[0] += 1
        bucket[1] += row.arrears
        bucket[2] += balances.get(loan_id, Decimal("0.00"))
    return {
        "outstanding": sum(balances.values(), Decimal("0.00")),
        "in_collection": sum(
            (b for pk, b in balances.items() if statuses.get(pk) == LoanStatus.IN_COLLECTION),
            Decimal("0.00"),
        ),
        "ageing": {name: tuple(v) for name, v in ageing.items()},
    }


def _figures(f: Fund) -> dict:
    return {
        "outstanding": f.outstanding,
        "in_collection": f.in_collection,
        "ageing": {r["bucket"]: (r["loans"], r["arrears"], r["outstanding"]) for r in f.ageing},
    }


def test_the_fund_on_past_dates_adds_up_loan_by_loan(demo_programme):
    today = timezone.localdate()
    checked = []
    for as_of in (dt.date(2015, 12, 31), dt.date(2019, 3, 1), dt.date(2023, 6, 30), today):
        expected = _loan_by_loan(as_of)
        got = fund_on(as_of)
        assert _figures(got) == expected, as_of
        checked.append(sum(n for n, _a, _o in expected["ageing"].values()))
    assert all(checked), "each date has loans in arrears to compare"


def test_today_from_the_ledger_is_today_from_the_kept_figures(demo_programme, monkeypatch):
    today = timezone.localdate()
    kept = fund_on(today)
    monkeypatch.setattr(fund, "kept_is_current", lambda as_of: False)
    from_ledger = fund_on(today)
    assert from_ledger == kept
    assert kept.loans_in_arrears and kept.in_collection and kept.written_off
