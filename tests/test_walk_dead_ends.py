"""Issue 9's dead ends that had no browser test, in real Chromium with the Danish interface:
a fit-for-work date in the future is refused by name; a screening's three judgements start
empty and the form refuses without them; the deferral month list skips no month."""

import datetime as dt

import pytest
from django.utils import timezone

from mikrolaan.cases.constants import Stage
from mikrolaan.cases.tests.factories import referred_case
from mikrolaan.cases.tests.test_browser import SUBMIT
from mikrolaan.decisions.main_course import start_main_course
from mikrolaan.decisions.tests.factories import granted_decision
from mikrolaan.loans.tests.factories import disbursed_loan

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_fit_for_work_date_in_the_future_is_refused_in_danish(
    page, login, project_leader, benefits_caseworker
):
    today = timezone.localdate()
    case = granted_decision(project_leader, benefits_caseworker).case
    start = case.cohort.main_course_start
    start_main_course(
        case, started_on=start, cvr="30011228", subsistence_months=6, acting_user=project_leader
    )

    login(project_leader)
    page.goto(f"/decisions/fit-for-work/{case.pk}/")
    page.fill("#id_confirmed_on", (today + dt.timedelta(days=60)).isoformat())
    page.click("form[novalidate] button[type=submit]")
    page.wait_for_selector("text=En raskmelding kan ikke dateres i fremtiden")
    assert not case.fit_for_work.exists()


def test_the_three_judgements_start_empty_and_are_required(page, login, knowledge_person):
    today = timezone.localdate()
    case = referred_case(unit=knowledge_person.unit, referred_on=today - dt.timedelta(days=7))
    login(knowledge_person)
    page.goto(f"/cases/{case.pk}/")
    page.click("[data-testid=action-first_screening]")
    for name in ("person", "money", "plan"):
        assert page.input_value(f"#id_{name}_judgement") == ""
    page.fill("#id_person_assessment", "Motiveret og afklaret.")
    page.fill("#id_money_assessment", "Lånebehov omkring 30.000 kr.")
    page.fill("#id_plan_assessment", "Konkret idé med kunder i netværket.")
    page.click("label[for=id_recommendation_0]")
    page.click(SUBMIT)
    page.wait_for_selector("text=Vælg din vurdering af personen.")
    for text in ("Vælg din vurdering af pengene.", "Vælg din vurdering af planen."):
        assert page.locator(f"text={text}").count() == 1, text
    case.refresh_from_db()
    assert case.stage == Stage.REFERRED and not case.events.filter(kind="first_screening")


def test_the_deferral_month_list_has_every_month(page, login, project_leader):
    today = timezone.localdate()
    loan = disbursed_loan(paid_on=today - dt.timedelta(days=20), acting_user=project_leader)
    login(project_leader)
    page.goto(f"/loans/{loan.pk}/")
    options = page.locator("[data-testid=deferral-form] select[name=first_month] option")
    months = [dt.date.fromisoformat(v) for v in options.evaluate_all("os => os.map(o => o.value)")]
    labels = options.all_inner_texts()
    assert len(months) >= 12
    for before, after in zip(months, months[1:], strict=False):
        step = (after.year - before.year) * 12 + after.month - before.month
        assert step == 1, f"{before:%m/%Y} → {after:%m/%Y}"
    assert labels[0] == f"{months[0]:%m/%Y}"
    if "08/2028" in labels:  # the month after which the old list skipped one
        assert labels[labels.index("08/2028") + 1] == "09/2028"
