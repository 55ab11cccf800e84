"""Charts in a real headless Chromium: the analysis map on every visit, plotly in Swedish, no upload button."""

from __future__ import annotations

import pytest

from dashboard.ids import Analysis

from browser import SCREENSHOTS, browser_page, serving

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("charts") / "pledgemap.gpkg"
    with serving(data, env={"PLEDGEMAP_TILES": "none"}) as url:
        yield url.rstrip("/")


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


def test_the_hotspot_map_draws_on_every_visit_not_only_the_first(server):
    with browser_page() as (page, console):
        page.goto(f"{server}/analysis")
        hotspots_drawn(page, "first visit")
        page.reload()
        hotspots_drawn(page, "reload")
        page.goto(f"{server}/")
        page.wait_for_selector("#main")
        page.locator(".pm-nav a[href^='/analysis']").click()
        page.wait_for_url("**/analysis*")
        hotspots_drawn(page, "visit from the menu")
        page.goto(f"{server}/analysis?pledge=molndal-2018")
        hotspots_drawn(page, "visit by address")
    assert console.errors == []
