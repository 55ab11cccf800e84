"""The pictures of a document as PNG bytes, drawn with matplotlib's Agg canvas (no browser, no network, no pyplot).

Each function takes a domain result and the words it needs, already in the document's language, and returns
PNG bytes for an :class:`~dashboard.documents.blocks.Image`. A figure is its own ``Figure`` object on its own
canvas, so two requests drawing at once share nothing. Numbers on the axes are written as the text is
(:func:`dashboard.i18n.number`: "1 660", "2,5"), and text is DejaVu Sans, the font the PDF embeds.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Polygon as PolygonPatch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from shapely.geometry.base import BaseGeometry

from dashboard.figures.style import JUDGED_COLOURS
from dashboard.i18n import band_text, number
from geodata.views.disclosure import Band

DPI = 150
INK = "#1b1f24"
GRID = "#d0d4d9"
POINT = "#0072B2"
# Few to many records, light to dark (the overview's count colours).
COUNT_COLOURS = ("#d9711f", "#c4501c", "#a33218", "#7a1e12", "#4d0f0a")
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#5C3A1E", "#8C8C8C")


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.set_layout_engine("constrained")
    return figure


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()


def status_bars(counts: Sequence[tuple[str, str, int]], lang: str, count_label: str) -> bytes:
    """A horizontal bar per status: ``counts`` is (status code, its label, count), in the order to draw."""
    figure = _figure(6.3, 0.45 * len(counts) + 0.9)
    axes = figure.add_subplot()
    labels = [label for _, label, _ in counts][::-1]
    values = [value for _, _, value in counts][::-1]
    # A status takes its colours from the pages' table (a white "not judged" keeps its border); anything else is a point.
    colours = [JUDGED_COLOURS.get(code, (POINT, INK, POINT)) for code, _, _ in counts][::-1]
    bars = axes.barh(
        labels, values, color=[c[0] for c in colours], edgecolor=[c[2] for c in colours], linewidth=1, height=0.65
    )
    axes.bar_label(bars, labels=[number(v, lang) for v in values], padding=3, fontsize=9, color=INK)
    axes.set_xlabel(count_label, fontsize=9)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, lang)))
    axes.set_xlim(0, max([*values, 1]) * 1.15)
    axes.tick_params(labelsize=9)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return _png(figure)


def _outline(axes, shape: BaseGeometry) -> None:
    for part in getattr(shape, "geoms", [shape]):
        exterior = getattr(part, "exterior", None)
        if exterior is not None:
            xs, ys = exterior.xy
            axes.plot(xs, ys, color=INK, linewidth=0.8)


def record_map(
    boundary: BaseGeometry | None,
    points: Sequence[tuple[float, float]] = (),
    cells: Sequence[tuple[BaseGeometry, Band]] = (),
    *,
    lang: str,
) -> bytes:
    """A map in SWEREF 99 TM metres: the municipality's outline, and the records as points or the hexagons
    with their counts (bands, :class:`~geodata.views.disclosure.Band`) written on them. No tiles: the picture is drawn from the data alone."""
    figure = _figure(6.0, 4.5)
    axes = figure.add_subplot()
    axes.set_aspect("equal")
    axes.set_axis_off()
    if boundary is not None:
        _outline(axes, boundary)
    if points:
        xs, ys = zip(*points)
        axes.scatter(xs, ys, s=14, color=POINT, edgecolors="white", linewidths=0.5, zorder=3)
    if cells:
        top = max(count.low for _, count in cells)
        for shape, count in cells:
            step = min(len(COUNT_COLOURS) - 1, int((count.low / top) * (len(COUNT_COLOURS) - 1))) if top else 0
            xs, ys = shape.exterior.xy
            axes.add_patch(PolygonPatch(list(zip(xs, ys)), closed=True, facecolor=COUNT_COLOURS[step],
                                        edgecolor="white", linewidth=0.6, alpha=0.9, zorder=2))  # fmt: skip
            centre = shape.centroid
            axes.text(centre.x, centre.y, band_text(count, lang), ha="center", va="center", fontsize=7,
                      color="white", fontweight="bold", zorder=4)  # fmt: skip
    if boundary is None and not points and not cells:
        axes.set_xlim(0, 1)
        axes.set_ylim(0, 1)
    elif boundary is None:
        axes.autoscale_view()
    _scale_bar(axes, lang)
    return _png(figure)


def _scale_bar(axes, lang: str) -> None:
    """A bar of a round number of kilometres in the lower left corner (the axes are metres)."""
    (x0, x1), (y0, y1) = axes.get_xlim(), axes.get_ylim()
    width = x1 - x0
    if width <= 1:
        return
    km = next((k for k in (20, 10, 5, 2, 1, 0.5) if k * 1000 <= width / 4), 0.5)
    left, bottom = x0 + width * 0.03, y0 + (y1 - y0) * 0.03
    axes.plot([left, left + km * 1000], [bottom, bottom], color=INK, linewidth=2.5)
    axes.text(left + km * 500, bottom + (y1 - y0) * 0.015, f"{number(km, lang, 0 if km >= 1 else 1)} km",
              ha="center", va="bottom", fontsize=8, color=INK)  # fmt: skip


def indicator_trend(
    series: pd.DataFrame,
    baseline: int | None,
    lang: str,
    digits: int = 1,
    areas: int = 6,
    break_label: str = "",
) -> bytes:
    """A survey indicator per year, one small chart per area (each on its own scale), the baseline year marked.

    ``series`` has the columns of :data:`geodata.analysis.indicators.SERIES_COLUMNS` (area_id, area_name, year,
    value, low, high, series_break, segment; one group's rows per area); the first ``areas`` areas are drawn.
    The 95 % interval is a band where it is known; each segment of a series is a line of its own, so no line
    crosses a series break, and the year a series breaks is a dotted line labelled ``break_label``.
    """
    return _png(trend_figure(series, baseline, lang, digits, areas, break_label))


def trend_figure(
    series: pd.DataFrame, baseline: int | None, lang: str, digits: int = 1, areas: int = 6, break_label: str = ""
) -> Figure:
    """The figure :func:`indicator_trend` draws (its axes, lines and bands can be read back)."""
    names = list(dict.fromkeys(series["area_name"].fillna(series["area_id"]).astype(str)))[:areas]
    columns = min(3, len(names)) or 1
    rows = -(-len(names) // columns) or 1
    figure = _figure(6.3, 1.9 * rows + 0.4)
    for index, name in enumerate(names):
        axes = figure.add_subplot(rows, columns, index + 1)
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        part = series[series["area_name"].fillna(series["area_id"]).astype(str) == name].sort_values("year")
        segments = part["segment"] if "segment" in part else pd.Series(0, index=part.index)
        for _, piece in part.groupby(segments.to_numpy(), sort=True):
            known = piece.dropna(subset=[c for c in ("low", "high") if c in piece])
            if {"low", "high"} <= set(piece.columns) and not known.empty:
                axes.fill_between(known["year"], known["low"].astype(float), known["high"].astype(float),
                                  color=colour, alpha=0.2, linewidth=0)  # fmt: skip
            axes.plot(piece["year"], piece["value"], marker="o", markersize=3.5, color=colour)
        if baseline is not None:
            axes.axvline(baseline, color=INK, linestyle="--", linewidth=0.8)
        if "series_break" in part:
            first = part["year"].min()
            for year in sorted(set(part.loc[part["series_break"].astype(bool) & (part["year"] > first), "year"])):
                axes.axvline(year - 0.5, color=INK, linestyle=":", linewidth=1.1)
                if break_label:
                    axes.annotate(break_label, (year - 0.5, 1), xycoords=("data", "axes fraction"),
                                  xytext=(2, -2), textcoords="offset points", ha="left", va="top",
                                  fontsize=6.5, color=INK)  # fmt: skip
        axes.set_title(name, fontsize=9, parse_math=False)  # a survey file's words: "$" is no formula
        axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: str(int(v))))
        axes.yaxis.set_major_locator(MaxNLocator(nbins=4))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, lang, digits)))
        axes.tick_params(labelsize=8)
        axes.grid(color=GRID, linewidth=0.5)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    return figure
