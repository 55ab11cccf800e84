"""The store on PostgreSQL + PostGIS: the same interface as the GeoPackage store, for several app workers.

``open_store("postgresql://user@host:port/db")`` opens it; ``migrate`` creates
or upgrades its schema. SQLAlchemy (with GeoAlchemy2's geometry type) over
psycopg 3; filtering, counting and extents run in the database (GiST index
for boxes). Every change is one transaction:

- a batch of new records lands whole or not at all (a unique index on
  ``id`` settles two batches racing for one id);
- an edit locks its row (``SELECT … FOR UPDATE``) and checks the version it
  started from, so two workers editing one record get a conflict, not a
  silent overwrite;
- counting a sign-in attempt takes a transaction-level advisory lock, so
  parallel attempts on several workers are counted one after the other.

Nothing is kept in a worker's memory but the connection pool (one per URL
and process, with a liveness check before each use, so a dropped
connection is replaced instead of failing the next request).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import sqlalchemy
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from geodata.clock import LOCAL_TZ
from geodata.errors import NotFoundError, Problem, SchemaError, StoreError, ValidationError, VersionConflictError
from geodata.grid import grid_from_cells
from geodata.layers import LAYERS, STORAGE_CRS, SYSTEM_FIELDS, Layer, get_layer
from geodata.model import Pledge, pledge_from_dict
from geodata.records import PoliceEvent
from geodata.store import rules as common
from geodata.store.base import AuditEntry, LayerExtent, LayerQuery, Store
from geodata.store.gpkg.schema import SURVEY_COLUMNS
from geodata.store.postgis import schema as postgis_schema
from geodata.store.postgis.schema import META_TABLE, latest_version
from geodata.validate import validate_records

_ENGINES: dict[str, Engine] = {}
USER_COLUMNS = (
    "username",
    "display_name",
    "role",
    "organisation",
    "password_hash",
    "created_at",
    "updated_at",
    "session_key",
)


def _engine(url: str) -> Engine:
    if url not in _ENGINES:
        driver_url = url.replace("postgres://", "postgresql://", 1)
        if driver_url.startswith("postgresql://"):
            driver_url = "postgresql+psycopg://" + driver_url[len("postgresql://") :]
        _ENGINES[url] = sqlalchemy.create_engine(
            driver_url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args={"connect_timeout": 10}
        )
    return _ENGINES[url]


def dispose(url: str) -> None:
    """Close the pooled connections to ``url`` (a database about to be dropped, or a process about to fork)."""
    engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from geodata.store import describe

    return describe(url)


def _stored_version(conn: Connection) -> int:
    has_meta = conn.execute(text("SELECT to_regclass(:name) IS NOT NULL"), {"name": META_TABLE}).scalar()
    if not has_meta:
        return 0
    value = conn.execute(text(f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'")).scalar()
    return int(value) if value else 0


def migrate(url: str) -> tuple[int, int]:
    """Create the schema in the database at ``url`` or bring it to the latest version, in one transaction."""
    try:
        with _engine(url).begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('pledgemap.migrate'))"))
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
            before = _stored_version(conn)
            if before > latest_version():
                raise SchemaError(
                    f"{_safe_url(url)} has schema version {before}, newer than this Pledgemap "
                    f"(version {latest_version()}); upgrade Pledgemap to open it"
                )
            for migration in postgis_schema.MIGRATIONS:
                if migration.version > before:
                    migration.apply(conn)
                    conn.execute(
                        text(
                            f"INSERT INTO {META_TABLE} VALUES ('schema_version', :v) ON CONFLICT (key) "
                            "DO UPDATE SET value = excluded.value"
                        ),
                        {"v": str(migration.version)},
                    )
    except OperationalError as exc:
        raise StoreError(f"cannot reach the database {_safe_url(url)}: {exc.orig}") from None
    return before, latest_version()


def _to_db(kind: str, value: Any) -> Any:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if kind == "date":
        return value.date() if isinstance(value, dt.datetime) else value
    if kind == "datetime":
        return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)
    return value.item() if isinstance(value, np.generic) else value


def _column(kind: str, values: list) -> pd.Series:
    if kind == "date":
        return pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[ms]")
    if kind == "datetime":
        return pd.to_datetime(pd.Series(values, dtype=object), utc=True).astype("datetime64[ms, UTC]")
    if kind == "int":
        return pd.Series(values, dtype="Int64")
    if kind == "bool":
        return pd.Series([bool(v) for v in values], dtype=bool)
    return pd.Series(values, dtype=object)


def _day_bound(kind: str, day: dt.date, end_of_day: bool) -> Any:
    if kind == "date":
        return day
    return dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min, tzinfo=LOCAL_TZ)


def _wkb(geom) -> bytes:
    return shapely.to_wkb(geom, byte_order=1, flavor="iso")


def _audit(conn: Connection, at: dt.datetime, actor: str, action: str, layer: str | None, entries) -> None:
    rows = [
        {
            "at": at,
            "actor": actor,
            "action": action,
            "layer": layer,
            "record_id": record_id,
            "before": None
            if before is None
            else json.dumps({k: common.json_safe(v) for k, v in before.items()}, ensure_ascii=False),
            "after": None
            if after is None
            else json.dumps({k: common.json_safe(v) for k, v in after.items()}, ensure_ascii=False),
        }
        for record_id, before, after in entries
    ]
    if rows:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, layer, record_id, before, after) VALUES "
                "(:at, :actor, :action, :layer, :record_id, CAST(:before AS jsonb), CAST(:after AS jsonb))"
            ),
            rows,
        )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PostGISStore(Store):
    """A Pledgemap store in a PostgreSQL database with PostGIS."""

    def __init__(self, url: str, engine: Engine):
        self.url = url
        self._engine = engine

    @property
    def location(self) -> str:
        """Where the store is: what :func:`geodata.store.open_store` opens it from again."""
        return self.url

    @classmethod
    def open(cls, url: str) -> PostGISStore:
        engine = _engine(url)
        try:
            with engine.connect() as conn:
                version = _stored_version(conn)
        except OperationalError as exc:
            raise StoreError(f"cannot reach the database {_safe_url(url)}: {exc.orig}") from None
        if version != latest_version():
            if version < latest_version():
                raise SchemaError(
                    f"{_safe_url(url)} has schema version {version}; this Pledgemap uses version "
                    f"{latest_version()}. Run 'pledgemap migrate --data {_safe_url(url)}' to create "
                    "or upgrade it"
                )
            raise SchemaError(
                f"{_safe_url(url)} has schema version {version}, newer than this Pledgemap "
                f"(version {latest_version()}); upgrade Pledgemap to open it"
            )
        return cls(url, engine)

    def __repr__(self) -> str:
        return f"PostGISStore({_safe_url(self.url)!r})"

    def _read(self):
        return _Unit(self._engine, write=False)

    def _write(self):
        return _Unit(self._engine, write=True)

    def schema_version(self) -> int:
        with self._read() as conn:
            return _stored_version(conn)

    # -- pledges -----------------------------------------------------------

    def list_pledges(self) -> list[Pledge]:
        with self._read() as conn:
            ids = conn.execute(text("SELECT id FROM pledges ORDER BY period_start, id")).scalars().all()
        return [self.get_pledge(pledge_id) for pledge_id in ids]

    def get_pledge(self, pledge_id: str) -> Pledge:
        with self._read() as conn:
            document = conn.execute(text("SELECT document FROM pledges WHERE id = :id"), {"id": pledge_id}).scalar()
            if document is None:
                raise NotFoundError(f"no pledge has id {pledge_id!r}")
            rows = conn.execute(
                text(
                    "SELECT id, text, kind, parties, target, target_unit, period_start, period_end, evidence_layer, "
                    "evidence_kinds FROM promises WHERE pledge_id = :id ORDER BY position"
                ),
                {"id": pledge_id},
            ).all()
        document = dict(document)
        document["promises"] = [common.promise_from_row(r) for r in rows]
        return pledge_from_dict(document)

    def save_pledge(self, pledge: Pledge, actor: str = "local") -> None:
        document = common.pledge_document(pledge)
        now = _now()
        with self._write() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('pledgemap.pledges'))"))
            self._check_promise_ids(conn, pledge)
            existing = conn.execute(
                text("SELECT version, created_at FROM pledges WHERE id = :id"), {"id": pledge.id}
            ).first()
            version, created = (existing[0] + 1, existing[1]) if existing else (1, now)
            old_promises = {
                r[0]: (r[1], r[2])
                for r in conn.execute(
                    text("SELECT id, version, created_at FROM promises WHERE pledge_id = :id"), {"id": pledge.id}
                )
            }
            conn.execute(text("DELETE FROM promises WHERE pledge_id = :id"), {"id": pledge.id})
            conn.execute(text("DELETE FROM pledges WHERE id = :id"), {"id": pledge.id})
            conn.execute(
                text(
                    "INSERT INTO pledges (id, version, created_at, updated_at, demo, title, municipality_code, "
                    "municipality_name, period_start, period_end, document) VALUES (:id, :version, :created, :now, :demo, "
                    ":title, :code, :name, :start, :end, CAST(:document AS jsonb))"
                ),
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
                conn.execute(
                    text(
                        "INSERT INTO promises (id, version, created_at, updated_at, demo, pledge_id, position, text, kind, "
                        "parties, target, target_unit, period_start, period_end, evidence_layer, evidence_kinds) VALUES "
                        "(:id, :version, :created, :now, :demo, :pledge, :position, :text, :kind, CAST(:parties AS jsonb), "
                        ":target, :unit, :start, :end, :layer, CAST(:kinds AS jsonb))"
                    ),
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
                        "start": promise.period.start if promise.period else None,
                        "end": promise.period.end if promise.period else None,
                        "layer": promise.evidence.layer,
                        "kinds": json.dumps(list(promise.evidence.kinds)),
                    },
                )
            _audit(
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

    @staticmethod
    def _check_promise_ids(conn: Connection, pledge: Pledge) -> None:
        problems = []
        kept = {p.id for p in pledge.promises}
        for promise_id in conn.execute(
            text("SELECT id FROM promises WHERE pledge_id = :id"), {"id": pledge.id}
        ).scalars():
            if promise_id in kept:
                continue
            for layer in ("inventoried_sites", "operations"):
                if conn.execute(
                    text(f'SELECT 1 FROM "{layer}" WHERE promise_id = :p LIMIT 1'), {"p": promise_id}
                ).first():
                    problems.append(common.orphaned_promise(pledge.id, promise_id, layer))
        for promise_id in sorted(kept):
            owner = conn.execute(
                text("SELECT pledge_id FROM promises WHERE id = :p AND pledge_id != :id"),
                {"p": promise_id, "id": pledge.id},
            ).scalar()
            if owner:
                problems.append(common.promise_of_another_pledge(pledge.id, promise_id, owner))
        if problems:
            raise ValidationError(problems)

    # -- layers ------------------------------------------------------------

    @staticmethod
    def _links_held(conn: Connection) -> None:
        # Writers of records share this lock and a pledge's save takes it alone, so no record can link to a
        # promise that a save is removing at the same moment (the GeoPackage store has one writer at a time).
        conn.execute(text("SELECT pg_advisory_xact_lock_shared(hashtext('pledgemap.pledges'))"))

    def _link_ids(self, conn: Connection, layer: Layer) -> list[str]:
        table = "pledges" if layer.link_field == "pledge_id" else "promises"
        return list(conn.execute(text(f"SELECT id FROM {table}")).scalars())

    def _where(self, spec: Layer, query: LayerQuery, deleted_too: bool = False) -> tuple[str, dict[str, Any]]:
        clauses = ["TRUE"] if deleted_too else ["deleted_at IS NOT NULL" if query.deleted else "deleted_at IS NULL"]
        params: dict[str, Any] = {}
        if query.pledge_id is not None:
            clauses.append(
                "pledge_id = :pledge"
                if spec.link_field == "pledge_id"
                else "promise_id IN (SELECT id FROM promises WHERE pledge_id = :pledge)"
            )
            params["pledge"] = query.pledge_id
        if query.promise_id is not None:
            if spec.link_field != "promise_id":
                raise ValueError(f"{spec.name} records link to pledges, not promises")
            clauses.append("promise_id = :promise")
            params["promise"] = query.promise_id
        start_field, end_field = spec.time_field, spec.end_field or spec.time_field
        kind = spec.field(spec.time_field).kind
        if query.start is not None:
            clauses.append(f'"{end_field}" >= :start')
            params["start"] = _day_bound(kind, query.start, end_of_day=False)
        if query.end is not None:
            clauses.append(f'"{start_field}" <= :end')
            params["end"] = _day_bound(kind, query.end, end_of_day=True)
        if query.bbox is not None:
            clauses.append(f"geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, {STORAGE_CRS})")
            params.update(zip(("minx", "miny", "maxx", "maxy"), map(float, query.bbox)))
        if query.ids is not None:
            clauses.append("id = ANY(:ids)")
            params["ids"] = list(query.ids)
        if query.demo is not None:
            clauses.append("demo = :demo")
            params["demo"] = bool(query.demo)
        for i, (name, allowed) in enumerate(query.values):
            if name not in spec.field_names or spec.field(name).kind not in ("choice", "text"):
                raise ValueError(f"{spec.name} has no text field {name!r} to filter on")
            clauses.append(f'"{name}" = ANY(:values{i})')
            params[f"values{i}"] = list(allowed)
        return "WHERE " + " AND ".join(clauses), params

    def read_layer(self, layer: str, query: LayerQuery | None = None) -> gpd.GeoDataFrame:
        with self._read() as conn:
            return self._read_layer(conn, layer, query)

    def _read_layer(self, conn: Connection, layer: str, query: LayerQuery | None) -> gpd.GeoDataFrame:
        spec = get_layer(layer)
        query = query or LayerQuery()
        where, params = self._where(spec, query)
        fields = (*SYSTEM_FIELDS, *spec.fields)
        names = ", ".join(f'"{f.name}"' for f in fields)
        page = ""
        if query.limit is not None or query.offset:
            page = "LIMIT :limit OFFSET :offset"
            params.update(limit=query.limit, offset=query.offset)
        rows = conn.execute(
            text(f'SELECT ST_AsBinary(geom), {names} FROM "{layer}" {where} ORDER BY fid {page}'), params
        ).all()
        columns = list(zip(*rows)) if rows else [[] for _ in range(len(fields) + 1)]
        data = {f.name: _column(f.kind, list(columns[i + 1])) for i, f in enumerate(fields)}
        geometry = shapely.from_wkb(np.array([bytes(b) for b in columns[0]], dtype=object))
        return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geometry, crs=STORAGE_CRS), crs=STORAGE_CRS)

    def count(self, layer: str, query: LayerQuery | None = None) -> int:
        spec = get_layer(layer)
        where, params = self._where(spec, query or LayerQuery())
        with self._read() as conn:
            return int(conn.execute(text(f'SELECT count(*) FROM "{layer}" {where}'), params).scalar())

    def counts(self, pledge_id: str | None = None, demo_only: bool = False) -> dict[str, int]:
        return {
            name: self.count(name, LayerQuery(pledge_id=pledge_id, demo=True if demo_only else None)) for name in LAYERS
        }

    def extent(self, layer: str, query: LayerQuery | None = None) -> LayerExtent:
        spec = get_layer(layer)
        query = query or LayerQuery()
        where, params = self._where(spec, LayerQuery(**{**query.__dict__, "limit": None, "offset": 0}))
        end_field = spec.end_field or spec.time_field
        with self._read() as conn:
            row = conn.execute(
                text(
                    f'SELECT count(*), coalesce(sum(demo::int), 0), min("{spec.time_field}"), max("{end_field}"), '
                    f"ST_XMin(ST_Extent(geom)), ST_YMin(ST_Extent(geom)), ST_XMax(ST_Extent(geom)), "
                    f'ST_YMax(ST_Extent(geom)) FROM "{layer}" {where}'
                ),
                params,
            ).one()
        count, demo, first, last, *bbox = row
        if not count:
            return LayerExtent(0, 0, None)
        kind = spec.field(spec.time_field).kind
        first, last = (_column(kind, [v]).iloc[0] if v is not None else None for v in (first, last))
        return LayerExtent(int(count), int(demo), tuple(float(v) for v in bbox), first, last)

    def grid_counts(self, layer: str, query: LayerQuery | None, cell_m: float, weight: str | None = None):
        spec = get_layer(layer)
        if weight is not None and weight not in spec.field_names:
            raise ValueError(f"{layer} has no field {weight!r} to weigh counts with")
        query = query or LayerQuery()
        where, params = self._where(spec, LayerQuery(**{**query.__dict__, "limit": None, "offset": 0}))
        value = f'coalesce("{weight}", 1)' if weight else "1"
        with self._read() as conn:
            rows = conn.execute(
                text(
                    f"SELECT floor(ST_X(c) / :cell)::bigint AS ix, floor(ST_Y(c) / :cell)::bigint AS iy, sum(w) FROM "
                    f'(SELECT ST_PointOnSurface(geom) AS c, {value} AS w FROM "{layer}" {where}) AS s GROUP BY ix, iy'
                ),
                {**params, "cell": float(cell_m)},
            ).all()
        ix, iy, counts = (list(c) for c in zip(*rows)) if rows else ([], [], [])
        return grid_from_cells(cell_m, ix, iy, counts)

    def known_sources(self, layer: str, source_ids: list[str], query: LayerQuery | None = None) -> set[str]:
        spec = get_layer(layer)
        where, params = self._where(spec, query or LayerQuery(), deleted_too=True)
        with self._read() as conn:
            rows = conn.execute(
                text(
                    f'SELECT source_id FROM "{spec.name}" {where} AND source_id = ANY(:given) UNION '
                    f'SELECT id FROM "{spec.name}" {where} AND id = ANY(:given)'
                ),
                {**params, "given": list(source_ids)},
            ).scalars()
            return set(rows)

    def write_batch(self, layer: str, records: gpd.GeoDataFrame, actor: str = "local") -> list[str]:
        return self.write_batches({layer: records}, actor)[layer]

    def write_batches(self, batches: dict[str, gpd.GeoDataFrame], actor: str = "local") -> dict[str, list[str]]:
        specs = {name: get_layer(name) for name in batches}
        written: dict[str, list[str]] = {}
        try:
            with self._write() as conn:
                self._links_held(conn)
                checked = {
                    name: validate_records(spec, batches[name], self._link_ids(conn, spec))
                    for name, spec in specs.items()
                }
                problems = []
                for name, batch in checked.items():
                    taken = set(
                        conn.execute(
                            text(f'SELECT id FROM "{name}" WHERE id = ANY(:ids)'),
                            {"ids": [r["id"] for r in batch.rows]},
                        ).scalars()
                    )
                    problems.extend(
                        Problem(
                            f"{name} record with id {i}",
                            "id",
                            "is already stored; expected a new id (use update_record to change a stored record)",
                        )
                        for i in sorted(taken)
                    )
                if problems:
                    raise ValidationError(problems)
                now = _now()
                for name, batch in checked.items():
                    written[name] = [r["id"] for r in batch.rows]
                    if not batch.rows:
                        continue
                    fields = (*SYSTEM_FIELDS, *specs[name].fields)
                    managed = {"version": 1, "created_at": now, "updated_at": now}
                    names = ", ".join(f'"{f.name}"' for f in fields)
                    values = ", ".join(f":{f.name}" for f in fields)
                    conn.execute(
                        text(
                            f'INSERT INTO "{name}" (geom, {names}) VALUES '
                            f"(ST_GeomFromWKB(:geom, {STORAGE_CRS}), {values})"
                        ),
                        [
                            {
                                "geom": _wkb(geom),
                                **{f.name: _to_db(f.kind, managed.get(f.name, row.get(f.name))) for f in fields},
                            }
                            for row, geom in zip(batch.rows, batch.geometries)
                        ],
                    )
                    _audit(
                        conn,
                        now,
                        actor,
                        "create",
                        name,
                        [
                            (row["id"], None, common.create_entry(specs[name], row, geom))
                            for row, geom in zip(batch.rows, batch.geometries)
                        ],
                    )
        except IntegrityError as exc:  # another worker stored one of these ids in between
            raise ValidationError(
                [Problem("batch", "id", f"an id was stored by someone else meanwhile; expected new ids ({exc.orig})")]
            ) from None
        return written

    def update_record(
        self, layer: str, record_id: str, changes: dict[str, Any], expected_version: int, actor: str = "local"
    ) -> dict[str, Any]:
        spec = get_layer(layer)
        common.refuse_managed_changes(layer, record_id, changes)
        with self._write() as conn:
            stored = conn.execute(
                text(f'SELECT version FROM "{layer}" WHERE id = :id AND deleted_at IS NULL FOR UPDATE'),
                {"id": record_id},
            ).scalar()
            if stored is None:
                raise NotFoundError(f"no {layer} record has id {record_id!r}")
            if stored != expected_version:
                raise VersionConflictError(layer, record_id, expected_version, stored)
            self._links_held(conn)
            current = self._read_layer(conn, layer, LayerQuery(ids=(record_id,)))
            row, geom = common.changed_record(spec, current, changes, self._link_ids(conn, spec))
            now = _now()
            assignments = ", ".join(f'"{f.name}" = :{f.name}' for f in spec.fields)
            conn.execute(
                text(
                    f'UPDATE "{layer}" SET geom = ST_GeomFromWKB(:geom, {STORAGE_CRS}), {assignments}, '
                    "demo = :demo, source_id = :source_id, version = version + 1, updated_at = :now "
                    "WHERE id = :record AND version = :expected"
                ),
                {
                    "geom": _wkb(geom),
                    **{f.name: _to_db(f.kind, row[f.name]) for f in spec.fields},
                    "demo": bool(row["demo"]),
                    "source_id": row["source_id"],
                    "now": now,
                    "record": record_id,
                    "expected": expected_version,
                },
            )
            before, after = common.edit_entry(spec, current, row, geom)
            _audit(conn, now, actor, "edit", layer, [(record_id, before, after)])
        return self.read_layer(layer, LayerQuery(ids=(record_id,))).iloc[0].to_dict()

    def delete_record(self, layer: str, record_id: str, expected_version: int, actor: str = "local") -> None:
        spec = get_layer(layer)
        with self._write() as conn:
            version = conn.execute(
                text(f'SELECT version FROM "{spec.name}" WHERE id = :id AND deleted_at IS NULL FOR UPDATE'),
                {"id": record_id},
            ).scalar()
            if version is None:
                raise NotFoundError(f"no {layer} record has id {record_id!r}")
            if version != expected_version:
                raise VersionConflictError(layer, record_id, expected_version, version)
            now = _now()
            conn.execute(
                text(
                    f'UPDATE "{spec.name}" SET deleted_at = :now, version = version + 1, updated_at = :now '
                    "WHERE id = :id"
                ),
                {"now": now, "id": record_id},
            )
            _audit(conn, now, actor, "delete", layer, [(record_id, {"deleted": False}, {"deleted": True})])

    def restore_record(self, layer: str, record_id: str, actor: str = "local") -> None:
        spec = get_layer(layer)
        with self._write() as conn:
            now = _now()
            changed = conn.execute(
                text(
                    f'UPDATE "{spec.name}" SET deleted_at = NULL, version = version + 1, '
                    "updated_at = :now WHERE id = :id AND deleted_at IS NOT NULL"
                ),
                {"now": now, "id": record_id},
            ).rowcount
            if not changed:
                raise NotFoundError(f"no deleted {layer} record has id {record_id!r}")
            _audit(conn, now, actor, "restore", layer, [(record_id, {"deleted": True}, {"deleted": False})])

    def read_audit(self, layer: str | None = None, record_id: str | None = None) -> list[AuditEntry]:
        where, params = _equal(layer=layer, record_id=record_id)
        with self._read() as conn:
            rows = conn.execute(
                text(f"SELECT at, actor, action, layer, record_id, before, after FROM audit_log {where} ORDER BY fid"),
                params,
            ).all()
        return [
            AuditEntry(at.astimezone(dt.UTC), actor, action, layer_name, rid, before, after)
            for at, actor, action, layer_name, rid, before, after in rows
        ]

    # -- accounts ----------------------------------------------------------

    def save_user(self, user, actor: str = "local") -> None:
        values = {name: getattr(user, name) for name in USER_COLUMNS}
        before = self.get_user(user.username)
        with self._write() as conn:
            conn.execute(
                text(
                    f"INSERT INTO users ({', '.join(USER_COLUMNS)}) VALUES "
                    f"({', '.join(':' + c for c in USER_COLUMNS)}) ON CONFLICT (username) DO UPDATE SET "
                    + ", ".join(f"{c} = excluded.{c}" for c in USER_COLUMNS[1:])
                ),
                values,
            )
            entry = common.account_entry(before, user)
            if entry:
                _audit(conn, _now(), actor, "user", None, [(user.username, *entry)])

    def get_user(self, username: str):
        with self._read() as conn:
            row = (
                conn.execute(text(f"SELECT {', '.join(USER_COLUMNS)} FROM users WHERE username = :u"), {"u": username})
                .mappings()
                .first()
            )
        return common.account(dict(row)) if row else None

    def list_users(self):
        with self._read() as conn:
            rows = conn.execute(text(f"SELECT {', '.join(USER_COLUMNS)} FROM users ORDER BY username")).mappings().all()
        return [common.account(dict(row)) for row in rows]

    def delete_user(self, username: str, actor: str = "local") -> bool:
        before = self.get_user(username)
        with self._write() as conn:
            removed = conn.execute(text("DELETE FROM users WHERE username = :u"), {"u": username}).rowcount > 0
            if removed:
                _audit(
                    conn,
                    _now(),
                    actor,
                    "user_removed",
                    None,
                    [(username, {"role": before.role, "organisation": before.organisation}, None)],
                )
            return removed

    def begin_sign_in(self, scopes, now: dt.datetime, retry_after) -> int:
        with self._write() as conn:
            # One attempt after the other, across every worker and connection.
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('pledgemap.sign_in'))"))
            conn.execute(text("DELETE FROM sign_in_failures WHERE last_at < :old"), {"old": now - dt.timedelta(days=1)})
            waits = []
            for name, address in scopes:
                row = conn.execute(
                    text("SELECT failures, last_at FROM sign_in_failures WHERE name = :n AND address = :a"),
                    {"n": name, "a": address},
                ).first()
                if row:
                    waits.append(retry_after((name, address), int(row[0]), row[1]))
            wait = max(waits, default=0)
            if wait > 0:
                return wait
            conn.execute(
                text(
                    "INSERT INTO sign_in_failures (name, address, failures, last_at) VALUES (:n, :a, 1, :t) "
                    "ON CONFLICT (name, address) DO UPDATE SET failures = sign_in_failures.failures + 1, "
                    "last_at = excluded.last_at"
                ),
                [{"n": name, "a": address, "t": now} for name, address in scopes],
            )
            return 0

    def end_sign_in(self, clear, release) -> None:
        with self._write() as conn:
            for name, address in clear:
                conn.execute(
                    text("DELETE FROM sign_in_failures WHERE name = :n AND address = :a"), {"n": name, "a": address}
                )
            for name, address in release:
                conn.execute(
                    text(
                        "UPDATE sign_in_failures SET failures = greatest(0, failures - 1) WHERE name = :n "
                        "AND address = :a"
                    ),
                    {"n": name, "a": address},
                )

    def clear_sign_in_failures(self, name: str) -> int:
        with self._write() as conn:
            return conn.execute(text("DELETE FROM sign_in_failures WHERE name = :n"), {"n": name}).rowcount

    def sign_in_failures(self, name: str) -> int:
        with self._read() as conn:
            value = conn.execute(
                text("SELECT failures FROM sign_in_failures WHERE name = :n AND address = ''"), {"n": name}
            ).scalar()
        return int(value or 0)

    # -- survey results ----------------------------------------------------

    def write_survey_results(
        self, results: gpd.GeoDataFrame, replace: bool = False, actor: str = "local"
    ) -> tuple[int, int]:
        shapes = results.geometry.to_crs(STORAGE_CRS) if results.crs is not None else results.geometry
        now = _now()
        new = replaced = 0
        with self._write() as conn:
            problems, changes = [], []
            for values, shape in zip(results[list(SURVEY_COLUMNS)].itertuples(index=False), shapes):
                row = dict(zip(SURVEY_COLUMNS, (None if pd.isna(v) else v for v in values)))
                row["year"], row["value"] = int(row["year"]), float(row["value"])
                key = {k: row[k] for k in ("municipality_code", "area_id", "year", "indicator")}
                stored = conn.execute(
                    text(
                        "SELECT value FROM survey_results WHERE municipality_code = "
                        ":municipality_code AND area_id = :area_id AND year = :year AND "
                        "indicator = :indicator FOR UPDATE"
                    ),
                    key,
                ).scalar()
                if stored is not None and stored != row["value"] and not replace:
                    problems.append(common.survey_conflict(row, stored))
                    continue
                if stored is not None:
                    if stored != row["value"]:
                        replaced += 1
                        changes.append(
                            (
                                f"{row['municipality_code']}/{row['area_id']}/{row['year']}/{row['indicator']}",
                                {"value": stored},
                                {"value": row["value"]},
                            )
                        )
                    conn.execute(
                        text(
                            "DELETE FROM survey_results WHERE municipality_code = :municipality_code AND "
                            "area_id = :area_id AND year = :year AND indicator = :indicator"
                        ),
                        key,
                    )
                else:
                    new += 1
                geom = None if shape is None or shape.is_empty else _wkb(shape)
                conn.execute(
                    text(
                        f"INSERT INTO survey_results (geom, {', '.join(SURVEY_COLUMNS)}, imported_at) "
                        f"VALUES (ST_GeomFromWKB(:geom, {STORAGE_CRS}), "
                        f"{', '.join(':' + c for c in SURVEY_COLUMNS)}, :now)"
                    ),
                    {**row, "geom": geom, "now": now},
                )
            if problems:
                raise ValidationError(problems)
            if new or changes:
                _audit(conn, now, actor, "survey", "survey_results", [(None, None, {"new": new, "replaced": replaced})])
                if changes:
                    _audit(conn, now, actor, "survey_replace", "survey_results", changes)
        return new, replaced

    def read_survey_results(
        self, municipality_code: str | None = None, indicator: str | None = None
    ) -> gpd.GeoDataFrame:
        where, params = _equal(municipality_code=municipality_code, indicator=indicator)
        with self._read() as conn:
            rows = conn.execute(
                text(
                    f"SELECT ST_AsBinary(geom), {', '.join(SURVEY_COLUMNS)} FROM survey_results "
                    f"{where} ORDER BY indicator, area_id, year"
                ),
                params,
            ).all()
        frame = pd.DataFrame([tuple(row[1:]) for row in rows], columns=list(SURVEY_COLUMNS))
        frame["year"] = frame["year"].astype("int64")
        frame["value"] = frame["value"].astype("float64")
        geometry = shapely.from_wkb(np.array([None if r[0] is None else bytes(r[0]) for r in rows], dtype=object))
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=STORAGE_CRS), crs=STORAGE_CRS)

    # -- settings ----------------------------------------------------------

    def read_setting(self, key: str) -> str | None:
        with self._read() as conn:
            return conn.execute(text("SELECT value FROM settings WHERE key = :k"), {"k": key}).scalar()

    def write_setting(self, key: str, value: str | None, actor: str = "local") -> None:
        with self._write() as conn:
            before = conn.execute(text("SELECT value FROM settings WHERE key = :k FOR UPDATE"), {"k": key}).scalar()
            if value is None:
                conn.execute(text("DELETE FROM settings WHERE key = :k"), {"k": key})
            else:
                conn.execute(
                    text("INSERT INTO settings VALUES (:k, :v) ON CONFLICT (key) DO UPDATE SET value = :v"),
                    {"k": key, "v": value},
                )
            if before != value:
                _audit(conn, _now(), actor, "setting", None, [(key, {"value": before}, {"value": value})])

    # -- whole-store copies ------------------------------------------------

    def dump_tables(self) -> dict[str, list[dict[str, Any]]]:
        tables = {}
        with self._read() as conn:
            for table, columns in common.copy_tables().items():
                names = ", ".join("ST_AsBinary(geom)" if kind == "geom" else f'"{name}"' for name, kind in columns)
                order = common.COPY_ORDER.get(table, "fid")
                rows = conn.execute(text(f'SELECT {names} FROM "{table}" ORDER BY {order}')).all()
                tables[table] = [
                    {name: _from_database(kind, value) for (name, kind), value in zip(columns, row)} for row in rows
                ]
        return tables

    def load_tables(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        with self._write() as conn:
            full = [
                t
                for t in (*common.DATA_TABLES, "settings")
                if conn.execute(text(f'SELECT 1 FROM "{t}" LIMIT 1')).first()
            ]
            if full:
                raise StoreError(
                    f"{_safe_url(self.url)} already holds {', '.join(full)}; expected an empty store to copy into"
                )
            for table, columns in common.copy_tables().items():
                rows = tables.get(table, [])
                if not rows:
                    continue
                values = ", ".join(
                    f"ST_GeomFromWKB(:{name}, {STORAGE_CRS})"
                    if kind == "geom"
                    else f"CAST(:{name} AS jsonb)"
                    if kind == "json"
                    else f":{name}"
                    for name, kind in columns
                )
                names = ", ".join(f'"{name}"' for name, _ in columns)
                conn.execute(
                    text(f'INSERT INTO "{table}" ({names}) VALUES ({values})'),
                    [
                        {
                            name: json.dumps(r.get(name), ensure_ascii=False)
                            if kind == "json" and r.get(name) is not None
                            else r.get(name)
                            for name, kind in columns
                        }
                        for r in rows
                    ],
                )

    # -- police events -----------------------------------------------------

    def write_police_events(self, events: list[PoliceEvent], actor: str = "local") -> tuple[int, int]:
        now = _now()
        with self._write() as conn:
            new = 0
            if events:
                new = conn.execute(
                    text(
                        "INSERT INTO police_events (id, published_at, title, type, summary, url, location_name, "
                        "municipality_code, imported_at) SELECT * FROM unnest(CAST(:ids AS bigint[]), "
                        "CAST(:published AS timestamptz[]), CAST(:titles AS text[]), CAST(:types AS text[]), "
                        "CAST(:summaries AS text[]), CAST(:urls AS text[]), CAST(:locations AS text[]), "
                        "CAST(:codes AS text[]), CAST(:imported AS timestamptz[])) ON CONFLICT (id) DO NOTHING"
                    ),
                    {
                        "ids": [e.id for e in events],
                        "published": [e.published_at for e in events],
                        "titles": [e.title for e in events],
                        "types": [e.type for e in events],
                        "summaries": [e.summary for e in events],
                        "urls": [e.url for e in events],
                        "locations": [e.location_name for e in events],
                        "codes": [e.municipality_code for e in events],
                        "imported": [now] * len(events),
                    },
                ).rowcount
            if new:
                _audit(conn, now, actor, "events", "police_events", [(None, None, {"new": new})])
        return new, len(events) - new

    def read_police_events(
        self, municipality_code: str | None = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        clauses, params = ["TRUE"], {}
        if municipality_code is not None:
            clauses.append("municipality_code = :code")
            params["code"] = municipality_code
        if start is not None:
            clauses.append("published_at >= :start")
            params["start"] = _day_bound("datetime", start, end_of_day=False)
        if end is not None:
            clauses.append("published_at <= :end")
            params["end"] = _day_bound("datetime", end, end_of_day=True)
        columns = ["id", "published_at", "title", "type", "summary", "url", "location_name", "municipality_code"]
        with self._read() as conn:
            rows = conn.execute(
                text(
                    f"SELECT {', '.join(columns)} FROM police_events WHERE {' AND '.join(clauses)} "
                    "ORDER BY published_at, id"
                ),
                params,
            ).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=columns)
        frame["id"] = frame["id"].astype("int64")
        frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True)
        return frame


def _equal(**conditions: Any) -> tuple[str, dict[str, Any]]:
    """A WHERE clause for the conditions given (column = value), leaving out those that are None."""
    given = {name: value for name, value in conditions.items() if value is not None}
    return ("WHERE " + " AND ".join(f"{name} = :{name}" for name in given)) if given else "", given


def _from_database(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return value.astimezone(dt.UTC)
    if kind == "geom":
        return bytes(value)
    return value


class _Unit:
    """One unit of work on a pooled connection: a transaction for writes; database errors said plainly."""

    def __init__(self, engine: Engine, write: bool):
        self._engine, self._write = engine, write

    def __enter__(self) -> Connection:
        try:
            self._context = self._engine.begin() if self._write else self._engine.connect()
            return self._context.__enter__()
        except OperationalError as exc:
            raise StoreError(f"the database cannot be reached: {exc.orig}; try again in a moment") from None

    def __exit__(self, kind, error, trace) -> bool:
        try:
            self._context.__exit__(kind, error, trace)
        except OperationalError as exc:
            raise StoreError(f"the database connection was lost: {exc.orig}; nothing was saved, try again") from None
        if isinstance(error, OperationalError) or (isinstance(error, DBAPIError) and error.connection_invalidated):
            raise StoreError(f"the database connection was lost: {error.orig}; nothing was saved, try again") from None
        return False
