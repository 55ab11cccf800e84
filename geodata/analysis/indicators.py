"""Each pledge goal's survey indicator against its baseline, as sure as the survey is, and the reports beside it.

A goal follows an indicator (``Goal.indicator``) in the pledge's
municipality: per area and group of respondents, the value of the baseline
year against the latest (:func:`goal_trends`). A change is judged only when it
is larger than the uncertainty of the two results (their 95 % intervals, see
:mod:`geodata.surveys`): a smaller one "fits within the uncertainty", and a
change across a series break (a new scale) is not judged at all. A goal that
names unsafe-place categories (``Goal.categories``) also has the reports of
them in the municipality per year (:func:`report_trend`): for a role that sees
only the public view, as totals of at least :data:`~geodata.views.public.MIN_COUNT`.

The import of survey files is :mod:`geodata.io.survey_import`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from geodata import clock
from geodata.access import figures_store, reads_records
from geodata.analysis.safety import analysed_values
from geodata.analysis.situation import municipality_records
from geodata.boundaries import municipality
from geodata.model import Goal, Pledge
from geodata.store.base import LayerQuery, Store
from geodata.surveys import ALL, Indicator, area_name, compare, group_order, stored_uncertainty
from geodata.views.public import MIN_COUNT

SERIES_COLUMNS = [
    "area_id",
    "area_name",
    "group",
    "year",
    "value",
    "n",
    "low",
    "high",
    "se",
    "basis",
    "series_break",
    "break_reason",
    "segment",
]
CHANGE_COLUMNS = [
    "area_id",
    "area_name",
    "group",
    "baseline",
    "baseline_low",
    "baseline_high",
    "latest",
    "latest_low",
    "latest_high",
    "latest_year",
    "change",
    "margin",
    "uncertainty",
    "break_year",
    "break_reason",
    "verdict",
]


@dataclass(frozen=True)
class ReportTrend:
    """The unsafe-place reports of a goal's categories in the municipality, per year.

    ``counts`` maps a year to its reports, or to None where the caller sees only the public view and the year
    has fewer than ``min_count`` (a count that small is never shown in public). In the public view a
    category's count of a year below ``min_count`` is left out of the year's sum (``suppressed``), so that no
    difference between two goals' counts shows it.
    """

    categories: tuple[str, ...]
    counts: dict[int, int | None]
    public: bool
    min_count: int = MIN_COUNT
    suppressed: bool = False  # public: a category's count of a year below min_count was left out of the sums


@dataclass(frozen=True)
class GoalTrend:
    """A goal's indicator over the years, per area and group, against its baseline year.

    ``series`` has a row per area, group and year (:data:`SERIES_COLUMNS`): the value, n, the 95 % interval
    (``low``–``high``, None where unknown) and its ``basis``, whether the series breaks at the row, and the
    row's ``segment`` (a count of the breaks before it: a line is drawn within one segment only).
    ``changes`` has a row per area and group with a baseline and a later year (:data:`CHANGE_COLUMNS`).
    ``verdict`` sums up everyone's rows (the groups' rows when no row is for everyone): better, worse,
    unchanged, up, down (a change beyond the uncertainty), within_uncertainty, uncertainty_unknown (a change
    whose uncertainty is not known is never judged), not_comparable, mixed, no_baseline, no_data or no_indicator.
    """

    goal: Goal
    indicator: Indicator
    baseline_year: int | None
    latest_year: int | None
    series: pd.DataFrame
    changes: pd.DataFrame
    verdict: str
    reports: ReportTrend | None = None

    @property
    def has_data(self) -> bool:
        return not self.series.empty

    @property
    def better(self) -> str | None:
        """Which way is better: the indicator's description, else the goal's."""
        return self.indicator.better or self.goal.better

    @property
    def groups(self) -> list[str]:
        """The groups the series has, everyone first, then women, men and the age bands."""
        return sorted(set(self.series["group"]), key=group_order) if self.has_data else []

    @property
    def breaks(self) -> pd.DataFrame:
        """The years the series breaks, with the reasons: one row per year and reason."""
        rows = self.series[self.series["series_break"]] if self.has_data else self.series
        return pd.DataFrame(rows[["year", "break_reason"]]).drop_duplicates().sort_values("year", ignore_index=True)


def _verdict(change: float, better: str | None, tolerance: float) -> str:
    if abs(change) <= tolerance:
        return "unchanged"
    if better is None:
        return "up" if change > 0 else "down"
    return "better" if (change < 0) == (better == "lower") else "worse"


def _series(results: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """The stored results of one indicator with their intervals and segments, by area, group and year."""
    if results.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    rows = []
    for r in results.itertuples(index=False):
        n, sure = stored_uncertainty(indicator.kind, r)
        rows.append(
            {
                "area_id": r.area_id,
                "area_name": area_name(r),
                "group": r.group_code or ALL,
                "year": int(r.year),
                "value": float(r.value),
                "n": n,
                "low": sure.low,
                "high": sure.high,
                "se": sure.se,
                "basis": sure.basis,
                "series_break": bool(r.series_break),
                "break_reason": r.break_reason if isinstance(r.break_reason, str) and r.break_reason else None,
            }
        )
    series = pd.DataFrame(rows)
    series["order"] = series["group"].map(group_order)
    series = series.sort_values(["area_id", "order", "year"], ignore_index=True).drop(columns="order")
    # A break in one area's series is its own; the first year of a series starts none.
    first = series.groupby(["area_id", "group"], sort=False)["year"].transform("min") == series["year"]
    starts = series["series_break"] & ~first
    series["segment"] = starts.groupby([series["area_id"], series["group"]], sort=False).cumsum().astype(int)
    return series[SERIES_COLUMNS]


def _changes(series: pd.DataFrame, baseline: int, better: str | None, tolerance: float) -> pd.DataFrame:
    rows = []
    for (area, group), part in series.groupby(["area_id", "group"], sort=False):
        at_base = part[part["year"] == baseline]
        last = part.iloc[-1]
        if at_base.empty or int(last["year"]) <= baseline:
            continue
        base = at_base.iloc[0]
        between = part[(part["year"] > baseline) & (part["year"] <= last["year"]) & part["series_break"]]
        comparison = compare(float(base["value"]), _se(base), float(last["value"]), _se(last))
        if not between.empty:
            verdict, sure = "not_comparable", None
        elif comparison.uncertainty == "within":
            verdict, sure = "within_uncertainty", "within"
        elif comparison.uncertainty == "unknown" and abs(comparison.change) > tolerance:
            # Without n or a standard error a change may be noise: it is shown, never judged.
            verdict, sure = "uncertainty_unknown", "unknown"
        else:
            verdict, sure = _verdict(comparison.change, better, tolerance), comparison.uncertainty
        rows.append(
            {
                "area_id": area,
                "area_name": last["area_name"],
                "group": group,
                "baseline": float(base["value"]),
                "baseline_low": base["low"],
                "baseline_high": base["high"],
                "latest": float(last["value"]),
                "latest_low": last["low"],
                "latest_high": last["high"],
                "latest_year": int(last["year"]),
                "change": comparison.change,
                "margin": comparison.margin,
                "uncertainty": sure,
                "break_year": int(between["year"].iloc[0]) if not between.empty else None,
                "break_reason": between["break_reason"].iloc[0] if not between.empty else None,
                "verdict": verdict,
            }
        )
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _se(row: pd.Series) -> float | None:
    return None if row["se"] is None or pd.isna(row["se"]) else float(row["se"])


def _overall(changes: pd.DataFrame) -> str:
    if changes.empty:
        return "no_baseline"
    everyone = changes[changes["group"] == ALL]
    verdicts = set((everyone if not everyone.empty else changes)["verdict"])
    return verdicts.pop() if len(verdicts) == 1 else "mixed"


def report_trend(store: Store, pledge: Pledge, categories: tuple[str, ...], years: range) -> ReportTrend:
    """The unsafe-place reports of ``categories`` in the pledge's municipality per year of ``years``.

    Read through ``store``: a role that reads the reports gets their counts; one that sees only the public
    view gets the yearly totals of the municipality, summed over the category-years of at least
    :data:`MIN_COUNT` reports and each shown only from :data:`MIN_COUNT`.
    """
    viewer = getattr(store, "viewer", None)
    public = viewer is not None and not reads_records(viewer, "unsafe_places")
    source = figures_store(store) if public else store
    # Only the years the store holds reports of the municipality for: a year before the first report or after
    # the last one is unknown, not a year without reports.
    code = pledge.municipality.code
    extent = (
        source.extent("unsafe_places", LayerQuery(bbox=tuple(municipality(code).geometry.bounds))) if code else None
    )
    if extent is None or extent.first is None or extent.last is None:
        years = range(0)
    else:
        years = range(max(years.start, extent.first.year), min(years.stop, extent.last.year + 1))
    counts: dict[int, int | None] = {year: 0 for year in years}
    suppressed = False
    if counts and code:
        start, end = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
        values = analysed_values("unsafe_places", list(categories))
        records = municipality_records(source, "unsafe_places", code, start, end, values)
        if not records.empty:
            weights = pd.to_numeric(records.get("report_count", 1), errors="coerce").fillna(1)
            cells = weights.groupby(
                [pd.to_datetime(records["reported_on"]).dt.year.to_numpy(), records["category"].to_numpy()]
            ).sum()
            if public:
                # Each category's count of a year is kept apart and left out below MIN_COUNT before the
                # categories are added up: two goals whose categories overlap can then never be subtracted
                # into a count the public view does not show.
                suppressed = bool((cells < MIN_COUNT).any())
                cells = cells[cells >= MIN_COUNT]
            for year, count in cells.groupby(level=0).sum().items():
                if int(year) in counts:
                    counts[int(year)] = int(count)
    if public:
        counts = {year: (n if n is not None and n >= MIN_COUNT else None) for year, n in counts.items()}
    return ReportTrend(tuple(categories), counts, public, suppressed=suppressed)


def goal_trends(store: Store, pledge: Pledge, tolerance: float = 1e-9, until: int | None = None) -> list[GoalTrend]:
    """Each goal with its indicator's trend in the pledge's municipality (goals without an indicator say so),
    and, for a goal that names unsafe-place categories, the reports of them per year.

    ``until`` is the last year counted (a follow-up period's): a period is judged on what was known by its end.
    """
    code = pledge.municipality.code
    follows = any(g.indicator for g in pledge.goals)
    results = store.read_survey_results(code) if code and follows else pd.DataFrame(columns=["indicator", "year"])
    if until is not None:
        results = results[results["year"] <= until]
    described = store.read_indicators() if follows else {}
    trends = []
    for goal in pledge.goals:
        baseline = goal.baseline_year or pledge.period.start.year - 1
        indicator = described.get(goal.indicator or "", Indicator(goal.indicator or ""))
        empty = pd.DataFrame(columns=SERIES_COLUMNS)
        if not goal.indicator:
            trend = GoalTrend(goal, indicator, None, None, empty, pd.DataFrame(columns=CHANGE_COLUMNS), "no_indicator")
        else:
            series = _series(results[results["indicator"] == goal.indicator], indicator)
            if series.empty:
                trend = GoalTrend(goal, indicator, baseline, None, series, pd.DataFrame(columns=CHANGE_COLUMNS),
                                  "no_data")  # fmt: skip
            else:
                better = indicator.better or goal.better
                changes = _changes(series, baseline, better, tolerance)
                trend = GoalTrend(goal, indicator, baseline, int(series["year"].max()), series, changes,
                                  _overall(changes))  # fmt: skip
        if goal.categories:
            trend = _with_reports(store, pledge, trend, until)
        trends.append(trend)
    return trends


def _with_reports(store: Store, pledge: Pledge, trend: GoalTrend, until: int | None) -> GoalTrend:
    # The reports' years: the survey's years and the pledge's, up to this year.
    years = [pledge.period.start.year - 1, pledge.period.end.year]
    if trend.has_data:
        years += [int(trend.series["year"].min()), int(trend.series["year"].max())]
    if trend.baseline_year:
        years.append(trend.baseline_year)
    last = min(max(years), clock.today().year, until or clock.today().year)
    span = range(min(min(years), last), last + 1)
    return GoalTrend(**{**trend.__dict__, "reports": report_trend(store, pledge, trend.goal.categories, span)})
