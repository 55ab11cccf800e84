"""The police's published events: the format's quirks, one row per event id, counts per municipality and month."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from conftest import SHARED

from dashboard.cli import main
from geodata.errors import ImportFileError
from geodata.io.police_events import monthly_counts, parse_published, read_police_events
from geodata.store import GeoPackageStore

MOLNDAL_CENTRE = "57.65,12.016667"
VG_COUNTY_CENTRE = "58.252793,13.059643"


def event(event_id: int, when: str, title: str, kind: str, place: str, gps: str = MOLNDAL_CENTRE) -> dict:
    return {
        "id": event_id,
        "datetime": when,
        "name": title,
        "summary": "Kort text.",
        "type": kind,
        "url": f"/aktuellt/handelser/{event_id}/",
        "location": {"name": place, "gps": gps},
    }


EVENTS = [
    # 2025: the municipality is the location.
    event(1, "2025-06-07 7:32:06 +02:00", "07 juni 07.10, Narkotikabrott, Mölndal", "Narkotikabrott", "Mölndal"),
    # 2026: the location is the county; the municipality only ends the title. The type has a trailing space.
    event(
        2,
        "2026-02-01 23:30:00 +01:00",
        "1 februari 23.10, Skadegörelse, Mölndal",
        "Skadegörelse ",
        "Västra Götalands län",
        VG_COUNTY_CENTRE,
    ),
    # Published at 00:30 on 1 March in Sweden: March, although it is still February in UTC.
    event(
        3,
        "2026-03-01 0:30:00 +01:00",
        "1 mars 00.10, Narkotikabrott, Mölndal",
        "Narkotikabrott",
        "Västra Götalands län",
        VG_COUNTY_CENTRE,
    ),
    # A county digest is not an incident.
    event(
        4,
        "2026-03-02 6:00:00 +01:00",
        "2 mars 06.00, Sammanfattning natt, Västra Götalands län",
        "Sammanfattning natt",
        "Västra Götalands län",
        VG_COUNTY_CENTRE,
    ),
    # The title's last part is not a municipality: kept, counted for none.
    event(
        5,
        "2026-03-03 12:00:00 +01:00",
        "3 mars 11.40, Trafikolycka, E6 vid Kållered",
        "Trafikolycka",
        "Västra Götalands län",
        VG_COUNTY_CENTRE,
    ),
    # The type itself holds a comma.
    event(
        6,
        "2026-03-04 9:05:00 +01:00",
        "4 mars 08.50, Trafikolycka, personskada, Mark",
        "Trafikolycka, personskada",
        "Västra Götalands län",
        VG_COUNTY_CENTRE,
    ),
]


def write(path, events) -> str:
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_formats_quirks(tmp_path):
    batch = read_police_events(write(tmp_path / "events.json", [*EVENTS, EVENTS[0]]))
    assert (len(batch.events), batch.digests, batch.without_municipality, batch.repeated) == (4 + 1, 1, 1, 1)
    by_id = {e.id: e for e in batch.events}
    assert by_id[1].municipality_code == "1481" and by_id[2].municipality_code == "1481"
    assert by_id[6].municipality_code == "1463" and by_id[6].type == "Trafikolycka, personskada"
    assert by_id[2].type == "Skadegörelse" and by_id[5].municipality_code is None
    assert by_id[1].published_at == dt.datetime(2025, 6, 7, 5, 32, 6, tzinfo=dt.UTC)
    assert by_id[1].url == "https://polisen.se/aktuellt/handelser/1/"


def test_bad_events_are_named_and_a_bad_file_is_refused(tmp_path):
    broken = [EVENTS[0], {**EVENTS[1], "datetime": "igår"}, {k: v for k, v in EVENTS[2].items() if k != "type"}, "x"]
    batch = read_police_events(write(tmp_path / "events.json", broken))
    assert [str(p) for p in batch.problems] == [
        "events.json event 2 (id 2), field 'datetime': expected 'YYYY-MM-DD H:MM:SS +HH:MM', got 'igår'",
        "events.json event 3 (id 3), field 'type': is missing; expected every key of the police events format",
        "events.json event 4, field 'event': is not an object",
    ]
    with pytest.raises(ImportFileError, match="expected a JSON array of events"):
        read_police_events(write(tmp_path / "object.json", {"events": EVENTS}))
    with pytest.raises(ValueError):
        parse_published("2025-06-07T07:32:06+02:00")


def test_stored_once_per_id_and_counted_per_municipality_and_month(store, tmp_path):
    batch = read_police_events(write(tmp_path / "events.json", EVENTS))
    assert store.write_police_events(batch.events) == (5, 0)
    assert store.write_police_events(batch.events) == (0, 5)
    molndal = store.read_police_events("1481", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert sorted(molndal["id"]) == [2, 3]
    counts = monthly_counts(store.read_police_events())
    rows = {(r.municipality_code, r.month, r.type): r.count for r in counts.itertuples()}
    assert rows[("1481", "2025-06", "Narkotikabrott")] == 1
    assert rows[("1481", "2026-02", "Skadegörelse")] == 1
    assert rows[("1481", "2026-03", "Narkotikabrott")] == 1  # Swedish month, not UTC's
    assert rows[("1463", "2026-03", "Trafikolycka, personskada")] == 1


def test_the_command_imports_the_real_archived_samples(tmp_path, capsys):
    folder = SHARED / "reference" / "polisen-events"
    if not folder.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{folder} is missing; CI runs with ../shared beside the clone")
        pytest.skip(f"{folder} is not here")
    data = tmp_path / "store.gpkg"
    GeoPackageStore.create(data).close()
    sample = folder / "polisen_events_molndal_mark.json"
    assert main(["import", "--data", str(data), str(sample)]) == 0
    out = capsys.readouterr().out
    assert "→ police events (polisen.se format): 258 events read" in out and "Wrote 258 police events" in out
    assert main(["import", "--data", str(data), str(sample)]) == 0
    assert "Wrote 0 police events; 258 already stored, skipped" in capsys.readouterr().out
    with GeoPackageStore.open(data) as store:
        events = store.read_police_events()
    # Every event of this file belongs to Mölndal or Mark, also those published at county level since 2026.
    assert set(events["municipality_code"]) == {"1481", "1463"}
    assert (events["location_name"] == "Västra Götalands län").sum() > 0


def test_the_import_entry_point_recognises_police_events_and_stores_them_once(store, tmp_path):
    from geodata.io import POLICE_EVENTS, FileResult, commit_file, file_kind, plan_file

    path = write(tmp_path / "events.json", EVENTS)
    assert file_kind(path) == POLICE_EVENTS
    plan = plan_file(None, path, "unsafe_places")  # checked on its own: no store, and no layer applies
    assert (plan.kind, len(plan.events.events), plan.layers) == (POLICE_EVENTS, 5, [])
    assert commit_file(store, plan, partial=False) == FileResult(POLICE_EVENTS, new_events=5, known_events=0)
    assert commit_file(store, plan, partial=False) == FileResult(POLICE_EVENTS, new_events=0, known_events=5)
