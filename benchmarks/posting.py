"""Benchmark: posting one payment through the loan page, on a large portfolio.

    DATABASE_URL=postgres://…/bench .venv/bin/python benchmarks/posting.py --payments 200

Needs a portfolio in the database (``mikrolaan bench servicing --loans 1000000`` makes one).
For ``--payments`` loans being repaid, picked at random, a finance clerk posts a payment of one
instalment through the real page (``POST /loans/<id>/payment/`` with Django's test client:
URL routing, middleware, form, service, ledger, redirect), and the server time of each request
is measured. Prints p50, p95 and max in milliseconds, and the queries of one request.

The payments are real postings; the benchmark portfolio is changed by them.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mikrolaan.settings.base")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from mikrolaan.accounts.models import User
    from mikrolaan.accounts.roles import Role
    from mikrolaan.loans.models import LedgerEntry, Loan, LoanStatus

    settings.ALLOWED_HOSTS = ["*"]
    # The clerk signs in without the second factor here (a benchmark user, no browser).
    settings.SECOND_FACTOR_REQUIRED = False
    clerk, _ = User.objects.get_or_create(
        username="bench-finance", defaults={"role": Role.FINANCE_CLERK}
    )
    total = Loan.objects.count()
    top = Loan.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rng = random.Random(args.seed)
    picked: list[int] = []
    while len(picked) < args.payments:
        ids = [rng.randint(1, top) for _ in range(args.payments * 4)]
        picked += list(
            Loan.objects.filter(pk__in=ids, status=LoanStatus.ACTIVE, balance__gt=500).values_list(
                "pk", flat=True
            )[: args.payments - len(picked)]
        )
    client = Client()
    client.force_login(clerk)
    today = timezone.localdate().isoformat()
    times, queries = [], 0
    for n, pk in enumerate(picked):
        data = {"amount": "100.00", "paid_on": today, "note": "Benchmark"}
        started = time.perf_counter()
        if n == 0:
            with CaptureQueriesContext(connection) as ctx:
                response = client.post(f"/loans/{pk}/payment/", data)
            queries = len(ctx.captured_queries)
        else:
            response = client.post(f"/loans/{pk}/payment/", data)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 302 or response["Location"] != f"/loans/{pk}/":
            raise SystemExit(f"loan {pk}: HTTP {response.status_code} {response.get('Location')}")
    posted = LedgerEntry.objects.filter(why="Benchmark", loan_id__in=picked).count()
    if posted != len(picked):
        raise SystemExit(f"{posted} of {len(picked)} payments were posted")
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{len(times)} payments through the loan page, {total:,} loans "
        f"({connection.vendor}): p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
        f"max {times[-1]:.1f} ms; {queries} queries per posting"
    )


if __name__ == "__main__":
    main()
