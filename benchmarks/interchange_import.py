"""Benchmark: generate an interchange bundle of N people and time its import (and re-import).

    .venv/bin/python benchmarks/interchange_import.py --persons 100000
    .venv/bin/python benchmarks/interchange_import.py --persons 100000 \
        --database-url postgres://postgres@127.0.0.1:5432/mikrolaan_bench_import

Each person has a CPR number, a participation, a loan, three payments (two with a reference,
one without) and two support spells: about 8.5 rows per person. With ``--assessments`` each
person also answers the self-assessment at referral and at the end of the main course, and
every tenth corrects the later one (assessments.csv, one row per answer: about 26 rows more
per person), deterministically. The database is created
fresh (a temporary SQLite file, or the PostgreSQL database named in the URL, created and
dropped again) so the figure is the import into an empty database plus an idempotent
re-import of the same bundle (validation against the database, nothing written), then the
chapter-7 report over all the borrowers.

Each step prints its wall-clock time and the CPU time of this process (on a shared machine
the second is the steadier figure; with PostgreSQL the server's own work is not in it), and
the load average when it ended.
"""

import argparse
import csv
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit


def generate(folder: Path, people: int, codes: list[str] | None = None) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    cohorts = max(1, people // 1000)
    rows = 0

    def writer(name, header):
        fh = open(folder / name, "w", encoding="utf-8", newline="")  # noqa: SIM115
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        return fh, w

    fh, w = writer("cohorts.csv", ["code", "main_course_start", "main_course_end"])
    starts = {}
    for c in range(cohorts):
        # With assessments the courses start after the first questionnaire (1 January 2013).
        first = dt.date(2013, 3, 1) if codes else dt.date(2000, 1, 1)
        start = first + dt.timedelta(days=30 * c)
        starts[c] = start
        w.writerow([f"M{c + 1}", start, start + dt.timedelta(days=182)])
        rows += 1
    fh.close()
    files = {
        "people": writer("people.csv", ["person_ref", "cpr", "first_name", "last_name",
                                        "gender", "benefit_before", "unit"]),
        "parts": writer("participations.csv", ["person_ref", "cohort_code", "status"]),
        "loans": writer("loans.csv", ["loan_ref", "person_ref", "cohort_code", "principal",
                                      "disbursed_on", "repayment_start"]),
        "pay": writer("payments.csv", ["loan_ref", "paid_on", "amount", "reference"]),
        "spells": writer("support_spells.csv", ["person_ref", "status", "start", "end"]),
    }  # fmt: skip
    if codes:
        files["assess"] = writer("assessments.csv", ["person_ref", "point", "correction",
                                                     "answered_on", "channel", "item", "score",
                                                     "why"])  # fmt: skip
    units = ["Dagpenge og kontanthjælp", "Integration og fleksjob", "Job og sundhed"]
    labels = ["Kontanthjælp, Passiv", "Førtidspension", ""]
    for i in range(people):
        c = i % cohorts
        ref = f"P{i:07d}"
        born = dt.date(1950, 1, 1) + dt.timedelta(days=i % 14000)
        cpr = f"{born:%d%m%y}{(i // 14000) % 400:03d}{i % 10}"
        files["people"][1].writerow([ref, cpr, "Fornavn", f"Efternavn{i}", "",
                                     labels[i % 3], units[i % 3]])  # fmt: skip
        files["parts"][1].writerow([ref, f"M{c + 1}", "completed"])
        start = starts[c]
        disbursed = start + dt.timedelta(days=20)
        files["loans"][1].writerow([f"L{i:07d}", ref, f"M{c + 1}", "30000.00", disbursed,
                                    start + dt.timedelta(days=200)])  # fmt: skip
        for k in range(3):
            files["pay"][1].writerow([f"L{i:07d}", start + dt.timedelta(days=210 + 60 * k),
                                      "1500.50", f"R{k}" if k < 2 else ""])  # fmt: skip
        end = start + dt.timedelta(days=182)
        files["spells"][1].writerow([ref, "public_support", start - dt.timedelta(days=400),
                                     start - dt.timedelta(days=1)])  # fmt: skip
        files["spells"][1].writerow([ref, "self_supporting_business",
                                     end + dt.timedelta(days=1), ""])  # fmt: skip
        rows += 8
        for n, code in enumerate(codes or []):
            w = files["assess"][1]
            first = 1 + (i + n) % 5
            w.writerow([ref, "referral", 0, start - dt.timedelta(days=30), "caseworker",
                        code, first, ""])  # fmt: skip
            later = min(5, first + (i * 7 + n) % 3)
            w.writerow([ref, "main_course_end", 0, end, "caseworker", code, later, ""])
            rows += 2
            if i % 10 == 0:
                w.writerow([ref, "main_course_end", 1, end, "citizen", code, max(1, later - 1),
                            "Rettet af borgeren"])  # fmt: skip
                rows += 1
    for fh, _w in files.values():
        fh.close()
    return rows


class Timer:
    """Wall-clock and this process's CPU time of a step, and the load average after it."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def __str__(self) -> str:
        load = os.getloadavg()[0]
        return f"{self.wall:.1f} s (CPU {self.cpu:.1f} s, load {load:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", "--people", dest="people", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--assessments", action="store_true", help="also write assessments.csv")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mikrolaan-bench-"))
    url = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    pg = url.startswith("postgres")
    if pg:
        import psycopg

        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mikrolaan.settings.base")
    os.environ.setdefault("MIKROLAAN_VAR_DIR", str(work / "var"))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from mikrolaan.interchange.services import import_bundle
    from mikrolaan.reports.services import build_report

    try:
        t = time.perf_counter()
        codes = None
        if args.assessments:
            import importlib

            seed = importlib.import_module(
                "mikrolaan.progression.migrations.0002_first_questionnaire"
            )
            codes = [code for code, _area, _text in seed.STATEMENTS]
        rows = generate(work / "bundle", args.people, codes)
        print(f"generated {args.people} people, {rows} rows in {time.perf_counter() - t:.1f} s")
        call_command("migrate", verbosity=0)
        with Timer() as t:
            result = import_bundle(work / "bundle")
        print(f"import into an empty database: {t} "
              f"({rows / t.wall:,.0f} rows/s); created {dict(result.created)}")  # fmt: skip
        with Timer() as t:
            again = import_bundle(work / "bundle")
        print(f"re-import of the same bundle: {t}, changed: {again.changed}")
        with Timer() as t:
            report = build_report(dt.date(2030, 12, 31))
        print(f"report over {report['borrowers']} borrowers: {t}")
    finally:
        shutil.rmtree(work, ignore_errors=True)  # the bundle and the SQLite file: hundreds of MB
        if pg:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            print(f"dropped {name}")


if __name__ == "__main__":
    main()
