"""The PostGIS store's tables (SQLAlchemy with GeoAlchemy2) and its migrations.

The same tables as the GeoPackage store, in PostgreSQL's own types: dates as
``date``, moments as ``timestamptz``, lists and documents as ``jsonb``,
geometries as ``geometry(Geometry, 3006)`` with GiST indexes. Each record's
representative point (x, y) is a generated column beside its geometry, which
the database keeps right on every write, and each layer has a covering B-tree
index of what the map filters on with that point (as the GeoPackage store's),
so grid counts and counts are index-only scans. The audit log is append-only
here too: a trigger refuses any UPDATE, DELETE or TRUNCATE, and so is the read log
(who read which records).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Computed,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeEngine

from geodata.layers import LAYERS, STORAGE_CRS, SYSTEM_FIELDS, Field, Layer
from geodata.store.rules import AUDIT_REDACTING, META_TABLE, SURVEY_KEY, VIEW_INDEX_COLUMNS

KIND_TYPES: dict[str, type[TypeEngine[Any]] | TypeEngine[Any]] = {
    "text": Text,
    "choice": Text,
    "int": Integer,
    "date": Date,
    "datetime": DateTime(timezone=True),
    "bool": Boolean,
}


def _field_column(field: Field) -> Column[Any]:
    # A field with a default is never empty in the store: the default also fills rows written by other programs.
    if field.default is not None:
        return Column(field.name, KIND_TYPES[field.kind], nullable=False, server_default=field.default)
    return Column(field.name, KIND_TYPES[field.kind], nullable=not field.required, unique=field.name == "id")


def _layer_table(metadata: MetaData, layer: Layer) -> Table:
    columns = [
        Column("fid", BigInteger, primary_key=True, autoincrement=True),
        Column("geom", Geometry(srid=STORAGE_CRS, spatial_index=True), nullable=False),
    ]
    for field in (*SYSTEM_FIELDS, *layer.fields):
        columns.append(_field_column(field))
    columns.append(Column("deleted_at", DateTime(timezone=True)))
    columns.extend(Column(name, Float, Computed(sql, persisted=True)) for name, sql in POINT_COLUMNS.items())
    return Table(
        layer.name,
        metadata,
        *columns,
        Index(f"{layer.name}_{layer.link_field}", layer.link_field),
        Index(f"{layer.name}_{layer.time_field}", layer.time_field),
        Index(f"{layer.name}_source_id", "source_id"),
        Index(
            view_index(layer.name),
            *(c for c in VIEW_INDEX_COLUMNS[layer.name] if c in {column.name for column in columns}),
            postgresql_include=list(POINT_COLUMNS),
        ),
    )


# Each record's representative point, kept by the database itself beside the geometry (the point itself, or a
# point surely inside an area; NULL for an empty geometry): whatever writes a row (the store, a copy, psql or
# QGIS), the point is right.
POINT_COLUMNS = {"x": "ST_X(ST_PointOnSurface(geom))", "y": "ST_Y(ST_PointOnSurface(geom))"}


def view_index(layer: str) -> str:
    """The name of ``layer``'s covering index: what the map filters on, and the point (x, y) included."""
    return f"{layer}_view"


def tables() -> MetaData:
    metadata = MetaData()

    def record() -> list[Column[Any]]:
        return [
            Column("id", Text, primary_key=True),
            Column("version", Integer, nullable=False),
            Column("created_at", DateTime(timezone=True), nullable=False),
            Column("updated_at", DateTime(timezone=True), nullable=False),
            Column("demo", Boolean, nullable=False),
        ]

    Table(META_TABLE, metadata, Column("key", Text, primary_key=True), Column("value", Text, nullable=False))
    Table(
        "pledges",
        metadata,
        *record(),
        Column("title", Text, nullable=False),
        Column("municipality_code", Text, nullable=False),
        Column("municipality_name", Text, nullable=False),
        Column("period_start", Date, nullable=False),
        Column("period_end", Date, nullable=False),
        Column("document", JSONB, nullable=False),
    )
    Table(
        "promises",
        metadata,
        *record(),
        Column("pledge_id", Text, nullable=False, index=True),
        Column("position", Integer, nullable=False),
        Column("text", Text, nullable=False),
        Column("kind", Text, nullable=False),
        Column("parties", JSONB, nullable=False),
        Column("target", Integer),
        Column("target_unit", Text),
        Column("target_per", Text),
        Column("period_start", Date),
        Column("period_end", Date),
        Column("evidence_layer", Text, nullable=False),
        Column("evidence_kinds", JSONB, nullable=False),
    )
    for layer in LAYERS.values():
        _layer_table(metadata, layer)
    Table(
        "police_events",
        metadata,
        Column("id", BigInteger, primary_key=True),
        Column("published_at", DateTime(timezone=True), nullable=False),
        Column("title", Text, nullable=False),
        Column("type", Text, nullable=False),
        Column("summary", Text),
        Column("url", Text),
        Column("location_name", Text),
        Column("municipality_code", Text),
        Column("imported_at", DateTime(timezone=True), nullable=False),
        Index("police_events_municipality", "municipality_code", "published_at"),
    )
    Table(
        "users",
        metadata,
        Column("fid", BigInteger, primary_key=True, autoincrement=True),
        Column("username", Text, nullable=False, unique=True),
        Column("display_name", Text),
        Column("role", Text, nullable=False),
        Column("organisation", Text),
        Column("password_hash", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Column("session_key", Text),
    )
    Table(
        "audit_log",
        metadata,
        Column("fid", BigInteger, primary_key=True, autoincrement=True),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("actor", Text, nullable=False),
        Column("action", Text, nullable=False),
        Column("layer", Text),
        Column("record_id", Text, index=True),
        Column("before", JSONB),
        Column("after", JSONB),
    )
    Table(
        "read_log",
        metadata,
        Column("fid", BigInteger, primary_key=True, autoincrement=True),
        Column("at", DateTime(timezone=True), nullable=False, index=True),
        Column("username", Text, nullable=False),
        Column("role", Text, nullable=False),
        Column("action", Text, nullable=False),
        Column("layer", Text),
        Column("record_ids", JSONB, nullable=False),
        Column("record_count", Integer, nullable=False),
        Column("query", Text),
        Column("route", Text),
        Index("read_log_username", "username", "at"),
    )
    Table(
        "sign_in_failures",
        metadata,
        Column("name", Text, nullable=False),
        Column("address", Text, nullable=False),
        Column("failures", Integer, nullable=False),
        Column("last_at", DateTime(timezone=True), nullable=False, index=True),
        UniqueConstraint("name", "address"),
    )
    Table("settings", metadata, Column("key", Text, primary_key=True), Column("value", Text, nullable=False))
    Table(
        "survey_results",
        metadata,
        Column("fid", BigInteger, primary_key=True, autoincrement=True),
        Column("geom", Geometry(srid=STORAGE_CRS, spatial_index=True), nullable=True),
        Column("municipality_code", Text, nullable=False),
        Column("area_id", Text, nullable=False),
        Column("area_name", Text),
        Column("year", Integer, nullable=False),
        Column("indicator", Text, nullable=False),
        Column("group_code", Text, nullable=False, server_default="all"),
        Column("value", Float, nullable=False),
        Column("n", Integer),
        Column("se", Float),
        Column("ci_low", Float),
        Column("ci_high", Float),
        Column("series_break", Boolean, nullable=False, server_default=false()),
        Column("break_reason", Text),
        Column("source", Text),
        Column("imported_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint(*SURVEY_KEY, name=SURVEY_KEY_CONSTRAINT),
    )
    Table(
        "survey_indicators",
        metadata,
        Column("fid", BigInteger, primary_key=True, autoincrement=True),
        Column("name", Text, nullable=False, unique=True),
        Column("kind", Text),
        Column("scale_min", Float),
        Column("scale_max", Float),
        Column("better", Text),
        Column("measures", Text),
        Column("source", Text),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    Table(
        "judgements",
        metadata,
        Column("fid", BigInteger, primary_key=True, autoincrement=True),
        Column("pledge_id", Text, nullable=False, index=True),
        Column("subject", Text, nullable=False),
        Column("subject_id", Text, nullable=False),
        Column("period", Text, nullable=False),
        Column("version", Integer, nullable=False),
        Column("status", Text, nullable=False),
        Column("text", Text, nullable=False),
        Column("evidence", JSONB, nullable=False),
        Column("judged_by", Text, nullable=False),
        Column("judged_at", DateTime(timezone=True), nullable=False),
        Column("demo", Boolean, nullable=False),
        UniqueConstraint("pledge_id", "subject", "subject_id", "period", "version"),
    )
    Table(
        "documents",
        metadata,
        Column("fid", BigInteger, primary_key=True, autoincrement=True),
        Column("kind", Text, nullable=False),
        Column("key", Text, nullable=False),
        Column("version", Integer, nullable=False),
        Column("content", JSONB, nullable=False),
        Column("saved_by", Text, nullable=False),
        Column("saved_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("kind", "key", "version"),
    )
    Table(
        "kept_counts",
        metadata,
        Column("fid", BigInteger, primary_key=True, autoincrement=True),
        Column("layer", Text, nullable=False),
        Column("pledge_id", Text),
        Column("promise_id", Text),
        Column("kind", Text),
        Column("first_day", Date),
        Column("last_day", Date),
        Column("demo", Boolean, nullable=False),
        Column("records", Integer, nullable=False),
        Column("kept_at", DateTime(timezone=True), nullable=False),
        Index("kept_counts_key", "layer", "promise_id", "pledge_id", "first_day", "last_day"),
    )
    return metadata


def _v1(conn: Connection) -> None:
    # The whole schema as the GeoPackage store has it at its version 9 (this backend starts there).
    tables().create_all(conn)
    conn.execute(
        text("""
        CREATE FUNCTION pledgemap_audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log cannot be changed'; END $$""")
    )
    conn.execute(
        text(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION pledgemap_audit_log_is_append_only()"
        )
    )
    conn.execute(
        text(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION pledgemap_audit_log_is_append_only()"
        )
    )


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


# The fields migration 2 adds to the unsafe places: safe places as well as unsafe ones, and who reported.
REPORT_FIELDS = ("safety", "respondent_gender", "respondent_age")


def _v2(conn: Connection) -> None:
    # Safe places and who reported. A database created at this version already has the columns (version 1
    # creates the tables from the current layer description), so only missing ones are added; the default
    # (safety: 'unsafe') gives every existing row that value, as all data before was of unsafe places.
    layer = LAYERS["unsafe_places"]
    present = {
        row[0]
        for row in conn.execute(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = 'unsafe_places'"
            )
        )
    }
    dialect = conn.dialect
    for name in REPORT_FIELDS:
        if name in present:
            continue
        field = layer.field(name)
        column = _field_column(field)
        sql_type = column.type.compile(dialect=dialect)
        constraint = f" NOT NULL DEFAULT '{field.default}'" if field.default is not None else ""
        conn.execute(text(f'ALTER TABLE "unsafe_places" ADD COLUMN "{name}" {sql_type}{constraint}'))


def _v3(conn: Connection) -> None:
    # What a promise's target counts over. Version 1 creates it with the tables of today (tables() above);
    # a database made before is given the column.
    conn.execute(text("ALTER TABLE promises ADD COLUMN IF NOT EXISTS target_per TEXT"))


def _v4(conn: Connection) -> None:
    # Follow-up judgements and versioned documents. Version 1 creates them with the tables of today; a database
    # made before is given them.
    metadata = tables()
    for name in ("judgements", "documents"):
        metadata.tables[name].create(conn, checkfirst=True)


# The survey results' key (with the group of respondents since migration 5), and the one PostgreSQL named before.
SURVEY_KEY_CONSTRAINT = "survey_results_key"
_OLD_SURVEY_KEY = "survey_results_municipality_code_area_id_year_indicator_key"
# What migration 5 adds to the survey results: how sure a result is, its group and whether its series breaks.
_SURVEY_ADDED = (
    ("group_code", "TEXT NOT NULL DEFAULT 'all'"),
    ("n", "INTEGER"),
    ("se", "DOUBLE PRECISION"),
    ("ci_low", "DOUBLE PRECISION"),
    ("ci_high", "DOUBLE PRECISION"),
    ("series_break", "BOOLEAN NOT NULL DEFAULT false"),
    ("break_reason", "TEXT"),
)


def _v5(conn: Connection) -> None:
    # Survey results that say how sure they are, per group of respondents, and indicators described once.
    # Version 1 creates them as they are today; a database made before is given the columns (its rows are for
    # everyone), the key with the group, and the indicators' table.
    for name, definition in _SURVEY_ADDED:
        conn.execute(text(f'ALTER TABLE survey_results ADD COLUMN IF NOT EXISTS "{name}" {definition}'))
    conn.execute(text(f"ALTER TABLE survey_results DROP CONSTRAINT IF EXISTS {_OLD_SURVEY_KEY}"))
    if not conn.execute(text("SELECT 1 FROM pg_constraint WHERE conname = :n"), {"n": SURVEY_KEY_CONSTRAINT}).first():
        conn.execute(
            text(f"ALTER TABLE survey_results ADD CONSTRAINT {SURVEY_KEY_CONSTRAINT} UNIQUE ({', '.join(SURVEY_KEY)})")
        )
    tables().tables["survey_indicators"].create(conn, checkfirst=True)


def _v6(conn: Connection) -> None:
    # Fast maps at national scale, as the GeoPackage store's migration 10: each record's representative point as
    # generated columns (one rewrite of each layer's table, which computes the points of the rows it has), and a
    # covering index per layer. Version 1 creates them with the tables of today; a database made before is
    # given them. migrate() vacuums the layers afterwards, so the index answers without visiting the rows.
    for layer, columns in VIEW_INDEX_COLUMNS.items():
        added = ", ".join(
            f'ADD COLUMN IF NOT EXISTS "{name}" double precision GENERATED ALWAYS AS ({sql}) STORED'
            for name, sql in POINT_COLUMNS.items()
        )
        conn.execute(text(f'ALTER TABLE "{layer}" {added}'))
        keys = ", ".join(f'"{c}"' for c in columns)
        included = ", ".join(f'"{c}"' for c in POINT_COLUMNS)
        conn.execute(
            text(f'CREATE INDEX IF NOT EXISTS "{view_index(layer)}" ON "{layer}" ({keys}) INCLUDE ({included})')
        )


def _v7(conn: Connection) -> None:
    # The read log (as the GeoPackage store's migration 15): who read which records, when and from where.
    # Version 1 creates the table with those of today; a database made before is given it. Append-only as the
    # audit log: triggers refuse any UPDATE, DELETE or TRUNCATE.
    tables().tables["read_log"].create(conn, checkfirst=True)
    conn.execute(
        text("""
        CREATE OR REPLACE FUNCTION pledgemap_read_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the read log cannot be changed'; END $$""")
    )
    conn.execute(
        text(
            "CREATE TRIGGER read_log_append_only BEFORE UPDATE OR DELETE ON read_log "
            "FOR EACH ROW EXECUTE FUNCTION pledgemap_read_log_is_append_only()"
        )
    )
    conn.execute(
        text(
            "CREATE TRIGGER read_log_no_truncate BEFORE TRUNCATE ON read_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION pledgemap_read_log_is_append_only()"
        )
    )


def _v8(conn: Connection) -> None:
    # Retention (gallring): the counts kept of deleted records, as the GeoPackage store's migration 16. Version 1
    # creates the table with the tables of today; a database made before is given it.
    tables().tables["kept_counts"].create(conn, checkfirst=True)
    # The audit log stays append-only, but a retention run blanks the values in the entries of the records it
    # deletes for good (a deleted record whose values stay in the log is not deleted): an update that keeps an
    # entry's time, actor, action, layer and record passes while the run's marker is in the meta table, which
    # no other transaction sees.
    conn.execute(
        text(f"""
        CREATE OR REPLACE FUNCTION pledgemap_audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM {META_TABLE} WHERE key = '{AUDIT_REDACTING}')
               AND NEW.fid = OLD.fid AND NEW.at = OLD.at AND NEW.actor = OLD.actor AND NEW.action = OLD.action
               AND NEW.layer IS NOT DISTINCT FROM OLD.layer AND NEW.record_id IS NOT DISTINCT FROM OLD.record_id
            THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'the audit log cannot be changed';
        END $$""")
    )


MIGRATIONS = [
    Migration(1, "every table of the store, with GiST indexes and the append-only audit log", _v1),
    Migration(2, "safe places as well as unsafe ones, and the respondent's gender and age band", _v2),
    Migration(3, "what each promise's target counts over (per year, month, week, day or the period)", _v3),
    Migration(4, "follow-up judgements per promise, goal and period, and versioned documents", _v4),
    Migration(5, "survey results with n, intervals, groups and series breaks; indicators described once", _v5),
    Migration(6, "each record's representative point, and a covering index for maps", _v6),
    Migration(7, "the read log: who read which records, when and where (append-only)", _v7),
    Migration(8, "retention: counts kept of the records a retention run deleted, for the follow-up", _v8),
]


def latest_version() -> int:
    return MIGRATIONS[-1].version
