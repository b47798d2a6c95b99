"""The loan's events on the case timeline: Danish, and figures in Danish form (issue 9)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from mikrolaan.cases.events import record_event
from mikrolaan.cases.timeline import timeline
from mikrolaan.loans.tests.factories import disbursed_loan

pytestmark = pytest.mark.django_db


def _lines(case):
    return [f"{item['label']}: {item['summary']}" for item in timeline(case)]


def test_loan_events_read_in_danish_from_their_kind_and_data(client):
    loan = disbursed_loan(paid_on=dt.date(2013, 3, 15), amount=Decimal("45000.00"))
    lines = _lines(loan.case)
    assert f"Lån oprettet: {loan.loan_ref}: 45.000,00 kr." in lines
    assert f"Lån udbetalt: {loan.loan_ref}: 45.000,00 kr." in lines
    assert not any(line.startswith("Loan") for line in lines)
    client.force_login(loan.decision.recorded_by)
    page = client.get(reverse("cases:detail", args=[loan.case.pk])).content.decode()
    assert f"Lån udbetalt: {loan.loan_ref}: 45.000,00 kr." in page


def test_an_old_row_stays_readable_with_its_amounts_reformatted():
    loan = disbursed_loan(paid_on=dt.date(2013, 3, 15))
    record_event(
        loan.case,
        "loan_in_collection",
        acting_user=None,
        occurred_on=dt.date(2014, 1, 2),
        summary=f"{loan.loan_ref}: 44050.00 kr.",  # as written before the events kept data
    )
    assert f"Lån overdraget til Gældsstyrelsen: {loan.loan_ref}: 44.050,00 kr." in _lines(loan.case)
