"""A pledge's timeline: one row per promise across its period, with the records that deliver it.

An operation is placed at its start; an inventoried site at its inspection
(a site only flagged, not yet inspected, has delivered nothing yet). A row
shows only what the promise counts (:func:`geodata.views.progress.evidence_query`):
records dated outside the promise's period are left out, so the timeline keeps
the pledge's period; an operation that began before the period and ran into it
is placed at the period's start. Records a retention run deleted are no longer
there to show; their kept counts are (``TimelineRow.kept``: how many, of which
kind, from which day), to roles that read every record of the layer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from geodata.access import AccessError
from geodata.clock import LOCAL_TZ_NAME
from geodata.layers import get_layer
from geodata.model import Period, Pledge, Promise
from geodata.store.base import Store
from geodata.views.progress import evidence_query, evidence_records


@dataclass(frozen=True)
class TimelineEvent:
    record_id: str
    layer: str
    when: dt.datetime  # Swedish local time, without zone
    kind: str
    label: str


@dataclass(frozen=True)
class KeptEvent:
    """Records a retention run deleted: how many of ``kind`` began on the day ``when`` (Swedish, midnight)."""

    when: dt.datetime
    kind: str
    count: int


@dataclass(frozen=True)
class TimelineRow:
    promise: Promise
    period: Period
    target: int | None
    events: tuple[TimelineEvent, ...]
    kept: tuple[KeptEvent, ...] = ()


def _local(values: pd.Series) -> pd.Series:
    if getattr(values.dtype, "tz", None) is not None:
        return values.dt.tz_convert(LOCAL_TZ_NAME).dt.tz_localize(None)
    return values


def pledge_timeline(store: Store, pledge: Pledge) -> list[TimelineRow]:
    """The rows of ``pledge``'s timeline, in the pledge's promise order, events sorted by time."""
    rows = []
    for promise in pledge.promises:
        layer = get_layer(promise.evidence.layer)
        period = pledge.promise_period(promise)
        try:
            records = evidence_records(store, pledge, promise)
        except AccessError:  # a role that sees this layer only aggregated gets the row, not its records
            rows.append(TimelineRow(promise, period, pledge.promise_target(promise), ()))
            continue
        times = _local(records[layer.time_field]).clip(lower=pd.Timestamp(period.start))
        labels = records["title"] if "title" in records else records.get("address", records[layer.kind_field])
        events = sorted(
            (
                TimelineEvent(
                    rid, layer.name, when.to_pydatetime(), kind, label if isinstance(label, str) and label else kind
                )
                for rid, when, kind, label in zip(records["id"], times, records[layer.kind_field], labels)
                if not pd.isna(when)
            ),
            key=lambda e: e.when,
        )
        kept = _kept_events(store, pledge, promise, period)
        rows.append(TimelineRow(promise, period, pledge.promise_target(promise), tuple(events), kept))
    return rows


def _kept_events(store: Store, pledge: Pledge, promise: Promise, period: Period) -> tuple[KeptEvent, ...]:
    """The kept counts of ``promise``'s deleted records, each at its first day (the period's start at the
    earliest, as an event is); none for a role that does not read every record of the layer."""
    try:
        kept = store.read_kept_counts(promise.evidence.layer, evidence_query(pledge, promise))
    except AccessError:
        return ()
    counts: dict[tuple[dt.date, str], int] = {}
    for row in kept:
        if row.first_day is None:
            continue
        key = (max(row.first_day, period.start), row.kind or "")
        counts[key] = counts.get(key, 0) + row.records
    return tuple(KeptEvent(dt.datetime.combine(day, dt.time()), kind, n) for (day, kind), n in sorted(counts.items()))
