"""What a map shows of a layer: the records themselves, or counts per grid cell when there are too many.

The decision is made here, on the server, so no caller can send an unbounded
number of points to a browser: above ``max_points`` records in view, the
layer is aggregated to a grid whose cell size follows the zoom.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geodata.grid import GridCounts, cell_size_for_zoom, grid_counts, representative_xy
from geodata.layers import DISPLAY_CRS, STORAGE_CRS, get_layer
from geodata.model import Pledge
from geodata.store.base import LayerQuery, Store
from geodata.views.drawing import FINEST_TOLERANCE_M, drawing_tolerance, drawn_shapes
from geodata.vocab import SAFE, UNSAFE

DEFAULT_MAX_POINTS = 2_000


@dataclass(frozen=True)
class LayerView:
    """One layer as a map shows it.

    ``mode`` is ``"points"`` (``points`` holds one row per record with ``lon``,
    ``lat`` and the layer's fields, and ``areas`` the polygon records as
    GeoJSON) or ``"grid"`` (``grid`` holds counts per cell).
    """

    layer: str
    mode: str
    total: int
    points: pd.DataFrame | None = None
    areas: dict | None = None
    grid: GridCounts | None = None
    in_view_only: bool = False  # True when only the records in the visible area were read
    # Of the unsafe places counted per cell: the safe places, counted apart (``grid`` then counts the unsafe ones).
    safe_grid: GridCounts | None = None

    @property
    def follows_the_view(self) -> bool:
        """Whether panning or zooming the map changes what this layer should show."""
        return self.mode == "grid" or self.in_view_only


def to_display(records: gpd.GeoDataFrame) -> pd.DataFrame:
    """Records as a plain table with ``lon``/``lat`` (WGS84) of a point on each geometry."""
    if records.empty:
        frame = pd.DataFrame(records.drop(columns=records.geometry.name))
        frame["lon"], frame["lat"] = pd.Series(dtype=float), pd.Series(dtype=float)
        return frame
    xy = representative_xy(records.geometry)
    lonlat = gpd.GeoSeries(shapely.points(xy), crs=STORAGE_CRS).to_crs(DISPLAY_CRS)
    frame = pd.DataFrame(records.drop(columns=records.geometry.name))
    frame["lon"] = lonlat.x.to_numpy()
    frame["lat"] = lonlat.y.to_numpy()
    return frame


def areas_geojson(records: gpd.GeoDataFrame, tolerance_m: float = FINEST_TOLERANCE_M) -> dict:
    """The polygon records as a GeoJSON FeatureCollection in WGS84, with id and kind only.

    Each shape is drawn within its vertex budget (:func:`~geodata.views.drawing.drawn_shapes`, simplified
    from ``tolerance_m`` up when it holds more), its coordinates to six decimals (about 0.1 m).
    """
    polygons = records[records.geometry.geom_type.isin(("Polygon", "MultiPolygon"))]
    features = []
    if not polygons.empty:
        drawn = drawn_shapes(polygons.geometry.to_numpy(), tolerance_m)
        shapes = gpd.GeoSeries(drawn, crs=polygons.crs).to_crs(DISPLAY_CRS).to_numpy()
        rounded = shapely.transform(shapes, lambda c: np.round(c, 6))
        for record_id, shape in zip(polygons["id"], rounded):
            features.append(
                {
                    "type": "Feature",
                    "id": record_id,
                    "properties": {"id": record_id},
                    "geometry": shapely.geometry.mapping(shape),
                }
            )
    return {"type": "FeatureCollection", "features": features}


def layer_view(
    store: Store,
    layer: str,
    query: LayerQuery,
    zoom: float | None = None,
    view_bounds: tuple[float, float, float, float] | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
    latitude: float | None = None,
) -> LayerView:
    """The records of ``layer`` matching ``query`` as a map at ``zoom`` should show them.

    Up to ``max_points`` records are sent as points. Above that, and when the
    map's visible area ``view_bounds`` (WGS84 minlon, minlat, maxlon, maxlat)
    is known, only the records in view count: zoomed in far enough, they are
    points again; otherwise they are counted per grid cell, in the store.
    ``latitude`` (of the area shown) sets the cell size; without it the
    records' extent is read to find it.
    """
    spec = get_layer(layer)
    tolerance = drawing_tolerance(zoom, latitude)
    total = store.count(spec.name, query)
    in_view_only = False
    if total > max_points and view_bounds is not None:
        query = replace(query, bbox=_to_storage_bounds(view_bounds))
        in_view_only = True
        total = store.count(spec.name, query)
    if total <= max_points:
        records = store.read_layer(spec.name, query)
        return LayerView(
            layer,
            "points",
            total,
            points=to_display(records),
            areas=areas_geojson(records, tolerance),
            in_view_only=in_view_only,
        )
    # Counted in the store (an index scan and a GROUP BY), never read record by record: at a million
    # reports reading them would take seconds, counting them takes tens of milliseconds.
    if latitude is None:
        bbox = store.extent(spec.name, query).bbox
        if bbox is None:
            # The records counted have been deleted since: none match now, so what is left is shown as points
            # (never more than max_points of them).
            limit = max_points if query.limit is None else min(query.limit, max_points)
            records = store.read_layer(spec.name, replace(query, limit=limit))
            return LayerView(
                layer,
                "points",
                len(records),
                points=to_display(records),
                areas=areas_geojson(records, tolerance),
                in_view_only=in_view_only,
            )
        latitude = Transformer.from_crs(STORAGE_CRS, DISPLAY_CRS, always_xy=True).transform(
            (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
        )[1]
    cell = cell_size_for_zoom(zoom if zoom is not None else 9, latitude)
    weight = "report_count" if "report_count" in spec.field_names else None
    if spec.name == "unsafe_places":
        # Safe places never add to a cell's count of unsafety: each kind the view shows is counted on its own.
        unsafe, safe = (_safety_query(query, kind) for kind in (UNSAFE, SAFE))
        return LayerView(
            layer,
            "grid",
            total,
            grid=store.grid_counts(spec.name, unsafe, cell, weight) if unsafe else grid_counts(_NONE, cell),
            in_view_only=in_view_only,
            safe_grid=store.grid_counts(spec.name, safe, cell, weight) if safe else None,
        )
    return LayerView(
        layer, "grid", total, grid=store.grid_counts(spec.name, query, cell, weight), in_view_only=in_view_only
    )


# No records: the grid of a kind of place the view does not show.
_NONE = gpd.GeoDataFrame(geometry=[], crs=STORAGE_CRS)


def _safety_query(query: LayerQuery, kind: str) -> LayerQuery | None:
    """``query`` narrowed to the unsafe places of one ``kind`` (unsafe or safe), or None if it shows none of them."""
    values = dict(query.values)
    if kind not in values.get("safety", (kind,)):
        return None
    values["safety"] = (kind,)
    return replace(query, values=tuple(sorted(values.items())))


def evidence_highlight(pledge: Pledge, promise_id: str | None, views: Mapping[str, LayerView]) -> set[str] | None:
    """The records a chosen promise highlights on the map: its evidence records, as its evidence layer shows them.

    ``views`` are the layers the map shows (their queries already narrowed to the
    promise, see :func:`~geodata.views.filters.layer_queries`). Nothing is
    highlighted when no promise of ``pledge`` is chosen, when its evidence layer
    is not shown, or when that layer is shown as counts per cell.
    """
    promise = next((p for p in pledge.promises if p.id == promise_id), None)
    if promise is None or promise.evidence.layer not in views:
        return None
    evidence = views[promise.evidence.layer]
    if evidence.mode != "points" or evidence.points is None:
        return None
    return set(evidence.points["id"])


def _to_storage_bounds(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = Transformer.from_crs(DISPLAY_CRS, STORAGE_CRS, always_xy=True).transform_bounds(*bounds)
    return minx, miny, maxx, maxy
