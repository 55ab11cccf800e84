"""Shared fixtures: real GeoPackage files in temporary folders, and the seed texts from ../shared."""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from hypothesis import settings as hypothesis_settings

from geodata.access import accounts
from geodata.demo import write_demo_store
from geodata.model import pledge_from_dict
from geodata.store import GeoPackageStore, migrate, open_store

from builders import pledge_dict

# In CI the property tests run the same examples every time, so a landing never fails by chance;
# on a developer's machine they explore new ones on every run.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


# The production parameters (64 MiB, 3 passes) cost a tenth of a second per hash: in tests only the ones
# marked ``hashing`` pay that; the rest hash with argon2id's cheapest parameters (their hashes verify the same way).
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, monkeypatch):
    if request.node.get_closest_marker("hashing") is None:
        monkeypatch.setattr(accounts, "HASHER", FAST_HASHER)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Tell tests/browser.py whether this test is marked ``browser`` before any fixture starts a server or Chromium."""
    import browser

    browser.marked_browser = item.get_closest_marker("browser") is not None


@pytest.fixture(scope="session")
def pg_server():
    """A private PostgreSQL + PostGIS cluster for the whole session, with a migrated template database.

    Required in CI (the PostGIS backend may not go untested there); elsewhere
    its tests are skipped where PostgreSQL with PostGIS is not installed.
    """
    from pg_cluster import cluster, new_database, pg_bin, postgis_installed

    found = pg_bin()
    if found is None or not postgis_installed(found):
        message = "PostgreSQL with PostGIS is not installed (Debian: postgresql postgresql-15-postgis-3)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with cluster() as server:
        template = new_database(server, "pledgemap_template")
        migrate(template)
        from geodata.store.postgis.store import dispose

        dispose(template)
        yield server


_databases = itertools.count()


@pytest.fixture
def pg_url(pg_server):
    """A new database, at the current schema, on the session's cluster (copied from the template: fast)."""
    import psycopg

    name = f"test_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE pledgemap_template')
    url = pg_server.rsplit("/", 1)[0] + f"/{name}"
    yield url
    from geodata.store.postgis.store import dispose

    dispose(url)
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["gpkg", "postgis"])
def store(request, tmp_path):
    """An empty store holding one test pledge: on a real GeoPackage file, and on a real PostGIS database."""
    if request.param == "gpkg":
        opened = GeoPackageStore.create(tmp_path / "test.gpkg")
    else:
        opened = open_store(request.getfixturevalue("pg_url"))
    with opened as s:
        s.save_pledge(pledge_from_dict(pledge_dict()))
        yield s


@pytest.fixture
def gpkg_store(tmp_path):
    """The same, on a GeoPackage file only: for what is about the file itself (GDAL, bytes, SQLite)."""
    with GeoPackageStore.create(tmp_path / "test.gpkg") as s:
        s.save_pledge(pledge_from_dict(pledge_dict()))
        yield s


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory):
    """The demo store, written once per test session; tests copy it before changing anything."""
    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    write_demo_store(path).close()
    yield path
    # Reads are logged in the store they read: a test that read records from this file (and not a copy)
    # would have given every later test's copy its entries.
    with GeoPackageStore.open(path) as store:
        assert not store.read_read_log(), "a test read records from the session's demo file: use demo_copy"


@pytest.fixture
def demo_copy(demo_file, tmp_path):
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_file, path)
    return path


@pytest.fixture
def client(demo_copy):
    """A test client of the app over the demo copy, with map tiles off (tests/dash_http.py calls it)."""
    from dashboard.settings import Settings

    from dash_http import make_client

    return make_client(Settings(data=demo_copy, tiles_url=None))


@pytest.fixture(scope="module")
def goal_survey_file(tmp_path_factory, demo_file):
    """The demo store with a goal that follows a survey indicator (goal cards draw their charts), per module."""
    from survey_data import add_goal_survey

    data = tmp_path_factory.mktemp("charts") / "pledgemap.gpkg"
    shutil.copy(demo_file, data)
    add_goal_survey(data)
    return data


@pytest.fixture(scope="module")
def charts_server(goal_survey_file):
    """`pledgemap serve` of :func:`goal_survey_file`, tiles off: every kind of chart the app draws is on its pages."""
    from browser import serving

    with serving(goal_survey_file, env={"PLEDGEMAP_TILES": "none"}) as url:
        yield url.rstrip("/")


@pytest.fixture(scope="session")
def seeds_dir():
    """../shared/seeds: required in CI, skipped where the project was cloned without it."""
    folder = SHARED / "seeds"
    if not folder.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{folder} is missing; CI runs with ../shared beside the clone")
        pytest.skip(f"{folder} is not here (the seed texts live in ../shared)")
    return folder
