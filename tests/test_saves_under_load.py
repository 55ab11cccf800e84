"""Saves under load, on both backends: concurrent editors on the same few records while others read.

Every save reported as saved is stored and in the audit log, in version order; every other save is a
:class:`VersionConflictError` or another clear :class:`PledgemapError`, and nothing of it is stored. Bounded
loops (4 editors x 30 rounds on 3 records, 4 readers until the editors end), well under a minute per backend.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

import pytest

from geodata.errors import PledgemapError, VersionConflictError
from geodata.model import pledge_from_dict
from geodata.store import GeoPackageStore, LayerQuery, open_store

from builders import frame, pledge_dict, unsafe_place

EDITORS, ROUNDS, READERS, RECORDS = 4, 30, 4, 3
DEADLINE_S = 55  # each backend's loops stop by then whatever happens: the test ends well under a minute


@dataclass
class Outcomes:
    saved: list[tuple[str, int, str, str]] = field(default_factory=list)  # record, version, description, actor
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # record, description tried
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # record, description tried, message
    unexpected: list[str] = field(default_factory=list)  # anything else raised: a defect
    reads: int = 0
    read_values: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture(params=["gpkg", "postgis"])
def location(request, tmp_path):
    """A store holding the test pledge and three reports, by its location (each thread opens its own)."""
    if request.param == "gpkg":
        where = str(tmp_path / "load.gpkg")
        GeoPackageStore.create(where).close()
    else:
        where = request.getfixturevalue("pg_url")
    with open_store(where) as store:
        store.save_pledge(pledge_from_dict(pledge_dict()))
        ids = store.write_batch(
            "unsafe_places", frame(*(unsafe_place(pledge_id="test-2024", description="start") for _ in range(RECORDS)))
        )
    return where, ids


def _editor(where: str, ids: list[str], number: int, outcomes: Outcomes, deadline: float) -> None:
    rng = random.Random(number)
    actor = f"editor-{number}"
    with open_store(where) as store:
        for round_ in range(ROUNDS):
            if time.monotonic() > deadline:
                return
            record_id = ids[(number + round_) % len(ids)]
            description = f"{actor} round {round_}"
            # Every seventh edit is not valid: it must end in a clear error, nothing stored.
            changes = {"description": description}
            if round_ % 7 == 6:
                changes["category"] = "not-a-category"
            try:
                current = store.read_layer("unsafe_places", LayerQuery(ids=(record_id,)))
                version = int(current["version"].iloc[0])
                time.sleep(rng.uniform(0, 0.01))  # the time an editor takes: others save meanwhile
                saved = store.update_record("unsafe_places", record_id, changes, expected_version=version, actor=actor)
            except VersionConflictError:
                with outcomes.lock:
                    outcomes.conflicts.append((record_id, description))
            except PledgemapError as exc:
                with outcomes.lock:
                    outcomes.errors.append((record_id, description, str(exc)))
            except Exception as exc:  # noqa: BLE001 (the test's finding: any other exception is a defect)
                with outcomes.lock:
                    outcomes.unexpected.append(f"{actor} round {round_}: {type(exc).__name__}: {exc}")
            else:
                with outcomes.lock:
                    outcomes.saved.append((record_id, int(saved["version"]), saved["description"], actor))


def _reader(where: str, ids: list[str], outcomes: Outcomes, done: threading.Event, deadline: float) -> None:
    with open_store(where) as store:
        while not done.is_set() and time.monotonic() < deadline:
            try:
                records = store.read_layer("unsafe_places", LayerQuery(ids=tuple(ids)))
                store.count("unsafe_places", LayerQuery(pledge_id="test-2024"))
                store.read_audit("unsafe_places")
            except Exception as exc:  # noqa: BLE001 (a read that fails under the editors is the test's finding)
                with outcomes.lock:
                    outcomes.unexpected.append(f"reader: {type(exc).__name__}: {exc}")
                return
            with outcomes.lock:
                outcomes.reads += 1
                outcomes.read_values.update(records["description"])


def test_concurrent_editors_and_readers_lose_no_save_and_see_every_other_as_a_conflict_or_error(location):
    where, ids = location
    outcomes, done = Outcomes(), threading.Event()
    begun = time.monotonic()
    deadline = begun + DEADLINE_S
    editors = [threading.Thread(target=_editor, args=(where, ids, n, outcomes, deadline)) for n in range(EDITORS)]
    readers = [threading.Thread(target=_reader, args=(where, ids, outcomes, done, deadline)) for _ in range(READERS)]
    for thread in (*readers, *editors):
        thread.start()
    for thread in editors:
        thread.join(DEADLINE_S + 5)
    done.set()
    for thread in readers:
        thread.join(10)
    elapsed = time.monotonic() - begun
    assert not any(t.is_alive() for t in (*editors, *readers)), "a thread did not end"
    assert elapsed < 60, f"{elapsed:.0f} s"
    assert outcomes.unexpected == []
    attempts = len(outcomes.saved) + len(outcomes.conflicts) + len(outcomes.errors)
    assert attempts == EDITORS * ROUNDS  # every save ended in one of the three, none was cut short
    mix = (len(outcomes.saved), len(outcomes.conflicts), len(outcomes.errors))
    assert all(mix), (
        f"saved, conflicts, errors: {mix}"
    )  # the loops did meet each other (a blind overwrite: no conflict)
    assert outcomes.reads > 0

    with open_store(where) as store:
        stored = store.read_layer("unsafe_places", LayerQuery(ids=tuple(ids))).set_index("id")
        audit = [e for e in store.read_audit("unsafe_places") if e.action == "edit"]
    for record_id in ids:
        saves = sorted((v, d, a) for r, v, d, a in outcomes.saved if r == record_id)
        # Each save made exactly the next version: none overwrote another unseen.
        assert [v for v, _, _ in saves] == list(range(2, len(saves) + 2))
        assert int(stored.loc[record_id, "version"]) == len(saves) + 1
        assert stored.loc[record_id, "description"] == (saves[-1][1] if saves else "start")
        logged = [(e.after["description"], e.actor) for e in audit if e.record_id == record_id]
        assert logged == [(d, a) for _, d, a in saves]  # audited, once each, in the order they were saved
    not_saved = {d for _, d in outcomes.conflicts} | {d for _, d, _ in outcomes.errors}
    assert not not_saved & {e.after.get("description") for e in audit}
    assert not not_saved & outcomes.read_values  # no reader ever saw a save that was refused
    assert outcomes.read_values <= {d for _, _, d, _ in outcomes.saved} | {"start"}
    assert all("category" in message for _, _, message in outcomes.errors)
