"""The store on both backends (round trips, atomic batches, versions, filters), and the GeoPackage file itself
(GDAL interoperability, bytes unchanged by a failed batch, migrations)."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import shutil
import sqlite3
import subprocess

import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point, box

from geodata.errors import NotFoundError, SchemaError, StoreError, ValidationError, VersionConflictError
from geodata.model import pledge_from_dict
from geodata.store import GeoPackageStore, LayerQuery, migrate
from geodata.store.gpkg import schema as gpkg_schema

from builders import KINNA, frame, operation, pledge_dict, site, unsafe_place


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_layer_round_trips_through_the_file(store):
    written = {
        "unsafe_places": frame(
            unsafe_place(pledge_id="test-2024"),
            unsafe_place(geometry=Point(*KINNA).buffer(0.0005), description=None, time_of_day=None, report_count=None),
        ),
        "inventoried_sites": frame(
            site(), site(status="flagged", inspected_on=None, due_on=None, check_lighting=None, check_access=None)
        ),
        "operations": frame(
            operation(), operation(geometry=Point(12.70, 57.51), visibility="public", persons_checked=None, focus=None)
        ),
    }
    for layer, records in written.items():
        ids = store.write_batch(layer, records)
        back = store.read_layer(layer)
        assert list(back["id"]) == ids
        assert back.crs.to_epsg() == 3006
        expected = records.to_crs(3006)
        for i in range(len(records)):
            assert back.geometry.iloc[i].equals_exact(expected.geometry.iloc[i], tolerance=1e-6)
        for column in records.columns.drop("geometry"):
            for got, want in zip(back[column], records[column]):
                if want is None or (isinstance(want, float) and pd.isna(want)):
                    assert pd.isna(got), (layer, column)
                elif column in ("starts_at", "ends_at"):
                    assert got.tz_convert("Europe/Stockholm").strftime("%Y-%m-%d %H:%M") == want
                elif column in ("reported_on", "inspected_on", "due_on"):
                    assert got.date().isoformat() == want
                else:
                    assert got == want, (layer, column)
        assert set(back["version"]) == {1} and not back["demo"].any()


def test_gdal_reads_the_layers_and_their_crs(gpkg_store):
    store = gpkg_store
    store.write_batch("unsafe_places", frame(unsafe_place()))
    layers = dict(pyogrio.list_layers(store.path))
    assert {"unsafe_places", "inventoried_sites", "operations", "pledges", "promises"} <= set(layers)
    for layer in ("unsafe_places", "inventoried_sites", "operations"):
        info = pyogrio.read_info(store.path, layer=layer)
        assert info["crs"] == "EPSG:3006"
    read = pyogrio.read_dataframe(store.path, layer="unsafe_places")
    assert read.loc[0, "category"] == "poor_lighting" and read.crs.to_epsg() == 3006
    promises = pyogrio.read_dataframe(store.path, layer="promises")
    assert sorted(promises["id"]) == ["test-2024-insatser", "test-2024-inventering"]


def test_ogrinfo_reads_the_file(gpkg_store):
    store = gpkg_store
    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo is None:
        pytest.fail("ogrinfo is missing: install Debian's gdal-bin (scripts/dev.sh test does)")
    store.write_batch("operations", frame(operation()))
    out = subprocess.run([ogrinfo, "-so", "-al", str(store.path)], capture_output=True, text=True, check=True)
    assert "Layer name: operations" in out.stdout and "Layer name: unsafe_places" in out.stdout
    assert 'ID["EPSG",3006]' in out.stdout
    assert "Feature Count: 1" in out.stdout
    assert "Warning" not in out.stderr and "ERROR" not in out.stderr
    check = subprocess.run(
        [ogrinfo, "-sql", "SELECT count(*) AS n FROM rtree_operations_geom", str(store.path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "n (Integer) = 1" in check.stdout  # the spatial index is kept by our triggers


def test_a_batch_with_one_bad_record_leaves_the_file_byte_for_byte_unchanged(gpkg_store):
    store = gpkg_store
    store.write_batch("unsafe_places", frame(unsafe_place()))
    before = digest(store.path)
    bad = frame(*[unsafe_place() for _ in range(50)], unsafe_place(category="okänd"))
    with pytest.raises(ValidationError, match="unsafe_places record 51, field 'category'"):
        store.write_batch("unsafe_places", bad)
    assert digest(store.path) == before
    assert store.counts()["unsafe_places"] == 1


def test_a_batch_failing_inside_the_database_is_rolled_back(gpkg_store):
    store = gpkg_store
    [existing] = store.write_batch("unsafe_places", frame(unsafe_place()))
    before = digest(store.path)
    # Valid records, one of which reuses a stored id: caught while the transaction is open.
    with pytest.raises(ValidationError, match="is already stored"):
        store.write_batch("unsafe_places", frame(unsafe_place(), unsafe_place(id=existing)))
    assert digest(store.path) == before


def test_a_sqlite_error_mid_batch_rolls_back(gpkg_store, monkeypatch):
    store = gpkg_store
    store.write_batch("unsafe_places", frame(unsafe_place()))
    before = digest(store.path)
    store._conn.execute(
        "CREATE TEMP TRIGGER fail_third BEFORE INSERT ON main.unsafe_places "
        "WHEN (SELECT count(*) FROM main.unsafe_places) >= 3 BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    with pytest.raises(sqlite3.IntegrityError, match="disk full"):
        store.write_batch("unsafe_places", frame(*[unsafe_place() for _ in range(5)]))
    store._conn.execute("DROP TRIGGER temp.fail_third")
    assert digest(store.path) == before
    assert store.counts()["unsafe_places"] == 1


def test_update_with_expected_version_and_conflict(store):
    [record_id] = store.write_batch("inventoried_sites", frame(site()))
    updated = store.update_record("inventoried_sites", record_id, {"status": "fixed"}, expected_version=1)
    assert (updated["status"], updated["version"]) == ("fixed", 2)
    assert updated["updated_at"] >= updated["created_at"]
    with pytest.raises(VersionConflictError) as info:
        store.update_record("inventoried_sites", record_id, {"status": "verified"}, expected_version=1)
    assert (info.value.expected, info.value.current) == (1, 2)
    assert store.read_layer("inventoried_sites")["status"].tolist() == ["fixed"]


def test_update_is_validated_and_moves_geometry(store):
    [record_id] = store.write_batch("operations", frame(operation()))
    before = store.dump_tables()
    with pytest.raises(ValidationError, match="field 'ends_at'"):
        store.update_record("operations", record_id, {"ends_at": "2024-05-09 10:00"}, expected_version=1)
    assert store.dump_tables() == before
    moved = store.update_record("operations", record_id, {"geometry": Point(361845, 6376282)}, expected_version=1)
    assert moved["geometry"].equals(Point(361845, 6376282))
    assert len(store.read_layer("operations", LayerQuery(bbox=(361800, 6376200, 361900, 6376300)))) == 1
    with pytest.raises(NotFoundError):
        store.update_record("operations", "00000000-0000-0000-0000-000000000000", {}, expected_version=1)
    with pytest.raises(ValidationError, match="field 'version': is set by the store"):
        store.update_record("operations", record_id, {"version": 7}, expected_version=2)


def test_filters(store):
    store.write_batch(
        "operations",
        frame(
            operation(starts_at="2024-02-01 10:00", ends_at="2024-02-01 12:00"),
            operation(starts_at="2024-06-01 23:30", ends_at="2024-06-02 01:00", geometry=Point(12.0138, 57.6554)),
            operation(starts_at="2024-09-01 10:00", ends_at="2024-09-01 12:00", promise_id=None),
        ),
    )
    count = lambda **q: len(store.read_layer("operations", LayerQuery(**q)))  # noqa: E731
    assert count() == 3
    assert count(pledge_id="test-2024") == 2
    assert count(promise_id="test-2024-insatser") == 2
    assert count(start=dt.date(2024, 6, 2)) == 2  # overlaps the range: the night operation ends on 2 June
    assert count(start=dt.date(2024, 3, 1), end=dt.date(2024, 6, 1)) == 1
    assert count(bbox=box(*Point(321830, 6394270).buffer(2000).bounds).bounds) == 1  # Mölndal only
    assert count(pledge_id="test-2024", end=dt.date(2024, 1, 31)) == 0
    assert store.counts("test-2024")["operations"] == 2


def test_limit_and_offset_read_one_page_in_a_stable_order(store):
    ids = store.write_batch("unsafe_places", frame(*[unsafe_place(source_id=f"p{i}") for i in range(7)]))
    store.write_batch("unsafe_places", frame(unsafe_place(category="vandalism")))
    page = lambda **q: list(store.read_layer("unsafe_places", LayerQuery(**q))["id"])  # noqa: E731
    assert page(limit=3) == ids[:3]
    assert page(limit=3, offset=3) == ids[3:6]
    assert page(offset=6, values=(("category", ("poor_lighting",)),)) == ids[6:]  # the page applies after the filter
    assert page(limit=0) == [] and page(limit=5, offset=100) == []
    assert sum((page(limit=2, offset=n) for n in range(0, 8, 2)), []) == page()  # pages neither overlap nor skip
    assert store.count("unsafe_places", LayerQuery(limit=2, offset=1)) == 8  # count ignores paging
    with pytest.raises(ValueError, match="offset is -1"):
        LayerQuery(offset=-1)
    with pytest.raises(ValueError, match="limit is -2"):
        LayerQuery(limit=-2)


def _write_batches(path, worker, batches):
    with GeoPackageStore.open(path) as s:
        for n in range(batches):
            s.write_batch("unsafe_places", frame(*[unsafe_place(source_id=f"w{worker}-{n}-{i}") for i in range(20)]))


def test_concurrent_writers_do_not_corrupt_the_file(gpkg_store):
    store = gpkg_store
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_batches, args=(store.path, w, 10)) for w in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    assert store.counts()["unsafe_places"] == 3 * 10 * 20
    assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(set(store.read_layer("unsafe_places")["source_id"])) == 600


def test_saving_a_pledge_that_drops_a_promise_with_records_is_refused(store):
    store.write_batch("operations", frame(operation()))
    data = pledge_dict()
    data["promises"] = data["promises"][1:]
    with pytest.raises(ValidationError, match="'test-2024-insatser' would be removed, but operations records link"):
        store.save_pledge(pledge_from_dict(data))
    assert len(store.get_pledge("test-2024").promises) == 2
    data["title"] = "Nytt namn"
    store.save_pledge(pledge_from_dict(pledge_dict(title="Nytt namn")))
    assert store.get_pledge("test-2024").title == "Nytt namn"


def test_pledge_with_unknown_kommun_code_is_refused(store):
    with pytest.raises(ValidationError, match="no municipality has kommun code '9999'"):
        store.save_pledge(
            pledge_from_dict(pledge_dict(id="x-2024", municipality={"name": "X", "code": "9999"}, promises=[]))
        )


def test_open_refuses_missing_foreign_and_newer_files(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        GeoPackageStore.open(tmp_path / "none.gpkg")
    (tmp_path / "text.gpkg").write_text("not a database")
    with pytest.raises(StoreError, match="not a GeoPackage/SQLite file"):
        GeoPackageStore.open(tmp_path / "text.gpkg")
    other = tmp_path / "other.gpkg"
    sqlite3.connect(other).execute("CREATE TABLE t (x)")
    with pytest.raises(SchemaError, match="not a Pledgemap store"):
        GeoPackageStore.open(other)
    newer = tmp_path / "newer.gpkg"
    GeoPackageStore.create(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE pledgemap_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(SchemaError, match="schema version 99, newer than this Pledgemap"):
        GeoPackageStore.open(newer)


def _v2_add_note(conn):
    conn.execute('ALTER TABLE "unsafe_places" ADD COLUMN "note" TEXT')


def test_migration_from_an_older_version(tmp_path, monkeypatch):
    path = tmp_path / "old.gpkg"
    with GeoPackageStore.create(path) as s:
        s.save_pledge(pledge_from_dict(pledge_dict()))
        s.write_batch("unsafe_places", frame(unsafe_place()))
    now = gpkg_schema.latest_version()
    monkeypatch.setattr(
        gpkg_schema,
        "MIGRATIONS",
        [*gpkg_schema.MIGRATIONS, gpkg_schema.Migration(now + 1, "a note column", _v2_add_note)],
    )
    with pytest.raises(SchemaError, match="Run 'pledgemap migrate"):
        GeoPackageStore.open(path)
    assert migrate(path) == (now, now + 1)
    with GeoPackageStore.open(path) as s:
        assert s.schema_version() == now + 1
        assert s.counts()["unsafe_places"] == 1
    assert migrate(path) == (now + 1, now + 1)


def test_a_version_1_store_gets_the_source_id_index(tmp_path, monkeypatch):
    path = tmp_path / "v1.gpkg"
    with monkeypatch.context() as patch:
        patch.setattr(gpkg_schema, "MIGRATIONS", gpkg_schema.MIGRATIONS[:1])
        GeoPackageStore.create(path).close()
    assert migrate(path) == (1, gpkg_schema.latest_version())
    with GeoPackageStore.open(path) as s:
        s.write_batch("unsafe_places", frame(unsafe_place(source_id="walk-1")))
    with sqlite3.connect(path) as conn:
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"unsafe_places_source_id", "inventoried_sites_source_id", "operations_source_id"} <= indexes
    with GeoPackageStore.open(path) as s:
        assert s.known_sources("unsafe_places", ["walk-1", "walk-2"]) == {"walk-1"}


def test_a_failing_migration_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "v1.gpkg"
    GeoPackageStore.create(path).close()
    before = digest(path)

    def broken(conn):
        conn.execute('ALTER TABLE "unsafe_places" ADD COLUMN "note" TEXT')
        conn.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(
        gpkg_schema,
        "MIGRATIONS",
        [*gpkg_schema.MIGRATIONS, gpkg_schema.Migration(gpkg_schema.latest_version() + 1, "broken", broken)],
    )
    with pytest.raises(StoreError, match="cannot migrate"):
        migrate(path)
    assert digest(path) == before


def test_create_refuses_to_overwrite(gpkg_store):
    store = gpkg_store
    with pytest.raises(StoreError, match="already exists"):
        GeoPackageStore.create(store.path)


def test_extent_counts_and_bounds_without_reading(store):
    from geodata.store import LayerExtent

    assert store.extent("operations") == LayerExtent(0, 0, None)
    store.write_batch(
        "operations",
        frame(
            operation(visibility="public", demo=True),
            operation(starts_at="2024-06-01 09:00", ends_at="2024-06-02 11:00"),
        ),
    )
    everything = store.extent("operations")
    records = store.read_layer("operations")
    assert (everything.count, everything.demo) == (2, 1)
    # SQLite's R*Tree keeps 32-bit floats rounded outwards: the box holds every record, within a metre.
    minx, miny, maxx, maxy = records.total_bounds
    assert everything.bbox[0] <= minx and everything.bbox[1] <= miny
    assert everything.bbox[2] >= maxx and everything.bbox[3] >= maxy
    assert everything.bbox == pytest.approx((minx, miny, maxx, maxy), abs=1.0)
    assert everything.first == records["starts_at"].min() and everything.last == records["ends_at"].max()
    public = store.extent("operations", LayerQuery.build({"visibility": ["public"]}))
    assert (public.count, public.demo, public.last.day) == (1, 1, 10)


def test_grid_counts_in_the_store_match_counting_the_records(store):
    import numpy as np

    from geodata.grid import grid_counts

    rng = np.random.default_rng(4)
    places = [
        unsafe_place(
            geometry=Point(12.60 + dx, 57.45 + dy),
            report_count=int(n) if n else None,
            category="vandalism" if dx > 0.1 else "drug_use",
        )
        for dx, dy, n in zip(rng.uniform(0, 0.2, 300), rng.uniform(0, 0.1, 300), rng.integers(0, 4, 300))
    ]
    store.write_batch("unsafe_places", frame(*places))
    query = LayerQuery(values=(("category", ("vandalism",)),))
    for cell, weight in ((500.0, None), (2000.0, "report_count")):
        counted = store.grid_counts("unsafe_places", query, cell, weight)
        expected = grid_counts(store.read_layer("unsafe_places", query), cell, weight)
        order = np.lexsort((counted.y, counted.x))
        wanted = np.lexsort((expected.y, expected.x))
        assert counted.x[order].tolist() == expected.x[wanted].tolist()
        assert counted.count[order].tolist() == expected.count[wanted].tolist()
        np.testing.assert_allclose(counted.lon[order], expected.lon[wanted])
    with pytest.raises(ValueError, match="no field"):
        store.grid_counts("unsafe_places", None, 500.0, "nonsense")


def test_records_added_or_moved_by_another_program_are_counted_where_they_are(gpkg_store):
    import numpy as np

    from geodata.store.gpkg import format as gpkg_format

    store = gpkg_store
    ids = store.write_batch("unsafe_places", frame(unsafe_place(), unsafe_place()))
    moved = Point(362500, 6382500)
    blob = gpkg_format.encode(np.array([moved], dtype=object), 3006)[0]
    # As QGIS would (with GeoPackage's SQL functions, as GDAL registers them): the geometry changes, the store's
    # own point columns are not touched.
    with sqlite3.connect(store.path) as conn:
        gpkg_format.register_functions(conn)
        conn.execute("UPDATE unsafe_places SET geom = ? WHERE id = ?", (blob, ids[0]))
        conn.execute(
            "INSERT INTO unsafe_places (geom, id, version, created_at, updated_at, demo, reported_on, source, "
            "category, pledge_id) SELECT geom, 'from-qgis', 1, created_at, updated_at, 0, reported_on, source, "
            "category, pledge_id FROM unsafe_places WHERE id = ?",
            (ids[1],),
        )
    grid = store.grid_counts("unsafe_places", LayerQuery(), 1000.0)
    assert int(grid.count.sum()) == 3
    assert (362500.0 in grid.x) and int(grid.count[list(grid.x).index(362500.0)]) == 1


def test_target_per_is_stored_and_read_back(store):
    data = pledge_dict()
    data["promises"][0].update(target=2, target_per="month")
    store.save_pledge(pledge_from_dict(data))
    first, second = store.get_pledge(data["id"]).promises
    assert (first.target, first.target_per) == (2, "month")
    assert second.target_per is None


def test_a_store_from_before_target_per_gets_the_column_once(tmp_path, monkeypatch):
    path = tmp_path / "v10.gpkg"
    with monkeypatch.context() as patch:
        patch.setattr(gpkg_schema, "MIGRATIONS", [m for m in gpkg_schema.MIGRATIONS if m.version <= 10])
        with GeoPackageStore.create(path) as s:
            before = s.schema_version()
    with sqlite3.connect(path) as conn:
        assert "target_per" not in {r[1] for r in conn.execute("PRAGMA table_info(promises)")}
    assert migrate(path) == (before, gpkg_schema.latest_version())
    with sqlite3.connect(path) as conn:
        assert "target_per" in {r[1] for r in conn.execute("PRAGMA table_info(promises)")}
    with sqlite3.connect(path) as conn:  # run again on a file that has it: nothing to add, no error
        next(m for m in gpkg_schema.MIGRATIONS if m.version == 12).apply(conn)
    data = pledge_dict()
    data["promises"][0].update(target=900, target_unit="timmar", target_per="year")
    with GeoPackageStore.open(path) as s:
        s.save_pledge(pledge_from_dict(data))
        assert s.get_pledge(data["id"]).promises[0].target_per == "year"
