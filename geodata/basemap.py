"""A local basemap: raster map tiles read from an MBTiles or PMTiles file, so a map has streets and names offline.

An organisation's own tile file (an OpenStreetMap extract, Lantmäteriet's open
topographic data rendered to tiles) is opened with :func:`open_basemap` and
read one tile at a time (``tile(z, x, y)``, in the XYZ scheme web maps use), or
as the tiles covering an area at the zoom levels that fit a byte budget
(:func:`area_tiles`), for a map file that must open with the network off.

Only the standard library is used: MBTiles is SQLite (its rows are in the TMS
scheme, so the row is flipped here), PMTiles (version 3) is a header, a
directory of run-length entries along a Hilbert curve and the tile data, read
here with bounded reads. Both are read-only. Raster tiles only (PNG, JPEG,
WebP): a file of vector tiles is refused with a message saying so.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
import sqlite3
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from geodata.errors import PledgemapError

MAX_ZOOM = 24  # deeper than any basemap; a request beyond it asks for no tile
MAX_TILE_BYTES = 2 * 1024 * 1024  # one raster tile larger than this is not a tile
MAX_DIRECTORY_BYTES = 8 * 1024 * 1024  # a PMTiles directory, decompressed
MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
VECTOR_NOT_SUPPORTED = (
    "holds vector tiles ({kind}); Pledgemap draws raster basemaps only (PNG, JPEG or WebP tiles) and does not "
    "yet support vector tiles: render the extract to raster tiles first (for example with QGIS's "
    "'Generate XYZ tiles (MBTiles)')"
)


class BasemapError(PledgemapError):
    """A basemap file that cannot be used: missing, of an unknown kind, damaged, or of vector tiles."""


@dataclass(frozen=True)
class Tile:
    """One tile's bytes and what they are (``png``, ``jpg`` or ``webp``)."""

    data: bytes
    format: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


def tile_format(data: bytes) -> str | None:
    """The raster format of ``data`` from its first bytes, or ``None`` if it is not PNG, JPEG or WebP.

    >>> tile_format(b"\\x89PNG\\r\\n\\x1a\\n...")
    'png'
    >>> tile_format(b"\\x1f\\x8b...") is None
    True
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def plain_text(value: object) -> str | None:
    """A file's attribution or name as plain text: MBTiles and PMTiles often give it as HTML (a link).

    >>> plain_text('<a href="https://www.openstreetmap.org/copyright">&copy; OpenStreetMap</a>')
    '© OpenStreetMap'
    """
    if value is None:
        return None
    text = html.unescape(re.sub(r"<[^>]*>", " ", str(value)))
    text = " ".join(text.replace("<", " ").replace(">", " ").split())
    return text[:300] or None


def valid_tile(z: int, x: int, y: int) -> bool:
    """Whether ``z/x/y`` names a tile of the XYZ scheme at all.

    >>> valid_tile(0, 0, 0), valid_tile(2, 3, 3), valid_tile(2, 4, 0), valid_tile(-1, 0, 0)
    (True, True, False, False)
    """
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


def tile_range(bounds: tuple[float, float, float, float], zoom: int) -> tuple[int, int, int, int]:
    """The XYZ tiles (x0, y0, x1, y1, inclusive) covering WGS84 ``bounds`` (minlon, minlat, maxlon, maxlat).

    >>> tile_range((12.0, 57.5, 12.0, 57.5), 10)
    (546, 311, 546, 311)
    """
    minlon, minlat, maxlon, maxlat = bounds
    n = 2**zoom

    def column(lon: float) -> int:
        return min(n - 1, max(0, int((lon + 180.0) / 360.0 * n)))

    def row(lat: float) -> int:
        lat = max(-85.0511, min(85.0511, lat))
        return min(n - 1, max(0, int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)))

    return column(minlon), row(maxlat), column(maxlon), row(minlat)


class TileFile:
    """A read-only basemap file; :func:`open_basemap` opens one of the right kind."""

    path: Path
    kind: str  # "MBTiles" or "PMTiles"
    format: str  # "png", "jpg" or "webp": what the file says its tiles are
    min_zoom: int
    max_zoom: int
    attribution: str | None
    name: str | None

    def tile(self, z: int, x: int, y: int) -> Tile | None:
        """The tile ``z/x/y`` (XYZ scheme), or ``None`` if the file has none there."""
        if not valid_tile(z, x, y) or not self.min_zoom <= z <= self.max_zoom:
            return None
        data = self._read(z, x, y)
        if not data:
            return None
        if len(data) > MAX_TILE_BYTES:
            raise BasemapError(f"{self.path}: tile {z}/{x}/{y} is {len(data)} bytes; expected at most {MAX_TILE_BYTES}")
        if data[:2] == b"\x1f\x8b":  # a gzipped raster tile is unusual, but allowed
            data = _gunzip(data, MAX_TILE_BYTES, f"{self.path}: tile {z}/{x}/{y}")
        found = tile_format(data)
        if found is None:
            raise BasemapError(
                f"{self.path}: tile {z}/{x}/{y} is not a PNG, JPEG or WebP image; "
                + VECTOR_NOT_SUPPORTED.format(kind="or another kind of tile")
            )
        return Tile(data, found)

    def _read(self, z: int, x: int, y: int) -> bytes | None:
        raise NotImplementedError


def open_basemap(path: str | Path) -> TileFile:
    """The basemap in ``path`` (an ``.mbtiles`` or ``.pmtiles`` file, told apart by its first bytes).

    Raises :class:`BasemapError` naming the file and what was expected when it
    is missing, of another kind, damaged, or holds vector tiles.
    """
    path = Path(path)
    if not path.is_file():
        raise BasemapError(f"basemap file {path} does not exist; expected an MBTiles or PMTiles file of raster tiles")
    with path.open("rb") as file:
        start = file.read(16)
    if start.startswith(b"PMTiles"):
        return PMTilesFile(path)
    if start.startswith(b"SQLite format 3\x00"):
        return MBTilesFile(path)
    raise BasemapError(f"{path} is neither an MBTiles (SQLite) nor a PMTiles file; expected one of these")


# --- MBTiles ----------------------------------------------------------------------------------------------


class MBTilesFile(TileFile):
    """An MBTiles file (SQLite): a ``tiles`` table with rows in the TMS scheme, and a ``metadata`` table."""

    kind = "MBTiles"

    def __init__(self, path: Path):
        self.path = path
        try:
            with self._connect() as db:
                metadata = dict(db.execute("SELECT name, value FROM metadata").fetchall())
                zooms = db.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
                first = db.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
        except sqlite3.DatabaseError as error:
            raise BasemapError(
                f"{path} is not a readable MBTiles file ({error}); expected tables 'metadata' and 'tiles'"
            ) from None
        declared = str(metadata.get("format", "")).lower()
        if declared in ("pbf", "mvt") or (first and first[0] and first[0][:2] == b"\x1f\x8b"):
            raise BasemapError(f"{path} " + VECTOR_NOT_SUPPORTED.format(kind=declared or "gzipped pbf"))
        sniffed = tile_format(first[0]) if first and first[0] else None
        self.format = sniffed or {"jpeg": "jpg"}.get(declared, declared if declared in MEDIA_TYPES else "png")
        if zooms is None or zooms[0] is None:
            raise BasemapError(f"{path} has no tiles; expected an MBTiles file with at least one tile")
        self.min_zoom, self.max_zoom = int(zooms[0]), min(int(zooms[1]), MAX_ZOOM)
        self.attribution = plain_text(metadata.get("attribution"))
        self.name = plain_text(metadata.get("name"))

    def _connect(self) -> sqlite3.Connection:
        # Read-only: the organisation's file is never changed, and a missing file is not created.
        return sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)

    def _read(self, z: int, x: int, y: int) -> bytes | None:
        db = self._connect()
        try:
            row = db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                (z, x, 2**z - 1 - y),  # TMS rows count from the south
            ).fetchone()
        except sqlite3.DatabaseError as error:
            raise BasemapError(f"{self.path}: tile {z}/{x}/{y} could not be read ({error})") from None
        finally:
            db.close()
        return bytes(row[0]) if row and row[0] is not None else None


# --- PMTiles (version 3) ------------------------------------------------------------------------------------

_HEADER = struct.Struct("<7sB11Q6B4iB2i")  # 127 bytes
_PM_TYPES = {2: "png", 3: "jpg", 4: "webp"}
_PM_VECTOR = {1: "Mapbox Vector Tiles"}
_PM_COMPRESSION = {0: "unknown", 1: "none", 2: "gzip", 3: "brotli", 4: "zstd"}


@dataclass(frozen=True)
class _Entry:
    tile_id: int
    offset: int
    length: int
    run_length: int  # 0: a leaf directory


@dataclass
class _Header:
    root_offset: int
    root_length: int
    metadata_offset: int
    metadata_length: int
    leaf_offset: int
    data_offset: int
    internal_compression: int
    tile_compression: int
    tile_type: int
    min_zoom: int
    max_zoom: int


def hilbert_tile_id(z: int, x: int, y: int) -> int:
    """The PMTiles tile id of ``z/x/y``: the tiles of all lower zooms, then the position on a Hilbert curve.

    >>> [hilbert_tile_id(0, 0, 0), hilbert_tile_id(1, 0, 0), hilbert_tile_id(1, 0, 1), hilbert_tile_id(1, 1, 1)]
    [0, 1, 2, 3]
    >>> hilbert_tile_id(2, 0, 0)
    5
    """
    tile_id = (4**z - 1) // 3  # the tiles of zooms 0 .. z-1
    size = 2**z
    s = size // 2
    while s > 0:
        rx = 1 if x & s else 0
        ry = 1 if y & s else 0
        tile_id += s * s * ((3 * rx) ^ ry)
        if ry == 0:  # rotate the quadrant so the curve continues
            if rx == 1:
                x, y = size - 1 - x, size - 1 - y
            x, y = y, x
        s //= 2
    return tile_id


def _varints(data: bytes, count: int, position: int) -> tuple[list[int], int]:
    values = []
    for _ in range(count):
        value = shift = 0
        while True:
            if position >= len(data) or shift > 63:
                raise ValueError("directory ends inside a number")
            byte = data[position]
            position += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        values.append(value)
    return values, position


def _directory(data: bytes) -> list[_Entry]:
    (count,), position = _varints(data, 1, 0)
    if count > len(data):  # each entry takes at least four bytes: a count beyond this is damage
        raise ValueError("directory counts more entries than it holds")
    deltas, position = _varints(data, count, position)
    runs, position = _varints(data, count, position)
    lengths, position = _varints(data, count, position)
    offsets, position = _varints(data, count, position)
    entries: list[_Entry] = []
    tile_id = 0
    for i in range(count):
        tile_id += deltas[i]
        if offsets[i] == 0 and i > 0:  # 0: right after the previous entry's data
            offset = entries[-1].offset + entries[-1].length
        else:
            offset = offsets[i] - 1
        entries.append(_Entry(tile_id, offset, lengths[i], runs[i]))
    return entries


def _find(entries: list[_Entry], tile_id: int) -> _Entry | None:
    low, high = 0, len(entries) - 1
    while low <= high:
        middle = (low + high) // 2
        if entries[middle].tile_id < tile_id:
            low = middle + 1
        elif entries[middle].tile_id > tile_id:
            high = middle - 1
        else:
            return entries[middle]
    if high >= 0:  # the entry before: a leaf directory, or a run of identical tiles reaching tile_id
        entry = entries[high]
        if entry.run_length == 0 or tile_id - entry.tile_id < entry.run_length:
            return entry
    return None


def _gunzip(data: bytes, limit: int, what: str) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as error:
        raise BasemapError(f"{what} is not valid gzip data ({error})") from None
    if len(out) > limit:
        raise BasemapError(f"{what} is larger than {limit} bytes uncompressed; expected a smaller basemap part")
    return out


class PMTilesFile(TileFile):
    """A PMTiles (version 3) file: read with bounded reads, its directories cached (a few hundred at most)."""

    kind = "PMTiles"
    _CACHE = 256

    def __init__(self, path: Path):
        self.path = path
        self._size = path.stat().st_size
        with path.open("rb") as file:
            raw = file.read(_HEADER.size)
        if len(raw) < _HEADER.size:
            raise BasemapError(f"{path} is too short for a PMTiles file ({len(raw)} bytes)")
        fields = _HEADER.unpack(raw)
        if fields[0] != b"PMTiles" or fields[1] != 3:
            raise BasemapError(f"{path} is PMTiles version {fields[1]}; expected version 3")
        self._header = _Header(
            root_offset=fields[2],
            root_length=fields[3],
            metadata_offset=fields[4],
            metadata_length=fields[5],
            leaf_offset=fields[6],
            data_offset=fields[8],
            internal_compression=fields[14],
            tile_compression=fields[15],
            tile_type=fields[16],
            min_zoom=fields[17],
            max_zoom=fields[18],
        )
        header = self._header
        if header.tile_type in _PM_VECTOR:
            raise BasemapError(f"{path} " + VECTOR_NOT_SUPPORTED.format(kind=_PM_VECTOR[header.tile_type]))
        if header.tile_type not in _PM_TYPES:
            raise BasemapError(
                f"{path} holds tiles of type {header.tile_type}; expected PNG (2), JPEG (3) or WebP (4) raster tiles"
            )
        for name, code in (("directories", header.internal_compression), ("tiles", header.tile_compression)):
            if code not in (1, 2):
                raise BasemapError(
                    f"{path}: its {name} are compressed with {_PM_COMPRESSION.get(code, code)}; expected none or gzip "
                    "(convert it with 'pmtiles convert' or write it again without that compression)"
                )
        self.format = _PM_TYPES[header.tile_type]
        self.min_zoom, self.max_zoom = header.min_zoom, min(header.max_zoom, MAX_ZOOM)
        self._lock = threading.Lock()
        self._directories: OrderedDict[tuple[int, int], list[_Entry]] = OrderedDict()
        metadata = self._metadata()
        self.attribution = plain_text(metadata.get("attribution"))
        self.name = plain_text(metadata.get("name"))
        self._directory_at(header.root_offset, header.root_length)  # damage shows now, not on the first tile

    def _bytes(self, offset: int, length: int, limit: int) -> bytes:
        if length > limit or offset < 0 or offset + length > self._size:
            raise BasemapError(
                f"{self.path}: a part at byte {offset} of {length} bytes lies outside the file or exceeds {limit} "
                "bytes; the PMTiles file is damaged"
            )
        with self.path.open("rb") as file:
            file.seek(offset)
            return file.read(length)

    def _internal(self, offset: int, length: int, what: str) -> bytes:
        raw = self._bytes(offset, length, MAX_DIRECTORY_BYTES)
        if self._header.internal_compression == 2:
            return _gunzip(raw, MAX_DIRECTORY_BYTES, f"{self.path}: {what}")
        return raw

    def _metadata(self) -> dict:
        header = self._header
        if not header.metadata_length:
            return {}
        try:
            value = json.loads(self._internal(header.metadata_offset, header.metadata_length, "its metadata"))
        except ValueError:
            raise BasemapError(f"{self.path}: its metadata is not JSON; the PMTiles file is damaged") from None
        return value if isinstance(value, dict) else {}

    def _directory_at(self, offset: int, length: int) -> list[_Entry]:
        key = (offset, length)
        with self._lock:
            if key in self._directories:
                self._directories.move_to_end(key)
                return self._directories[key]
        try:
            entries = _directory(self._internal(offset, length, f"the directory at byte {offset}"))
        except ValueError as error:
            raise BasemapError(f"{self.path}: the directory at byte {offset} is damaged ({error})") from None
        with self._lock:
            self._directories[key] = entries
            while len(self._directories) > self._CACHE:
                self._directories.popitem(last=False)
        return entries

    def _read(self, z: int, x: int, y: int) -> bytes | None:
        header = self._header
        tile_id = hilbert_tile_id(z, x, y)
        offset, length = header.root_offset, header.root_length
        for _depth in range(4):  # the root and at most three levels of leaves
            entry = _find(self._directory_at(offset, length), tile_id)
            if entry is None:
                return None
            if entry.run_length:
                data = self._bytes(header.data_offset + entry.offset, entry.length, MAX_TILE_BYTES)
                if header.tile_compression == 2:
                    data = _gunzip(data, MAX_TILE_BYTES, f"{self.path}: tile {z}/{x}/{y}")
                return data
            offset, length = header.leaf_offset + entry.offset, entry.length
        raise BasemapError(f"{self.path}: its directories nest deeper than four levels; the PMTiles file is damaged")


# --- the tiles of an area, for a map file that opens offline ------------------------------------------------


@dataclass
class AreaTiles:
    """The tiles covering an area at whole zoom levels: each distinct image once, and which tile shows which.

    ``images`` are the distinct tiles' bytes; ``index`` maps ``"z/x/y"`` to an
    index into ``images`` (many tiles of sea or forest are the same image).
    ``size`` is the bytes of ``images`` together. ``zooms`` are the levels taken
    over the whole area, ``nearby_zooms`` the deeper ones taken only around the
    given points, ``left_out`` the file's levels that did not fit the budget.
    """

    format: str
    zooms: list[int] = field(default_factory=list)
    nearby_zooms: list[int] = field(default_factory=list)
    images: list[bytes] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    size: int = 0
    left_out: list[int] = field(default_factory=list)


def area_tiles(
    basemap: TileFile,
    bounds: tuple[float, float, float, float],
    budget: int,
    zooms: range = range(8, 17),
    around: Sequence[tuple[float, float]] = (),
    max_tiles_per_zoom: int = 4096,
) -> AreaTiles:
    """The tiles of ``basemap`` over WGS84 ``bounds``, for each zoom of ``zooms`` the file has, lowest first.

    Levels are taken over the whole area while they fit in ``budget`` bytes of
    distinct images; from the first that does not, only the tiles holding one
    of the points ``around`` (lon, lat) and their eight neighbours (a
    neighbourhood a resident knows), while those fit. A level goes in whole
    or not at all; the first that does not fit ends the list, and it and the
    deeper levels are named in ``left_out``.
    """
    result = AreaTiles(format=basemap.format)
    seen: dict[bytes, int] = {}
    whole = True

    def level_keys(zoom: int) -> list[tuple[int, int]] | None:
        x0, y0, x1, y1 = tile_range(bounds, zoom)
        if whole:
            if (x1 - x0 + 1) * (y1 - y0 + 1) > max_tiles_per_zoom:
                return None
            return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
        cells: set[tuple[int, int]] = set()
        for lon, lat in around:
            cx, cy, _, _ = tile_range((lon, lat, lon, lat), zoom)
            cells.update((cx + dx, cy + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1))
        keys = sorted((x, y) for x, y in cells if x0 <= x <= x1 and y0 <= y <= y1)
        return keys if len(keys) <= max_tiles_per_zoom else None

    def take(zoom: int, keys: list[tuple[int, int]]) -> bool:
        level: dict[str, bytes] = {}
        added: dict[bytes, bytes] = {}
        size = result.size
        for x, y in keys:
            tile = basemap.tile(zoom, x, y)
            if tile is None:
                continue
            digest = hashlib.sha256(tile.data).digest()
            if digest not in seen and digest not in added:
                added[digest] = tile.data
                size += len(tile.data)
                if size > budget:
                    return False
            level[f"{zoom}/{x}/{y}"] = digest
        for digest, data in added.items():
            seen[digest] = len(result.images)
            result.images.append(data)
        result.index.update({key: seen[digest] for key, digest in level.items()})
        result.size = size
        return True

    for zoom in zooms:
        if not basemap.min_zoom <= zoom <= basemap.max_zoom:
            continue
        if result.left_out:
            result.left_out.append(zoom)
            continue
        keys = level_keys(zoom)
        if whole and (keys is None or not take(zoom, keys)):
            whole = False
            keys = level_keys(zoom) if around else None
        elif whole:
            result.zooms.append(zoom)
            continue
        if keys is not None and take(zoom, keys):
            result.nearby_zooms.append(zoom)
        else:
            result.left_out.append(zoom)
    return result


__all__ = [
    "AreaTiles",
    "BasemapError",
    "MBTilesFile",
    "PMTilesFile",
    "Tile",
    "TileFile",
    "area_tiles",
    "open_basemap",
    "plain_text",
    "tile_format",
    "tile_range",
    "valid_tile",
]
