"""The second factor: required per role, set up at the first log-in, asked for afterwards."""

from base64 import b32decode

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mikrolaan.accounts.roles import PERSONAL_DATA_ROLES, Role
from mikrolaan.accounts.second_factor import OIDC_BACKEND, second_factor_required
from mikrolaan.accounts.tests.factories import PASSWORD, UnitFactory, UserFactory
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.core.models import DemoLogin

pytestmark = pytest.mark.django_db

SETUP = "/account/second-factor/setup/"
VERIFY = "/account/second-factor/"


def _user(role, username="someone"):
    unit = UnitFactory() if role in {Role.JOB_CONSULTANT, Role.KNOWLEDGE_PERSON} else None
    return UserFactory(username=username, role=role, unit=unit)


def _code(device, drift=0) -> str:
    return f"{totp(device.bin_key, drift=drift):06d}"


def _with_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


@pytest.mark.parametrize("role", sorted(PERSONAL_DATA_ROLES))
def test_roles_that_see_personal_data_set_up_the_second_factor_first(
    hardened, client, sign_in, role
):
    _user(role)
    assert sign_in("someone", PASSWORD).status_code == 302
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response.url == f"{SETUP}?next=%2Fcases%2F"


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.MANAGER])
def test_roles_that_see_only_aggregates_need_no_second_factor(hardened, client, sign_in, role):
    _user(role)
    sign_in("someone", PASSWORD)
    assert client.get("/").status_code == 200


def test_admin_site_users_need_it_whatever_their_role(hardened, client, sign_in):
    UserFactory(username="someone", role=Role.MANAGER, is_staff=True)
    sign_in("someone", PASSWORD)
    assert client.get("/admin/").url.startswith(SETUP)


def test_sessions_from_the_identity_provider_are_exempt(hardened, project_leader):
    request = RequestFactory().get("/")
    request.user = project_leader
    request.session = {BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend"}
    assert second_factor_required(request)
    request.session = {BACKEND_SESSION_KEY: OIDC_BACKEND}
    assert not second_factor_required(request)
    request.user = AnonymousUser()
    assert not second_factor_required(request)


def test_setting_up_the_app_shows_recovery_codes_once(hardened, client, sign_in, project_leader):
    sign_in("pl", PASSWORD)
    page = client.get(f"{SETUP}?next=/cases/").content.decode()
    device = TOTPDevice.objects.get(user=project_leader, confirmed=False)
    assert "<svg" in page and 'style="' not in page
    assert b32decode(page.split('data-testid="totp-secret">')[1].split("<")[0].replace(" ", ""))
    assert device.bin_key == b32decode(
        page.split('data-testid="totp-secret">')[1].split("<")[0].replace(" ", "")
    )

    response = client.post(SETUP, {"code": "000000", "next": "/cases/"})
    assert "Koden er forkert" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()

    response = client.post(SETUP, {"code": _code(device), "next": "/cases/"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    codes = StaticToken.objects.filter(device__user=project_leader)
    assert codes.count() == 10
    page = client.get(response.url).content.decode()
    assert all(code.token in page for code in codes)
    assert 'href="/cases/"' in page
    # Shown once only; the session is verified from here on.
    assert not any(code.token in client.get(response.url).content.decode() for code in codes)
    assert client.get("/cases/").status_code == 200
    assert AuditRecord.objects.filter(
        user=project_leader, action=Action.CHANGE, what__startswith="second factor set up"
    ).exists()


def test_a_user_with_an_app_gives_its_code_and_cannot_replace_it_first(
    hardened, client, sign_in, project_leader
):
    device = _with_app(project_leader)
    sign_in("pl", PASSWORD)
    assert client.get("/").url == f"{VERIFY}?next=%2F"
    # A password alone cannot set up another app in its place.
    assert client.get(SETUP).url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=project_leader).count() == 1

    response = client.post(VERIFY, {"code": "123456", "next": "/"})
    assert "Koden er forkert" in response.content.decode()
    assert client.get("/").status_code == 302
    device.refresh_from_db()
    device.throttle_reset()

    response = client.post(VERIFY, {"code": _code(device), "next": "/"})
    assert response.url == "/"
    assert client.get("/").status_code == 200
    assert AuditRecord.objects.filter(
        user=project_leader, action=Action.LOGIN, what__contains="authenticator app"
    ).exists()
    assert AuditRecord.objects.filter(
        user=project_leader, action=Action.LOGIN_FAILED, what__contains="second factor"
    ).exists()


def test_a_recovery_code_works_once(hardened, client, sign_in, project_leader):
    _with_app(project_leader)
    recovery = project_leader.staticdevice_set.create(name="recovery")
    recovery.token_set.create(token="abcdefgh23456789")

    recovery.token_set.create(token="zzzzeeeeffffgggg")

    sign_in("pl", PASSWORD)
    assert client.post(VERIFY, {"code": "ABCD EFGH 2345 6789"}).url == "/"
    assert "Gendannelseskoder tilbage: 1." in client.get("/").content.decode()
    client.post("/logout/")
    sign_in("pl", PASSWORD)
    recovery.refresh_from_db()
    recovery.throttle_reset()
    assert "Koden er forkert" in client.post(VERIFY, {"code": "abcdefgh23456789"}).content.decode()
    assert client.get("/").status_code == 302


def test_demo_users_are_exempt_only_in_the_demo_and_not_in_production(
    hardened, client, sign_in, project_leader, benefits_caseworker
):
    DemoLogin.objects.create(user=project_leader, password=PASSWORD)
    sign_in("pl", PASSWORD)
    assert client.get("/").status_code == 200

    # A real user on the same installation still needs the second factor.
    sign_in("bc", PASSWORD)
    assert client.get("/").url.startswith(SETUP)

    hardened.MIKROLAAN_ENVIRONMENT = "production"
    sign_in("pl", PASSWORD)
    assert client.get("/").url.startswith(SETUP)


def test_log_out_and_static_files_are_open_before_the_second_factor(
    hardened, client, sign_in, project_leader
):
    sign_in("pl", PASSWORD)
    assert client.get("/static/web/mikrolaan.css").status_code == 200
    response = client.post("/logout/")
    assert response.url == "/login/"
    assert "_auth_user_id" not in client.session
