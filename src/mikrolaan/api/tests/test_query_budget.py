"""Every API read's number of queries does not grow with the portfolio (issue 12, item 2).

A system that sees every unit reads each endpoint over a small portfolio, then again after it
grew to 10·N loans (each with a payment); a serializer that queries per row (an N+1) shows as
a higher count. The detail endpoints read the same record both times, which gained payments.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mikrolaan.api import scopes
from mikrolaan.api.tests.factories import auth, system
from mikrolaan.cases.tests.factories import referred_case
from mikrolaan.loans import services as loan_services
from mikrolaan.servicing.tests.factories import paid_out_loan

pytestmark = pytest.mark.django_db

N = 2


def _grow(loans: list, to: int) -> None:
    today = timezone.localdate()
    for i in range(len(loans), to):
        loan = paid_out_loan(paid_on=dt.date(2024, 1, 15) + dt.timedelta(days=i))
        referred_case(referred_on=today - dt.timedelta(days=30 + i))
        loans.append(loan)
    for loan in loans[:1] + loans[-1:]:  # the loan read in detail gains a payment each round
        loan_services.register_payment(
            loan,
            amount=Decimal("100.00"),
            paid_on=today - dt.timedelta(days=len(loans)),
            acting_user=loan.decision.recorded_by,
        )


def _measure(client, token, loans) -> dict[str, tuple[int, int]]:
    first = loans[0]
    paths = [
        "/api/v1/citizens/",
        f"/api/v1/citizens/{first.citizen_id}/",
        "/api/v1/cases/",
        f"/api/v1/cases/{first.case_id}/",
        "/api/v1/loans/",
        f"/api/v1/loans/{first.pk}/",
        "/api/v1/report/",
        "/api/v1/fund/",
    ]
    result = {}
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, **auth(token))
        result[path] = (response.status_code, len(queries))
    return result


def test_no_api_read_runs_more_queries_for_a_larger_portfolio():
    client = Client()
    reads = (scopes.CASES_READ, scopes.LOANS_READ, scopes.REPORT_READ, scopes.FUND_READ)
    _system, token = system(scope=reads)  # no unit: every unit's rows
    loans: list = []
    _grow(loans, N)
    small = _measure(client, token, loans)
    _grow(loans, 10 * N)
    large = _measure(client, token, loans)

    # The lists showed the whole larger portfolio (one page), so a query per row would show.
    assert client.get("/api/v1/loans/", **auth(token)).json()["count"] == 10 * N
    assert client.get("/api/v1/cases/", **auth(token)).json()["count"] == 2 * 10 * N
    assert {path: status for path, (status, _n) in large.items()} == dict.fromkeys(large, 200)
    grew = {
        path: f"{small[path][1]} → {large[path][1]} queries"
        for path in small
        if large[path][1] > small[path][1]
    }
    assert grew == {}
