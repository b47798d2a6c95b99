"""The citizen's way from referral to a pre-course plan, walked in real Chromium."""

import datetime as dt

import pytest
from django.utils import timezone

from mikrolaan.cases.models import Case
from mikrolaan.cases.tests.factories import referred_case
from mikrolaan.courses.services import self_development_deadline
from mikrolaan.courses.tests.factories import CohortFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
SUBMIT = "[data-testid=form] button[type=submit]"


def iso(day: dt.date) -> str:
    return day.isoformat()


def fill_three_ps(page, recommendation=0):
    page.fill("#id_person_assessment", "Motiveret og afklaret; har selv taget initiativet.")
    page.select_option("#id_person_judgement", "strong")
    page.fill("#id_money_assessment", "Lånebehov omkring 30.000 kr. til værktøj.")
    page.select_option("#id_money_judgement", "adequate")
    page.fill("#id_plan_assessment", "Konkret idé med kunder i netværket.")
    page.select_option("#id_plan_judgement", "adequate")
    page.click(f"label[for=id_recommendation_{recommendation}]")


def test_from_referral_to_a_pre_course_plan(
    page, login, job_consultant, knowledge_person, project_leader
):
    today = timezone.localdate()
    cohort = CohortFactory(
        code="M12",
        pre_course_start=today - dt.timedelta(days=10),
        main_course_start=today + dt.timedelta(days=120),
        main_course_end=today + dt.timedelta(days=300),
    )

    # The job consultant registers the citizen and refers her.
    login(job_consultant)
    page.click("text=Registrér og henvis en borger")
    page.fill("#id_cpr", "140375-1002")
    page.fill("#id_first_name", "Birgitte")
    page.fill("#id_last_name", "Kjærsgaard")
    page.fill("#id_phone", "20 30 40 50")
    page.click("label[for=id_digital_post_exempt]")
    page.click(SUBMIT)
    page.wait_for_selector("text=Henvis til mikrolånsforløbet")
    page.click("label[for=id_origin_1]")  # a marked craft
    page.fill("#id_idea", "Værksted for reparation af smykker og smykker efter mål.")
    page.click(SUBMIT)
    assert "Angiv det håndværk" in page.inner_text("[data-testid=error-talent]")
    page.fill("#id_talent", "Uddannet guldsmed")
    page.click(SUBMIT)
    page.wait_for_selector("[data-testid=case-stage]")
    assert page.inner_text("[data-testid=case-stage]") == "Henvist"
    assert "Uddannet guldsmed" in page.inner_text("[data-testid=timeline]")
    assert "14.03.1975" in page.inner_text("[data-testid=citizen-facts]")  # derived from CPR
    case = Case.objects.get(citizen__last_name="Kjærsgaard")

    # The knowledge person finds the referral on her start page and screens.
    login(knowledge_person)
    page.click("[data-testid=panel-awaiting-screening] >> text=Birgitte Kjærsgaard")
    page.click("[data-testid=action-first_screening]")
    fill_three_ps(page)
    page.click(SUBMIT)
    page.wait_for_selector("text=Første screening er registreret.")
    assert page.inner_text("[data-testid=case-stage]") == "Første screening foretaget"
    # A note was wrong: correct it; the timeline keeps both and points from one to the other.
    page.click("[data-testid=correct-first_screening]")
    page.select_option("#id_field", "notes")
    page.fill("#id_value", "Borgeren har allerede faste kunder.")
    page.fill("#id_why", "Noten blev glemt ved screeningen.")
    page.click(SUBMIT)
    page.wait_for_selector("text=Rettelsen er registreret.")
    assert "Retter første screening" in page.inner_text("[data-testid=event-correction]")
    assert page.locator("[data-testid=corrected-by]").count() == 1
    page.click("[data-testid=action-first_conversation]")
    fill_three_ps(page)
    page.click(SUBMIT)
    assert page.inner_text("[data-testid=case-stage]") == "Første samtale holdt"
    # no final screening for her: that is the project leader's
    assert page.locator("[data-testid=action-final_screening]").count() == 0

    # The project leader does the final screening and assigns a cohort.
    login(project_leader)
    page.click("[data-testid=panel-awaiting-final-screening] >> text=Birgitte Kjærsgaard")
    page.click("[data-testid=action-final_screening]")
    fill_three_ps(page)
    page.click(SUBMIT)
    assert page.inner_text("[data-testid=case-stage]") == "Endelig screening foretaget"
    page.click("[data-testid=action-assign]")
    page.select_option("#id_cohort", label="M12")
    page.click(SUBMIT)
    page.wait_for_selector("text=Borgeren er optaget på M12.")

    # The pre-course plan: bookkeeping, then the self-development course, 15 days rule.
    page.select_option("#id_activity", label="Bogførings- og regnskabskursus")
    page.fill("#id_starts_on", iso(today + dt.timedelta(days=7)))
    page.fill("#id_ends_on", iso(today + dt.timedelta(days=56)))
    page.click("[data-testid=plan-form] button[type=submit]")
    page.wait_for_selector("text=Aktiviteten er føjet til planen.")
    page.click("[data-testid=complete-plan]")
    assert "er obligatorisk i alle for-forløbsplaner" in page.inner_text("main")

    deadline = self_development_deadline(cohort)
    page.select_option("#id_activity", label="Selvudviklingskursus (4 dage, internat, HBDI-profil)")
    page.fill("#id_starts_on", iso(deadline - dt.timedelta(days=2)))
    page.fill("#id_ends_on", iso(deadline + dt.timedelta(days=1)))  # 14 days before: too late
    page.click("[data-testid=plan-form] button[type=submit]")
    error = page.inner_text("[data-testid=error-ends_on]")
    assert "skal slutte mindst 15 dage før hovedforløbet starter" in error
    assert deadline.strftime("%d.%m.%Y") in error
    page.fill("#id_starts_on", iso(deadline - dt.timedelta(days=3)))
    page.fill("#id_ends_on", iso(deadline))
    page.click("[data-testid=plan-form] button[type=submit]")
    page.wait_for_selector("text=Aktiviteten er føjet til planen.")
    page.click("[data-testid=complete-plan]")
    page.wait_for_selector("[data-testid=plan-complete]")

    case.refresh_from_db()
    assert case.stage == "pre_course" and case.cohort == cohort
    assert case.pre_course_plan.completed_on == today
    page.goto(f"/cases/{case.pk}/")
    assert page.inner_text("[data-testid=case-stage]") == "For-forløb"
    assert "Selvudviklingskursus" in page.inner_text("[data-testid=plan-activities]")


def test_a_knowledge_person_cannot_open_a_citizen_of_another_unit(
    page, login, knowledge_person, unit, other_unit
):
    mine = referred_case(unit=unit)
    theirs = referred_case(unit=other_unit)
    login(knowledge_person)
    page.goto("/cases/")
    listing = page.inner_text("[data-testid=case-list]")
    assert mine.citizen.full_name in listing
    assert theirs.citizen.full_name not in listing
    response = page.goto(f"/cases/{theirs.pk}/")
    assert response.status == 404
    assert theirs.citizen.full_name not in page.content()
    response = page.goto(f"/cases/citizens/{theirs.citizen.pk}/")
    assert response.status == 404
    # a search does not find her either
    page.goto("/cases/")
    page.fill("input[name=q]", theirs.citizen.last_name)
    page.click("button.button-search")
    page.wait_for_url("**/cases/?s=*")
    assert theirs.citizen.full_name not in page.inner_text("main")
