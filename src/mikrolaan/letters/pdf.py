"""Rendering letters: a Django template to HTML to PDF.

``render_pdf`` sets any HTML and CSS with WeasyPrint (about 100 ms of CPU a letter).
``typeset_pdf`` is for the letters sent by the ten thousand (reminders): the same template and
text, set with ReportLab to the letters' base layout (``letters.typeset``) in about a sixth of
that; a letter the typesetter does not understand is rendered with WeasyPrint instead.
"""

import logging

from django.template.loader import render_to_string
from django.utils import translation

from mikrolaan.letters.typeset import Unsupported, typeset

logger = logging.getLogger(__name__)


def render_html(template: str, context: dict) -> str:
    with translation.override("da"):
        return render_to_string(template, context)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: it loads fonts and takes a moment

    return HTML(string=html).write_pdf()


def render_pdf(template: str, context: dict) -> bytes:
    return html_to_pdf(render_html(template, context))


def typeset_pdf(template: str, context: dict, *, title: str = "") -> bytes:
    """The letter's PDF, typeset fast; WeasyPrint when the letter leaves the base layout."""
    html = render_html(template, context)
    try:
        return typeset(html, title=title)
    except Unsupported as exc:
        logger.warning("%s: typeset with WeasyPrint (%s)", template, exc)
        return html_to_pdf(html)
