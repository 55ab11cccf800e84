"""The import as a bounded job: the file is read in a worker process within a time and a memory limit, once per
plan; only roles that may import upload or dry-run, within a quota; no message names a folder of the server."""

from __future__ import annotations

import base64
import io
import json
import os
import sqlite3
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from dashboard.cli import main
from dashboard.ids import Importer
from dashboard.server import uploads
from dashboard.server.uploads import save_upload
from geodata import ImportFileError
from geodata.access.accounts import add_user
from geodata.io.bounded import WorkLimits, run_bounded
from geodata.io.readers import read_source
from geodata.store import GeoPackageStore

from dash_http import PASSWORD, call_callback, signed_in_client, texts

WALK = (
    "Id;Datum;Kategori;Källa;Beskrivning;Nord;Öst\n"
    "1;2021-03-05;Dålig belysning;Trygghetsvandring;Mörk gång;6376282;361845\n"
    "2;2021-03-06;Dålig belysning;Trygghetsvandring;Hörna;6376300;361845\n"
)


def endless_view_geopackage(path: Path) -> Path:
    """A GeoPackage whose only layer is a view over an endlessly recursive query (SQLite never finishes it)."""
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.Point(361845, 6376282)], crs=3006).to_file(
        path, layer="seed", driver="GPKG"
    )
    with sqlite3.connect(path) as db:
        db.executescript(
            """
            CREATE VIEW v AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)
                SELECT n AS fid, (SELECT geom FROM seed) AS geom, 'x' AS name FROM r;
            INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('v', 'features', 'v', 3006);
            INSERT INTO gpkg_geometry_columns VALUES ('v', 'geom', 'POINT', 3006, 0, 0);
            DELETE FROM gpkg_geometry_columns WHERE table_name = 'seed';
            DELETE FROM gpkg_contents WHERE table_name = 'seed';
            """
        )
    return path


def long_csv(path: Path, rows: int, text: str = "Ingen belysning alls vid gångtunneln") -> Path:
    """A valid walk of ``rows`` rows (a slow read for a small time limit, a large one for a small memory limit)."""
    with path.open("w", encoding="utf-8") as out:
        out.write("Id;Datum;Kategori;Källa;Beskrivning;Nord;Öst\n")
        for i in range(rows):
            out.write(f"{i};2021-03-05;Dålig belysning;Trygghetsvandring;{text} {i};{6376282 + i % 500};361845\n")
    return path


def _import(store: Path, file: Path, capsys) -> tuple[int, str, float]:
    started = time.monotonic()
    code = main(["import", "--data", str(store), "--layer", "unsafe_places", "--pledge", "mark-2021", str(file)])
    return code, capsys.readouterr().err, time.monotonic() - started


def test_a_geopackage_whose_only_layer_is_an_endless_view_ends_within_the_time_limit(
    demo_copy, tmp_path, capsys, monkeypatch
):
    # Without the limit `pledgemap import` of this file never ends (SQLite evaluates the view for ever).
    monkeypatch.setenv("PLEDGEMAP_IMPORT_SECONDS", "3")
    view = endless_view_geopackage(tmp_path / "vy.gpkg")
    before = demo_copy.read_bytes()
    code, err, took = _import(demo_copy, view, capsys)
    assert code == 1
    assert took < 3 + 15, took  # the limit, and the worker's start and stop on a loaded 2-core machine
    assert "vy.gpkg" in err and "Traceback" not in err
    assert demo_copy.read_bytes() == before  # nothing written


def test_a_read_past_its_time_is_stopped_and_says_the_limit_and_how_to_split(demo_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PLEDGEMAP_IMPORT_SECONDS", "0.2")
    slow = long_csv(tmp_path / "lång.csv", 150_000)
    before = demo_copy.read_bytes()
    code, err, took = _import(demo_copy, slow, capsys)
    assert code == 1
    assert "Det tog längre än 0,2 sekunder att läsa lång.csv" in err
    assert "Inget sparades. Dela upp filen i mindre filer" in err
    assert took < 15
    assert demo_copy.read_bytes() == before


def test_a_read_past_its_memory_is_stopped_and_says_the_limit(demo_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PLEDGEMAP_IMPORT_MEMORY_MB", "100")
    large = long_csv(tmp_path / "stor.csv", 120_000, text="x" * 200)  # about 29 MB: well over 100 MB once parsed
    assert large.stat().st_size < 50_000_000  # within the size limit: only the memory limit stops it
    before = demo_copy.read_bytes()
    code, err, _ = _import(demo_copy, large, capsys)
    assert code == 1
    assert "stor.csv behövde mer än 100 MB minne för att läsas" in err
    assert demo_copy.read_bytes() == before


def test_within_its_limits_the_same_file_imports_through_the_worker(demo_copy, tmp_path, capsys):
    walk = tmp_path / "vandring.csv"
    walk.write_text(WALK, encoding="utf-8")
    assert (
        main(["import", "--data", str(demo_copy), "--layer", "unsafe_places", "--pledge", "mark-2021", str(walk)]) == 0
    )
    assert "2" in capsys.readouterr().out
    with GeoPackageStore.open(demo_copy) as store:
        stored = store.read_layer("unsafe_places")
    assert {"vandring:1", "vandring:2"} <= set(stored["source_id"])


def sleeps_with_a_grandchild(pids: Path) -> None:
    """A reader that never answers and has started a process of its own (run in the worker)."""
    child = subprocess.Popen(["sleep", "120"])
    pids.write_text(f"{os.getpid()} {child.pid}")
    time.sleep(120)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_a_worker_stopped_by_its_limit_leaves_no_process_behind(tmp_path):
    pids = tmp_path / "pids"
    with pytest.raises(ImportFileError) as error:
        run_bounded(sleeps_with_a_grandchild, (pids,), "vy.gpkg", WorkLimits(seconds=3))
    assert error.value.code == "too_slow" and error.value.params == {"file": "vy.gpkg", "seconds": 3}
    reader, grandchild = (int(p) for p in pids.read_text().split())
    assert not Path(f"/proc/{reader}").exists()  # stopped and reaped
    deadline = time.monotonic() + 5
    while _running(grandchild) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(grandchild)  # its process group was stopped with it


def test_an_error_in_the_worker_arrives_with_its_code_and_values(tmp_path):
    twice = tmp_path / "två.csv"
    twice.write_text("Datum;Datum\n2021-03-05;2021-03-06\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as error:
        run_bounded(read_source, (twice,), twice.name)
    assert error.value.code == "duplicate_column" and error.value.params["column"] == "Datum"


# -- the import page -----------------------------------------------------------


def _data_url(data: bytes) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(data).decode()


def _form(token: str | None, lang: str = "sv", answers: dict | None = None) -> dict:
    def every(*keys: str) -> str:
        return json.dumps({**{k: ["ALL"] for k in keys[1:]}, "type": keys[0]}, separators=(",", ":"), sort_keys=True)

    return {
        f"{Importer.token}.data": token,
        f"{Importer.layer}.value": "unsafe_places",
        f"{Importer.pledge}.value": "mark-2021",
        f"{Importer.promise}.value": "",
        f"{json.dumps({'field': ['ALL'], 'text': ['ALL'], 'type': Importer.answer}, separators=(',', ':'))}.value": [],
        f"{json.dumps({'field': ['ALL'], 'text': ['ALL'], 'type': Importer.answer}, separators=(',', ':'))}.id": [],
        f"{Importer.answers}.data": answers or {},
        f"{json.dumps({'field': ['ALL'], 'type': Importer.column}, separators=(',', ':'))}.value": [],
        f"{json.dumps({'field': ['ALL'], 'type': Importer.column}, separators=(',', ':'))}.id": [],
        f"{json.dumps({'field': ['ALL'], 'type': Importer.fill}, separators=(',', ':'))}.value": [],
        f"{json.dumps({'field': ['ALL'], 'type': Importer.fill}, separators=(',', ':'))}.id": [],
        f"{json.dumps({'row': ['ALL'], 'type': Importer.personal}, separators=(',', ':'))}.value": [],
        f"{json.dumps({'row': ['ALL'], 'type': Importer.personal}, separators=(',', ':'))}.id": [],
        f"{Importer.lang}.data": lang,
    }


def dry_run(client, token: str | None, lang: str = "sv") -> dict:
    return call_callback(
        client, f"{Importer.answers}.data", {f"{Importer.dry_run}.n_clicks": 1}, state=_form(token, lang)
    )


def commit(client, token: str | None) -> dict:
    return call_callback(
        client,
        f"{Importer.rejects}.data",
        {f"{Importer.commit_valid}.n_clicks": 1, f"{Importer.commit_all}.n_clicks": 0},
        state=_form(token),
    )


def receive(client, name: str, data: bytes, previous: str | None = None) -> dict:
    return call_callback(
        client,
        f"{Importer.token}.data",
        {f"{Importer.upload}.contents": _data_url(data)},
        state={f"{Importer.upload}.filename": name, f"{Importer.token}.data": previous, f"{Importer.lang}.data": "sv"},
    )


def _folders_of(name: str) -> list[Path]:
    """The uploads kept for the account ``name`` (of whichever store: the owner is "<store>:<name>")."""
    return [folder for folder in uploads._root().iterdir() if (uploads._owner_of(folder) or "").endswith(f":{name}")]


def test_the_file_is_read_once_for_the_dry_runs_and_the_import(client, demo_copy):
    token = save_upload(_data_url(WALK.encode("utf-8")), "vandring.csv")
    first = dry_run(client, token)
    assert "2 " in " ".join(texts(first[Importer.report]["children"]))
    # The upload is now unreadable: a dry run made again and the import plan from the reading kept beside it.
    uploads.upload_path(token).write_bytes(b"\x00 not a walk any more")
    again = dry_run(client, token)
    assert texts(again[Importer.report]["children"]) == texts(first[Importer.report]["children"])
    done = commit(client, token)
    assert "2" in " ".join(texts(done[Importer.result]["children"]))
    with GeoPackageStore.open(demo_copy) as store:
        assert {"vandring:1", "vandring:2"} <= set(store.read_layer("unsafe_places")["source_id"])
    assert not (uploads._root() / token).exists()  # the upload and its reading are gone once imported


@pytest.fixture
def accounts(demo_copy):
    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "ada", "admin", PASSWORD)
        add_user(store, "kim", "municipality", PASSWORD)
        add_user(store, "hanna", "housing_company", PASSWORD, organisation="Marks Bostads AB")
        add_user(store, "ulla", "public", PASSWORD)
    return demo_copy


@pytest.mark.parametrize("name, allowed", [("ada", True), ("kim", True), ("hanna", True), ("ulla", False)])
def test_only_roles_that_may_import_may_upload_and_nothing_else_is_stored(accounts, name, allowed):
    client = signed_in_client(accounts, name)
    for folder in _folders_of(name):
        uploads.discard(folder.name)
    sent = receive(client, "vandring.csv", WALK.encode("utf-8"))
    token = sent[Importer.token]["data"]
    kept = _folders_of(name)
    if allowed:
        assert token and [f.name for f in kept] == [token]
        uploads.discard(token)
        return
    assert token is None and kept == []
    assert "Ditt konto får inte läsa in filer här" in " ".join(texts(sent[Importer.file]["children"]))


def test_a_public_account_s_dry_run_of_another_s_upload_is_refused_and_reads_nothing(accounts):
    token = save_upload(_data_url(WALK.encode("utf-8")), "vandring.csv", owner="ada")
    shown = dry_run(signed_in_client(accounts, "ulla"), token)
    assert "Ditt konto får inte läsa in filer här" in " ".join(texts(shown[Importer.report]["children"]))
    assert sorted(p.name for p in (uploads._root() / token).iterdir()) == ["owner", "upload"]  # no reading kept
    uploads.discard(token)


def test_an_account_s_uploads_have_a_quota_that_the_message_states(accounts):
    from dashboard.settings import Settings

    client = signed_in_client(accounts, "kim", settings=Settings(data=accounts, tiles_url=None, upload_files=2))
    for folder in _folders_of("kim"):
        uploads.discard(folder.name)
    first = receive(client, "a.csv", WALK.encode("utf-8"))[Importer.token]["data"]
    second = receive(client, "b.csv", WALK.encode("utf-8"))[Importer.token]["data"]
    refused = receive(client, "c.csv", WALK.encode("utf-8"))
    assert refused[Importer.token]["data"] is None
    said = " ".join(texts(refused[Importer.file]["children"]))
    assert "Ditt konto har redan 2 uppladdade filer" in said and "högst 2 filer och 250 MB per konto" in said
    # A new file chosen on the same form replaces the one it had: the quota counts what is kept.
    third = receive(client, "c.csv", WALK.encode("utf-8"), previous=second)[Importer.token]["data"]
    assert sorted(f.name for f in _folders_of("kim")) == sorted([first, third])
    for token in (first, third):
        uploads.discard(token)


def test_a_file_that_cannot_be_read_is_not_kept_against_the_quota(accounts):
    from dashboard.settings import Settings

    client = signed_in_client(accounts, "kim", settings=Settings(data=accounts, tiles_url=None, upload_files=2))
    for folder in _folders_of("kim"):
        uploads.discard(folder.name)
    for number in range(3):  # one more than the quota: each refused at its dry run, and not kept
        token = receive(client, f"trasig-{number}.gpkg", b"SQLite format 3\x00" + b"\x01" * 200)[Importer.token]["data"]
        assert token, f"upload {number + 1} was refused"
        shown = " ".join(texts(dry_run(client, token)[Importer.report]["children"]))
        assert f"trasig-{number}.gpkg" in shown
        assert _folders_of("kim") == []


def test_the_quota_is_each_store_s_own(accounts, tmp_path):
    from dashboard.settings import Settings

    settings = Settings(data=accounts, tiles_url=None, upload_files=2)
    other = uploads.account_quota(Settings(data=tmp_path / "another.gpkg")).store
    assert other != uploads.account_quota(settings).store
    for folder in _folders_of("kim"):
        uploads.discard(folder.name)
    # Another store's "kim" (another server of this system user, or a test run) keeps its uploads in the same folder.
    theirs = [save_upload(_data_url(WALK.encode("utf-8")), f"{n}.csv", owner=f"{other}:kim") for n in range(2)]
    client = signed_in_client(accounts, "kim", settings=settings)
    mine = receive(client, "a.csv", WALK.encode("utf-8"))[Importer.token]["data"]
    assert mine, "another store's uploads counted in this store's quota"
    for token in (*theirs, mine):
        uploads.discard(token)


def _zip(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _broken_sheet() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    book = Workbook()
    book.active.append(["Datum", "Kategori"])
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    members["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row><c r='A1' t='s'><v>99</v></c></row>"
    return _zip(members)


@pytest.mark.parametrize(
    "name, data",
    [
        ("fel.xlsx", b"PK\x03\x04" + b"trasig" * 20),
        ("fel.xlsx", _zip({"x.txt": "hej"})),
        ("fel.xlsx", _zip({"[Content_Types].xml": "<bad"})),
        ("fel.xlsx", _broken_sheet()),
        ("fel.gpkg", b"SQLite format 3\x00" + b"\x00" * 100),
    ],
)
def test_a_damaged_file_s_message_never_shows_the_server_s_folders(client, name, data):
    token = save_upload(_data_url(data), name)
    answer = json.dumps(dry_run(client, token), ensure_ascii=False)
    assert name in answer
    for folder in {tempfile.gettempdir(), os.path.realpath(tempfile.gettempdir())}:
        assert folder not in answer
    assert token not in answer
    uploads.discard(token)


def test_an_unprotected_uploads_folder_is_refused_without_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    (tmp_path / f"pledgemap-uploads-{os.getuid()}").mkdir(mode=0o755)
    os.chmod(tmp_path / f"pledgemap-uploads-{os.getuid()}", 0o755)
    with pytest.raises(ImportFileError) as error:
        save_upload(_data_url(b"a;b\n1;2\n"), "a.csv")
    assert error.value.code == "server_uploads" and str(tmp_path) not in str(error.value)


def test_a_message_naming_an_upload_s_path_is_cut_to_the_file_s_name():
    from dashboard.components.upload import file_alert

    path = Path(tempfile.gettempdir()) / f"pledgemap-uploads-{os.getuid()}" / ("t" * 32) / "upload" / "fel.xlsx"
    alert = file_alert("sv", ImportFileError(f"{path}: no such file"), "Välj fil")
    shown = " ".join(texts(json.loads(json.dumps(alert.to_plotly_json(), default=lambda c: c.to_plotly_json()))))
    assert "fel.xlsx: no such file" in shown and tempfile.gettempdir() not in shown


def test_places_repeated_in_a_file_are_found_among_neighbours_across_the_grid_s_cells(gpkg_store, tmp_path):
    from geodata.io.importer import plan_import

    # Row 3 is 3 m from row 1; row 4 is 4.9 m from row 3 (a duplicate, so not compared with) and 7 m from row 1;
    # rows 5 and 6 are 0.2 m apart on either side of a 5 m cell's edge; row 7 is row 1's place on another day.
    walk = tmp_path / "vandring.csv"
    walk.write_text(
        "Id;Datum;Kategori;Källa;Beskrivning;Nord;Öst\n"
        "1;2021-03-05;Dålig belysning;Trygghetsvandring;a;6376280;361840\n"
        "2;2021-03-05;Dålig belysning;Trygghetsvandring;b;6376380;361840\n"
        "3;2021-03-05;Dålig belysning;Trygghetsvandring;c;6376283;361840\n"
        "4;2021-03-05;Dålig belysning;Trygghetsvandring;d;6376287;361840\n"
        "5;2021-03-05;Dålig belysning;Trygghetsvandring;e;6376480;361844.9\n"
        "6;2021-03-05;Dålig belysning;Trygghetsvandring;f;6376480;361845.1\n"
        "7;2021-03-06;Dålig belysning;Trygghetsvandring;g;6376280;361840\n",
        encoding="utf-8",
    )
    plan = plan_import(gpkg_store, walk, "unsafe_places", defaults={"pledge_id": "test-2024"})
    repeated = {o.row: o.problems[0].params.get("row") for o in plan.outcomes if o.status == "duplicate"}
    assert repeated == {4: 2, 7: 6}
