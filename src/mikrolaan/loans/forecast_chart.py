"""The fund page's forecast chart: expected inflows per month with the range as a band.

Server-rendered SVG (the Content-Security-Policy allows no inline style or script); the fund
view passes ``inflow_chart(forecast)`` to ``loans/_forecast_chart.html``. The forecast is
cached per date and state of the ledger: a new entry or loan makes a new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Max

from mikrolaan.loans.forecast import Forecast, fund_forecast
from mikrolaan.loans.models import LedgerEntry, Loan
from mikrolaan.loans.schedule import to_kr

WIDTH, HEIGHT = 600, 220
LEFT, RIGHT, TOP, BOTTOM = 8, 8, 20, 24


def cached_forecast(as_of: dt.date) -> Forecast:
    entries = LedgerEntry.objects.aggregate(pk=Max("pk"), at=Max("recorded_at"))
    loans = Loan.objects.aggregate(pk=Max("pk"), at=Max("created_at"))
    state = f"{entries['pk']}:{entries['at']}:{loans['pk']}:{loans['at']}"
    key = f"loans:fund-forecast:{hashlib.sha256(f'{as_of}:{state}'.encode()).hexdigest()}"
    found: Forecast | None = cache.get(key)
    if found is None:
        found = fund_forecast(as_of)
        cache.set(key, found, 6 * 3600)
    return found


def _kr(ore: float) -> Decimal:
    return to_kr(round(ore))


def inflow_chart(f: Forecast) -> dict[str, Any] | None:
    """Points of the expected line and the range polygon; None when nothing is expected."""
    p = f.projection
    top = max([*p.high, *p.expected, 0.0])
    if top <= 0 or not p.expected:
        return None
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM
    step = span_x / max(len(p.expected) - 1, 1)

    def x(i: int) -> str:
        return f"{LEFT + i * step:.1f}"

    def y(ore: float) -> str:
        return f"{TOP + span_y * (1 - ore / top):.1f}"

    expected = " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(p.expected))
    upper = [f"{x(i)},{y(v)}" for i, v in enumerate(p.high)]
    lower = [f"{x(i)},{y(v)}" for i, v in reversed(list(enumerate(p.low)))]
    year = min(12, len(p.expected)) - 1
    next_year = f.next_year
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - BOTTOM,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "expected_points": expected,
        "range_points": " ".join(upper + lower),
        "year_x": x(year),
        "top_label": _kr(top),
        "first_month": f.month_ends[0],
        "last_month": f.month_ends[-1],
        "months": len(p.expected),
        "expected": _kr(next_year["expected"]),
        "low": _kr(next_year["low"]),
        "high": _kr(next_year["high"]),
        "committed": _kr(next_year["committed"]),
        "can_lend": _kr(next_year["can_lend"]),
        "window": f.window,
    }
