"""The follow-up report: its content from the domain, read back from the Word file (python-docx) and the PDF (pypdf),
the public variant's rules, English, the command line and the download on the pledge page."""

from __future__ import annotations

import datetime as dt
import io
import re
import stat
import time

import docx
import pytest
from pypdf import PdfReader

from dashboard.cli import main
from dashboard.documents.followup import followup_file
from dashboard.settings import Settings
from geodata import GuardedStore
from geodata.access.accounts import add_user
from geodata.access.rules import LOCAL_ADMIN, PUBLIC_VIEWER, Viewer
from geodata.analysis.followup_report import follow_up_report
from geodata.followup import Judgement
from geodata.store import GeoPackageStore, LayerQuery
from geodata.views.disclosure import Band
from geodata.views.public import MIN_COUNT

from dash_http import find, make_client, render_page, signed_in_client
from survey_data import add_goal_survey

PLEDGE, PERIOD = "mark-2021", "2021-T2"
TODAY = dt.date(2022, 3, 1)
JUDGE = "ulla.bedomare"
DONE_TEXT = "Polisen har patrullerat i Kinna centrum varje fredag under våren."
GOAL_TEXT = "Trygghetsmätningen visar att problemindex sjunker i Kinna."
PASSWORD = "en lång lösenfras"


@pytest.fixture
def judged(demo_copy):
    """The demo store with a survey behind a goal (its later year 2021: a period is judged on what was known by
    its end) and judgements of one promise and one goal in 2021-T2."""
    add_goal_survey(demo_copy, latest=2021)
    with GeoPackageStore.open(demo_copy) as store:

        def version(subject_id: str) -> int:  # the demo has judged some of them already
            return sum(1 for j in store.read_judgements(PLEDGE, subject_id) if j.period == PERIOD)

        narvaro = Judgement(PLEDGE, "promise", "mark-2021-narvaro", PERIOD, "started", DONE_TEXT)
        store.save_judgement(narvaro, version("mark-2021-narvaro"), actor=JUDGE)
        goal = Judgement(PLEDGE, "goal", "okad-trygghet", PERIOD, "likely", GOAL_TEXT)
        store.save_judgement(goal, version("okad-trygghet"), actor=JUDGE)
    return demo_copy


def _report(data, viewer, fmt, lang="sv"):
    with GeoPackageStore.open(data) as store:
        content, name, media_type = followup_file(GuardedStore(store, viewer), PLEDGE, fmt, lang, TODAY, PERIOD)
    return content, name, media_type


def docx_text(content: bytes) -> tuple[docx.document.Document, str]:
    word = docx.Document(io.BytesIO(content))
    parts = [p.text for p in word.paragraphs]
    parts += [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return word, "\n".join(parts)


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    # The PDF draws a non-breaking space with the space's glyph; pypdf reads both back as a space.
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def _promise_texts(data):
    with GeoPackageStore.open(data) as store:
        return [p.text for p in store.get_pledge(PLEDGE).promises]


def test_the_word_report_holds_each_promise_with_status_text_swedish_figures_headings_and_pictures(judged):
    content, name, media_type = _report(judged, LOCAL_ADMIN, "docx")
    assert name == "uppfoljning-mark-2021-2021-T2.docx" and media_type.endswith("wordprocessingml.document")
    word, text = docx_text(content)
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", "Uppföljning av Medborgarlöfte Mark 2021")
    for heading in ("Läget i perioden", "Löftena", "Målen", "Vad händer härnäst"):
        assert ("Heading 1", heading) in headings
    promises = [h for s, h in headings if s == "Heading 2" and h.startswith("Löfte ")]
    assert [h.split(":")[0] for h in promises] == [f"Löfte {n}" for n in range(1, 6)]
    # Each named as the pages name it, and no period's status after the report's (T3 is the demo's, later).
    assert promises[1].startswith("Löfte 2: Riktade insatser – Minst fyra riktade insatser")
    assert "Status per period: T1 2021: Påbörjad · T2 2021: Påbörjad" in text.replace("\n", " ")
    assert "T3 2021: Försenad" not in text
    for promise in _promise_texts(judged):
        assert promise in text
    assert DONE_TEXT in text and GOAL_TEXT in text and JUDGE in text
    assert (
        "Bedömd status: Påbörjad" in text and text.count("Bedömd status: Ej bedömd") == 2  # the goals the demo left
    )  # four promises, two goals
    assert "Bedömd status: Bedöms kunna uppnås" in text  # the goal's judged status
    # Swedish numbers: the targeted operations' expected 2,7 (of a target of 4); the indicator's 1 660,00.
    assert "Förväntat vid periodens slut\n2,7" in text
    assert "1\u00a0660,00" in text and "\u22120,50" in text
    assert "Nästa uppföljningsperiod är T3 2021" in text
    # The status chart, a map per promise with records seen, the goal's trend.
    assert len(word.inline_shapes) >= 3
    assert all(shape._inline.docPr.get("descr") for shape in word.inline_shapes)


def test_the_pdf_report_says_the_same_and_holds_its_pictures(judged):
    started = time.perf_counter()
    content, name, media_type = _report(judged, LOCAL_ADMIN, "pdf")
    seconds = time.perf_counter() - started
    assert name.endswith(".pdf") and media_type == "application/pdf" and content.startswith(b"%PDF-")
    reader, text = pdf_text(content)
    for expected in ("Uppföljning av Medborgarlöfte Mark 2021", "Läget i perioden", "Vad händer härnäst",
                     DONE_TEXT, GOAL_TEXT, "Bedömd status: Påbörjad", "Bedömd status: Ej bedömd",
                     "Förväntat vid periodens slut 2,7", "1 660,00", "−0,50"):  # fmt: skip
        assert expected in text, expected
    for promise in _promise_texts(judged):
        assert re.sub(r"\s+", " ", promise) in text
    assert sum(len(page.images) for page in reader.pages) >= 3
    assert reader.metadata.title == "Uppföljning av Medborgarlöfte Mark 2021"
    assert seconds < 20  # measured about 1.5 s on the project's 2-core machine


def test_the_public_report_has_no_judgement_text_no_judge_and_no_cell_under_the_minimum(judged):
    with GeoPackageStore.open(judged) as store:
        public = follow_up_report(GuardedStore(store, PUBLIC_VIEWER), PLEDGE, TODAY, PERIOD)
        titles = set(store.read_layer("operations", LayerQuery(pledge_id=PLEDGE))["title"].dropna())
    assert public.public
    maps = [item.record_map for item in public.promises]
    assert all(m.aggregated and not m.points for m in maps)
    drawn = [cell.band for m in maps for cell in m.cells]
    # Every cell drawn is at least the minimum, and given as its band of five (5–9, 10–14, …), never the figure.
    assert drawn and all(b.low >= MIN_COUNT and b.high == b.low + 4 and (b.low - MIN_COUNT) % 5 == 0 for b in drawn)
    # Cells under the minimum exist, and are left out: that is all the report knows of them, not how many.
    assert any(m.suppressed for m in maps) and all(isinstance(m.suppressed, bool) for m in maps)
    for m in maps:
        assert m.shown == Band(sum(c.band.low for c in m.cells), sum(c.band.high for c in m.cells))
    assert all(not item.judged.text and item.judged.judged_by is None for item in (*public.promises, *public.goals))

    for fmt, read in (("docx", docx_text), ("pdf", pdf_text)):
        content, _, _ = _report(judged, PUBLIC_VIEWER, fmt)
        _, text = read(content)
        assert "Offentlig version" in text and "Så gick det" not in text
        assert DONE_TEXT not in text and GOAL_TEXT not in text and JUDGE not in text
        assert "Påbörjad" in text  # the status is public
        flat = " ".join(text.split())
        # The maps' captions say cells under the minimum are left out, and never how many records they held.
        assert "Sexhörningar med färre än 5 registreringar visas inte" in flat and "i spann om fem" in flat
        assert not re.search(r"visas inte \(\d", flat)
        assert not [title for title in titles if title in text]  # no record's own words
        for promise in _promise_texts(judged):  # the pledge's published texts stay
            assert re.sub(r"\s+", " ", promise) in re.sub(r"\s+", " ", text)


def test_a_municipality_sees_points_of_the_records_it_reads_and_not_the_internal_ones(judged):
    with GeoPackageStore.open(judged) as store:
        report = follow_up_report(GuardedStore(store, Viewer("municipality", "mats")), PLEDGE, TODAY, PERIOD)
    maps = {item.promise.id: item for item in report.promises}
    assert not report.public
    presence = maps["mark-2021-narvaro"]
    assert not presence.record_map.aggregated and len(presence.record_map.points) == presence.evidence["in_period"]
    # Targeted drug operations are internal: counted in the public figures, never drawn for the municipality.
    drugs = maps["mark-2021-riktade-insatser"]
    assert drugs.evidence["in_period"] >= 1 and drugs.record_map.points == ()
    # … and the report says why the map is empty where the count is not.
    with GeoPackageStore.open(judged) as store:
        content, _, _ = followup_file(
            GuardedStore(store, Viewer("municipality", "mats")), PLEDGE, "docx", "sv", TODAY, PERIOD
        )
    text = " ".join(docx_text(content)[1].split())
    assert "visas inte på kartan för dig: polisens interna insatser räknas för alla" in text
    assert (
        "Löftet har inga registreringar i perioden att visa på kartan"
        not in text.split("Riktade insatser")[1].split("Löfte 3")[0]
    )


def test_the_english_report_is_english(judged):
    content, name, _ = _report(judged, LOCAL_ADMIN, "docx", lang="en")
    _, text = docx_text(content)
    assert name == "follow-up-mark-2021-2021-T2.docx"
    for expected in ("Follow-up of Medborgarlöfte Mark 2021", "The promises", "What is next", "Judged status: Started",
                     "Judged status: Not judged", "Expected by the period's end\n2.7", "1,660.00"):  # fmt: skip
        assert expected in text, expected
    for swedish in ("Ej bedömd", "Löftena", "Påbörjad", "Vad händer", "Uppföljning av", "2,7"):
        assert swedish not in text
    _, pdf = pdf_text(_report(judged, LOCAL_ADMIN, "pdf", lang="en")[0])
    assert "What is next" in pdf and "Not judged" in pdf and "Ej bedömd" not in pdf


def test_a_period_the_pledge_does_not_have_is_refused_naming_its_periods(judged):
    with GeoPackageStore.open(judged) as store:
        with pytest.raises(ValueError, match="expected one of: 2021-T1, 2021-T2, 2021-T3"):
            follow_up_report(GuardedStore(store, LOCAL_ADMIN), PLEDGE, TODAY, "2020-T1")


def test_the_command_writes_the_report_readable_by_its_owner_only(judged, tmp_path, capsys):
    out = tmp_path / "rapport.docx"
    args = ["report", "followup", "--data", str(judged), "--pledge", PLEDGE, "--period", PERIOD, "--out", str(out)]
    assert main(args) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert DONE_TEXT in docx_text(out.read_bytes())[1]
    public = tmp_path / "offentlig.pdf"
    assert main([*args[:-2], "--public", "--out", str(public)]) == 0
    assert (
        DONE_TEXT not in pdf_text(public.read_bytes())[1]
        and "Skrev den offentliga uppföljningsrapporten för mark-2021 till" in capsys.readouterr().out
    )
    assert main([*args[:-2], "--format", "pdf", "--lang", "en", "--today", "2022-03-01", "--out", str(public)]) == 0
    assert "What is next" in pdf_text(public.read_bytes())[1]

    assert main(["report", "followup", "--data", str(judged), "--pledge", "nope", "--out", str(out)]) == 1
    assert "Det finns inget medborgarlöfte med id ”nope”." in capsys.readouterr().err
    assert main([*args[:-2], "--out", str(tmp_path / "rapport.txt")]) == 1
    assert "slutar inte på .docx eller .pdf" in capsys.readouterr().err
    assert main([*args[:2], *args[2:6], "--period", "2021-T4", "--out", str(out)]) == 1
    assert (
        "”2021-T4” är ingen uppföljningsperiod för löftet; välj en av: 2021-T1, 2021-T2, 2021-T3."
        in capsys.readouterr().err
    )
    assert main([*args[:-2], "--lang", "en", "--out", str(tmp_path / "no-such-folder" / "r.docx")]) == 1
    err = capsys.readouterr().err
    assert "cannot be written: No such file or directory; choose a folder that exists" in err and "Traceback" not in err


def test_the_download_serves_word_and_pdf_and_words_its_refusals(judged):
    client = make_client(Settings(data=judged, tiles_url=None))
    word = client.get(f"/report/followup?pledge={PLEDGE}&period={PERIOD}&format=docx")
    assert word.status_code == 200
    assert word.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert 'filename="uppfoljning-mark-2021-2021-T2.docx"' in word.headers["Content-Disposition"]
    assert DONE_TEXT in docx_text(word.data)[1]
    pdf = client.get(f"/report/followup?pledge={PLEDGE}&period={PERIOD}&format=pdf&lang=en")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and "What is next" in pdf_text(pdf.data)[1]

    unknown = client.get("/report/followup?pledge=nope&format=pdf")
    assert (
        unknown.status_code == 404 and unknown.get_data(as_text=True) == "Det finns inget medborgarlöfte med id ”nope”."
    )
    english = client.get("/report/followup?pledge=nope&lang=en")
    assert english.status_code == 404 and english.get_data(as_text=True) == "There is no pledge with id “nope”."
    period = client.get(f"/report/followup?pledge={PLEDGE}&period=2020-T1")
    assert period.status_code == 400
    assert period.get_data(as_text=True) == (
        "”2020-T1” är ingen uppföljningsperiod för löftet; välj en av: 2021-T1, 2021-T2, 2021-T3."
    )
    fmt = client.get(f"/report/followup?pledge={PLEDGE}&format=odt")
    assert fmt.status_code == 400 and "välj docx eller pdf" in fmt.get_data(as_text=True)


def test_a_public_account_downloads_the_public_variant_without_asking_for_it(judged):
    with GeoPackageStore.open(judged) as store:
        add_user(store, "ulla", "public", PASSWORD)
    unsigned = make_client(Settings(data=judged, tiles_url=None))
    assert unsigned.get(f"/report/followup?pledge={PLEDGE}&format=pdf").status_code == 302  # sign in first
    client = signed_in_client(judged, "ulla", PASSWORD)
    answer = client.get(f"/report/followup?pledge={PLEDGE}&period={PERIOD}&format=pdf")
    assert answer.status_code == 200
    text = pdf_text(answer.data)[1]
    assert "Offentlig version" in text and DONE_TEXT not in text and JUDGE not in text


def test_the_pledge_page_links_both_downloads(client):
    tree = render_page(client, "/pledge", "?pledge=mark-2021")
    links = find(tree, className="pm-report-links")
    assert len(links) == 1
    hrefs = [a["props"]["href"] for a in links[0]["props"]["children"] if isinstance(a, dict)]
    assert hrefs == [  # the period the page shows: the latest that is over
        "/report/followup?pledge=mark-2021&period=2021-T3&format=docx&lang=sv",
        "/report/followup?pledge=mark-2021&period=2021-T3&format=pdf&lang=sv",
    ]
    english = find(render_page(client, "/pledge", "?pledge=mark-2021&lang=en"), className="pm-report-links")[0]
    assert english["props"]["children"][0] == "Download the follow-up report ("
    served = client.get(hrefs[1])
    assert served.status_code == 200 and served.mimetype == "application/pdf"


@pytest.mark.browser
def test_the_pledge_pages_word_link_downloads_the_report_in_a_browser(judged):
    from browser import browser_page, serving

    with serving(judged, env={"PLEDGEMAP_TILES": "none"}) as url, browser_page() as (page, console):
        page.goto(f"{url}pledge?pledge={PLEDGE}")
        link = page.get_by_role("link", name="Word")
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "uppfoljning-mark-2021-2021-T3.docx"  # the latest period over
        with open(download.value.path(), "rb") as file:
            word, text = docx_text(file.read())
        assert word.paragraphs[0].text == "Uppföljning av Medborgarlöfte Mark 2021"
        assert "T2 2021: Påbörjad" in text and "Bedömd status: Ej bedömd" in text
        assert console.errors == []


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize(
    "lang, words",
    [
        (
            "sv",
            (
                # A period of 2021 is judged on what was known by its end: the 2021 results, not later ones.
                "Skene: från 1,86 (2020) till 1,73 (2021), en förändring med −0,13 – skillnaden ryms inom osäkerheten",
                "Hela kommunen: från 22,6 % (2020) till 19,3 % (2021), en förändring med −3,3 procentenheter – "
                "skillnaden ryms inom osäkerheten",
                "Serien bryts 2020: Ny skala: fem svarsalternativ i stället för sex",
                "Mäter: Hur stora de boende anser",
                "Skala: 0–6",
                "Typ: Andel (procent)",
                "Otrygg ute sent en kväll per grupp i Hela kommunen 2021",
                "22,6 % (20,2–25,2)",
                "Kvinnor",
                "Män",
                "65 år och äldre",
                "Rapporter om otrygga platser i kommunen i kategorierna Dålig belysning",
            ),
        ),
        (
            "en",
            (
                "Skene: from 1.86 (2020) to 1.73 (2021), a change of -0.13 – the difference is within the uncertainty",
                "Hela kommunen: from 22.6% (2020) to 19.3% (2021), a change of -3.3 percentage points – the difference "
                "is within the uncertainty",
                "The series breaks in 2020: Ny skala: fem svarsalternativ i stället för sex",
                "Scale: 0–6",
                "Kind: Share (per cent)",
                "Women",
                "Men",
                "65 and over",
            ),
        ),
    ],
)
def test_the_report_says_of_each_area_whether_the_change_is_larger_than_the_uncertainty(demo_copy, fmt, lang, words):
    content, _, _ = _report(demo_copy, LOCAL_ADMIN, fmt, lang)
    if fmt == "docx":
        _, text = docx_text(content)
        text = re.sub(r"\s+", " ", text.replace("\u00a0", " "))
    else:
        _, text = pdf_text(content)
    for expected in words:
        assert expected in text, expected


def test_the_public_report_shows_the_survey_as_published_and_reports_under_the_minimum_not_counted(demo_copy):
    with GeoPackageStore.open(demo_copy) as store:
        admin = follow_up_report(GuardedStore(store, LOCAL_ADMIN), PLEDGE, TODAY, PERIOD)
        public = follow_up_report(GuardedStore(store, PUBLIC_VIEWER), PLEDGE, TODAY, PERIOD)
    for mine, theirs in zip(admin.goals, public.goals):
        assert mine.trend.series.equals(theirs.trend.series)  # the survey's figures are published
    counts = public.goals[0].trend.reports.counts
    assert public.goals[0].trend.reports.public and all(n is None or n >= MIN_COUNT for n in counts.values())
    _, text = docx_text(_report(demo_copy, PUBLIC_VIEWER, "docx")[0])
    text = text.replace("\u00a0", " ")
    assert "skillnaden ryms inom osäkerheten" in text and "Kvinnor" in text
    assert f"I den offentliga versionen visas inte antal under {MIN_COUNT} rapporter." in text
    if None in counts.values():
        assert f"färre än {MIN_COUNT}" in text
