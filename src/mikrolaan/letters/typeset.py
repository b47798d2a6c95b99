"""Typesetting a plain letter fast: the letter's own HTML, set with ReportLab.

WeasyPrint lays out any HTML and CSS, at about 100 ms of CPU a page. The reminders (tens of
thousands on a heavy day) are plain letters: a sender block, the recipient, headings,
paragraphs, a two-column table of facts. ``typeset`` reads the HTML the letter's Django template
rendered (one source for the text) and sets it with ReportLab's flowing layout to the layout the
letters' stylesheet (``loans/letters/base.html``) describes: A4, the same margins, fonts, sizes,
line height, spacing and the "Side X af Y" footer, at about a tenth of the CPU.

Only the elements of that base layout are understood. Anything else raises ``Unsupported``, and
``letters.pdf`` then renders the letter with WeasyPrint: a letter is never set wrongly in silence.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)


class Unsupported(Exception):
    """The letter uses HTML the typesetter does not know; render it with WeasyPrint."""


# --- fonts: the stylesheet asks for DejaVu Sans (the margin boxes fall back to DejaVu Serif) ---

FONT_FILES = {
    "LetterSans": ("DejaVu Sans", "DejaVuSans.ttf"),
    "LetterSans-Bold": ("DejaVu Sans:bold", "DejaVuSans-Bold.ttf"),
    "LetterSerif": ("DejaVu Serif", "DejaVuSerif.ttf"),
}
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF")


def _font_file(pattern: str, filename: str) -> str:
    for folder in FONT_DIRS:
        path = Path(folder) / filename
        if path.is_file():
            return str(path)
    fc_match = shutil.which("fc-match")
    if fc_match:
        found = subprocess.run(  # noqa: S603 - a fixed program and pattern
            [fc_match, "--format=%{file}", pattern], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found.endswith(filename):
            return found
    raise Unsupported(f"font {filename} not found")


# The characters a letter may hold: Latin (with the extensions names need), punctuation,
# currency signs. Outside them the letter falls back to WeasyPrint (``_check_characters``).
def _letter_unicodes(cmap: dict[int, str]) -> list[int]:
    return [
        u
        for u in cmap
        if u < 0x250 or 0x1E00 <= u < 0x1F00 or 0x2000 <= u < 0x20D0 or u in (0x2122, 0xFFFD)
    ]


def _slim_font(source: str) -> bytes:
    """The font without hinting, layout tables or scripts a letter does not use.

    ReportLab embeds a subset per document but copies the font's instructions and name tables
    into it; slimmed first, each embedded font is a few kB and quick to write.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont as FontToolsFont

    font = FontToolsFont(source)
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "hdmx", "VDMX", "LTSH", "MATH", "FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_letter_unicodes(font.getBestCmap()))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def _cached_slim_font(source: str) -> io.BytesIO:
    """The slimmed font, made once and kept in ``VAR_DIR/fonts`` (it takes a second)."""
    stat = Path(source).stat()
    folder = Path(settings.VAR_DIR) / "fonts"
    cached = folder / f"{Path(source).stem}-{stat.st_size}-{int(stat.st_mtime)}-letter.ttf"
    if cached.is_file():
        return io.BytesIO(cached.read_bytes())
    data = _slim_font(source)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(data)
        partial.replace(cached)  # atomic: a parallel worker never reads half a font
    except OSError:
        pass  # a read-only VAR_DIR: the font is made again by the next process
    return io.BytesIO(data)


@functools.cache
def _register_fonts() -> frozenset[int]:
    """Register the letter fonts with ReportLab; the characters they can show."""
    characters: set[int] = set()
    for name, (pattern, filename) in FONT_FILES.items():
        # asciiReadable off: embed only the glyphs used (the text stays extractable through
        # the ToUnicode map ReportLab writes)
        font = TTFont(name, _cached_slim_font(_font_file(pattern, filename)), asciiReadable=False)
        pdfmetrics.registerFont(font)
        if name == "LetterSans":
            characters = set(font.face.charToGlyph)
    pdfmetrics.registerFontFamily(
        "LetterSans", normal="LetterSans", bold="LetterSans-Bold", italic="LetterSans",
        boldItalic="LetterSans-Bold",
    )  # fmt: skip
    return frozenset(characters)


def _check_characters(html: str) -> None:
    known = _register_fonts()
    missing = {c for c in set(html) if ord(c) not in known and c not in "\n\r\t"}
    if missing:
        raise Unsupported(f"characters outside the letter fonts: {''.join(sorted(missing))!r}")


# --- the stylesheet of loans/letters/base.html, in ReportLab's terms ---------------------------

PAGE_MARGINS = {"top": 22 * mm, "right": 20 * mm, "bottom": 22 * mm, "left": 22 * mm}
BODY_MARGIN = 6  # pt: the browser's 8px margin of <body>, inside the page margins
LINE_HEIGHT = 1.4
TEXT = colors.HexColor("#111111")
MUTED = colors.HexColor("#333333")
FOOTER = colors.HexColor("#555555")
RULE = colors.HexColor("#bbbbbb")


def _style(name: str, size: float, *, bold=False, color=TEXT, align=TA_LEFT) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName="LetterSans-Bold" if bold else "LetterSans",
        fontSize=size,
        leading=size * LINE_HEIGHT,
        textColor=color,
        alignment=align,
        spaceBefore=0,
        spaceAfter=0,
    )


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    _register_fonts()
    return {
        "p": _style("p", 10),
        "small": _style("small", 8.5, color=MUTED),
        "sender": _style("sender", 9, color=MUTED, align=TA_RIGHT),
        "h1": _style("h1", 16, bold=True),
        "h2": _style("h2", 11.5, bold=True),
        "td": _style("td", 10),
        "td-label": _style("td-label", 10, color=MUTED),
        "td-money": _style("td-money", 10, align=TA_RIGHT),
        "th": _style("th", 10, bold=True),
        "th-money": _style("th-money", 10, bold=True, align=TA_RIGHT),
        "paper": _style("paper", 8),
    }


# Vertical margins (top, bottom) of each block, as the stylesheet and the browser's defaults
# give them; adjacent margins collapse to the larger one, as in CSS.
def _margins(tag: str, classes: set[str]) -> tuple[float, float]:
    if tag == "h1":
        return 0, 4 * mm
    if tag == "h2":
        return 6 * mm, 2 * mm
    if tag == "p":
        em = 8.5 if "small" in classes else 10
        return em, em
    if tag == "div" and "recipient" in classes:
        return 18 * mm, 12 * mm
    return 0, 0


# --- reading the letter's HTML ---------------------------------------------------------------

BLOCKS = {"div", "h1", "h2", "p", "table"}
INLINE = {"strong": "b", "b": "b"}
IGNORED = {"html", "head", "meta", "title", "body", "tbody", "thead"}


@dataclass
class _Cell:
    header: bool
    classes: set[str]
    markup: list[str] = field(default_factory=list)


@dataclass
class _Block:
    tag: str
    classes: set[str]
    markup: list[str] = field(default_factory=list)  # the inline text being gathered
    rows: list[list[_Cell]] = field(default_factory=list)  # a table's rows


class _LetterReader(HTMLParser):
    """Turns the letter's HTML into a list of ReportLab flowables with collapsed margins."""

    def __init__(self, width: float):
        super().__init__(convert_charrefs=True)
        self.width = width
        self.styles = _styles()
        self.flowables: list[Flowable] = []
        self.stack: list[_Block] = []
        self.cell: _Cell | None = None
        self.in_style = False
        self.margin = 0.0  # the pending (collapsed) vertical margin

    # the parser's callbacks

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "style":
            self.in_style = True
        elif tag in IGNORED:
            return
        elif tag in BLOCKS:
            if self.cell is not None:
                raise Unsupported(f"<{tag}> inside a table cell")
            self._flush()
            self._collapse(_margins(tag, classes)[0])
            self.stack.append(_Block(tag, classes))
        elif tag == "tr":
            self._table().rows.append([])
        elif tag in ("td", "th"):
            self.cell = _Cell(tag == "th", classes)
            self._table().rows[-1].append(self.cell)
        elif tag in INLINE:
            self._markup().append(f"<{INLINE[tag]}>")
        elif tag == "br":
            self._markup().append("<br/>")
        else:
            raise Unsupported(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        elif tag in IGNORED or tag == "tr":
            return
        elif tag in BLOCKS:
            self._flush()
            block = self.stack.pop()
            if block.tag != tag:
                raise Unsupported(f"</{tag}> closes <{block.tag}>")
            if tag == "table":
                self._emit(self._make_table(block))
            self._collapse(_margins(tag, block.classes)[1])
        elif tag in ("td", "th"):
            self.cell = None
        elif tag in INLINE:
            self._markup().append(f"</{INLINE[tag]}>")
        elif tag != "br":
            raise Unsupported(f"</{tag}>")

    def handle_data(self, data):
        if self.in_style:
            return
        if self.stack and self.stack[-1].tag == "table" and self.cell is None:
            if data.strip():
                raise Unsupported("text in a table outside its cells")
            return
        if not self.stack:
            if data.strip():
                raise Unsupported("text outside a block")
            return
        self._markup().append(escape(data, quote=False))

    # building

    def _table(self) -> _Block:
        if not self.stack or self.stack[-1].tag != "table":
            raise Unsupported("a table row outside a table")
        return self.stack[-1]

    def _markup(self) -> list[str]:
        if self.cell is not None:
            return self.cell.markup
        if not self.stack:
            raise Unsupported("inline text outside a block")
        return self.stack[-1].markup

    def _collapse(self, margin: float) -> None:
        self.margin = max(self.margin, margin)

    def _emit(self, flowable: Flowable) -> None:
        if self.margin:
            self.flowables.append(Spacer(0, self.margin))
        self.margin = 0.0
        self.flowables.append(flowable)

    def _flush(self) -> None:
        """Set the inline text gathered in the innermost block as a paragraph."""
        if not self.stack or self.stack[-1].tag == "table":
            return
        block = self.stack[-1]
        text = "".join(block.markup).strip()
        block.markup.clear()
        while text.startswith("<br/>"):  # a line break right after a block starts no line
            text = text[5:].lstrip()
        if not text:
            return
        if block.tag in ("h1", "h2"):
            style = self.styles[block.tag]
        elif block.tag == "p":
            style = self.styles["small" if "small" in block.classes else "p"]
        elif "sender" in block.classes:
            style = self.styles["sender"]
        elif "paper" in block.classes:
            self._emit(self._make_box(text))
            return
        elif "recipient" in block.classes or not block.classes:
            style = self.styles["p"]
        else:
            raise Unsupported(f"<div class={' '.join(sorted(block.classes))}>")
        self._emit(Paragraph(text, style))

    def _make_box(self, text: str) -> Table:
        """The framed "paper letter" mark: a box as wide as its text (inline-block)."""
        style = self.styles["paper"]
        para = Paragraph(text, style)
        width = pdfmetrics.stringWidth(para.getPlainText(), style.fontName, style.fontSize)
        box = Table([[para]], colWidths=[width + 4 * mm + 2], hAlign="LEFT")
        box.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), "LetterSans"),
                    ("BOX", (0, 0), (-1, -1), 1, colors.black),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
                    ("TOPPADDING", (0, 0), (-1, -1), 1 * mm),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1 * mm),
                ]
            )
        )
        return box

    def _make_table(self, block: _Block) -> Table:
        rows = [row for row in block.rows if row]
        if not rows or any(len(row) != 2 for row in rows):
            raise Unsupported("only two-column tables")
        data = []
        for row in rows:
            cells = []
            for i, cell in enumerate(row):
                money = "money" in cell.classes
                if cell.header:
                    style = self.styles["th-money" if money else "th"]
                elif money:
                    style = self.styles["td-money"]
                elif i == 0 and "facts" in block.classes:
                    style = self.styles["td-label"]
                else:
                    style = self.styles["td"]
                cells.append(Paragraph("".join(cell.markup).strip(), style))
            data.append(cells)
        first = 0.45 if "facts" in block.classes else 0.5
        table = Table(data, colWidths=[self.width * first, self.width * (1 - first)])
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), "LetterSans"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2 * mm),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2 * mm),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.2 * mm),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2 * mm),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                ]
            )
        )
        return table

    def result(self) -> list[Flowable]:
        if self.stack:
            raise Unsupported(f"<{self.stack[-1].tag}> is not closed")
        return self.flowables


# --- the page: "Side X af Y" in the bottom margin ---------------------------------------------


class _NumberedCanvas(Canvas):
    """Draws "Side X af Y" on every page once the number of pages is known."""

    def __init__(self, *args, **kwargs):
        kwargs["initialFontName"] = "LetterSans"  # no unembedded Helvetica in the file
        kwargs["initialFontSize"] = 10
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont("LetterSerif", 8)
            self.setFillColor(FOOTER)
            # centred in the bottom margin, as the @bottom-center margin box
            self.drawCentredString(
                A4[0] / 2, PAGE_MARGINS["bottom"] / 2 - 3, f"Side {number} af {total}"
            )
            super().showPage()
        super().save()


def typeset(html: str, *, title: str = "", lang: str = "da") -> bytes:
    """The PDF of a letter whose HTML uses only the letters' base layout."""
    _check_characters(html)
    left, right = PAGE_MARGINS["left"] + BODY_MARGIN, PAGE_MARGINS["right"] + BODY_MARGIN
    top, bottom = PAGE_MARGINS["top"] + BODY_MARGIN, PAGE_MARGINS["bottom"] + BODY_MARGIN
    width, height = A4[0] - left - right, A4[1] - top - bottom
    reader = _LetterReader(width)
    reader.feed(html)
    reader.close()
    story = reader.result()
    buffer = io.BytesIO()
    frame = Frame(left, bottom, width, height, 0, 0, 0, 0, id="body")
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        pageTemplates=[PageTemplate("letter", [frame])],
        title=title,
        lang=lang,
        creator="Mikrolån",
        producer="Mikrolån (ReportLab)",
    )
    doc.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
