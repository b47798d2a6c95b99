"""The typesetter sets a letter in the base layout with its text intact, and hands anything
else to WeasyPrint."""

import datetime as dt
import io
from types import SimpleNamespace as NS

import pytest
from django.template import engines
from django.utils import translation
from pypdf import PdfReader

from mikrolaan.letters import pdf
from mikrolaan.letters.typeset import Unsupported, typeset

LETTER = """{% extends "loans/letters/base.html" %}{% block body %}
<h1>Rykker 2</h1>
<p>Den ældste ubetalte ydelse forfaldt den {{ due|date:"j. F Y" }}.</p>
<table class="facts">
  <tr><td>Restance</td><td class="money">{{ arrears }}</td></tr>
  <tr><th>Du skal betale</th><th class="money">{{ arrears }}</th></tr>
</table>
<h2>Sådan betaler du</h2>
<p>Indtast betalings-id <strong>{{ ref }}</strong> &amp; betal.</p>
<p class="small">Gebyr: 100,00 kr.</p>
{% endblock %}"""


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def letter_html():
    template = engines["django"].from_string(LETTER)
    citizen = NS(
        full_name="Åse Ærø Øster", address="Søndergade 1, 8000 Aarhus C",
        cpr_display="010190-1234", digital_post_exempt=True,
    )  # fmt: skip
    context = {
        "citizen": citizen,
        "loan": NS(loan_ref="ML-2013-0001"),
        "municipality": "Aarhus Kommune",
        "department": "Jobcenter Aarhus",
        "due": dt.date(2013, 5, 1),
        "arrears": "1.234,50 kr.",
        "ref": "+71<123456789012345",
    }
    with translation.override("da"):
        return template.render(context)


def test_the_typeset_letter_holds_the_letters_text(letter_html):
    data = typeset(letter_html, title="Rykker 2")
    assert "ReportLab" in PdfReader(io.BytesIO(data)).metadata.producer
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert reader.metadata.title == "Rykker 2"
    text = _text(data)
    for expected in (
        "Aarhus Kommune",
        "Åse Ærø Øster",
        "Søndergade 1, 8000 Aarhus C",
        "CPR-nr.: 010190-1234",
        "Fysisk brev – fritaget for Digital Post",
        "Rykker 2",
        "forfaldt den 1. maj 2013",
        "1.234,50 kr.",
        "+71<123456789012345 & betal",
        "Gebyr: 100,00 kr.",
        "Side 1 af 1",
    ):
        assert expected in text, expected
    # every font is embedded (no reference to a printer's Helvetica)
    fonts = {
        font["/BaseFont"] for page in reader.pages for font in page["/Resources"]["/Font"].values()
    }
    assert all("+" in name for name in fonts), fonts


def test_a_long_letter_numbers_its_pages(letter_html):
    body = "<p>" + "Et langt afsnit med mange ord. " * 40 + "</p>"
    data = typeset(letter_html.replace("<h2>", body * 8 + "<h2>"))
    text = _text(data)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert pages >= 2
    assert f"Side 1 af {pages}" in text and f"Side {pages} af {pages}" in text


@pytest.mark.parametrize(
    "html",
    [
        "<html><body><p>Se <a href='x'>her</a></p></body></html>",  # an unknown element
        "<html><body><ul><li>punkt</li></ul></body></html>",
        "<html><body><p>Navn: 王小明</p></body></html>",  # characters outside the fonts
        "<html><body><table><tr><td>1</td><td>2</td><td>3</td></tr></table></body></html>",
    ],
)
def test_html_outside_the_base_layout_is_refused(html):
    with pytest.raises(Unsupported):
        typeset(html)


def test_such_a_letter_is_rendered_with_weasyprint_instead(monkeypatch):
    monkeypatch.setattr(pdf, "render_html", lambda template, context: "<p>Se <a>her</a></p>")
    data = pdf.typeset_pdf("any.html", {})
    assert "WeasyPrint" in PdfReader(io.BytesIO(data)).metadata.producer
    assert "Se her" in _text(data)
