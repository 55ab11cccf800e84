"""What every store backend does alike: values as the audit log keeps them, and the checks before a change.

The GeoPackage and PostGIS stores differ in their SQL, not in what they
accept or in how they describe a change.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.errors import Problem, SchemaError, ValidationError
from geodata.layers import STORAGE_CRS, SYSTEM_FIELDS, Layer
from geodata.validate import validate_records


def utc_text(value: dt.datetime) -> str:
    """GeoPackage DATETIME text: UTC with milliseconds and a Z."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def json_safe(value: Any, kind: str | None = None) -> Any:
    """A value as the audit log keeps it: dates and times as ISO text, numbers as numbers, missing as None."""
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if kind == "date" and isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.datetime):
        return utc_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


# The columns of an account, as stored and as :func:`account` reads them.
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

# A survey result's columns as imported (and stored, beside its geometry and import time), and what identifies one.
SURVEY_COLUMNS = (
    "municipality_code",
    "area_id",
    "area_name",
    "year",
    "indicator",
    "group_code",
    "value",
    "n",
    "se",
    "ci_low",
    "ci_high",
    "series_break",
    "break_reason",
    "source",
)
SURVEY_KEY = ("municipality_code", "area_id", "year", "indicator", "group_code")
# What a result measured: a stored one that says otherwise is replaced only when asked (one that said nothing,
# an n or an interval added later, is completed).
SURVEY_MEASURED = ("value", "n", "se", "ci_low", "ci_high", "series_break", "break_reason")
INDICATOR_COLUMNS = ("name", "kind", "scale_min", "scale_max", "better", "measures", "source")

# The layers whose records link to a promise (the others link to a pledge).
PROMISE_LINKED_LAYERS = ("inventoried_sites", "operations")


# The store's own table of keys and values (schema version, settings), in both backends.
META_TABLE = "pledgemap_meta"
# The meta table's key under which a retention run blanks the audit entries of the records it deleted for
# good: the audit log's triggers let only that change through, and only while the key is there (see
# geodata.store.sql.SQLStore._redact_audit).
AUDIT_REDACTING = "audit.redacting"


def audit_json(values: dict[str, Any] | None) -> str | None:
    """An audit entry's before or after values as the log stores them: JSON text of :func:`json_safe` values."""
    if values is None:
        return None
    return json.dumps({k: json_safe(v) for k, v in values.items()}, ensure_ascii=False)


def newer_schema(where: object, version: int, latest: int) -> SchemaError:
    """The error for a store written by a newer Pledgemap than this one."""
    return SchemaError(
        f"{where} has schema version {version}, newer than this Pledgemap (version {latest}); upgrade Pledgemap to open it"
    )


def wkt(geom) -> str | None:
    return None if geom is None else shapely.to_wkt(geom, rounding_precision=2)


def refuse_managed_changes(layer: str, record_id: str, changes: dict[str, Any]) -> None:
    """The id, version and timestamps are the store's to set: a change naming them is refused."""
    locked = {"id", "version", "created_at", "updated_at"} & set(changes)
    if locked:
        raise ValidationError(
            [
                Problem(
                    f"{layer} record {record_id}",
                    name,
                    "is set by the store; expected it to be left out of the changes",
                )
                for name in sorted(locked)
            ]
        )


def changed_record(spec: Layer, current: gpd.GeoDataFrame, changes: dict[str, Any], link_ids: list[str]):
    """The stored record with ``changes`` applied, validated as an import is: (row, geometry)."""
    candidate = current.drop(columns=["version", "created_at", "updated_at"])
    for name, value in changes.items():
        if name == "geometry":
            value = gpd.GeoSeries([value], crs=changes.get("crs", STORAGE_CRS)).to_crs(STORAGE_CRS).iloc[0]
        elif name == "crs":
            continue
        if name not in candidate.columns:
            candidate[name] = None
        candidate[name] = pd.Series([value], index=candidate.index, dtype=object)
    batch = validate_records(spec, candidate, link_ids)
    return batch.rows[0], batch.geometries[0]


def edit_entry(spec: Layer, current: gpd.GeoDataFrame, row: dict[str, Any], geom) -> tuple[dict, dict]:
    """The audit entry of an edit: the values that changed, before and after."""
    kinds = {f.name: f.kind for f in (*SYSTEM_FIELDS, *spec.fields)}
    stored = current.iloc[0].to_dict()
    old = {name: json_safe(stored.get(name), kinds.get(name)) for name in (*spec.field_names, "demo", "source_id")}
    new = {name: json_safe(row.get(name), kinds.get(name)) for name in old}
    old["geometry"], new["geometry"] = wkt(current.geometry.iloc[0]), wkt(geom)
    changed = [name for name in old if old[name] != new[name]]
    return {k: old.get(k) for k in changed}, {k: new.get(k) for k in changed}


def create_entry(spec: Layer, row: dict[str, Any], geom) -> dict[str, Any]:
    """The audit entry of a new record: every value."""
    kinds = {f.name: f.kind for f in (*SYSTEM_FIELDS, *spec.fields)}
    return {**{k: json_safe(v, kinds.get(k)) for k, v in row.items()}, "geometry": wkt(geom)}


def account(values: dict[str, Any]):
    """An :class:`~geodata.access.accounts.Account` from a stored row's values."""
    from geodata.records import Account

    moment = lambda v: (
        v if isinstance(v, dt.datetime) or v is None else dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    )
    return Account(
        values["username"],
        values["role"],
        values["password_hash"],
        values["display_name"],
        values["organisation"],
        moment(values["created_at"]),
        moment(values["updated_at"]),
        values["session_key"] or "",
    )


# What a map filters on, per layer: with the representative point (x, y) in the same index (both backends' covering
# index of a layer), a crowded map is counted per grid cell from the index alone, without touching a row (a
# million reports: tens of milliseconds).
VIEW_INDEX_COLUMNS = {
    "unsafe_places": (
        "pledge_id",
        "deleted_at",
        "reported_on",
        "category",
        "source",
        "safety",
        "report_count",
        "demo",
    ),
    "inventoried_sites": ("promise_id", "deleted_at", "inspected_on", "status", "site_type", "owner", "demo"),
    "operations": ("promise_id", "deleted_at", "starts_at", "ends_at", "kind", "visibility", "demo"),
}


# -- copying a whole store between backends -----------------------------------------------------------------


def copy_tables() -> dict[str, list[tuple[str, str]]]:
    """Every table a whole-store copy carries, with each column's kind, in the order they are loaded.

    Values travel as Python values: ``date``/``datetime`` (UTC) objects,
    ``bool``, ``json`` as lists and dicts, ``geom`` as ISO WKB bytes. Sign-in
    counters do not travel: they are about the server the store was on.
    """
    from geodata.layers import LAYERS

    record = [
        ("id", "text"),
        ("version", "int"),
        ("created_at", "datetime"),
        ("updated_at", "datetime"),
        ("demo", "bool"),
    ]
    tables = {
        "pledges": [
            *record,
            ("title", "text"),
            ("municipality_code", "text"),
            ("municipality_name", "text"),
            ("period_start", "date"),
            ("period_end", "date"),
            ("document", "json"),
        ],
        "promises": [
            *record,
            ("pledge_id", "text"),
            ("position", "int"),
            ("text", "text"),
            ("kind", "text"),
            ("parties", "json"),
            ("target", "int"),
            ("target_unit", "text"),
            ("target_per", "text"),
            ("period_start", "date"),
            ("period_end", "date"),
            ("evidence_layer", "text"),
            ("evidence_kinds", "json"),
        ],
    }
    for layer in LAYERS.values():
        tables[layer.name] = [
            ("geom", "geom"),
            *((f.name, "text" if f.kind == "choice" else f.kind) for f in (*SYSTEM_FIELDS, *layer.fields)),
            ("deleted_at", "datetime"),
        ]
    tables.update(
        {
            "police_events": [
                ("id", "int"),
                ("published_at", "datetime"),
                ("title", "text"),
                ("type", "text"),
                ("summary", "text"),
                ("url", "text"),
                ("location_name", "text"),
                ("municipality_code", "text"),
                ("imported_at", "datetime"),
            ],
            "users": [
                ("username", "text"),
                ("display_name", "text"),
                ("role", "text"),
                ("organisation", "text"),
                ("password_hash", "text"),
                ("created_at", "datetime"),
                ("updated_at", "datetime"),
                ("session_key", "text"),
            ],
            "audit_log": [
                ("at", "datetime"),
                ("actor", "text"),
                ("action", "text"),
                ("layer", "text"),
                ("record_id", "text"),
                ("before", "json"),
                ("after", "json"),
            ],
            "read_log": [
                ("at", "datetime"),
                ("username", "text"),
                ("role", "text"),
                ("action", "text"),
                ("layer", "text"),
                ("record_ids", "json"),
                ("record_count", "int"),
                ("query", "text"),
                ("route", "text"),
            ],
            "settings": [("key", "text"), ("value", "text")],
            "survey_results": [
                ("geom", "geom"),
                ("municipality_code", "text"),
                ("area_id", "text"),
                ("area_name", "text"),
                ("year", "int"),
                ("indicator", "text"),
                ("group_code", "text"),
                ("value", "float"),
                ("n", "int"),
                ("se", "float"),
                ("ci_low", "float"),
                ("ci_high", "float"),
                ("series_break", "bool"),
                ("break_reason", "text"),
                ("source", "text"),
                ("imported_at", "datetime"),
            ],
            "survey_indicators": [
                ("name", "text"),
                ("kind", "text"),
                ("scale_min", "float"),
                ("scale_max", "float"),
                ("better", "text"),
                ("measures", "text"),
                ("source", "text"),
                ("updated_at", "datetime"),
            ],
            "judgements": [
                ("pledge_id", "text"),
                ("subject", "text"),
                ("subject_id", "text"),
                ("period", "text"),
                ("version", "int"),
                ("status", "text"),
                ("text", "text"),
                ("evidence", "json"),
                ("judged_by", "text"),
                ("judged_at", "datetime"),
                ("demo", "bool"),
            ],
            "kept_counts": [
                ("layer", "text"),
                ("pledge_id", "text"),
                ("promise_id", "text"),
                ("kind", "text"),
                ("first_day", "date"),
                ("last_day", "date"),
                ("demo", "bool"),
                ("records", "int"),
                ("kept_at", "datetime"),
            ],
            "documents": [
                ("kind", "text"),
                ("key", "text"),
                ("version", "int"),
                ("content", "json"),
                ("saved_by", "text"),
                ("saved_at", "datetime"),
            ],
        }
    )
    return tables


# The order rows are dumped in, the same from every backend (insertion order, ``fid``, where it carries meaning).
COPY_ORDER = {
    "pledges": "id",
    "promises": "pledge_id, position",
    "police_events": "id",
    "users": "username",
    "settings": "key",
    "survey_indicators": "name",
}


# The tables a store must not hold rows in to take a copy.
DATA_TABLES = (
    "pledges",
    "promises",
    "unsafe_places",
    "inventoried_sites",
    "operations",
    "police_events",
    "users",
    "audit_log",
    "read_log",
    "survey_results",
    "survey_indicators",
    "judgements",
    "documents",
    "kept_counts",
)


# -- what a save must not break -------------------------------------------------------------------------------


def orphaned_promise(pledge_id: str, promise_id: str, layer: str) -> Problem:
    return Problem(
        f"pledge {pledge_id}",
        "promises",
        f"promise {promise_id!r} would be removed, but {layer} records "
        "link to it; expected the promise to stay or its records to be "
        "relinked first",
        "orphaned_promise",
        {"value": promise_id},
    )


def judged_period_removed(pledge_id: str, period: str, periods: list[str]) -> Problem:
    return Problem(
        f"pledge {pledge_id}",
        "follow_up_period",
        f"the follow-up period {period} is judged, but the pledge's period and cadence no longer have it "
        f"(they have {', '.join(periods)}); expected a period and cadence that keep every judged period",
        "judged_period_removed",
        {"value": period},
    )


def judged_promise(pledge_id: str, promise_id: str) -> Problem:
    return Problem(
        f"pledge {pledge_id}",
        "promises",
        f"promise {promise_id!r} would be removed, but it is judged; expected the promise to stay",
        "judged_promise",
        {"value": promise_id},
    )


def counted_promise(pledge_id: str, promise_id: str) -> Problem:
    return Problem(
        f"pledge {pledge_id}",
        "promises",
        f"promise {promise_id!r} would be removed, but its progress counts records a retention run deleted; "
        "expected the promise to stay",
        "counted_promise",
        {"value": promise_id},
    )


def orphaned_goal(pledge_id: str, goal_id: str) -> Problem:
    return Problem(
        f"pledge {pledge_id}",
        "goals",
        f"goal {goal_id!r} would be removed, but it is judged; expected the goal to stay",
        "orphaned_goal",
        {"value": goal_id},
    )


def promise_of_another_pledge(pledge_id: str, promise_id: str, owner: str) -> Problem:
    return Problem(
        f"pledge {pledge_id}",
        "promises",
        f"promise id {promise_id!r} already belongs to pledge {owner!r}; expected ids unique across pledges",
        "promise_of_another_pledge",
        {"value": promise_id, "owner": owner},
    )


def id_taken(layer: str, record_id: str, holder: str | None = None) -> Problem:
    """A new record's id that a record of ``holder`` (its own layer, or another) has already."""
    if holder is None or holder == layer:
        return Problem(
            f"{layer} record with id {record_id}",
            "id",
            "is already stored; expected a new id (use update_record to change a stored record)",
            "id_taken",
        )
    return Problem(
        f"{layer} record with id {record_id}",
        "id",
        f"is the id of a record of {holder}; expected an id no record of any layer has (leave it empty for a new one)",
        "id_in_other_layer",
        {"layer": holder},
    )


def survey_conflict(row: dict[str, Any], field: str, stored: Any) -> Problem:
    group = "" if row.get("group_code") in (None, "all") else f" ({row['group_code']})"
    return Problem(
        f"survey result {row['indicator']} {row['year']} for area {row['area_id']}{group}",
        field,
        f"is {row[field]}, but {stored} is stored; expected the same value, or an import that replaces "
        "stored results",
        "survey_conflict",
        {"value": row[field], "stored": stored, "indicator": row["indicator"], "year": row["year"],
         "area": row["area_id"]},
    )  # fmt: skip


def indicator_conflict(name: str, field: str, stored: Any, given: Any) -> Problem:
    return Problem(
        f"indicator {name}",
        field,
        f"is {given!r}, but {stored!r} is stored; expected the same description, or an import that replaces it",
        "indicator_conflict",
        {"value": given, "stored": stored, "indicator": name},
    )


def pledge_document(pledge) -> dict[str, Any]:
    """A pledge as stored: checked for a known kommun code, the promises apart (they have rows of their own)."""
    from geodata.boundaries import municipality
    from geodata.errors import NotFoundError

    try:
        municipality(pledge.municipality.code)
    except NotFoundError as exc:
        raise ValidationError(
            Problem(
                f"pledge {pledge.id}",
                "municipality.code",
                str(exc),
                "unknown_kommun_code",
                {"value": pledge.municipality.code},
            )
        ) from None
    document = pledge.to_dict()
    document.pop("promises")
    return document


def promise_from_row(row) -> dict[str, Any]:
    """A stored promise row (id, text, kind, parties, target, unit, start, end, evidence layer and kinds, and
    what the target counts per) as the pledge document has it."""
    per = {"target_per": row[10]} if row[10] is not None else {}
    return {
        "id": row[0],
        "text": row[1],
        "kind": row[2],
        "parties": row[3],
        "target": row[4],
        "target_unit": row[5],
        "period": {"start": row[6], "end": row[7]} if row[6] else None,
        "evidence": {"layer": row[8], "kinds": row[9]},
        **per,
    }


def account_entry(before, user) -> tuple[dict | None, dict] | None:
    """The audit entry of saving ``user`` over ``before`` (None: a new account), or None if nothing audited changed.

    Who may do what is audited; a new session key (at sign-out) is not a change to the account.
    """
    shown = ("role", "organisation", "display_name")
    old = {k: getattr(before, k) for k in shown} if before else None
    new = {k: getattr(user, k) for k in shown}
    if before is not None and before.password_hash != user.password_hash:
        new["password"] = "changed"
    return None if old == new else (old, new)
