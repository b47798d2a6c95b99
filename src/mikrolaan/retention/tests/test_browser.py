import datetime as dt

import pytest

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.cases.tests.factories import CaseFactory
from mikrolaan.retention import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_data_protection_officer_looks_at_what_is_due(page, login):
    dpo = UserFactory(username="dpo", role=Role.DATA_PROTECTION_OFFICER)
    case = CaseFactory(stage="closed", opened_on=dt.date(2012, 3, 1))
    services.run(dt.date(2013, 1, 1))
    login(dpo)

    page.click("text=Sletning og anonymisering")
    page.fill("#retention-date", "2030-01-01")
    page.click("text=Vis hvad der skal slettes")

    page.wait_for_url("**/retention/?date=2030-01-01")
    assert page.locator("[data-testid=due-cases] td").first.inner_text() == str(case.pk)
    assert "Intet skulle slettes." in page.locator("[data-testid=runs]").inner_text()
