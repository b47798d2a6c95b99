"""Issue 9's walk, its last part: the payout, a bank payment and a deferral of one new loan,
each by the role that does it, in real Chromium — every page on the way in Danish (no English
word, no raw statement id). The walk from referral to the granted loan is
``test_walk_referral_to_green.py``; approvals and the main-course start are in
``test_walk_loan_to_reminder_task.py``.

With MIKROLAAN_SCREENSHOTS=DIR the pages on the way are saved there, to look at."""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from mikrolaan.banking.samples import csv_statement
from mikrolaan.jobs.testing import run_waiting_jobs
from mikrolaan.loans.models import LoanStatus
from mikrolaan.loans.tests.factories import granted_loan, ready_for_payout
from mikrolaan.web.tests.english import english_in, english_msgids

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_payout_a_bank_payment_and_a_deferral_each_by_its_role(
    page, login, finance_clerk, project_leader, tmp_path
):
    page.set_default_timeout(60_000)  # the payout renders the letter: slow on a busy machine
    english = english_msgids()
    shots = os.environ.get("MIKROLAAN_SCREENSHOTS")

    def danish_page(name: str) -> str:
        text = page.inner_text("main")
        assert english_in(text, english) == [], name
        if shots:
            page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)
        return text

    today = timezone.localdate()
    paid_on = today - dt.timedelta(days=45)
    loan = granted_loan(decided_on=paid_on - dt.timedelta(days=10))
    ready_for_payout(loan, on=paid_on)

    # The finance clerk pays out on the loan page.
    login(finance_clerk)
    page.goto(f"/loans/{loan.pk}/")
    danish_page("1-loan-granted")
    form = page.locator("[data-testid=payout-form]")
    form.locator("input[name=paid_on]").fill(paid_on.isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=loan-overview]")
    assert page.inner_text("[data-testid=loan-status]") == "Under tilbagebetaling"
    danish_page("2-loan-paid-out")

    # The bank's statement brings the citizen's first payment; the clerk imports it.
    statement = tmp_path / "kontoudtog.csv"
    rows = [(f"{today:%d.%m.%Y}", "450,00", f"+71 {loan.payment_id}")]
    statement.write_bytes(csv_statement(rows))
    page.goto("/banking/")
    page.click("text=Indlæs et kontoudtog")
    page.set_input_files("#id_file", str(statement))
    page.click("button:has-text('Indlæs')")
    # The import is a background job: its page shows the result once the worker has run it.
    page.wait_for_selector("[data-testid=job-progress]")
    run_waiting_jobs()
    page.wait_for_selector("[data-testid=result]")
    assert "1 bogført" in page.inner_text("[data-testid=result]")
    danish_page("3-statement")
    page.goto(f"/loans/{loan.pk}/")
    text = danish_page("4-loan-with-payment")
    assert f"Kontoudtog {today:%d.%m.%Y}, linje 2" in page.content()
    assert not re.search(r"csv:[0-9a-f]{6}", page.content())
    assert "450,00 kr." in text

    # The project leader grants a deferral of two months.
    login(project_leader)
    page.goto(f"/loans/{loan.pk}/")
    deferral = page.locator("[data-testid=deferral-form]")
    first = deferral.locator("select[name=first_month] option").first.inner_text()
    deferral.locator("input[name=months]").fill("2")
    deferral.locator("[name=reason]").fill("Sæsonen er kommet sent i gang.")
    deferral.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=message]")
    danish_page("5-loan-deferred")
    assert f"{first}" in page.inner_text("main")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE and loan.deferrals.count() == 1

    # One arrears figure: the loan page's and the case page's loan table agree (a deferral
    # cannot take back the instalment that fell due today).
    arrears = page.inner_text("[data-testid=arrears]")

    # The case's timeline tells the same story, in Danish.
    page.goto(f"/cases/{loan.case.pk}/")
    timeline = danish_page("6-case")
    assert page.inner_text("[data-testid=case-loan-arrears]") == arrears
    assert loan.loan_ref in timeline
    assert page.locator("[data-testid=fit-for-payout]").count() == 0  # paid out: not "ready"
