"""The follow-up in a real browser (issue 16): a police officer judges a promise on the pledge page and sees it
there; the pledge page with its judging form open and the overview with its cards pass axe-core on a laptop and
a phone."""

from __future__ import annotations

import pytest

from browser import SCREENSHOTS, axe_violations, browser_page, serving

pytestmark = pytest.mark.browser

PASSWORD = "en lång lösenfras"
RIKTADE = "mark-2021-riktade-insatser"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from geodata.access.accounts import add_user
    from geodata.demo import write_demo_store

    data = tmp_path_factory.mktemp("followup") / "pledgemap.gpkg"
    store = write_demo_store(data)
    try:
        add_user(store, "pia", "police", PASSWORD)
    finally:
        store.close()
    with serving(data, env={"PLEDGEMAP_TILES": "none"}) as url:
        yield url


def _sign_in(page, url: str, next_path: str) -> None:
    page.goto(url.rstrip("/") + next_path)
    page.wait_for_url("**/login**")
    page.get_by_label("Användarnamn").fill("pia")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lambda u: "/login" not in u)


def _settle(page) -> None:
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=30_000)
    page.wait_for_timeout(300)


def test_a_police_officer_judges_a_promise_and_sees_it_on_the_page(served):
    with browser_page(1366, 768) as (page, console):
        _sign_in(page, served, "/pledge?pledge=mark-2021")
        item = page.locator(f"#followup-{RIKTADE}")
        item.wait_for()
        # The municipality's promise has no form for the police; the police's own has.
        assert page.locator("#followup-mark-2021-information-vardnadshavare .pm-judge").count() == 0
        item.locator(".pm-judge summary").click()
        form = item.locator(".pm-judge")
        assert "Förslag utifrån siffrorna: Försenad – 3 av 4 insatser" in form.inner_text()
        assert form.get_by_label("Försenad").is_checked()  # the proposal (and the period's judgement) preselected
        form.get_by_label("Avförd (inställd)").check()
        text = form.get_by_label("Hur gick det? (kort text)")
        text.fill("Den fjärde insatsen ställdes in efter beslut i ledningsgruppen.")
        form.get_by_role("button", name="Spara bedömningen").click()
        form.get_by_text("Bedömningen sparades: T3 2021, Avförd (inställd) (version 2).").wait_for(timeout=20_000)
        shown = item.inner_text()
        assert "Den fjärde insatsen ställdes in efter beslut i ledningsgruppen." in shown
        assert "Bedömd av pia" in shown and "Alla versioner (4 versioner)" in shown
        # The summary bar counts it at once: one cancelled promise in T3 2021, one delayed fewer.
        page.locator("#fu-summary").get_by_text("Avförd (inställd)").wait_for(timeout=20_000)
        assert "Försenad" not in page.locator("#fu-summary").inner_text()
        page.screenshot(path=SCREENSHOTS / "followup-judged.png", full_page=True)
        # Drawn again from the store: still there.
        page.reload()
        page.locator(f"#followup-{RIKTADE}").get_by_text("Den fjärde insatsen ställdes in").first.wait_for()
    assert console.errors == []


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
@pytest.mark.parametrize("path", ["/pledge?pledge=mark-2021", "/?pledge=mark-2021"])
def test_the_follow_up_passes_axe_on_a_laptop_and_a_phone(served, path, width, height):
    with browser_page(width, height) as (page, console):
        _sign_in(page, served, path)
        page.wait_for_selector("#main")
        if path.startswith("/pledge"):
            page.locator("#fu-section details.pm-judge summary").first.click()
            page.locator("#fu-section details.pm-disclosure:not(.pm-judge) summary").first.click()
        else:
            page.wait_for_selector("#ov-cards .pm-card-followup", timeout=60_000)
        _settle(page)
        violations = axe_violations(page)
        name = "pledge" if path.startswith("/pledge") else "overview"
        page.screenshot(path=SCREENSHOTS / f"followup-{name}-{width}.png", full_page=True)
    assert violations == [], violations
    assert console.errors == []
