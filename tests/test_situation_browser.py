"""The lägesbild page in a real headless Chromium against a real `pledgemap serve`: written, saved, and checked
with axe-core at the four screen sizes, its tables opened."""

from __future__ import annotations

import pytest

from dashboard.ids import Situation
from geodata.analysis.situation_document import KIND
from geodata.store import GeoPackageStore

from browser import SCREENSHOTS, axe_violations, browser_page, serving


def settle(page):
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=30_000)
    page.wait_for_timeout(300)


@pytest.mark.browser
def test_the_lagesbild_is_written_and_saved_and_passes_axe_at_every_size(demo_copy):
    with serving(demo_copy, env={"PLEDGEMAP_TILES": "none"}) as url:
        with browser_page(1366, 768) as (page, console):
            page.goto(url + "lagesbild?kommun=1463&year=2021")
            page.wait_for_selector("#main")
            settle(page)
            page.get_by_role("button", name="Lägg till ett problem").click()
            page.get_by_label("Problemet", exact=True).wait_for()
            page.get_by_label("Problemet", exact=True).fill("Narkotikaförsäljning vid Kinna station")
            page.get_by_role("checkbox", name="Narkotikaförsäljning", exact=True).check()
            page.get_by_role("button", name="Lägg till en åtgärd").click()
            page.get_by_label("Åtgärden").wait_for()
            # The focus went to the new measure's text.
            page.wait_for_function('() => document.activeElement.id.startsWith(\'{"path":"measures.0.text"\')')
            page.keyboard.type("Riktade insatser kvällstid")
            page.get_by_label("Ansvarig part").fill("Polisen")
            page.get_by_role("radio", name="1. Narkotikaförsäljning vid Kinna station").check()
            page.get_by_label("Analys av kartläggningen").fill("Otryggheten ökar kvällstid i Kinna.")
            page.get_by_role("button", name="Spara en ny version").click()
            page.locator(f"#{Situation.saved}").get_by_text("Sparat som version 1").wait_for()
            page.locator(f"#{Situation.history}").get_by_text("Version 1 (senaste)").wait_for()
            for details in page.locator("details.pm-table-alternative").all():
                details.locator("summary").click()
            for width, height in ((1920, 1080), (1366, 768), (1280, 720), (390, 844)):
                page.set_viewport_size({"width": width, "height": height})
                page.wait_for_timeout(400)
                assert axe_violations(page) == [], (width, height)
                page.screenshot(path=SCREENSHOTS / f"lagesbild-{width}x{height}.png", full_page=True)
                assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), width
        assert console.errors == []
    with GeoPackageStore.open(demo_copy) as store:
        [saved] = store.read_documents(KIND, "1463/2021")
    assert saved.content["problems"][0]["categories"] == ["drug_dealing"]
    assert saved.content["measures"][0] == {
        "text": "Riktade insatser kvällstid",
        "responsible": "Polisen",
        "problem": "p1",
        "when": "",
    }
