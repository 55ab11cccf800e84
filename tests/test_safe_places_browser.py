"""Safe places on the overview's map and the comparison by who reported, in a real Chromium, phone and desktop."""

from __future__ import annotations

import pytest

from dashboard.ids import Analysis, Overview

from browser import SCREENSHOTS, axe_violations, browser_page, serving

pytestmark = pytest.mark.browser

SAFE_TRACES = (
    f"((document.querySelector('#{Overview.map} .js-plotly-plot') || {{}}).data || [])"
    ".filter(t => t.meta && t.meta.safety === 'safe').map(t => t.ids.length)"
)
PLACE_TRACES = (
    f"((document.querySelector('#{Overview.map} .js-plotly-plot') || {{}}).data || [])"
    ".filter(t => t.meta && t.meta.role === 'records' && t.meta.layer === 'unsafe_places' && !t.meta.safety).length"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from shapely.geometry import Point

    from geodata.demo import write_demo_store

    from builders import frame, unsafe_place

    data = tmp_path_factory.mktemp("safe") / "pledgemap.gpkg"
    store = write_demo_store(data)
    try:
        store.write_batch(
            "unsafe_places",
            frame(
                *[
                    unsafe_place(
                        pledge_id="mark-2021",
                        safety="safe",
                        category="other",
                        source="survey",
                        reported_on="2021-06-01",
                        description="Upplyst torg",
                        respondent_gender="woman" if i % 2 else "man",
                        respondent_age="25_44",
                        geometry=Point(12.66 + 0.012 * (i % 4), 57.47 + 0.012 * (i // 4)),
                    )
                    for i in range(8)
                ]
            ),
        )
    finally:
        store.close()
    with serving(data, env={"PLEDGEMAP_TILES": "none"}) as url:
        yield url


def _settle(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=30_000)
    page.wait_for_timeout(400)


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1920, 1080)])
def test_safe_places_are_drawn_apart_and_the_filter_hides_them(served, width, height):
    with browser_page(width, height) as (page, console):
        page.goto(served + "?pledge=mark-2021&layers=unsafe_places")
        page.wait_for_function(f"() => {SAFE_TRACES}.length === 1", timeout=60_000)
        _settle(page)
        assert page.evaluate(f"() => {SAFE_TRACES}") == [8] and page.evaluate(f"() => {PLACE_TRACES}") > 0
        # The safe places have a legend group of their own, titled (a narrow map puts it under the map as a legend
        # of its own, legend2, with a title; a wide one beside the map, with the group's title).
        texts = f"Array.from(document.querySelectorAll('#{Overview.map} .infolayer text')).map(e => e.textContent)"
        page.wait_for_function(f"() => {texts}.includes('Trygg plats') && {texts}.includes('Trygga platser')")
        page.screenshot(path=SCREENSHOTS / f"overview-safe-places-{width}.png", full_page=True)
        assert axe_violations(page) == []
        filters = page.locator(f"#{Overview.safeties}")
        filters.get_by_label("Trygg plats", exact=True).uncheck()
        page.wait_for_function("() => new URLSearchParams(location.search).get('safeties') === 'unsafe'")
        page.wait_for_function(f"() => {SAFE_TRACES}.length === 0", timeout=20_000)
        _settle(page)
        assert page.evaluate(f"() => {PLACE_TRACES}") > 0
        filters.get_by_label("Otrygg plats", exact=True).uncheck()
        filters.get_by_label("Trygg plats", exact=True).check()
        page.wait_for_function(f"() => {SAFE_TRACES}.length === 1 && {PLACE_TRACES} === 0", timeout=20_000)
        _settle(page)
        page.screenshot(path=SCREENSHOTS / f"overview-safe-only-{width}.png", full_page=True)
    assert console.errors == []


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1920, 1080)])
def test_the_analysis_page_compares_by_gender_and_age(served, width, height):
    with browser_page(width, height) as (page, console):
        page.goto(served + "analysis?pledge=mark-2021")
        breakdown = page.locator(f"#{Analysis.breakdown}")
        breakdown.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
        _settle(page)
        assert breakdown.locator(".js-plotly-plot").count() == 2
        assert "8 trygga platser" in breakdown.inner_text()
        breakdown.scroll_into_view_if_needed()
        page.screenshot(path=SCREENSHOTS / f"analysis-breakdown-{width}.png", full_page=True)
        # Nothing is wider than the screen: the charts and their tables fit a phone.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        assert axe_violations(page) == []
    assert console.errors == []
