"""In Chromium: the second factor set up and asked for, and the lock-out after five failures."""

from base64 import b32decode

import pytest
from django_otp.oath import totp

from mikrolaan.accounts.tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _submit_login(page, username, password):
    """Submit the log-in form and wait for the answer's page: a wrong password answers with the
    same URL, so without waiting a check may read the form still on screen (seen once in CI)."""
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_second_factor_then_lock_out_in_chromium(hardened, page, project_leader, evaluator):
    # First log-in: the authenticator app is set up from the key on the page.
    _submit_login(page, "pl", PASSWORD)
    page.wait_for_url("**/account/second-factor/setup/**")
    assert page.locator("[data-testid=qr-code] svg").count() == 1
    key = b32decode(page.locator("[data-testid=totp-secret]").inner_text().replace(" ", ""))
    page.fill("#id_code", f"{totp(key):06d}")
    page.click("main button:has-text('Bekræft')")
    page.wait_for_url("**/account/second-factor/recovery-codes/**")
    assert page.locator("[data-testid=recovery-codes] li").count() == 10
    page.click("text=Jeg har gemt koderne – fortsæt")
    assert page.locator("[data-testid=current-user]").inner_text() == str(project_leader)
    page.click("text=Log ud")
    page.wait_for_url("**/login/")

    # Next log-in: the code is asked for before any page (the next time step: a code is used once).
    _submit_login(page, "pl", PASSWORD)
    page.wait_for_url("**/account/second-factor/?next=*")
    page.goto("/cases/")
    assert "/account/second-factor/" in page.url
    page.fill("#id_code", f"{totp(key, drift=1):06d}")
    page.click("main button:has-text('Fortsæt')")
    page.wait_for_selector("[data-testid=current-user]")
    assert "/cases/" in page.url
    page.click("text=Log ud")
    page.wait_for_url("**/login/")

    # Five wrong passwords lock the user name, with the time to try again.
    for _ in range(4):
        _submit_login(page, "ev", "forkert-kodeord")
        assert page.locator(".alert-error").count() == 1
    _submit_login(page, "ev", "forkert-kodeord")
    locked = page.locator("[data-testid=locked-out]")
    assert "Du kan prøve igen kl." in locked.inner_text()
    assert page.locator("h1").inner_text() == "Log-ind er spærret"
    _submit_login(page, "ev", PASSWORD)
    assert page.locator("[data-testid=locked-out]").count() == 1
    assert page.locator("[data-testid=current-user]").count() == 0
