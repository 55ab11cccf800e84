"""The public, aggregated view on the overview's map: what a role that reads no records sees of a layer.

The counts come from :func:`geodata.views.public.aggregated_view` (hexagons of
unsafe-place reports with the small ones left out, public operations and sites
counted per area), the same counts the public standalone map shows, in its
words. No trace carries a record id, so a click or a selection on them opens
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pyproj import Transformer

from dashboard.figures.map import fill_layer, line_layer
from dashboard.figures.style import GRID_COLOURSCALE, GRID_OPACITY, SAFETY_COLOURS
from dashboard.i18n import band_text, shown_band
from geodata import DISPLAY_CRS, STORAGE_CRS
from geodata.views.disclosure import Band
from geodata.views.public import PublicView, cells_geojson

OPERATIONS_COLOUR = "#0072B2"
SITES_COLOUR = "#009E73"
SAFE_COLOUR = SAFETY_COLOURS["safe"]
# Operations and sites share the area hexagons: their markers sit either side of the centre, not on each other.
AREA_OFFSET_M = 450.0


def _count(t: Callable[..., str], key: str, count: Band, lang: str) -> str:
    one = f"{key}_one"
    try:
        return t(one) if count == Band(1, 1) else t(key, count=band_text(count, lang))
    except KeyError:
        return t(key, count=band_text(count, lang))


def _centres(cells: Iterable[Any], shift_m: float) -> tuple[list[float], list[float]]:
    to_wgs = Transformer.from_crs(STORAGE_CRS, DISPLAY_CRS, always_xy=True)
    lons, lats = [], []
    for cell in cells:
        centre = cell.polygon.centroid
        lon, lat = to_wgs.transform(centre.x + shift_m, centre.y)
        lons.append(round(lon, 6))
        lats.append(round(lat, 6))
    return lons, lats


def _marker_sizes(counts: list[int]) -> list[float]:
    largest = max(counts, default=1) or 1
    return [12 + 18 * (c / largest) ** 0.5 for c in counts]


def public_map_parts(
    view: PublicView, layers: Iterable[str], t: Callable[..., str], lang: str
) -> tuple[list[dict], list[dict]]:
    """The traces and the map layers (area outlines) that draw ``layers`` of ``view``."""
    layers = tuple(layers)
    traces: list[dict] = []
    map_layers: list[dict] = []
    if "unsafe_places" in layers:
        places = view.unsafe_places
        counts = [cell.band.low for cell in places.cells]
        traces.append(
            {
                "type": "choroplethmap",
                "geojson": cells_geojson(places.cells),
                "locations": [f"{cell.q},{cell.r}" for cell in places.cells],
                "featureidkey": "id",
                "z": counts,
                "zmin": 0,
                "zmax": max(counts, default=1),
                "colorscale": GRID_COLOURSCALE,
                "showscale": False,
                "marker": {"opacity": GRID_OPACITY, "line": {"width": 0.5, "color": "#ffffff"}},
                "text": [_count(t, "standalone.public.places_tooltip", c.band, lang) for c in places.cells],
                "hovertemplate": "%{text}<extra></extra>",
                "name": t("standalone.public.places_layer"),
                "showlegend": True,
                "legendgroup": "unsafe_places",
                "meta": {"layer": "unsafe_places", "role": "public", "min_count": places.min_count},
            }
        )
        # Safe places, counted apart on the same hexagons (small counts left out alike): a dot at the cell's centre,
        # over the unsafe places' colour, so that neither hides the other.
        safe = view.safe_places
        if safe.cells:
            lons, lats = _centres(safe.cells, 0.0)
            safe_counts = [cell.band.low for cell in safe.cells]
            traces.append(
                {
                    "type": "scattermap",
                    "mode": "markers",
                    "lon": lons,
                    "lat": lats,
                    "marker": {"size": _marker_sizes(safe_counts), "color": SAFE_COLOUR, "opacity": 0.9},
                    "text": [_count(t, "standalone.public.safe_tooltip", c.band, lang) for c in safe.cells],
                    "hovertemplate": "%{text}<extra></extra>",
                    "name": t("standalone.public.safe_layer"),
                    "legendgroup": "safe_places",
                    "meta": {"layer": "unsafe_places", "role": "public_safe", "min_count": safe.min_count},
                }
            )
    if "operations" in layers:
        cells = list(view.operations.cells)
        totals = [cell.band.low for cell in cells]
        lons, lats = _centres(cells, -AREA_OFFSET_M)
        texts = []
        for cell in cells:
            detail = "<br>".join(f"{t(f'operation_kind.{k}')}: {band_text(b, lang)}" for k, b in cell.kinds)
            texts.append(f"<b>{_count(t, 'standalone.public.operations_tooltip', cell.band, lang)}</b><br>{detail}")
        traces.append(
            {
                "type": "scattermap",
                "mode": "markers",
                "lon": lons,
                "lat": lats,
                "marker": {"size": _marker_sizes(totals), "color": OPERATIONS_COLOUR, "opacity": 0.85},
                "text": texts,
                "hovertemplate": "%{text}<extra></extra>",
                "name": t("standalone.public.operations_layer"),
                "legendgroup": "operations",
                "meta": {"layer": "operations", "role": "public"},
            }
        )
        map_layers.append(line_layer(cells_geojson(cells), OPERATIONS_COLOUR, 1.5))
    if "inventoried_sites" in layers:
        sites = view.sites
        lons, lats = _centres(sites.cells, AREA_OFFSET_M)
        texts = [
            t(
                "standalone.public.sites_popup",
                sites=band_text(c.sites, lang),
                inspected=shown_band(c.inspected, sites.min_count, lang),
                fixed=shown_band(c.fixed, sites.min_count, lang),
            )
            for c in sites.cells
        ]
        traces.append(
            {
                "type": "scattermap",
                "mode": "markers",
                "lon": lons,
                "lat": lats,
                "marker": {"size": _marker_sizes([c.sites.low for c in sites.cells]), "color": SITES_COLOUR},
                "text": texts,
                "hovertemplate": "%{text}<extra></extra>",
                "name": t("standalone.public.sites_layer"),
                "legendgroup": "inventoried_sites",
                "meta": {"layer": "inventoried_sites", "role": "public"},
            }
        )
        map_layers.append(fill_layer(cells_geojson(sites.cells), SITES_COLOUR, 0.06))
    return traces, map_layers
