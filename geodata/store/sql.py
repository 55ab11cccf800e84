"""What the GeoPackage and PostGIS stores do alike, written once: a backend supplies its connection and dialect.

:class:`SQLStore` holds the steps every change takes (check, write, audit, in
one transaction) and the SQL both databases read alike. Its SQL uses
``:name`` parameters, which both ``sqlite3`` and SQLAlchemy's ``text()``
understand; a backend says how to run it (:meth:`SQLStore._rows`,
:meth:`SQLStore._execute`), how a value comes back (:meth:`SQLStore._value`)
and what its dialect spells differently (a row lock, JSON, a geometry).
Reading a layer is shared too, as a backend says how its columns and
geometries come back (:meth:`SQLStore._column`, :meth:`SQLStore._decode`).
What differs in more than spelling (extents and grid counts, record inserts,
edits, settings, copies) stays in the backend.
"""

from __future__ import annotations

import datetime as dt
import json
from abc import abstractmethod
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import Any

import geopandas as gpd
import pandas as pd

from geodata.clock import LOCAL_TZ
from geodata.errors import NotFoundError, Problem, ValidationError, VersionConflictError
from geodata.followup import Judgement, StoredDocument, judgement_problems, pledge_periods
from geodata.layers import LAYERS, STORAGE_CRS, SYSTEM_FIELDS, Field, Layer, get_layer
from geodata.model import Pledge, pledge_from_dict
from geodata.records import Account, AuditEntry, KeptCount, PoliceEvent, ReadEntry
from geodata.store import rules
from geodata.store.base import LayerExtent, LayerQuery, Store
from geodata.store.conditions import (
    EQUAL,
    ONE_OF,
    Condition,
    Dialect,
    equal_conditions,
    kept_conditions,
    layer_conditions,
)
from geodata.store.rules import SURVEY_COLUMNS, SURVEY_KEY, USER_COLUMNS
from geodata.surveys import Indicator
from geodata.validate import CleanBatch, validate_records

_SURVEY_WHERE = " AND ".join(f"{k} = :{k}" for k in SURVEY_KEY)
# A judgement's columns, in the order SQLStore._judgement reads them.
_JUDGEMENT_COLUMNS = (
    "pledge_id, subject, subject_id, period, status, text, evidence, version, judged_by, judged_at, demo"
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# The meta table's key that, while a retention run's transaction holds it, lets the audit log's values be blanked.
REDACTING = rules.AUDIT_REDACTING

# A row of the kept counts: what it is about; its ``records`` are how many deleted records had these values.
_KEPT_KEY = ("layer", "pledge_id", "promise_id", "kind", "first_day", "last_day", "demo")


def _swedish_day(value: Any) -> dt.date | None:
    """The Swedish day of a stored date or moment, as :func:`~geodata.store.conditions.day_bound` compares it."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(LOCAL_TZ).date()
    return value


def _kept_key(spec: Layer, record: dict[str, Any], pledge_of: dict[str, str]) -> tuple:
    """The kept counts' row a deleted record counts in (see :data:`_KEPT_KEY`): its layer, pledge (for a record
    linked to a promise, the promise's pledge), promise, kind, the Swedish days of its time and end fields, demo.
    Nothing of where it was, what it said or who wrote it."""
    link = record["link"]
    if spec.link_field == "pledge_id":
        pledge_id, promise_id = link, None
    else:
        pledge_id, promise_id = pledge_of.get(link) if link else None, link
    first, last = _swedish_day(record["first"]), _swedish_day(record["last"])
    return (spec.name, pledge_id, promise_id, record["kind"], first, last, record["demo"])


class _DryRun(Exception):
    """Raised inside a write transaction to roll it back once every check is made: a dry run's answer."""

    def __init__(self, counts: tuple[int, int]):
        super().__init__("dry run")
        self.counts = counts


def _survey_row(row: dict[str, Any]) -> dict[str, Any]:
    """A survey result's values as the store keeps them (whole numbers, floats, a break as true or false)."""
    row = dict(row)
    row["year"], row["value"] = int(row["year"]), float(row["value"])
    row["n"] = None if row["n"] is None else int(row["n"])
    for column in ("se", "ci_low", "ci_high"):
        row[column] = None if row[column] is None else float(row[column])
    row["group_code"] = row["group_code"] or "all"
    row["series_break"] = None if row["series_break"] is None else bool(row["series_break"])  # None: not said
    return row


def _indicator_row(indicator: Indicator) -> dict[str, Any]:
    return {c: getattr(indicator, c) for c in rules.INDICATOR_COLUMNS}


class SQLStore(Store):
    """A store in an SQL database: the rules of every change here, the database's own SQL in the subclass."""

    dialect: Dialect
    lock_rows = ""  # appended to a SELECT of rows a change is about to make (" FOR UPDATE" where rows lock)
    geometry_out = "geom"  # what a read of a layer selects for the geometry, to be given to _decode
    greatest = "greatest"  # the larger of two values

    # -- what a backend supplies -------------------------------------------------------------------------

    @abstractmethod
    def _reading(self) -> AbstractContextManager[Any]:
        """A connection to read on."""

    @abstractmethod
    def _writing(self) -> AbstractContextManager[Any]:
        """A connection in a write transaction: committed if the block finishes, rolled back if it raises."""

    @abstractmethod
    def _rows(self, conn: Any, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        """The rows ``sql`` (with ``:name`` parameters) selects."""

    @abstractmethod
    def _execute(self, conn: Any, sql: str, params: dict[str, Any] | None = None) -> int:
        """Run ``sql`` once; how many rows it changed."""

    @abstractmethod
    def _execute_many(self, conn: Any, sql: str, rows: list[dict[str, Any]]) -> None:
        """Run ``sql`` once for each of ``rows`` (none: nothing is run)."""

    @abstractmethod
    def _value(self, kind: str, value: Any) -> Any:
        """A stored value as Python has it: ``datetime`` (UTC), ``json`` (lists and dicts), ``date`` and so on."""

    @abstractmethod
    def _column(self, kind: str, values: list[Any]) -> pd.Series:
        """A layer's stored values of a field of ``kind`` as a column of a frame (dates as ``datetime64``, …)."""

    @abstractmethod
    def _decode(self, values: list[Any]) -> Any:
        """Shapely geometries from what :attr:`geometry_out` selects."""

    @abstractmethod
    def _json(self, mark: str) -> str:
        """The SQL that stores the JSON text at parameter ``mark``."""

    @abstractmethod
    def _geometry(self, mark: str) -> str:
        """The SQL that stores the encoded geometry at parameter ``mark``."""

    @abstractmethod
    def _encode(self, shape: Any) -> Any:
        """A geometry (EPSG:3006) as :meth:`_geometry` takes it; ``None`` for none."""

    @abstractmethod
    def _link_ids(self, conn: Any, spec: Layer) -> list[str]:
        """The ids a record of ``spec`` may link to (pledges' or promises')."""

    @abstractmethod
    def _existing_ids(self, conn: Any, layer: str, ids: list[str]) -> set[str]:
        """Which of ``ids`` a record of ``layer`` has already."""

    @abstractmethod
    def _insert_records(self, conn: Any, spec: Layer, batch: CleanBatch, now: dt.datetime) -> None:
        """Insert a validated batch of new records at version 1."""

    @abstractmethod
    def _insert_events(self, conn: Any, events: list[PoliceEvent], now: dt.datetime) -> int:
        """Insert the police events not stored yet (imported ``now``); how many that was."""

    def _counting(self) -> AbstractContextManager[Any]:
        """A write transaction on the sign-in counters: the store's own unless a backend keeps them apart."""
        return self._writing()

    def _reading_counts(self) -> AbstractContextManager[Any]:
        """A connection to read the sign-in counters on (see :meth:`_counting`)."""
        return self._reading()

    def _hold_pledges(self, conn: Any, alone: bool) -> None:  # noqa: B027 (one writer at a time needs no lock)
        """Keep a pledge's promises from changing under a write: ``alone`` for a pledge's save, shared for records."""

    def _hold_sign_ins(self, conn: Any) -> None:  # noqa: B027 (one writer at a time needs no lock)
        """Count one sign-in attempt after the other, across every worker."""

    def _hold_ids(self, conn: Any, ids: list[str]) -> None:  # noqa: B027 (one writer at a time needs no lock)
        """Make writes of new records that may share an id take turns, so two cannot both find it free."""

    def _hold_follow_up(self, conn: Any) -> None:  # noqa: B027 (one writer at a time needs no lock)
        """Make saves of judgements and documents take turns, so two cannot both take the next version."""

    def _pledges_saved(self, conn: Any, now: dt.datetime) -> None:  # noqa: B027 (nothing to keep beside the rows)
        """What the backend keeps current beside the pledges' rows, after a save."""

    # -- audit -------------------------------------------------------------------------------------------

    def _audit(self, conn: Any, at: Any, actor: str, action: str, layer: str | None, entries: Iterable) -> None:
        """Append entries ``(record_id, before, after)`` to the audit log, in the caller's transaction."""
        self._execute_many(
            conn,
            "INSERT INTO audit_log (at, actor, action, layer, record_id, before, after) VALUES "
            f"(:at, :actor, :action, :layer, :record_id, {self._json(':before')}, {self._json(':after')})",
            [
                {
                    "at": at,
                    "actor": actor,
                    "action": action,
                    "layer": layer,
                    "record_id": record_id,
                    "before": rules.audit_json(before),
                    "after": rules.audit_json(after),
                }
                for record_id, before, after in entries
            ],
        )

    def read_audit(self, layer: str | None = None, record_id: str | None = None) -> list[AuditEntry]:
        where, params = self.dialect.where(equal_conditions(layer=layer, record_id=record_id))
        with self._reading() as conn:
            rows = self._rows(
                conn,
                f"SELECT at, actor, action, layer, record_id, before, after FROM audit_log {where} ORDER BY fid",
                params,
            )
        return [
            AuditEntry(
                self._value("datetime", at),
                actor,
                action,
                layer_name,
                rid,
                self._value("json", before),
                self._value("json", after),
            )
            for at, actor, action, layer_name, rid, before, after in rows
        ]

    # -- read log ----------------------------------------------------------------------------------------

    def _logging_reads(self) -> AbstractContextManager[Any]:
        """A write transaction for read-log entries: the store's own, unless a backend waits less for it."""
        return self._writing()

    def append_reads(self, entries: Sequence[ReadEntry]) -> None:
        if not entries:
            return
        with self._logging_reads() as conn:
            self._execute_many(
                conn,
                "INSERT INTO read_log (at, username, role, action, layer, record_ids, record_count, query, route) "
                f"VALUES (:at, :username, :role, :action, :layer, {self._json(':record_ids')}, :record_count, "
                ":query, :route)",
                [
                    {
                        "at": e.at,
                        "username": e.username,
                        "role": e.role,
                        "action": e.action,
                        "layer": e.layer,
                        "record_ids": json.dumps(list(e.record_ids), ensure_ascii=False),
                        "record_count": e.count,
                        "query": e.query,
                        "route": e.route,
                    }
                    for e in entries
                ],
            )

    def read_read_log(
        self, start: dt.datetime | None = None, end: dt.datetime | None = None, username: str | None = None
    ) -> list[ReadEntry]:
        clauses: list[str] = []
        params: dict[str, object] = {}
        for clause, name, value in (("at >= :start", "start", start), ("at < :end", "end", end)):
            if value is not None:
                clauses.append(clause)
                params[name] = value.astimezone(dt.UTC)
        if username is not None:
            clauses.append("username = :username")
            params["username"] = username
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._reading() as conn:
            rows = self._rows(
                conn,
                "SELECT at, username, role, action, layer, record_ids, record_count, query, route "
                f"FROM read_log {where} ORDER BY fid",
                params,
            )
        return [
            ReadEntry(
                self._value("datetime", at),
                username_,
                role,
                action,
                layer,
                tuple(self._value("json", ids) or ()),
                int(count),
                query,
                route,
            )
            for at, username_, role, action, layer, ids, count, query, route in rows
        ]

    # -- pledges -----------------------------------------------------------------------------------------

    _PROMISE_COLUMNS = (
        "id, text, kind, parties, target, target_unit, period_start, period_end, evidence_layer, evidence_kinds, "
        "target_per"
    )

    def list_pledges(self) -> list[Pledge]:
        # Two statements for every pledge of the country, not two per pledge: on a database server each statement
        # is a round trip, and the pages that list pledges (/alla, the choice of a pledge) read them all.
        with self._reading() as conn:
            documents = self._rows(conn, "SELECT id, document FROM pledges ORDER BY period_start, id")
            promises: dict[str, list[tuple]] = {}
            for row in self._rows(
                conn, f"SELECT pledge_id, {self._PROMISE_COLUMNS} FROM promises ORDER BY pledge_id, position"
            ):
                promises.setdefault(row[0], []).append(row[1:])
        return [self._pledge(document, promises.get(pledge_id, [])) for pledge_id, document in documents]

    def get_pledge(self, pledge_id: str) -> Pledge:
        with self._reading() as conn:
            found = self._rows(conn, "SELECT document FROM pledges WHERE id = :id", {"id": pledge_id})
            if not found:
                raise NotFoundError(f"no pledge has id {pledge_id!r}")
            rows = self._rows(
                conn,
                f"SELECT {self._PROMISE_COLUMNS} FROM promises WHERE pledge_id = :id ORDER BY position",
                {"id": pledge_id},
            )
        return self._pledge(found[0][0], rows)

    def _pledge(self, stored_document: Any, promise_rows: list[tuple]) -> Pledge:
        """A pledge from its stored document and its promises' rows (in :attr:`_PROMISE_COLUMNS`, by position)."""
        document = dict(self._value("json", stored_document))
        document["promises"] = [
            rules.promise_from_row((*r[:3], self._value("json", r[3]), *r[4:9], self._value("json", r[9]), r[10]))
            for r in promise_rows
        ]
        return pledge_from_dict(document, stored=True)

    def save_pledge(self, pledge: Pledge, actor: str = "local") -> None:
        document = rules.pledge_document(pledge)
        now = _now()
        with self._writing() as conn:
            self._hold_pledges(conn, alone=True)
            self._check_promise_ids(conn, pledge)
            found = self._rows(conn, "SELECT version, created_at FROM pledges WHERE id = :id", {"id": pledge.id})
            existing = found[0] if found else None
            version, created = (existing[0] + 1, existing[1]) if existing else (1, now)
            old_promises = {
                r[0]: (r[1], r[2])
                for r in self._rows(
                    conn, "SELECT id, version, created_at FROM promises WHERE pledge_id = :id", {"id": pledge.id}
                )
            }
            self._execute(conn, "DELETE FROM promises WHERE pledge_id = :id", {"id": pledge.id})
            self._execute(conn, "DELETE FROM pledges WHERE id = :id", {"id": pledge.id})
            self._execute(
                conn,
                "INSERT INTO pledges (id, version, created_at, updated_at, demo, title, municipality_code, "
                "municipality_name, period_start, period_end, document) VALUES (:id, :version, :created, :now, :demo, "
                f":title, :code, :name, :start, :end, {self._json(':document')})",
                {
                    "id": pledge.id,
                    "version": version,
                    "created": created,
                    "now": now,
                    "demo": pledge.demo,
                    "title": pledge.title,
                    "code": pledge.municipality.code,
                    "name": pledge.municipality.name,
                    "start": pledge.period.start,
                    "end": pledge.period.end,
                    "document": json.dumps(document, ensure_ascii=False),
                },
            )
            for position, promise in enumerate(pledge.promises):
                p_version, p_created = old_promises.get(promise.id, (0, now))
                self._execute(
                    conn,
                    "INSERT INTO promises (id, version, created_at, updated_at, demo, pledge_id, position, text, kind, "
                    "parties, target, target_unit, target_per, period_start, period_end, evidence_layer, evidence_kinds) "
                    f"VALUES (:id, :version, :created, :now, :demo, :pledge, :position, :text, :kind, "
                    f"{self._json(':parties')}, :target, :unit, :per, :start, :end, :layer, {self._json(':kinds')})",
                    {
                        "id": promise.id,
                        "version": p_version + 1,
                        "created": p_created,
                        "now": now,
                        "demo": pledge.demo,
                        "pledge": pledge.id,
                        "position": position,
                        "text": promise.text,
                        "kind": promise.kind,
                        "parties": json.dumps(list(promise.parties)),
                        "target": promise.target,
                        "unit": promise.target_unit,
                        "per": promise.target_per,
                        "start": promise.period.start if promise.period else None,
                        "end": promise.period.end if promise.period else None,
                        "layer": promise.evidence.layer,
                        "kinds": json.dumps(list(promise.evidence.kinds)),
                    },
                )
            self._pledges_saved(conn, now)
            self._audit(
                conn,
                now,
                actor,
                "pledge",
                None,
                [
                    (
                        pledge.id,
                        {"version": existing[0]} if existing else None,
                        {"version": version, "title": pledge.title, "promises": len(pledge.promises)},
                    )
                ],
            )

    def _check_promise_ids(self, conn: Any, pledge: Pledge) -> None:
        """Refuse a save that would orphan linked records or reuse another pledge's promise id."""
        problems = []
        kept = {p.id for p in pledge.promises}
        for (promise_id,) in self._rows(conn, "SELECT id FROM promises WHERE pledge_id = :id", {"id": pledge.id}):
            if promise_id in kept:
                continue
            for layer in rules.PROMISE_LINKED_LAYERS:
                if self._rows(conn, f'SELECT 1 FROM "{layer}" WHERE promise_id = :p LIMIT 1', {"p": promise_id}):
                    problems.append(rules.orphaned_promise(pledge.id, promise_id, layer))
            # Its kept counts too: the promise's figure would lose the records retention deleted.
            if self._rows(conn, "SELECT 1 FROM kept_counts WHERE promise_id = :p LIMIT 1", {"p": promise_id}):
                problems.append(rules.counted_promise(pledge.id, promise_id))
            judged = (
                "SELECT 1 FROM judgements WHERE pledge_id = :id AND subject = 'promise' AND subject_id = :p LIMIT 1"
            )
            if self._rows(conn, judged, {"id": pledge.id, "p": promise_id}):
                problems.append(rules.judged_promise(pledge.id, promise_id))
        for promise_id in sorted(kept):
            owner = self._rows(
                conn,
                "SELECT pledge_id FROM promises WHERE id = :p AND pledge_id != :id",
                {"p": promise_id, "id": pledge.id},
            )
            if owner:
                problems.append(rules.promise_of_another_pledge(pledge.id, promise_id, owner[0][0]))
        problems += self._judged_problems(conn, pledge)
        if problems:
            raise ValidationError(problems)

    def _judged_problems(self, conn: Any, pledge: Pledge) -> list[Problem]:
        """A save must keep what was judged: every judged goal, and every judged period (a new period or cadence
        that drops a judged period would leave its judgements about nothing)."""
        judged = self._rows(
            conn, "SELECT DISTINCT subject, subject_id, period FROM judgements WHERE pledge_id = :id", {"id": pledge.id}
        )
        periods = {p.code for p in pledge_periods(pledge)}
        goals = {g.id for g in pledge.goals}
        problems = []
        for code in sorted({period for _, _, period in judged} - periods):
            problems.append(rules.judged_period_removed(pledge.id, code, sorted(periods)))
        for goal in sorted({sid for subject, sid, _ in judged if subject == "goal"} - goals):
            problems.append(rules.orphaned_goal(pledge.id, goal))
        return problems

    # -- follow-up -------------------------------------------------------------------------------------

    def save_judgement(self, judgement: Judgement, expected_version: int, actor: str = "local") -> Judgement:
        now = _now()
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # as a GeoPackage keeps it: what is read back
        with self._writing() as conn:
            self._hold_follow_up(conn)
            pledge = self.get_pledge(judgement.pledge_id)  # NotFoundError for an unknown pledge
            problems = judgement_problems(pledge, judgement)
            if problems:
                raise ValidationError(problems)
            key = {"p": judgement.pledge_id, "s": judgement.subject, "i": judgement.subject_id, "t": judgement.period}
            where = "pledge_id = :p AND subject = :s AND subject_id = :i AND period = :t"
            found = self._rows(conn, f"SELECT MAX(version) FROM judgements WHERE {where}", key)
            current = int(found[0][0] or 0)
            if current != expected_version:
                raise VersionConflictError(
                    "judgements",
                    f"{judgement.subject} {judgement.subject_id} {judgement.period}",
                    expected_version,
                    current,
                )
            if current:
                # The same status and words as the version the judge started from is no new judgement: no version.
                [row] = self._rows(
                    conn,
                    f"SELECT {_JUDGEMENT_COLUMNS} FROM judgements WHERE {where} AND version = :v",
                    {**key, "v": current},
                )
                stored = self._judgement(row)
                if (stored.status, stored.text) == (judgement.status, judgement.text):
                    return stored
            # A demo pledge's judgements are demo data; so is a judgement the demo generator makes of a real pledge.
            demo = judgement.demo or pledge.demo
            saved = replace(judgement, version=current + 1, judged_by=actor, judged_at=now, demo=demo)
            self._execute(
                conn,
                "INSERT INTO judgements (pledge_id, subject, subject_id, period, version, status, text, evidence, "
                f"judged_by, judged_at, demo) VALUES (:p, :s, :i, :t, :version, :status, :text, {self._json(':evidence')}, "
                ":actor, :now, :demo)",
                {
                    **key,
                    "version": saved.version,
                    "status": saved.status,
                    "text": saved.text,
                    "evidence": json.dumps(saved.evidence, ensure_ascii=False, default=str),
                    "actor": actor,
                    "now": now,
                    "demo": saved.demo,
                },
            )
            before = None if current == 0 else {"version": current}
            after = {"version": saved.version, "period": saved.period, "status": saved.status, "text": saved.text}
            self._audit(conn, now, actor, "judgement", None, [(f"{saved.subject}/{saved.subject_id}", before, after)])
        return saved

    def read_judgements(self, pledge_id: str, subject_id: str | None = None) -> list[Judgement]:
        where, params = self.dialect.where(equal_conditions(pledge_id=pledge_id, subject_id=subject_id))
        with self._reading() as conn:
            rows = self._rows(
                conn, f"SELECT {_JUDGEMENT_COLUMNS} FROM judgements {where} ORDER BY judged_at, fid", params
            )
        return [self._judgement(r) for r in rows]

    def _judgement(self, row: tuple) -> Judgement:
        """A stored judgement from a row of :data:`_JUDGEMENT_COLUMNS`."""
        pledge_id, subject, subject_id, period, status, text, evidence, version, judged_by, judged_at, demo = row
        return Judgement(
            pledge_id=pledge_id,
            subject=subject,
            subject_id=subject_id,
            period=period,
            status=status,
            text=text,
            evidence=self._value("json", evidence) or {},
            version=int(version),
            judged_by=judged_by,
            judged_at=self._value("datetime", judged_at),
            demo=bool(demo),
        )

    def save_document(self, document: StoredDocument, expected_version: int, actor: str = "local") -> StoredDocument:
        now = _now()
        with self._writing() as conn:
            self._hold_follow_up(conn)
            key = {"kind": document.kind, "key": document.key}
            found = self._rows(conn, "SELECT MAX(version) FROM documents WHERE kind = :kind AND key = :key", key)
            current = int(found[0][0] or 0)
            if current != expected_version:
                raise VersionConflictError(document.kind, document.key, expected_version, current)
            saved = replace(document, version=current + 1, saved_by=actor, saved_at=now)
            self._execute(
                conn,
                "INSERT INTO documents (kind, key, version, content, saved_by, saved_at) "
                f"VALUES (:kind, :key, :version, {self._json(':content')}, :actor, :now)",
                {
                    **key,
                    "version": saved.version,
                    "content": json.dumps(saved.content, ensure_ascii=False, default=str),
                    "actor": actor,
                    "now": now,
                },
            )
            before = None if current == 0 else {"version": current}
            self._audit(
                conn, now, actor, "document", document.kind, [(document.key, before, {"version": saved.version})]
            )
        return saved

    def read_documents(self, kind: str, key: str | None = None) -> list[StoredDocument]:
        where, params = self.dialect.where(equal_conditions(kind=kind, key=key))
        with self._reading() as conn:
            rows = self._rows(
                conn,
                f"SELECT kind, key, content, version, saved_by, saved_at FROM documents {where} ORDER BY key, version",
                params,
            )
        return [
            StoredDocument(r[0], r[1], self._value("json", r[2]) or {}, int(r[3]), r[4], self._value("datetime", r[5]))
            for r in rows
        ]

    # -- layers ------------------------------------------------------------------------------------------

    def _where(self, spec: Layer, query: LayerQuery, deleted_too: bool = False) -> tuple[str, Any]:
        """The WHERE clause (and its parameters) that selects ``query``'s records of ``spec``, paging aside."""
        return self.dialect.where(layer_conditions(spec, query, deleted_too), spec.name)

    def _unpaged_where(self, spec: Layer, query: LayerQuery | None) -> tuple[str, Any]:
        """:meth:`_where` for every record ``query`` selects, whatever page it asks for (extents, grids)."""
        return self._where(spec, replace(query or LayerQuery(), limit=None, offset=0))

    def _weight(self, spec: Layer, weight: str | None) -> str:
        """The SQL a grid cell sums for each record: the field ``weight`` (1 where empty), or 1 without one."""
        if weight is not None and weight not in spec.field_names:
            raise ValueError(f"{spec.name} has no field {weight!r} to weigh counts with")
        return f'coalesce("{weight}", 1)' if weight else "1"

    def _layer_extent(self, spec: Layer, count: int, demo: int, first: Any, last: Any, bbox: Any) -> LayerExtent:
        """The extent of a layer's records from what the database summed up: their count, the demo ones, the
        first time, the last (end) time and the box ``(minx, miny, maxx, maxy)``; ``count`` is not 0."""
        kind = spec.field(spec.time_field).kind
        first, last = (self._column(kind, [v]).iloc[0] if v is not None else None for v in (first, last))
        minx, miny, maxx, maxy = (float(v) for v in bbox)
        return LayerExtent(int(count), int(demo), (minx, miny, maxx, maxy), first, last)

    def read_layer(self, layer: str, query: LayerQuery | None = None) -> gpd.GeoDataFrame:
        with self._reading() as conn:
            return self._read_layer(conn, layer, query)

    def _read_layer(self, conn: Any, layer: str, query: LayerQuery | None) -> gpd.GeoDataFrame:
        spec = get_layer(layer)
        query = query or LayerQuery()
        where, params = self._where(spec, query)
        page = self.dialect.page(params, query.limit, query.offset)
        fields = (*SYSTEM_FIELDS, *spec.fields)
        names = ", ".join(f'"{f.name}"' for f in fields)
        sql = f'SELECT {self.geometry_out}, {names} FROM "{layer}" {where} ORDER BY fid {page}'
        return self._frame(fields, self._rows(conn, sql, params))

    def _frame(self, fields: tuple[Field, ...], rows: list[tuple]) -> gpd.GeoDataFrame:
        """A frame of records from rows of (geometry, *fields)."""
        columns: list[list[Any]] = [list(c) for c in zip(*rows)] if rows else [[] for _ in range(len(fields) + 1)]
        data = {f.name: self._column(f.kind, columns[i + 1]) for i, f in enumerate(fields)}
        geometry = self._decode(columns[0])
        return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geometry, crs=STORAGE_CRS), crs=STORAGE_CRS)

    def count(self, layer: str, query: LayerQuery | None = None) -> int:
        spec = get_layer(layer)
        where, params = self._where(spec, query or LayerQuery())
        with self._reading() as conn:
            return int(self._rows(conn, f'SELECT count(*) FROM "{spec.name}" {where}', params)[0][0])

    def write_batches(self, batches: dict[str, gpd.GeoDataFrame], actor: str = "local") -> dict[str, list[str]]:
        specs = {name: get_layer(name) for name in batches}
        written: dict[str, list[str]] = {}
        with self._writing() as conn:
            self._hold_pledges(conn, alone=False)
            checked = {
                name: validate_records(spec, batches[name], self._link_ids(conn, spec)) for name, spec in specs.items()
            }
            ids = {name: [r["id"] for r in batch.rows] for name, batch in checked.items()}
            self._hold_ids(conn, [i for given in ids.values() for i in given])
            problems = self._taken_ids(conn, ids)
            if problems:
                raise ValidationError(problems)
            now = _now()
            for name, batch in checked.items():
                written[name] = [r["id"] for r in batch.rows]
                if not batch.rows:
                    continue
                self._insert_records(conn, specs[name], batch, now)
                self._audit(
                    conn,
                    now,
                    actor,
                    "create",
                    name,
                    [
                        (row["id"], None, rules.create_entry(specs[name], row, geom))
                        for row, geom in zip(batch.rows, batch.geometries)
                    ],
                )
        return written

    def _taken_ids(self, conn: Any, ids: dict[str, list[str]]) -> list[Problem]:
        """The new records whose id a record of any layer holds already (deleted ones too), or another new record
        of the batch in another layer: an id names one record of the whole store, whatever its layer."""
        problems = []
        claimed: dict[str, str] = {}
        for name, given in ids.items():
            for other in LAYERS:
                for record_id in sorted(self._existing_ids(conn, other, given)):
                    problems.append(rules.id_taken(name, record_id, other))
            for record_id in given:
                if claimed.setdefault(record_id, name) != name:
                    problems.append(rules.id_taken(name, record_id, claimed[record_id]))
        return problems

    def delete_record(self, layer: str, record_id: str, expected_version: int, actor: str = "local") -> None:
        spec = get_layer(layer)
        with self._writing() as conn:
            found = self._rows(
                conn,
                f'SELECT version FROM "{spec.name}" WHERE id = :id AND deleted_at IS NULL{self.lock_rows}',
                {"id": record_id},
            )
            if not found:
                raise NotFoundError(f"no {layer} record has id {record_id!r}")
            if found[0][0] != expected_version:
                raise VersionConflictError(layer, record_id, expected_version, found[0][0])
            now = _now()
            self._execute(
                conn,
                f'UPDATE "{spec.name}" SET deleted_at = :now, version = version + 1, updated_at = :now WHERE id = :id',
                {"now": now, "id": record_id},
            )
            self._audit(conn, now, actor, "delete", layer, [(record_id, {"deleted": False}, {"deleted": True})])

    def restore_record(self, layer: str, record_id: str, actor: str = "local") -> None:
        spec = get_layer(layer)
        with self._writing() as conn:
            now = _now()
            changed = self._execute(
                conn,
                f'UPDATE "{spec.name}" SET deleted_at = NULL, version = version + 1, updated_at = :now '
                "WHERE id = :id AND deleted_at IS NOT NULL",
                {"now": now, "id": record_id},
            )
            if not changed:
                raise NotFoundError(f"no deleted {layer} record has id {record_id!r}")
            self._audit(conn, now, actor, "restore", layer, [(record_id, {"deleted": True}, {"deleted": False})])

    # -- retention ---------------------------------------------------------------------------------------

    def _before_purge(self, conn: Any) -> None:  # noqa: B027 (a database that overwrites freed rows needs nothing)
        """What the backend does before records are deleted for good (the GeoPackage store zeroes freed pages)."""

    def _records_purged(self, conn: Any, layer: str, now: dt.datetime) -> None:  # noqa: B027 (nothing beside)
        """What the backend keeps current beside a layer's rows after records were deleted for good."""

    def kept_count(self, layer: str, query: LayerQuery | None = None) -> int:
        where, params = self.dialect.where(kept_conditions(get_layer(layer), query or LayerQuery()))
        with self._reading() as conn:
            found = self._rows(conn, f"SELECT coalesce(sum(records), 0) FROM kept_counts {where}", params)
        return int(found[0][0])

    def read_kept_counts(self, layer: str, query: LayerQuery | None = None) -> list[KeptCount]:
        where, params = self.dialect.where(kept_conditions(get_layer(layer), query or LayerQuery()))
        with self._reading() as conn:
            rows = self._rows(
                conn,
                f"SELECT first_day, last_day, kind, sum(records) FROM kept_counts {where} "
                "GROUP BY first_day, last_day, kind ORDER BY first_day, last_day, kind",
                params,
            )
        return [
            KeptCount(self._value("date", first), self._value("date", last), kind, int(n))
            for first, last, kind, n in rows
        ]

    def purge_records(
        self, records: Mapping[str, Mapping[str, int]], details: Mapping[str, Any], actor: str = "local"
    ) -> dict[str, list[str]]:
        now = _now()
        purged: dict[str, list[str]] = {}
        kept: Counter[tuple] = Counter()
        with self._writing() as conn:
            self._hold_pledges(conn, alone=False)
            self._before_purge(conn)
            pledge_of = dict(self._rows(conn, "SELECT id, pledge_id FROM promises"))
            for layer, versions in records.items():
                spec = get_layer(layer)
                ids = sorted(versions)
                purged[layer] = ids
                if not ids:
                    continue
                stored = self._purged_rows(conn, spec, ids)
                for record_id in ids:
                    found = stored.get(record_id)
                    if found is None or found["version"] != versions[record_id]:
                        raise VersionConflictError(
                            layer, record_id, versions[record_id], None if found is None else found["version"]
                        )
                    if found["deleted_at"] is None:  # a soft-deleted record counts nowhere now, nor is it kept
                        kept[_kept_key(spec, found, pledge_of)] += 1
                for start in range(0, len(ids), 500):
                    where, params = self.dialect.where([Condition("id", ONE_OF, ids[start : start + 500])])
                    self._execute(conn, f'DELETE FROM "{spec.name}" {where}', params)
                self._records_purged(conn, spec.name, now)
                self._redact_audit(conn, spec.name, ids)
            self._execute_many(
                conn,
                "INSERT INTO kept_counts (layer, pledge_id, promise_id, kind, first_day, last_day, demo, records, "
                "kept_at) VALUES (:layer, :pledge_id, :promise_id, :kind, :first_day, :last_day, :demo, :records, :now)",
                [
                    dict(zip(_KEPT_KEY, key), records=n, now=now)
                    for key, n in sorted(kept.items(), key=lambda item: tuple(str(v) for v in item[0]))
                ],
            )
            kept_per_layer = Counter[str]()
            for key, n in kept.items():
                kept_per_layer[key[0]] += n
            after = {
                **details,
                "deleted": {layer: len(ids) for layer, ids in purged.items()},
                "kept_in_counts": dict(kept_per_layer),
                "ids": purged,
            }
            self._audit(conn, now, actor, "retention", None, [(None, None, after)])
        return purged

    def _redact_audit(self, conn: Any, layer: str, ids: list[str]) -> None:
        """Blank the values in the audit entries of records deleted for good, keeping who did what and when.

        The log keeps every value a record was created or edited with; a record deleted for good whose
        values stay in the log is not deleted. The log is append-only (triggers refuse any change); they let
        through only this: the values of an entry, with its time, actor, action, layer and record unchanged,
        while the marker row :data:`REDACTING` is in the store's meta table, which only this transaction
        sees (it is gone when it commits).
        """
        marker = rules.audit_json({"redacted": "retention"})
        self._execute(conn, f"INSERT INTO {rules.META_TABLE} (key, value) VALUES ('{REDACTING}', 'retention')")
        for start in range(0, len(ids), 500):
            params = self.dialect.params()
            before, after = (self._json(self.dialect.mark(params, marker)) for _ in range(2))
            conditions = [Condition("layer", EQUAL, layer), Condition("record_id", ONE_OF, ids[start : start + 500])]
            where = " AND ".join(self.dialect.clause(c, "audit_log", params) for c in conditions)
            self._execute(
                conn,
                f"UPDATE audit_log SET before = CASE WHEN before IS NULL THEN NULL ELSE {before} END, "
                f"after = CASE WHEN after IS NULL THEN NULL ELSE {after} END WHERE {where}",
                params,
            )
        self._execute(conn, f"DELETE FROM {rules.META_TABLE} WHERE key = '{REDACTING}'")

    def _purged_rows(self, conn: Any, spec: Layer, ids: list[str]) -> dict[str, dict[str, Any]]:
        """What the kept counts need of the records ``ids`` of ``spec`` (locked until the purge commits)."""
        end_field = spec.end_field or spec.time_field
        columns = ["id", "version", "deleted_at", "demo", spec.link_field, spec.kind_field, spec.time_field, end_field]
        names = ", ".join(f'"{c}"' for c in columns)
        rows: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), 500):
            where, params = self.dialect.where([Condition("id", ONE_OF, ids[start : start + 500])])
            for row in self._rows(conn, f'SELECT {names} FROM "{spec.name}" {where}{self.lock_rows}', params):
                record = dict(zip(("id", "version", "deleted_at", "demo", "link", "kind", "first", "last"), row))
                kind = spec.field(spec.time_field).kind
                record["first"], record["last"] = (self._value(kind, record[k]) for k in ("first", "last"))
                record["version"], record["demo"] = int(record["version"]), bool(record["demo"])
                rows[record["id"]] = record
        return rows

    # -- accounts ----------------------------------------------------------------------------------------

    def _account(self, row: tuple) -> Account:
        return rules.account(dict(zip(USER_COLUMNS, row)))

    def save_user(self, user: Account, actor: str = "local") -> None:
        before = self.get_user(user.username)
        with self._writing() as conn:
            self._execute(
                conn,
                f"INSERT INTO users ({', '.join(USER_COLUMNS)}) VALUES ({', '.join(':' + c for c in USER_COLUMNS)}) "
                "ON CONFLICT (username) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in USER_COLUMNS[1:]),
                {name: getattr(user, name) for name in USER_COLUMNS},
            )
            entry = rules.account_entry(before, user)
            if entry:
                self._audit(conn, _now(), actor, "user", None, [(user.username, *entry)])

    def get_user(self, username: str) -> Account | None:
        with self._reading() as conn:
            rows = self._rows(conn, f"SELECT {', '.join(USER_COLUMNS)} FROM users WHERE username = :u", {"u": username})
        return self._account(rows[0]) if rows else None

    def list_users(self) -> list[Account]:
        with self._reading() as conn:
            rows = self._rows(conn, f"SELECT {', '.join(USER_COLUMNS)} FROM users ORDER BY username")
        return [self._account(row) for row in rows]

    def delete_user(self, username: str, actor: str = "local") -> bool:
        before = self.get_user(username)
        with self._writing() as conn:
            removed = self._execute(conn, "DELETE FROM users WHERE username = :u", {"u": username}) > 0
            if removed:
                # None only if the account was added between reading it and deleting it: what it was is not known.
                shown = None if before is None else {"role": before.role, "organisation": before.organisation}
                self._audit(conn, _now(), actor, "user_removed", None, [(username, shown, None)])
            return removed

    # -- police events -----------------------------------------------------------------------------------

    def write_police_events(self, events: list[PoliceEvent], actor: str = "local") -> tuple[int, int]:
        now = _now()
        with self._writing() as conn:
            new = self._insert_events(conn, events, now) if events else 0
            if new:
                self._audit(conn, now, actor, "events", "police_events", [(None, None, {"new": new})])
        return new, len(events) - new

    # -- sign-in counters --------------------------------------------------------------------------------

    def begin_sign_in(self, scopes, now: dt.datetime, retry_after) -> int:
        # Check and count in one write transaction: parallel attempts are counted one after the other, so
        # none of them sees a count from before the others.
        with self._counting() as conn:
            self._hold_sign_ins(conn)
            self._execute(
                conn, "DELETE FROM sign_in_failures WHERE last_at < :old", {"old": now - dt.timedelta(days=1)}
            )
            waits = []
            for name, address in scopes:
                found = self._rows(
                    conn,
                    "SELECT failures, last_at FROM sign_in_failures WHERE name = :n AND address = :a",
                    {"n": name, "a": address},
                )
                if found:
                    failures, last_at = found[0]
                    waits.append(retry_after((name, address), int(failures), self._value("datetime", last_at)))
            wait = max(waits, default=0)
            if wait > 0:
                return wait
            self._execute_many(
                conn,
                "INSERT INTO sign_in_failures (name, address, failures, last_at) VALUES (:n, :a, 1, :t) "
                "ON CONFLICT (name, address) DO UPDATE SET failures = sign_in_failures.failures + 1, "
                "last_at = excluded.last_at",
                [{"n": name, "a": address, "t": now} for name, address in scopes],
            )
            return 0

    def end_sign_in(self, clear, release) -> None:
        with self._counting() as conn:
            self._execute_many(
                conn,
                "DELETE FROM sign_in_failures WHERE name = :n AND address = :a",
                [{"n": name, "a": address} for name, address in clear],
            )
            self._execute_many(
                conn,
                f"UPDATE sign_in_failures SET failures = {self.greatest}(0, failures - 1) "
                "WHERE name = :n AND address = :a",
                [{"n": name, "a": address} for name, address in release],
            )

    def clear_sign_in_failures(self, name: str) -> int:
        with self._counting() as conn:
            return self._execute(conn, "DELETE FROM sign_in_failures WHERE name = :n", {"n": name})

    def sign_in_failures(self, name: str) -> int:
        with self._reading_counts() as conn:
            found = self._rows(
                conn, "SELECT failures FROM sign_in_failures WHERE name = :n AND address = ''", {"n": name}
            )
        return int(found[0][0]) if found and found[0][0] is not None else 0

    # -- survey results ----------------------------------------------------------------------------------

    def write_survey_results(
        self,
        results: gpd.GeoDataFrame,
        replace: bool = False,
        actor: str = "local",
        indicators: Iterable[Indicator] = (),
        dry_run: bool = False,
    ) -> tuple[int, int]:
        try:
            return self._write_survey(results, replace, actor, list(indicators), dry_run)
        except _DryRun as done:
            return done.counts

    def _write_survey(
        self, results: gpd.GeoDataFrame, replace: bool, actor: str, indicators: list[Indicator], dry_run: bool
    ) -> tuple[int, int]:
        shapes = results.geometry.to_crs(STORAGE_CRS) if results.crs is not None else results.geometry
        now = _now()
        new = replaced = 0
        with self._writing() as conn:
            problems: list[Problem] = []
            changes: list[tuple[str, dict, dict]] = []
            described = self._describe_indicators(conn, indicators, replace, now, actor, problems)
            for values, shape in zip(results.reindex(columns=list(SURVEY_COLUMNS)).itertuples(index=False), shapes):
                row = dict(zip(SURVEY_COLUMNS, (None if pd.isna(v) else v for v in values)))
                year, value = row["year"], row["value"]
                if year is None or value is None:
                    # geodata.io.survey_import refuses these before a store is asked; a caller that skipped it is told here.
                    problems.append(
                        Problem(
                            f"survey result {row['indicator']} for area {row['area_id']}",
                            "year" if year is None else "value",
                            "is missing; expected a number",
                            "missing",
                        )
                    )
                    continue
                row = _survey_row(row)
                key = {k: row[k] for k in SURVEY_KEY}
                measured = ", ".join(rules.SURVEY_MEASURED)
                found = self._rows(
                    conn, f"SELECT {measured} FROM survey_results WHERE {_SURVEY_WHERE}{self.lock_rows}", key
                )
                if found:
                    stored = dict(zip(rules.SURVEY_MEASURED, found[0]))
                    stored["series_break"] = bool(stored["series_break"])
                    # What the file does not say (no n column, no break column) keeps what is stored. A field
                    # stored empty and given now completes the result (a break, too: stored as none); one stored
                    # with another value is a conflict unless the import replaces stored results.
                    differing = [f for f in rules.SURVEY_MEASURED if row[f] is not None and stored[f] != row[f]]
                    conflicting = [
                        f
                        for f in differing
                        if stored[f] is not None and (f != "series_break" or stored["series_break"])
                    ]
                    if conflicting and not replace:
                        problems += [rules.survey_conflict(row, f, stored[f]) for f in conflicting]
                        continue
                    if not differing:
                        continue
                    replaced += 1
                    changes.append(
                        (
                            "/".join(str(row[k]) for k in SURVEY_KEY),
                            {f: stored[f] for f in differing},
                            {f: row[f] for f in differing},
                        )
                    )
                    row = {**row, **{f: stored[f] for f in rules.SURVEY_MEASURED if row[f] is None}}
                    self._execute(conn, f"DELETE FROM survey_results WHERE {_SURVEY_WHERE}", key)
                else:
                    new += 1
                row["series_break"] = bool(row["series_break"])
                geom = None if shape is None or shape.is_empty else self._encode(shape)
                self._execute(
                    conn,
                    f"INSERT INTO survey_results (geom, {', '.join(SURVEY_COLUMNS)}, imported_at) "
                    f"VALUES ({self._geometry(':geom')}, {', '.join(':' + c for c in SURVEY_COLUMNS)}, :now)",
                    {**row, "geom": geom, "now": now},
                )
            if problems:
                raise ValidationError(problems)
            if new or changes:
                self._audit(
                    conn, now, actor, "survey", "survey_results", [(None, None, {"new": new, "replaced": replaced})]
                )
                if changes:
                    self._audit(conn, now, actor, "survey_replace", "survey_results", changes)
            if described:
                self._audit(conn, now, actor, "indicator", "survey_indicators", described)
            if dry_run:  # every check made, with the stored rows locked: undo it all
                raise _DryRun((new, replaced))
        return new, replaced

    def _describe_indicators(
        self, conn: Any, indicators: list[Indicator], replace: bool, now: dt.datetime, actor: str, problems: list
    ) -> list[tuple[str, dict | None, dict]]:
        """Store each indicator's description (what it adds to a stored one; what it changes only if
        ``replace``); the audit's changes, and each conflict added to ``problems``."""
        changes = []
        stored = self._indicators(conn)
        for indicator in indicators:
            problems += indicator.problems()
            before = stored.get(indicator.name)
            if before is not None:
                differences = before.differences(indicator)
                if differences and not replace:
                    problems += [rules.indicator_conflict(indicator.name, f, a, b) for f, (a, b) in differences.items()]
                    continue
                after = indicator.merged(before)
                if after == before:
                    continue
                self._execute(conn, "DELETE FROM survey_indicators WHERE name = :name", {"name": indicator.name})
            else:
                after = indicator
            row = {c: getattr(after, c) for c in rules.INDICATOR_COLUMNS}
            self._execute(
                conn,
                f"INSERT INTO survey_indicators ({', '.join(rules.INDICATOR_COLUMNS)}, updated_at) "
                f"VALUES ({', '.join(':' + c for c in rules.INDICATOR_COLUMNS)}, :now)",
                {**row, "now": now},
            )
            changes.append((indicator.name, None if before is None else _indicator_row(before), row))
        return changes

    def _indicators(self, conn: Any) -> dict[str, Indicator]:
        columns = ", ".join(rules.INDICATOR_COLUMNS)
        rows = self._rows(conn, f"SELECT {columns} FROM survey_indicators ORDER BY name")
        return {row[0]: Indicator(*row) for row in rows}

    def read_indicators(self) -> dict[str, Indicator]:
        with self._reading() as conn:
            return self._indicators(conn)

    @staticmethod
    def _survey_frame(rows: list[tuple], geometry: Any) -> gpd.GeoDataFrame:
        """Stored survey results (rows of :data:`SURVEY_COLUMNS`) as a frame, with their outlines."""
        frame = pd.DataFrame(rows, columns=list(SURVEY_COLUMNS))
        frame["year"] = frame["year"].astype("int64")
        frame["value"] = frame["value"].astype("float64")
        frame["n"] = frame["n"].astype("Int64")
        for column in ("se", "ci_low", "ci_high"):
            frame[column] = frame[column].astype("float64")
        frame["series_break"] = frame["series_break"].fillna(False).astype(bool)
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=STORAGE_CRS), crs=STORAGE_CRS)
