"""The report's ``progression`` section: per cohort, the mean change of each self-assessment
item from referral to each later measuring point, with counts (docs/INTERCHANGE.md, "The
report's progression section").

Definitions, for the as-of date ``D``:

- a person counts in the cohort of their case's current participation (not a cohort they moved
  away from); cases registered in error count nowhere; ``--cohorts`` restricts as elsewhere;
- the assessments are the effective ones (a corrected assessment counts as its correction)
  answered on or before ``D``;
- ``people[point]``: the people with an assessment at referral and at ``point``;
- ``changes[item][point].count``: the people with a score for ``item`` at referral and at
  ``point`` (an item a questionnaire version did not ask is not counted);
  ``mean_change``: the mean of (score at ``point`` − score at referral) over them, a JSON
  number rounded half up to one decimal, ``null`` when the count is 0;
- ``total``: the same over the people of all the listed cohorts.

The section is there only when someone counts at a later point; a report without such
assessments is exactly what it was before (the contract's report).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from mikrolaan.courses.models import Cohort, Participation, ParticipationStatus
from mikrolaan.progression.constants import BASELINE, LATER_POINTS
from mikrolaan.progression.models import (
    Answer,
    Assessment,
    Questionnaire,
    QuestionnaireNotInForce,
    Statement,
)


def _cohort_of_cases(cohorts: list[str] | None) -> dict[int, int]:
    """{case id: cohort id} from each case's latest participation it did not move away from."""
    rows = (
        Participation.objects.exclude(status=ParticipationStatus.MOVED)
        .exclude(case__stage="registered_in_error")  # counts nowhere (cases.Stage)
        .order_by("cohort__main_course_start", "cohort__code")
        .values_list("case_id", "cohort_id", "cohort__code")
    )
    latest: dict[int, tuple[int, str]] = {}
    for case_id, cohort_id, code in rows:
        latest[case_id] = (cohort_id, code)
    return {
        case: cohort for case, (cohort, code) in latest.items() if not cohorts or code in cohorts
    }


def _items(codes: set[str], as_of: dt.date) -> list[dict]:
    """The items seen, in the order (and wording) of the questionnaire in force on ``as_of``;
    items it does not ask follow in the wording of the newest version that asked them."""
    try:
        current = Questionnaire.in_force(as_of)
        order = {s.code: s for s in current.statements.all()}
    except QuestionnaireNotInForce:
        order = {}
    rest = {}
    for s in Statement.objects.filter(code__in=codes - set(order)).order_by(
        "-questionnaire__valid_from"
    ):
        rest.setdefault(s.code, s)
    ordered = sorted((s for c, s in order.items() if c in codes), key=lambda s: s.position)
    ordered += sorted(rest.values(), key=lambda s: s.code)
    return [{"code": s.code, "area": s.area, "text": s.text} for s in ordered]


def _mean(total: int, count: int) -> float | None:
    if not count:
        return None
    return float((Decimal(total) / count).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _group(scores: dict, items: list[dict]) -> dict:
    """``scores``: {case: {point: {item: score}}} of one group → its people and changes."""
    people = dict.fromkeys(LATER_POINTS, 0)
    sums = {i["code"]: {p: [0, 0] for p in LATER_POINTS} for i in items}
    for by_point in scores.values():
        start = by_point.get(BASELINE)
        if start is None:
            continue
        for point in LATER_POINTS:
            later = by_point.get(point)
            if later is None:
                continue
            people[point] += 1
            for code, score in later.items():
                if code in start:
                    cell = sums[code][point]
                    cell[0] += score - start[code]
                    cell[1] += 1
    return {
        "people": people,
        "changes": {
            code: {p: {"count": n, "mean_change": _mean(t, n)} for p, (t, n) in by_point.items()}
            for code, by_point in sums.items()
        },
    }


def progression_section(as_of: dt.date, cohorts: list[str] | None = None) -> dict | None:
    """The section, or None when nobody has answered at referral and at a later point."""
    later = Assessment.objects.filter(answered_on__lte=as_of, point__in=LATER_POINTS)
    if not later.exists():
        return None  # one query: the report without the section costs nothing more
    cohort_of = _cohort_of_cases(cohorts)
    # No list of case ids in the query: the portfolio may be 100,000 cases (SQLite's limit on
    # parameters); the answers are read once and matched to the cases here.
    answers = Answer.objects.filter(
        assessment__corrected_by__isnull=True, assessment__answered_on__lte=as_of
    ).values_list("assessment__case_id", "assessment__point", "statement__code", "score")
    scores: dict[int, dict[int, dict[str, dict[str, int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(dict))
    )
    codes: set[str] = set()
    for case_id, point, code, score in answers:
        if case_id not in cohort_of:
            continue  # no cohort, another cohort than asked for, or registered in error
        scores[cohort_of[case_id]][case_id][point][code] = score
        codes.add(code)
    counted = {
        cohort_id: people
        for cohort_id, people in scores.items()
        if any(BASELINE in p and len(p) > 1 for p in people.values())
    }
    if not counted:
        return None
    items = _items(codes, as_of)
    listed = Cohort.objects.filter(pk__in=counted).order_by("main_course_start", "code")
    everyone = {case: p for people in counted.values() for case, p in people.items()}
    return {
        "points": list(LATER_POINTS),
        "items": items,
        "cohorts": [{"cohort": c.code, **_group(counted[c.pk], items)} for c in listed],
        "total": _group(everyone, items),
    }


def progression_grid(report: dict, grid) -> None:
    """The section's counts in the report's suppression grid: each cohort's people and
    counts add up to the total's; a mean change is hidden with its count, and the means'
    parallel sums are protected like the counts."""
    from mikrolaan.core.suppression import pointer

    section = report.get("progression")
    if not section:
        return
    codes = [i["code"] for i in section["items"]]
    for point in section["points"]:
        total = pointer("progression", "total", "people", point)
        grid.cell(total, section["total"]["people"][point], margin=True)
        parts = []
        for i, c in enumerate(section["cohorts"]):
            key = pointer("progression", "cohorts", i, "people", point)
            grid.cell(key, c["people"][point])
            parts.append(key)
        grid.add_sum(total, parts)
        for code in codes:
            base = ("changes", code, point)
            total = pointer("progression", "total", *base, "count")
            grid.cell(total, section["total"]["changes"][code][point]["count"], margin=True)
            grid.depend(total, pointer("progression", "total", *base, "mean_change"))
            parts = []
            for i, c in enumerate(section["cohorts"]):
                key = pointer("progression", "cohorts", i, *base, "count")
                grid.cell(key, c["changes"][code][point]["count"])
                grid.depend(key, pointer("progression", "cohorts", i, *base, "mean_change"))
                parts.append(key)
            grid.add_sum(total, parts)
            grid.add_magnitude_sum(total, parts)
