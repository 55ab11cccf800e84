"""The standalone map's pieces: the page, the map without a CDN, inlined Leaflet and style, the tile probe, layers.

Each is a folium/branca element (one class per element, as folium does it).
The page itself (:class:`Document`) and the HTML beside the map (:class:`Html`)
are written by this package's templates (:mod:`dashboard.standalone.markup`);
folium's own templates write the map's script.
"""

from __future__ import annotations

import base64
import json
import math
import re
from pathlib import Path
from typing import Any

import folium
import shapely
import shapely.geometry
from branca.element import Element, Figure, MacroElement
from folium.template import Template
from folium.utilities import JsCode
from markupsafe import Markup

from dashboard.standalone.markup import render, text

HERE = Path(__file__).resolve().parent
VENDOR = HERE.parent / "assets" / "vendor" / "leaflet"  # shipped inside the package
STYLE_SHEET = HERE / "standalone.css"
PROBE_ZOOM = 10
BACKGROUND = "#f3f1ec"
LEGEND_PX = 340  # the legend's width; the initial view keeps the data clear of it


def script_value(value: Any) -> str:
    """A JSON value safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# --- the page ----------------------------------------------------------------------------------------------


class Document(Figure):
    """The HTML page (``templates/document.html``): a language, a title and Leaflet's script before the map's.

    ``presentation`` lays the page out for a room (``pm-present`` on the body: 28 px text).
    """

    def __init__(self, lang: str, title: str, presentation: bool = False):
        super().__init__()
        self.lang = lang
        self.title = title
        self.presentation = presentation

    def render(self, **kwargs: Any) -> str:
        for child in self._children.values():
            child.render(**kwargs)
        return render(
            "document.html",
            lang=self.lang,
            title=self.title,
            body_class="pm-present" if self.presentation else "pm-standalone",
            # folium's output and ours: markup by construction, every text in it escaped where it was written.
            header=Markup(self.header.render(**kwargs)),
            body=Markup(self.html.render(**kwargs)),
            script=Markup(self.script.render(**kwargs)),
        )


class Html(Element):
    """HTML rendered by one of this package's templates, placed as it is (never read as a template itself)."""

    def __init__(self, markup: Markup):
        super().__init__()
        self.markup = markup

    def render(self, **kwargs: Any) -> str:
        return str(self.markup)


class OfflineMap(folium.Map):
    """folium's map without its CDN scripts and styles; :class:`InlineLeaflet` brings Leaflet itself.

    It also keeps the WGS84 bounds of the data drawn on it, so the view opens on the data, and a point of
    each feature (the places a local basemap's street-level tiles are embedded around).
    """

    default_js: list[tuple[str, str]] = []
    default_css: list[tuple[str, str]] = []

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.data_bounds: tuple[float, float, float, float] | None = None
        self.data_points: list[tuple[float, float]] = []

    def extend_bounds(self, features: list[dict]) -> None:
        for feature in features:
            shape = shapely.geometry.shape(feature["geometry"])
            point = shape.representative_point()
            self.data_points.append((point.x, point.y))
            bounds = shape.bounds
            old = self.data_bounds or bounds
            self.data_bounds = (
                min(old[0], bounds[0]),
                min(old[1], bounds[1]),
                max(old[2], bounds[2]),
                max(old[3], bounds[3]),
            )


# --- what the head inlines -----------------------------------------------------------------------------------


def _vendor_text(name: str) -> str:
    path = VENDOR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing; the standalone map needs the vendored Leaflet (see dashboard/assets/vendor/leaflet/SOURCE.md)"
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


class InlineLeaflet(Element):
    """Leaflet's style (its images as data URIs) and script, inlined in the page's head."""

    def render(self, **kwargs: Any) -> str:
        return f"<style>\n{_leaflet_css()}\n</style>\n<script>\n{_leaflet_js()}\n</script>"


class PageStyle(Element):
    """The page's own style sheet (``standalone.css``), inlined, with the values it shares with the code."""

    def render(self, **kwargs: Any) -> str:
        return render(
            "style.html",
            background=BACKGROUND,
            legend_width=f"{LEGEND_PX}px",
            style_sheet=Markup(STYLE_SHEET.read_text(encoding="utf-8")),
        )


class TileProbe(MacroElement):
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
        x, y = tile_xy(*lonlat, PROBE_ZOOM)
        probe = template.replace("{z}", str(PROBE_ZOOM)).replace("{x}", str(x)).replace("{y}", str(y))
        self.template_js = script_value(template)
        self.attribution_js = script_value(text(attribution))  # Leaflet puts attributions into innerHTML
        self.probe_js = script_value(probe.replace("{s}", "a"))


# A transparent pixel for the tiles outside the embedded area: no request, nothing drawn.
EMPTY_TILE = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


class EmbeddedTiles(MacroElement):
    """A local basemap's tiles of the area, inside the page as data URIs: drawn with the network off.

    ``tiles`` (:class:`geodata.basemap.AreaTiles`) holds each distinct image once
    and which tile shows which; Leaflet draws the embedded zoom levels and
    scales the nearest one beyond them. Tiles outside the area are a
    transparent pixel, never a request.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var images = {{ this.images_js }};
            var index = {{ this.index_js }};
            var has = function (key) { return Object.prototype.hasOwnProperty.call(index, key); };
            var Embedded = L.TileLayer.extend({
                getTileUrl: function (coords) {
                    var key = coords.z + "/" + coords.x + "/" + coords.y;
                    return has(key) ? images[index[key]] : {{ this.empty_js }};
                },
                // A tile embedded only around the data is, elsewhere, the part of the nearest embedded tile above it.
                createTile: function (coords, done) {
                    for (var up = 0; coords.z - up >= this.options.minNativeZoom; up++) {
                        var scale = Math.pow(2, up), x = Math.floor(coords.x / scale), y = Math.floor(coords.y / scale);
                        var key = (coords.z - up) + "/" + x + "/" + y;
                        if (!has(key)) { continue; }
                        if (up === 0) { return L.TileLayer.prototype.createTile.call(this, coords, done); }
                        var tile = document.createElement("div"), size = this.getTileSize();
                        tile.style.backgroundImage = "url(" + images[index[key]] + ")";
                        tile.style.backgroundSize = (size.x * scale) + "px " + (size.y * scale) + "px";
                        tile.style.backgroundPosition = (-(coords.x - x * scale) * size.x) + "px " +
                            (-(coords.y - y * scale) * size.y) + "px";
                        L.Util.requestAnimFrame(L.bind(done, this, null, tile));
                        return tile;
                    }
                    return L.TileLayer.prototype.createTile.call(this, coords, done);
                }
            });
            new Embedded("", {{ this.options_js }}).addTo({{ this._parent.get_name() }}).bringToBack();
            document.body.classList.add("pm-tiles-on");
        })();
        {% endmacro %}
    """)

    def __init__(self, tiles: Any, attribution: str, bounds: tuple[float, float, float, float]):
        super().__init__()
        self._name = "EmbeddedTiles"
        media_type = {"jpg": "image/jpeg"}.get(tiles.format, f"image/{tiles.format}")
        self.images_js = script_value(
            [f"data:{media_type};base64,{base64.b64encode(image).decode('ascii')}" for image in tiles.images]
        )
        self.index_js = script_value(tiles.index)
        self.empty_js = script_value(EMPTY_TILE)
        west, south, east, north = bounds
        self.options_js = script_value(
            {
                "attribution": str(text(attribution)),  # Leaflet puts attributions into innerHTML
                "minNativeZoom": min(tiles.zooms + tiles.nearby_zooms),
                "maxNativeZoom": max(tiles.zooms + tiles.nearby_zooms),
                "maxZoom": 19,
                "bounds": [[south, west], [north, east]],
            }
        )


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only (its default adds miles and feet)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


def tile_xy(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The Web Mercator tile holding ``(lon, lat)`` at ``zoom``.

    >>> tile_xy(12.0, 57.5, 10)
    (546, 311)
    """
    n = 2**zoom
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


class CountLabels(MacroElement):
    """Writes each labelled feature's count on it, after every zoom and toggle, where it fits.

    A count is written only on a cell at least as wide and high as the number needs at the label's
    size (so never on a cell too small to hold it), and never over another count: the lower rank
    (the unsafe places' hexagons) wins. Labels are not interactive: the cell under them keeps its
    tooltip and popup. With ``every`` (a presentation) every label is written whatever the zoom, so
    which counts a room sees does not depend on the screen; its cells are made large enough for that, and a
    label that would cover another moves just above or below its cell's middle.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var labels = L.layerGroup().addTo(map);
            var every = {{ this.every_js }};
            function size(node) {
                var probe = L.DomUtil.create("div", "pm-count", map.getPanes().markerPane);
                probe.style.position = "absolute"; probe.style.visibility = "hidden"; probe.textContent = node;
                var box = [probe.offsetWidth + 10, probe.offsetHeight];
                L.DomUtil.remove(probe);
                return box;
            }
            function update() {
                labels.clearLayers();
                var placed = [];
                var items = (window.pmLabelled || []).slice().sort(function (a, b) { return a.rank - b.rank; });
                items.forEach(function (item) {
                    if (!map.hasLayer(item.layer)) { return; }
                    var bounds = item.layer.getBounds();
                    var ne = map.latLngToContainerPoint(bounds.getNorthEast());
                    var sw = map.latLngToContainerPoint(bounds.getSouthWest());
                    var need = size(item.text);
                    // A hexagon's inner width is about 0.85 of its box's, its inner height about 0.75.
                    // A label on the line of a hexagon's upper corners has less of its width than one in its middle.
                    var wide = item.top ? 0.7 : 0.85;
                    var fits = wide * (ne.x - sw.x) >= need[0] && 0.75 * (sw.y - ne.y) >= need[1];
                    if (!every && !fits) { return; }
                    var centre = map.latLngToContainerPoint(bounds.getCenter());
                    if (item.top) { centre.y = ne.y + 0.25 * (sw.y - ne.y); }
                    function boxAt(c) {
                        return [c.x - need[0] / 2, c.y - need[1] / 2, c.x + need[0] / 2, c.y + need[1] / 2];
                    }
                    function clashes(b) {
                        return placed.some(function (p) { return b[0] < p[2] && b[2] > p[0] && b[1] < p[3] && b[3] > p[1]; });
                    }
                    var box = boxAt(centre);
                    var clash = clashes(box);
                    if (clash && !every) { return; }
                    // Every label written (a presentation): one that would cover another moves just above or
                    // below its cell's middle, the first place free, so each count in a room can be read whole.
                    [1, -1, 2, -2].some(function (step) {
                        if (!clash) { return true; }
                        var moved = L.point(centre.x, centre.y + step * (need[1] + 2));
                        if (!clashes(boxAt(moved))) { centre = moved; box = boxAt(moved); clash = false; }
                        return !clash;
                    });
                    placed.push(box);
                    var icon = L.divIcon({className: "pm-count", html: item.text, iconSize: [need[0], need[1]],
                                          iconAnchor: [need[0] / 2, need[1] / 2]});
                    L.marker(map.containerPointToLatLng(centre), {icon: icon, interactive: false, keyboard: false}).addTo(labels);
                });
            }
            map.on("zoomend moveend overlayadd overlayremove resize", update);
            map.whenReady(update);
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, every: bool = False) -> None:
        super().__init__()
        self._name = "CountLabels"
        self.every_js = script_value(every)


class TogglesInLegend(MacroElement):
    """Moves Leaflet's layer control from over the map into the legend beside it (``#pm-legend-layers``).

    Folding the legend widens the map, which then redraws to fill it.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var control = document.querySelector(".leaflet-control-layers");
            var place = document.getElementById("pm-legend-layers");
            if (control && place) { place.appendChild(control); place.hidden = false; }
            var legend = document.getElementById("pm-legend");
            if (legend) { legend.addEventListener("toggle", function () { map.invalidateSize(); }); }
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "TogglesInLegend"


# --- layers ---------------------------------------------------------------------------------------------

# Each feature carries only what the browser needs: its style and the popup and tooltip as escaped HTML.
# A feature with a ``label`` (a count) is also listed for CountLabels, which writes it on the feature when it fits.
_BIND = JsCode("""function (feature, layer) {
    if (feature.properties.popup) { layer.bindPopup(feature.properties.popup, {maxWidth: 460}); }
    if (feature.properties.tooltip) { layer.bindTooltip(feature.properties.tooltip, {sticky: true}); }
    if (feature.properties.label) {
        (window.pmLabelled = window.pmLabelled || []).push({layer: layer, text: feature.properties.label,
                                                             rank: feature.properties.label_rank || 0,
                                                             top: !!feature.properties.label_top});
    }
}""")


def feature(
    geom: Any,
    style: dict,
    tooltip: str,
    popup: Markup | None = None,
    label: str | None = None,
    label_rank: int = 0,
    label_top: bool = False,
) -> dict:
    """A GeoJSON feature: its geometry, its style, ``tooltip`` (text, escaped here) and ``popup`` (HTML).

    ``label`` (a count) is written on the feature wherever it is large enough on screen to hold it
    (in its upper part with ``label_top``); where two would overlap, the lower ``label_rank`` is written.
    """
    properties: dict[str, Any] = {"style": style, "tooltip": str(text(tooltip))}  # Leaflet sets both as HTML
    if popup:
        properties["popup"] = str(popup)
    if label:
        properties["label"] = str(text(label))
        properties["label_rank"] = label_rank
        properties["label_top"] = label_top
    geometry = json.loads(shapely.to_geojson(shapely.set_precision(geom, 1e-6)))
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def add_layer(fmap: OfflineMap, name: str, features: list[dict], show: bool = True) -> None:
    """``features`` as one toggle named ``name`` in the layer control."""
    fmap.extend_bounds(features)
    group = folium.FeatureGroup(name=str(text(name)), show=show)  # Leaflet's layer control sets names as HTML
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            control=False,
            on_each_feature=_BIND,
            marker=folium.CircleMarker(radius=8),
        ).add_to(group)
    group.add_to(fmap)
