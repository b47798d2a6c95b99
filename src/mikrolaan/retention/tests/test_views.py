import datetime as dt

import pytest

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.cases.tests.factories import CaseFactory
from mikrolaan.people.models import Citizen
from mikrolaan.retention import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo():
    return UserFactory(username="dpo", role=Role.DATA_PROTECTION_OFFICER)


def test_the_data_protection_officer_sees_the_rules_the_due_cases_and_the_runs(client, dpo):
    case = CaseFactory(stage="closed", opened_on=dt.date(2012, 3, 1))
    services.run(dt.date(2012, 1, 1))  # nothing due yet: a run with nothing done
    client.force_login(dpo)

    page = client.get("/retention/", {"date": "2030-01-01"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "Sletning og anonymisering" in html
    assert "Skal slettes pr. 01.01.2030 (tørkørsel)" in html
    assert f"<td>{case.pk}</td>" in html
    assert case.citizen.last_name not in html  # the page names no one
    assert "Intet skulle slettes." in html  # the earlier run
    assert 'href="/retention/"' in html  # the menu item
    assert Citizen.objects.get(pk=case.citizen_id).anonymised_on is None  # a dry run


def test_a_bad_date_gets_a_clear_error_and_today(client, dpo):
    client.force_login(dpo)
    page = client.get("/retention/", {"date": "1/1/2030"})
    assert page.status_code == 200
    assert "Ikke en dato: skriv den som ÅÅÅÅ-MM-DD" in page.content.decode()


@pytest.mark.parametrize("role", [Role.PROJECT_LEADER, Role.ADMINISTRATOR, Role.MANAGER])
def test_other_roles_may_not_see_the_page(client, role):
    client.force_login(UserFactory(username=f"u-{role}", role=role))
    page = client.get("/retention/")
    assert page.status_code == 403
    assert 'href="/retention/"' not in client.get("/").content.decode()
