"""The funnel and the economic gain: small numbers hidden for roles without case access, exact
for case roles and on the command line (the review bundle; on 30/11/2015 cohort M6 has one
borrower and every cohort one participant who did not borrow)."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from mikrolaan.core import suppression
from mikrolaan.interchange.services import import_bundle
from mikrolaan.interchange.tests.review_bundle import FIXTURE
from mikrolaan.outcomes.economics import (
    as_json,
    compute_economics,
    economics_grid,
    suppress_economics,
)
from mikrolaan.outcomes.funnel import compute_funnel, funnel_grid, suppress_funnel
from mikrolaan.reports.tests.test_suppression import _derivable_exactly

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parents[2] / "reports" / "tests" / "fixtures" / "cli_2016-12-31"
DAY = dt.date(2015, 11, 30)


@pytest.fixture
def review(db):
    import_bundle(FIXTURE)


def _cli(name, *args) -> str:
    out = io.StringIO()
    call_command(name, "--as-of", "2016-12-31", *args, stdout=out)
    return out.getvalue()


def test_the_command_line_funnel_and_economics_stay_exact(review):
    assert _cli("funnel") == (GOLDEN / "funnel.json").read_text()
    economics = json.loads(_cli("economics"))
    golden = json.loads((GOLDEN / "economics.json").read_text())
    # The statements of the assumptions are in the active language; the figures are exact.
    del economics["assumptions"], golden["assumptions"]
    assert economics == golden
    suppressed = json.loads(_cli("funnel", "--suppress"))
    assert suppressed["suppression"]["threshold"] == 3
    assert json.loads(_cli("economics", "--suppress"))["suppression"]["cells"]


def _published_small(document) -> list:
    """Counts of 1 or 2 anywhere in a published document (money is a string, so not here)."""
    found = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{path}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}/{i}")
        elif isinstance(node, int) and not isinstance(node, bool) and 0 < node < 3:
            found.append(path)

    walk(document, "")
    return found


def test_the_suppressed_funnel_hides_small_counts_and_leaks_none(review):
    for day in (DAY, dt.date(2016, 12, 31)):
        exact = compute_funnel(day)
        published = suppress_funnel(exact, 3)
        assert _published_small(published) == []
        full = json.loads(json.dumps(exact))
        grid = funnel_grid(suppress_funnel.__globals__["_with_every_code"](full))
        hidden = suppression.suppress(grid, 3)
        sensitive = {k for k, v in grid.values.items() if 0 < v < 3}
        # The engine's check (the same as exact rationals: reports/tests/test_suppression.py).
        assert not suppression.recoverable(grid, hidden) & (hidden | sensitive)
        assert set(published["suppression"]["cells"]) >= hidden
        # Everything not hidden is the exact figure.
        for row, exact_row in zip(published["cohorts"], exact["cohorts"], strict=True):
            for step in ("referred", "admitted"):
                assert row[step] in (None, exact_row[step])


def test_the_suppressed_economics_hides_the_figures_of_small_groups(review):
    exact = as_json(compute_economics(DAY))
    published = suppress_economics(exact, 3)
    assert _published_small(published) == []
    m6 = next(i for i, c in enumerate(exact["cohorts"]) if c["cohort"] == "M6")
    assert exact["cohorts"][m6]["borrowers"] == 1
    row = published["cohorts"][m6]
    for key in ("borrowers", "self_supporting_days", "public_support_saved", "net_gain"):
        assert row[key] is None
    grid = economics_grid(exact)
    hidden = suppression.suppress(grid, 3)
    assert not suppression.recoverable(grid, hidden) & hidden
    assert not _derivable_exactly(grid, hidden) & hidden


def test_pages_hide_for_the_evaluator_and_not_for_the_project_leader(
    client, evaluator, project_leader, review
):
    client.force_login(evaluator)
    funnel = client.get(reverse("outcomes:funnel"), {"as_of": DAY.isoformat()}).text
    economics = client.get(reverse("outcomes:economics"), {"as_of": DAY.isoformat()}).text
    for page in (funnel, economics):
        assert 'data-testid="suppression-note"' in page
        assert "skjult for at beskytte enkeltpersoner" in page
    assert '<td class="text-align-right">..</td>' in funnel
    assert '<td class="text-align-right">..</td>' in economics
    assert "&quot;suppression&quot;: {" in economics  # the JSON on the page is suppressed

    client.force_login(project_leader)
    funnel = client.get(reverse("outcomes:funnel"), {"as_of": DAY.isoformat()}).text
    economics = client.get(reverse("outcomes:economics"), {"as_of": DAY.isoformat()}).text
    for page in (funnel, economics):
        assert "suppression-note" not in page
    assert "&quot;suppression&quot;" not in economics
