"""The standalone map for citizen dialogues: one HTML file that opens with the network off.

:func:`build_standalone_map` returns a complete HTML document: Leaflet (vendored
from npm in ``assets/vendor/leaflet/``) and every style are inlined, nothing is
loaded from a CDN. A local basemap file's tiles of the municipality are embedded in the page (at
most :data:`EMBED_BUDGET` bytes of images, whole zoom levels from 8 up, the deepest only around the data); otherwise map tiles from
a tile server are used only when a probe tile loads. The
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

- this module: :func:`build_standalone_map`, which puts the pieces together; what
  either variant shows (records, or counts per hexagon) is decided by
  :func:`geodata.views.standalone.standalone_view`;
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

import datetime as dt
from pathlib import Path

import folium

from dashboard.figures.style import BOUNDARY_COLOUR
from dashboard.i18n import language
from dashboard.settings import OSM_TILES
from dashboard.standalone.elements import (
    CountLabels,
    Document,
    EmbeddedTiles,
    Html,
    InlineLeaflet,
    MetricScale,
    OfflineMap,
    PageStyle,
    TileProbe,
    TogglesInLegend,
)
from dashboard.standalone.layers import public_layers, record_layers
from dashboard.standalone.legend import legend
from dashboard.standalone.panel import panel
from dashboard.standalone.words import Words
from geodata import LayerQuery, Store, clock, municipality_geojson, pledge_progress
from geodata.analysis.indicators import goal_trends
from geodata.basemap import area_tiles, open_basemap
from geodata.views.standalone import standalone_view

__all__ = ["EMBED_BUDGET", "EMBED_ZOOMS", "OSM_ATTRIBUTION", "OSM_TILES", "build_standalone_map"]

OSM_ATTRIBUTION = "© OpenStreetMap-bidragsgivare"
# A local basemap's tiles in the page: at most 6 MiB of images (about 8 MiB as base64 in the HTML), whole zoom
# levels from 8 (a municipality on a screen) to 16 (streets and their names), lowest first: over the whole
# municipality while they fit, then only around what the map shows (geodata.basemap.area_tiles).
EMBED_BUDGET = 6 * 1024 * 1024
EMBED_ZOOMS = range(8, 17)


def build_standalone_map(
    store: Store,
    pledge_id: str,
    *,
    public: bool = False,
    presentation: bool = False,
    contact: str | None = None,
    today: dt.date | None = None,
    tiles: str | None = None,
    query: LayerQuery | None = None,
    include_internal: bool = False,
    lang: str = "sv",
    tiles_attribution: str = OSM_ATTRIBUTION,
    basemap: Path | None = None,
    embed_budget: int = EMBED_BUDGET,
    period: str | None = None,
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
    presentation : bool
        Laid out for a room (``/present``): text of at least 28 px, each promise's progress and the map
        on one screen at 1280×720 and larger, the promises' full texts further down the panel. With
        ``public``, every layer is counted on the coarser presentation grid
        (:data:`geodata.views.public.PRESENT_HEX_M`, the same minimum count) and every unsafe-place count is
        written on its cell whatever the screen; the areas keep their symbols without numbers, the legend
        is short (no layer toggles) and says what the number counts.
    contact : str, optional
        Where the accessibility statement at the panel's foot tells readers to report a problem
        (``PLEDGEMAP_ACCESSIBILITY_CONTACT``); without it the statement shows a marked placeholder.
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
        What either variant shows, and when the full one is drawn as counts, is
        :func:`geodata.views.standalone.standalone_view`.
    lang : str
        ``"sv"`` (default) or ``"en"``.
    tiles_attribution : str
        The attribution shown with the tiles (a local basemap's own, if it has one, instead).
    basemap : Path, optional
        A local MBTiles or PMTiles file of raster tiles: its tiles over the
        municipality are embedded in the page (whole zoom levels of
        :data:`EMBED_ZOOMS`, at most ``embed_budget`` bytes of images; the
        deepest that fit only around the data), so the map has streets and
        names with the network off; ``tiles`` is then not used.
    period : str, optional
        The public variant's period: one of the pledge's fixed periods
        (:func:`geodata.views.public.public_periods_of`: ``"all"``, ``"2024-Q1"``, ``"2024-03"``), the whole
        period if not given. The public variant reads no ``query``: no date of a caller's narrows it.
    """
    if tiles is not None and not all(part in tiles for part in ("{z}", "{x}", "{y}")):
        raise ValueError(f"tiles must be a URL template with {{z}}, {{x}} and {{y}}, got {tiles!r}")
    view = standalone_view(
        store,
        pledge_id,
        query,
        public=public,
        include_internal=include_internal,
        presentation=presentation and public,
        period=period,
    )
    lang = language(lang)
    today = today or clock.today()
    pledge = store.get_pledge(pledge_id)
    progress = pledge_progress(store, pledge, today)
    trends = goal_trends(store, pledge)
    words = Words(lang)

    boundary, bounds = municipality_geojson(pledge.municipality.code)
    fmap = OfflineMap(
        location=[(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2],
        tiles=None,
        zoom_start=11,
        control_scale=False,  # MetricScale below: metres only
    )
    document = Document(lang=lang, title=pledge.title, presentation=presentation)
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
    if view.counts is not None:
        entries = public_layers(fmap, view.counts, words, presentation and public)
        CountLabels(every=presentation and public).add_to(fmap)
    else:
        assert view.records is not None  # a view without counts has the records
        entries = record_layers(fmap, view.records, words, include_internal)
    demo = view.demo or pledge.demo
    if not (presentation and public):  # a room reads the map, nobody clicks its toggles
        folium.LayerControl(position="topright", collapsed=False).add_to(fmap)
        TogglesInLegend().add_to(fmap)  # beside the map, not over it
    # Open on the data (the whole municipality if there is none), clear of the legend on the right.
    west, south, east, north = fmap.data_bounds or bounds
    fmap.fit_bounds(
        [[south, west], [north, east]],
        padding_top_left=(40, 40),
        padding_bottom_right=(40, 40),  # the legend is beside the map, not over it
        max_zoom=15,
    )
    MetricScale().add_to(fmap)
    if basemap is not None:
        tile_file = open_basemap(basemap)
        west, south, east, north = bounds  # the municipality and a margin around it, as the map first shows it
        dx, dy = (east - west) * 0.15, (north - south) * 0.15
        area = (west - dx, south - dy, east + dx, north + dy)
        embedded = area_tiles(tile_file, area, embed_budget, EMBED_ZOOMS, around=fmap.data_points)
        if embedded.zooms or embedded.nearby_zooms:
            EmbeddedTiles(embedded, tile_file.attribution or tile_file.name or tiles_attribution, area).add_to(fmap)
    elif tiles is not None:
        TileProbe(tiles, tiles_attribution, ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)).add_to(fmap)

    note = (
        words.t("panel.aggregated", count=f"{view.in_view:,}".replace(",", "\u00a0"), limit=view.max_markers)
        if view.aggregated
        else None
    )
    document.html.add_child(
        Html(panel(pledge, progress, words, today, view.query, demo, trends, note, contact, presentation)),
        name="panel",
        index=0,
    )
    document.html.add_child(Html(legend(entries, words, demo, presentation)), name="legend")
    return document.render()
