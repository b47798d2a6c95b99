"""Self-supporting days come from one rule: a day two spells cover counts once, everywhere."""

import datetime as dt
from types import SimpleNamespace

from mikrolaan.outcomes import rules
from mikrolaan.reports.services import covered_days

D = dt.date


def spell(start, end):
    return SimpleNamespace(start=start, end=end, status="self_supporting_business")


def test_overlapping_spells_count_each_day_once():
    spells = [spell(D(2026, 1, 1), D(2026, 1, 31)), spell(D(2026, 1, 20), D(2026, 2, 10))]
    first, last = D(2026, 1, 10), D(2026, 2, 5)
    assert rules.covered_pieces(spells, first, last) == [
        (D(2026, 1, 10), D(2026, 1, 31)),
        (D(2026, 2, 1), D(2026, 2, 5)),
    ]
    assert rules.days_covered(spells, first, last) == 27
    pairs = [(s.start, s.end) for s in spells]
    assert covered_days(pairs, first, last) == 27  # the review's tables: the same figure


def test_an_open_spell_runs_to_the_last_day():
    assert rules.days_covered([spell(D(2026, 1, 1), None)], D(2026, 1, 1), D(2026, 1, 10)) == 10
