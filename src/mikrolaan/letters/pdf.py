"""Rendering letters: a Django template to HTML to PDF (WeasyPrint)."""

from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported late: it loads fonts and takes a moment

    with translation.override("da"):
        html = render_to_string(template, context)
    return HTML(string=html).write_pdf()
