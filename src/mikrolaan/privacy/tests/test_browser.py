import json
import zipfile
from decimal import Decimal

import pytest

from mikrolaan.accounts.roles import Role
from mikrolaan.accounts.tests.factories import UserFactory
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.loans.tests.factories import disbursed_loan

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_the_dpo_produces_a_citizens_insight_file_in_the_browser(page, login, tmp_path):
    loan = disbursed_loan(amount=Decimal("8400.00"))
    citizen = loan.citizen
    dpo = UserFactory(username="dpo", role=Role.DATA_PROTECTION_OFFICER)

    login(dpo)
    page.click("nav >> text=Indsigtsret")
    page.wait_for_selector("h1:has-text('Borgerens ret til indsigt')")
    assert "cpr" not in page.url

    # A mistyped number is explained; nothing is extracted.
    page.fill("input[name=cpr]", "1234")
    page.click("[data-testid=produce-insight]")
    assert "Et CPR-nummer har 10 cifre" in page.locator("[data-testid=error-cpr]").inner_text()
    assert not AuditRecord.objects.filter(action=Action.EXTRACT).exists()

    page.fill("input[name=cpr]", citizen.cpr_display)
    with page.expect_download() as info:
        page.click("[data-testid=produce-insight]")
    download = info.value
    assert download.suggested_filename.startswith("mikrolaan-indsigt-")
    assert download.suggested_filename.endswith(".zip")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    with zipfile.ZipFile(path) as archive:
        (json_name,) = [n for n in archive.namelist() if n.endswith(".json")]
        (pdf_name,) = [n for n in archive.namelist() if n.endswith(".pdf")]
        data = json.loads(archive.read(json_name))
        assert archive.read(pdf_name).startswith(b"%PDF")
    assert data["citizen"]["cpr"] == citizen.cpr
    assert [loan_row["loan_ref"] for loan_row in data["loans"]] == [loan.loan_ref]
    assert data["loans"][0]["principal"] == "8400.00"

    record = AuditRecord.objects.get(action=Action.EXTRACT)
    assert (record.citizen, record.user, record.why) == (citizen, dpo, "indsigt")
