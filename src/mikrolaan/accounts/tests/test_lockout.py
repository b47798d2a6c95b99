"""Lock-out after repeated failed log-ins, per user name and per address, /admin/ included."""

import datetime as dt

import pytest
from django.utils import timezone

from mikrolaan.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"


def _try_again_times() -> set[str]:
    """The clock times the lock-out may name (the request may cross a minute)."""
    now = timezone.localtime()
    return {f"kl. {(now + dt.timedelta(minutes=15, seconds=s)):%H:%M}" for s in (-60, 0, 60, 120)}


def test_five_failures_for_one_user_lock_that_user_from_any_address(
    hardened, sign_in, project_leader
):
    for i in range(4):
        response = sign_in("pl", WRONG, ip=f"10.0.1.{i}")
        assert response.status_code == 200  # the form again, with its error
    response = sign_in("pl", WRONG, ip="10.0.1.9")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Log-ind er spærret" in page
    assert any(time in page for time in _try_again_times()), page

    # The right password, from a fresh address: still locked, nobody logged in.
    response = sign_in("pl", PASSWORD, ip="10.0.2.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in response.wsgi_request.session


def test_five_failures_from_one_address_lock_that_address_for_every_user(
    hardened, sign_in, project_leader, evaluator
):
    for name in ("a", "b", "c", "d", "e"):
        sign_in(name, WRONG, ip="10.0.3.3")
    response = sign_in("ev", PASSWORD, ip="10.0.3.3")
    assert response.status_code == 429
    assert "Du kan prøve igen" in response.content.decode()
    # Another address is not locked, and the user names tried were each tried once.
    response = sign_in("ev", PASSWORD, ip="10.0.4.4")
    assert response.status_code == 302


def test_fewer_failures_then_the_right_password_log_in(hardened, sign_in, project_leader):
    for _ in range(4):
        sign_in("pl", WRONG)
    response = sign_in("pl", PASSWORD)
    assert response.status_code == 302
    # A success starts the count afresh.
    for _ in range(4):
        sign_in("pl", WRONG)
    assert sign_in("pl", PASSWORD).status_code == 302


def test_the_admin_site_logs_in_through_the_one_log_in_page(hardened, client, project_leader):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=%2Fadmin%2F"
    # Posting a password to the admin site's own log-in logs nobody in.
    response = client.post(
        "/admin/login/", {"username": "pl", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert "_auth_user_id" not in client.session


def test_the_admin_site_is_locked_with_the_log_in_page(hardened, client, sign_in, admin_user):
    for _ in range(5):
        sign_in(admin_user.username, WRONG, next_url="/admin/")
    response = sign_in(admin_user.username, "password", next_url="/admin/")
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302
