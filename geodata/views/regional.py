"""Every pledge of a scope at a glance: where each stands in its follow-up, what it is about, and the reports.

A police region follows dozens of pledges, a county administrative board its county's, Brå the country's.
:func:`regional_overview` gives each pledge of a scope (:class:`geodata.regions.Scope`) and year one
:class:`PledgeStanding`: its municipality, county and region, period, focus, themes, how many of its promises
have each follow-up status in the year (the follow-up's vocabulary, and "ej bedömd" where none was judged), one
:func:`~geodata.followup.pledge_state` for a map to colour by, and when it was last judged.
:func:`scope_report_grid` counts the reports of those pledges per grid cell in the store, at the cell size a
zoom needs; a caller who reads no reports gets cells of at least :data:`~geodata.views.public.MIN_COUNT` reports
only, on one of the nested grids :data:`PUBLIC_CELLS_M`, each count a band of five.

Judgements are read through the caller's store: a guarded store gives the public their statuses (never the
judges' words), as everywhere.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from pyproj import Transformer

from geodata import vocab
from geodata.access import figures_store
from geodata.clock import LOCAL_TZ
from geodata.collation import swedish_key
from geodata.followup import NOT_JUDGED, PLEDGE_STATES, Judgement, pledge_periods, pledge_state
from geodata.grid import cell_size_for_zoom
from geodata.layers import DISPLAY_CRS, STORAGE_CRS
from geodata.model import Pledge
from geodata.records import GridCounts
from geodata.regions import Scope, county_of, region_of
from geodata.store.base import LayerQuery, Store
from geodata.themes import THEMES, pledge_themes
from geodata.views.disclosure import Band, band, total_band
from geodata.views.public import MIN_COUNT, viewer_reads

# More pledges than this in a store: the landing page is the overview of every pledge, and a pledge is picked by
# searching for its municipality (grouped by police region) rather than from a list of every pledge.
HANDFUL = 8
# The public's cells (the finest about 1 km² a cell, whatever the zoom) come from a short list whose sizes nest (ten of a size in the next), never from the zoom's
# 1-2-5 series: a 2 km and a 5 km grid overlap unevenly, and subtracting one from the other is the differencing
# the public view must not allow. Each cell's count is a band of five (geodata.views.disclosure).
PUBLIC_CELLS_M = (1000.0, 10000.0, 100000.0)
# The statuses a pledge's promises are counted by, in the order a table shows them.
PROMISE_STATES = (*vocab.ACTIVITY_STATUSES, NOT_JUDGED)


@dataclass(frozen=True)
class PledgeStanding:
    """One pledge in an overview of many: where it is, what it is about, and where its follow-up stands."""

    pledge: Pledge
    county: str | None  # county code; None when the pledge names no municipality code
    region: str | None  # police region code
    themes: tuple[str, ...]
    counts: dict[str, int]  # promises per status (PROMISE_STATES) in the year
    state: str  # pledge_state(counts)
    last_judged: dt.datetime | None  # the latest judgement counted

    @property
    def promises(self) -> int:
        return len(self.pledge.promises)

    def share(self, status: str) -> float:
        """The share of the pledge's promises that have ``status`` (0 for a pledge without promises)."""
        return self.counts.get(status, 0) / self.promises if self.promises else 0.0


@dataclass(frozen=True)
class RegionalOverview:
    """The pledges of a scope in one year, and what the choices could be."""

    scope: Scope
    year: int | None  # None: the store holds no pledge
    years: tuple[int, ...]  # every year a pledge covers, oldest first
    themes: tuple[str, ...]  # the themes chosen (a pledge about any of them is shown); () for all
    rows: tuple[PledgeStanding, ...]  # by municipality, in Swedish order
    theme_counts: dict[str, int]  # pledges of the scope and year about each theme, before the theme choice

    def state_counts(self) -> dict[str, int]:
        """How many pledges are in each state (PLEDGE_STATES order, every state a key)."""
        counted = Counter(row.state for row in self.rows)
        return {state: counted.get(state, 0) for state in PLEDGE_STATES}

    @property
    def pledge_ids(self) -> tuple[str, ...]:
        return tuple(row.pledge.id for row in self.rows)

    def by_municipality(self) -> dict[str, tuple[PledgeStanding, ...]]:
        """The pledges per municipality code (a city may have a pledge per district), those without a code left
        out: what a map of municipalities draws."""
        out: dict[str, list[PledgeStanding]] = {}
        for row in self.rows:
            if row.pledge.municipality.code:
                out.setdefault(row.pledge.municipality.code, []).append(row)
        return {code: tuple(rows) for code, rows in out.items()}


def municipality_state(rows: Sequence[PledgeStanding]) -> str:
    """The state a map colours a municipality with several pledges by: the one needing attention most.

    >>> from geodata.shipped import shipped_pledges
    >>> [p] = [p for p in shipped_pledges() if p.id == "mark-2021"]
    >>> municipality_state([standing(p, [], 2021), replace(standing(p, [], 2021), state="delayed")])
    'delayed'
    """
    return min((row.state for row in rows), key=PLEDGE_STATES.index)


def _place(pledge: Pledge) -> tuple[str | None, str | None]:
    code = pledge.municipality.code
    if not code:
        return None, None
    try:
        return county_of(code), region_of(code)
    except LookupError:
        return None, None


def covers(pledge: Pledge, year: int) -> bool:
    """Whether the pledge runs during some of ``year``."""
    return pledge.period.start.year <= year <= pledge.period.end.year


def pledge_years(pledges: Sequence[Pledge]) -> tuple[int, ...]:
    """Every year some pledge runs in, oldest first."""
    return tuple(sorted({y for p in pledges for y in range(p.period.start.year, p.period.end.year + 1)}))


def default_year(pledges: Sequence[Pledge], today: dt.date) -> int | None:
    """This year if a pledge runs in it, else the latest year before it that one does, else the first to come."""
    years = pledge_years(pledges)
    if not years:
        return None
    if today.year in years:
        return today.year
    before = [y for y in years if y < today.year]
    return before[-1] if before else years[0]


def standing(
    pledge: Pledge, judgements: Sequence[Judgement], year: int, today: dt.date | None = None
) -> PledgeStanding:
    """Where ``pledge`` stands by the end of ``year`` as of ``today``: each promise's status is its latest
    judgement in the latest period of the year or before that it was judged in (its latest version, of those
    saved by ``today``); ej bedömd without one."""
    periods = {p.code: p for p in pledge_periods(pledge)}
    latest: dict[str, Judgement] = {}
    for j in judgements:
        period = periods.get(j.period)
        if j.subject != "promise" or period is None or period.year > year:
            continue
        if today is not None and j.judged_at is not None and j.judged_at.astimezone(LOCAL_TZ).date() > today:
            continue  # saved after the day the overview is as of
        held = latest.get(j.subject_id)
        if held is None or (period.start, j.version) > (periods[held.period].start, held.version):
            latest[j.subject_id] = j
    counts = dict.fromkeys(PROMISE_STATES, 0)
    for promise in pledge.promises:
        judged = latest.get(promise.id)
        counts[judged.status if judged else NOT_JUDGED] += 1
    moments = [m for p in pledge.promises if p.id in latest and (m := latest[p.id].judged_at) is not None]
    county, region = _place(pledge)
    return PledgeStanding(
        pledge, county, region, pledge_themes(pledge), counts, pledge_state(counts), max(moments, default=None)
    )


def regional_overview(
    store: Store, scope: Scope, year: int | None, today: dt.date, themes: Sequence[str] = ()
) -> RegionalOverview:
    """The pledges of ``scope`` running in ``year`` (default :func:`default_year`; a year no pledge runs in is
    the default too, which ``years`` shows), about any of ``themes`` (all when none is given), each with where it
    stands by the end of the year, as of ``today``."""
    unknown = sorted(set(themes) - set(THEMES))
    if unknown:
        raise ValueError(f"unknown themes: {', '.join(unknown)}; expected some of {', '.join(THEMES)}")
    pledges = store.list_pledges()
    years = pledge_years(pledges)
    if year is None or year not in years:
        year = default_year(pledges, today)
    if year is None:
        return RegionalOverview(scope, None, (), tuple(themes), (), dict.fromkeys(THEMES, 0))
    in_scope = [
        p for p in pledges if covers(p, year) and (scope.kind == "country" or scope.holds(p.municipality.code or ""))
    ]
    rows = [standing(p, store.read_judgements(p.id), year, today) for p in in_scope]
    theme_counts = {code: sum(code in row.themes for row in rows) for code in THEMES}
    if themes:
        rows = [row for row in rows if set(row.themes) & set(themes)]
    rows.sort(key=lambda row: (swedish_key(row.pledge.municipality.name), row.pledge.period.start, row.pledge.id))
    ordered = tuple(code for code in THEMES if code in themes)
    return RegionalOverview(scope, year, years, ordered, tuple(rows), theme_counts)


@dataclass(frozen=True)
class ScopeGrid:
    """The reports of an overview's pledges counted per cell, and how: ``public`` cells hold MIN_COUNT or more."""

    grid: GridCounts
    public: bool
    min_count: int  # the smallest count a cell shown may hold (1 where every cell is shown)
    # The public's cells: each count's band (grid.count holds each band's lowest figure); None for exact counts.
    bands: tuple[Band, ...] | None = None

    def band(self, i: int) -> Band:
        """Cell ``i``'s count as a band (a single figure where counts are exact)."""
        if self.bands is not None:
            return self.bands[i]
        count = int(self.grid.count[i])
        return Band(count, count)

    @property
    def total(self) -> Band:
        """The range the shown cells' counts add up to."""
        return total_band(self.band(i) for i in range(len(self.grid)))


_TO_STORAGE = Transformer.from_crs(DISPLAY_CRS, STORAGE_CRS, always_xy=True)


def scope_report_grid(
    store: Store,
    overview: RegionalOverview,
    zoom: float | None = None,
    view_bounds: tuple[float, float, float, float] | None = None,
) -> ScopeGrid:
    """The unsafe places reported to the overview's pledges in its year, counted per cell in the store.

    The cell follows ``zoom`` (as the pledge map's grid does); with the map's visible area ``view_bounds`` (WGS84
    minlon, minlat, maxlon, maxlat) only the cells in view are counted, each whole. A caller who does not read reports
    sees cells of one of :data:`PUBLIC_CELLS_M` holding at least MIN_COUNT reports, each count a band of five:
    never a single report. The grids nest, so one zoom's cells are sums of another's, never uneven overlaps; no
    pinning check runs across the levels (the bands of five are what keep their differences wide).
    """
    public = not viewer_reads(store, "unsafe_places")
    query = LayerQuery(
        pledge_ids=overview.pledge_ids,
        start=dt.date(overview.year, 1, 1) if overview.year else None,
        end=dt.date(overview.year, 12, 31) if overview.year else None,
        values=(("safety", ("unsafe",)),),
    )
    latitude = 62.0 if view_bounds is None else (view_bounds[1] + view_bounds[3]) / 2
    cell = cell_size_for_zoom(zoom if zoom is not None else 4.0, latitude)
    if public:
        cell = next((size for size in PUBLIC_CELLS_M if cell <= 2 * size), PUBLIC_CELLS_M[-1])
    box = None
    if view_bounds is not None:
        # Whole cells only: the view's box widened to the grid's lines, and cells outside it dropped. A cell at the
        # view's edge is counted whole, so moving the edge across it changes nothing (it can never tell where
        # inside the cell a report lies), and a record reaching into the box from a cell outside it adds nothing.
        xs, ys = _TO_STORAGE.transform([view_bounds[0], view_bounds[2]], [view_bounds[1], view_bounds[3]])
        box = (
            math.floor(min(xs) / cell) * cell,
            math.floor(min(ys) / cell) * cell,
            math.ceil(max(xs) / cell) * cell,
            math.ceil(max(ys) / cell) * cell,
        )
        query = replace(query, bbox=box)
    reader = figures_store(store) if public else store
    grid = reader.grid_counts("unsafe_places", query, cell, "report_count")
    keep = grid.count >= (MIN_COUNT if public else 1)
    if box is not None:
        keep &= (grid.x > box[0]) & (grid.x < box[2]) & (grid.y > box[1]) & (grid.y < box[3])
    if not public:
        shown = GridCounts(cell, grid.x[keep], grid.y[keep], grid.lon[keep], grid.lat[keep], grid.count[keep])
        return ScopeGrid(shown, False, 1)
    bands = tuple(b for c in grid.count[keep].tolist() if (b := band(int(c))) is not None)
    lows = np.array([b.low for b in bands], dtype=grid.count.dtype)
    shown = GridCounts(cell, grid.x[keep], grid.y[keep], grid.lon[keep], grid.lat[keep], lows)
    return ScopeGrid(shown, True, MIN_COUNT, bands)
