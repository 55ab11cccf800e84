"""Which rows a read selects, said once for every backend and written out by a small SQL dialect.

:func:`layer_conditions` turns a :class:`~geodata.store.interface.LayerQuery`
into a list of :class:`Condition` values; a backend's :class:`Dialect` writes
them as a ``WHERE`` clause with its own parameter marks (``?`` for SQLite,
``:name`` for PostgreSQL), its own test for a list of values and its own
spatial index lookup. What a query means is decided here, not in the SQL.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, replace
from typing import Any

from geodata.clock import LOCAL_TZ
from geodata.layers import Layer
from geodata.store.interface.layers import LayerQuery

# What a condition tests: ``column op value``.
EQUAL, AT_LEAST, AT_MOST, ONE_OF, IS_NULL, NOT_NULL, OF_PLEDGE, OF_PLEDGES, IN_BOX = (
    "=",
    ">=",
    "<=",
    "one of",
    "is null",
    "not null",
    "of pledge",
    "of pledges",
    "in box",
)


@dataclass(frozen=True)
class Condition:
    """One condition a selected row meets: ``column`` compared by ``op`` with ``value``."""

    column: str
    op: str
    value: Any = None


def day_bound(kind: str, day: dt.date, end_of_day: bool) -> dt.date | dt.datetime:
    """What a ``date`` or ``datetime`` column is compared with for an inclusive day range in Swedish time."""
    if kind == "date":
        return day
    return dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min, tzinfo=LOCAL_TZ)


def layer_conditions(spec: Layer, query: LayerQuery, deleted_too: bool = False) -> list[Condition]:
    """The conditions a record of ``spec`` meets to be selected by ``query`` (paging aside).

    Soft-deleted records are left out, or with ``query.deleted`` are the only
    ones kept; ``deleted_too`` keeps both (a re-import must not bring back what
    was deleted). Raises ``ValueError`` for a condition the layer cannot have.
    """
    conditions = [] if deleted_too else [Condition("deleted_at", NOT_NULL if query.deleted else IS_NULL)]
    if query.pledge_id is not None:
        if spec.link_field == "pledge_id":
            conditions.append(Condition("pledge_id", EQUAL, query.pledge_id))
        else:
            conditions.append(Condition("promise_id", OF_PLEDGE, query.pledge_id))
    if query.pledge_ids is not None:
        if spec.link_field == "pledge_id":
            conditions.append(Condition("pledge_id", ONE_OF, list(query.pledge_ids)))
        else:
            conditions.append(Condition("promise_id", OF_PLEDGES, list(query.pledge_ids)))
    if query.promise_id is not None:
        if spec.link_field != "promise_id":
            raise ValueError(f"{spec.name} records link to pledges, not promises")
        conditions.append(Condition("promise_id", EQUAL, query.promise_id))
    # A record with a span (an operation) is selected when the span overlaps the range.
    start_field, end_field = spec.time_field, spec.end_field or spec.time_field
    kind = spec.field(spec.time_field).kind
    if query.start is not None:
        conditions.append(Condition(end_field, AT_LEAST, day_bound(kind, query.start, end_of_day=False)))
    if query.end is not None:
        conditions.append(Condition(start_field, AT_MOST, day_bound(kind, query.end, end_of_day=True)))
    if query.bbox is not None:
        conditions.append(Condition("geom", IN_BOX, tuple(float(v) for v in query.bbox)))
    if query.ids is not None:
        conditions.append(Condition("id", ONE_OF, list(query.ids)))
    if query.demo is not None:
        conditions.append(Condition("demo", EQUAL, bool(query.demo)))
    for name, allowed in query.values:
        if name not in spec.field_names or spec.field(name).kind not in ("choice", "text"):
            raise ValueError(f"{spec.name} has no text field {name!r} to filter on")
        conditions.append(Condition(name, ONE_OF, list(allowed)))
    return conditions


def kept_conditions(spec: Layer, query: LayerQuery) -> list[Condition]:
    """The conditions a row of the kept counts meets to count for ``query`` as the records it replaced would have.

    Retention (:mod:`geodata.retention`) deletes records but keeps how many there were per layer, pledge,
    promise, kind, first and last Swedish day and demo flag (the ``kept_counts`` table), so a promise's
    progress still counts them. A kept row spans its first to its last day as :func:`layer_conditions` reads
    a record's time field and end field, so a date range selects exactly the rows whose records it would have
    selected. What a kept row no longer has (a place, ids, other fields, a deleted state) cannot be asked:
    ``ValueError``, never a silent zero.
    """
    if query.bbox is not None or query.ids is not None or query.deleted:
        raise ValueError("kept counts have no places, ids or deleted records to select by")
    conditions = [Condition("layer", EQUAL, spec.name)]
    for condition in layer_conditions(spec, replace(query, start=None, end=None, values=(), demo=None)):
        if condition.column in ("pledge_id", "promise_id"):
            conditions.append(condition)
    if query.start is not None:
        conditions.append(Condition("last_day", AT_LEAST, query.start))
    if query.end is not None:
        conditions.append(Condition("first_day", AT_MOST, query.end))
    if query.demo is not None:
        conditions.append(Condition("demo", EQUAL, bool(query.demo)))
    for name, allowed in query.values:
        if name != spec.kind_field:
            raise ValueError(f"kept counts of {spec.name} keep the field {spec.kind_field!r} only, not {name!r}")
        conditions.append(Condition("kind", ONE_OF, list(allowed)))
    return conditions


def equal_conditions(**values: Any) -> list[Condition]:
    """``column = value`` for each value given, leaving out those that are None."""
    return [Condition(name, EQUAL, value) for name, value in values.items() if value is not None]


def event_conditions(municipality_code: str | None, start: dt.date | None, end: dt.date | None) -> list[Condition]:
    """The police events of one municipality published from ``start`` to ``end`` (Swedish days, inclusive)."""
    conditions = equal_conditions(municipality_code=municipality_code)
    if start is not None:
        conditions.append(Condition("published_at", AT_LEAST, day_bound("datetime", start, end_of_day=False)))
    if end is not None:
        conditions.append(Condition("published_at", AT_MOST, day_bound("datetime", end, end_of_day=True)))
    return conditions


class Dialect(ABC):
    """How one SQL dialect writes conditions: parameter marks, lists of values, the spatial index."""

    true = "TRUE"
    no_limit: Any = None  # the LIMIT that means every row (an OFFSET needs a LIMIT beside it); NULL is that here

    def where(self, conditions: list[Condition], table: str = "") -> tuple[str, Any]:
        """``WHERE …`` for ``conditions`` on ``table`` (always a clause, so a caller may add ``AND …``) and its
        parameters."""
        params = self.params()
        clauses = [self.clause(c, table, params) for c in conditions]
        return "WHERE " + " AND ".join(clauses or [self.true]), params

    def clause(self, condition: Condition, table: str, params: Any) -> str:
        column, op, value = f'"{condition.column}"', condition.op, condition.value
        if op in (EQUAL, AT_LEAST, AT_MOST):
            return f"{column} {op} {self.mark(params, value)}"
        if op == IS_NULL:
            return f"{column} IS NULL"
        if op == NOT_NULL:
            return f"{column} IS NOT NULL"
        if op == OF_PLEDGE:
            return f"{column} IN (SELECT id FROM promises WHERE pledge_id = {self.mark(params, value)})"
        if op == OF_PLEDGES:
            return f"{column} IN (SELECT id FROM promises WHERE {self.one_of('pledge_id', value, params)})"
        if op == ONE_OF:
            return self.one_of(column, value, params)
        if op == IN_BOX:
            return self.in_box(table, value, params)
        raise ValueError(f"no SQL for the condition {condition}")

    def page(self, params: Any, limit: int | None, offset: int) -> str:
        """``LIMIT … OFFSET …`` for one page of rows, its values added to ``params``; ``""`` for every row."""
        if limit is None and not offset:
            return ""
        return (
            f"LIMIT {self.mark(params, self.no_limit if limit is None else limit)} OFFSET {self.mark(params, offset)}"
        )

    @abstractmethod
    def params(self) -> Any:
        """An empty collection of parameters."""

    @abstractmethod
    def mark(self, params: Any, value: Any) -> str:
        """Add ``value`` to ``params``; the mark that stands for it in the SQL."""

    @abstractmethod
    def one_of(self, column: str, values: list[Any], params: Any) -> str:
        """``column`` is one of ``values``."""

    @abstractmethod
    def in_box(self, table: str, bbox: tuple[float, float, float, float], params: Any) -> str:
        """The row's geometry meets the box ``(minx, miny, maxx, maxy)``, by the spatial index."""
