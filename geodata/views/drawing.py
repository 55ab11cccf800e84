"""The shapes a map draws: a record's geometry with at most a budget of vertices, the stored one untouched.

One valid polygon of 500 000 vertices made every map answer of its pledge
19.6 MB and froze the browser for minutes. A map needs no more detail than
its pixels show, so every geometry a screen or a map file draws passes
:func:`drawn_shapes` first: one with more vertices than its budget is
simplified (Douglas-Peucker, at a tolerance of half a pixel at the view's
zoom, coarser until it fits; topology-preserving where plain simplification
would leave an invalid shape), and the store keeps the original (exports and
the OGC API serve that).

The budget is per record (:data:`RECORD_VERTICES`) and per answer
(:data:`ANSWER_VERTICES`, shared by the shapes drawn together, never below
:data:`MIN_RECORD_VERTICES` each): one record can never make an answer larger
than about ``RECORD_VERTICES`` × 22 bytes of GeoJSON (six decimals per
coordinate), a twentieth of the 300 KB a map update may take.

Simplifying 500 000 vertices costs about a second (topology-preserving: several), so the result is kept
(:func:`drawn_shape` caches by the geometry's bytes, the tolerance and the
budget): the next answer for the same record at the same zoom costs a hash.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geodata.grid import metres_per_pixel

RECORD_VERTICES = 1_000  # the most vertices one record is drawn with
ANSWER_VERTICES = 8_000  # shared by the shapes one answer draws (each keeps at least MIN_RECORD_VERTICES)
MIN_RECORD_VERTICES = 64
FINEST_TOLERANCE_M = 0.5  # half a pixel at zoom 17: finer than any map of a municipality is looked at
MIDDLE_LATITUDE = 62.0
# Coarser tolerances tried before giving up and drawing the shape's bounding box (each at least doubles it).
_TRIES = 12
# The vertices a simplified ring is counted at when deciding how many parts and holes a shape can keep.
_RING_VERTICES = 16


def vertex_count(geom: BaseGeometry | None) -> int:
    """How many vertices ``geom`` holds (0 for none)."""
    return 0 if geom is None else int(shapely.get_num_coordinates(geom))


def drawing_tolerance(zoom: float | None, latitude: float | None = None) -> float:
    """The simplification tolerance in metres for a map at ``zoom`` (not known: the finest): half a pixel.

    ``latitude`` is the area's (not known: the middle of Sweden's).

    Rounded down to a power of two so that a small zoom change keeps the shapes (and their cache) the same.

    >>> drawing_tolerance(12, 57.5)
    4.0
    >>> drawing_tolerance(None, 57.5)
    0.5
    """
    if zoom is None:
        return FINEST_TOLERANCE_M
    half_pixel = metres_per_pixel(zoom, MIDDLE_LATITUDE if latitude is None else latitude) / 2
    return max(FINEST_TOLERANCE_M, 2.0 ** math.floor(math.log2(half_pixel)))


def record_budget(shapes: int, answer_vertices: int = ANSWER_VERTICES) -> int:
    """The vertices each of ``shapes`` records drawn in one answer may keep.

    >>> record_budget(1), record_budget(20), record_budget(10_000)
    (1000, 400, 64)
    """
    share = answer_vertices // max(shapes, 1)
    return max(MIN_RECORD_VERTICES, min(RECORD_VERTICES, share))


def drawn_shapes(
    geoms: Sequence[BaseGeometry | None] | np.ndarray,
    tolerance_m: float = FINEST_TOLERANCE_M,
    budget: int | None = None,
) -> np.ndarray:
    """``geoms`` (in a metric CRS, as the store holds them) as a map draws them: each within its vertex budget.

    ``budget`` is the most vertices per shape; by default the answer's budget shared
    between the shapes that hold more than :data:`MIN_RECORD_VERTICES` (:func:`record_budget`).
    Shapes within the budget are returned as they are (the same objects).
    """
    shapes = np.asarray(geoms, dtype=object)
    counts = shapely.get_num_coordinates(shapes)
    if budget is None:
        budget = record_budget(int(np.count_nonzero(counts > MIN_RECORD_VERTICES)))
    out = shapes.copy()
    for i in np.flatnonzero(counts > budget):
        out[i] = drawn_shape(shapes[i], tolerance_m, budget)
    return out


def drawn_shape(geom: BaseGeometry, tolerance_m: float, budget: int) -> BaseGeometry:
    """One shape within ``budget`` vertices, simplified from ``tolerance_m`` up; cached (see the module)."""
    if vertex_count(geom) <= budget:
        return geom
    key = (hashlib.blake2b(shapely.to_wkb(geom), digest_size=16).digest(), tolerance_m, budget)
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
    shape = _simplify(geom, tolerance_m, budget)
    with _LOCK:
        _CACHE[key] = shape
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return shape


# The simplified shapes last drawn, by (the stored geometry's digest, tolerance, budget); each holds at most
# RECORD_VERTICES vertices, so the cache stays small. Shared by the server's threads.
CACHE_SIZE = 512
_CACHE: OrderedDict[tuple[bytes, float, int], BaseGeometry] = OrderedDict()
_LOCK = threading.Lock()


def _simplify(geom: BaseGeometry, tolerance_m: float, budget: int) -> BaseGeometry:
    geom = _largest_parts(geom, budget)
    tolerance, shape = tolerance_m, geom
    for _ in range(_TRIES):
        # Each pass simplifies the last one's result (a tenth of the vertices or fewer), not the original: at
        # 500 000 vertices a topology-preserving pass costs about a second, on the result a few milliseconds.
        # Plain Douglas-Peucker is four times faster; its result is kept when it is still a valid shape.
        simpler = shapely.simplify(shape, tolerance, preserve_topology=False)
        if simpler.is_empty or not simpler.is_valid:
            simpler = shapely.simplify(shape, tolerance, preserve_topology=True)
        if simpler.is_empty:
            break
        shape, count = simpler, vertex_count(simpler)
        if count <= budget:
            return shape
        # Douglas-Peucker's vertices fall about as the tolerance rises: jump close to the budget, at least doubling.
        tolerance *= max(2.0, math.sqrt(count / budget))
    return shapely.envelope(geom)


def _largest_parts(geom: BaseGeometry, budget: int) -> BaseGeometry:
    """``geom`` with no more parts and holes than a simplified shape within ``budget`` can keep: the largest.

    A simplified ring keeps at least four vertices, and topology-preserving simplification of thousands of
    parts takes minutes: a shape of more rings than ``budget`` // :data:`_RING_VERTICES` keeps its largest.
    """
    rings = budget // _RING_VERTICES
    parts = shapely.get_parts(geom)
    polygonal = geom.geom_type.endswith("Polygon")
    holes = int(shapely.get_num_interior_rings(parts).sum()) if polygonal else 0
    if len(parts) + holes <= rings:
        return geom
    size = shapely.area(parts) if polygonal else shapely.length(parts)
    kept = parts[np.argsort(-size, kind="stable")[: max(rings, 1)]]
    if polygonal:
        # Each part keeps its outline; the holes, which no map at this budget shows, are left out.
        kept = shapely.polygons(shapely.get_exterior_ring(kept))
    if len(kept) == 1:
        return kept[0]
    return shapely.multipolygons(kept) if polygonal else shapely.geometrycollections(kept)


def drawn_frame(records: gpd.GeoDataFrame, tolerance_m: float = FINEST_TOLERANCE_M) -> gpd.GeoDataFrame:
    """``records`` with each geometry as a map draws it (:func:`drawn_shapes`); the same frame if none is over."""
    if records.empty:
        return records
    geoms = records.geometry.to_numpy()
    drawn = drawn_shapes(geoms, tolerance_m)
    if all(a is b for a, b in zip(drawn, geoms)):
        return records
    return records.set_geometry(gpd.GeoSeries(drawn, index=records.index, crs=records.crs))
