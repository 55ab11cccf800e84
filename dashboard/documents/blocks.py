"""The block model of a document: what it says, in order, without how a Word file or a PDF lays it out.

Every block holds finished text (already worded in the document's language, numbers already formatted) and a
picture holds its PNG bytes, its alt text (what a screen reader says instead of the picture) and a caption
(printed under it). A renderer (:func:`dashboard.documents.to_docx`, :func:`dashboard.documents.to_pdf`) walks
``Document.blocks`` and draws each kind of block its own way; a block it does not know is an error, never
skipped silently.

>>> doc = Document("Rapport", "sv", (Heading("Läget"), Facts((("Period", "2024-T1"),)), PageBreak()))
>>> [type(b).__name__ for b in doc.blocks]
['Heading', 'Facts', 'PageBreak']
>>> Table(("A", "B"), (("1",),))
Traceback (most recent call last):
...
ValueError: table row 1 has 1 cells; expected 2 (one per column: A, B)
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    """A heading: level 1 is a chapter, 2 a section, 3 a subsection."""

    text: str
    level: int = 1

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3):
            raise ValueError(f"heading {self.text!r} has level {self.level}; expected 1, 2 or 3")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of running text; ``muted`` for a note the reader may skip (smaller, grey)."""

    text: str
    muted: bool = False


@dataclass(frozen=True)
class Facts:
    """Key–value facts, one a line ("Period: 1 januari–30 april 2024"), the key in bold."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Bullets:
    """A bulleted list of short items."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table: a header row and body rows of text cells; columns listed in ``numeric`` are right-aligned."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    numeric: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.header):
                raise ValueError(
                    f"table row {number} has {len(row)} cells; expected {len(self.header)} (one per column: "
                    f"{', '.join(self.header)})"
                )


@dataclass(frozen=True)
class Image:
    """A picture as PNG bytes, with its alt text and an optional caption; ``width`` is a share of the text width."""

    png: bytes
    alt: str
    caption: str = ""
    width: float = 1.0

    def __post_init__(self) -> None:
        if not self.png.startswith(b"\x89PNG"):
            raise ValueError(f"image {self.alt!r} is not a PNG; expected PNG bytes")
        if not self.alt.strip():
            raise ValueError("an image needs an alt text; expected a sentence saying what it shows")
        if not 0 < self.width <= 1:
            raise ValueError(f"image {self.alt!r} has width {self.width}; expected a share of the text width, 0–1")


@dataclass(frozen=True)
class PageBreak:
    """The next block starts on a new page."""


Block = Heading | Paragraph | Facts | Bullets | Table | Image | PageBreak


@dataclass(frozen=True)
class Document:
    """A whole document: its title (also the file's title property), language ("sv" or "en"), blocks in order.

    ``subtitle`` is printed under the title; ``footer`` at the foot of every page, with ``{page}`` replaced by the
    page number (in a Word file a page-number field, so it stays right when the document is edited).
    """

    title: str
    lang: str
    blocks: tuple[Block, ...]
    subtitle: str = ""
    footer: str = ""
    author: str = ""
    keywords: tuple[str, ...] = field(default_factory=tuple)
