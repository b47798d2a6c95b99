"""Small numbers stay hidden for roles without case access; the exact report stays exact.

On 30/11/2015 cohort M6 of the review bundle has one borrower (the other eight are paid out
in December): the evaluator must not see a figure for that one person, anywhere.
"""

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from mikrolaan.core import suppression
from mikrolaan.reports import services
from mikrolaan.reports.services import build_report, report_grid, suppress_report
from mikrolaan.reports.tests.test_suppression import _derivable_exactly

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent / "fixtures" / "cli_2016-12-31"
DAY = "2015-11-30"
QUERY = f"?as_of={DAY}&cohorts=M3&cohorts=M4&cohorts=M5&cohorts=M6"
M6 = 3  # index of M6 in the report's cohorts


def _cohort_m6(report):
    assert report["cohorts"][M6]["cohort"] == "M6"
    return report["cohorts"][M6]


def test_the_exact_report_has_a_cohort_of_one(review_data):
    import datetime as dt

    exact = build_report(dt.date.fromisoformat(DAY), ["M3", "M4", "M5", "M6"])
    assert _cohort_m6(exact)["borrowers"] == 1
    assert "suppression" not in exact


def test_the_evaluators_json_shows_no_figure_for_the_cohort_of_one(client, evaluator, review_data):
    client.force_login(evaluator)
    report = json.loads(client.get(reverse("reports:download", args=["json"]) + QUERY).content)
    m6 = _cohort_m6(report)
    person = [
        "borrowers",
        "self_supporting",
        "self_supporting_days",
        "self_supporting_days_mean",
        "open_loans",
        "original_debt",
        "current_debt",
        "repaid_pct",
    ]
    assert {k: m6[k] for k in person} == dict.fromkeys(person, None)
    # Every band of the cohort is hidden, zeros too: beside a total of one, a zero would tell
    # which band holds the person.
    assert set(m6["repayment_bands"].values()) == {None}
    cells = report["suppression"]["cells"]
    assert report["suppression"]["threshold"] == 3
    assert "/cohorts/3/borrowers" in cells and "/cohorts/3/repayment_bands/100" in cells
    for ptr in cells:
        assert suppression.get_at(report, ptr) is None
    # Nothing hidden is there but null, and what is not listed is exact.
    import datetime as dt

    exact = build_report(dt.date.fromisoformat(DAY), ["M3", "M4", "M5", "M6"])
    for ptr in cells:
        suppression.set_at(report, ptr, suppression.get_at(exact, ptr))
    del report["suppression"]
    assert report == exact


def test_no_hidden_cell_of_the_evaluators_report_can_be_recovered(review_data):
    import datetime as dt

    for day, cohorts in ((DAY, ["M3", "M4", "M5", "M6"]), ("2016-12-31", None)):
        exact = build_report(dt.date.fromisoformat(day), cohorts)
        grid = report_grid(exact)
        hidden = suppression.suppress(grid, 3)
        small = {k for k, v in grid.values.items() if 0 < v < 3 and not k.startswith("~")}
        assert small <= hidden
        # From the totals, and from the other tables sharing a breakdown (one system).
        sensitive = {k for k, v in grid.values.items() if 0 < v < 3}
        assert not _derivable_exactly(grid, hidden) & (hidden | sensitive)
        assert not suppression.recoverable(grid, hidden) & (hidden | sensitive)
        published = suppress_report(exact, 3)
        assert set(published["suppression"]["cells"]) >= hidden


def test_the_evaluators_page_xlsx_and_pdf_show_the_marker(
    client, evaluator, monkeypatch, review_data
):
    client.force_login(evaluator)
    html = client.get(reverse("reports:index") + QUERY).content.decode()
    table_1 = re.search(r'data-testid="table-1".*?</table>', html, re.S).group(0)
    m6_row = re.search(r"<tr><td>M6</td>.*?</tr>", table_1, re.S).group(0)
    assert m6_row.endswith("<td>..</td></tr>")
    assert 'data-testid="suppression-note"' in html
    assert "skjult for at beskytte enkeltpersoner" in html

    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("reports:download", args=["xlsx"]) + QUERY).content)
    )
    rows = [[c.value for c in row] for row in book["Tabel 1"].iter_rows()]
    assert ["M6", "16/11 2015 – 15/05 2016", ".."] in rows
    assert any(r[0] and "skjult for at beskytte" in str(r[0]) for r in rows)
    table_8 = [[c.value for c in row] for row in book["Tabel 8"].iter_rows()]
    assert all(row[4] == ".." for row in table_8[3:9])  # M6's column, bands and total

    # The PDF is printed from this HTML (WeasyPrint); read it instead of the compressed PDF.
    from mikrolaan.reports import pdf

    monkeypatch.setattr(pdf, "render_pdf", lambda report: pdf.render_html(report).encode())
    text = client.get(reverse("reports:download", args=["pdf"]) + QUERY).content.decode()
    assert 'data-testid="suppression-note"' in text
    table_5 = re.search(r'data-testid="table-5".*?</table>', text, re.S).group(0)
    m6_row = re.search(r"<tr><td>M6</td>.*?</tr>", table_5, re.S).group(0)
    assert re.findall(r"<td>(.*?)</td>", m6_row) == ["M6", "..", "..", "..", ".."]


def test_a_project_leader_sees_the_exact_figures(client, project_leader, review_data):
    import datetime as dt

    client.force_login(project_leader)
    report = json.loads(client.get(reverse("reports:download", args=["json"]) + QUERY).content)
    assert report == build_report(dt.date.fromisoformat(DAY), ["M3", "M4", "M5", "M6"])
    html = client.get(reverse("reports:index") + QUERY).content.decode()
    assert "suppression-note" not in html


@pytest.mark.parametrize("role", ["manager", "evaluator"])
def test_aggregate_roles_get_the_suppressed_report(role, request, review_data):
    import datetime as dt

    user = request.getfixturevalue(role)
    report = services.report_for(user, dt.date.fromisoformat(DAY), ["M3", "M4", "M5", "M6"])
    assert _cohort_m6(report)["borrowers"] is None


def _cli(*args) -> str:
    out = io.StringIO()
    call_command("report", "--as-of", "2016-12-31", *args, stdout=out)
    return out.getvalue()


def test_the_command_line_report_is_the_contract_output_byte_for_byte(review_data, tmp_path):
    assert _cli("--cohorts", "M3,M4,M5,M6") == (GOLDEN / "report_m3-m6.json").read_text()
    assert _cli() == (GOLDEN / "report_all.json").read_text()
    # The xlsx, cell by cell.
    call_command(
        "report", "--as-of", "2016-12-31", "--cohorts", "M3,M4,M5,M6", "--format", "xlsx",
        "-o", str(tmp_path / "r.xlsx"),
    )  # fmt: skip
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    cells = {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book}
    assert cells == json.loads((GOLDEN / "report_m3-m6.xlsx.json").read_text())


def test_the_command_line_suppresses_on_request(review_data):
    out = io.StringIO()
    call_command(
        "report", "--as-of", DAY, "--cohorts", "M3,M4,M5,M6", "--suppress", stdout=out
    )  # fmt: skip
    report = json.loads(out.getvalue())
    assert _cohort_m6(report)["borrowers"] is None
    assert "/cohorts/3/borrowers" in report["suppression"]["cells"]
