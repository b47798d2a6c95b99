import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.people.tests.factories import CitizenFactory

MIKROLAAN = Path(sys.executable).with_name("mikrolaan")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.django_db
def test_the_command_writes_pdf_and_json_readable_by_the_owner_only(tmp_path, capsys):
    citizen = CitizenFactory(cpr="1403751234", first_name="Anne", last_name="Indsigt")
    out = tmp_path / "indsigt" / "anne"

    call_command("citizen-insight", "140375-1234", "-o", str(out))

    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 2 and all(f.startswith("mikrolaan-indsigt-20") for f in files)
    assert {Path(f).suffix for f in files} == {".json", ".pdf"}
    assert not any("140375" in f for f in files)  # the date, never the CPR number
    assert mode(out) == 0o700
    assert all(mode(out / f) == 0o600 for f in files)
    data = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    assert data["citizen"]["last_name"] == "Indsigt"
    assert next(out.glob("*.pdf")).read_bytes().startswith(b"%PDF")
    assert "Indsigten for Anne Indsigt er skrevet til" in capsys.readouterr().out

    record = AuditRecord.objects.get(citizen=citizen)
    assert (record.action, record.user, record.why) == (Action.EXTRACT, None, "indsigt")

    # A second insight the same day keeps the first: new names, nothing overwritten.
    call_command("citizen-insight", "1403751234", "-o", str(out))
    assert len(list(out.iterdir())) == 4
    second = json.loads(next(out.glob("*-2.json")).read_text(encoding="utf-8"))
    assert second["access_log"][0]["action"] == "extract"  # the first insight is logged


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cpr", "message"),
    [
        ("12345", "Et CPR-nummer har 10 cifre"),
        ("3202751234", "findes ikke"),
        ("0101011234", "Der er ingen borger med CPR-nummer 010101-1234 i systemet."),
    ],
)
def test_an_invalid_or_unknown_cpr_is_refused_in_danish(tmp_path, cpr, message):
    with pytest.raises(CommandError, match=message):
        call_command("citizen-insight", cpr, "-o", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()
    assert not AuditRecord.objects.filter(action=Action.EXTRACT).exists()


def _console(db: Path, tmp: Path, *args):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "MIKROLAAN_VAR_DIR": str(tmp / "var"),
        "DJANGO_SETTINGS_MODULE": "mikrolaan.settings.base",
    }
    return subprocess.run(
        [str(MIKROLAAN), *args], env=env, capture_output=True, text=True, timeout=300
    )


def test_the_real_console_command(tmp_path, migrated_sqlite):
    db = migrated_sqlite
    create = (
        "from mikrolaan.people.models import Citizen; "
        "Citizen.objects.create(cpr='1403751234', first_name='Bo', last_name='Konsol')"
    )
    assert _console(db, tmp_path, "shell", "-c", create).returncode == 0

    out = tmp_path / "ud"
    result = _console(db, tmp_path, "citizen-insight", "140375-1234", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Indsigten for Bo Konsol er skrevet til {out}:")
    assert mode(out) == 0o700 and len(list(out.iterdir())) == 2

    unknown = _console(db, tmp_path, "citizen-insight", "0101011234", "-o", str(out))
    assert unknown.returncode != 0
    assert "Der er ingen borger med CPR-nummer 010101-1234" in unknown.stderr

    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "select action, user_id, why, os_user from audit_auditrecord where action='extract'"
        ).fetchall()
    assert [row[:3] for row in rows] == [("extract", None, "indsigt")]
    assert rows[0][3]  # the shell's operating-system user is on the record


def test_the_help_is_danish():
    from django.core.management import load_command_class

    command = load_command_class("mikrolaan.privacy", "citizen-insight")
    text = command.create_parser("mikrolaan", "citizen-insight").format_help()
    assert "Skriv alt, hvad systemet har om en borger" in text
    assert "Borgerens CPR-nummer" in text
