"""``mikrolaan bench letters``: the day's reminders get their letters from real worker processes.

The workers are separate processes, so they need a database they can open: on PostgreSQL the
test database itself (the command gives the workers its address); on SQLite, whose test
database lives in this process's memory, the whole benchmark runs as ``mikrolaan`` commands on
a database file.
"""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command

from mikrolaan.bench import portfolio
from mikrolaan.jobs.models import Job, JobStatus
from mikrolaan.letters.models import Letter, LetterStatus
from mikrolaan.servicing.models import Reminder

AS_OF = "2026-11-26"
SQLITE = "sqlite" in settings.DATABASES["default"]["ENGINE"]


@pytest.mark.skipif(SQLITE, reason="the workers open the test database: PostgreSQL's only")
@pytest.mark.django_db(transaction=True)
def test_every_reminder_gets_its_letter_from_the_workers(capsys):
    portfolio.generate(60, dt.date.fromisoformat(AS_OF))
    call_command("bench", "letters", "--workers", "2", "--as-of", AS_OF, "--every", "1")
    out = capsys.readouterr().out
    reminders = Reminder.objects.all()
    assert reminders.exists() and not reminders.filter(letter__isnull=True).exists()
    letters = Letter.objects.filter(pk__in=reminders.values("letter_id"))
    assert set(letters.values_list("status", flat=True)) == {LetterStatus.DELIVERED}
    jobs = Job.objects.filter(kind="reminder_letters")
    assert jobs.count() == 2 and {job.status for job in jobs} == {JobStatus.DONE}
    assert all(job.result["letters"] > 0 for job in jobs)  # the reminders cut in two
    n = reminders.count()
    assert f"breve: {n} udsendt af 2 baggrundsprocesser" in out.replace(".", "")
    assert f"{n} leveret, 0 rykkere uden brev" in out.replace(".", "")


@pytest.mark.skipif(not SQLITE, reason="makes its own SQLite database; once is enough")
def test_the_letter_benchmark_runs_as_commands_on_sqlite(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mikrolaan.settings.base",
        "MIKROLAAN_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
    }

    def mikrolaan(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "mikrolaan.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    mikrolaan("migrate", "-v0")
    refused = subprocess.run(
        [sys.executable, "-m", "mikrolaan.cli", "bench", "letters", "--as-of", AS_OF],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode != 0 and "mikrolaan bench servicing" in refused.stderr
    mikrolaan("bench", "servicing", "--loans", "60", "--as-of", AS_OF, "--render", "0")
    out = mikrolaan("bench", "letters", "--workers", "2", "--as-of", AS_OF)
    issued = int(out.split("breve: ")[1].split(" ")[0].replace(".", ""))
    assert issued > 0
    assert f"{issued} leveret, 0 rykkere uden brev" in out.replace(".", "")
    pdfs = list((tmp_path / "var" / "letters").rglob("*.pdf"))
    assert len(pdfs) >= issued


def test_the_workers_get_the_database_this_process_uses(monkeypatch, tmp_path):
    from types import SimpleNamespace

    from mikrolaan.bench.subcommands import letters

    database = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "test_mikrolaan",
        "USER": "ml",
        "PASSWORD": "p@ss/word",
        "HOST": "db.example",
        "PORT": 5433,
    }
    here = SimpleNamespace(DATABASES={"default": database}, LETTERS_DIR=tmp_path)
    monkeypatch.setattr(letters, "settings", here)
    # The test database: an address made for it, the password quoted.
    monkeypatch.setenv("DATABASE_URL", "postgres://ml:x@db.example:5433/mikrolaan?sslmode=require")
    env = letters.worker_environment()
    assert env["DATABASE_URL"] == "postgres://ml:p%40ss%2Fword@db.example:5433/test_mikrolaan"
    assert env["MIKROLAAN_LETTERS_DIR"] == str(tmp_path)
    # The same database: the address as it is, with its options.
    same = "postgres://ml:x@db.example:5433/test_mikrolaan?sslmode=require"
    monkeypatch.setenv("DATABASE_URL", same)
    assert letters.worker_environment()["DATABASE_URL"] == same
