"""The overview in a real headless Chromium against a real `pledgemap serve` (issue 13: dates, the public role, the selection)."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.ids import Overview

from browser import SCREENSHOTS, browser_page, serving

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
