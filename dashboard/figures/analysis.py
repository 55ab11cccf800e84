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
from dashboard.i18n import number
from geodata.analysis.getisord import CLASSES, DensitySurface, HotspotResult
from geodata.analysis.indicators import GoalTrend
from geodata.analysis.interventions import InterventionResult
from geodata.analysis.safety import NOT_STATED, SafetyCounts

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
    for row in result.areas.itertuples():
        shapes = gpd.GeoSeries([row.geometry], crs=result.areas.crs)
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


def goal_chart(trend: GoalTrend, t: Callable[..., str]) -> dict[str, Any]:
    """The indicator per area and year, the baseline year marked."""
    traces = []
    for area, part in trend.series[trend.series["group"] == "all"].groupby("area_id", sort=True):
        name = part["area_name"].dropna().iloc[0] if part["area_name"].notna().any() else area
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": str(name),
                "x": part["year"].tolist(),
                "y": part["value"].tolist(),
            }
        )
    shapes = []
    if trend.baseline_year:
        shapes.append(
            {
                "type": "line",
                "x0": trend.baseline_year,
                "x1": trend.baseline_year,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": "#1b1f24", "dash": "dot"},
            }
        )
    return {
        "data": traces,
        "layout": {
            "margin": {"l": 50, "r": 20, "t": MODEBAR_MARGIN, "b": 40},
            "height": 260,
            "shapes": shapes,
            "xaxis": {"dtick": 1},  # the ticks are years; a title would sit on the legend on a phone
            "yaxis": {"title": {"text": trend.goal.indicator}, "separatethousands": True},
            "legend": {"orientation": "h", "y": -0.3},
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
    labels = [t(f"{counts.field}.{key}") for key in keys]
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
