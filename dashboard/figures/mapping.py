"""From the view's state to the map figure: which records of which layers, how they are drawn."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dashboard.figures.map import Basemap, map_figure
from dashboard.figures.public_map import public_map_parts
from dashboard.i18n import translator
from dashboard.settings import Settings
from dashboard.state.view import ViewState, state_queries
from geodata import AccessError, LayerView, Store, layer_view, municipality_geojson
from geodata.views.mapview import evidence_highlight
from geodata.views.public import PublicView, aggregated_layers, aggregated_view, known_period


@dataclass(frozen=True)
class MapRequest:
    state: ViewState
    zoom: float | None = None
    view_bounds: tuple[float, float, float, float] | None = None
    tiles: bool = False
    highlight: set[str] | None = None
    width: int | None = None  # the map's width in the browser (CSS pixels), when known
    height: int | None = None  # and its height


@dataclass(frozen=True)
class DrawnMap:
    """The map figure and the domain results it was drawn from, for its table alternative to say the same."""

    figure: dict[str, Any]
    follows_view: bool  # whether a pan or zoom must redraw it
    views: dict[str, LayerView]  # the layers drawn from records (points or grid counts)
    aggregated: tuple[str, ...] = ()  # the layers drawn as the public view's counts
    public: PublicView | None = None


def draw_map(store: Store, request: MapRequest, settings: Settings) -> DrawnMap:
    """The map for ``request`` and what it shows."""
    state = request.state
    pledge = store.get_pledge(state.pledge)
    views = {}
    boundary, bounds = municipality_geojson(pledge.municipality.code)
    latitude = (bounds[1] + bounds[3]) / 2
    # A layer this role sees only aggregated (every layer, for the public) is drawn as the public view's counts.
    aggregated = aggregated_layers(store, state.layers)
    for layer, query in state_queries(state, pledge).items():
        if layer in aggregated:
            continue
        try:
            views[layer] = layer_view(store, layer, query, request.zoom, request.view_bounds, latitude=latitude)
        except AccessError:
            continue  # refused by the guard after all: nothing drawn rather than an error

    highlight = request.highlight or evidence_highlight(pledge, state.promise, views)
    basemap = Basemap.of(settings, on=request.tiles)
    t = translator(state.lang)
    public = aggregated_view(store, pledge.id, known_period(pledge, state.period)) if aggregated else None
    more = public_map_parts(public, aggregated, t, state.lang) if public is not None else ([], [])
    figure = map_figure(
        views,
        boundary,
        t,
        basemap,
        highlight,
        view_key=f"{pledge.id}",
        bounds=bounds,
        width=request.width,
        height=request.height,
        more=more,
    )
    follows = any(v.follows_the_view for v in views.values())
    return DrawnMap(figure, follows, views, tuple(aggregated), public)


def build_map(store: Store, request: MapRequest, settings: Settings) -> tuple[dict[str, Any], bool]:
    """The map figure for ``request``, and whether it follows the view (a pan or zoom must redraw it)."""
    drawn = draw_map(store, request, settings)
    return drawn.figure, drawn.follows_view


def zoom_of(relayout: dict | None) -> float | None:
    """The map's zoom after the user zoomed, from plotly's relayoutData."""
    if not relayout:
        return None
    zoom = relayout.get("map.zoom")
    return float(zoom) if isinstance(zoom, (int, float)) else None


def bounds_of(relayout: dict | None) -> tuple[float, float, float, float] | None:
    """The visible area (minlon, minlat, maxlon, maxlat) after a pan or zoom, from plotly's relayoutData."""
    corners = ((relayout or {}).get("map._derived") or {}).get("coordinates")
    if not corners:
        return None
    lons, lats = [c[0] for c in corners], [c[1] for c in corners]
    return min(lons), min(lats), max(lons), max(lats)


def selected_ids(event: dict | None) -> set[str] | None:
    """Record ids of the points in a plotly click or selection event (the first customdata value)."""
    if not event or not event.get("points"):
        return None
    ids = set()
    for point in event["points"]:
        data = point.get("customdata")
        if isinstance(data, list) and data and isinstance(data[0], str):
            ids.add(data[0])
    return ids or None
