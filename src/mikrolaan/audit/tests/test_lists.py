"""Finding: lists were not logged, and a CPR number travelled in ``GET /cases/?q=…``."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.cases.constants import Stage
from mikrolaan.cases.tests.factories import referred_case
from mikrolaan.courses.tests.factories import in_pre_course_case
from mikrolaan.loans.tests.factories import disbursed_loan
from mikrolaan.servicing.run import run
from mikrolaan.servicing.tests.factories import FIRST_DUE, paid_out_loan

pytestmark = pytest.mark.django_db


def _listed(user, what=None):
    records = AuditRecord.objects.filter(user=user, action=Action.LIST)
    if what:
        records = records.filter(what__startswith=what)
    return set(records.values_list("citizen_id", flat=True))


def test_the_case_list_records_each_citizen_it_showed(
    client, knowledge_person, unit, other_unit, django_assert_max_num_queries
):
    mine = [referred_case(unit=unit), referred_case(unit=unit)]
    theirs = referred_case(unit=other_unit)
    client.force_login(knowledge_person)
    with django_assert_max_num_queries(12):  # one insert for all rows, not one per citizen
        response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    assert _listed(knowledge_person, "case list") == {c.citizen_id for c in mine}
    assert theirs.citizen_id not in _listed(knowledge_person)
    record = AuditRecord.objects.filter(action=Action.LIST).first()
    assert record.channel == "web" and record.client_ip == "127.0.0.1"
    assert record.role == "knowledge_person"


def test_a_search_is_posted_and_no_cpr_appears_in_any_url(client, project_leader, unit):
    wanted = referred_case(unit=unit)
    other = referred_case(unit=unit)
    cpr = wanted.citizen.cpr
    client.force_login(project_leader)

    response = client.post(reverse("cases:list"), {"q": wanted.citizen.cpr_display})
    assert response.status_code == 302
    assert cpr[:6] not in response.url and "?s=" in response.url

    page = client.get(response.url)
    assert list(page.context["cases"]) == [wanted]
    html = page.content.decode()
    urls = re.findall(r'(?:href|action|src)="([^"]*)"', html)
    assert urls and not [u for u in urls if cpr[:6] in u.replace("-", "")]
    assert _listed(project_leader, "case search result") == {wanted.citizen_id}
    search = AuditRecord.objects.get(action=Action.SEARCH)
    assert cpr[:6] in search.what.replace("-", "")  # the criteria stay in the log

    # the old way does not search any more: a CPR in a query string is ignored
    plain = client.get(reverse("cases:list"), {"q": cpr})
    assert set(plain.context["cases"]) == {wanted, other}
    assert AuditRecord.objects.filter(action=Action.SEARCH).count() == 1


def test_a_token_from_another_session_finds_nothing(client, project_leader, unit):
    referred_case(unit=unit)
    client.force_login(project_leader)
    response = client.get(reverse("cases:list"), {"s": "not-a-token"})
    assert response.context["query"] == ""


def test_an_over_long_search_is_refused_with_a_message(client, project_leader):
    client.force_login(project_leader)
    response = client.post(reverse("cases:list"), {"q": "x" * 101})
    assert response.status_code == 200
    assert "højst have 100 tegn" in response.content.decode()
    assert not AuditRecord.objects.filter(action=Action.SEARCH).exists()


def test_the_loan_list_records_its_borrowers(client, finance_clerk):
    loan = disbursed_loan()
    client.force_login(finance_clerk)
    assert client.get(reverse("loans:list")).status_code == 200
    assert _listed(finance_clerk, "loan list") == {loan.citizen_id}


def test_the_start_page_records_the_citizens_in_its_panels(client, knowledge_person, unit):
    case = referred_case(unit=unit)
    assert case.stage == Stage.REFERRED
    client.force_login(knowledge_person)
    response = client.get(reverse("web:home"))
    assert case.citizen.full_name in response.content.decode()
    assert _listed(knowledge_person, "start page") == {case.citizen_id}


def test_the_servicing_queues_and_tasks_record_their_citizens(
    client, finance_clerk, project_leader, django_capture_on_commit_callbacks
):
    loan = paid_out_loan()
    exempt = paid_out_loan(exempt=True)
    for days in (10, 20, 30):
        with django_capture_on_commit_callbacks(execute=True):
            run(FIRST_DUE + dt.timedelta(days=days))
    client.force_login(finance_clerk)
    assert client.get(reverse("servicing:queues")).status_code == 200
    assert {loan.citizen_id, exempt.citizen_id} <= _listed(finance_clerk, "servicing queues")
    client.force_login(project_leader)
    assert client.get(reverse("servicing:tasks")).status_code == 200
    assert exempt.citizen_id in _listed(project_leader, "servicing tasks")


def test_the_cohort_page_records_its_participants(client, project_leader):
    case = in_pre_course_case(project_leader=project_leader)
    client.force_login(project_leader)
    assert client.get(reverse("courses:cohort", args=[case.cohort_id])).status_code == 200
    assert _listed(project_leader, f"cohort {case.cohort.code}") == {case.citizen_id}


def test_no_page_of_a_citizen_puts_the_cpr_number_in_a_url(client, project_leader, unit):
    loan = disbursed_loan()
    case = loan.case
    cpr = case.citizen.cpr
    client.force_login(project_leader)
    pages = [
        reverse("web:home"),
        reverse("cases:list"),
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:citizen", args=[case.citizen.pk]),
        reverse("loans:list"),
        reverse("loans:detail", args=[loan.pk]),
    ]
    shown_on = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        if cpr in html.replace("-", ""):
            shown_on.append(url)
        links = re.findall(r'(?:href|action|src|hx-get|hx-post)="([^"]*)"', html)
        assert not [u for u in links if cpr[:6] in u.replace("-", "")], url
    assert reverse("cases:list") in shown_on  # the number is on the pages, never in a URL
