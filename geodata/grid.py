"""Counting records per grid cell, so a map never receives an unbounded number of points.

Cells are squares in SWEREF 99 TM, whose size follows the map's zoom so a
cell covers roughly the same number of screen pixels at every zoom.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from geodata.layers import STORAGE_CRS

EARTH_CIRCUMFERENCE_M = 40_075_016.686
TILE_PIXELS = 512  # MapLibre's tile size, which plotly's map zoom levels refer to


@dataclass(frozen=True)
class GridCounts:
    """Non-empty cells: centre in EPSG:3006 and in WGS84, and the number of records in each."""

    cell_m: float
    x: np.ndarray
    y: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    count: np.ndarray

    def __len__(self) -> int:
        return len(self.count)


def metres_per_pixel(zoom: float, lat: float) -> float:
    """Ground size of one screen pixel at ``zoom`` and latitude ``lat`` (Web Mercator)."""
    return EARTH_CIRCUMFERENCE_M * math.cos(math.radians(lat)) / (TILE_PIXELS * 2 ** zoom)


def cell_size_for_zoom(zoom: float, lat: float, pixels: int = 40) -> float:
    """A cell size in metres, rounded to a 1-2-5 series so small zoom changes keep the same grid.

    >>> cell_size_for_zoom(10, 57.5)
    2000.0
    >>> cell_size_for_zoom(14, 57.5)
    100.0
    """
    raw = metres_per_pixel(zoom, lat) * pixels
    exponent = math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if raw <= step * 10 ** exponent * 1.5:
            return float(step * 10 ** exponent)
    return float(10 ** (exponent + 1))


def representative_xy(geoms: gpd.GeoSeries) -> np.ndarray:
    """One (x, y) per geometry: the point itself, or a point guaranteed inside a polygon."""
    points = shapely.point_on_surface(np.asarray(geoms.values, dtype=object))
    return shapely.get_coordinates(points)


def grid_counts(records: gpd.GeoDataFrame, cell_m: float, weight: str | None = None) -> GridCounts:
    """Count ``records`` (in EPSG:3006) per square cell of ``cell_m`` metres; ``weight`` sums a column instead."""
    if records.crs is None or records.crs.to_epsg() != STORAGE_CRS:
        raise ValueError("grid_counts expects records in EPSG:3006")
    if records.empty:
        empty = np.array([], dtype=float)
        return GridCounts(cell_m, empty, empty, empty, empty, np.array([], dtype=int))
    xy = representative_xy(records.geometry)
    cells = np.floor(xy / cell_m).astype(np.int64)
    keys, inverse = np.unique(cells, axis=0, return_inverse=True)
    weights = None if weight is None else records[weight].fillna(1).to_numpy(dtype=float)
    counts = np.bincount(inverse.ravel(), weights=weights, minlength=len(keys))
    centres = (keys + 0.5) * cell_m
    wgs84 = gpd.GeoSeries(shapely.points(centres), crs=STORAGE_CRS).to_crs(4326)
    return GridCounts(cell_m, centres[:, 0], centres[:, 1], wgs84.x.to_numpy(), wgs84.y.to_numpy(),
                      counts.astype(int))


def grid_from_cells(cell_m: float, ix: np.ndarray, iy: np.ndarray, counts: np.ndarray) -> GridCounts:
    """Counts per cell given by integer cell indices (``floor(x / cell_m)``, ``floor(y / cell_m)``), as a store's
    aggregation returns them."""
    ix, iy = np.asarray(ix, dtype=np.int64), np.asarray(iy, dtype=np.int64)
    centres = (np.column_stack([ix, iy]).astype(float) + 0.5) * cell_m
    if not len(ix):
        empty = np.array([], dtype=float)
        return GridCounts(cell_m, empty, empty, empty, empty, np.array([], dtype=int))
    wgs84 = gpd.GeoSeries(shapely.points(centres), crs=STORAGE_CRS).to_crs(4326)
    return GridCounts(cell_m, centres[:, 0], centres[:, 1], wgs84.x.to_numpy(), wgs84.y.to_numpy(),
                      np.rint(np.asarray(counts, dtype=float)).astype(int))
