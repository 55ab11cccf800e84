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
import zlib
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import sqlalchemy
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from geodata.errors import NotFoundError, Problem, SchemaError, StoreError, ValidationError, VersionConflictError
from geodata.grid import grid_from_cells
from geodata.layers import LAYERS, STORAGE_CRS, SYSTEM_FIELDS, Layer, get_layer
from geodata.records import PoliceEvent
from geodata.store import rules
from geodata.store.base import LayerExtent, LayerQuery
from geodata.store.conditions import Dialect, equal_conditions, event_conditions
from geodata.store.postgis import schema as postgis_schema
from geodata.store.postgis.schema import META_TABLE, latest_version
from geodata.store.rules import SURVEY_COLUMNS
from geodata.store.sql import SQLStore
from geodata.validate import CleanBatch

_ENGINES: dict[str, Engine] = {}
LOCK_TIMEOUT_S = 30  # as the GeoPackage store's busy timeout
# New records' ids are held by advisory locks in their own key space (the two-integer form of the lock), in
# buckets of their ids' CRC: a bucket is shared by many ids, so a lock is only ever a short wait, never missed.
ID_LOCKS = 0x504D4944  # 'PMID'
ID_BUCKETS = 64


def _engine(url: str) -> Engine:
    if url not in _ENGINES:
        driver_url = url.replace("postgres://", "postgresql://", 1)
        if driver_url.startswith("postgresql://"):
            driver_url = "postgresql+psycopg://" + driver_url[len("postgresql://") :]
        _ENGINES[url] = sqlalchemy.create_engine(
            driver_url,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=10,
            # A change waits at most LOCK_TIMEOUT_S for another's lock (a save behind a large import), then says
            # the store is busy; readers take no such locks (MVCC) and never wait for a writer.
            connect_args={"connect_timeout": 10, "options": f"-c lock_timeout={LOCK_TIMEOUT_S * 1000}"},
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
                raise rules.newer_schema(_safe_url(url), before, latest_version())
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
    if before != latest_version():
        _vacuum_layers(url)
    return before, latest_version()


def _vacuum_layers(url: str, also: tuple[str, ...] = ()) -> None:
    """VACUUM (ANALYZE) the layers (and the tables ``also``) after a migration, a copy or a retention run
    changed many rows, outside any transaction.

    The planner learns the new rows and indexes, and the visibility map marks the pages every transaction sees,
    so grid counts and counts read the covering index alone (an index-only scan) from the first request. Done
    by whoever may (the tables' owner); for anyone else, autovacuum does it a little later.
    """
    try:
        with _engine(url).connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in (*LAYERS, *also):
                conn.execute(text(f'VACUUM (ANALYZE) "{table}"'))
    except DBAPIError:
        pass  # not the owner: the tables stay as they are, and are vacuumed by autovacuum


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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class _PostgreSQL(Dialect):
    """Conditions with named ``:pN`` marks, lists as ``= ANY(…)``, boxes by the GiST index (``&&``)."""

    def params(self) -> dict[str, Any]:
        return {}

    def mark(self, params: dict[str, Any], value: Any) -> str:
        name = f"p{len(params)}"
        params[name] = value
        return f":{name}"

    def one_of(self, column: str, values: list[Any], params: dict[str, Any]) -> str:
        return f"{column} = ANY({self.mark(params, list(values))})"

    def in_box(self, table: str, bbox: tuple[float, float, float, float], params: dict[str, Any]) -> str:
        return f"geom && ST_MakeEnvelope({', '.join(self.mark(params, v) for v in bbox)}, {STORAGE_CRS})"


def _wkb(geom) -> bytes:
    return shapely.to_wkb(geom, byte_order=1, flavor="iso")


class PostGISStore(SQLStore):
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
            raise rules.newer_schema(_safe_url(url), version, latest_version())
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

    # -- what the shared SQL store runs on ---------------------------------

    dialect = _PostgreSQL()
    lock_rows = " FOR UPDATE"
    geometry_out = "ST_AsBinary(geom)"

    def _reading(self):
        return self._read()

    def _writing(self):
        return self._write()

    def _rows(self, conn: Connection, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        return [tuple(row) for row in conn.execute(text(sql), params or {}).all()]

    def _execute(self, conn: Connection, sql: str, params: dict[str, Any] | None = None) -> int:
        return conn.execute(text(sql), params or {}).rowcount

    def _execute_many(self, conn: Connection, sql: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            conn.execute(text(sql), rows)

    def _value(self, kind: str, value: Any) -> Any:
        return _from_database(kind, value)

    def _column(self, kind: str, values: list[Any]) -> pd.Series:
        return _column(kind, values)

    def _decode(self, values: list[Any]) -> Any:
        return shapely.from_wkb(np.array([bytes(b) for b in values], dtype=object))

    def _json(self, mark: str) -> str:
        return f"CAST({mark} AS jsonb)"

    def _geometry(self, mark: str) -> str:
        return f"ST_GeomFromWKB({mark}, {STORAGE_CRS})"

    def _encode(self, shape) -> bytes:
        return _wkb(shape)

    def _hold_pledges(self, conn: Connection, alone: bool) -> None:
        # Writers of records share this lock and a pledge's save takes it alone, so no record can link to a
        # promise that a save is removing at the same moment (the GeoPackage store has one writer at a time).
        lock = "pg_advisory_xact_lock" if alone else "pg_advisory_xact_lock_shared"
        conn.execute(text(f"SELECT {lock}(hashtext('pledgemap.pledges'))"))

    def _hold_ids(self, conn: Connection, ids: list[str]) -> None:
        # One table per layer, so no unique index holds an id across them: writers of new records whose ids
        # fall in the same bucket take turns (in the buckets' order: no two wait for each other), and each then
        # sees the other's committed records before it checks its own ids.
        for bucket in sorted({zlib.crc32(i.encode()) % ID_BUCKETS for i in ids}):
            conn.execute(text("SELECT pg_advisory_xact_lock(:space, :bucket)"), {"space": ID_LOCKS, "bucket": bucket})

    def _hold_follow_up(self, conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('pledgemap.follow_up'))"))

    def _hold_sign_ins(self, conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('pledgemap.sign_in'))"))

    # -- pledges -----------------------------------------------------------

    # -- layers ------------------------------------------------------------

    def _link_ids(self, conn: Connection, spec: Layer) -> list[str]:
        table = "pledges" if spec.link_field == "pledge_id" else "promises"
        return list(conn.execute(text(f"SELECT id FROM {table}")).scalars())

    def _existing_ids(self, conn: Connection, layer: str, ids: list[str]) -> set[str]:
        return set(conn.execute(text(f'SELECT id FROM "{layer}" WHERE id = ANY(:ids)'), {"ids": ids}).scalars())

    def _insert_records(self, conn: Connection, spec: Layer, batch: CleanBatch, now: dt.datetime) -> None:
        fields = (*SYSTEM_FIELDS, *spec.fields)
        managed = {"version": 1, "created_at": now, "updated_at": now}
        names = ", ".join(f'"{f.name}"' for f in fields)
        values = ", ".join(f":{f.name}" for f in fields)
        conn.execute(
            text(f'INSERT INTO "{spec.name}" (geom, {names}) VALUES (ST_GeomFromWKB(:geom, {STORAGE_CRS}), {values})'),
            [
                {"geom": _wkb(geom), **{f.name: _to_db(f.kind, managed.get(f.name, row.get(f.name))) for f in fields}}
                for row, geom in zip(batch.rows, batch.geometries)
            ],
        )

    def write_batches(self, batches: dict[str, gpd.GeoDataFrame], actor: str = "local") -> dict[str, list[str]]:
        try:
            return super().write_batches(batches, actor)
        except IntegrityError as exc:  # another worker stored one of these ids in between
            raise ValidationError(
                [Problem("batch", "id", f"an id was stored by someone else meanwhile; expected new ids ({exc.orig})")]
            ) from None

    def extent(self, layer: str, query: LayerQuery | None = None) -> LayerExtent:
        spec = get_layer(layer)
        where, params = self._unpaged_where(spec, query)
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
        return self._layer_extent(spec, count, demo, first, last, bbox)

    def grid_counts(self, layer: str, query: LayerQuery | None, cell_m: float, weight: str | None = None):
        spec = get_layer(layer)
        value = self._weight(spec, weight)
        where, params = self._unpaged_where(spec, query)
        # Each record's representative point is kept beside it (x, y, generated columns) and in the layer's
        # covering index with what maps filter on, so this is an index-only scan: no row, no geometry is read.
        with self._read() as conn:
            rows = conn.execute(
                text(
                    f"SELECT floor(x / :cell)::bigint AS ix, floor(y / :cell)::bigint AS iy, sum({value}) "
                    f'FROM "{layer}" {where} GROUP BY ix, iy'
                ),
                {**params, "cell": float(cell_m)},
            ).all()
        # An empty geometry has no point (NULL): it is in no cell, as in the GeoPackage store.
        rows = [row for row in rows if row[0] is not None and row[1] is not None]
        ix, iy, counts = (list(c) for c in zip(*rows)) if rows else ([], [], [])
        return grid_from_cells(
            cell_m, np.asarray(ix, dtype=np.int64), np.asarray(iy, dtype=np.int64), np.asarray(counts, dtype=float)
        )

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

    def update_record(
        self, layer: str, record_id: str, changes: dict[str, Any], expected_version: int, actor: str = "local"
    ) -> dict[str, Any]:
        spec = get_layer(layer)
        rules.refuse_managed_changes(layer, record_id, changes)
        with self._write() as conn:
            stored = conn.execute(
                text(f'SELECT version FROM "{layer}" WHERE id = :id AND deleted_at IS NULL FOR UPDATE'),
                {"id": record_id},
            ).scalar()
            if stored is None:
                raise NotFoundError(f"no {layer} record has id {record_id!r}")
            if stored != expected_version:
                raise VersionConflictError(layer, record_id, expected_version, stored)
            self._hold_pledges(conn, alone=False)
            current = self._read_layer(conn, layer, LayerQuery(ids=(record_id,)))
            row, geom = rules.changed_record(spec, current, changes, self._link_ids(conn, spec))
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
            before, after = rules.edit_entry(spec, current, row, geom)
            self._audit(conn, now, actor, "edit", layer, [(record_id, before, after)])
        return self.read_layer(layer, LayerQuery(ids=(record_id,))).iloc[0].to_dict()

    # -- accounts ----------------------------------------------------------

    # -- survey results ----------------------------------------------------

    def read_survey_results(
        self, municipality_code: str | None = None, indicator: str | None = None
    ) -> gpd.GeoDataFrame:
        where, params = self.dialect.where(equal_conditions(municipality_code=municipality_code, indicator=indicator))
        with self._read() as conn:
            rows = conn.execute(
                text(
                    f"SELECT ST_AsBinary(geom), {', '.join(SURVEY_COLUMNS)} FROM survey_results "
                    f"{where} ORDER BY indicator, area_id, group_code, year"
                ),
                params,
            ).all()
        geometry = shapely.from_wkb(np.array([None if r[0] is None else bytes(r[0]) for r in rows], dtype=object))
        return self._survey_frame([tuple(row[1:]) for row in rows], geometry)

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
                self._audit(conn, _now(), actor, "setting", None, [(key, {"value": before}, {"value": value})])

    # -- whole-store copies ------------------------------------------------

    def dump_tables(self) -> dict[str, list[dict[str, Any]]]:
        tables = {}
        with self._read() as conn:
            for table, columns in rules.copy_tables().items():
                names = ", ".join("ST_AsBinary(geom)" if kind == "geom" else f'"{name}"' for name, kind in columns)
                order = rules.COPY_ORDER.get(table, "fid")
                rows = conn.execute(text(f'SELECT {names} FROM "{table}" ORDER BY {order}')).all()
                tables[table] = [
                    {name: _from_database(kind, value) for (name, kind), value in zip(columns, row)} for row in rows
                ]
        return tables

    def purge_records(self, records, details, actor: str = "local") -> dict[str, list[str]]:
        purged = super().purge_records(records, details, actor)
        if any(purged.values()):
            # The deleted rows and the audit entries' old values are dead rows until vacuumed: their space is
            # freed at once (not left to autovacuum), and the maps keep reading the covering index alone.
            _vacuum_layers(self.url, also=("audit_log",))
        return purged

    def load_tables(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        with self._write() as conn:
            full = [
                t
                for t in (*rules.DATA_TABLES, "settings")
                if conn.execute(text(f'SELECT 1 FROM "{t}" LIMIT 1')).first()
            ]
            if full:
                raise StoreError(
                    f"{_safe_url(self.url)} already holds {', '.join(full)}; expected an empty store to copy into"
                )
            for table, columns in rules.copy_tables().items():
                rows = tables.get(table, [])
                if rows:
                    _copy_rows(conn, table, columns, rows)
        _vacuum_layers(self.url)  # a whole store arrived: the maps read the covering index alone at once

    # -- police events -----------------------------------------------------

    def _insert_events(self, conn: Connection, events: list[PoliceEvent], now: dt.datetime) -> int:
        return conn.execute(
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

    def read_police_events(
        self, municipality_code: str | None = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        where, params = self.dialect.where(event_conditions(municipality_code, start, end))
        columns = ["id", "published_at", "title", "type", "summary", "url", "location_name", "municipality_code"]
        with self._read() as conn:
            rows = conn.execute(
                text(f"SELECT {', '.join(columns)} FROM police_events {where} ORDER BY published_at, id"),
                params,
            ).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=columns)
        frame["id"] = frame["id"].astype("int64")
        frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True)
        return frame


def _copy_rows(conn: Connection, table: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> None:
    """Load ``rows`` (values as :func:`geodata.store.rules.copy_tables` carries them) into ``table`` with one
    ``COPY … FROM STDIN``, in the caller's transaction: the same rows an INSERT per row would write (defaults,
    generated columns and constraints apply alike), a million of them in seconds rather than minutes."""
    names = ", ".join(f'"{name}"' for name, _ in columns)
    # Geometries travel as ISO WKB; COPY reads a geometry as hex EWKB, which carries the SRID the column wants.
    shapes = {
        name: shapely.to_wkb(
            shapely.set_srid(shapely.from_wkb(np.array([r.get(name) for r in rows], dtype=object)), STORAGE_CRS),
            hex=True,
            include_srid=True,
            flavor="extended",
        )
        for name, kind in columns
        if kind == "geom"
    }
    driver = conn.connection.driver_connection  # psycopg's own connection, in the caller's transaction
    if driver is None:
        raise StoreError(f"the connection to copy {table} into was closed; nothing was saved, try again")
    with driver.cursor().copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for i, r in enumerate(rows):
            copy.write_row(
                [
                    shapes[name][i]
                    if kind == "geom"
                    else json.dumps(r.get(name), ensure_ascii=False)
                    if kind == "json" and r.get(name) is not None
                    else r.get(name)
                    for name, kind in columns
                ]
            )


def _from_database(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return value.astimezone(dt.UTC)
    if kind == "geom":
        return bytes(value)
    return value


def database_error(exc: DBAPIError) -> StoreError | None:
    """What PostgreSQL's error means for the user, as a :class:`StoreError` with its code (by SQLSTATE);
    ``None`` for an error that is not about the database's state (a constraint, a bad statement).

    Said after the transaction is rolled back: nothing of the change was written.
    """
    state = getattr(exc.orig, "sqlstate", None) or ""
    if state == "53100":  # disk_full
        return StoreError(
            f"the database server's disk is full ({exc.orig}); nothing of this change was written. "
            "Free space on the server, then try again",
            "disk_full",
        )
    if state == "25006":  # read_only_sql_transaction: a standby, or a database set read-only
        return StoreError(
            f"the database is read-only ({exc.orig}); nothing of this change was written. Reading works; to "
            "change anything, connect to a writable primary",
            "read_only",
        )
    if state in ("55P03", "40P01"):  # lock_not_available (past LOCK_TIMEOUT_S), deadlock_detected
        return StoreError(
            f"the store is busy writing an import; try again in a moment (this change waited for another and "
            f"nothing of it was written: {exc.orig})",
            "busy",
        )
    if isinstance(exc, OperationalError) or exc.connection_invalidated:
        return StoreError(f"the database connection was lost: {exc.orig}; nothing was saved, try again")
    return None


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

    def __exit__(self, kind, error, trace) -> Literal[False]:
        try:
            self._context.__exit__(kind, error, trace)
        except DBAPIError as exc:  # the commit itself failed (a full disk is often found only here)
            raise database_error(exc) or StoreError(
                f"the database did not take the change: {exc.orig}; nothing was saved, try again"
            ) from None
        if isinstance(error, DBAPIError):
            explained = database_error(error)
            if explained is not None:
                raise explained from None
        return False
