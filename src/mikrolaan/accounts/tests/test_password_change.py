"""Users change their own password; Django's validators with a minimum length of 12."""

import pytest

from mikrolaan.accounts.tests.factories import PASSWORD
from mikrolaan.audit.models import Action, AuditRecord

pytestmark = pytest.mark.django_db

URL = "/account/password/"


def test_the_header_links_to_the_password_change(client, evaluator):
    client.force_login(evaluator)
    assert f'href="{URL}"' in client.get("/").content.decode()


def test_a_short_password_is_refused_and_nothing_changes(client, evaluator):
    client.force_login(evaluator)
    response = client.post(
        URL,
        {"old_password": PASSWORD, "new_password1": "kort-4711", "new_password2": "kort-4711"},
    )
    assert response.status_code == 200
    assert "mindst 12 tegn" in response.content.decode()
    evaluator.refresh_from_db()
    assert evaluator.check_password(PASSWORD)
    assert not AuditRecord.objects.filter(action=Action.CHANGE).exists()


def test_the_wrong_old_password_is_refused(client, evaluator):
    client.force_login(evaluator)
    new = "lang-nok-adgangskode-2026"
    response = client.post(
        URL, {"old_password": "forkert", "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 200
    evaluator.refresh_from_db()
    assert not evaluator.check_password(new)


def test_the_user_changes_the_password_and_stays_logged_in(client, evaluator):
    client.force_login(evaluator)
    new = "lang-nok-adgangskode-2026"
    response = client.post(
        URL, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Din adgangskode er ændret." in response.content.decode()
    evaluator.refresh_from_db()
    assert evaluator.check_password(new)
    record = AuditRecord.objects.get(action=Action.CHANGE)
    assert record.user == evaluator and new not in record.what
    assert client.get("/").status_code == 200
