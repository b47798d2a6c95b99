"""The API end to end through Django's test client: tokens, scoping, writes, problems."""

import base64
import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from mikrolaan.api import scopes
from mikrolaan.api.models import AccessToken, ApiClient
from mikrolaan.api.tests.factories import auth, system
from mikrolaan.audit.models import AuditRecord, Channel
from mikrolaan.banking.models import BankEntry, Outcome
from mikrolaan.cases.models import Case
from mikrolaan.cases.tests.factories import referred_case
from mikrolaan.loans.tests.factories import disbursed_loan
from mikrolaan.outcomes.models import SupportSpell
from mikrolaan.people.models import Citizen
from mikrolaan.people.tests.factories import CitizenFactory, fictitious_cpr

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"


def test_token_by_client_credentials_and_the_secret_is_stored_hashed(client, unit):
    from mikrolaan.api.clients import create_client

    registered = create_client("Økonomisystemet", scopes=[scopes.FUND_READ])
    stored = ApiClient.objects.get(pk=registered.client.pk)
    assert registered.secret not in stored.secret_hash
    basic = base64.b64encode(f"{stored.client_id}:{registered.secret}".encode()).decode()
    answer = client.post(
        "/api/v1/token/",
        "grant_type=client_credentials",
        content_type=FORM,
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["scope"] == scopes.FUND_READ
    token = AccessToken.objects.get(client=stored)
    assert body["access_token"] not in token.token_hash
    assert client.get("/api/v1/fund/", **auth(body["access_token"])).status_code == 200
    wrong = client.post(
        "/api/v1/token/",
        f"grant_type=client_credentials&client_id={stored.client_id}&client_secret=x",
        content_type=FORM,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert wrong.status_code == 401
    assert wrong["Content-Type"] == "application/problem+json"
    assert wrong.json()["error"] == "invalid_client"


def test_problem_details_in_danish_and_english_name_the_field(client, unit):
    _client, token = system(unit=unit)
    body = {"cpr": "3102751234", "first_name": "Ane", "last_name": "Lund", "origin": "craft"}
    for language, title in (("da", "Ugyldig forespørgsel"), ("en", "Invalid request")):
        answer = client.post(
            "/api/v1/referrals/",
            body,
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE=language,
            **auth(token),
        )
        assert answer.status_code == 400
        assert answer["Content-Type"] == "application/problem+json"
        problem = answer.json()
        assert problem["title"] == title and problem["status"] == 400
        fields = {error["field"] for error in problem["errors"]}
        assert {"idea", "referred_on"} <= fields
        assert "#/idea" in {error["pointer"] for error in problem["errors"]}
    no_token = client.get("/api/v1/cases/", HTTP_ACCEPT_LANGUAGE="en")
    assert no_token.status_code == 401
    assert no_token.json()["title"] == "Not authenticated"


def test_a_referral_registers_the_citizen_and_opens_the_case_in_the_systems_unit(client, unit):
    api_client, token = system(unit=unit)
    cpr = fictitious_cpr(901)
    answer = client.post(
        "/api/v1/referrals/",
        {
            "cpr": cpr,
            "first_name": "Ane",
            "last_name": "Lund",
            "origin": "craft",
            "talent": "Møbelsnedker",
            "idea": "Værksted for møbler",
            "referred_on": "2026-11-02",
        },
        content_type="application/json",
        **auth(token),
    )
    assert answer.status_code == 201, answer.content
    case = Case.objects.get(pk=answer.json()["id"])
    assert case.unit == unit and case.citizen.cpr == cpr and case.stage == "referred"
    assert case.referral.recorded_by == api_client.user
    records = AuditRecord.objects.filter(user=api_client.user)
    assert records.exists() and set(records.values_list("channel", flat=True)) == {Channel.API}
    # The same citizen again: refused by the case rule (one open case at a time).
    again = client.post(
        "/api/v1/referrals/",
        {
            "cpr": cpr,
            "first_name": "Ane",
            "last_name": "Lund",
            "origin": "craft",
            "talent": "Møbelsnedker",
            "idea": "Værksted",
            "referred_on": "2026-11-03",
        },
        content_type="application/json",
        **auth(token),
    )
    assert again.status_code == 400
    assert Case.objects.filter(citizen=case.citizen).count() == 1
    # A date in the future is refused by the date rules, naming the field.
    future = timezone.localdate() + dt.timedelta(days=3)
    late = client.post(
        "/api/v1/referrals/",
        {
            "cpr": fictitious_cpr(902),
            "first_name": "Bo",
            "last_name": "Holm",
            "origin": "raised_by_citizen",
            "idea": "Café",
            "referred_on": future.isoformat(),
        },
        content_type="application/json",
        **auth(token),
    )
    assert late.status_code == 400
    assert "referred_on" in {e["field"] for e in late.json()["errors"]}
    assert not Citizen.objects.filter(cpr=fictitious_cpr(902)).exists()


def test_payments_are_matched_as_bank_entries_and_idempotent_by_sender_id(client):
    api_client, token = system("Økonomisystemet", scope=[scopes.PAYMENTS_WRITE])
    loan = disbursed_loan()
    payment = {
        "sender_id": "OPUS-2026-000123",
        "payment_id": f"71/{loan.payment_id}",
        "amount": "500.00",
        "booked_on": "2026-11-02",
    }
    first = client.post(
        "/api/v1/payments/", payment, content_type="application/json", **auth(token)
    )
    assert first.status_code == 201, first.content
    assert first.json()["outcome"] == Outcome.POSTED
    again = client.post(
        "/api/v1/payments/", payment, content_type="application/json", **auth(token)
    )
    assert again.status_code == 200 and again.json()["already_received"] is True
    assert BankEntry.objects.count() == 1
    assert loan.entries.filter(kind="repayment").count() == 1
    unknown = client.post(
        "/api/v1/payments/",
        {**payment, "sender_id": "OPUS-2026-000124", "payment_id": "71/000000000000000"},
        content_type="application/json",
        **auth(token),
    )
    assert unknown.status_code == 201
    assert unknown.json()["outcome"] == Outcome.QUEUED
    assert BankEntry.objects.queued().count() == 1


def test_a_support_spell_for_a_citizen_in_scope(client, unit, other_unit):
    _api_client, token = system(scope=[scopes.SPELLS_WRITE], unit=unit)
    case = referred_case(unit=unit)
    elsewhere = CitizenFactory(unit=other_unit)
    spell = {"status": "self_supporting_business", "start": "2026-06-01", "source": "DREAM"}
    answer = client.post(
        f"/api/v1/citizens/{case.citizen_id}/spells/",
        spell,
        content_type="application/json",
        **auth(token),
    )
    assert answer.status_code == 201, answer.content
    assert SupportSpell.objects.get(pk=answer.json()["id"]).citizen == case.citizen
    refused = client.post(
        f"/api/v1/citizens/{elsewhere.pk}/spells/",
        spell,
        content_type="application/json",
        **auth(token),
    )
    assert refused.status_code == 404
    assert not SupportSpell.objects.filter(citizen=elsewhere).exists()


def test_assessment_answers_from_a_system_with_a_unit_and_one_without(client, unit, other_unit):
    from mikrolaan.progression.models import Assessment
    from mikrolaan.progression.tests.factories import codes

    case, elsewhere = referred_case(unit=unit), referred_case(unit=other_unit)
    today = timezone.localdate()
    body = {"point": "referral", "answered_on": today.isoformat()}
    scores = {code: n % 5 + 1 for n, code in enumerate(codes(today))}
    # A job centre's system (a job consultant of its unit): its own unit's case only.
    jobcentre, token = system(scope=[scopes.ASSESSMENTS_WRITE], unit=unit)
    url = f"/api/v1/cases/{case.pk}/assessments/"
    answer = client.post(url, {**body, "scores": scores}, "application/json", **auth(token))
    assert answer.status_code == 201, answer.content
    assert answer.json()["scores"] == scores and answer.json()["channel"] == "system"
    saved = Assessment.objects.get(pk=answer.json()["id"])
    assert (saved.case, saved.channel, saved.recorded_by) == (case, "system", jobcentre.user)
    assert AuditRecord.objects.filter(user=jobcentre.user, citizen=case.citizen).exists()
    refused = client.post(
        f"/api/v1/cases/{elsewhere.pk}/assessments/",
        {**body, "scores": scores},
        "application/json",
        **auth(token),
    )
    assert refused.status_code == 404
    # A system without a unit (a project leader): a statement left out is a problem document.
    _survey, token = system("Spørgeskemasystemet", scope=[scopes.ASSESSMENTS_WRITE])
    url = f"/api/v1/cases/{elsewhere.pk}/assessments/"
    partial = dict(list(scores.items())[1:])
    bad = client.post(url, {**body, "scores": partial}, "application/json", **auth(token))
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert [e["pointer"] for e in bad.json()["errors"]] == [f"#/scores/{codes(today)[0]}"]
    answer = client.post(url, {**body, "scores": scores}, "application/json", **auth(token))
    assert answer.status_code == 201, answer.content
    assert Assessment.objects.filter(case=elsewhere, channel="system").count() == 1


def test_the_loan_with_its_plan_and_ledger(client):
    _api_client, token = system("Ydelsessystemet", scope=[scopes.LOANS_READ])
    loan = disbursed_loan()
    listed = client.get("/api/v1/loans/", **auth(token)).json()
    assert [row["id"] for row in listed["results"]] == [loan.pk]
    detail = client.get(f"/api/v1/loans/{loan.pk}/?as_of=2026-12-01", **auth(token)).json()
    assert detail["loan_ref"] == loan.loan_ref
    assert len(detail["plan"]) == loan.term_months
    assert Decimal(detail["balance"]) == loan.principal
    assert any(t["kind"] == "disbursement" for t in detail["transactions"])


def test_a_path_that_names_no_endpoint_is_a_problem_document(client):
    answer = client.get("/api/v1/citizens/-4/spells/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["title"] == "Not found"
    # Also a POST, which carries no CSRF token (nothing under /api/v1/ uses cookies).
    posted = Client(enforce_csrf_checks=True).post("/api/v1/cases/-4/assessments/", {})
    assert posted.status_code == 404
    assert posted["Content-Type"] == "application/problem+json"


def test_the_administrator_registers_a_system_in_the_admin_and_sees_the_secret_once(client, unit):
    from mikrolaan.accounts.tests.factories import UserFactory

    administrator = UserFactory(username="admin", administrator=True)
    client.force_login(administrator)
    answer = client.post(
        "/admin/api/apiclient/add/",
        {"name": "Datavarehuset", "scope_choices": [scopes.SPELLS_WRITE], "unit": unit.pk},
        follow=True,
    )
    assert answer.status_code == 200
    registered = ApiClient.objects.get(name="Datavarehuset")
    assert registered.scopes == [scopes.SPELLS_WRITE] and registered.unit == unit
    assert registered.created_by == administrator
    shown = [str(m) for m in answer.context["messages"]]
    assert any(registered.client_id in text and "client_secret" in text for text in shown)
