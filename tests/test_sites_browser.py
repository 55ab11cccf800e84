"""The caretaker's Fastigheter page in a real Chromium: on a phone (390×844) and at the three desktop sizes.

On a phone the worklist is a list of cards that fits the screen, every control a finger wide (44×44 px); "Visa"
opens the site's details and workflow on the same page and brings them into view; a step is saved there.
"""

from __future__ import annotations

import pytest

from dashboard.ids import Sites
from geodata.store import GeoPackageStore, LayerQuery

from browser import AXE, SCREENSHOTS, browser_page, run_script, serving

PHONE = (390, 844)
SIZES = [(1920, 1080), (1366, 768), (1280, 720), PHONE]
CHECKLIST = (
    "Belysning",
    "Lås och tillträde",
    "Sikt och vegetation",
    "Nedskräpning och skadegörelse",
    "Spår av tillhåll",
)

# Every control in the page's main part that a finger touches: buttons, links, the labels of radios and check
# boxes (the label is what is tapped), a fold's summary and the inputs.
TOUCHED = """() => [...document.querySelectorAll(
        'main button, main a, main summary, main label:has(input[type=radio]), main label:has(input[type=checkbox]),'
        + ' main input:not([type=radio]):not([type=checkbox]), main textarea')]
    .filter(e => e.offsetParent !== null && e.getClientRects().length)
    .map(e => { const r = e.getBoundingClientRect();
                return {what: e.tagName + ' ' + (e.textContent || e.type || '').trim().slice(0, 40),
                        width: Math.round(r.width), height: Math.round(r.height)}; })
    .filter(t => t.width < 44 || t.height < 44)"""
# How far right anything in the page's main part reaches (the header and menu are laid out apart from it).
MAIN_RIGHT = """() => Math.max(document.querySelector('main').scrollWidth,
    ...[...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().right))"""


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations in the page's main part (what this page draws;
    the header and its menu on a phone are another part's, checked with every page in tests/test_browser.py)."""
    run_script(page, AXE)
    return page.evaluate("""async () => {
        const r = await axe.run({include: [['main']]},
                                {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")


def first_flagged(data) -> dict:
    """The first flagged site on the worklist's first page, as the page opens (the list's own order)."""
    from dashboard.components.tables import PAGE_SIZE
    from geodata import clock
    from geodata.views.worklist import worklist

    with GeoPackageStore.open(data) as store:
        listed = worklist(store, clock.today(), pledge_id="mark-2021").head(PAGE_SIZE)
    return listed[listed["status"] == "flagged"].iloc[0].to_dict()


@pytest.mark.browser
def test_on_a_phone_the_worklist_fits_visa_opens_the_site_and_a_step_is_saved(demo_copy):
    flagged = first_flagged(demo_copy)
    shots = SCREENSHOTS / "sites"
    shots.mkdir(parents=True, exist_ok=True)
    with (
        serving(demo_copy, env={"PLEDGEMAP_TILES": "none"}) as url,
        browser_page(*PHONE) as (page, console),
    ):
        page.goto(url + "sites?pledge=mark-2021")
        page.locator(".pm-row-button").first.wait_for()
        # The filters are folded away on a phone; the list comes first and fits the width.
        assert page.locator(f"#{Sites.filters}").get_attribute("open") is None
        assert page.evaluate(MAIN_RIGHT) <= PHONE[0]
        card = page.locator("tbody tr", has_text=flagged["address"])
        visa = card.get_by_role("button", name="Visa")
        box = visa.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0], box
        assert page.evaluate(TOUCHED) == []
        assert axe_violations(page) == []
        page.screenshot(path=shots / "phone-list.png")

        page.locator(f"#{Sites.filters} summary").click()
        page.get_by_text("Bara försenade").wait_for()
        assert page.evaluate(TOUCHED) == [] and page.evaluate(MAIN_RIGHT) <= PHONE[0]
        page.screenshot(path=shots / "phone-filters.png")
        page.locator(f"#{Sites.filters} summary").click()

        visa.click()
        form = page.locator(f"#{Sites.panel} .pm-workflow")
        form.wait_for()
        # The address follows the chosen site in its own callback; it may arrive just after the panel.
        page.wait_for_url(lambda u: u.split("?")[0].endswith("/sites") and f"record={flagged['id']}" in u)
        page.wait_for_function(f"() => document.getElementById('{Sites.panel}').getBoundingClientRect().top < 200")
        panel = page.locator(f"#{Sites.panel}")
        assert flagged["address"] in panel.locator("h3").inner_text()
        assert page.evaluate(TOUCHED) == [] and page.evaluate(MAIN_RIGHT) <= PHONE[0]
        assert axe_violations(page) == []
        page.screenshot(path=shots / "phone-site.png")
        for item in CHECKLIST:
            form.locator("fieldset", has_text=item).get_by_label("OK", exact=True).check()
        day = form.get_by_label("Inspekterad den")
        assert day.input_value() == day.get_attribute("max")  # today, and no later day offered
        form.get_by_label("Kommentar från inspektionen").fill("Allt i ordning")
        form.scroll_into_view_if_needed()
        page.screenshot(path=shots / "phone-form.png")
        form.get_by_role("button", name="Spara steget").click()
        page.get_by_text("Sparat: platsen är nu ”Inspekterad”.").wait_for()
        page.locator(f"#{Sites.panel} dd", has_text="Allt i ordning").wait_for()
        assert page.url.split("?")[0].endswith("/sites")
        page.screenshot(path=shots / "phone-saved.png")
    assert console.errors == []
    with GeoPackageStore.open(demo_copy) as store:
        stored = store.read_layer("inventoried_sites", LayerQuery(ids=(flagged["id"],))).iloc[0]
    assert stored["status"] == "inspected" and stored["inspection_comment"] == "Allt i ordning"


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.browser
def test_the_worklist_and_a_site_read_at_every_size(demo_copy, size):
    flagged = first_flagged(demo_copy)
    width, height = size
    shots = SCREENSHOTS / "sites"
    shots.mkdir(parents=True, exist_ok=True)
    with serving(demo_copy, env={"PLEDGEMAP_TILES": "none"}) as url, browser_page(width, height) as (page, console):
        page.goto(url + "sites?pledge=mark-2021")
        visa = page.locator("tbody tr", has_text=flagged["address"]).get_by_role("button", name="Visa")
        visa.wait_for()
        # "Visa" is within the window without scrolling sideways, and nothing in the page is wider than it.
        box = visa.bounding_box()
        assert box["x"] + box["width"] <= width, box
        assert page.evaluate(MAIN_RIGHT) <= width
        page.screenshot(path=shots / f"list-{width}.png")
        visa.click()
        page.locator(f"#{Sites.panel} .pm-workflow").wait_for()
        assert page.evaluate(MAIN_RIGHT) <= width
        panel = page.locator(f"#{Sites.panel}").bounding_box()
        if width >= 1100:  # beside the list, its top in sight
            assert panel["x"] > width / 2 and 0 <= panel["y"] < height / 2, panel
        assert axe_violations(page) == []
        page.screenshot(path=shots / f"site-{width}.png")
    assert console.errors == []
