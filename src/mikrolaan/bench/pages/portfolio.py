"""The benchmark database: build or reuse the portfolio, then sign in the benchmark users.

Run by ``mikrolaan bench pages`` as a child process whose ``DATABASE_URL`` names the
benchmark database (never the configured one)::

    python -m mikrolaan.bench.pages.portfolio people 100000 PLAN.json

Kinds: ``people`` — N citizens with a case, a participation, a loan with three payments and two
support spells each, made by ``benchmarks/interchange_import.py``'s generator and loaded by the
interchange import (set-based); ``loans`` — N loans from ``bench.portfolio.generate`` (inside
PostgreSQL by ``INSERT … SELECT``). A marker table records what was built, so later runs reuse
it; the parent drops the database for ``--rebuild``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path

MARKER = "bench_pages_portfolio"
ROLES = ("project_leader", "job_consultant", "finance_clerk", "evaluator")
SESSIONS_PER_ROLE = 5
SAMPLE = 500


class PortfolioError(Exception):
    pass


def _bundle_generator():
    from django.conf import settings

    path = settings.REPO_DIR / "benchmarks" / "interchange_import.py"
    spec = importlib.util.spec_from_file_location("bench_interchange_import", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def read_marker() -> tuple[str, int] | None:
    from django.db import connection

    if MARKER not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT kind, size FROM {MARKER}")  # noqa: S608
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def _write_marker(kind: str, size: int, seconds: float) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {MARKER} (kind varchar(20) NOT NULL, size integer NOT NULL, "
            "built_at varchar(40) NOT NULL, seconds real NOT NULL)"
        )
        cursor.execute(
            f"INSERT INTO {MARKER} VALUES (%s, %s, %s, %s)",  # noqa: S608
            [kind, size, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), seconds],
        )


def build(kind: str, size: int, say=print) -> float:
    """Load the portfolio into the (empty, migrated) database; returns the seconds it took."""
    from django.utils import timezone

    started = time.perf_counter()
    if kind == "people":
        from mikrolaan.interchange.services import import_bundle

        with tempfile.TemporaryDirectory(prefix="mikrolaan-bench-pages-") as folder:
            rows = _bundle_generator()(Path(folder), size)
            say(f"  generated a bundle of {size:,} people ({rows:,} rows)")
            import_bundle(Path(folder))
    elif kind == "loans":
        from mikrolaan.bench import portfolio as bench

        bench.generate(size, timezone.localdate(), progress=lambda step: say(f"  {step}"))
    else:
        raise PortfolioError(f"unknown portfolio kind {kind!r}")
    seconds = time.perf_counter() - started
    _write_marker(kind, size, seconds)
    _analyze()
    return seconds


def _analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _user(role: str, number: int, unit):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from mikrolaan.accounts.models import User

    user, _ = User.objects.update_or_create(
        username=f"bench-{role}-{number}",
        defaults={
            "role": role,
            "unit": unit if role == "job_consultant" else None,
            "first_name": "Bench",
            "last_name": role,
            "is_active": True,
        },
    )
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user, device


def _session(user, device) -> str:
    """A signed-in session as the log-in with password and second factor leaves it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    session = SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "mikrolaan.accounts.backends.LocalPasswordBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


def _sample(queryset, n: int = SAMPLE) -> list[int]:
    return list(queryset.order_by("?").values_list("pk", flat=True)[:n])


def plan(kind: str) -> dict:
    """Sessions per role and the ids and search words the visitors use."""
    from django.db.models import Count

    from mikrolaan.accounts.models import Unit
    from mikrolaan.cases.models import Case
    from mikrolaan.loans.models import Loan

    unit = Unit.objects.annotate(n=Count("cases")).order_by("-n", "pk").first()
    roles = {}
    for role in ROLES:
        users = [_user(role, k, unit) for k in range(1, SESSIONS_PER_ROLE + 1)]
        roles[role] = {"sessions": [_session(user, device) for user, device in users]}
        if kind == "people":
            cases = Case.objects.for_user(users[0][0])
            roles[role]["cases"] = _sample(cases)
            roles[role]["search"] = sorted(
                {
                    name
                    for name in cases.order_by("?").values_list("citizen__last_name", flat=True)[
                        :50
                    ]
                    if name
                }
            )
    return {"kind": kind, "roles": roles, "loans": _sample(Loan.objects.all())}


def keep_figures(say=print) -> dict[str, float] | None:
    """Today's kept figures, as the day's servicing run leaves them (``core.snapshots``), once
    a day; the seconds each took, or None when they were there already."""
    from django.utils import timezone

    from mikrolaan.core import snapshots
    from mikrolaan.core.models import Snapshot

    today = timezone.localdate()
    if Snapshot.objects.filter(on=today).count() == len(snapshots.keys()):
        return None
    say("computing today's kept figures (as the day's servicing run does)")
    seconds = snapshots.refresh(today)
    say("  " + ", ".join(f"{key} {value:.1f} s" for key, value in seconds.items()))
    return seconds


def prepare(kind: str, size: int, out: Path, say=print) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    marker = read_marker()
    built = None
    if marker is None:
        say(f"building the {kind} portfolio of {size:,} (once; kept in this database)")
        built = build(kind, size, say)
        say(f"  built in {built:.0f} s")
    elif marker != (kind, size):
        raise PortfolioError(
            f"this database holds a {marker[0]} portfolio of {marker[1]:,}, not {kind} {size:,}; "
            "run with --rebuild"
        )
    kept = keep_figures(say)
    result = {**plan(kind), "size": size, "built_seconds": built, "kept_figures_seconds": kept}
    out.write_text(json.dumps(result))
    return result


def main(argv: list[str]) -> int:
    kind, size, out = argv[0], int(argv[1]), Path(argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mikrolaan.settings.base")
    import django

    django.setup()
    try:
        prepare(kind, size, out, say=lambda line: print(line, flush=True))
    except Exception as exc:
        from mikrolaan.bench.portfolio import BenchError

        if isinstance(exc, PortfolioError | BenchError):
            print(f"error: {exc}", file=sys.stderr)
            return 2
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
