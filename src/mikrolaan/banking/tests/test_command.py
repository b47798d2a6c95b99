"""``mikrolaan bank import FILE …``: the summary it prints and its exit code."""

import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mikrolaan.banking.models import BankEntry
from mikrolaan.banking.tests.statements import Payment, camt053, csv_statement, pay
from mikrolaan.loans.ledger import balance

DATA = Path(__file__).parent / "data"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("bank", "import", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_summary_of_posted_queued_and_already_imported(tmp_path, loan):
    statement = tmp_path / "nov.xml"
    statement.write_bytes(
        camt053([pay(loan, "1000"), Payment(Decimal("5")), pay(loan, "1", currency="EUR")])
    )
    out, _err = run(statement)
    assert out == (
        f"{statement}: bogført 1, i kø 2 (ikke danske kroner: 1, ingen reference: 1), "
        "sprunget over 0\n"
    )
    out, _err = run(statement)
    assert out == f"{statement}: allerede indlæst, intet ændret\n"
    assert balance(loan) == Decimal("29000.00")


@pytest.mark.django_db
def test_a_rejected_file_fails_the_command_but_the_others_are_imported(tmp_path, loan):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_statement([("25-11-2026", "100,00", loan.payment_id)]))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_statement([("25-11-2026", "1x0,00", loan.payment_id)]))
    with pytest.raises(CommandError, match="1 fil afvist"):
        run(bad, good)
    assert balance(loan) == Decimal("29900.00")
    assert BankEntry.objects.count() == 1


def test_the_real_command_exit_code_and_output(tmp_path, migrated_sqlite):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{migrated_sqlite}",
        "MIKROLAAN_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "mikrolaan.settings.base",
    }
    console = Path(sys.executable).parent / "mikrolaan"
    mikrolaan = [str(console)] if console.exists() else [sys.executable, "-m", "mikrolaan.cli"]
    oca = str(DATA / "oca-test-camt053.xml")
    first = subprocess.run(
        [*mikrolaan, "bank", "import", oca], env=env, capture_output=True, text=True, timeout=120
    )
    assert first.returncode == 0, first.stderr
    assert (
        "bogført 0, i kø 3 (ikke danske kroner: 1, udbetaling: 1, tilbageførsel: 1), "
        "sprunget over 0" in first.stdout
    )
    broken = tmp_path / "broken.xml"
    broken.write_text("<Document><Stmt>")
    second = subprocess.run(
        [*mikrolaan, "bank", "import", oca, str(broken)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode != 0
    assert "allerede indlæst, intet ændret" in second.stdout
    assert f"{broken}: afvist, intet indlæst: broken.xml: linje 1: XML:" in second.stderr
