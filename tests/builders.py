"""Small named builders for test data: each returns a valid value, and a test changes only what it is about."""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import geopandas as gpd
from shapely.geometry import Point, Polygon

# Positions inside the municipalities, in WGS84 (lon, lat).
KINNA = (12.6940, 57.5080)
MOLNDAL_CENTRUM = (12.0138, 57.6554)
OSLO = (10.7522, 59.9139)


def pledge_dict(**overrides: Any) -> dict[str, Any]:
    data = {
        "id": "test-2024",
        "title": "Medborgarlöfte Testkommun 2024",
        "municipality": {"name": "Mark", "code": "1463"},
        "police_area": {"name": "Lokalpolisområde Borås", "code": "550220"},
        "partners": [
            {"id": "polisen", "name": "Lokalpolisområde Borås", "kind": "police"},
            {"id": "kommunen", "name": "Marks kommun", "kind": "municipality"},
        ],
        "period": {"start": "2024-01-01", "end": "2024-12-31"},
        "focus": "Narkotika i det offentliga rummet",
        "problem_picture": {"citizens": "Otrygghet vid centrum."},
        "promises": [
            {
                "id": "test-2024-insatser",
                "text": "Minst fyra riktade insatser",
                "parties": ["polisen"],
                "kind": "targeted_operation",
                "target": 4,
            },
            {
                "id": "test-2024-inventering",
                "text": "Inventering av platser",
                "parties": ["kommunen", "polisen"],
                "kind": "place_inventory",
            },
        ],
        "goals": [{"id": "trygghet", "text": "Ökad trygghet"}],
        "follow_up": [{"kind": "dialogue", "label": "Medborgardialoger"}],
    }
    data.update(copy.deepcopy(overrides))
    return data


def unsafe_place(**overrides: Any) -> dict[str, Any]:
    record = {
        "reported_on": "2024-03-05",
        "source": "safety_walk",
        "category": "poor_lighting",
        "time_of_day": "evening",
        "description": "Mörk gångväg",
        "report_count": 2,
        "geometry": Point(*KINNA),
    }
    record.update(overrides)
    return record


def site(**overrides: Any) -> dict[str, Any]:
    record = {
        "site_type": "basement",
        "owner": "Marks Bostads AB",
        "address": "Storgatan 1, Kinna",
        "property_designation": "Kinna 1:1",
        "inspected_on": "2024-04-01",
        "check_lighting": "critical",
        "check_access": "remark",
        "measure": "Byta lås",
        "status": "action_planned",
        "due_on": "2024-06-01",
        "promise_id": "test-2024-inventering",
        "geometry": Point(KINNA[0] + 0.001, KINNA[1]),
    }
    record.update(overrides)
    return record


def new_site(**overrides: Any) -> dict[str, Any]:
    """A site as it is added (on the map, by a caretaker): at the workflow's first step, nothing inspected yet."""
    record = site(status="flagged", inspected_on=None, check_lighting=None, check_access=None, due_on=None)
    record.update(overrides)
    return record


def operation(**overrides: Any) -> dict[str, Any]:
    record = {
        "title": "Riktad insats",
        "starts_at": "2024-05-10 18:00",
        "ends_at": "2024-05-10 22:00",
        "kind": "targeted_drug_operation",
        "focus": "sale",
        "persons_checked": 12,
        "seizures": 3,
        "reports_filed": 4,
        "visibility": "internal",
        "promise_id": "test-2024-insatser",
        "geometry": Polygon([(12.69, 57.50), (12.70, 57.50), (12.70, 57.51), (12.69, 57.51)]),
    }
    record.update(overrides)
    return record


def frame(*records: dict[str, Any], crs: int | None = 4326) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(list(records), geometry="geometry", crs=crs)


def snapshot(store) -> object:
    """Everything a store holds, to compare before and after: a GeoPackage file's bytes, a database's tables."""
    import hashlib

    from geodata.store import GeoPackageStore

    if isinstance(store, GeoPackageStore):
        import sqlite3

        # Committed changes may still be in the -wal file beside it (WAL mode): copied into the file first, so
        # its bytes are all the store holds.
        with contextlib.closing(sqlite3.connect(store.path)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return hashlib.sha256(store.path.read_bytes()).hexdigest()
    return store.dump_tables()


def raw_execute(store, sql: str) -> None:
    """Run ``sql`` on the store's database directly, as someone with the file or a database login could."""
    from geodata.store import GeoPackageStore

    if isinstance(store, GeoPackageStore):
        import sqlite3

        with sqlite3.connect(store.path) as conn:
            conn.execute(sql)
    else:
        import psycopg

        with psycopg.connect(store.location, autocommit=True) as conn:
            conn.execute(sql)


def many_vertex_polygon(vertices: int = 500_000, radius_m: float = 2_000.0) -> Polygon:
    """A valid polygon of ``vertices`` vertices around Kinna (EPSG:3006): a wavy circle, star-shaped so never crossing."""
    import numpy as np
    from pyproj import Transformer

    x0, y0 = Transformer.from_crs(4326, 3006, always_xy=True).transform(*KINNA)
    angle = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    r = radius_m + 50 * np.sin(angle * 997) + 20 * np.random.default_rng(20).random(vertices)
    return Polygon(np.c_[x0 + r * np.cos(angle), y0 + r * np.sin(angle)])
