"""The finance clerk imports a statement in the browser and resolves a queued payment."""

from decimal import Decimal

import pytest

from mikrolaan.banking.tests.conftest import make_loan
from mikrolaan.banking.tests.statements import camt053, pay
from mikrolaan.jobs.testing import run_waiting_jobs
from mikrolaan.loans import payment_id
from mikrolaan.loans.ledger import balance

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_clerk_uploads_a_statement_and_posts_a_queued_payment_to_a_loan(
    page, login, finance_clerk, tmp_path
):
    paid_right = make_loan("20000.00")
    typo_loan = make_loan("15000.00")
    wrong_id = payment_id.make(77777777)
    statement = tmp_path / "nordea-2026-11-25.xml"
    statement.write_bytes(
        camt053(
            [
                pay(paid_right, "1250.00", debtor="Anne Sørensen"),
                pay(None, "800.00", payment_id=wrong_id, debtor="Bo Jensen"),
            ]
        )
    )
    login(finance_clerk)
    assert page.locator("a.nav-link[href='/banking/']", has_text="Indbetalinger").count()
    panel = page.locator("[data-testid=panel-payment-queue]")
    assert "Indbetalinger i køen (0)" in panel.inner_text()
    panel.locator("text=Gå til indbetalingskøen").click()
    page.wait_for_selector("text=Ingen indbetalinger venter.")
    page.click("text=Indlæs et kontoudtog")
    page.set_input_files("#id_file", str(statement))
    page.click("button:has-text('Indlæs')")
    # The import is a background job: its page waits for the worker, then shows the result.
    page.wait_for_selector("[data-testid=job-progress][data-status=queued]")
    assert "Venter på at starte" in page.inner_text("[data-testid=job-progress]")
    run_waiting_jobs()
    page.wait_for_selector("[data-testid=result]")  # the page asked again by itself
    assert "1 bogført, 1 i køen" in page.inner_text("[data-testid=result]")
    assert "ukendt betalings-ID: 1" in page.inner_text("[data-testid=queued]")
    page.click("text=Vis kontoudtoget")
    table = page.inner_text("[data-testid=statement-entries]")
    assert "Bogført på et lån" in table and paid_right.loan_ref in table
    assert f"Intet lån har betalings-ID {wrong_id}." in table

    page.click("text=Gå til indbetalingskøen")
    queue = page.inner_text("[data-testid=queue]")
    assert "Bo Jensen" in queue and "800,00 kr." in queue
    page.click("[data-testid=queue] >> text=Behandl")
    page.fill("#id_post-loan", typo_loan.loan_ref)
    page.fill("#id_post-why", "Borgeren har oplyst, at betalings-ID'et blev tastet forkert.")
    page.click("button:has-text('Bogfør på lånet')")
    page.wait_for_selector("text=Ingen indbetalinger venter.")
    assert f"Bogført på lån {typo_loan.loan_ref}." in page.inner_text("[data-testid=message]")
    assert balance(paid_right) == Decimal("18750.00")
    assert balance(typo_loan) == Decimal("14200.00")
