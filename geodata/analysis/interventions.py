"""Did an intervention work, and did it just move the problem? Before/after counts in three areas.

For a target area and a date, reports are counted over two equal periods
(``days`` before the date, and the date and the ``days - 1`` after it) in

- the **target** area,
- a **buffer** ring around it (``buffer_m`` wide), where displaced problems
  (or a diffusion of benefits) would show first, and
- a **control** area (the user's, or by default the rest of the
  municipality outside target and buffer), for the change that would have
  happened anyway.

Two measures follow, each with the cautions that make it mean less:

- the Weighted Displacement Quotient (Bowers & Johnson 2003):
  ``success = A1/C1 - A0/C0`` (negative: the target fell relative to the
  control), ``displacement = B1/C1 - B0/C0`` (positive: the buffer rose),
  ``WDQ = displacement / success``, read only when ``success < 0``:
  above 0 a diffusion of benefits (above 1 larger than the direct effect),
  below 0 displacement (below -1 larger than the direct effect);
- the Weighted Displacement Difference (Wheeler & Ratcliffe 2018), a
  difference in differences of counts: ``WDD = (A1 - A0) - (C1 - C0) +
  (B1 - B0) - (C1 - C0)``, negative when the target and buffer together fell
  more than the control; with Poisson counts and one control area used for
  both, ``Var = A0 + A1 + B0 + B1 + 4·(C0 + C1)``, ``SE = √Var`` and a 95 %
  interval of ``WDD ± 1.96·SE``. It compares raw counts, so it needs a
  control area of about the target's size.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geodata import clock
from geodata.analysis.defaults import DEFAULT_BUFFER_M, DEFAULT_DAYS, DEFAULT_TARGET_RADIUS_M
from geodata.analysis.findings import Finding
from geodata.analysis.getisord import pledge_points
from geodata.analysis.safety import analysed_values
from geodata.boundaries import municipality
from geodata.errors import NotFoundError
from geodata.grid import representative_xy
from geodata.layers import STORAGE_CRS, get_layer
from geodata.store.base import LayerQuery, Store

FEW_COUNTS = 10  # Bowers & Johnson: ratios of smaller counts swing on a handful of reports
Z_95 = 1.959964


@dataclass(frozen=True)
class AreaCounts:
    """Reports in each area, before (0) and after (1) the intervention date."""

    target_before: int
    target_after: int
    buffer_before: int
    buffer_after: int
    control_before: int
    control_after: int


@dataclass(frozen=True)
class Wdq:
    success: float | None  # A1/C1 - A0/C0; negative: the target fell relative to the control
    displacement: float | None  # B1/C1 - B0/C0; positive: the buffer rose relative to the control
    value: float | None  # displacement / success, only where success < 0


@dataclass(frozen=True)
class Wdd:
    local: int  # (A1 - A0) - (C1 - C0)
    displaced: int  # (B1 - B0) - (C1 - C0)
    value: int  # local + displaced
    se: float
    z: float | None
    low: float  # 95 % interval
    high: float


def wdq(counts: AreaCounts) -> Wdq:
    """Bowers & Johnson's Weighted Displacement Quotient.

    >>> wdq(AreaCounts(40, 20, 30, 24, 400, 400))
    Wdq(success=-0.05, displacement=-0.015, value=0.3)
    """
    c0, c1 = counts.control_before, counts.control_after
    if c0 == 0 or c1 == 0:
        return Wdq(None, None, None)
    success = counts.target_after / c1 - counts.target_before / c0
    displacement = counts.buffer_after / c1 - counts.buffer_before / c0
    value = displacement / success if success < 0 else None
    return Wdq(round(success, 12), round(displacement, 12), None if value is None else round(value, 12))


def wdd(counts: AreaCounts) -> Wdd:
    """Wheeler & Ratcliffe's Weighted Displacement Difference with one control area for target and buffer.

    >>> wdd(AreaCounts(40, 20, 30, 24, 35, 33))
    Wdd(local=-18, displaced=-4, value=-22, se=19.6468827043885, z=-1.1198, low=-60.51, high=16.51)
    """
    change_control = counts.control_after - counts.control_before
    local = counts.target_after - counts.target_before - change_control
    displaced = counts.buffer_after - counts.buffer_before - change_control
    value = local + displaced
    variance = (
        counts.target_before
        + counts.target_after
        + counts.buffer_before
        + counts.buffer_after
        + 4 * (counts.control_before + counts.control_after)
    )
    se = math.sqrt(variance)
    z = round(value / se, 4) if se else None
    return Wdd(local, displaced, value, se, z, round(value - Z_95 * se, 2), round(value + Z_95 * se, 2))


@dataclass(frozen=True)
class InterventionResult:
    label: str
    date: dt.date
    before: tuple[dt.date, dt.date]  # inclusive
    after: tuple[dt.date, dt.date]
    counts: AreaCounts
    wdq: Wdq
    wdd: Wdd
    areas: gpd.GeoDataFrame  # target, buffer, control (EPSG:3006)
    series: pd.DataFrame  # month, area, count: the counts over time, for a chart
    findings: list[Finding] = field(default_factory=list)


def _change(before: int, after: int) -> float | None:
    return None if before == 0 else round(100.0 * (after - before) / before, 1)


def _count(xy: np.ndarray, days: np.ndarray, shape: BaseGeometry, start: dt.date, end: dt.date) -> int:
    if not len(xy):
        return 0
    inside = shapely.contains_xy(shape, xy[:, 0], xy[:, 1])
    when = (days >= np.datetime64(start)) & (days <= np.datetime64(end))
    return int((inside & when).sum())


def _days(records: gpd.GeoDataFrame, time_field: str) -> np.ndarray:
    values = records[time_field]
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(clock.LOCAL_TZ_NAME).dt.tz_localize(None)
    return pd.to_datetime(values).dt.normalize().to_numpy(dtype="datetime64[D]")


def evaluate_intervention(
    records: gpd.GeoDataFrame,
    target: BaseGeometry,
    date: dt.date,
    *,
    label: str = "",
    days: int = DEFAULT_DAYS,
    buffer_m: float = DEFAULT_BUFFER_M,
    control: BaseGeometry | None = None,
    study_area: BaseGeometry | None = None,
    time_field: str = "reported_on",
    today: dt.date | None = None,
) -> InterventionResult:
    """Counts, WDQ and WDD for ``records`` (EPSG:3006) around ``target`` and ``date``.

    ``control`` defaults to ``study_area`` (the municipality) outside target and buffer.
    """
    if records.crs is not None and records.crs.to_epsg() != STORAGE_CRS:
        raise ValueError("evaluate_intervention expects records in EPSG:3006")
    if target is None or target.is_empty or target.area <= 0:
        raise ValueError("the target must be an area (a polygon); draw one, or give a point a radius")
    if not isinstance(days, int) or days < 7:
        raise ValueError(f"days is {days!r}; expected a whole number of days, at least 7, for each period")
    if not buffer_m > 0:
        raise ValueError(f"buffer_m is {buffer_m!r}; expected a positive width in metres")
    findings: list[Finding] = []
    today = today or clock.today()
    if date > today:
        raise ValueError(f"the intervention date {date} is after today ({today}); there is nothing after it to count")
    passed = (today - date).days  # whole days from the date up to yesterday: today is not over yet
    if passed < 7:
        raise ValueError(f"only {passed} whole days have passed since {date}; expected at least 7 after it to count")
    if passed < days:
        findings.append(
            Finding(
                "shortened",
                f"only {passed} days have passed since {date}; both periods are {passed} days instead of {days}",
                "note",
                {"days": passed, "asked": days},
            )
        )
        days = passed
    before = (date - dt.timedelta(days=days), date - dt.timedelta(days=1))
    after = (date, date + dt.timedelta(days=days - 1))
    ring = target.buffer(buffer_m).difference(target)
    reach = target.buffer(buffer_m)
    if control is None:
        if study_area is None:
            raise ValueError("no control area: draw one, or give the study area (the municipality) to use its rest")
        control = study_area.difference(reach)
        control_label = "rest of the municipality"
    else:
        control_label = "chosen control area"
        if control.intersects(reach):
            findings.append(
                Finding(
                    "control_overlaps",
                    "the control area overlaps the target or its buffer; the overlap is left out of the control",
                    "note",
                    {},
                )
            )
            control = control.difference(reach)
    if control.is_empty or control.area <= 0:
        raise ValueError("the control area is empty once target and buffer are left out; choose another")

    xy = representative_xy(records.geometry) if len(records) else np.empty((0, 2))
    days_of = _days(records, time_field) if len(records) else np.array([], dtype="datetime64[D]")
    counts = AreaCounts(
        *(_count(xy, days_of, shape, *period) for shape in (target, ring, control) for period in (before, after))
    )
    quotient, difference = wdq(counts), wdd(counts)
    findings.extend(_findings(counts, quotient, difference, control_label))
    areas = gpd.GeoDataFrame(
        {"area": ["target", "buffer", "control"]}, geometry=[target, ring, control], crs=STORAGE_CRS
    )
    series = _series(xy, days_of, {"target": target, "buffer": ring, "control": control}, before[0], after[1])
    return InterventionResult(label, date, before, after, counts, quotient, difference, areas, series, findings)


def _series(xy, days_of, shapes: dict[str, BaseGeometry], start: dt.date, end: dt.date) -> pd.DataFrame:
    months = pd.period_range(start, end, freq="M")
    rows: list[dict[str, Any]] = []
    for name, shape in shapes.items():
        inside = shapely.contains_xy(shape, xy[:, 0], xy[:, 1]) if len(xy) else np.zeros(0, dtype=bool)
        when = (days_of >= np.datetime64(start)) & (days_of <= np.datetime64(end))
        chosen = pd.Series(pd.PeriodIndex(days_of[inside & when], freq="M")).value_counts()
        rows.extend({"month": m.start_time.date(), "area": name, "count": int(chosen.get(m, 0))} for m in months)
    return pd.DataFrame(rows, columns=["month", "area", "count"])


def _findings(c: AreaCounts, q: Wdq, d: Wdd, control_label: str) -> list[Finding]:
    out = []
    for area, before, after in (
        ("target", c.target_before, c.target_after),
        ("buffer", c.buffer_before, c.buffer_after),
        ("control", c.control_before, c.control_after),
    ):
        change = _change(before, after)
        shown = "no reports before" if change is None else f"{change:+.0f} %"
        out.append(
            Finding(
                f"{area}_change",
                f"{area}: {before} reports before, {after} after ({shown})",
                "result",
                {"before": before, "after": after, "change": change},
            )
        )
    if q.value is None:
        if q.success is None:
            out.append(
                Finding(
                    "wdq_no_control",
                    "the control area had no reports in one period, so the WDQ cannot be computed",
                    "caution",
                    {},
                )
            )
        else:
            out.append(
                Finding(
                    "wdq_no_success",
                    "the target did not fall relative to the control, so there is no "
                    "effect to be displaced and the WDQ is not read",
                    "caution",
                    {"success": q.success},
                )
            )
    else:
        v = q.value
        if v > 1:
            code, text = "diffusion_exceeds", "the buffer improved even more than the target: a diffusion of benefits"
        elif v > 0:
            code, text = "diffusion", "the buffer improved too, less than the target: a diffusion of benefits"
        elif v == 0:
            code, text = "no_displacement", "the buffer did not change relative to the control: no displacement"
        elif v >= -1:
            code, text = (
                "displacement",
                ("the buffer worsened, less than the target improved: some displacement, with a net benefit"),
            )
        else:
            code, text = (
                "displacement_exceeds",
                ("the buffer worsened more than the target improved: displacement larger than the effect"),
            )
        out.append(Finding(code, f"WDQ {v:.2f}: {text}", "result", {"wdq": v}))
    low, high = d.low, d.high
    if d.z is not None and abs(d.z) >= Z_95:
        out.append(
            Finding(
                "wdd_clear",
                f"WDD {d.value:+d} reports (95 % interval {low:+.0f} to {high:+.0f}): "
                "a change larger than chance alone would likely give",
                "result",
                {"wdd": d.value, "low": low, "high": high, "z": d.z},
            )
        )
    else:
        out.append(
            Finding(
                "wdd_unclear",
                f"WDD {d.value:+d} reports (95 % interval {low:+.0f} to {high:+.0f}): "
                "the interval includes zero, so there is no sure change: the difference may be chance",
                "result",
                {"wdd": d.value, "low": low, "high": high, "z": d.z},
            )
        )
    small = [
        (area, n)
        for area, n in (
            ("target", min(c.target_before, c.target_after)),
            ("buffer", min(c.buffer_before, c.buffer_after)),
        )
        if n < FEW_COUNTS
    ]
    for area, n in small:
        out.append(
            Finding(
                "few_counts",
                f"the {area} has only {n} reports in one period; with fewer than "
                f"{FEW_COUNTS}, a few reports more or less change the measures a lot",
                "caution",
                {"area": area, "count": n, "minimum": FEW_COUNTS},
            )
            if n
            else Finding(
                "no_counts",
                f"the {area} has no reports in one period, so its change cannot be measured",
                "caution",
                {"area": area},
            )
        )
    base = max(c.target_before, 1)
    ratio = c.control_before / base
    if ratio > 3 or ratio < 1 / 3:
        out.append(
            Finding(
                "control_unlike",
                f"the {control_label} had {c.control_before} reports before against the "
                f"target's {c.target_before}: the WDD compares raw counts and means "
                "most with a control area of about the target's size (draw one)",
                "caution",
                {"control": c.control_before, "target": c.target_before},
            )
        )
    return out


def _shape_of(records: gpd.GeoDataFrame, radius_m: float) -> BaseGeometry:
    shapes = [g if g.area > 0 else g.buffer(radius_m) for g in records.geometry]
    return shapely.union_all(shapes)


def _study_area(store: Store, pledge_id: str | None) -> BaseGeometry | None:
    if not pledge_id:
        return None
    code = store.get_pledge(pledge_id).municipality.code
    return municipality(code).geometry if code else None


def _reports(store: Store, pledge_id: str | None, layer: str, categories: list[str] | None) -> gpd.GeoDataFrame:
    return store.read_layer(layer, LayerQuery.build(analysed_values(layer, categories), pledge_id=pledge_id))


def _evaluate_in_pledge(
    store: Store,
    pledge_id: str | None,
    target: BaseGeometry,
    date: dt.date,
    label: str,
    layer: str,
    categories: list[str] | None,
    options: dict[str, Any],
) -> InterventionResult:
    """Evaluate ``target`` from ``date`` on its pledge's reports, within the pledge's municipality.

    Where the pledge is not known (``None``), every report counts and there is no study area.
    """
    return evaluate_intervention(
        _reports(store, pledge_id, layer, categories),
        target,
        date,
        label=label,
        study_area=_study_area(store, pledge_id),
        time_field=get_layer(layer).time_field,
        **options,
    )


def intervention_for_operation(
    store: Store,
    operation_id: str,
    *,
    radius_m: float = DEFAULT_TARGET_RADIUS_M,
    layer: str = "unsafe_places",
    categories: list[str] | None = None,
    **options,
) -> InterventionResult:
    """Evaluate one operation: its area (a point gets ``radius_m``), from the day it started."""
    found = store.read_layer("operations", LayerQuery(ids=(operation_id,)))
    if found.empty:
        raise NotFoundError(f"no operation has id {operation_id!r} (or it is not one this account may read)")
    operation = found.iloc[0]
    pledge_id = _pledge_of(store, operation["promise_id"])
    start = operation["starts_at"]
    date = start.tz_convert(clock.LOCAL_TZ_NAME).date() if hasattr(start, "tz_convert") else start
    label = f"{operation.get('title') or operation['kind']} ({date})"
    return _evaluate_in_pledge(store, pledge_id, _shape_of(found, radius_m), date, label, layer, categories, options)


def intervention_for_promise(
    store: Store,
    promise_id: str,
    *,
    radius_m: float = DEFAULT_TARGET_RADIUS_M,
    layer: str = "unsafe_places",
    categories: list[str] | None = None,
    **options,
) -> InterventionResult:
    """Evaluate a promise: the places its operations and sites cover, from the first of them."""
    parts, dates = [], []
    for name in ("operations", "inventoried_sites"):
        linked = store.read_layer(name, LayerQuery(promise_id=promise_id))
        if not linked.empty:
            parts.append(linked)
            when = linked[get_layer(name).time_field]
            if isinstance(when.dtype, pd.DatetimeTZDtype):
                when = when.dt.tz_convert(clock.LOCAL_TZ_NAME)
            dates.append(pd.to_datetime(when).min().date())
    if not parts:
        raise NotFoundError(
            f"promise {promise_id!r} has no operations or sites linked to it (that this account may "
            "read), so there is no place to evaluate; link records to it, or draw the area"
        )
    target = shapely.union_all([_shape_of(p, radius_m) for p in parts])
    pledge_id = _pledge_of(store, promise_id)
    label = _promise_text(store, pledge_id, promise_id)
    return _evaluate_in_pledge(store, pledge_id, target, min(dates), label, layer, categories, options)


def _promise_text(store: Store, pledge_id: str | None, promise_id: str) -> str:
    """What the promise says (its id where its pledge is unknown), to name what was evaluated."""
    if pledge_id:
        for promise in store.get_pledge(pledge_id).promises:
            if promise.id == promise_id:
                return promise.text if len(promise.text) <= 80 else promise.text[:79].rsplit(" ", 1)[0] + "…"
    return promise_id


def _pledge_of(store: Store, promise_id: str | None) -> str | None:
    if not promise_id:
        return None
    for pledge in store.list_pledges():
        if any(p.id == promise_id for p in pledge.promises):
            return pledge.id
    return None


def intervention_effect(
    store: Store,
    *,
    operation: str | None = None,
    promise: str | None = None,
    area: BaseGeometry | None = None,
    date: dt.date | None = None,
    pledge_id: str | None = None,
    label: str = "",
    categories: list[str] | None = None,
    radius_m: float = DEFAULT_TARGET_RADIUS_M,
    **options,
) -> InterventionResult:
    """An intervention's effect, found by what names it: an operation, a promise, or an area.

    Exactly one of ``operation`` (its id), ``promise`` (its id) and ``area``
    (a shape in EPSG:3006) is given; an area needs the intervention's ``date``
    and the ``pledge_id`` whose reports and municipality to use, and is named
    ``label``. ``radius_m`` is the area around an operation or site drawn as a
    point; ``options`` go to :func:`evaluate_intervention` (``days``,
    ``buffer_m``, ``control``).
    """
    named = [name for name, value in (("operation", operation), ("promise", promise)) if value]
    named += ["area"] if area is not None else []
    if len(named) != 1:
        raise ValueError(f"expected one of an operation, a promise or an area to evaluate; got {named or 'none'}")
    if operation:
        return intervention_for_operation(store, operation, radius_m=radius_m, categories=categories, **options)
    if promise:
        return intervention_for_promise(store, promise, radius_m=radius_m, categories=categories, **options)
    if date is None or not pledge_id:
        raise ValueError("an area to evaluate needs the intervention's date and the pledge whose reports to count")
    records, study = pledge_points(store, pledge_id, categories=categories)
    return evaluate_intervention(records, area, date, label=label, study_area=study, **options)
