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

Every text that reaches the HTML goes through :func:`html.escape` (popups,
tooltips, layer names, panel and legend), and every value put into a script
through :func:`_js`, so a description holding ``<script>`` stays text.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html
import json
import math
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import shapely
import shapely.affinity
import shapely.geometry
from branca.element import Element, Figure, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from dashboard.figures.style import BOUNDARY_COLOUR, CATEGORY_COLOURS, OPERATION_COLOURS, STATUS_COLOURS
from dashboard.i18n import catalogue, language, translator
from geodata import clock
from geodata.access import AccessError, readable_query
from geodata.analysis.indicators import GoalTrend, goal_trends
from geodata.boundaries import municipality_geojson
from geodata.layers import DISPLAY_CRS, STORAGE_CRS
from geodata.model import Pledge
from geodata.store.base import LayerQuery, Store
from geodata.views.progress import PromiseProgress, pledge_progress
from geodata.views.public import LOCAL_TIMEZONE, MIN_COUNT, PublicView, public_view

VENDOR = Path(__file__).resolve().parent.parent / "assets" / "vendor" / "leaflet"  # shipped inside the package
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap-bidragsgivare"
PROBE_ZOOM = 10

# Count classes of the public hexagons, as multiples of the minimum count, and their fills (light to dark).
PUBLIC_CLASSES = (1, 2, 4)
MAX_MARKERS = 5_000  # above this many records in view, the map shows counts per hexagon
PUBLIC_FILLS = ("#fdd0a2", "#f16913", "#a63603")
AREA_OPERATIONS_COLOUR = "#0072B2"
AREA_SITES_COLOUR = "#009E73"
BACKGROUND = "#f3f1ec"
LEGEND_PX = 340  # the legend's width; the initial view keeps the data clear of it


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
    words = _Words(lang)

    boundary, bounds = municipality_geojson(pledge.municipality.code)
    fmap = _OfflineMap(
        location=[(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2],
        tiles=None,
        zoom_start=11,
        control_scale=True,
    )
    document = _Document(lang=lang, title=pledge.title)
    document.add_child(fmap)
    document.header.add_child(_InlineLeaflet(), name="leaflet")
    document.header.add_child(Element(f"<style>{_PAGE_CSS}</style>"), name="pledgemap_css")

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
        legend, demo = _public_layers(fmap, view, words), view.demo
    else:
        legend, demo = _record_layers(fmap, store, query, words, include_internal)
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
        _TileProbe(tiles, tiles_attribution, ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)).add_to(fmap)

    note = (
        words.t("panel.aggregated", count=f"{in_view:,}".replace(",", "\u00a0"), limit=MAX_MARKERS)
        if aggregated
        else None
    )
    document.html.add_child(
        Element(_panel(pledge, progress, words, today, query, demo, trends, note)), name="panel", index=0
    )
    document.html.add_child(Element(_legend(legend, words, demo)), name="legend")
    return document.render()


# --- words ----------------------------------------------------------------------------------------------


class _Words:
    """The dashboard's catalogues: this export's own words under ``standalone.``, shared ones as the pages say them."""

    PREFIX = "standalone."

    def __init__(self, lang: str):
        self.lang = lang
        self._catalogue = translator(lang)
        self._words = catalogue(lang)

    def t(self, key: str, **values: object) -> str:
        own = self.PREFIX + key
        return self._catalogue(own if own in self._words else key, **values)

    def count(self, key: str, count: int) -> str:
        """``key`` with ``count`` filled in, or its ``_one`` form for exactly one."""
        one = f"{self.PREFIX}{key}_one"
        return self.t(f"{key}_one") if count == 1 and one in self._words else self.t(key, count=count)

    def date(self, day: dt.date | pd.Timestamp) -> str:
        months = self._words[self.PREFIX + "months"].split()
        return f"{day.day} {months[day.month - 1]} {day.year}"

    def month(self, key: str) -> str:
        """``"2024-03"`` as ``"mars 2024"``."""
        year, month = key.split("-")
        return f"{self._words[self.PREFIX + 'months'].split()[int(month) - 1]} {year}"


def _e(value: object) -> str:
    """Text made safe for HTML content and attributes."""
    return html.escape(str(value), quote=True)


def _js(value: Any) -> str:
    """A JSON value safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# --- the document and its elements --------------------------------------------------------------------------


class _Document(Figure):
    """The HTML page: a language, a title and Leaflet's script before the map's."""

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="{{ this.lang }}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        "<title>{{ this.title_html }}</title>\n"
        "{{ this.header.render(**kwargs) }}\n"
        "</head>\n"
        "<body>\n"
        "{{ this.html.render(**kwargs) }}\n"
        "<script>\n"
        "{{ this.script.render(**kwargs) }}\n"
        "</script>\n"
        "</body>\n"
        "</html>\n"
    )

    def __init__(self, lang: str, title: str):
        super().__init__()
        self.lang = lang
        self.title_html = _e(title)


class _OfflineMap(folium.Map):
    """folium's map without its CDN scripts and styles; :class:`_InlineLeaflet` brings Leaflet itself.

    It also keeps the WGS84 bounds of the data drawn on it, so the view opens on the data.
    """

    default_js: list[tuple[str, str]] = []
    default_css: list[tuple[str, str]] = []

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.data_bounds: tuple[float, float, float, float] | None = None

    def extend_bounds(self, features: list[dict]) -> None:
        for feature in features:
            bounds = shapely.geometry.shape(feature["geometry"]).bounds
            old = self.data_bounds or bounds
            self.data_bounds = (
                min(old[0], bounds[0]),
                min(old[1], bounds[1]),
                max(old[2], bounds[2]),
                max(old[3], bounds[3]),
            )


def _vendor_text(name: str) -> str:
    path = VENDOR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing; the standalone map needs the vendored Leaflet (see assets/vendor/leaflet/SOURCE.md)"
        )
    return path.read_text(encoding="utf-8")


def _leaflet_css() -> str:
    def data_uri(match: re.Match) -> str:
        image = VENDOR / match.group(1)
        return f"url(data:image/png;base64,{base64.b64encode(image.read_bytes()).decode('ascii')})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, _vendor_text("leaflet.css"))


def _leaflet_js() -> str:
    # The source map is not shipped; without this line a browser's developer tools would ask for it.
    return re.sub(r"^//# sourceMappingURL=.*$", "", _vendor_text("leaflet.js"), flags=re.MULTILINE)


class _InlineLeaflet(Element):
    """Leaflet's style (its images as data URIs) and script, inlined in the page's head."""

    def render(self, **kwargs: Any) -> str:
        return f"<style>\n{_leaflet_css()}\n</style>\n<script>\n{_leaflet_js()}\n</script>"


class _TileProbe(MacroElement):
    """Adds the tile layer only if one tile (the one over the municipality at zoom 10) loads."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var probe = new Image();
            probe.onload = function () {
                L.tileLayer({{ this.template_js }}, {attribution: {{ this.attribution_js }}, maxZoom: 19})
                    .addTo({{ this._parent.get_name() }}).bringToBack();
                document.body.classList.add("pm-tiles-on");
            };
            probe.onerror = function () {
                var note = document.getElementById("pm-tiles-off");
                if (note) { note.hidden = false; }
            };
            probe.src = {{ this.probe_js }};
        })();
        {% endmacro %}
    """)

    def __init__(self, template: str, attribution: str, lonlat: tuple[float, float]):
        super().__init__()
        self._name = "TileProbe"
        x, y = _tile_xy(*lonlat, PROBE_ZOOM)
        probe = template.replace("{z}", str(PROBE_ZOOM)).replace("{x}", str(x)).replace("{y}", str(y))
        self.template_js = _js(template)
        self.attribution_js = _js(_e(attribution))  # Leaflet puts attributions into innerHTML
        self.probe_js = _js(probe.replace("{s}", "a"))


def _tile_xy(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The Web Mercator tile holding ``(lon, lat)`` at ``zoom``."""
    n = 2**zoom
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


# --- layers ---------------------------------------------------------------------------------------------

# Each feature carries only what the browser needs: its style and the popup and tooltip as escaped HTML.
_BIND = JsCode("""function (feature, layer) {
    if (feature.properties.popup) { layer.bindPopup(feature.properties.popup, {maxWidth: 460}); }
    if (feature.properties.tooltip) { layer.bindTooltip(feature.properties.tooltip, {sticky: true}); }
}""")


def _geometry(geom: Any) -> dict:
    return json.loads(shapely.to_geojson(shapely.set_precision(geom, 1e-6)))


def _feature(geom: Any, style: dict, tooltip: str, popup: str | None = None) -> dict:
    properties = {"style": style, "tooltip": tooltip}
    if popup:
        properties["popup"] = popup
    return {"type": "Feature", "geometry": _geometry(geom), "properties": properties}


def _add_layer(fmap: _OfflineMap, name: str, features: list[dict], show: bool = True) -> None:
    fmap.extend_bounds(features)
    group = folium.FeatureGroup(name=_e(name), show=show)  # Leaflet's layer control sets names as HTML
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            control=False,
            on_each_feature=_BIND,
            marker=folium.CircleMarker(radius=8),
        ).add_to(group)
    group.add_to(fmap)


def _to_display(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.to_crs(DISPLAY_CRS)


def _present(value: Any) -> bool:
    if value is None:
        return False
    try:
        return not pd.isna(value)
    except (TypeError, ValueError):
        return True


def _popup(heading: str, rows: Iterable[tuple[str, Any]], note: str | None = None) -> str:
    cells = "".join(
        f'<tr><th scope="row">{_e(label)}</th><td>{_e(value)}</td></tr>'
        for label, value in rows
        if _present(value) and str(value).strip()
    )
    extra = f'<p class="pm-popup-note">{_e(note)}</p>' if note else ""
    return f'<div class="pm-popup"><h3>{_e(heading)}</h3><table>{cells}</table>{extra}</div>'


def _day(value: Any) -> str | None:
    return pd.Timestamp(value).date().isoformat() if _present(value) else None


def _local(value: Any) -> pd.Timestamp:
    moment = pd.Timestamp(value)
    return moment.tz_convert(LOCAL_TIMEZONE) if moment.tzinfo is not None else moment


def _when(starts: Any, ends: Any) -> str | None:
    if not _present(starts):
        return None
    start = _local(starts)
    text = start.strftime("%Y-%m-%d %H:%M")
    if _present(ends):
        end = _local(ends)
        text += "–" + end.strftime("%H:%M" if end.date() == start.date() else "%Y-%m-%d %H:%M")
    return text


def _point_style(kind: str, colour: str) -> dict:
    """The marker forms the dashboard uses: filled dots, rings, dots on a pale halo."""
    if kind == "unsafe_places":
        return {"radius": 8, "color": "#1b1f24", "weight": 1.5, "fill": True, "fillColor": colour, "fillOpacity": 0.9}
    if kind == "inventoried_sites":
        return {"radius": 8, "color": colour, "weight": 5, "fill": True, "fillColor": "#ffffff", "fillOpacity": 1}
    return {
        "radius": 11,
        "color": colour,
        "weight": 7,
        "opacity": 0.35,
        "fill": True,
        "fillColor": colour,
        "fillOpacity": 1,
    }


def _area_style(colour: str) -> dict:
    return {"color": colour, "weight": 2, "fill": True, "fillColor": colour, "fillOpacity": 0.35}


def _style(layer: str, colour: str, geom: Any) -> dict:
    return _point_style(layer, colour) if geom.geom_type == "Point" else _area_style(colour)


def _record_layers(
    fmap: folium.Map, store: Store, query: LayerQuery, words: _Words, include_internal: bool
) -> tuple[list[tuple[str, list[tuple[str, str, str]]]], bool]:
    """The full variant: one toggle per layer with every record and its details; returns legend entries and demo."""
    t = words.t
    places = _to_display(store.read_layer("unsafe_places", query))
    sites = _to_display(store.read_layer("inventoried_sites", query))
    operations = _to_display(store.read_layer("operations", readable_query("operations", query, include_internal)))
    demo = any(bool(f["demo"].any()) for f in (places, sites, operations) if not f.empty)

    # Added bottom to top: areas of operations under the sites, unsafe places on top where they can be clicked.
    features = []
    for row in operations.itertuples():
        colour = OPERATION_COLOURS.get(row.kind, "#777777")
        internal = row.visibility != "public"
        features.append(
            _feature(
                row.geometry,
                _style("operations", colour, row.geometry),
                _e(t(f"operation_kind.{row.kind}")),
                _popup(
                    t(f"operation_kind.{row.kind}"),
                    [
                        (t("field.title"), row.title),
                        (t("field.when"), _when(row.starts_at, row.ends_at)),
                        (t("field.focus"), t(f"focus.{row.focus}") if _present(row.focus) else None),
                        (t("field.persons_checked"), row.persons_checked),
                        (t("field.seizures"), row.seizures),
                        (t("field.reports_filed"), row.reports_filed),
                    ],
                    note=t("visibility.internal") if internal else None,
                ),
            )
        )
    _add_layer(fmap, f"{t('layer.operations')} ({len(operations)})", features)

    features = []
    for row in places.itertuples():
        colour = CATEGORY_COLOURS.get(row.category, "#777777")
        features.append(
            _feature(
                row.geometry,
                _style("unsafe_places", colour, row.geometry),
                _e(t(f"category.{row.category}")),
                _popup(
                    t(f"category.{row.category}"),
                    [
                        (t("field.source"), t(f"source.{row.source}")),
                        (t("field.reported_on"), _day(row.reported_on)),
                        (
                            t("field.time_of_day"),
                            t(f"time_of_day.{row.time_of_day}") if _present(row.time_of_day) else None,
                        ),
                        (t("field.report_count"), row.report_count),
                        (t("field.description"), row.description),
                    ],
                ),
            )
        )
    _add_layer(fmap, f"{t('layer.unsafe_places')} ({len(places)})", features)

    features = []
    for row in sites.itertuples():
        colour = STATUS_COLOURS.get(row.status, "#777777")
        features.append(
            _feature(
                row.geometry,
                _style("inventoried_sites", colour, row.geometry),
                _e(f"{t(f'site_type.{row.site_type}')}: {t(f'status.{row.status}')}"),
                _popup(
                    t(f"site_type.{row.site_type}"),
                    [
                        (t("field.status"), t(f"status.{row.status}")),
                        (t("field.owner"), row.owner),
                        (t("field.address"), row.address),
                        (t("field.property_designation"), row.property_designation),
                        (t("field.inspected_on"), _day(row.inspected_on)),
                        (t("field.measure"), row.measure),
                        (t("field.due_on"), _day(row.due_on)),
                    ],
                ),
            )
        )
    _add_layer(fmap, f"{t('layer.inventoried_sites')} ({len(sites)})", features)

    legend = [
        (
            t("layer.unsafe_places"),
            [
                ("dot", CATEGORY_COLOURS[c], t(f"category.{c}"))
                for c in CATEGORY_COLOURS
                if c in set(places.get("category", ()))
            ],
        ),
        (
            t("layer.inventoried_sites"),
            [
                ("ring", STATUS_COLOURS[s], t(f"status.{s}"))
                for s in STATUS_COLOURS
                if s in set(sites.get("status", ()))
            ],
        ),
        (
            t("layer.operations"),
            [
                ("halo", OPERATION_COLOURS[k], t(f"operation_kind.{k}"))
                for k in OPERATION_COLOURS
                if k in set(operations.get("kind", ()))
            ],
        ),
    ]
    notes = [t("legend.internal_shown") if include_internal else t("legend.internal_hidden")]
    return [*legend, ("", [("note", "", n) for n in notes])], demo


def _public_layers(fmap: folium.Map, view: PublicView, words: _Words) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The public variant: hexagon counts only; returns the legend entries."""
    t = words.t
    places = view.unsafe_places
    bounds = [places.min_count * k for k in PUBLIC_CLASSES]

    def fill(count: int) -> str:
        return PUBLIC_FILLS[sum(count >= b for b in bounds) - 1]

    # Added bottom to top: the large areas under the small hexagons, so every hexagon can be pointed at.
    by_area: dict[tuple[int, int], list] = {}
    for row in view.operations.rows:
        by_area.setdefault((row.q, row.r), []).append(row)
    features = []
    for rows in by_area.values():
        total = sum(r.count for r in rows)
        lines = [
            t(
                "public.operations_month",
                month=words.month(r.month),
                count=r.count,
                kind=t(f"operation_kind.{r.kind}").lower(),
            )
            for r in rows
        ]
        popup = (
            f'<div class="pm-popup"><h3>{_e(words.count("public.operations_tooltip", total))}</h3><ul>'
            + "".join(f"<li>{_e(line)}</li>" for line in lines)
            + "</ul></div>"
        )
        features.append(
            _feature(
                _wgs84(rows[0].polygon),
                {
                    "color": AREA_OPERATIONS_COLOUR,
                    "weight": 4,
                    "dashArray": "10 6",
                    "fillColor": AREA_OPERATIONS_COLOUR,
                    "fillOpacity": 0.08,
                },
                _e(words.count("public.operations_tooltip", total)),
                popup,
            )
        )
    _add_layer(fmap, t("public.operations_layer"), features)

    features = []
    for cell in view.sites.cells:
        # Drawn smaller than the area so it does not hide the operations' outline on the same grid.
        inner = shapely.affinity.scale(cell.polygon, 0.45, 0.45, origin="centroid")
        features.append(
            _feature(
                _wgs84(inner),
                _area_style(AREA_SITES_COLOUR),
                _e(t("public.sites_tooltip", sites=cell.sites)),
                f'<div class="pm-popup"><p>{_e(t("public.sites_popup", sites=cell.sites, inspected=cell.inspected, fixed=cell.fixed))}</p></div>',
            )
        )
    _add_layer(fmap, t("public.sites_layer"), features)

    features = [
        _feature(
            _wgs84(cell.polygon),
            {"color": "#5a2a00", "weight": 1, "fillColor": fill(cell.count), "fillOpacity": 0.8},
            _e(words.count("public.places_tooltip", cell.count)),
        )
        for cell in places.cells
    ]
    _add_layer(fmap, t("public.places_layer"), features)

    classes = []
    for i, low in enumerate(bounds):
        label = (
            t("public.places_class", low=low, high=bounds[i + 1] - 1)
            if i + 1 < len(bounds)
            else t("public.places_top", low=low)
        )
        classes.append(("hex", PUBLIC_FILLS[i], label))
    suppressed = (
        t("public.suppressed", min=places.min_count, count=places.suppressed_reports)
        if places.suppressed_reports
        else t("public.none_suppressed", min=places.min_count)
    )
    return [
        (t("public.places_layer"), [*classes, ("note", "", suppressed)]),
        (t("public.operations_layer"), [("outline", AREA_OPERATIONS_COLOUR, t("layer.operations"))]),
        (
            t("public.sites_layer"),
            [
                ("area", AREA_SITES_COLOUR, t("layer.inventoried_sites")),
                ("note", "", t("public.sites_suppressed", min=view.sites.min_count)),
            ],
        ),
        ("", [("note", "", t("public.note")), ("note", "", t("legend.internal_hidden"))]),
    ]


def _wgs84(geom: Any) -> Any:
    return gpd.GeoSeries([geom], crs=STORAGE_CRS).to_crs(DISPLAY_CRS).iloc[0]


# --- panel and legend -------------------------------------------------------------------------------------


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


def _panel(
    pledge: Pledge,
    progress: list[PromiseProgress],
    words: _Words,
    today: dt.date,
    query: LayerQuery,
    demo: bool,
    trends: list[GoalTrend] = (),
    note: str | None = None,
) -> str:
    t = words.t
    parts = ['<aside class="pm-panel" id="pm-panel">']
    if demo:
        text = t("demo.records") + (" " + t("demo.pledge") if pledge.demo else "")
        parts.append(f'<p class="pm-demo" role="note"><strong>{_e(t("demo.label"))}</strong> {_e(text)}</p>')
    parts.append(f"<h1>{_e(pledge.title)}</h1>")
    parts.append('<dl class="pm-facts">')
    for label, value in (
        (t("pledge.period"), f"{words.date(pledge.period.start)} – {words.date(pledge.period.end)}"),
        (t("pledge.municipality"), pledge.municipality.name),
        (t("panel.police_area"), pledge.police_area.name),
        (t("pledge.focus"), pledge.focus),
    ):
        parts.append(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>")
    parts.append("</dl>")

    parts.append(f"<h2>{_e(t('pledge.promises'))}</h2>")
    parts.append(f'<p class="pm-as-of">{_e(t("panel.as_of", date=words.date(today)))}</p><ol class="pm-promises">')
    for p in progress:
        if p.target:
            figure = t("progress.of", delivered=p.delivered, target=p.target)
            share = min(1.0, p.delivered / p.target)
            bar = (
                f'<div class="pm-bar" role="img" aria-label="'
                f'{_e(t("progress.bar_label", delivered=p.delivered, target=p.target, elapsed=round(100 * p.elapsed_share)))}">'
                f'<div class="pm-bar-fill pm-status-{_e(p.status)}" style="width:{100 * share:.0f}%"></div>'
                f'<div class="pm-bar-time" style="left:{100 * p.elapsed_share:.0f}%"></div></div>'
            )
        else:
            figure, bar = t("progress.count", delivered=p.delivered), ""
        parts.append(
            f'<li class="pm-promise"><p class="pm-kind">{_e(t(f"promise_kind.{p.promise.kind}"))}</p>'
            f'<p class="pm-promise-text">{_e(p.promise.text)}</p>'
            f'<p class="pm-progress"><span class="pm-figure">{_e(figure)}</span> '
            f'<span class="pm-status pm-status-{_e(p.status)}">{_e(t(f"progress.status.{p.status}"))}</span></p>'
            f"{bar}</li>"
        )
    parts.append("</ol>")

    if pledge.goals:
        parts.append(f'<h2>{_e(t("pledge.goals"))}</h2><ul class="pm-goals">')
        by_goal = {trend.goal.id: trend for trend in trends}
        for goal in pledge.goals:
            parts.append(f"<li>{_e(goal.text)}{_goal_trend(by_goal.get(goal.id), words)}</li>")
        parts.append("</ul>")
    footer = [note] if note else []
    if query.start or query.end:
        start = words.date(query.start) if query.start else words.date(pledge.period.start)
        end = words.date(query.end) if query.end else words.date(pledge.period.end)
        footer.append(t("panel.map_shows", start=start, end=end))
    if pledge.source:
        footer.append(t("pledge.source", source=pledge.source))
    footer.append(t("panel.made_with"))
    parts.append("<footer>" + "".join(f"<p>{_e(line)}</p>" for line in footer) + "</footer>")
    parts.append(f'<p class="pm-tiles-off" id="pm-tiles-off" hidden>{_e(t("tiles.off"))}</p>')
    parts.append("</aside>")
    return "".join(parts)


def _goal_trend(trend: GoalTrend | None, words: _Words) -> str:
    """The goal's survey indicator, baseline against latest per area: the same numbers as the pledge page."""
    if trend is None or trend.verdict in ("no_indicator", "no_data"):
        return ""
    t = words.t
    better = t(f"goals.better_{trend.goal.better}") if trend.goal.better else t("goals.better_none")
    summary = t(
        "goals.summary",
        indicator=trend.goal.indicator,
        baseline=trend.baseline_year,
        latest=trend.latest_year,
        verdict=t(f"goals.verdict_{trend.verdict}"),
        better=better,
    )
    rows = "".join(
        f"<li>{_e(row.area_name)}: {row.baseline:g} → {row.latest:g} ({row.latest_year}), "
        f"{_e(t(f'goals.verdict_{row.verdict}'))}</li>"
        for row in trend.changes.itertuples()
    )
    return f'<p class="pm-goal-trend">{_e(summary)}</p>' + (f'<ul class="pm-goal-areas">{rows}</ul>' if rows else "")


_SWATCHES: dict[str, Callable[[str], str]] = {
    "dot": lambda c: f'<circle cx="14" cy="14" r="8" fill="{c}" stroke="#1b1f24" stroke-width="1.5"/>',
    "ring": lambda c: f'<circle cx="14" cy="14" r="8" fill="#fff" stroke="{c}" stroke-width="5"/>',
    "halo": lambda c: (
        f'<circle cx="14" cy="14" r="12" fill="{c}" opacity="0.35"/><circle cx="14" cy="14" r="8" fill="{c}"/>'
    ),
    "hex": lambda c: (
        f'<polygon points="14,2 25,8 25,20 14,26 3,20 3,8" fill="{c}" fill-opacity="0.8" stroke="#5a2a00"/>'
    ),
    "outline": lambda c: (
        f'<polygon points="14,2 25,8 25,20 14,26 3,20 3,8" fill="{c}" fill-opacity="0.08" '
        f'stroke="{c}" stroke-width="3" stroke-dasharray="5 3"/>'
    ),
    "area": lambda c: (
        f'<polygon points="14,5 22,9.5 22,18.5 14,23 6,18.5 6,9.5" fill="{c}" fill-opacity="0.35" '
        f'stroke="{c}" stroke-width="2"/>'
    ),
    "boundary": lambda c: f'<path d="M2 22 L10 6 L18 18 L26 4" fill="none" stroke="{c}" stroke-width="3"/>',
}


def _legend(groups: list[tuple[str, list[tuple[str, str, str]]]], words: _Words, demo: bool) -> str:
    # A disclosure, open at first: a presenter can fold it away to free the map.
    parts = [f'<details class="pm-legend" id="pm-legend" open><summary>{_e(words.t("legend.heading"))}</summary>']
    if demo:
        parts.append(f'<p class="pm-demo-tag">{_e(words.t("demo.label"))}</p>')
    parts.append("<ul>" + _legend_item("boundary", BOUNDARY_COLOUR, words.t("legend.boundary")) + "</ul>")
    for heading, items in groups:
        if not items:
            continue
        if heading:
            parts.append(f"<h3>{_e(heading)}</h3>")
        parts.append("<ul>" + "".join(_legend_item(*item) for item in items) + "</ul>")
    parts.append("</details>")
    return "".join(parts)


def _legend_item(shape: str, colour: str, label: str) -> str:
    if shape == "note":
        return f'<li class="pm-note">{_e(label)}</li>'
    swatch = _SWATCHES[shape](_e(colour))
    return (
        f'<li><svg width="28" height="28" viewBox="0 0 28 28" aria-hidden="true">{swatch}</svg>'
        f"<span>{_e(label)}</span></li>"
    )


# Large type for a projector: 20 px body text, strong contrast, wide touch targets in the layer control.
_PAGE_CSS = f"""
html, body {{ margin: 0; padding: 0; height: 100%; }}
body {{ display: flex; font: 20px/1.4 system-ui, "DejaVu Sans", Arial, sans-serif; color: #1b1f24; background: #fff; }}
.pm-panel {{ flex: 0 0 clamp(20rem, 30vw, 30rem); order: 0; overflow-y: auto; padding: 1rem 1.25rem;
  box-sizing: border-box; border-right: 2px solid #1b1f24; background: #fff; }}
.folium-map {{ flex: 1 1 0; min-width: 0; height: 100% !important; width: auto !important; order: 1; }}
.leaflet-container {{ background: {BACKGROUND}; font: inherit; font-size: 18px; }}
.pm-panel h1 {{ font-size: 1.5rem; line-height: 1.2; margin: 0.25rem 0 0.75rem; }}
.pm-panel h2 {{ font-size: 1.25rem; margin: 1.25rem 0 0.5rem; border-bottom: 2px solid #1b1f24; }}
.pm-facts {{ margin: 0; }}
.pm-facts dt {{ font-size: 0.8rem; font-weight: 700; text-transform: uppercase; color: #3d4650; margin-top: 0.4rem; }}
.pm-facts dd {{ margin: 0; }}
.pm-demo {{ background: #fff3bf; border: 3px solid #8a5a00; padding: 0.5rem 0.75rem; margin: 0 0 0.75rem; }}
.pm-demo strong {{ text-transform: uppercase; letter-spacing: 0.05em; }}
.pm-as-of {{ margin: 0 0 0.5rem; color: #3d4650; }}
.pm-promises {{ list-style: none; padding: 0; margin: 0; }}
.pm-promise {{ margin: 0 0 0.9rem; padding-bottom: 0.6rem; border-bottom: 1px solid #c8ccd0; }}
.pm-promise p {{ margin: 0.1rem 0; }}
.pm-kind {{ font-size: 0.85rem; font-weight: 700; text-transform: uppercase; color: #3d4650; }}
.pm-figure {{ font-size: 1.3rem; font-weight: 700; }}
.pm-status {{ display: inline-block; padding: 0 0.4rem; border-radius: 0.3rem; font-weight: 700; color: #fff; }}
.pm-status-done {{ background: #00704f; }}
.pm-status-on_track {{ background: #005a8f; }}
.pm-status-behind {{ background: #a4161a; }}
.pm-status-not_met {{ background: #5b2a86; }}
.pm-status-no_target {{ background: #4a525a; }}
.pm-bar {{ position: relative; height: 0.8rem; background: #e3e6e8; border: 1px solid #4a525a; margin-top: 0.3rem; }}
.pm-bar-fill {{ height: 100%; }}
.pm-bar-time {{ position: absolute; top: -0.25rem; bottom: -0.25rem; width: 3px; background: #1b1f24; }}
.pm-goals {{ padding-left: 1.25rem; margin: 0; }}
.pm-panel footer {{ margin-top: 1.5rem; font-size: 0.85rem; color: #3d4650; }}
.pm-panel footer p {{ margin: 0.2rem 0; }}
.pm-tiles-off {{ font-size: 0.85rem; color: #3d4650; }}
.pm-legend {{ position: fixed; right: 0.75rem; bottom: 2.2rem; z-index: 1000; box-sizing: border-box;
  width: {LEGEND_PX}px; max-height: calc(100vh - 14rem); overflow-y: auto; background: rgba(255, 255, 255, 0.95);
  border: 2px solid #1b1f24; border-radius: 0.4rem; padding: 0.5rem 0.9rem; font-size: 18px; }}
.pm-legend summary {{ font-size: 1.1rem; font-weight: 700; cursor: pointer; }}
.pm-legend h3 {{ font-size: 1rem; margin: 0.5rem 0 0.2rem; }}
.pm-legend ul {{ list-style: none; margin: 0; padding: 0; }}
.pm-legend li {{ display: flex; align-items: center; gap: 0.5rem; min-height: 1.8rem; }}
.pm-legend .pm-note {{ display: block; font-size: 16px; color: #2b3137; margin-top: 0.3rem; }}
.pm-demo-tag {{ margin: 0 0 0.3rem; font-weight: 700; text-transform: uppercase; background: #fff3bf;
  border: 2px solid #8a5a00; padding: 0 0.4rem; display: inline-block; }}
.leaflet-control-layers {{ font-size: 18px; line-height: 1.6; border: 2px solid #1b1f24 !important; }}
.leaflet-control-layers label {{ padding: 0.15rem 0; cursor: pointer; }}
.leaflet-control-layers input {{ width: 1.1rem; height: 1.1rem; vertical-align: -0.15rem; }}
.leaflet-popup-content {{ font-size: 18px; line-height: 1.4; }}
.pm-popup h3 {{ font-size: 1.1rem; margin: 0 0 0.3rem; }}
.pm-popup table {{ border-collapse: collapse; }}
.pm-popup th {{ text-align: left; padding: 0.1rem 0.6rem 0.1rem 0; vertical-align: top; }}
.pm-popup td {{ padding: 0.1rem 0; }}
.pm-popup ul {{ margin: 0; padding-left: 1.1rem; }}
.pm-popup-note {{ font-weight: 700; color: #a4161a; margin: 0.3rem 0 0; }}
.leaflet-tooltip {{ font-size: 18px; }}
"""
