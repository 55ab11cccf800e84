"""The safety-survey page in a real headless Chromium: upload a wide survey file, dry run, import, link a goal;
axe-core finds nothing serious at a phone's and a desktop's size, and nothing scrolls sideways."""

from __future__ import annotations

import pytest

from dashboard.ids import Surveys
from geodata.store import GeoPackageStore

from browser import SCREENSHOTS, axe_violations, browser_page, serving

pytestmark = pytest.mark.browser

WIDE = (
    "Område;År;Indikator;Alla;Kvinnor;Män;n Kvinnor;n Män\n"
    "Kinna;2020;Otrygg i centrum;20,5;25;15;300;280\n"
    "Kinna;2023;Otrygg i centrum;17;20;13;310;290\n"
)


def settle(page):
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=30_000)
    page.wait_for_timeout(300)


def sideways(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("size", [(390, 844), (1366, 768)])
def test_upload_dry_run_import_and_link_a_goal(demo_copy, tmp_path, size):
    survey = tmp_path / "trygghet.csv"
    survey.write_text(WIDE, encoding="utf-8")
    width, height = size
    with serving(demo_copy, env={"PLEDGEMAP_TILES": "none"}) as url, browser_page(width, height) as (page, console):
        page.goto(url + "surveys")
        page.locator(f"#{Surveys.upload} input[type=file]").set_input_files(str(survey))
        page.get_by_text("Mottagen fil:").wait_for()
        page.get_by_label("Mark (1463)", exact=True).check()
        page.get_by_label("Andel (procent)", exact=True).check()
        page.get_by_role("button", name="Provkör (sparar inget)").click()
        page.get_by_text("6 resultat är rätt – nya: 6, ersätts: 0, finns redan: 0.").wait_for()
        settle(page)
        report = page.locator(f"#{Surveys.report}").inner_text()
        assert "Alla ← Alla, Kvinnor ← Kvinnor, Män ← Män" in report and "Det här saknas i filen" in report
        assert sideways(page) <= 0
        violations = axe_violations(page)
        assert violations == [], violations
        page.screenshot(path=SCREENSHOTS / f"surveys-dry-run-{width}.png", full_page=True)

        page.get_by_role("button", name="Importera alla resultat").click()
        page.get_by_text("Sparat – nya: 6, ersatta: 0, fanns redan: 0.").wait_for()
        assert page.get_by_role("button", name="Importera alla resultat").is_disabled()
        page.locator(".pm-survey-indicator h3", has_text="Otrygg i centrum").wait_for()

        # The goals' forms now offer the indicator imported.
        goal = page.locator("fieldset.pm-survey-goal", has_text="Stärkt förtroende för polis, kommun och bostadsbolag")
        goal.get_by_label("Otrygg i centrum", exact=True).check()
        goal.get_by_label("Trakasserier", exact=True).check()
        goal.get_by_label("Basår").fill("2020")
        goal.get_by_role("button", name="Spara målet").click()
        page.get_by_text("Sparat: målet följs av Otrygg i centrum och gäller 1 kategori.").wait_for()
        settle(page)
        assert sideways(page) <= 0
        violations = axe_violations(page)
        assert violations == [], violations
        page.screenshot(path=SCREENSHOTS / f"surveys-linked-{width}.png", full_page=True)
        assert console.errors == []
    with GeoPackageStore.open(demo_copy) as store:
        linked = next(g for g in store.get_pledge("mark-2021").goals if g.id == "starkt-fortroende")
        assert len(store.read_survey_results(indicator="Otrygg i centrum")) == 6
    assert (linked.indicator, linked.baseline_year, linked.categories) == ("Otrygg i centrum", 2020, ("harassment",))
