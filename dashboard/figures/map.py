"""The map: the three layers as MapLibre traces (plotly's scatter_map), the municipality boundary, a legend.

Each layer has its own marker form, built from circles because MapLibre
draws other symbols only with a sprite sheet from a style server: unsafe
places are filled dots, inventoried sites are rings (a coloured dot with a
white centre), operations are dots on a pale halo. Colour says the category,
status or kind; safe places (a survey asks for those too) are dots with a white
ring inside, in a colour and a legend of their own. With no tiles configured, or no network, the map draws on a
plain background.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from dashboard.figures.style import (
    BOUNDARY_COLOUR,
    CATEGORY_COLOURS,
    FONT_FAMILY,
    GRID_COLOURSCALE,
    GRID_OPACITY,
    HIGHLIGHT_COLOUR,
    MODEBAR_MARGIN,
    OPERATION_COLOURS,
    SAFETY_COLOURS,
    STATUS_COLOURS,
    figure_lang,
    separators,
)
from dashboard.i18n import distance, number
from dashboard.settings import OSM_ATTRIBUTION, Settings
from dashboard.text import plain
from geodata import LayerView
from geodata.clock import LOCAL_TZ_NAME
from geodata.records import GridCounts
from geodata.vocab import SAFE


@dataclass(frozen=True)
class Basemap:
    """Raster tiles under the data, or ``None`` for a plain background (the offline path)."""

    tiles_url: str | None = None
    attribution: str = OSM_ATTRIBUTION  # plain text

    @classmethod
    def of(cls, settings: Settings, on: bool = True) -> Basemap:
        """The configured tiles (a local basemap file's route, or a tile server) if ``on``, with their attribution."""
        return cls(settings.tiles_url if on else None, settings.tiles_attribution)


# Per layer: the field that picks the colour, its colours, the catalogue group of its labels.
LAYER_STYLE = {
    "unsafe_places": ("category", CATEGORY_COLOURS, "category"),
    "inventoried_sites": ("status", STATUS_COLOURS, "status"),
    "operations": ("kind", OPERATION_COLOURS, "operation_kind"),
}


def _hover(layer: str, t: Callable[..., str]) -> str:
    if layer == "unsafe_places":
        return (
            "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>" + t("field.reported_on") + ": %{customdata[3]}"
            "<extra>" + t("layer.unsafe_places") + "</extra>"
        )
    if layer == "inventoried_sites":
        return (
            "<b>%{customdata[1]}</b>: %{customdata[2]}<br>%{customdata[3]}"
            "<extra>" + t("layer.inventoried_sites") + "</extra>"
        )
    return "<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]}<extra>" + t("layer.operations") + "</extra>"


def safe_places(frame) -> Any:
    """Which rows of an unsafe places' frame are safe places: drawn apart, in their own colour and legend."""
    return frame["safety"] == SAFE if "safety" in frame.columns else frame.index != frame.index  # none


def place_heading(category: str, safety: Any, t: Callable[..., str]) -> str:
    """How a report is named on the map and in its table: its category, a safe place's said to be one."""
    if safety == SAFE:
        return t("map.safe_place", category=t(f"category.{category}"))
    return t(f"category.{category}")


def _customdata(layer: str, frame, t: Callable[..., str]) -> list[list[str]]:
    """[id, heading, detail, when] per record: what the hover shows (the records' own words as text, see
    :mod:`dashboard.text`), and the id a click reports."""
    ids = frame["id"].tolist()
    if layer == "unsafe_places":
        safety = frame["safety"] if "safety" in frame.columns else [None] * len(frame)
        heading = [place_heading(c, s, t) for c, s in zip(frame["category"], safety)]
        detail = [plain(d) if isinstance(d, str) else "" for d in frame["description"]]
        when = frame["reported_on"].dt.strftime("%Y-%m-%d").tolist()
    elif layer == "inventoried_sites":
        heading = [t(f"site_type.{c}") for c in frame["site_type"]]
        detail = [t(f"status.{c}") for c in frame["status"]]
        when = [plain(a if isinstance(a, str) else o) for a, o in zip(frame["address"], frame["owner"])]
    else:
        heading = [t(f"operation_kind.{c}") for c in frame["kind"]]
        detail = [plain(d) if isinstance(d, str) else "" for d in frame["title"]]
        when = frame["starts_at"].dt.tz_convert(LOCAL_TZ_NAME).dt.strftime("%Y-%m-%d %H:%M").tolist()
    return [list(row) for row in zip(ids, heading, detail, when)]


def _coordinates(frame) -> dict[str, list[float]]:
    # Six decimals of a degree are about 0.1 m: enough for a map, and half the bytes of full doubles.
    return {"lat": frame["lat"].round(6).tolist(), "lon": frame["lon"].round(6).tolist()}


def _scattermap(**trace: Any) -> dict[str, Any]:
    return {"type": "scattermap", "mode": "markers", **trace}


def _point_traces(view: LayerView, t: Callable[..., str], highlight: set[str] | None) -> list[dict]:
    """Plain trace dicts: building plotly's validated objects cost most of the callback's time."""
    field, colours, group = LAYER_STYLE[view.layer]
    traces = []
    frame = view.points
    title = t(f"layer.{view.layer}")
    safe = frame[safe_places(frame)] if view.layer == "unsafe_places" else frame.iloc[:0]
    drawn = frame.drop(safe.index) if len(safe) else frame
    for code, colour in colours.items():
        subset = drawn[drawn[field] == code]
        if subset.empty:
            continue
        common = {**_coordinates(subset), "legendgroup": view.layer, "name": t(f"{group}.{code}")}
        if view.layer == "operations":  # halo first, so the dot draws on top
            traces.append(
                _scattermap(
                    **common, marker={"size": 22, "color": colour, "opacity": 0.25}, hoverinfo="skip", showlegend=False
                )
            )
        traces.append(
            _scattermap(
                **common,
                ids=subset["id"].tolist(),
                legendgrouptitle={"text": title},
                marker={"size": 13 if view.layer != "unsafe_places" else 11, "color": colour},
                customdata=_customdata(view.layer, subset, t),
                hovertemplate=_hover(view.layer, t),
                meta={"layer": view.layer, "role": "records"},
            )
        )
        if view.layer == "inventoried_sites":  # the white centre that makes a ring
            traces.append(
                _scattermap(**common, marker={"size": 6, "color": "#ffffff"}, hoverinfo="skip", showlegend=False)
            )
    if len(safe):
        traces.extend(_safe_traces(safe, t))
    if highlight:
        chosen = frame[frame["id"].isin(highlight)]
        if not chosen.empty:
            traces.insert(
                0,
                _scattermap(
                    **_coordinates(chosen),
                    marker={"size": 26, "color": HIGHLIGHT_COLOUR, "opacity": 0.9},
                    hoverinfo="skip",
                    showlegend=False,
                    meta={"role": "highlight"},
                ),
            )
    return traces


def _safe_traces(safe, t: Callable[..., str]) -> list[dict]:
    """Safe places: a dot with a white ring inside it (unlike the unsafe places' plain dots and the sites' rings),
    in a legend group of their own so that a reader tells them apart and can hide them."""
    colour = SAFETY_COLOURS[SAFE]
    common = {**_coordinates(safe), "legendgroup": "safe_places"}
    return [
        _scattermap(
            **common,
            ids=safe["id"].tolist(),
            name=t("safety.safe"),
            legendgrouptitle={"text": t("map.safe_places")},
            marker={"size": 14, "color": colour},
            customdata=_customdata("unsafe_places", safe, t),
            hovertemplate=_hover("unsafe_places", t),
            meta={"layer": "unsafe_places", "role": "records", "safety": SAFE},
        ),
        _scattermap(**common, marker={"size": 9, "color": "#ffffff"}, hoverinfo="skip", showlegend=False),
        _scattermap(**common, marker={"size": 5, "color": colour}, hoverinfo="skip", showlegend=False),
    ]


def grid_trace(grid: GridCounts, layer: str, t: Callable[..., str]) -> dict:
    """Records of ``layer`` counted per cell: a marker per cell, its size and colour by its count."""
    lang = figure_lang(t)
    largest = max(int(grid.count.max()), 1) if len(grid) else 1
    return _scattermap(
        lat=grid.lat.round(6).tolist(),
        lon=grid.lon.round(6).tolist(),
        marker={
            "size": [10 + 20 * (c / largest) ** 0.5 for c in grid.count.tolist()],
            "color": grid.count.tolist(),
            "colorscale": GRID_COLOURSCALE,
            "cmin": 0,
            "cmax": largest,
            "opacity": GRID_OPACITY,
        },
        # Each cell's words written here, where the count chooses them ("1 rapport", "2 rapporter").
        text=[t(f"map.grid_hover.{layer}", count=number(int(c), lang)) for c in grid.count.tolist()],
        name=t("map.grid_name", layer=t(f"layer.{layer}"), size=distance(grid.cell_m, lang)),
        hovertemplate="%{text}<extra></extra>",
        legendgroup=layer,
        meta={"layer": layer, "role": "grid", "cell_m": grid.cell_m},
    )


def _safe_grid_trace(view: LayerView, t: Callable[..., str]) -> dict:
    """Safe places counted per cell, apart from the unsafe ones: their own colour, legend and words."""
    grid = view.safe_grid
    lang = figure_lang(t)
    largest = max(int(grid.count.max()), 1) if len(grid) else 1
    return _scattermap(
        lat=grid.lat.round(6).tolist(),
        lon=grid.lon.round(6).tolist(),
        marker={"size": [8 + 14 * (c / largest) ** 0.5 for c in grid.count.tolist()], "color": SAFETY_COLOURS[SAFE]},
        text=[t("map.grid_hover.safe_places", count=number(int(c), lang)) for c in grid.count.tolist()],
        name=t("map.grid_name", layer=t("map.safe_places"), size=distance(grid.cell_m, lang)),
        hovertemplate="%{text}<extra></extra>",
        legendgroup="safe_places",
        meta={"layer": view.layer, "role": "grid", "cell_m": grid.cell_m, "safety": SAFE},
    )


# The legend's box at the map's right edge, its top below the modebar (MODEBAR_MARGIN): the same on every map.
LEGEND_BOX = {"bgcolor": "rgba(255,255,255,0.95)", "x": 1.0, "xanchor": "left", "y": 1.0, "font": {"size": 14}}


def raster_layer(basemap: Basemap) -> dict:
    """The basemap's tiles, under everything else."""
    return {
        "sourcetype": "raster",
        "source": [basemap.tiles_url],
        "below": "traces",
        "sourceattribution": plain(basemap.attribution),  # MapLibre shows it as HTML
    }


def fill_layer(source: dict, colour: str, opacity: float) -> dict:
    """GeoJSON polygons filled in one colour, under the markers."""
    return {
        "sourcetype": "geojson",
        "source": source,
        "type": "fill",
        "color": colour,
        "opacity": opacity,
        "below": "traces",
    }


def line_layer(source: dict, colour: str, width: float) -> dict:
    """GeoJSON lines or polygon outlines in one colour, under the markers."""
    return {
        "sourcetype": "geojson",
        "source": source,
        "type": "line",
        "color": colour,
        "line": {"width": width},
        "below": "traces",
    }


def boundary_layer(boundary_geojson: dict) -> dict:
    return line_layer(boundary_geojson, BOUNDARY_COLOUR, 2.5)


def area_layers(views: dict[str, LayerView]) -> list[dict]:
    """Polygon records (safety-walk areas, patrol areas) as outlined fills under the markers."""
    layers = []
    for view in views.values():
        if view.mode == "points" and view.areas and view.areas["features"]:
            layers.append(fill_layer(view.areas, "#0072B2" if view.layer == "operations" else "#D55E00", 0.12))
    return layers


def view_for_bounds(
    bounds: tuple[float, float, float, float], width: int = 700, height: int = 480
) -> tuple[dict[str, float], float]:
    """Centre and zoom that fit WGS84 ``bounds`` (minlon, minlat, maxlon, maxlat) in a map of the given pixels.

    >>> centre, zoom = view_for_bounds((12.29, 57.28, 12.98, 57.63))
    >>> round(centre["lon"], 3), round(zoom, 1)
    (12.635, 8.7)
    """
    minlon, minlat, maxlon, maxlat = bounds

    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_share = max(maxlon - minlon, 1e-6) / 360
    lat_share = max(mercator_y(maxlat) - mercator_y(minlat), 1e-9) / (2 * math.pi)
    zoom = min(math.log2(width / 512 / lon_share), math.log2(height / 512 / lat_share))
    centre = {"lon": (minlon + maxlon) / 2, "lat": (minlat + maxlat) / 2}
    return centre, max(0.0, zoom - 0.3)  # a little margin around the boundary


# Below this width (CSS pixels) a map is on a phone: its legend goes under the map, across its width, and the
# graph grows by the legend's height so that the map keeps MAP_HEIGHT_NARROW of its own.
NARROW_WIDTH = 700
MAP_HEIGHT_NARROW = 420
# A map whose width is not known is fitted for the narrower of the likely widths: a phone's (about 360 px inside
# the page's margins) against a desktop's 700 px, so that the whole municipality shows on either.
PHONE_MAP_WIDTH = 360
# The legends under a narrow map: a row's height, and a legend per layer, its entries in rows.
LEGEND_ROW_PX = 20
FOOT_LEGEND = {
    "bgcolor": "rgba(255,255,255,0.95)",
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "yref": "container",
    "yanchor": "top",
    "font": {"size": 13},
    # Plotly puts each legend group of a horizontal legend in a column of its own: in the order of the traces,
    # the entries fill the rows instead.
    "traceorder": "normal",
    "groupclick": "toggleitem",
    "itemclick": "toggle",
}


def narrow(width: int | None) -> bool:
    """Whether a map ``width`` pixels wide is a phone's: its legend under it, not beside it."""
    return width is not None and width < NARROW_WIDTH


# An entry's width in a foot legend (measured in Chromium at 13 px): the symbol and gaps, then per character, a
# little generous. Plotly gives every entry of a horizontal legend that does not fit on one row the widest
# entry's width, in as many columns as fit.
ENTRY_PX, CHARACTER_PX, ENTRY_GAP_PX = 42, 7.4, 6


def legend_rows(names: list[str], width: int) -> int:
    """How many rows a horizontal legend ``width`` pixels wide lays entries named ``names`` out in."""
    if not names:
        return 0
    entries = [ENTRY_PX + CHARACTER_PX * len(name) for name in names]
    if sum(entries) + ENTRY_GAP_PX * len(entries) <= width:
        return 1
    columns = max(1, int(width // (max(entries) + ENTRY_GAP_PX)))
    return -(-len(names) // columns)


def foot_legends(traces: list[dict], layout: dict[str, Any], width: int) -> int:
    """Under the map, a legend per layer (its name as the title, its entries in rows); the graph's height.

    Plotly lays a horizontal legend of several groups out as one long column, so each layer gets a legend of its
    own (``legend``, ``legend2``, …), placed one under the other in the pixels the graph is given.
    """
    groups: dict[str, list[dict]] = {}
    for trace in traces:
        if trace.get("showlegend", True) is not False and trace.get("name"):
            groups.setdefault(trace.get("legendgroup") or "", []).append(trace)
    top = MODEBAR_MARGIN + MAP_HEIGHT_NARROW
    placed = []
    for i, members in enumerate(groups.values()):
        name = "legend" if i == 0 else f"legend{i + 1}"
        title = next((tr["legendgrouptitle"]["text"] for tr in members if tr.get("legendgrouptitle")), None)
        for trace in members:
            trace.pop("legendgrouptitle", None)  # the legend's own title says it
        for trace in traces:  # the layer's unlisted traces (halos, ring centres) toggle with it
            if trace.get("legendgroup") == members[0].get("legendgroup"):
                trace["legend"] = name
        rows = legend_rows([tr["name"] for tr in members], width) + (1 if title else 0)
        placed.append((name, title, top))
        top += rows * LEGEND_ROW_PX + 8
    height = top + 8
    for name, title, at in placed:
        layout[name] = {
            **FOOT_LEGEND,
            "y": 1 - at / height,
            **({"title": {"text": title, "side": "top"}} if title else {}),
        }
    layout["margin"]["b"] = height - MODEBAR_MARGIN - MAP_HEIGHT_NARROW
    return height


def fitted_view(
    bounds: tuple[float, float, float, float], width: int | None, height: int | None
) -> tuple[dict[str, float], float]:
    """Centre and zoom that fit ``bounds`` in a map graph ``width`` × ``height`` pixels (not known: a phone's), its
    legend beside it when wide (about 260 px of its width) and under it when narrow."""
    if width is None or narrow(width):
        fit_width, fit_height = width or PHONE_MAP_WIDTH, MAP_HEIGHT_NARROW
    else:
        fit_width = max(width - 260, PHONE_MAP_WIDTH)
        fit_height = max((height or 0) - MODEBAR_MARGIN, MAP_HEIGHT_NARROW)
    return view_for_bounds(bounds, width=fit_width, height=fit_height)


def narrow_graph_height(figure: dict[str, Any]) -> int | None:
    """The height (px) a narrow map's graph needs for its map and the legends under it; None for a wide map."""
    return (figure["layout"].get("meta") or {}).get("graph_height")


def map_figure(
    views: dict[str, LayerView],
    boundary_geojson: dict,
    t: Callable[..., str],
    basemap: Basemap = Basemap(),
    highlight: set[str] | None = None,
    view_key: str = "",
    bounds: tuple[float, float, float, float] | None = None,
    width: int | None = None,
    height: int | None = None,
    more: tuple[list[dict], list[dict]] = ([], []),
) -> dict[str, Any]:
    """The map of ``views`` (one per layer shown) inside the municipality boundary.

    ``view_key`` names the view the figure belongs to: while it stays the
    same, the user's zoom and pan survive updates (plotly's ``uirevision``).
    ``bounds`` (WGS84) is what the map first shows, usually the municipality,
    fitted to a map ``width`` pixels wide (the graph's width in the browser; not
    known: fitted for a phone) and ``height`` high. Narrower than :data:`NARROW_WIDTH`, the
    legend goes under the map, in rows across its width.
    """
    traces: list[dict] = []
    for view in views.values():
        if view.mode == "points":
            traces.extend(_point_traces(view, t, highlight))
            continue
        safe = view.safe_grid is not None and len(view.safe_grid) > 0
        if len(view.grid) or not safe:  # the safe places alone: no empty count of unsafety in the legend
            traces.append(grid_trace(view.grid, view.layer, t))
        if safe:
            traces.append(_safe_grid_trace(view, t))
    traces.extend(more[0])
    if not traces:  # an empty figure still needs a map subplot to show the boundary
        traces.append(_scattermap(lat=[], lon=[], showlegend=False, hoverinfo="skip"))
    layers = [boundary_layer(boundary_geojson), *area_layers(views), *more[1]]
    if basemap.tiles_url:
        layers.insert(0, raster_layer(basemap))
    map_layout: dict[str, Any] = {"style": "white-bg", "layers": layers, "uirevision": view_key}
    if bounds is not None:
        map_layout["center"], map_layout["zoom"] = fitted_view(bounds, width, height)
    layout = {
        "map": map_layout,
        "margin": {"l": 0, "r": 0, "t": MODEBAR_MARGIN, "b": 0},
        "legend": {"groupclick": "toggleitem", **LEGEND_BOX, "itemclick": "toggle"},
        "uirevision": view_key,
        "dragmode": "pan",
        "clickmode": "event+select",
        "font": {"family": FONT_FAMILY, "size": 14},
        "separators": separators(t),
    }
    if narrow(width):
        layout["meta"] = {"graph_height": foot_legends(traces, layout, width or PHONE_MAP_WIDTH)}
    return {"data": traces, "layout": layout}


@dataclass(frozen=True)
class AssumedSize:
    """The size (CSS px) a page's first map is drawn for, before the browser has measured its graph."""

    width: int | None = None
    height: int | None = None

    def store(self, figure: dict[str, Any]) -> dict[str, Any] | None:
        """The page's size store as ``graph_size`` (assets/pledgemap.js) reads it: marked as assumed, with the
        width below which a map is a phone's and the height of the graph drawn for ``figure`` (a phone's grows by
        its legends), so that the browser keeps the first map if its graph is as assumed."""
        if self.width is None or self.height is None:
            return None
        graph_height = narrow_graph_height(figure) or self.height
        return {
            "width": self.width,
            "height": self.height,
            "graph_height": graph_height,
            "assumed": True,
            "narrow_below": NARROW_WIDTH,
        }


# The overview's grid and margins (assets/pledgemap.css): the page's content at most 96rem wide inside 1.5rem of
# padding each side (0.75rem on a phone), the filters' column 19rem and a gap of 1.5rem beside the map, and one
# column at 900 px and below; a map at least 440 px high. The root font is 18 px.
REM_PX = 18


def assumed_map_size(window: tuple[int, int] | None, height_share: float = 0.64) -> AssumedSize:
    """A map's size beside the filters' column (the overview, the overview of every pledge) in a browser window
    ``window`` (width, height) wide, as the page's CSS lays it out, the map ``height_share`` of the window high (not
    known: nothing assumed, and the browser's measure draws the map)."""
    if window is None:
        return AssumedSize()
    width, height = window
    padding = (0.75 if width <= 600 else 1.5) * REM_PX * 2
    content = min(width - padding, 96 * REM_PX)
    map_width = content if width <= 900 else content - 19 * REM_PX - 1.5 * REM_PX
    return AssumedSize(round(max(map_width, 200)), round(max(height_share * height, 440)))


def changed_triggers(triggered: Iterable[str], size_prop: str, size) -> set[str]:
    """What of a map callback's ``triggered`` props changed anything: the page's size store (``size_prop``) is no
    change while it holds the size the layout's first map was drawn for (``graph_size`` kept it), though Dash may
    name it among the triggers."""
    kept = isinstance(size, dict) and size.get("assumed") is True
    return set(triggered) - ({size_prop} if kept else set())


def pixels(size, side: str) -> int | None:
    """A graph's ``width`` or ``height`` in the browser (a page's size store, as ``graph_size`` in
    assets/pledgemap.js writes it), if it is known."""
    value = size.get(side) if isinstance(size, dict) else None
    return int(value) if isinstance(value, (int, float)) and value > 0 else None
