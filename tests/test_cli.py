"""The pledgemap command, in-process and as the installed console script."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.cli import main
from geodata.store import GeoPackageStore


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
    assert "already at schema version 1" in capsys.readouterr().out


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
