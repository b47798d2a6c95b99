"""The report's progression section against an independent computation, its suppression,
and Table 9 in the page, the xlsx and the pdf."""

import datetime as dt
import io
import random
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from django.urls import reverse

from mikrolaan.cases.models import Case
from mikrolaan.core import suppression
from mikrolaan.courses.models import Participation, ParticipationStatus
from mikrolaan.progression.constants import BASELINE, LATER_POINTS, POINTS, Channel
from mikrolaan.progression.models import Answer, Assessment, Questionnaire
from mikrolaan.reports import pdf
from mikrolaan.reports.services import build_report, report_grid, suppress_report
from mikrolaan.reports.tests.test_suppression import _derivable_exactly
from mikrolaan.reports.xlsx import render_xlsx

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2016, 12, 31)
ANSWERED = dt.date(2016, 6, 1)


def _write(case, point, scores, *, on=ANSWERED, corrects=None):
    questionnaire = Questionnaire.in_force(on)
    assessment = Assessment.objects.create(
        case=case,
        questionnaire=questionnaire,
        point=point,
        answered_on=on,
        channel=Channel.CASEWORKER,
        corrects=corrects,
    )
    statements = {s.code: s for s in questionnaire.statements.all()}
    Answer.objects.bulk_create(
        Answer(assessment=assessment, statement=statements[c], score=v) for c, v in scores.items()
    )
    return assessment


@pytest.fixture
def answered(review_data):
    """Random answers for the review bundle's participants: {case id: {point: {code: score}}}
    as they stand on AS_OF (a corrected assessment replaced, a later one left out)."""
    rng = random.Random(11)
    codes = list(Questionnaire.in_force(ANSWERED).statements.values_list("code", flat=True))
    truth: dict[int, dict[str, dict[str, int]]] = {}
    cases = list(Case.objects.filter(participations__isnull=False).distinct().order_by("pk"))
    for case in cases:
        if rng.random() < 0.15:
            continue  # never answered
        truth[case.pk] = {}
        for point in POINTS:
            if point != BASELINE and rng.random() < 0.35:
                continue
            scores = {c: rng.randint(1, 5) for c in codes if rng.random() < 0.95}
            first = _write(case, point, scores)
            if rng.random() < 0.1:  # corrected: the correction counts
                scores = {c: rng.randint(1, 5) for c in codes}
                _write(case, point, scores, corrects=first)
            truth[case.pk][point] = scores
    # Answered after the report's date: counts nowhere.
    late = next(c for c in cases if c.pk in truth and LATER_POINTS[-1] not in truth[c.pk])
    _write(late, LATER_POINTS[-1], dict.fromkeys(codes, 5), on=AS_OF + dt.timedelta(days=1))
    return truth


def _cohort_codes() -> dict[int, str]:
    """Each case's cohort: its latest participation not moved away from (written plainly)."""
    out = {}
    for p in Participation.objects.select_related("cohort").order_by("pk"):
        if p.status == ParticipationStatus.MOVED:
            continue
        best = out.get(p.case_id)
        if best is None or p.cohort.main_course_start > best.main_course_start:
            out[p.case_id] = p.cohort
    return {case: cohort.code for case, cohort in out.items()}


def _expected_group(people: list[dict]) -> tuple[dict, dict]:
    counts = dict.fromkeys(LATER_POINTS, 0)
    diffs: dict = {}
    for answers in people:
        if BASELINE not in answers:
            continue
        for point in LATER_POINTS:
            if point not in answers:
                continue
            counts[point] += 1
            for code, score in answers[point].items():
                if code in answers[BASELINE]:
                    diffs.setdefault((code, point), []).append(score - answers[BASELINE][code])
    return counts, diffs


def _mean(values):
    if not values:
        return None
    exact = Decimal(sum(values)) / Decimal(len(values))
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_the_progression_table_is_right(answered):
    section = build_report(AS_OF)["progression"]
    cohort_of = _cohort_codes()
    by_cohort: dict[str, list] = {}
    for case_id, answers in answered.items():
        by_cohort.setdefault(cohort_of[case_id], []).append(answers)
    listed = [c["cohort"] for c in section["cohorts"]]
    expected_cohorts = sorted(
        (code for code, people in by_cohort.items() if any(_expected_group(people)[0].values())),
        key=listed.index,
    )
    assert listed == expected_cohorts and listed == sorted(listed, key=lambda c: int(c[1:]))
    assert section["points"] == LATER_POINTS
    assert [i["code"] for i in section["items"]][:2] == ["person_belief", "person_motivation"]
    groups = [(c, by_cohort[c["cohort"]]) for c in section["cohorts"]]
    groups.append((section["total"], [a for people in by_cohort.values() for a in people]))
    checked = 0
    for got, people in groups:
        counts, diffs = _expected_group(people)
        assert got["people"] == counts
        for item in section["items"]:
            for point in LATER_POINTS:
                values = diffs.get((item["code"], point), [])
                cell = got["changes"][item["code"]][point]
                assert cell == {"count": len(values), "mean_change": _mean(values)}
                checked += bool(values)
    assert checked > 50


def test_a_report_without_later_answers_has_no_progression(review_data):
    case = Case.objects.filter(participations__isnull=False).first()
    codes = Questionnaire.in_force(ANSWERED).statements.values_list("code", flat=True)
    _write(case, BASELINE, dict.fromkeys(codes, 3))
    assert "progression" not in build_report(AS_OF)


def test_small_counts_are_hidden_and_cannot_be_worked_out(answered):
    report = build_report(AS_OF)
    hidden_report = suppress_report(report, min_count=3)
    cells = set(hidden_report["suppression"]["cells"])
    section = report["progression"]
    small = []
    for i, c in enumerate(section["cohorts"]):
        for code, by_point in c["changes"].items():
            for point, cell in by_point.items():
                key = suppression.pointer("progression", "cohorts", i, "changes", code, point)
                if 0 < cell["count"] < 3:
                    small.append(key)
                    assert key + "/count" in cells and key + "/mean_change" in cells
                    got = suppression.get_at(hidden_report, key)
                    assert got == {"count": None, "mean_change": None}
    assert small, "the random answers should leave some small cells"
    grid = report_grid(report)
    hidden = {k for k in cells if k in grid.values}
    sensitive = {k for k, v in grid.values.items() if 0 < v < 3}
    assert not _derivable_exactly(grid, hidden) & (hidden | sensitive)
    # A cohort's hidden count cannot be had from the total and the other cohorts either.
    assert any(k.startswith("/progression/total/") for k in cells) or all(
        sum(1 for k in cells if k.endswith(f"/{point}/count") and "/cohorts/" in k) != 1
        for point in LATER_POINTS
    )


def test_table_9_in_the_page_the_xlsx_and_the_pdf(client, project_leader, answered):
    report = build_report(AS_OF)
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    sheet = book["Tabel 9"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    first = report["progression"]["cohorts"][0]
    item = report["progression"]["items"][0]
    cell = first["changes"][item["code"]]["pre_course_end"]
    line = next(r for r in rows if r[0] == first["cohort"] and r[1] == item["text"])
    assert line[3] == cell["count"]
    assert (line[2] is None) == (cell["mean_change"] is None)
    if cell["mean_change"] is not None:
        assert float(line[2]) == cell["mean_change"]
    html = pdf.render_html(report)
    assert 'data-testid="table-9"' in html and "Tabel 9" in html
    client.force_login(project_leader)
    page = client.get(reverse("reports:index") + "?as_of=2016-12-31").content.decode()
    assert 'data-testid="table-9"' in page and item["text"] in page
    # The statements are words: set left, in the page and in the pdf.
    assert f'<td class="text-left">{item["text"]}</td>' in page
    assert f'<td class="text-left">{item["text"]}</td>' in html
