"""Done when: a DPO can, in the browser, find everyone who read a given citizen last month, and
produce the citizen's insight file."""

import datetime as dt
import json
import zipfile

import pytest
from django.utils import timezone

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.audit.services import log_list, log_read
from mikrolaan.cases.tests.factories import referred_case

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_dpo_finds_the_caseworkers_who_read_a_citizen(page, login, unit):
    case = referred_case(unit=unit)
    reader = UserFactory(
        username="vidensperson",
        role=Role.KNOWLEDGE_PERSON,
        unit=unit,
        first_name="Karen",
        last_name="Vidensen",
    )
    lister = UserFactory(
        username="ydelser", role=Role.BENEFITS_CASEWORKER, first_name="Bent", last_name="Ydelsesen"
    )
    long_ago = UserFactory(
        username="tidligere", role=Role.PROJECT_LEADER, first_name="Tove", last_name="Tidligere"
    )
    log_read(reader, case)
    log_list(lister, [case.citizen], what="case list")
    AuditRecord.objects.create(
        at=timezone.now() - dt.timedelta(days=45),
        user=long_ago,
        action=Action.READ,
        citizen=case.citizen,
    )
    dpo = UserFactory(
        username="dpo",
        role=Role.DATA_PROTECTION_OFFICER,
        first_name="Dorte",
        last_name="Databeskytter",
    )

    login(dpo)
    page.click("nav >> text=Adgangslog")
    page.fill("#id_citizen-cpr", case.citizen.cpr_display)
    page.click("[data-testid=citizen-lookup] button[type=submit]")
    page.wait_for_selector("[data-testid=who-saw]")

    assert case.citizen.cpr[:6] not in page.url
    who = page.inner_text("[data-testid=who-saw]")
    assert "Karen Vidensen (vidensperson)" in who and "Vidensperson" in who
    assert "Bent Ydelsesen (ydelser)" in who
    assert "Tidligere" not in who  # read 45 days ago: outside the last month
    assert case.citizen.full_name in page.inner_text("[data-testid=subject]")
    assert AuditRecord.objects.filter(user=dpo, citizen=case.citizen).exists()

    # From the same page, the citizen's insight file (right of access), without typing again.
    with page.expect_download() as download_info:
        page.click("[data-testid=insight]")
    with zipfile.ZipFile(download_info.value.path()) as insight:
        names = insight.namelist()
        assert any(n.endswith(".pdf") for n in names)
        (json_name,) = [n for n in names if n.endswith(".json")]
        data = json.loads(insight.read(json_name))
    assert case.citizen.cpr_display.replace("-", "") in json.dumps(data).replace("-", "")
    assert AuditRecord.objects.filter(
        user=dpo, citizen=case.citizen, action=Action.EXTRACT
    ).exists()
