"""Shared fixtures: real GeoPackage files in temporary folders, and the seed texts from ../shared."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# In CI the property tests run the same examples every time, so a landing never fails by chance;
# on a developer's machine they explore new ones on every run.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

from geodata.demo import write_demo_store
from geodata.model import pledge_from_dict
from geodata.store import GeoPackageStore

from builders import pledge_dict

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture
def store(tmp_path):
    """An empty store on a real GeoPackage file, holding one test pledge."""
    with GeoPackageStore.create(tmp_path / "test.gpkg") as s:
        s.save_pledge(pledge_from_dict(pledge_dict()))
        yield s


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory):
    """The demo store, written once per test session; tests copy it before changing anything."""
    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    write_demo_store(path).close()
    return path


@pytest.fixture
def demo_copy(demo_file, tmp_path):
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_file, path)
    return path


@pytest.fixture(scope="session")
def seeds_dir():
    """../shared/seeds: required in CI, skipped where the project was cloned without it."""
    folder = SHARED / "seeds"
    if not folder.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{folder} is missing; CI runs with ../shared beside the clone")
        pytest.skip(f"{folder} is not here (the seed texts live in ../shared)")
    return folder
