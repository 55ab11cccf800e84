"""The document block model and its two renderers: what a Word file and a PDF hold, read back by python-docx and pypdf."""

from __future__ import annotations

import io

import docx
import pytest
from matplotlib.figure import Figure
from pypdf import PdfReader

from dashboard.documents import (
    Bullets,
    Document,
    Facts,
    Heading,
    Image,
    PageBreak,
    Paragraph,
    Table,
    to_docx,
    to_pdf,
)


def _png() -> bytes:
    figure = Figure(figsize=(3, 2))
    figure.add_subplot().bar(["a", "b"], [1, 2])
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _document() -> Document:
    return Document(
        "Uppföljning – Mölndal",
        "sv",
        (
            Heading("Läget i perioden"),
            Paragraph("Två löften är genomförda; −0,3 och 1\u00a0660."),
            Facts((("Period", "1 januari–30 april 2024"), ("Parter", "Polisen, Mölndals stad"))),
            Bullets(("Nästa period: 2024-T2", "Ej bedömda: 3")),
            Table(("Löfte", "I perioden"), (("Närvaro på otrygga platser", "1\u00a0660"),), "Underlag", (1,)),
            Image(_png(), "Stapeldiagram över två värden", "Figur 1. Två staplar"),
            PageBreak(),
            Heading("Vad händer härnäst", 2),
            Paragraph("Ingen ändring.", muted=True),
        ),
        subtitle="Tertial 1 2024",
        footer="Sida {page}",
        author="Pledgemap",
    )


def test_docx_holds_every_block_in_order_with_headings_tables_and_a_described_picture():
    word = docx.Document(io.BytesIO(to_docx(_document())))
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs if p.text]
    assert paragraphs[0] == ("Title", "Uppföljning – Mölndal")
    assert ("Heading 1", "Läget i perioden") in paragraphs and ("Heading 2", "Vad händer härnäst") in paragraphs
    assert ("Normal", "Period: 1 januari–30 april 2024") in paragraphs
    assert ("List Bullet", "Ej bedömda: 3") in paragraphs
    assert [c.text for c in word.tables[0].rows[1].cells] == ["Närvaro på otrygga platser", "1\u00a0660"]
    assert len(word.inline_shapes) == 1
    assert word.inline_shapes[0]._inline.docPr.get("descr") == "Stapeldiagram över två värden"
    assert word.core_properties.title == "Uppföljning – Mölndal" and word.core_properties.language == "sv-SE"
    assert "PAGE" in word.sections[0].footer._element.xml


def test_pdf_text_is_extracted_in_swedish_with_an_image_an_outline_and_page_numbers():
    reader = PdfReader(io.BytesIO(to_pdf(_document())))
    # The PDF draws a non-breaking space with the space's glyph; pypdf reads both back as a space.
    text = "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")
    for expected in ("Uppföljning – Mölndal", "Läget i perioden", "−0,3 och 1 660", "Period: 1 januari–30 april 2024",
                     "Närvaro på otrygga platser", "Figur 1. Två staplar", "Sida 2"):  # fmt: skip
        assert expected in text
    assert len(reader.pages) == 2 and sum(len(page.images) for page in reader.pages) == 1
    # The outline nests a section under its chapter: [chapter, [section]].
    assert reader.outline[0].title == "Läget i perioden" and reader.outline[1][0].title == "Vad händer härnäst"
    assert reader.metadata.title == "Uppföljning – Mölndal"


def test_bad_blocks_are_refused_naming_what_was_expected():
    with pytest.raises(ValueError, match="table row 1 has 1 cells; expected 2"):
        Table(("A", "B"), (("1",),))
    with pytest.raises(ValueError, match="needs an alt text"):
        Image(_png(), " ")
    with pytest.raises(ValueError, match="is not a PNG"):
        Image(b"GIF89a", "a picture")
    odd = Document("T", "en", ("not a block",))  # type: ignore[arg-type]
    for render in (to_docx, to_pdf):
        with pytest.raises(TypeError, match="str is not a block of a document"):
            render(odd)


def test_the_indicator_chart_draws_the_interval_as_a_band_and_no_line_across_a_series_break(demo_copy):
    from matplotlib.collections import PolyCollection

    from dashboard.documents.charts import trend_figure
    from geodata.analysis.indicators import goal_trends
    from geodata.store import GeoPackageStore

    with GeoPackageStore.open(demo_copy) as store:
        trends = {t.goal.indicator: t for t in goal_trends(store, store.get_pledge("mark-2021"))}
    index = trends["Problemindex"]
    everyone = index.series[index.series["group"] == "all"]
    figure = trend_figure(everyone, index.baseline_year, "sv", 2, break_label="Serieavbrott")
    whole = figure.axes[0]  # Hela kommunen: 2018–2019 on the old scale, 2020–2023 on the new
    lines = [sorted(line.get_xdata()) for line in whole.lines if line.get_marker() == "o"]  # not the year markers
    assert [list(map(int, xs)) for xs in lines] == [[2018, 2019], [2020, 2021, 2022, 2023]]
    bands = [c for c in whole.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2  # one band per segment
    assert "Serieavbrott" in [text.get_text() for text in whole.texts]
    # A series without a break is one line with one band.
    share = trends["Otrygg ute sent en kväll"]
    figure = trend_figure(share.series[share.series["group"] == "all"], share.baseline_year, "sv")
    assert len([line for line in figure.axes[0].lines if line.get_marker() == "o"]) == 1
    assert len([c for c in figure.axes[0].collections if isinstance(c, PolyCollection)]) == 1
