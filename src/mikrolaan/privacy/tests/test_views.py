import io
import json
import zipfile

import pytest
from django.urls import reverse

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.people.tests.factories import CitizenFactory

pytestmark = pytest.mark.django_db
URL = "/privacy/insight/"


def test_the_page_has_the_url_name_the_dpo_page_links_to():
    assert reverse("privacy:insight") == URL


def test_the_dpo_sees_the_form_and_the_menu_item(client, dpo):
    client.force_login(dpo)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Borgerens ret til indsigt" in page
    assert 'name="cpr"' in page and 'method="post"' in page
    assert f'href="{URL}"' in page  # the menu item "Indsigtsret"
    assert "Indsigtsret" in page
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.DATA_PROTECTION_OFFICER])
def test_every_other_role_is_refused(client, role):
    citizen = CitizenFactory()
    client.force_login(UserFactory(role=role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"cpr": citizen.cpr}).status_code == 403
    assert not AuditRecord.objects.filter(action=Action.EXTRACT).exists()


def test_an_administrator_superuser_is_refused_too(client):
    client.force_login(UserFactory(administrator=True))
    assert client.get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_dpo_downloads_a_zip_with_the_pdf_and_the_json(client, dpo):
    citizen = CitizenFactory(cpr="1403751234", first_name="Anne", last_name="Zip")
    client.force_login(dpo)
    response = client.post(URL, {"cpr": "140375-1234"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="mikrolaan-indsigt-20')
    assert "1403751234" not in disposition and "140375-1234" not in disposition
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = sorted(archive.namelist())
        assert [n.rsplit(".", 1)[1] for n in names] == ["json", "pdf"]
        data = json.loads(archive.read(names[0]))
        assert archive.read(names[1]).startswith(b"%PDF")
    assert data["citizen"]["last_name"] == "Zip"

    record = AuditRecord.objects.get(citizen=citizen)
    assert (record.action, record.user, record.why) == (Action.EXTRACT, dpo, "indsigt")
    assert "web" in record.what


@pytest.mark.parametrize(
    ("cpr", "message"),
    [
        ("", "Dette felt er påkrævet."),
        ("14037512", "Et CPR-nummer har 10 cifre"),
        ("0101011234", "Der er ingen borger med CPR-nummer 010101-1234 i systemet."),
    ],
)
def test_a_bad_cpr_is_explained_and_nothing_is_extracted(client, dpo, cpr, message):
    client.force_login(dpo)
    response = client.post(URL, {"cpr": cpr})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()
    assert not AuditRecord.objects.filter(action=Action.EXTRACT).exists()
