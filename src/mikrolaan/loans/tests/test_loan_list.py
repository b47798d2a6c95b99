"""The loan list: filtered by status, cohort, arrears and days past due, a page at a time."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mikrolaan.core import pagination
from mikrolaan.loans.tests.factories import disbursed_loan, granted_loan

pytestmark = pytest.mark.django_db


@pytest.fixture
def loans(db):
    today = timezone.localdate()
    return {
        # Paid out in 2013, nothing paid: years past due.
        "late": disbursed_loan(paid_on=dt.date(2013, 3, 15), amount=Decimal("8400.00")),
        # Paid out today: the first instalment is not due yet.
        "new": disbursed_loan(paid_on=today, amount=Decimal("8400.00")),
        "granted": granted_loan(),
    }


def _refs(response):
    return sorted(loan.loan_ref for loan in response.context["loans"])


def test_filters_by_arrears_days_past_due_and_status(client, finance_clerk, loans):
    client.force_login(finance_clerk)
    url = reverse("loans:list")
    late, new, granted = loans["late"], loans["new"], loans["granted"]
    assert new.repayment_start > timezone.localdate()
    assert _refs(client.get(url, {"arrears": "yes"})) == [late.loan_ref]
    assert _refs(client.get(url, {"arrears": "no"})) == sorted([new.loan_ref, granted.loan_ref])
    assert _refs(client.get(url, {"days": "91+"})) == [late.loan_ref]
    assert _refs(client.get(url, {"days": "1-30"})) == []
    assert _refs(client.get(url, {"status": "granted"})) == [granted.loan_ref]
    response = client.get(url, {"arrears": "yes", "status": "granted"})
    assert _refs(response) == [] and "Ingen lån passer til filtrene." in response.content.decode()
    # An unknown value is left out, the other filters still apply.
    assert _refs(client.get(url, {"status": "nonsense", "arrears": "yes"})) == [late.loan_ref]


def test_a_page_at_a_time_with_its_balances(client, finance_clerk, loans, monkeypatch):
    monkeypatch.setattr(pagination, "PER_PAGE", 2)
    client.force_login(finance_clerk)
    first = client.get(reverse("loans:list"))
    second = client.get(reverse("loans:list"), {"page": 2})
    assert first.context["page"].paginator.count == 3
    assert len(first.context["loans"]) == 2 and len(second.context["loans"]) == 1
    shown = [*first.context["loans"], *second.context["loans"]]
    owed = {loan.loan_ref: loan.owed for loan in shown}
    assert owed == {
        loans["late"].loan_ref: Decimal("8400.00"),
        loans["new"].loan_ref: Decimal("8400.00"),
        loans["granted"].loan_ref: Decimal("0.00"),
    }
    assert "3 lån" in first.content.decode()
