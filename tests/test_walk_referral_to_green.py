"""Issue 2's walk: one citizen from the job consultant's referral to a granted green decision,
each step by the role that owns it, in real Chromium with the Danish interface."""

import datetime as dt

import pytest
from django.utils import timezone

from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.cases.models import Case
from mikrolaan.cases.tests.test_browser import SUBMIT, fill_three_ps
from mikrolaan.courses.services import self_development_deadline
from mikrolaan.courses.tests.factories import CohortFactory
from mikrolaan.decisions.tests.test_decision_browser import fill_three_ps as fill_decision

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_citizen_walks_from_referral_to_a_granted_green_decision(
    page, login, job_consultant, knowledge_person, project_leader
):
    caseworker = UserFactory(username="ydelse", role="benefits_caseworker")
    today = timezone.localdate()
    cohort = CohortFactory(
        code="M20",
        pre_course_start=today - dt.timedelta(days=5),
        main_course_start=today + dt.timedelta(days=100),
        main_course_end=today + dt.timedelta(days=280),
    )

    login(job_consultant)
    page.click("text=Registrér og henvis en borger")
    page.fill("#id_cpr", "0207801234")
    page.fill("#id_first_name", "Yasmin")
    page.fill("#id_last_name", "Holt")
    page.click(SUBMIT)
    page.click("label[for=id_origin_0]")  # she raised self-employment herself
    page.fill("#id_idea", "Mobil cykelreparation i Aarhus Vest.")
    page.click(SUBMIT)
    page.wait_for_selector("[data-testid=case-stage]")
    case = Case.objects.get(citizen__last_name="Holt")
    assert case.citizen.gender == "F" and case.citizen.birth_date == dt.date(1980, 7, 2)

    login(knowledge_person)
    page.goto(f"/cases/{case.pk}/")
    page.click("[data-testid=action-first_screening]")
    fill_three_ps(page)
    page.click(SUBMIT)
    page.click("[data-testid=action-first_conversation]")
    fill_three_ps(page)
    page.click(SUBMIT)
    assert page.inner_text("[data-testid=case-stage]") == "Første samtale holdt"

    login(project_leader)
    page.goto(f"/cases/{case.pk}/")
    page.click("[data-testid=action-final_screening]")
    fill_three_ps(page)
    page.click(SUBMIT)
    page.click("[data-testid=action-assign]")
    page.select_option("#id_cohort", label="M20")
    page.click(SUBMIT)
    deadline = self_development_deadline(cohort)
    page.select_option("#id_activity", label="Selvudviklingskursus (4 dage, internat, HBDI-profil)")
    page.fill("#id_starts_on", (deadline - dt.timedelta(days=3)).isoformat())
    page.fill("#id_ends_on", deadline.isoformat())
    page.click("[data-testid=plan-form] button[type=submit]")
    page.wait_for_selector("text=Aktiviteten er føjet til planen.")
    page.click("[data-testid=complete-plan]")
    page.wait_for_selector("[data-testid=plan-complete]")

    page.goto(f"/cases/{case.pk}/")
    page.click("text=Indtast budgetter")
    page.fill("#id_establishment", "Ladcykel og værktøj; 28.000")
    page.fill("#id_own_funds", "3.000")
    page.fill("#id_income", "Reparationer; 240.000")
    page.fill("#id_costs", "Reservedele; 60.000")
    page.fill("#id_m-0-loan", "25.000")
    page.fill("#id_m-0-costs", "25.000")
    page.fill("#id_m-0-sales", "12.000")
    page.click("[data-testid=save-budget]")
    page.wait_for_selector("[data-testid=budget-version-1]")
    page.click("text=Træf afgørelse om budgettet")
    fill_decision(page, "green", "green", "green", "green")
    page.fill("#id_proposed_amount", "25.000")
    page.click("[data-testid=save-decision]")
    page.wait_for_selector("[data-testid=round-1]")
    assert page.inner_text("[data-testid=round-1] [data-testid=round-colour]") == "Grøn"
    page.click("text=Godkend lånebevillingen")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=grant-approvals]")

    login(caseworker)
    page.goto(f"/cases/{case.pk}/")
    page.click("text=Godkend lånebevillingen")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=grant-state]")
    assert page.inner_text("[data-testid=grant-state]") == "Bevilget"

    # The whole way is on the timeline, each step by the person who took it.
    timeline = page.inner_text("[data-testid=timeline]")
    for step in (
        "Henvisning",
        "Første screening",
        "Første samtale",
        "Endelig screening",
        "Budgetafgørelse",
        "Lånebevilling godkendt",
        "Lån bevilget",
    ):
        assert step in timeline, step
    kinds = list(case.events.order_by("pk").values_list("kind", "recorded_by__username"))
    assert kinds[0] == ("referral", job_consultant.username)
    assert ("first_screening", knowledge_person.username) in kinds
    assert ("final_screening", project_leader.username) in kinds
    assert ("grant_approved", caseworker.username) in kinds
