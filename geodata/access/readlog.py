"""The read log's rules: what a read of records is, how it is written down, and what happens if it cannot be.

Brottsdatalagen asks that reads of personal data in police work are logged:
who read which records, when and from where. A *read* here is records
handed to a person: a record's details opened, a list or table of records,
an export (a file, the standalone map), an /ogc items or item answer. Counts,
grids and figures computed from records (a hot-spot map, a promise's
progress, the public aggregated view) hand no record to anyone and are not
logged; nor are the reads the code makes for itself (finding a record before
a change, the page a record is on).

That is why logging is an explicit call, :func:`geodata.access.log_read`, at
the few places that show records, after they are chosen and before they are
shown, rather than in every :meth:`~geodata.access.GuardedStore.read_layer`:
a list read whole and then filtered, searched and paged (the worklist, a table
page) logs the records it shows, not the ones it read to choose them, and a
figure's reads do not fill the log with reads nobody saw.

One entry is one read action on one layer, its record ids in one column:
one insert per action, all of a request's actions in one transaction. An entry
that cannot be written refuses the read (:class:`ReadLogError`): a record shown
without its entry would be a read brottsdatalagen's log misses. The GeoPackage
store waits a few seconds for the write lock (a long import holds it), not
the half minute a change waits, so a read is refused rather than hung.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping

from geodata.access.rules import Viewer
from geodata.clock import LOCAL_TZ
from geodata.errors import PledgemapError, StoreError
from geodata.records import ReadEntry
from geodata.store.base import LayerQuery, Store

READ_ACTIONS = ("details", "list", "export", "ogc")
# What a read asked for: described once for every layer, or per layer (an export's own query each), or nothing.
Asked = str | Mapping[str, str | None] | None


class ReadLogError(StoreError):
    """Records not shown because their read could not be logged (the store busy, full or read-only)."""

    def __init__(self, message: str):
        super().__init__(message, "read_log")


def describe_query(query: LayerQuery | None = None, /, **asked: object) -> str | None:
    """What a list or an export asked for, as the read log keeps it: the query's conditions and the page's own
    (a search, a sort, a page), as JSON of the values set, or None for nothing asked.

    >>> describe_query(LayerQuery(pledge_id="malmo-2025", start=dt.date(2025, 1, 1)), q="trapp")
    '{"pledge_id": "malmo-2025", "start": "2025-01-01", "q": "trapp"}'
    """
    described: dict[str, object] = {}
    if query is not None:
        default = LayerQuery()
        for field in dataclasses.fields(query):
            value = getattr(query, field.name)
            if value != getattr(default, field.name) and field.name != "ids":
                described[field.name] = value
    described.update({k: v for k, v in asked.items() if v not in (None, "", (), [])})
    if not described:
        return None
    return json.dumps(described, ensure_ascii=False, default=_plain)


def _plain(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    return str(value)


def read_entries(
    viewer: Viewer,
    action: str,
    shown: Mapping[str, Iterable[object]],
    query: Asked = None,
    route: str | None = None,
    now: dt.datetime | None = None,
) -> list[ReadEntry]:
    """The entries of one read action: one per layer of ``shown`` (layer → the ids of the records shown), each
    with ``query`` (what was asked, :func:`describe_query`; a mapping: each layer's own).

    A layer with no record shown gives no entry: a list that found nothing handed nothing over.
    """
    if action not in READ_ACTIONS:
        raise ValueError(f"unknown read action {action!r}; expected one of: {', '.join(READ_ACTIONS)}")
    at = now or dt.datetime.now(dt.UTC)
    entries = []
    for layer, ids in shown.items():
        record_ids = tuple(dict.fromkeys(str(i) for i in ids))
        if record_ids:
            who = viewer.username or viewer.role
            asked = query.get(layer) if isinstance(query, Mapping) else query
            entries.append(ReadEntry(at, who, viewer.role, action, layer, record_ids, len(record_ids), asked, route))
    return entries


def day_range(first: dt.date | None, last: dt.date | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The moments (UTC) from the start of day ``first`` to the end of day ``last``, days in Swedish time, as
    :meth:`~geodata.store.interface.ReadLogStore.read_read_log` takes them (None: no bound).

    >>> day_range(dt.date(2025, 7, 1), dt.date(2025, 7, 1))
    (datetime.datetime(2025, 6, 30, 22, 0, tzinfo=datetime.timezone.utc), datetime.datetime(2025, 7, 1, 22, 0, tzinfo=datetime.timezone.utc))
    """
    if first is not None and last is not None and last < first:
        raise PledgemapError(f"the read log's last day {last} is before its first day {first}")

    def midnight(day: dt.date | None) -> dt.datetime | None:
        return None if day is None else dt.datetime.combine(day, dt.time(), LOCAL_TZ).astimezone(dt.UTC)

    return midnight(first), midnight(last + dt.timedelta(days=1) if last else None)


def append_or_refuse(store: Store, entries: list[ReadEntry]) -> None:
    """Write ``entries`` on the (unguarded) ``store``, or raise :class:`ReadLogError` so nothing is shown."""
    if not entries:
        return
    try:
        store.append_reads(entries)
    except StoreError as error:
        raise ReadLogError(f"the read could not be logged, so its records are not shown: {error}") from error
