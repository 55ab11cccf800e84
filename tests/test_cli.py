"""The pledgemap command, in-process and as the installed console script."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.cli import main
from geodata.store import GeoPackageStore, LayerQuery
from geodata.store.gpkg.schema import latest_version


def test_demo_info_and_migrate(tmp_path, capsys):
    path = tmp_path / "demo.gpkg"
    assert main(["demo", "--data", str(path)]) == 0
    assert "Wrote demo store" in capsys.readouterr().out
    assert main(["demo", "--data", str(path)]) == 1
    assert "already exists; use --force" in capsys.readouterr().err

    assert main(["info", "--data", str(path), "--today", "2021-07-01"]) == 0
    out = capsys.readouterr().out
    assert "molndal-2018: Medborgarlöfte Mölndals stad 2018" in out
    assert "Mark (1463), Lokalpolisområde Borås (550220), 2021-01-01 – 2021-12-31" in out
    assert "mark-2021-riktade-insatser [targeted_operation; Polisen]: 3 of 4 operations records" in out
    with GeoPackageStore.open(path) as store:
        counts = store.counts("mark-2021")
    assert f"unsafe_places {counts['unsafe_places']} ({counts['unsafe_places']} demo)" in out

    assert main(["migrate", "--data", str(path)]) == 0
    assert f"already at schema version {latest_version()}" in capsys.readouterr().out


def test_errors_are_one_clear_line(tmp_path, capsys):
    assert main(["info", "--data", str(tmp_path / "missing.gpkg")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pledgemap: ") and "does not exist; create it with 'pledgemap demo" in err
    assert "Traceback" not in err


def test_demo_with_another_seed_and_force(tmp_path):
    path = tmp_path / "demo.gpkg"
    assert main(["demo", "--data", str(path), "--seed", "7"]) == 0
    with GeoPackageStore.open(path) as store:
        first = store.read_layer("unsafe_places").geometry.iloc[0]
    assert main(["demo", "--data", str(path), "--seed", "8", "--force"]) == 0
    with GeoPackageStore.open(path) as store:
        assert not store.read_layer("unsafe_places").geometry.iloc[0].equals(first)


def test_console_script_is_installed(tmp_path):
    script = shutil.which("pledgemap", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.fail("the pledgemap console script is not installed beside this Python (pip install -e .)")
    result = subprocess.run([script, "--help"], capture_output=True, text=True, check=True)
    for command in ("serve", "demo", "info", "migrate"):
        assert command in result.stdout


def test_import_dry_run_then_all_or_nothing_then_partial(demo_copy, tmp_path, capsys):
    walk = tmp_path / "vandring.csv"
    walk.write_text(
        "Id;Datum;Kategori;Källa;Nord;Öst\n"
        "1;2021-03-05;Dålig belysning;Trygghetsvandring;6376282;361845\n"
        "2;2021-03-05;Otryggt;Trygghetsvandring;6376320;361845\n",
        encoding="utf-8",
    )
    with GeoPackageStore.open(demo_copy) as store:
        before = store.counts()["unsafe_places"]
    args = ["import", "--data", str(demo_copy), str(walk), "--layer", "unsafe_places", "--pledge", "mark-2021"]

    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "vandring.csv → Otrygga platser (unsafe_places): 2 rader: 1 giltig, 1 avvisad" in out
    # The unclear value is one question, with its rows and the codes to answer it with, and the command to run.
    assert "? Vad betyder kategori ”Otryggt” (1 rad)?" in out and "Möjliga koder: drug_dealing" in out
    assert "--pledge mark-2021 --map-value category:Otryggt=KOD" in out and "Provkörning: ingenting sparades." in out
    assert main([*args, "--dry-run", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "2 rows: 1 valid, 1 rejected" in out and "? What does category “Otryggt” mean (1 row)?" in out
    assert "--map-value category:Otryggt=CODE --lang en" in out and "Dry run: nothing was written." in out

    assert main(args) == 1
    assert "pledgemap: Ingenting sparades: 1 problem." in capsys.readouterr().err
    with GeoPackageStore.open(demo_copy) as store:
        assert store.counts()["unsafe_places"] == before

    assert main([*args, "--partial"]) == 0
    assert (
        "Otrygga platser: 1 sparad, 0 fanns redan, 1 avvisad. De avvisade raderna sparades i" in capsys.readouterr().out
    )
    assert (tmp_path / "vandring-avvisade.csv").exists()
    assert main([*args, "--map-value", "category:Otryggt=other"]) == 0
    assert "Otrygga platser: 1 sparad, 1 fanns redan, 0 avvisade." in capsys.readouterr().out
    with GeoPackageStore.open(demo_copy) as store:
        assert store.counts()["unsafe_places"] == before + 2


def test_export_formats_from_the_command_line(demo_copy, tmp_path, capsys):
    base = ["export", "--data", str(demo_copy)]
    assert (
        main(
            [
                *base,
                "--format",
                "gpkg",
                "--output",
                str(tmp_path / "mark.gpkg"),
                "--pledge",
                "mark-2021",
                "--layer",
                "unsafe_places",
                "--start",
                "2021-03-01",
                "--end",
                "2021-05-31",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    with GeoPackageStore.open(demo_copy) as store:
        expected = store.count(
            "unsafe_places", LayerQuery(pledge_id="mark-2021", start=dt.date(2021, 3, 1), end=dt.date(2021, 5, 31))
        )
    assert f"Wrote {tmp_path / 'mark.gpkg'}: {expected} unsafe_places" in out
    assert main([*base, "--format", "yaml", "--output", str(tmp_path / "mark.yaml"), "--pledge", "mark-2021"]) == 0
    assert "id: mark-2021" in (tmp_path / "mark.yaml").read_text()
    assert main([*base, "--format", "json", "--output", str(tmp_path / "x.json")]) == 1
    assert "exports one pledge; name it with --pledge" in capsys.readouterr().err
    assert (
        main(
            [
                *base,
                "--format",
                "html",
                "--output",
                str(tmp_path / "m.html"),
                "--pledge",
                "mark-2021",
                "--public",
                "--tiles",
                "none",
            ]
        )
        == 0
    )
    html = (tmp_path / "m.html").read_text()
    assert "<html" in html and 'src="http' not in html
    assert "Period: Hela perioden." in html


def test_the_public_map_is_exported_for_one_of_the_pledges_periods_and_never_for_dates(demo_copy, tmp_path, capsys):
    base = ["export", "--data", str(demo_copy), "--pledge", "mark-2021", "--tiles", "none"]
    out = tmp_path / "q1.html"
    public = [*base, "--format", "html", "--output", str(out), "--public"]
    assert main([*public, "--period", "2021-Q1"]) == 0
    assert "Period: Kvartal 1 2021." in out.read_text()
    assert main([*public, "--lang", "en", "--period", "2021-03"]) == 0
    assert "Period: March 2021." in out.read_text()
    capsys.readouterr()
    # Dates of one's own are what the differencing attack subtracted: refused, pointing at --period.
    assert main([*public, "--start", "2021-03-01", "--end", "2021-03-02"]) == 1
    assert "use --period" in capsys.readouterr().err
    assert main([*public, "--period", "2019-05"]) == 1
    err = capsys.readouterr().err
    assert "'2019-05' is not one of the pledge's periods" in err and "2021-Q4" in err
    assert main([*base, "--format", "html", "--output", str(out), "--period", "2021-Q1"]) == 1
    assert "--period applies to the public html export" in capsys.readouterr().err


PLEDGE_TEXT = """Medborgarlöfte Härryda 2025
Härryda kommun och lokalpolisområde Mölndal
Period: 1 mars 2025 – 28 februari 2026

Fokus: Trygghet kring pendelparkeringen i Mölnlycke

Polisen lovar att:
- genomföra minst sex riktade insatser vid pendelparkeringen

Kommunen lovar att:
- se över belysningen vid pendelparkeringen

Det här ska vi åstadkomma:
Ökad trygghet för resenärer
"""


def test_pledge_parse_then_add_after_review(tmp_path, capsys):
    text = tmp_path / "harryda.txt"
    text.write_bytes(PLEDGE_TEXT.encode("cp1252"))
    assert main(["pledge", "parse", str(text), "--format", "json"]) == 0
    captured = capsys.readouterr()
    draft = __import__("json").loads(captured.out)
    assert draft["municipality"] == {"name": "Härryda", "code": "1401"}
    assert draft["period"] == {"start": "2025-03-01", "end": "2026-02-28"}
    assert [p["target"] for p in draft["promises"]] == [6, None]
    assert "hittades inte i texten: Undertecknat" in captured.err

    document = tmp_path / "harryda.yaml"
    assert main(["pledge", "parse", str(text), "--as-pledge", "--format", "yaml", "--output", str(document)]) == 0
    data = tmp_path / "store.gpkg"
    GeoPackageStore.create(data).close()
    assert main(["pledge", "add", "--data", str(data), str(document)]) == 0
    assert "Sparade löftet harryda-2025: Medborgarlöfte Härryda 2025 (2 löftespunkter)" in capsys.readouterr().out
    assert main(["pledge", "add", "--data", str(data), str(document)]) == 1
    assert "ett löfte med id harryda-2025 finns redan" in capsys.readouterr().err
    document.write_text(document.read_text(encoding="utf-8").replace("focus:", "fokus:"), encoding="utf-8")
    assert main(["pledge", "add", "--data", str(data), str(document), "--replace"]) == 1
    err = capsys.readouterr().err
    assert "Fokus: saknas" in err and "”fokus” är inget fält i ett löftesdokument" in err


def test_pledge_parse_writes_a_draft_to_edit_with_its_guesses_and_gaps_as_comments(tmp_path, capsys):
    import yaml

    text = tmp_path / "mark.txt"
    text.write_text(
        "Medborgarlöfte Mark 2021\nPolisen lovar att:\n- samverka kring trygghetsfrågor\n", encoding="utf-8"
    )
    draft = tmp_path / "mark.yaml"
    assert main(["pledge", "parse", str(text), "--output", str(draft)]) == 0
    written = draft.read_text(encoding="utf-8")
    lines = written.splitlines()
    assert "id: mark-2021  # gissat (guessed): kontrollera" in lines
    assert "focus: null  # hittades inte (not found): fyll i" in lines
    assert "police_area:  # hittades inte (not found): fyll i" in lines
    assert "  kind: null  # hittades inte (not found): fyll i" in lines
    assert yaml.safe_load(written)["promises"][0]["text"] == "samverka kring trygghetsfrågor"

    data = tmp_path / "store.gpkg"
    GeoPackageStore.create(data).close()
    assert main(["pledge", "add", "--data", str(data), str(draft)]) == 1
    err = capsys.readouterr().err
    assert "pledgemap: Löftet sparades inte: 3 fält behöver rättas:" in err
    for line in ("- Lokalpolisområde: saknas", "- Fokus: saknas", "- Löftespunkt 1, slag: saknas"):
        assert line in err.splitlines(), (line, err)

    # Corrected in a text editor: the comments stay, the values are filled in.
    fixed = (
        written.replace("  name: null", "  name: LPO Marks kommun", 1)
        .replace("focus: null", "focus: Trygghet i centrum")
        .replace("  kind: null", "  kind: presence_patrol")
    )
    draft.write_text(fixed, encoding="utf-8")
    assert main(["pledge", "add", "--data", str(data), str(draft)]) == 0
    assert "Sparade löftet mark-2021" in capsys.readouterr().out
    draft.write_text(fixed.replace("focus: Trygghet i centrum", "focus: Trygghet i Kinna"), encoding="utf-8")
    assert main(["pledge", "add", "--data", str(data), str(draft), "--lang", "en"]) == 1
    assert "a pledge with id mark-2021 is already stored" in capsys.readouterr().err
    assert main(["pledge", "add", "--data", str(data), str(draft), "--replace"]) == 0
    with GeoPackageStore.open(data) as store:
        assert store.get_pledge("mark-2021").focus == "Trygghet i Kinna"


def test_a_file_with_several_layers_lands_whole_or_not_at_all(tmp_path, capsys):
    import json

    good_place = {
        "type": "Feature",
        "properties": {"layer": "unsafe_places", "reported_on": "2024-03-05", "category": "vandalism", "source": "tip"},
        "geometry": {"type": "Point", "coordinates": [12.694, 57.508]},
    }
    backwards = {
        "type": "Feature",
        "properties": {
            "layer": "operations",
            "starts_at": "2024-05-10T22:00+02:00",
            "ends_at": "2024-05-10T18:00+02:00",
            "kind": "presence_patrol",
            "visibility": "public",
        },
        "geometry": {"type": "Point", "coordinates": [12.694, 57.508]},
    }
    path = tmp_path / "vy.2024.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [good_place, backwards]}), encoding="utf-8")
    data = tmp_path / "store.gpkg"
    GeoPackageStore.create(data).close()

    assert main(["import", "--data", str(data), str(path)]) == 1
    assert "Rad 2: Avvisad: Slut: slutar 2024-05-10 18:00, före starten 2024-05-10 22:00" in capsys.readouterr().out
    with GeoPackageStore.open(data) as store:
        assert store.counts() == {"unsafe_places": 0, "inventoried_sites": 0, "operations": 0}

    assert main(["import", "--data", str(data), str(path), "--partial"]) == 0
    out = capsys.readouterr().out
    assert "Otrygga platser: 1 sparad" in out and "Insatser och närvaro: 0 sparade, 0 fanns redan, 1 avvisad." in out
    rejects = tmp_path / "vy.2024-avvisade-operations.geojson"  # the date in the name is kept
    assert f"De avvisade raderna sparades i {rejects}." in out
    # The rejected rows go to a person: the problem in Swedish, by the field's name.
    reason = json.loads(rejects.read_text())["features"][0]["properties"]["Att rätta (Pledgemap)"]
    assert reason.startswith("Slut: slutar 2024-05-10 18:00"), reason
    with GeoPackageStore.open(data) as store:
        assert store.counts()["unsafe_places"] == 1


def test_user_commands(tmp_path, capsys, monkeypatch):
    import io

    from geodata.access.accounts import authenticate

    data = tmp_path / "store.gpkg"
    GeoPackageStore.create(data).close()
    monkeypatch.setattr("sys.stdin", io.StringIO("en lång lösenfras\n"))
    assert (
        main(
            [
                "user",
                "add",
                "--data",
                str(data),
                "hanna",
                "--role",
                "housing_company",
                "--organisation",
                "Marks Bostads AB",
                "--password-stdin",
            ]
        )
        == 0
    )
    assert "Added hanna (housing_company)" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    assert main(["user", "add", "--data", str(data), "pia", "--role", "police", "--password-stdin"]) == 1
    assert "field 'password': is 4 characters long; expected at least 12" in capsys.readouterr().err
    assert main(["user", "list", "--data", str(data)]) == 0
    assert capsys.readouterr().out == "hanna\thousing_company (Marks Bostads AB)\t\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("en annan lång fras\n"))
    assert main(["user", "passwd", "--data", str(data), "hanna", "--password-stdin"]) == 0
    with GeoPackageStore.open(data) as store:
        assert authenticate(store, "hanna", "en annan lång fras").organisation == "Marks Bostads AB"
    assert main(["user", "remove", "--data", str(data), "hanna"]) == 0
    assert main(["user", "remove", "--data", str(data), "hanna"]) == 1


def test_audit_export(demo_copy, tmp_path, capsys):
    import csv

    out = tmp_path / "logg.csv"
    with GeoPackageStore.open(demo_copy) as store:
        record = store.read_layer("inventoried_sites").iloc[0]
        store.update_record(
            "inventoried_sites", record["id"], {"measure": "Ny lampa"}, int(record["version"]), actor="pia"
        )
    assert main(["audit", "--data", str(demo_copy), "--output", str(out), "--record", record["id"]]) == 0
    assert "Wrote 2 audit entries" in capsys.readouterr().out
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert [(r["actor"], r["action"]) for r in rows] == [("local", "create"), ("pia", "edit")]
    assert '"Ny lampa"' in rows[1]["after"]


def test_restore_a_deleted_record(demo_copy, capsys):
    with GeoPackageStore.open(demo_copy) as store:
        record = store.read_layer("operations").iloc[0]
        store.delete_record("operations", record["id"], int(record["version"]))
    assert main(["restore", "--data", str(demo_copy), "--layer", "operations", "--list"]) == 0
    out = capsys.readouterr().out
    assert record["id"] in out and "1 deleted operations records" in out
    assert main(["restore", "--data", str(demo_copy), "--layer", "operations", record["id"]]) == 0
    assert main(["restore", "--data", str(demo_copy), "--layer", "operations", record["id"]]) == 1
    assert "no deleted operations record has id" in capsys.readouterr().err
    with GeoPackageStore.open(demo_copy) as store:
        assert not store.read_layer("operations", LayerQuery(ids=(record["id"],))).empty
