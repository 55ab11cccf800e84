"""Charts in a real headless Chromium: the analysis map on every visit, plotly in Swedish, no upload button."""

from __future__ import annotations

import pytest

from dashboard.ids import Analysis

from browser import AXE, SCREENSHOTS, browser_page, run_script

pytestmark = pytest.mark.browser


HOTSPOT_TRACES = (
    f"(() => {{ const g = document.querySelector('#{Analysis.map} .js-plotly-plot');"
    " return g && g.data ? g.data.filter(t => t.lon && t.lon.length > 0).length : 0; })()"
)


def hotspots_drawn(page, what: str) -> None:
    """The hot-spot map holds data traces and the findings are shown, within a generous time."""
    try:
        page.wait_for_function(f"() => {HOTSPOT_TRACES} > 0", timeout=25_000)
        page.wait_for_function(
            f"() => (document.querySelector('#{Analysis.findings}') || {{innerText: ''}}).innerText.includes('heta punkter')",
            timeout=5_000,
        )
    except Exception:
        page.screenshot(path=SCREENSHOTS / f"analysis-not-drawn-{what}.png", full_page=True)
        raise AssertionError(f"the hot-spot map or its findings were not drawn on the {what}") from None


def test_the_hotspot_map_draws_on_every_visit_not_only_the_first(charts_server):
    with browser_page() as (page, console):
        page.goto(f"{charts_server}/analysis")
        hotspots_drawn(page, "first visit")
        page.reload()
        hotspots_drawn(page, "reload")
        page.goto(f"{charts_server}/")
        page.wait_for_selector("#main")
        page.locator(".pm-nav a[href^='/analysis']").click()
        page.wait_for_url("**/analysis*")
        hotspots_drawn(page, "visit from the menu")
        page.goto(f"{charts_server}/analysis?pledge=molndal-2018")
        hotspots_drawn(page, "visit by address")
    assert console.errors == []


MODEBAR_TITLES = "() => Array.from(document.querySelectorAll('.modebar-btn')).map(b => b.getAttribute('data-title'))"
SWEDISH_MONTHS = {"jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}
ENGLISH_MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}


def intervention_months(page) -> list[str]:
    """Run the first operation's before-and-after and return the month names on its chart's date axis."""
    page.locator(f"#{Analysis.operation} input[type=radio]").first.check()
    page.locator(f"#{Analysis.run}").click()
    page.wait_for_selector(f"#{Analysis.effect} .xtick text", timeout=30_000)
    ticks = page.evaluate(
        f"() => Array.from(document.querySelectorAll('#{Analysis.effect} .xtick text')).map(t => t.textContent)"
    )
    return [tick.split()[0] for tick in ticks]


@pytest.mark.parametrize(
    ("query", "words", "months", "attribution"),
    [
        ("", ("Zooma in", "Ladda ned diagrammet som PNG", "Återställ vyn"), SWEDISH_MONTHS, "källhänvisning"),
        ("?lang=en", ("Zoom in", "Download plot as a PNG", "Reset view"), ENGLISH_MONTHS, "Toggle attribution"),
    ],
)
def test_plotly_speaks_the_page_s_language(charts_server, query, words, months, attribution):
    with browser_page() as (page, console):
        page.goto(f"{charts_server}/analysis{query}")
        # The map's own modebar (with "Reset view"): the graph draws an empty chart first while its callback answers.
        page.wait_for_function(
            f"() => {{ const g = document.querySelector('#{Analysis.map} .js-plotly-plot');"
            " return g && g._fullLayout && g._fullLayout.map && g.querySelector('.modebar-btn'); }",
            timeout=30_000,
        )
        titles = page.evaluate(MODEBAR_TITLES)
        assert set(words) <= set(titles), titles
        page.wait_for_selector(f"#{Analysis.map} .maplibregl-ctrl-attrib-button", state="attached", timeout=30_000)
        page.wait_for_function(
            f"() => document.querySelector('#{Analysis.map} .maplibregl-ctrl-attrib-button')"
            f".title.includes('{attribution}')",
            timeout=5_000,
        )
        shown = intervention_months(page)
        assert shown and set(shown) <= months, shown
        page.screenshot(path=SCREENSHOTS / f"analysis-effect{query.replace('?', '-')}.png", full_page=True)
    assert console.errors == []


UPLOADS = ("Share chart", "Chart Studio", "Dela diagram", "cloud")


@pytest.mark.parametrize("path", ["/", "/pledge", "/layers", "/analysis", "/?lang=en", "/analysis?lang=en"])
def test_no_chart_on_any_page_offers_to_upload_it(charts_server, path):
    with browser_page() as (page, console):
        page.goto(f"{charts_server}{path}")
        page.wait_for_selector("#main")
        # Every graph on the page has drawn its modebar.
        page.wait_for_function(
            "() => { const graphs = document.querySelectorAll('.dash-graph');"
            " return graphs.length > 0 && Array.from(graphs).every(g => g.querySelector('.modebar-btn')); }",
            timeout=30_000,
        )
        if path.startswith("/analysis"):
            intervention_months(page)  # the before-and-after charts too
        graphs = page.evaluate("() => document.querySelectorAll('.dash-graph').length")
        titles = page.evaluate(MODEBAR_TITLES)
        attributes = page.evaluate(
            "() => Array.from(document.querySelectorAll('.modebar-btn')).map(b => b.getAttribute('data-attr') || '')"
        )
    assert graphs >= 1 and len(titles) >= 3 * graphs
    assert not [t for t in titles if any(word.lower() in t.lower() for word in UPLOADS)], titles
    assert not [a for a in attributes if "cloud" in a.lower()], attributes
    assert console.errors == []


BOXES = """(selector) => {
    const graph = document.querySelector(selector);
    const box = e => { if (!e) { return null; } const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
    return {modebar: box(graph.querySelector('.modebar')), legend: box(graph.querySelector('.legend'))};
}"""


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768), (1280, 720), (390, 844)])
def test_the_modebar_never_covers_a_map_s_legend(charts_server, width, height):
    from dashboard.ids import Overview

    with browser_page(width, height) as (page, console):
        for path, graph in (("/analysis", f"#{Analysis.map}"), ("/", f"#{Overview.map}")):
            page.goto(f"{charts_server}{path}")
            page.wait_for_selector(f"{graph} .legend .traces", state="attached", timeout=30_000)
            page.wait_for_selector(f"{graph} .modebar", state="attached", timeout=30_000)
            page.hover(f"{graph} .js-plotly-plot")  # the modebar shows on hover
            boxes = page.evaluate(BOXES, graph)
            assert boxes["legend"] and boxes["modebar"], (path, boxes)
            assert not overlap(boxes["modebar"], boxes["legend"]), (path, width, boxes)
            page.locator(graph).screenshot(path=SCREENSHOTS / f"legend-{path.strip('/') or 'overview'}-{width}.png")
            if path == "/analysis":  # the before-and-after chart: the modebar clear of its date's label
                intervention_months(page)
                chart = f"#{Analysis.effect} .dash-graph"
                page.hover(f"{chart} .js-plotly-plot")
                boxes = page.evaluate(
                    """(selector) => {
                    const graph = document.querySelector(selector);
                    const box = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
                    return {modebar: box(graph.querySelector('.modebar')), label: box(graph.querySelector('.annotation'))};
                }""",
                    chart,
                )
                assert not overlap(boxes["modebar"], boxes["label"]), (width, boxes)
    assert console.errors == []


def axe_in(page, selectors: list[str]) -> list[dict]:
    """axe-core's serious and critical WCAG 2.1 AA violations inside ``selectors`` (the parts this file tests; the
    page as a whole is checked by tests/test_browser.py)."""
    run_script(page, AXE)
    return page.evaluate(
        """async (include) => {
        const r = await axe.run({include: include.map(s => [s])},
            {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""",
        selectors,
    )


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_the_analysis_tables_open_from_the_keyboard_and_pass_axe(charts_server, width, height):
    with browser_page(width, height) as (page, console):
        page.goto(f"{charts_server}/analysis?pledge=mark-2021")
        hotspots_drawn(page, "table test")
        intervention_months(page)
        page.wait_for_selector(f"#{Analysis.goals} .pm-table-alternative", timeout=30_000)
        summaries = page.locator(".pm-table-alternative > summary")
        assert summaries.count() >= 4  # the map's, the chart's, the areas', a goal's
        for i in range(summaries.count()):
            summaries.nth(i).focus()
            page.keyboard.press("Enter")
        assert page.evaluate("() => Array.from(document.querySelectorAll('.pm-table-alternative')).every(d => d.open)")
        assert page.locator(f"#{Analysis.map_table} table caption").inner_text().startswith("Hexagoner per klass")
        page.screenshot(path=SCREENSHOTS / f"analysis-tables-{width}.png", full_page=True)
        violations = axe_in(page, [f"#{Analysis.map_table}", f"#{Analysis.effect}", f"#{Analysis.goals}"])
        wide = page.evaluate("() => document.documentElement.scrollWidth")
    assert violations == [], violations
    assert console.errors == []
    if width == 1366:
        assert wide <= width
