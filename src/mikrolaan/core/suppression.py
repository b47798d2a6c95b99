"""Small numbers stay hidden: primary and secondary suppression of published counts.

One module for the chapter-7 report, the funnel, the economic gain and the research export.
A publication is described as a :class:`Grid`:

- **cells**: counts, each under a key (the report uses JSON pointers). A cell is *published*
  (the reader sees it) or *implicit* (not printed, but a reader can work at it, e.g. the
  borrowers not self-supporting = borrowers − self-supporting);
- **sums**: ``total = part + part + …`` between cells, within one table (row and column
  margins) and across the tables of one publication that share a breakdown (the borrowers
  by gender, by age and per cohort all sum to the same total);
- **dependents**: figures that describe the people of a count (days, debts, means, bands);
  they are hidden with their count;
- **magnitude sums**: sums between dependents parallel to sums of counts (the days of the
  cohorts add up to the total days), so a hidden cohort's days cannot be had by subtraction
  either.

The rules (``suppress``):

1. *Primary*: a cell with ``0 < n < threshold`` is hidden; an implicit cell in that range is
   sensitive and must not be derivable either. **Zero is shown**: a zero says that nobody in
   the group has the property, which is no one's personal data, and hiding every zero would
   hide most of the structure of small tables. The exception: the cells of a sum whose total
   is small are all hidden, zeros too, since beside a total of 1 the zeros would tell which
   cell holds that one person.
2. *Secondary*: as long as a hidden cell (primary, secondary or sensitive implicit) can be
   worked out exactly from the published cells and the sums — decided by linear algebra over
   the whole publication, not by a rule of thumb per table — one more cell is hidden: the
   smallest complementary cell of a sum holding the derivable cell, preferring inner cells to
   totals and non-zero cells to zeros. A dependent figure whose parallel magnitude sum would
   give it away is protected the same way, by hiding the count of another group.

The threshold is one setting, ``MIKROLAAN_SUPPRESSION_THRESHOLD`` (default 3), shared with
the research export.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import pgettext

# The marker people see in place of a hidden figure (tables, xlsx, pdf, charts): the Danish
# statistical convention for "diskretioneret" (Danmarks Statistik).
MARKER = ".."
DEFAULT_THRESHOLD = 3
_PRIME = (1 << 61) - 1  # rank over this field equals rank over Q for our 0/±1 systems


def threshold() -> int:
    """The smallest count shown to roles without case access (``SUPPRESSION_THRESHOLD``)."""
    return max(1, int(getattr(settings, "SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD)))


class Hidden:
    """A figure hidden by suppression, in the tables the page, the xlsx and the pdf show."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __str__(self) -> str:
        return MARKER

    def __repr__(self) -> str:
        return "HIDDEN"

    def __bool__(self) -> bool:
        return True


HIDDEN = Hidden()


def is_hidden(value) -> bool:
    return value is HIDDEN


@dataclass
class Grid:
    values: dict[Hashable, int] = field(default_factory=dict)
    implicit: set = field(default_factory=set)
    margins: set = field(default_factory=set)
    sums: list[tuple[Hashable, tuple]] = field(default_factory=list)
    dependents: dict[Hashable, list] = field(default_factory=dict)
    magnitude_sums: list[tuple[Hashable, tuple]] = field(default_factory=list)

    def cell(self, key, value: int, *, published: bool = True, margin: bool = False) -> None:
        if key in self.values and self.values[key] != value:
            raise ValueError(f"cell {key!r} given two values: {self.values[key]}, {value}")
        self.values[key] = int(value)
        if not published:
            self.implicit.add(key)
        if margin:
            self.margins.add(key)

    def add_sum(self, total, parts: Iterable) -> None:
        parts = tuple(parts)
        for key in (total, *parts):
            if key not in self.values:
                raise KeyError(key)
        if self.values[total] != sum(self.values[p] for p in parts):
            raise ValueError(f"{total!r} is not the sum of {parts!r}")
        self.margins.add(total)
        self.sums.append((total, parts))

    def depend(self, count_key, *figure_keys) -> None:
        self.dependents.setdefault(count_key, []).extend(figure_keys)

    def add_magnitude_sum(self, total, parts: Iterable) -> None:
        """Figures of the groups ``parts`` add up to the figure of ``total`` (keys of counts)."""
        self.magnitude_sums.append((total, tuple(parts)))


def _solved(sums, unknown: set, order: dict) -> set:
    """The unknowns that the sums fix exactly: ``e_j`` lies in the row space of the system
    restricted to the unknowns (reduced row echelon form over a large prime field)."""
    pivots: dict = {}  # column -> reduced row {column: coefficient}
    for total, parts in sums:
        row: dict = {}
        for key, sign in ((total, 1), *((p, -1) for p in parts)):
            if key in unknown:
                row[key] = (row.get(key, 0) + sign) % _PRIME
        row = {k: v for k, v in row.items() if v}
        for col in [c for c in row if c in pivots]:
            factor = row.get(col, 0)
            if factor:
                for k, v in pivots[col].items():
                    row[k] = (row.get(k, 0) - factor * v) % _PRIME
                row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        col = min(row, key=order.__getitem__)
        inverse = pow(row[col], _PRIME - 2, _PRIME)
        row = {k: v * inverse % _PRIME for k, v in row.items()}
        for other, prow in pivots.items():
            factor = prow.get(col, 0)
            if factor:
                for k, v in row.items():
                    prow[k] = (prow.get(k, 0) - factor * v) % _PRIME
                pivots[other] = {k: v for k, v in prow.items() if v}
        pivots[col] = row
    return {col for col, row in pivots.items() if len(row) == 1}


def recoverable(grid: Grid, hidden: set) -> set:
    """Of the hidden and implicit cells, those a reader can compute exactly; with the
    dependent figures whose magnitude sums fix them (given as the key of their count)."""
    order = {k: i for i, k in enumerate(grid.values)}
    unknown = set(hidden) | grid.implicit
    counts = _solved(grid.sums, unknown, order)
    known_empty = {k for k in counts if grid.values[k] == 0}
    unknown_figures = unknown - known_empty
    figures = _solved(grid.magnitude_sums, unknown_figures, order) if grid.magnitude_sums else set()
    return counts | figures


def suppress(grid: Grid, min_count: int) -> set:
    """The published cells to hide so that no hidden cell can be recovered (see the module)."""
    values = grid.values
    order = {k: i for i, k in enumerate(values)}
    sensitive = {k for k, v in values.items() if 0 < v < min_count}
    hidden = sensitive - grid.implicit
    # Zeros are shown, except beside a small total: there they would tell which cell holds
    # the few people (a cohort of one with four bands at 0 gives the fifth band away).
    for total, parts in grid.sums:
        if total in sensitive:
            hidden.update(p for p in parts if p not in grid.implicit)
    all_sums = grid.sums + grid.magnitude_sums
    while True:
        exposed = recoverable(grid, hidden) & (sensitive | hidden)
        if not exposed:
            return hidden
        target = min(exposed, key=order.__getitem__)
        candidates = sorted(
            {
                k
                for total, parts in all_sums
                if target == total or target in parts
                for k in (total, *parts)
                if k not in hidden and k not in grid.implicit and k in values
            },
            key=lambda k: (k in grid.margins, values[k] == 0, values[k], order[k]),
        )
        if not candidates:  # fixed by a chain of sums: widen to every sum with a hidden cell
            unknown = hidden | grid.implicit
            candidates = sorted(
                {
                    k
                    for total, parts in all_sums
                    if unknown & {total, *parts}
                    for k in (total, *parts)
                    if k not in unknown and k in values
                },
                key=lambda k: (k in grid.margins, values[k] == 0, values[k], order[k]),
            )
        if not candidates:
            raise RuntimeError(f"cannot protect {target!r}")  # pragma: no cover - see tests
        chosen = candidates[0]
        for k in candidates:
            if target not in recoverable(grid, hidden | {k}):
                chosen = k
                break
        hidden.add(chosen)


def hidden_figures(grid: Grid, hidden: set) -> set:
    """The hidden counts with their dependent figures."""
    out = set(hidden)
    for key in hidden:
        out.update(grid.dependents.get(key, ()))
    return out


# JSON pointers (RFC 6901) name the hidden figures of a JSON document.
def pointer(*parts) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _tokens(ptr: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in ptr.split("/")[1:]]


def set_at(document, ptr: str, value) -> None:
    *path, last = _tokens(ptr)
    node = document
    for token in path:
        node = node[int(token)] if isinstance(node, list) else node[token]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def get_at(document, ptr: str):
    node = document
    for token in _tokens(ptr):
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def blank(document: dict, pointers: Iterable[str], min_count: int) -> dict:
    """``document`` (not changed) with ``null`` at the pointers and the ``suppression`` key
    that lists them: the marker of docs/INTERCHANGE.md."""
    import copy

    out = copy.deepcopy(document)
    cells = sorted(set(pointers), key=_sort_key)
    for ptr in cells:
        set_at(out, ptr, None)
    out["suppression"] = {"threshold": min_count, "cells": cells}
    return out


def _sort_key(ptr: str):
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in _tokens(ptr)]


def marked(document: dict) -> dict:
    """A suppressed document with :data:`HIDDEN` in place of the hidden figures' nulls (for
    the tables and charts); an unsuppressed one is returned as it is."""
    cells = (document.get("suppression") or {}).get("cells")
    if not cells:
        return document
    import copy

    out = copy.deepcopy(document)
    for ptr in cells:
        set_at(out, ptr, HIDDEN)
    return out


def suppression_note(report: dict) -> str | None:
    """The footnote under a suppressed report, table or chart (None if nothing is hidden)."""
    found = report.get("suppression")
    if not found or not found.get("cells"):
        return None
    return pgettext(
        "suppression",
        "%(marker)s: hidden to protect individuals. Numbers below %(n)d are not shown, and "
        "neither are the numbers, totals and figures they could be worked out from.",
    ) % {"marker": MARKER, "n": found["threshold"]}
