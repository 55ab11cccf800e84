"""Documents the server builds offline for a person to read, edit, send and publish (the follow-up report).

A document is written once as a small, renderer-neutral list of blocks (:mod:`dashboard.documents.blocks`:
headings, paragraphs, key–value facts, tables, bullet lists, images with alt text and caption, page breaks)
and rendered by either of two functions, each returning the file's bytes:

- :func:`to_docx` (:mod:`dashboard.documents.docx`): an editable Word document (python-docx);
- :func:`to_pdf` (:mod:`dashboard.documents.pdf`): a PDF (fpdf2) in DejaVu Sans, the TrueType font matplotlib
  ships, which covers Swedish (å, ä, ö, the non-breaking space and the minus sign of Swedish numbers).

The blocks hold finished text: a document's module words it from the catalogues (``dashboard.i18n``), with
numbers already formatted, and draws its pictures as PNG bytes (:mod:`dashboard.documents.charts`, matplotlib's
Agg canvas: no browser, no network). Neither renderer decides anything about what a reader may see; that is
the domain's, read through the caller's guarded store before any block is written.

>>> from dashboard.documents import Document, Heading, Paragraph, to_docx, to_pdf
>>> doc = Document("Uppföljning", "sv", (Heading("Läget"), Paragraph("Två löften är genomförda.")))
>>> to_docx(doc)[:2], to_pdf(doc)[:5]
(b'PK', b'%PDF-')
"""

from dashboard.documents.blocks import (
    Block,
    Bullets,
    Document,
    Facts,
    Heading,
    Image,
    PageBreak,
    Paragraph,
    Table,
)
from dashboard.documents.docx import to_docx
from dashboard.documents.pdf import to_pdf

__all__ = [
    "Block",
    "Bullets",
    "Document",
    "Facts",
    "Heading",
    "Image",
    "PageBreak",
    "Paragraph",
    "Table",
    "to_docx",
    "to_pdf",
]
