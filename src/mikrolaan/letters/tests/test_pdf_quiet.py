"""Issue 9, "the first ten minutes": a PDF is made without WeasyPrint's font warnings (84 lines
of "Please install HarfBuzz-Subset" pushed the demo's log-ins off the screen). ``./dev setup``
installs the library; this fails on a machine without it."""

import logging

from mikrolaan.letters.pdf import html_to_pdf


def test_a_letter_pdf_is_rendered_without_font_warnings(caplog):
    with caplog.at_level(logging.WARNING):
        pdf = html_to_pdf("<html lang='da'><body><h1>Rykker</h1><p>Prøve æøå 1.234,56 kr.</p>")
    assert pdf.startswith(b"%PDF")
    assert not [r for r in caplog.records if "harfbuzz" in r.getMessage().lower()]
