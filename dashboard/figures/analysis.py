"""Figures of the analysis page: hot and cold spots, density, counts per hexagon, an intervention's areas and counts,
safe and unsafe places by who reported.

Areas are drawn as MapLibre GeoJSON fills (one layer per class or band, so
colours need no per-feature styling), with a marker at each cell's centre
that carries the hover text and the legend entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.figures.map import (
    LEGEND_BOX,
    PHONE_MAP_WIDTH,
    Basemap,
    boundary_layer,
    fill_layer,
    line_layer,
    raster_layer,
    view_for_bounds,
)
from dashboard.figures.style import (
    COUNT_COLOURS,
    FONT_FAMILY,
    MODEBAR_MARGIN,
    SAFETY_COLOURS,
    figure_lang,
    separators,
)
from dashboard.i18n import number, number_range, signed
from dashboard.text import plain
from geodata.analysis.getisord import CLASSES, DensitySurface, HotspotResult
from geodata.analysis.indicators import GoalTrend
from geodata.analysis.interventions import InterventionResult
from geodata.analysis.safety import NOT_STATED, SafetyCounts
from geodata.surveys import ALL, group_label, group_order
from geodata.views.drawing import drawn_shapes

# Red for hot, blue for cold (a pair colour-blind readers keep apart), darker for more confidence. Every class,
# the 90 % ones too, stands out from the white background by at least 3:1 (WCAG 1.4.11): the cells' outlines and
# centre markers are drawn in these colours at full strength, the fills lighter underneath.
HOTSPOT_COLOURS = {
    "hot_99": "#99000d",
    "hot_95": "#d73027",
    "hot_90": "#e06a3a",
    "none": "#f7f7f7",
    "cold_90": "#4292c6",
    "cold_95": "#2171b5",
    "cold_99": "#08306b",
}
# Light to dark for few to many reports; even the lightest band stands out from the white background by 3:1.
NO_PATTERN_COLOUR = "#767676"  # the legend's mark for "no pattern" (cells left clear on the map)
BAND_COLOURS = COUNT_COLOURS
BAND_OPACITY = 0.95
AREA_COLOURS = {"target": "#D55E00", "buffer": "#E69F00", "control": "#0072B2"}


def _features(shapes: gpd.GeoSeries) -> dict[str, Any]:
    wgs84 = shapes.to_crs(4326)
    rounded = shapely.set_precision(np.asarray(wgs84.values, dtype=object), 1e-6)
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(g)}
            for g in rounded
            if g is not None and not g.is_empty
        ],
    }


def _centres(cells: gpd.GeoDataFrame) -> tuple[list[float], list[float]]:
    points = gpd.GeoSeries(cells.geometry.centroid, crs=cells.crs).to_crs(4326)
    return points.x.round(6).tolist(), points.y.round(6).tolist()


# The analysis maps are 520 px high, their legend across the foot: the municipality is fitted into the part above
# it, at a phone's width (the whole of it shows on a phone, a little smaller than it could on a desktop).
FIT_HEIGHT = 440


def first_view(bounds) -> tuple[dict[str, float], float]:
    """Centre and zoom an analysis map opens on: the whole of ``bounds`` on any screen, a phone's too."""
    return view_for_bounds(bounds, width=PHONE_MAP_WIDTH, height=FIT_HEIGHT)


def _map(
    traces: list[dict],
    layers: list[dict],
    boundary_geojson: dict,
    bounds,
    basemap: Basemap,
    view_key: str,
    legend_title: str,
    t: Callable[..., str],
) -> dict[str, Any]:
    all_layers = [*layers, boundary_layer(boundary_geojson)]
    if basemap.tiles_url:
        all_layers.insert(0, raster_layer(basemap))
    if not traces:
        traces = [{"type": "scattermap", "lat": [], "lon": [], "showlegend": False, "hoverinfo": "skip"}]
    centre, zoom = first_view(bounds)
    return {
        "data": traces,
        "layout": {
            "map": {"style": "white-bg", "layers": all_layers, "center": centre, "zoom": zoom, "uirevision": view_key},
            "uirevision": view_key,
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "dragmode": "pan",
            # Shown even with a single class or band: plotly hides a legend of one entry by default. Across the
            # map's foot, so that it leaves the map its width on a phone and stays clear of the modebar at the top.
            "showlegend": True,
            "legend": {
                "title": {"text": legend_title, "side": "top"},
                **LEGEND_BOX,
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": 0,
                "yanchor": "bottom",
            },
            "font": {"family": FONT_FAMILY, "size": 14},
            "separators": separators(t),
        },
    }


def hotspot_figure(
    result: HotspotResult,
    boundary_geojson: dict,
    bounds,
    t: Callable[..., str],
    basemap: Basemap = Basemap(),
    view_key: str = "",
) -> dict[str, Any]:
    """Hot and cold spots by confidence class; cells that are neither are left clear."""
    lang = figure_lang(t)
    traces, layers = [], []
    for name in CLASSES:
        if name == "none":
            continue
        cells = result.cells[result.cells["class"] == name]
        if cells.empty:
            continue
        features = _features(cells.geometry)
        layers.append(fill_layer(features, HOTSPOT_COLOURS[name], 0.55))
        layers.append(line_layer(features, HOTSPOT_COLOURS[name], 1.5))
        lon, lat = _centres(cells)
        traces.append(
            {
                "type": "scattermap",
                "lon": lon,
                "lat": lat,
                "mode": "markers",
                "name": t(f"hotspot.{name}"),
                "showlegend": True,
                "marker": {"size": 9, "color": HOTSPOT_COLOURS[name], "opacity": 1},
                # Written out here, in the page's language: plotly would write 0.0010 and -1.5.
                "customdata": [
                    [number(int(c), lang), number(float(z), lang, 2), number(float(p), lang, 4)]
                    for c, z, p in zip(cells["count"], cells["z"], cells["p"])
                ],
                "hovertemplate": f"{t('hotspot.' + name)}<br>{t('analysis.reports')}: %{{customdata[0]}}"
                "<br>z: %{customdata[1]}<br>p: %{customdata[2]}<extra></extra>",
            }
        )
    if not traces:  # no cell is a hot or a cold spot: the legend says so rather than vanishing
        traces.append(
            {
                "type": "scattermap",
                "lon": [None],
                "lat": [None],
                "mode": "markers",
                "name": t("hotspot.none"),
                "showlegend": True,
                "marker": {"size": 12, "color": NO_PATTERN_COLOUR},
                "hoverinfo": "skip",
            }
        )
    return _map(traces, layers, boundary_geojson, bounds, basemap, view_key, t("analysis.legend_hotspots"), t)


def _bands(values: np.ndarray, count: int = len(BAND_COLOURS)) -> list[tuple[float, float]]:
    edges = np.unique(np.quantile(values, np.linspace(0, 1, count + 1))) if len(values) else np.array([0.0, 1.0])
    return list(zip(edges[:-1], edges[1:]))


def bands(cells: gpd.GeoDataFrame, column: str) -> list[tuple[float, float, gpd.GeoDataFrame, str]]:
    """The cells in five bands of ``column`` (quantiles): (low, high, the band's cells, its colour), empty bands left out.

    The map draws these bands and its table alternative lists them, so both say the same.
    """
    values = cells[column].to_numpy(dtype=float)
    edges = _bands(values)
    out = []
    for i, (low, high) in enumerate(edges):
        inside = (values >= low) & ((values <= high) if i == len(edges) - 1 else (values < high))
        part = cells[inside]
        if part.empty:
            continue
        colour = BAND_COLOURS[
            min(i, len(BAND_COLOURS) - 1)
            if len(edges) >= len(BAND_COLOURS)
            else round(i * (len(BAND_COLOURS) - 1) / max(1, len(edges) - 1))
        ]
        out.append((float(low), float(high), part, colour))
    return out


def banded_figure(
    cells: gpd.GeoDataFrame,
    column: str,
    boundary_geojson: dict,
    bounds,
    t: Callable[..., str],
    label: Callable[[float, float], str],
    legend_title: str,
    basemap: Basemap = Basemap(),
    view_key: str = "",
    hover: str = "",
    digits: int = 1,
) -> dict[str, Any]:
    """Cells coloured in five bands of ``column`` (quantiles), each band a fill layer and a legend entry.

    ``digits``: the decimals of a cell's value in its hover label.
    """
    lang = figure_lang(t)
    traces, layers = [], []
    for i, (low, high, part, colour) in enumerate(bands(cells, column)):
        layers.append(fill_layer(_features(part.geometry), colour, BAND_OPACITY))
        lon, lat = _centres(part)
        group = f"band-{i}"
        # The band's legend entry, in its full colour; the markers that carry the cells' hover are all but
        # transparent (the fill is the picture), so they stay out of the legend. One legend click hides both.
        traces.append(
            {
                "type": "scattermap",
                "lon": [None],
                "lat": [None],
                "mode": "markers",
                "name": label(low, high),
                "legendgroup": group,
                "showlegend": True,
                "marker": {"size": 12, "color": colour, "opacity": 1},
                "hoverinfo": "skip",
            }
        )
        if hover:
            traces.append(
                {
                    "type": "scattermap",
                    "lon": lon,
                    "lat": lat,
                    "mode": "markers",
                    "legendgroup": group,
                    "showlegend": False,
                    "marker": {"size": 6, "color": colour, "opacity": 0.01},
                    "customdata": [[number(float(v), lang, digits)] for v in part[column]],
                    "hovertemplate": f"{hover}: %{{customdata[0]}}<extra></extra>",
                }
            )
    return _map(traces, layers, boundary_geojson, bounds, basemap, view_key, legend_title, t)


def density_band(low: float, high: float, t: Callable[..., str]) -> str:
    """A density band's name: "0,0–0,8 per km²"."""
    lang = figure_lang(t)
    return t("analysis.band", low=number(low, lang, 1), high=number(high, lang, 1))


def count_band(low: float, high: float, t: Callable[..., str]) -> str:
    """A band of counts per hexagon: "1–3 rapporter"."""
    lang = figure_lang(t)
    return t("analysis.count_band", low=number(low, lang), high=number(high, lang))


def density_figure(
    surface: DensitySurface,
    boundary_geojson: dict,
    bounds,
    t: Callable[..., str],
    basemap: Basemap = Basemap(),
    view_key: str = "",
) -> dict[str, Any]:
    return banded_figure(
        surface.cells,
        "density",
        boundary_geojson,
        bounds,
        t,
        lambda low, high: density_band(low, high, t),
        t("analysis.legend_density"),
        basemap,
        view_key,
        hover=t("analysis.per_km2"),
    )


def intervention_map(
    result: InterventionResult,
    boundary_geojson: dict,
    bounds,
    t: Callable[..., str],
    basemap: Basemap = Basemap(),
    view_key: str = "",
) -> dict[str, Any]:
    """The target, its buffer and the control area, with a legend saying which is which."""
    layers, traces = [], []
    # The target is an operation's area as stored: drawn within the vertex budget, like every record a map shows.
    drawn = drawn_shapes(result.areas.geometry.to_numpy())
    for row, shape in zip(result.areas.itertuples(), drawn):
        shapes = gpd.GeoSeries([shape], crs=result.areas.crs)
        layers.append(fill_layer(_features(shapes), AREA_COLOURS[row.area], 0.15 if row.area == "control" else 0.35))
        layers.append(line_layer(_features(shapes), AREA_COLOURS[row.area], 2))
        lon, lat = _centres(gpd.GeoDataFrame(geometry=[shapely.point_on_surface(row.geometry)], crs=result.areas.crs))
        traces.append(
            {
                "type": "scattermap",
                "lon": lon,
                "lat": lat,
                "mode": "markers",
                "name": t(f"effect.{row.area}"),
                "marker": {"size": 12, "color": AREA_COLOURS[row.area]},
                "hoverinfo": "name",
                "showlegend": True,
            }
        )
    return _map(traces, layers, boundary_geojson, bounds, basemap, view_key, t("effect.areas"), t)


def intervention_chart(result: InterventionResult, t: Callable[..., str]) -> dict[str, Any]:
    """Reports per month in each area, the intervention date marked."""
    traces = []
    for area in ("target", "buffer", "control"):
        part = result.series[result.series["area"] == area]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": t(f"effect.{area}"),
                "x": [m.isoformat() for m in part["month"]],
                "y": part["count"].tolist(),
                "line": {"color": AREA_COLOURS[area], "width": 3 if area == "target" else 2},
                "yaxis": "y2" if area == "control" else "y",
            }
        )
    when = result.date.isoformat()
    return {
        "data": traces,
        "layout": {
            "margin": {"l": 50, "r": 60, "t": MODEBAR_MARGIN + 26, "b": 40},
            "height": 340,
            # No x-axis title: the ticks name the months, and on a phone a title would sit on the legend.
            "xaxis": {"type": "date"},
            "yaxis": {
                "title": {"text": t("effect.reports_target_buffer")},
                "rangemode": "tozero",
                "separatethousands": True,
            },
            "yaxis2": {
                "title": {"text": t("effect.reports_control")},
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
                "tickmode": "auto",  # its own whole-number ticks, not the left axis's lines (4,33, 8,67)
                "separatethousands": True,
                "showgrid": False,
            },
            "shapes": [
                {
                    "type": "line",
                    "x0": when,
                    "x1": when,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#1b1f24", "dash": "dash", "width": 2},
                }
            ],
            "annotations": [
                {
                    "x": when,
                    "y": 1.05,
                    "yref": "paper",
                    "text": t("effect.date_marker", date=when),
                    "showarrow": False,
                    "font": {"size": 13},
                }
            ],
            "legend": {"orientation": "h", "y": -0.25},
            "font": {"family": FONT_FAMILY},
            "separators": separators(t),
        },
    }


# The goal charts' areas: each line stands out from white by at least 3:1 (WCAG 1.4.11) and from its own interval
# band (the same colour at GOAL_BAND_OPACITY over white) by at least 4:1; the band's edges are dotted lines in the
# area's colour, so the interval reads at 3:1 too. Okabe–Ito's blue, then colours colour-blind readers keep apart.
GOAL_COLOURS = ("#0072B2", "#B2182B", "#00735c", "#5B2A86", "#8A5A00")
GOAL_BAND_OPACITY = 0.15
GOAL_MARK_COLOUR = "#1b1f24"  # the baseline year's and the breaks' lines and words


def _decimals(value: float, most: int = 2) -> int:
    """The fewest decimals (up to ``most``) that show a survey value as measured: 2 → 0, 2.25 → 2, 1.6667 → 2."""
    return next((d for d in range(most) if round(value, d) == round(value, most)), most)


def survey_value(value: float, lang: str) -> str:
    """A survey indicator's value as the survey gave it, in the reader's language: "2,6", "1 660", "0,25".

    >>> survey_value(2.6, "sv"), survey_value(1660.0, "sv"), survey_value(1712.5, "en")
    ('2,6', '1\\xa0660', '1,712.5')
    """
    return number(value, lang, _decimals(value))


def survey_change(value: float, lang: str) -> str:
    """A change of a survey value with its sign: "−0,5", "+52,5"."""
    return signed(value, lang, _decimals(value))


def _unit(kind: str | None, lang: str) -> str:
    """What follows a value of ``kind``: a share's per cent sign (Swedish with a non-breaking space before it)."""
    if kind != "share":
        return ""
    return "\u00a0%" if lang == "sv" else "%"


def indicator_value(value: float, kind: str | None, lang: str) -> str:
    """A survey value with its unit: a share "16,3 %" / "16.3%", an index or a mean "2,14"."""
    return survey_value(value, lang) + _unit(kind, lang)


def _interval_digits(value: float, kind: str | None) -> int:
    # The same decimals for every interval of an indicator: a share's per cent with one, an index's or a mean's
    # with two; an undescribed one's as finely as its value, at least one.
    return {"share": 1, "index": 2, "mean": 2}.get(kind or "", max(1, _decimals(value)))


def indicator_interval(value: float, low: float | None, high: float | None, kind: str | None, lang: str) -> str | None:
    """A value's 95 % interval with its unit, "20,2–25,2 %", or None where it is unknown."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return None
    return number_range(float(low), float(high), lang, _interval_digits(value, kind)) + _unit(kind, lang)


def _area_name(part: pd.DataFrame, area: object) -> str:
    # A survey file's words: shown as text in the legend and the hover (dashboard.text).
    return plain(part["area_name"].dropna().iloc[0] if part["area_name"].notna().any() else area)


def _hover(t: Callable[..., str], rows: pd.DataFrame, kind: str | None, lang: str) -> list[list[str]]:
    """Per row: its value, its interval (or that it is unknown) and its number of answers, as the reader writes them."""
    data = []
    for row in rows.itertuples(index=False):
        interval = indicator_interval(row.value, row.low, row.high, kind, lang)
        n = None if row.n is None or pd.isna(row.n) else int(row.n)
        data.append(
            [
                indicator_value(row.value, kind, lang),
                t("goals.hover_interval", interval=interval) if interval else t("goals.hover_no_interval"),
                t("goals.hover_n", n=number(n, lang)) if n is not None else t("goals.hover_no_n"),
            ]
        )
    return data


def _band_pieces(rows: pd.DataFrame) -> list[pd.DataFrame]:
    """The runs of consecutive rows whose interval is known: a band is drawn over each run, never across a gap."""
    known = rows["low"].notna() & rows["high"].notna()
    runs = (known != known.shift()).cumsum()
    return [part for _, part in rows[known].groupby(runs[known], sort=True)]


def _rgba(colour: str, opacity: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {opacity})"


def _value_axis(trend: GoalTrend, t: Callable[..., str]) -> dict[str, Any]:
    indicator = trend.indicator
    axis: dict[str, Any] = {"separatethousands": True, "automargin": True}
    if indicator.kind == "share":
        axis.update(
            title={"text": t("goals.axis_share")}, ticksuffix=_unit("share", figure_lang(t)), rangemode="tozero"
        )
    elif indicator.scale is not None:
        low, high = indicator.scale
        axis["title"] = {
            "text": t("goals.axis_scale", low=number(low, figure_lang(t)), high=number(high, figure_lang(t)))
        }
    else:
        axis["title"] = {"text": t("goals.axis_value")}
    return axis


def _year_range(series: pd.DataFrame, baseline: int | None) -> list[float] | None:
    """The chart's years: the series' and the baseline year (marked even where the series has no value for it)."""
    if series.empty:
        return None
    years = [int(series["year"].min()), int(series["year"].max()), *([baseline] if baseline else [])]
    return [min(years) - 0.5, max(years) + 0.5]


def goal_chart(trend: GoalTrend, t: Callable[..., str]) -> dict[str, Any]:
    """The indicator per area and year with its 95 % interval as a band, the baseline year and the breaks marked.

    Everyone's results (group "all") only; a line and its band are drawn within one ``segment`` of the series
    (never across a series break), the break itself a dashed line between the two years.
    """
    lang = figure_lang(t)
    kind = trend.indicator.kind
    hover = "%{fullData.name}, %{x}: %{customdata[0]}<br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>"
    traces: list[dict[str, Any]] = []
    everyone = trend.series[trend.series["group"] == ALL] if trend.has_data else trend.series
    for i, (area, part) in enumerate(everyone.groupby("area_id", sort=True)):
        name, colour = _area_name(part, area), GOAL_COLOURS[i % len(GOAL_COLOURS)]
        for j, (segment, rows) in enumerate(part.groupby("segment", sort=True)):
            rows = rows.sort_values("year")
            for piece in _band_pieces(rows):
                years = piece["year"].tolist()
                traces.append(
                    {
                        "type": "scatter",
                        "mode": "lines",
                        "name": t("goals.band_name", area=name),
                        "legendgroup": str(area),
                        "showlegend": False,
                        "hoverinfo": "skip",
                        "x": years + years[::-1],
                        "y": piece["high"].astype(float).tolist() + piece["low"].astype(float).tolist()[::-1],
                        "fill": "toself",
                        "fillcolor": _rgba(colour, GOAL_BAND_OPACITY),
                        "line": {"color": colour, "width": 1, "dash": "dot"},
                        "meta": {"role": "band", "area": str(area), "segment": int(segment)},
                    }
                )
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": name,
                    "legendgroup": str(area),
                    "showlegend": j == 0,
                    "x": rows["year"].astype(int).tolist(),
                    "y": rows["value"].astype(float).tolist(),
                    "line": {"color": colour, "width": 3},
                    "marker": {"color": colour, "size": 8},
                    "customdata": _hover(t, rows, kind, lang),
                    "hovertemplate": hover,
                    "meta": {"role": "line", "area": str(area), "segment": int(segment)},
                }
            )
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    mark = {"color": GOAL_MARK_COLOUR, "width": 1.5}
    if trend.baseline_year:
        shapes.append(
            {
                "type": "line",
                "x0": trend.baseline_year,
                "x1": trend.baseline_year,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {**mark, "dash": "dot"},
            }  # fmt: skip
        )
        annotations.append(
            {
                "x": trend.baseline_year,
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "xanchor": "left",
                "text": t("goals.baseline_marker", year=trend.baseline_year),
                "showarrow": False,
                "font": {"size": 12, "color": GOAL_MARK_COLOUR},
            }  # fmt: skip
        )
    for row in trend.breaks.itertuples(index=False):
        reason = row.break_reason if isinstance(row.break_reason, str) and row.break_reason else None
        between = int(row.year) - 0.5
        shapes.append(
            {
                "type": "line",
                "x0": between,
                "x1": between,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {**mark, "dash": "dash"},
            }  # fmt: skip
        )
        annotations.append(
            {
                "x": between,
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "xanchor": "right",
                "text": t("goals.break_marker", year=int(row.year)),
                "hovertext": t(
                    "goals.break_note",
                    year=int(row.year),
                    reason=plain(reason) if reason else t("goals.break_no_reason"),
                ),
                "showarrow": False,
                "font": {"size": 12, "color": GOAL_MARK_COLOUR},
            }  # fmt: skip
        )
    return {
        "data": traces,
        "layout": {
            "margin": {"l": 50, "r": 20, "t": MODEBAR_MARGIN + 20, "b": 40},
            "height": 320,
            "shapes": shapes,
            "annotations": annotations,
            # The ticks are years (a title would sit on the legend on a phone); the range is the series' years, so
            # that the words over the marks never widen it.
            "xaxis": {"dtick": 1, "range": _year_range(everyone, trend.baseline_year)},
            "yaxis": _value_axis(trend, t),
            "legend": {"orientation": "h", "y": -0.2},
            "hovermode": "closest",
            "font": {"family": FONT_FAMILY},
            "separators": separators(t),
        },
    }


def goal_groups_chart(trend: GoalTrend, area: str, t: Callable[..., str]) -> dict[str, Any]:
    """The latest year's value per group of respondents in ``area``, a dot with its 95 % interval as error bars.

    The groups read down the chart (everyone first, then women, men and the age bands), so that their names fit
    on a phone.
    """
    lang = figure_lang(t)
    kind = trend.indicator.kind
    rows = latest_per_group(trend, area)
    labels = [plain(group_label(g, lang)) for g in rows["group"]]
    values = rows["value"].astype(float).tolist()
    plus = [None if pd.isna(h) else float(h) - v for h, v in zip(rows["high"], values, strict=True)]
    minus = [None if pd.isna(lo) else v - float(lo) for lo, v in zip(rows["low"], values, strict=True)]
    trace = {
        "type": "scatter",
        "mode": "markers",
        "name": _area_name(rows, area) if not rows.empty else plain(area),
        "x": values,
        "y": labels,
        "marker": {"color": GOAL_COLOURS[0], "size": 11, "symbol": "diamond"},
        "error_x": {
            "type": "data",
            "symmetric": False,
            "array": [0 if p is None else p for p in plus],
            "arrayminus": [0 if m is None else m for m in minus],
            "color": GOAL_COLOURS[0],
            "thickness": 2,
            "width": 6,
        },
        "customdata": _hover(t, rows, kind, lang),
        "hovertemplate": "%{y}: %{customdata[0]}<br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>",
    }
    axis = _value_axis(trend, t)
    return {
        "data": [trace],
        "layout": {
            "margin": {"l": 10, "r": 20, "t": MODEBAR_MARGIN, "b": 40},
            "height": 120 + 34 * len(labels),
            "xaxis": axis,
            "yaxis": {"autorange": "reversed", "automargin": True, "type": "category"},
            "showlegend": False,
            "font": {"family": FONT_FAMILY},
            "separators": separators(t),
        },
    }


def latest_per_group(trend: GoalTrend, area: str) -> pd.DataFrame:
    """``area``'s rows of its latest year with groups, one per group in the groups' order."""
    part = trend.series[trend.series["area_id"] == area]
    grouped = part[part["group"] != ALL]
    if grouped.empty:
        return part.iloc[:0]
    year = int(grouped["year"].max())
    rows = part[part["year"] == year].copy()
    rows["order"] = rows["group"].map(group_order)
    return rows.sort_values("order", ignore_index=True).drop(columns="order")


def goal_group_areas(trend: GoalTrend) -> list[str]:
    """The areas whose series has groups besides everyone, in the series' order."""
    if not trend.has_data:
        return []
    grouped = trend.series[trend.series["group"] != ALL]
    return list(dict.fromkeys(grouped["area_id"]))


def goal_reports_chart(trend: GoalTrend, t: Callable[..., str]) -> dict[str, Any]:
    """The unsafe-place reports of the goal's categories per year; a year with a count withheld from the public
    ("fewer than 5") is written on the chart instead of a bar."""
    reports = trend.reports
    assert reports is not None
    lang = figure_lang(t)
    years = sorted(reports.counts)
    counts = [reports.counts[y] for y in years]
    few = t("goals.reports_few", min=reports.min_count)
    trace = {
        "type": "bar",
        "name": t("analysis.reports"),
        "x": years,
        "y": [0 if c is None else c for c in counts],
        "text": [few if c is None else number(c, lang) for c in counts],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": SAFETY_COLOURS["unsafe"]},
        "hovertemplate": "%{x}: %{text}<extra></extra>",
    }
    return {
        "data": [trace],
        "layout": {
            "margin": {"l": 50, "r": 10, "t": MODEBAR_MARGIN + 10, "b": 40},
            "height": 260,
            "xaxis": {"dtick": 1, "type": "category"},
            "yaxis": {
                "title": {"text": t("analysis.reports")},
                "rangemode": "tozero",
                "separatethousands": True,
                "tickformat": ",d",
            },
            "showlegend": False,
            "font": {"family": FONT_FAMILY},
            "separators": separators(t),
        },
    }


def breakdown_chart(counts: SafetyCounts, t: Callable[..., str]) -> dict[str, Any]:
    """Unsafe and safe places side by side per respondent gender or age band (``counts.field``).

    The records that do not say are left out of the bars (reports from other sources than a survey would dwarf
    the comparison); the table beside the chart counts them.
    """
    keys = [key for key in counts.keys if key != NOT_STATED]
    labels = [plain(t(f"{counts.field}.{key}")) for key in keys]
    traces = [
        {
            "type": "bar",
            "name": t(f"analysis.{kind}_places"),
            "x": labels,
            "y": [int(part[key]) for key in keys],
            "marker": {"color": SAFETY_COLOURS[kind]},
            "hovertemplate": "%{x}: %{y}<extra>" + t(f"analysis.{kind}_places") + "</extra>",
        }
        for kind, part in (("unsafe", counts.unsafe), ("safe", counts.safe))
    ]
    return {
        "data": traces,
        "layout": {
            "barmode": "group",
            "margin": {"l": 50, "r": 10, "t": MODEBAR_MARGIN + 10, "b": 40},
            "height": 300,
            "yaxis": {
                "title": {"text": t("analysis.reports")},
                "rangemode": "tozero",
                "separatethousands": True,
                "tickformat": ",d",
            },
            "xaxis": {"automargin": True},
            "legend": {"orientation": "h", "y": -0.25},
            "font": {"family": FONT_FAMILY},
            "separators": separators(t),
        },
    }
