"""Exports a person reads: column names and values in the page's language, read back with openpyxl and csv."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json

import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook

from dashboard.cli import main
from dashboard.components.file_words import file_wording, reading_wordings
from dashboard.i18n import catalogue
from dashboard.ids import Overview
from geodata.demo import demo_pledges
from geodata.io.exporter import export_layers
from geodata.io.importer import commit_import, plan_file
from geodata.io.wording import CODES
from geodata.store import GeoPackageStore
from geodata.validate import LOCAL_TZ

from dash_http import call_callback

# The categories the demo data draws (the newer ones have no weight there).
DEMO_CATEGORIES = (
    "drug_dealing",
    "drug_use",
    "poor_lighting",
    "blocked_sightlines",
    "loitering",
    "vandalism",
    "harassment",
    "traffic",
    "other",
)


@pytest.fixture
def demo(demo_copy):
    with GeoPackageStore.open(demo_copy) as store:
        yield store


def _csv_rows(text: str, sep: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=sep))


def test_a_swedish_csv_has_swedish_columns_labels_ja_nej_dates_and_decimal_commas(demo, tmp_path):
    export_layers(demo, tmp_path / "p.csv", "csv", {"unsafe_places": None}, wording=file_wording("sv"))
    raw = (tmp_path / "p.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark, for Excel
    rows = _csv_rows(raw.decode("utf-8-sig"), ";")
    assert {"Kategori", "Källa", "Rapporterad", "Demodata", "Latitud", "Longitud", "Antal rapporter"} <= set(rows[0])
    assert not {"category", "source", "demo", "True", "lat"} & set(rows[0])
    stored = demo.read_layer("unsafe_places").set_index("id")
    sv = catalogue("sv")
    for row in rows:
        record = stored.loc[row["Id"]]
        assert row["Kategori"] == sv[f"category.{record['category']}"]  # as the map's legend words it
        assert row["Källa"] == sv[f"source.{record['source']}"]
        assert row["Demodata"] == ("ja" if record["demo"] else "nej")
        assert row["Rapporterad"] == f"{record['reported_on']:%Y-%m-%d}"
        assert "," in row["Latitud"] and "." not in row["Latitud"]
        assert 55 < float(row["Latitud"].replace(",", ".")) < 70
    assert {r["Kategori"] for r in rows} >= {sv["category.drug_use"]}


def test_a_swedish_workbook_has_named_sheets_dates_as_dates_and_numbers_as_numbers(demo, tmp_path):
    export_layers(demo, tmp_path / "v.xlsx", "xlsx", include_internal=True, wording=file_wording("sv"))
    book = load_workbook(tmp_path / "v.xlsx")
    assert book.sheetnames == ["Otrygga platser", "Inventerade platser", "Insatser och närvaro"]
    sheet = book["Inventerade platser"]
    header = [c.value for c in sheet[1]]
    inspected_on = catalogue("sv")["field.inspected_on"]  # the column is named as the pages name the field
    assert {"Typ av plats", "Status", inspected_on, "Klart senast", "Belysning", "Demodata"} <= set(header)
    sites = demo.read_layer("inventoried_sites").set_index("id")
    sv = catalogue("sv")
    column = {name: i for i, name in enumerate(header)}
    seen_date = False
    for cells in sheet.iter_rows(min_row=2):
        record = sites.loc[cells[column["Id"]].value]
        assert cells[column["Typ av plats"]].value == sv[f"site_type.{record['site_type']}"]
        assert cells[column["Status"]].value == sv[f"status.{record['status']}"]
        inspected = cells[column[inspected_on]]
        if not pd.isna(record["inspected_on"]):
            assert inspected.is_date and inspected.value.date() == record["inspected_on"].date()
            seen_date = True
        assert isinstance(cells[column["Latitud"]].value, float)
    assert seen_date
    assert "Trapphus" in {c.value for c in next(sheet.iter_cols(min_col=column["Typ av plats"] + 1))}
    operations = book["Insatser och närvaro"]
    header = [c.value for c in operations[1]]
    column = {name: i for i, name in enumerate(header)}
    stored = demo.read_layer("operations").set_index("id")
    for cells in operations.iter_rows(min_row=2, max_row=6):
        record = stored.loc[cells[column["Id"]].value]
        start = cells[column["Start"]]
        assert start.is_date and start.value == record["starts_at"].tz_convert(LOCAL_TZ).to_pydatetime().replace(
            tzinfo=None, second=0, microsecond=0
        )
        checked = cells[column["Kontrollerade personer"]].value
        assert checked is None or isinstance(checked, int)
        assert cells[column["Synlighet"]].value in ("Intern", "Offentlig")


def test_english_is_complete_with_a_comma_and_a_decimal_point(demo, tmp_path):
    export_layers(demo, tmp_path / "s.csv", "csv", {"inventoried_sites": None}, wording=file_wording("en"))
    rows = _csv_rows((tmp_path / "s.csv").read_text(encoding="utf-8-sig"), ",")
    assert {"Site type", "Status", catalogue("en")["field.inspected_on"], "Due", "Demo data", "Latitude"} <= set(
        rows[0]
    )
    en = catalogue("en")
    assert {r["Site type"] for r in rows} <= {
        en[f"site_type.{c}"]
        for c in (
            "basement",
            "attic",
            "stairwell",
            "bike_storage",
            "public_place",
            "park",
            "underpass",
            "parking",
            "other",
        )
    }
    assert {r["Demo data"] for r in rows} == {"yes"}
    assert "." in rows[0]["Latitude"]
    sv_words = set(catalogue("sv").values()) - set(en.values())
    assert not any(value in sv_words for row in rows for value in row.values())


def test_geojson_and_geopackage_attributes_are_worded_too(demo, tmp_path):
    export_layers(demo, tmp_path / "v.geojson", "geojson", wording=file_wording("sv"))
    features = json.loads((tmp_path / "v.geojson").read_text())["features"]
    layers = {f["properties"]["Lager"] for f in features}
    assert layers == {"Otrygga platser", "Inventerade platser", "Insatser och närvaro"}
    place = next(f["properties"] for f in features if f["properties"]["Lager"] == "Otrygga platser")
    assert place["Kategori"] in {catalogue("sv")[f"category.{c}"] for c in DEMO_CATEGORIES}
    assert place["Demodata"] == "ja"
    export_layers(demo, tmp_path / "v.gpkg", "gpkg", wording=file_wording("sv"))
    frame = pyogrio.read_dataframe(tmp_path / "v.gpkg", layer="inventoried_sites")
    assert {"Typ av plats", "Status", catalogue("sv")["field.inspected_on"]} <= set(frame.columns)
    assert set(frame["Status"]) <= {
        catalogue("sv")[f"status.{c}"] for c in ("flagged", "inspected", "action_planned", "fixed", "verified")
    }
    identifiers = dict(pyogrio.list_layers(tmp_path / "v.gpkg"))
    assert "inventoried_sites" in identifiers  # the table keeps its code; QGIS shows the identifier


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize(
    "fmt, name", [("csv", "v.zip"), ("xlsx", "v.xlsx"), ("geojson", "v.geojson"), ("gpkg", "v.gpkg")]
)
def test_a_worded_export_imports_back_without_questions_or_duplicates(lang, fmt, name, demo, tmp_path):
    path = tmp_path / name
    export_layers(demo, path, fmt, include_internal=True, wording=file_wording(lang))
    again = plan_file(demo, path, wordings=reading_wordings())
    assert {p.layer.name: (p.count("duplicate"), p.count("ok"), p.count("rejected")) for p in again} == {
        layer: (n, 0, 0) for layer, n in demo.counts().items()
    }
    with GeoPackageStore.create(tmp_path / "fresh.gpkg") as fresh:
        for pledge in demo_pledges():
            fresh.save_pledge(pledge)
        for plan in plan_file(fresh, path, wordings=reading_wordings()):
            assert not plan.unresolved
            commit_import(fresh, plan, partial=False)
        assert fresh.counts() == demo.counts()
        before = demo.read_layer("operations").set_index("id").sort_index()
        after = fresh.read_layer("operations").set_index("source_id").sort_index()
        for column in ("kind", "visibility", "focus", "persons_checked", "demo"):
            assert list(before[column].fillna(-1)) == list(after.loc[before.index, column].fillna(-1))
        assert (before["starts_at"] == after.loc[before.index, "starts_at"]).all()
        sites = demo.read_layer("inventoried_sites").set_index("id").sort_index()
        sites_after = fresh.read_layer("inventoried_sites").set_index("source_id").sort_index()
        for column in ("site_type", "status", "check_lighting", "inspected_on", "due_on"):
            assert list(sites[column].astype(str)) == list(sites_after.loc[sites.index, column].astype(str))


def test_the_overview_download_follows_the_page_language(client):
    def sent(fmt, lang):
        response = call_callback(
            client,
            f"{Overview.download}.data",
            {f"{Overview.export}.n_clicks": 1},
            state={
                f"{Overview.export_format}.value": fmt,
                f"{Overview.query}.data": "pledge=mark-2021&layers=inventoried_sites",
                f"{Overview.lang}.data": lang,
            },
        )
        return base64.b64decode(response[Overview.download]["data"]["content"])

    swedish = _csv_rows(sent("csv", "sv").decode("utf-8-sig"), ";")
    assert "Typ av plats" in swedish[0] and "site_type" not in swedish[0]
    english = load_workbook(io.BytesIO(sent("xlsx", "en")))
    assert english.sheetnames == ["Inventoried sites"]
    header = [c.value for c in english["Inventoried sites"][1]]
    assert "Site type" in header and "Typ av plats" not in header


def test_the_command_line_exports_swedish_by_default_english_with_lang_and_codes_with_codes(demo_copy, tmp_path):
    base = ["export", "--data", str(demo_copy), "--pledge", "mark-2021", "--layer", "unsafe_places"]
    assert main([*base, "--format", "csv", "--output", str(tmp_path / "sv.csv")]) == 0
    assert "Kategori" in _csv_rows((tmp_path / "sv.csv").read_text(encoding="utf-8-sig"), ";")[0]
    assert main([*base, "--format", "csv", "--lang", "en", "--output", str(tmp_path / "en.csv")]) == 0
    assert "Category" in _csv_rows((tmp_path / "en.csv").read_text(encoding="utf-8-sig"), ",")[0]
    assert main([*base, "--format", "xlsx", "--codes", "--output", str(tmp_path / "codes.xlsx")]) == 0
    sheet = load_workbook(tmp_path / "codes.xlsx")["unsafe_places"]
    header = [c.value for c in sheet[1]]
    assert {"category", "source", "demo", "reported_on"} <= set(header)
    values = {c.value for c in next(sheet.iter_cols(min_col=header.index("category") + 1, min_row=2))}
    assert values <= set(DEMO_CATEGORIES)


def test_the_codes_wording_is_the_store_s_own(demo, tmp_path):
    export_layers(demo, tmp_path / "o.csv", "csv", {"operations": None}, wording=CODES)
    raw = (tmp_path / "o.csv").read_bytes()
    rows = _csv_rows(raw.decode("utf-8-sig"), ",")
    assert {"kind", "visibility", "starts_at", "lat"} <= set(rows[0])
    assert {r["demo"] for r in rows} == {"True"}
    assert dt.datetime.fromisoformat(rows[0]["starts_at"]).tzinfo is not None


def test_an_export_that_cannot_be_made_says_so_in_the_page_s_language(client):
    for lang, expected in (
        ("sv", "Inget lager visas; välj minst ett lager att exportera."),
        ("en", "No layer is shown; choose at least one layer to export."),
    ):
        sent = call_callback(
            client,
            f"{Overview.download}.data",
            {f"{Overview.export}.n_clicks": 1},
            state={
                f"{Overview.export_format}.value": "xlsx",
                f"{Overview.query}.data": "pledge=mark-2021&layers=",
                f"{Overview.lang}.data": lang,
            },
        )
        assert expected in str(sent[Overview.export_error]["children"])
