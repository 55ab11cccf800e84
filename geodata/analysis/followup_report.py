"""What the follow-up report of a pledge and one follow-up period says, computed once for every renderer.

The coordinator's report to the municipal board (and the version published for residents) holds: the pledge's
title, period and partners; how many promises and goals are in each state in the period; each promise with its
judged status ("not judged" if none), its "how it went" text, its evidence figures (records in the period, to
date, the target, what was expected by the period's end) and a map of its records in the period; each goal with
its indicator's trend (:func:`geodata.analysis.indicators.goal_trends`) and its judged status; and what is next
(the next period, the promises not judged or delayed).

Everything is read through the caller's store, so a role sees only what it may:

- the judgements come from :func:`geodata.analysis.followup.pledge_follow_up`, read through the store: a guarded
  store gives the public each status without the judge's words or name;
- a promise's map shows its records as points only to a role that reads that layer's records
  (:func:`geodata.views.public.viewer_reads`); any other caller, the public first, gets the public view's
  hexagons of the layer (:mod:`geodata.views.public`: its cells, its minimum), and a cell under
  :data:`~geodata.views.public.MIN_COUNT` is never in the result, for operations too (summed over a period for
  one promise a cell of one operation would point at one school), and a cell's count is a band of five as on
  the public map, with no figure of what was left out;
- no record's own fields leave this module: a point is its coordinates, a cell its polygon and count; the only
  texts are the pledge's published ones (title, focus, promise and goal texts) and the judgements' words the
  store gave.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from shapely.geometry.base import BaseGeometry

from geodata.access import figures_store, readable_query
from geodata.access.rules import PUBLIC
from geodata.analysis.followup import NOT_JUDGED, SubjectFollowUp, pledge_follow_up
from geodata.analysis.indicators import GoalTrend, goal_trends
from geodata.errors import NotFoundError, Problem, ValidationError
from geodata.followup import FollowUpPeriod, find_period, pledge_periods
from geodata.grid import HexGrid, representative_xy
from geodata.layers import get_layer
from geodata.model import Pledge, Promise
from geodata.store.base import Store
from geodata.views.disclosure import Band, band, total_band
from geodata.views.progress import evidence_query
from geodata.views.public import (
    AREA_HEX_M,
    MIN_COUNT,
    PLACE_HEX_M,
    PublicCell,
    operation_counts,
    site_counts,
    unsafe_place_hexagons,
    viewer_reads,
)

# One hexagon of an aggregated map and the band of how many records it holds: the public view's cell.
MapCell = PublicCell


@dataclass(frozen=True)
class RecordMap:
    """A promise's records in the period on a map: points for a reader of the layer's records, else hexagons.

    ``points`` are (x, y) in EPSG:3006; ``cells`` hold only hexagons of at least ``min_count`` records, each a
    band, and ``suppressed`` says whether any cell was left out (never how many records it held), so a caption
    can say so honestly.
    ``boundary`` is the municipality (EPSG:3006), drawn under them, or None where the pledge names no code.
    """

    layer: str
    aggregated: bool
    points: tuple[tuple[float, float], ...]
    cells: tuple[MapCell, ...]
    size_m: float | None
    min_count: int | None
    suppressed: bool
    boundary: BaseGeometry | None

    @property
    def shown(self) -> Band:
        """How many records the map shows: its points, or the range its cells' bands add up to."""
        if not self.aggregated:
            return Band(len(self.points), len(self.points))
        return total_band(cell.band for cell in self.cells)


@dataclass(frozen=True)
class Judged:
    """A promise's or goal's judgement in the report's period: its status (``not_judged`` if none), the judge's
    words, who and when (empty where the store does not give them: the public's), and every period's status."""

    status: str
    text: str
    judged_by: str | None
    judged_at: dt.datetime | None
    late: bool
    trend: tuple[tuple[str, str], ...]  # (period code, status) of each period due or judged


@dataclass(frozen=True)
class PromiseReport:
    promise: Promise
    judged: Judged
    evidence: dict[str, Any]  # in_period, to_date, target, expected, progress, promise_over
    proposed: str  # the status the figures propose (the person decides)
    record_map: RecordMap


@dataclass(frozen=True)
class GoalReport:
    goal_id: str
    text: str
    judged: Judged
    trend: GoalTrend  # the indicator per area and year, its baseline and verdict
    proposed: str


@dataclass(frozen=True)
class FollowUpReport:
    """The follow-up report of ``pledge`` for ``period``, as ``public`` (the public's variant) or not."""

    pledge: Pledge
    period: FollowUpPeriod
    periods: tuple[FollowUpPeriod, ...]
    today: dt.date
    public: bool
    promise_summary: dict[str, int]  # status → promises, every status of the vocabulary and not_judged
    goal_summary: dict[str, int]
    promises: tuple[PromiseReport, ...]
    goals: tuple[GoalReport, ...]
    next_period: FollowUpPeriod | None  # None: the report's period is the pledge's last

    @property
    def not_judged(self) -> tuple[PromiseReport, ...]:
        return tuple(p for p in self.promises if p.judged.status == NOT_JUDGED)

    @property
    def delayed(self) -> tuple[PromiseReport, ...]:
        return tuple(p for p in self.promises if p.judged.status == "delayed")


def follow_up_report(store: Store, pledge_id: str, today: dt.date, period: str | None = None) -> FollowUpReport:
    """The follow-up report of pledge ``pledge_id`` for ``period`` (a code such as "2024-T1"; default the latest
    period that is over), as the caller of ``store`` may read it.

    Raises :class:`~geodata.errors.NotFoundError` for an unknown pledge and a
    :class:`~geodata.errors.ValidationError` naming the pledge's periods for a period it does not have.
    """
    pledge = store.get_pledge(pledge_id)
    if period is not None:
        try:
            find_period(pledge, period)
        except ValueError as exc:
            codes = [p.code for p in pledge_periods(pledge)]
            raise ValidationError(
                Problem(
                    f"follow-up report of pledge {pledge.id}",
                    "period",
                    str(exc),
                    "unknown_period",
                    {"value": period, "choices": codes},
                )  # fmt: skip
            ) from None
    follow = pledge_follow_up(store, pledge, today, period)
    chosen = follow.period
    viewer = getattr(store, "viewer", None)
    public = viewer is not None and viewer.role == PUBLIC
    boundary = _boundary(pledge)
    promises = tuple(
        PromiseReport(
            promise,
            _judged(follow.subject("promise", promise.id), chosen),
            {k: v for k, v in item.proposal.evidence.items() if k != "proposed"},
            item.proposal.status,
            _record_map(store, pledge, promise, chosen, boundary),
        )
        for promise, item in ((p, follow.subject("promise", p.id)) for p in pledge.promises)
    )
    trends = (
        {trend.goal.id: trend for trend in goal_trends(store, pledge, until=chosen.end.year)} if pledge.goals else {}
    )
    goals = tuple(
        GoalReport(item.subject_id, item.text, _judged(item, chosen), trends[item.subject_id], item.proposal.status)
        for item in follow.goals
    )
    index = follow.periods.index(chosen)
    return FollowUpReport(
        pledge=pledge,
        period=chosen,
        periods=follow.periods,
        today=today,
        public=public,
        promise_summary=follow.summary("promise"),
        goal_summary=follow.summary("goal") if follow.goals else {},
        promises=promises,
        goals=goals,
        next_period=follow.periods[index + 1] if index + 1 < len(follow.periods) else None,
    )


def _judged(item: SubjectFollowUp, period: FollowUpPeriod) -> Judged:
    state = item.state(period.code)
    judgement = state.judgement
    return Judged(
        status=state.status,
        text=judgement.text if judgement else "",
        judged_by=judgement.judged_by if judgement else None,
        judged_at=judgement.judged_at if judgement else None,
        late=state.late,
        # The periods up to the report's: a report of the second tertial does not tell what the third brought.
        trend=tuple(
            (s.period.code, s.status) for s in item.periods if s.period.end <= period.end and (s.due or s.judgement)
        ),
    )


def _boundary(pledge: Pledge) -> BaseGeometry | None:
    from geodata.boundaries import municipality

    code = pledge.municipality.code
    if not code:
        return None
    try:
        return municipality(code).geometry
    except NotFoundError:
        return None


def _record_map(
    store: Store, pledge: Pledge, promise: Promise, period: FollowUpPeriod, boundary: BaseGeometry | None
) -> RecordMap:
    layer = promise.evidence.layer
    whole = pledge.promise_period(promise)
    start, end = max(period.start, whole.start), min(period.end, whole.end)
    aggregated = not viewer_reads(store, layer)
    if start > end:  # the promise does not run in this period
        return RecordMap(layer, aggregated, (), (), None, MIN_COUNT if aggregated else None, False, boundary)
    query = replace(evidence_query(pledge, promise), start=start, end=end)
    if not aggregated:
        records = store.read_layer(layer, query)  # the guard narrows it to what the caller's role reads
        records = records[records[get_layer(layer).time_field].notna()]
        points = tuple((float(x), float(y)) for x, y in representative_xy(records.geometry)) if len(records) else ()
        return RecordMap(layer, False, points, (), None, None, False, boundary)
    # The public view's rules: read beneath the guard, internal operations never, only cells at the minimum out.
    records = figures_store(store).read_layer(layer, readable_query(layer, query))
    records = records[records[get_layer(layer).time_field].notna()]
    cells, size_m, suppressed = _public_cells(layer, records)
    return RecordMap(layer, True, (), cells, size_m, MIN_COUNT, suppressed, boundary)


def _public_cells(layer: str, records: Any) -> tuple[tuple[MapCell, ...], float, bool]:
    """The public hexagons of ``records`` of ``layer`` (the public view's cells and minimum, each count a band),
    the cell size, and whether any cell was left out under the minimum."""
    if layer == "unsafe_places":
        places = unsafe_place_hexagons(records, size_m=PLACE_HEX_M, min_count=1)
        size_m, counted = places.size_m, [(c.q, c.r, c.polygon, c.count) for c in places.cells]
    elif layer == "inventoried_sites":
        sites = site_counts(records, size_m=AREA_HEX_M, min_count=1)
        size_m, counted = sites.size_m, [(c.q, c.r, c.polygon, c.sites) for c in sites.cells]
    else:
        operations = operation_counts(records, size_m=AREA_HEX_M)
        per_cell: dict[tuple[int, int], int] = {}
        for row in operations.rows:  # summed over the months and kinds of the period
            per_cell[(row.q, row.r)] = per_cell.get((row.q, row.r), 0) + row.count
        grid = HexGrid(operations.size_m)
        size_m = operations.size_m
        counted = [(q, r, grid.polygon(q, r), n) for (q, r), n in sorted(per_cell.items())]
    cells = tuple(MapCell(q, r, polygon, b) for q, r, polygon, n in counted if (b := band(n)) is not None)
    return cells, size_m, len(cells) < len(counted)


__all__ = [
    "FollowUpReport",
    "GoalReport",
    "Judged",
    "MapCell",
    "PromiseReport",
    "RecordMap",
    "follow_up_report",
]
