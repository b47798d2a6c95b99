import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from mikrolaan.core.models import Snapshot
from mikrolaan.letters.models import LetterStatus
from mikrolaan.servicing.models import Reminder, ServicingRun
from mikrolaan.servicing.tests.factories import FIRST_DUE, paid_out_loan

pytestmark = pytest.mark.django_db


def test_the_run_command(capsys, django_capture_on_commit_callbacks):
    paid_out_loan()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("servicing", "run", "--date", (FIRST_DUE + dt.timedelta(days=10)).isoformat())
    out = capsys.readouterr().out
    assert "rykkere 1," in out and Reminder.objects.count() == 1


def test_letter_receipts_from_a_file(tmp_path, run_servicing):
    paid_out_loan()
    run_servicing(FIRST_DUE + dt.timedelta(days=10))
    letter = Reminder.objects.get().letter
    path = tmp_path / "kvit.csv"
    path.write_text(f"letter_id,status,date,detail\n{letter.pk},failed,2013-04-13,Ukendt\n")
    call_command("servicing", "receipts", str(path))
    letter.refresh_from_db()
    # A letter already delivered does not become failed; a queued one does.
    assert letter.status == LetterStatus.DELIVERED


def test_the_scheduler_hook_runs_only_on_bank_days(capsys, monkeypatch):
    from mikrolaan.servicing.management.commands import servicing as command

    monkeypatch.setattr(command.timezone, "localdate", lambda: dt.date(2013, 4, 13))  # Saturday
    call_command("servicing", "run", "--if-bank-day")
    assert "er ikke en bankdag i Danmark" in capsys.readouterr().out
    assert not ServicingRun.objects.exists()
    # The pages' kept figures are still counted for the day (``core.snapshots``).
    assert Snapshot.objects.filter(on=dt.date(2013, 4, 13), key="fund").exists()
    monkeypatch.setattr(command.timezone, "localdate", lambda: dt.date(2013, 4, 12))
    call_command("servicing", "run", "--if-bank-day")
    assert ServicingRun.objects.get().run_on == dt.date(2013, 4, 12)


def test_the_command_in_a_real_process(migrated_sqlite):
    """Exit codes and output of the real console command, on a database of its own."""
    mikrolaan = str(Path(sys.executable).parent / "mikrolaan")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{migrated_sqlite}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def call(*args):
        return subprocess.run(  # noqa: S603
            [mikrolaan, *args], capture_output=True, text=True, env=env, check=False
        )

    done = call("servicing", "run", "--date", "2013-04-12")
    assert done.returncode == 0, done.stderr
    assert "servicekørsel 12.04.2013 (forsøg 1): lån i restance 0," in done.stdout
    bad = call("servicing", "run", "--date", "31-12")
    assert bad.returncode != 0
    assert "--date: '31-12' er ikke en dato (ÅÅÅÅ-MM-DD)" in bad.stderr
    back = call("servicing", "run", "--date", "2013-04-11")
    assert back.returncode != 0 and "kørsler går fremad i tid" in back.stderr
