"""Schema of the GeoPackage store and the migrations that build it.

Each migration takes the file from one schema version to the next inside the
caller's transaction, so a failed migration leaves the file as it was. A new
file is built by running every migration from version 0.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import shapely
from pyproj import CRS

from geodata.layers import LAYERS, STORAGE_CRS, SYSTEM_FIELDS, Field, Layer
from geodata.store.gpkg.format import GPKG_APPLICATION_ID, GPKG_USER_VERSION, rtree_sql
from geodata.store.rules import AUDIT_REDACTING, META_TABLE, VIEW_INDEX_COLUMNS

SQL_TYPES = {
    "text": "TEXT",
    "choice": "TEXT",
    "int": "INTEGER",
    "date": "DATE",
    "datetime": "DATETIME",
    "bool": "BOOLEAN",
}


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


def _column(field: Field) -> str:
    # A field with a default is never empty in the store: the default also fills rows written by other programs.
    if field.default is not None:
        return f"\"{field.name}\" {SQL_TYPES[field.kind]} NOT NULL DEFAULT '{field.default}'"
    not_null = " NOT NULL" if field.required else ""
    return f'"{field.name}" {SQL_TYPES[field.kind]}{not_null}'


def _gpkg_core(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {GPKG_USER_VERSION}")
    for statement in (
        """CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
           organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
           description TEXT)""",
        """CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
           identifier TEXT UNIQUE, description TEXT DEFAULT '',
           last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
           min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
           CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
        """CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
           geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
           CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
           CONSTRAINT uk_gc_table_name UNIQUE (table_name),
           CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
           CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""",
        """CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
           definition TEXT NOT NULL, scope TEXT NOT NULL,
           CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))""",
    ):
        conn.execute(statement)
    sweref = CRS.from_epsg(STORAGE_CRS)
    wgs84 = CRS.from_epsg(4326)
    conn.executemany(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)",
        [
            ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
            ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
            (
                "WGS 84 geodetic",
                4326,
                "EPSG",
                4326,
                wgs84.to_wkt("WKT1_GDAL"),
                "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid",
            ),
            (
                "SWEREF99 TM",
                STORAGE_CRS,
                "EPSG",
                STORAGE_CRS,
                sweref.to_wkt("WKT1_GDAL"),
                "SWEREF 99 TM, the Swedish national grid",
            ),
        ],
    )
    conn.execute(f"CREATE TABLE {META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _feature_table(conn: sqlite3.Connection, layer: Layer, description: str) -> None:
    columns = ", ".join(_column(f) for f in (*SYSTEM_FIELDS, *layer.fields))
    conn.execute(
        f'CREATE TABLE "{layer.name}" ("fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
        f'"geom" GEOMETRY NOT NULL, {columns})'
    )
    conn.execute(f'CREATE UNIQUE INDEX "{layer.name}_id" ON "{layer.name}" (id)')
    conn.execute(f'CREATE INDEX "{layer.name}_{layer.link_field}" ON "{layer.name}" ("{layer.link_field}")')
    conn.execute(f'CREATE INDEX "{layer.name}_{layer.time_field}" ON "{layer.name}" ("{layer.time_field}")')
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES (?, 'features', ?, ?, ?)",
        (layer.name, layer.name, description, STORAGE_CRS),
    )
    conn.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'GEOMETRY', ?, 0, 0)", (layer.name, STORAGE_CRS))
    for statement in rtree_sql(layer.name):
        conn.execute(statement)
    conn.execute(
        "INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', "
        "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        (layer.name,),
    )


def _attribute_table(conn: sqlite3.Connection, name: str, columns: str, description: str) -> None:
    conn.execute(f'CREATE TABLE "{name}" ("fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, {columns})')
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES (?, 'attributes', ?, ?)",
        (name, name, description),
    )


LAYER_DESCRIPTIONS = {
    "unsafe_places": "Places residents reported as unsafe (surveys, dialogues, safety walks, tips)",
    "inventoried_sites": "Public places, basements, attics and stairwells inspected for preventive measures",
    "operations": "Police operations, presence patrols, school visits and information meetings",
}


def _v1(conn: sqlite3.Connection) -> None:
    _gpkg_core(conn)
    record = (
        "id TEXT NOT NULL UNIQUE, version INTEGER NOT NULL, created_at DATETIME NOT NULL, "
        "updated_at DATETIME NOT NULL, demo BOOLEAN NOT NULL"
    )
    _attribute_table(
        conn,
        "pledges",
        f"{record}, title TEXT NOT NULL, municipality_code TEXT NOT NULL, municipality_name TEXT NOT NULL, "
        "period_start DATE NOT NULL, period_end DATE NOT NULL, document TEXT NOT NULL",
        "Medborgarlöften: the pledge document as JSON, with searchable columns",
    )
    _attribute_table(
        conn,
        "promises",
        f"{record}, pledge_id TEXT NOT NULL REFERENCES pledges(id), position INTEGER NOT NULL, "
        "text TEXT NOT NULL, kind TEXT NOT NULL, parties TEXT NOT NULL, target INTEGER, "
        "target_unit TEXT, period_start DATE, period_end DATE, evidence_layer TEXT NOT NULL, "
        "evidence_kinds TEXT NOT NULL",
        "The promises of each pledge, with responsible parties and targets",
    )
    conn.execute("CREATE INDEX promises_pledge_id ON promises (pledge_id)")
    for layer in LAYERS.values():
        _feature_table(conn, layer, LAYER_DESCRIPTIONS[layer.name])


def _v2(conn: sqlite3.Connection) -> None:
    # Imports look records up by the id of the file they came from, to skip what is already there.
    for layer in LAYERS.values():
        conn.execute(f'CREATE INDEX "{layer.name}_source_id" ON "{layer.name}" (source_id)')


def _v3(conn: sqlite3.Connection) -> None:
    # The police's published events: a context layer counted per municipality and month, never drawn as
    # points (their coordinates are municipality or county centres). One row per event id.
    _attribute_table(
        conn,
        "police_events",
        "id INTEGER NOT NULL UNIQUE, published_at DATETIME NOT NULL, title TEXT NOT NULL, "
        "type TEXT NOT NULL, summary TEXT NOT NULL, url TEXT NOT NULL, location_name TEXT NOT NULL, "
        "municipality_code TEXT, imported_at DATETIME NOT NULL",
        "Events published by the Swedish police (polisen.se), counted per municipality and month",
    )
    conn.execute("CREATE INDEX police_events_municipality ON police_events (municipality_code, published_at)")


def _v4(conn: sqlite3.Connection) -> None:
    # Local accounts: who may sign in, with which role; passwords only as argon2id hashes.
    _attribute_table(
        conn,
        "users",
        "username TEXT NOT NULL UNIQUE, display_name TEXT, role TEXT NOT NULL, organisation TEXT, "
        "password_hash TEXT NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, "
        "failed_count INTEGER NOT NULL DEFAULT 0, last_failed_at DATETIME",
        "Local accounts of the dashboard (password hashes only)",
    )


def _v5(conn: sqlite3.Connection) -> None:
    # Every change with who, when and the values before and after. Append-only: the triggers refuse any
    # UPDATE or DELETE, so not even the application's own code can rewrite the log.
    _attribute_table(
        conn,
        "audit_log",
        "at DATETIME NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, layer TEXT, record_id TEXT, "
        "before TEXT, after TEXT",
        "Who changed what and when (append-only)",
    )
    conn.execute("CREATE INDEX audit_log_record ON audit_log (record_id)")
    for event in ("UPDATE", "DELETE"):
        conn.execute(
            f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END"
        )


WORKFLOW_FIELDS = ("inspection_comment", "responsible", "fixed_on", "verified_on")


def _add_missing_columns(conn: sqlite3.Connection, layer: Layer, names: tuple[str, ...]) -> None:
    """Add ``layer``'s fields ``names`` that its table lacks (a store made after they came has them all)."""
    present = {row[1] for row in conn.execute(f'PRAGMA table_info("{layer.name}")')}
    for name in names:
        if name not in present:
            conn.execute(f'ALTER TABLE "{layer.name}" ADD COLUMN {_column(layer.field(name))}')


def _v6(conn: sqlite3.Connection) -> None:
    # The inspection workflow's own fields. A store created at this version already has them (version 1
    # builds the tables from the current layer description), so only missing columns are added.
    _add_missing_columns(conn, LAYERS["inventoried_sites"], WORKFLOW_FIELDS)


def _v7(conn: sqlite3.Connection) -> None:
    # Soft delete: a deleted record keeps its row (and its history) and can be restored by an admin.
    for layer in LAYERS.values():
        conn.execute(f'ALTER TABLE "{layer.name}" ADD COLUMN deleted_at DATETIME')


# The failed sign-ins' table, in the store since version 8 and in the counters' file beside it since.
SIGN_IN_FAILURES_COLUMNS = (
    "name TEXT NOT NULL, address TEXT NOT NULL, failures INTEGER NOT NULL, last_at DATETIME NOT NULL, "
    "UNIQUE (name, address)"
)


def _v8(conn: sqlite3.Connection) -> None:
    # Sign-in hardening. Each account gets a random session key, kept in its session cookie and replaced at
    # sign-out and at a password change, so old cookies stop working (an account removed and added again gets
    # a new key too). Failed sign-ins move out of the accounts into their own table, counted per name, per
    # client address and per both, so names that are not accounts are slowed down alike and an address
    # guessing across many names is slowed too; a counter is one row changed in one transaction.
    conn.execute("ALTER TABLE users ADD COLUMN session_key TEXT")
    conn.execute("UPDATE users SET session_key = lower(hex(randomblob(32)))")
    for column in ("failed_count", "last_failed_at"):
        conn.execute(f"ALTER TABLE users DROP COLUMN {column}")
    _attribute_table(
        conn,
        "sign_in_failures",
        SIGN_IN_FAILURES_COLUMNS,
        "Failed sign-ins in a row, per name, per client address and per both",
    )
    conn.execute("CREATE INDEX sign_in_failures_last_at ON sign_in_failures (last_at)")
    # A store that has accounts already requires sign-in from now on, even if they are all removed later.
    if conn.execute("SELECT count(*) FROM users").fetchone()[0]:
        conn.execute(f"INSERT OR REPLACE INTO {META_TABLE} VALUES ('setting.sign_in', 'on')")


def _v9(conn: sqlite3.Connection) -> None:
    # Safety-survey results (the police's trygghetsmätning, a municipality's own survey): one value per area,
    # year and indicator, with the area's outline where the survey gave one (a feature table whose geometry
    # may be empty, so GIS tools show the areas that have one).
    conn.execute(
        'CREATE TABLE "survey_results" ("fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "geom" GEOMETRY, '
        "municipality_code TEXT NOT NULL, area_id TEXT NOT NULL, area_name TEXT, year INTEGER NOT NULL, "
        "indicator TEXT NOT NULL, value REAL NOT NULL, source TEXT, imported_at DATETIME NOT NULL, "
        "UNIQUE (municipality_code, area_id, year, indicator))"
    )
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES ('survey_results', 'features', 'survey_results', ?, ?)",
        ("Safety-survey results per area, year and indicator", STORAGE_CRS),
    )
    conn.execute(
        "INSERT INTO gpkg_geometry_columns VALUES ('survey_results', 'geom', 'GEOMETRY', ?, 0, 0)", (STORAGE_CRS,)
    )


def fill_points(conn: sqlite3.Connection, layer: str, where: str = "x IS NULL") -> None:
    """Set each record's representative point (x, y): the point itself, or a point surely inside an area."""
    from geodata.store.gpkg import format as gpkg_format

    cursor = conn.execute(f'SELECT fid, geom FROM "{layer}" WHERE {where}')
    while chunk := cursor.fetchmany(50_000):
        points = shapely.point_on_surface(gpkg_format.decode([blob for _, blob in chunk]))
        xs, ys = shapely.get_x(points), shapely.get_y(points)  # an empty geometry stays NaN, in its own row
        conn.executemany(
            f'UPDATE "{layer}" SET x = ?, y = ? WHERE fid = ?',
            [
                (None if x != x else float(x), None if y != y else float(y), fid)
                for (fid, _), x, y in zip(chunk, xs, ys)
            ],
        )


def _stale_point_triggers(conn: sqlite3.Connection, layer: str) -> None:
    # A record added by another program (QGIS, GDAL) has no point (x is NULL); one moved there gets its point
    # cleared by this trigger, plain SQL that any SQLite runs. The store works such points out when it counts
    # (see GeoPackageStore.grid_counts).
    conn.execute(
        f'CREATE TRIGGER "{layer}_point_moved" AFTER UPDATE OF geom ON "{layer}" '
        f"WHEN NEW.x IS OLD.x AND NEW.y IS OLD.y AND NEW.geom IS NOT OLD.geom "
        f'BEGIN UPDATE "{layer}" SET x = NULL, y = NULL WHERE fid = NEW.fid; END'
    )


def _v10(conn: sqlite3.Connection) -> None:
    # Fast maps at national scale: every record's representative point as plain columns, and one covering index
    # per layer over what the map filters on and that point.
    for layer, columns in VIEW_INDEX_COLUMNS.items():
        conn.execute(f'ALTER TABLE "{layer}" ADD COLUMN x REAL')
        conn.execute(f'ALTER TABLE "{layer}" ADD COLUMN y REAL')
        fill_points(conn, layer)
        names = ", ".join(f'"{c}"' for c in (*columns, "x", "y"))
        conn.execute(f'CREATE INDEX "{layer}_view" ON "{layer}" ({names})')
        _stale_point_triggers(conn, layer)


# The fields migration 11 adds to the unsafe places: safe places as well as unsafe ones, and who reported.
REPORT_FIELDS = ("safety", "respondent_gender", "respondent_age")


def _v11(conn: sqlite3.Connection) -> None:
    # Safe places and who reported. A store created at this version already has the columns (version 1 builds
    # the tables from the current layer description), so only missing ones are added; a column with a default
    # (safety: 'unsafe') gives every existing row that value, as all data before was of unsafe places.
    _add_missing_columns(conn, LAYERS["unsafe_places"], REPORT_FIELDS)
    # The map filters on safety too: the covering index gets it (an old store's index was built without it).
    conn.execute('DROP INDEX IF EXISTS "unsafe_places_view"')
    names = ", ".join(f'"{c}"' for c in (*VIEW_INDEX_COLUMNS["unsafe_places"], "x", "y"))
    conn.execute(f'CREATE INDEX "unsafe_places_view" ON "unsafe_places" ({names})')


def _v12(conn: sqlite3.Connection) -> None:
    # What a promise's target counts over (vocab.TARGET_PERIODS). A store at version 10 runs 11 and then 12.
    columns = {row[1] for row in conn.execute('PRAGMA table_info("promises")')}
    if "target_per" not in columns:
        conn.execute('ALTER TABLE "promises" ADD COLUMN target_per TEXT')


def _v13(conn: sqlite3.Connection) -> None:
    # Follow-up: a person's judgement of each promise and goal per period, every version kept (a new save is a
    # new row), and documents edited in the dashboard (a lägesbild with its action plan), every version kept.
    # No foreign key to pledges: a pledge is saved by replacing its row, and its judgements stay.
    _attribute_table(
        conn,
        "judgements",
        "pledge_id TEXT NOT NULL, subject TEXT NOT NULL, subject_id TEXT NOT NULL, "
        "period TEXT NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL, text TEXT NOT NULL, "
        "evidence TEXT NOT NULL, judged_by TEXT NOT NULL, judged_at DATETIME NOT NULL, demo BOOLEAN NOT NULL, "
        "UNIQUE (pledge_id, subject, subject_id, period, version)",
        "Follow-up: the judged status of each promise and goal per period, every version",
    )
    _attribute_table(
        conn,
        "documents",
        "kind TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL, content TEXT NOT NULL, "
        "saved_by TEXT NOT NULL, saved_at DATETIME NOT NULL, UNIQUE (kind, key, version)",
        "Documents edited in the dashboard (lägesbild and action plan), every version",
    )


def _v14(conn: sqlite3.Connection) -> None:
    # Survey results that say how sure they are: the number of answers, a standard error or an interval, the
    # group of respondents (everyone, women, men, an age band) and whether the series breaks at the result (a
    # new scale); and each indicator described once. The group is part of a result's key, so the table is made
    # again (SQLite cannot change a UNIQUE constraint) with the rows it had, each for everyone.
    conn.execute(
        'CREATE TABLE "survey_results_v14" ("fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "geom" GEOMETRY, '
        "municipality_code TEXT NOT NULL, area_id TEXT NOT NULL, area_name TEXT, year INTEGER NOT NULL, "
        "indicator TEXT NOT NULL, group_code TEXT NOT NULL DEFAULT 'all', value REAL NOT NULL, n INTEGER, "
        "se REAL, ci_low REAL, ci_high REAL, series_break BOOLEAN NOT NULL DEFAULT 0, break_reason TEXT, "
        "source TEXT, imported_at DATETIME NOT NULL, "
        "UNIQUE (municipality_code, area_id, year, indicator, group_code))"
    )
    conn.execute(
        'INSERT INTO "survey_results_v14" (fid, geom, municipality_code, area_id, area_name, year, indicator, '
        "value, source, imported_at) SELECT fid, geom, municipality_code, area_id, area_name, year, indicator, "
        'value, source, imported_at FROM "survey_results"'
    )
    conn.execute('DROP TABLE "survey_results"')
    conn.execute('ALTER TABLE "survey_results_v14" RENAME TO "survey_results"')
    _attribute_table(
        conn,
        "survey_indicators",
        "name TEXT NOT NULL UNIQUE, kind TEXT, scale_min REAL, scale_max REAL, better TEXT, measures TEXT, "
        "source TEXT, updated_at DATETIME NOT NULL",
        "Safety-survey indicators: what each measures, its kind and scale, which way is better, its source",
    )


READ_LOG_COLUMNS = (
    "at DATETIME NOT NULL, username TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL, layer TEXT, "
    "record_ids TEXT NOT NULL, record_count INTEGER NOT NULL, query TEXT, route TEXT"
)


def _v15(conn: sqlite3.Connection) -> None:
    # Who read which records, when and from where (brottsdatalagen asks for a log of reads): one row per read
    # action, its record ids as one JSON list. Append-only as the audit log (_v5): the triggers refuse any
    # UPDATE or DELETE, so not even the application's own code can rewrite who read what.
    _attribute_table(conn, "read_log", READ_LOG_COLUMNS, "Who read which records, when and where (append-only)")
    conn.execute("CREATE INDEX read_log_at ON read_log (at)")
    conn.execute("CREATE INDEX read_log_username ON read_log (username, at)")
    for event in ("UPDATE", "DELETE"):
        conn.execute(
            f"CREATE TRIGGER read_log_no_{event.lower()} BEFORE {event} ON read_log "
            "BEGIN SELECT RAISE(ABORT, 'the read log cannot be changed'); END"
        )


def _v16(conn: sqlite3.Connection) -> None:
    # Retention (gallring): what a run deleted is kept as counts only, per layer, pledge, promise, kind, first
    # and last Swedish day and demo flag, so a promise's progress counts the records as before they went.
    _attribute_table(
        conn,
        "kept_counts",
        KEPT_COUNTS_COLUMNS,
        "Retention: how many deleted records each promise's progress still counts",
    )
    conn.execute('CREATE INDEX "kept_counts_key" ON "kept_counts" (layer, promise_id, pledge_id, first_day, last_day)')
    # The audit log stays append-only, but a retention run blanks the values in the entries of the records it
    # deletes for good (a deleted record whose values stay in the log is not deleted): an update that keeps
    # an entry's time, actor, action, layer and record passes while the run's marker is in the meta table.
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN NOT ("
        f"EXISTS (SELECT 1 FROM {META_TABLE} WHERE key = '{AUDIT_REDACTING}') AND NEW.fid IS OLD.fid AND NEW.at IS OLD.at "
        "AND NEW.actor IS OLD.actor AND NEW.action IS OLD.action AND NEW.layer IS OLD.layer "
        "AND NEW.record_id IS OLD.record_id) BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END"
    )


# The kept counts' columns (shared with a copy's table list in geodata.store.rules).
KEPT_COUNTS_COLUMNS = (
    "layer TEXT NOT NULL, pledge_id TEXT, promise_id TEXT, kind TEXT, first_day DATE, last_day DATE, "
    "demo BOOLEAN NOT NULL, records INTEGER NOT NULL, kept_at DATETIME NOT NULL"
)


MIGRATIONS: list[Migration] = [
    Migration(1, "GeoPackage core, pledges, promises and the three layers in EPSG:3006", _v1),
    Migration(2, "an index on each layer's source_id, for imports that skip records already stored", _v2),
    Migration(3, "the police's published events, as a context table", _v3),
    Migration(4, "local accounts with roles", _v4),
    Migration(5, "the audit log", _v5),
    Migration(6, "inspection workflow fields on inventoried sites", _v6),
    Migration(7, "soft delete of records", _v7),
    Migration(8, "session keys per account; failed sign-ins per name and client address", _v8),
    Migration(9, "safety-survey results per area, year and indicator", _v9),
    Migration(10, "each record's representative point, and a covering index for maps", _v10),
    Migration(11, "safe places as well as unsafe ones, and the respondent's gender and age band", _v11),
    Migration(12, "what each promise's target counts over (per year, month, week, day or the period)", _v12),
    Migration(13, "follow-up judgements per promise, goal and period, and versioned documents", _v13),
    Migration(14, "survey results with n, intervals, groups and series breaks; indicators described once", _v14),
    Migration(15, "the read log: who read which records, when and where (append-only)", _v15),
    Migration(16, "retention: counts kept of the records a retention run deleted, for the follow-up", _v16),
]


def latest_version() -> int:
    return MIGRATIONS[-1].version
