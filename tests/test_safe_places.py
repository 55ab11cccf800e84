"""Safe places as well as unsafe ones, and who reported: the field, its default, the stores' migrations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import sqlite3

import geopandas as gpd
import plotly.utils
import psycopg
import pytest
from shapely.geometry import box

from geodata import layers
from geodata.errors import ValidationError
from geodata.model import pledge_from_dict
from geodata.store import GeoPackageStore, LayerQuery, migrate, open_store
from geodata.store.gpkg import schema as gpkg_schema
from geodata.views.disclosure import Band

from builders import frame, pledge_dict, unsafe_place

NEW_FIELDS = ("safety", "respondent_gender", "respondent_age")


def _old_unsafe_places() -> layers.Layer:
    """The unsafe places as schema version 10 (GeoPackage) and 1 (PostGIS) described them."""
    spec = layers.UNSAFE_PLACES
    return dataclasses.replace(spec, fields=tuple(f for f in spec.fields if f.name not in NEW_FIELDS))


def _columns(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[1] for row in conn.execute('PRAGMA table_info("unsafe_places")')}


def test_a_record_without_safety_is_an_unsafe_place_and_a_safe_one_stays_safe(store):
    ids = store.write_batch(
        "unsafe_places",
        frame(unsafe_place(), unsafe_place(safety="safe", respondent_gender="woman", respondent_age="16_24")),
    )
    back = store.read_layer("unsafe_places").set_index("id")
    assert back.loc[ids[0], "safety"] == "unsafe" and back.loc[ids[1], "safety"] == "safe"
    assert back.loc[ids[0], "respondent_gender"] is None
    assert (back.loc[ids[1], "respondent_gender"], back.loc[ids[1], "respondent_age"]) == ("woman", "16_24")
    # An edit that empties the field makes the place unsafe again: the same default, in the same place.
    edited = store.update_record("unsafe_places", ids[1], {"safety": None}, expected_version=1)
    assert edited["safety"] == "unsafe"
    with pytest.raises(ValidationError, match="field 'safety': 'trygg' is not allowed; expected one of: unsafe, safe"):
        store.write_batch("unsafe_places", frame(unsafe_place(safety="trygg")))
    with pytest.raises(ValidationError, match="field 'respondent_age': '37' is not allowed"):
        store.write_batch("unsafe_places", frame(unsafe_place(respondent_age="37")))
    query = LayerQuery.build({"safety": ["safe"]})
    assert store.count("unsafe_places", query) == 0


def test_a_version_10_geopackage_keeps_its_rows_and_reads_them_as_unsafe(tmp_path, monkeypatch):
    path = tmp_path / "v10.gpkg"
    with monkeypatch.context() as old:
        old.setitem(layers.LAYERS, "unsafe_places", _old_unsafe_places())
        old.setitem(
            gpkg_schema.VIEW_INDEX_COLUMNS,
            "unsafe_places",
            tuple(c for c in gpkg_schema.VIEW_INDEX_COLUMNS["unsafe_places"] if c != "safety"),
        )
        old.setattr(gpkg_schema, "MIGRATIONS", gpkg_schema.MIGRATIONS[:10])
        # No pledge: a version 10 store has no column for the promises' target_per, which saving one writes.
        with GeoPackageStore.create(path) as s:
            ids = s.write_batch("unsafe_places", frame(unsafe_place(), unsafe_place(category="vandalism")))
        assert not set(NEW_FIELDS) & _columns(path)
    with pytest.raises(Exception, match="Run 'pledgemap migrate"):
        GeoPackageStore.open(path)
    assert migrate(path) == (10, gpkg_schema.latest_version())
    assert set(NEW_FIELDS) <= _columns(path)
    with GeoPackageStore.open(path) as s:
        back = s.read_layer("unsafe_places")
        assert sorted(back["id"]) == sorted(ids)
        assert back["safety"].tolist() == ["unsafe", "unsafe"]
        assert back["respondent_gender"].isna().all() and back["respondent_age"].isna().all()
        assert s.count("unsafe_places", LayerQuery.build({"safety": ["unsafe"]})) == 2
        s.write_batch("unsafe_places", frame(unsafe_place(safety="safe")))
        assert s.count("unsafe_places", LayerQuery.build({"safety": ["safe"]})) == 1
    with sqlite3.connect(path) as conn:
        from geodata.store.gpkg import format as gpkg_format

        gpkg_format.register_functions(conn)  # as GDAL registers them, for the R*Tree triggers
        # A row another program adds without the column is unsafe too, and the map's index covers safety.
        conn.execute(
            "INSERT INTO unsafe_places (geom, id, version, created_at, updated_at, demo, reported_on, source, "
            "category) SELECT geom, 'from-qgis', 1, created_at, updated_at, 0, reported_on, source, category "
            "FROM unsafe_places WHERE id = ?",
            (ids[0],),
        )
        assert conn.execute("SELECT safety FROM unsafe_places WHERE id = 'from-qgis'").fetchone() == ("unsafe",)
        [indexed] = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'unsafe_places_view'").fetchone()
        assert '"safety"' in indexed
    assert migrate(path) == (gpkg_schema.latest_version(), gpkg_schema.latest_version())
    # A store made new at version 11 has the columns from version 1, and migration 11 adds nothing twice.
    fresh = tmp_path / "new.gpkg"
    GeoPackageStore.create(fresh).close()
    assert set(NEW_FIELDS) <= _columns(fresh)


def test_a_version_1_postgis_database_keeps_its_rows_and_reads_them_as_unsafe(pg_server, monkeypatch):
    from conftest import _databases

    from geodata.store.postgis import schema as postgis_schema
    from geodata.store.postgis.store import dispose

    name = f"v1_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = pg_server.rsplit("/", 1)[0] + f"/{name}"
    try:
        with monkeypatch.context() as old:
            old.setitem(layers.LAYERS, "unsafe_places", _old_unsafe_places())
            old.setattr(postgis_schema, "MIGRATIONS", postgis_schema.MIGRATIONS[:1])
            assert migrate(url) == (0, 1)
            with open_store(url) as s:
                s.save_pledge(pledge_from_dict(pledge_dict()))
                ids = s.write_batch("unsafe_places", frame(unsafe_place(), unsafe_place(category="vandalism")))
        with psycopg.connect(url) as conn:
            present = {
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = 'unsafe_places'"
                )
            }
        assert not set(NEW_FIELDS) & present
        assert migrate(url) == (1, postgis_schema.latest_version())
        with open_store(url) as s:
            back = s.read_layer("unsafe_places")
            assert sorted(back["id"]) == sorted(ids)
            assert back["safety"].tolist() == ["unsafe", "unsafe"]
            assert back["respondent_gender"].isna().all()
            s.write_batch("unsafe_places", frame(unsafe_place(safety="safe", respondent_age="65_plus")))
            assert s.count("unsafe_places", LayerQuery.build({"safety": ["safe"]})) == 1
        assert migrate(url) == (postgis_schema.latest_version(), postgis_schema.latest_version())
    finally:
        dispose(url)
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_survey_csv_with_safe_and_unsafe_places_gender_and_age_lands_with_the_codes(store, tmp_path):
    from test_import import KINNA_NE, write_csv

    from geodata.io.importer import commit_import, plan_import

    header = ["Id", "Datum", "Kategori", "Källa", "Trygg/otrygg", "Kön", "Ålder", "Nord", "Öst"]
    rows = [
        [1, "2024-03-05", "Dålig belysning", "Enkät", "Otrygg", "Kvinna", "37", *KINNA_NE],
        [2, "2024-03-05", "Annat", "Enkät", "Trygg plats", "M", "16–24 år", KINNA_NE[0] + 40, KINNA_NE[1]],
        [3, "2024-03-06", "Klotter", "Enkät", "Känns trygg", "Annat/ickebinär", "65+", KINNA_NE[0] + 80, KINNA_NE[1]],
        [4, "2024-03-06", "Klotter", "Enkät", "otrygg plats", "flicka", "Under 16 år", KINNA_NE[0], KINNA_NE[1] + 50],
        [5, "2024-03-07", "Klotter", "Enkät", "", "", "", KINNA_NE[0] + 90, KINNA_NE[1] + 60],
    ]
    path = write_csv(tmp_path / "enkät.csv", [header, *rows], encoding="cp1252")
    plan = plan_import(store, path, "unsafe_places", defaults={"pledge_id": "test-2024"})
    fields = plan.mapping.fields
    assert (fields["safety"], fields["respondent_gender"], fields["respondent_age"]) == ("Trygg/otrygg", "Kön", "Ålder")
    assert (plan.count("ok"), plan.count("rejected")) == (5, 0), plan.report()
    commit_import(store, plan, partial=False)
    stored = store.read_layer("unsafe_places").set_index("source_id").sort_index()
    assert stored["safety"].tolist() == ["unsafe", "safe", "safe", "unsafe", "unsafe"]
    assert stored["respondent_gender"].tolist()[:4] == ["woman", "man", "other", "woman"]
    assert stored["respondent_age"].tolist()[:4] == ["25_44", "16_24", "65_plus", "under_16"]
    assert stored["respondent_gender"].iloc[4] is None and stored["respondent_age"].iloc[4] is None


def test_a_negated_safety_and_an_age_range_across_bands_are_asked_never_guessed(store, tmp_path):
    from test_import import KINNA_NE, write_csv

    from geodata.io.importer import plan_import

    header = ["Datum", "Kategori", "Källa", "Trygghet", "Åldersgrupp", "Nord", "Öst"]
    rows = [
        ["2024-03-05", "Klotter", "Enkät", "Inte trygg", "18-29", *KINNA_NE],
        ["2024-03-05", "Klotter", "Enkät", "Otrygg", "45–64", KINNA_NE[0] + 40, KINNA_NE[1]],
    ]
    plan = plan_import(store, write_csv(tmp_path / "enkät.csv", [header, *rows]), "unsafe_places")
    assert plan.unresolved["safety"] == {"Inte trygg": ("safe",)}
    assert plan.unresolved["respondent_age"] == {"18-29": ()}
    assert plan.records["safety"].tolist()[1] == "unsafe" and plan.records["respondent_age"].tolist()[1] == "45_64"


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (15, "under_16"),
        (16, "16_24"),
        (24.0, "16_24"),
        ("44", "25_44"),
        ("45 år", "45_64"),
        ("65 år och äldre", "65_plus"),
        ("16 - 24", "16_24"),
        ("över 70", "65_plus"),
        ("0-15", "under_16"),
        ("30-50", "30-50"),
        ("ung", "ung"),
    ],
)
def test_an_age_is_read_as_its_band_in_one_place(value, band):
    from geodata.io.columns import age_band

    assert age_band(value) == band


def _cluster(n, safety, x0=12.6940, y0=57.5080, pledge_id="test-2024", **overrides):
    from shapely.geometry import Point

    given = {"safety": safety} if safety else {}
    return [
        unsafe_place(
            geometry=Point(x0 + 0.0004 * (i % 5), y0 + 0.0004 * (i // 5)), pledge_id=pledge_id, **given, **overrides
        )
        for i in range(n)
    ]


def test_a_safe_place_counts_in_no_hot_spot_and_no_unsafety_and_is_counted_apart(gpkg_store):
    from geodata.analysis import getisord, intervention_effect, pledge_breakdown
    from geodata.analysis.counts import hex_counts

    store = gpkg_store
    # A cluster of unsafe places in Kinna, and more safe places than that in one spot farther north.
    store.write_batch("unsafe_places", frame(*_cluster(12, None)))
    before = getisord.hotspots_for_pledge(store, "test-2024", permutations=99, seed=1)
    records, area = getisord.pledge_points(store, "test-2024")
    store.write_batch("unsafe_places", frame(*_cluster(30, "safe", y0=57.53)))
    after = getisord.hotspots_for_pledge(store, "test-2024", permutations=99, seed=1)
    assert after.reports == before.reports == 12
    assert after.class_counts() == before.class_counts()
    assert hex_counts(getisord.pledge_points(store, "test-2024")[0], area, 500.0)["count"].sum() == 12
    assert len(records) == 12 and set(records["safety"]) == {"unsafe"}
    # An area drawn around the safe places: no unsafety there before or after.
    drawn = box(12.692, 57.528, 12.698, 57.533)
    drawn = gpd.GeoSeries([drawn], crs=4326).to_crs(3006).iloc[0]
    effect = intervention_effect(store, area=drawn, date=dt.date(2024, 3, 1), pledge_id="test-2024", label="drawn")
    assert (effect.counts.target_before, effect.counts.target_after) == (0, 0)
    breakdown = pledge_breakdown(store, "test-2024")
    assert (breakdown.unsafe, breakdown.safe) == (12, 30)


def test_unsafe_places_are_compared_by_the_respondent_s_gender_and_age_band(gpkg_store):
    from geodata.analysis import pledge_breakdown

    store = gpkg_store
    store.write_batch(
        "unsafe_places",
        frame(
            *_cluster(5, "unsafe", respondent_gender="woman", respondent_age="16_24"),
            *_cluster(2, "unsafe", respondent_gender="man", respondent_age="16_24"),
            *_cluster(1, "unsafe", respondent_gender="man", respondent_age="65_plus"),
            *_cluster(3, "safe", respondent_gender="man"),
            *_cluster(4, "unsafe"),
        ),
    )
    result = pledge_breakdown(store, "test-2024")
    assert dict(result.by_gender.unsafe) == {"woman": 5, "man": 3, "other": 0, "not_stated": 4}
    assert dict(result.by_gender.safe) == {"woman": 0, "man": 3, "other": 0, "not_stated": 0}
    assert result.by_age.unsafe["16_24"] == 7 and result.by_age.unsafe["65_plus"] == 1
    assert result.by_age.unsafe["not_stated"] == 4 and result.stated == 8
    only = pledge_breakdown(store, "test-2024", categories=["vandalism"])
    assert (only.unsafe, only.safe) == (0, 0)


def test_the_analysis_page_compares_by_gender_and_age_with_tables_and_says_safe_places_are_apart(client, demo_copy):
    from dashboard.i18n import PLOTLY_SEPARATORS
    from dashboard.ids import Analysis
    from geodata import vocab

    from dash_http import call_callback, render_page, texts

    page = texts(render_page(client, "/analysis", "?pledge=mark-2021"))
    assert any("räknar bara otrygga platser" in text for text in page)
    inputs = {
        f"{Analysis.pledge}.value": "mark-2021",
        f"{Analysis.start}.value": None,
        f"{Analysis.end}.value": None,
        f"{Analysis.categories}.value": list(vocab.UNSAFE_CATEGORIES),
    }
    state = {f"{Analysis.lang}.data": "sv"}
    # A pledge whose reports say nothing of who reported: nothing to compare, and the page says so.
    with GeoPackageStore.open(demo_copy) as store:
        store.save_pledge(pledge_from_dict(pledge_dict()))
        store.write_batch("unsafe_places", frame(unsafe_place(pledge_id="test-2024")))
    none = {**inputs, f"{Analysis.pledge}.value": "test-2024"}
    shown = texts(call_callback(client, f"{Analysis.breakdown}.children", none, state)[Analysis.breakdown]["children"])
    assert any("anger kön eller ålder, så det finns inget att jämföra" in text for text in shown)
    with GeoPackageStore.open(demo_copy) as store:
        unsafe_before = store.count("unsafe_places", LayerQuery(pledge_id="mark-2021"))
        demo = store.read_layer("unsafe_places", LayerQuery(pledge_id="mark-2021"))["respondent_gender"]
        women, men, others = (int((demo == g).sum()) for g in ("woman", "man", "other"))
        ages = store.read_layer("unsafe_places", LayerQuery(pledge_id="mark-2021"))["respondent_age"].value_counts()
        store.write_batch(
            "unsafe_places",
            frame(
                *[unsafe_place(pledge_id="mark-2021", respondent_gender="woman", respondent_age="16_24")] * 6,
                *[unsafe_place(pledge_id="mark-2021", respondent_gender="man", respondent_age="45_64")] * 2,
                *[unsafe_place(pledge_id="mark-2021", safety="safe", respondent_gender="man")] * 3,
            ),
        )
    answer = call_callback(client, f"{Analysis.breakdown}.children", inputs, state)[Analysis.breakdown]["children"]
    shown = texts(answer)
    unsafe = unsafe_before + 8
    assert any(f"{unsafe:,}".replace(",", "\u00a0") + " otrygga platser och 3 trygga platser" in text for text in shown)
    assert f"{8 + women + men + others} av de otrygga platserna" in " ".join(shown)
    graphs = [c for c in _components(answer) if c.get("type") == "Graph"]
    assert len(graphs) == 2
    for graph in graphs:
        figure, config = graph["props"]["figure"], graph["props"]["config"]
        assert figure["layout"]["separators"] == PLOTLY_SEPARATORS["sv"] and config["showSendToCloud"] is False
        assert [trace["name"] for trace in figure["data"]] == ["Otrygga platser", "Trygga platser"]
    by_gender = graphs[0]["props"]["figure"]["data"]
    assert by_gender[0]["x"] == ["Kvinna", "Man", "Annat"]  # those who do not say are counted in the table
    assert by_gender[0]["y"] == [6 + women, 2 + men, others] and by_gender[1]["y"] == [0, 3, 0]
    # Each chart's table alternative says the same, in words and Swedish numbers.
    tables = [" ".join(texts(c)) for c in _components(answer) if c.get("type") == "Details"]
    assert len(tables) == 2
    assert "Platser efter uppgiftslämnarens kön" in tables[0] and f"Kvinna {6 + women} 0" in tables[0]
    assert f"Uppgift saknas {unsafe - 8 - women - men - others} 0" in tables[0]
    assert f"16–24 år {6 + ages['16_24']} 0" in tables[1] and f"45–64 år {2 + ages['45_64']} 0" in tables[1]


def _components(tree):
    if isinstance(tree, list):
        for item in tree:
            yield from _components(item)
    elif isinstance(tree, dict):
        yield tree
        yield from _components(tree.get("props", {}).get("children"))


def test_the_public_view_counts_safe_places_apart_and_leaves_out_their_small_counts(gpkg_store):
    from dashboard.components.map_tables import map_table
    from dashboard.figures.public_map import public_map_parts
    from dashboard.i18n import translator
    from geodata.views.public import public_totals, public_view

    from dash_http import texts

    store = gpkg_store
    store.write_batch(
        "unsafe_places",
        frame(
            *_cluster(6, None, report_count=1),
            *_cluster(6, "safe", report_count=1),
            *_cluster(2, "safe", y0=57.53, report_count=1, respondent_gender="woman"),
        ),
    )
    view = public_view(store, "test-2024")
    assert [c.band for c in view.unsafe_places.cells] == [Band(5, 9)]
    assert [c.band for c in view.safe_places.cells] == [Band(5, 9)]  # the six safe ones, not the unsafe ones too
    assert [(c.q, c.r) for c in view.safe_places.cells] == [(c.q, c.r) for c in view.unsafe_places.cells]
    # The cell of two safe reports is left out, and nothing says how many it held.
    assert set(vars(view.safe_places)) == {"size_m", "min_count", "cells"}
    assert public_totals(view)["unsafe_places"] == Band(10, 18)  # the shown bands added up, never the 2 left out
    # Who reported is not in the public view at all.
    assert "gender" not in repr(view) and "respondent" not in repr(view)
    t = translator("sv")
    traces, _ = public_map_parts(view, ["unsafe_places"], t, "sv")
    safe = [tr for tr in traces if tr["meta"]["role"] == "public_safe"]
    assert len(safe) == 1 and safe[0]["text"] == ["5–9 rapporter om trygghet i rutan"]
    assert safe[0]["name"] == "Trygga platser, antal rapporter per ruta"
    drawn = map_table({}, t, public=view, aggregated=("unsafe_places",))
    cells = texts(json.loads(json.dumps(drawn, cls=plotly.utils.PlotlyJSONEncoder)))
    table = " ".join(cells)
    assert "Trygga platser Rapporter i rutorna 5–9" in table and "Otrygga platser Rapporter i rutorna 5–9" in table
    assert "Rutor med färre än 5 rapporter Visas inte, inte heller hur många rapporter de rymmer" in table
    # No figure of what was left out: the table's figures are the cells shown (one each) and their bands.
    assert [c for c in cells if any(ch.isdigit() for ch in c) and "5" not in c] == ["1", "1"]
    assert "2" not in cells and "14" not in cells and "8" not in cells


def _add_safe_places(path, n=4, pledge="mark-2021"):
    from shapely.geometry import Point

    with GeoPackageStore.open(path) as store:
        return store.write_batch(
            "unsafe_places",
            frame(
                *[
                    unsafe_place(
                        pledge_id=pledge,
                        safety="safe",
                        category="other",
                        reported_on="2021-06-01",
                        description=f"Trygg plats {i}",
                        geometry=Point(12.694 + 0.003 * i, 57.508),
                    )
                    for i in range(n)
                ]
            ),
        )


def test_the_map_filter_shows_and_hides_safe_places_with_their_own_legend(client, demo_copy):
    from dashboard.ids import Overview
    from dashboard.state.view import ViewState

    from dash_http import call_callback, call_overview_map, overview_map_inputs

    safe_ids = _add_safe_places(demo_copy)

    def draw(safeties):
        inputs = {**overview_map_inputs("mark-2021"), f"{Overview.safeties}.value": list(safeties)}
        answer = call_overview_map(client, inputs, changed=f"{Overview.safeties}.value")
        return answer[Overview.map]["figure"], json.dumps(answer[Overview.map_table]["children"], ensure_ascii=False)

    def places(figure):
        drawn = {"safe": [], "unsafe": []}
        for trace in figure["data"]:
            meta = trace.get("meta") or {}
            if meta.get("layer") == "unsafe_places" and meta.get("role") == "records":
                drawn["safe" if meta.get("safety") == "safe" else "unsafe"].extend(trace["ids"])
        return drawn

    both, table = draw(["unsafe", "safe"])
    drawn = places(both)
    assert sorted(drawn["safe"]) == sorted(safe_ids) and drawn["unsafe"] and not set(drawn["unsafe"]) & set(safe_ids)
    [legend] = [tr for tr in both["data"] if (tr.get("meta") or {}).get("safety") == "safe"]
    assert legend["name"] == "Trygg plats" and legend["legendgrouptitle"]["text"] == "Trygga platser"
    assert legend["legendgroup"] == "safe_places" and legend["marker"]["color"] == "#00735c"
    assert legend["customdata"][0][1].startswith("Trygg plats: ")
    assert '"Trygg plats"' in table and '"4"' in table  # the table alternative counts them apart
    unsafe_only, table = draw(["unsafe"])
    assert not places(unsafe_only)["safe"] and places(unsafe_only)["unsafe"] == drawn["unsafe"]
    assert '"Trygg plats"' not in table
    safe_only, _ = draw(["safe"])
    assert sorted(places(safe_only)["safe"]) == sorted(safe_ids) and not places(safe_only)["unsafe"]
    # The choice lives in the address, so a copied link reopens it; the default (both) is left out.
    inputs = {k: v for k, v in overview_map_inputs("mark-2021").items() if k.split(".")[0] != Overview.map}
    inputs = {
        k: v for k, v in inputs.items() if not k.startswith((Overview.basemap, Overview.timeline, Overview.width))
    }
    query = call_callback(
        client,
        f"{Overview.query}.data",
        {**inputs, f"{Overview.safeties}.value": ["safe"]},
        state={f"{Overview.lang}.data": "sv"},
    )[Overview.query]["data"]
    assert "safeties=safe" in query and ViewState.from_query({"safeties": "safe"}).safeties == ("safe",)
    assert "safeties" not in ViewState().to_query()


def test_the_public_standalone_map_counts_safe_places_apart_with_the_minimum(demo_copy, tmp_path):
    from dashboard.cli import main
    from geodata.views.public import public_view

    _add_safe_places(demo_copy, n=2)  # two reports each, in cells of their own: below the minimum
    out = tmp_path / "public.html"
    assert main(["export", "--data", str(demo_copy), "--format", "html", "--pledge", "mark-2021", "--public",
                 "--output", str(out)]) == 0  # fmt: skip
    page = out.read_text(encoding="utf-8")
    # No cell of safe places reaches the minimum: the map has no layer of them, which would say that some were
    # left out, and nothing of the reports themselves.
    assert "Trygga platser, antal rapporter per ruta" not in page and "om trygghet" not in page
    assert "Trygg plats 0" not in page and "de rymmer sammanlagt" not in page
    with GeoPackageStore.open(demo_copy) as store:
        store.write_batch("unsafe_places", frame(*_cluster(6, "safe", pledge_id="mark-2021")))
    assert main(["export", "--data", str(demo_copy), "--format", "html", "--pledge", "mark-2021", "--public",
                 "--output", str(out)]) == 0  # fmt: skip
    page = out.read_text(encoding="utf-8")
    with GeoPackageStore.open(demo_copy) as store:
        view = public_view(store, "mark-2021")
    # The cluster's 12 reports and the first place above, 2: 14, shown as its band; the other place (2) left out.
    assert [c.band for c in view.safe_places.cells] == [Band(10, 14)]
    assert "Trygga platser, antal rapporter per ruta" in page and "rutor med färre än 5 rapporter om trygghet" in page
    # Its tooltip gives the band (JSON-escaped in the page), never the exact figure.
    assert re.findall(r'"tooltip": "([^"]*) rapporter om trygghet i rutan"', page) == ["10\\u201314"]
    assert "respondent" not in page and "Kvinna" not in page


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_exports_word_safety_and_who_reported_and_import_back_with_the_same_codes(lang, demo_copy, tmp_path):
    import csv
    import io

    from dashboard.components.file_words import file_wording, reading_wordings
    from dashboard.i18n import catalogue
    from geodata.demo import demo_pledges
    from geodata.io.exporter import export_layers
    from geodata.io.importer import commit_import, plan_file

    _add_safe_places(demo_copy, n=3)
    path = tmp_path / "v.csv"
    words = catalogue(lang)
    with GeoPackageStore.open(demo_copy) as demo:
        export_layers(demo, path, "csv", {"unsafe_places": None}, wording=file_wording(lang))
        stored = demo.read_layer("unsafe_places").set_index("id")
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";" if lang == "sv" else ","))
    safety, gender, age = (words[f"field.{f}"] for f in NEW_FIELDS)
    assert {safety, gender, age} <= set(rows[0])
    assert {r[safety] for r in rows} == {words["safety.unsafe"], words["safety.safe"]}
    for row in rows:
        record = stored.loc[row["Id"]]
        assert row[safety] == words[f"safety.{record['safety']}"]
        assert row[gender] == (
            words[f"respondent_gender.{record['respondent_gender']}"] if record["respondent_gender"] else ""
        )
    with GeoPackageStore.create(tmp_path / "fresh.gpkg") as fresh:
        for pledge in demo_pledges():
            fresh.save_pledge(pledge)
        [plan] = plan_file(fresh, path, wordings=reading_wordings())
        assert not plan.unresolved and plan.count("rejected") == 0
        commit_import(fresh, plan, partial=False)
        back = fresh.read_layer("unsafe_places").set_index("source_id").sort_index()
    for column in NEW_FIELDS:
        assert list(stored[column].fillna("")) == list(back.loc[stored.index, column].fillna(""))


def test_a_crowded_map_counts_safe_places_per_cell_apart_from_the_unsafe_ones(gpkg_store):
    from dashboard.components.map_tables import map_table
    from dashboard.figures.map import map_figure
    from dashboard.i18n import translator
    from geodata.views.mapview import layer_view

    from dash_http import texts

    store = gpkg_store
    store.write_batch("unsafe_places", frame(*_cluster(10, None, report_count=1), *_cluster(4, "safe", report_count=1)))
    both = layer_view(store, "unsafe_places", LayerQuery(pledge_id="test-2024"), zoom=10, max_points=5)
    assert both.mode == "grid" and int(both.grid.count.sum()) == 10 and int(both.safe_grid.count.sum()) == 4
    unsafe = layer_view(
        store, "unsafe_places", LayerQuery.build({"safety": ["unsafe"]}, pledge_id="test-2024"), zoom=10, max_points=5
    )
    assert int(unsafe.grid.count.sum()) == 10 and unsafe.safe_grid is None
    safe = layer_view(
        store, "unsafe_places", LayerQuery.build({"safety": ["safe"]}, pledge_id="test-2024"), zoom=3, max_points=3
    )
    assert int(safe.grid.count.sum()) == 0 and int(safe.safe_grid.count.sum()) == 4
    t = translator("sv")
    figure = map_figure({"unsafe_places": both}, {"type": "FeatureCollection", "features": []}, t)
    [cells] = [tr for tr in figure["data"] if (tr.get("meta") or {}).get("safety") == "safe"]
    assert cells["text"] == ["4 rapporter om trygghet"] and cells["name"].startswith("Trygga platser: antal per ruta")
    drawn = json.loads(json.dumps(map_table({"unsafe_places": both}, t), cls=plotly.utils.PlotlyJSONEncoder))
    assert "Trygga platser" in " ".join(texts(drawn))


def test_the_edit_form_offers_safety_without_an_empty_choice_and_who_reported_with_one():
    from dashboard.components.edit_form import field_controls
    from dashboard.ids import EditForm

    controls = json.loads(
        json.dumps(
            field_controls(EditForm.field, layers.UNSAFE_PLACES, {}, "sv", []), cls=plotly.utils.PlotlyJSONEncoder
        )
    )

    def options(name):
        found = [
            c["props"]["options"]
            for c in _components(controls)
            if isinstance(c.get("props", {}).get("id"), dict) and c["props"]["id"].get("name") == name
        ]
        return [o["value"] for o in found[0]]

    assert options("safety") == ["unsafe", "safe"]  # empty would mean unsafe: the form says so, it offers no "none"
    [safety] = [
        c
        for c in _components(controls)
        if (c.get("props", {}).get("id") or {}) == {"type": EditForm.field, "name": "safety"}
    ]
    assert safety["props"]["value"] == "unsafe"
    assert options("respondent_gender") == ["", "woman", "man", "other"]
    assert options("respondent_age")[0] == "" and options("respondent_age")[1:] == list(layers.vocab.RESPONDENT_AGES)
