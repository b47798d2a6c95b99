"""The browser itself reports no Content-Security-Policy violation on the key pages."""

import datetime as dt

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_no_csp_violation_on_key_pages(page, login, project_leader, unit):
    from mikrolaan.cases.tests.factories import referred_case

    case = referred_case(unit=unit, referred_on=dt.date(2026, 1, 5))
    problems = []

    def on_console(msg):
        where = msg.location.get("url", "")
        if where.endswith("/favicon.ico"):  # the browser's own guess; there is none
            return
        if msg.type in {"error", "warning"} or "Content Security Policy" in msg.text:
            problems.append(f"{msg.text} ({where})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    # Violations also fire a DOM event; collect them on every page the browser opens.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    login(project_leader)
    for url in [
        "/",
        reverse("cases:list"),
        reverse("cases:detail", args=[case.pk]),
        reverse("loans:list"),
        reverse("outcomes:funnel"),
        reverse("reports:index"),
    ]:
        response = page.goto(url)
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
    # The API's documentation (Swagger UI from our static files) renders under the same CSP.
    page.goto(reverse("api:docs"))
    page.wait_for_selector(".opblock")
    assert problems == []


def test_the_autosubmit_filter_works_without_an_inline_handler(page, login, finance_clerk):
    login(finance_clerk)
    page.goto(reverse("loans:list"))
    with page.expect_navigation():
        page.select_option("#id_status", index=1)
    assert "status=" in page.url


def test_no_csp_violation_in_the_admin(page, login, evaluator):
    from mikrolaan.accounts.tests.factories import UserFactory

    administrator = UserFactory(username="admin", administrator=True)
    problems = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    login(administrator)
    for url in [
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[evaluator.pk]),
        reverse("admin:accounts_user_role", args=[evaluator.pk]),
    ]:
        page.goto(url)
        page.wait_for_load_state("load")
    assert problems == []
