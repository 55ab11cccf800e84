"""Retention (gallring): each layer's period in the store's settings, a dry run, a run that deletes for good,
keeps the counts the follow-up needs, and is audited. On a GeoPackage file and on PostGIS."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from geodata import clock
from geodata.access import AccessError, GuardedStore, Viewer
from geodata.analysis.followup import promise_evidence
from geodata.errors import ValidationError, VersionConflictError
from geodata.followup import pledge_periods
from geodata.retention import (
    cutoff,
    parse_months,
    plan_retention,
    retention_settings,
    run_retention,
    set_retention,
    setting_key,
)
from geodata.store.base import LayerQuery
from geodata.views.progress import pledge_progress
from geodata.workflow import advance

from builders import frame, operation, site, unsafe_place

# A day the dated records of 2024 are due on under a period of 12 months (cut-off 2024-06-15) and later ones not.
MID_2025 = dt.date(2025, 6, 15)


def _ids(store, layer: str, deleted: bool = False) -> set[str]:
    return set(store.read_layer(layer, LayerQuery(deleted=deleted))["id"])


def _fill(store) -> dict[str, list[str]]:
    """Records on both sides of MID_2025's cut-off in the dated layers; an open and a verified site."""
    places = store.write_batch(
        "unsafe_places",
        frame(
            unsafe_place(reported_on="2024-03-05", pledge_id="test-2024"),
            unsafe_place(reported_on="2024-06-14", pledge_id="test-2024"),
            unsafe_place(reported_on="2024-06-15", pledge_id="test-2024"),  # the cut-off day itself is kept
            unsafe_place(reported_on="2024-09-01"),
        ),
    )
    operations = store.write_batch(
        "operations",
        frame(
            operation(),  # 2024-05-10: due
            operation(starts_at="2023-11-20 18:00", ends_at="2023-11-20 21:00"),  # outside the promise's period
            operation(starts_at="2024-06-14 22:00", ends_at="2024-06-15 01:00"),  # ended on the cut-off day: kept
            operation(starts_at="2024-10-01 18:00", ends_at="2024-10-01 20:00", visibility="public"),
            operation(kind="presence_patrol", visibility="public"),  # linked, not of the promise's kinds: due
        ),
    )
    sites = store.write_batch("inventoried_sites", frame(site(), site(address="Storgatan 2, Kinna")))
    closed = sites[1]
    step = advance(store, closed, "fixed", {"fixed_on": "2024-05-01"}, 1)
    advance(store, closed, "verified", {"verified_on": "2024-05-20"}, step["version"])
    return {"unsafe_places": places, "operations": operations, "inventoried_sites": sites}


def _figures(store) -> list[tuple]:
    """Every figure of the test pledge's promises: progress as of its end, and each follow-up period's evidence."""
    pledge = store.get_pledge("test-2024")
    progress = [
        (p.delivered, p.outside_period, p.status) for p in pledge_progress(store, pledge, dt.date(2024, 12, 31))
    ]
    evidence = [
        promise_evidence(store, pledge, promise, period)
        for promise in pledge.promises
        for period in pledge_periods(pledge)
    ]
    return [*progress, *evidence]


def _set_all(store, months: int | str | None) -> None:
    for layer in ("unsafe_places", "inventoried_sites", "operations"):
        set_retention(store, layer, months)


def test_nothing_is_due_without_a_period_set(store):
    _fill(store)
    assert retention_settings(store) == {"unsafe_places": None, "inventoried_sites": None, "operations": None}
    plan = plan_retention(store, dt.date(2100, 1, 1))
    assert plan.records == () and plan.cutoffs == {}
    run = run_retention(store, dt.date(2100, 1, 1))
    assert run.total == 0 and not [e for e in store.read_audit() if e.action == "retention"]


def test_a_dry_run_lists_exactly_what_a_run_deletes(store):
    written = _fill(store)
    _set_all(store, 12)
    plan = plan_retention(store, MID_2025)
    assert plan.cutoffs["unsafe_places"] == dt.date(2024, 6, 15)
    planned = {(r.layer, r.id) for r in plan.records}
    places, operations = written["unsafe_places"], written["operations"]
    assert planned == {
        ("unsafe_places", places[0]),
        ("unsafe_places", places[1]),
        ("operations", operations[0]),
        ("operations", operations[1]),
        ("operations", operations[4]),
    }
    assert [r.day for r in plan.records if r.layer == "unsafe_places"] == [dt.date(2024, 3, 5), dt.date(2024, 6, 14)]
    assert {r.pledge_id for r in plan.records} == {"test-2024"}
    before = {layer: _ids(store, layer) for layer in written}
    assert plan_retention(store, MID_2025) == plan  # a dry run changes nothing: the same answer again
    assert {layer: _ids(store, layer) for layer in written} == before

    run = run_retention(store, MID_2025)
    assert {(layer, i) for layer, ids in run.deleted.items() for i in ids} == planned
    for layer, ids in before.items():
        gone = {i for kind, i in planned if kind == layer}
        assert _ids(store, layer) == ids - gone
        assert not _ids(store, layer, deleted=True) & gone  # deleted for good, not soft-deleted


def test_a_run_is_one_audit_entry_with_who_what_and_the_settings(store):
    _fill(store)
    _set_all(store, 12)
    set_retention(store, "inventoried_sites", None)
    admin = GuardedStore(store, Viewer("admin", "greta"))
    run = run_retention(admin, MID_2025)
    [entry] = [e for e in store.read_audit() if e.action == "retention"]
    assert entry.actor == "greta" and entry.layer is None and entry.record_id is None
    assert abs(entry.at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    after = entry.after
    assert after["months"] == {"unsafe_places": 12, "inventoried_sites": None, "operations": 12}
    assert after["cutoffs"] == {"unsafe_places": "2024-06-15", "operations": "2024-06-15"}
    assert after["today"] == "2025-06-15"
    assert after["deleted"] == {"unsafe_places": 2, "operations": 3}
    assert after["ids"] == {layer: sorted(ids) for layer, ids in run.deleted.items()}
    assert after["kept_in_counts"] == {"unsafe_places": 2, "operations": 3}


def test_open_sites_are_kept_and_closed_ones_go_after_their_last_change(store):
    written = _fill(store)
    open_site, closed_site = written["inventoried_sites"]
    set_retention(store, "inventoried_sites", 24)
    assert plan_retention(store, clock.today()).records == ()  # changed today: not due for 24 months
    later = clock.today() + dt.timedelta(days=3 * 366)
    plan = plan_retention(store, later)
    assert [(r.layer, r.id) for r in plan.records] == [("inventoried_sites", closed_site)]
    run_retention(store, later)
    assert _ids(store, "inventoried_sites") == {open_site}  # still open in the workflow, however old


def test_soft_deleted_records_are_deleted_for_good_and_not_counted(store):
    written = _fill(store)
    first = written["unsafe_places"][0]
    store.delete_record("unsafe_places", first, 1)
    set_retention(store, "unsafe_places", 12)
    plan = plan_retention(store, MID_2025)
    assert [(r.id, r.deleted) for r in plan.records if r.id == first] == [(first, True)]
    run_retention(store, MID_2025)
    assert first not in _ids(store, "unsafe_places", deleted=True)
    assert store.kept_count("unsafe_places", LayerQuery(pledge_id="test-2024")) == 1  # the other one due


def test_kept_counts_keep_every_figure_of_the_promises(store):
    _fill(store)
    before = _figures(store)
    assert before[0][:2] == (3, 1)  # three targeted operations in 2024 (one across midnight), one from 2023
    _set_all(store, 12)
    run = run_retention(store, MID_2025)
    assert run.deleted["operations"]
    assert _figures(store) == before
    later = clock.today() + dt.timedelta(days=3 * 366)  # everything dated goes, and the verified site
    run_retention(store, later)
    assert store.count("operations") == 0
    assert _figures(store) == before
    # The counts keep the pledge and the kind too, as the records' queries ask for them.
    assert store.kept_count("unsafe_places", LayerQuery(pledge_id="test-2024")) == 3
    assert store.kept_count("operations", LayerQuery(pledge_id="test-2024")) == 5
    kinds = LayerQuery.build({"kind": ["presence_patrol"]}, promise_id="test-2024-insatser")
    assert store.kept_count("operations", kinds) == 1
    with pytest.raises(ValueError, match="places, ids"):
        store.kept_count("operations", LayerQuery(bbox=(0, 0, 1, 1)))


def test_a_second_run_deletes_nothing(store):
    _fill(store)
    _set_all(store, 12)
    first = run_retention(store, MID_2025)
    assert first.total == 5
    figures = _figures(store)
    second = run_retention(store, MID_2025)
    assert second.total == 0 and second.plan.records == ()
    assert _figures(store) == figures
    entries = [e for e in store.read_audit() if e.action == "retention"]
    assert [sum(e.after["deleted"].values()) for e in entries] == [5, 0]


def test_a_record_changed_after_the_plan_stops_the_run_with_nothing_deleted(store):
    written = _fill(store)
    set_retention(store, "unsafe_places", 12)
    plan = plan_retention(store, MID_2025)
    first = written["unsafe_places"][0]
    store.update_record("unsafe_places", first, {"description": "Ändrad"}, 1)
    records = {"unsafe_places": {r.id: r.version for r in plan.records}}
    with pytest.raises(VersionConflictError):
        store.purge_records(records, plan.details)
    assert first in _ids(store, "unsafe_places")
    assert store.kept_count("unsafe_places") == 0
    assert not [e for e in store.read_audit() if e.action == "retention"]


def test_only_an_admin_runs_retention_or_sets_its_periods(store):
    _fill(store)
    set_retention(store, "unsafe_places", 12)
    police = GuardedStore(store, Viewer("police", "per"))
    with pytest.raises(AccessError, match="only an admin"):
        run_retention(police, MID_2025)
    with pytest.raises(AccessError, match="only an admin"):
        set_retention(police, "operations", 12)
    assert store.count("unsafe_places") == 4
    public = GuardedStore(store, Viewer("public"))
    with pytest.raises(AccessError):
        public.kept_count("unsafe_places")


@pytest.mark.parametrize("value", ["-3", "0", "tre", "1.5", "1201", "12 månader"])
def test_a_period_that_is_not_whole_months_names_the_setting(store, value):
    with pytest.raises(ValidationError) as caught:
        set_retention(store, "operations", value)
    [problem] = caught.value.problems
    assert problem.field == "retention.operations" and problem.code == "retention_months"
    assert "expected whole months from 1 to 1200" in problem.message
    assert store.read_setting(setting_key("operations")) is None


def test_a_period_stored_wrong_by_hand_is_the_same_error(store):
    store.write_setting("retention.unsafe_places", "sex")
    with pytest.raises(ValidationError, match="retention.unsafe_places"):
        plan_retention(store, MID_2025)


def test_periods_and_keeping():
    assert parse_months("unsafe_places", " 36 ") == 36
    assert parse_months("unsafe_places", "Ingen") is None and parse_months("unsafe_places", "") is None
    assert cutoff(dt.date(2024, 2, 29), 12) == dt.date(2023, 2, 28)
    assert cutoff(dt.date(2026, 1, 15), 1) == dt.date(2025, 12, 15)


def test_setting_a_period_is_audited(store):
    set_retention(store, "operations", "60")
    set_retention(store, "operations", "ingen")
    changes = [(e.before, e.after) for e in store.read_audit() if e.record_id == "retention.operations"]
    assert changes == [({"value": None}, {"value": "60"}), ({"value": "60"}, {"value": None})]


def test_the_command_sets_lists_and_deletes_swedish_first(gpkg_store, capsys):
    from dashboard.cli import main

    written = _fill(gpkg_store)
    path = str(gpkg_store.path)
    assert main(["retention", "--data", path, "--set", "unsafe_places=tolv"]) == 1
    err = capsys.readouterr().err
    assert "Gallringstid för Otrygga platser (retention.unsafe_places)" in err
    assert "”tolv” är ingen gallringstid; ange hela månader från 1 till 1\u00a0200" in err
    assert main(["retention", "--data", path, "--set", "unsafe_places=12", "--set", "operations=12"]) == 0
    assert "Gallringstiden för Otrygga platser är nu: 12 månader." in capsys.readouterr().out
    assert main(["retention", "--data", path, "--show", "--today", "2025-06-15"]) == 0
    shown = capsys.readouterr().out
    assert "Otrygga platser: 12 månader – gallras om daterad före 2024-06-15" in shown
    assert "Inventerade platser: behålls (ingen gallringstid satt)" in shown

    assert main(["retention", "--data", path, "--dry-run", "--today", "2025-06-15"]) == 0
    out = capsys.readouterr().out
    assert "En gallring skulle ta bort 5 poster för gott:" in out and "Otrygga platser: 2 poster" in out
    assert re.search(rf"{written['unsafe_places'][0]}\s+Otrygga platser\s+2024-03-05\s+test-2024", out)
    assert "Torrkörning: ingenting togs bort." in out
    assert gpkg_store.count("unsafe_places") == 4

    assert main(["retention", "--data", path, "--today", "2025-06-15", "--lang", "en"]) == 0
    assert "Deleted 5 records for good." in capsys.readouterr().out
    assert gpkg_store.count("unsafe_places") == 2 and gpkg_store.count("operations") == 2
    assert main(["retention", "--data", path, "--set", "operations"]) == 1
    assert "”operations” ska skrivas LAGER=MÅNADER" in capsys.readouterr().err


def test_the_kept_counts_travel_with_a_whole_store_copy(store, tmp_path):
    from geodata.store import GeoPackageStore, copy_store

    _fill(store)
    _set_all(store, 12)
    before = _figures(store)
    run_retention(store, MID_2025)
    with GeoPackageStore.create(tmp_path / "copy.gpkg") as copied:
        assert copy_store(store, copied)["kept_counts"] > 0
        assert _figures(copied) == before
        assert retention_settings(copied)["operations"] == 12


def test_a_store_from_before_retention_is_given_the_kept_counts(tmp_path, monkeypatch):
    import sqlite3

    from geodata.model import pledge_from_dict
    from geodata.store import GeoPackageStore, migrate
    from geodata.store.gpkg import schema as gpkg_schema

    from builders import pledge_dict

    path = tmp_path / "v14.gpkg"
    with monkeypatch.context() as old:
        old.setattr(gpkg_schema, "MIGRATIONS", [m for m in gpkg_schema.MIGRATIONS if m.version <= 14])
        with GeoPackageStore.create(path) as s:
            s.save_pledge(pledge_from_dict(pledge_dict()))
    assert migrate(path) == (14, gpkg_schema.latest_version())
    with GeoPackageStore.open(path) as s:
        _fill(s)
        _set_all(s, 12)
        before = _figures(s)
        assert run_retention(s, MID_2025).total == 5
        assert _figures(s) == before
    with sqlite3.connect(path) as conn:  # listed as a GeoPackage attribute table, so QGIS shows it
        listed = {r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'attributes'")}
    assert "kept_counts" in listed


def test_a_database_from_before_retention_is_given_the_kept_counts(pg_server, monkeypatch):
    import psycopg
    from conftest import _databases

    from geodata.model import pledge_from_dict
    from geodata.store import migrate, open_store
    from geodata.store.postgis import schema as postgis_schema
    from geodata.store.postgis.store import dispose

    from builders import pledge_dict

    name = f"v6_{next(_databases)}_retention"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = pg_server.rsplit("/", 1)[0] + f"/{name}"
    try:
        with monkeypatch.context() as old:
            old.setattr(postgis_schema, "MIGRATIONS", [m for m in postgis_schema.MIGRATIONS if m.version <= 6])
            assert migrate(url) == (0, 6)
        dispose(url)
        with psycopg.connect(url, autocommit=True) as conn:  # as a database made before retention has it
            conn.execute("DROP TABLE kept_counts")
        assert migrate(url) == (6, postgis_schema.latest_version())
        with open_store(url) as s:
            s.save_pledge(pledge_from_dict(pledge_dict()))
            _fill(s)
            _set_all(s, 12)
            before = _figures(s)
            assert run_retention(s, MID_2025).total == 5
            assert _figures(s) == before
    finally:
        dispose(url)
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_deleted_records_values_leave_the_audit_log_too(store):
    from builders import raw_execute, snapshot

    [secret, kept] = store.write_batch(
        "unsafe_places",
        frame(
            unsafe_place(description="Anna Andersson 070-1234567 bor här"),
            unsafe_place(reported_on="2024-09-01", description="Kvar"),
        ),
    )
    store.update_record("unsafe_places", secret, {"description": "Anna Andersson, 070-1234567"}, 1)
    set_retention(store, "unsafe_places", 12)
    run_retention(store, MID_2025)
    history = store.read_audit("unsafe_places", secret)
    assert [(e.action, e.before, e.after) for e in history] == [
        ("create", None, {"redacted": "retention"}),
        ("edit", {"redacted": "retention"}, {"redacted": "retention"}),
    ]
    assert store.read_audit("unsafe_places", kept)[0].after["description"] == "Kvar"  # others keep theirs
    if hasattr(store, "path"):  # not in the file's bytes either: freed space is zeroed, the -wal file copied in
        snapshot(store)
        stored = store.path.read_bytes()
        assert b"070-1234567" not in stored and b"Andersson" not in stored
    else:
        assert "070-1234567" not in str(snapshot(store))  # in no table of the database
    # Still append-only for everyone else: the marker is only ever in the run's own transaction.
    with pytest.raises(Exception, match="cannot be changed"):
        raw_execute(store, "UPDATE audit_log SET after = NULL WHERE action = 'retention'")
    with pytest.raises(Exception, match="cannot be changed"):
        raw_execute(store, "DELETE FROM audit_log")


def test_a_promise_whose_progress_counts_deleted_records_stays(store):
    from dataclasses import replace

    _fill(store)
    set_retention(store, "operations", 12)
    run_retention(store, clock.today() + dt.timedelta(days=3 * 366))  # every operation goes
    assert store.count("operations") == 0
    pledge = store.get_pledge("test-2024")
    without = replace(pledge, promises=tuple(p for p in pledge.promises if p.id != "test-2024-insatser"))
    with pytest.raises(ValidationError) as caught:
        store.save_pledge(without)
    assert [p.code for p in caught.value.problems] == ["counted_promise"]
    assert store.get_pledge("test-2024") == pledge


def test_the_timeline_shows_what_was_deleted_as_counts(store):
    from dashboard.components.map_tables import timeline_table
    from dashboard.figures.timeline import timeline_figure
    from dashboard.i18n import translator
    from geodata.views.timeline import pledge_timeline

    _fill(store)
    pledge = store.get_pledge("test-2024")
    [before, _] = pledge_timeline(store, pledge)
    assert len(before.events) == 3 and before.kept == ()  # 2023's is outside the period; a patrol is no kind of it
    _set_all(store, 12)
    run_retention(store, MID_2025)
    [operations, _] = pledge_timeline(store, pledge)
    # Two targeted operations are left; the deleted one of 2024-05-10 is a count on its day.
    assert [e.when.date() for e in operations.events] == [dt.date(2024, 6, 14), dt.date(2024, 10, 1)]
    assert [(k.when.date(), k.kind, k.count) for k in operations.kept] == [
        (dt.date(2024, 5, 10), "targeted_drug_operation", 1)
    ]
    t = translator("sv")
    progress = pledge_progress(store, pledge, dt.date(2024, 12, 31))
    figure = timeline_figure(pledge_timeline(store, pledge), progress, t, dt.date(2024, 12, 31))
    [kept] = [trace for trace in figure.data if (trace.meta or {}).get("role") == "kept"]
    assert list(kept.text) == ["1 gallrad registrering, 2024-05-10"]
    table = str(timeline_table(pledge_timeline(store, pledge), progress, t))
    assert "1 gallrad registrering, 2024-05-10" in table
    # A role whose reads of operations are narrowed (to public ones) sees no counts of internal ones.
    public_only = GuardedStore(store, Viewer("municipality", "mona"))
    assert pledge_timeline(public_only, pledge)[0].kept == ()
