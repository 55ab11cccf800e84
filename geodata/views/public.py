"""The public view of the layers: what may be shown to anyone, printed, exported or served.

Every caller that shows data outside the organisations behind a pledge (the
standalone map for citizen dialogues, exports, later an API) reads it through
this module, so the rules below hold in one place:

- **Unsafe places** are reports by residents; a point with a description can
  point at someone's home or name a group. They are counted per hexagon of
  :data:`PLACE_HEX_M` metres and a hexagon with fewer than ``min_count``
  reports (weighted by ``report_count``) is dropped. The result says how many
  reports were suppressed, so a legend can say so honestly. No description,
  source, category or time of day leaves this module. Safe places (a survey
  asks for those too) are counted apart on the same hexagons with the same
  minimum, never in the unsafe places' counts; who reported (gender, age band)
  is not in the public view at all: split by it, a hexagon's counts would be
  small enough to point at a respondent, and the comparison is the analysis
  page's, for the roles that read the reports.
- **Operations**: internal ones (``visibility == "internal"``, e.g. planned
  targeted drug operations) are left out entirely, not even counted: where and
  in which month they happened is operational information. Public ones are
  counted per *area* and month (by start, in Swedish time) and kind, with no
  title, figures or geometry finer than the area. The area is a coarse
  hexagon of :data:`AREA_HEX_M` metres rather than the whole municipality: the
  pledge-level total is already public through the promises' progress, and a
  municipality-wide count would show residents nothing on a map, while a cell
  about 3.5 km across (the town centres of both shipped municipalities lie 3
  to 10 km apart) says in which part of the municipality the work was done
  without pointing at a school or a street.
- **Inventoried sites** appear only as counts per area (the same coarse
  hexagons): how many were inspected and how many are fixed or verified.
  Owner, address, property designation, checklist findings and measures never
  appear: a single basement with a broken lock must not be findable. Areas
  with fewer than ``min_count`` sites are dropped like the unsafe places.

The hexagon grid is fixed in SWEREF 99 TM (EPSG:3006), anchored at the CRS
origin and not at the data, so two exports of different selections use the
same cells and cannot be overlaid to move a cell's edge onto one report.
Hexagons are "pointy-top" with axial coordinates ``(q, r)``; ``size_m`` is
the circumradius (centre to corner, which equals the side).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Polygon, mapping

from geodata.access import figures_store, readable_query, reads_records
from geodata.clock import LOCAL_TZ_NAME
from geodata.errors import Problem, ValidationError
from geodata.grid import HexGrid, representative_xy
from geodata.layers import DISPLAY_CRS, STORAGE_CRS
from geodata.store.base import LayerQuery, Store
from geodata.vocab import FIXED_SITE_STATUSES, SAFE

MIN_COUNT = 5  # the smallest count of reports (or sites) a public hexagon may show
PLACE_HEX_M = 250.0  # unsafe places: about 430 m corner to corner, 0.16 km²
AREA_HEX_M = 2000.0  # operations and sites: about 3.5 km across, 10 km²
# A presentation for a room (/present): all three layers on one coarser grid, cells about 5.2 km across, large
# enough at the zoom a municipality fills a projector's screen (zoom 10, about 80 m a pixel) for every count to be
# written on its cell in type a room can read, and for one cell to hold its reports, operations and sites. A
# coarser cell holds more reports, never fewer, and the same MIN_COUNT rule drops the cells below it. Fixed here,
# never chosen by a client.
PRESENT_HEX_M = 3000.0


@dataclass(frozen=True)
class HexCount:
    """One hexagon shown in public and the number of reports (weighted) in it; ``polygon`` in EPSG:3006."""

    q: int
    r: int
    polygon: Polygon
    count: int


@dataclass(frozen=True)
class UnsafePlaceHexagons:
    """Unsafe places counted per hexagon, with every hexagon below ``min_count`` left out.

    ``shown_reports + suppressed_reports`` is every report counted (weighted by
    ``report_count``); ``suppressed_cells`` is how many hexagons were dropped.
    """

    size_m: float
    min_count: int
    cells: tuple[HexCount, ...]
    shown_reports: int
    suppressed_reports: int
    suppressed_cells: int


@dataclass(frozen=True)
class OperationCount:
    """Public operations of one ``kind`` started in ``month`` (``YYYY-MM``) within one area hexagon."""

    q: int
    r: int
    polygon: Polygon
    month: str
    kind: str
    count: int


@dataclass(frozen=True)
class OperationCounts:
    """Public operations counted per area hexagon, month and kind; internal ones are not counted at all.

    ``internal_left_out`` is how many internal operations the input held (and
    this result leaves out), so a legend can say that not everything is shown.
    """

    size_m: float
    rows: tuple[OperationCount, ...]
    internal_left_out: int

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)


@dataclass(frozen=True)
class SiteCount:
    """Inventoried sites in one area hexagon: all of them, how many inspected, how many fixed or verified."""

    q: int
    r: int
    polygon: Polygon
    sites: int
    inspected: int
    fixed: int


@dataclass(frozen=True)
class SiteCounts:
    """Inventoried sites counted per area hexagon, areas with fewer than ``min_count`` sites left out."""

    size_m: float
    min_count: int
    cells: tuple[SiteCount, ...]
    shown_sites: int
    suppressed_sites: int


@dataclass(frozen=True)
class PublicView:
    """The three layers as the public may see them; ``demo`` when any record read was generated demo data.

    The unsafe places' layer is counted twice, apart: ``unsafe_places`` (the unsafe ones, the public map's
    counts) and ``safe_places``.
    """

    unsafe_places: UnsafePlaceHexagons
    operations: OperationCounts
    sites: SiteCounts
    demo: bool
    safe_places: UnsafePlaceHexagons  # the reports of safe places, counted apart with the same minimum


def _check_min_count(min_count: int) -> None:
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 1:
        raise ValueError(f"min_count must be a whole number of at least 1, got {min_count!r}")


def _check_crs(records: gpd.GeoDataFrame, what: str) -> None:
    if records.crs is None or records.crs.to_epsg() != STORAGE_CRS:
        raise ValueError(
            f"{what}: expected records in EPSG:{STORAGE_CRS} (as the store returns them), got {records.crs}"
        )


def _require(records: gpd.GeoDataFrame, layer: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in records.columns]
    if missing:
        raise ValidationError(
            [Problem(f"{layer} records", c, "is missing; expected the column the store provides") for c in missing]
        )


def _cells_of(records: gpd.GeoDataFrame, grid: HexGrid) -> tuple[np.ndarray, np.ndarray]:
    # A polygon (a safety walk's area, a patrol's beat) counts in the cell of a point inside it.
    xy = representative_xy(records.geometry)
    return grid.cells(xy[:, 0], xy[:, 1])


def _report_weights(records: gpd.GeoDataFrame) -> np.ndarray:
    if "report_count" not in records.columns:
        return np.ones(len(records), dtype=np.int64)
    weights = pd.to_numeric(records["report_count"], errors="coerce")
    bad = weights.notna() & (weights < 1)
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        record = records["id"].iloc[position] if "id" in records.columns else position
        raise ValidationError(
            Problem(
                f"unsafe_places record {record}",
                "report_count",
                f"{weights.iloc[position]!r} is below 1; expected a whole number of at least 1",
            )
        )
    return weights.fillna(1).to_numpy(dtype=np.int64)


def unsafe_place_hexagons(
    records: gpd.GeoDataFrame, *, size_m: float = PLACE_HEX_M, min_count: int = MIN_COUNT
) -> UnsafePlaceHexagons:
    """Count unsafe-place reports per hexagon, weighted by ``report_count``, and drop hexagons below ``min_count``.

    A record without ``report_count`` counts once. Only the counts and the
    hexagons leave this function, never a record's own fields.

    >>> from shapely.geometry import Point
    >>> places = gpd.GeoDataFrame({"report_count": [3, 1, 1, 2]},
    ...     geometry=[Point(0, 0), Point(10, 0), Point(0, 10), Point(5000, 5000)], crs=3006)
    >>> result = unsafe_place_hexagons(places, size_m=100, min_count=5)
    >>> [(c.q, c.r, c.count) for c in result.cells], result.suppressed_reports, result.suppressed_cells
    ([(0, 0, 5)], 2, 1)
    """
    _check_min_count(min_count)
    _check_crs(records, "unsafe_place_hexagons")
    grid = HexGrid(size_m)
    if records.empty:
        return UnsafePlaceHexagons(grid.size_m, min_count, (), 0, 0, 0)
    q, r = _cells_of(records, grid)
    weights = _report_weights(records)
    counts = pd.Series(weights).groupby([q, r]).sum()
    shown = counts[counts >= min_count]
    cells = tuple(
        HexCount(int(cq), int(cr), grid.polygon(int(cq), int(cr)), int(n)) for (cq, cr), n in shown.sort_index().items()
    )
    return UnsafePlaceHexagons(
        size_m=grid.size_m,
        min_count=min_count,
        cells=cells,
        shown_reports=int(shown.sum()),
        suppressed_reports=int(counts.sum() - shown.sum()),
        suppressed_cells=int(len(counts) - len(shown)),
    )


def _local_months(moments: pd.Series) -> pd.Series:
    moments = pd.to_datetime(moments)
    if moments.dt.tz is not None:
        moments = moments.dt.tz_convert(LOCAL_TZ_NAME)  # months are Swedish calendar months
    return moments.dt.strftime("%Y-%m")


def operation_counts(records: gpd.GeoDataFrame, *, size_m: float = AREA_HEX_M) -> OperationCounts:
    """Count public operations per area hexagon, month of start (Swedish time) and kind; leave internal ones out.

    >>> import datetime as dt
    >>> from shapely.geometry import Point
    >>> ops = gpd.GeoDataFrame({
    ...     "starts_at": [dt.datetime(2024, 3, 1, 18), dt.datetime(2024, 3, 20, 18), dt.datetime(2024, 4, 2, 9),
    ...                   dt.datetime(2024, 3, 5, 18)],
    ...     "kind": ["school_visit", "school_visit", "school_visit", "targeted_drug_operation"],
    ...     "visibility": ["public", "public", "public", "internal"]},
    ...     geometry=[Point(0, 0)] * 4, crs=3006)
    >>> result = operation_counts(ops)
    >>> [(row.month, row.kind, row.count) for row in result.rows], result.internal_left_out
    ([('2024-03', 'school_visit', 2), ('2024-04', 'school_visit', 1)], 1)
    """
    _check_crs(records, "operation_counts")
    _require(records, "operations", ("starts_at", "kind", "visibility"))
    grid = HexGrid(size_m)
    internal = records["visibility"] != "public"  # anything not marked public stays internal
    public = records[~internal]
    if public.empty:
        return OperationCounts(grid.size_m, (), int(internal.sum()))
    q, r = _cells_of(public, grid)
    keys = pd.DataFrame(
        {"q": q, "r": r, "month": _local_months(public["starts_at"]).to_numpy(), "kind": public["kind"].to_numpy()}
    )
    counts = keys.groupby(["q", "r", "month", "kind"]).size().sort_index()
    polygons: dict[tuple[int, int], Polygon] = {}
    rows = []
    for (cq, cr, month, kind), n in counts.items():
        cell = (int(cq), int(cr))
        if cell not in polygons:
            polygons[cell] = grid.polygon(*cell)
        rows.append(OperationCount(cell[0], cell[1], polygons[cell], str(month), str(kind), int(n)))
    return OperationCounts(grid.size_m, tuple(rows), int(internal.sum()))


def site_counts(records: gpd.GeoDataFrame, *, size_m: float = AREA_HEX_M, min_count: int = MIN_COUNT) -> SiteCounts:
    """Count inventoried sites per area hexagon (all, inspected, fixed or verified); drop areas below ``min_count``.

    >>> from shapely.geometry import Point
    >>> sites = gpd.GeoDataFrame({"status": ["flagged", "inspected", "fixed", "verified", "fixed"]},
    ...     geometry=[Point(0, 0)] * 5, crs=3006)
    >>> [(c.sites, c.inspected, c.fixed) for c in site_counts(sites).cells]
    [(5, 4, 3)]
    """
    _check_min_count(min_count)
    _check_crs(records, "site_counts")
    _require(records, "inventoried_sites", ("status",))
    grid = HexGrid(size_m)
    if records.empty:
        return SiteCounts(grid.size_m, min_count, (), 0, 0)
    q, r = _cells_of(records, grid)
    status = records["status"].to_numpy()
    frame = pd.DataFrame(
        {
            "q": q,
            "r": r,
            "sites": 1,
            "inspected": (status != "flagged").astype(int),
            "fixed": np.isin(status, FIXED_SITE_STATUSES).astype(int),
        }
    )
    sums = frame.groupby(["q", "r"]).sum().sort_index()
    shown = sums[sums["sites"] >= min_count]
    cells = tuple(
        SiteCount(int(cq), int(cr), grid.polygon(int(cq), int(cr)), int(row.sites), int(row.inspected), int(row.fixed))
        for (cq, cr), row in shown.iterrows()
    )
    return SiteCounts(
        grid.size_m, min_count, cells, int(shown["sites"].sum()), int(sums["sites"].sum() - shown["sites"].sum())
    )


def public_view(
    store: Store,
    query: LayerQuery | None = None,
    *,
    min_count: int = MIN_COUNT,
    place_size_m: float = PLACE_HEX_M,
    area_size_m: float = AREA_HEX_M,
) -> PublicView:
    """Read the three layers matching ``query`` from ``store`` and aggregate them for the public.

    ``query`` narrows what is read (a pledge, a period, the dashboard's filters);
    the aggregation rules of this module apply to whatever it selects.
    """
    _check_min_count(min_count)
    # The public view is for everyone: it is built from the whole store (behind any guard), and what it
    # gives out is aggregated below, internal operations never read.
    store = figures_store(store)
    query = query or LayerQuery()
    places = store.read_layer("unsafe_places", query)
    operations = store.read_layer("operations", readable_query("operations", query))
    sites = store.read_layer("inventoried_sites", query)
    demo = any(
        bool(frame["demo"].any())
        for frame in (places, operations, sites)
        if "demo" in frame.columns and not frame.empty
    )
    safe = places["safety"] == SAFE
    return PublicView(
        unsafe_places=unsafe_place_hexagons(places[~safe], size_m=place_size_m, min_count=min_count),
        operations=operation_counts(operations, size_m=area_size_m),
        sites=site_counts(sites, size_m=area_size_m, min_count=min_count),
        demo=demo,
        safe_places=unsafe_place_hexagons(places[safe], size_m=place_size_m, min_count=min_count),
    )


def viewer_reads(store: Store, layer: str) -> bool:
    """Whether the caller of ``store`` may read ``layer``'s records (a store without a guard reads everything)."""
    viewer = getattr(store, "viewer", None)
    return viewer is None or reads_records(viewer, layer)


def aggregated_layers(store: Store, layers: Iterable[str]) -> tuple[str, ...]:
    """Those of ``layers`` the caller of ``store`` sees only as the public aggregation (the public role: all)."""
    return tuple(layer for layer in layers if not viewer_reads(store, layer))


def aggregated_view(
    store: Store,
    pledge_id: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    min_count: int = MIN_COUNT,
) -> PublicView:
    """The public view of a pledge over a time range, as a map shows it to a caller who reads no records.

    Only the pledge and the time range narrow it, as they narrow the public
    standalone map: never a category, source or status, whose differences
    between two views would tell what a hexagon holds below the minimum count.
    """
    return public_view(store, LayerQuery(pledge_id=pledge_id, start=start, end=end), min_count=min_count)


def public_totals(view: PublicView) -> dict[str, int]:
    """How much each layer holds in ``view``: reports (weighted, suppressed ones too, of unsafe and safe places
    alike, as the layer holds both), public operations, sites.

    These are the totals the public map's legend already tells (shown plus suppressed), never finer.
    """
    places = (view.unsafe_places, view.safe_places)
    return {
        "unsafe_places": sum(p.shown_reports + p.suppressed_reports for p in places),
        "inventoried_sites": view.sites.shown_sites + view.sites.suppressed_sites,
        "operations": view.operations.total,
    }


def layer_counts(store: Store, pledge_id: str, layers: Iterable[str]) -> dict[str, int]:
    """How much of each layer of ``pledge_id`` the caller sees: its records, or for a layer it sees only
    aggregated, the public view's total (so a public viewer is not told "0" of a layer that holds reports)."""
    layers = tuple(layers)
    aggregated = aggregated_layers(store, layers)
    totals = public_totals(aggregated_view(store, pledge_id)) if aggregated else {}
    return {
        layer: totals[layer] if layer in aggregated else store.count(layer, LayerQuery(pledge_id=pledge_id))
        for layer in layers
    }


def cells_geojson(cells: Iterable[HexCount | SiteCount | tuple[int, int, Polygon]]) -> dict:
    """Hexagons as a GeoJSON FeatureCollection in WGS 84, each feature's id ``"q,r"`` (for a map to colour by)."""
    shapes: dict[str, Polygon] = {}
    for cell in cells:
        q, r, polygon = (cell.q, cell.r, cell.polygon) if not isinstance(cell, tuple) else cell
        shapes.setdefault(f"{q},{r}", polygon)
    if not shapes:
        return {"type": "FeatureCollection", "features": []}
    projected = gpd.GeoSeries(list(shapes.values()), crs=STORAGE_CRS).to_crs(DISPLAY_CRS)
    features = [
        {"type": "Feature", "id": key, "properties": {}, "geometry": mapping(shape)}
        for key, shape in zip(shapes, projected)
    ]
    return {"type": "FeatureCollection", "features": features}
