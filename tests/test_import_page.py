"""The import page in a real headless Chromium: upload, dry run, answer, import, download the rejected rows."""

from __future__ import annotations

import csv

import pytest

from dashboard.ids import Importer
from geodata.store import GeoPackageStore

from browser import SCREENSHOTS, axe_violations, browser_page, serving

pytestmark = pytest.mark.browser


def settle(page):
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=30_000)
    page.wait_for_timeout(300)


def test_upload_dry_run_answer_and_import_with_a_rejects_file(demo_copy, tmp_path):
    walk = tmp_path / "trygghetsvandring.csv"
    walk.write_bytes(
        "Id;Datum;Kategori;Källa;Beskrivning;Nord;Öst\n"
        "1;2021-03-05;Dålig belysning;Trygghetsvandring;Mörk gång;6376282;361845\n"
        "2;2021-03-05;Otryggt;Trygghetsvandring;Hörna vid torget;6376320;361845\n"
        "3;2021-03-05;Klotter;Trygghetsvandring;<script>alert(1)</script>;sex;361845\n".encode("cp1252")
    )
    with GeoPackageStore.open(demo_copy) as store:
        before = store.counts()["unsafe_places"]
    with serving(demo_copy, env={"PLEDGEMAP_TILES": "none"}) as url, browser_page() as (page, console):
        page.on("dialog", lambda d: pytest.fail(f"a dialog opened: {d.message}"))
        page.goto(url + "import")
        page.locator(f"#{Importer.upload} input[type=file]").set_input_files(str(walk))
        page.get_by_text("Mottagen fil:").wait_for()
        page.get_by_label("Otrygga platser", exact=True).check()
        page.get_by_label("Medborgarlöfte Mark 2021", exact=True).check()
        page.get_by_role("button", name="Provkör (sparar inget)").click()
        try:
            page.get_by_text("3 rader: 1 giltig, 2 avvisade").wait_for(timeout=15_000)
        except Exception:
            page.screenshot(path=SCREENSHOTS / "import-failed.png", full_page=True)
            raise AssertionError(f"no dry run report; console: {console.errors}") from None
        settle(page)
        report = page.locator(f"#{Importer.report}").inner_text()
        # The reasons in Swedish, with the field's name and the file's values.
        # An unclear value is one question (with its rows), not a reason per row.
        assert "Vad betyder kategori ”Otryggt” (1 rad)?" in report and "känns inte igen" not in report
        assert "koordinaten är inte ett tal: Nord = 'sex'" in report
        assert "Filen lästes som Windows-1252" in report and "Kolumnerna skiljs åt med semikolon." in report
        page.screenshot(path=SCREENSHOTS / "import-dry-run.png", full_page=True)
        violations = axe_violations(page)
        assert violations == [], violations

        # Answer what "Otryggt" means, and check again: now two rows are valid.
        page.locator("fieldset.pm-question").get_by_label("Annat", exact=True).check()
        page.get_by_role("button", name="Provkör (sparar inget)").click()
        page.get_by_text("3 rader: 2 giltiga, 1 avvisad").wait_for()
        with GeoPackageStore.open(demo_copy) as store:
            assert store.counts()["unsafe_places"] == before  # a dry run writes nothing

        with page.expect_download() as download:
            page.get_by_role("button", name="Importera giltiga rader").click()
        page.get_by_text("Importen är klar").wait_for()
        assert "2 sparade, 0 fanns redan, 1 avvisad" in page.locator(f"#{Importer.result}").inner_text()
        saved = tmp_path / "avvisade.csv"
        download.value.save_as(saved)
        # Imported: the upload and its rejects are not kept on the server.
        page.get_by_role("button", name="Provkör (sparar inget)").click()
        page.get_by_text("Filen finns inte längre på servern").wait_for()
        page.screenshot(path=SCREENSHOTS / "import-done.png", full_page=True)
    rows = list(csv.reader(saved.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    # The rejected rows explain themselves in Swedish, by the field's name.
    assert rows[0][-1] == "Att rätta (Pledgemap)" and rows[1][0] == "3"
    assert rows[1][-1] == "Plats (koordinater): koordinaten är inte ett tal: Nord = 'sex'", rows[1]
    with GeoPackageStore.open(demo_copy) as store:
        assert store.counts()["unsafe_places"] == before + 2
        places = store.read_layer("unsafe_places")
        imported = places[places["source_id"].fillna("").str.startswith("trygghetsvandring:")]
        assert sorted(imported["category"]) == ["other", "poor_lighting"]
    assert console.errors == []


def test_a_police_events_file_is_recognised_and_stored_once(demo_copy, tmp_path):
    import json

    from test_police_events import EVENTS

    path = tmp_path / "handelser.json"
    path.write_text(json.dumps(EVENTS, ensure_ascii=False), encoding="utf-8")
    with serving(demo_copy, env={"PLEDGEMAP_TILES": "none"}) as url, browser_page() as (page, console):
        for attempt in range(2):
            page.goto(url + "import")
            page.locator(f"#{Importer.upload} input[type=file]").set_input_files(str(path))
            page.get_by_text("Mottagen fil:").wait_for()
            page.get_by_role("button", name="Provkör (sparar inget)").click()
            page.get_by_text("5 händelser att spara; 1 sammanfattning för länet lämnas utanför").wait_for()
            page.get_by_role("button", name="Importera allt eller inget").click()
            page.get_by_text("Importen är klar").wait_for()
            expected = "5 händelser sparade, 0 fanns redan." if attempt == 0 else "0 händelser sparade, 5 fanns redan."
            assert expected in page.locator(f"#{Importer.result}").inner_text()
    with GeoPackageStore.open(demo_copy) as store:
        assert len(store.read_police_events()) == 5
    assert console.errors == []


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_a_safety_walk_without_dates_is_one_question_and_a_confirmed_guess(demo_copy, tmp_path, size):
    """A My Maps walk: the date asked once, the source suggested from the document's name, confirmed, imported."""
    from test_import_questions import my_maps_kml

    # A long name without spaces, as exports have: it must wrap on a phone.
    walk = my_maps_kml(tmp_path / "trygghetsvandring_kinna_hosten_2024_export_fran_my_maps.kml")
    with GeoPackageStore.open(demo_copy) as store:
        before = store.counts()["unsafe_places"]
    width, height = size
    with serving(demo_copy, env={"PLEDGEMAP_TILES": "none"}) as url, browser_page(width, height) as (page, console):
        page.goto(url + "import")
        page.locator(f"#{Importer.upload} input[type=file]").set_input_files(str(walk))
        page.get_by_text("Mottagen fil:").wait_for()
        page.get_by_label("Medborgarlöfte Mark 2021", exact=True).check()
        page.get_by_role("button", name="Provkör (sparar inget)").click()
        page.get_by_text("Frågor om filen").wait_for(timeout=15_000)
        settle(page)
        report = page.locator(f"#{Importer.report}")
        text = report.inner_text()
        assert text.count("när gjordes trygghetsvandringen?") == 1
        assert "Förslag: Trygghetsvandring, från dokumentets namn ”Trygghetsvandring Kinna”" in text
        assert "6 rader: 0 giltiga, 6 avvisade" in text
        source = page.locator("fieldset.pm-question").filter(has_text="hur samlades de in?")
        assert source.get_by_label("Trygghetsvandring", exact=True).is_checked()  # the guess, to confirm
        page.locator("fieldset.pm-question input[type=date]").fill("2021-09-14")
        page.screenshot(path=SCREENSHOTS / f"import-questions-{width}x{height}.png", full_page=True)
        report.screenshot(path=SCREENSHOTS / f"import-questions-report-{width}x{height}.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        violations = axe_violations(page)
        assert violations == [], violations

        page.get_by_role("button", name="Provkör (sparar inget)").click()
        page.get_by_text("6 rader: 6 giltiga, 0 avvisade").wait_for(timeout=15_000)
        settle(page)
        assert "Alla frågor har ett svar" in report.inner_text()
        page.get_by_role("button", name="Importera allt eller inget").click()
        page.get_by_text("Importen är klar").wait_for()
        assert not console.errors, console.errors
    with GeoPackageStore.open(demo_copy) as store:
        assert store.counts()["unsafe_places"] == before + 6
        places = store.read_layer("unsafe_places")
    # The placemarks have no ids: the walk's records are found by their descriptions.
    walk_rows = places[places["description"].fillna("").str.startswith(("Mörk gångväg", "Tunneln under väg 41"))]
    assert len(walk_rows) == 2 and set(walk_rows["source"]) == {"safety_walk"}
    assert {str(d)[:10] for d in walk_rows["reported_on"]} == {"2021-09-14"}
