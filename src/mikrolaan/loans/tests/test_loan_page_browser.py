import datetime as dt
from decimal import Decimal

import pytest

from mikrolaan.loans.tests.factories import granted_loan, ready_for_payout

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_record_a_payout_on_the_loan_page_and_see_the_plan(page, login, finance_clerk):
    loan = granted_loan(amount=Decimal("8400.00"))
    login(finance_clerk)
    page.goto("/loans/")
    page.click(f"text={loan.loan_ref}")
    assert page.locator("[data-testid=loan-status]").inner_text() == "Bevilget, ikke udbetalt"
    form = page.locator("[data-testid=payout-form]")
    form.locator("input[name=paid_on]").fill("2013-03-15")
    form.locator("button[type=submit]").click()
    # Not before the main course has started and the citizen is declared fit for work.
    refusal = page.locator("[data-testid=payout-form] .alert-error").inner_text()
    assert "Hovedforløbet er ikke startet" in refusal and "raskmeldt" in refusal
    assert page.locator("[data-testid=loan-status]").inner_text() == "Bevilget, ikke udbetalt"

    ready_for_payout(loan, on=dt.date(2013, 3, 15))
    form.locator("input[name=paid_on]").fill("2013-03-15")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=loan-overview]")
    # The overview: the next instalment and the chart; the 84 instalments are folded away.
    next_instalment = page.locator("[data-testid=next-instalment]").inner_text()
    assert "100,00 kr." in next_instalment and "02.04.2013" in next_instalment
    assert page.locator("[data-testid=paid-chart] svg polyline").count() >= 1
    assert not page.locator("[data-testid=plan]").is_visible()
    page.locator("[data-testid=plan-details] summary").click()
    page.locator("[data-testid=plan]").wait_for(state="visible")
    assert "Udbetalingen er registreret" in page.locator("[data-testid=message]").inner_text()
    assert page.locator("[data-testid=loan-status]").inner_text() == "Under tilbagebetaling"
    rows = page.locator("[data-testid=plan] tbody tr")
    assert rows.count() == 84
    assert "02.04.2013" in rows.first.inner_text()  # 1 April 2013 was Easter Monday
    assert "100,00" in rows.first.inner_text()
    assert page.locator("[data-testid=disbursed-on]").inner_text() == "15.03.2013"
