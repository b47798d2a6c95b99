"""Dates that make sense (issue 9, point 2): the date rules, date corrections, and closing a
case registered in error without it counting anywhere."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.cases import date_rules
from mikrolaan.cases.constants import EventKind, Judgement, Recommendation, Stage
from mikrolaan.cases.forms import ScreeningForm
from mikrolaan.cases.models import Case, CaseEvent
from mikrolaan.cases.services import (
    close_as_registered_in_error,
    correct_event_date,
    event_date,
    record_dropout,
    record_screening,
)
from mikrolaan.cases.tests.factories import referred_case, screen
from mikrolaan.outcomes.funnel import compute_funnel

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAYS = dt.timedelta


# --- the rules themselves --------------------------------------------------------------------


def test_rules_name_what_they_compare_with():
    day = dt.date(2026, 3, 1)
    with translation.override("da"):
        assert date_rules.not_future(day, "En henvisning", on=dt.date(2026, 2, 1)) == (
            "En henvisning kan ikke dateres i fremtiden (i dag er 01.02.2026)."
        )
        assert date_rules.not_before(day, dt.date(2026, 3, 2), "henvisningen") == (
            "Datoen ligger før henvisningen (02.03.2026)."
        )
        assert "uden for" in date_rules.within(
            day, dt.date(2026, 4, 1), dt.date(2026, 9, 30), "hovedforløbet"
        )
    assert date_rules.not_future(day, "x", on=day) is None
    assert date_rules.not_before(day, day, "x") is None
    assert date_rules.not_after(day, None, "x") is None
    assert date_rules.check(a=[None, "first", "second"], b=[None]) == {"a": "first"}


# --- referral, screenings, dropout -----------------------------------------------------------


def test_a_referral_in_the_future_is_refused(job_consultant):
    with pytest.raises(ValidationError) as err:
        referred_case(job_consultant=job_consultant, referred_on=TODAY + DAYS(1))
    assert list(err.value.message_dict) == ["referred_on"]
    assert not Case.objects.exists()
    referred_case(job_consultant=job_consultant, referred_on=TODAY)  # today is fine


def test_a_screening_is_not_in_the_future_nor_before_the_referral_or_the_step_before(
    unit, knowledge_person
):
    case = referred_case(unit=unit, referred_on=TODAY - DAYS(30))
    for day in (TODAY + DAYS(1), TODAY - DAYS(31)):
        with pytest.raises(ValidationError) as err:
            screen(case, EventKind.FIRST_SCREENING, on=day, user=knowledge_person)
        assert list(err.value.message_dict) == ["occurred_on"]
    screen(case, EventKind.FIRST_SCREENING, on=TODAY - DAYS(10), user=knowledge_person)
    with translation.override("da"), pytest.raises(ValidationError) as err:
        screen(case, EventKind.FIRST_CONVERSATION, on=TODAY - DAYS(11), user=knowledge_person)
    assert "Første screening" in err.value.message_dict["occurred_on"][0]
    case.refresh_from_db()
    assert case.stage == Stage.FIRST_SCREENING


def test_a_dropout_in_the_future_is_refused(unit, knowledge_person):
    case = referred_case(unit=unit, referred_on=TODAY - DAYS(5))
    with pytest.raises(ValidationError) as err:
        record_dropout(
            case,
            dropped_on=TODAY + DAYS(3),
            reason="other",
            destination="other",
            acting_user=knowledge_person,
        )
    assert list(err.value.message_dict) == ["dropped_on"]
    assert case.stage == Stage.REFERRED


# --- no judgement pre-filled -----------------------------------------------------------------


def test_the_three_ps_start_empty_and_must_be_chosen(unit, knowledge_person):
    form = ScreeningForm()
    for name in ("person_judgement", "money_judgement", "plan_judgement"):
        assert form[name].value() is None
        assert form.fields[name].choices[0][0] == ""
    assert form["recommendation"].value() is None
    with translation.override("da"):
        form = ScreeningForm({"occurred_on": TODAY.isoformat(), "person_judgement": "strong"})
        assert not form.is_valid()
        assert form.errors["money_judgement"] == ["Vælg din vurdering af pengene."]
    case = referred_case(unit=unit, referred_on=TODAY - DAYS(5))
    with pytest.raises(ValidationError) as err:
        record_screening(
            case,
            kind=EventKind.FIRST_SCREENING,
            occurred_on=TODAY,
            person_assessment="a",
            person_judgement="",
            money_assessment="b",
            money_judgement=Judgement.STRONG,
            plan_assessment="c",
            plan_judgement=Judgement.STRONG,
            recommendation=Recommendation.RECOMMEND,
            acting_user=knowledge_person,
        )
    assert list(err.value.message_dict) == ["person_judgement"]


def test_the_screening_page_shows_no_judgement_chosen(client, unit, knowledge_person):
    case = referred_case(unit=unit, referred_on=TODAY - DAYS(5))
    client.force_login(knowledge_person)
    html = client.get(reverse("cases:screening", args=[case.pk, "first_screening"]))
    html = html.content.decode()
    assert html.count('<option value="" selected>') == 3
    for value in Judgement.values:
        assert f'value="{value}" selected' not in html
    assert "checked" not in html  # no recommendation chosen either


# --- correcting a date -----------------------------------------------------------------------


def test_a_referral_date_is_corrected_append_only_and_the_screening_then_fits(
    unit, job_consultant, knowledge_person
):
    case = referred_case(job_consultant=job_consultant, referred_on=TODAY - DAYS(2))
    with pytest.raises(ValidationError):  # the screening was 10 days ago: before the typo
        screen(case, EventKind.FIRST_SCREENING, on=TODAY - DAYS(10), user=knowledge_person)
    referral = case.events.get(kind=EventKind.REFERRAL)
    correction = correct_event_date(
        referral,
        new_date=TODAY - DAYS(20),
        why="Tastefejl i datoen",
        acting_user=job_consultant,
    )
    case.refresh_from_db()
    referral.refresh_from_db()
    assert referral.occurred_on == TODAY - DAYS(2)  # the original is kept
    assert event_date(referral) == TODAY - DAYS(20)
    assert case.opened_on == TODAY - DAYS(20)
    assert correction.corrects == referral and correction.kind == EventKind.CORRECTION
    assert correction.recorded_by == job_consultant and correction.why == "Tastefejl i datoen"
    assert correction.data["old"] == date_rules.fmt(TODAY - DAYS(2))
    assert AuditRecord.objects.filter(action=Action.CHANGE, object_id=str(correction.pk)).exists()
    screen(case, EventKind.FIRST_SCREENING, on=TODAY - DAYS(10), user=knowledge_person)
    case.refresh_from_db()
    assert case.stage == Stage.FIRST_SCREENING
    assert compute_funnel(TODAY - DAYS(5))["totals"]["screened"] == 1


def test_a_corrected_date_keeps_the_order_of_the_steps(unit, job_consultant, knowledge_person):
    case = referred_case(job_consultant=job_consultant, referred_on=TODAY - DAYS(20))
    screen(case, EventKind.FIRST_SCREENING, on=TODAY - DAYS(10), user=knowledge_person)
    referral = case.events.get(kind=EventKind.REFERRAL)
    first = case.events.get(kind=EventKind.FIRST_SCREENING)
    for event, day, field in (
        (referral, TODAY - DAYS(9), "new_date"),  # after the first screening
        (referral, TODAY + DAYS(1), "new_date"),  # in the future
        (first, TODAY - DAYS(21), "new_date"),  # before the referral
        (referral, TODAY - DAYS(20), "new_date"),  # no change
    ):
        with pytest.raises(ValidationError) as err:
            correct_event_date(event, new_date=day, why="x", acting_user=knowledge_person)
        assert list(err.value.message_dict) == [field]
    with pytest.raises(ValidationError) as err:
        correct_event_date(first, new_date=TODAY - DAYS(12), why=" ", acting_user=knowledge_person)
    assert list(err.value.message_dict) == ["why"]
    assert not case.events.filter(kind=EventKind.CORRECTION).exists()
    assert compute_funnel(TODAY - DAYS(11))["totals"]["screened"] == 0
    correct_event_date(first, new_date=TODAY - DAYS(12), why="x", acting_user=knowledge_person)
    assert event_date(first) == TODAY - DAYS(12)
    assert compute_funnel(TODAY - DAYS(11))["totals"]["screened"] == 1  # the corrected date


def test_the_date_correction_page(client, unit, job_consultant):
    case = referred_case(job_consultant=job_consultant, referred_on=TODAY - DAYS(2))
    referral = case.events.get(kind=EventKind.REFERRAL)
    client.force_login(job_consultant)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    url = reverse("cases:correct_date", args=[case.pk, referral.pk])
    assert url in detail
    text_page = client.get(reverse("cases:correct", args=[case.pk, referral.pk]))
    assert url in text_page.content.decode()  # "Ret dette" leads to the date too
    with translation.override("da"):
        response = client.post(url, {"new_date": (TODAY + DAYS(3)).isoformat(), "why": "Tastefejl"})
    assert response.status_code == 200
    assert "En henvisning kan ikke dateres i fremtiden" in response.content.decode()
    response = client.post(url, {"new_date": (TODAY - DAYS(9)).isoformat(), "why": "Tastefejl"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.opened_on == TODAY - DAYS(9)
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert date_rules.fmt(TODAY - DAYS(9)) in detail


# --- registered in error ---------------------------------------------------------------------


def test_a_case_closed_as_registered_in_error_counts_nowhere(
    unit, job_consultant, knowledge_person
):
    kept = referred_case(unit=unit, referred_on=TODAY - DAYS(30))
    screen(kept, EventKind.FIRST_SCREENING, on=TODAY - DAYS(20), user=knowledge_person)
    before = compute_funnel(TODAY)

    wrong = referred_case(unit=unit, referred_on=TODAY - DAYS(10))
    screen(wrong, EventKind.FIRST_SCREENING, on=TODAY - DAYS(5), user=knowledge_person)
    assert compute_funnel(TODAY) != before  # an open case counts …
    event = close_as_registered_in_error(
        wrong, why="Oprettet på den forkerte borger", acting_user=knowledge_person
    )
    assert compute_funnel(TODAY) == before  # … a case registered in error does not
    wrong.refresh_from_db()
    assert wrong.stage == Stage.REGISTERED_IN_ERROR and not wrong.is_open
    assert not hasattr(wrong, "dropout") or wrong.dropout is None
    assert (
        event.kind == EventKind.REGISTERED_IN_ERROR
        and event.data["stage_left"] == "first_screening"
    )
    assert AuditRecord.objects.filter(action=Action.CREATE, object_id=str(event.pk)).exists()
    assert Case.objects.open().filter(pk=wrong.pk).count() == 0
    with pytest.raises(ValidationError):  # closed: nothing more, not even a second closure
        close_as_registered_in_error(wrong, why="igen", acting_user=knowledge_person)

    dropped = referred_case(unit=unit, referred_on=TODAY - DAYS(10))
    record_dropout(
        dropped, dropped_on=TODAY, reason="other", destination="job", acting_user=knowledge_person
    )
    assert compute_funnel(TODAY)["totals"]["dropouts"] == before["totals"]["dropouts"] + 1


def test_closing_in_error_needs_a_reason(unit, knowledge_person):
    case = referred_case(unit=unit, referred_on=TODAY)
    with pytest.raises(ValidationError) as err:
        close_as_registered_in_error(case, why="  ", acting_user=knowledge_person)
    assert list(err.value.message_dict) == ["why"]
    assert not CaseEvent.objects.filter(kind=EventKind.REGISTERED_IN_ERROR).exists()


def test_the_closure_page(client, unit, job_consultant):
    case = referred_case(job_consultant=job_consultant, referred_on=TODAY)
    client.force_login(job_consultant)
    url = reverse("cases:close_in_error", args=[case.pk])
    assert url in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    with translation.override("da"):
        response = client.post(url, {"why": ""})
        assert "Dette felt er påkrævet" in response.content.decode()
    response = client.post(url, {"why": "Forkert borger"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.REGISTERED_IN_ERROR
    detail = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert url not in detail


def test_the_referral_form_shows_the_rule_on_the_field(client, job_consultant):
    from mikrolaan.people.tests.factories import CitizenFactory

    citizen = CitizenFactory(unit=job_consultant.unit)
    client.force_login(job_consultant)
    with translation.override("da"):
        response = client.post(
            reverse("cases:refer", args=[citizen.pk]),
            {
                "referred_on": (TODAY + DAYS(90)).isoformat(),
                "origin": "raised_by_citizen",
                "idea": "Madvogn",
            },
        )
    assert response.status_code == 200
    assert "En henvisning kan ikke dateres i fremtiden" in response.content.decode()
    assert not Case.objects.exists()


def test_the_dropout_form_has_no_reason_chosen(client, unit, knowledge_person):
    case = referred_case(unit=unit, referred_on=TODAY - DAYS(5))
    client.force_login(knowledge_person)
    url = reverse("cases:dropout", args=[case.pk])
    assert client.get(url).content.decode().count('<option value="" selected>') == 2
    response = client.post(url, {"dropped_on": TODAY.isoformat()})
    assert response.status_code == 200
    assert "Vælg årsagen på listen." in response.content.decode()
    case.refresh_from_db()
    assert case.stage == Stage.REFERRED
