"""The citizen asks, the project leader's task appears and is decided, the citizen reads the
answer; contact details are the citizen's own change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from mikrolaan.accounts.services import SignInRefused
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.loans.models import Deferral
from mikrolaan.loans.plan import plan_of
from mikrolaan.people.tests.factories import CitizenFactory
from mikrolaan.selfservice import session
from mikrolaan.selfservice.eligibility import citizen_by_cpr
from mikrolaan.selfservice.models import LoanRequest, Outcome
from mikrolaan.selfservice.requests import RequestError, answer_request
from mikrolaan.selfservice.signin import CitizenOIDCBackend, CitizenOIDCCallbackView
from mikrolaan.selfservice.tests.factories import borrower, sign_in
from mikrolaan.servicing.models import TaskKind, TaskStatus

pytestmark = pytest.mark.django_db


def test_a_deferral_request_becomes_a_task_is_granted_and_the_answer_shows(
    client, tmp_path, project_leader
):
    loan, _letter, _ = borrower(tmp_path)
    sign_in(client, loan.citizen)
    due_before = [i.due_date for i in plan_of(loan)]

    response = client.post(
        reverse("selfservice:ask", kwargs={"pk": loan.pk, "kind": "deferral"}),
        {"months": "2", "message": "Jeg er syg i to måneder."},
    )
    asked = LoanRequest.objects.get(loan=loan)
    assert response["Location"] == reverse("selfservice:request", kwargs={"pk": asked.pk})
    assert (asked.months, asked.recorded_by, asked.task.kind) == (2, None, TaskKind.CITIZEN_REQUEST)
    assert asked.task.role == "project_leader" and asked.task.status == TaskStatus.OPEN
    assert AuditRecord.objects.filter(
        by_citizen=True, action=Action.CREATE, object_id=str(asked.pk)
    ).exists()
    assert asked.loan.case.events.filter(kind="citizen_request").exists()
    # Asking twice before the answer is refused.
    again = client.post(
        reverse("selfservice:ask", kwargs={"pk": loan.pk, "kind": "deferral"}),
        {"months": "1", "message": "Igen"},
    )
    assert again.status_code == 400 and LoanRequest.objects.count() == 1

    # The project leader's task list shows it and leads to the decision page.
    client.force_login(project_leader)
    tasks = client.get(reverse("servicing:tasks")).content.decode()
    decide_url = reverse("citizen_requests:decide", kwargs={"task_id": asked.task_id})
    assert decide_url in tasks and "Jeg er syg i to måneder." in tasks
    page = client.get(decide_url)
    assert page.status_code == 200
    first_month = page.context["form"].fields["first_month"].choices[0][0]
    decided = client.post(
        decide_url,
        {
            "outcome": "granted",
            "first_month": first_month,
            "answer": "God bedring. Du får henstand.",
        },
    )
    assert decided.status_code == 302

    asked.refresh_from_db()
    answer = asked.answer
    assert (answer.outcome, answer.recorded_by) == (Outcome.GRANTED, project_leader)
    deferral = Deferral.objects.get(loan=loan)
    assert answer.deferral == deferral and deferral.months == 2
    assert deferral.first_month == dt.date.fromisoformat(first_month)
    assert asked.task.status == TaskStatus.DONE
    # The plan moved: the instalments from the first deferred month are two months later.
    due_after = [i.due_date for i in plan_of(loan)]
    assert due_after != due_before and due_after[-1].year * 12 + due_after[-1].month == (
        due_before[-1].year * 12 + due_before[-1].month + 2
    )

    # The citizen reads the answer on their page.
    client.logout()
    sign_in(client, loan.citizen)
    text = client.get(reverse("selfservice:request", kwargs={"pk": asked.pk})).content.decode()
    assert "God bedring. Du får henstand." in text
    assert (
        "God bedring. Du får henstand."
        in client.get(reverse("selfservice:loan", kwargs={"pk": loan.pk})).content.decode()
    )


def test_an_extra_payment_request_refused_grants_nothing(tmp_path, project_leader, client):
    loan, _letter, _ = borrower(tmp_path)
    sign_in(client, loan.citizen)
    client.post(
        reverse("selfservice:ask", kwargs={"pk": loan.pk, "kind": "extra_payment"}),
        {"monthly_amount": "250,00", "message": "Det går godt."},
    )
    asked = LoanRequest.objects.get(loan=loan)
    assert asked.monthly_amount == Decimal("250.00") and asked.months is None
    answer_request(
        asked,
        outcome=Outcome.REFUSED,
        answer="Betal gerne ekstra med dit betalings-id; en aftale er ikke nødvendig.",
        on=timezone.localdate(),
        acting_user=project_leader,
    )
    asked.refresh_from_db()
    assert asked.answer.deferral is None and not Deferral.objects.filter(loan=loan).exists()
    assert asked.task.status == TaskStatus.DONE
    with pytest.raises(RequestError):
        answer_request(
            asked,
            outcome=Outcome.GRANTED,
            answer="x",
            on=timezone.localdate(),
            acting_user=project_leader,
        )


def test_only_the_project_leader_decides(client, tmp_path, finance_clerk, job_consultant):
    _loan, _letter, asked = borrower(tmp_path, with_request=True)
    url = reverse("citizen_requests:decide", kwargs={"task_id": asked.task_id})
    for user in (finance_clerk, job_consultant):
        client.force_login(user)
        assert client.get(url).status_code == 403
        with pytest.raises(RequestError):
            answer_request(
                asked, outcome="refused", answer="nej", on=timezone.localdate(), acting_user=user
            )


def test_contact_details_are_the_citizens_own_change(client, tmp_path):
    loan, _letter, _ = borrower(tmp_path)
    citizen = loan.citizen
    sign_in(client, citizen)
    response = client.post(
        reverse("selfservice:contact"),
        {"phone": "+45 20 30 40 50", "email": "ny@example.dk", "address": citizen.address},
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.phone, citizen.email) == ("+45 20 30 40 50", "ny@example.dk")
    change = AuditRecord.objects.get(
        citizen=citizen, action=Action.CHANGE, what__startswith="changed"
    )
    assert (change.by_citizen, change.user, change.what) == (True, None, "changed: phone, email")


def test_only_citizens_in_the_programme_sign_in(tmp_path):
    loan, _letter, _ = borrower(tmp_path)
    cpr = loan.citizen.cpr
    assert citizen_by_cpr(cpr) == loan.citizen
    assert citizen_by_cpr(f"{cpr[:6]}-{cpr[6:]}") == loan.citizen
    outsider = CitizenFactory()  # registered, but no case and no loan
    for value in (outsider.cpr, "0101011234", "", None, ["x"], "not a cpr"):
        assert citizen_by_cpr(value) is None
    backend = CitizenOIDCBackend()
    claim = "https://data.gov.dk/model/core/eid/cprNumber"
    assert backend.user_from_claims({claim: cpr}) == loan.citizen
    with pytest.raises(SignInRefused):
        backend.user_from_claims({claim: outsider.cpr})


def test_a_refused_cpr_gets_a_danish_page_and_no_session(monkeypatch, settings):
    settings.OIDC_PROVIDERS = {"citizen": {"issuer": "https://mitid.example/"}}
    request = RequestFactory().get("/oidc/citizen/callback/?code=c&state=s")
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    request.session = SessionStore()
    request.user = AnonymousUser()
    request._messages = None

    def refuse(self, req):
        req.oidc_refusal = SignInRefused(
            "Vi kan ikke finde dig blandt borgerne i mikrolånsprogrammet."
        )
        return None

    monkeypatch.setattr(CitizenOIDCCallbackView, "_authenticate", refuse)
    response = CitizenOIDCCallbackView.as_view()(request)
    assert response.status_code == 403
    text = response.content.decode()
    assert 'data-testid="sign-in-refused"' in text and "Du er ikke logget ind" in text
    assert session.CITIZEN_KEY not in request.session


def test_every_citizen_page_is_danish(client, tmp_path, project_leader):
    from mikrolaan.web.tests.crawl import crawl

    loan, _letter, asked = borrower(tmp_path, with_request=True)
    answer_request(
        asked,
        outcome=Outcome.GRANTED,
        answer="Du får henstand.",
        on=timezone.localdate(),
        acting_user=project_leader,
    )
    sign_in(client, loan.citizen)
    problems, visited = crawl(client, start="/borger/", limit=30)
    assert problems == {}
    assert {"/borger/", f"/borger/laan/{loan.pk}/", "/borger/kontakt/"} <= set(visited)
