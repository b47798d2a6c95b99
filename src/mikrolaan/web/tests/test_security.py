"""The browser's protections on every page: CSP without inline code, no caching of logged-in
pages, Permissions-Policy, and the idle timeout."""

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from mikrolaan.web.security import LAST_ACTIVITY_KEY

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2]
# Rendered to PDF by WeasyPrint, never served to a browser: their <style> stays.
PDF_TEMPLATES = {"loans/letters/base.html", "reports/pdf.html", "privacy/insight_pdf.html"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def inline_code(html: str) -> list[str]:
    found = []
    for name, pattern in [
        ("inline <script>", INLINE_SCRIPT),
        ("style attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
        ("on… handler", HANDLER),
    ]:
        found += [
            f"{name}: {html[max(m.start() - 60, 0) : m.end() + 60]!r}"
            for m in pattern.finditer(html)
        ]
    return found


def test_no_template_has_inline_script_style_or_handlers():
    offenders = []
    for path in SRC.glob("*/templates/**/*.html"):
        name = str(path.relative_to(SRC))
        if any(name.endswith(f"templates/{t}") for t in PDF_TEMPLATES):
            continue
        offenders += [f"{name}: {hit}" for hit in inline_code(path.read_text())]
    assert offenders == []


@pytest.fixture
def programme(unit, project_leader):
    """A citizen with a case, a loan and support spells: enough for the pages to show data."""
    from mikrolaan.cases.tests.factories import referred_case
    from mikrolaan.outcomes.services import record_spell
    from mikrolaan.outcomes.tests import factories as f

    cohort = f.cohort("M3", dt.date(2013, 6, 1), dt.date(2013, 11, 30))
    case = referred_case(unit=unit, referred_on=dt.date(2013, 1, 7))
    f.admit(case, cohort, dt.date(2013, 2, 1), main_course_end=dt.date(2013, 11, 30))
    f.decide(case, dt.date(2013, 5, 1), user=project_leader)
    loan = f.loan(case, cohort, dt.date(2013, 7, 1), user=project_leader)
    for status, start, end in [
        ("public_support", dt.date(2013, 12, 1), dt.date(2014, 5, 31)),
        ("self_supporting_business", dt.date(2014, 6, 1), None),
    ]:
        record_spell(
            case.citizen,
            status=status,
            start=start,
            end=end,
            source="test",
            acting_user=project_leader,
            case=case,
        )
    return case, loan


def test_the_main_pages_carry_no_inline_code(client, programme, project_leader, finance_clerk):
    case, loan = programme
    pages = {
        project_leader: [
            "/",
            reverse("cases:list"),
            reverse("cases:detail", args=[case.pk]),
            reverse("cases:citizen", args=[case.citizen_id]),
            reverse("loans:list"),
            reverse("loans:detail", args=[loan.pk]),
            reverse("loans:fund"),
            reverse("outcomes:case", args=[case.pk]),
            reverse("outcomes:funnel"),
            reverse("outcomes:economics"),
            reverse("reports:index"),
            reverse("courses:cohorts"),
        ],
        finance_clerk: ["/", reverse("banking:queue"), reverse("servicing:queues")],
    }
    offenders = []
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            offenders += [f"{url}: {hit}" for hit in inline_code(response.content.decode())]
    client.logout()
    response = client.get(reverse("login"))
    offenders += [f"login: {hit}" for hit in inline_code(response.content.decode())]
    assert offenders == []


def test_every_response_has_a_strict_content_security_policy(client):
    csp = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"
    assert "unsafe-inline" not in csp


def test_permissions_policy_and_other_headers(client):
    response = client.get(reverse("login"))
    policy = response["Permissions-Policy"]
    for feature in ["camera", "microphone", "geolocation", "payment"]:
        assert f"{feature}=()" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_logged_in_pages_are_never_stored(client, project_leader):
    anonymous = client.get("/healthz")
    assert "no-store" not in anonymous.get("Cache-Control", "")  # only logged-in responses
    client.force_login(project_leader)
    for url in ["/", reverse("cases:list"), "/no-such-page/"]:
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url
        assert response["Pragma"] == "no-cache", url


def _idle(client, seconds):
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


def test_an_idle_session_ends_with_a_danish_message(client, project_leader):
    client.force_login(project_leader)
    assert client.get("/").status_code == 200
    _idle(client, settings.SESSION_IDLE_SECONDS - 60)
    assert client.get(reverse("cases:list")).status_code == 200  # still within the limit
    _idle(client, settings.SESSION_IDLE_SECONDS + 1)
    response = client.get(reverse("cases:list"), follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('login')}?next={reverse('cases:list')}"
    assert "du ikke havde brugt systemet" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    assert client.get("/").status_code == 302  # logged out for good


def test_an_idle_htmx_request_is_sent_to_the_login_page(client, project_leader):
    client.force_login(project_leader)
    client.get("/")
    _idle(client, settings.SESSION_IDLE_SECONDS + 1)
    response = client.get(reverse("cases:list"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_the_idle_limit_and_the_absolute_limit_are_settings():
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60


def test_the_headers_are_on_redirects_too(client):
    response = client.get(reverse("cases:list"))  # to the login page
    assert response.status_code == 302
    assert "Content-Security-Policy" in response
    assert "Permissions-Policy" in response
