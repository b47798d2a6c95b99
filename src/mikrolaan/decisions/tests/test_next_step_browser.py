"""In Chromium: the second approver refuses the grant with a reason; the next-step box on the
case page and the loan page, for the role that acts and for the others."""

import datetime as dt

import pytest
from django.urls import reverse

from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.decisions.tests.factories import green_decision
from mikrolaan.loans.tests.factories import granted_loan, ready_for_payout

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

BOX = "[data-testid=next-step]"


def test_first_approval_then_the_second_approver_refuses(page, login, project_leader):
    caseworker = UserFactory(username="ydelse", role="benefits_caseworker")
    decision = green_decision(project_leader)
    case_url = reverse("cases:detail", args=[decision.case.pk])

    login(project_leader)
    page.goto(case_url)
    page.click(f"{BOX} [data-testid=next-step-action]")
    page.fill("#id_note", "Budgettet hænger sammen.")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=case-title]")
    box = page.inner_text(BOX)
    assert "Én godkendelse er givet" in box and "ydelsessagsbehandler" in box
    assert page.locator(f"{BOX} [data-testid=next-step-action]").count() == 0

    login(caseworker)
    page.goto(case_url)
    page.click(f"{BOX} [data-testid=next-step-action]")
    assert "Motiveret og vedholdende." in page.inner_text("[data-testid=basis-three-ps]")
    assert page.locator("[data-testid=basis-budget]").is_visible()
    assert "Budgettet hænger sammen." in page.inner_text("[data-testid=basis-approvals]")
    page.click("[data-testid=refuse]")  # no reason: refused, nothing changes
    page.wait_for_selector("[data-testid=form-errors]")  # is_visible() would not wait
    page.fill("#id_reason", "Forsørgelsen i de første måneder er ikke afklaret.")
    page.click("[data-testid=refuse]")
    page.wait_for_selector("[data-testid=case-title]")
    assert page.get_attribute(BOX, "data-step") == "decide-again"
    assert "ikke afklaret" in page.inner_text(BOX)
    assert page.inner_text("[data-testid=grant-state]").startswith("Afvist af")

    login(project_leader)
    page.goto(case_url)
    page.click(f"{BOX} [data-testid=next-step-action]")
    page.wait_for_url(f"**{reverse('decisions:decide', args=[decision.case.pk])}")


def test_the_next_step_box_on_the_case_and_loan_pages(page, login, project_leader, finance_clerk):
    loan = granted_loan(project_leader=project_leader)
    ready_for_payout(loan, on=dt.date(2013, 3, 10))

    login(project_leader)
    page.goto(reverse("cases:detail", args=[loan.case.pk]))
    assert "Klar til udbetaling" in page.inner_text(BOX)
    assert "debitorsagsbehandler" in page.inner_text("[data-testid=next-step-not-you]")
    page.click("[data-testid=case-loan-link] a")
    page.wait_for_selector("[data-testid=loan-status]")
    assert page.get_attribute(BOX, "data-step") == "payout"

    login(finance_clerk)
    page.goto(reverse("loans:detail", args=[loan.pk]))
    page.click(f"{BOX} [data-testid=next-step-action]")
    assert page.url.endswith("#payout")
    page.click("[data-testid=loan-case-link]")
    page.wait_for_selector("[data-testid=case-title]")
    assert page.get_attribute(BOX, "data-step") == "payout"
