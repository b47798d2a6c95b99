import datetime as dt

import pytest
from django.urls import reverse

from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.cases.constants import EventKind, Stage
from mikrolaan.cases.models import Case
from mikrolaan.cases.tests.factories import referred_case, screened_case
from mikrolaan.people.models import Citizen
from mikrolaan.people.tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_register_and_refer_through_the_forms(as_user, job_consultant):
    client = as_user(job_consultant)
    response = client.post(
        reverse("cases:citizen_new"),
        {"cpr": "120478-1235", "first_name": "Jonas", "last_name": "Holm", "phone": "20304050"},
    )
    citizen = Citizen.objects.get(cpr="1204781235")
    assert response.url == reverse("cases:refer", args=[citizen.pk])
    assert citizen.birth_date == dt.date(1978, 4, 12) and citizen.gender == "M"
    assert citizen.unit == job_consultant.unit
    response = client.post(
        reverse("cases:refer", args=[citizen.pk]),
        {"referred_on": "2026-02-01", "origin": "skill", "talent": "Kok", "idea": "Madvogn"},
    )
    case = Case.objects.get(citizen=citizen)
    assert response.url == reverse("cases:detail", args=[case.pk])
    assert case.referral.talent == "Kok"


def test_an_invalid_cpr_is_shown_on_the_field(as_user, job_consultant):
    response = as_user(job_consultant).post(
        reverse("cases:citizen_new"),
        {"cpr": "310275-1234", "first_name": "A", "last_name": "B"},
    )
    assert response.status_code == 200
    assert "findes ikke" in response.content.decode()
    assert not Citizen.objects.exists()


def test_opening_a_case_writes_a_read_record(as_user, knowledge_person, unit):
    case = referred_case(unit=unit)
    response = as_user(knowledge_person).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    assert AuditRecord.objects.filter(
        action=Action.READ, user=knowledge_person, citizen=case.citizen
    ).exists()
    assert "Registrér første screening" in response.content.decode()


def test_a_case_of_another_unit_is_404(as_user, knowledge_person, other_unit):
    case = referred_case(unit=other_unit)
    client = as_user(knowledge_person)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:citizen", args=[case.citizen.pk])).status_code == 404
    assert client.get(reverse("cases:dropout", args=[case.pk])).status_code == 404
    assert not AuditRecord.objects.filter(action=Action.READ).exists()


def test_evaluator_cannot_list_cases(as_user, evaluator):
    assert as_user(evaluator).get(reverse("cases:list")).status_code == 403


def test_search_writes_a_search_record_with_its_criteria(as_user, knowledge_person, unit):
    mine = referred_case(unit=unit, citizen=CitizenFactory(unit=unit, first_name="Birthe"))
    referred_case(unit=unit, citizen=CitizenFactory(unit=unit, first_name="Ole"))
    response = as_user(knowledge_person).post(reverse("cases:list"), {"q": "birthe"}, follow=True)
    assert list(response.context["cases"]) == [mine]
    record = AuditRecord.objects.get(action=Action.SEARCH)
    assert "birthe" in record.what and record.user == knowledge_person


def test_search_by_cpr(as_user, project_leader, unit):
    case = referred_case(unit=unit)
    client = as_user(project_leader)
    response = client.post(reverse("cases:list"), {"q": case.citizen.cpr_display}, follow=True)
    assert list(response.context["cases"]) == [case]


def test_screening_through_the_form(as_user, knowledge_person, unit):
    case = referred_case(unit=unit)
    data = {
        "occurred_on": "2026-01-10",
        "person_assessment": "Motiveret",
        "person_judgement": "strong",
        "money_assessment": "30.000 kr.",
        "money_judgement": "adequate",
        "plan_assessment": "Konkret",
        "plan_judgement": "adequate",
        "recommendation": "recommend",
    }
    url = reverse("cases:screening", args=[case.pk, "first_screening"])
    assert as_user(knowledge_person).post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.FIRST_SCREENING
    # the final screening is the project leader's
    url = reverse("cases:screening", args=[case.pk, "final_screening"])
    assert as_user(knowledge_person).post(url, data).status_code == 403


def test_correction_flow_shows_both_on_the_timeline(as_user, job_consultant, unit):
    case = referred_case(unit=unit, job_consultant=job_consultant)
    event = case.events.get(kind=EventKind.REFERRAL)
    client = as_user(job_consultant)
    response = client.post(
        reverse("cases:correct", args=[case.pk, event.pk]),
        {"field": "idea", "value": "Cykelværksted med udlejning", "why": "Forkert idé noteret"},
    )
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Cykelværksted med udlejning" in page
    assert f'href="#event-{event.pk}"' in page  # the correction points at the original
    assert 'data-testid="corrected-by"' in page


def test_dropout_through_the_form(as_user, project_leader, unit):
    case = screened_case(unit=unit)
    response = as_user(project_leader).post(
        reverse("cases:dropout", args=[case.pk]),
        {"dropped_on": "2026-02-01", "reason": "wants_larger_loan", "destination": "job"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.DROPPED_OUT
    assert case.dropout.reason == "wants_larger_loan"


def test_edit_contact_details_is_audited(as_user, knowledge_person, unit):
    case = referred_case(unit=unit)
    response = as_user(knowledge_person).post(
        reverse("cases:citizen_edit", args=[case.citizen.pk]),
        {"phone": "99887766", "email": "", "address": "Vestergade 1", "why": "Ny adresse"},
    )
    assert response.status_code == 302
    record = AuditRecord.objects.get(action=Action.CHANGE, citizen=case.citizen)
    assert record.why == "Ny adresse" and "phone" in record.what
