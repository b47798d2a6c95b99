"""Fixtures shared by every app's tests: users per role, and a real Chromium via Playwright."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# A real OpenID Connect provider for the sign-in tests (fixture ``oidc_provider``).
pytest_plugins = ["tests.oidc_provider.fixture"]
# The provider is a project of its own, not tests (its command is called test_provider).
collect_ignore = ["tests/oidc_provider"]

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# next to one unless told it is safe (it is: one thread, no real async code).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database; before it is dropped, no other connection is left.

    The live server's request threads may still hold one when the session ends right after a
    browser test (the demo's crawl is the last test), and PostgreSQL refuses to drop a
    database in use.
    """
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(scope="session")
def _seeded_rows(django_db_setup, django_db_blocker):
    """The rows the data migrations wrote (loan policy, support categories, catalogue …)."""
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def _restore_seeded_rows(request):
    """Give transactional tests (browser, races) the migrations' seeded rows back.

    A transactional test ends by emptying every table, which would take the seeded rows from
    the tests after it. Django's own serialized rollback re-saves rows that still exist, which
    our append-only triggers rightly refuse, so empty tables are refilled here instead.
    """
    if not _transactional(request.node):
        return
    request.getfixturevalue("_django_db_helper")
    _refill_seeded_rows(request.getfixturevalue("_seeded_rows"))


def _transactional(item) -> bool:
    """Whether a test commits (and so empties every table after it)."""
    marker = item.get_closest_marker("django_db")
    return bool(marker is not None and marker.kwargs.get("transaction")) or any(
        name in getattr(item, "fixturenames", ()) for name in ("transactional_db", "live_server")
    )


def _refill_seeded_rows(serialized: str) -> None:
    """Save the migrations' rows into those of their tables that are empty."""
    from django.core import serializers

    restored: dict = {}
    for obj in serializers.deserialize("json", serialized):
        model = type(obj.object)
        if model not in restored:
            restored[model] = not model._base_manager.exists()
        if restored[model]:
            obj.save(force_insert=True)


@pytest.fixture(scope="session")
def demo_programme(django_db_setup, django_db_blocker, _seeded_rows):
    """The demo programme (``mikrolaan demo``), loaded and committed once for every test that
    reads it; loading it takes 10–40 s, and four tests loaded it each.

    The tests that use it run last (``pytest_collection_modifyitems``, after pytest-django
    has put the transactional tests after the others), so no other test sees it: first those
    that only read it or change rows (their transaction is rolled back), then those that
    change its files (``changes_demo_files``), then the transactional ones (a browser on a
    live server, which needs committed rows; each empties the database after it). At the
    end of the session the database is emptied and the migrations' rows given back, for a
    database kept with ``--reuse-db``.
    """
    import io

    from django.core.management import call_command

    with django_db_blocker.unblock():
        # The transactional tests before have emptied the database (pytest-django runs them
        # after the others; these run after both).
        _refill_seeded_rows(_seeded_rows)
        call_command("demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        _refill_seeded_rows(_seeded_rows)


def _uses_demo_programme(item) -> int:
    """0: no; 1: reads it; 2: changes its files; 3: transactional (empties the database)."""
    if "demo_programme" not in getattr(item, "fixturenames", ()):
        return 0
    if _transactional(item):
        return 3
    return 2 if item.get_closest_marker("changes_demo_files") else 1


def pytest_collection_modifyitems(items):
    items.sort(key=_uses_demo_programme)


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory) -> Path:
    """An SQLite file on which the real ``mikrolaan migrate`` ran, once per test session."""
    tmp = tmp_path_factory.mktemp("migrated")
    db = tmp / "template.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "MIKROLAAN_VAR_DIR": str(tmp / "var"),
        "DJANGO_SETTINGS_MODULE": "mikrolaan.settings.base",
    }
    console = Path(sys.executable).with_name("mikrolaan")
    subprocess.run([str(console), "migrate", "-v0"], env=env, check=True, timeout=600)
    return db


@pytest.fixture
def migrated_sqlite(tmp_path, migrated_sqlite_template) -> Path:
    """A fresh copy of the migrated SQLite file, for tests of the real console command in a
    process of its own (migrating a new file for each such test cost 10–20 s)."""
    db = tmp_path / "db.sqlite3"
    shutil.copy(migrated_sqlite_template, db)
    db.chmod(0o600)
    return db


@pytest.fixture
def unit(db):
    from mikrolaan.accounts.tests.factories import UnitFactory

    return UnitFactory(code="dagpenge", name="Dagpenge og kontanthjælp")


@pytest.fixture
def other_unit(db):
    from mikrolaan.accounts.tests.factories import UnitFactory

    return UnitFactory(code="integration", name="Integration og fleksjob")


def _user(role, username, unit=None):
    from mikrolaan.accounts.tests.factories import UserFactory

    return UserFactory(username=username, role=role, unit=unit)


@pytest.fixture
def project_leader(db):
    return _user("project_leader", "pl")


@pytest.fixture
def benefits_caseworker(db):
    return _user("benefits_caseworker", "bc")


@pytest.fixture
def job_consultant(db, unit):
    return _user("job_consultant", "jc", unit)


@pytest.fixture
def knowledge_person(db, unit):
    return _user("knowledge_person", "kp", unit)


@pytest.fixture
def finance_clerk(db):
    return _user("finance_clerk", "fc")


@pytest.fixture
def evaluator(db):
    return _user("evaluator", "ev")


@pytest.fixture
def manager(db):
    return _user("manager", "mg")


# --- the browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url, locale="da-DK", timezone_id="Europe/Copenhagen"
    )
    context.set_default_timeout(45_000)  # a loaded CI machine, not a speed test
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page):
    """``login(user)`` logs in through the real log-in form and lands on the start page."""
    from mikrolaan.accounts.tests.factories import PASSWORD

    def do_login(user):
        page.context.clear_cookies()
        page.goto("/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=current-user]")
        return page

    return do_login
