"""Follow-up: periods of a pledge, judgements saved with every version, who may judge, what the figures propose."""

from __future__ import annotations

import datetime as dt

import pytest

from geodata.access import GuardedStore
from geodata.access.rules import PUBLIC_VIEWER, AccessError, Viewer, may_judge
from geodata.analysis.followup import NOT_JUDGED, pledge_follow_up
from geodata.errors import ValidationError, VersionConflictError
from geodata.followup import Judgement, StoredDocument, find_period, periods_between, pledge_periods
from geodata.model import pledge_from_dict

from builders import frame, operation, pledge_dict, snapshot


def judgement(**changes) -> Judgement:
    values = dict(
        pledge_id="test-2024",
        subject="promise",
        subject_id="test-2024-insatser",
        period="2024-T1",
        status="started",
        text="Två insatser genomförda, två planerade.",
        evidence={"in_period": 2},
    )
    values.update(changes)
    return Judgement(**values)


def test_periods_follow_the_calendar_cut_to_the_pledge():
    periods = periods_between(dt.date(2021, 3, 15), dt.date(2022, 2, 28), "tertial")
    assert [(p.code, p.start, p.end) for p in periods] == [
        ("2021-T1", dt.date(2021, 3, 15), dt.date(2021, 4, 30)),
        ("2021-T2", dt.date(2021, 5, 1), dt.date(2021, 8, 31)),
        ("2021-T3", dt.date(2021, 9, 1), dt.date(2021, 12, 31)),
        ("2022-T1", dt.date(2022, 1, 1), dt.date(2022, 2, 28)),
    ]
    assert [p.code for p in periods_between(dt.date(2024, 1, 1), dt.date(2024, 12, 31), "quarter")] == [
        "2024-Q1",
        "2024-Q2",
        "2024-Q3",
        "2024-Q4",
    ]
    assert [p.code for p in periods_between(dt.date(2024, 1, 1), dt.date(2025, 12, 31), "year")] == ["2024", "2025"]


def test_a_pledge_names_its_cadence_and_refuses_an_unknown_one():
    pledge = pledge_from_dict(pledge_dict(follow_up_period="half_year"))
    assert [p.code for p in pledge_periods(pledge)] == ["2024-H1", "2024-H2"]
    assert pledge.to_dict()["follow_up_period"] == "half_year"
    assert pledge_from_dict(pledge.to_dict()) == pledge
    assert pledge_from_dict(pledge_dict()).cadence == "tertial"
    with pytest.raises(ValidationError) as caught:
        pledge_from_dict(pledge_dict(follow_up_period="monthly"))
    assert "follow_up_period" in str(caught.value) and "tertial" in str(caught.value)
    with pytest.raises(ValueError, match="2024-T1, 2024-T2, 2024-T3"):
        find_period(pledge_from_dict(pledge_dict()), "2024-T4")


def test_every_save_is_a_new_version_kept_and_audited(store):
    first = store.save_judgement(judgement(), 0, actor="kim")
    assert (first.version, first.judged_by) == (1, "kim") and first.judged_at is not None
    second = store.save_judgement(judgement(status="done", text="Fyra av fyra."), 1, actor="ali")
    assert second.version == 2
    history = store.read_judgements("test-2024")
    assert [(j.version, j.status, j.judged_by) for j in history] == [(1, "started", "kim"), (2, "done", "ali")]
    assert history[0].evidence == {"in_period": 2}
    entries = [e for e in store.read_audit() if e.action == "judgement"]
    assert [e.after["status"] for e in entries] == ["started", "done"]
    assert entries[1].before == {"version": 1} and entries[1].actor == "ali"


def test_a_judgement_saved_meanwhile_is_a_conflict_and_nothing_is_stored(store):
    store.save_judgement(judgement(), 0)
    before = snapshot(store)
    with pytest.raises(VersionConflictError):
        store.save_judgement(judgement(status="done"), 0)
    assert snapshot(store) == before


def test_a_bad_judgement_names_each_field_and_nothing_is_stored(store):
    before = snapshot(store)
    with pytest.raises(ValidationError) as caught:
        store.save_judgement(judgement(subject_id="no-such", period="2024-T9", status="achieved", text="a\x00b"), 0)
    fields = {p.field for p in caught.value.problems}
    assert fields == {"subject_id", "period", "status", "text"}
    assert "done, started, not_started, delayed, cancelled" in str(caught.value)
    assert snapshot(store) == before
    # A goal takes the goal statuses.
    saved = store.save_judgement(judgement(subject="goal", subject_id="trygghet", status="likely"), 0)
    assert saved.status == "likely"


def test_a_judged_promise_cannot_be_removed_from_its_pledge(store):
    store.save_judgement(judgement(), 0)
    data = pledge_dict()
    data["promises"] = data["promises"][1:]
    with pytest.raises(ValidationError, match="test-2024-insatser"):
        store.save_pledge(pledge_from_dict(data))
    store.save_pledge(pledge_from_dict(pledge_dict()))  # saved again whole: its judgements stay
    assert len(store.read_judgements("test-2024")) == 1


def test_who_may_judge_is_who_is_responsible(store):
    police = GuardedStore(store, Viewer("police", "pia"))
    municipality = GuardedStore(store, Viewer("municipality", "kim"))
    police.save_judgement(judgement(), 0)
    with pytest.raises(AccessError, match="responsible"):
        municipality.save_judgement(judgement(), 1)  # the police's promise alone
    municipality.save_judgement(judgement(subject_id="test-2024-inventering"), 0)  # shared with the police
    for viewer in (PUBLIC_VIEWER, Viewer("housing_company", "h", "MBAB")):
        with pytest.raises(AccessError):
            GuardedStore(store, viewer).save_judgement(judgement(subject_id="test-2024-inventering"), 1)
        with pytest.raises(AccessError):
            GuardedStore(store, viewer).save_judgement(judgement(subject="goal", subject_id="trygghet"), 0)
    assert [j.judged_by for j in store.read_judgements("test-2024")] == ["pia", "kim"]


def test_a_housing_company_judges_the_promises_it_is_responsible_for(store):
    data = pledge_dict()
    data["partners"].append({"id": "mbab", "name": "Marks Bostads AB", "kind": "housing_company", "short_name": "MBAB"})
    data["promises"].append(
        {"id": "test-2024-kallare", "text": "MBAB ser över källare", "parties": ["mbab"], "kind": "property_inspection"}
    )
    store.save_pledge(pledge_from_dict(data))
    company = GuardedStore(store, Viewer("housing_company", "hanna", "Marks Bostads AB"))
    company.save_judgement(judgement(subject_id="test-2024-kallare", status="done"), 0)
    with pytest.raises(AccessError):
        GuardedStore(store, Viewer("housing_company", "o", "Other AB")).save_judgement(
            judgement(subject_id="test-2024-kallare"), 1
        )


def test_the_public_reads_statuses_without_words_or_names(store):
    store.save_judgement(judgement(text="Ring Anna på 070-123 45 67", evidence={"in_period": 2, "note": "x"}), 0, "pia")
    public = GuardedStore(store, PUBLIC_VIEWER).read_judgements("test-2024")
    assert [(j.status, j.text, j.judged_by, j.evidence) for j in public] == [("started", "", None, {"in_period": 2})]
    police = GuardedStore(store, Viewer("police", "pia")).read_judgements("test-2024")
    assert police[0].text.startswith("Ring Anna")


def test_documents_keep_every_version_and_only_signatories_read_them(store):
    doc = StoredDocument("situation_report", "1463/2024", {"analysis": "Första utkastet"})
    kim = GuardedStore(store, Viewer("municipality", "kim"))
    assert kim.save_document(doc, 0).version == 1
    kim.save_document(StoredDocument("situation_report", "1463/2024", {"analysis": "Andra"}), 1)
    with pytest.raises(VersionConflictError):
        kim.save_document(doc, 1)
    versions = kim.read_documents("situation_report", "1463/2024")
    assert [(d.version, d.content["analysis"], d.saved_by) for d in versions] == [
        (1, "Första utkastet", "kim"),
        (2, "Andra", "kim"),
    ]
    for viewer in (PUBLIC_VIEWER, Viewer("housing_company", "h", "MBAB")):
        with pytest.raises(AccessError):
            GuardedStore(store, viewer).read_documents("situation_report")


def test_follow_up_proposes_from_the_records_and_marks_late_periods(store):
    pledge = store.get_pledge("test-2024")
    store.write_batches(
        {
            "operations": frame(
                operation(starts_at="2024-02-10 18:00", ends_at="2024-02-10 22:00"),
                operation(starts_at="2024-03-10 18:00", ends_at="2024-03-10 22:00"),
                operation(starts_at="2024-06-10 18:00", ends_at="2024-06-10 22:00"),
            )
        }
    )
    # On 15 June the first tertial is over and judged by nobody, and not yet a month late … by 15 June it is.
    state = pledge_follow_up(store, pledge, dt.date(2024, 6, 15))
    assert state.period.code == "2024-T1"
    insatser = state.subject("promise", "test-2024-insatser")
    assert insatser.proposal.evidence["in_period"] == 2 and insatser.proposal.evidence["to_date"] == 2
    # By 30 April a third of the year has passed: 2 of 4 is ahead of the 1.3 expected.
    assert (insatser.proposal.status, insatser.proposal.reason) == ("started", "on_track")
    assert [s.late for s in insatser.periods] == [True, False, False]
    assert state.summary() == {
        "done": 0,
        "started": 0,
        "not_started": 0,
        "delayed": 0,
        "cancelled": 0,
        NOT_JUDGED: 2,
    }

    store.save_judgement(judgement(period="2024-T1", status="started"), 0)
    state = pledge_follow_up(store, pledge, dt.date(2024, 6, 15))
    assert state.summary()["started"] == 1 and state.summary()[NOT_JUDGED] == 1
    assert state.subject("promise", "test-2024-insatser").periods[0].late is False
    assert state.subject("promise", "test-2024-insatser").latest.status == "started"
    # The running tertial, chosen: three records to date, one in it.
    running = pledge_follow_up(store, pledge, dt.date(2024, 6, 15), period="2024-T2")
    evidence = running.subject("promise", "test-2024-insatser").proposal.evidence
    assert (evidence["in_period"], evidence["to_date"]) == (1, 3)
    # The goal has no indicator: the figures cannot say, and the proposal says so.
    goal = state.subject("goal", "trygghet")
    assert (goal.proposal.status, goal.proposal.reason) == ("uncertain", "no_indicator")


def test_a_save_keeps_every_judged_period_and_goal(store):
    store.save_judgement(judgement(period="2024-T3"), 0)
    store.save_judgement(judgement(subject="goal", subject_id="trygghet", status="likely"), 0)
    before = snapshot(store)
    with pytest.raises(ValidationError) as caught:
        store.save_pledge(pledge_from_dict(pledge_dict(follow_up_period="half_year", goals=[])))
    assert {(p.field, p.code) for p in caught.value.problems} == {
        ("follow_up_period", "judged_period_removed"),
        ("goals", "orphaned_goal"),
    }
    assert "2024-T3" in str(caught.value) and "2024-H1, 2024-H2" in str(caught.value)
    assert snapshot(store) == before
    store.save_pledge(pledge_from_dict(pledge_dict(period={"start": "2024-01-01", "end": "2025-06-30"})))


def test_a_bad_judgement_is_worded_in_swedish_and_english(store):
    from dashboard.components.problems import describe_problem

    with pytest.raises(ValidationError) as caught:
        store.save_judgement(judgement(period="2024-T9", status="achieved", text="x" * 2001), 0)
    sv = {p.field: describe_problem("sv", p) for p in caught.value.problems}
    assert sv["status"] == (
        "”achieved” är inte ett tillåtet värde; välj en av: Genomförd, Påbörjad, Ej påbörjad, Försenad, Avförd (inställd)"
    )
    assert sv["period"].endswith("välj en av: 2024-T1, 2024-T2, 2024-T3")
    assert sv["text"] == "är 2001 tecken lång; högst 2000 tecken"
    en = {p.field: describe_problem("en", p) for p in caught.value.problems}
    assert en["status"].endswith("Done, Started, Not started, Delayed, Cancelled")


def test_a_version_12_geopackage_gets_the_follow_up_tables_and_keeps_its_pledges(tmp_path, monkeypatch):
    import sqlite3

    from geodata.store import GeoPackageStore, migrate
    from geodata.store.gpkg import schema as gpkg_schema
    from geodata.store.sql import SQLStore

    path = tmp_path / "v12.gpkg"
    with monkeypatch.context() as old:
        old.setattr(gpkg_schema, "MIGRATIONS", gpkg_schema.MIGRATIONS[:12])
        # Version 12's code saved a pledge without asking about judgements, which it had no table for.
        old.setattr(SQLStore, "_judged_problems", lambda self, conn, pledge: [])
        with GeoPackageStore.create(path) as s:
            s.save_pledge(pledge_from_dict(pledge_dict()))
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert not {"judgements", "documents"} & tables
    assert migrate(path) == (12, gpkg_schema.latest_version())
    with GeoPackageStore.open(path) as s:
        assert s.get_pledge("test-2024") == pledge_from_dict(pledge_dict())
        assert s.save_judgement(judgement(), 0).version == 1
        assert s.save_document(StoredDocument("situation_report", "1463/2024", {}), 0).version == 1
    with sqlite3.connect(path) as conn:  # listed as GeoPackage attribute tables, so QGIS shows them
        listed = {r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'attributes'")}
    assert {"judgements", "documents"} <= listed


def test_a_version_3_postgis_database_gets_the_follow_up_tables(pg_server, monkeypatch):
    import psycopg
    from conftest import _databases

    from geodata.store import migrate, open_store
    from geodata.store.postgis import schema as postgis_schema
    from geodata.store.postgis.store import dispose

    name = f"v3_{next(_databases)}_followup"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = pg_server.rsplit("/", 1)[0] + f"/{name}"
    try:
        with monkeypatch.context() as old:
            old.setattr(postgis_schema, "MIGRATIONS", postgis_schema.MIGRATIONS[:3])
            assert migrate(url) == (0, 3)
        dispose(url)
        with psycopg.connect(url, autocommit=True) as conn:  # as a database made before version 4 has it
            conn.execute("DROP TABLE judgements; DROP TABLE documents")
        assert migrate(url) == (3, postgis_schema.latest_version())
        with open_store(url) as s:
            s.save_pledge(pledge_from_dict(pledge_dict()))
            assert s.save_judgement(judgement(), 0).version == 1
            assert [j.status for j in s.read_judgements("test-2024")] == ["started"]
        assert migrate(url) == (postgis_schema.latest_version(), postgis_schema.latest_version())
    finally:
        dispose(url)
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_judgements_and_documents_travel_with_a_copy_of_the_store(gpkg_store, pg_url):
    from geodata.store import copy_store, open_store

    gpkg_store.save_judgement(judgement(), 0, "pia")
    gpkg_store.save_judgement(judgement(status="done", evidence={"in_period": 4}), 1, "kim")
    gpkg_store.save_document(StoredDocument("situation_report", "1463/2024", {"analysis": "Å ä ö"}), 0, "kim")
    with open_store(pg_url) as target:
        copy_store(gpkg_store, target)
        assert target.read_judgements("test-2024") == gpkg_store.read_judgements("test-2024")
        assert target.read_documents("situation_report") == gpkg_store.read_documents("situation_report")
        # The copy goes on from the versions it was given.
        assert target.save_judgement(judgement(status="delayed"), 2).version == 3


def test_only_an_admin_marks_a_judgement_as_demo(store):
    with pytest.raises(AccessError, match="demo"):
        GuardedStore(store, Viewer("police", "pia")).save_judgement(judgement(demo=True), 0)
    saved = GuardedStore(store, Viewer("admin", "ada")).save_judgement(judgement(demo=True), 0)
    assert saved.demo and store.read_judgements("test-2024")[0].demo


def test_saving_the_same_status_and_words_again_makes_no_new_version(store):
    first = store.save_judgement(judgement(), 0, "pia")
    again = store.save_judgement(judgement(), 1, "kim")
    assert again == first and len(store.read_judgements("test-2024")) == 1
    assert len([e for e in store.read_audit() if e.action == "judgement"]) == 1
    assert store.save_judgement(judgement(text="Tre insatser."), 1, "kim").version == 2


def test_a_police_or_municipality_account_that_names_its_organisation_judges_only_its_own_pledges(store):
    mark = GuardedStore(store, Viewer("municipality", "kim", "Mark"))
    molndal = GuardedStore(store, Viewer("municipality", "mo", "Mölndal"))
    mark.save_judgement(judgement(subject_id="test-2024-inventering"), 0)
    mark.save_judgement(judgement(subject="goal", subject_id="trygghet", status="likely"), 0)
    for subject, subject_id in (("promise", "test-2024-inventering"), ("goal", "trygghet")):
        with pytest.raises(AccessError):
            molndal.save_judgement(judgement(subject=subject, subject_id=subject_id, status="uncertain"), 1)
    # The police area by its name or code, or the partner by its id.
    for organisation in ("Lokalpolisområde Borås", "550220", "polisen"):
        police = GuardedStore(store, Viewer("police", "pia", organisation))
        assert may_judge(police.viewer, store.get_pledge("test-2024"), "promise", "test-2024-insatser")
    assert not may_judge(
        Viewer("police", "p", "Lokalpolisområde Mölndal"),
        store.get_pledge("test-2024"),
        "promise",
        "test-2024-insatser",
    )
