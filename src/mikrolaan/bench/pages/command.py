"""``mikrolaan bench pages``: build or reuse the portfolios, serve them, load the pages, report.

    mikrolaan bench pages -o var/bench-pages.json

Two phases, each against its own database (created on the PostgreSQL server of
``--database-url``; the portfolio is built once and kept, ``--rebuild`` makes it anew):

- ``people``: 100,000 citizens with cases and loans: every page of every role under
  ``--users`` concurrent visitors, then one visitor alone on case and loan pages;
- ``loans``: 1,000,000 loans: the loan list, the fund page and loan pages.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from mikrolaan.bench.pages import figures
from mikrolaan.bench.pages.server import Server
from mikrolaan.core.formatting import number

PHASES = {
    # pages under load; single-user pages: (name, url pattern, which ids, how many)
    "people": {
        "pages": [
            "start",
            "case_list",
            "case_search",
            "case",
            "loan_list",
            "loan",
            "fund",
            "report",
        ],
        "single": [
            ("case page", "/cases/{}/", "cases", "many"),
            ("loan page", "/loans/{}/", "loans", "many"),
            ("start page (project leader)", "/", None, "few"),
            ("case list", "/cases/", None, "few"),
            ("loan list", "/loans/", None, "few"),
            ("fund page", "/loans/fund/", None, "few"),
            ("report page", "/reports/", None, "few"),
        ],
    },
    "loans": {
        "pages": ["loan_list", "loan", "fund"],
        "single": [
            ("loan page", "/loans/{}/", "loans", "many"),
            ("loan list", "/loans/", None, "few"),
            ("fund page", "/loans/fund/", None, "few"),
        ],
    },
}
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/mikrolaan_bench"


HELP = gettext_lazy("Load the web pages like 20 caseworkers at once (locust) on a large portfolio.")


def add_arguments(p) -> None:
    p.add_argument(
        "--people",
        type=int,
        default=100_000,
        metavar=_("NUMBER"),
        help=_("Citizens (0: skip the phase)."),
    )
    p.add_argument(
        "--loans",
        type=int,
        default=1_000_000,
        metavar=_("NUMBER"),
        help=_("Loans (0: skip the phase)."),
    )
    p.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE,
        metavar="URL",
        help=_(
            "Benchmark databases: NAME_people and NAME_loans on this server "
            "(default %(url)s; a sqlite:///path/NAME URL for small runs)."
        )
        % {"url": DEFAULT_DATABASE},
    )
    p.add_argument("--rebuild", action="store_true", help=_("Drop and build the portfolios anew."))
    number = {"metavar": _("NUMBER")}
    p.add_argument(
        "--users", type=int, default=20, help=_("Concurrent visitors (default 20)."), **number
    )
    p.add_argument(
        "--run-time", type=int, default=120, help=_("Seconds of load per phase."), **number
    )
    p.add_argument(
        "--wait",
        type=float,
        default=1,
        help=_(
            "Seconds a visitor reads a page, on average (random: half to one and a half; "
            "default 1; 0: no reading time, the server's capacity)."
        ),
        **number,
    )
    p.add_argument(
        "--single", type=int, default=20, help=_("Single-user case and loan pages."), **number
    )
    p.add_argument(
        "--single-lists", type=int, default=3, help=_("Single-user other pages."), **number
    )
    p.add_argument(
        "--workers", type=int, default=None, help=_("Server workers (as serve)."), **number
    )
    p.add_argument(
        "--threads", type=int, default=None, help=_("Threads per worker (as serve)."), **number
    )
    p.add_argument(
        "--timeout", type=float, default=120, help=_("Seconds before a request fails."), **number
    )
    p.add_argument(
        "-o", "--output", default="", metavar=_("FILE"), help=_("Write the figures as JSON here.")
    )


def phase_url(base: str, phase: str) -> str:
    parts = urlsplit(base)
    if parts.scheme.startswith("sqlite"):
        return f"{base}_{phase}.sqlite3"
    return urlunsplit(parts._replace(path=f"{parts.path}_{phase}"))


def reset_database(url: str, *, drop: bool) -> None:
    """Create the benchmark database if missing (after dropping it with ``drop``)."""
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path)
        if drop:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise CommandError(_("unexpected database name %(name)r") % {"name": name})
    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if drop:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def child_env(url: str, work: Path, secret: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "mikrolaan.settings.base",
            "MIKROLAAN_DEBUG": "false",
            "MIKROLAAN_SECRET_KEY": secret,
            "MIKROLAAN_STATIC_FROM_SOURCE": "true",  # no static files are asked for
            "MIKROLAAN_LOG_LEVEL": "WARNING",
            "MIKROLAAN_VAR_DIR": str(work / "var"),
            "MIKROLAAN_LETTERS_DIR": str(work / "var" / "letters"),
            "MIKROLAAN_EXPORTS_DIR": str(work / "var" / "exports"),
        }
    )
    return env


def handle(command, *, people, loans, database_url, rebuild, output, **options) -> None:
    workers = options["workers"] or settings.WEB_WORKERS
    threads = options["threads"] or settings.WEB_THREADS
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    work = Path(settings.VAR_DIR) / "bench-pages" / stamp
    work.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(40)
    result = {
        "measured_at": timezone.now().isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "server": {"workers": workers, "threads": threads},
        "users": options["users"],
        "run_time_s": options["run_time"],
        "wait_s": options["wait"],
        "phases": {},
    }
    for phase, size in (("people", people), ("loans", loans)):
        if size <= 0:
            continue
        url = phase_url(database_url, phase)
        command.stdout.write(
            _("== %(phase)s: %(size)s in %(db)s")
            % {"phase": _(phase), "size": number(size), "db": urlsplit(url).path.lstrip("/")}
        )
        reset_database(url, drop=rebuild)
        env = child_env(url, work, secret)
        plan_path = work / f"{phase}-plan.json"
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "mikrolaan.bench.pages.portfolio", phase, str(size), plan_path],
            env=env,
            stdout=sys.stdout,
            stderr=sys.stderr,
            check=False,
        )
        if done.returncode:
            raise CommandError(
                _("preparing the %(phase)s portfolio failed (exit %(code)s)")
                % {"phase": _(phase), "code": done.returncode}
            )
        plan = json.loads(plan_path.read_text())
        command.stdout.write(
            _("   ready in %(seconds)s s") % {"seconds": f"{time.perf_counter() - started:.0f}"}
        )
        plan["pages"] = PHASES[phase]["pages"]
        plan_path.write_text(json.dumps(plan))
        result["phases"][phase] = run_phase(
            command, phase, plan, plan_path, env, work, workers, threads, options
        )
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    if output:
        Path(output).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        command.stdout.write(_("figures written to %(path)s") % {"path": output})


# The phases' names, translated where they are shown.
_PHASE_NAMES = (gettext_noop("people"), gettext_noop("loans"))


def run_phase(command, phase, plan, plan_path, env, work, workers, threads, options) -> dict:
    timeout = options["timeout"]
    with Server(env, workers=workers, threads=threads, log=work / f"{phase}-server.log") as server:
        prefix = work / f"{phase}-locust"
        locust_env = {
            **env,
            "MIKROLAAN_BENCH_PLAN": str(plan_path),
            "MIKROLAAN_BENCH_WAIT": str(options["wait"]),
            "MIKROLAAN_BENCH_TIMEOUT": str(timeout),
        }
        users = options["users"]
        warm_up(server.url, plan, workers * threads, timeout)
        subprocess.run(
            [
                str(Path(sys.executable).with_name("locust")),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(users),
                "--run-time",
                f"{options['run_time']}s",
                "--host",
                server.url,
                "--csv",
                str(prefix),
                "--json-file",
                str(prefix),  # locust adds .json
                # a request under way at the end is waited for and counted, not dropped
                "--stop-timeout",
                str(int(timeout)),
                "--only-summary",
                "--loglevel",
                "ERROR",
            ],
            env=locust_env,
            stdout=subprocess.DEVNULL,
            stderr=open(work / f"{phase}-locust.log", "wb"),  # noqa: SIM115
            check=False,
        )
        stats_file = Path(f"{prefix}.json")
        if not stats_file.exists():
            raise CommandError(
                _("locust wrote no statistics; see %(log)s") % {"log": work / f"{phase}-locust.log"}
            )
        load = figures.load_final_stats(stats_file)
        failures = figures.load_failures(Path(f"{prefix}_failures.csv"))
        command.stdout.write(
            figures.table(
                "\n"
                + _(
                    "%(phase)s: %(users)s visitors for %(seconds)s s, reading %(wait)s s a page "
                    "on average, %(workers)s web processes × %(threads)s threads"
                )
                % {
                    "phase": _(phase),
                    "users": users,
                    "wait": number(options["wait"], 1),
                    "seconds": options["run_time"],
                    "workers": workers,
                    "threads": threads,
                },
                load,
            )
        )
        for failure in failures[:10]:
            command.stdout.write(
                _("   failed: %(page)s: %(error)s ×%(count)s")
                % {"page": failure["page"], "error": failure["error"], "count": failure["count"]}
            )
        single = {}
        leader = plan["roles"]["project_leader"]
        ids = {"cases": leader.get("cases", []), "loans": plan["loans"]}
        for name, pattern, which, how_many in PHASES[phase]["single"]:
            n = options["single"] if how_many == "many" else options["single_lists"]
            urls = figures.sample_urls(pattern, ids[which], n) if which else [pattern] * n
            if urls:
                single[name] = figures.single_user(server.url, leader["sessions"][0], urls, timeout)
        title = "\n" + _("%(phase)s: one visitor, pages one after another") % {"phase": _(phase)}
        command.stdout.write(figures.table(title, single, rps=False))
    return {
        "portfolio": plan["size"],
        "built_seconds": plan.get("built_seconds"),
        "kept_figures_seconds": plan.get("kept_figures_seconds"),
        "load": load,
        "failures": failures,
        "single_user": single,
    }


def warm_up(url: str, plan: dict, n: int, timeout: float) -> None:
    """Each server thread answers a case and a loan page first (imports, templates)."""
    leader = plan["roles"]["project_leader"]
    urls = figures.sample_urls("/loans/{}/", plan["loans"], 2 * n)
    urls += figures.sample_urls("/cases/{}/", leader.get("cases", []), 2 * n)
    figures.single_user(url, leader["sessions"][0], urls, timeout)
