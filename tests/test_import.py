"""Imports on real files: every format, Swedish tables, the dry run, both commit modes, duplicates, hostile files."""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geodata.errors import ImportFileError, ValidationError
from geodata.io.importer import PROBLEM_COLUMN, commit_import, plan_file, plan_import
from geodata.io.readers import ImportLimits, read_source

from builders import KINNA, snapshot

# SWEREF 99 TM of a place in Kinna (Mark), and one in Borås, north-east of Mark.
KINNA_NE = (6376282, 361845)
BORAS_NE = (6401500, 372500)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8", sep: str = ";") -> Path:
    text = "\n".join(sep.join("" if v is None else str(v) for v in row) for row in rows) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


WALK_HEADER = ["Id", "Datum", "Kategori", "Källa", "Beskrivning", "Nord", "Öst"]


def walk_rows() -> list[list[object]]:
    return [
        WALK_HEADER,
        [1, "5 mars 2024", "Dålig belysning", "Trygghetsvandring", "Mörk gångväg vid skolan", *KINNA_NE],
        [2, "2024-03-05", "Klotter", "Trygghetsvandring", "Klotter på tunneln", KINNA_NE[0] + 40, KINNA_NE[1]],
        [
            3,
            "2024-03-05",
            "Buskar skymmer sikten",
            "Trygghetsvandring",
            "Sly vid busshållplatsen",
            KINNA_NE[0] + 90,
            KINNA_NE[1] + 30,
        ],
    ]


def test_a_swedish_excel_csv_in_cp1252_with_north_and_east(store, tmp_path):
    path = write_csv(tmp_path / "vandring.csv", walk_rows(), encoding="cp1252")
    plan = plan_import(store, path, "unsafe_places", defaults={"pledge_id": "test-2024"})
    assert plan.source.encoding == "cp1252" and any("Windows-1252" in str(n) for n in plan.notes)
    assert plan.mapping.fields["category"] == "Kategori" and plan.mapping.coordinates == "sweref"
    assert (plan.count("ok"), plan.count("rejected")) == (3, 0)
    result = commit_import(store, plan, partial=False)
    stored = store.read_layer("unsafe_places").set_index("source_id").sort_index()
    assert list(stored.index) == ["vandring:1", "vandring:2", "vandring:3"]
    assert list(stored["category"]) == ["poor_lighting", "graffiti", "blocked_sightlines"]
    assert stored.loc["vandring:1", "description"] == "Mörk gångväg vid skolan"
    assert str(stored.loc["vandring:1", "reported_on"].date()) == "2024-03-05"
    assert stored.loc["vandring:1"].geometry.distance(Point(KINNA_NE[1], KINNA_NE[0])) < 0.01
    assert len(result.written) == 3


def test_the_dry_run_writes_nothing_and_reports_each_row(store, tmp_path):
    rows = walk_rows()
    rows[2][2] = "Otryggt"  # no category fits
    rows[3][5] = "sex miljoner"  # not a number
    path = write_csv(tmp_path / "vandring.csv", rows)
    before = snapshot(store)
    plan = plan_import(store, path, "unsafe_places", defaults={"pledge_id": "test-2024"})
    assert snapshot(store) == before
    report = {(line["row"], line["field"]): line["message"] for line in plan.report(with_asked=True)}
    assert report[(3, "category")].startswith("'Otryggt' is not a known category; choose one of: drug_dealing")
    assert report[(4, "geometry")] == "column 'Nord' is 'sex miljoner'; expected a number"
    assert plan.unresolved == {"category": {"Otryggt": ()}}
    # The unclear value is one question with its row; the row-by-row report leaves it to the question.
    [question] = plan.questions
    assert (question.kind, question.field, question.text, question.rows) == ("unclear", "category", "Otryggt", (3,))
    shown = {(line["row"], line["field"]) for line in plan.report()}
    assert (3, "category") not in shown and (4, "geometry") in shown


def test_all_or_nothing_refuses_and_partial_writes_the_valid_rows_and_a_rejects_file(store, tmp_path):
    rows = walk_rows()
    rows[2][2] = "Otryggt"
    path = write_csv(tmp_path / "vandring.csv", rows)
    plan = plan_import(store, path, "unsafe_places", defaults={"pledge_id": "test-2024"})
    with pytest.raises(ValidationError, match="vandring.csv row 3, field 'category'"):
        commit_import(store, plan, partial=False)
    assert store.counts()["unsafe_places"] == 0

    result = commit_import(store, plan, partial=True, rejects_path=tmp_path / "avvisade")
    assert (len(result.written), result.rejected) == (2, 1)
    rejects = pd.read_csv(result.rejects_file, sep=";", encoding="utf-8-sig", dtype=str)
    assert list(rejects.columns) == [*WALK_HEADER, PROBLEM_COLUMN]
    assert rejects.loc[0, "Kategori"] == "Otryggt" and "category" in rejects.loc[0, PROBLEM_COLUMN]

    # The user fixes the row in the rejects file and imports it: it lands, the rest is not doubled.
    rejects.loc[0, "Kategori"] = "Övrigt"
    rejects.to_csv(result.rejects_file, sep=";", index=False, encoding="utf-8-sig")
    again = plan_import(
        store, result.rejects_file, "unsafe_places", defaults={"pledge_id": "test-2024"}, source_namespace="vandring"
    )
    assert (again.count("ok"), again.count("rejected")) == (1, 0)
    commit_import(store, again, partial=False)
    assert sorted(store.read_layer("unsafe_places")["source_id"]) == ["vandring:1", "vandring:2", "vandring:3"]


def test_an_answer_for_an_unclear_value_resolves_it(store, tmp_path):
    rows = walk_rows()
    rows[1][2] = "Mörkt och langning"  # two categories fit
    path = write_csv(tmp_path / "vandring.csv", rows)
    plan = plan_import(store, path, "unsafe_places", defaults={"pledge_id": "test-2024"})
    assert plan.unresolved["category"] == {"Mörkt och langning": ("drug_dealing", "poor_lighting")}
    assert (
        "is not clear (perhaps drug_dealing or poor_lighting); choose one" in plan.report(with_asked=True)[0]["message"]
    )
    [question] = plan.questions
    assert question.candidates[:2] == ("drug_dealing", "poor_lighting") and question.count == 1
    plan = plan_import(
        store,
        path,
        "unsafe_places",
        defaults={"pledge_id": "test-2024"},
        value_map={"category": {"Mörkt och langning": "drug_dealing"}},
    )
    assert plan.count("rejected") == 0


def test_reimporting_the_same_file_adds_nothing(store, tmp_path):
    path = write_csv(tmp_path / "vandring.csv", walk_rows())
    commit_import(store, plan_import(store, path, "unsafe_places"), partial=False)
    again = plan_import(store, path, "unsafe_places")
    assert (again.count("ok"), again.count("duplicate")) == (0, 3)
    assert "source id 'vandring:1' is already stored" in again.report()[0]["message"]


def test_without_ids_the_same_place_and_day_is_a_duplicate(store, tmp_path):
    rows = [row[1:] for row in walk_rows()]  # no id column
    path = write_csv(tmp_path / "utan-id.csv", rows)
    commit_import(store, plan_import(store, path, "unsafe_places"), partial=False)
    moved = [list(r) for r in rows]
    moved[1][4] = KINNA_NE[0] + 3  # three metres north, same day: the same report
    moved[2][4] = KINNA_NE[0] + 40 + 50  # fifty metres away: another place
    plan = plan_import(store, write_csv(tmp_path / "utan-id-2.csv", moved), "unsafe_places")
    assert [o.status for o in plan.outcomes] == ["duplicate", "ok", "duplicate"]


def test_places_outside_the_municipality_are_warned_about_not_dropped(store, tmp_path):
    rows = walk_rows()
    rows[3][5:7] = BORAS_NE
    path = write_csv(tmp_path / "vandring.csv", rows)
    plan = plan_import(store, path, "unsafe_places", defaults={"pledge_id": "test-2024"})
    assert plan.municipality_code == "1463"
    warned = [o for o in plan.outcomes if o.warnings]
    assert [o.row for o in warned] == [4] and "km outside Mark (1463)" in warned[0].warnings[0].message
    assert len(commit_import(store, plan, partial=False).written) == 3


def test_coordinates_in_degrees_with_decimal_commas_and_sweref_in_lat_lon_columns(store, tmp_path):
    degrees = write_csv(
        tmp_path / "grader.csv",
        [
            ["datum", "kategori", "källa", "lat", "lon"],
            ["2024-03-05", "Klotter", "Enkät", "57,508", "12,694"],
        ],
    )
    plan = plan_import(store, degrees, "unsafe_places")
    assert plan.count("ok") == 1 and plan.mapping.coordinates == "wgs84"
    metres = write_csv(
        tmp_path / "fel-kolumner.csv",
        [
            ["datum", "kategori", "källa", "lat", "lon"],
            ["2024-03-05", "Klotter", "Enkät", *KINNA_NE],
        ],
    )
    plan = plan_import(store, metres, "unsafe_places")
    assert plan.count("ok") == 1
    assert any("hold SWEREF 99 TM values" in str(n) for n in plan.notes)


def test_swapped_latitude_and_longitude_are_named(store, tmp_path):
    path = write_csv(
        tmp_path / "omvänd.csv",
        [
            ["datum", "kategori", "källa", "lat", "lon"],
            ["2024-03-05", "Klotter", "Enkät", KINNA[0], KINNA[1]],
        ],
    )
    (line,) = plan_import(store, path, "unsafe_places").report()
    assert line["field"] == "geometry" and "look swapped" in line["message"]


def test_xlsx_with_dates_and_numbers_as_excel_stores_them(store, tmp_path):
    path = tmp_path / "platser.xlsx"
    pd.DataFrame(
        {
            "Platstyp": ["Källare", "Trapphus"],
            "Ägare": ["Marks Bostads AB"] * 2,
            "Adress": ["Storgatan 1", "Storgatan 3"],
            "Status": ["Flaggad", "Inventerad"],
            "Inventerad": [None, pd.Timestamp("2024-04-02")],
            "N": [KINNA_NE[0], KINNA_NE[0] + 20],
            "E": [KINNA_NE[1], KINNA_NE[1]],
        }
    ).to_excel(path, index=False, sheet_name="Fastigheter")
    plan = plan_import(store, path, "inventoried_sites", defaults={"promise_id": "test-2024-inventering"})
    assert plan.count("ok") == 2, plan.report()
    commit_import(store, plan, partial=False)
    sites = store.read_layer("inventoried_sites").sort_values("address")
    assert list(sites["site_type"]) == ["basement", "stairwell"] and list(sites["status"]) == ["flagged", "inspected"]


def kml_document(placemarks: str, prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<Folder><name>Trygghetsvandring Kinna</name>{placemarks}</Folder></Document></kml>"
    ).encode()


def test_a_google_my_maps_kml_with_points_and_an_area(store, tmp_path):
    path = tmp_path / "vandring.kml"
    path.write_bytes(
        kml_document(
            "<Placemark><name>Mörk passage</name><description>Belysning saknas</description>"
            '<ExtendedData><Data name="kategori"><value>Belysning</value></Data>'
            '<Data name="datum"><value>2024-03-05</value></Data></ExtendedData>'
            f"<Point><coordinates>{KINNA[0]},{KINNA[1]},0</coordinates></Point></Placemark>"
            '<Placemark><name>Buskage</name><ExtendedData><Data name="kategori"><value>Sly</value></Data>'
            '<Data name="datum"><value>2024-03-05</value></Data></ExtendedData>'
            "<Polygon><outerBoundaryIs><LinearRing><coordinates>12.690,57.500 12.692,57.500 12.692,57.502 12.690,57.500"
            "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
        )
    )
    plan = plan_import(store, path, "unsafe_places", defaults={"source": "safety_walk"})
    assert plan.count("ok") == 2, plan.report()
    commit_import(store, plan, partial=False)
    stored = store.read_layer("unsafe_places").sort_values("category")
    assert list(stored.geometry.geom_type) == ["Polygon", "Point"]
    assert list(stored["description"]) == ["Buskage", "Mörk passage – Belysning saknas"]


def test_a_zipped_shapefile_without_prj_is_read_as_sweref_from_its_values(store, tmp_path):
    shp = tmp_path / "shp" / "platser.shp"
    shp.parent.mkdir()
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        gpd.GeoDataFrame(
            {"datum": ["2024-03-05"], "kategori": ["Klotter"], "kalla": ["Enkät"]},
            geometry=[Point(KINNA_NE[1], KINNA_NE[0])],
            crs=None,
        ).to_file(shp)
    archive = tmp_path / "platser.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in shp.parent.iterdir():
            z.write(part, f"data/{part.name}")
    plan = plan_import(store, archive, "unsafe_places")
    assert plan.count("ok") == 1 and any("SWEREF 99 TM" in str(n) for n in plan.notes)


# -- hostile and broken files: a clear error, and the store is untouched --------------------------


def zip_with(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


HOSTILE = {
    "zip bomb": (
        lambda d: zip_with(d / "bomb.zip", {"a.shp": b"\0" * 20_000_000}),
        "expands .* times; expected at most 200 \\(a zip bomb was refused\\)",
    ),
    "path traversal": (
        lambda d: zip_with(d / "trav.zip", {"../../etc/evil.shp": b"x", "x.dbf": b"x"}),
        "points outside the archive",
    ),
    "absolute member": (lambda d: zip_with(d / "abs.zip", {"/tmp/evil.shp": b"x"}), "points outside the archive"),
    "entity expansion": (
        lambda d: _write(
            d / "lol.kml",
            kml_document(
                "<Placemark><name>&lol2;</name></Placemark>",
                '<!DOCTYPE kml [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
            ),
        ),
        "declares a DTD or entities",
    ),
    "mixed utf-8": (
        lambda d: _write(d / "blandad.csv", "namn;ort\nGöran;Kinna\n".encode() + b"Bj\xf6rn;Sk\xe4ne\n"),
        "line 3 is not valid UTF-8 .* mixes UTF-8 with other bytes",
    ),
    "nul bytes": (lambda d: _write(d / "utf16.csv", "a;b\n1;2\n".encode("utf-16")), "holds NUL bytes"),
    "deep json": (lambda d: _write(d / "djup.geojson", b"[" * 5000 + b"]" * 5000), "nested deeper than 64 levels"),
    "not json": (
        lambda d: _write(d / "trasig.geojson", b'{"type": "FeatureCollection", "features": [}'),
        "not valid JSON at line 1",
    ),
    "fake xlsx": (lambda d: _write(d / "falsk.xlsx", b"just text"), "not a valid XLSX file"),
    # A GDAL virtual file would read other files on the server (or the network) and show them.
    "vrt": (
        lambda d: _write(
            d / "las.vrt",
            b'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>CSV:/etc/passwd'
            b"</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>",
        ),
        "the format is not one Pledgemap reads",
    ),
    "vrt inside a zipped shapefile": (
        lambda d: zip_with(
            d / "vrt.zip",
            {
                "a.shp": b'<OGRVRTDataSource><OGRVRTLayer name="a"><SrcDataSource>CSV:/etc/passwd</SrcDataSource>'
                b"</OGRVRTLayer></OGRVRTDataSource>",
                "a.shx": b"x",
                "a.dbf": b"x",
            },
        ),
        "a.shp is not a shapefile",
    ),
    "corrupt kmz": (lambda d: _write(d / "trasig.kmz", b"PK\x03\x04 not really a zip"), "not a readable KMZ"),
    "unknown crs": (
        lambda d: _write(
            d / "crs.geojson",
            json.dumps(
                {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "foo"}}, "features": []}
            ).encode(),
        ),
        "names 'foo', which is not a coordinate system",
    ),
    "old excel": (lambda d: _write(d / "gammal.xls", b"\xd0\xcf\x11\xe0 old"), "old Excel files"),
    "empty": (lambda d: _write(d / "tom.csv", b""), "the file is empty"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_files_are_refused_and_change_nothing(case, store, tmp_path, monkeypatch):
    make, message = HOSTILE[case]
    path = make(tmp_path)
    scratch = tmp_path / "scratch"  # where the readers may unpack: it must be left empty
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    before = snapshot(store)
    with pytest.raises(ImportFileError, match=message):
        plan_file(store, path, "unsafe_places")
    assert snapshot(store) == before
    assert list(scratch.iterdir()) == []
    assert not list(tmp_path.parent.glob("**/evil*"))


def test_size_and_feature_limits(store, tmp_path):
    path = write_csv(tmp_path / "stor.csv", walk_rows())
    with pytest.raises(ImportFileError, match="expected at most 0 MB"):
        read_source(path, ImportLimits(max_bytes=100))
    with pytest.raises(ImportFileError, match="more than 2 rows; expected at most 2 per import"):
        read_source(path, ImportLimits(max_features=2))


def test_a_geojson_feature_with_a_broken_geometry_is_one_rejected_row(store, tmp_path):
    features = [
        {
            "type": "Feature",
            "properties": {"datum": "2024-03-05", "kategori": "Klotter", "källa": "Tips"},
            "geometry": {"type": "Point", "coordinates": list(KINNA)},
        },
        {
            "type": "Feature",
            "properties": {"datum": "2024-03-05", "kategori": "Klotter", "källa": "Tips"},
            "geometry": {"type": "Point", "coordinates": ["x"]},
        },
    ]
    path = _write(
        tmp_path / "punkter.geojson", json.dumps({"type": "FeatureCollection", "features": features}).encode()
    )
    plan = plan_import(store, path, "unsafe_places")
    assert [o.status for o in plan.outcomes] == ["ok", "rejected"]
    assert plan.outcomes[1].problems[0].message.startswith("has a geometry that cannot be read")


def test_a_file_without_coordinates_is_one_clear_problem(store, tmp_path):
    path = write_csv(tmp_path / "utan.csv", [["datum", "kategori", "källa"], ["2024-03-05", "Klotter", "Enkät"]])
    plan = plan_import(store, path, "unsafe_places")
    assert plan.batch_problems[0].message.startswith("no coordinate columns found")
    with pytest.raises(ValidationError):
        commit_import(store, plan, partial=True)
    assert store.counts()["unsafe_places"] == 0


def test_the_layer_is_guessed_from_the_columns_or_must_be_chosen(store, tmp_path):
    sites = write_csv(
        tmp_path / "s.csv", [["platstyp", "ägare", "status", "N", "E"], ["Källare", "MBAB", "Flaggad", *KINNA_NE]]
    )
    assert plan_import(store, sites).layer.name == "inventoried_sites"
    unclear = write_csv(tmp_path / "u.csv", [["namn", "N", "E"], ["x", *KINNA_NE]])
    with pytest.raises(ImportFileError, match="cannot tell which layer"):
        plan_import(store, unclear)


def test_row_numbers_are_the_rows_a_spreadsheet_shows_even_after_a_cell_with_a_line_break(store, tmp_path):
    path = tmp_path / "radbrytning.csv"
    path.write_text(
        "datum;kategori;källa;beskrivning;N;E\n"
        f'2024-03-05;Klotter;Enkät;"två\nrader";{KINNA_NE[0]};{KINNA_NE[1]}\n'
        f"5 mars;Klotter;Enkät;x;{KINNA_NE[0]};{KINNA_NE[1]}\n",
        encoding="utf-8",
    )
    plan = plan_import(store, path, "unsafe_places")
    # Excel opens the file with the two-line cell in row 2 and the next record in row 3 (line 4 in an editor).
    assert [o.row for o in plan.outcomes] == [2, 3]
    assert plan.report()[0]["row"] == 3 and plan.report()[0]["field"] == "reported_on"


def test_a_kml_line_with_one_point_is_one_rejected_row(store, tmp_path):
    path = tmp_path / "linje.kml"
    path.write_bytes(
        kml_document(
            f"<Placemark><name>Ok</name><Point><coordinates>{KINNA[0]},{KINNA[1]}</coordinates></Point></Placemark>"
            f"<Placemark><name>Linje</name><LineString><coordinates>{KINNA[0]},{KINNA[1]}</coordinates></LineString>"
            "</Placemark>"
        )
    )
    plan = plan_import(
        store, path, "unsafe_places", defaults={"source": "tip", "category": "other", "reported_on": "2024-03-05"}
    )
    assert [o.status for o in plan.outcomes] == ["ok", "rejected"]
    assert plan.outcomes[1].problems[0].message.startswith("has a geometry that cannot be read")


def test_a_negated_visibility_is_asked_never_guessed_public(store, tmp_path):
    path = write_csv(
        tmp_path / "insatser.csv",
        [
            ["Start", "Slut", "Insatstyp", "Synlighet", "N", "E"],
            ["2024-05-10 18:00", "2024-05-10 22:00", "Riktad insats", "Ej offentlig", *KINNA_NE],
            ["2024-05-11 18:00", "2024-05-11 22:00", "Riktad insats", "Offentlig", *KINNA_NE],
            ["2024-05-12 18:00", "2024-05-12 22:00", "Riktad insats", "Öppen för alla?", *KINNA_NE],
        ],
    )
    plan = plan_import(store, path, "operations")
    assert [o.status for o in plan.outcomes] == ["rejected", "ok", "rejected"]
    assert plan.unresolved["visibility"] == {"Ej offentlig": ("public",), "Öppen för alla?": ("public",)}
    assert "'Ej offentlig' is not clear (perhaps public); choose one" in plan.outcomes[0].problems[0].message
    answered = plan_import(
        store, path, "operations", value_map={"visibility": {"Ej offentlig": "internal", "Öppen för alla?": "public"}}
    )
    commit_import(store, answered, partial=False)
    assert sorted(store.read_layer("operations")["visibility"]) == ["internal", "public", "public"]


def test_the_one_entry_point_plans_and_commits_a_layer_file_linked_to_a_pledge(store, tmp_path):
    from geodata.io import LAYER_FILE, commit_file, file_kind
    from geodata.io import plan_file as plan_any_file

    path = write_csv(tmp_path / "vandring.csv", walk_rows())
    assert file_kind(path) == LAYER_FILE
    plan = plan_any_file(store, path, "unsafe_places", pledge_id="test-2024", defaults={"pledge_id": "annat"})
    assert (plan.kind, [p.layer.name for p in plan.layers], plan.events) == (LAYER_FILE, ["unsafe_places"], None)
    written = commit_file(store, plan, partial=False)
    assert [len(r.written) for r in written.layers] == [3]
    assert set(store.read_layer("unsafe_places")["pledge_id"]) == {"test-2024"}  # the named pledge comes first
    with pytest.raises(ValueError, match="needs the store"):
        plan_any_file(None, path)
