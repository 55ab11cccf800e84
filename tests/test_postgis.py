"""The PostGIS backend on a real server: copies without loss, several workers, failures half-way, lost connections.

The store's own behaviour is tested on both backends by the parametrized
``store`` fixture (test_store_gpkg.py, test_access.py, test_import.py, …);
this file holds what only a database server shows.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time

import psycopg
import pytest

from dashboard.ids import Layers
from geodata.errors import StoreError, ValidationError, VersionConflictError
from geodata.model import pledge_from_dict
from geodata.store import GeoPackageStore, LayerQuery, copy_store, open_store

from builders import frame, pledge_dict, raw_execute, snapshot, unsafe_place


def test_a_whole_store_copies_into_the_database_and_back_without_loss(demo_copy, pg_url, tmp_path, capsys):
    from dashboard.cli import main
    from geodata.access.accounts import add_user

    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "ada", "admin", "en lång lösenfras")
        store.write_setting("presentation_pledge", "mark-2021")
        [place] = store.write_batch("unsafe_places", frame(unsafe_place(pledge_id="mark-2021")))
        store.delete_record("unsafe_places", place, 1)
        original = store.dump_tables()
    assert main(["copy", "--from", str(demo_copy), "--to", pg_url]) == 0
    assert "400 unsafe_places" not in capsys.readouterr().out  # 401 with the deleted one
    back = tmp_path / "back.gpkg"
    assert main(["copy", "--from", pg_url, "--to", str(back)]) == 0
    with open_store(pg_url) as database, GeoPackageStore.open(back) as returned:
        assert database.dump_tables() == original
        assert returned.dump_tables() == original
        # The copy is a working store, not just rows: queries, the deleted record, sign-in, settings.
        assert database.counts() == returned.counts()
        assert database.read_layer("unsafe_places", LayerQuery(deleted=True))["id"].tolist() == [place]
        assert database.get_user("ada").role == "admin"
        assert database.read_setting("presentation_pledge") == "mark-2021"
        # The file rebuilt from the database counts its maps as the database does (each record's point set again).
        query = LayerQuery(pledge_id="mark-2021")
        assert (
            returned.grid_counts("unsafe_places", query, 1000.0).count.sum()
            == database.grid_counts("unsafe_places", query, 1000.0).count.sum()
            == database.count("unsafe_places", query)
        )
    # A copy goes only into an empty store.
    assert main(["copy", "--from", str(demo_copy), "--to", pg_url]) == 1
    assert "already holds" in capsys.readouterr().err


def test_migrate_and_demo_on_a_new_database(pg_server, capsys):
    from conftest import _databases

    from dashboard.cli import main

    name = f"fresh_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = pg_server.rsplit("/", 1)[0] + f"/{name}"
    from geodata.store.postgis.schema import latest_version

    assert main(["migrate", "--data", url]) == 0
    assert f"schema version 0 → {latest_version()}" in capsys.readouterr().out
    assert main(["migrate", "--data", url]) == 0
    assert f"already at schema version {latest_version()}" in capsys.readouterr().out
    assert main(["demo", "--data", url]) == 0
    assert main(["info", "--data", url]) == 0
    assert "8 pledges" in capsys.readouterr().out
    from geodata.store.postgis.store import dispose

    dispose(url)


def test_an_unreachable_database_is_said_plainly(capsys):
    from dashboard.cli import main

    assert main(["info", "--data", "postgresql://nobody:secret@127.0.0.1:9/none"]) == 1
    error = capsys.readouterr().err
    assert "cannot reach the database postgresql://nobody:***@127.0.0.1:9/none" in error and "secret" not in error


def _edit(url, record_id, status, barrier, results):
    with open_store(url) as store:
        barrier.wait(30)
        try:
            store.update_record("inventoried_sites", record_id, {"status": status}, expected_version=1)
            results.put(("saved", status))
        except VersionConflictError as exc:
            results.put(("conflict", exc.current))


def test_two_workers_editing_one_record_get_a_conflict_not_an_overwrite(store, pg_url):
    from builders import site

    with open_store(pg_url) as database:
        database.save_pledge(pledge_from_dict(pledge_dict()))
        [record_id] = database.write_batch("inventoried_sites", frame(site()))
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_edit, args=(pg_url, record_id, status, barrier, results))
        for status in ("fixed", "verified")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    outcomes = sorted(results.get(timeout=5) for _ in workers)
    assert [kind for kind, _ in outcomes] == ["conflict", "saved"]
    saved = next(value for kind, value in outcomes if kind == "saved")
    with open_store(pg_url) as database:
        stored = database.read_layer("inventoried_sites", LayerQuery(ids=(record_id,))).iloc[0]
        assert (stored["status"], stored["version"]) == (saved, 2)
        assert [e.action for e in database.read_audit(record_id=record_id)] == ["create", "edit"]


def test_an_import_failing_half_way_leaves_nothing(pg_url):
    with open_store(pg_url) as store:
        store.save_pledge(pledge_from_dict(pledge_dict()))
        store.write_batch("unsafe_places", frame(unsafe_place()))
        before = snapshot(store)
        # A valid first layer and an invalid second: checked before anything is written.
        with pytest.raises(ValidationError):
            store.write_batches(
                {"unsafe_places": frame(unsafe_place()), "operations": frame({"geometry": unsafe_place()["geometry"]})}
            )
        assert snapshot(store) == before
        # The database itself fails on the third row written (as a full disk would): rolled back.
        raw_execute(
            store,
            "CREATE FUNCTION fail_third() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF (SELECT count(*) FROM unsafe_places) >= 3 THEN RAISE EXCEPTION 'disk full'; END IF; "
            "RETURN NEW; END $$",
        )
        raw_execute(
            store, "CREATE TRIGGER fail_third BEFORE INSERT ON unsafe_places FOR EACH ROW EXECUTE FUNCTION fail_third()"
        )
        with pytest.raises(Exception, match="disk full"):
            store.write_batch("unsafe_places", frame(*[unsafe_place() for _ in range(5)]))
        assert snapshot(store) == before
        raw_execute(store, "DROP TRIGGER fail_third ON unsafe_places")
        assert len(store.write_batch("unsafe_places", frame(unsafe_place(), unsafe_place()))) == 2


def test_a_connection_dropped_mid_request_is_a_clear_error_and_the_next_request_works(pg_url):
    from sqlalchemy import text

    with open_store(pg_url) as store:
        store.save_pledge(pledge_from_dict(pledge_dict()))
        with pytest.raises(StoreError, match="connection was lost.*nothing was saved"):
            with store._write() as conn:
                conn.execute(text("INSERT INTO settings VALUES ('half', 'way')"))
                conn.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        assert store.read_setting("half") is None
        # Every connection of the pool killed between two requests (a database restart): the next one reconnects.
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid != pg_backend_pid()"
            )
        assert store.count("unsafe_places") == 0
        store.write_setting("after", "yes")
        assert store.read_setting("after") == "yes"


def _guess(url, barrier, results):
    from geodata.access.accounts import SignInError, authenticate

    with open_store(url) as store:
        barrier.wait(30)
        try:
            authenticate(store, "pia", "fel fel fel fel", address="203.0.113.9")
        except SignInError as exc:
            results.put(exc.retry_after or 0)


def test_parallel_guesses_from_several_workers_are_counted_one_after_the_other(pg_url):
    from geodata.access import accounts

    with open_store(pg_url) as store:
        accounts.add_user(store, "pia", "police", "en lång lösenfras")
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(6), context.Queue()
    workers = [context.Process(target=_guess, args=(pg_url, barrier, results)) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    answers = [results.get(timeout=5) for _ in workers]
    assert sum(1 for a in answers if a == 0) == accounts.FREE_FAILURES  # the rest waited, unchecked
    with open_store(pg_url) as store:
        assert store.sign_in_failures("pia") == accounts.FREE_FAILURES


def test_two_app_workers_see_each_others_edits_at_once(demo_copy, pg_url, monkeypatch):
    from dashboard.settings import Settings

    from dash_http import call_callback, make_client, texts

    monkeypatch.setenv("PLEDGEMAP_SECRET", "s" * 40)  # workers of one database share the key that signs sessions
    with GeoPackageStore.open(demo_copy) as source, open_store(pg_url) as target:
        copy_store(source, target)
        site = target.read_layer("inventoried_sites", LayerQuery(pledge_id="mark-2021")).iloc[0]
    first, second = (make_client(Settings(data=pg_url, tiles_url=None)) for _ in range(2))

    def shown(client, search):
        view = {
            "pledge": "mark-2021",
            "layer": "inventoried_sites",
            "q": search,
            "sort": None,
            "desc": False,
            "page": 1,
            "record": None,
            "lang": "sv",
        }
        answer = call_callback(
            client, f"{Layers.table}.children", {f"{Layers.view}.data": view, f"{Layers.tiles_ok}.data": False}
        )
        return " ".join(texts(answer[Layers.table]["children"]))

    assert site["address"] in shown(second, site["address"])
    with open_store(pg_url) as worker_one:  # the first worker saves an edit ...
        worker_one.update_record("inventoried_sites", site["id"], {"address": "Ny gata 1, Kinna"}, int(site["version"]))
    for client in (second, first):  # ... and both show it at once
        assert "Ny gata 1, Kinna" in shown(client, "Ny gata")
        assert site["address"] not in shown(client, site["address"])


@pytest.mark.browser
def test_gunicorn_workers_serve_one_database(demo_copy, pg_url, tmp_path):
    from browser import free_port

    with GeoPackageStore.open(demo_copy) as source, open_store(pg_url) as target:
        copy_store(source, target)
    port = free_port()
    env = {**os.environ, "PLEDGEMAP_DATA": pg_url, "PLEDGEMAP_SECRET": "s" * 40, "PLEDGEMAP_TILES": "none"}
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}", "dashboard.wsgi:app"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    try:
        import urllib.request

        deadline, pages = time.time() + 60, []
        while time.time() < deadline and len(pages) < 6:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout", timeout=5) as answer:
                    pages.append(answer.status)
            except OSError:
                time.sleep(0.5)
        assert pages == [200] * 6
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert output.count("Booting worker") == 2, output


def test_a_database_from_before_target_per_gets_the_column_and_keeps_its_promises(pg_server, monkeypatch):
    """Migration 3 adds promises.target_per to a database made before it (and is a no-op on one made after)."""
    from conftest import _databases

    from geodata.store import migrate
    from geodata.store.postgis import schema as postgis_schema
    from geodata.store.postgis.store import dispose

    from pg_cluster import new_database

    url = new_database(pg_server, f"before_per_{os.getpid()}_{next(_databases)}")
    with monkeypatch.context() as patch:
        patch.setattr(postgis_schema, "MIGRATIONS", postgis_schema.MIGRATIONS[:1])
        assert migrate(url) == (0, 1)
    with psycopg.connect(url, autocommit=True) as conn:  # as version 1 built it before the column existed
        conn.execute("ALTER TABLE promises DROP COLUMN target_per")
    assert migrate(url) == (1, postgis_schema.latest_version())
    data = pledge_dict()
    data["promises"][0].update(target=900, target_unit="timmar", target_per="year")
    with open_store(url) as s:
        s.save_pledge(pledge_from_dict(data))
        promise = s.get_pledge(data["id"]).promises[0]
    assert (promise.target, promise.target_unit, promise.target_per) == (900, "timmar", "year")
    dispose(url)


def _both_backends(tmp_path, pg_url):
    from geodata.store import GeoPackageStore

    gpkg = GeoPackageStore.create(tmp_path / "same.gpkg")
    database = open_store(pg_url)
    for s in (gpkg, database):
        s.save_pledge(pledge_from_dict(pledge_dict()))
    return gpkg, database


def _cells(grid) -> list[tuple[float, float, float]]:
    return sorted(zip(grid.x.tolist(), grid.y.tolist(), grid.count.tolist()))


def _same_records(tmp_path, pg_url):
    """Both backends holding the same records, written the same ways: points and areas, then edits, a soft
    delete and its undo, and one deleted for good."""
    import numpy as np
    from shapely.geometry import Point, Polygon

    from builders import operation

    gpkg, database = _both_backends(tmp_path, pg_url)
    rng = np.random.default_rng(19)
    places = [
        unsafe_place(
            geometry=Point(12.60 + dx, 57.45 + dy),
            report_count=int(n) if n else None,
            category="vandalism" if dx > 0.1 else "drug_use",
            reported_on=f"2024-{1 + int(dy * 100) % 12:02d}-15",
            safety="safe" if n == 3 else "unsafe",
        )
        for dx, dy, n in zip(rng.uniform(0, 0.2, 200), rng.uniform(0, 0.1, 200), rng.integers(0, 4, 200))
    ]
    # Areas: a square, and a U-shaped one whose centre is outside it (its point is a point inside).
    square = Polygon([(12.61, 57.46), (12.63, 57.46), (12.63, 57.48), (12.61, 57.48)])
    u_shape = Polygon(
        [
            (12.62, 57.44),
            (12.68, 57.44),
            (12.68, 57.50),
            (12.66, 57.50),
            (12.66, 57.46),
            (12.64, 57.46),
            (12.64, 57.50),
            (12.62, 57.50),
        ]
    )
    places += [unsafe_place(geometry=square), unsafe_place(geometry=u_shape, category="vandalism")]
    operations = [operation(geometry=square), operation(geometry=u_shape), operation(geometry=Point(12.65, 57.47))]
    in_storage = frame(unsafe_place(geometry=Point(12.79, 57.54)), unsafe_place(geometry=u_shape)).to_crs(3006)
    moved, area = in_storage.geometry
    for s in (gpkg, database):
        ids = s.write_batch("unsafe_places", frame(*places))
        s.write_batch("operations", frame(*operations))
        # An edit that moves a record, another that makes it an area; a soft delete undone, one that stays.
        s.update_record("unsafe_places", ids[0], {"geometry": moved}, 1)
        s.update_record("unsafe_places", ids[1], {"geometry": area}, 1)
        s.delete_record("unsafe_places", ids[2], 1)
        s.restore_record("unsafe_places", ids[2])
        s.delete_record("unsafe_places", ids[3], 1)
    return gpkg, database


def test_grid_counts_and_counts_are_the_same_on_both_backends(tmp_path, pg_url):
    """The same records give the same map on either backend: every cell and count, for every filter the map
    has, areas counted at the same point inside them, a moved record where it is now, a deleted one nowhere."""
    import datetime as dt

    from pyproj import Transformer

    from geodata.store.postgis.store import dispose

    gpkg, database = _same_records(tmp_path, pg_url)
    box = Transformer.from_crs(4326, 3006, always_xy=True).transform_bounds(12.60, 57.45, 12.70, 57.50)
    queries = [
        LayerQuery(),
        LayerQuery(pledge_id="test-2024"),
        LayerQuery(values=(("category", ("vandalism",)),)),
        LayerQuery(values=(("safety", ("safe",)),)),
        LayerQuery(start=dt.date(2024, 3, 1), end=dt.date(2024, 6, 30)),
        LayerQuery(bbox=box),
        LayerQuery(deleted=True),
    ]
    with gpkg, database:
        for query in queries:
            for cell, weight in ((250.0, None), (1000.0, "report_count"), (5000.0, None)):
                expected = _cells(gpkg.grid_counts("unsafe_places", query, cell, weight))
                assert _cells(database.grid_counts("unsafe_places", query, cell, weight)) == expected, query
            assert database.count("unsafe_places", query) == gpkg.count("unsafe_places", query)
        for cell in (250.0, 2000.0):
            assert _cells(database.grid_counts("operations", None, cell)) == _cells(
                gpkg.grid_counts("operations", None, cell)
            )
        assert database.counts() == gpkg.counts() == {"unsafe_places": 201, "inventoried_sites": 0, "operations": 3}
        assert database.counts("test-2024") == gpkg.counts("test-2024")
    dispose(pg_url)


def _plans(database, run) -> list[str]:
    """The plans PostgreSQL makes for the statements ``run`` sends, with the parameters it sent."""
    import sqlalchemy

    from geodata.store.postgis.store import _engine

    sent: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and ' FROM "' in statement:
            sent.append((statement, parameters))

    engine = _engine(database.location)
    sqlalchemy.event.listen(engine, "before_cursor_execute", keep)
    try:
        run()
    finally:
        sqlalchemy.event.remove(engine, "before_cursor_execute", keep)
    plans = []
    with psycopg.connect(database.location, autocommit=True) as conn:
        # Whatever the table's size: can the plan answer from an index alone?
        conn.execute("SET enable_seqscan = off")
        conn.execute("SET enable_bitmapscan = off")
        for statement, parameters in sent:
            rows = conn.execute("EXPLAIN " + statement, parameters).fetchall()
            plans.append("\n".join(r[0] for r in rows))
    return plans


def test_map_counts_are_index_only_scans_of_the_covering_index(tmp_path, pg_url):
    """A crowded map's grid counts and counts read the layer's covering index alone, never a row or a geometry."""
    import datetime as dt

    from geodata.store.postgis.store import dispose

    gpkg, database = _same_records(tmp_path, pg_url)
    gpkg.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    query = LayerQuery(
        pledge_id="test-2024",
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        values=(("category", ("vandalism", "drug_use")), ("safety", ("unsafe",)), ("source", ("safety_walk",))),
    )
    with database:
        plans = _plans(
            database,
            lambda: (
                database.grid_counts("unsafe_places", query, 1000.0, "report_count"),
                database.count("unsafe_places", query),
                database.counts("test-2024"),
            ),
        )
    # The map's crowded layer: its grid, its count, and its count among the pledge's (the layers linked through
    # promises are planned by how many promises there are; at a million reports as well, see BENCHMARKS.md).
    plans = [plan for plan in plans if " on unsafe_places " in plan]
    assert len(plans) == 3
    for plan in plans:
        assert "Index Only Scan using unsafe_places_view on unsafe_places" in plan, plan
        assert "Seq Scan" not in plan and "Index Scan using" not in plan.replace("Index Only Scan", ""), plan
    dispose(pg_url)


def test_a_database_from_before_the_stored_points_gets_them_for_the_rows_it_has(pg_server, tmp_path, monkeypatch):
    """Migration 6 gives a database made at version 5, with rows in it, each record's point and the covering index:
    its maps count as the GeoPackage store's do, and new writes keep the points right."""
    from conftest import _databases
    from shapely.geometry import Point

    from geodata.store import migrate
    from geodata.store.postgis import schema as postgis_schema
    from geodata.store.postgis.store import dispose

    from builders import operation
    from pg_cluster import new_database

    url = new_database(pg_server, f"before_points_{os.getpid()}_{next(_databases)}")
    with monkeypatch.context() as patch:
        patch.setattr(postgis_schema, "MIGRATIONS", postgis_schema.MIGRATIONS[:5])
        assert migrate(url) == (0, 5)
        with psycopg.connect(url, autocommit=True) as conn:  # as version 1 built the layers before the points
            for layer in ("unsafe_places", "inventoried_sites", "operations"):
                conn.execute(f'ALTER TABLE "{layer}" DROP COLUMN x, DROP COLUMN y')
        with open_store(url) as old:
            old.save_pledge(pledge_from_dict(pledge_dict()))
            ids = old.write_batch(
                "unsafe_places", frame(*(unsafe_place() for _ in range(3)), unsafe_place(geometry=Point(12.70, 57.52)))
            )
            old.write_batch("operations", frame(operation()))
            old.delete_record("unsafe_places", ids[0], 1)
        dispose(url)
    with psycopg.connect(url, autocommit=True) as conn:
        assert not conn.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'unsafe_places_view'").fetchone()
    assert migrate(url) == (5, postgis_schema.latest_version())
    with GeoPackageStore.create(tmp_path / "same.gpkg") as gpkg, open_store(url) as database:
        gpkg.save_pledge(pledge_from_dict(pledge_dict()))
        gpkg.write_batch(
            "unsafe_places", frame(*(unsafe_place() for _ in range(3)), unsafe_place(geometry=Point(12.70, 57.52)))
        )
        gpkg.write_batch("operations", frame(operation()))
        [first] = gpkg.read_layer("unsafe_places", LayerQuery(limit=1))["id"]
        gpkg.delete_record("unsafe_places", first, 1)
        for layer, cell in (("unsafe_places", 500.0), ("unsafe_places", 5000.0), ("operations", 250.0)):
            got = database.grid_counts(layer, None, cell)
            want = gpkg.grid_counts(layer, None, cell)
            assert _cells(got) == _cells(want) and len(_cells(got)) >= 1
        assert database.counts() == gpkg.counts() == {"unsafe_places": 3, "inventoried_sites": 0, "operations": 1}
        # A record moved after the migration is counted where it is now, on both.
        moved = frame(unsafe_place(geometry=Point(12.80, 57.60))).to_crs(3006).geometry.iloc[0]
        [second] = gpkg.read_layer("unsafe_places", LayerQuery(limit=1))["id"]
        database.update_record("unsafe_places", ids[1], {"geometry": moved}, 1)
        gpkg.update_record("unsafe_places", second, {"geometry": moved}, 1)
        assert _cells(database.grid_counts("unsafe_places", None, 100.0)) == _cells(
            gpkg.grid_counts("unsafe_places", None, 100.0)
        )
    with psycopg.connect(url, autocommit=True) as conn:
        index = conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'unsafe_places_view'").fetchone()[0]
        assert "INCLUDE (x, y)" in index and "(pledge_id, deleted_at, reported_on" in index
    from geodata.store.postgis.store import _engine

    with _engine(url).begin() as conn:  # run again on a database that has them: nothing to add, no error
        postgis_schema.MIGRATIONS[5].apply(conn)
    dispose(url)


def test_every_pledge_is_read_in_two_statements_whatever_their_number(pg_url):
    """Listing the pledges (the /alla page, the choice of a pledge) is two round trips to the server, not two per
    pledge, and gives each pledge with its own promises in order."""
    import sqlalchemy

    from geodata.store.postgis.store import _engine, dispose

    sent: list[str] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    with open_store(pg_url) as store:
        for n in range(5):
            data = pledge_dict(id=f"p-{n}", title=f"Löfte {n}")
            for promise in data["promises"]:
                promise["id"] = f"p-{n}-{promise['id']}"
            store.save_pledge(pledge_from_dict(data))
        one_by_one = [store.get_pledge(f"p-{n}") for n in range(5)]
        sqlalchemy.event.listen(_engine(pg_url), "before_cursor_execute", keep)
        try:
            listed = store.list_pledges()
        finally:
            sqlalchemy.event.remove(_engine(pg_url), "before_cursor_execute", keep)
    assert listed == one_by_one
    assert [p.promises[0].id for p in listed] == [f"p-{n}-{pledge_dict()['promises'][0]['id']}" for n in range(5)]
    assert len(sent) == 2, sent
    dispose(pg_url)
