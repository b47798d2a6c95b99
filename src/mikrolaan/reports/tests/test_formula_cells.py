"""The report's xlsx writes every text as text: a cohort code or a label that looks like a
formula (data from before the input rule, or typed in the admin) never becomes a live one."""

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from mikrolaan.courses.models import Cohort
from mikrolaan.people.models import SupportCategory
from mikrolaan.reports.services import build_report
from mikrolaan.reports.xlsx import render_xlsx

pytestmark = pytest.mark.django_db

CODE = '=HYPERLINK("//e.vl")'  # 20 characters, the column's length
LABEL = "=cmd|' /C calc'!A0"


@pytest.fixture
def poisoned(review_data):
    Cohort.objects.filter(code="M3").update(code=CODE)
    SupportCategory.objects.filter(label="Førtidspension").update(label=LABEL)


def _formulas(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and re.search(rb"<f[ >]", archive.read(name))
        ]


def test_the_workbook_holds_no_formula_and_shows_the_text(poisoned):
    data = render_xlsx(build_report(dt.date(2016, 12, 31)))
    assert _formulas(data) == []
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = {
        cell.value: cell.data_type
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }
    assert texts[CODE] == "s"
    assert texts[LABEL] == "s"
    assert "M3" not in texts  # the cohort row carries the poisoned code itself


def test_the_download_holds_no_formula(client, evaluator, poisoned):
    client.force_login(evaluator)
    response = client.get(reverse("reports:download", args=["xlsx"]) + "?as_of=2016-12-31")
    assert response.status_code == 200
    assert _formulas(response.content) == []
