"""PDF documents kept with a case: the signed technical-service application and the fault-handling report.

Made with reportlab, no external service. Chinese text needs a CJK font: ``DISPATCH_PDF_FONT``
may name a TrueType file (glyf outlines, e.g. a .ttf of 文泉驿 or 思源 as TTF); otherwise the
built-in Adobe CID font STSong-Light is used, which needs no font file on the server (the
reader supplies the glyphs, as every PDF reader does for the standard Asian fonts).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

_FONT: str | None = None


def font_name() -> str:
    """Register the CJK font once per process and return its name."""
    global _FONT
    if _FONT:
        return _FONT
    path = getattr(settings, "DISPATCH_PDF_FONT", "")
    if path:
        try:
            pdfmetrics.registerFont(TTFont("CaseFont", path))
            _FONT = "CaseFont"
            return _FONT
        except Exception:  # unreadable or CFF-outline font: fall back to the built-in one
            pass
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    _FONT = "STSong-Light"
    return _FONT


def when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


@dataclass
class Section:
    title: str
    rows: list[tuple[str, str]] | None = None  # label, value
    text: str = ""
    table: list[list[str]] | None = None  # first row is the header


def render(
    *,
    title: str,
    subtitle: str,
    sections: list[Section],
    signature_png: bytes | None = None,
    signature_caption: str = "",
) -> bytes:
    """A plain A4 document: title, subtitle, then each section as a label/value grid, text or table."""
    font = font_name()
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    head = ParagraphStyle("head", parent=base, fontSize=16, leading=22, spaceAfter=4)
    sub = ParagraphStyle("sub", parent=base, fontSize=9, textColor=colors.grey, spaceAfter=8)
    h2 = ParagraphStyle("h2", parent=base, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)

    def p(text: str, style=base) -> Paragraph:
        return Paragraph(escape(text or "—").replace("\n", "<br/>"), style)

    story = [p(title, head), p(subtitle, sub)]
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
        ]
    )
    for section in sections:
        story.append(p(section.title, h2))
        if section.rows:
            story.append(Table([[p(k), p(v)] for k, v in section.rows], colWidths=[45 * mm, 125 * mm], style=grid))
        if section.text:
            story.append(p(section.text))
        if section.table:
            header_style = TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
            story.append(Table([[p(c) for c in row] for row in section.table], style=header_style, repeatRows=1))
        story.append(Spacer(1, 3 * mm))
    if signature_png:
        story.append(Image(io.BytesIO(signature_png), width=60 * mm, height=25 * mm, kind="proportional"))
        story.append(p(signature_caption))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=20 * mm, rightMargin=20 * mm)
    doc.build(story)
    return buffer.getvalue()
