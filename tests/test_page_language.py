"""A page's <html lang> and <title> follow its language, on the first HTML and when Dash routes to it."""

from __future__ import annotations

import re

import pytest

from dash_http import route_page

PAGES = {
    "/": ("Översikt", "Overview"),
    "/alla": ("Alla löften", "All pledges"),
    "/pledge": ("Löftet", "Pledge"),
    "/layers": ("Lager", "Layers"),
    "/sites": ("Fastigheter", "Sites worklist"),
    "/analysis": ("Analys", "Analysis"),
    "/lagesbild": ("Lägesbild", "Situation report"),
    "/import": ("Importera", "Import"),
    "/surveys": ("Trygghetsmätningar", "Safety surveys"),
    "/tillganglighet": ("Tillgänglighetsredogörelse", "Accessibility statement"),
}


@pytest.mark.parametrize("path", list(PAGES))
def test_the_first_html_has_the_page_s_language_and_title(client, path):
    sv, en = PAGES[path]
    swedish = client.get(path).get_data(as_text=True)
    assert '<html lang="sv">' in swedish and f"<title>Pledgemap – {sv}</title>" in swedish
    english = client.get(f"{path}?pledge=mark-2021&lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and f"<title>Pledgemap – {en}</title>" in english
    assert "{%lang%}" not in english


def _routed_title(client, path: str, search: str) -> str:
    return route_page(client, path, search)["_pages_store"]["data"]["title"]


def test_the_title_dash_sets_when_routing_follows_the_language(client):
    assert _routed_title(client, "/layers", "?lang=en") == "Pledgemap – Layers"
    assert _routed_title(client, "/layers", "?pledge=mark-2021") == "Pledgemap – Lager"
    assert _routed_title(client, "/analysis", "?pledge=mark-2021&lang=en") == "Pledgemap – Analysis"
    assert not re.search("Översikt|Lager", _routed_title(client, "/", "?lang=en"))
