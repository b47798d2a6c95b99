"""The project leader's walk from budgets to a granted loan, in real Chromium (Danish UI)."""

import pytest
from django.urls import reverse

from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.view_helpers import case_page_url
from mikrolaan.decisions.tests.factories import case_in_pre_course

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def fill_three_ps(page, person, money, plan, overall):
    for field, colour in (
        ("person_colour", person),
        ("money_colour", money),
        ("plan_colour", plan),
        ("colour", overall),
    ):
        index = ["green", "yellow", "red"].index(colour)
        page.check(f"#id_{field}_{index}")
    page.fill("#id_person_reason", "Meget motiveret, har syet i 20 år.")
    page.fill("#id_money_reason", "Lånebehovet er dokumenteret.")
    page.fill("#id_plan_reason", "Kunder i lokalområdet.")


def test_budgets_yellow_resubmission_green_and_two_approvals(page, login, project_leader):
    caseworker = UserFactory(username="ydelse", role="benefits_caseworker")
    case = case_in_pre_course()
    case_url = case_page_url(case)

    login(project_leader)
    page.goto(case_url)
    page.click("text=Indtast budgetter")
    page.fill("#id_establishment", "Symaskine; 12.500\nStof og tilbehør; 8.000")
    page.fill("#id_own_funds", "2.000")
    page.fill("#id_income", "Syopgaver; 120.000")
    page.fill("#id_costs", "Husleje; 36.000")
    # The review's red flag: the loan pays for living, sales are hoped for later.
    page.fill("#id_m-0-loan", "50.000")
    for month in range(4):
        page.fill(f"#id_m-{month}-living_costs", "11.000")
    page.fill("#id_m-4-sales", "45.000")
    page.fill("#id_m-4-living_costs", "11.000")
    page.click("[data-testid=save-budget]")
    page.wait_for_selector("[data-testid=section-budgets]")
    assert "Budgetversion 1 er gemt." in page.inner_text("main")
    assert page.locator("[data-testid=red-flag]").is_visible()
    assert "Rødt flag" in page.inner_text("[data-testid=budget-version-1]")

    # Round 1: yellow, with feedback.
    page.click("text=Træf afgørelse om budgettet")
    fill_three_ps(page, "green", "yellow", "yellow", "yellow")
    page.click("[data-testid=save-decision]")
    assert "En gul afgørelse kræver en tilbagemelding" in page.inner_text(
        "[data-testid=error-feedback]"
    )
    page.fill("#id_feedback", "Vis hvordan du klarer de første måneder uden at bruge lånet.")
    page.click("[data-testid=save-decision]")
    page.wait_for_selector("[data-testid=round-1]")
    assert page.inner_text("[data-testid=round-1] [data-testid=round-colour]") == "Gul"
    assert page.locator("[data-testid=awaits-resubmission]").is_visible()
    assert page.locator("text=Træf afgørelse om budgettet").count() == 0

    # The resubmission: version 2, prefilled from version 1; living costs now paid by the grant.
    page.click("text=Ny budgetversion")
    assert page.input_value("#id_m-0-loan") == "50.000,00"
    for month in range(5):
        page.fill(f"#id_m-{month}-living_costs", "2.000")
    page.fill("#id_m-0-costs", "20.500")
    page.fill("#id_m-0-sales", "6.000")
    page.click("[data-testid=save-budget]")
    page.wait_for_selector("[data-testid=budget-version-2]")
    assert page.locator("[data-testid=red-flag]").count() == 0

    # Round 2: green, first with an amount outside the policy and no justification.
    page.click("text=Træf afgørelse om budgettet")
    fill_three_ps(page, "green", "green", "green", "green")
    page.fill("#id_proposed_amount", "51.000")
    page.click("[data-testid=save-decision]")
    error = page.inner_text("[data-testid=error-amount_justification]")
    assert "kræves en skriftlig begrundelse" in error
    page.fill("#id_proposed_amount", "35.000")
    page.click("[data-testid=save-decision]")
    page.wait_for_selector("[data-testid=round-2]")
    assert page.inner_text("[data-testid=round-2] [data-testid=round-colour]") == "Grøn"
    assert page.inner_text("[data-testid=proposed-amount]") == "35.000,00 kr."

    # The project leader approves; the same user cannot approve twice.
    page.click("text=Godkend lånebevillingen")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=grant-approvals]")
    assert "afventer den anden godkendelse" in page.inner_text("[data-testid=message]")
    assert page.locator("text=Godkend lånebevillingen").count() == 0
    decision = case.decisions.get(round_number=2)
    page.goto(reverse("decisions:approve", args=[decision.pk]))
    assert "Du har allerede godkendt denne bevilling" in page.inner_text(
        "[data-testid=approval-refused]"
    )
    assert page.locator("[data-testid=approve]").count() == 0

    # A different user, the benefits caseworker, gives the second approval: granted.
    login(caseworker)
    assert "Lånebevillinger, der venter på min godkendelse" in page.inner_text("main")
    page.goto(case_url)
    page.click("text=Godkend lånebevillingen")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=grant-state]")
    assert page.inner_text("[data-testid=grant-state]") == "Bevilget"
    assert "lånet er bevilget" in page.inner_text("[data-testid=message]")
    case.refresh_from_db()
    assert case.stage == Stage.GRANTED
    assert decision.approvals.count() == 2
