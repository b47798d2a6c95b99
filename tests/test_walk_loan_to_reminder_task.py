"""Issue 3's walk: a green decision's two approvals, the main-course start, the payout, a
missed instalment and the first reminder, to the project leader's task — in real Chromium.

The daily servicing run is what the scheduler starts every bank day; here the test starts it
for the days it needs, as ``mikrolaan servicing run --date D`` would."""

import datetime as dt

import pytest
from django.utils import timezone

from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.decisions.tests.factories import green_decision
from mikrolaan.loans.models import Loan, LoanStatus
from mikrolaan.servicing.models import Reminder, Task
from mikrolaan.servicing.run import run

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_from_two_approvals_through_payout_and_a_missed_instalment_to_the_task(
    page, login, project_leader, finance_clerk
):
    caseworker = UserFactory(username="ydelse", role="benefits_caseworker")
    decision = green_decision(project_leader)
    case = decision.case
    case.citizen.phone = "28 44 19 07"
    case.citizen.save()
    today = timezone.localdate()

    # Two approvals, by two people in two roles.
    login(project_leader)
    page.goto(f"/cases/{case.pk}/")
    page.click("text=Godkend lånebevillingen")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=grant-approvals]")
    login(caseworker)
    page.goto(f"/cases/{case.pk}/")
    page.click("text=Godkend lånebevillingen")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=grant-state]")
    assert page.inner_text("[data-testid=grant-state]") == "Bevilget"

    # The main course starts; the citizen is declared fit for work; the loan is set up.
    # (on the cohort's first main-course day: a start outside the main course is refused)
    started = case.cohort.main_course_start
    page.click("text=Start hovedforløbet")
    page.fill("#id_started_on", started.isoformat())
    page.fill("#id_cvr", "39475146")
    page.fill("#id_subsistence_months", "6")
    page.fill("#id_fit_for_work_on", started.isoformat())
    page.click("text=Registrér starten")
    page.wait_for_selector("[data-testid=case-stage]")
    assert page.inner_text("[data-testid=case-stage]") == "Hovedforløb"
    login(project_leader)
    page.goto(f"/cases/{case.pk}/")
    page.click("text=Opret lån")
    page.click("button:has-text('Opret lån')")
    loan = Loan.objects.get(case=case)
    assert loan.status == LoanStatus.GRANTED and loan.payment_id

    # The finance clerk records the payout on the loan page: the plan appears.
    login(finance_clerk)
    page.goto(f"/loans/{loan.pk}/")
    form = page.locator("[data-testid=payout-form]")
    form.locator("input[name=paid_on]").fill(today.isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=plan]", state="attached")  # folded by default
    loan.refresh_from_db()
    assert loan.status == LoanStatus.ACTIVE
    first_due = loan.repayment_start
    assert first_due > today

    # Nothing is paid. Ten days after the first due date the run sends the first reminder.
    run(first_due + dt.timedelta(days=9))
    assert not Reminder.objects.filter(loan=loan).exists()
    run(first_due + dt.timedelta(days=10))
    page.goto("/servicing/")
    row = page.locator("[data-testid=reminder-row]", has_text=loan.loan_ref)
    assert row.count() == 1
    assert "Rykker 1" in row.inner_text()

    # The reminder was delivered; the policy's 14 days pass without a payment: a task for
    # the project leader to reach the citizen in person, before any hand-over.
    run(first_due + dt.timedelta(days=24))
    task = Task.objects.get(loan=loan)
    login(project_leader)
    panel = page.locator("[data-testid=panel-servicing-tasks]")
    assert case.citizen.full_name in panel.inner_text()
    assert "28 44 19 07" in panel.inner_text()
    panel.locator("a", has_text="Kontakt borgeren personligt").first.click()
    page.fill("textarea[name=note]", "Talt med borgeren; betaler restancen på fredag.")
    page.get_by_role("button", name="Markér som udført").click()
    page.wait_for_selector("[data-testid=no-tasks]")
    task.refresh_from_db()
    assert task.status == "done"
