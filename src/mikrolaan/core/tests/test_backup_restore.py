"""The backup in docs/deployment.md restores: pg_dump -Fc, then pg_restore into a fresh
database, and the rows are all there."""

import datetime as dt
import os
import shutil
import subprocess

import psycopg
import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]

KEY_TABLES = [
    "accounts_user",
    "people_citizen",
    "cases_case",
    "cases_caseevent",
    "audit_auditrecord",
    "loans_loan",
    "policy_loanpolicy",
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore are PostgreSQL's")
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        pytest.skip("pg_dump and pg_restore are not installed")


def _counts(cursor) -> dict[str, int]:
    result = {}
    for table in KEY_TABLES:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from the list
        result[table] = cursor.fetchone()[0]
    return result


def test_a_nightly_dump_restores_into_a_fresh_database(tmp_path, unit, project_leader):
    from mikrolaan.cases.tests.factories import referred_case
    from mikrolaan.outcomes.tests import factories as f

    case = referred_case(unit=unit, referred_on=dt.date(2026, 1, 5))
    cohort = f.cohort("M9", dt.date(2026, 3, 1), dt.date(2026, 8, 31))
    f.loan(case, cohort, dt.date(2026, 4, 1), user=project_leader)
    with connection.cursor() as cursor:
        before = _counts(cursor)
    assert all(before[t] > 0 for t in ["people_citizen", "cases_case", "loans_loan"])

    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    common = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]
    dump = tmp_path / "mikrolaan.dump"
    subprocess.run(
        ["pg_dump", "-Fc", *common, "-f", str(dump), db["NAME"]], env=env, check=True, timeout=300
    )
    restored = f"{db['NAME']}_restore"
    admin = psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
        password=db.get("PASSWORD") or None, dbname="postgres", autocommit=True,
    )  # fmt: skip
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        admin.execute(f'CREATE DATABASE "{restored}"')
        subprocess.run(
            ["pg_restore", *common, "--no-owner", "--exit-on-error", "-d", restored, str(dump)],
            env=env,
            check=True,
            timeout=300,
        )
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
            password=db.get("PASSWORD") or None, dbname=restored,
        ) as copy, copy.cursor() as cursor:  # fmt: skip
            assert _counts(cursor) == before
            cursor.execute("SELECT cpr FROM people_citizen WHERE id = %s", [case.citizen_id])
            assert cursor.fetchone()[0] == case.citizen.cpr
            # The append-only triggers came back too: the restored audit log refuses an update.
            with pytest.raises(psycopg.Error):
                cursor.execute("UPDATE audit_auditrecord SET why = 'changed'")
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        admin.close()
