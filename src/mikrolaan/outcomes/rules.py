"""Pure rules about support spells: overlaps, effective spells and days covered.

Nothing here touches the database, so the importer can reuse the same rules on rows it has
not written yet. A "spell" is anything with ``start`` (a date) and ``end`` (a date, inclusive,
or ``None`` for still running); ``status`` is read where a rule needs it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

SELF_SUPPORTING_STATUSES = frozenset(
    {"self_supporting_business", "self_supporting_job", "self_supporting_education"}
)
OPEN_END = dt.date.max


class Overlap(NamedTuple):
    """``later`` (the later-starting spell, as INTERCHANGE.md reports it) overlaps ``earlier``."""

    earlier: Any
    later: Any


def _end(spell) -> dt.date:
    return spell.end if spell.end is not None else OPEN_END


def overlaps(a, b) -> bool:
    """Whether two spells share at least one day. Adjacent spells (end + 1 = start) do not."""
    return a.start <= _end(b) and b.start <= _end(a)


def find_overlaps(spells: Iterable[Any]) -> list[Overlap]:
    """Every pair of overlapping spells, each reported on the later-starting spell.

    The spells are taken as given (one person's, effective ones only — filter corrected
    spells out first). Pairs come in the order of the later spell's start.
    """
    ordered = sorted(spells, key=lambda s: (s.start, _end(s)))
    found: list[Overlap] = []
    for i, later in enumerate(ordered):
        for earlier in ordered[:i]:
            if overlaps(earlier, later):
                found.append(Overlap(earlier, later))
    return found


def is_self_supporting(spell) -> bool:
    return str(spell.status) in SELF_SUPPORTING_STATUSES


def covered_pieces(spans: Iterable[Any], first: dt.date, last: dt.date) -> list[tuple]:
    """The days from ``first`` through ``last`` covered by any of ``spans`` (spells, or
    (start, end) pairs with end None for open), as non-overlapping (start, end) pieces in date
    order: a day two spells cover counts once. The one rule behind every page's figure of
    self-supporting days (case page, economic gain, the review's tables)."""
    pieces: list[tuple] = []
    if last < first:
        return pieces
    pairs = sorted((s if isinstance(s, tuple) else (s.start, _end(s))) for s in spans)
    cursor = first
    for start, end in pairs:
        start, end = max(start, cursor), min(end or last, last)
        if end >= start:
            pieces.append((start, end))
            cursor = end + dt.timedelta(days=1)
        if cursor > last:
            break
    return pieces


def days_covered(spells: Iterable[Any], first: dt.date, last: dt.date) -> int:
    """Days from ``first`` through ``last`` (both included) covered by any of ``spells``."""
    return sum((e - s).days + 1 for s, e in covered_pieces(spells, first, last))


def self_supporting_days(spells: Iterable[Any], first: dt.date, last: dt.date) -> int:
    return days_covered([s for s in spells if is_self_supporting(s)], first, last)


def covering(spells: Iterable[Any], day: dt.date):
    """The spell that covers ``day``, or None."""
    for spell in spells:
        if spell.start <= day <= _end(spell):
            return spell
    return None


def clip(spell, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date] | None:
    """The part of ``spell`` within ``first``–``last`` as (start, end), or None."""
    start, end = max(spell.start, first), min(_end(spell), last)
    return (start, end) if end >= start else None


def split_by_validity(
    first: dt.date, last: dt.date, valid_froms: Sequence[dt.date]
) -> list[tuple[dt.date, dt.date, dt.date | None]]:
    """Cut ``first``–``last`` at each ``valid_from``: [(start, end, valid_from in force)].

    ``valid_from`` is None for a stretch before the first dated setting.
    """
    pieces = []
    froms = sorted(set(valid_froms))
    cursor = first
    while cursor <= last:
        in_force = None
        next_change = None
        for vf in froms:
            if vf <= cursor:
                in_force = vf
            elif next_change is None:
                next_change = vf
        end = last if next_change is None else min(last, next_change - dt.timedelta(days=1))
        pieces.append((cursor, end, in_force))
        cursor = end + dt.timedelta(days=1)
    return pieces
