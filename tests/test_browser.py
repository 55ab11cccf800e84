"""In a real headless Chromium (Debian's, driven by Playwright) against a real `pledgemap serve`."""

from __future__ import annotations

import base64
import http.server
import re
import threading

import pytest

from dashboard.ids import Layers, Overview

from browser import SCREENSHOTS, axe_violations, browser_page, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`pledgemap serve` on a path with no store yet: it writes the demo store on first run."""
    data = tmp_path_factory.mktemp("served") / "fresh" / "pledgemap.gpkg"
    with serving(data, env={"PLEDGEMAP_TILES": "none"}) as url:
        assert data.is_file()
        yield url


# Markers the map figure holds for record traces (read from the graph's figure in the page).
MAP_POINTS = (
    f"document.querySelector('#{Overview.map} .js-plotly-plot').data"
    ".filter(t => t.meta && t.meta.role === 'records')"
    ".reduce((n, t) => n + t.ids.length, 0)"
)


def map_point_count(page) -> int:
    return page.evaluate(f"() => {MAP_POINTS}")


def wait_for_fewer_points(page, before: int) -> None:
    page.wait_for_function(f"() => {MAP_POINTS} < {before}", timeout=20_000)


def wait_for_map(page):
    """Wait until the map's figure has arrived and MapLibre has drawn it; keep a screenshot if it never does."""
    try:
        page.wait_for_function(
            f"() => {{ const g = document.querySelector('#{Overview.map} .js-plotly-plot');"
            " return g && g.data && g.data.some(t => t.meta && t.meta.role === 'records'); }",
            timeout=60_000,
        )
        page.wait_for_selector(f"#{Overview.map} .maplibregl-canvas", timeout=60_000)
    except Exception:
        page.screenshot(path=SCREENSHOTS / "failed-wait-for-map.png", full_page=True)
        raise


def settle(page):
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=30_000)
    page.wait_for_timeout(300)


def open_map(page, url: str) -> None:
    """Open ``url`` and wait until its map has drawn and no callback is still loading."""
    page.goto(url)
    wait_for_map(page)
    settle(page)


def test_overview_loads_without_console_errors(server):
    with browser_page() as (page, console):
        open_map(page, server)
        assert page.locator(f"#{Overview.title}").inner_text() == "Medborgarlöfte Mark 2021"
        assert "Demodata:" in page.locator("#demo-banner").inner_text()
        assert "3 av 4" in page.locator("#card-mark-2021-riktade-insatser").inner_text()
        page.screenshot(path=SCREENSHOTS / "overview-sv.png", full_page=True)
    assert console.errors == []


def test_toggling_a_layer_changes_what_the_map_draws(server):
    with browser_page() as (page, console):
        open_map(page, server)
        before = map_point_count(page)
        page.get_by_label(re.compile(r"^Otrygga platser \(\d+\)$")).uncheck()
        wait_for_fewer_points(page, before)
        assert map_point_count(page) < before
        # The address follows the view in its own callback: wait for it rather than read it once.
        page.wait_for_url(
            lambda u: "unsafe_places" not in u and "layers=inventoried_sites%2Coperations" in u.replace(",", "%2C")
        )
    assert console.errors == []


def test_switching_pledge_changes_timeline_and_map(server):
    with browser_page() as (page, console):
        open_map(page, server)
        page.get_by_label("Medborgarlöfte Mölndals stad 2018").check()
        page.wait_for_function(f"() => document.querySelector('#{Overview.title}').innerText.includes('Mölndal')")
        settle(page)
        rows = page.evaluate(
            f"() => document.querySelector('#{Overview.timeline} .js-plotly-plot').data"
            ".filter(t => t.meta && t.meta.role === 'period').length"
        )
        assert rows == 3
        lons = page.evaluate(
            f"() => document.querySelector('#{Overview.map} .js-plotly-plot')._fullData"
            ".filter(t => t.meta && t.meta.role === 'records').flatMap(t => Array.from(t.lon))"
        )
        assert lons and all(11.9 < lon < 12.2 for lon in lons)  # Mölndal, not Mark
        page.wait_for_url(lambda u: "pledge=molndal-2018" in u)
    assert console.errors == []


def test_choosing_a_promise_filters_the_map_and_the_url_restores_it(server):
    with browser_page() as (page, console):
        open_map(page, server)
        page.get_by_label(re.compile("^Riktade insatser")).check()
        page.wait_for_function(
            f"() => document.querySelector('#{Overview.map} .js-plotly-plot').data"
            ".some(t => t.meta && t.meta.role === 'highlight')",
            timeout=20_000,
        )
        settle(page)
        url = page.url
        assert "promise=mark-2021-riktade-insatser" in url
        operations = page.evaluate(
            f"() => document.querySelector('#{Overview.map} .js-plotly-plot').data"
            ".filter(t => t.meta && t.meta.layer === 'operations' && t.meta.role === 'records')"
            ".reduce((n, t) => n + t.ids.length, 0)"
        )
        assert operations == 3
        page.screenshot(path=SCREENSHOTS / "overview-promise.png", full_page=True)
    with browser_page() as (page, console_again):
        open_map(page, url)
        assert page.get_by_label(re.compile("^Riktade insatser")).is_checked()
    assert console.errors == [] and console_again.errors == []


def test_language_switch_changes_the_labels_and_keeps_the_view(server):
    with browser_page() as (page, console):
        open_map(page, server + "?pledge=molndal-2018")
        page.get_by_role("link", name="English").click()
        page.wait_for_selector("text=Filters")
        wait_for_map(page)
        settle(page)
        assert "lang=en" in page.url and "pledge=molndal-2018" in page.url
        assert page.locator(f"#{Overview.title}").inner_text() == "Medborgarlöfte Mölndals stad 2018"
        assert page.get_by_role("link", name="Svenska").is_visible()
        page.screenshot(path=SCREENSHOTS / "overview-en.png", full_page=True)
    assert console.errors == []


@pytest.mark.parametrize(
    "path", ["/", "/?lang=en&pledge=molndal-2018", "/pledge", "/layers?layer=operations", "/sites", "/analysis"]
)
def test_pages_have_no_serious_accessibility_violations(server, path):
    with browser_page() as (page, console):
        page.goto(server.rstrip("/") + path)
        page.wait_for_selector("#main")
        settle(page)
        violations = axe_violations(page)
        name = path.strip("/").split("?")[0] or "overview"
        page.screenshot(path=SCREENSHOTS / f"page-{name}{'-en' if 'lang=en' in path else ''}.png", full_page=True)
    assert violations == [], violations
    assert console.errors == []


def test_filters_work_from_the_keyboard(server):
    with browser_page() as (page, console):
        open_map(page, server)
        before = map_point_count(page)
        checkbox = page.get_by_label(re.compile(r"^Otrygga platser \(\d+\)$"))
        checkbox.focus()
        page.keyboard.press("Space")
        wait_for_fewer_points(page, before)
        assert not checkbox.is_checked()
        page.keyboard.press("Tab")  # on to the next control, not trapped
        assert page.evaluate("() => document.activeElement.type") == "checkbox"
    assert console.errors == []


def test_the_app_makes_no_request_beyond_itself(server):
    """With tiles off (the offline path) every script, style and data request goes to the app."""
    outside = []
    with browser_page() as (page, console):

        def guard(route):
            if route.request.url.startswith(server):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        for path in ("", "pledge", "layers", "sites"):
            page.goto(server + path)
            page.wait_for_selector("#main")
            settle(page)
        page.goto(server)
        wait_for_map(page)
    assert outside == []
    assert console.errors == []


def map_layers(page) -> list[str]:
    return page.evaluate(
        f"() => document.querySelector('#{Overview.map} .js-plotly-plot').layout.map.layers"
        ".map(l => l.sourcetype + ':' + (l.type || ''))"
    )


def map_centre(page, graph: str = Overview.map) -> dict:
    return page.evaluate(f"() => document.querySelector('#{graph} .js-plotly-plot').layout.map.center")


def wait_for_centre_change(page, graph: str, before: dict) -> None:
    """Wait until the map in ``#graph`` has moved its centre away from ``before``."""
    page.wait_for_function(
        f"(lon) => document.querySelector('#{graph} .js-plotly-plot').layout.map.center.lon !== lon",
        arg=before["lon"],
        timeout=30_000,
    )


def switch_to_molndal_and_wait(page):
    before = map_centre(page)
    page.get_by_label("Medborgarlöfte Mölndals stad 2018", exact=True).check()
    wait_for_centre_change(page, Overview.map, before)


def test_with_tiles_configured_but_unreachable_the_map_still_draws_and_updates(tmp_path):
    """On a closed network the tiles stay off: plotly's map stops updating after a tile error, so they are
    used only once the browser has loaded one."""
    data = tmp_path / "tiles.gpkg"
    unreachable = "http://127.0.0.9:9/{z}/{x}/{y}.png"  # loopback, nothing listens: a closed network
    with serving(data, env={"PLEDGEMAP_TILES": unreachable}) as url, browser_page() as (page, _console):
        page.goto(url)
        wait_for_map(page)
        page.locator(f"#{Overview.basemap_note}").wait_for()  # "Kartbakgrunden kan inte nås härifrån"
        settle(page)
        assert "raster:" not in map_layers(page) and "geojson:line" in map_layers(page)
        assert (
            page.locator(f"#{Overview.basemap} input").is_disabled()
            and not page.locator(f"#{Overview.basemap} input").is_checked()
        )
        assert map_point_count(page) > 0
        switch_to_molndal_and_wait(page)  # the map follows the filters
        page.screenshot(path=SCREENSHOTS / "overview-tiles-unreachable.png")


class _Tiles(http.server.BaseHTTPRequestHandler):
    # A one-pixel PNG for every tile: a reachable tile server on loopback.
    PNG = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(self.PNG)

    def log_message(self, *args):
        pass


def test_reachable_tiles_are_drawn_under_the_data_and_can_be_switched_off(tmp_path):
    tiles = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    threading.Thread(target=tiles.serve_forever, daemon=True).start()
    template = f"http://127.0.0.1:{tiles.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    try:
        with serving(tmp_path / "t.gpkg", env={"PLEDGEMAP_TILES": template}) as url, browser_page() as (page, console):
            page.goto(url)
            wait_for_map(page)
            page.wait_for_function(
                f"() => document.querySelector('#{Overview.map} .js-plotly-plot').layout.map.layers"
                ".some(l => l.sourcetype === 'raster')",
                timeout=30_000,
            )
            assert (
                page.locator(f"#{Overview.basemap} input").is_checked()
                and page.locator(f"#{Overview.basemap_note}").is_hidden()
            )
            switch_to_molndal_and_wait(page)
            page.locator(f"#{Overview.basemap} input").uncheck()
            page.wait_for_function(
                f"() => !document.querySelector('#{Overview.map} .js-plotly-plot').layout.map.layers"
                ".some(l => l.sourcetype === 'raster')",
                timeout=30_000,
            )
        assert console.errors == []
    finally:
        tiles.shutdown()


def test_a_site_chosen_on_the_layers_page_opens_in_view_on_a_closed_network(tmp_path):
    data = tmp_path / "closed.gpkg"
    with (
        serving(data, env={"PLEDGEMAP_TILES": "http://127.0.0.9:9/{z}/{x}/{y}.png"}) as url,
        browser_page(width=1366, height=768) as (page, _console),
    ):
        page.goto(url + "layers?layer=inventoried_sites")
        page.locator(".pm-row-button").first.click()
        page.wait_for_url("**/layers?**record=**")
        page.locator(f"#{Layers.details} .pm-details-head").wait_for()
        settle(page)
        box = page.locator(f"#{Layers.details}").bounding_box()
        assert box["y"] < 768, "the details should be on screen without scrolling"
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        page.locator(".pm-row-selected").wait_for()
        before = map_centre(page, Layers.map)
        page.locator(".pm-row-button").nth(3).click()
        wait_for_centre_change(page, Layers.map, before)
        page.screenshot(path=SCREENSHOTS / "layers-record-1366.png")


def test_signing_in_and_out_in_the_browser(demo_copy):
    from geodata.access.accounts import add_user
    from geodata.store import GeoPackageStore

    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "mats", "municipality", "en lång lösenfras")
    with serving(demo_copy, env={"PLEDGEMAP_TILES": "none"}) as url, browser_page() as (page, console):
        page.goto(url + "pledge?pledge=mark-2021")
        page.wait_for_url("**/login?next=**")
        assert axe_violations(page) == []
        page.get_by_label("Användarnamn").fill("mats")
        page.get_by_label("Lösenord").fill("fel fel fel fel")
        page.get_by_role("button", name="Logga in").click()
        page.get_by_text("Fel användarnamn eller lösenord.").wait_for()
        page.get_by_label("Användarnamn").fill("mats")
        page.get_by_label("Lösenord").fill("en lång lösenfras")
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url("**/pledge?pledge=mark-2021")
        page.get_by_text("Inloggad: mats (kommun)").wait_for()
        page.screenshot(path=SCREENSHOTS / "signed-in.png")
        page.get_by_role("button", name="Logga ut").click()
        page.wait_for_url("**/login")
    assert [e for e in console.errors if "401" not in e] == []


def colleague_saves(data, layer: str, record_id: str, changes: dict) -> None:
    """Someone else saves ``changes`` to a record, straight into the store, while a form in the page has it open."""
    from geodata.store import GeoPackageStore, LayerQuery

    with GeoPackageStore.open(data) as store:
        current = store.read_layer(layer, LayerQuery(ids=(record_id,))).iloc[0]
        store.update_record(layer, record_id, changes, int(current["version"]), actor="kollega")


def test_a_site_takes_a_workflow_step_and_a_late_second_save_is_told_of_the_conflict(demo_copy):
    from geodata.store import GeoPackageStore, LayerQuery

    with GeoPackageStore.open(demo_copy) as store:
        sites = store.read_layer("inventoried_sites", LayerQuery(pledge_id="mark-2021"))
    flagged = sites[sites["status"] == "flagged"].iloc[0]
    address = f"/layers?pledge=mark-2021&layer=inventoried_sites&record={flagged['id']}"
    with serving(demo_copy, env={"PLEDGEMAP_TILES": "none"}) as url, browser_page() as (page, console):
        page.goto(url + address.lstrip("/"))
        form = page.locator(".pm-workflow")
        form.wait_for()
        assert axe_violations(page) == []
        for item in (
            "Belysning",
            "Lås och tillträde",
            "Sikt och vegetation",
            "Nedskräpning och skadegörelse",
            "Spår av tillhåll",
        ):
            form.locator("fieldset", has_text=item).get_by_label("OK", exact=True).check()
        form.get_by_label("Kommentar från inspektionen").fill("Allt i ordning")
        form.get_by_role("button", name="Spara steget").click()
        page.get_by_text("Sparat: platsen är nu ”Inspekterad”.").wait_for()
        page.get_by_text("Nästa steg").wait_for()
        page.screenshot(path=SCREENSHOTS / "workflow-step.png", full_page=True)

        # Someone else steps the site while this form is open: the save is refused and says so.
        colleague_saves(demo_copy, "inventoried_sites", flagged["id"], {"inspection_comment": "Ändrat av en kollega"})
        form.get_by_role("button", name="Spara steget").click()
        page.get_by_text("Någon annan sparade platsen efter att du öppnade den").wait_for()
    with GeoPackageStore.open(demo_copy) as store:
        stored = store.read_layer("inventoried_sites", LayerQuery(ids=(flagged["id"],))).iloc[0]
    assert stored["status"] == "inspected" and stored["inspection_comment"] == "Ändrat av en kollega"
    assert console.errors == []


def test_editing_a_record_conflicting_and_deleting_it(demo_copy):
    from geodata.store import GeoPackageStore, LayerQuery

    with GeoPackageStore.open(demo_copy) as store:
        place = store.read_layer("unsafe_places", LayerQuery(pledge_id="mark-2021")).iloc[0]
    address = f"layers?pledge=mark-2021&layer=unsafe_places&record={place['id']}"
    with serving(demo_copy, env={"PLEDGEMAP_TILES": "none"}) as url, browser_page() as (page, console):
        page.goto(url + address)
        page.locator(".pm-edit summary").click()
        form = page.locator(".pm-edit")
        form.get_by_label("Beskrivning").fill("Trasig belysning vid <b>gångtunneln</b>")
        form.locator("fieldset", has_text="Kategori").get_by_label("Dålig belysning", exact=True).check()
        form.get_by_role("button", name="Spara ändringarna").click()
        page.get_by_text("Ändringarna är sparade.").wait_for()
        page.locator(f"#{Layers.details}", has_text="Trasig belysning vid <b>gångtunneln</b>").wait_for()
        assert axe_violations(page) == []

        colleague_saves(demo_copy, "unsafe_places", place["id"], {"description": "Kollegans text"})  # form still open
        page.locator(".pm-edit summary").click()
        form.get_by_label("Beskrivning").fill("Min text")
        form.get_by_role("button", name="Spara ändringarna").click()
        conflict = page.locator(".pm-edit [role=alert]")
        conflict.get_by_text("Någon annan sparade posten").wait_for()
        assert "Kollegans text" in conflict.inner_text() and "Min text" in conflict.inner_text()
        page.screenshot(path=SCREENSHOTS / "edit-conflict.png", full_page=True)

        page.goto(url + address)
        page.locator(".pm-edit summary").click()
        form.get_by_role("button", name="Ta bort").click()
        page.get_by_text("Kryssa i rutan först").wait_for()
        form.get_by_label("Ja, ta bort posten").check()
        form.get_by_role("button", name="Ta bort").click()
        page.get_by_text("Posten är borttagen.").wait_for()
    with GeoPackageStore.open(demo_copy) as store:
        assert store.read_layer("unsafe_places", LayerQuery(ids=(place["id"],))).empty
        assert store.read_audit("unsafe_places", place["id"])[-1].action == "delete"
    assert console.errors == []


def test_adding_a_record_by_clicking_the_map_and_moving_it(demo_copy):
    from geodata.store import GeoPackageStore, LayerQuery

    with GeoPackageStore.open(demo_copy) as store:
        before = store.count("unsafe_places")
    with serving(demo_copy, env={"PLEDGEMAP_TILES": "none"}) as url, browser_page() as (page, console):
        page.goto(url + "layers?pledge=mark-2021&layer=unsafe_places")
        canvas = page.locator(f"#{Layers.map} .maplibregl-canvas")
        canvas.wait_for()
        settle(page)
        page.wait_for_timeout(1000)
        canvas.scroll_into_view_if_needed()  # below the pledge choice (eight pledges in the demo) on this window
        box = canvas.bounding_box()
        page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.55)
        form = page.locator(f"#{Layers.new}")
        form.get_by_text("Ny post där du klickade").wait_for()
        form.get_by_label("Rapporterad").fill("2021-06-01")
        form.locator("fieldset", has_text="Källa").get_by_label("Trygghetsvandring", exact=True).check()
        form.locator("fieldset", has_text="Kategori").get_by_label("Skadegörelse", exact=True).check()
        form.get_by_label("Beskrivning").fill("Klotter på elskåpet")
        form.get_by_role("button", name="Lägg till").click()
        page.get_by_text("Posten är tillagd.").wait_for()
        page.locator(f"#{Layers.details}", has_text="Klotter på elskåpet").wait_for()
        assert axe_violations(page) == []

        with GeoPackageStore.open(demo_copy) as store:
            added = store.read_layer("unsafe_places", LayerQuery(values=(("category", ("vandalism",)),)))
            added = added[added["description"] == "Klotter på elskåpet"].iloc[0]
        # The forms above have pushed the map down: click it where it is now (scrolled into view).
        canvas.click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.3})
        page.locator(f"#{Layers.new}").get_by_text("Ny post där du klickade").wait_for()
        page.locator(".pm-edit summary").first.click()
        page.get_by_label("Flytta posten till det jag senast klickade eller ritade på kartan").check()
        page.get_by_role("button", name="Spara ändringarna").click()
        page.get_by_text("Ändringarna är sparade.").wait_for()
    with GeoPackageStore.open(demo_copy) as store:
        assert store.count("unsafe_places") == before + 1
        moved = store.read_layer("unsafe_places", LayerQuery(ids=(added["id"],))).iloc[0]
        history = store.read_audit("unsafe_places", added["id"])
    assert moved.geometry.distance(added.geometry) > 100  # metres, in SWEREF 99 TM
    assert [e.action for e in history] == ["create", "edit"] and set(history[1].after) == {"geometry"}
    assert console.errors == []
