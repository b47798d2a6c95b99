"""With OpenID Connect on, local passwords are for the break-glass administrator only."""

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from mikrolaan.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STAFF_OIDC = {
    "issuer": "https://login.kommune.example",
    "client_id": "mikrolaan",
    "client_secret": "s3cret",
    "scopes": "openid profile",
    "break_glass_user": "nødadmin",
}


@pytest.fixture
def oidc_on(settings):
    settings.OIDC_PROVIDERS = {"staff": STAFF_OIDC}


@pytest.fixture
def break_glass(db):
    return UserFactory(username="nødadmin", administrator=True)


def test_without_oidc_the_login_page_is_the_password_form(client, project_leader):
    page = client.get(reverse("login")).content.decode()
    assert "Log ind med kommunens login" not in page
    response = client.post(reverse("login"), {"username": "pl", "password": PASSWORD}, follow=True)
    assert response.context["user"] == project_leader


def test_with_oidc_the_login_page_offers_the_municipalitys_login_first(client, oidc_on):
    page = client.get(reverse("login") + "?next=/cases/").content.decode()
    assert "Log ind med kommunens login" in page
    assert 'href="/oidc/staff/login/?next=/cases/"' in page
    assert "Nødadministrator" in page


def test_with_oidc_other_users_passwords_are_refused_with_a_clear_message(
    client, oidc_on, project_leader
):
    response = client.post(reverse("login"), {"username": "pl", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Adgangskoder er kun for nødadministratoren" in response.content.decode()


def test_the_backend_itself_refuses_passwords_other_than_the_break_glass_one(
    oidc_on, project_leader, break_glass, rf
):
    request = rf.post("/login/")
    assert authenticate(request, username="pl", password=PASSWORD) is None
    assert authenticate(request, username="nødadmin", password=PASSWORD) == break_glass


def test_the_break_glass_administrator_signs_in_with_the_password(client, oidc_on, break_glass):
    response = client.post(
        reverse("login"), {"username": "nødadmin", "password": PASSWORD}, follow=True
    )
    assert response.context["user"] == break_glass


def test_a_password_session_ends_when_oidc_is_switched_on(client, settings, project_leader):
    client.force_login(project_leader, backend="mikrolaan.accounts.backends.LocalPasswordBackend")
    assert client.get("/").status_code == 200
    settings.OIDC_PROVIDERS = {"staff": STAFF_OIDC}
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_without_a_break_glass_user_there_is_no_password_form(client, settings):
    settings.OIDC_PROVIDERS = {"staff": {**STAFF_OIDC, "break_glass_user": ""}}
    page = client.get(reverse("login")).content.decode()
    assert 'id="id_password"' not in page
    assert "Log ind med kommunens login" in page


def test_the_oidc_urls_are_not_there_when_oidc_is_off(client):
    assert client.get("/oidc/staff/login/").status_code == 404
    assert client.get("/oidc/staff/callback/?code=x&state=y").status_code == 404
