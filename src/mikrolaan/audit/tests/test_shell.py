"""Finding: commands run from the shell recorded no user."""

import contextlib
import getpass
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections

from mikrolaan import cli
from mikrolaan.audit import shell
from mikrolaan.audit.models import Action, AuditRecord

MIKROLAAN = Path(sys.executable).with_name("mikrolaan")


def test_the_console_command_records_the_os_user_and_the_command_line(tmp_path):
    """The real ``mikrolaan`` script, on a file database: migrate, then export."""
    db = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "MIKROLAAN_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "mikrolaan.settings.base",
    }
    for args in (["migrate", "-v0"], ["export", str(tmp_path / "bundle")]):
        result = subprocess.run(
            [str(MIKROLAAN), *args], env=env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT action, channel, os_user, command, what, user_id FROM audit_auditrecord"
            " ORDER BY id"
        ).fetchall()
    me = getpass.getuser()
    commands = [r for r in rows if r[0] == Action.COMMAND]
    # ``migrate`` is recorded once the table exists, after the run
    assert [r[3] for r in commands] == [
        "mikrolaan migrate -v0",
        f"mikrolaan export {tmp_path}/bundle",
    ]
    assert all(r[1] == "shell" and r[2] == me and r[5] is None for r in commands)
    (extract,) = [r for r in rows if r[0] == Action.EXTRACT]
    assert extract[1:4] == ("shell", me, f"mikrolaan export {tmp_path}/bundle")


@pytest.mark.django_db
def test_every_command_is_recorded_through_the_one_hook(capsys, monkeypatch):
    # a command closes the database connections when done; the test still needs its own
    monkeypatch.setattr(connections, "close_all", lambda: None)
    cli.main(["/somewhere/bin/mikrolaan", "funnel", "--as-of", "2026-01-31"])
    record = AuditRecord.objects.get(action=Action.COMMAND)
    assert record.command == "mikrolaan funnel --as-of 2026-01-31" == record.what
    assert record.os_user == getpass.getuser() and record.channel == "shell"
    assert record.user is None
    capsys.readouterr()


@pytest.mark.django_db
def test_help_is_not_recorded(capsys):
    for argv in (
        ["mikrolaan", "--help"],
        ["mikrolaan", "help"],
        ["mikrolaan"],
        ["mikrolaan", "funnel", "--help"],
        ["mikrolaan", "retention", "run", "-h"],
    ):
        with contextlib.suppress(SystemExit):
            cli.main(argv)
    capsys.readouterr()
    assert not AuditRecord.objects.filter(action=Action.COMMAND).exists()


def test_the_page_benchmark_on_its_own_generated_databases_is_not_recorded():
    """``mikrolaan bench pages`` builds generated portfolios in databases of its own; recording
    it in the installation's database printed an error where none had been migrated."""
    assert not shell.is_recorded(["mikrolaan", "bench", "pages", "--people", "100"])
    # The other benchmarks can read the configured database (--reuse): recorded.
    assert shell.is_recorded(["mikrolaan", "bench", "arrears", "--reuse"])
    assert shell.is_recorded(["mikrolaan", "retention", "run", "--date", "2045-01-01"])
