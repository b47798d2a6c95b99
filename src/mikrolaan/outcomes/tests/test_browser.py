import datetime as dt

import pytest

from mikrolaan.outcomes.models import SupportSpell
from mikrolaan.outcomes.tests import factories as f
from mikrolaan.outcomes.views import case_page_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def record(page, status, start, source, end=""):
    # The button in the section (this app's page) or the case page's action (intake's page).
    page.locator(
        "[data-testid=record-support-status], [data-testid=action-record-support-status]"
    ).first.click()
    page.select_option("#id_status", status)
    page.fill("#id_start", start)
    page.fill("#id_end", end)
    page.fill("#id_source", source)
    page.click("[data-testid=save]")


def test_a_project_leader_records_a_support_status_and_an_overlap_is_refused(
    page, login, unit, project_leader
):
    case = f.case(unit, opened_on=dt.date(2025, 1, 6), referral_event=False)
    login(project_leader)
    page.goto(case_page_url(case))
    section = page.locator("[data-testid=support-spells]")
    assert "Der er ikke registreret nogen forsørgelsesstatus." in section.inner_text()

    record(page, "self_supporting_business", "2026-01-01", "CVR-registret", end="2026-06-30")
    page.wait_for_selector("[data-testid=message]")
    assert "Forsørgelsesstatussen er registreret." in page.inner_text("[data-testid=message]")
    row = page.locator("[data-testid=spell-row]").first
    assert "Selvforsørgende gennem virksomheden" in row.inner_text()
    assert "01.01.2026" in row.inner_text() and "30.06.2026" in row.inner_text()
    assert "CVR-registret" in row.inner_text()

    record(page, "public_support", "2026-06-01", "Borgeren")
    error = page.locator("[data-testid=error-start]")
    error.wait_for()
    assert (
        "overlapper den registrerede periode »Selvforsørgende gennem virksomheden« "
        "01.01.2026 – 30.06.2026" in error.inner_text()
    )
    assert SupportSpell.objects.count() == 1

    page.fill("#id_start", "2026-07-01")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=message]")
    assert page.locator("[data-testid=spell-row]").count() == 2
    assert "På offentlig forsørgelse" in page.inner_text("[data-testid=current-status]")


def test_an_evaluator_reaches_the_aggregates_but_no_case(page, login, unit, evaluator):
    case = f.case(unit, referral_event=False)
    login(evaluator)
    response = page.goto(case_page_url(case))
    assert response.status in (403, 404)
    response = page.goto("/outcomes/economics/")
    assert response.status == 200
    assert page.locator("[data-testid=assumptions]").is_visible()
    assert page.locator("a.nav-link[href='/outcomes/funnel/']").count() >= 1  # the menu entry
    page.click("text=Tragten fra henvisning til lån")
    assert "Tragten fra henvisning til lån" in page.inner_text("h1")
