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
from shapely.geometry import Polygon

from geodata.layers import STORAGE_CRS
from geodata.records import GridCounts

EARTH_CIRCUMFERENCE_M = 40_075_016.686
SQRT3 = math.sqrt(3.0)
TILE_PIXELS = 512  # MapLibre's tile size, which plotly's map zoom levels refer to


def metres_per_pixel(zoom: float, lat: float) -> float:
    """Ground size of one screen pixel at ``zoom`` and latitude ``lat`` (Web Mercator)."""
    return EARTH_CIRCUMFERENCE_M * math.cos(math.radians(lat)) / (TILE_PIXELS * 2**zoom)


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
        if raw <= step * 10**exponent * 1.5:
            return float(step * 10**exponent)
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
    return GridCounts(cell_m, centres[:, 0], centres[:, 1], wgs84.x.to_numpy(), wgs84.y.to_numpy(), counts.astype(int))


def grid_from_cells(cell_m: float, ix: np.ndarray, iy: np.ndarray, counts: np.ndarray) -> GridCounts:
    """Counts per cell given by integer cell indices (``floor(x / cell_m)``, ``floor(y / cell_m)``), as a store's
    aggregation returns them."""
    ix, iy = np.asarray(ix, dtype=np.int64), np.asarray(iy, dtype=np.int64)
    centres = (np.column_stack([ix, iy]).astype(float) + 0.5) * cell_m
    if not len(ix):
        empty = np.array([], dtype=float)
        return GridCounts(cell_m, empty, empty, empty, empty, np.array([], dtype=int))
    wgs84 = gpd.GeoSeries(shapely.points(centres), crs=STORAGE_CRS).to_crs(4326)
    return GridCounts(
        cell_m,
        centres[:, 0],
        centres[:, 1],
        wgs84.x.to_numpy(),
        wgs84.y.to_numpy(),
        np.rint(np.asarray(counts, dtype=float)).astype(int),
    )


@dataclass(frozen=True)
class HexGrid:
    """A pointy-top hexagon grid in EPSG:3006 with circumradius ``size_m``, anchored at the origin.

    >>> grid = HexGrid(100.0)
    >>> grid.cell(0.0, 0.0), grid.cell(*grid.centre(3, -2))
    ((0, 0), (3, -2))
    >>> x, y = grid.centre(1, 0)
    >>> round(x, 3), round(y, 3)
    (173.205, 0.0)
    >>> round(grid.polygon(0, 0).area)  # 3·√3/2 · 100²
    25981
    """

    size_m: float

    def __post_init__(self) -> None:
        if not (isinstance(self.size_m, (int, float)) and math.isfinite(self.size_m) and self.size_m > 0):
            raise ValueError(f"hexagon size_m must be a positive number of metres, got {self.size_m!r}")

    def cells(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Axial ``(q, r)`` of the hexagons holding the points ``(x, y)``, as integer arrays."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        qf = (SQRT3 / 3.0 * x - y / 3.0) / self.size_m
        rf = (2.0 / 3.0 * y) / self.size_m
        sf = -qf - rf
        # Round in cube coordinates (q + r + s = 0) and repair the component that moved most.
        q, r, s = np.round(qf), np.round(rf), np.round(sf)
        dq, dr, ds = np.abs(q - qf), np.abs(r - rf), np.abs(s - sf)
        fix_q = (dq > dr) & (dq > ds)
        fix_r = ~fix_q & (dr > ds)
        q = np.where(fix_q, -r - s, q)
        r = np.where(fix_r, -q - s, r)
        return q.astype(np.int64), r.astype(np.int64)

    def cell(self, x: float, y: float) -> tuple[int, int]:
        """Axial ``(q, r)`` of the hexagon holding the point ``(x, y)``."""
        q, r = self.cells(np.array([x]), np.array([y]))
        return int(q[0]), int(r[0])

    def centre(self, q: int, r: int) -> tuple[float, float]:
        """The centre of hexagon ``(q, r)`` in EPSG:3006."""
        return self.size_m * SQRT3 * (q + r / 2.0), self.size_m * 1.5 * r

    def polygon(self, q: int, r: int) -> Polygon:
        """The outline of hexagon ``(q, r)`` in EPSG:3006: six corners, the first at 30° (pointy top)."""
        cx, cy = self.centre(q, r)
        angles = np.radians(30.0 + 60.0 * np.arange(6))
        return Polygon(np.column_stack([cx + self.size_m * np.cos(angles), cy + self.size_m * np.sin(angles)]))
