"""Progress of a pledge's promises, counted from the records linked to them.

A promise's evidence is the records of its evidence layer that link to it
(and, if the promise names kinds, are of one of those kinds) and are dated
within the promise's period: a site inspected in 2026 delivers nothing to a
2021 promise, even when it is linked to it. Such records are counted apart
(``outside_period``), so a screen can say they exist. With a target,
progress is judged against the share of the promise's period that has passed:
at 40 % of the year, 2 of 4 operations is on track and 1 of 4 is behind.

A target per year (month, week, day) applies to each year (month …) of the
promise's period: over a pledge of two years, "minst 900 timmar per år" asks
for 1 800 in all, and progress is that total against the evidence of the
whole period (:meth:`geodata.model.Pledge.promise_target`); ``target`` is that
total and ``target_per``/``target_each`` say what it was made of.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import geopandas as gpd

from geodata.layers import get_layer
from geodata.model import Pledge, Promise
from geodata.store.base import LayerQuery, Store

# done: target reached; on_track / behind: judged against time passed;
# not_met: period over, target not reached; no_target: nothing to judge against.
STATUSES = ("done", "on_track", "behind", "not_met", "no_target")


@dataclass(frozen=True)
class PromiseProgress:
    promise: Promise
    delivered: int
    target: int | None
    expected_by_now: float | None
    elapsed_share: float
    status: str
    outside_period: int = 0  # linked, done, but dated outside the promise's period: not counted in ``delivered``
    target_per: str | None = None  # the promise's target counts per this (vocab.TARGET_PERIODS) …
    target_each: int | None = None  # … and is this many each; ``target`` is the total over the period


def elapsed_share(start: dt.date, end: dt.date, today: dt.date) -> float:
    """Share of the inclusive period ``start``–``end`` that has passed by the end of ``today`` (0 to 1)."""
    total = (end - start).days + 1
    passed = (today - start).days + 1
    return min(1.0, max(0.0, passed / total))


def judge(delivered: int, target: int | None, share: float) -> tuple[str, float | None]:
    """Status and the count expected by now for ``delivered`` of ``target`` at ``share`` of the period."""
    if target is None:
        return "no_target", None
    expected = target * share
    if delivered >= target:
        return "done", expected
    if share >= 1.0:
        return "not_met", expected
    # Whole operations: at 40 % of a target of 4 (1.6 expected), one done is still on track.
    return ("on_track" if delivered >= math.floor(expected) else "behind"), expected


# Any real date is after this: a query from it keeps exactly the records dated on the layer's time field.
EARLIEST = dt.date(1900, 1, 1)


def _linked_query(promise: Promise, start: dt.date, end: dt.date | None) -> LayerQuery:
    layer = get_layer(promise.evidence.layer)
    values: dict[str, list[str] | tuple[str, ...]] | None = None
    if promise.evidence.kinds:
        assert layer.kind_field is not None  # every layer in LAYERS names the field its evidence kinds refer to
        values = {layer.kind_field: promise.evidence.kinds}
    return LayerQuery.build(values, promise_id=promise.id, start=start, end=end)


def evidence_query(pledge: Pledge, promise: Promise) -> LayerQuery:
    """Which records deliver ``promise`` of ``pledge``: linked to it, of its evidence kinds if it names any,
    done, and dated within the promise's period.

    Done means dated on the layer's time field: an operation always is; an
    inventoried site is once inspected (a site only flagged is work to do).
    Within the period means as a time filter reads it: a site inspected on a
    day of the period, an operation running on a day of it. This is the one
    rule of what counts: progress, the timeline, the map and the exports of a
    chosen promise all read it.
    """
    period = pledge.promise_period(promise)
    return _linked_query(promise, period.start, period.end)


def linked_query(promise: Promise) -> LayerQuery:
    """Every done record linked to ``promise`` (of its evidence kinds), whenever it is dated."""
    return _linked_query(promise, EARLIEST, None)


def evidence_count(store: Store, layer: str, query: LayerQuery) -> int:
    """How many records of ``layer`` ``query`` selects, counted without reading them, those a retention run
    deleted included: :mod:`geodata.retention` keeps their counts, so a promise's figure stays what it was
    when its records are deleted for good (brottsdatalagen's gallring). Every count of a promise's evidence
    is this one."""
    return store.count(layer, query) + store.kept_count(layer, query)


def evidence_records(store: Store, pledge: Pledge, promise: Promise) -> gpd.GeoDataFrame:
    """The records that deliver ``promise`` (see :func:`evidence_query`); records a retention run deleted are
    no longer there to read (their counts are in :func:`evidence_count`)."""
    records = store.read_layer(promise.evidence.layer, evidence_query(pledge, promise))
    return records[records[get_layer(promise.evidence.layer).time_field].notna()]


def outside_period(store: Store, pledge: Pledge, promise: Promise) -> int:
    """How many done records linked to ``promise`` are dated outside its period (and so deliver nothing)."""
    layer = promise.evidence.layer
    return evidence_count(store, layer, linked_query(promise)) - evidence_count(
        store, layer, evidence_query(pledge, promise)
    )


def pledge_progress(store: Store, pledge: Pledge, today: dt.date) -> list[PromiseProgress]:
    """Progress of every promise of ``pledge`` as of ``today``.

    Progress is the pledge's public follow-up ("3 av 4 riktade insatser"):
    every role gets the same figures, counted over all records, internal
    operations included, while the records themselves stay behind the guard.
    """
    from geodata.access import figures_store  # access imports the store layer; imported here to keep layers one-way

    store = figures_store(store)
    result = []
    for promise in pledge.promises:
        period = pledge.promise_period(promise)
        share = elapsed_share(period.start, period.end, today)
        delivered = evidence_count(store, promise.evidence.layer, evidence_query(pledge, promise))  # not read
        target = pledge.promise_target(promise)
        status, expected = judge(delivered, target, share)
        late = outside_period(store, pledge, promise)
        result.append(
            PromiseProgress(
                promise, delivered, target, expected, share, status, late, promise.target_per, promise.target
            )
        )
    return result
