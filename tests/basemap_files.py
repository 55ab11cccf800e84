"""Small basemap files built in code: PNG tiles (written with zlib, no imaging library), MBTiles and PMTiles.

Each tile is one flat colour computed from its z/x/y, so a test can tell
which tile it got (a missed TMS flip returns another tile's colour). The
PMTiles files are written with the ``pmtiles`` package (the reference
writer), so geodata's own reader is checked against files it did not write.
"""

from __future__ import annotations

import sqlite3
import struct
import zlib
from pathlib import Path

from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer

from geodata.basemap import tile_range

# Mark municipality, roughly (WGS84 minlon, minlat, maxlon, maxlat).
MARK_BOUNDS = (12.28, 57.27, 12.99, 57.64)


def colour(z: int, x: int, y: int) -> tuple[int, int, int]:
    """The flat, pale colour of tile z/x/y: distinct for neighbouring tiles of a small file."""
    return (160 + (x * 37 + z * 11) % 90, 160 + (y * 53 + z * 7) % 90, 170 + (x * 13 + y * 29 + z * 5) % 80)


def png(rgb: tuple[int, int, int], size: int = 256) -> bytes:
    """A ``size``×``size`` PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * size
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * size, 9))
        + chunk(b"IEND", b"")
    )


def png_colour(data: bytes) -> tuple[int, int, int]:
    """The colour of the first pixel of a PNG written by :func:`png`."""
    assert data.startswith(b"\x89PNG"), data[:8]
    start = data.index(b"IDAT") + 4
    length = struct.unpack(">I", data[start - 8 : start - 4])[0]
    raw = zlib.decompress(data[start : start + length])
    return raw[1], raw[2], raw[3]


def tiles_over(bounds: tuple[float, float, float, float], zooms: range) -> dict[tuple[int, int, int], bytes]:
    """A flat-coloured PNG for every XYZ tile over ``bounds`` at each of ``zooms``."""
    tiles = {}
    for z in zooms:
        x0, y0, x1, y1 = tile_range(bounds, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                tiles[(z, x, y)] = png(colour(z, x, y))
    return tiles


def write_mbtiles(
    path: Path,
    tiles: dict[tuple[int, int, int], bytes],
    format: str = "png",
    attribution: str | None = '<a href="https://www.openstreetmap.org/copyright">&copy; OpenStreetMap</a>',
) -> Path:
    """An MBTiles file of ``tiles`` (keyed by XYZ z/x/y; stored with TMS rows, as the format has it)."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute(
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB, "
            "UNIQUE (zoom_level, tile_column, tile_row))"
        )
        metadata = {"name": "Testkarta", "format": format, "type": "baselayer"}
        if attribution:
            metadata["attribution"] = attribution
        db.executemany("INSERT INTO metadata VALUES (?, ?)", metadata.items())
        db.executemany(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)", [(z, x, 2**z - 1 - y, data) for (z, x, y), data in tiles.items()]
        )
    return path


def write_pmtiles(
    path: Path,
    tiles: dict[tuple[int, int, int], bytes],
    tile_type: TileType = TileType.PNG,
    attribution: str | None = "© Lantmäteriet",
) -> Path:
    """A PMTiles (v3) file of ``tiles``, written by the reference writer."""
    with path.open("wb") as file:
        writer = Writer(file)
        for (z, x, y), data in sorted(tiles.items(), key=lambda item: zxy_to_tileid(*item[0])):
            writer.write_tile(zxy_to_tileid(z, x, y), data)
        lons = (MARK_BOUNDS[0], MARK_BOUNDS[2])
        lats = (MARK_BOUNDS[1], MARK_BOUNDS[3])
        header = {
            "tile_type": tile_type,
            "tile_compression": Compression.NONE,
            "min_lon_e7": int(lons[0] * 1e7),
            "min_lat_e7": int(lats[0] * 1e7),
            "max_lon_e7": int(lons[1] * 1e7),
            "max_lat_e7": int(lats[1] * 1e7),
            "center_zoom": 10,
            "center_lon_e7": int(sum(lons) / 2 * 1e7),
            "center_lat_e7": int(sum(lats) / 2 * 1e7),
        }
        metadata = {"name": "Testkarta"}
        if attribution:
            metadata["attribution"] = attribution
        writer.finalize(header, metadata)
    return path


def write_basemap(path: Path, zooms: range = range(0, 13), bounds=MARK_BOUNDS) -> Path:
    """A basemap over ``bounds`` at ``zooms``, MBTiles or PMTiles by the suffix of ``path``."""
    tiles = tiles_over(bounds, zooms)
    return write_pmtiles(path, tiles) if path.suffix == ".pmtiles" else write_mbtiles(path, tiles)
