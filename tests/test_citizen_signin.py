"""Citizens sign in with MitID, here the real test OpenID Connect provider with a CPR claim, in
Chromium: a borrower answers the self-assessment that is due, sees loan and plan, asks for a
deferral, the project leader decides it from the task list, the borrower reads the answer;
another citizen sees none of it."""

from urllib.parse import urlparse

import pytest
from django.urls import reverse

from mikrolaan.accounts.tests.factories import PASSWORD
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.loans.models import Deferral
from mikrolaan.progression.models import Assessment
from mikrolaan.selfservice.models import LoanRequest
from mikrolaan.selfservice.tests.factories import borrower
from tests.oidc_provider.fixture import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CLIENT_ID = "mikrolaan-citizen-test"
CLIENT_SECRET = "citizen-client-secret"  # noqa: S105


@pytest.fixture
def mitid(oidc_provider, live_server, settings):
    """Mikrolån registered at the test provider as the citizens' MitID (CPR in claim ``cpr``)."""
    oidc_provider.configure(
        settings,
        "citizen",
        live_server.url,
        CLIENT_ID,
        CLIENT_SECRET,
        scopes="openid profile mikrolaan",
        cpr_claim="cpr",
    )
    return oidc_provider


def sign_in_with_mitid(page, username, password):
    sign_in(page, "/borger/", "mitid-login", username, password)


def test_a_borrower_asks_for_a_deferral_and_reads_the_answer(
    page, chromium, live_server, mitid, project_leader, tmp_path
):
    loan, _letter, _ = borrower(tmp_path)
    other_loan, _other_letter, _ = borrower(tmp_path)
    anne, other = loan.citizen, other_loan.citizen
    mitid.user("anne", "annes-password", first_name=anne.first_name, claims={"cpr": anne.cpr})
    mitid.user("bo", "bos-password", first_name=other.first_name, claims={"cpr": other.cpr})
    mitid.user("stranger", "strangers-password", claims={"cpr": "0101901234"})

    # Not a citizen in the programme: a Danish page, and no session.
    sign_in_with_mitid(page, "stranger", "strangers-password")
    assert "Vi kan ikke finde dig" in page.locator("[data-testid=sign-in-refused]").inner_text()
    page.goto("/borger/")
    assert page.locator("[data-testid=mitid-login]").is_visible()
    page.context.clear_cookies()

    # The borrower signs in and sees the loan: balance, payment ID, plan, the payment.
    sign_in_with_mitid(page, "anne", "annes-password")
    page.wait_for_selector("[data-testid=citizen-name]")
    assert urlparse(page.url).path == "/borger/"
    assert page.locator("[data-testid=citizen-name]").inner_text() == anne.full_name

    # She answers the self-assessment that is due, where the reminder letter sends her.
    page.click("[data-testid=nav-self-assessment]")
    page.click("[data-testid=answer-assessment]")
    # The form's page must be there before its radios are counted: .all() does not wait.
    page.wait_for_selector("[data-testid=save-assessment]")
    statements = page.locator("[data-testid=statement]")
    assert statements.count() > 0
    for radio in statements.locator("input[value='4']").all():
        radio.check()
    assert statements.locator("input[value='4']:checked").count() == statements.count()
    page.click("[data-testid=save-assessment]")
    page.wait_for_selector("[data-testid=own-progression]")
    assert Assessment.objects.get(case=loan.case).channel == "citizen"
    page.click("[data-testid=open-loan]")
    assert page.locator("[data-testid=payment-id]").inner_text() == f"+71<{loan.payment_id}"
    balance = f"{loan.balance:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert balance in page.locator("[data-testid=balance]").inner_text()
    assert page.locator("[data-testid=plan] tbody tr").count() == loan.term_months
    assert "357,15" in page.locator("[data-testid=payments]").inner_text()

    # … and asks for two months' deferral.
    form = page.locator("[data-testid=deferral-form]")
    form.locator("select[name=months]").select_option("2")
    form.locator("textarea[name=message]").fill(
        "Jeg skal opereres og kan ikke arbejde i to måneder."
    )
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-testid=no-answer]")
    asked = LoanRequest.objects.get(loan=loan)
    assert AuditRecord.objects.filter(citizen=anne, by_citizen=True, action=Action.LOGIN).exists()

    # The project leader finds the task and grants it (another browser, local password).
    staff = chromium.new_context(base_url=live_server.url, locale="da-DK")
    staff_page = staff.new_page()
    staff_page.goto("/login/")
    staff_page.fill("#id_username", project_leader.username)
    staff_page.fill("#id_password", PASSWORD)
    staff_page.click("button[type=submit]")
    staff_page.wait_for_selector("[data-testid=current-user]")
    staff_page.goto(reverse("servicing:tasks"))
    task = staff_page.locator("[data-testid=task]", has_text="opereres")
    task.locator("[data-testid=decide-request]").click()
    decide = staff_page.locator("[data-testid=decide-form]")
    decide.locator("label", has_text="Bevilget").click()
    decide.locator("textarea[name=answer]").fill("God bedring. Dine afdrag er flyttet to måneder.")
    decide.locator("button[type=submit]").click()
    staff_page.wait_for_selector("[data-testid=message]")
    assert "opereres" not in staff_page.locator("main").inner_text().split("Udført")[0]
    assert Deferral.objects.get(loan=loan).months == 2
    # A staff session opens no citizen page.
    staff_page.goto(f"/borger/laan/{loan.pk}/")
    assert staff_page.locator("[data-testid=staff-not-citizen]").is_visible()
    assert loan.loan_ref not in staff_page.locator("main").inner_text()
    staff.close()

    # The borrower reads the answer.
    page.goto(f"/borger/anmodninger/{asked.pk}/")
    assert "Dine afdrag er flyttet" in page.locator("[data-testid=answer]").inner_text()
    # A citizen session opens no staff page.
    page.goto(f"/loans/{loan.pk}/")
    assert urlparse(page.url).path == "/login/"

    # Another citizen signs in and sees none of it.
    page.context.clear_cookies()
    sign_in_with_mitid(page, "bo", "bos-password")
    page.wait_for_selector("[data-testid=citizen-name]")
    text = page.locator("body").inner_text()
    assert anne.last_name not in text and loan.loan_ref not in text and "opereres" not in text
    for url in (f"/borger/anmodninger/{asked.pk}/", f"/borger/laan/{loan.pk}/"):
        response = page.goto(url)
        assert response.status == 404
