"""Malformed and out-of-range parameters of the server's routes (/ogc, reports, tiles, pages): a 400 or a 404 with
a message saying what was expected, on the GeoPackage store and on PostGIS, never a 500 (issue 20)."""

from __future__ import annotations

import os
import shutil

import pytest

from dashboard.settings import Settings
from geodata import ogc
from geodata.store import GeoPackageStore, copy_store, open_store

from dash_http import make_client

ITEMS = "/ogc/collections/unsafe_places/items"
OPERATIONS = "/ogc/collections/operations/items"


@pytest.fixture(scope="module", params=["gpkg", "postgis"])
def client(request, tmp_path_factory, demo_file):
    """A test client of the app over the demo store, on a GeoPackage file and on a PostGIS database."""
    if request.param == "gpkg":
        data = tmp_path_factory.mktemp("parameters") / "demo.gpkg"
        shutil.copy(demo_file, data)
        yield make_client(Settings(data=data, tiles_url=None))
        return
    import psycopg

    from geodata.store.postgis.store import dispose

    server = request.getfixturevalue("pg_server")
    name = f"parameters_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as conn:  # at the current schema, as conftest's pg_url
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE pledgemap_template')
    url = server.rsplit("/", 1)[0] + f"/{name}"
    with GeoPackageStore.open(demo_file) as source, open_store(url) as target:
        copy_store(source, target)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLEDGEMAP_SECRET", "s" * 40)  # a database store signs sessions with the environment's key
        yield make_client(Settings(data=url, tiles_url=None))
    dispose(url)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


NINES = "9" * 20


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        # The attack run's request: an offset no SQLite or PostgreSQL integer holds.
        (
            f"{ITEMS}?offset={NINES}",
            400,
            "'offset' is '99999999999999999999'; expected a whole number from 0 to 1000000000",
        ),
        (f"{ITEMS}?offset=1000000001", 400, "expected a whole number from 0 to 1000000000"),
        (f"{ITEMS}?limit={'9' * 5000}", 400, "'limit' is 5000 characters long; expected at most 200"),
        (f"{ITEMS}?limit=%D9%A1%D9%A2", 400, "'limit' is '١٢'; expected a whole number of at least 1"),
        (
            f"{ITEMS}?datetime=9999-12-31T23:00:00-05:00",
            400,
            "in the year 9999; expected a time in the years 1900 to 2199",
        ),
        (f"{OPERATIONS}?datetime=0001-01-01/..", 400, "in the year 1; expected a time in the years 1900 to 2199"),
        (f"{OPERATIONS}?datetime=2200-01-01T00:00:00Z", 400, "in the year 2200"),
        (f"{ITEMS}?bbox=1e400,57,12,58", 400, "expected finite numbers"),
        (f"{ITEMS}?bbox={'1,' * 150}1", 400, "'bbox' is 301 characters long; expected at most 200"),
        ("/ogc/collections?f=%00", 400, "'f' is '\\x00'; expected one of: json"),
        (f"{ITEMS}/a%00b", 404, "collection 'unsafe_places' has no feature 'a\\x00b'"),
        (f"{ITEMS}/{'x' * 300}", 404, "has no feature"),
        ("/ogc/collections/a%00b/items", 404, "no collection 'a\\x00b'"),
        # The reports: Swedish by default, English with lang=en.
        ("/report/followup?pledge=mark-2021%00", 404, "Det finns inget medborgarlöfte med id"),
        ("/report/followup?pledge=mark-2021%00&lang=en", 404, "There is no pledge with id"),
        ("/report/situation?kommun=1463&year=%C2%B2%C2%B2%C2%B2%C2%B2", 400, "²²²²"),
        ("/report/situation?kommun=1463&year=2026&version=%C2%B2", 404, "²"),
        (f"/report/situation?kommun=1463&year=2026&version={NINES}", 404, NINES),
        (f"/tiles/{NINES}/0/0.png", 404, "No such tile"),
    ],
)
def test_a_bad_parameter_is_refused_with_what_was_expected(client, path, status, words):
    answer = client.get(path)
    text = answer.get_json()["description"] if answer.is_json else answer.get_data(as_text=True)
    assert answer.status_code == status, text[:500]
    assert words in text, text[:500]


def test_paging_at_the_edges_of_the_range_still_answers(client):
    """The largest offset is an empty page, a huge limit the largest page, the years' first and last days work."""
    last = client.get(f"{ITEMS}?offset={ogc.MAX_OFFSET}").get_json()
    assert (last["numberReturned"], last["features"]) == (0, []) and last["numberMatched"] > 0
    assert client.get(f"{ITEMS}?limit={NINES}").get_json()["numberReturned"] == last["numberMatched"]
    for interval in ("1900-01-01/2199-12-31", "1900-01-01T00:00:00%2B14:00/2199-12-31T23:59:59-12:00"):
        answer = client.get(f"{OPERATIONS}?datetime={interval}&limit=1")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert answer.get_json()["numberMatched"] > 0
