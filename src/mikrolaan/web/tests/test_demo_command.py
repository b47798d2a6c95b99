"""``mikrolaan demo`` never reaches production: it refuses, exits with an error, writes nothing."""

import io

import pytest
from django.core.management import call_command

from mikrolaan.accounts import demo as accounts_demo
from mikrolaan.accounts.models import Unit, User
from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.cli import main
from mikrolaan.core.models import DemoLogin
from mikrolaan.people.models import Citizen
from mikrolaan.web.management.commands import demo as demo_command

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def accounts_only(monkeypatch):
    """Load only the demo's users and units: the rules here do not need the whole programme.

    The console runner closes every database connection when the command ends, which would
    take the test's own transaction with it on PostgreSQL.
    """
    monkeypatch.setattr(demo_command, "ORDER", ["accounts"])
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)


def _rows():
    """What the demo could write (the audit record of the attempted command itself is kept)."""
    counts = tuple(m.objects.count() for m in (User, Unit, DemoLogin, Citizen))
    return (*counts, AuditRecord.objects.exclude(action=Action.COMMAND).count())


def _run(capsys, *args) -> tuple[int, str, str]:
    """Run ``mikrolaan demo …`` as the console does; returns exit code, stdout, stderr."""
    try:
        main(["mikrolaan", "demo", *args])
        code = 0
    except SystemExit as exit:
        code = exit.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("args", [(), ("--if-empty",), ("logins",)])
def test_refuses_in_production_always(settings, capsys, accounts_only, args):
    settings.MIKROLAAN_ENVIRONMENT = "production"
    code, out, err = _run(capsys, *args)
    assert code != 0
    assert "Demoen indlæses og vises aldrig i produktion" in err
    assert _rows() == (0, 0, 0, 0, 0)


def test_refuses_on_a_database_with_a_real_user(capsys, accounts_only, project_leader):
    before = _rows()
    code, out, err = _run(capsys)
    assert code != 0
    assert "Databasen indeholder data, som demoen ikke har lavet" in err
    assert "brugere, som demoen ikke har oprettet" in err
    assert _rows() == before


def test_refuses_on_a_database_with_citizens_but_no_users(capsys, accounts_only):
    Citizen.objects.create(cpr="0101901234", first_name="Test", last_name="Borger")
    before = _rows()
    code, out, err = _run(capsys)
    assert code != 0
    assert _rows() == before


def test_if_empty_does_nothing_on_a_real_database(capsys, accounts_only, project_leader):
    before = _rows()
    code, out, err = _run(capsys, "--if-empty")
    assert code == 0
    assert "demoen blev ikke indlæst" in out
    assert _rows() == before


def test_loads_with_a_random_password_and_no_superuser(capsys, accounts_only):
    code, out, err = _run(capsys)
    assert code == 0, err
    logins = DemoLogin.objects.select_related("user")
    assert logins.count() == User.objects.count() == len(accounts_demo.USERS)
    password = logins[0].password
    assert f"adgangskode: {password}" in out
    assert password != "mikrolaan-demo" and len(password) >= 12
    assert all(login.user.check_password(password) for login in logins)
    assert not User.objects.filter(is_superuser=True).exists()
    admin = User.objects.get(username="demo-admin")
    assert admin.is_staff and admin.role == "administrator"

    # Printed again, the same; and loading again changes nothing.
    code, again, err = _run(capsys, "logins")
    assert code == 0 and f"adgangskode: {password}" in again and "demo-admin" in again
    before = _rows()
    code, out, err = _run(capsys, "--if-empty")
    assert code == 0 and "allerede indlæst" in out and f"adgangskode: {password}" in out
    assert _rows() == before


def test_every_installation_gets_its_own_password(accounts_only):
    call_command("demo", stdout=io.StringIO())
    first = DemoLogin.objects.first().password
    DemoLogin.objects.all().delete()
    User.objects.all().delete()
    Unit.objects.all().delete()
    call_command("demo", stdout=io.StringIO())
    assert DemoLogin.objects.first().password != first


def test_a_real_user_on_a_demo_installation_stops_the_demo(capsys, accounts_only):
    call_command("demo", stdout=io.StringIO())
    User.objects.create_user("kbh-rigtig", password="x" * 20)
    before = _rows()
    code, out, err = _run(capsys)
    assert code != 0
    assert _rows() == before


def test_logins_without_a_demo(capsys):
    code, out, err = _run(capsys, "logins")
    assert code != 0 and "ingen demobrugere" in err
