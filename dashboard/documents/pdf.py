"""A :class:`~dashboard.documents.blocks.Document` as a PDF (fpdf2), A4, in DejaVu Sans.

DejaVu Sans is the TrueType font matplotlib ships (``matplotlib/mpl-data/fonts/ttf/``), so the server needs no
font package: it covers å, ä, ö, the non-breaking space and the minus sign Swedish numbers are written with,
and fpdf2 embeds only the glyphs used. Headings become the PDF's outline (bookmarks), pictures carry their alt
text, the document's language and title are set in its properties, and a table's header row is repeated on
every page it runs over.
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from dashboard.documents.blocks import (
    Bullets,
    Document,
    Facts,
    Heading,
    Image,
    PageBreak,
    Paragraph,
    Table,
)

FONT = "DejaVu"
_MARGIN = 20.0  # mm, left and right; 18 at the top, 18 at the foot (the footer is inside it)
_HEADING_SIZE = {1: 16.0, 2: 13.0, 3: 11.5}
_BODY = 10.0
_LINE = 5.2  # mm per line of body text
_MUTED = (85, 85, 85)


def font_folder() -> Path:
    """Where matplotlib keeps its DejaVu fonts (found without importing matplotlib)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        raise RuntimeError("matplotlib is not installed; the PDF renderer needs its DejaVu Sans fonts")
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        if not self.footer_text:
            return
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, self.footer_text.replace("{page}", str(self.page_no())), align=Align.C)
        self.set_text_color(0, 0, 0)


def to_pdf(document: Document) -> bytes:
    """The PDF of ``document``, as bytes."""
    pdf = _Pdf(format="A4", unit="mm")
    pdf.footer_text = document.footer
    folder = font_folder()
    pdf.add_font(FONT, "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(folder / "DejaVuSans-Bold.ttf"))
    pdf.add_font(FONT, "I", str(folder / "DejaVuSans-Oblique.ttf"))
    pdf.set_margins(_MARGIN, 18, _MARGIN)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_lang(document.lang)
    pdf.set_title(document.title)
    pdf.set_author(document.author)
    pdf.set_keywords(", ".join(document.keywords))
    pdf.set_creator("Pledgemap")
    pdf.set_display_mode("fullwidth")
    pdf.add_page()

    pdf.set_font(FONT, "B", 20)
    pdf.multi_cell(0, 9, document.title, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if document.subtitle:
        pdf.set_font(FONT, "", 12)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(0, 6.5, document.subtitle, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
    pdf.ln(3)
    for block in document.blocks:
        _add(pdf, block)
    return bytes(pdf.output())


def _text(pdf: FPDF, text: str, size: float = _BODY, style: str = "", line: float = _LINE) -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, line, text, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _add(pdf: _Pdf, block: object) -> None:
    if isinstance(block, Heading):
        size = _HEADING_SIZE[block.level]
        # Keep a heading with what follows it: a chapter with a quarter page, a section with a few lines.
        room = 40 if block.level == 1 else 4 * _LINE
        if pdf.get_y() + size * 0.6 + room > pdf.page_break_trigger:
            pdf.add_page()
        pdf.ln(4 if block.level == 1 else 2.5)
        pdf.start_section(block.text, level=block.level - 1, strict=False)
        _text(pdf, block.text, size, "B", size * 0.55)
        pdf.ln(1.5)
    elif isinstance(block, Paragraph):
        if block.muted:
            pdf.set_text_color(*_MUTED)
            _text(pdf, block.text, _BODY - 1.5, "", _LINE - 0.8)
            pdf.set_text_color(0, 0, 0)
        else:
            _text(pdf, block.text)
        pdf.ln(1.5)
    elif isinstance(block, Facts):
        for key, value in block.items:
            pdf.set_font(FONT, "B", _BODY)
            pdf.write(_LINE, f"{key}: ")
            pdf.set_font(FONT, "", _BODY)
            pdf.write(_LINE, value)
            pdf.ln(_LINE)
        pdf.ln(1.5)
    elif isinstance(block, Bullets):
        pdf.set_font(FONT, "", _BODY)
        for item in block.items:
            pdf.set_x(pdf.l_margin + 3)
            pdf.multi_cell(pdf.epw - 3, _LINE, f"\u2022 {item}", align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)
    elif isinstance(block, Table):
        _table(pdf, block)
    elif isinstance(block, Image):
        width = pdf.epw * block.width
        pdf.image(io.BytesIO(block.png), x=Align.C, w=width, alt_text=block.alt, title=block.caption or None)
        if block.caption:
            pdf.set_text_color(*_MUTED)
            pdf.set_font(FONT, "I", _BODY - 1.5)
            pdf.multi_cell(0, _LINE - 0.8, block.caption, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_text_color(0, 0, 0)
        pdf.ln(2.5)
    elif isinstance(block, PageBreak):
        pdf.add_page()
    else:
        raise TypeError(f"{type(block).__name__} is not a block of a document; expected one of dashboard.documents")


def _table(pdf: FPDF, block: Table) -> None:
    # Keep the caption with the header row and the first rows (a table itself repeats its header over pages).
    if pdf.get_y() + (2 + min(len(block.rows), 3)) * (_LINE + 2) > pdf.page_break_trigger:
        pdf.add_page()
    if block.caption:
        _text(pdf, block.caption, _BODY - 0.5, "B")
    pdf.set_font(FONT, "", _BODY - 1)
    align = tuple("RIGHT" if column in block.numeric else "LEFT" for column in range(len(block.header)))
    with pdf.table(
        text_align=align,
        headings_style=FontFace(emphasis="BOLD", fill_color=(232, 236, 240)),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=_LINE - 0.4,
        repeat_headings=1,
        padding=1.2,
    ) as table:
        for cells in (block.header, *block.rows):
            row = table.row()
            for text in cells:
                row.cell(text)
    pdf.ln(3)
