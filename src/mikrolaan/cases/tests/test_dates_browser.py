"""Issue 9's dead end, in the browser: a referral dated in the future is refused; a referral
with a wrong date is corrected, and the screening can then be registered; a case closed as
registered in error is not a dropout."""

import datetime as dt

import pytest
from django.utils import timezone

from mikrolaan.cases.constants import Stage
from mikrolaan.cases.models import Case
from mikrolaan.cases.tests.test_browser import SUBMIT, fill_three_ps
from mikrolaan.outcomes.funnel import compute_funnel
from mikrolaan.people.tests.factories import CitizenFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_wrong_referral_date_is_corrected_instead_of_a_dropout(
    page, login, job_consultant, knowledge_person
):
    today = timezone.localdate()
    citizen = CitizenFactory(unit=job_consultant.unit, first_name="Mira", last_name="Dahl")

    login(job_consultant)
    page.goto(f"/cases/citizens/{citizen.pk}/refer/")
    page.fill("#id_referred_on", (today + dt.timedelta(days=90)).isoformat())
    page.click("label[for=id_origin_0]")
    page.fill("#id_idea", "Syværksted med reparationer og redesign.")
    page.click(SUBMIT)
    page.wait_for_selector("text=En henvisning kan ikke dateres i fremtiden")
    assert not Case.objects.exists()
    page.fill("#id_referred_on", (today - dt.timedelta(days=1)).isoformat())  # still a typo
    page.click(SUBMIT)
    page.wait_for_selector("[data-testid=case-stage]")
    case = Case.objects.get(citizen=citizen)

    login(knowledge_person)
    page.goto(f"/cases/{case.pk}/")
    page.click("[data-testid=action-first_screening]")
    page.fill("#id_occurred_on", (today - dt.timedelta(days=10)).isoformat())
    fill_three_ps(page)
    page.click(SUBMIT)
    page.wait_for_selector("text=Datoen ligger før henvisningen")

    page.goto(f"/cases/{case.pk}/")
    page.click("[data-testid=correct-date-referral]")
    page.fill("#id_new_date", (today - dt.timedelta(days=20)).isoformat())
    page.fill("#id_why", "Tastefejl: henvisningen kom for tre uger siden.")
    page.click(SUBMIT)
    page.wait_for_selector("[data-testid=corrected-by]")
    page.click("[data-testid=action-first_screening]")
    page.fill("#id_occurred_on", (today - dt.timedelta(days=10)).isoformat())
    fill_three_ps(page)
    page.click(SUBMIT)
    page.wait_for_selector("[data-testid=case-stage]")
    case.refresh_from_db()
    assert case.stage == Stage.FIRST_SCREENING
    assert case.opened_on == today - dt.timedelta(days=20)

    page.click("[data-testid=action-registered-in-error]")
    page.fill("#id_why", "Borgeren blev henvist to gange.")
    page.click(SUBMIT)
    assert page.inner_text("[data-testid=case-stage]") == "Registreret ved en fejl"
    assert page.locator("[data-testid=action-dropout]").count() == 0
    totals = compute_funnel(today)["totals"]
    assert totals["referred"] == 0 and totals["dropouts"] == 0
