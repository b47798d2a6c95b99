import datetime as dt
from decimal import Decimal

import pytest

from mikrolaan.loans import services
from mikrolaan.loans.chart import next_instalment, paid_against_planned
from mikrolaan.loans.summary import loan_summary
from mikrolaan.loans.tests.factories import disbursed_loan

pytestmark = pytest.mark.django_db


def test_the_chart_draws_paid_against_planned_up_to_the_page_date():
    loan = disbursed_loan(paid_on=dt.date(2013, 3, 15), amount=Decimal("8400.00"))  # 84 × 100
    user = loan.decision.recorded_by
    services.register_payment(
        loan, amount=Decimal("100.00"), paid_on=dt.date(2013, 3, 28), acting_user=user
    )
    summary = loan_summary(loan, dt.date(2013, 5, 20))
    chart = paid_against_planned(summary)
    assert chart["planned_total"] == Decimal("8400.00")
    assert chart["planned_to_date"] == Decimal("200.00")  # due 02.04 and 01.05
    assert chart["paid_total"] == Decimal("100.00")
    assert len(chart["planned_points"].split()) == 84
    assert len(chart["paid_points"].split()) == 2  # only the due dates up to the page's date
    # The second due date: planned climbed to 200, paid stayed at 100 (a lower line, larger y).
    planned_y = float(chart["planned_points"].split()[1].split(",")[1])
    paid_y = float(chart["paid_points"].split()[1].split(",")[1])
    assert paid_y > planned_y
    # The next instalment is the first one not paid in full: May's, overdue.
    upcoming = next_instalment(summary)
    assert upcoming["due_date"] == dt.date(2013, 5, 1) and upcoming["status"] == "overdue"


def test_no_chart_before_the_payout():
    from mikrolaan.loans.tests.factories import granted_loan

    summary = loan_summary(granted_loan(), dt.date(2013, 5, 20))
    assert paid_against_planned(summary) is None and next_instalment(summary) is None
