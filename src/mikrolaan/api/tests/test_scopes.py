"""Each scope opens its endpoints and nothing else; a system of a unit sees that unit only."""

import pytest
from django.db import connection

from mikrolaan.api import scopes
from mikrolaan.api.tests.factories import auth, system
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.cases.tests.factories import referred_case

pytestmark = pytest.mark.django_db

# Every endpoint under a scope: (method, path); {citizen} and {case} are filled in.
ENDPOINTS = {
    scopes.CASES_READ: [
        ("get", "/api/v1/citizens/"),
        ("get", "/api/v1/citizens/{citizen}/"),
        ("get", "/api/v1/cases/"),
        ("get", "/api/v1/cases/{case}/"),
    ],
    scopes.LOANS_READ: [("get", "/api/v1/loans/"), ("get", "/api/v1/loans/1/")],
    scopes.REPORT_READ: [("get", "/api/v1/report/")],
    scopes.FUND_READ: [("get", "/api/v1/fund/")],
    scopes.REFERRALS_WRITE: [("post", "/api/v1/referrals/")],
    scopes.PAYMENTS_WRITE: [("post", "/api/v1/payments/")],
    scopes.SPELLS_WRITE: [("post", "/api/v1/citizens/{citizen}/spells/")],
    scopes.ASSESSMENTS_WRITE: [("post", "/api/v1/cases/{case}/assessments/")],
}


def test_every_scope_has_its_endpoints_listed():
    assert set(ENDPOINTS) == set(scopes.ALL)


@pytest.mark.parametrize("scope", scopes.ALL)
def test_a_system_without_the_scope_is_refused_and_the_refusal_recorded(client, unit, scope):
    api_client, token = system(scope=[s for s in scopes.ALL if s != scope], unit=unit)
    case = referred_case(unit=unit)
    for method, path in ENDPOINTS[scope]:
        url = path.format(citizen=case.citizen_id, case=case.pk)
        answer = getattr(client, method)(
            url, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **auth(token)
        )
        assert answer.status_code == 403, (url, answer.content)
        assert answer["Content-Type"] == "application/problem+json"
        assert scope in answer.json()["detail"]
        assert AuditRecord.objects.filter(
            user=api_client.user, action=Action.DENIED, what__contains=url
        ).exists()


def test_a_system_of_a_unit_sees_its_units_citizens_and_cases_only(client, unit, other_unit):
    api_client, token = system(scope=[scopes.CASES_READ, scopes.LOANS_READ], unit=unit)
    mine, theirs = referred_case(unit=unit), referred_case(unit=other_unit)
    cases = client.get("/api/v1/cases/", **auth(token)).json()["results"]
    assert [c["id"] for c in cases] == [mine.pk]
    citizens = client.get("/api/v1/citizens/", **auth(token)).json()["results"]
    assert [c["id"] for c in citizens] == [mine.citizen_id]
    assert client.get(f"/api/v1/cases/{theirs.pk}/", **auth(token)).status_code == 404
    assert client.get(f"/api/v1/citizens/{theirs.citizen_id}/", **auth(token)).status_code == 404
    # As a job consultant on the web: no loans at all.
    assert client.get("/api/v1/loans/", **auth(token)).json()["results"] == []
    # Each citizen shown is an audit record, as on the web's lists.
    assert AuditRecord.objects.filter(citizen=mine.citizen, action=Action.LIST).exists()
    assert not AuditRecord.objects.filter(citizen=theirs.citizen, user=api_client.user).exists()


def test_a_system_without_a_unit_sees_every_case(client, unit, other_unit):
    _api_client, token = system(scope=[scopes.CASES_READ])
    made = {referred_case(unit=unit).pk, referred_case(unit=other_unit).pk}
    cases = client.get("/api/v1/cases/", **auth(token)).json()["results"]
    assert {c["id"] for c in cases} == made


def test_rate_limit_per_system(client, settings):
    settings.API_RATE_LIMIT = "2/minute"
    a, token_a = system("A", scope=[scopes.FUND_READ])
    b, token_b = system("B", scope=[scopes.FUND_READ])
    codes = [client.get("/api/v1/fund/", **auth(token_a)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get("/api/v1/fund/", **auth(token_b)).status_code == 200
    # Counted in the database, not in this process's memory: another server process sees it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM api_rate_limit")
        keys = {row[0] for row in cursor.fetchall()}
    assert {
        f":1:api_throttle_client_{a.pk}",
        f":1:api_throttle_client_{b.pk}",
    } <= keys
