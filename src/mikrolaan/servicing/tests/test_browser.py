"""The finance clerk sees the first reminder; the project leader gets the task and does it.

Starts from a paid-out loan made with ``loans``' services; the lead joins the two approvals and
the payout in front of it after merging."""

import datetime as dt

import pytest

from mikrolaan.policy.models import LoanPolicy
from mikrolaan.servicing.models import Task, TaskEvent
from mikrolaan.servicing.run import run
from mikrolaan.servicing.tests.factories import FIRST_DUE, paid_out_loan

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_missed_instalment_to_reminder_to_the_project_leaders_task(
    page, login, finance_clerk, project_leader
):
    # A flush after another transactional test removes the policy the migrations load.
    LoanPolicy.objects.get_or_create(
        valid_from=dt.date(2013, 1, 1),
        defaults={"name": "Mikrolån 3.0", "legal_basis": "LAS § 65"},
    )
    loan = paid_out_loan()
    citizen = loan.citizen
    run(FIRST_DUE + dt.timedelta(days=10))

    login(finance_clerk)
    page.goto("/servicing/")
    row = page.locator("[data-testid=reminder-row]", has_text=loan.loan_ref)
    assert row.count() == 1
    text = row.inner_text()
    assert "Rykker 1" in text and "100,00 kr." in text and "Leveret" in text

    # Delivered on the day; 14 days (the policy) pass without a payment.
    run(FIRST_DUE + dt.timedelta(days=24))
    assert Task.objects.filter(loan=loan, reason="no_payment").count() == 1

    login(project_leader)
    panel = page.locator("[data-testid=panel-servicing-tasks]")
    panel_text = panel.inner_text()
    assert citizen.full_name in panel_text
    assert "Ingen indbetaling efter en leveret rykker" in panel_text
    assert loan.loan_ref in panel_text and citizen.phone in panel_text
    panel.locator("a", has_text="Kontakt borgeren personligt").first.click()
    page.fill("textarea[name=note]", "Talt med borgeren i telefonen; betaler fredag.")
    page.get_by_role("button", name="Markér som udført").click()
    page.wait_for_selector("[data-testid=no-tasks]")
    assert "Opgaven er markeret som udført" in page.inner_text("[data-testid=message]")
    task = Task.objects.get(loan=loan)
    assert task.status == "done"
    assert list(TaskEvent.objects.filter(task=task).values_list("kind", flat=True)) == [
        "created",
        "done",
    ]
