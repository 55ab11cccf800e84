"""The standalone map for citizen dialogues: one HTML file that opens with the network off.

:func:`build_standalone_map` returns a complete HTML document: Leaflet (vendored
from npm in ``assets/vendor/leaflet/``) and every style are inlined, nothing is
loaded from a CDN, and map tiles are used only when a probe tile loads. The
layers are toggles (Leaflet's layer control), a legend and a side panel with the
pledge, its promises and their progress are in large type for a projector.

Two variants:

- the full map (``public=False``) shows the records with their details in
  popups; internal operations stay out unless ``include_internal=True``;
- the public map (``public=True``) shows only what :mod:`geodata.views.public`
  allows: unsafe places as hexagon counts with small counts suppressed, public
  operations and inventoried sites as counts per area. No free text and no
  record of its own reaches the HTML.

The package, by what each module is:

- this module: :func:`build_standalone_map`, which puts the pieces together;
- :mod:`~dashboard.standalone.elements`: the page and the map's pieces (folium elements);
- :mod:`~dashboard.standalone.layers`: the data layers of either variant, and their legend entries;
- :mod:`~dashboard.standalone.panel` and :mod:`~dashboard.standalone.legend`: the HTML beside the map;
- :mod:`~dashboard.standalone.markup`: the Jinja2 templates in ``templates/``;
- :mod:`~dashboard.standalone.words`: the words, from the dashboard's catalogues;
- ``standalone.css``: the page's style sheet, inlined.

Every text that reaches the HTML is escaped by :func:`~dashboard.standalone.markup.text`:
the templates apply it to every value they write, and the texts Leaflet sets as
HTML from the script (tooltips, layer names, the tiles' attribution) go through
it where :mod:`~dashboard.standalone.elements` puts them. Every value put into a
script goes through :func:`~dashboard.standalone.elements.script_value`, so a
description holding ``<script>`` stays text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import folium

from dashboard.figures.style import BOUNDARY_COLOUR
from dashboard.i18n import language
from dashboard.standalone.elements import LEGEND_PX, Document, Html, InlineLeaflet, OfflineMap, PageStyle, TileProbe
from dashboard.standalone.layers import public_layers, record_layers
from dashboard.standalone.legend import legend
from dashboard.standalone.panel import panel
from dashboard.standalone.words import Words
from geodata import AccessError, LayerQuery, Store, clock, municipality_geojson, pledge_progress, readable_query
from geodata.analysis.indicators import goal_trends
from geodata.views.public import MIN_COUNT, public_view

__all__ = ["MAX_MARKERS", "OSM_ATTRIBUTION", "OSM_TILES", "build_standalone_map"]

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap-bidragsgivare"
MAX_MARKERS = 5_000  # above this many records in view, the map shows counts per hexagon


def build_standalone_map(
    store: Store,
    pledge_id: str,
    *,
    public: bool = False,
    today: dt.date | None = None,
    tiles: str | None = None,
    query: LayerQuery | None = None,
    include_internal: bool = False,
    lang: str = "sv",
    min_count: int = MIN_COUNT,
    tiles_attribution: str = OSM_ATTRIBUTION,
) -> str:
    """One self-contained HTML document: the pledge's layers on a Leaflet map, a legend and a side panel.

    Parameters
    ----------
    store : Store
        Where the pledge and its layers are read from.
    pledge_id : str
        The pledge to show; raises :class:`~geodata.errors.NotFoundError` if there is none.
    public : bool
        The public variant: aggregated counts only (see :mod:`geodata.views.public`).
    today : date, optional
        The day progress is judged on; the current date if not given.
    tiles : str, optional
        A tile URL template such as :data:`OSM_TILES`; used only if a probe tile
        loads in the browser. ``None`` draws no tiles at all.
    query : LayerQuery, optional
        Narrows the records read (the dashboard's current filters); always
        restricted to ``pledge_id``.
    include_internal : bool
        Show internal operations too (full variant only; who may is decided by the caller).
    lang : str
        ``"sv"`` (default) or ``"en"``.
    min_count : int
        The public variant's smallest count a hexagon may show.
    tiles_attribution : str
        The attribution shown with the tiles.
    """
    if public and include_internal:
        raise ValueError(
            "include_internal=True cannot be combined with public=True: the public map never shows internal operations"
        )
    if tiles is not None and not all(part in tiles for part in ("{z}", "{x}", "{y}")):
        raise ValueError(f"tiles must be a URL template with {{z}}, {{x}} and {{y}}, got {tiles!r}")
    lang = language(lang)
    today = today or clock.today()
    pledge = store.get_pledge(pledge_id)
    query = dataclasses.replace(query or LayerQuery(), pledge_id=pledge_id)
    progress = pledge_progress(store, pledge, today)
    trends = goal_trends(store, pledge)
    words = Words(lang)

    boundary, bounds = municipality_geojson(pledge.municipality.code)
    fmap = OfflineMap(
        location=[(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2],
        tiles=None,
        zoom_start=11,
        control_scale=True,
    )
    document = Document(lang=lang, title=pledge.title)
    document.add_child(fmap)
    document.header.add_child(InlineLeaflet(), name="leaflet")
    document.header.add_child(PageStyle(), name="pledgemap_css")

    folium.GeoJson(
        boundary,
        name=words.t("legend.boundary"),
        control=False,
        interactive=False,
        style_function=lambda _: {
            "color": BOUNDARY_COLOUR,
            "weight": 3,
            "fill": True,
            "fillColor": "#ffffff",
            "fillOpacity": 0.55,
        },
    ).add_to(fmap)
    # A view of more records than a browser can take as markers is drawn as counts per hexagon, like the public
    # map (every count shown: this is not the public variant), so the file stays small and opens fast.
    in_view = 0 if public else _records_in_view(store, query, include_internal)
    aggregated = in_view > MAX_MARKERS
    if public or aggregated:
        view = public_view(store, query, min_count=min_count if public or not _reads_reports(store) else 1)
        entries, demo = public_layers(fmap, view, words), view.demo
    else:
        entries, demo = record_layers(fmap, store, query, words, include_internal)
    demo = demo or pledge.demo
    folium.LayerControl(position="topright", collapsed=False).add_to(fmap)
    # Open on the data (the whole municipality if there is none), clear of the legend on the right.
    west, south, east, north = fmap.data_bounds or bounds
    fmap.fit_bounds(
        [[south, west], [north, east]],
        padding_top_left=(40, 40),
        padding_bottom_right=(LEGEND_PX + 40, 40),
        max_zoom=15,
    )
    if tiles is not None:
        TileProbe(tiles, tiles_attribution, ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)).add_to(fmap)

    note = (
        words.t("panel.aggregated", count=f"{in_view:,}".replace(",", "\u00a0"), limit=MAX_MARKERS)
        if aggregated
        else None
    )
    document.html.add_child(
        Html(panel(pledge, progress, words, today, query, demo, trends, note)), name="panel", index=0
    )
    document.html.add_child(Html(legend(entries, words, demo)), name="legend")
    return document.render()


def _reads_reports(store: Store) -> bool:
    """Whether the caller may read unsafe-place records (else even a large view keeps the public minimum counts)."""
    viewer = getattr(store, "viewer", None)
    if viewer is None:
        return True
    try:
        readable_query("unsafe_places", viewer=viewer)
    except AccessError:
        return False
    return True


def _records_in_view(store: Store, query: LayerQuery, include_internal: bool) -> int:
    total = 0
    for layer in ("unsafe_places", "inventoried_sites", "operations"):
        try:
            total += store.count(layer, readable_query(layer, query, include_internal))
        except AccessError:
            continue
    return total
