"""The lägesbild out: Word and PDF read back as text (python-docx, pypdf), the command line, the download route
and who may have it."""

from __future__ import annotations

import datetime as dt
import io
import stat

import docx
import pytest
from pypdf import PdfReader

from dashboard.components.report_links import situation_url
from dashboard.documents.situation import situation_file
from geodata.access import GuardedStore
from geodata.access.rules import LOCAL_ADMIN, Viewer
from geodata.analysis.situation import kartlaggning
from geodata.analysis.situation_document import Measure, PriorityProblem, SituationReport, save_situation_report
from geodata.store import GeoPackageStore

from dash_http import find, props_where, render_page

TODAY = dt.date(2026, 12, 1)


def plan() -> SituationReport:
    return SituationReport(
        "1463",
        2021,
        analysis="Narkotikaförsäljningen har ökat kring Kinna centrum.\nBelysningen på gångvägarna är bristfällig.",
        problems=(
            PriorityProblem("p1", "Narkotikaförsäljning vid Kinna busstation", ("drug_dealing",), "Kinna busstation"),
            PriorityProblem("p2", "Dålig belysning på gångvägar", ("poor_lighting",)),
        ),
        measures=(
            Measure("Riktade insatser kvällstid", "polisen", "p1", "2022-T1"),
            Measure("Byta belysning vid skolan", "Marks kommun", "p2", "våren 2022"),
        ),
    )


@pytest.fixture
def saved(demo_copy):
    with GeoPackageStore.open(demo_copy) as store:
        police = GuardedStore(store, Viewer("police", "pia"))
        save_situation_report(police, plan(), 0)
        save_situation_report(police, SituationReport("1463", 2021, analysis="Andra versionen."), 1)
    return demo_copy


def word_text(content: bytes) -> tuple[str, list[list[list[str]]]]:
    document = docx.Document(io.BytesIO(content))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return paragraphs, tables


def test_the_word_file_holds_the_kartlaggning_and_the_chosen_version(saved):
    with GeoPackageStore.open(saved) as store:
        admin = GuardedStore(store, LOCAL_ADMIN)
        content, name, media_type = situation_file(admin, "1463", 2021, "docx", "sv", TODAY, version=1)
        k = kartlaggning(admin, "1463", 2021)
    assert name == "lagesbild-1463-2021-v1.docx" and media_type.endswith("wordprocessingml.document")
    text, tables = word_text(content)
    assert "Lägesbild och åtgärdsplan för Mark 2021" in text
    assert "version 1, sparad av pia" in text
    assert f"{k.reports} rapporter i kommunen under 2021" in text
    categories = tables[0]
    assert categories[0] == ["Kategori", "2021", "Andel", "2020", "Förändring"]
    first = k.categories[0]
    assert categories[1] == [
        "Narkotikaförsäljning",
        str(first.count),
        f"{100 * first.share:.1f}".replace(".", ",") + "\u00a0%",
        str(first.before[2020]),
        f"+{first.change}",
    ]
    assert len(categories) == len(k.categories) + 1
    # The written sections of version 1, not of the later version 2.
    assert "Narkotikaförsäljningen har ökat kring Kinna centrum." in text and "Andra versionen." not in text
    assert "Prioriterat problem 1\nNarkotikaförsäljning vid Kinna busstation" in text
    assert tables[-1][1:] == [
        ["Riktade insatser kvällstid", "polisen", "2022-T1", "Prioriterat problem 1"],
        ["Byta belysning vid skolan", "Marks kommun", "våren 2022", "Prioriterat problem 2"],
    ]
    # The chart is a picture with its alt text.
    pictures = docx.Document(io.BytesIO(content)).inline_shapes
    assert len(pictures) == 1


def test_the_pdf_reads_back_in_english_with_the_latest_version(saved):
    with GeoPackageStore.open(saved) as store:
        content, name, _ = situation_file(GuardedStore(store, LOCAL_ADMIN), "1463", 2021, "pdf", "en", TODAY)
    assert name == "situation-report-1463-2021-v2.pdf" and content.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    text = " ".join(text.split())
    assert "Situation report and action plan for Mark 2021" in text
    assert "version 2, saved by pia" in text and "Andra versionen." in text
    assert "By category" in text and "Drug dealing" in text and "Weekday and time of day" in text
    assert "No prioritised problems yet." in text


def test_the_command_line_writes_the_file_for_the_owner_only(saved, tmp_path, capsys):
    from dashboard.cli import main

    out = tmp_path / "lagesbild.docx"
    assert (
        main(
            ["report", "situation", "--data", str(saved), "--municipality", "1463", "--year", "2021", "--out", str(out)]
        )
        == 0
    )
    assert "Skrev lägesbilden för 1463 2021 till" in capsys.readouterr().out
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "Andra versionen." in word_text(out.read_bytes())[0]
    pdf = tmp_path / "v1.pdf"
    args = ["report", "situation", "--data", str(saved), "--municipality", "1463", "--year", "2021"]
    assert main([*args, "--version", "1", "--format", "pdf", "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert main([*args, "--version", "9", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "has no version 9; saved versions: 1, 2" in capsys.readouterr().err


def test_the_download_route_answers_the_file_and_refuses_what_it_cannot(client, saved):
    answer = client.get(situation_url("1463", 2021, "docx", "sv"))
    assert answer.status_code == 200
    assert 'filename="lagesbild-1463-2021-v2.docx"' in answer.headers["Content-Disposition"]
    assert "Andra versionen." in word_text(answer.data)[0]
    assert client.get(situation_url("1463", 2021, "odt", "sv")).status_code == 400
    refused = client.get("/report/situation?kommun=Mark&year=2021")
    assert refused.status_code == 400 and "ingen kommunkod" in refused.get_data(as_text=True)
    missing = client.get(situation_url("1463", 2021, "pdf", "sv", version=5))
    assert missing.status_code == 404 and "ingen sparad version 5" in missing.get_data(as_text=True)
    # The page links both formats of what it shows.
    tree = render_page(client, "/lagesbild", "?kommun=1463&year=2021")
    links = [p["href"] for p in props_where(tree, lambda p: str(p.get("href", "")).startswith("/report/situation"))]
    assert links == [situation_url("1463", 2021, "docx", "sv"), situation_url("1463", 2021, "pdf", "sv")]
    old = render_page(client, "/lagesbild", "?kommun=1463&year=2021&version=1")
    assert situation_url("1463", 2021, "pdf", "sv", version=1) in [
        p.get("href") for p in props_where(old, lambda p: "href" in p)
    ]
    assert find(tree, className="pm-report-links")


@pytest.mark.parametrize("role", ["public", "housing_company"])
def test_the_download_is_refused_for_the_public_and_a_housing_company(saved, role):
    from geodata.access.accounts import add_user

    from dash_http import signed_in_client

    with GeoPackageStore.open(saved) as store:
        add_user(store, "vem", role, "en lång lösenfras", **({"organisation": "MBAB"} if role != "public" else {}))
    client = signed_in_client(saved, "vem")
    answer = client.get(situation_url("1463", 2021, "docx", "sv"))
    assert answer.status_code == 403 and "Ditt konto har inte behörighet till detta." in answer.get_data(as_text=True)
