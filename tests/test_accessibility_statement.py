"""The accessibility statement (tillgänglighetsredogörelse): its contents, and the footer link on every page."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.auth import PUBLIC_STATEMENT
from dashboard.components.statement import ASSESSED, DIGG_COMPLAINT_FORM, REVIEWED, statement, to_html
from dashboard.settings import Settings
from dashboard.standalone import build_standalone_map
from geodata import open_store
from geodata.access.accounts import add_user
from geodata.store import GeoPackageStore, migrate

from dash_http import make_client, render_page, texts

PAGES = ("/", "/pledge", "/layers", "/sites", "/analysis", "/lagesbild", "/import", "/surveys", "/tillganglighet")
# The Swedish heading, with a soft hyphen where the compound may break on a phone ("Tillgänglighets-/redogörelse").
TITLE_SV = "Tillgänglighets\u00adredogörelse för Pledgemap"


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
        TITLE_SV,
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
    assert TITLE_SV in page and "tillganglighet@mark.se" in page
    assert f'<a href="{DIGG_COMPLAINT_FORM}">{DIGG_COMPLAINT_FORM}</a>' in page
    assert "Accessibility statement for Pledgemap" in english and "Contact missing" in english


def test_the_statement_as_html_escapes_what_it_writes():
    written = to_html(statement("sv", "<script>alert(1)</script>"))
    assert "<script>" not in written and "&lt;script&gt;" in written
    assert written.startswith(f"<h1>{TITLE_SV}</h1>")


# --- before signing in: the statement as a plain page, linked from the sign-in page ------------------------------


@pytest.fixture
def signed(demo_copy):
    """A store with an account, so sign-in is on."""
    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "pia", "police", "en lång lösenfras")
    return demo_copy


def test_the_statement_can_be_read_before_signing_in_in_swedish_and_english(signed):
    client = make_client(Settings(data=signed, tiles_url=None, accessibility_contact="tillganglighet@mark.se"))
    answer = client.get(PUBLIC_STATEMENT)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    page = answer.get_data(as_text=True)
    assert '<html lang="sv">' in page and "<title>Tillgänglighetsredogörelse – Pledgemap</title>" in page
    assert '<link rel="stylesheet" href="/assets/pledgemap.css">' in page and "<script" not in page
    # The same statement the dashboard's page shows, built once: every section, the contact set, DIGG's form.
    assert to_html(statement("sv", "tillganglighet@mark.se")) in page
    for expected in (
        f"<h1>{TITLE_SV}</h1>",
        "lagen (2018:1937) om tillgänglighet till digital offentlig service",
        "delvis förenlig",
        "WCAG 2.1 på nivå AA",
        "Innehåll som inte är tillgängligt",
        "Kartorna på Översikt",
        "axe-core",
        "Den senaste bedömningen gjordes den 1 december 2026",
        "tillganglighet@mark.se",
        "Myndigheten för digital förvaltning (Digg) har ansvaret för tillsyn",
        f'<a href="{DIGG_COMPLAINT_FORM}">{DIGG_COMPLAINT_FORM}</a>',
        "Redogörelsen uppdaterades senast den 1 december 2026",
    ):
        assert expected in page, expected
    # The gap this page closes is no longer listed as one.
    assert "Inloggningssidan" not in page
    assert f'href="{PUBLIC_STATEMENT}?lang=en" lang="en" hreflang="en"' in page

    english = client.get(PUBLIC_STATEMENT + "?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "<title>Accessibility statement – Pledgemap</title>" in english
    assert to_html(statement("en", "tillganglighet@mark.se")) in english
    for expected in ("Accessibility statement for Pledgemap", "partially compliant", "Enforcement procedure"):
        assert expected in english, expected
    assert "Tillsyn" not in english and f'href="{PUBLIC_STATEMENT}" lang="sv" hreflang="sv"' in english
    # Signed out still: reading the statement opens nothing else.
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_sign_in_page_links_the_statement_in_its_footer(signed, lang):
    client = make_client(Settings(data=signed, tiles_url=None))
    search = "?lang=en" if lang == "en" else ""
    page = client.get("/login" + search).get_data(as_text=True)
    footer = page.split('<footer class="pm-footer">')[1].split("</footer>")[0]
    words = "Tillgänglighetsredogörelse" if lang == "sv" else "Accessibility statement"
    assert f'<a href="{PUBLIC_STATEMENT}{search}">{words}</a>' in footer
    assert client.get(PUBLIC_STATEMENT + search).status_code == 200


def test_only_the_statement_opens_before_signing_in(signed):
    client = make_client(Settings(data=signed, tiles_url=None))
    for path in ("/", "/tillganglighet", "/tillganglighet?lang=en", "/layers", "/sites", "/pledge"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login?next="), path
    for path in (
        "/_dash-layout",
        "/_dash-dependencies",
        "/tiles/10/550/300.png",
        "/ogc/collections",
    ):
        assert client.get(path).status_code == 401, path
    # Whole paths only: nothing beside or below the statement's address opens.
    for path in ("/tillganglighet.htm", "/tillganglighet.html/x", "/tillganglighet.htmlx", "/x/tillganglighet.html"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login?"), path
    assert client.post(PUBLIC_STATEMENT, headers={"Origin": "http://localhost"}).status_code == 405


# The lines a heading is drawn on, as the words on each (a soft hyphen's break shows as a line ending there).
BROKEN_WORDS = """h => {
    const text = h.firstChild, lines = [];
    let line = '', top = null;
    for (let i = 0; i < text.length; i++) {
        const range = document.createRange();
        range.setStart(text, i); range.setEnd(text, i + 1);
        const rects = range.getClientRects(), box = rects[rects.length - 1];  // the last: where a break puts it
        if (!box) { continue; }  // a soft hyphen that did not break
        if (top !== null && box.top > top + 5) { lines.push(line.trim()); line = ''; }
        top = box.top;
        line += text.data[i];
    }
    lines.push(line.trim());
    return lines.map(l => l.replace('\u00ad', ''));
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(390, 844), (1366, 768)])
def test_the_statement_before_sign_in_reads_in_the_browser_and_passes_axe(signed, width, height):
    from browser import SCREENSHOTS, axe_violations, browser_page, serving

    with serving(signed, env={"PLEDGEMAP_TILES": "none"}) as url, browser_page(width, height) as (page, console):
        page.goto(url + "layers?pledge=mark-2021")
        page.wait_for_url("**/login?next=**")
        page.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighetsredogörelse").click()
        page.wait_for_url("**" + PUBLIC_STATEMENT)
        heading = page.get_by_role("heading", level=1)
        assert heading.inner_text() == TITLE_SV
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width < 500:  # the compound breaks at its soft hyphen, never inside a part of it
            assert heading.evaluate(BROKEN_WORDS) == ["Tillgänglighets", "redogörelse för", "Pledgemap"]
        page.screenshot(path=SCREENSHOTS / f"statement-public-sv-{width}.png", full_page=True)
        assert axe_violations(page) == []
        page.get_by_role("link", name="English").click()
        page.wait_for_url("**" + PUBLIC_STATEMENT + "?lang=en")
        page.get_by_role("heading", level=1, name="Accessibility statement for Pledgemap").wait_for()
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=SCREENSHOTS / f"statement-public-en-{width}.png", full_page=True)
        assert axe_violations(page) == []
        assert console.errors == []
