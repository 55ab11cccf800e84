"""Every page at the four screen sizes people use, in a real Chromium against a real `pledgemap serve`.

1920×1080 and 1366×768 (desks), 1280×720 (a projector) and 390×844 (a phone): no page scrolls
sideways, the menu's links sit inside the header, the page's key element is on screen (the map;
the timeline at least 200 px high on a phone), and axe-core finds no serious WCAG 2.1 AA
violation. The presentation mode (/present) must read in a room: every text of its panel and legend at
least 28 px, each promise's progress, the map and the whole legend on one screen, the unsafe places'
counts written on the hexagons (all of them, the same at 1920x1080 and 1280x720), a metric scale.
A screenshot of each page and size is kept in build/screenshots/screens/.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from browser import SCREENSHOTS, axe_violations, browser_page, serving

pytestmark = pytest.mark.browser

SIZES = [(1920, 1080), (1366, 768), (1280, 720), (390, 844)]
# Each page, and the element that must be on screen (its left edge inside the window, something drawn).
PAGES = {
    "overview": ("/", "#ov-map .maplibregl-canvas"),
    "pledge": ("/pledge", "#main .pm-document"),
    "layers": ("/layers", "#main table"),
    "sites": ("/sites", "#main table"),
    "analysis": ("/analysis", "#main .js-plotly-plot"),
    "lagesbild": ("/lagesbild", "#main .js-plotly-plot"),
    "import": ("/import", "#main .pm-upload"),
    "surveys": ("/surveys", "#main .pm-upload"),
    "statement": ("/tillganglighet", "#main .pm-statement"),
    "present": ("/present", ".folium-map"),
    "standalone": (None, ".folium-map"),  # the public standalone export, opened as a file
}
SHOTS = SCREENSHOTS / "screens"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The demo store with the presentation mode on, served; and its public standalone map as a file."""
    folder = tmp_path_factory.mktemp("screens")
    data = folder / "pledgemap.gpkg"
    script = Path(sys.executable).parent / "pledgemap"
    subprocess.run([script, "demo", "--data", data], check=True, capture_output=True)
    subprocess.run([script, "present", "--data", data, "--pledge", "mark-2021"], check=True, capture_output=True)
    standalone = folder / "mark-2021-publik.html"
    subprocess.run(
        [script, "export", "--data", data, "--format", "html", "--pledge", "mark-2021", "--public"]
        + ["--tiles", "none", "--output", standalone],
        check=True,
        capture_output=True,
    )
    with serving(data, env={"PLEDGEMAP_TILES": "none"}) as url:
        yield url.rstrip("/"), standalone.as_uri(), data


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module: each test sets its window size and opens its page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    with browser_page() as (page, console):
        yield page, console


def open_page(page, url: str) -> None:
    page.goto(url)
    # Dash pages: until no callback is loading. The maps: until Leaflet has drawn its layers.
    page.wait_for_function(
        "() => document.querySelector('#main, .folium-map') && !document.querySelector('[data-dash-is-loading=\"true\"]')",
        timeout=30_000,
    )
    page.wait_for_timeout(1_500)


MEASURE = """(selector) => {
    const key = document.querySelector(selector);
    const box = key ? key.getBoundingClientRect() : null;
    const header = document.querySelector('header.pm-header');
    const outside = [];
    if (header) {
        const h = header.getBoundingClientRect();
        for (const a of header.querySelectorAll('nav a')) {
            const b = a.getBoundingClientRect();
            if (b.left < h.left || b.right > h.right || b.top < h.top || b.bottom > h.bottom) outside.push(a.textContent);
        }
    }
    const timeline = document.querySelector('#ov-timeline .js-plotly-plot');
    return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
        navOutside: outside,
        navLinks: header ? header.querySelectorAll('nav a').length : null,
        key: box && {left: box.left, right: box.right, width: box.width, height: box.height},
        timeline: timeline ? timeline.getBoundingClientRect().height : null,
    };
}"""


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_works_at_every_screen_size(served, browser, name, size):
    base, standalone, _ = served
    page, console = browser
    console.errors.clear()
    width, height = size
    path, key = PAGES[name]
    page.set_viewport_size({"width": width, "height": height})
    open_page(page, standalone if path is None else base + path)
    page.wait_for_selector(key, state="visible", timeout=60_000)
    page.screenshot(path=SHOTS / f"{name}-{width}x{height}.png")
    seen = page.evaluate(MEASURE, key)

    assert seen["scrollWidth"] <= seen["innerWidth"], f"{name} scrolls sideways: {seen['scrollWidth']} px wide"
    if path not in (None, "/present"):
        assert seen["navLinks"] >= 5 and seen["navOutside"] == [], f"menu links outside the header: {seen}"
    assert seen["key"] and seen["key"]["width"] > 0 and seen["key"]["height"] > 0, f"{key} not shown on {name}"
    assert 0 <= seen["key"]["left"] < width, f"{key} is off the screen on {name}: {seen['key']}"
    if name == "overview" and width < 600:
        assert seen["timeline"] >= 200, f"the timeline is {seen['timeline']} px high on a phone"
    if name in ("present", "standalone"):
        assert_map_beside_text(page, width)
    if name == "present" and (width, height) in ((1920, 1080), (1280, 720)):
        assert_reads_in_a_room(page, width, height)
    assert axe_violations(page) == [], name
    assert console.errors == []


def assert_map_beside_text(page, width: int) -> None:
    """The legend and the map never lie over the panel's text (the issue's phone and projector)."""
    boxes = page.evaluate("""() => Object.fromEntries(['#pm-panel', '#pm-legend', '.folium-map'].map(s => {
        const b = document.querySelector(s).getBoundingClientRect();
        return [s, [b.left, b.top, b.right, b.bottom]];
    }))""")
    panel = boxes["#pm-panel"]
    for other in ("#pm-legend", ".folium-map"):
        left, top, right, bottom = boxes[other]
        overlaps = left < panel[2] and right > panel[0] and top < panel[3] and bottom > panel[1]
        assert not overlaps, f"{other} lies over the panel's text at {width} px: {boxes}"


def assert_reads_in_a_room(page, width: int, height: int) -> None:
    seen = page.evaluate("""() => {
        const px = e => parseFloat(getComputedStyle(e).fontSize);
        const map = document.querySelector('.folium-map').getBoundingClientRect();
        const legend = document.getElementById('pm-legend');
        return {
            body: px(document.body),
            texts: [...document.querySelectorAll('.pm-kind, .pm-figure, .pm-panel h1')].map(px),
            promises: [...document.querySelectorAll('.pm-promise')].map(p => p.getBoundingClientRect().bottom),
            panelTop: document.getElementById('pm-panel').scrollTop,
            map: [map.left, map.top, map.right, map.bottom],
            legend: [legend.scrollHeight, legend.clientHeight, legend.getBoundingClientRect().bottom],
            scale: [...document.querySelectorAll('.leaflet-control-scale-line')].map(l => l.textContent),
            counts: [...document.querySelectorAll('.pm-count')].map(c => [c.textContent, px(c), c.getBoundingClientRect().width]),
            // Every text a resident reads in the panel and the legend (the demo note too), where it is drawn.
            small: (() => {
                const out = [];
                const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                while (walk.nextNode()) {
                    const node = walk.currentNode, parent = node.parentElement;
                    if (!node.textContent.trim() || !parent.closest('#pm-panel, #pm-legend')) continue;
                    if (!parent.checkVisibility() || parent.getBoundingClientRect().width === 0) continue;
                    if (px(parent) < 28) out.push([node.textContent.trim().slice(0, 60), px(parent)]);
                }
                return out;
            })(),
        };
    }""")
    assert seen["body"] >= 28 and min(seen["texts"]) >= 28, seen
    assert seen["small"] == [], f"text below 28 px at {width}x{height}: {seen['small']}"
    assert seen["promises"] and max(seen["promises"]) <= height, f"a promise's progress is below the fold: {seen}"
    left, top, right, bottom = seen["map"]
    assert left >= 0 and top >= 0 and right <= width and bottom <= height and right - left >= 400, seen["map"]
    scroll_height, client_height, legend_bottom = seen["legend"]
    assert scroll_height <= client_height and legend_bottom <= height, f"the legend is cut off: {seen['legend']}"
    assert seen["scale"] and all(re.fullmatch(r"\d+ k?m", line) for line in seen["scale"]), seen["scale"]  # metric only
    # Counts are written on the hexagons that hold them, without a click, large enough to read.
    assert seen["counts"], "no count is written on the map"
    for text, size, label_width in seen["counts"]:
        # A band of five (public counts are never one figure), on one line.
        assert re.fullmatch(r"\d+–\d+", text.replace("\u00a0", "")) and size >= 28 and label_width > 0, seen["counts"]


def test_the_presentation_writes_every_unsafe_place_count_whatever_the_screen(served, browser):
    """The numbers on /present are the public view's unsafe-place cells (on the presentation grid), all of them,
    the same at 1920x1080 and 1280x720; the legend says what they count."""
    from dashboard.i18n import band_text
    from geodata import open_store
    from geodata.views.public import PRESENT_HEX_M, public_view

    base, _, data = served
    with open_store(data) as store:
        view = public_view(store, "mark-2021", place_size_m=PRESENT_HEX_M, area_size_m=PRESENT_HEX_M)
    expected = sorted(band_text(cell.band, "sv") for cell in view.unsafe_places.cells)
    assert expected and all(cell.band.low >= view.unsafe_places.min_count for cell in view.unsafe_places.cells)
    page, _ = browser
    written = {}
    for width, height in ((1920, 1080), (1280, 720)):
        page.set_viewport_size({"width": width, "height": height})
        open_page(page, base + "/present")
        written[width] = sorted(page.eval_on_selector_all(".pm-count", "ls => ls.map(l => l.textContent)"))
        assert "Siffrorna: rapporter om otrygghet i rutan, i spann om fem" in page.inner_text("#pm-legend")
    assert written[1920] == written[1280] == expected, written
