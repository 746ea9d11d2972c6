"""What every PDF shares: A4 pages, the CJK font, bilingual labels, tables, signature lines.

Documents are built with reportlab's platypus in `invariant` mode, so the same input
gives the same bytes; the header and footer carry no personal data.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from forms import Text
from reports.fonts import CjkFont, cjk_font

PAGE = A4
MARGIN = 18 * mm
WIDTH = PAGE[0] - 2 * MARGIN
EN_SIZE = 7
GRID = colors.HexColor("#9aa3ad")
SHADE = colors.HexColor("#eef1f4")
INK = colors.HexColor("#1f2a36")
MUTED = colors.HexColor("#5b6673")


@dataclass(frozen=True)
class Styles:
    """Paragraph styles in one font."""

    font: CjkFont
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    cell: ParagraphStyle
    small: ParagraphStyle
    right: ParagraphStyle
    mono: ParagraphStyle


@cache
def styles_for(font: CjkFont) -> Styles:
    """The styles of documents set in `font`."""
    name = font.name

    def style(key: str, size: float, **kw: Any) -> ParagraphStyle:
        options: dict[str, Any] = {"textColor": INK} | kw
        return ParagraphStyle(key, fontName=name, fontSize=size, leading=size * 1.45,
                              wordWrap="CJK", **options)

    return Styles(
        font=font,
        title=style("title", 18, alignment=TA_CENTER, spaceAfter=2),
        subtitle=style("subtitle", 9, alignment=TA_CENTER, textColor=MUTED, spaceAfter=8),
        heading=style("heading", 11.5, spaceBefore=8, spaceAfter=4),
        body=style("body", 10),
        cell=style("cell", 9.5),
        small=style("small", 7.5, textColor=MUTED),
        right=style("right", 9.5, alignment=TA_RIGHT),
        mono=style("mono", 6.5, textColor=MUTED),
    )


def document_styles(font: CjkFont | None = None) -> Styles:
    """The styles for `font`, or for the process's CJK font."""
    return styles_for(font or cjk_font())


def label(text: Text) -> str:
    """Paragraph markup: the Chinese label with its English twin set small and grey."""
    return f'{escape(text.zh)} <font size="7" color="#5b6673">{escape(text.en)}</font>'


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def markup(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of reportlab markup (the caller escaped the values)."""
    return Paragraph(text, style)


class Words(Flowable):  # type: ignore[misc]
    """Chinese text with its English twin set small beside it, on one line when it fits.

    Most table cells are short; drawing them directly is several times faster than a
    Paragraph. A text too wide for its cell becomes a wrapping Paragraph instead.
    """

    def __init__(self, zh: str, en: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.zh, self.en, self.style = zh, en, style
        self._paragraph: Paragraph | None = None

    def _widths(self) -> tuple[float, float]:
        font, size = self.style.fontName, self.style.fontSize
        zh = stringWidth(self.zh, font, size)
        en = stringWidth(self.en, font, EN_SIZE) + 3 if self.en else 0.0
        return zh, en

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        zh, en = self._widths()
        if "\n" in self.zh or zh + en > available_width:
            text = escape(self.zh).replace("\n", "<br/>")
            if self.en:
                text += f' <font size="{EN_SIZE}" color="#5b6673">{escape(self.en)}</font>'
            self._paragraph = Paragraph(text, self.style)
            width, height = self._paragraph.wrap(available_width, available_height)
            return float(width), float(height)
        self._paragraph = None
        self.width, self.height = zh + en, self.style.leading
        return self.width, self.height

    def draw(self) -> None:
        if self._paragraph is not None:
            self._paragraph.drawOn(self.canv, 0, 0)
            return
        canvas, style = self.canv, self.style
        baseline = (style.leading - style.fontSize) / 2 + style.fontSize * 0.12
        canvas.setFont(style.fontName, style.fontSize)
        canvas.setFillColor(style.textColor)
        canvas.drawString(0, baseline, self.zh)
        if self.en:
            canvas.setFont(style.fontName, EN_SIZE)
            canvas.setFillColor(MUTED)
            canvas.drawString(stringWidth(self.zh, style.fontName, style.fontSize) + 3,
                              baseline, self.en)

    def getSpaceBefore(self) -> float:
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:
        return float(self.style.spaceAfter)

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        if self._paragraph is not None:
            return list(self._paragraph.split(available_width, available_height))
        return []


def words(text: Text | str, style: ParagraphStyle) -> Words:
    """A cell: bilingual text, or plain text (no English twin)."""
    if isinstance(text, Text):
        return Words(text.zh, text.en, style)
    return Words(text, "", style)


def heading(text: Text, styles: Styles) -> list[Flowable]:
    """A section heading, Chinese first; it starts a new page rather than end one."""
    return [CondPageBreak(28 * mm), words(text, styles.heading)]


def title_block(title: Text, station_name: str, styles: Styles) -> list[Flowable]:
    """The document's title and the issuing station."""
    return [markup(escape(title.zh), styles.title),
            para(f"{title.en} · {station_name}", styles.subtitle)]


def field_table(rows: Sequence[tuple[Text, Any]], styles: Styles,
                widths: tuple[float, float] = (42 * mm, WIDTH - 42 * mm)) -> Table:
    """Label | value rows; values are text (escaped here) or flowables."""
    data = [[words(key, styles.cell), _cell(value, styles)] for key, value in rows]
    table = Table(data, colWidths=list(widths))
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), styles.font.name),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (0, -1), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def grid_table(header: Sequence[Text], rows: Sequence[Sequence[Any]], styles: Styles,
               widths: Sequence[float], repeat: bool = True) -> Table:
    """A table with a shaded bilingual header row."""
    data = [[words(h, styles.cell) for h in header]]
    data += [[_cell(value, styles) for value in row] for row in rows]
    table = Table(data, colWidths=list(widths), repeatRows=1 if repeat else 0)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), styles.font.name),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def signature_lines(labels: Sequence[Text], styles: Styles) -> Table:
    """Signature (and date) lines side by side: 申请人签名 ________ 日期 ________."""
    cells = [markup(label(text) + "：", styles.cell) for text in labels]
    blanks = [""] * len(labels)
    width = WIDTH / len(labels)
    table = Table([cells, blanks], colWidths=[width] * len(labels), rowHeights=[None, 12 * mm])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), styles.font.name),
        ("LINEBELOW", (0, 1), (-1, 1), 0.7, INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 12),
    ]))
    return table


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


class _PageCountCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """A canvas that holds its pages back until the end, so each footer can say
    "第 x 页 / 共 y 页" (page x of y)."""

    footer_font = ""
    pagesize: tuple[float, float] = PAGE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self.saveState()
            self.setFont(self.footer_font, 7.5)
            self.setFillColor(MUTED)
            self.drawRightString(self.pagesize[0] - MARGIN, MARGIN - 2 * mm,
                                 f"第 {number} 页 / 共 {total} 页 · page {number} of {total}")
            self.restoreState()
            super().showPage()
        super().save()


def build_pdf(story: list[Flowable], styles: Styles, *, title: str, footer: str,
              pagesize: tuple[float, float] = PAGE) -> bytes:
    """The PDF bytes of `story`, with a footer (`footer`, page x of y) on every page."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN + 4 * mm, title=title,
                            author="就近 Jiujin", subject=title, creator="Jiujin reports",
                            invariant=True, initialFontName=styles.font.name)
    font = styles.font.name

    def decorate(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, MARGIN - 2 * mm, footer)
        canvas.restoreState()

    numbered = type("NumberedCanvas", (_PageCountCanvas,), {"footer_font": font, "pagesize": pagesize})
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate, canvasmaker=numbered)
    return buffer.getvalue()


def stamp(moment: datetime) -> str:
    """A local time as people read it: 2026-11-26 09:30."""
    return moment.strftime("%Y-%m-%d %H:%M")


def when(text: str | None) -> str:
    """An ISO timestamp from a ledger as people read it (its own offset kept), or —."""
    if not text:
        return "—"
    try:
        return stamp(datetime.fromisoformat(text))
    except ValueError:
        return text


def _cell(value: Any, styles: Styles) -> Any:
    if isinstance(value, Flowable):
        return value
    return words(value if isinstance(value, Text) else str(value), styles.cell)
