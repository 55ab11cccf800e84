"""The overview in a real headless Chromium against a real `pledgemap serve` (issue 13: dates, the public role, the selection)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.ids import Overview

from browser import SCREENSHOTS, axe_violations, browser_page, serving

pytestmark = pytest.mark.browser

# The unsafe places the map draws, as [id, heading, detail, day reported] per point (see dashboard/figures/map.py).
PLACE_DAYS = (
    f"document.querySelector('#{Overview.map} .js-plotly-plot').data"
    ".filter(t => t.meta && t.meta.role === 'records' && t.meta.layer === 'unsafe_places')"
    ".flatMap(t => t.customdata.map(c => c[3]))"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("overview") / "pledgemap.gpkg"
    with serving(data, env={"PLEDGEMAP_TILES": "none"}) as url:
        yield url


def _settle(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=30_000)
    page.wait_for_timeout(300)


def _wait_for_records(page) -> None:
    page.wait_for_function(
        f"() => {{ const g = document.querySelector('#{Overview.map} .js-plotly-plot');"
        " return g && g.data && g.data.some(t => t.meta && t.meta.role === 'records'); }",
        timeout=60_000,
    )
    _settle(page)


def test_dates_typed_with_the_keyboard_filter_the_map_without_a_page_error(served):
    with browser_page(1366, 768) as (page, console):
        page.goto(served + "?pledge=mark-2021&layers=unsafe_places")
        _wait_for_records(page)
        before = page.evaluate(f"() => {PLACE_DAYS}")
        # Chromium here has only en-US: a date field reads mm/dd/yyyy, one segment after the other.
        page.locator(f"#{Overview.start}").focus()
        page.keyboard.type("03012021", delay=40)
        page.locator(f"#{Overview.end}").focus()
        page.keyboard.type("05312021", delay=40)
        page.keyboard.press("Tab")
        page.wait_for_function("() => new URLSearchParams(location.search).get('end') === '2021-05-31'")
        page.wait_for_function(f"() => {PLACE_DAYS}.length < {len(before)}", timeout=20_000)
        _settle(page)
        after = page.evaluate(f"() => {PLACE_DAYS}")
        assert page.locator(f"#{Overview.start}").input_value() == "2021-03-01"
        assert page.locator(f"#{Overview.end}").input_value() == "2021-05-31"
        page.screenshot(path=SCREENSHOTS / "overview-typed-dates.png")
    assert after and all(dt.date(2021, 3, 1) <= dt.date.fromisoformat(day) <= dt.date(2021, 5, 31) for day in after)
    assert any(not "2021-03-01" <= day <= "2021-05-31" for day in before)
    assert console.errors == []


PASSWORD = "en lång lösenfras"


@pytest.fixture(scope="module")
def served_with_accounts(tmp_path_factory):
    from geodata.access.accounts import add_user
    from geodata.demo import write_demo_store

    data = tmp_path_factory.mktemp("accounts") / "pledgemap.gpkg"
    store = write_demo_store(data)
    try:
        add_user(store, "ada", "admin", PASSWORD)
        add_user(store, "ulla", "public", PASSWORD)
    finally:
        store.close()
    with serving(data, env={"PLEDGEMAP_TILES": "none"}) as url:
        yield url


def _sign_in(page, url: str, name: str, next_path: str = "") -> None:
    page.goto(url + next_path)
    page.wait_for_url("**/login**")
    page.get_by_label("Användarnamn").fill(name)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda u: "/login" not in u)


PUBLIC_TRACES = (
    f"((document.querySelector('#{Overview.map} .js-plotly-plot') || {{}}).data || [])"
    ".filter(t => t.meta && t.meta.role === 'public').map(t => [t.meta.layer, (t.z || t.lon || []).length])"
)


def test_the_public_role_sees_the_aggregated_view_and_only_its_pages(served_with_accounts):
    url = served_with_accounts
    with browser_page(1366, 768) as (page, console):
        _sign_in(page, url, "ulla", "?pledge=mark-2021")
        page.wait_for_function(f"() => {PUBLIC_TRACES}.length === 3", timeout=60_000)
        _settle(page)
        drawn = dict(page.evaluate(f"() => {PUBLIC_TRACES}"))
        layer_labels = page.locator(f"#{Overview.layers} label").all_inner_texts()
        menu = page.locator("nav .pm-nav a").all_inner_texts()
        note = page.locator(".pm-public-note").inner_text()
        records = page.evaluate(
            f"() => document.querySelector('#{Overview.map} .js-plotly-plot').data"
            ".filter(t => t.meta && t.meta.role === 'records').length"
        )
        page.screenshot(path=SCREENSHOTS / "overview-public-1366.png", full_page=True)
        overview_violations = axe_violations(page)
        page.goto(url + "sites?pledge=mark-2021")
        page.get_by_role("heading", name="Fastigheter är inte tillgänglig för ditt konto").wait_for()
        sites_page = page.locator("main").inner_text()
        refusal_violations = axe_violations(page)
        page.screenshot(path=SCREENSHOTS / "sites-public-refused-1366.png", full_page=True)
        page.get_by_role("link", name="Översikt").last.click()
        page.wait_for_function(f"() => {PUBLIC_TRACES}.length === 3", timeout=60_000)
    # Aggregated counts, not "(0)": the unsafe places as hexagons, operations and sites per area.
    assert drawn["unsafe_places"] > 0 and drawn["operations"] > 0 and drawn["inventoried_sites"] > 0, drawn
    assert records == 0
    assert all(not label.endswith("(0)") for label in layer_labels), layer_labels
    assert "offentliga vyn" in note
    assert menu == ["Översikt", "Alla löften", "Löftet"], menu
    assert "Något gick fel" not in sites_page
    assert "Det här kan du använda:" in sites_page
    assert overview_violations == [] and refusal_violations == [], (overview_violations, refusal_violations)
    assert console.errors == []


def test_an_admin_still_gets_every_page_and_the_records(served_with_accounts):
    with browser_page(1366, 768) as (page, console):
        _sign_in(page, served_with_accounts, "ada", "?pledge=mark-2021")
        _wait_for_records(page)
        menu = page.locator("nav .pm-nav a").all_inner_texts()
        public = page.evaluate(f"() => {PUBLIC_TRACES}")
    assert menu == [
        "Översikt",
        "Alla löften",
        "Löftet",
        "Lager",
        "Fastigheter",
        "Analys",
        "Lägesbild",
        "Importera",
        "Trygghetsmätningar",
    ]
    assert public == []
    assert console.errors == []


PUBLIC_PLACES = (
    f"(((document.querySelector('#{Overview.map} .js-plotly-plot') || {{}}).data || [])"
    ".find(t => t.meta && t.meta.role === 'public' && t.meta.layer === 'unsafe_places') || {locations: []})"
    ".locations.join(';')"
)


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768), (1280, 720), (390, 844)])
def test_the_public_role_chooses_a_quarter_and_the_map_counts_it(served_with_accounts, size):
    width, height = size
    with browser_page(width, height) as (page, console):
        _sign_in(page, served_with_accounts, "ulla", "?pledge=mark-2021")
        page.wait_for_function(f"() => {PUBLIC_TRACES}.length === 3", timeout=60_000)
        _settle(page)
        whole = page.evaluate(f"() => {PUBLIC_PLACES}")
        picker = page.locator(".pm-period-picker")
        page.locator(f"#{Overview.period}").get_by_label("Kvartal 2 2021").check()
        page.wait_for_function("() => new URLSearchParams(location.search).get('period') === '2021-Q2'")
        page.wait_for_function(f"() => {PUBLIC_PLACES} !== {whole!r}", timeout=30_000)
        _settle(page)
        quarter = page.evaluate(f"() => {PUBLIC_PLACES}")
        box = picker.bounding_box()
        picker.scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / f"overview-public-period-{width}x{height}.png")
        violations = axe_violations(page)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert whole and quarter and len(quarter.split(";")) < len(whole.split(";"))
    assert box is not None and box["width"] <= width
    assert overflow <= 0, overflow
    assert violations == [], violations
    assert console.errors == []
