"""What stops an export or a request is said in words its reader understands: the overview's export in the
page's language (the domain's English detail in the server's log), the guard's refusals to scripts in Swedish and
English."""

from __future__ import annotations

import json
import logging
import tempfile

import pytest
from test_signin import ORIGIN, PASSWORD

from dashboard.exports import ExportError, export_view
from dashboard.ids import Overview
from dashboard.settings import Settings
from dashboard.state.view import ViewState
from geodata.access.accounts import add_user
from geodata.store import GeoPackageStore

from basemap_files import png, write_mbtiles
from dash_http import call_callback, make_client

WORDS = {
    "sv": {
        "pledge": "Medborgarlöftet ”borttaget-2020” finns inte längre; ladda om sidan",
        "basemap": "Den fristående kartan kunde inte göras: kartbakgrundsfilen karta.mbtiles går inte att läsa",
        "write": "Vyn kunde inte exporteras: servern kunde inte skriva filen (disken kan vara full).",
    },
    "en": {
        "pledge": "The pledge “borttaget-2020” no longer exists; reload the page",
        "basemap": "The standalone map could not be made: the basemap file karta.mbtiles cannot be read",
        "write": "The view could not be exported: the server could not write the file (its disk may be full).",
    },
}


def export_error(client, query: str, lang: str, fmt: str = "xlsx") -> str:
    sent = call_callback(
        client,
        f"{Overview.download}.data",
        {f"{Overview.export}.n_clicks": 1},
        state={f"{Overview.export_format}.value": fmt, f"{Overview.query}.data": query, f"{Overview.lang}.data": lang},
    )
    assert sent[Overview.download]["data"] is None
    return str(sent[Overview.export_error]["children"])


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_pledge_removed_since_the_page_was_drawn_is_said_in_the_page_s_language(client, lang, caplog):
    with caplog.at_level(logging.WARNING, logger="dashboard.exports"):
        said = export_error(client, "pledge=borttaget-2020&layers=unsafe_places", lang)
    assert WORDS[lang]["pledge"] in said and "no pledge has id" not in said
    assert "no pledge has id 'borttaget-2020'" in caplog.text  # the domain's detail, for whoever runs the server


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_basemap_file_damaged_after_start_is_said_in_the_page_s_language(demo_copy, tmp_path, lang, caplog):
    basemap = write_mbtiles(tmp_path / "karta.mbtiles", {(0, 0, 0): png((10, 20, 30))})
    settings = Settings(data=demo_copy, tiles_url=None).with_basemap(basemap)
    basemap.write_bytes(b"not a tile file at all")  # replaced or damaged while the server runs
    with GeoPackageStore.open(demo_copy) as store, caplog.at_level(logging.ERROR, logger="dashboard.exports"):
        with pytest.raises(ExportError) as raised:
            export_view(store, ViewState(pledge="mark-2021", lang=lang), "html", settings)
    assert WORDS[lang]["basemap"] in str(raised.value)
    assert "neither an MBTiles" in caplog.text and "neither an MBTiles" not in str(raised.value)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_file_the_server_cannot_write_is_said_in_the_page_s_language(client, tmp_path, lang, monkeypatch, caplog):
    # The server's folder for temporary files is gone (a full or unmounted disk answers the same way).
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    with caplog.at_level(logging.ERROR, logger="dashboard.exports"):
        said = export_error(client, "pledge=mark-2021&layers=unsafe_places", lang, fmt="gpkg")
    assert WORDS[lang]["write"] in said and "No such file" not in said
    assert "No such file or directory" in caplog.text


def test_the_export_s_own_refusals_stay_worded_as_before(client):
    assert "Inget lager visas; välj minst ett lager att exportera." in export_error(
        client, "pledge=mark-2021&layers=", "sv"
    )
    with GeoPackageStore.open(client.application.config["PLEDGEMAP_SETTINGS"].data) as store:
        with pytest.raises(ExportError, match="Unknown format “pdf”"):
            export_view(store, ViewState(pledge="mark-2021", lang="en"), "pdf", Settings(data=store.path))


# --- the guard's refusals, for scripts: Swedish first, then English ----------------------------------------------


@pytest.fixture
def signed(demo_copy):
    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "pia", "police", PASSWORD)
    return demo_copy


SIGN_IN = (
    "Logga in först på /login i en webbläsare: den här adressen kräver en inloggad session.",
    "Sign in first at /login in a browser: this address needs a signed-in session.",
)


def test_a_request_without_a_session_is_told_to_sign_in_in_swedish_and_english(signed):
    client = make_client(Settings(data=signed, tiles_url=None))
    for answer in (
        client.get("/_dash-layout"),
        client.get("/tiles/10/550/300.png"),
        client.post("/_dash-update-component", json={}, headers=ORIGIN),
    ):
        assert answer.status_code == 401 and answer.mimetype == "text/plain"
        assert answer.get_data(as_text=True).splitlines() == list(SIGN_IN)
    api = client.get("/ogc/collections/unsafe_places/items")
    assert api.status_code == 401 and api.mimetype == "application/json"
    assert json.loads(api.get_data(as_text=True)) == {"code": "SignInRequired", "description": " / ".join(SIGN_IN)}


def test_cross_site_and_other_host_refusals_are_in_swedish_and_english(signed):
    client = make_client(Settings(data=signed, tiles_url=None, allowed_hosts=("pledgemap.polisen.example",)))
    crossed = client.post("/login", data={}, headers={"Origin": "https://evil.example"})
    assert crossed.status_code == 403
    assert crossed.get_data(as_text=True).splitlines() == [
        "Begäran kom från en annan webbplats och avvisades; skicka den från Pledgemaps egna sidor.",
        "The request came from another site and was refused; send it from Pledgemap's own pages.",
    ]
    elsewhere = client.get("/ogc/collections", headers={"Host": "other.example"})
    assert elsewhere.status_code == 421 and elsewhere.mimetype == "application/json"
    description = json.loads(elsewhere.get_data(as_text=True))["description"]
    assert description.startswith("Värdnamnet betjänas inte här") and "This host name is not served here" in description
