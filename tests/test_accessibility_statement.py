"""The accessibility statement (tillgänglighetsredogörelse): its contents, and the footer link on every page."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.components.statement import ASSESSED, DIGG_COMPLAINT_FORM, REVIEWED, statement, to_html
from dashboard.settings import Settings
from dashboard.standalone import build_standalone_map
from geodata import open_store
from geodata.store import migrate

from dash_http import make_client, render_page, texts

PAGES = ("/", "/pledge", "/layers", "/sites", "/analysis", "/import", "/tillganglighet")


def of_type(tree, kind: str) -> list[dict]:
    """Components of ``kind`` (``"A"``, ``"Footer"``) in a rendered tree, in document order."""
    found = []
    if isinstance(tree, list):
        for item in tree:
            found.extend(of_type(item, kind))
    elif isinstance(tree, dict):
        if tree.get("type") == kind:
            found.append(tree)
        found.extend(of_type(tree.get("props", {}).get("children"), kind))
    return found


def statement_links(tree) -> list[dict]:
    return [a for a in of_type(tree, "A") if a["props"].get("href", "").startswith("/tillganglighet")]


def test_the_statement_has_what_digg_asks_for_in_swedish_and_in_english(client):
    sv = " ".join(texts(render_page(client, "/tillganglighet")))
    for expected in (
        "Tillgänglighetsredogörelse för Pledgemap",
        "lagen (2018:1937) om tillgänglighet till digital offentlig service",
        "delvis förenlig",  # the conformance status, honestly
        "WCAG 2.1 på nivå AA",
        "Innehåll som inte är tillgängligt",
        "Kartorna på Översikt",  # a known gap, and what to use instead
        "tabell på sidan Lager",
        "axe-core",  # the method of the assessment
        "manuellt",
        "Den senaste bedömningen gjordes den 1 december 2026",
        "Kontaktuppgift saknas",  # the feedback path: no contact set, so the marked placeholder
        "PLEDGEMAP_ACCESSIBILITY_CONTACT",
        "Myndigheten för digital förvaltning (Digg) har ansvaret för tillsyn",
        "Redogörelsen uppdaterades senast den 1 december 2026",
    ):
        assert expected in sv, expected
    links = of_type(render_page(client, "/tillganglighet"), "A")
    [digg] = [a for a in links if a["props"].get("href") == DIGG_COMPLAINT_FORM]
    assert digg["props"]["children"] == DIGG_COMPLAINT_FORM and "download" not in digg["props"]

    en = " ".join(texts(render_page(client, "/tillganglighet", "?lang=en")))
    for expected in (
        "Accessibility statement for Pledgemap",
        "partially compliant",
        "Enforcement procedure",
        "Contact missing",
    ):
        assert expected in en, expected
    assert ASSESSED <= REVIEWED <= dt.date.today()


def test_the_statement_names_the_contact_the_installation_sets(demo_copy):
    client = make_client(Settings(data=demo_copy, tiles_url=None, accessibility_contact="tillganglighet@mark.se"))
    shown = " ".join(texts(render_page(client, "/tillganglighet")))
    assert "tillganglighet@mark.se" in shown and "Kontaktuppgift saknas" not in shown
    assert (
        Settings.from_env({"PLEDGEMAP_ACCESSIBILITY_CONTACT": " 0320-21 70 00 "}).accessibility_contact
        == "0320-21 70 00"
    )
    assert Settings.from_env({}).accessibility_contact is None


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_page_links_to_the_statement_in_its_footer(client, lang):
    search = "?lang=en" if lang == "en" else ""
    for path in PAGES:
        tree = render_page(client, path, search)
        [footer] = of_type(tree, "Footer")
        [link] = statement_links(footer)
        assert link["props"]["children"] == (
            "Tillgänglighetsredogörelse" if lang == "sv" else "Accessibility statement"
        )
        assert link["props"]["href"] == "/tillganglighet" + search, path


def test_a_page_without_a_pledge_to_show_has_the_footer_too(tmp_path):
    empty = tmp_path / "empty.gpkg"
    migrate(empty)  # a new store at the current schema, with no pledge in it
    client = make_client(Settings(data=empty, tiles_url=None))
    tree = render_page(client, "/pledge")
    assert "Det finns inga medborgarlöften i databasen ännu." in texts(tree)
    [footer] = of_type(tree, "Footer")
    assert statement_links(footer)


def test_the_standalone_and_presentation_maps_carry_the_statement(demo_copy):
    with open_store(demo_copy) as store:
        page = build_standalone_map(store, "mark-2021", public=True, lang="sv", contact="tillganglighet@mark.se")
        english = build_standalone_map(store, "mark-2021", lang="en")
    assert "Tillgänglighetsredogörelse för Pledgemap" in page and "tillganglighet@mark.se" in page
    assert f'<a href="{DIGG_COMPLAINT_FORM}">{DIGG_COMPLAINT_FORM}</a>' in page
    assert "Accessibility statement for Pledgemap" in english and "Contact missing" in english


def test_the_statement_as_html_escapes_what_it_writes():
    written = to_html(statement("sv", "<script>alert(1)</script>"))
    assert "<script>" not in written and "&lt;script&gt;" in written
    assert written.startswith("<h1>Tillgänglighetsredogörelse för Pledgemap</h1>")
