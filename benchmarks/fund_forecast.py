"""Benchmark and backtest of the fund forecast on a generated portfolio (``bench.portfolio``).

    .venv/bin/python benchmarks/fund_forecast.py --loans 1000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/mikrolaan_bench_forecast

Into a separate database (migrated here; the portfolio is generated unless ``--reuse``):
loans paid out over the eight years before ``--generated-to`` (default 31/12/2017). The
portfolio starts before the first real policy (2013), so a copy of it valid from 2005 is
added first — in this throw-away database only. Then it times

- ``fund_forecast(--generated-to)``: the forecast over the whole portfolio, and
- ``backtest(--backtest)`` (default from 31/12/2015): the forecast from that date beside
  what the generated ledger shows for the following year,

and prints the figures (and writes the backtest's JSON with ``-o``). The figures are in
``docs/fund-forecast.md``.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--generated-to", default="2017-12-31")
    parser.add_argument("--backtest", default="2015-12-31")
    parser.add_argument("--reuse", action="store_true", help="Use the portfolio already there.")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("-o", "--output", default=None)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mikrolaan.settings.base")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from mikrolaan.bench import portfolio as bench
    from mikrolaan.loans.forecast import backtest, fund_forecast
    from mikrolaan.policy.models import LoanPolicy

    generated_to = dt.date.fromisoformat(args.generated_to)
    backtest_from = dt.date.fromisoformat(args.backtest)
    call_command("migrate", verbosity=0)
    if not args.reuse:
        first = generated_to - dt.timedelta(days=8 * 366)
        if not LoanPolicy.objects.filter(valid_from__lte=first).exists():
            policy = LoanPolicy.objects.order_by("valid_from").first()
            policy.pk, policy.valid_from = None, dt.date(first.year - 1, 1, 1)
            policy._state.adding = True
            policy.save()
        started = time.perf_counter()
        bench.generate(args.loans, generated_to, progress=lambda s: print(f"  {s}", flush=True))
        print(f"generated {args.loans:,} loans in {time.perf_counter() - started:.1f} s")
    if args.generate_only:
        return

    started = time.perf_counter()
    f = fund_forecast(generated_to)
    seconds = time.perf_counter() - started
    year = f.next_year
    print(
        f"forecast from {generated_to}: {seconds:.1f} s over {f.loans:,} loans "
        f"(rates from {f.sampled:,}); next 12 months {year['expected'] / 100:,.0f} kr. "
        f"(range {year['low'] / 100:,.0f}–{year['high'] / 100:,.0f})"
    )
    started = time.perf_counter()
    until = min(generated_to, backtest_from + dt.timedelta(days=366))
    result = backtest(backtest_from, until=until)
    seconds = time.perf_counter() - started
    summary = result["backtest"]["summary"]
    print(f"backtest from {backtest_from} to {until}: {seconds:.1f} s; {json.dumps(summary)}")
    for month in result["backtest"]["months"]:
        print(
            f"  {month['month']}: forecast {month['forecast']} ({month['low']}–{month['high']}), "
            f"actual {month['actual']}{'' if month['inside'] else '  (outside)'}"
        )
    if args.output:
        Path(args.output).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
