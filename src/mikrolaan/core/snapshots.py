"""Kept figures: what a page would otherwise compute over the whole portfolio on every visit.

An app registers a builder for a key (``@register("fund")``: a function of the date that
returns JSON-ready data). The daily servicing run refreshes every key for today
(``refresh``), and the demo at its end; a page reads today's figures with ``of_today`` and
shows when they were computed. Where there are none for today (a new installation, before
the day's run), or the reader asks for another date, the page computes its figures itself.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from mikrolaan.core.models import Snapshot

log = logging.getLogger(__name__)

Builder = Callable[[dt.date], Any]
_BUILDERS: dict[str, Builder] = {}
KEEP_DAYS = 7


def register(key: str) -> Callable[[Builder], Builder]:
    def decorate(builder: Builder) -> Builder:
        _BUILDERS[key] = builder
        return builder

    return decorate


def keys() -> list[str]:
    return sorted(_BUILDERS)


def refresh(on: dt.date, only: list[str] | None = None) -> dict[str, float]:
    """Compute and keep each registered key's figures for ``on``; seconds per key. A builder
    that fails is logged and skipped (the pages then compute their figures themselves)."""
    seconds = {}
    for key in only or keys():
        started = time.perf_counter()
        try:
            data = _BUILDERS[key](on)
        except Exception:
            log.exception("kept figures %s for %s could not be computed", key, on)
            Snapshot.objects.filter(key=key, on=on).delete()
            continue
        took = time.perf_counter() - started
        with transaction.atomic():
            Snapshot.objects.update_or_create(
                key=key,
                on=on,
                defaults={"data": data, "computed_at": timezone.now(), "seconds": took},
            )
            Snapshot.objects.filter(key=key, on__lt=on - dt.timedelta(days=KEEP_DAYS)).delete()
        seconds[key] = round(took, 3)
    return seconds


def kept_on(key: str, on: dt.date) -> Snapshot | None:
    """The figures kept for ``on`` under ``key``, or None."""
    return Snapshot.objects.filter(key=key, on=on).first()


def of_today(key: str) -> Snapshot | None:
    """Today's kept figures for ``key``, or None."""
    return kept_on(key, timezone.localdate())
