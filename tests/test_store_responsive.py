"""The store stays responsive while a large write runs, and says plainly when it cannot write.

A large import holds the store's write lock for as long as it takes: readers and sign-ins must not wait for it
(the GeoPackage file is in WAL mode and counts sign-ins in a file of its own; PostgreSQL reads under MVCC and
counts sign-ins under their own lock). A write that finds the store busy past the timeout, full or read-only
is a StoreError saying so, and the store is as it was. The import's writer is held open here by a second
connection (as an import's transaction is while it runs), so each test knows where the writer stands; the
timings under a real import are measured by benchmarks/bench_store_waits.py.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import subprocess
import threading
import time

import pytest

from geodata import StoreError, open_store, pledge_from_dict
from geodata.access import accounts
from geodata.access.accounts import SignInError, add_user, authenticate
from geodata.store import GeoPackageStore, LayerQuery
from geodata.store.gpkg import store as gpkg_store_module

from builders import frame, pledge_dict, snapshot, unsafe_place

PASSWORD = "en lång lösenfras"
# Well below the 30 s a write waits for another: a reader or a sign-in that waited for the writer would take that.
PROMPT_S = 5


@contextlib.contextmanager
def writer_halfway(store):
    """Another connection in the middle of a large write: the store's write lock held, a change not committed.

    GeoPackage: SQLite's exclusive lock (what a writer holds while it spills its changes and commits; in WAL
    mode readers go on reading the file as it was). PostGIS: the lock an import takes on the pledges (shared),
    and a changed pledge title, in an open transaction.
    """
    if isinstance(store, GeoPackageStore):
        conn = sqlite3.connect(store.path, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("UPDATE pledges SET title = 'halfway'")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
    else:
        import psycopg

        with psycopg.connect(store.location) as conn:
            conn.execute("SELECT pg_advisory_xact_lock_shared(hashtext('pledgemap.pledges'))")
            conn.execute("UPDATE pledges SET title = 'halfway'")
            try:
                yield
            finally:
                conn.rollback()


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_readers_and_sign_ins_do_not_wait_for_a_write_in_progress(store):
    add_user(store, "pia", "police", PASSWORD)
    store.write_batches({"unsafe_places": frame(unsafe_place())})
    with writer_halfway(store), open_store(store.location) as other:
        pledges, seconds = timed(other.list_pledges)
        assert seconds < PROMPT_S and [p.title for p in pledges] == ["Medborgarlöfte Testkommun 2024"]
        count, seconds = timed(lambda: other.count("unsafe_places"))
        assert seconds < PROMPT_S and count == 1
        account, seconds = timed(lambda: authenticate(other, "pia", PASSWORD, address="198.51.100.7"))
        assert seconds < PROMPT_S and account.username == "pia"
        # Failed sign-ins are still counted, in the store's counters (shared by every worker), while it writes.
        for _ in range(accounts.FREE_FAILURES):
            with pytest.raises(SignInError):
                authenticate(other, "pia", "fel fel fel fel", address="198.51.100.7")
        with pytest.raises(SignInError) as waiting:
            authenticate(other, "pia", PASSWORD, address="198.51.100.7")
        assert waiting.value.retry_after and waiting.value.retry_after > 0
    assert store.sign_in_failures("pia") == accounts.FREE_FAILURES


def test_a_change_behind_a_long_write_is_told_the_store_is_busy(store, monkeypatch):
    if isinstance(store, GeoPackageStore):
        monkeypatch.setattr(gpkg_store_module, "BUSY_TIMEOUT_S", 1)
    else:
        from geodata.store.postgis import store as postgis_store_module

        # New connections to the database, made with the short lock timeout.
        monkeypatch.setattr(postgis_store_module, "LOCK_TIMEOUT_S", 1)
        postgis_store_module.dispose(store.location)
    with open_store(store.location) as other:
        before = snapshot(other)
        changed = pledge_from_dict(pledge_dict(title="Ändrad titel"))
        with writer_halfway(other):
            with pytest.raises(StoreError) as busy:
                other.save_pledge(changed)
        assert busy.value.code == "busy"
        assert "busy writing an import; try again in a moment" in str(busy.value)
        assert "nothing of it was written" in str(busy.value)
        assert snapshot(other) == before
        other.save_pledge(changed)  # once the other write is done, the change goes through
        assert other.get_pledge("test-2024").title == "Ändrad titel"
    if not isinstance(store, GeoPackageStore):
        postgis_store_module.dispose(store.location)


def test_a_full_disk_is_explained_and_leaves_the_store_as_it_was(gpkg_store):
    kept = gpkg_store.write_batches({"unsafe_places": frame(unsafe_place(description="Kvar"))})["unsafe_places"]
    before = snapshot(gpkg_store)
    # The file may not grow past what it holds now and a few pages: SQLite then answers SQLITE_FULL, as on a
    # full disk (the limit holds for this connection, which is the store's own).
    pages = gpkg_store._conn.execute("PRAGMA page_count").fetchone()[0]
    gpkg_store._conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    many = frame(*(unsafe_place(description=f"Plats {i} " + "x" * 400) for i in range(2000)))
    with pytest.raises(StoreError) as full:
        gpkg_store.write_batches({"unsafe_places": many})
    assert full.value.code == "disk_full"
    assert "the disk is full" in str(full.value) and "nothing of this change was written" in str(full.value)
    assert str(gpkg_store.path) in str(full.value)
    assert gpkg_store.count("unsafe_places") == 1
    assert snapshot(gpkg_store) == before
    gpkg_store._conn.execute("PRAGMA max_page_count = 1073741823")  # space again: the store writes as before
    gpkg_store.write_batches({"unsafe_places": many})
    assert gpkg_store.count("unsafe_places") == 2001
    assert list(gpkg_store.read_layer("unsafe_places", LayerQuery(ids=tuple(kept)))["description"]) == ["Kvar"]


def test_a_read_only_store_reads_signs_in_and_refuses_changes_plainly(tmp_path, monkeypatch, caplog):
    path = tmp_path / "store.gpkg"
    with GeoPackageStore.create(path) as store:
        store.save_pledge(pledge_from_dict(pledge_dict()))
        add_user(store, "pia", "police", PASSWORD)
        before = snapshot(store)
    counters = GeoPackageStore.open(path).counters_path
    counters.unlink(missing_ok=True)
    monkeypatch.setattr(accounts, "_memory_counts", accounts.MemoryCounts())
    # SQLite's read-only open holds for root too, as a read-only mount does (there SQLite opens the file
    # read-only by itself and answers every write alike: "attempt to write a readonly database").
    with GeoPackageStore.open(path, read_only=True) as store:
        assert [p.id for p in store.list_pledges()] == ["test-2024"]
        with pytest.raises(StoreError) as refused:
            store.save_pledge(pledge_from_dict(pledge_dict(title="Ändrad")))
        assert refused.value.code == "read_only"
        assert "is read-only" in str(refused.value) and "nothing of this change was written" in str(refused.value)
        with caplog.at_level(logging.WARNING, logger="pledgemap.signin"):
            assert authenticate(store, "pia", PASSWORD, address="198.51.100.7").username == "pia"
        assert "counted in this process's memory" in caplog.text
        # The throttle still holds, in this process's memory.
        for _ in range(accounts.FREE_FAILURES):
            with pytest.raises(SignInError) as wrong:
                authenticate(store, "pia", "fel fel fel fel", address="198.51.100.7")
            assert wrong.value.retry_after is None
        with pytest.raises(SignInError) as waiting:
            authenticate(store, "pia", PASSWORD, address="198.51.100.7")
        assert waiting.value.retry_after and waiting.value.retry_after > 0
    assert not counters.exists()
    with GeoPackageStore.open(path) as store:
        assert snapshot(store) == before


def test_a_read_only_database_reads_signs_in_and_refuses_changes_plainly(pg_url, monkeypatch):
    import psycopg

    from geodata.store.postgis.store import dispose

    with open_store(pg_url) as store:
        store.save_pledge(pledge_from_dict(pledge_dict()))
        add_user(store, "pia", "police", PASSWORD)
    name = pg_url.rsplit("/", 1)[1]
    dispose(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    monkeypatch.setattr(accounts, "_memory_counts", accounts.MemoryCounts())
    with open_store(pg_url) as store:
        before = store.dump_tables()
        with pytest.raises(StoreError) as refused:
            store.save_pledge(pledge_from_dict(pledge_dict(title="Ändrad")))
        assert refused.value.code == "read_only" and "nothing of this change was written" in str(refused.value)
        assert authenticate(store, "pia", PASSWORD, address="198.51.100.7").username == "pia"
        for _ in range(accounts.FREE_FAILURES):
            with pytest.raises(SignInError):
                authenticate(store, "pia", "fel fel fel fel", address="198.51.100.7")
        with pytest.raises(SignInError) as waiting:
            authenticate(store, "pia", PASSWORD, address="198.51.100.7")
        assert waiting.value.retry_after and waiting.value.retry_after > 0
        assert store.dump_tables() == before


def test_the_file_stays_a_geopackage_gdal_reads_while_open_and_whole_once_closed(tmp_path):
    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo is None:
        pytest.fail("ogrinfo is missing: install Debian's gdal-bin (scripts/dev.sh test does)")
    path = tmp_path / "store.gpkg"
    store = GeoPackageStore.create(path)
    store.save_pledge(pledge_from_dict(pledge_dict()))
    store.write_batches({"unsafe_places": frame(*(unsafe_place() for _ in range(3)))})
    assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # While the store is open, what was committed may be in the -wal file only: GDAL reads it there.
    out = subprocess.run([ogrinfo, "-so", str(path), "unsafe_places"], capture_output=True, text=True, check=True)
    assert "Feature Count: 3" in out.stdout
    store.close()
    # The last connection to close copies every change into the file: it is whole without its -wal and -shm.
    assert not path.with_name("store.gpkg-wal").exists() and not path.with_name("store.gpkg-shm").exists()
    copy = tmp_path / "copy.gpkg"
    shutil.copy(path, copy)
    with GeoPackageStore.open(copy, read_only=True) as copied:
        assert copied.count("unsafe_places") == 3


def test_a_sign_in_page_answers_while_a_write_holds_the_store(demo_copy):
    from test_signin import ORIGIN, sign_in_form

    from dashboard.settings import Settings

    from dash_http import make_client

    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "pia", "police", PASSWORD)
    client = make_client(Settings(data=demo_copy, tiles_url=None))
    token, _ = sign_in_form(client)
    with GeoPackageStore.open(demo_copy) as held, writer_halfway(held):
        answer, seconds = timed(
            lambda: client.post(
                "/login", data={"username": "pia", "password": PASSWORD, "csrf": token, "next": "/"}, headers=ORIGIN
            )
        )
    assert answer.status_code == 302 and seconds < PROMPT_S


@pytest.mark.parametrize(
    ("lang", "code", "words"),
    [
        ("sv", "busy", "Lagret är upptaget med att skriva en import. Försök igen om en stund"),
        ("en", "busy", "The store is busy writing an import. Try again in a moment"),
        ("sv", "disk_full", "Disken som lagret ligger på är full, så inget av ändringen sparades."),
        ("en", "read_only", "The store is read-only: it can be read but not changed"),
    ],
)
def test_the_dashboard_words_a_store_that_cannot_write(lang, code, words):
    from dashboard.components.layout import alert

    shown = alert(lang, StoreError("/srv/data/pledgemap.gpkg: database or disk is full", code))
    text = " ".join(str(child.children) for child in shown.children)
    assert words in text and "/srv/data" not in text


def test_a_change_waiting_for_an_import_gets_its_turn_when_the_import_ends(gpkg_store):
    # The other side of the busy timeout: a change that arrives while a short write runs waits and then lands.
    done = threading.Event()
    conn = sqlite3.connect(gpkg_store.path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")

    def finish():
        time.sleep(0.5)
        conn.execute("COMMIT")
        done.set()

    threading.Thread(target=finish).start()
    with open_store(gpkg_store.path) as other:
        other.save_pledge(pledge_from_dict(pledge_dict(title="Efter importen")))
    assert done.is_set() and gpkg_store.get_pledge("test-2024").title == "Efter importen"
    conn.close()


@contextlib.contextmanager
def mounted(folder, *options: str):
    """``folder`` as a mount of its own (``mount`` with ``options``); the test is skipped where mounts are not
    allowed (they need root with CAP_SYS_ADMIN: a container may refuse them)."""
    folder.mkdir(exist_ok=True)
    made = subprocess.run(["mount", *options, str(folder)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount here ({made.stderr.strip()}); the read-only open above stands in for it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_a_store_on_a_read_only_mount_reads_and_signs_in(tmp_path, monkeypatch):
    # A store that was served is a WAL file: on a read-only mount SQLite cannot make its -shm file, so the store
    # is read as a file that does not change (nobody can change it there).
    path = tmp_path / "store.gpkg"
    with GeoPackageStore.create(path) as store:
        store.save_pledge(pledge_from_dict(pledge_dict()))
        add_user(store, "pia", "police", PASSWORD)
    monkeypatch.setattr(accounts, "_memory_counts", accounts.MemoryCounts())
    with mounted(tmp_path / "ro", "--bind", "-o", "ro", str(tmp_path)) as folder:
        if os.access(folder, os.W_OK):
            pytest.skip("the bind mount is not read-only here")
        with GeoPackageStore.open(folder / "store.gpkg") as store:
            assert store.read_only and [p.id for p in store.list_pledges()] == ["test-2024"]
            assert authenticate(store, "pia", PASSWORD, address="198.51.100.7").username == "pia"
            with pytest.raises(StoreError) as refused:
                store.save_pledge(pledge_from_dict(pledge_dict(title="Ändrad")))
            assert refused.value.code == "read_only"


def test_a_store_on_a_full_file_system_is_explained_and_kept(tmp_path, monkeypatch):
    with mounted(tmp_path / "small", "-t", "tmpfs", "-o", "size=1m", "tmpfs") as folder:
        path = folder / "store.gpkg"
        with GeoPackageStore.create(path) as store:
            store.save_pledge(pledge_from_dict(pledge_dict()))
            add_user(store, "pia", "police", PASSWORD)
            store.write_batches({"unsafe_places": frame(unsafe_place(description="Kvar"))})
            before = snapshot(store)
            many = frame(*(unsafe_place(description=f"Plats {i} " + "x" * 400) for i in range(3000)))
            with pytest.raises(StoreError) as full:
                store.write_batches({"unsafe_places": many})
            assert full.value.code == "disk_full" and "nothing of this change was written" in str(full.value)
            assert store.count("unsafe_places") == 1
            assert authenticate(store, "pia", PASSWORD, address="198.51.100.7").username == "pia"
        with GeoPackageStore.open(path) as store:
            assert snapshot(store) == before and store.count("unsafe_places") == 1
