"""Reading the files municipalities and police areas bring, safely, into raw tables.

:func:`read_source` turns a file into :class:`SourceTable` objects: the raw
attribute values of each row as the file holds them, and the geometry where
the format has one. Nothing here knows the layers; mapping columns to fields
is :mod:`geodata.io.columns`, checking and writing is :mod:`geodata.io.importer`.

Every file is treated as hostile until read: its size and feature count are
capped, zip archives are checked for bombs and path traversal before a byte is
extracted, XML is parsed without DTDs or entities, and text that is neither
UTF-8 nor Windows-1252 is refused with the line where it breaks.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
import shapely
from shapely.geometry import shape

from geodata.errors import ImportFileError, Note

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
        raise ImportFileError(f"{path}: no such file")
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
        "gpkg": _read_ogr,
        "geojson": _read_geojson,
        "shapefile": _read_zipped_shapefile,
        "kml": _read_kml,
        "csv": _read_csv,
        "xlsx": _read_xlsx,
        "ogr": _read_ogr,
    }[kind]
    tables = reader(path, limits)
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
    return members


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: ImportLimits) -> bytes:
    # The sizes in a zip's headers are claims: read with a hard cap, whatever they say.
    cap = min(limits.max_unzipped_bytes, info.file_size) + 1
    with archive.open(info) as member:
        data = member.read(cap)
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
        raise ImportFileError(f"{path.name}: not a readable zip archive ({exc})", "not_zip", file=path.name) from None
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
            target.write_bytes(_read_member(archive, info, path.name, limits))
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
            f"{path.name}: not a file GDAL can read ({exc}); expected GeoPackage, GeoJSON, "
            "zipped Shapefile, KML, CSV or XLSX",
            "not_readable",
            file=path.name,
        ) from None
    kind = "gpkg" if path.suffix.lower() == ".gpkg" else "ogr"
    return [
        _ogr_table(path, str(name), path.name, kind, limits)
        for name, geometry_type in layers
        if geometry_type is not None or kind == "ogr"
    ]


def _ogr_table(path: Path, layer: str | None, name: str, kind: str, limits: ImportLimits) -> SourceTable:
    try:
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
        frame = pyogrio.read_dataframe(path, layer=layer)
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(
            f"{name}: layer {layer or path.stem} cannot be read ({exc})", "not_readable", file=name
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
        pyproj.CRS.from_user_input(crs_name)
    except (KeyError, TypeError):
        raise ImportFileError(
            f"{name}: the 'crs' member cannot be read; expected {expected}", "bad_crs", file=name
        ) from None
    except pyproj.exceptions.CRSError:
        raise ImportFileError(
            f"{name}: the 'crs' member names {crs_name!r}, which is not a coordinate system; expected {expected}",
            "bad_crs",
            file=name,
        ) from None
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
                f"{path.name}: not a readable KMZ (zip) archive ({exc})", "not_zip", file=path.name
            ) from None
        with archive:
            members = [m for m in check_zip(archive, path.name, limits) if m.filename.lower().endswith(".kml")]
            if not members:
                raise ImportFileError(f"{path.name}: the KMZ holds no .kml document", "not_kml", file=path.name)
            data = _read_member(archive, members[0], path.name, limits)
    return [kml_table(data, path.name, limits)]


def kml_table(data: bytes, name: str, limits: ImportLimits = ImportLimits()) -> SourceTable:
    """The Placemarks of a KML document as a table (Google My Maps exports safety walks this way)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImportFileError(
            f"{name}: the KML declares a DTD or entities, which KML never needs; the file was "
            "refused (entity expansion can exhaust the server)",
            "refused",
            file=name,
        ) from None
    except ParseError as exc:
        raise ImportFileError(
            f"{name}: not well-formed XML ({exc}); expected a KML document", "not_kml", file=name
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
            if columns is None:
                if not any(cell.strip() for cell in record):
                    continue
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
            f"{name}: line {reader.line_num} cannot be read as CSV ({exc})", "bad_csv", file=name, line=reader.line_num
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
            f"{path.name}: not a readable Excel workbook ({exc}); expected an .xlsx file",
            "not_readable",
            file=path.name,
        ) from None
    tables = []
    try:
        for sheet in workbook.worksheets:
            table = _sheet_table(sheet, path.name, limits)
            if table is not None:
                tables.append(table)
    finally:
        workbook.close()
    return tables


def _sheet_table(sheet, name: str, limits: ImportLimits) -> SourceTable | None:
    columns: list[str] | None = None
    data: list[dict[str, Any]] = []
    numbers: list[int] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if not any(v is not None and str(v).strip() for v in values):
            continue
        if columns is None:
            columns = _unique_columns(
                [str(v).strip() if v is not None else "" for v in values], f"{name}, sheet {sheet.title}"
            )
            continue
        if len(data) >= limits.max_features:
            raise ImportFileError(
                f"{name}, sheet {sheet.title}: more than {limits.max_features} rows; expected at "
                f"most {limits.max_features} per import",
                "too_many_rows",
                file=name,
                max=limits.max_features,
            )
        data.append({c: (v.strip() or None if isinstance(v, str) else v) for c, v in zip(columns, values)})
        numbers.append(number)
    if columns is None:
        return None
    frame = _object_frame(data, pd.Index(numbers, name="row"), columns)
    return SourceTable(name, "xlsx", sheet.title, frame, None)
