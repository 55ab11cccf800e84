"""The embedded store: one GeoPackage file.

The file opens in QGIS and GDAL: the three layers are feature tables in
EPSG:3006 with R-tree indexes, and pledges and promises are attribute tables
in the same file. Every write is one SQLite transaction taken with
``BEGIN IMMEDIATE``, so a batch lands whole or not at all and concurrent
writers wait for each other instead of corrupting the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.errors import NotFoundError, Problem, SchemaError, StoreError, ValidationError, VersionConflictError
from geodata.grid import grid_from_cells
from geodata.layers import LAYERS, STORAGE_CRS, SYSTEM_FIELDS, Layer, get_layer
from geodata.model import Pledge, pledge_from_dict
from geodata.records import PoliceEvent
from geodata.store import rules as common
from geodata.store.base import AuditEntry, LayerExtent, LayerQuery, Store
from geodata.store.gpkg import format as gpkg_format
from geodata.store.gpkg import schema as gpkg_schema
from geodata.store.gpkg.schema import META_TABLE, latest_version
from geodata.store.rules import json_safe as _json_safe
from geodata.store.rules import utc_text as _utc_text
from geodata.validate import LOCAL_TZ, validate_records

BUSY_TIMEOUT_S = 30
CELL_KEY = 10_000_000  # grid cells as one integer: column * CELL_KEY + row


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


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    conn.execute("PRAGMA foreign_keys = ON")
    gpkg_format.register_functions(conn)
    return conn


@contextlib.contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed if the block finishes, rolled back if it raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


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
        with _transaction(conn):
            before = _stored_version(conn)
            if before > latest_version():
                raise SchemaError(
                    f"{path} has schema version {before}, newer than this Pledgemap "
                    f"(version {latest_version()}); upgrade Pledgemap to open it"
                )
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


class GeoPackageStore(Store):
    """A Pledgemap store in one GeoPackage file.

    Use :meth:`create` for a new file and :meth:`open` for an existing one.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self._conn = conn

    @classmethod
    def create(cls, path: str | Path) -> GeoPackageStore:
        """Create a new, empty store at ``path`` (which must not exist yet)."""
        path = Path(path)
        if path.exists():
            raise StoreError(f"{path} already exists; open it, or choose another file name")
        migrate(path)
        return cls.open(path)

    @classmethod
    def open(cls, path: str | Path) -> GeoPackageStore:
        """Open an existing store; it must be at this code's schema version."""
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"{path} does not exist; create it with 'pledgemap demo --data {path}'")
        try:
            conn = _connect(path)
            version = _stored_version(conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path} is not a GeoPackage/SQLite file: {exc}") from exc
        if version != latest_version():
            conn.close()
            if version < latest_version():
                raise SchemaError(
                    f"{path} has schema version {version}; this Pledgemap uses version "
                    f"{latest_version()}. Run 'pledgemap migrate --data {path}' to upgrade it"
                )
            raise SchemaError(
                f"{path} has schema version {version}, newer than this Pledgemap "
                f"(version {latest_version()}); upgrade Pledgemap to open it"
            )
        return cls(path, conn)

    @property
    def location(self) -> Path:
        """Where the store is: what :func:`geodata.store.open_store` opens it from again."""
        return self.path

    def close(self) -> None:
        self._conn.close()

    def schema_version(self) -> int:
        return _stored_version(self._conn)

    # -- pledges -----------------------------------------------------------

    def list_pledges(self) -> list[Pledge]:
        ids = [r[0] for r in self._conn.execute("SELECT id FROM pledges ORDER BY period_start, id")]
        return [self.get_pledge(pledge_id) for pledge_id in ids]

    def get_pledge(self, pledge_id: str) -> Pledge:
        row = self._conn.execute("SELECT document FROM pledges WHERE id = ?", (pledge_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no pledge has id {pledge_id!r}")
        document = json.loads(row[0])
        rows = self._conn.execute(
            "SELECT id, text, kind, parties, target, target_unit, period_start, period_end, evidence_layer, "
            "evidence_kinds FROM promises WHERE pledge_id = ? ORDER BY position",
            (pledge_id,),
        ).fetchall()
        document["promises"] = [
            common.promise_from_row((*r[:3], json.loads(r[3]), *r[4:9], json.loads(r[9]))) for r in rows
        ]
        return pledge_from_dict(document)

    def save_pledge(self, pledge: Pledge, actor: str = "local") -> None:
        document = common.pledge_document(pledge)
        now = _now()
        with _transaction(self._conn) as conn:
            self._check_promise_ids(conn, pledge)
            existing = conn.execute("SELECT version, created_at FROM pledges WHERE id = ?", (pledge.id,)).fetchone()
            version, created = (existing[0] + 1, existing[1]) if existing else (1, now)
            old_promises = {
                r[0]: (r[1], r[2])
                for r in conn.execute("SELECT id, version, created_at FROM promises WHERE pledge_id = ?", (pledge.id,))
            }
            conn.execute("DELETE FROM promises WHERE pledge_id = ?", (pledge.id,))
            conn.execute("DELETE FROM pledges WHERE id = ?", (pledge.id,))
            conn.execute(
                "INSERT INTO pledges (id, version, created_at, updated_at, demo, title, municipality_code, "
                "municipality_name, period_start, period_end, document) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    pledge.id,
                    version,
                    created,
                    now,
                    int(pledge.demo),
                    pledge.title,
                    pledge.municipality.code,
                    pledge.municipality.name,
                    pledge.period.start.isoformat(),
                    pledge.period.end.isoformat(),
                    json.dumps(document, ensure_ascii=False),
                ),
            )
            for position, promise in enumerate(pledge.promises):
                p_version, p_created = old_promises.get(promise.id, (0, now))
                conn.execute(
                    "INSERT INTO promises (id, version, created_at, updated_at, demo, pledge_id, position, text, kind, "
                    "parties, target, target_unit, period_start, period_end, evidence_layer, evidence_kinds) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        promise.id,
                        p_version + 1,
                        p_created,
                        now,
                        int(pledge.demo),
                        pledge.id,
                        position,
                        promise.text,
                        promise.kind,
                        json.dumps(list(promise.parties)),
                        promise.target,
                        promise.target_unit,
                        promise.period.start.isoformat() if promise.period else None,
                        promise.period.end.isoformat() if promise.period else None,
                        promise.evidence.layer,
                        json.dumps(list(promise.evidence.kinds)),
                    ),
                )
            conn.execute("UPDATE gpkg_contents SET last_change = ? WHERE table_name IN ('pledges', 'promises')", (now,))
            _audit_many(
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
    def _check_promise_ids(conn: sqlite3.Connection, pledge: Pledge) -> None:
        """Refuse a save that would orphan linked records or reuse another pledge's promise id."""
        problems = []
        kept = {p.id for p in pledge.promises}
        for (promise_id,) in conn.execute("SELECT id FROM promises WHERE pledge_id = ?", (pledge.id,)).fetchall():
            if promise_id in kept:
                continue
            for layer in ("inventoried_sites", "operations"):
                if conn.execute(f'SELECT 1 FROM "{layer}" WHERE promise_id = ? LIMIT 1', (promise_id,)).fetchone():
                    problems.append(common.orphaned_promise(pledge.id, promise_id, layer))
        for promise_id in sorted(kept):
            row = conn.execute(
                "SELECT pledge_id FROM promises WHERE id = ? AND pledge_id != ?", (promise_id, pledge.id)
            ).fetchone()
            if row:
                problems.append(common.promise_of_another_pledge(pledge.id, promise_id, row[0]))
        if problems:
            raise ValidationError(problems)

    # -- layers ------------------------------------------------------------

    def _link_ids(self, layer: Layer) -> list[str]:
        table = "pledges" if layer.link_field == "pledge_id" else "promises"
        return [r[0] for r in self._conn.execute(f"SELECT id FROM {table}")]

    def write_batch(self, layer: str, records: gpd.GeoDataFrame, actor: str = "local") -> list[str]:
        return self.write_batches({layer: records}, actor)[layer]

    def write_batches(self, batches: dict[str, gpd.GeoDataFrame], actor: str = "local") -> dict[str, list[str]]:
        specs = {name: get_layer(name) for name in batches}
        written: dict[str, list[str]] = {}
        with _transaction(self._conn) as conn:
            checked = {
                name: validate_records(spec, batches[name], self._link_ids(spec)) for name, spec in specs.items()
            }
            problems = []
            for name, batch in checked.items():
                taken = self._existing_ids(specs[name], [r["id"] for r in batch.rows])
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
            now = dt.datetime.now(dt.UTC)
            for name, batch in checked.items():
                written[name] = [r["id"] for r in batch.rows]
                if not batch.rows:
                    continue
                fields = (*SYSTEM_FIELDS, *specs[name].fields)
                names = ", ".join(f'"{f.name}"' for f in fields)
                marks = ", ".join("?" * (len(fields) + 3))
                blobs = gpkg_format.encode(batch.geometries, STORAGE_CRS)
                points = shapely.get_coordinates(shapely.point_on_surface(batch.geometries))
                conn.executemany(
                    f'INSERT INTO "{name}" (geom, x, y, {names}) VALUES ({marks})',
                    (_insert_values(fields, row, blob, xy, now) for blob, xy, row in zip(blobs, points, batch.rows)),
                )
                self._touch(conn, name, _utc_text(now))
                _audit_many(
                    conn,
                    now,
                    actor,
                    "create",
                    name,
                    (
                        (row["id"], None, common.create_entry(specs[name], row, geom))
                        for row, geom in zip(batch.rows, batch.geometries)
                    ),
                )
        return written

    def _existing_ids(self, spec: Layer, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found.update(
                r[0]
                for r in self._conn.execute(
                    f'SELECT id FROM "{spec.name}" WHERE id IN ({",".join("?" * len(chunk))})', chunk
                )
            )
        return found

    def extent(self, layer: str, query: LayerQuery | None = None) -> LayerExtent:
        spec = get_layer(layer)
        where, params = self._where(spec, replace(query or LayerQuery(), limit=None, offset=0))
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
        kind = spec.field(spec.time_field).kind
        first, last = (_column_from_sql(kind, [v]).iloc[0] if v is not None else None for v in (first, last))
        return LayerExtent(int(count), int(demo), tuple(float(v) for v in bbox), first, last)

    def grid_counts(self, layer: str, query: LayerQuery | None, cell_m: float, weight: str | None = None):
        spec = get_layer(layer)
        if weight is not None and weight not in spec.field_names:
            raise ValueError(f"{layer} has no field {weight!r} to weigh counts with")
        where, params = self._where(spec, replace(query or LayerQuery(), limit=None, offset=0))
        value = f'coalesce("{weight}", 1)' if weight else "1"
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
        return grid_from_cells(cell_m, keys // CELL_KEY, keys % CELL_KEY, list(counted.values()))

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
        common.refuse_managed_changes(layer, record_id, changes)
        with _transaction(self._conn) as conn:
            current = self.read_layer(layer, LayerQuery(ids=(record_id,)))
            if current.empty:
                raise NotFoundError(f"no {layer} record has id {record_id!r}")
            stored_version = int(current["version"].iloc[0])
            if stored_version != expected_version:
                raise VersionConflictError(layer, record_id, expected_version, stored_version)
            row, geom = common.changed_record(spec, current, changes, self._link_ids(spec))
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
            before, after = common.edit_entry(spec, current, row, geom)
            _audit_many(conn, now, actor, "edit", layer, [(record_id, before, after)])
        return self.read_layer(layer, LayerQuery(ids=(record_id,))).iloc[0].to_dict()

    def read_layer(self, layer: str, query: LayerQuery | None = None) -> gpd.GeoDataFrame:
        spec = get_layer(layer)
        query = query or LayerQuery()
        where, params = self._where(spec, query)
        fields = (*SYSTEM_FIELDS, *spec.fields)
        names = ", ".join(f'"{f.name}"' for f in fields)
        page = ""
        if query.limit is not None or query.offset:
            # LIMIT -1 is SQLite for "no limit", which OFFSET needs beside it.
            page = "LIMIT ? OFFSET ?"
            params = [*params, -1 if query.limit is None else query.limit, query.offset]
        rows = self._conn.execute(f'SELECT geom, {names} FROM "{layer}" {where} ORDER BY fid {page}', params).fetchall()
        columns = list(zip(*rows)) if rows else [[] for _ in range(len(fields) + 1)]
        data = {f.name: _column_from_sql(f.kind, columns[i + 1]) for i, f in enumerate(fields)}
        geometry = gpkg_format.decode(list(columns[0]))
        return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geometry, crs=STORAGE_CRS), crs=STORAGE_CRS)

    def count(self, layer: str, query: LayerQuery | None = None) -> int:
        spec = get_layer(layer)
        where, params = self._where(spec, query or LayerQuery())
        return self._conn.execute(f'SELECT count(*) FROM "{layer}" {where}', params).fetchone()[0]

    def _where(self, spec: Layer, query: LayerQuery, deleted_too: bool = False) -> tuple[str, list[Any]]:
        clauses: list[str] = (
            ["1"] if deleted_too else ["deleted_at IS NOT NULL" if query.deleted else "deleted_at IS NULL"]
        )
        params: list[Any] = []
        if query.pledge_id is not None:
            if spec.link_field == "pledge_id":
                clauses.append("pledge_id = ?")
            else:
                clauses.append("promise_id IN (SELECT id FROM promises WHERE pledge_id = ?)")
            params.append(query.pledge_id)
        if query.promise_id is not None:
            if spec.link_field != "promise_id":
                raise ValueError(f"{spec.name} records link to pledges, not promises")
            clauses.append("promise_id = ?")
            params.append(query.promise_id)
        start_field, end_field = spec.time_field, spec.end_field or spec.time_field
        kind = spec.field(spec.time_field).kind
        if query.start is not None:
            clauses.append(f'"{end_field}" >= ?')
            params.append(_day_bound(kind, query.start, end_of_day=False))
        if query.end is not None:
            clauses.append(f'"{start_field}" <= ?')
            params.append(_day_bound(kind, query.end, end_of_day=True))
        if query.bbox is not None:
            minx, miny, maxx, maxy = query.bbox
            clauses.append(
                f'fid IN (SELECT id FROM "rtree_{spec.name}_geom" WHERE maxx >= ? AND minx <= ? '
                f"AND maxy >= ? AND miny <= ?)"
            )
            params.extend([minx, maxx, miny, maxy])
        if query.ids is not None:
            clauses.append(f"id IN ({','.join('?' * len(query.ids))})")
            params.extend(query.ids)
        if query.demo is not None:
            clauses.append("demo = ?")
            params.append(1 if query.demo else 0)
        for name, allowed in query.values:
            if name not in spec.field_names or spec.field(name).kind not in ("choice", "text"):
                raise ValueError(f"{spec.name} has no text field {name!r} to filter on")
            clauses.append(f'"{name}" IN ({",".join("?" * len(allowed))})')
            params.extend(allowed)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params

    # -- accounts ----------------------------------------------------------

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

    def save_user(self, user, actor: str = "local") -> None:
        values = (
            user.username,
            user.display_name,
            user.role,
            user.organisation,
            user.password_hash,
            _utc_text(user.created_at),
            _utc_text(user.updated_at),
            user.session_key,
        )
        before = self.get_user(user.username)
        with _transaction(self._conn) as conn:
            conn.execute(
                f"INSERT INTO users ({', '.join(self.USER_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(self.USER_COLUMNS))}) "
                "ON CONFLICT(username) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in self.USER_COLUMNS[1:]),
                values,
            )
            entry = common.account_entry(before, user)
            if entry:
                _audit_many(conn, _now(), actor, "user", None, [(user.username, *entry)])

    def get_user(self, username: str):
        row = self._conn.execute(
            f"SELECT {', '.join(self.USER_COLUMNS)} FROM users WHERE username = ?", (username,)
        ).fetchone()
        return _account(row) if row else None

    def list_users(self):
        rows = self._conn.execute(f"SELECT {', '.join(self.USER_COLUMNS)} FROM users ORDER BY username").fetchall()
        return [_account(row) for row in rows]

    def delete_user(self, username: str, actor: str = "local") -> bool:
        before = self.get_user(username)
        with _transaction(self._conn) as conn:
            removed = conn.execute("DELETE FROM users WHERE username = ?", (username,)).rowcount > 0
            if removed:
                _audit_many(
                    conn,
                    _now(),
                    actor,
                    "user_removed",
                    None,
                    [(username, {"role": before.role, "organisation": before.organisation}, None)],
                )
            return removed

    def begin_sign_in(self, scopes, now: dt.datetime, retry_after) -> int:
        # Check and count in one write transaction: parallel attempts are counted one after the other, so
        # none of them sees a count from before the others.
        now_text = _utc_text(now)
        with _transaction(self._conn) as conn:
            conn.execute("DELETE FROM sign_in_failures WHERE last_at < ?", (_utc_text(now - dt.timedelta(days=1)),))
            waits = []
            for name, address in scopes:
                row = conn.execute(
                    "SELECT failures, last_at FROM sign_in_failures WHERE name = ? AND address = ?", (name, address)
                ).fetchone()
                if row:
                    last = dt.datetime.fromisoformat(row[1].replace("Z", "+00:00"))
                    waits.append(retry_after((name, address), int(row[0]), last))
            wait = max(waits, default=0)
            if wait > 0:
                return wait
            conn.executemany(
                "INSERT INTO sign_in_failures (name, address, failures, last_at) VALUES (?, ?, 1, ?) "
                "ON CONFLICT(name, address) DO UPDATE SET failures = failures + 1, last_at = excluded.last_at",
                [(name, address, now_text) for name, address in scopes],
            )
            return 0

    def end_sign_in(self, clear, release) -> None:
        with _transaction(self._conn) as conn:
            conn.executemany("DELETE FROM sign_in_failures WHERE name = ? AND address = ?", list(clear))
            conn.executemany(
                "UPDATE sign_in_failures SET failures = max(0, failures - 1) WHERE name = ? AND address = ?",
                list(release),
            )

    def clear_sign_in_failures(self, name: str) -> int:
        with _transaction(self._conn) as conn:
            return conn.execute("DELETE FROM sign_in_failures WHERE name = ?", (name,)).rowcount

    def sign_in_failures(self, name: str) -> int:
        row = self._conn.execute(
            "SELECT failures FROM sign_in_failures WHERE name = ? AND address = ''", (name,)
        ).fetchone()
        return int(row[0]) if row else 0

    def delete_record(self, layer: str, record_id: str, expected_version: int, actor: str = "local") -> None:
        spec = get_layer(layer)
        with _transaction(self._conn) as conn:
            row = conn.execute(
                f'SELECT version FROM "{spec.name}" WHERE id = ? AND deleted_at IS NULL', (record_id,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no {layer} record has id {record_id!r}")
            if row[0] != expected_version:
                raise VersionConflictError(layer, record_id, expected_version, row[0])
            now = _now()
            conn.execute(
                f'UPDATE "{spec.name}" SET deleted_at = ?, version = version + 1, updated_at = ? WHERE id = ?',
                (now, now, record_id),
            )
            _audit_many(conn, now, actor, "delete", layer, [(record_id, {"deleted": False}, {"deleted": True})])

    def restore_record(self, layer: str, record_id: str, actor: str = "local") -> None:
        spec = get_layer(layer)
        with _transaction(self._conn) as conn:
            now = _now()
            changed = conn.execute(
                f'UPDATE "{spec.name}" SET deleted_at = NULL, version = version + 1, updated_at = ? '
                "WHERE id = ? AND deleted_at IS NOT NULL",
                (now, record_id),
            ).rowcount
            if not changed:
                raise NotFoundError(f"no deleted {layer} record has id {record_id!r}")
            _audit_many(conn, now, actor, "restore", layer, [(record_id, {"deleted": True}, {"deleted": False})])

    def read_audit(self, layer: str | None = None, record_id: str | None = None) -> list[AuditEntry]:
        where, params = _equal(layer=layer, record_id=record_id)
        rows = self._conn.execute(
            f"SELECT at, actor, action, layer, record_id, before, after FROM audit_log {where} ORDER BY fid", params
        ).fetchall()
        return [
            AuditEntry(
                dt.datetime.fromisoformat(at.replace("Z", "+00:00")),
                actor,
                action,
                layer_name,
                rid,
                json.loads(before) if before else None,
                json.loads(after) if after else None,
            )
            for at, actor, action, layer_name, rid, before, after in rows
        ]

    # -- settings ----------------------------------------------------------

    def read_setting(self, key: str) -> str | None:
        row = self._conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = ?", (f"setting.{key}",)).fetchone()
        return row[0] if row else None

    def write_setting(self, key: str, value: str | None, actor: str = "local") -> None:
        before = self.read_setting(key)
        with _transaction(self._conn) as conn:
            if value is None:
                conn.execute(f"DELETE FROM {META_TABLE} WHERE key = ?", (f"setting.{key}",))
            else:
                conn.execute(f"INSERT OR REPLACE INTO {META_TABLE} VALUES (?, ?)", (f"setting.{key}", value))
            if before != value:
                _audit_many(conn, _now(), actor, "setting", None, [(key, {"value": before}, {"value": value})])

    # -- survey results ----------------------------------------------------

    def write_survey_results(
        self, results: gpd.GeoDataFrame, replace: bool = False, actor: str = "local"
    ) -> tuple[int, int]:
        columns = gpkg_schema.SURVEY_COLUMNS
        shapes = results.geometry.to_crs(STORAGE_CRS) if results.crs is not None else results.geometry
        blobs: list[bytes | None] = [None] * len(shapes)
        present = [i for i, g in enumerate(shapes) if g is not None and not g.is_empty]
        encoded = gpkg_format.encode(np.asarray([shapes.iloc[i] for i in present], dtype=object), STORAGE_CRS)
        for i, blob in zip(present, encoded):
            blobs[i] = blob
        rows = [
            tuple(None if pd.isna(v) else v for v in values)
            for values in results[list(columns)].itertuples(index=False)
        ]
        now = _now()
        new = replaced = 0
        with _transaction(self._conn) as conn:
            problems, changes = [], []
            for row, blob in zip(rows, blobs):
                code, area, _name, year, indicator, value, _source = row
                stored = conn.execute(
                    "SELECT value FROM survey_results WHERE municipality_code = ? AND area_id = ? "
                    "AND year = ? AND indicator = ?",
                    (code, area, int(year), indicator),
                ).fetchone()
                if stored is not None and stored[0] != value and not replace:
                    problems.append(
                        common.survey_conflict(
                            {"indicator": indicator, "year": year, "area_id": area, "value": value}, stored[0]
                        )
                    )
                    continue
                if stored is not None:
                    if stored[0] != value:
                        replaced += 1
                        changes.append((f"{code}/{area}/{year}/{indicator}", {"value": stored[0]}, {"value": value}))
                    conn.execute(
                        "DELETE FROM survey_results WHERE municipality_code = ? AND area_id = ? AND year = ? "
                        "AND indicator = ?",
                        (code, area, int(year), indicator),
                    )
                else:
                    new += 1
                conn.execute(
                    f"INSERT INTO survey_results (geom, {', '.join(columns)}, imported_at) "
                    f"VALUES (?, {', '.join('?' * len(columns))}, ?)",
                    (blob, *row[:3], int(year), *row[4:], now),
                )
            if problems:
                raise ValidationError(problems)
            if new or changes:
                _audit_many(
                    conn, now, actor, "survey", "survey_results", [(None, None, {"new": new, "replaced": replaced})]
                )
                if changes:
                    _audit_many(conn, now, actor, "survey_replace", "survey_results", changes)
        return new, replaced

    def read_survey_results(
        self, municipality_code: str | None = None, indicator: str | None = None
    ) -> gpd.GeoDataFrame:
        where, params = _equal(municipality_code=municipality_code, indicator=indicator)
        columns = gpkg_schema.SURVEY_COLUMNS
        rows = self._conn.execute(
            f"SELECT geom, {', '.join(columns)} FROM survey_results {where} ORDER BY indicator, area_id, year", params
        ).fetchall()
        frame = pd.DataFrame([row[1:] for row in rows], columns=list(columns))
        frame["year"] = frame["year"].astype("int64")
        frame["value"] = frame["value"].astype("float64")
        return gpd.GeoDataFrame(frame, geometry=gpkg_format.decode([row[0] for row in rows]), crs=STORAGE_CRS)

    # -- police events -----------------------------------------------------

    def write_police_events(self, events: list[PoliceEvent], actor: str = "local") -> tuple[int, int]:
        now = _now()
        with _transaction(self._conn) as conn:
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
                        now,
                    )
                    for e in events
                ],
            )
            new = conn.execute("SELECT count(*) FROM police_events").fetchone()[0] - before
            if new:
                _audit_many(conn, now, actor, "events", "police_events", [(None, None, {"new": new})])
        return new, len(events) - new

    def read_police_events(
        self, municipality_code: str | None = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        clauses, params = [], []
        if municipality_code is not None:
            clauses.append("municipality_code = ?")
            params.append(municipality_code)
        if start is not None:
            clauses.append("published_at >= ?")
            params.append(_day_bound("datetime", start, end_of_day=False))
        if end is not None:
            clauses.append("published_at <= ?")
            params.append(_day_bound("datetime", end, end_of_day=True))
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
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
        for table, columns in common.copy_tables().items():
            if table == "settings":
                rows = self._conn.execute(
                    f"SELECT substr(key, 9), value FROM {META_TABLE} WHERE key LIKE 'setting.%' ORDER BY key"
                ).fetchall()
            else:
                names = ", ".join(f'"{name}"' for name, _ in columns)
                order = common.COPY_ORDER.get(table, "fid")
                rows = self._conn.execute(f'SELECT {names} FROM "{table}" ORDER BY {order}').fetchall()
            tables[table] = [
                {name: _from_file(kind, value) for (name, kind), value in zip(columns, row)} for row in rows
            ]
        return tables

    def load_tables(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        with _transaction(self._conn) as conn:
            full = [t for t in common.DATA_TABLES if conn.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()]
            if conn.execute(f"SELECT 1 FROM {META_TABLE} WHERE key LIKE 'setting.%' LIMIT 1").fetchone():
                full.append("settings")
            if full:
                raise StoreError(f"{self.path} already holds {', '.join(full)}; expected an empty store to copy into")
            for table, columns in common.copy_tables().items():
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

    def counts(self, pledge_id: str | None = None, demo_only: bool = False) -> dict[str, int]:
        result = {}
        for name in LAYERS:
            result[name] = self.count(name, LayerQuery(pledge_id=pledge_id, demo=True if demo_only else None))
        return result


def _audit_many(conn: sqlite3.Connection, at, actor: str, action: str, layer: str | None, entries) -> None:
    """Append entries ``(record_id, before, after)`` to the audit log, in the caller's transaction."""
    at_text = _utc_text(at) if isinstance(at, dt.datetime) else at
    conn.executemany(
        "INSERT INTO audit_log (at, actor, action, layer, record_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                at_text,
                actor,
                action,
                layer,
                record_id,
                None
                if before is None
                else json.dumps({k: _json_safe(v) for k, v in before.items()}, ensure_ascii=False),
                None if after is None else json.dumps({k: _json_safe(v) for k, v in after.items()}, ensure_ascii=False),
            )
            for record_id, before, after in entries
        ),
    )


def _account(row: tuple):
    return common.account(dict(zip(GeoPackageStore.USER_COLUMNS, row)))


def _equal(**conditions: Any) -> tuple[str, list[Any]]:
    """A WHERE clause for the conditions given (column = value), leaving out those that are None."""
    given = {name: value for name, value in conditions.items() if value is not None}
    return ("WHERE " + " AND ".join(f"{name} = ?" for name in given)) if given else "", list(given.values())


def _from_file(kind: str, value: Any) -> Any:
    """A stored value as a whole-store copy carries it (see ``common.copy_tables``)."""
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


def _day_bound(kind: str, day: dt.date, end_of_day: bool) -> str:
    """The text a date or datetime column is compared with for an inclusive day range in Swedish time."""
    if kind == "date":
        return day.isoformat()
    moment = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min, tzinfo=LOCAL_TZ)
    return _utc_text(moment)


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
