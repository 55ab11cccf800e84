"""The dashboard over HTTP, as a browser calls it: the page shell, the overview page's content, languages, errors."""

from __future__ import annotations

import pytest

from dashboard.app import create_app
from geodata.settings import Settings
from geodata.store import GeoPackageStore

from dash_http import find, render_page, texts


@pytest.fixture
def client(demo_copy):
    return create_app(Settings(data=demo_copy)).server.test_client()


def test_index_is_served_in_swedish_with_local_assets_only(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "pledgemap.css" in html
    for cdn in ("cdn.", "unpkg.com", "jsdelivr", "cdnjs", "googleapis"):
        assert cdn not in html


def test_overview_lists_pledges_promises_progress_and_counts(client, demo_copy):
    tree = render_page(client, "/")
    shown = texts(tree)
    assert "Medborgarlöfte Mölndals stad 2018" in shown and "Medborgarlöfte Mark 2021" in shown
    assert any(t.startswith("Demodata:") for t in shown)
    assert "3 av 4" in shown and "ej uppnått" in shown
    assert "Minst fyra riktade insatser mot narkotika med fokus på försäljning och ungdomar i riskzon." in shown
    with GeoPackageStore.open(demo_copy) as store:
        counts = store.counts("mark-2021")
    [mark] = find(tree, id="pledge-mark-2021")
    for layer, n in counts.items():
        [row] = find(mark, **{"data-layer": layer})
        assert texts(row)[1:] == [str(n), str(n)]  # count, of which demo


def test_english_is_selectable(client):
    shown = texts(render_page(client, "/", "?lang=en"))
    assert "What we promise" in shown and "3 of 4" in shown and "not met" in shown
    assert "Svenska" in shown
    assert "Det här lovar vi" not in shown


def test_store_errors_are_shown_as_one_alert(tmp_path):
    client = create_app(Settings(data=tmp_path / "gone.gpkg")).server.test_client()
    tree = render_page(client, "/")
    [alert] = find(tree, role="alert")
    assert "does not exist" in " ".join(texts(alert))


def test_no_demo_banner_without_demo_records(tmp_path):
    path = tmp_path / "empty.gpkg"
    GeoPackageStore.create(path).close()
    client = create_app(Settings(data=path)).server.test_client()
    shown = texts(render_page(client, "/"))
    assert "Det finns inga medborgarlöften i databasen ännu." in shown
    assert not any(t.startswith("Demodata") for t in shown)
