"""A :class:`~dashboard.documents.blocks.Document` as an editable Word file (python-docx).

Headings use Word's own heading styles (so the navigation pane and a table of contents find them), tables
Word's "Table Grid" with the header row repeated on every page, pictures carry their alt text in the drawing's
description (what a screen reader reads), and the document's language is set on its default style so Word
checks the spelling in Swedish or English.
"""

from __future__ import annotations

import io

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

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

_LANG = {"sv": "sv-SE", "en": "en-GB"}
_MUTED = RGBColor(0x55, 0x55, 0x55)


def to_docx(document: Document) -> bytes:
    """The Word file (.docx) of ``document``, as bytes."""
    word = docx.Document()
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4, as Swedish boards print
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(22))
    section.top_margin = section.bottom_margin = Mm(20)
    text_width = section.page_width - section.left_margin - section.right_margin
    _set_language(word, _LANG.get(document.lang, document.lang))
    properties = word.core_properties
    properties.title = document.title
    properties.language = _LANG.get(document.lang, document.lang)
    properties.author = document.author
    properties.keywords = ", ".join(document.keywords)

    word.add_heading(document.title, level=0)
    if document.subtitle:
        word.add_paragraph(document.subtitle, style="Subtitle")
    for block in document.blocks:
        _add(word, block, text_width)
    if document.footer:
        _footer(section, document.footer)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _add(word: docx.document.Document, block: object, text_width: int) -> None:
    if isinstance(block, Heading):
        word.add_heading(block.text, level=block.level)
    elif isinstance(block, Paragraph):
        paragraph = word.add_paragraph()
        run = paragraph.add_run(block.text)
        if block.muted:
            run.font.size = Pt(9)
            run.font.color.rgb = _MUTED
    elif isinstance(block, Facts):
        for key, value in block.items:
            paragraph = word.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(2)
            paragraph.add_run(f"{key}: ").bold = True
            paragraph.add_run(value)
    elif isinstance(block, Bullets):
        for item in block.items:
            word.add_paragraph(item, style="List Bullet")
    elif isinstance(block, Table):
        _table(word, block)
    elif isinstance(block, Image):
        paragraph = word.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        shape = paragraph.add_run().add_picture(io.BytesIO(block.png), width=int(text_width * block.width))
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", block.alt)
        doc_pr.set("title", block.caption or block.alt)
        if block.caption:
            caption = word.add_paragraph(block.caption, style="Caption")
            caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif isinstance(block, PageBreak):
        word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    else:
        raise TypeError(f"{type(block).__name__} is not a block of a document; expected one of dashboard.documents")


def _table(word: docx.document.Document, block: Table) -> None:
    if block.caption:
        word.add_paragraph(block.caption, style="Caption")
    table = word.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row_index, cells in enumerate((block.header, *block.rows)):
        row = table.rows[row_index]
        for column, text in enumerate(cells):
            paragraph = row.cells[column].paragraphs[0]
            run = paragraph.add_run(text)
            run.font.size = Pt(9.5)
            if row_index == 0:
                run.bold = True
            if column in block.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    word.add_paragraph()


def _set_language(word: docx.document.Document, tag: str) -> None:
    for style_name in ("Normal",):
        rpr = word.styles[style_name].element.get_or_add_rPr()
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), tag)


def _footer(section: docx.section.Section, text: str) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _, after = text.partition("{page}")
    paragraph.add_run(before).font.size = Pt(8)
    if "{page}" in text:
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        number = OxmlElement("w:t")
        number.text = "1"
        run.append(number)
        field.append(run)
        paragraph._p.append(field)
        paragraph.add_run(after).font.size = Pt(8)
