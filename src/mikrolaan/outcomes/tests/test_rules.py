import datetime as dt
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from mikrolaan.outcomes import rules

D = dt.date


@dataclass
class S:
    start: dt.date
    end: dt.date | None
    status: str = "self_supporting_business"


def test_adjacent_spells_do_not_overlap():
    assert rules.find_overlaps([S(D(2020, 1, 1), D(2020, 1, 31)), S(D(2020, 2, 1), None)]) == []


def test_one_shared_day_is_an_overlap_reported_on_the_later_spell():
    early, late = S(D(2020, 1, 1), D(2020, 2, 1)), S(D(2020, 2, 1), D(2020, 3, 1))
    assert rules.find_overlaps([late, early]) == [(early, late)]


def test_an_open_ended_spell_overlaps_everything_after_its_start():
    running = S(D(2020, 1, 1), None)
    later = S(D(2031, 5, 1), D(2031, 5, 2))
    before = S(D(2019, 1, 1), D(2019, 12, 31))
    assert rules.find_overlaps([running, later, before]) == [(running, later)]


def test_two_open_ended_spells_overlap():
    a, b = S(D(2020, 1, 1), None), S(D(2021, 1, 1), None)
    assert rules.find_overlaps([a, b]) == [(a, b)]


def test_days_covered_counts_both_ends_and_clips():
    spells = [S(D(2020, 1, 1), D(2020, 1, 10)), S(D(2020, 1, 20), None)]
    assert rules.days_covered(spells, D(2020, 1, 5), D(2020, 1, 25)) == 6 + 6
    assert rules.days_covered(spells, D(2020, 1, 11), D(2020, 1, 19)) == 0
    assert rules.days_covered([], D(2020, 1, 1), D(2020, 12, 31)) == 0


def test_self_supporting_days_leave_public_support_out():
    spells = [
        S(D(2020, 1, 1), D(2020, 1, 10), "self_supporting_job"),
        S(D(2020, 1, 11), D(2020, 1, 20), "public_support"),
        S(D(2020, 1, 21), None, "self_supporting_education"),
    ]
    assert rules.self_supporting_days(spells, D(2020, 1, 1), D(2020, 1, 31)) == 10 + 11


def test_split_by_validity_cuts_at_each_change():
    pieces = rules.split_by_validity(D(2019, 12, 30), D(2020, 1, 2), [D(2020, 1, 1), D(2013, 1, 1)])
    assert pieces == [
        (D(2019, 12, 30), D(2019, 12, 31), D(2013, 1, 1)),
        (D(2020, 1, 1), D(2020, 1, 2), D(2020, 1, 1)),
    ]
    assert rules.split_by_validity(D(2010, 1, 1), D(2010, 1, 5), [D(2013, 1, 1)]) == [
        (D(2010, 1, 1), D(2010, 1, 5), None)
    ]


day = st.integers(min_value=0, max_value=60)
spell = st.tuples(day, st.one_of(st.none(), st.integers(min_value=0, max_value=20)))


@given(st.lists(spell, max_size=6))
def test_find_overlaps_agrees_with_comparing_days(raw):
    base = D(2020, 1, 1)
    horizon = 200
    spells = [
        S(base + dt.timedelta(s), None if n is None else base + dt.timedelta(s + n)) for s, n in raw
    ]

    def days(sp):
        last = horizon if sp.end is None else (sp.end - base).days
        return set(range((sp.start - base).days, last + 1))

    expected = sum(1 for i, a in enumerate(spells) for b in spells[i + 1 :] if days(a) & days(b))
    found = rules.find_overlaps(spells)
    assert len(found) == expected
    for pair in found:
        assert pair.earlier.start <= pair.later.start
