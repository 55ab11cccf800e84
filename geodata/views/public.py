"""The public view of the layers: what may be shown to anyone, printed, exported or served.

Every caller that shows data outside the organisations behind a pledge (the
standalone map for citizen dialogues, ``/present``, exports, the overview for the
public role) reads it through :func:`public_view`, so the rules below hold in one
place. What may be asked is a pledge and one of its fixed periods (the whole
period, a calendar quarter, a calendar month): never a date, an extent, a
category. Every count is made per fixed cell and month, then shown per cell and
period by :mod:`geodata.views.disclosure`: as a band of five (5–9, 10–14, …),
left out under ``min_count`` with no figure of what was left out, and checked
over all the pledge's periods together so that no subtraction of two public
views pins a small count.

- **Unsafe places** are reports by residents; a point with a description can
  point at someone's home or name a group. They are counted per hexagon of
  :data:`PLACE_HEX_M` metres (weighted by ``report_count``), by the day
  reported. No description, source, category or time of day leaves this
  module. Safe places (a survey asks for those too) are counted apart on the
  same hexagons with the same rules, never in the unsafe places' counts; who
  reported (gender, age band) is not in the public view at all: split by it, a
  hexagon's counts would be small enough to point at a respondent, and the
  comparison is the analysis page's, for the roles that read the reports.
- **Operations**: internal ones (``visibility == "internal"``, e.g. planned
  targeted drug operations, OSL 18:1) are left out entirely, not even counted:
  where and in which month they happened is operational information. Public
  ones are counted per *area*, kind and month of start (Swedish time), each
  kind of an area under the minimum left out like a hexagon of reports, with
  no title, figures or geometry finer than the area. The area is a coarse
  hexagon of :data:`AREA_HEX_M` metres rather than the whole municipality: the
  pledge-level total is already public through the promises' progress, and a
  municipality-wide count would show residents nothing on a map, while a cell
  about 3.5 km across (the town centres of both shipped municipalities lie 3
  to 10 km apart) says in which part of the municipality the work was done
  without pointing at a school or a street.
- **Inventoried sites** appear only as counts per area (the same coarse
  hexagons), by the day inspected (one not yet inspected counts in the whole
  period only): how many, how many inspected, how many fixed or verified, each
  a band or "fewer than the minimum". Owner, address, property designation,
  checklist findings and measures never appear: a single basement with a
  broken lock must not be findable. Areas with fewer than ``min_count`` sites
  are left out.

The exact counters below (:func:`unsafe_place_hexagons`, :func:`operation_counts`,
:func:`site_counts`) are the building blocks, and :func:`counted_view` gives
their exact figures to a caller who reads the records themselves; none of them
is shown to the public as it is.

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

from geodata.access import AccessError, figures_store, readable_query, reads_records
from geodata.clock import LOCAL_TZ_NAME
from geodata.errors import Problem, ValidationError
from geodata.grid import HexGrid, representative_xy
from geodata.layers import DISPLAY_CRS, STORAGE_CRS
from geodata.model import Pledge
from geodata.store.base import LayerQuery, Store
from geodata.views.disclosure import (
    ALL,
    MIN_COUNT,
    Band,
    PublicPeriod,
    choose_period,
    protect,
    public_periods,
    total_band,
)
from geodata.vocab import FIXED_SITE_STATUSES, SAFE

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
class PublicCell:
    """One hexagon the public sees and the band its count lies in; ``polygon`` in EPSG:3006."""

    q: int
    r: int
    polygon: Polygon
    band: Band


@dataclass(frozen=True)
class PublicCells:
    """Reports counted per hexagon for the public: only the cells shown, each as a band, nothing of the rest."""

    size_m: float
    min_count: int
    cells: tuple[PublicCell, ...]

    @property
    def shown(self) -> Band:
        """The range the reports in the shown cells add up to."""
        return total_band(cell.band for cell in self.cells)


@dataclass(frozen=True)
class PublicOperationCell:
    """Public operations in one area hexagon: per kind shown, the band of its count."""

    q: int
    r: int
    polygon: Polygon
    kinds: tuple[tuple[str, Band], ...]

    @property
    def band(self) -> Band:
        return total_band(b for _, b in self.kinds)


@dataclass(frozen=True)
class PublicOperations:
    """Public operations per area hexagon and kind (internal ones never counted), kinds under the minimum out."""

    size_m: float
    min_count: int
    cells: tuple[PublicOperationCell, ...]

    @property
    def shown(self) -> Band:
        return total_band(cell.band for cell in self.cells)


@dataclass(frozen=True)
class PublicSiteCell:
    """Inventoried sites in one area hexagon: the band of all of them, and of those inspected and those fixed or
    verified (``None``: fewer than the minimum)."""

    q: int
    r: int
    polygon: Polygon
    sites: Band
    inspected: Band | None
    fixed: Band | None


@dataclass(frozen=True)
class PublicSites:
    size_m: float
    min_count: int
    cells: tuple[PublicSiteCell, ...]

    @property
    def shown(self) -> Band:
        return total_band(cell.sites for cell in self.cells)


@dataclass(frozen=True)
class PublicView:
    """The three layers as the public may see them over ``period``; ``demo`` when any record read was demo data.

    The unsafe places' layer is counted twice, apart: ``unsafe_places`` (the unsafe ones, the public map's
    counts) and ``safe_places``. ``period`` is ``None`` for :func:`counted_view`'s exact counts (for a caller
    who reads the records themselves), whose bands are single figures.
    """

    period: PublicPeriod | None
    unsafe_places: PublicCells
    operations: PublicOperations
    sites: PublicSites
    demo: bool
    safe_places: PublicCells  # the reports of safe places, counted apart with the same minimum


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


def _local_days(moments: pd.Series) -> pd.Series:
    """Each moment's day in Swedish time, as a timestamp at midnight without a zone (NaT where missing)."""
    moments = pd.to_datetime(moments)
    if moments.dt.tz is not None:
        moments = moments.dt.tz_convert(LOCAL_TZ_NAME).dt.tz_localize(None)
    return moments.dt.normalize()


def _local_months(moments: pd.Series) -> pd.Series:
    """Each moment's Swedish calendar month, ``YYYY-MM`` (NaN where missing)."""
    return _local_days(moments).dt.strftime("%Y-%m")


def _any_demo(*frames: gpd.GeoDataFrame | None) -> bool:
    """Whether any record of ``frames`` is generated demo data."""
    return any(bool(f["demo"].any()) for f in frames if f is not None and not f.empty and "demo" in f.columns)


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


def public_periods_of(pledge: Pledge) -> tuple[PublicPeriod, ...]:
    """The periods the public view of ``pledge`` may be counted over: its whole period, quarters and months."""
    return public_periods(pledge.period.start, pledge.period.end)


def known_period(pledge: Pledge, key: str | None) -> str:
    """``key`` if it is one of ``pledge``'s public periods, else the whole period's (a link from another pledge)."""
    return key if key in {p.key for p in public_periods_of(pledge)} else ALL


def public_view(
    store: Store,
    pledge_id: str,
    period: str | None = None,
    *,
    place_size_m: float = PLACE_HEX_M,
    area_size_m: float = AREA_HEX_M,
) -> PublicView:
    """The public view of ``pledge_id`` over one of its fixed periods (:func:`public_periods_of`; the whole period
    for ``None``), read from the whole store (behind any guard) and aggregated by :mod:`geodata.views.disclosure`.

    Nothing else narrows it, never a date, a category or an extent: every count is over a fixed cell and a
    whole period, shown as a band, and left out under :data:`MIN_COUNT` (fixed, never a caller's: two views
    of different minimums could be subtracted into an exact figure), with the pinning check over all the
    pledge's periods together, so that no two public views can be subtracted into a small count.
    """
    min_count = MIN_COUNT
    store = figures_store(store)
    pledge = store.get_pledge(pledge_id)
    periods = public_periods_of(pledge)
    chosen = choose_period(periods, period)
    months = {p.key for p in periods if p.kind == "month"}
    query = LayerQuery(pledge_id=pledge.id)
    places = store.read_layer("unsafe_places", query)
    operations = store.read_layer("operations", readable_query("operations", query))
    sites = store.read_layer("inventoried_sites", query)
    for frame, name in ((places, "unsafe_places"), (operations, "operations"), (sites, "inventoried_sites")):
        _check_crs(frame, name)
    _require(operations, "operations", ("starts_at", "kind", "visibility"))
    _require(sites, "inventoried_sites", ("status",))
    operations = operations[operations["visibility"] == "public"]
    demo = _any_demo(places, operations, sites)
    days = (pledge.period.start, pledge.period.end)

    def shown(monthly: dict) -> dict:
        bands = protect(monthly, periods, min_count=min_count)
        return {cell: b for (cell, key), b in bands.items() if key == chosen.key}

    place_grid, area_grid = HexGrid(place_size_m), HexGrid(area_size_m)

    def place_cells(records: gpd.GeoDataFrame) -> PublicCells:
        monthly = _monthly(records, "reported_on", days, months, place_grid, weights=_report_weights(records))
        cells = tuple(PublicCell(q, r, place_grid.polygon(q, r), b) for (q, r), b in sorted(shown(monthly).items()))
        return PublicCells(place_grid.size_m, min_count, cells)

    safe = places["safety"] == SAFE
    ops = shown(_monthly(operations, "starts_at", days, months, area_grid, by=operations["kind"]))
    kinds: dict[tuple[int, int], list[tuple[str, Band]]] = {}
    for (q, r, kind), b in sorted(ops.items()):
        kinds.setdefault((q, r), []).append((kind, b))
    status = sites["status"].to_numpy()
    site_bands = [
        shown(_monthly(sites, "inspected_on", days, months, area_grid, weights=weights))
        for weights in (
            np.ones(len(sites), dtype=np.int64),
            (status != "flagged").astype(np.int64),
            np.isin(status, FIXED_SITE_STATUSES).astype(np.int64),
        )
    ]
    return PublicView(
        period=chosen,
        unsafe_places=place_cells(places[~safe]),
        operations=PublicOperations(
            area_grid.size_m,
            min_count,
            tuple(PublicOperationCell(q, r, area_grid.polygon(q, r), tuple(k)) for (q, r), k in kinds.items()),
        ),
        sites=PublicSites(
            area_grid.size_m,
            min_count,
            tuple(
                PublicSiteCell(q, r, area_grid.polygon(q, r), b, site_bands[1].get((q, r)), site_bands[2].get((q, r)))
                for (q, r), b in sorted(site_bands[0].items())
            ),
        ),
        demo=demo,
        safe_places=place_cells(places[safe]),
    )


def _monthly(
    records: gpd.GeoDataFrame,
    time_field: str,
    days: tuple[dt.date, dt.date],
    months: set[str],
    grid: HexGrid,
    *,
    weights: np.ndarray | None = None,
    by: pd.Series | None = None,
) -> dict[tuple, int]:
    """``records`` counted per (cell, month): a cell ``(q, r)`` (with ``by``'s value: ``(q, r, value)``), a month
    ``YYYY-MM`` of ``months`` in Swedish time, or ``None`` for a record without a date or outside ``days`` (the
    pledge's first and last day: a month's count holds only the pledge's days of it, as its period says)."""
    if records.empty:
        return {}
    q, r = _cells_of(records, grid)
    local = _local_days(records[time_field])
    inside = (local >= pd.Timestamp(days[0])) & (local <= pd.Timestamp(days[1]))
    month = local.dt.strftime("%Y-%m").where(inside, None).to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            "q": q,
            "r": r,
            "extra": by.to_numpy() if by is not None else "",
            "month": month,
            "n": weights if weights is not None else 1,
        }
    )
    frame["month"] = frame["month"].fillna("")
    sums = frame.groupby(["q", "r", "extra", "month"])["n"].sum()
    counted: dict[tuple, int] = {}
    for (cq, cr, extra, m), n in sums.items():
        cell = (int(cq), int(cr), str(extra)) if by is not None else (int(cq), int(cr))
        counted[(cell, m or None)] = int(n)
    return counted


def counted_view(store: Store, query: LayerQuery) -> PublicView:
    """The three layers ``query`` selects counted on the public view's cells, every count exact (each band a
    single figure, none left out): the full map's counts when more records are in view than it draws, for a
    caller who reads the records. A layer the guard of ``store`` refuses the caller is not counted at all."""

    def read(layer: str) -> gpd.GeoDataFrame | None:
        try:
            return store.read_layer(layer, readable_query(layer, query))
        except AccessError:
            return None

    def exact(records: gpd.GeoDataFrame | None) -> PublicCells:
        counted = unsafe_place_hexagons(records, min_count=1) if records is not None else None
        cells = () if counted is None else counted.cells
        return PublicCells(
            PLACE_HEX_M, 1, tuple(PublicCell(c.q, c.r, c.polygon, Band(c.count, c.count)) for c in cells)
        )

    places, operations, sites = read("unsafe_places"), read("operations"), read("inventoried_sites")
    unsafe_part, safe_part = (
        (None, None) if places is None else (places[places["safety"] != SAFE], places[places["safety"] == SAFE])
    )
    kinds: dict[tuple[int, int], dict[str, int]] = {}
    polygons: dict[tuple[int, int], Polygon] = {}
    for row in operation_counts(operations).rows if operations is not None else ():
        per_kind = kinds.setdefault((row.q, row.r), {})
        per_kind[row.kind] = per_kind.get(row.kind, 0) + row.count
        polygons[(row.q, row.r)] = row.polygon
    site_cells = site_counts(sites, min_count=1).cells if sites is not None else ()
    return PublicView(
        period=None,
        unsafe_places=exact(unsafe_part),
        operations=PublicOperations(
            AREA_HEX_M,
            1,
            tuple(
                PublicOperationCell(q, r, polygons[(q, r)], tuple((k, Band(n, n)) for k, n in sorted(per.items())))
                for (q, r), per in sorted(kinds.items())
            ),
        ),
        sites=PublicSites(
            AREA_HEX_M,
            1,
            tuple(
                PublicSiteCell(
                    c.q, c.r, c.polygon, Band(c.sites, c.sites), Band(c.inspected, c.inspected), Band(c.fixed, c.fixed)
                )
                for c in site_cells
            ),
        ),
        demo=_any_demo(places, operations, sites),
        safe_places=exact(safe_part),
    )


def viewer_reads(store: Store, layer: str) -> bool:
    """Whether the caller of ``store`` may read ``layer``'s records (a store without a guard reads everything)."""
    viewer = getattr(store, "viewer", None)
    return viewer is None or reads_records(viewer, layer)


def aggregated_layers(store: Store, layers: Iterable[str]) -> tuple[str, ...]:
    """Those of ``layers`` the caller of ``store`` sees only as the public aggregation (the public role: all)."""
    return tuple(layer for layer in layers if not viewer_reads(store, layer))


def aggregated_view(store: Store, pledge_id: str, period: str | None = None) -> PublicView:
    """The public view of a pledge over one of its fixed periods, as a map shows it to a caller who reads no
    records: the pledge and the period narrow it, nothing else (see :func:`public_view`)."""
    return public_view(store, pledge_id, period)


def public_totals(view: PublicView) -> dict[str, Band]:
    """The range each layer's shown counts add up to in ``view`` (unsafe and safe places together, as the layer
    holds both): what a reader adds up from the map, never a figure of what was left out."""
    return {
        "unsafe_places": view.unsafe_places.shown + view.safe_places.shown,
        "inventoried_sites": view.sites.shown,
        "operations": view.operations.shown,
    }


def layer_counts(store: Store, pledge_id: str, layers: Iterable[str]) -> dict[str, int | Band]:
    """How much of each layer of ``pledge_id`` the caller sees: its records, or for a layer it sees only
    aggregated, the range the public view's shown counts add up to over the whole period (so a public viewer is
    not told "0" of a layer that holds reports, nor the figure of what the public view leaves out)."""
    layers = tuple(layers)
    aggregated = aggregated_layers(store, layers)
    totals = public_totals(aggregated_view(store, pledge_id)) if aggregated else {}
    return {
        layer: totals[layer] if layer in aggregated else store.count(layer, LayerQuery(pledge_id=pledge_id))
        for layer in layers
    }


def cells_geojson(
    cells: Iterable[PublicCell | PublicSiteCell | PublicOperationCell | tuple[int, int, Polygon]],
) -> dict:
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
