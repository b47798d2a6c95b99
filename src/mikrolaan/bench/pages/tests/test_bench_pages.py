"""The page benchmark runs: a tiny portfolio, the real server, locust, the figures."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from mikrolaan.bench.pages import figures, portfolio
from mikrolaan.bench.pages.command import phase_url


@pytest.mark.django_db
def test_a_loans_portfolio_is_built_once_and_its_sessions_are_signed_in():
    portfolio.build("loans", 6, say=lambda line: None)
    assert portfolio.read_marker() == ("loans", 6)
    plan = portfolio.plan("loans")
    assert len(plan["loans"]) == 6
    assert set(plan["roles"]) == set(portfolio.ROLES)
    client = Client()
    client.cookies["sessionid"] = plan["roles"]["finance_clerk"]["sessions"][0]
    assert client.get(f"/loans/{plan['loans'][0]}/").status_code == 200
    client.cookies["sessionid"] = "not-a-session"
    assert client.get("/loans/").status_code == 302  # to the log-in page


def test_each_phase_has_its_own_database():
    base = "postgres://postgres@db:5432/mikrolaan_bench"
    assert phase_url(base, "people") == "postgres://postgres@db:5432/mikrolaan_bench_people"
    assert phase_url("sqlite:////tmp/b/bench", "loans") == "sqlite:////tmp/b/bench_loans.sqlite3"


def test_percentiles_of_the_single_user_timings():
    got = figures.summarise([float(ms) for ms in range(100, 0, -1)], failures=2)
    assert got == {"requests": 100, "failures": 2, "p50_ms": 50, "p95_ms": 95, "max_ms": 100}


@pytest.mark.skipif(
    "sqlite" not in settings.DATABASES["default"]["ENGINE"],
    reason="makes its own SQLite databases; once is enough (the SQLite pass)",
)
def test_the_benchmark_serves_a_tiny_portfolio_and_writes_its_figures(tmp_path):
    out = tmp_path / "figures.json"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mikrolaan.settings.base",
        "MIKROLAAN_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'main.sqlite3'}",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mikrolaan.cli",
            "bench",
            "pages",
            "--database-url",
            f"sqlite:///{tmp_path / 'bench'}",
            "--people",
            "12",
            "--loans",
            "0",
            "--users",
            "2",
            "--run-time",
            "2",
            "--single",
            "2",
            "--single-lists",
            "1",
            "-o",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text())
    people = result["phases"]["people"]
    assert people["portfolio"] == 12
    # The pages read today's kept figures, computed once as the day's run would.
    assert set(people["kept_figures_seconds"]) >= {"fund", "report", "programme_in_figures"}
    assert people["load"]["all pages"]["requests"] > 0
    assert people["failures"] == []
    assert people["single_user"]["case page"] == {
        **people["single_user"]["case page"],
        "requests": 2,
        "failures": 0,
    }
    assert "case page" in done.stdout and "p95 ms" in done.stdout
    # In Danish (issue 9): the phases, the table's headings, the server's shape.
    assert "besøgende i" in done.stdout and "forespørgsler" in done.stdout
    for english in ("visitors", "workers", "requests", "ready in", "one visitor"):
        assert english not in done.stdout
