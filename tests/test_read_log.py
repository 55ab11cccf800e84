"""The read log: every read of records handed to a person is logged (who, when, what, from where), append-only,
and exported by admins only; figures computed from records and the public view are not record reads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import time

import pytest
from openpyxl import load_workbook

from geodata import ogc
from geodata.access import LOCAL_ADMIN, PUBLIC_VIEWER, AccessError, GuardedStore, ReadLogError, Viewer
from geodata.access.accounts import add_user
from geodata.io.exporter import export_layers
from geodata.store import GeoPackageStore, LayerQuery
from geodata.views.public import public_view
from geodata.views.selection import selected_records

from builders import frame, operation, raw_execute, site, unsafe_place
from dash_http import PASSWORD, call_callback, signed_in_client, sites_filters, texts

POLICE = Viewer("police", "pia")


def _filled(store) -> dict[str, list[str]]:
    written = store.write_batches(
        {
            "unsafe_places": frame(unsafe_place(), unsafe_place(category="drug_use")),
            "inventoried_sites": frame(site(owner="MBAB")),
            "operations": frame(operation(), operation(visibility="public")),
        }
    )
    return written


def test_each_kind_of_read_is_logged_with_who_what_when_and_where(store, tmp_path):
    ids = _filled(store)
    guarded = GuardedStore(store, POLICE, route="/layers")
    before = dt.datetime.now(dt.UTC)

    chosen = selected_records(guarded, [*ids["unsafe_places"], *ids["operations"]])
    export_layers(guarded, tmp_path / "ut.csv", "csv", {"unsafe_places": LayerQuery(start=dt.date(2024, 1, 1))})
    page = ogc.items(guarded, "operations", "http://x/ogc", {"limit": "1"})
    one = ogc.item(guarded, "unsafe_places", ids["unsafe_places"][0], "http://x/ogc")

    entries = store.read_read_log()
    assert [(e.action, e.layer) for e in entries] == [
        ("list", "unsafe_places"),
        ("list", "operations"),
        ("export", "unsafe_places"),
        ("ogc", "operations"),
        ("ogc", "unsafe_places"),
    ]
    assert {(e.username, e.role, e.route) for e in entries} == {("pia", "police", "/layers")}
    assert all(before <= e.at <= dt.datetime.now(dt.UTC) and e.at.tzinfo is not None for e in entries)
    listed, listed_ops, exported, paged, single = entries
    assert set(listed.record_ids) == set(ids["unsafe_places"]) and listed.count == 2
    assert set(listed_ops.record_ids) == set(ids["operations"]) and len(chosen) == 4
    assert set(exported.record_ids) == set(ids["unsafe_places"]) and exported.count == 2
    assert '"start": "2024-01-01"' in exported.query and '"format": "csv"' in exported.query
    assert paged.record_ids == tuple(f["id"] for f in page["features"]) and paged.count == 1
    # /ogc serves no internal operation, even to the police: one matched, and only it is logged.
    assert '"limit": "1"' in paged.query and '"matched": 1' in paged.query
    assert single.record_ids == (one["id"],) and single.count == 1


def test_figures_counts_and_reads_before_a_change_are_not_logged(store):
    ids = _filled(store)
    guarded = GuardedStore(store, Viewer("municipality", "mats"), route="/")
    guarded.read_layer("unsafe_places")
    guarded.count("operations")
    guarded.counts()
    guarded.grid_counts("unsafe_places", None, 250)
    public_view(GuardedStore(store, PUBLIC_VIEWER), "test-2024")
    record = guarded.read_layer("unsafe_places", LayerQuery(ids=(ids["unsafe_places"][0],))).iloc[0]
    guarded.update_record("unsafe_places", record["id"], {"category": "drug_use"}, int(record["version"]))
    assert store.read_read_log() == []
    # A selection that finds nothing readable hands nothing over: no entry.
    selected_records(guarded, ["no-such-record"])
    assert store.read_read_log() == []


def test_the_command_line_reads_as_local(store, tmp_path):
    ids = _filled(store)
    export_layers(store, tmp_path / "alla.gpkg", "gpkg", include_internal=True)
    entries = store.read_read_log()
    assert {(e.username, e.role, e.route, e.action) for e in entries} == {("local", "admin", "cli", "export")}
    assert {e.layer: set(e.record_ids) for e in entries} == {k: set(v) for k, v in ids.items()}


def test_the_read_log_cannot_be_changed_not_even_by_sql(store):
    _filled(store)
    selected_records(GuardedStore(store, POLICE), store.read_layer("unsafe_places")["id"])
    for sql in ("UPDATE read_log SET username = 'någon annan'", "DELETE FROM read_log"):
        with pytest.raises(Exception, match="the read log cannot be changed"):
            raw_execute(store, sql)
    if not isinstance(store, GeoPackageStore):
        with pytest.raises(Exception, match="the read log cannot be changed"):
            raw_execute(store, "TRUNCATE read_log")
    [entry] = store.read_read_log()
    assert entry.username == "pia" and entry.count == 2


def test_only_an_admin_reads_the_log_and_nobody_writes_it_through_the_guard(store):
    _filled(store)
    selected_records(GuardedStore(store, POLICE), store.read_layer("unsafe_places")["id"])
    for viewer in (POLICE, Viewer("municipality", "mats"), Viewer("housing_company", "hanna", "MBAB"), PUBLIC_VIEWER):
        with pytest.raises(AccessError):
            GuardedStore(store, viewer).read_read_log()
    admin = GuardedStore(store, Viewer("admin", "anna"))
    assert [e.username for e in admin.read_read_log()] == ["pia"]
    with pytest.raises(AccessError):
        admin.append_reads(store.read_read_log())
    assert admin.read_read_log(username="pia") == admin.read_read_log()
    assert admin.read_read_log(username="anna") == []
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    assert admin.read_read_log(start=later) == [] and len(admin.read_read_log(end=later)) == 1


def test_a_read_that_cannot_be_logged_is_refused(gpkg_store, monkeypatch):
    from geodata.store.gpkg import store as gpkg_module

    ids = _filled(gpkg_store)
    monkeypatch.setattr(gpkg_module, "READ_LOG_WAIT_S", 0)
    importer = sqlite3.connect(gpkg_store.path, isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")  # another worker's long import holds the write lock
    try:
        with pytest.raises(ReadLogError) as refused:
            selected_records(GuardedStore(gpkg_store, POLICE), ids["unsafe_places"])
        assert refused.value.code == "read_log"
    finally:
        importer.execute("ROLLBACK")
        importer.close()
    assert gpkg_store.read_read_log() == []
    assert len(selected_records(GuardedStore(gpkg_store, POLICE), ids["unsafe_places"])) == 2  # free again: shown


# -- through the dashboard, signed in ---------------------------------------------------------------------------


@pytest.fixture
def signed(demo_copy):
    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "anna", "admin", PASSWORD)
        add_user(store, "pia", "police", PASSWORD)
        add_user(store, "mats", "municipality", PASSWORD)
    return demo_copy


def _log(path):
    with GeoPackageStore.open(path) as store:
        return store.read_read_log()


def test_pages_callbacks_and_the_api_log_the_signed_in_account(signed):
    from dashboard.ids import Layers, Overview, Sites

    with GeoPackageStore.open(signed) as store:
        places = store.read_layer("unsafe_places", LayerQuery(pledge_id="mark-2021"))
    place = places["id"].iloc[0]
    client = signed_in_client(signed, "pia")
    client.environ_base["HTTP_REFERER"] = "http://localhost/"
    details = call_callback(
        client,
        f"{Overview.details}.children",
        {f"{Overview.map}.clickData": {"points": [{"customdata": [place]}]}},
        state={f"{Overview.lang}.data": "sv"},
    )[Overview.details]["children"]
    assert "Otrygga platser" in texts(details)
    [opened] = _log(signed)
    assert (opened.username, opened.role, opened.action, opened.layer) == ("pia", "police", "details", "unsafe_places")
    assert opened.record_ids == (place,) and opened.route == "/"

    client.environ_base["HTTP_REFERER"] = "http://localhost/layers?layer=unsafe_places"
    view = {"pledge": "mark-2021", "layer": "unsafe_places", "q": "", "sort": None, "desc": False, "page": 1}
    call_callback(
        client,
        f"{Layers.table}.children",
        {f"{Layers.view}.data": {**view, "record": None, "lang": "sv"}, f"{Layers.tiles_ok}.data": False},
    )
    listed = _log(signed)[-1]
    assert (listed.action, listed.layer, listed.route) == ("list", "unsafe_places", "/layers")
    assert 0 < listed.count == len(listed.record_ids) <= len(places) and set(listed.record_ids) <= set(places["id"])

    client.environ_base["HTTP_REFERER"] = "http://localhost/sites"
    call_callback(client, f"{Sites.table}.children", sites_filters())
    worklist = _log(signed)[-1]
    assert (worklist.action, worklist.layer, worklist.route) == ("list", "inventoried_sites", "/sites")
    assert '"pledge_id": "mark-2021"' in worklist.query

    client.environ_base.pop("HTTP_REFERER")
    answer = client.get("/ogc/collections/unsafe_places/items?limit=3")
    assert answer.status_code == 200
    served = _log(signed)[-1]
    assert (served.action, served.username, served.route) == ("ogc", "pia", "/ogc/collections/unsafe_places/items")
    assert served.record_ids == tuple(f["id"] for f in answer.get_json()["features"]) and served.count == 3


def test_the_overview_export_is_logged(signed):
    from dashboard.ids import Overview

    client = signed_in_client(signed, "mats")
    answer = call_callback(
        client,
        f"{Overview.download}.data",
        {f"{Overview.export}.n_clicks": 1},
        state={
            f"{Overview.export_format}.value": "csv",
            f"{Overview.query}.data": "?pledge=mark-2021&layers=unsafe_places",
            f"{Overview.lang}.data": "sv",
        },
    )
    assert answer[Overview.download]["data"]
    [exported] = _log(signed)
    assert (exported.username, exported.role, exported.action, exported.layer) == (
        "mats",
        "municipality",
        "export",
        "unsafe_places",
    )
    assert exported.count > 0 and '"format": "csv"' in exported.query


def test_admins_export_the_log_from_the_command_line_in_swedish(signed, tmp_path, capsys):
    from dashboard.cli import main

    with GeoPackageStore.open(signed) as store:
        places = store.read_layer("unsafe_places", LayerQuery(pledge_id="mark-2021"))
        selected_records(GuardedStore(store, POLICE, route="/"), places["id"][:3])
        selected_records(GuardedStore(store, Viewer("municipality", "mats"), route="/layers"), places["id"][:1])
    data = ["--data", str(signed)]
    out = tmp_path / "läslogg.csv"
    assert main(["read-log", "export", str(out), *data]) == 0
    assert "Skrev 2 läsningar ur läsloggen" in capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Tid (svensk tid)",
        "Användare",
        "Roll",
        "Läsning",
        "Lager",
        "Antal poster",
        "Postidentiteter",
        "Urval",
        "Sida eller adress",
    ]
    assert rows[1][1:6] == ["pia", "polis", "lista", "Otrygga platser", "3"]
    assert set(rows[1][6].split(", ")) == set(places["id"][:3])
    assert dt.datetime.strptime(rows[1][0], "%Y-%m-%d %H:%M:%S")  # Swedish time, no zone letters

    book = tmp_path / "mats.xlsx"
    assert main(["read-log", "export", str(book), "--user", "mats", "--to", "2099-12-31", *data]) == 0
    sheet = load_workbook(book).active
    values = list(sheet.values)
    assert values[0][1] == "Användare" and [r[1] for r in values[1:]] == ["mats"]
    assert main(["read-log", "export", str(tmp_path / "x.csv"), "--from", "2099-01-01", *data]) == 0
    assert "Skrev 0 läsningar" in capsys.readouterr().out
    assert main(["read-log", "export", str(tmp_path / "x.txt"), *data]) == 1


def test_adding_an_entry_costs_little_beside_the_read(store):
    """Not a pass/fail on time: prints what logging adds to a read, for BENCHMARKS.md."""
    places = frame(*(unsafe_place(description=f"plats {i}") for i in range(500)))
    ids = store.write_batches({"unsafe_places": places})["unsafe_places"]
    guarded = GuardedStore(store, POLICE, route="/layers")
    rounds = 20
    started = time.perf_counter()
    for _ in range(rounds):
        guarded.read_layer("unsafe_places", LayerQuery(ids=tuple(ids[:50])))
    read_s = (time.perf_counter() - started) / rounds
    started = time.perf_counter()
    for _ in range(rounds):
        guarded.log_read("list", {"unsafe_places": ids[:50]})
    log_50 = (time.perf_counter() - started) / rounds
    started = time.perf_counter()
    for _ in range(rounds):
        guarded.log_read("export", {"unsafe_places": ids})
    log_500 = (time.perf_counter() - started) / rounds
    backend = type(store).__name__
    print(
        f"\n{backend}: read of 50 records {read_s * 1000:.1f} ms; logging it {log_50 * 1000:.1f} ms "
        f"(+{log_50 / read_s:.0%}); logging 500 ids {log_500 * 1000:.1f} ms"
    )
    assert len(store.read_read_log()) == 2 * rounds
    assert LOCAL_ADMIN.username == "local"


def test_only_an_admin_downloads_the_log_from_the_dashboard(signed):
    from dash_http import props_where, render_page

    with GeoPackageStore.open(signed) as store:
        places = store.read_layer("unsafe_places", LayerQuery(pledge_id="mark-2021"))
        selected_records(GuardedStore(store, POLICE, route="/"), places["id"][:2])
    for name in ("pia", "mats"):
        client = signed_in_client(signed, name)
        assert client.get("/report/read-log?format=csv").status_code == 403
        links = props_where(render_page(client, "/layers"), lambda p: "/report/read-log" in str(p.get("href")))
        assert links == []
    admin = signed_in_client(signed, "anna")
    links = props_where(render_page(admin, "/layers"), lambda p: "/report/read-log" in str(p.get("href")))
    assert [p["href"] for p in links] == ["/report/read-log?format=xlsx&lang=sv", "/report/read-log?format=csv&lang=sv"]
    answer = admin.get("/report/read-log?format=csv&user=pia&from=2020-01-01")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert "filename*=UTF-8''l%C3%A4slogg.csv" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Tid (svensk tid)", "Användare"] and [r[1] for r in rows[1:]] == ["pia"]
    book = admin.get("/report/read-log")  # Excel by default
    assert book.status_code == 200 and load_workbook(io.BytesIO(book.get_data())).active.cell(1, 4).value == "Läsning"
    assert admin.get("/report/read-log?format=pdf").status_code == 400
    assert admin.get("/report/read-log?from=igår").status_code == 400
    assert admin.get("/report/read-log?from=2025-02-01&to=2025-01-01").status_code == 400


def test_an_older_geopackage_store_is_given_the_append_only_read_log(tmp_path, monkeypatch):
    from geodata.store import migrate
    from geodata.store.gpkg import schema as gpkg_schema

    path = tmp_path / "v14.gpkg"
    with monkeypatch.context() as patch:
        patch.setattr(gpkg_schema, "MIGRATIONS", gpkg_schema.MIGRATIONS[:14])
        GeoPackageStore.create(path).close()
    assert migrate(path) == (14, gpkg_schema.latest_version())  # 15, the read log, and what came after
    with GeoPackageStore.open(path) as store:
        log_read_as = GuardedStore(store, POLICE, route="/")
        log_read_as.log_read("details", {"unsafe_places": ["a"]})
        assert [e.record_ids for e in store.read_read_log()] == [("a",)]
        with pytest.raises(sqlite3.IntegrityError, match="the read log cannot be changed"):
            raw_execute(store, "DELETE FROM read_log")


def test_an_older_database_is_given_the_append_only_read_log(pg_server, monkeypatch):
    import os

    import psycopg

    from geodata.store import migrate, open_store
    from geodata.store.postgis import schema as postgis_schema
    from geodata.store.postgis.store import dispose

    from pg_cluster import new_database

    url = new_database(pg_server, f"before_read_log_{os.getpid()}")
    with monkeypatch.context() as patch:
        patch.setattr(postgis_schema, "MIGRATIONS", postgis_schema.MIGRATIONS[:6])
        assert migrate(url) == (0, 6)
    with psycopg.connect(url, autocommit=True) as conn:  # as a database made before the read log was
        conn.execute("DROP TABLE read_log")
    dispose(url)
    assert migrate(url) == (6, postgis_schema.latest_version())  # 7, the read log, and what came after
    with open_store(url) as store:
        GuardedStore(store, POLICE, route="/").log_read("list", {"operations": ["a", "b"]})
        [entry] = store.read_read_log()
        assert (entry.record_ids, entry.count, entry.username) == (("a", "b"), 2, "pia")
        for sql in ("UPDATE read_log SET role = 'admin'", "DELETE FROM read_log", "TRUNCATE read_log"):
            with pytest.raises(psycopg.Error, match="the read log cannot be changed"):
                raw_execute(store, sql)
    dispose(url)
