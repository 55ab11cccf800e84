"""The kartläggning of a lägesbild: a municipality's year drafted from the store, when it is shown.

For one municipality (kommun code) and one year, from the records the
caller may read: the unsafe places reported that year by category (count,
share and change against the year before), by place (the hexagons holding
the most reports, each with its Gi* class), by weekday and time of day, the
yearly totals of the years before (:data:`TREND_YEARS`), the survey results,
the police's published events per month, and the operations per month by
kind where the caller may read them. Only unsafe places count (a place
reported as safe is not unsafety, :mod:`geodata.analysis.safety`); a record
counts as one report, as the hot spots count them. A record belongs to the
municipality when its point lies inside the municipality's boundary.

Nothing of it is stored: the sections people write are
(:mod:`geodata.analysis.situation_document`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata import vocab
from geodata.access.rules import AccessError
from geodata.analysis.defaults import DEFAULT_SEED
from geodata.analysis.getisord import FEW_REPORTS, cell_size_for, hotspots
from geodata.analysis.safety import analysed_values
from geodata.boundaries import municipality
from geodata.clock import LOCAL_TZ_NAME
from geodata.grid import representative_xy
from geodata.io.police_events import MonthOfEvents, events_by_month
from geodata.layers import STORAGE_CRS
from geodata.store.base import LayerQuery
from geodata.surveys import area_name, group_order, stored_uncertainty

TREND_YEARS = 4  # the years before the report's year its trend and changes compare with
TOP_PLACES = 10
PERMUTATIONS = 999
NOT_STATED = "not_stated"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class CategoryCount:
    """One category's reports in the year, its share of all of them, and the same count in each earlier year."""

    category: str
    count: int
    share: float  # of the year's reports, 0–1
    before: dict[int, int]  # year → reports, the TREND_YEARS years before

    @property
    def change(self) -> int | None:
        """Reports this year minus the year before (None when no year before is counted)."""
        if not self.before:
            return None
        return self.count - self.before[max(self.before)]


@dataclass(frozen=True)
class Place:
    """A hexagon among those with the most reports: its rank, count, centre (WGS84) and Gi* class."""

    rank: int
    count: int
    lon: float
    lat: float
    hotspot: str  # one of geodata.analysis.getisord.CLASSES ("hot_99", …, "none")


@dataclass(frozen=True)
class Kartlaggning:
    """What the data says about the municipality's year; see the module for what is counted."""

    municipality_code: str
    municipality_name: str
    year: int
    reports: int
    categories: list[CategoryCount]  # most reports first; categories with none this year or before left out
    places: list[Place]
    cell_m: float  # the hexagons' size (circumradius, metres)
    few_reports: bool  # fewer than getisord.FEW_REPORTS: hot spots say more about chance than places
    times_of_day: tuple[str, ...]  # the columns of ``week``: vocab.TIMES_OF_DAY, then NOT_STATED
    week: list[list[int]]  # reports per weekday (Monday first) × time of day
    trend: dict[int, int]  # year → reports, the earlier years and this one
    survey: pd.DataFrame  # SURVEY_COLUMNS: results of this year and the TREND_YEARS before
    police_events: list[MonthOfEvents]
    operations: pd.DataFrame | None  # month, kind, count; None where the caller may not read operations

    @property
    def earlier_years(self) -> list[int]:
        return [y for y in sorted(self.trend) if y < self.year]


def year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def municipality_records(
    store: Any, layer: str, code: str, start: dt.date, end: dt.date, values: dict | None = None
) -> gpd.GeoDataFrame:
    """The records of ``layer`` in the municipality (a point inside its boundary) in ``start``–``end``."""
    area = municipality(code).geometry
    query = LayerQuery.build(values, bbox=tuple(area.bounds), start=start, end=end)
    records = store.read_layer(layer, query)
    if records.empty:
        return records
    xy = representative_xy(records.geometry)
    return records[shapely.contains_xy(area, xy[:, 0], xy[:, 1])]


def situation_municipalities(store: Any) -> list[tuple[str, str]]:
    """(code, name) of the municipalities the store's pledges are about, in code order."""
    found = {p.municipality.code: p.municipality.name for p in store.list_pledges() if p.municipality.code}
    return sorted(found.items())


def situation_years(store: Any, code: str, today: dt.date) -> list[int]:
    """The years a lägesbild of the municipality can be drafted for: from its first report (or pledge) to this year,
    newest first."""
    starts = [p.period.start.year for p in store.list_pledges() if p.municipality.code == code]
    extent = store.extent("unsafe_places", LayerQuery(bbox=tuple(municipality(code).geometry.bounds)))
    if extent.first is not None:
        starts.append(extent.first.year)
    first = min(starts, default=today.year)
    return list(range(today.year, first - 1, -1))


def default_year(store: Any, code: str, today: dt.date) -> int:
    """The year a lägesbild opens on: the latest with reports in the municipality, else this year."""
    extent = store.extent("unsafe_places", LayerQuery(bbox=tuple(municipality(code).geometry.bounds)))
    last = extent.last.year if extent.last is not None else today.year
    return min(last, today.year)


def kartlaggning(store: Any, code: str, year: int, *, permutations: int = PERMUTATIONS) -> Kartlaggning:
    """The kartläggning of municipality ``code`` for ``year`` from what ``store``'s caller may read.

    >>> from geodata.demo import write_demo_store
    >>> import tempfile, pathlib
    >>> store = write_demo_store(pathlib.Path(tempfile.mkdtemp()) / "demo.gpkg")
    >>> k = kartlaggning(store, "1463", 2021, permutations=99)
    >>> k.reports == sum(c.count for c in k.categories) == sum(map(sum, k.week)) == k.trend[2021]
    True
    >>> store.close()
    """
    place = municipality(code)
    first = year - TREND_YEARS
    unsafe = analysed_values("unsafe_places")
    records = municipality_records(store, "unsafe_places", code, dt.date(first, 1, 1), year_span(year)[1], unsafe)
    years = pd.to_datetime(records["reported_on"]).dt.year if len(records) else pd.Series([], dtype=int)
    this = records[(years == year).to_numpy()] if len(records) else records
    trend = {y: int((years == y).sum()) for y in range(first, year + 1)}
    places, cell_m = _places(this, place.geometry, permutations)
    return Kartlaggning(
        municipality_code=code,
        municipality_name=place.name,
        year=year,
        reports=len(this),
        categories=_categories(records, years, year, first),
        places=places,
        cell_m=cell_m,
        few_reports=len(this) < FEW_REPORTS,
        times_of_day=(*vocab.TIMES_OF_DAY, NOT_STATED),
        week=_week(this),
        trend=trend,
        survey=_survey(store, code, first, year),
        police_events=events_by_month(store.read_police_events(code, *year_span(year))),
        operations=_operations(store, code, year),
    )


def _categories(records: gpd.GeoDataFrame, years: pd.Series, year: int, first: int) -> list[CategoryCount]:
    total = int((years == year).sum())
    result = []
    for category in vocab.UNSAFE_CATEGORIES:
        mine = (records["category"] == category).to_numpy() if len(records) else np.zeros(0, dtype=bool)
        per_year = {y: int(((years == y).to_numpy() & mine).sum()) for y in range(first, year + 1)}
        if not any(per_year.values()):
            continue
        count = per_year.pop(year)
        result.append(CategoryCount(category, count, count / total if total else 0.0, per_year))
    return sorted(result, key=lambda c: (-c.count, vocab.UNSAFE_CATEGORIES.index(c.category)))


def _places(records: gpd.GeoDataFrame, area: Any, permutations: int) -> tuple[list[Place], float]:
    """The hexagons with the most reports, with their Gi* class, and the hexagons' size."""
    if records.empty:
        return [], float(cell_size_for(area))
    result = hotspots(records, area, permutations=permutations, seed=DEFAULT_SEED)
    cells = result.cells
    top = cells[cells["count"] > 0].sort_values("count", ascending=False, kind="stable").head(TOP_PLACES)
    centres = gpd.GeoSeries(top.geometry.centroid, crs=STORAGE_CRS).to_crs(4326)
    places = [
        Place(rank, int(row["count"]), float(c.x), float(c.y), str(row["class"]))
        for rank, ((_, row), c) in enumerate(zip(top.iterrows(), centres, strict=True), start=1)
    ]
    return places, result.cell_m


def _week(records: gpd.GeoDataFrame) -> list[list[int]]:
    columns = (*vocab.TIMES_OF_DAY, NOT_STATED)
    week = [[0] * len(columns) for _ in WEEKDAYS]
    if records.empty:
        return week
    days = pd.to_datetime(records["reported_on"]).dt.day_of_week.to_numpy()
    times = records["time_of_day"].where(records["time_of_day"].isin(vocab.TIMES_OF_DAY), NOT_STATED).to_numpy()
    for day, time in zip(days, times, strict=True):
        week[int(day)][columns.index(time)] += 1
    return week


SURVEY_COLUMNS = ["indicator", "area_name", "group", "year", "value", "n", "low", "high"]


def _survey(store: Any, code: str, first: int, year: int) -> pd.DataFrame:
    """The survey results of ``first``–``year`` with their groups, n and 95 % intervals (where known)."""
    results = store.read_survey_results(code)
    if results.empty:
        return pd.DataFrame(columns=SURVEY_COLUMNS)
    kept = results[(results["year"] >= first) & (results["year"] <= year)]
    described = store.read_indicators()
    rows = []
    for r in kept.itertuples(index=False):
        kind = described[r.indicator].kind if r.indicator in described else None
        n, sure = stored_uncertainty(kind, r)
        name = area_name(r)
        rows.append((r.indicator, name, r.group_code, int(r.year), float(r.value), n, sure.low, sure.high))
    frame = pd.DataFrame(rows, columns=SURVEY_COLUMNS)
    frame["order"] = frame["group"].map(group_order)
    return frame.sort_values(["indicator", "area_name", "order", "year"], ignore_index=True).drop(columns="order")


def _operations(store: Any, code: str, year: int) -> pd.DataFrame | None:
    try:
        records = municipality_records(store, "operations", code, *year_span(year))
    except AccessError:
        return None
    if records.empty:
        return pd.DataFrame(columns=["month", "kind", "count"])
    starts = pd.to_datetime(records["starts_at"], utc=True).dt.tz_convert(LOCAL_TZ_NAME)
    frame = pd.DataFrame({"month": starts.dt.strftime("%Y-%m").to_numpy(), "kind": records["kind"].to_numpy()})
    frame = frame[frame["month"].str.startswith(str(year))]
    counts = frame.groupby(["month", "kind"]).size().rename("count").reset_index()
    return counts.sort_values(["month", "kind"], ignore_index=True)
