"""The parts of the OGC GeoPackage format the store writes itself.

The store writes through Python's ``sqlite3`` so that a batch is one SQLite
transaction. That needs the GeoPackage geometry encoding (a small header in
front of ISO WKB) and the ``ST_*`` functions the spatial index triggers call,
which GDAL registers for its own connections and we register for ours.
"""

from __future__ import annotations

import sqlite3
import struct

import numpy as np
import shapely

GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10300  # GeoPackage 1.3 (GDAL 3.6, in Debian 12, reads it without warnings)

_HEADER = struct.Struct("<2sBBi4d")  # magic, version, flags, srs_id, envelope minx maxx miny maxy
_FLAGS_LE_XY_ENVELOPE = 0b0000_0011  # little-endian, envelope [minx, maxx, miny, maxy]
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def encode(geometries: np.ndarray, srs_id: int) -> list[bytes]:
    """GeoPackage geometry blobs for non-empty shapely geometries."""
    wkb = shapely.to_wkb(geometries, byte_order=1, flavor="iso")
    bounds = shapely.bounds(geometries)
    return [
        _HEADER.pack(b"GP", 0, _FLAGS_LE_XY_ENVELOPE, srs_id, b[0], b[2], b[1], b[3]) + w for w, b in zip(wkb, bounds)
    ]


def _wkb_offset(blob: bytes) -> int:
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    envelope = (blob[3] >> 1) & 0b111
    return 8 + _ENVELOPE_BYTES[envelope]


def decode(blobs: list[bytes | None]) -> np.ndarray:
    """Shapely geometries from GeoPackage blobs (``None`` stays missing)."""
    wkb = [None if b is None else bytes(b[_wkb_offset(b) :]) for b in blobs]
    return shapely.from_wkb(np.array(wkb, dtype=object))


def _envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) from the header, or from the geometry when the header has none."""
    if blob is None:
        return None
    if blob[3] & 0b1_0000:  # empty geometry flag
        return None
    if (blob[3] >> 1) & 0b111:
        little = blob[3] & 1
        minx, maxx, miny, maxy = struct.unpack("<4d" if little else ">4d", blob[8:40])
        return minx, maxx, miny, maxy
    geom = shapely.from_wkb(bytes(blob[_wkb_offset(blob) :]))
    if geom.is_empty:
        return None
    minx, miny, maxx, maxy = geom.bounds
    return minx, maxx, miny, maxy


def register_functions(conn: sqlite3.Connection) -> None:
    """The spatial functions GeoPackage's R-tree triggers call."""

    def part(i):
        def fn(blob):
            env = _envelope(blob)
            return None if env is None else env[i]

        return fn

    conn.create_function("ST_MinX", 1, part(0), deterministic=True)
    conn.create_function("ST_MaxX", 1, part(1), deterministic=True)
    conn.create_function("ST_MinY", 1, part(2), deterministic=True)
    conn.create_function("ST_MaxY", 1, part(3), deterministic=True)
    conn.create_function("ST_IsEmpty", 1, lambda blob: 1 if _envelope(blob) is None else 0, deterministic=True)


def rtree_sql(table: str, column: str = "geom") -> list[str]:
    """DDL for the spatial index of ``table`` and the triggers that keep it current (GeoPackage R-tree extension)."""
    rt = f"rtree_{table}_{column}"
    t, g = f'"{table}"', f'"{column}"'
    values = f"NEW.fid, ST_MinX(NEW.{g}), ST_MaxX(NEW.{g}), ST_MinY(NEW.{g}), ST_MaxY(NEW.{g})"
    return [
        f'CREATE VIRTUAL TABLE "{rt}" USING rtree(id, minx, maxx, miny, maxy)',
        f'CREATE TRIGGER "{rt}_insert" AFTER INSERT ON {t} WHEN (NEW.{g} NOT NULL AND NOT ST_IsEmpty(NEW.{g})) '
        f'BEGIN INSERT OR REPLACE INTO "{rt}" VALUES ({values}); END',
        f'CREATE TRIGGER "{rt}_update1" AFTER UPDATE OF {g} ON {t} WHEN OLD.fid = NEW.fid AND '
        f"(NEW.{g} NOTNULL AND NOT ST_IsEmpty(NEW.{g})) "
        f'BEGIN INSERT OR REPLACE INTO "{rt}" VALUES ({values}); END',
        f'CREATE TRIGGER "{rt}_update2" AFTER UPDATE OF {g} ON {t} WHEN OLD.fid = NEW.fid AND '
        f'(NEW.{g} ISNULL OR ST_IsEmpty(NEW.{g})) BEGIN DELETE FROM "{rt}" WHERE id = OLD.fid; END',
        f'CREATE TRIGGER "{rt}_delete" AFTER DELETE ON {t} WHEN OLD.{g} NOT NULL '
        f'BEGIN DELETE FROM "{rt}" WHERE id = OLD.fid; END',
    ]
