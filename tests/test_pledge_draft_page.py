"""The paste box on the import page, over HTTP: a pasted text becomes a draft; a complete draft can be saved once."""

from __future__ import annotations

from test_cli import PLEDGE_TEXT

from dashboard.ids import Importer
from geodata.store import GeoPackageStore

from dash_http import call_callback, texts


def press(client, output: str, button: str, text: str):
    """Press ``button`` with ``text`` in the paste box; the answer of the callback that writes ``output``."""
    return call_callback(
        client,
        f"{output}.children",
        {f"{button}.n_clicks": 1},
        state={f"{Importer.text}.value": text, f"{Importer.lang}.data": "sv"},
    )


def parse(client, text):
    return press(client, Importer.draft, Importer.parse, text)


def save(client, text):
    return press(client, Importer.saved, Importer.save_pledge, text)


def test_a_pasted_pledge_becomes_a_draft_that_can_be_saved_once(client, demo_copy):
    response = parse(client, PLEDGE_TEXT)
    shown = texts(response[Importer.draft]["children"])
    for expected in (
        "Härryda (1401)",
        "2025-03-01 – 2026-02-28",
        "genomföra minst sex riktade insatser vid pendelparkeringen",
        "6",
        "Ökad trygghet för resenärer",
        "Hittades inte i texten: ",
    ):
        assert any(expected in s for s in shown), expected
    draft = response[Importer.draft_yaml]["data"]
    assert draft["complete"] and draft["name"] == "harryda-2025.yaml" and "id: harryda-2025" in draft["yaml"]

    assert "Sparat: Medborgarlöfte Härryda 2025." in texts(save(client, PLEDGE_TEXT)[Importer.saved]["children"])
    with GeoPackageStore.open(demo_copy) as store:
        assert store.get_pledge("harryda-2025").municipality.code == "1401"
    again = texts(save(client, PLEDGE_TEXT)[Importer.saved]["children"])
    assert any("finns redan; det skrivs inte över" in s for s in again)


def test_an_incomplete_text_cannot_be_saved_and_says_what_is_missing(client, demo_copy):
    text = "Medborgarlöfte\nPolisen lovar att:\n- vara synliga i centrum\n"
    response = parse(client, text)
    assert response[Importer.draft_yaml]["data"]["complete"] is False
    shown = " ".join(texts(response[Importer.draft]["children"]))
    assert "Hittades inte i texten: " in shown and "period" in shown
    refused = " ".join(texts(save(client, text)[Importer.saved]["children"]))
    # In the page's language, with the page's own next step (it used to be the model's English).
    assert "Utkastet saknar något ett löfte behöver" in refused and "was not found" not in refused
    with GeoPackageStore.open(demo_copy) as store:
        assert len(store.list_pledges()) == 2
