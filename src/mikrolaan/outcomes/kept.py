"""The funnel and the economic gain as the day's run keeps them (``core.snapshots``).

Both read every case, loan and support spell of the programme (about 35 s for 100,000
citizens), so the pages show today's from the day's run unless the reader asks for a date;
the start page's "programme in figures" is taken from them.
"""

from __future__ import annotations

import datetime as dt

from mikrolaan.core import snapshots
from mikrolaan.core.models import Snapshot
from mikrolaan.outcomes import economics, funnel


@snapshots.register("funnel")
def _kept_funnel(on: dt.date) -> dict:
    return funnel.compute_funnel(on)


@snapshots.register("economics")
def _kept_economics(on: dt.date) -> dict:
    return economics.as_json(economics.compute_economics(on))


def funnel_for_page(user, as_of: dt.date, *, asked: bool) -> tuple[dict, Snapshot | None]:
    """Today's funnel as the day's run kept it unless the reader asked for a date (then, or
    without it, computed now); as ``user`` may see it."""
    kept = None if asked else snapshots.of_today("funnel")
    if kept is None:
        return funnel.funnel_for(user, as_of), None
    return funnel.as_seen_by(user, kept.data), kept


def economics_for_page(as_of: dt.date, *, asked: bool) -> tuple[dict, Snapshot | None]:
    """Today's economic gain as the day's run kept it unless the reader asked for a date
    (then, or without it, computed now); not yet suppressed."""
    kept = None if asked else snapshots.of_today("economics")
    if kept is None:
        return economics.compute_economics(as_of), None
    return economics.from_json(kept.data), kept
