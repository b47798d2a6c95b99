"""The callback's answers that need no provider: failures leave no session."""

import pytest

from mikrolaan.accounts.tests.test_local_passwords import STAFF_OIDC

pytestmark = pytest.mark.django_db

CALLBACK = "/oidc/staff/callback/"
BACKEND = "mikrolaan.accounts.oidc.StaffOIDCBackend"


@pytest.fixture(autouse=True)
def oidc_on(settings):
    settings.OIDC_PROVIDERS = {"staff": STAFF_OIDC}


def test_the_provider_saying_login_required_ends_the_session(client, project_leader):
    client.force_login(project_leader, backend=BACKEND)
    response = client.get(CALLBACK, {"error": "login_required", "state": "s1"}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")
    assert "_auth_user_id" not in client.session
    assert "Dit log-ind gennem kommunen er udløbet" in response.content.decode()


def test_a_state_this_browser_did_not_start_is_refused_without_a_session(client):
    session = client.session
    session["oidc_states"] = {"mine": {"nonce": "n", "code_verifier": None, "added_on": 0}}
    session.save()
    response = client.get(CALLBACK, {"code": "c", "state": "forged"}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")
    assert "_auth_user_id" not in client.session
    assert "Log-ind gennem kommunen mislykkedes" in response.content.decode()


def test_an_unreachable_provider_gives_a_message_not_an_error(client, settings):
    settings.OIDC_PROVIDERS = {"staff": {**STAFF_OIDC, "issuer": "http://127.0.0.1:9"}}
    response = client.get("/oidc/staff/login/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")
    assert "Kommunens login kan ikke nås lige nu" in response.content.decode()


def test_session_refresh_leaves_password_sessions_alone(client, project_leader, settings):
    settings.OIDC_PROVIDERS = {"staff": {**STAFF_OIDC, "break_glass_user": "pl"}}
    client.force_login(project_leader, backend="mikrolaan.accounts.backends.LocalPasswordBackend")
    assert client.get("/").status_code == 200
