"""WCAG 2.1 A/AA on every page a role can reach in the demo, on desktop and at 390 px.

axe-core (npm, ``node_modules/axe-core``) is injected by Playwright into each page; the context
that runs it bypasses the Content-Security-Policy for that one script (the policy itself is
tested in ``test_csp_browser.py``). The pages are found by following the links of each role's
pages from the start page (one page per kind of address: ``/cases/12/`` stands for every
case), so a new page is checked as soon as the menu or another page links to it.
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.test import Client

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

AXE = Path(__file__).resolve().parents[4] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {"desktop": 1280, "mobile": 390}
# Not our pages: the admin site is Django's own; the rest leave or change the session.
SKIP_PREFIXES = ("/admin/", "/logout/", "/i18n/", "/static/", "/oidc/", "/login/")
MAX_PAGES_PER_ROLE = 80
CRAWLED_PER_KIND = 15
CHECKED_PER_KIND = 2


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _kind(url: str) -> tuple:
    """One address stands for all of its kind: numbers, ids and codes in the path are alike."""
    parts = urlsplit(url)
    path = re.sub(r"/[^/]*\d[^/]*(?=/)", "/N", parts.path)
    keys = frozenset(pair.split("=")[0] for pair in parts.query.split("&") if pair)
    return path, keys


def reachable_pages(client: Client, start: str = "/") -> list[str]:
    """The HTML pages reachable by links from the start page, few of each kind.

    Up to ``CRAWLED_PER_KIND`` pages of a kind are opened to find the links only some of them
    have (the budget form on a case at that stage); a page is checked in the browser when it is
    the first of its kind or links to kinds of pages its kind's checked pages did not.
    """
    crawled, checked, signatures, pages = {}, {}, {}, []
    queue, seen = [start], {start}
    while queue and len(pages) < MAX_PAGES_PER_ROLE:
        url = queue.pop(0)
        kind = _kind(url)
        if crawled.get(kind, 0) >= CRAWLED_PER_KIND:
            continue
        crawled[kind] = crawled.get(kind, 0) + 1
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        links = set()
        for href in parser.hrefs:
            href = urldefrag(href)[0]
            if href.startswith("?"):
                href = urlsplit(url).path + href
            if not href.startswith("/") or href.startswith(SKIP_PREFIXES):
                continue
            links.add(_kind(href))
            if href not in seen:
                seen.add(href)
                queue.append(href)
        known = signatures.setdefault(kind, set())
        if kind not in checked or (links - known and checked[kind] < CHECKED_PER_KIND):
            checked[kind] = checked.get(kind, 0) + 1
            known |= links
            pages.append(url)
    return pages


def _describe(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"    [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])}×)")
        for node in v["nodes"][:3]:
            lines.append(f"        {' '.join(node['target'])}: {node['html'][:160]}")
    return "\n".join(lines)


def _axe_context(chromium, live_server, client: Client, host: str):
    """A browser context with the session of ``client`` (a staff user's or a citizen's)."""
    context = chromium.new_context(
        base_url=live_server.url,
        locale="da-DK",
        timezone_id="Europe/Copenhagen",
        bypass_csp=True,  # only to inject axe-core; the policy is tested elsewhere
    )
    context.set_default_timeout(45_000)  # a loaded CI machine, not a speed test
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    return context


def _check_pages(context, pages: list[str], who: str, failures: list[str]) -> int:
    """axe on each page at both widths, and no sideways scrolling at 390 px; closes the
    context and returns how many checks ran.

    Each page is loaded once, at the desktop width, then narrowed to 390 px as a phone's
    browser would lay it out (the page's own script re-lays its tables on ``resize``): a load
    and axe's injection cost as much as axe's run."""
    checked = 0
    page = context.new_page()
    for url in pages:
        page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            # The resize event comes with the next frames: let the page's handler run first.
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => setTimeout(r)))")
            violations = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                " resultTypes: ['violations']}).then(r => r.violations)",
                WCAG_TAGS,
            )
            checked += 1
            where = f"{who} · {label} · {url}"
            if violations:
                failures.append(f"{where}\n{_describe(violations)}")
            if width == WIDTHS["mobile"]:
                scroll = page.evaluate("document.scrollingElement.scrollWidth")
                if scroll > width:
                    failures.append(f"{where}\n    scrolls sideways to {scroll} px")
    context.close()
    return checked


def test_the_citizens_own_pages_are_accessible_on_desktop_and_phone(
    chromium, live_server, tmp_path, project_leader
):
    """The citizen's pages (mikrolaan.selfservice), with a loan, a payment, a letter, an
    answered request and the self-assessment (to answer, then answered), and the project
    leader's page for deciding a request."""
    from django.utils import timezone

    from mikrolaan.progression.tests.factories import assess
    from mikrolaan.selfservice.requests import answer_request, submit_request
    from mikrolaan.selfservice.tests.factories import borrower, sign_in

    loan, _letter, asked = borrower(tmp_path, with_request=True)
    answer_request(
        asked,
        outcome="granted",
        answer="Du får henstand.",
        on=timezone.localdate(),
        acting_user=project_leader,
    )
    waiting = submit_request(
        loan.citizen,
        loan,
        kind="extra_payment",
        monthly_amount=200,
        message="Det går godt.",
        on=timezone.localdate(),
    )
    host = urlsplit(live_server.url).hostname
    failures: list[str] = []
    citizen = Client()
    sign_in(citizen, loan.citizen)
    pages = reachable_pages(citizen, start="/borger/")
    answer = f"/borger/selvvurdering/{loan.case.pk}/referral/"
    assert {"/borger/", f"/borger/laan/{loan.pk}/", "/borger/kontakt/", answer} <= set(pages)
    checked = _check_pages(
        _axe_context(chromium, live_server, citizen, host), pages, "borger", failures
    )
    # Once answered, the start page shows the citizen's own answers.
    assess(loan.case, "referral", on=timezone.localdate(), channel="citizen")
    checked += _check_pages(
        _axe_context(chromium, live_server, citizen, host), ["/borger/"], "borger", failures
    )
    staff = Client()
    staff.force_login(project_leader)
    decide = f"/citizen-requests/tasks/{waiting.task_id}/"
    checked += _check_pages(
        _axe_context(chromium, live_server, staff, host), [decide], "projektleder", failures
    )
    assert not failures, f"{len(failures)} of {checked} pages fail:\n" + "\n".join(failures)


def test_every_page_of_the_demo_is_accessible_on_desktop_and_phone(
    demo_programme, chromium, live_server
):
    from mikrolaan.accounts.models import User

    failures, checked = [], 0
    host = urlsplit(live_server.url).hostname
    # One user of each role (the second job consultant and knowledge person see the same
    # pages of another unit's citizens).
    users = User.objects.filter(demo_login__isnull=False).order_by("role", "username")
    for user in {user.role: user for user in reversed(users)}.values():
        client = Client()
        client.force_login(user)
        pages = reachable_pages(client)
        assert len(pages) > 1, f"{user.username} reaches no page"
        context = _axe_context(chromium, live_server, client, host)
        checked += _check_pages(context, pages, user.username, failures)
    assert checked > 50
    assert not failures, f"{len(failures)} of {checked} pages fail:\n" + "\n".join(failures)


def test_at_390_px_the_menu_and_log_out_are_behind_a_menu_button(page, login, project_leader):
    login(project_leader)
    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    menu = page.get_by_role("link", name="Sager")
    log_out = page.get_by_role("button", name="Log ud")
    assert not menu.is_visible()
    page.get_by_role("button", name="Menu").click()
    menu.wait_for(state="visible")
    assert log_out.is_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    # Primary buttons in the design system's primary colour (the neutral theme's is dark grey).
    primary = page.evaluate(
        "() => { const b = document.createElement('button');"
        " b.className = 'button button-primary'; document.body.append(b);"
        " return getComputedStyle(b).backgroundColor; }"
    )
    assert primary == "rgb(0, 89, 179)"
    log_out.click()
    page.wait_for_url("**/login/")


def test_tables_that_scroll_at_390_px_are_regions_each_with_its_own_name(page, login, evaluator):
    """Two tables under their headings and one after them without a heading of its own: each
    scrolling box is a keyboard-reachable region named after its caption or heading, and no
    two regions share a name (axe's landmark-unique; the page's title for all of them failed
    on the project leader's start page at 390 px)."""
    login(evaluator)
    page.set_viewport_size({"width": 390, "height": 800})
    wide = "<table><tr>" + "<td>1234567890</td>" * 12 + "</tr></table>"
    page.evaluate(
        "html => { document.querySelector('main').insertAdjacentHTML('beforeend', html);"
        " window.dispatchEvent(new Event('resize')); }",
        f"<h2>Kohorter</h2>{wide}<h2>Lån i  alt</h2>{wide}{wide}"
        f"<table><caption>Udbetalinger</caption><tr>{'<td>1234567890</td>' * 12}</tr></table>",
    )
    regions = page.locator("main [role=region]")
    names = [regions.nth(i).get_attribute("aria-label") for i in range(regions.count())]
    assert names[-4:] == ["Kohorter", "Lån i alt", "Lån i alt (2)", "Udbetalinger"]
    assert len(set(names)) == len(names)
    assert all(regions.nth(i).get_attribute("tabindex") == "0" for i in range(regions.count()))
