"""Every file the pledgemap command writes is readable by whom its store is readable by, and no one else."""

from __future__ import annotations

import os
import stat

import pytest

from dashboard.cli import main
from geodata.io.files import OWNER_ONLY, private_file, store_mode, write_file
from geodata.store import GeoPackageStore


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def open_umask():
    """The loosest umask a user could have: whatever the command leaves open, the test sees open."""
    old = os.umask(0)
    yield
    os.umask(old)


def _walk(tmp_path):
    walk = tmp_path / "vandring.csv"
    walk.write_text(
        "Id;Datum;Kategori;Källa;Nord;Öst\n"
        "1;2021-03-05;Dålig belysning;Trygghetsvandring;6376282;361845\n"
        "2;2021-03-05;Otryggt;Trygghetsvandring;6376320;361845\n",
        encoding="utf-8",
    )
    return walk


@pytest.mark.parametrize("store_bits", [0o600, 0o640])
def test_every_file_the_command_writes_has_the_stores_permissions(demo_copy, tmp_path, open_umask, store_bits):
    os.chmod(demo_copy, store_bits)
    data = ["--data", str(demo_copy)]
    out = tmp_path / "ut"
    out.mkdir()
    written = {}
    for fmt in ("gpkg", "geojson", "csv", "xlsx"):
        written[fmt] = out / f"vy.{fmt}"
        assert main(["export", *data, "--format", fmt, "--output", str(written[fmt])]) == 0
    for fmt in ("yaml", "html"):
        written[fmt] = out / f"löfte.{fmt}"
        assert main(["export", *data, "--format", fmt, "--pledge", "mark-2021", "--output", str(written[fmt])]) == 0
    written["report"] = out / "rapport.docx"
    args = [
        "report",
        "followup",
        *data,
        "--pledge",
        "mark-2021",
        "--today",
        "2022-06-01",
        "--out",
        str(written["report"]),
    ]
    assert main(args) == 0
    written["audit"] = out / "logg.csv"
    assert main(["audit", *data, "--output", str(written["audit"])]) == 0
    written["overview"] = out / "alla.csv"
    assert main(["followup", "overview", *data, "--year", "2021", "--out", str(written["overview"])]) == 0
    written["next"] = out / "mark-2022.yaml"
    with GeoPackageStore.open(demo_copy) as store:
        promises = [p.id for p in store.get_pledge("mark-2021").promises]
    decisions = [a for i, p in enumerate(promises) for a in ("--drop" if i else "--carry", f"{p}=Skäl")]
    assert main(["pledge", "next", "mark-2021", *data, *decisions, "--out", str(written["next"])]) == 0
    written["hotspots"] = out / "het.geojson"
    args = ["analyze", "hotspots", *data, "--pledge", "mark-2021", "--permutations", "99"]
    assert main([*args, "--output", str(written["hotspots"])]) == 0
    walk = _walk(tmp_path)
    args = ["import", *data, str(walk), "--layer", "unsafe_places", "--pledge", "mark-2021", "--partial"]
    assert main(args) == 0
    written["rejects"] = tmp_path / "vandring-avvisade.csv"
    written["copy"] = out / "kopia.gpkg"
    assert main(["copy", "--from", str(demo_copy), "--to", str(written["copy"])]) == 0
    assert {name: oct(mode_of(path)) for name, path in written.items()} == {name: oct(store_bits) for name in written}
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no temporary folder left behind


def test_a_file_written_over_keeps_no_looser_mode_it_had(demo_copy, tmp_path, open_umask):
    target = tmp_path / "vy.csv"
    target.write_text("gammalt")
    os.chmod(target, 0o666)
    assert main(["export", "--data", str(demo_copy), "--format", "csv", "--output", str(target)]) == 0
    assert mode_of(target) == 0o600 and target.read_bytes().startswith(b"PK")  # the three layers' CSVs, zipped


def test_a_read_out_with_no_store_and_a_database_stores_files_are_owner_only(pg_url, tmp_path, open_umask):
    text = tmp_path / "löfte.txt"
    text.write_text("Medborgarlöfte för Mark 2024\n\nPolisen och kommunen lovar att genomföra trygghetsvandringar.\n")
    read_out = tmp_path / "utkast.yaml"
    assert main(["pledge", "parse", str(text), "--output", str(read_out)]) == 0
    assert mode_of(read_out) == OWNER_ONLY
    exported = tmp_path / "vy.geojson"
    assert main(["export", "--data", pg_url, "--format", "geojson", "--output", str(exported)]) == 0
    assert mode_of(exported) == OWNER_ONLY and store_mode(pg_url) == OWNER_ONLY


def test_a_failed_write_leaves_the_old_file_and_no_temporary_folder(tmp_path):
    target = tmp_path / "rapport.pdf"
    write_file(target, b"first", 0o640)
    with pytest.raises(RuntimeError), private_file(target, 0o640) as written:
        written.write_bytes(b"half")
        raise RuntimeError("the writer failed")
    assert target.read_bytes() == b"first" and mode_of(target) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.pdf"]


def test_the_folder_a_file_is_written_in_is_its_owners_only_while_it_is_written(tmp_path, open_umask):
    with private_file(tmp_path / "vy.gpkg", 0o640) as written:
        written.write_bytes(b"x")  # at the loose umask this file is 0666: the folder is what keeps others out
        assert mode_of(written.parent) == 0o700 and written.parent.parent == tmp_path
    assert mode_of(tmp_path / "vy.gpkg") == 0o640
