"""The embedded store: one GeoPackage file.

The file opens in QGIS and GDAL: the three layers are feature tables in
EPSG:3006 with R-tree indexes, and pledges and promises are attribute tables
in the same file. Every write is one SQLite transaction taken with
``BEGIN IMMEDIATE``, so a batch lands whole or not at all and concurrent
writers wait for each other instead of corrupting the file.

The file is in SQLite's WAL journal mode, so readers never wait for a writer:
while a large import is written, every page and API call reads the store as
it was before the import (and sees all of it once it is committed). Beside
the file, while it is open, SQLite keeps ``-wal`` and ``-shm`` files (the
committed changes not yet copied into the file, and their index): a copy of
a store in use takes all three, or use ``pledgemap copy``; when the last
connection closes, the changes are copied into the file and the two files
go. GDAL and QGIS read such a file as it is (and QGIS itself puts a
GeoPackage it edits into WAL mode).

Failed sign-ins are counted in a small SQLite file beside the store
(``<store>.signin``), not in the store, so a sign-in never waits for an
import's write (see :meth:`GeoPackageStore._counting`).

Disk full, a read-only file and a store busy past :data:`BUSY_TIMEOUT_S`
are each a :class:`~geodata.errors.StoreError` with its ``code``, saying
that nothing of the change was written (SQLite rolls the transaction back).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.errors import NotFoundError, SchemaError, StoreError, VersionConflictError
from geodata.grid import grid_from_cells
from geodata.layers import LAYERS, STORAGE_CRS, SYSTEM_FIELDS, Layer, get_layer
from geodata.records import PoliceEvent
from geodata.store import rules
from geodata.store.base import LayerExtent, LayerQuery
from geodata.store.conditions import Dialect, equal_conditions, event_conditions
from geodata.store.gpkg import format as gpkg_format
from geodata.store.gpkg import schema as gpkg_schema
from geodata.store.gpkg.schema import META_TABLE, latest_version
from geodata.store.rules import utc_text as _utc_text
from geodata.store.sql import SQLStore
from geodata.validate import CleanBatch

BUSY_TIMEOUT_S = 30  # how long a write waits for another (readers do not wait: WAL)
COUNTERS_TIMEOUT_S = 5  # how long a sign-in waits for another's count (each takes milliseconds)
READ_LOG_WAIT_S = 5  # how long logging a read waits for another write (then the read is refused)
WAL_LIMIT_BYTES = 64 * 1024 * 1024  # the -wal file is cut back to this after a large import is checkpointed
CELL_KEY = 10_000_000  # grid cells as one integer: column * CELL_KEY + row
LOG = logging.getLogger("pledgemap.store")


def _now() -> str:
    return _utc_text(dt.datetime.now(dt.UTC))


def _to_sql(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "date":
        return value.isoformat()
    if kind == "datetime":
        return _utc_text(value)
    if kind == "bool":
        return 1 if value else 0
    return value


def _sql_value(value: Any) -> Any:
    """A parameter as SQLite stores it: times as UTC text, dates as ISO text, booleans as 0 and 1."""
    if isinstance(value, dt.datetime):
        return _utc_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _sql_params(params: Any) -> Any:
    if params is None:
        return ()
    if isinstance(params, dict):
        return {name: _sql_value(value) for name, value in params.items()}
    return [_sql_value(value) for value in params]


class _SQLite(Dialect):
    """Conditions with ``?`` marks, lists as ``IN (…)``, boxes looked up in the layer's R-tree."""

    true = "1"
    no_limit = -1  # SQLite's LIMIT for every row

    def params(self) -> list[Any]:
        return []

    def mark(self, params: list[Any], value: Any) -> str:
        params.append(_sql_value(value))
        return "?"

    def one_of(self, column: str, values: list[Any], params: list[Any]) -> str:
        params.extend(values)
        return f"{column} IN ({','.join('?' * len(values))})"

    def in_box(self, table: str, bbox: tuple[float, float, float, float], params: list[Any]) -> str:
        minx, miny, maxx, maxy = bbox
        params.extend([minx, maxx, miny, maxy])
        return f'fid IN (SELECT id FROM "rtree_{table}_geom" WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?)'


def _connect(path: Path, read_only: bool = False, unchanging: bool = False) -> sqlite3.Connection:
    """A connection to the file: read-only in SQLite's read-only mode; ``unchanging`` for a file nobody can
    change (on a read-only mount: SQLite then needs no -shm file beside it, which it could not make there)."""
    if read_only or unchanging:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if unchanging else ""),
            uri=True,
            timeout=BUSY_TIMEOUT_S,
            isolation_level=None,
            check_same_thread=False,
        )
    else:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not (read_only or unchanging):
        _write_ahead(conn, path)
    gpkg_format.register_functions(conn)
    return conn


def _write_ahead(conn: sqlite3.Connection, path: Path) -> None:
    """Put the file in WAL mode (once: SQLite keeps the mode in the file), so readers never wait for a writer.

    Every commit is synced (``synchronous = FULL``): a write the store acknowledged survives a power cut, not
    only a crash. A file that cannot be written (a read-only mount) stays in the mode it has, and is read so.
    """
    try:
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")
    except sqlite3.OperationalError as exc:
        LOG.info("%s stays in its journal mode: %s", path, exc)
    conn.execute("PRAGMA synchronous = FULL")


def _on_read_only_mount(path: Path, exc: sqlite3.OperationalError) -> bool:
    """Whether ``exc`` is SQLite failing to make the -shm file of a WAL store in a folder that cannot be written."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    folder = path.resolve().parent
    return name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) and not os.access(folder, os.W_OK)


def store_error(path: Path, exc: sqlite3.Error) -> StoreError | None:
    """What SQLite's error means for the user, as a :class:`StoreError` with its code; ``None`` for other errors.

    Said after the transaction is rolled back: nothing of the change was written.
    """
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return StoreError(
            f"{path}: the disk is full ({text}); nothing of this change was written. "
            "Free space on the disk, then try again",
            "disk_full",
        )
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return StoreError(
            f"{path} is read-only ({text}); nothing of this change was written. Reading works; to change "
            "anything, make the file (and its folder) writable for the server",
            "read_only",
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return StoreError(
            f"{path}: the store is busy writing an import; try again in a moment (this change waited "
            f"{BUSY_TIMEOUT_S} s and nothing of it was written)",
            "busy",
        )
    if name.startswith("SQLITE_IOERR"):
        return StoreError(f"{path} could not be written ({text}); nothing of this change was written")
    return None


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection, path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed if the block finishes, rolled back if it raises.

    Disk full, a read-only file and a store busy past the timeout are a :class:`StoreError` (see
    :func:`store_error`), raised after the rollback: the store is as it was.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back already (disk full)
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        explained = store_error(path, exc)
        if explained is None:
            raise
        raise explained from exc


def _stored_version(conn: sqlite3.Connection) -> int:
    has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (META_TABLE,)).fetchone()
    if not has_meta:
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables:
            raise SchemaError(
                f"the file is an SQLite/GeoPackage file but not a Pledgemap store (it has no {META_TABLE} table)"
            )
        return 0
    row = conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(path: str | Path) -> tuple[int, int]:
    """Create ``path`` or bring it to the latest schema, in one transaction. Returns (from, to) versions."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # A new store is readable by its owner only (it holds accounts and police data); SQLite gives its
        # journal files the same permissions.
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        conn = _connect(path)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from exc
    try:
        with _transaction(conn, path):
            before = _stored_version(conn)
            if before > latest_version():
                raise rules.newer_schema(path, before, latest_version())
            for migration in gpkg_schema.MIGRATIONS:
                if migration.version > before:
                    migration.apply(conn)
                    conn.execute(
                        f"INSERT OR REPLACE INTO {META_TABLE} VALUES ('schema_version', ?)", (str(migration.version),)
                    )
        return before, latest_version()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot migrate {path}: {exc}") from exc
    finally:
        conn.close()


class GeoPackageStore(SQLStore):
    """A Pledgemap store in one GeoPackage file.

    Use :meth:`create` for a new file and :meth:`open` for an existing one.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, read_only: bool = False):
        self.path = path
        self.read_only = read_only
        self._conn = conn
        self._counts: sqlite3.Connection | None = None

    @classmethod
    def create(cls, path: str | Path) -> GeoPackageStore:
        """Create a new, empty store at ``path`` (which must not exist yet)."""
        path = Path(path)
        if path.exists():
            raise StoreError(f"{path} already exists; open it, or choose another file name")
        migrate(path)
        return cls.open(path)

    @classmethod
    def open(cls, path: str | Path, read_only: bool = False) -> GeoPackageStore:
        """Open an existing store; it must be at this code's schema version.

        ``read_only`` opens it so nothing can be written (SQLite's read-only mode, which holds for root too):
        every change is then a :class:`StoreError` with code ``"read_only"``, and sign-ins are counted in this
        process's memory. A file on a read-only mount is opened read-only by SQLite itself, alike.
        """
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"{path} does not exist; create it with 'pledgemap demo --data {path}'")
        try:
            try:
                conn = _connect(path, read_only)
                version = _stored_version(conn)
            except sqlite3.OperationalError as exc:
                if not _on_read_only_mount(path, exc):
                    raise
                # A WAL file (as every store is) in a folder nobody may write: SQLite cannot make its -shm
                # file, so it reads the file as one that does not change: on a read-only mount nobody can change it.
                LOG.warning("%s is on a read-only file system (%s): read as a file that does not change", path, exc)
                conn, read_only = _connect(path, unchanging=True), True
                version = _stored_version(conn)
        except sqlite3.DatabaseError as exc:
            raise store_error(path, exc) or StoreError(f"{path} is not a GeoPackage/SQLite file: {exc}") from exc
        if version != latest_version():
            conn.close()
            if version < latest_version():
                raise SchemaError(
                    f"{path} has schema version {version}; this Pledgemap uses version "
                    f"{latest_version()}. Run 'pledgemap migrate --data {path}' to upgrade it"
                )
            raise rules.newer_schema(path, version, latest_version())
        return cls(path, conn, read_only)

    @property
    def location(self) -> Path:
        """Where the store is: what :func:`geodata.store.open_store` opens it from again."""
        return self.path

    @property
    def counters_path(self) -> Path:
        """The file beside the store that counts failed sign-ins (see :meth:`_counting`)."""
        return Path(f"{self.path}.signin")

    def close(self) -> None:
        # The last connection to close copies the -wal file's changes into the store and removes it.
        self._conn.close()
        if self._counts is not None:
            self._counts.close()

    def schema_version(self) -> int:
        return _stored_version(self._conn)

    # -- what the shared SQL store runs on ---------------------------------

    dialect = _SQLite()
    greatest = "max"

    def _reading(self):
        return contextlib.nullcontext(self._conn)

    def _writing(self):
        return _transaction(self._conn, self.path)

    @contextlib.contextmanager
    def _logging_reads(self):
        # A read is logged before its records are shown, and a read must not hang for the whole of a long import:
        # the entry waits READ_LOG_WAIT_S for the write lock (not BUSY_TIMEOUT_S), then the read is refused.
        self._conn.execute(f"PRAGMA busy_timeout = {READ_LOG_WAIT_S * 1000}")
        try:
            with _transaction(self._conn, self.path) as conn:
                yield conn
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")

    def _counting(self):
        # Failed sign-ins are counted in their own file beside the store: a write transaction on the store (a
        # large import) holds the store's one write lock for as long as it takes, and a sign-in must not wait
        # for it. Shared by every worker serving the file, as the store is; lost with nothing of value if the
        # file is removed (the counts of the last day only).
        return _transaction(self._counters(), self.counters_path)

    def _reading_counts(self):
        return contextlib.nullcontext(self._counters())

    def _counters(self) -> sqlite3.Connection:
        if self._counts is not None:
            return self._counts
        path = self.counters_path
        if self.read_only:
            raise StoreError(f"{self.path} is opened read-only: sign-ins cannot be counted in {path}", "read_only")
        try:
            if not path.exists():  # readable by the store's owner only, as the store is
                with contextlib.suppress(FileExistsError):
                    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            conn = sqlite3.connect(path, timeout=COUNTERS_TIMEOUT_S, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {COUNTERS_TIMEOUT_S * 1000}")
            conn.execute(f"CREATE TABLE IF NOT EXISTS sign_in_failures ({gpkg_schema.SIGN_IN_FAILURES_COLUMNS})")
            conn.execute("CREATE INDEX IF NOT EXISTS sign_in_failures_last_at ON sign_in_failures (last_at)")
        except (OSError, sqlite3.Error) as exc:
            explained = store_error(path, exc) if isinstance(exc, sqlite3.Error) else None
            raise explained or StoreError(f"cannot count sign-ins in {path}: {exc}", "read_only") from exc
        self._counts = conn
        return conn

    def _rows(self, conn: sqlite3.Connection, sql: str, params: Any = None) -> list[tuple]:
        return conn.execute(sql, _sql_params(params)).fetchall()

    def _execute(self, conn: sqlite3.Connection, sql: str, params: Any = None) -> int:
        return conn.execute(sql, _sql_params(params)).rowcount

    def _execute_many(self, conn: sqlite3.Connection, sql: str, rows: list[dict[str, Any]]) -> None:
        conn.executemany(sql, [_sql_params(row) for row in rows])

    def _value(self, kind: str, value: Any) -> Any:
        return _from_file(kind, value)

    def _column(self, kind: str, values: list[Any]) -> pd.Series:
        return _column_from_sql(kind, values)

    def _decode(self, values: list[Any]) -> Any:
        return gpkg_format.decode(values)

    def _json(self, mark: str) -> str:
        return mark

    def _geometry(self, mark: str) -> str:
        return mark

    def _encode(self, shape) -> bytes:
        return gpkg_format.encode(np.array([shape], dtype=object), STORAGE_CRS)[0]

    def _pledges_saved(self, conn: sqlite3.Connection, now: dt.datetime) -> None:
        conn.execute(
            "UPDATE gpkg_contents SET last_change = ? WHERE table_name IN ('pledges', 'promises')", (_utc_text(now),)
        )

    # -- layers ------------------------------------------------------------

    def _link_ids(self, conn: sqlite3.Connection, spec: Layer) -> list[str]:
        table = "pledges" if spec.link_field == "pledge_id" else "promises"
        return [r[0] for r in conn.execute(f"SELECT id FROM {table}")]

    def _existing_ids(self, conn: sqlite3.Connection, layer: str, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found.update(
                r[0]
                for r in conn.execute(f'SELECT id FROM "{layer}" WHERE id IN ({",".join("?" * len(chunk))})', chunk)
            )
        return found

    def _insert_records(self, conn: sqlite3.Connection, spec: Layer, batch: CleanBatch, now: dt.datetime) -> None:
        fields = (*SYSTEM_FIELDS, *spec.fields)
        names = ", ".join(f'"{f.name}"' for f in fields)
        marks = ", ".join("?" * (len(fields) + 3))
        blobs = gpkg_format.encode(batch.geometries, STORAGE_CRS)
        # Each record's representative point is kept beside it (x, y), for grid counts that read the index alone.
        points = shapely.get_coordinates(shapely.point_on_surface(batch.geometries))
        conn.executemany(
            f'INSERT INTO "{spec.name}" (geom, x, y, {names}) VALUES ({marks})',
            (_insert_values(fields, row, blob, xy, now) for blob, xy, row in zip(blobs, points, batch.rows)),
        )
        self._touch(conn, spec.name, _utc_text(now))

    def extent(self, layer: str, query: LayerQuery | None = None) -> LayerExtent:
        spec = get_layer(layer)
        where, params = self._unpaged_where(spec, query)
        end_field = spec.end_field or spec.time_field
        count, demo, first, last = self._conn.execute(
            f'SELECT count(*), coalesce(sum(demo), 0), min("{spec.time_field}"), max("{end_field}") '
            f'FROM "{layer}" {where}',
            params,
        ).fetchone()
        if not count:
            return LayerExtent(0, 0, None)
        # The spatial index holds each record's box already: the extent is read from it, not from the geometries.
        bbox = self._conn.execute(
            f'SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "rtree_{layer}_geom" '
            f'WHERE id IN (SELECT fid FROM "{layer}" {where})',
            params,
        ).fetchone()
        return self._layer_extent(spec, count, demo, first, last, bbox)

    def grid_counts(self, layer: str, query: LayerQuery | None, cell_m: float, weight: str | None = None):
        spec = get_layer(layer)
        value = self._weight(spec, weight)
        where, params = self._unpaged_where(spec, query)
        # Each record's representative point is kept beside it (x, y) and in the layer's covering index with what
        # maps filter on, so this reads the index alone. Coordinates in EPSG:3006 are positive over Sweden, so
        # truncating is flooring.
        # One integer key per cell groups faster than two columns (x / cell stays below a million over Sweden
        # for cells of 10 m and more).
        rows = self._conn.execute(
            f"SELECT CAST(x / ? AS INTEGER) * {CELL_KEY} + CAST(y / ? AS INTEGER) AS cell, sum({value}) "
            f'FROM "{layer}" {where} GROUP BY cell',
            [cell_m, cell_m, *params],
        ).fetchall()
        counted = {key: total for key, total in rows if key is not None}
        if len(counted) < len(rows):
            # Records added or moved by another program have no current point (a trigger cleared it): their
            # geometries are read and placed here.
            stale = self._conn.execute(
                f'SELECT geom, {value} FROM "{layer}" {where} AND (x IS NULL OR y IS NULL)', params
            ).fetchall()
            points = shapely.point_on_surface(gpkg_format.decode([blob for blob, _ in stale]))
            for x, y, (_, weight) in zip(shapely.get_x(points), shapely.get_y(points), stale):
                if x == x:  # not an empty geometry
                    key = int(x // cell_m) * CELL_KEY + int(y // cell_m)
                    counted[key] = counted.get(key, 0) + weight
        keys = np.array(list(counted), dtype=np.int64)
        return grid_from_cells(
            cell_m, keys // CELL_KEY, keys % CELL_KEY, np.asarray(list(counted.values()), dtype=float)
        )

    def known_sources(self, layer: str, source_ids: list[str], query: LayerQuery | None = None) -> set[str]:
        spec = get_layer(layer)
        # Deleted records count too: a re-import must not bring back what was deleted.
        where, params = self._where(spec, query or LayerQuery(), deleted_too=True)
        found: set[str] = set()
        for start in range(0, len(source_ids), 400):
            chunk = list(source_ids[start : start + 400])
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self._conn.execute(
                    f'SELECT source_id FROM "{spec.name}" {where} AND source_id IN ({marks}) '
                    f'UNION SELECT id FROM "{spec.name}" {where} AND id IN ({marks})',
                    params + chunk + params + chunk,
                )
            )
        return found

    def _touch(self, conn: sqlite3.Connection, layer: str, now: str) -> None:
        """Keep the layer's extent and change time in gpkg_contents current, as GeoPackage readers expect."""
        conn.execute(
            f"UPDATE gpkg_contents SET last_change = ?, (min_x, max_x, min_y, max_y) = "
            f'(SELECT min(minx), max(maxx), min(miny), max(maxy) FROM "rtree_{layer}_geom") WHERE table_name = ?',
            (now, layer),
        )

    def update_record(
        self, layer: str, record_id: str, changes: dict[str, Any], expected_version: int, actor: str = "local"
    ) -> dict[str, Any]:
        spec = get_layer(layer)
        rules.refuse_managed_changes(layer, record_id, changes)
        with _transaction(self._conn, self.path) as conn:
            current = self.read_layer(layer, LayerQuery(ids=(record_id,)))
            if current.empty:
                raise NotFoundError(f"no {layer} record has id {record_id!r}")
            stored_version = int(current["version"].iloc[0])
            if stored_version != expected_version:
                raise VersionConflictError(layer, record_id, expected_version, stored_version)
            row, geom = rules.changed_record(spec, current, changes, self._link_ids(conn, spec))
            now = _now()
            assignments = ", ".join(f'"{f.name}" = ?' for f in spec.fields)
            [(x, y)] = shapely.get_coordinates(shapely.point_on_surface(np.array([geom], dtype=object)))
            cursor = conn.execute(
                f'UPDATE "{layer}" SET geom = ?, x = {float(x)!r}, y = {float(y)!r}, {assignments}, demo = ?, '
                f"source_id = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
                (
                    gpkg_format.encode(np.array([geom], dtype=object), STORAGE_CRS)[0],
                    *(_to_sql(f.kind, row[f.name]) for f in spec.fields),
                    int(row["demo"]),
                    row["source_id"],
                    now,
                    record_id,
                    expected_version,
                ),
            )
            if cursor.rowcount != 1:  # cannot happen under BEGIN IMMEDIATE; kept as a guard
                raise VersionConflictError(layer, record_id, expected_version, None)
            self._touch(conn, layer, now)
            before, after = rules.edit_entry(spec, current, row, geom)
            self._audit(conn, now, actor, "edit", layer, [(record_id, before, after)])
        return self.read_layer(layer, LayerQuery(ids=(record_id,))).iloc[0].to_dict()

    # -- retention ---------------------------------------------------------

    def _before_purge(self, conn: sqlite3.Connection) -> None:
        # SQLite leaves a deleted row's bytes in the file's free pages until they are reused; records deleted
        # for good are overwritten with zeros as they are freed, so a copy of the file does not hold them.
        conn.execute("PRAGMA secure_delete = ON")

    def _records_purged(self, conn: sqlite3.Connection, layer: str, now: dt.datetime) -> None:
        self._touch(conn, layer, _utc_text(now))

    # -- settings ----------------------------------------------------------

    def read_setting(self, key: str) -> str | None:
        row = self._conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = ?", (f"setting.{key}",)).fetchone()
        return row[0] if row else None

    def write_setting(self, key: str, value: str | None, actor: str = "local") -> None:
        before = self.read_setting(key)
        with _transaction(self._conn, self.path) as conn:
            if value is None:
                conn.execute(f"DELETE FROM {META_TABLE} WHERE key = ?", (f"setting.{key}",))
            else:
                conn.execute(f"INSERT OR REPLACE INTO {META_TABLE} VALUES (?, ?)", (f"setting.{key}", value))
            if before != value:
                self._audit(conn, _now(), actor, "setting", None, [(key, {"value": before}, {"value": value})])

    # -- survey results ----------------------------------------------------

    def read_survey_results(
        self, municipality_code: str | None = None, indicator: str | None = None
    ) -> gpd.GeoDataFrame:
        where, params = self.dialect.where(equal_conditions(municipality_code=municipality_code, indicator=indicator))
        columns = rules.SURVEY_COLUMNS
        rows = self._conn.execute(
            f"SELECT geom, {', '.join(columns)} FROM survey_results {where} ORDER BY indicator, area_id, group_code, year",
            params,
        ).fetchall()
        return self._survey_frame([tuple(row[1:]) for row in rows], gpkg_format.decode([row[0] for row in rows]))

    # -- police events -----------------------------------------------------

    def _insert_events(self, conn: sqlite3.Connection, events: list[PoliceEvent], now: dt.datetime) -> int:
        before = conn.execute("SELECT count(*) FROM police_events").fetchone()[0]
        conn.executemany(
            "INSERT OR IGNORE INTO police_events (id, published_at, title, type, summary, url, location_name, "
            "municipality_code, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    e.id,
                    _utc_text(e.published_at),
                    e.title,
                    e.type,
                    e.summary,
                    e.url,
                    e.location_name,
                    e.municipality_code,
                    _utc_text(now),
                )
                for e in events
            ],
        )
        return conn.execute("SELECT count(*) FROM police_events").fetchone()[0] - before

    def read_police_events(
        self, municipality_code: str | None = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        where, params = self.dialect.where(event_conditions(municipality_code, start, end))
        frame = pd.read_sql_query(
            f"SELECT id, published_at, title, type, summary, url, location_name, "
            f"municipality_code FROM police_events {where} ORDER BY published_at, id",
            self._conn,
            params=params,
        )
        frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True, format="ISO8601")
        return frame

    # -- whole-store copies ------------------------------------------------

    def dump_tables(self) -> dict[str, list[dict[str, Any]]]:
        tables = {}
        for table, columns in rules.copy_tables().items():
            if table == "settings":
                rows = self._conn.execute(
                    f"SELECT substr(key, 9), value FROM {META_TABLE} WHERE key LIKE 'setting.%' ORDER BY key"
                ).fetchall()
            else:
                names = ", ".join(f'"{name}"' for name, _ in columns)
                order = rules.COPY_ORDER.get(table, "fid")
                rows = self._conn.execute(f'SELECT {names} FROM "{table}" ORDER BY {order}').fetchall()
            tables[table] = [
                {name: _from_file(kind, value) for (name, kind), value in zip(columns, row)} for row in rows
            ]
        return tables

    def load_tables(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        with _transaction(self._conn, self.path) as conn:
            full = [t for t in rules.DATA_TABLES if conn.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()]
            if conn.execute(f"SELECT 1 FROM {META_TABLE} WHERE key LIKE 'setting.%' LIMIT 1").fetchone():
                full.append("settings")
            if full:
                raise StoreError(f"{self.path} already holds {', '.join(full)}; expected an empty store to copy into")
            for table, columns in rules.copy_tables().items():
                rows = tables.get(table, [])
                if table == "settings":
                    conn.executemany(
                        f"INSERT INTO {META_TABLE} VALUES (?, ?)", [(f"setting.{r['key']}", r["value"]) for r in rows]
                    )
                    continue
                names = ", ".join(f'"{name}"' for name, _ in columns)
                conn.executemany(
                    f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})',
                    [tuple(_to_file(kind, r.get(name)) for name, kind in columns) for r in rows],
                )
            now = _now()
            for layer in LAYERS:
                gpkg_schema.fill_points(conn, layer)
                self._touch(conn, layer, now)


def _from_file(kind: str, value: Any) -> Any:
    """A stored value as a whole-store copy carries it (see ``rules.copy_tables``)."""
    if value is None:
        return None
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "datetime":
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if kind == "bool":
        return bool(value)
    if kind == "json":
        return json.loads(value)
    if kind == "geom":
        return shapely.to_wkb(gpkg_format.decode([value])[0], byte_order=1, flavor="iso")
    return value


def _to_file(kind: str, value: Any) -> Any:
    """A copied value as the file stores it: as a record's field is stored, and JSON and geometries besides."""
    if value is None:
        return None
    if kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if kind == "geom":
        return gpkg_format.encode(np.array([shapely.from_wkb(value)], dtype=object), STORAGE_CRS)[0]
    return _to_sql(kind, value)


def _insert_values(fields, row: dict[str, Any], blob: bytes, xy, now: dt.datetime) -> tuple:
    # version and the timestamps are the store's to set, whatever the input said.
    managed = {"version": 1, "created_at": now, "updated_at": now}
    return (blob, float(xy[0]), float(xy[1]), *(_to_sql(f.kind, managed.get(f.name, row.get(f.name))) for f in fields))


def _column_from_sql(kind: str, values) -> pd.Series:
    if kind == "date":
        return pd.to_datetime(pd.Series(values, dtype=object), format="%Y-%m-%d").astype("datetime64[ms]")
    if kind == "datetime":
        return pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601", utc=True).astype("datetime64[ms, UTC]")
    if kind == "int":
        return pd.Series(values, dtype="Int64")
    if kind == "bool":
        return pd.Series([bool(v) for v in values], dtype=bool)
    return pd.Series(values, dtype=object)
