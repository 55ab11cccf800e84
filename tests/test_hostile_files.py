"""A corpus of hostile files, built in code: each ends in a PledgemapError naming the file (and the row and
field where there is one), never another exception, never a server path, and the store stays byte-identical.

Every builder writes one file into a folder and returns its path; :data:`CORPUS` says what the import must
end in (an :class:`ImportFileError` code, or the code of a row problem in a :class:`ValidationError`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, Polygon

from dashboard.i18n import catalogue, fill
from geodata.errors import ImportFileError, PledgemapError, ValidationError
from geodata.io import commit_file, plan_file
from geodata.io.readers import ImportLimits, read_source

from builders import KINNA, snapshot

KINNA_NE = (6376282, 361845)  # SWEREF 99 TM (north, east) of a place in Kinna
HEADER = "Datum;Kategori;Källa;Beskrivning;Nord;Öst"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- builders of valid files, which the hostile ones change -----------------------------------------------


def csv_text(*descriptions: str, date: str = "2024-03-05") -> str:
    rows = [HEADER] + [
        f"{date};Klotter;Enkät;{d};{KINNA_NE[0] + 10 * i};{KINNA_NE[1]}" for i, d in enumerate(descriptions)
    ]
    return "\n".join(rows) + "\n"


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def feature(description: str = "Mörk gångväg", geometry: dict | None = None, **properties) -> dict:
    return {
        "type": "Feature",
        "properties": {
            "datum": "2024-03-05",
            "kategori": "Klotter",
            "källa": "Enkät",
            "beskrivning": description,
            **properties,
        },
        "geometry": geometry if geometry is not None else {"type": "Point", "coordinates": list(KINNA)},
    }


def geojson(path: Path, *features: dict, **members) -> Path:
    return write(path, json.dumps({"type": "FeatureCollection", **members, "features": list(features) or [feature()]}))


def with_crs(path: Path, name: str) -> Path:
    return geojson(path, crs={"type": "name", "properties": {"name": name}})


def kml(placemarks: str = "", declaration: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    placemarks = placemarks or (
        "<Placemark><name>Mörk passage</name><ExtendedData><Data name='kategori'><value>Belysning</value></Data>"
        "<Data name='datum'><value>2024-03-05</value></Data><Data name='källa'><value>Enkät</value></Data>"
        f"</ExtendedData><Point><coordinates>{KINNA[0]},{KINNA[1]}</coordinates></Point></Placemark>"
    )
    return f'{declaration}<kml xmlns="http://www.opengis.net/kml/2.2"><Document>{placemarks}</Document></kml>'


def zip_with(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def places(geometry=None, crs=4326, **columns) -> gpd.GeoDataFrame:
    data = {"datum": ["2024-03-05"], "kategori": ["Klotter"], "kalla": ["Enkät"], **columns}
    return gpd.GeoDataFrame(data, geometry=[geometry or Point(*KINNA)], crs=crs)


def gpkg(path: Path, frame: gpd.GeoDataFrame | None = None, layer: str = "platser") -> Path:
    (places() if frame is None else frame).to_file(path, layer=layer, driver="GPKG")
    return path


def shapefile_parts(d: Path, frame: gpd.GeoDataFrame | None = None) -> dict[str, bytes]:
    folder = d / "shp"
    folder.mkdir(exist_ok=True)
    (places() if frame is None else frame).to_file(folder / "platser.shp")
    return {part.name: part.read_bytes() for part in folder.iterdir()}


def shapefile_zip(path: Path, **replace: bytes) -> Path:
    parts = shapefile_parts(path.parent)
    parts.update(replace)
    return zip_with(path, parts)


def xlsx(path: Path, sheet_xml: str, shared: list[str] | None = None) -> Path:
    """A workbook written part by part, so a test can put in it what Excel never would."""
    strings = "".join(f"<si><t>{s}</t></si>" for s in shared or [])
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Platser" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>",
        "xl/styles.xml": '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
        '<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>',
        "xl/sharedStrings.xml": '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{strings}</sst>",
        "xl/worksheets/sheet1.xml": '<?xml version="1.0" encoding="UTF-8"?>'
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sheet_xml}</worksheet>',
    }
    return zip_with(path, {k: v.encode() for k, v in parts.items()})


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_rows(*rows: list[str], dimension: str | None = None, tail: str = "") -> str:
    """Rows of inline strings from row 1, then ``tail`` (more row elements)."""
    body = "".join(
        f'<row r="{n}">' + "".join(inline(f"{'ABCDEFGH'[i]}{n}", v) for i, v in enumerate(row)) + "</row>"
        for n, row in enumerate(rows, start=1)
    )
    shown = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"{shown}<sheetData>{body}{tail}</sheetData>"


XLSX_HEADER = ["Datum", "Kategori", "Källa", "Beskrivning", "Nord", "Öst"]
XLSX_ROW = ["2024-03-05", "Klotter", "Enkät", "Mörk gångväg", str(KINNA_NE[0]), str(KINNA_NE[1])]


def recursive_view_gpkg(path: Path, view_sql: str | None = None) -> Path:
    """A GeoPackage whose only layer is a view: by default one that recurses for ever (the attack's file)."""
    gpkg(path, layer="base")
    view_sql = view_sql or (
        "CREATE VIEW evil AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        "SELECT n AS fid, (SELECT geom FROM base) AS geom, n AS datum FROM r"
    )
    with sqlite3.connect(path) as conn:
        conn.executescript(
            f"""{view_sql};
            DELETE FROM gpkg_contents WHERE table_name = 'base';
            DELETE FROM gpkg_geometry_columns WHERE table_name = 'base';
            INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('evil', 'features', 'evil', 4326);
            INSERT INTO gpkg_geometry_columns VALUES ('evil', 'geom', 'POINT', 4326, 0, 0);"""
        )
    conn.close()
    return path


def gpkg_sql(path: Path, sql: str) -> Path:
    gpkg(path)
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.commit()
    conn.close()
    return path


def gpkg_srs(path: Path, definition: str) -> Path:
    return gpkg_sql(path, f"UPDATE gpkg_spatial_ref_sys SET definition = '{definition}' WHERE srs_id = 4326")


def crc_broken(path: Path, member: str) -> Path:
    """``path`` with one byte of ``member``'s compressed data changed, so its checksum no longer matches."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x01
    path.write_bytes(bytes(data))
    return path


def stored_crc_broken(path: Path) -> Path:
    """A stored (uncompressed) zip whose data was changed after writing: zipfile says Bad CRC-32 on reading."""
    parts = shapefile_parts(path.parent)
    zip_with(path, parts, compression=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("platser.dbf")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size - 3] ^= 0x20
    path.write_bytes(bytes(data))
    return path


def member_larger_than_header(path: Path) -> Path:
    """A zip whose central directory claims a member is 10 bytes when it unpacks to a megabyte."""
    zip_with(path, {"platser.shp": b"\x00\x00\x27\x0a" + b"a" * 1_000_000})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("platser.shp")
    central = data.rindex(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 10)  # uncompressed size in the central directory
    struct.pack_into("<I", data, info.header_offset + 22, 10)  # and in the local header
    path.write_bytes(bytes(data))
    return path


def overlapping_zip(path: Path) -> Path:
    """Two central-directory entries pointing at the same compressed bytes (the overlapping-files zip bomb)."""
    zip_with(path, {"a.shp": b"\x00" * 10_000})
    data = path.read_bytes()
    central = data.index(b"PK\x01\x02")
    end = data.index(b"PK\x05\x06")
    entry = data[central:end]
    twin = entry.replace(b"a.shp", b"b.shp")
    record = bytearray(data[end:])
    struct.pack_into("<HH", record, 8, 2, 2)  # entries on this disk, entries in all
    struct.pack_into("<I", record, 12, len(entry) * 2)  # size of the central directory
    path.write_bytes(data[:central] + entry + twin + bytes(record))
    return path


def symlink_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        info = zipfile.ZipInfo("platser.shp")
        info.external_attr = (0o120777 << 16) | 0x20
        z.writestr(info, "/etc/passwd")
        z.writestr("platser.dbf", b"x")
    return path


def encrypted_zip(path: Path) -> Path:
    zip_with(path, {"platser.shp": b"x" * 100})
    data = bytearray(path.read_bytes())
    struct.pack_into("<H", data, 6, 1)  # local header: general purpose flag, bit 0 (encrypted)
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 8, 1)
    path.write_bytes(bytes(data))
    return path


def huge_polygon(vertices: int) -> Polygon:
    angles = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    ring = np.column_stack([KINNA[0] + 0.01 * np.cos(angles), KINNA[1] + 0.005 * np.sin(angles)])
    return Polygon(ring)


def police_events(path: Path, **changes) -> Path:
    event = {
        "id": 1,
        "datetime": "2025-06-07 7:32:06 +02:00",
        "name": "7 juni 07.32, Stöld, Mark",
        "summary": "En cykel stals.",
        "url": "/aktuellt/handelser/1",
        "type": "Stöld",
        "location": {"name": "Mark", "gps": "57.5,12.7"},
        **changes,
    }
    return write(path, json.dumps([event]))


def operations_csv(path: Path, starts: str, ends: str = "2024-05-10 22:00") -> Path:
    return write(
        path,
        "Titel;Start;Slut;Typ;Synlighet;Nord;Öst\n"
        f"Riktad insats;{starts};{ends};Narkotikainsats;Intern;{KINNA_NE[0]};{KINNA_NE[1]}\n",
    )


# -- the corpus -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    build: Callable[[Path], Path]
    code: str  # the ImportFileError's code, or the code of a row problem of the ValidationError
    row: int | None = None  # the row (record) the message names
    field: str | None = None  # the field or column the message names
    layer: str = "unsafe_places"
    limits: ImportLimits | None = None


SMALL = ImportLimits(max_features=20, max_rows=50, max_columns=10)

CORPUS: dict[str, Case] = {
    # GeoPackages: read through plain feature tables only
    "gpkg endlessly recursive view": Case(lambda d: recursive_view_gpkg(d / "vy.gpkg"), "gpkg_view"),
    "gpkg plain view layer": Case(
        lambda d: recursive_view_gpkg(d / "vanlig-vy.gpkg", "CREATE VIEW evil AS SELECT fid, geom, datum FROM base"),
        "gpkg_view",
    ),
    "gpkg view as gpkg_contents": Case(
        lambda d: gpkg_sql(
            d / "innehall.gpkg",
            "ALTER TABLE gpkg_contents RENAME TO real_contents; CREATE VIEW gpkg_contents AS WITH RECURSIVE "
            "r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT c.* FROM real_contents c, r;",
        ),
        "gpkg_view",
    ),
    "gpkg virtual table layer": Case(
        lambda d: gpkg_sql(
            d / "virtuell.gpkg",
            "CREATE VIRTUAL TABLE evil USING fts4(datum); INSERT INTO gpkg_contents (table_name, data_type, "
            "identifier) VALUES ('evil', 'attributes', 'evil');",
        ),
        "gpkg_view",
    ),
    "gpkg generated column": Case(
        lambda d: gpkg_sql(
            d / "genererad.gpkg",
            "ALTER TABLE platser ADD COLUMN big TEXT GENERATED ALWAYS AS (hex(zeroblob(100000000)))",
        ),
        "gpkg_view",
    ),
    "gpkg header then garbage": Case(
        lambda d: write(d / "skrap.gpkg", b"SQLite format 3\x00" + bytes(range(256)) * 40), "not_geopackage"
    ),
    "gpkg truncated": Case(
        lambda d: write(d / "halv.gpkg", gpkg(d / "hel.gpkg").read_bytes()[:30_000]), "not_geopackage"
    ),
    "gpkg damaged page": Case(
        lambda d: write(
            d / "trasig.gpkg",
            (lambda b: b[: 4096 * 3] + bytes(4096) + b[4096 * 4 :])(gpkg(d / "hel.gpkg").read_bytes()),
        ),
        "not_geopackage",
    ),
    "sqlite without gpkg_contents": Case(
        lambda d: gpkg_sql(d / "ren.gpkg", "DROP TABLE gpkg_contents;"), "not_geopackage"
    ),
    "gpkg 500 000-vertex polygon": Case(
        lambda d: gpkg(d / "enorm.gpkg", places(huge_polygon(500_000))), "too_many_vertices", 1, "geometry"
    ),
    "gpkg 300 columns": Case(
        lambda d: gpkg(d / "bred.gpkg", places(**{f"k{i}": ["x"] for i in range(300)})), "too_many_columns"
    ),
    "gpkg more features than allowed": Case(
        lambda d: gpkg(
            d / "manga.gpkg",
            gpd.GeoDataFrame({"datum": ["2024-03-05"] * 30}, geometry=[Point(*KINNA)] * 30, crs=4326),
        ),
        "too_many_rows",
        limits=SMALL,
    ),
    "gpkg crs naming a grid": Case(
        lambda d: gpkg_srs(d / "rutnat.gpkg", "+proj=longlat +datum=WGS84 +nadgrids=/etc/passwd"), "crs_names_file"
    ),
    "gpkg crs on Mars": Case(lambda d: gpkg(d / "mars.gpkg", places(crs="ESRI:104971")), "crs_not_earth"),
    # zip archives and shapefiles
    "zip bomb (high ratio)": Case(lambda d: zip_with(d / "bomb.zip", {"a.shp": b"\0" * 20_000_000}), "refused"),
    "zip with many members": Case(
        lambda d: zip_with(d / "manga.zip", {f"del{i}.txt": b"x" for i in range(150)}), "refused"
    ),
    "nested zip": Case(
        lambda d: zip_with(
            d / "inuti.zip", {"inre.zip": zip_with(d / "inre.zip", {"a.shp": b"\0" * 1000}).read_bytes()}
        ),
        "no_shapefile",
    ),
    "zip member larger than its header": Case(lambda d: member_larger_than_header(d / "storre.zip"), "not_zip"),
    "zip overlapping entries": Case(lambda d: overlapping_zip(d / "overlapp.zip"), "refused"),
    "zip path traversal": Case(
        lambda d: zip_with(d / "trav.zip", {"../../etc/evil.shp": b"x", "x.dbf": b"x"}), "refused"
    ),
    "zip absolute member": Case(lambda d: zip_with(d / "abs.zip", {"/tmp/evil.shp": b"x"}), "refused"),
    "zip symbolic link": Case(lambda d: symlink_zip(d / "lank.zip"), "refused"),
    "zip encrypted member": Case(lambda d: encrypted_zip(d / "krypterad.zip"), "refused"),
    "zip wrong checksum (deflated)": Case(lambda d: crc_broken(shapefile_zip(d / "crc.zip"), "platser.dbf"), "not_zip"),
    "zip wrong checksum (stored)": Case(lambda d: stored_crc_broken(d / "crc-lagrad.zip"), "not_zip"),
    "zip that is not a zip": Case(lambda d: write(d / "trasig.zip", b"PK\x03\x04 not a zip at all"), "not_zip"),
    "shapefile .prj on Mars": Case(
        lambda d: shapefile_zip(d / "mars.zip", **{"platser.prj": _wkt("ESRI:104971")}), "crs_not_earth"
    ),
    "shapefile .prj local engineering crs": Case(
        lambda d: shapefile_zip(d / "lokal.zip", **{"platser.prj": b'LOCAL_CS["Lokalt",UNIT["metre",1]]'}),
        "crs_not_earth",
    ),
    "shapefile .prj naming a grid": Case(
        lambda d: shapefile_zip(
            d / "grid.zip",
            **{"platser.prj": _wkt("+proj=longlat +datum=WGS84 +nadgrids=/etc/passwd +type=crs")},
        ),
        "crs_names_file",
    ),
    "shapefile with a broken .shp": Case(
        lambda d: shapefile_zip(d / "trasig-shp.zip", **{"platser.shp": b"\x00\x00\x27\x0a" + b"\xff" * 200}),
        "no_place",
        1,
        "geometry",
    ),
    "shapefile with 300 columns": Case(
        lambda d: zip_with(d / "bred-shp.zip", shapefile_parts(d, places(**{f"k{i}": ["x"] for i in range(300)}))),
        "too_many_columns",
    ),
    "vrt inside a zipped shapefile": Case(
        lambda d: zip_with(
            d / "vrt.zip",
            {
                "a.shp": b"<OGRVRTDataSource><OGRVRTLayer name='a'><SrcDataSource>/etc/passwd</SrcDataSource>"
                b"</OGRVRTLayer></OGRVRTDataSource>",
                "a.shx": b"x",
                "a.dbf": b"x",
            },
        ),
        "shapefile_parts",
    ),
    "kmz wrong checksum": Case(
        lambda d: crc_broken(zip_with(d / "crc.kmz", {"doc.kml": kml().encode() * 20}), "doc.kml"), "not_zip"
    ),
    "kmz bomb": Case(lambda d: zip_with(d / "bomb.kmz", {"doc.kml": b" " * 20_000_000}), "refused"),
    "xlsx wrong checksum": Case(
        lambda d: crc_broken(
            xlsx(d / "crc.xlsx", sheet_rows(XLSX_HEADER, *[XLSX_ROW] * 50)), "xl/worksheets/sheet1.xml"
        ),
        "not_readable",
    ),
    # CRS definitions
    "geojson crs +nadgrids": Case(
        lambda d: with_crs(d / "nadgrids.geojson", "+proj=longlat +datum=WGS84 +nadgrids=/etc/passwd"), "crs_names_file"
    ),
    "geojson crs +init file": Case(lambda d: with_crs(d / "init.geojson", "+init=/etc/passwd:x"), "crs_names_file"),
    "geojson crs +geoidgrids": Case(
        lambda d: with_crs(d / "geoid.geojson", "+proj=longlat +datum=WGS84 +geoidgrids=/etc/shadow"), "crs_names_file"
    ),
    "geojson crs pipeline with grids": Case(
        lambda d: with_crs(d / "pipeline.geojson", "+proj=pipeline +step +proj=hgridshift +grids=/srv/x.tif"),
        "crs_names_file",
    ),
    "geojson crs WKT naming a grid file": Case(
        lambda d: with_crs(
            d / "wkt-grid.geojson", _wkt("+proj=longlat +ellps=GRS80 +nadgrids=/srv/grid.gsb +type=crs").decode()
        ),
        "crs_names_file",
    ),
    "geojson crs on Mars": Case(lambda d: with_crs(d / "mars.geojson", "IAU_2015:49900"), "crs_not_earth"),
    "geojson crs local engineering": Case(
        lambda d: with_crs(
            d / "lokal.geojson",
            'ENGCRS["Lokalt",EDATUM["Bygge"],CS[Cartesian,2],AXIS["x",east],AXIS["y",north],LENGTHUNIT["metre",1]]',
        ),
        "crs_not_earth",
    ),
    "geojson crs heights only": Case(lambda d: with_crs(d / "hojd.geojson", "EPSG:5613"), "crs_not_earth"),
    "geojson crs that is no crs": Case(lambda d: with_crs(d / "foo.geojson", "foo"), "bad_crs"),
    # encodings and text
    "utf-7 kml": Case(
        lambda d: write(d / "utf7.kml", kml(declaration='<?xml version="1.0" encoding="UTF-7"?>').encode()), "not_kml"
    ),
    "kml in an unknown encoding": Case(
        lambda d: write(d / "okand.kml", kml(declaration='<?xml version="1.0" encoding="x-nonsense"?>').encode()),
        "not_kml",
    ),
    "geojson lone surrogate": Case(
        lambda d: write(
            d / "surrogat.geojson", json.dumps({"type": "FeatureCollection", "features": [feature("a\ud800b")]})
        ),
        "bad_text",
        1,
        "beskrivning",
    ),
    "kml surrogate character reference": Case(
        lambda d: write(d / "surrogat.kml", kml().replace("Mörk passage", "&#xD800;").encode()), "not_kml"
    ),
    "csv NUL after the first 4 KB": Case(
        lambda d: write(d / "nul.csv", csv_text(*["Mörk gångväg vid skolan"] * 200, "ring\x00ring")),
        "control_character",
        202,
        "description",
    ),
    "csv bell in a description": Case(
        lambda d: write(d / "bell.csv", csv_text("ring\x07ring")), "control_character", 2, "description"
    ),
    "csv escape sequence": Case(
        lambda d: write(d / "ansi.csv", csv_text("\x1b[31mröd\x1b[0m")), "control_character", 2, "description"
    ),
    "csv lone carriage return": Case(
        lambda d: write(d / "cr.csv", csv_text('"rad\rrad"')), "control_character", 2, "description"
    ),
    "csv C1 control": Case(
        lambda d: write(d / "c1.csv", csv_text("nästa\x85rad")), "control_character", 2, "description"
    ),
    "geojson escaped control character": Case(
        lambda d: geojson(d / "kontroll.geojson", feature("ring\u0007")), "control_character", 1, "description"
    ),
    # XML 1.0 holds no C0 control character, even as a reference; the C1 ones it does.
    "xlsx C1 control character": Case(
        lambda d: xlsx(
            d / "kontroll.xlsx",
            sheet_rows(XLSX_HEADER, [*XLSX_ROW[:3], "", *XLSX_ROW[4:]]).replace(
                inline("D2", ""), '<c r="D2" t="s"><v>0</v></c>'
            ),
            shared=["nästa&#x85;rad"],
        ),
        "control_character",
        2,
        "description",
    ),
    "control character in a column name": Case(
        lambda d: write(d / "kolumn.csv", csv_text("x").replace("Beskrivning", "Besk\x07rivning")), "bad_column_name"
    ),
    "utf-16 csv without a BOM": Case(lambda d: write(d / "utf16.csv", csv_text("x").encode("utf-16-le")), "not_text"),
    "csv mixing utf-8 and latin-1": Case(
        lambda d: write(d / "blandad.csv", csv_text("Göran").encode() + "Björn;x\n".encode("latin-1")), "not_utf8"
    ),
    "kml entity expansion": Case(
        lambda d: write(
            d / "lol.kml",
            kml(
                "<Placemark><name>&lol2;</name></Placemark>",
                '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>',
            ).encode(),
        ),
        "refused",
    ),
    # dates
    "operation starting 9999-12-31T23:00": Case(
        lambda d: operations_csv(d / "insats.csv", "9999-12-31T23:00"),
        "date_out_of_range",
        2,
        "starts_at",
        "operations",
    ),
    "operation starting 9999-12-31T23:00 west of UTC": Case(
        lambda d: operations_csv(d / "insats-v.csv", "9999-12-31T23:00-05:00"),
        "date_out_of_range",
        2,
        "starts_at",
        "operations",
    ),
    "operation in year 1": Case(
        lambda d: operations_csv(d / "ar1.csv", "0001-01-01 00:00"), "date_out_of_range", 2, "starts_at", "operations"
    ),
    "place reported in 1066": Case(
        lambda d: write(d / "1066.csv", csv_text("x", date="1066-10-14")), "date_out_of_range", 2, "reported_on"
    ),
    "kml moment past year 9999 in Swedish time": Case(
        lambda d: write(
            d / "nyar.kml",
            kml()
            .replace("</ExtendedData>", "</ExtendedData><TimeStamp><when>9999-12-31T23:30:00Z</when></TimeStamp>")
            .replace("<Data name='datum'><value>2024-03-05</value></Data>", "")
            .encode(),
        ),
        "date_out_of_range",
        1,
        "reported_on",
    ),
    "xlsx date cell far in the future": Case(
        lambda d: xlsx(
            d / "framtid.xlsx",
            sheet_rows(
                XLSX_HEADER,
                tail='<row r="2"><c r="A2" s="1"><v>2958000</v></c>'
                + "".join(inline(f"{c}2", v) for c, v in zip("BCDEF", XLSX_ROW[1:]))
                + "</row>",
            ),
        ),
        "date_out_of_range",
        2,
        "reported_on",
    ),
    "xlsx date serial beyond year 9999": Case(
        lambda d: xlsx(
            d / "bortom.xlsx",
            sheet_rows(
                XLSX_HEADER,
                tail='<row r="2"><c r="A2" s="1"><v>99999999</v></c>'
                + "".join(inline(f"{c}2", v) for c, v in zip("BCDEF", XLSX_ROW[1:]))
                + "</row>",
            ),
        ),
        "not_date",
        2,
        "reported_on",
    ),
    "police event at 9999-12-31 23:00 west of UTC": Case(
        lambda d: police_events(d / "handelser.json", datetime="9999-12-31 23:00:00 -02:00"), "events", 1, "datetime"
    ),
    "police event with a bell in its summary": Case(
        lambda d: police_events(d / "handelser-bell.json", summary="En cykel\x07"), "events", 1, "summary"
    ),
    "police event with an id beyond 64 bits": Case(
        lambda d: police_events(d / "handelser-id.json", id=10**30), "events", 1, "id"
    ),
    # sizes
    "geojson polygon with 150 000 vertices": Case(
        lambda d: geojson(d / "stor.geojson", feature(geometry=shapely.geometry.mapping(huge_polygon(150_000)))),
        "too_many_vertices",
        1,
        "geometry",
    ),
    "kml line with 120 000 vertices": Case(
        lambda d: write(
            d / "linje.kml",
            kml(
                "<Placemark><name>x</name><LineString><coordinates>"
                + " ".join(f"{KINNA[0] + i * 1e-7},{KINNA[1]}" for i in range(120_000))
                + "</coordinates></LineString></Placemark>"
            ).encode(),
        ),
        "too_many_vertices",
        1,
        "geometry",
    ),
    "csv 300 columns": Case(
        lambda d: write(d / "bred.csv", ";".join(f"k{i}" for i in range(300)) + "\n" + ";".join("x" * 300) + "\n"),
        "too_many_columns",
    ),
    "csv rows of nothing beyond the row limit": Case(
        lambda d: write(d / "tomma.csv", csv_text("x") + ";;;;;\n" * 100), "too_many_lines", limits=SMALL
    ),
    "csv value of 20 000 characters": Case(
        lambda d: write(d / "lang.csv", csv_text("x" * 20_000)), "text_too_long", 2, "Beskrivning"
    ),
    "geojson 300 properties": Case(
        lambda d: geojson(d / "bred.geojson", feature(**{f"k{i}": i for i in range(300)})), "too_many_columns"
    ),
    "geojson more features than allowed": Case(
        lambda d: geojson(d / "manga.geojson", *[feature()] * 30), "too_many_rows", limits=SMALL
    ),
    "file over the size limit": Case(
        lambda d: write(d / "stor.csv", csv_text(*["x" * 100] * 300)),
        "too_large",
        limits=ImportLimits(max_bytes=20_000),
    ),
    "xlsx empty rows past the row limit": Case(
        lambda d: xlsx(
            d / "tomma.xlsx",
            sheet_rows(
                XLSX_HEADER,
                XLSX_ROW,
                dimension="A1:F10000000",
                tail="".join(
                    f'<row r="{n}"/>' if n % 40 else f'<row r="{n}">{inline(f"A{n}", "x")}</row>' for n in range(3, 200)
                ),
            ),
        ),
        "too_many_lines",
        limits=SMALL,
    ),
    "xlsx header wider than 200 columns": Case(
        lambda d: xlsx(
            d / "bred.xlsx", sheet_rows(XLSX_HEADER, XLSX_ROW).replace("</row>", inline("KZ1", "sista") + "</row>", 1)
        ),
        "too_many_columns",
    ),
    "xlsx with a raw control character": Case(
        lambda d: xlsx(d / "ra.xlsx", sheet_rows(XLSX_HEADER, [*XLSX_ROW[:3], "ring\x07", *XLSX_ROW[4:]])),
        "not_readable",
    ),
    "deep json": Case(lambda d: write(d / "djup.geojson", b"[" * 5000 + b"]" * 5000), "refused"),
    # malformed files of each format
    "json cut short": Case(
        lambda d: write(d / "kort.geojson", b'{"type": "FeatureCollection", "features": [}'), "not_json"
    ),
    "geojson features not a list": Case(
        lambda d: write(d / "lista.geojson", b'{"type": "FeatureCollection", "features": 7}'), "not_geojson"
    ),
    "geojson coordinates NaN": Case(
        lambda d: write(
            d / "nan.geojson",
            json.dumps(
                {"type": "FeatureCollection", "features": [feature(geometry={"type": "Point", "coordinates": [1, 2]})]}
            ).replace("[1, 2]", "[NaN, Infinity]"),
        ),
        "geometry_invalid",
        1,
        "geometry",
    ),
    "geojson polygon of two points": Case(
        lambda d: geojson(
            d / "tva.geojson", feature(geometry={"type": "Polygon", "coordinates": [[[12.6, 57.5], [12.7, 57.5]]]})
        ),
        "unreadable_place",
        1,
        "geometry",
    ),
    "kml not well-formed": Case(lambda d: write(d / "trasig.kml", b"<kml><Document><Placemark></kml>"), "not_kml"),
    "kml coordinates not numbers": Case(
        lambda d: write(d / "ord.kml", kml().replace(f"{KINNA[0]},{KINNA[1]}", "norr,söder").encode()),
        "unreadable_place",
        1,
        "geometry",
    ),
    # Python's csv reads to the end of the file inside the quote: one long last value, and no coordinates.
    "csv quote never closed": Case(lambda d: write(d / "citat.csv", csv_text('"aldrig stängd')), "no_coordinates"),
    "csv column named twice": Case(
        lambda d: write(d / "dubbel.csv", csv_text("x").replace("Beskrivning", "Datum")), "duplicate_column"
    ),
    "xlsx without a workbook": Case(
        lambda d: zip_with(d / "tom.xlsx", {"[Content_Types].xml": b"<Types/>"}), "not_readable"
    ),
    "xlsx with broken sheet xml": Case(
        lambda d: xlsx(d / "trasig.xlsx", sheet_rows(XLSX_HEADER, XLSX_ROW).replace("</sheetData>", "<row>")),
        "not_readable",
    ),
    "xlsx that is text": Case(lambda d: write(d / "falsk.xlsx", b"just text"), "not_that_format"),
    "old excel": Case(lambda d: write(d / "gammal.xls", b"\xd0\xcf\x11\xe0 old"), "old_excel"),
    "vrt": Case(
        lambda d: write(
            d / "las.vrt",
            b"<OGRVRTDataSource><OGRVRTLayer name='x'><SrcDataSource>CSV:/etc/passwd"
            b"</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>",
        ),
        "unknown_format",
    ),
    "flatgeobuf magic then garbage": Case(lambda d: write(d / "falsk.fgb", b"fgb\x03" + b"\xff" * 500), "no_table"),
    "empty file": Case(lambda d: write(d / "tom.csv", b""), "empty"),
}


def _wkt(definition: str) -> bytes:
    import pyproj

    return (
        pyproj.CRS.from_user_input(definition)
        .to_wkt("WKT1_ESRI" if definition.startswith("ESRI") else "WKT2_2019")
        .encode()
    )


def outcome(store, path: Path, case: Case) -> PledgemapError:
    """What importing ``path`` all or nothing ends in; fails the test if it imports."""
    options = {"limits": case.limits} if case.limits else {}
    try:
        plan = plan_file(
            store,
            path,
            case.layer,
            defaults={"pledge_id": "test-2024"}
            if case.layer == "unsafe_places"
            else {"promise_id": "test-2024-insatser"},
            **options,
        )
        commit_file(store, plan, partial=False)
    except PledgemapError as exc:
        return exc
    pytest.fail(f"{path.name} was imported")


def test_the_corpus_holds_at_least_fifty_hostile_files():
    assert len(CORPUS) >= 50


@pytest.mark.parametrize("name", list(CORPUS))
def test_a_hostile_file_ends_in_a_clear_error_and_changes_nothing(name, gpkg_store, tmp_path, monkeypatch):
    case = CORPUS[name]
    folder = tmp_path / "uploads"
    folder.mkdir()
    scratch = tmp_path / "scratch"  # where the readers may unpack: it must be left empty
    scratch.mkdir()
    path = case.build(folder)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    before, upload = snapshot(gpkg_store), digest(path)
    started = time.monotonic()
    error = outcome(gpkg_store, path, case)
    assert time.monotonic() - started < 30, "the file took too long to refuse"
    message = str(error)
    assert path.name in message
    assert str(tmp_path) not in message and str(folder) not in message
    if isinstance(error, ImportFileError):
        assert error.code == case.code, message
        for lang in ("sv", "en"):  # the interface says it in its words, with the file's name
            assert path.name in fill(catalogue(lang)[f"file_error.{error.code}"], **error.params)
    else:
        assert isinstance(error, ValidationError), message
        codes = {p.code for p in error.problems}
        assert case.code == "events" or case.code in codes, message
    if case.row is not None:
        assert f"row {case.row}" in message or f"event {case.row}" in message, message
    if case.field is not None:
        assert case.field in message, message
    assert snapshot(gpkg_store) == before
    assert digest(path) == upload, "the uploaded file was written to"
    # multiprocessing's forkserver keeps its socket in a pymp-* folder for the life of the process: not a read's
    assert [p for p in scratch.iterdir() if not p.name.startswith("pymp-")] == []


def test_an_xlsx_of_ten_million_empty_rows_is_read_to_the_first_long_run_of_them(gpkg_store, tmp_path):
    # The attack's file: a few rows, then ten million empty ones (as <row/> elements), claimed in the dimension.
    empty = "".join(f'<row r="{n}"/>' for n in range(3, 300_000))
    path = xlsx(tmp_path / "tomma.xlsx", sheet_rows(XLSX_HEADER, XLSX_ROW, dimension="A1:XFD10000000", tail=empty))
    started = time.monotonic()
    [table] = read_source(path)
    assert time.monotonic() - started < 10
    assert len(table) == 1
    [note] = [n for n in table.notes if n.code == "empty_rows_stop"]
    assert "reading stopped at row 1002, after 1000 empty rows" in str(note)
    assert "10000000 rows" in str(note)


def test_the_uploaded_geopackage_is_only_read(gpkg_store, tmp_path):
    path = gpkg(tmp_path / "platser.gpkg", layer="Otrygga platser 2024")  # a spatial index named with spaces
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE sql LIKE '%USING rtree%'").fetchone() == (1,)
    conn.close()
    before = digest(path)
    [table] = read_source(path)
    assert len(table) == 1 and table.geometry.crs.to_epsg() == 4326 and table.layer == "Otrygga platser 2024"
    beside = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm")))  # the WAL store's
    assert digest(path) == before and beside == ["platser.gpkg", "test.gpkg"]


def test_tabs_line_breaks_and_windows_line_breaks_are_text(gpkg_store, tmp_path):
    path = write(tmp_path / "ok.csv", csv_text('"rad ett\r\nrad två\ttabb"'))
    plan = plan_file(gpkg_store, path, "unsafe_places", defaults={"pledge_id": "test-2024"})
    assert plan.layers[0].count("ok") == 1, plan.layers[0].report()


# -- the same rules for what is typed, not only for what is imported ----------------------------------------


def test_a_control_character_typed_in_the_record_editor_is_refused_with_the_field(store):
    from builders import frame, unsafe_place

    [record_id] = store.write_batch("unsafe_places", frame(unsafe_place(pledge_id="test-2024")))
    stored = store.read_layer("unsafe_places").iloc[0]
    before = snapshot(store)
    with pytest.raises(ValidationError, match=r"field 'description': holds the control character U\+0007 \(BELL\)"):
        store.update_record("unsafe_places", record_id, {"description": "ring\x07"}, int(stored["version"]))
    with pytest.raises(ValidationError, match="field 'description': holds a lone UTF-16 surrogate"):
        store.update_record("unsafe_places", record_id, {"description": "a\ud83d"}, int(stored["version"]))
    assert snapshot(store) == before
    store.update_record("unsafe_places", record_id, {"description": "två\nrader\tmed tabb"}, int(stored["version"]))


def test_an_edit_to_year_9999_and_a_crs_of_mars_are_refused(store):
    from builders import frame, operation, unsafe_place

    with pytest.raises(ValidationError, match="field 'starts_at': 9999-12-31T23:00:00 is outside 1900–2100"):
        store.write_batch("operations", frame(operation(starts_at="9999-12-31T23:00", ends_at=None)))
    with pytest.raises(ValidationError, match="field 'geometry': 'Mars_2000_\\(Sphere\\)' is on a body of radius"):
        store.write_batch("unsafe_places", frame(unsafe_place(pledge_id="test-2024"), crs="ESRI:104971"))
    assert store.counts()["operations"] == 0 and store.counts()["unsafe_places"] == 0
