"""The record editor's personal data warning in a real Chromium: shown before anything is saved, readable on a
phone and a projector, axe-clean, and the choice it offers is what is stored."""

from __future__ import annotations

import pytest

from geodata.store import GeoPackageStore, LayerQuery

from browser import SCREENSHOTS, axe_violations, browser_page, serving

pytestmark = pytest.mark.browser

TEXT = "Ring Anna Svensson på 070-123 45 67 om lampan vid gångtunneln."


def _description(path, record_id: str) -> str:
    with GeoPackageStore.open(path) as store:
        return store.read_layer("unsafe_places", LayerQuery(ids=(record_id,))).iloc[0]["description"]


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 720)])
def test_the_editor_asks_before_it_saves_personal_data_and_saves_what_was_chosen(demo_copy, width, height):
    with GeoPackageStore.open(demo_copy) as store:
        place = store.read_layer("unsafe_places", LayerQuery(pledge_id="mark-2021")).iloc[0]
    before = place["description"]
    address = f"layers?pledge=mark-2021&layer=unsafe_places&record={place['id']}"
    with (
        serving(demo_copy, env={"PLEDGEMAP_TILES": "none"}) as url,
        browser_page(width, height) as (page, console),
    ):
        page.goto(url + address)
        page.locator(".pm-edit summary").click()
        form = page.locator(".pm-edit")
        form.get_by_label("Beskrivning").fill(TEXT)
        form.get_by_role("button", name="Spara ändringarna").click()
        form.get_by_text("Texten innehåller personuppgifter").wait_for()
        warning = form.get_by_text("Texten innehåller personuppgifter")
        # What was found is told masked: the warning never repeats the number it warns of.
        assert "070-123 45 67" not in warning.inner_text() and "[telefon]" in warning.inner_text()
        assert _description(demo_copy, place["id"]) == before  # nothing saved while the question is open
        mask = form.get_by_role("button", name="Maskera och spara")
        mask.scroll_into_view_if_needed()
        box = mask.bounding_box()
        assert (
            box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        )  # on the screen, no sideways scroll
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        page.screenshot(path=SCREENSHOTS / f"personal-data-warning-{width}x{height}.png", full_page=False)
        assert axe_violations(page) == []
        mask.click()
        page.get_by_text("Ändringarna är sparade.").wait_for()
    assert _description(demo_copy, place["id"]) == "Ring [namn] på [telefon] om lampan vid gångtunneln."
    assert console.errors == []
