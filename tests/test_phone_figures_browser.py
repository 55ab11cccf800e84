"""The overview's map, timeline and their tables in a real Chromium, on a phone and a desktop: the map's legends
under the map on a phone and every entry whole inside it, the timeline's rows across the width, the municipality
on screen, the table alternatives axe-clean when open."""

from __future__ import annotations

import pytest

from dashboard.ids import Analysis, Overview

from browser import SCREENSHOTS, browser_page, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(demo_file):
    with serving(demo_file, env={"PLEDGEMAP_TILES": "none"}) as url:
        yield url.rstrip("/")


LAYOUT = """(graph) => {
    const root = document.querySelector(graph);
    const box = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
    const plot = root.querySelector('.js-plotly-plot');
    return {
        graph: box(root),
        map: box(root.querySelector('.maplibregl-canvas') || root.querySelector('.nsewdrag') || plot),
        legends: Array.from(root.querySelectorAll('.infolayer > g[class^=legend]')).map(box),
        entries: Array.from(root.querySelectorAll('.infolayer > g[class^=legend] .traces')).map(box),
        overlaps: (() => {
            const all = Array.from(root.querySelectorAll('.infolayer > g[class^=legend] .traces text.legendtext')).map(box);
            let n = 0;
            for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) {
                const [a, b] = [all[i], all[j]];
                if (a[0] < b[2] - 1 && b[0] < a[2] - 1 && a[1] < b[3] - 1 && b[1] < a[3] - 1) n++;
            }
            return n;
        })(),
        zoom: plot._fullLayout.map ? plot._fullLayout.map.zoom : null,
    };
}"""


def test_on_a_phone_the_map_s_legends_are_under_the_map_whole_and_apart(server):
    with browser_page(390, 844) as (page, console):
        page.goto(f"{server}/?pledge=mark-2021")
        page.wait_for_selector(f"#{Overview.map} .legend .traces", state="attached", timeout=30_000)
        page.wait_for_function(
            f"() => document.querySelectorAll('#{Overview.map} .infolayer > g[class^=legend]').length >= 3",
            timeout=30_000,
        )
        boxes = page.evaluate(LAYOUT, f"#{Overview.map}")
        page.locator(f"#{Overview.map}").screenshot(path=SCREENSHOTS / "phone-overview-map.png")
        graph, legends, entries = boxes["graph"], boxes["legends"], boxes["entries"]
        assert len(legends) == 3  # one per layer (plotly's legend, legend2, legend3)
        map_bottom = graph[1] + 34 + 420  # the modebar's room, then the map
        assert all(lg[1] >= map_bottom - 2 for lg in legends), (map_bottom, legends)
        assert all(e[0] >= graph[0] - 1 and e[2] <= graph[2] + 1 for e in entries), (graph, entries)
        assert all(e[3] <= graph[3] + 1 for e in entries), (graph, entries)  # none cut off at the foot
        assert boxes["overlaps"] == 0
    assert console.errors == []


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 768)])
def test_the_timeline_s_rows_take_its_width_and_say_their_promise_above(server, width, height):
    with browser_page(width, height) as (page, console):
        page.goto(f"{server}/?pledge=mark-2021")
        page.wait_for_selector(f"#{Overview.timeline} .annotation", state="attached", timeout=30_000)
        sizes = page.evaluate(
            """(graph) => {
                const root = document.querySelector(graph);
                const b = e => e.getBoundingClientRect();
                const plot = b(root.querySelector('.nsewdrag'));
                const labels = Array.from(root.querySelectorAll('.annotation-text')).map(e => e.textContent);
                return {graph: b(root).width, plot: plot.width, labels: labels};
            }""",
            f"#{Overview.timeline}",
        )
        page.locator(f"#{Overview.timeline}").screenshot(path=SCREENSHOTS / f"timeline-{width}.png")
        assert sizes["plot"] >= 0.8 * sizes["graph"], sizes  # the rows' names no longer take most of it
        assert "Riktade insatser: 3 av 4" in sizes["labels"]
    assert console.errors == []


def test_the_analysis_map_opens_on_the_whole_municipality_on_a_phone(server):
    """The map's boundary lies inside the map: no part of Mark cut off at the sides on a 390 px screen."""
    with browser_page(390, 844) as (page, console):
        page.goto(f"{server}/analysis?pledge=mark-2021")
        page.wait_for_selector(f"#{Analysis.map} .maplibregl-canvas", state="attached", timeout=60_000)
        page.wait_for_function(
            f"() => {{ const g = document.querySelector('#{Analysis.map} .js-plotly-plot');"
            " return g && g._fullLayout && g._fullLayout.map && g._fullLayout.map._subplot; }",
            timeout=60_000,
        )
        inside = page.evaluate(
            f"""() => {{
                const g = document.querySelector('#{Analysis.map} .js-plotly-plot');
                const map = g._fullLayout.map._subplot.map;
                const ring = g.layout.map.layers.find(l => l.type === 'line').source;
                const coords = ring.features ? ring.features.flatMap(f => f.geometry.coordinates.flat(Infinity)) :
                    (ring.coordinates || ring.geometry.coordinates).flat(Infinity);
                const canvas = map.getCanvas().getBoundingClientRect();
                let outside = 0, n = 0;
                for (let i = 0; i + 1 < coords.length; i += 2) {{
                    const p = map.project([coords[i], coords[i + 1]]);
                    n++;
                    if (p.x < 0 || p.x > canvas.width || p.y < 0 || p.y > canvas.height) outside++;
                }}
                return {{outside, n}};
            }}"""
        )
        page.locator(f"#{Analysis.map}").screenshot(path=SCREENSHOTS / "phone-analysis-map.png")
        assert inside["n"] > 10 and inside["outside"] == 0, inside
    assert console.errors == []


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 768)])
def test_the_overview_s_tables_open_from_the_keyboard_and_pass_axe(server, width, height):
    from browser import axe_violations

    with browser_page(width, height) as (page, console):
        page.goto(f"{server}/?pledge=mark-2021")
        for table in (Overview.map_table, Overview.timeline_table):
            summary = f"#{table} details > summary"
            page.wait_for_selector(summary, timeout=30_000)
            page.focus(summary)
            page.keyboard.press("Enter")
            assert page.evaluate(f"document.querySelector('#{table} details').open")
        assert page.locator(f"#{Overview.map_table} table").count() == 2  # the counts, then the records
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # wide tables scroll in their box
        assert axe_violations(page) == []
    assert console.errors == []
