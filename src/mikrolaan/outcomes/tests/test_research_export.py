import csv
import datetime as dt
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from mikrolaan.audit.models import Action, AuditRecord
from mikrolaan.outcomes import services
from mikrolaan.outcomes.research_export import (
    PEOPLE_COLUMNS,
    ExportKeyError,
    write_pseudonymised_bundle,
)
from mikrolaan.outcomes.tests import factories as f
from mikrolaan.people.tests.factories import fictitious_cpr

pytestmark = pytest.mark.django_db
D = dt.date
KEY = b"export-key-number-one-0123456789"
OTHER_KEY = b"a-completely-different-key-abcdef"


@pytest.fixture
def programme(unit, project_leader):
    m1 = f.cohort("M1", D(2014, 1, 1), D(2014, 6, 30))
    m2 = f.cohort("M2", D(2014, 9, 1), D(2015, 2, 28))
    people = []
    for i, (co, born) in enumerate(
        [(m1, D(1970, 2, 3)), (m1, D(1980, 4, 5)), (m1, D(1990, 6, 7)), (m2, D(1965, 8, 9))]
    ):
        c = f.case(
            unit,
            opened_on=D(2013, 9, 1),
            cpr=fictitious_cpr(900 + i, born=born),
            first_name=f"Fornavn{i}x",
            last_name=f"Efternavn{i}y",
            birth_date=born,
            birth_year=born.year,
        )
        f.admit(c, co, D(2013, 10, 1))
        f.loan(c, co, co.main_course_start + dt.timedelta(days=30), Decimal("25000.00"))
        services.record_spell(
            c.citizen,
            status="self_supporting_business",
            start=co.main_course_end + dt.timedelta(days=1),
            source="Borgeren",
            acting_user=project_leader,
        )
        people.append(c.citizen)
    return people


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def all_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.csv")))


def test_no_cpr_no_name_no_birth_date_anywhere(programme, tmp_path):
    write_pseudonymised_bundle(tmp_path, key=KEY, as_of=D(2016, 12, 31))
    text = all_text(tmp_path)
    for citizen in programme:
        assert citizen.cpr not in text
        assert citizen.cpr_display not in text
        assert citizen.cpr[:6] not in text
        assert citizen.first_name not in text and citizen.last_name not in text
        assert citizen.birth_date.isoformat() not in text
    people = read(tmp_path / "people.csv")
    assert list(people[0]) == PEOPLE_COLUMNS
    assert sorted(p["birth_year"] for p in people) == ["1965", "1970", "1980", "1990"]
    assert {p["gender"] for p in people} <= {"F", "M"}


def test_the_bundle_files_have_the_interchange_columns(programme, tmp_path):
    write_pseudonymised_bundle(tmp_path, key=KEY, as_of=D(2016, 12, 31))
    header = {p.name: next(csv.reader(p.open(encoding="utf-8"))) for p in tmp_path.glob("*.csv")}
    assert header["cohorts.csv"] == [
        "code",
        "pre_course_start",
        "main_course_start",
        "main_course_end",
    ]
    assert header["support_spells.csv"] == ["person_ref", "status", "start", "end"]
    assert header["payments.csv"] == ["loan_ref", "paid_on", "amount"]
    assert "person_ref" in header["loans.csv"] and "cohort_code" in header["participations.csv"]
    refs = {p["person_ref"] for p in read(tmp_path / "people.csv")}
    assert {s["person_ref"] for s in read(tmp_path / "support_spells.csv")} == refs
    assert {loan["person_ref"] for loan in read(tmp_path / "loans.csv")} == refs


def test_pseudonyms_are_stable_under_one_key_and_unlinkable_across_keys(programme, tmp_path):
    write_pseudonymised_bundle(tmp_path / "a", key=KEY)
    write_pseudonymised_bundle(tmp_path / "b", key=KEY)
    write_pseudonymised_bundle(tmp_path / "c", key=OTHER_KEY)
    a, b, c = (
        [p["person_ref"] for p in read(tmp_path / x / "people.csv")] for x in ("a", "b", "c")
    )
    assert a == b
    assert len(set(a)) == 4
    assert not set(a) & set(c)
    loans_a = {r["loan_ref"] for r in read(tmp_path / "a" / "loans.csv")}
    loans_c = {r["loan_ref"] for r in read(tmp_path / "c" / "loans.csv")}
    assert not loans_a & loans_c
    assert not any(r.startswith("T-") for r in loans_a)  # no real loan numbers


def test_small_counts_are_suppressed_in_the_aggregate_tables(programme, tmp_path):
    write_pseudonymised_bundle(tmp_path, key=KEY, as_of=D(2016, 12, 31))
    status = {r["cohort"]: r for r in read(tmp_path / "aggregates" / "borrowers_status_now.csv")}
    assert status["M2"]["self_supporting"] == "<3"  # one person
    # Its complement is hidden too (left empty, as it is not small itself).
    assert "3" not in (status["M1"]["self_supporting"], status["total"]["self_supporting"])
    gender = {r["cohort"]: r for r in read(tmp_path / "aggregates" / "borrowers_by_gender.csv")}
    assert gender["M2"]["borrowers"] == "<3"
    funnel = {r["cohort"]: r for r in read(tmp_path / "aggregates" / "funnel.csv")}
    assert funnel["M2"]["borrower"] == "<3"
    assert funnel["M1"]["borrower"] in ("3", "")


def test_no_suppressed_cell_can_be_worked_out_across_the_aggregate_tables(
    programme, unit, tmp_path
):
    """The flaw of per-table suppression: a total minus the shown cells, or another table
    with the same totals, gave the hidden cell back (here: M1's 4 borrowers by gender minus
    its 3 self-supporting gave the one without a status). Checked exactly (linear algebra)."""
    from mikrolaan.core.suppression import Grid
    from mikrolaan.courses.models import Cohort
    from mikrolaan.reports.tests.test_suppression import _derivable_exactly

    m1 = Cohort.objects.get(code="M1")
    c = f.case(unit, opened_on=D(2013, 9, 1), cpr=fictitious_cpr(990, born=D(1975, 1, 1)))
    f.admit(c, m1, D(2013, 10, 1))
    f.loan(c, m1, m1.main_course_start + dt.timedelta(days=30), Decimal("25000.00"))
    write_pseudonymised_bundle(tmp_path, key=KEY, as_of=D(2016, 12, 31))
    grid, hidden = Grid(), set()
    tables = {
        name: read(tmp_path / "aggregates" / f"{name}.csv")
        for name in ("borrowers_by_gender", "borrowers_by_age", "borrowers_status_now")
    }
    borrowers = {
        r["cohort"]: ("gender", r["cohort"], "borrowers") for r in tables["borrowers_by_gender"]
    }
    for name, rows in tables.items():
        for r in rows:
            for col, value in r.items():
                if col == "cohort":
                    continue
                key = (
                    ("gender", r["cohort"], col) if col == "borrowers" else (name, r["cohort"], col)
                )
                grid.values[key] = 0  # the values do not matter, only what is known
                if not value.isdigit():
                    hidden.add(key)
        columns = [c for c in rows[0] if c not in ("cohort", "borrowers")]
        groups = [r["cohort"] for r in rows if r["cohort"] != "total"]
        for r in rows:
            grid.sums.append(
                (borrowers[r["cohort"]], tuple((name, r["cohort"], c) for c in columns))
            )
        for col in [*columns, *(["borrowers"] if name == "borrowers_by_gender" else [])]:
            table = "gender" if col == "borrowers" else name
            grid.sums.append(((table, "total", col), tuple((table, g, col) for g in groups)))
    assert ("borrowers_status_now", "M2", "self_supporting") in hidden
    assert ("borrowers_status_now", "M1", "no_status") in hidden
    assert not _derivable_exactly(grid, hidden) & hidden


def test_the_suppression_threshold_is_a_setting(programme, tmp_path, settings):
    write_pseudonymised_bundle(tmp_path, key=KEY, min_count=5, as_of=D(2016, 12, 31))
    status = {r["cohort"]: r for r in read(tmp_path / "aggregates" / "borrowers_status_now.csv")}
    assert status["M1"]["self_supporting"] == "<5"
    assert status["total"]["self_supporting"] == "<5"
    settings.SUPPRESSION_THRESHOLD = 5  # MIKROLAAN_SUPPRESSION_THRESHOLD, shared with the report
    write_pseudonymised_bundle(tmp_path / "b", key=KEY, as_of=D(2016, 12, 31))
    status = {
        r["cohort"]: r for r in read(tmp_path / "b" / "aggregates" / "borrowers_status_now.csv")
    }
    assert status["M1"]["self_supporting"] == "<5"


def test_a_short_key_is_refused_and_the_export_is_logged(programme, tmp_path):
    with pytest.raises(ExportKeyError):
        write_pseudonymised_bundle(tmp_path, key=b"short")
    write_pseudonymised_bundle(tmp_path, key=KEY)
    assert AuditRecord.objects.filter(
        action=Action.EXTRACT, what__contains="pseudonymised"
    ).exists()


def test_the_research_export_command(programme, tmp_path):
    key_file = tmp_path / "key"
    key_file.write_bytes(KEY + b"\n")
    call_command("research_export", str(tmp_path / "out"), "--key-file", str(key_file))
    assert len(read(tmp_path / "out" / "people.csv")) == 4


def test_the_command_exits_non_zero_without_a_usable_key(tmp_path, migrated_sqlite):
    """The real console command, in its own process and database."""
    env_db = f"sqlite:///{migrated_sqlite}"
    key_file = tmp_path / "key"
    key_file.write_bytes(b"short")
    import os

    env = {**os.environ, "DATABASE_URL": env_db, "MIKROLAAN_VAR_DIR": str(tmp_path)}
    mikrolaan = str(Path(__file__).resolve().parents[4] / ".venv" / "bin" / "mikrolaan")
    bad = subprocess.run(
        [mikrolaan, "research_export", str(tmp_path / "out"), "--key-file", str(key_file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode != 0
    assert "--key-file" in bad.stderr
    key_file.write_bytes(KEY)
    good = subprocess.run(
        [mikrolaan, "research_export", str(tmp_path / "out"), "--key-file", str(key_file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert good.returncode == 0, good.stderr
    assert "people.csv: 0 rows" in good.stdout
    economics = subprocess.run(
        [mikrolaan, "economics", "--as-of", "2016-12-31", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert economics.returncode == 0, economics.stderr
    assert '"assumptions"' in economics.stdout
    bad_date = subprocess.run(
        [mikrolaan, "funnel", "--as-of", "31-12-2016"], env=env, capture_output=True, text=True
    )
    assert bad_date.returncode != 0 and "--as-of" in bad_date.stderr


def test_a_text_that_looks_like_a_formula_is_neutralised(programme, tmp_path):
    """Researchers open these files in a spreadsheet: ``=cmd|…`` must not run."""
    from mikrolaan.courses.models import Cohort

    Cohort.objects.filter(code="M1").update(code="=cmd|' /C calc'!A0")
    write_pseudonymised_bundle(tmp_path, key=KEY, as_of=D(2016, 12, 31))
    cohorts = [row["code"] for row in read(tmp_path / "cohorts.csv")]
    assert "'=cmd|' /C calc'!A0" in cohorts
    for path in tmp_path.rglob("*.csv"):
        for row in csv.reader(path.open(encoding="utf-8")):
            assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in row), path
