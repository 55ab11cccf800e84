"""The pledge choice among the national store's 290 pledges in a real Chromium (issue 18): found by typing a
municipality's name, chosen with the keyboard, the page following it; axe-core before and after a search, on a
laptop and a phone; the pledge page's grouped links followed without a mouse."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.ids import Overview, Situation

from browser import SCREENSHOTS, axe_violations, browser_page, serving

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
START = "bench-0114"  # Upplands Väsby, Region Stockholm
MOLNDAL = "bench-1481"  # the benchmark's pledges are named by their municipality's code
CENTER = (
    f"() => {{ const g = document.querySelector('#{Overview.map} .js-plotly-plot');"
    " return g && g.layout && g.layout.map ? [g.layout.map.center.lon, g.layout.map.center.lat] : null; }"
)


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """The benchmark's national store, small: 290 pledges, 10 000 reports (about 10 s)."""
    path = tmp_path_factory.mktemp("national") / "national.gpkg"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "national.py"), "--reports", "10000", "--output", str(path)],
        check=True,
        capture_output=True,
    )
    with serving(path, env={"PLEDGEMAP_TILES": "none"}) as url:
        yield url


def _settle(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=30_000)
    page.wait_for_timeout(300)


def _open_overview(page, url: str) -> None:
    page.goto(url + f"?pledge={START}")
    page.wait_for_function(f"() => ({CENTER})() !== null", timeout=60_000)
    _settle(page)


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_typing_molndal_finds_its_pledge_and_choosing_it_shows_it(national, size):
    width, height = size
    with browser_page(width, height) as (page, console):
        _open_overview(page, national)
        before = page.evaluate(CENTER)
        assert page.locator(".pm-picker-radios input[type=radio]").count() == 290
        assert page.evaluate("() => document.querySelector('.pm-picker-list').scrollTop") > 0  # to the pledge shown
        assert axe_violations(page) == []  # the whole list, nothing typed

        search = page.locator(f"#{Overview.pledge}-search")
        search.focus()
        page.keyboard.type("Mölndal", delay=30)
        status = page.locator(f"#{Overview.pledge}-found")
        status.filter(has_text="1 av 290 löften matchar").wait_for(timeout=10_000)
        shown = page.locator(".pm-picker-group:not([hidden]) label")
        assert shown.all_inner_texts() == ["Mölndal – Medborgarlöfte Mölndal 2024–2025 (genererat testdata)"]
        assert page.locator(".pm-picker-group:not([hidden]) legend").all_inner_texts() == ["Region Väst"]
        # The list opened scrolled to Upplands Väsby; its matches are shown from the first.
        assert page.evaluate("() => document.querySelector('.pm-picker-list').scrollTop") == 0
        assert axe_violations(page) == []  # narrowed to one region and one pledge
        page.screenshot(path=SCREENSHOTS / f"pledge-picker-molndal-{width}x{height}.png")

        if width > 700:  # the keyboard: Enter moves to the first match, Space ticks it
            page.keyboard.press("Enter")
            page.wait_for_function(f"() => document.activeElement && document.activeElement.value === '{MOLNDAL}'")
            page.keyboard.press("Space")
        else:  # a tap on the choice's text
            shown.first.click()
        page.wait_for_function(f"() => new URLSearchParams(location.search).get('pledge') === '{MOLNDAL}'")
        page.locator(f"#{Overview.title}").filter(has_text="Medborgarlöfte Mölndal").wait_for(timeout=20_000)
        page.wait_for_function(f"() => {{ const c = ({CENTER})(); return c && Math.abs(c[0] - 12.0) < 0.5; }}")
        _settle(page)
        after = page.evaluate(CENTER)
        assert page.evaluate(f"() => document.getElementById('{Overview.pledge}').value") == MOLNDAL
        ticked = page.locator(".pm-picker-radios input:checked")
        assert [ticked.nth(i).get_attribute("value") for i in range(ticked.count())] == [MOLNDAL]
        assert axe_violations(page) == []
    assert before[1] > 59 and 57.4 < after[1] < 57.8  # from Upplands Väsby to Mölndal
    assert console.errors == []


def test_a_search_without_a_match_says_so_and_a_name_without_accents_finds_it(national):
    with browser_page(1366, 768) as (page, console):
        _open_overview(page, national)
        search = page.locator(f"#{Overview.pledge}-search")
        status = page.locator(f"#{Overview.pledge}-found")
        search.fill("xyzzy")
        status.filter(has_text="Inget löfte matchar").wait_for(timeout=10_000)
        assert page.locator(".pm-picker-group:not([hidden])").count() == 0
        assert axe_violations(page) == []
        search.fill("molndal")
        status.filter(has_text="1 av 290 löften matchar").wait_for(timeout=10_000)
        search.fill("ö")  # an accent typed finds only the letter typed
        status.filter(has_text="av 290 löften matchar").wait_for(timeout=10_000)
        labels = page.locator(".pm-picker-group:not([hidden]) label").all_inner_texts()
        assert labels and all("ö" in label.lower() for label in labels)
        search.fill("")
        status.filter(has_text="290 löften, grupperade per polisregion").wait_for(timeout=10_000)
        assert page.locator(".pm-picker-radios input[type=radio]").count() == 290
    assert console.errors == []


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_the_pledge_pages_grouped_links_are_searched_and_followed_with_the_keyboard(national, size):
    width, height = size
    with browser_page(width, height) as (page, console):
        page.goto(national + f"pledge?pledge={START}&lang=en")
        page.wait_for_selector(".pm-picker-links summary")
        _settle(page)
        assert axe_violations(page) == []  # folded
        page.locator(".pm-picker-links summary").focus()
        page.keyboard.press("Enter")  # opens the list
        page.locator(".pm-picker-links .pm-picker-search input").focus()
        page.keyboard.type("Mölndal", delay=30)
        page.locator(".pm-picker-found").filter(has_text="1 of 290 pledges match").wait_for(timeout=10_000)
        assert page.locator(".pm-picker-choice:not([hidden])").count() == 1
        assert axe_violations(page) == []  # open, narrowed
        page.screenshot(path=SCREENSHOTS / f"pledge-links-molndal-{width}x{height}.png")
        page.keyboard.press("Enter")  # to the first match
        page.wait_for_function("() => document.activeElement && document.activeElement.tagName === 'A'")
        page.keyboard.press("Enter")  # follows it
        page.wait_for_url(f"**/pledge?pledge={MOLNDAL}&lang=en", timeout=20_000)
        page.locator("h1").filter(has_text="Medborgarlöfte Mölndal").wait_for(timeout=20_000)
    assert console.errors == []


def test_the_situation_reports_municipality_is_found_by_typing_and_chosen(national):
    with browser_page(1366, 768) as (page, console):
        page.goto(national + "lagesbild?kommun=0114")
        page.locator(".pm-lb-title").filter(has_text="Upplands Väsby").wait_for(timeout=30_000)
        _settle(page)
        page.locator(f"#{Situation.municipality}-search").focus()
        page.keyboard.type("Mölndal", delay=30)
        page.locator(f"#{Situation.municipality}-found").filter(has_text="1 av 290 kommuner matchar").wait_for()
        assert axe_violations(page) == []
        page.keyboard.press("ArrowDown")  # to the first match
        page.wait_for_function("() => document.activeElement && document.activeElement.value === '1481'")
        page.keyboard.press("Space")
        page.locator(".pm-lb-title").filter(has_text="Mölndal").wait_for(timeout=30_000)
        page.wait_for_function("() => new URLSearchParams(location.search).get('kommun') === '1481'")
        _settle(page)
        assert axe_violations(page) == []
    assert console.errors == []
