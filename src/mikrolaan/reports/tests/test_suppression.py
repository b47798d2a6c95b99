"""The suppression module: primary and secondary suppression, checked exactly."""

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mikrolaan.core import suppression as sup


def _derivable_exactly(grid: sup.Grid, hidden: set) -> set:
    """Independent check with exact rationals: a hidden cell is derivable iff adding the
    equation "cell = c" for it does not raise the rank of the system in the unknowns, i.e.
    e_cell lies in the row space."""
    unknown = sorted(hidden | grid.implicit, key=list(grid.values).index)
    col = {k: i for i, k in enumerate(unknown)}
    rows = []
    for total, parts in grid.sums:
        row = [Fraction(0)] * len(unknown)
        for key, sign in ((total, 1), *((p, -1) for p in parts)):
            if key in col:
                row[col[key]] += sign
        if any(row):
            rows.append(row)

    def rank(matrix):
        m = [r[:] for r in matrix]
        r = 0
        for c in range(len(unknown)):
            pivot = next((i for i in range(r, len(m)) if m[i][c]), None)
            if pivot is None:
                continue
            m[r], m[pivot] = m[pivot], m[r]
            for i in range(len(m)):
                if i != r and m[i][c]:
                    f = m[i][c] / m[r][c]
                    m[i] = [a - f * b for a, b in zip(m[i], m[r], strict=True)]
            r += 1
        return r

    base = rank(rows)
    found = set()
    for key in unknown:
        unit = [Fraction(0)] * len(unknown)
        unit[col[key]] = Fraction(1)
        if rank([*rows, unit]) == base:
            found.add(key)
    return found


def two_way(table: list[list[int]]) -> sup.Grid:
    """A table with row totals, column totals and a grand total."""
    grid = sup.Grid()
    rows, cols = len(table), len(table[0])
    for r in range(rows):
        for c in range(cols):
            grid.cell((r, c), table[r][c])
    for r in range(rows):
        grid.cell((r, "t"), sum(table[r]), margin=True)
    for c in range(cols):
        grid.cell(("t", c), sum(row[c] for row in table), margin=True)
    grid.cell(("t", "t"), sum(map(sum, table)), margin=True)
    for r in range(rows):
        grid.add_sum((r, "t"), [(r, c) for c in range(cols)])
    for c in range(cols):
        grid.add_sum(("t", c), [(r, c) for r in range(rows)])
    grid.add_sum(("t", "t"), [(r, "t") for r in range(rows)])
    grid.add_sum(("t", "t"), [("t", c) for c in range(cols)])
    return grid


def test_a_single_small_cell_takes_a_partner_in_its_row_and_its_column():
    grid = two_way([[1, 5, 7], [6, 8, 9], [4, 10, 12]])
    hidden = sup.suppress(grid, 3)
    assert (0, 0) in hidden
    assert len(hidden) >= 4  # a rectangle at least
    assert not _derivable_exactly(grid, hidden)
    assert ("t", "t") not in hidden  # inner cells are taken before totals


def test_zero_is_shown_and_large_counts_are_untouched():
    grid = two_way([[0, 5], [6, 8]])
    assert sup.suppress(grid, 3) == set()


def test_a_small_total_is_hidden_with_its_cells():
    grid = two_way([[1, 1], [6, 8]])
    hidden = sup.suppress(grid, 3)
    assert {(0, 0), (0, 1), (0, "t")} <= hidden
    assert not _derivable_exactly(grid, hidden)


def test_the_fast_check_agrees_with_exact_rationals_on_a_bridge():
    # Two rectangles of hidden cells joined by one cell: every row and column has two hidden
    # cells, yet the joining cell is fixed (a rule of "two per line" would miss it).
    table = [[5] * 4 for _ in range(4)]
    grid = two_way(table)
    hidden = {(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 2), (3, 3)}
    exact = _derivable_exactly(grid, hidden)
    assert sup.recoverable(grid, hidden) == exact


def test_cells_shared_by_two_tables_are_protected_across_them():
    # Borrowers per cohort and by gender share the total: hiding one gender cell and the
    # total would be undone by the cohort table.
    grid = sup.Grid()
    grid.cell("total", 12, margin=True)
    for key, n in (("M1", 4), ("M2", 8), ("F", 1), ("M", 11)):
        grid.cell(key, n)
    grid.add_sum("total", ["M1", "M2"])
    grid.add_sum("total", ["F", "M"])
    hidden = sup.suppress(grid, 3)
    assert {"F", "M"} <= hidden
    assert not _derivable_exactly(grid, hidden) & {"F", "M"}


def test_an_implicit_small_cell_is_protected():
    # 5 borrowers, 4 self-supporting: the one who is not is implicit, and small.
    grid = sup.Grid()
    grid.cell("n", 5)
    grid.cell("self", 4)
    grid.cell("not", 1, published=False)
    grid.add_sum("n", ["self", "not"])
    hidden = sup.suppress(grid, 3)
    assert hidden & {"n", "self"}
    assert "not" not in sup.recoverable(grid, hidden)


def test_dependent_figures_are_protected_by_their_magnitude_sum():
    # Days of the self-supporting per cohort add up to the total days.
    grid = sup.Grid()
    grid.cell("S", 10, margin=True)
    grid.cell("A", 1)
    grid.cell("B", 4)
    grid.cell("C", 5)
    grid.add_sum("S", ["A", "B", "C"])
    grid.add_magnitude_sum("S", ["A", "B", "C"])
    grid.depend("A", "days A")
    hidden = sup.suppress(grid, 3)
    assert "A" in hidden and len(hidden) >= 2
    assert "days A" in sup.hidden_figures(grid, hidden)
    assert not sup.recoverable(grid, hidden) & hidden


tables = st.integers(2, 4).flatmap(
    lambda rows: st.integers(2, 4).flatmap(
        lambda cols: st.lists(
            st.lists(st.sampled_from([0, 1, 1, 2, 3, 4, 7, 12]), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, st.integers(2, 5))
def test_no_hidden_cell_is_recoverable_from_the_published_cells_and_margins(table, min_count):
    grid = two_way(table)
    hidden = sup.suppress(grid, min_count)
    small = {k for k, v in grid.values.items() if 0 < v < min_count}
    assert small <= hidden
    assert not _derivable_exactly(grid, hidden) & hidden
    # The engine's fast check says the same as the exact one.
    assert sup.recoverable(grid, hidden) == _derivable_exactly(grid, hidden)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 9), min_size=2, max_size=5),
    st.lists(st.integers(0, 9), min_size=2, max_size=5),
)
def test_two_breakdowns_of_one_total_leak_nothing(first, second):
    total = sum(first)
    if sum(second) != total:
        second = [*second[:-1], 0]
        rest = total - sum(second)
        if rest < 0:
            return
        second[-1] = rest
    grid = sup.Grid()
    grid.cell("total", total, margin=True)
    for i, n in enumerate(first):
        grid.cell(("a", i), n)
    for i, n in enumerate(second):
        grid.cell(("b", i), n)
    grid.add_sum("total", [("a", i) for i in range(len(first))])
    grid.add_sum("total", [("b", i) for i in range(len(second))])
    hidden = sup.suppress(grid, 3)
    assert {k for k, v in grid.values.items() if 0 < v < 3} <= hidden
    assert not _derivable_exactly(grid, hidden) & hidden


def test_json_pointers_escape_and_blank_leaves_the_original_alone():
    doc = {"a/b": {"x~y": [1, 2]}, "n": 4}
    ptr = sup.pointer("a/b", "x~y", 1)
    assert ptr == "/a~1b/x~0y/1"
    out = sup.blank(doc, [ptr], 3)
    assert out["a/b"]["x~y"] == [1, None]
    assert doc["a/b"]["x~y"] == [1, 2]
    assert out["suppression"] == {"threshold": 3, "cells": [ptr]}
    assert sup.marked(out)["a/b"]["x~y"][1] is sup.HIDDEN
    assert sup.marked(doc) is doc


def test_the_threshold_is_a_setting(settings):
    settings.SUPPRESSION_THRESHOLD = 5
    assert sup.threshold() == 5


def test_a_sum_that_does_not_add_up_is_refused():
    grid = sup.Grid()
    grid.cell("x", 3)
    grid.cell("y", 2)
    with pytest.raises(ValueError, match="not the sum"):
        grid.add_sum("x", ["y"])
    with pytest.raises(KeyError):
        grid.add_sum("x", ["z"])


def _synthetic_report(draw) -> dict:
    """A report object as the contract describes it, with small random counts."""
    from mikrolaan.reports.services import AGE_BANDS, REPAYMENT_BANDS, SIZE_BANDS

    small = st.integers(0, 5)
    cohorts = []
    for i in range(draw(st.integers(1, 3))):
        bands = {b: draw(small) for b in REPAYMENT_BANDS}
        n = sum(bands.values())
        s = draw(st.integers(0, n))
        cohorts.append(
            {
                "cohort": f"M{i}",
                "main_course_start": f"201{i}-01-01",
                "main_course_end": f"201{i}-06-30",
                "borrowers": n,
                "self_supporting": s,
                "self_supporting_days": 10 * s,
                "self_supporting_days_mean": 10 if s else None,
                "open_loans": n - bands["100"],
                "original_debt": "1.00",
                "current_debt": "1.00",
                "repaid_pct": 0,
                "repayment_bands": bands,
            }
        )
    no_cohort = draw(st.integers(0, 2))
    no_cohort_repaid = draw(st.integers(0, no_cohort))
    no_cohort_self = draw(st.integers(0, no_cohort))
    total = sum(c["borrowers"] for c in cohorts) + no_cohort
    repaid = sum(c["repayment_bands"]["100"] for c in cohorts) + no_cohort_repaid
    open_loans = total - repaid

    def split(n, keys):
        out = dict.fromkeys(keys, 0)
        for _ in range(n):
            out[draw(st.sampled_from(keys))] += 1
        return out

    gender = split(total, ["F", "M", "unknown"])
    ages = split(total, [*AGE_BANDS, "unknown"])
    sizes = split(open_loans, list(SIZE_BANDS))
    self_supporting = sum(c["self_supporting"] for c in cohorts) + no_cohort_self
    return {
        "as_of": "2016-12-31",
        "borrowers": total,
        "cohorts": cohorts,
        "gender": gender,
        "age": {
            "bands": {b: ages[b] for b in AGE_BANDS},
            "unknown": ages["unknown"],
            "min": 30 if total else None,
            "max": 60 if total else None,
            "mean": 45.0 if total else None,
        },
        "benefit_before": split(total, ["Kontanthjælp", "unknown"]),
        "open_loan_sizes": {
            "bands": sizes,
            "count": open_loans,
            "min": None,
            "max": None,
            "mean": None,
        },
        "totals": {
            "original_debt": "1.00",
            "current_debt": "1.00",
            "repaid_pct": 0,
            "self_supporting": self_supporting,
            "self_supporting_days": 10 * self_supporting,
            "self_supporting_days_mean": 10 if self_supporting else None,
            "fully_repaid": repaid,
            "transferred_to_collection": draw(st.integers(0, open_loans)),
        },
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_small_count_is_published_or_recoverable_in_any_report(data):
    from mikrolaan.reports.services import report_grid, suppress_report

    report = _synthetic_report(data.draw)
    published = suppress_report(report, 3)
    grid = report_grid(report)
    hidden = sup.suppress(grid, 3)
    sensitive = {k for k, v in grid.values.items() if 0 < v < 3}
    # No small count is shown, and none (shown as hidden or left implicit) can be worked out
    # from the published cells, the totals and the other tables of the report.
    for key in grid.values:
        if key.startswith("/") and 0 < grid.values[key] < 3:
            assert sup.get_at(published, key) is None, key
    assert not sup.recoverable(grid, hidden) & (hidden | sensitive)
    # The days of a hidden group are hidden with it.
    for c in published["cohorts"]:
        if c["self_supporting"] is None:
            assert c["self_supporting_days"] is None
        assert (c["open_loans"] is None) == (c["original_debt"] is None)
    assert set(published["suppression"]["cells"]) >= hidden
    for ptr in published["suppression"]["cells"]:
        assert sup.get_at(published, ptr) is None
