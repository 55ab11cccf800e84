"""Reading the files municipalities and police areas bring, safely, into raw tables.

:func:`read_source` turns a file into :class:`SourceTable` objects: the raw
attribute values of each row as the file holds them, and the geometry where
the format has one. Nothing here knows the layers; mapping columns to fields
is :mod:`geodata.io.columns`, checking and writing is :mod:`geodata.io.importer`.

Every file is treated as hostile until read: its size, rows (empty ones
too), columns, vertices per geometry and text per value are capped, zip
archives are checked for bombs and path traversal before a byte is extracted,
XML is parsed without DTDs or entities, a GeoPackage is inspected read-only
before GDAL opens it (views, virtual tables and generated columns are refused,
never evaluated), a CRS that names a file or is not of Earth is refused before
PROJ reads anything, and text that is neither UTF-8 nor Windows-1252 is
refused with the line where it breaks. Messages name the file by its name,
never by the server's path.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import sqlite3
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import shape

from geodata.errors import CoercionError, ImportFileError, Note, PledgemapError
from geodata.validate import earth_crs, refuse_crs_files, text_problem

FORMATS = ("gpkg", "geojson", "shapefile", "kml", "csv", "xlsx", "ogr")
# First bytes of the other GDAL formats read (FlatGeobuf, GeoParquet): files that cannot point elsewhere.
OGR_MAGIC = (b"fgb\x03", b"PAR1")
GDAL_DRIVERS = {"GPKG", "FlatGeobuf", "Parquet", "ESRI Shapefile"}
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
SHAPEFILE_MAGIC = b"\x00\x00\x27\x0a"  # file code 9994, big-endian


@dataclass(frozen=True)
class ImportLimits:
    """What a file may hold before it is refused."""

    max_bytes: int = 50_000_000
    max_features: int = 200_000
    max_zip_members: int = 100
    max_unzipped_bytes: int = 300_000_000
    max_zip_ratio: float = 200.0  # uncompressed / compressed size of one member
    max_json_depth: int = 64
    max_rows: int = 250_000  # rows of a table read, the empty ones counted too
    max_empty_run: int = 1_000  # a spreadsheet is read up to the first run of this many empty rows
    max_columns: int = 200
    max_vertices: int = 100_000  # coordinates of one geometry
    max_text: int = 10_000  # characters of one value
    max_inspect_seconds: float = 20.0  # time to inspect a GeoPackage's schema and count its rows


@dataclass
class SourceTable:
    """One table of a file before mapping.

    ``frame`` holds the raw values, one row per record, indexed by the row
    number a user finds in the file (the spreadsheet row, also for a CSV as a
    spreadsheet opens it; the feature's position). ``geometry`` is ``None`` for plain tables, whose
    coordinates sit in columns. ``geometry_errors`` says why a row's geometry
    could not be read. ``title`` is what the file calls its own content,
    where it says (a KML document's or a GeoJSON collection's name:
    "Trygghetsvandring Kinna 2021-09-14"); an import may read a source or a
    date from it, as a guess the user confirms.
    """

    name: str
    format: str
    layer: str | None
    frame: pd.DataFrame
    geometry: gpd.GeoSeries | None = None
    encoding: str | None = None
    notes: list[Note] = field(default_factory=list)
    geometry_errors: dict[int, str] = field(default_factory=dict)
    title: str | None = None

    def __len__(self) -> int:
        return len(self.frame)


def _object_frame(records: list[dict[str, Any]], index: pd.Index, columns: list[str] | None = None) -> pd.DataFrame:
    """Raw values column by column as Python objects, a missing value as ``None`` (never NaN)."""
    if columns is None:
        columns = list(dict.fromkeys(key for record in records for key in record))
    data = {c: pd.Series([r.get(c) for r in records], index=index, dtype=object) for c in columns}
    return pd.DataFrame(data, index=index, columns=columns)


def detect_format(path: Path, head: bytes) -> str:
    """The format of a file from its name, checked against its first bytes."""
    suffix = path.suffix.lower()
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if suffix == ".xlsx":
            return "xlsx"
        if suffix == ".kmz":
            return "kml"
        return "shapefile"
    if suffix in (".geojson", ".json"):
        return "geojson"
    if suffix == ".kml":
        return "kml"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix in (".xlsx", ".gpkg", ".zip", ".kmz"):
        raise ImportFileError(
            f"{path.name}: the file is not a valid {suffix[1:].upper()} file "
            "(its first bytes do not match the format); expected a file saved in that format",
            "not_that_format",
            file=path.name,
            format=suffix[1:].upper(),
        )
    if suffix in (".xls",):
        raise ImportFileError(
            f"{path.name}: old Excel files (.xls) are not read; expected .xlsx "
            "(in Excel: Spara som → Excel-arbetsbok) or CSV",
            "old_excel",
            file=path.name,
        )
    if any(head.startswith(magic) for magic in OGR_MAGIC):
        return "ogr"
    # GDAL would open anything, including a VRT that reads other files on the server or the network:
    # only the formats above, and the GDAL formats recognised by their first bytes, are read.
    raise ImportFileError(
        f"{path.name}: the format is not one Pledgemap reads; expected GeoPackage, GeoJSON, "
        "zipped Shapefile, KML/KMZ, CSV, XLSX, FlatGeobuf or GeoParquet",
        "unknown_format",
        file=path.name,
    )


def read_source(path: str | Path, limits: ImportLimits = ImportLimits()) -> list[SourceTable]:
    """Read every table of the file at ``path``; raise :class:`ImportFileError` if it cannot be read safely."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"{path.name}: no such file", "no_file", file=path.name)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ImportFileError(
            f"{path.name}: the file is {size / 1e6:.1f} MB; expected at most "
            f"{limits.max_bytes / 1e6:.0f} MB (split it into smaller files)",
            "too_large",
            file=path.name,
            mb=round(limits.max_bytes / 1e6),
        )
    if size == 0:
        raise ImportFileError(f"{path.name}: the file is empty", "empty", file=path.name)
    with path.open("rb") as handle:
        head = handle.read(16)
    kind = detect_format(path, head)
    reader = {
        "gpkg": _read_gpkg,
        "geojson": _read_geojson,
        "shapefile": _read_zipped_shapefile,
        "kml": _read_kml,
        "csv": _read_csv,
        "xlsx": _read_xlsx,
        "ogr": _read_ogr,
    }[kind]
    try:
        tables = reader(path, limits)
        for table in tables:
            check_table(table, limits)
    except PledgemapError:
        raise
    except Exception as exc:
        # The last line between a hostile file and a traceback: a parser's surprise (openpyxl, GDAL, shapely,
        # zipfile on a damaged member) is a file that cannot be read, said without the server's paths.
        raise ImportFileError(
            f"{path.name}: the file cannot be read ({safe_detail(exc, path)})", "not_readable", file=path.name
        ) from None
    for table in tables:
        if len(table) > limits.max_features:
            raise ImportFileError(
                f"{path.name}: {table.layer or 'the table'} has {len(table)} records; expected "
                f"at most {limits.max_features} per import (split the file)",
                "too_many_records",
                file=path.name,
                count=len(table),
                max=limits.max_features,
            )
    if not tables:
        raise ImportFileError(f"{path.name}: the file holds no table or layer to import", "no_table", file=path.name)
    return tables


_PATHS = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][^\s'\"()\[\]:,;/\\]+){2,}")


def safe_detail(exc: BaseException, *paths: Path) -> str:
    """A library's error text for a message: every path in it cut to its last part (the server's folders are
    nobody's business), shortened.

    >>> safe_detail(OSError("cannot open /srv/uploads/abc123/vandring.gpkg: bad"))
    'cannot open vandring.gpkg: bad'
    """
    text = str(exc) or exc.__class__.__name__
    for path in paths:
        text = text.replace(str(path), path.name)
    text = _PATHS.sub(lambda m: re.split(r"[/\\]", m.group())[-1], text)
    return text if len(text) <= 300 else text[:300] + "…"


def check_table(table: SourceTable, limits: ImportLimits) -> None:
    """Refuse a table beyond ``limits`` (columns, vertices, text per value) or with a CRS not of Earth."""
    name = table.name
    where = f"{name}" + (f", {table.layer}" if table.layer and table.layer != Path(name).stem else "")
    columns = list(table.frame.columns)
    if len(columns) > limits.max_columns:
        raise _too_many_columns(where, name, len(columns), limits)
    for position, column in enumerate(columns, start=1):
        refused = text_problem(str(column))
        if refused is not None:
            raise ImportFileError(
                f"{where}: the name of column {position} {refused}; rename the column",
                "bad_column_name",
                file=name,
                position=position,
                detail=str(refused),
            )
    for column in columns:
        values = table.frame[column]
        if values.dtype != object:
            continue
        cells = values.tolist()
        texts = [v for v in cells if type(v) is str]
        if not texts:
            continue
        # Passes in C over the column (the longest value; a surrogate anywhere, which UTF-8 cannot encode);
        # the row is looked for only when one is found.
        if max(map(len, texts)) > limits.max_text or not _encodes("\x1e".join(texts)):
            for row, value in zip(values.index, cells):
                if type(value) is not str:
                    continue
                if len(value) > limits.max_text:
                    raise ImportFileError(
                        f"{where} row {row}, column {column!r}: the value is {len(value)} characters long; "
                        f"expected at most {limits.max_text} (shorten it, or keep long texts in a document "
                        "and link to it)",
                        "text_too_long",
                        file=name,
                        row=row,
                        column=column,
                        length=len(value),
                        max=limits.max_text,
                    )
                if _SURROGATE.search(value):
                    refused = text_problem(value)
                    raise ImportFileError(
                        f"{where} row {row}, column {column!r}: the value {refused}; save the file again as UTF-8",
                        "bad_text",
                        file=name,
                        row=row,
                        column=column,
                        detail=str(refused),
                    )
    if table.geometry is None:
        return
    if table.geometry.crs is not None:
        try:
            earth_crs(table.geometry.crs)
        except CoercionError as exc:
            raise _crs_error(where, name, exc) from None
    counts = shapely.get_num_coordinates(np.asarray(table.geometry.values, dtype=object))
    if len(counts) and counts.max() > limits.max_vertices:
        position = int(np.argmax(counts))
        row = table.geometry.index[position]
        raise ImportFileError(
            f"{where} row {row}, field 'geometry': the shape has {int(counts[position])} vertices; expected at most "
            f"{limits.max_vertices} per shape (simplify it, e.g. in QGIS with Vector → Geometry Tools → Simplify, "
            "or split it into smaller parts in files of their own)",
            "too_many_vertices",
            file=name,
            row=row,
            count=int(counts[position]),
            max=limits.max_vertices,
        )


def _too_many_columns(where: str, name: str, count: int, limits: ImportLimits) -> ImportFileError:
    """The error for a table of ``count`` columns, more than ``limits`` allow (``where`` names the table)."""
    return ImportFileError(
        f"{where}: {count} columns; expected at most {limits.max_columns} "
        "(remove the columns not needed, or split the table into files with fewer columns)",
        "too_many_columns",
        file=name,
        count=count,
        max=limits.max_columns,
    )


def _too_many_lines(where: str, name: str, limits: ImportLimits) -> ImportFileError:
    """The error for a table of more rows than ``limits`` allow, the empty ones counted (``where`` names it)."""
    return ImportFileError(
        f"{where}: more than {limits.max_rows} rows, empty ones counted; expected at most "
        f"{limits.max_rows} (remove the empty rows, or split the file)",
        "too_many_lines",
        file=name,
        max=limits.max_rows,
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _crs_error(where: str, name: str, exc: CoercionError) -> ImportFileError:
    """A CRS :func:`~geodata.validate.earth_crs` refused, as the file's error (each code spelled out for its words)."""
    message = f"{where}: the coordinate system {exc}"
    params = {"file": name, "detail": str(exc), **{k: v for k, v in exc.params.items() if k not in ("file", "detail")}}
    if exc.code == "crs_names_file":
        return ImportFileError(message, "crs_names_file", **params)
    if exc.code == "crs_not_earth":
        return ImportFileError(message, "crs_not_earth", **params)
    return ImportFileError(message, "bad_crs", **params)


# -- zip archives -----------------------------------------------------------


def check_zip(archive: zipfile.ZipFile, name: str, limits: ImportLimits) -> list[zipfile.ZipInfo]:
    """The members of ``archive``, after refusing bombs, traversal and links; raises :class:`ImportFileError`."""
    members = archive.infolist()
    if len(members) > limits.max_zip_members:
        raise ImportFileError(
            f"{name}: the archive has {len(members)} members; expected at most {limits.max_zip_members}",
            "refused",
            file=name,
        )
    total = 0
    for info in members:
        member = PurePosixPath(info.filename.replace("\\", "/"))
        if member.is_absolute() or ".." in member.parts or re.match(r"^[A-Za-z]:", info.filename):
            raise ImportFileError(
                f"{name}: the archive member {info.filename!r} points outside the archive; "
                "expected plain relative names (the file was refused)",
                "refused",
                file=name,
            )
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise ImportFileError(
                f"{name}: the archive member {info.filename!r} is a symbolic link; expected plain files",
                "refused",
                file=name,
            )
        if info.flag_bits & 0x1:
            raise ImportFileError(
                f"{name}: the archive member {info.filename!r} is encrypted; expected an unencrypted zip",
                "refused",
                file=name,
            )
        total += info.file_size
        if info.compress_size and info.file_size / info.compress_size > limits.max_zip_ratio:
            raise ImportFileError(
                f"{name}: the archive member {info.filename!r} expands {info.file_size / info.compress_size:.0f} "
                f"times; expected at most {limits.max_zip_ratio:.0f} (a zip bomb was refused)",
                "refused",
                file=name,
            )
    if total > limits.max_unzipped_bytes:
        raise ImportFileError(
            f"{name}: the archive unpacks to {total / 1e6:.0f} MB; expected at most "
            f"{limits.max_unzipped_bytes / 1e6:.0f} MB",
            "refused",
            file=name,
        )
    # Members that share bytes (two entries pointing into one compressed stream) make a small file unpack
    # many times over: each member's data must end before the next one starts.
    ordered = sorted(members, key=lambda m: m.header_offset)
    for info, following in zip(ordered, ordered[1:]):
        if info.header_offset + 30 + info.compress_size > following.header_offset:
            raise ImportFileError(
                f"{name}: the archive members {info.filename!r} and {following.filename!r} overlap; "
                "expected each member stored once (a zip bomb was refused)",
                "refused",
                file=name,
            )
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: ImportLimits) -> bytes:
    # The sizes in a zip's headers are claims: read with a hard cap, whatever they say.
    cap = min(limits.max_unzipped_bytes, info.file_size) + 1
    try:
        with archive.open(info) as member:
            data = member.read(cap)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise ImportFileError(
            f"{name}: the archive member {info.filename!r} cannot be unpacked ({safe_detail(exc)}); "
            "the archive is damaged (zip it again)",
            "not_zip",
            file=name,
        ) from None
    if len(data) > info.file_size:
        raise ImportFileError(
            f"{name}: the archive member {info.filename!r} holds more than its header says; the file was refused",
            "refused",
            file=name,
        )
    return data


def _read_zipped_shapefile(path: Path, limits: ImportLimits) -> list[SourceTable]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ImportFileError(
            f"{path.name}: not a readable zip archive ({safe_detail(exc, path)})", "not_zip", file=path.name
        ) from None
    with archive, tempfile.TemporaryDirectory(prefix="pledgemap-import-") as tmp:
        members = check_zip(archive, path.name, limits)
        shapefiles = [m for m in members if m.filename.lower().endswith(".shp") and not m.is_dir()]
        texts = [m for m in members if m.filename.lower().endswith(".csv") and not m.is_dir()]
        if not shapefiles and texts:  # a zip of CSV files, one per layer (a Pledgemap CSV export)
            tables = []
            for info in texts:
                text, encoding = decode_text(
                    _read_member(archive, info, path.name, limits), f"{path.name}/{info.filename}"
                )
                table = csv_table(text, f"{path.name}/{info.filename}", limits)
                table.layer, table.encoding = PurePosixPath(info.filename).stem, encoding
                tables.append(table)
            return tables
        if not shapefiles:
            names = ", ".join(m.filename for m in members[:10])
            raise ImportFileError(
                f"{path.name}: the zip holds no shapefile (.shp); expected a zipped shapefile "
                f"with .shp, .shx, .dbf and .prj; it holds: {names}",
                "no_shapefile",
                file=path.name,
            )
        wanted = {PurePosixPath(m.filename).with_suffix("").as_posix() for m in shapefiles}
        for info in members:
            stem = PurePosixPath(info.filename).with_suffix("").as_posix()
            if (
                info.is_dir()
                or stem not in wanted
                or PurePosixPath(info.filename).suffix.lower() not in SHAPEFILE_PARTS
            ):
                continue
            # Flattened names inside our own temporary directory: nothing is written elsewhere.
            target = Path(tmp) / stem.replace("/", "__")
            target = target.with_suffix(PurePosixPath(info.filename).suffix.lower())
            data = _read_member(archive, info, path.name, limits)
            if target.suffix == ".prj":  # before GDAL and PROJ parse it: a definition may name a file to read
                try:
                    refuse_crs_files(data.decode("utf-8", "replace"))
                except CoercionError as exc:
                    raise _crs_error(f"{path.name}, {info.filename}", path.name, exc) from None
            target.write_bytes(data)
        tables = []
        for shp in sorted(Path(tmp).glob("*.shp")):
            with shp.open("rb") as handle:
                if handle.read(4) != SHAPEFILE_MAGIC:
                    raise ImportFileError(
                        f"{path.name}: {shp.stem.replace('__', '/')}.shp is not a shapefile "
                        "(its first bytes do not match); expected the .shp of an ESRI Shapefile",
                        "shapefile_parts",
                        file=path.name,
                    )
            if not shp.with_suffix(".dbf").exists() or not shp.with_suffix(".shx").exists():
                raise ImportFileError(
                    f"{path.name}: the shapefile {shp.stem.replace('__', '/')} lacks its .dbf or .shx "
                    "part; expected all parts in the zip",
                    "shapefile_parts",
                    file=path.name,
                )
            table = _ogr_table(shp, None, path.name, "shapefile", limits)
            table.layer = shp.stem.split("__")[-1]
            if table.geometry is not None and table.geometry.crs is None:
                table.notes.append(
                    Note(
                        f"{table.layer}: the shapefile has no .prj file; the coordinate system is "
                        "guessed from the coordinates",
                        "no_prj",
                        {"layer": table.layer},
                    )
                )
            tables.append(table)
        return tables


# -- GDAL-readable files ----------------------------------------------------


def _read_ogr(path: Path, limits: ImportLimits) -> list[SourceTable]:
    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:  # pyogrio raises DataSourceError and friends, all plain Exceptions
        raise ImportFileError(
            f"{path.name}: not a file GDAL can read ({safe_detail(exc, path)}); expected GeoPackage, GeoJSON, "
            "zipped Shapefile, KML, CSV or XLSX",
            "not_readable",
            file=path.name,
        ) from None
    return [_ogr_table(path, str(name), path.name, "ogr", limits) for name, _ in layers]


def _read_gpkg(path: Path, limits: ImportLimits) -> list[SourceTable]:
    """The feature tables of a GeoPackage, read by GDAL only after :func:`inspect_geopackage` let them through."""
    return [
        _ogr_table(path, layer, path.name, "gpkg", limits, inspected=True) for layer in inspect_geopackage(path, limits)
    ]


# Tables GDAL reads on opening a GeoPackage: each must be a plain table, never a view that runs on reading.
GPKG_SYSTEM_TABLES = (
    "gpkg_contents",
    "gpkg_geometry_columns",
    "gpkg_spatial_ref_sys",
    "gpkg_extensions",
    "gpkg_ogr_contents",
    "gpkg_data_columns",
    "gpkg_data_column_constraints",
    "gpkg_metadata",
    "gpkg_metadata_reference",
    "gpkg_tile_matrix",
    "gpkg_tile_matrix_set",
)
# A GeoPackage's spatial index: a virtual table of SQLite's own rtree module named rtree_<table>_<column>.
_RTREE = re.compile(
    r"^\s*CREATE\s+VIRTUAL\s+TABLE\s+(?:\"rtree_(?:[^\"]|\"\")*\"|rtree_\S+)\s+USING\s+rtree\s*\(", re.IGNORECASE
)


def inspect_geopackage(path: Path, limits: ImportLimits = ImportLimits()) -> list[str]:
    """The feature tables of the GeoPackage at ``path``, after refusing what reading it could run or exceed.

    The file is opened by SQLite alone, read-only and immutable (nothing is written to it or beside it,
    no journal is replayed), with ``trusted_schema`` off, and only its schema and the tables' row counts
    are read: a view (which GDAL would evaluate, an endlessly recursive one for ever), a virtual table
    other than a spatial index, or a generated column anywhere is refused, and so is a layer beyond the
    row and column limits or whose CRS names a file or is not of Earth. No view is ever selected from.
    """
    name = path.name
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    deadline = time.monotonic() + limits.max_inspect_seconds
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise _damaged(name, exc, path) from None
    try:
        # A bound on the work itself: SQLite stops any statement that runs past the deadline.
        conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        conn.execute("PRAGMA trusted_schema=OFF")
        conn.execute("PRAGMA query_only=ON")
        return _inspected_layers(conn, name, limits)
    except sqlite3.OperationalError as exc:
        if "interrupted" in str(exc):
            raise ImportFileError(
                f"{name}: inspecting the GeoPackage took more than {limits.max_inspect_seconds:g} s; the file "
                "was refused (split it into smaller files)",
                "refused",
                file=name,
            ) from None
        raise _damaged(name, exc, path) from None
    except sqlite3.Error as exc:
        raise _damaged(name, exc, path) from None
    finally:
        conn.close()


def _damaged(name: str, exc: BaseException, path: Path) -> ImportFileError:
    return ImportFileError(
        f"{name}: not a readable GeoPackage ({safe_detail(exc, path)}); the file is damaged or not a GeoPackage "
        "(save it again as GeoPackage)",
        "not_geopackage",
        file=name,
    )


def _inspected_layers(conn: sqlite3.Connection, name: str, limits: ImportLimits) -> list[str]:
    check = conn.execute("PRAGMA quick_check(1)").fetchone()
    if not check or check[0] != "ok":
        raise ImportFileError(
            f"{name}: the GeoPackage is damaged (SQLite's check says: {check[0] if check else 'nothing'}); "
            "save it again as GeoPackage",
            "not_geopackage",
            file=name,
        )
    schema = {row[1]: (row[0], row[2] or "") for row in conn.execute("SELECT type, name, sql FROM sqlite_master")}
    for object_name, (kind, sql) in schema.items():
        if kind == "view":
            raise ImportFileError(
                f"{name}: the GeoPackage holds a view ({object_name!r}); Pledgemap reads plain tables only and "
                "never evaluates views (save the layer as a table, e.g. in QGIS with Export → Save Features As)",
                "gpkg_view",
                file=name,
                table=object_name,
            )
        if kind == "table" and sql.lstrip().upper().startswith("CREATE VIRTUAL") and not _RTREE.match(sql):
            raise ImportFileError(
                f"{name}: the GeoPackage holds a virtual table ({object_name!r}); Pledgemap reads plain tables "
                "only (save the layer as a table, e.g. in QGIS with Export → Save Features As)",
                "gpkg_view",
                file=name,
                table=object_name,
            )
    for table_name in GPKG_SYSTEM_TABLES:
        if table_name in schema and schema[table_name][0] != "table":
            raise ImportFileError(
                f"{name}: the GeoPackage's {table_name} is not a table; the file was refused",
                "gpkg_view",
                file=name,
                table=table_name,
            )
    if "gpkg_contents" not in schema:
        raise ImportFileError(
            f"{name}: an SQLite file but not a GeoPackage (it has no gpkg_contents table); "
            "expected a GeoPackage (save it again as GeoPackage)",
            "not_geopackage",
            file=name,
        )
    for table_name, (kind, sql) in schema.items():
        if kind != "table" or _RTREE.match(sql) or sql.lstrip().upper().startswith("CREATE VIRTUAL"):
            continue
        for column in conn.execute(f"PRAGMA table_xinfo({_quoted(table_name)})"):
            if column[6] in (2, 3):  # a generated column: computed, by an expression the file chose, on reading
                raise ImportFileError(
                    f"{name}: the table {table_name!r} has a generated column ({column[1]!r}); Pledgemap reads "
                    "stored values only (save the layer again, e.g. in QGIS with Export → Save Features As)",
                    "gpkg_view",
                    file=name,
                    table=table_name,
                )
    layers = []
    for table_name, srs_id in conn.execute(
        "SELECT table_name, srs_id FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name"
    ):
        table_name = str(table_name)
        if schema.get(table_name, ("", ""))[0] != "table":
            raise ImportFileError(
                f"{name}: the layer {table_name!r} is listed but is not a table in the file; expected a feature "
                "table (save it again as GeoPackage)",
                "not_geopackage",
                file=name,
                table=table_name,
            )
        width = len(conn.execute(f"PRAGMA table_xinfo({_quoted(table_name)})").fetchall())
        if width > limits.max_columns + 2:  # the feature id and the geometry are columns too
            raise _too_many_columns(f"{name}, {table_name}", name, width, limits)
        (rows,) = conn.execute(f"SELECT COUNT(*) FROM {_quoted(table_name)}").fetchone()
        if rows > limits.max_features:
            raise ImportFileError(
                f"{name}: layer {table_name} has {rows} features; expected at most {limits.max_features} "
                "per import (split the file)",
                "too_many_rows",
                file=name,
                max=limits.max_features,
            )
        _check_gpkg_srs(conn, name, table_name, srs_id)
        layers.append(table_name)
    return layers


def _check_gpkg_srs(conn: sqlite3.Connection, name: str, table_name: str, srs_id: Any) -> None:
    """Refuse a layer whose CRS definition names a file or is not of Earth, before GDAL and PROJ read it."""
    if srs_id in (None, 0, -1):  # the GeoPackage's "undefined" systems: the CRS is guessed later
        return
    columns = {row[1] for row in conn.execute("PRAGMA table_xinfo(gpkg_spatial_ref_sys)")}
    wanted = ["definition", *(["definition_12_063"] if "definition_12_063" in columns else [])]
    row = conn.execute(f"SELECT {', '.join(wanted)} FROM gpkg_spatial_ref_sys WHERE srs_id = ?", (srs_id,)).fetchone()
    if row is None:
        return  # GDAL then reads the layer without a CRS, and the import guesses it from the coordinates
    for definition in row:
        if not isinstance(definition, str) or definition.strip().lower() in ("", "undefined"):
            continue
        try:
            earth_crs(definition)
        except CoercionError as exc:
            raise _crs_error(f"{name}, {table_name}", name, exc) from None


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _ogr_table(
    path: Path, layer: str | None, name: str, kind: str, limits: ImportLimits, inspected: bool = False
) -> SourceTable:
    try:
        if not inspected:  # a GeoPackage's layers were counted and checked by SQLite, without GDAL
            info = pyogrio.read_info(path, layer=layer)
            if info.get("driver") not in GDAL_DRIVERS:
                raise ImportFileError(
                    f"{name}: GDAL reads it as {info.get('driver')}, which Pledgemap does not import; "
                    "expected GeoPackage, zipped Shapefile, FlatGeobuf or GeoParquet",
                    "not_readable",
                    file=name,
                )
            if info["features"] > limits.max_features:
                raise ImportFileError(
                    f"{name}: layer {layer or path.stem} has {info['features']} features; expected at "
                    f"most {limits.max_features} per import (split the file)",
                    "too_many_rows",
                    file=name,
                    max=limits.max_features,
                )
            if len(info["fields"]) > limits.max_columns:
                raise _too_many_columns(f"{name}, layer {layer or path.stem}", name, len(info["fields"]), limits)
        frame = pyogrio.read_dataframe(path, layer=layer)
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(
            f"{name}: layer {layer or path.stem} cannot be read ({safe_detail(exc, path)})",
            "not_readable",
            file=name,
        ) from None
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    geometry = frame.geometry if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame else None
    attributes = pd.DataFrame(frame.drop(columns=[geometry.name])) if geometry is not None else pd.DataFrame(frame)
    return SourceTable(name, kind, layer or path.stem, attributes, geometry)


# -- GeoJSON --------------------------------------------------------------


def _json_depth(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_json(text: str, name: str) -> Any:
    """``text`` parsed as JSON, or an :class:`ImportFileError` naming the file and the line that is wrong."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{name}: not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg})",
            "not_json",
            file=name,
            line=exc.lineno,
        ) from None


def _read_geojson(path: Path, limits: ImportLimits) -> list[SourceTable]:
    text, encoding = decode_text(path.read_bytes(), path.name, allow_legacy=False)
    return [geojson_table(text, path.name, limits, encoding)]


def geojson_table(text: str, name: str, limits: ImportLimits = ImportLimits(), encoding: str = "utf-8") -> SourceTable:
    """A GeoJSON document's features as a table: properties as columns, each feature's geometry read on its own."""
    if _json_depth(text) > limits.max_json_depth:
        raise ImportFileError(
            f"{name}: the JSON is nested deeper than {limits.max_json_depth} levels; "
            "expected a GeoJSON FeatureCollection",
            "refused",
            file=name,
        )
    document = parse_json(text, name)
    if isinstance(document, dict) and document.get("type") == "Feature":
        features = [document]
    elif isinstance(document, dict) and document.get("type") == "FeatureCollection":
        listed = document.get("features")
        if not isinstance(listed, list):
            raise ImportFileError(f"{name}: the FeatureCollection has no list of 'features'", "not_geojson", file=name)
        features = listed
    else:
        raise ImportFileError(
            f"{name}: expected a GeoJSON FeatureCollection or Feature, got "
            f"{type(document).__name__ if not isinstance(document, dict) else document.get('type')!r}",
            "not_geojson",
            file=name,
        )
    if len(features) > limits.max_features:
        raise ImportFileError(
            f"{name}: {len(features)} features; expected at most {limits.max_features} per import",
            "too_many_rows",
            file=name,
            max=limits.max_features,
        )
    crs = _geojson_crs(document, name)
    rows: list[dict[str, Any]] = []
    geometries: list[Any] = []
    errors: dict[int, str] = {}
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors[number] = "is not a GeoJSON Feature object"
            rows.append({})
            geometries.append(None)
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
            errors[number] = "has properties that are not an object"
        row = {
            str(k): (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
            for k, v in properties.items()
        }
        if "id" in feature and "id" not in row:
            row["id"] = feature["id"]
        rows.append(row)
        geometries.append(_geojson_geometry(feature.get("geometry"), number, errors))
    frame = _object_frame(rows, pd.RangeIndex(1, len(rows) + 1))
    series = gpd.GeoSeries(geometries, index=frame.index, crs=crs)
    title = document.get("name") if isinstance(document.get("name"), str) else None  # ogr2ogr and QGIS write it
    return SourceTable(
        name, "geojson", None, frame, series, encoding, geometry_errors=errors, title=(title or "").strip() or None
    )


def _geojson_geometry(value: Any, number: int, errors: dict[int, str]):
    if value is None:
        return None
    try:
        geom = shape(value)
    except MemoryError:  # the bounded read's memory limit: not a row's geometry error
        raise
    except Exception as exc:  # shapely raises several kinds for malformed input
        errors.setdefault(number, f"has a geometry that cannot be read ({exc.__class__.__name__}: {exc})")
        return None
    return geom


def _geojson_crs(document: dict, name: str) -> str:
    # RFC 7946 says CRS84; older files name another CRS in a "crs" member, which GDAL honours too.
    member = document.get("crs")
    if not member:
        return "OGC:CRS84"
    expected = '{"type": "name", "properties": {"name": "EPSG:3006"}} or no crs (WGS 84)'
    try:
        crs_name = str(member["properties"]["name"])
    except (KeyError, TypeError):
        raise ImportFileError(
            f"{name}: the 'crs' member cannot be read; expected {expected}", "bad_crs", file=name
        ) from None
    try:
        earth_crs(crs_name)
    except CoercionError as exc:
        if exc.code == "not_a_crs":
            raise ImportFileError(
                f"{name}: the 'crs' member names {crs_name[:80]!r}, which is not a coordinate system; "
                f"expected {expected}",
                "bad_crs",
                file=name,
            ) from None
        raise _crs_error(name, name, exc) from None
    return crs_name


# -- KML --------------------------------------------------------------------

KML_NS = "{http://www.opengis.net/kml/2.2}"


def _read_kml(path: Path, limits: ImportLimits) -> list[SourceTable]:
    data = path.read_bytes()
    if data.startswith(b"PK"):  # KMZ: a zip whose main document is a .kml
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise ImportFileError(
                f"{path.name}: not a readable KMZ (zip) archive ({safe_detail(exc, path)})", "not_zip", file=path.name
            ) from None
        with archive:
            members = [m for m in check_zip(archive, path.name, limits) if m.filename.lower().endswith(".kml")]
            if not members:
                raise ImportFileError(f"{path.name}: the KMZ holds no .kml document", "not_kml", file=path.name)
            data = _read_member(archive, members[0], path.name, limits)
    return [kml_table(data, path.name, limits)]


_XML_ENCODING = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
KML_ENCODINGS = ("utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "us-ascii", "ascii")


def _kml_encoding(data: bytes, name: str) -> None:
    """Refuse a KML whose XML declaration names another encoding than UTF-8 or UTF-16 (UTF-7 smuggles markup)."""
    head = data[:400]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "replace").encode("ascii", "replace")
    match = _XML_ENCODING.match(head.lstrip(b"\xef\xbb\xbf \t\r\n"))
    if match and match.group(1).decode("ascii").lower() not in KML_ENCODINGS:
        declared = match.group(1).decode("ascii")
        raise ImportFileError(
            f"{name}: the KML declares the encoding {declared}; expected UTF-8 (or UTF-16), as KML is written "
            "(export the map again as KML)",
            "not_kml",
            file=name,
        )


def kml_table(data: bytes, name: str, limits: ImportLimits = ImportLimits()) -> SourceTable:
    """The Placemarks of a KML document as a table (Google My Maps exports safety walks this way)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    _kml_encoding(data, name)
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImportFileError(
            f"{name}: the KML declares a DTD or entities, which KML never needs; the file was "
            "refused (entity expansion can exhaust the server)",
            "refused",
            file=name,
        ) from None
    except (ParseError, LookupError, ValueError) as exc:  # LookupError: an encoding Python does not know
        raise ImportFileError(
            f"{name}: not well-formed XML ({safe_detail(exc)}); expected a KML document", "not_kml", file=name
        ) from None
    ns = KML_NS if root.tag.startswith(KML_NS) else ""
    folder_of = {id(child): folder for folder in root.iter(f"{ns}Folder") for child in folder}
    rows, geometries, errors = [], [], {}
    for number, placemark in enumerate(root.iter(f"{ns}Placemark"), start=1):
        if number > limits.max_features:
            raise ImportFileError(
                f"{name}: more than {limits.max_features} placemarks; expected at most {limits.max_features} per import",
                "not_readable",
                file=name,
            )
        row: dict[str, Any] = {}
        for tag in ("name", "description"):
            element = placemark.find(f"{ns}{tag}")
            if element is not None and element.text:
                row[tag] = kml_plain_text(element.text)
        # My Maps puts a short title in <name> and any detail in <description>: keep both as the description.
        if row.get("name"):
            row["description"] = " – ".join(filter(None, (row["name"], row.get("description"))))
        folder = folder_of.get(id(placemark))
        name_element = folder.find(f"{ns}name") if folder is not None else None
        if name_element is not None and name_element.text:
            row["folder"] = name_element.text.strip()
        for data_el in placemark.iter(f"{ns}Data"):
            value = data_el.find(f"{ns}value")
            row[data_el.get("name", "")] = value.text.strip() if value is not None and value.text else None
        for simple in placemark.iter(f"{ns}SimpleData"):
            row[simple.get("name", "")] = (simple.text or "").strip() or None
        if row.get("description"):
            # My Maps repeats each data field in the description ("Kategori: Mörkt"): kept once, as its column.
            fields = {f"{k}: {v}" for k, v in row.items() if k not in ("name", "description", "folder") and v}
            kept = [part for part in row["description"].split("; ") if part not in fields]
            row["description"] = "; ".join(kept) or None
        # A placemark's own time: <TimeStamp><when> (a moment) or the start of a <TimeSpan>.
        when = placemark.findtext(f"{ns}TimeStamp/{ns}when") or placemark.findtext(f"{ns}TimeSpan/{ns}begin")
        if when and when.strip():
            row.setdefault("when", when.strip())
        rows.append(row)
        try:
            geometries.append(_kml_geometry(placemark, ns))
        except (ValueError, shapely.errors.ShapelyError) as exc:
            errors[number] = f"has a geometry that cannot be read ({exc})"
            geometries.append(None)
    frame = _object_frame(rows, pd.RangeIndex(1, len(rows) + 1))
    series = gpd.GeoSeries(geometries, index=frame.index, crs="OGC:CRS84")
    document = root.find(f"{ns}Document")
    title = (document if document is not None else root).findtext(f"{ns}name")
    return SourceTable(
        name, "kml", None, frame, series, "utf-8", geometry_errors=errors, title=(title or "").strip() or None
    )


_BREAKS = re.compile(r"<\s*(br|/p|/div|/li)\s*/?\s*>", re.I)
_TAGS = re.compile(r"<[^>]*>")


def kml_plain_text(text: str) -> str:
    """A KML name or description as plain text: My Maps writes HTML (``<br>``, entities) into descriptions.

    >>> kml_plain_text("Ingen belysning alls<br>Kategori: M&ouml;rkt")
    'Ingen belysning alls; Kategori: Mörkt'
    """
    parts = [html.unescape(_TAGS.sub("", part)).strip() for part in _BREAKS.split(text)[::2]]
    return "; ".join(p for p in parts if p)


def _kml_coords(element, ns: str) -> list[tuple[float, float]]:
    text = element.findtext(f"{ns}coordinates") or ""
    points = []
    for token in text.split():
        parts = token.split(",")
        try:
            points.append((float(parts[0]), float(parts[1])))
        except (ValueError, IndexError):
            raise ValueError(f"has a coordinate {token!r} that is not 'longitude,latitude[,height]'") from None
    if not points:
        raise ValueError("has a geometry without coordinates")
    return points


def _kml_geometry(placemark, ns: str):
    parts = []
    for element in placemark.iter():
        tag = element.tag.removeprefix(ns)
        if tag == "Point":
            parts.append(shapely.Point(_kml_coords(element, ns)[0]))
        elif tag == "LineString":
            parts.append(shapely.LineString(_kml_coords(element, ns)))
        elif tag == "Polygon":
            outer = element.find(f"{ns}outerBoundaryIs/{ns}LinearRing")
            if outer is None:
                raise ValueError("has a polygon without an outer boundary")
            holes = [_kml_coords(ring, ns) for ring in element.findall(f"{ns}innerBoundaryIs/{ns}LinearRing")]
            parts.append(shapely.Polygon(_kml_coords(outer, ns), holes))
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    if all(p.geom_type == "Polygon" for p in parts):
        return shapely.MultiPolygon(parts)
    return shapely.GeometryCollection(parts)


# -- text tables ------------------------------------------------------------

# UTF-8 bytes of å, ä, ö, Å, Ä, Ö read as Windows-1252: seeing these means the
# file is UTF-8 with broken bytes, not a Windows export.
_MOJIBAKE = re.compile("Ã[¥¤¶…„–©]")


def decode_text(data: bytes, name: str, allow_legacy: bool = True) -> tuple[str, str]:
    """Text and encoding of ``data``: UTF-8 (with or without BOM), else Windows-1252 where that is what it is."""
    if b"\x00" in data[:4096]:
        raise ImportFileError(
            f"{name}: the file holds NUL bytes; expected text (is it a binary or UTF-16 file? save it as CSV UTF-8)",
            "not_text",
            file=name,
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        broken = f"{name}: line {line} is not valid UTF-8 (byte {exc.start + 1})"
        if not allow_legacy:
            raise ImportFileError(f"{broken}; expected UTF-8 text", "not_utf8", file=name, line=line) from None
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFileError(
                f"{broken} nor Windows-1252; expected UTF-8 (in Excel: Spara som → CSV UTF-8)",
                "not_utf8",
                file=name,
                line=line,
            ) from None
        if _MOJIBAKE.search(text):
            raise ImportFileError(
                f"{broken}: the file mixes UTF-8 with other bytes; expected one encoding "
                "throughout (save it again as CSV UTF-8)",
                "not_utf8",
                file=name,
                line=line,
            ) from None
        return text, "cp1252"


def _read_csv(path: Path, limits: ImportLimits) -> list[SourceTable]:
    text, encoding = decode_text(path.read_bytes(), path.name)
    table = csv_table(text, path.name, limits)
    table.encoding = encoding
    if encoding == "cp1252":
        table.notes.append(Note(f"{path.name}: read as Windows-1252 (a Swedish Excel export), not UTF-8", "cp1252"))
    return [table]


def csv_table(text: str, name: str, limits: ImportLimits = ImportLimits()) -> SourceTable:
    """A delimited text as a table of strings; the delimiter (``;``, ``,`` or tab) is found from the first rows."""
    if not text.strip():
        raise ImportFileError(
            f"{name}: the file has no header row; expected column names on the first line", "no_header", file=name
        )
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    numbers: list[int] = []
    columns: list[str] | None = None
    # Rows are numbered as a spreadsheet shows the file: one per record, blank ones too, so a comment that runs over
    # two lines is one row, as in Excel (the text editor's line numbers would drift after it).
    start = 0
    try:
        for record in reader:
            start += 1
            if start > limits.max_rows:
                raise _too_many_lines(name, name, limits)
            if columns is None:
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) > limits.max_columns:
                    raise _too_many_columns(name, name, len(record), limits)
                columns = _unique_columns([cell.strip() for cell in record], name)
                continue
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= limits.max_features:
                raise ImportFileError(
                    f"{name}: more than {limits.max_features} rows; expected at most "
                    f"{limits.max_features} per import (split the file)",
                    "too_many_rows",
                    file=name,
                    max=limits.max_features,
                )
            rows.append(record)
            numbers.append(start)
    except csv.Error as exc:
        raise ImportFileError(
            f"{name}: line {reader.line_num} cannot be read as CSV ({safe_detail(exc)})",
            "bad_csv",
            file=name,
            line=reader.line_num,
        ) from None
    if columns is None:
        raise ImportFileError(
            f"{name}: the file has no header row; expected column names on the first line", "no_header", file=name
        )
    errors = {}
    data = []
    for number, record in zip(numbers, rows):
        if len(record) > len(columns):
            errors[number] = f"has {len(record)} values but the header names {len(columns)} columns"
        data.append(
            {c: (record[i].strip() if i < len(record) and record[i].strip() else None) for i, c in enumerate(columns)}
        )
    frame = _object_frame(data, pd.Index(numbers, name="row"), columns)
    table = SourceTable(name, "csv", None, frame, None, geometry_errors=errors)
    table.notes.append(
        Note(
            f"{name}: columns separated by {'tab' if delimiter == chr(9) else repr(delimiter)}",
            "delimiter",
            {"delimiter": delimiter},
        )
    )
    return table


def _delimiter(text: str, sample_rows: int = 50) -> str:
    """The delimiter (``;``, ``,`` or tab) that splits the first rows into as many fields as the header names.

    Swedish Excel writes ``;`` (the comma is the decimal sign), others ``,``;
    a delimiter that splits a decimal comma or a text gives rows of another
    width than the header and loses.
    """
    best, best_score = ";", (False, 0, 0.0)
    for candidate in (";", ",", "\t"):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=candidate)
        try:
            rows = [r for _, r in zip(range(sample_rows + 1), (r for r in reader if any(c.strip() for c in r)))]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        same = sum(1 for r in rows[1:] if len(r) == width) / (len(rows) - 1) if len(rows) > 1 else 1.0
        score = (same >= 0.9, width if same >= 0.9 else 0, same)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _unique_columns(names: list[str], file_name: str) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for position, column in enumerate(names, start=1):
        column = column or f"kolumn {position}"
        if column in seen:
            raise ImportFileError(
                f"{file_name}: the column name {column!r} appears twice in the header; expected each column named once",
                "duplicate_column",
                file=file_name,
                column=column,
            )
        seen[column] = position
        out.append(column)
    return out


def _read_xlsx(path: Path, limits: ImportLimits) -> list[SourceTable]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            check_zip(archive, path.name, limits)
        workbook = load_workbook(path, read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(
            f"{path.name}: not a readable Excel workbook ({safe_detail(exc, path)}); expected an .xlsx file",
            "not_readable",
            file=path.name,
        ) from None
    tables = []
    try:
        for sheet in workbook.worksheets:
            table = _sheet_table(sheet, path.name, limits)
            if table is not None:
                tables.append(table)
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet shows only as it is read: a bad checksum, broken XML, a date past 9999
        raise ImportFileError(
            f"{path.name}: not a readable Excel workbook ({safe_detail(exc, path)}); expected an .xlsx file "
            "(open it in Excel and save it again)",
            "not_readable",
            file=path.name,
        ) from None
    finally:
        workbook.close()
    return tables


def _empty(values: tuple) -> bool:
    return not any(v is not None and str(v).strip() for v in values)


def _sheet_table(sheet, name: str, limits: ImportLimits) -> SourceTable | None:
    where = f"{name}, sheet {sheet.title}"
    stated = sheet.max_row  # the sheet's own claim of its size (its <dimension>), which may lie
    # openpyxl pads every row to the claimed width and height: a sheet claiming A1:XFD1048576 would cost
    # 16 384 cells a row and a million rows. The header row is read as wide as it is, the rows below it
    # only as wide as the header.
    sheet.reset_dimensions()
    header: tuple | None = None
    header_row = 0
    empty_run = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if not _empty(values):
            header, header_row = values, number
            break
        empty_run += 1
        if empty_run >= limits.max_empty_run:
            return None
    if header is None:
        return None
    width = max(i for i, v in enumerate(header, start=1) if v is not None and str(v).strip())
    if width > limits.max_columns:
        raise _too_many_columns(where, name, width, limits)
    columns = _unique_columns([str(v).strip() if v is not None else "" for v in header[:width]], where)
    data: list[dict[str, Any]] = []
    numbers: list[int] = []
    notes: list[Note] = []
    empty_run = 0
    rows = sheet.iter_rows(min_row=header_row + 1, max_col=width, values_only=True)
    for number, values in enumerate(rows, start=header_row + 1):
        if number > limits.max_rows:
            raise _too_many_lines(where, name, limits)
        if _empty(values):
            empty_run += 1
            if empty_run >= limits.max_empty_run:
                last = number - empty_run
                notes.append(
                    Note(
                        f"{where}: reading stopped at row {number}, after {empty_run} empty rows in a row "
                        f"(the sheet says it has {stated or 'an unknown number of'} rows); rows below them were "
                        "not read: move them up, or put them in a file of their own",
                        "empty_rows_stop",
                        {"sheet": sheet.title, "row": number, "empty": empty_run, "last": last},
                    )
                )
                break
            continue
        empty_run = 0
        if len(data) >= limits.max_features:
            raise ImportFileError(
                f"{where}: more than {limits.max_features} rows; expected at most {limits.max_features} per import",
                "too_many_rows",
                file=name,
                max=limits.max_features,
            )
        data.append({c: (v.strip() or None if isinstance(v, str) else v) for c, v in zip(columns, values)})
        numbers.append(number)
    frame = _object_frame(data, pd.Index(numbers, name="row"), columns)
    return SourceTable(name, "xlsx", sheet.title, frame, None, notes=notes)
