"""Staff sign in through a real OpenID Connect provider (django-oidc-provider, started by the
``oidc_provider`` fixture), in Chromium: role and unit arrive from the provider's claims."""

from urllib.parse import urlparse

import pytest
from django.contrib.sessions.backends.db import SessionStore

from mikrolaan.accounts.models import User
from mikrolaan.audit.models import AuditRecord
from tests.oidc_provider.fixture import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CLIENT_ID = "mikrolaan-test"
CLIENT_SECRET = "test-client-secret"  # noqa: S105


@pytest.fixture
def staff_oidc(oidc_provider, live_server, settings):
    """Mikrolån registered at the test provider and configured to sign staff in through it."""
    oidc_provider.configure(
        settings,
        "staff",
        live_server.url,
        CLIENT_ID,
        CLIENT_SECRET,
        scopes="openid profile email mikrolaan",
        username_claim="sub",
        role_claim="role",
        unit_claim="unit",
        break_glass_user="nødadmin",
        renew_seconds=900,
    )
    return oidc_provider


def sign_in_at_the_provider(page, username, password):
    sign_in(page, "/login/", "oidc-login", username, password)


def test_a_job_consultant_signs_in_through_the_municipalitys_provider(
    page, staff_oidc, unit, other_unit
):
    staff_oidc.user(
        "karen",
        "karens-password",
        first_name="Karen",
        last_name="Holm",
        email="kaho@kommune.example",
        claims={"role": "job_consultant", "unit": "dagpenge"},
    )

    sign_in_at_the_provider(page, "karen", "karens-password")

    page.wait_for_selector("[data-testid=current-user]")
    assert urlparse(page.url).path == "/"  # the start page
    assert page.locator("[data-testid=current-user]").inner_text() == "Karen Holm"
    assert "Dagpenge og kontanthjælp" in page.locator(".portal-user").inner_text()
    user = User.objects.get(first_name="Karen")
    assert user.username.startswith("idp-")
    assert (user.role, user.unit) == ("job_consultant", unit)
    assert AuditRecord.objects.filter(
        object_type="accounts.User",
        object_id=str(user.pk),
        what="role - -> job_consultant; unit - -> dagpenge",
    ).exists()

    # The municipality moves her; at the next check with the provider the claims are applied.
    staff_oidc.user(
        "karen",
        "karens-password",
        first_name="Karen",
        last_name="Holm",
        claims={"role": "knowledge_person", "unit": "integration"},
    )
    expire_the_provider_check(page)
    page.goto("/")
    assert "Integration og fleksjob" in page.locator(".portal-user").inner_text()
    user.refresh_from_db()
    assert (user.role, user.unit, user.email) == ("knowledge_person", other_unit, "")


def test_claims_with_no_known_role_give_a_danish_page_and_no_session(page, staff_oidc):
    staff_oidc.user("astrid", "astrids-password", first_name="Astrid", claims={"role": "pilot"})

    sign_in_at_the_provider(page, "astrid", "astrids-password")

    refused = page.locator("[data-testid=sign-in-refused]")
    assert "ingen rolle i Mikrolån" in refused.inner_text()
    assert "pilot" in page.locator("main").inner_text()
    assert not User.objects.filter(first_name="Astrid").exists()
    page.goto("/")
    assert "/login/" in page.url


def test_a_user_the_provider_stops_vouching_for_loses_the_session(page, staff_oidc):
    staff_oidc.user("bent", "bents-password", first_name="Bent", claims={"role": "manager"})
    sign_in_at_the_provider(page, "bent", "bents-password")
    page.wait_for_selector("[data-testid=current-user]")

    # Time for the silent re-check: the provider still vouches, so the user stays in.
    expire_the_provider_check(page)
    page.goto("/")
    assert page.locator("[data-testid=current-user]").inner_text().startswith("Bent")

    staff_oidc.disable("bent")
    expire_the_provider_check(page)
    page.goto("/")
    page.wait_for_url("**/login/**")
    assert "udløbet" in page.locator("[data-testid=message]").inner_text()
    page.goto("/")
    assert "/login/" in page.url


def expire_the_provider_check(page):
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    session = SessionStore(session_key=cookie["value"])
    session["oidc_id_token_expiration"] = 0
    session.save()
