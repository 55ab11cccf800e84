"""Reports counted per hexagon: the plain counts beside the hotspot and density maps, sized to the map's zoom."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geodata.grid import HexGrid, cell_size_for_zoom, representative_xy
from geodata.layers import STORAGE_CRS

# The smallest hexagon the counts are drawn in, however far in the map is zoomed.
MIN_CELL_M = 100.0


@dataclass(frozen=True)
class HexCounts:
    """Reports per hexagon: ``cells`` has a ``count`` per non-empty cell (EPSG:3006), ``cell_m`` the size used."""

    cells: gpd.GeoDataFrame
    cell_m: float

    @property
    def reports(self) -> int:
        """The reports counted (those inside the area)."""
        return int(self.cells["count"].sum()) if len(self.cells) else 0


def hex_counts(records: gpd.GeoDataFrame, area: BaseGeometry, cell_m: float) -> gpd.GeoDataFrame:
    """Reports per hexagon of ``cell_m`` metres (non-empty cells only) inside ``area``.

    >>> from shapely.geometry import Point, box
    >>> points = gpd.GeoDataFrame(geometry=[Point(10, 10), Point(20, 20), Point(5000, 5000)], crs=3006)
    >>> hex_counts(points, box(0, 0, 1000, 1000), 500.0)["count"].tolist()
    [2]
    """
    grid = HexGrid(cell_m)
    if records.empty:
        return gpd.GeoDataFrame({"count": []}, geometry=[], crs=STORAGE_CRS)
    xy = representative_xy(records.geometry)
    xy = xy[shapely.contains_xy(area, xy[:, 0], xy[:, 1])]
    q, r = grid.cells(xy[:, 0], xy[:, 1])
    keys, counts = np.unique(np.column_stack([q, r]), axis=0, return_counts=True)
    return gpd.GeoDataFrame(
        {"count": counts}, geometry=[grid.polygon(int(a), int(b)) for a, b in keys], crs=STORAGE_CRS
    )


def hex_counts_for_zoom(records: gpd.GeoDataFrame, area: BaseGeometry, zoom: float, latitude: float) -> HexCounts:
    """Reports per hexagon sized for a map at ``zoom`` around ``latitude`` (at least :data:`MIN_CELL_M` metres)."""
    cell_m = max(MIN_CELL_M, cell_size_for_zoom(zoom, latitude))
    return HexCounts(hex_counts(records, area, cell_m), cell_m)
