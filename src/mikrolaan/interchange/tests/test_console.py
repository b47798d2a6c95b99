"""The real ``mikrolaan`` console script: exit codes and output of import, export and report."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from mikrolaan.interchange.tests.conftest import GOOD, write_files

MIKROLAAN = Path(sys.executable).with_name("mikrolaan")


def run(db: Path, *args, tmp: Path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "MIKROLAAN_VAR_DIR": str(tmp / "var"),
        "DJANGO_SETTINGS_MODULE": "mikrolaan.settings.base",
    }
    return subprocess.run(
        [str(MIKROLAAN), *args], env=env, capture_output=True, text=True, timeout=300
    )


def fresh(template, tmp_path, name):
    db = tmp_path / name
    shutil.copy(template, db)
    return db


def test_import_export_report_through_the_console_script(
    migrated_sqlite_template, review_bundle, tmp_path
):
    first = fresh(migrated_sqlite_template, tmp_path, "a.sqlite3")
    result = run(first, "import", str(review_bundle), tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Importeret.")
    assert "personer: 47 nye, 0 ændrede" in result.stdout
    assert result.stderr == ""  # no progress bar without a terminal

    again = run(first, "import", str(review_bundle), tmp=tmp_path)
    assert again.returncode == 0
    assert again.stdout.strip() == "Intet ændret: alt i pakken findes allerede."

    report_args = ["report", "--as-of", "2016-12-31", "--cohorts", "M3,M4,M5,M6"]
    report = run(first, *report_args, "--format", "json", tmp=tmp_path)
    assert report.returncode == 0, report.stderr
    figures = json.loads(report.stdout)
    assert figures["totals"]["current_debt"] == "555097.00"

    exported = tmp_path / "eksport.zip"
    assert run(first, "export", str(exported), tmp=tmp_path).returncode == 0

    second = fresh(migrated_sqlite_template, tmp_path, "b.sqlite3")
    assert run(second, "import", str(exported), tmp=tmp_path).returncode == 0
    assert json.loads(run(second, *report_args, tmp=tmp_path).stdout) == figures

    progress = run(second, "import", "--progress", str(exported), tmp=tmp_path)
    assert progress.returncode == 0 and "Importerer" in progress.stderr


def test_a_bad_bundle_exits_non_zero_listing_the_errors(migrated_sqlite_template, tmp_path):
    files = dict(GOOD)
    files["loans.csv"] += "L2,P9,M3,-1,2013-06-20,2014-01-01\n"
    bad = write_files(tmp_path / "bad", files)
    db = fresh(migrated_sqlite_template, tmp_path, "c.sqlite3")

    result = run(db, "import", str(bad), tmp=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "loans.csv:3: person_ref: 'P9' findes ikke i people.csv",
        "loans.csv:3: principal: '-1' er ikke et beløb i kroner (cifre, højst to decimaler "
        "efter '.')",
        "CommandError: Pakken blev ikke importeret: 2 fejl. Intet er ændret.",
    ]
    # Nothing was written: the good part of the bundle imports as new afterwards.
    assert "personer: 2 nye" in run(db, "import", str(write_files(tmp_path / "g", GOOD)),
                                     tmp=tmp_path).stdout  # fmt: skip
