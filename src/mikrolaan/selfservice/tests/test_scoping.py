"""A citizen sees only their own case, loan, letters and requests; a citizen's session never
opens a staff page, and a staff session never a citizen's page."""

import pytest
from django.urls import reverse

from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.selfservice import urls as citizen_urls
from mikrolaan.selfservice.tests.factories import borrower, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_borrowers(tmp_path):
    return borrower(tmp_path, with_request=True), borrower(tmp_path, with_request=True)


# Every citizen URL with an id, and whose id it takes (a new URL must be added here).
ID_URLS = {
    "loan": ("loan", {}),
    "ask": ("loan", {"kind": "deferral"}),
    "request": ("request", {}),
    "letter": ("letter", {}),
    "assessment": ("case", {"point": "referral"}),
}


def test_every_citizen_url_with_an_id_is_in_the_scoping_test():
    with_id = {p.name for p in citizen_urls.urlpatterns if "pk" in p.pattern.converters}
    assert with_id == set(ID_URLS)


def test_another_citizens_ids_find_nothing_on_any_url(client, two_borrowers):
    (loan_a, letter_a, request_a), (loan_b, letter_b, request_b) = two_borrowers
    own = {"loan": loan_a, "request": request_a, "letter": letter_a, "case": loan_a.case}
    other = {"loan": loan_b, "request": request_b, "letter": letter_b, "case": loan_b.case}
    sign_in(client, loan_a.citizen)

    for name, (kind, extra) in ID_URLS.items():
        method = client.post if name in ("ask", "assessment") else client.get
        data = {"months": "1", "message": "Giv mig henstand"} if name == "ask" else {}
        theirs = method(
            reverse(f"selfservice:{name}", kwargs={"pk": other[kind].pk, **extra}), data
        )
        assert theirs.status_code == 404, name
        if name != "ask":
            mine = client.get(reverse(f"selfservice:{name}", kwargs={"pk": own[kind].pk, **extra}))
            assert mine.status_code == 200, name

    # Nothing was asked on the other citizen's loan, and nothing of theirs is on any page.
    assert loan_b.requests.count() == 1
    for page in (
        reverse("selfservice:home"),
        reverse("selfservice:loan", kwargs={"pk": loan_a.pk}),
        reverse("selfservice:contact"),
    ):
        text = client.get(page).content.decode()
        for secret in (
            loan_b.citizen.last_name,
            loan_b.loan_ref,
            loan_b.payment_id,
            letter_b.subject,
            request_b.message,
        ):
            assert secret not in text, (page, secret)
        assert loan_a.citizen.last_name in text


def test_every_citizen_page_is_an_audit_record_with_the_citizen_as_actor(client, tmp_path):
    loan, letter, request = borrower(tmp_path, with_request=True)
    sign_in(client, loan.citizen)
    pages = [
        reverse("selfservice:home"),
        reverse("selfservice:loan", kwargs={"pk": loan.pk}),
        reverse("selfservice:request", kwargs={"pk": request.pk}),
        reverse("selfservice:letter", kwargs={"pk": letter.pk}),
        reverse("selfservice:contact"),
        reverse("selfservice:assessment", kwargs={"pk": loan.case.pk, "point": "referral"}),
    ]
    for url in pages:
        before = AuditRecord.objects.count()
        response = client.get(url)
        assert response.status_code == 200, url
        (record,) = AuditRecord.objects.order_by("-pk")[: AuditRecord.objects.count() - before]
        assert (record.by_citizen, record.user, record.citizen) == (True, None, loan.citizen)
        assert record.action in (Action.READ, Action.EXTRACT)
    assert b"".join(client.get(pages[3]).streaming_content).startswith(b"%PDF")


def test_a_citizen_session_opens_no_staff_page(client, tmp_path):
    loan, _letter, request = borrower(tmp_path, with_request=True)
    sign_in(client, loan.citizen)
    for url in (
        "/",
        reverse("cases:list"),
        reverse("loans:detail", kwargs={"pk": loan.pk}),
        reverse("servicing:tasks"),
        reverse("citizen_requests:decide", kwargs={"task_id": request.task_id}),
        "/audit/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_a_staff_session_opens_no_citizen_page(client, tmp_path, project_leader):
    loan, letter, request = borrower(tmp_path, with_request=True)
    client.force_login(project_leader)
    # Even with a citizen's key left in the session, a staff log-in is not a citizen.
    sign_in(client, loan.citizen)
    for url in (
        reverse("selfservice:home"),
        reverse("selfservice:loan", kwargs={"pk": loan.pk}),
        reverse("selfservice:request", kwargs={"pk": request.pk}),
        reverse("selfservice:letter", kwargs={"pk": letter.pk}),
        reverse("selfservice:contact"),
        reverse("selfservice:assessment", kwargs={"pk": loan.case.pk, "point": "referral"}),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        text = response.content.decode()
        assert 'data-testid="staff-not-citizen"' in text
        assert loan.loan_ref not in text and loan.citizen.last_name not in text


def test_without_a_session_the_citizen_gets_the_mitid_page(client, tmp_path, settings):
    loan, _letter, _request = borrower(tmp_path)
    settings.OIDC_PROVIDERS = {"citizen": {"issuer": "https://mitid.example/"}}
    response = client.get(reverse("selfservice:loan", kwargs={"pk": loan.pk}))
    text = response.content.decode()
    assert "Log ind med MitID" in text
    assert loan.loan_ref not in text


def test_the_dpo_page_and_the_insight_show_what_the_citizen_did(client, tmp_path):
    from mikrolaan.accounts.tests.factories import UserFactory
    from mikrolaan.privacy.insight import collect

    loan, _letter, request = borrower(tmp_path, with_request=True)
    citizen = loan.citizen
    sign_in(client, citizen)
    client.get(reverse("selfservice:home"))

    client.logout()
    client.force_login(UserFactory(role="data_protection_officer"))
    lookup = client.post(
        reverse("audit:index"), {"lookup": "citizen", "citizen-cpr": citizen.cpr_display}
    )
    page = client.get(lookup.url)
    (own,) = [row for row in page.context["who_saw"] if row["name"] == "Borgeren selv (MitID)"]
    assert own["seen"] >= 1 and own["changed"] >= 1  # the start page; the request
    assert "Borgeren selv (MitID)" in page.content.decode()

    insight = collect(citizen)
    by_citizen = [r for r in insight["access_log"] if (r["by"] or {}).get("role") == "citizen"]
    assert {r["action"] for r in by_citizen} >= {"read", "create"}
    assert [r["message"] for r in insight["citizen_requests"]] == [request.message]
