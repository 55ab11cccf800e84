"""The import page in the user's language: the rejected-rows file, the file errors, the next step the page offers."""

from __future__ import annotations

import base64
import csv
import io
import json

import pytest

from dashboard.ids import Importer
from dashboard.server.uploads import save_upload

from dash_http import call_callback, texts

WALK = (
    "Id;Datum;Kategori;Källa;Beskrivning;Nord;Öst\n"
    "1;2021-03-05;Dålig belysning;Trygghetsvandring;Mörk gång;6376282;361845\n"
    "2;2021-03-05;Dålig belysning;Trygghetsvandring;Hörna;sex;361845\n"
    "3;5 mars;Dålig belysning;Trygghetsvandring;Torget;6376320;361845\n"
)


def _upload(name: str, data: bytes) -> str:
    return save_upload("data:application/octet-stream;base64," + base64.b64encode(data).decode(), name)


def _state(token: str, lang: str, layer: str = "unsafe_places") -> dict:
    return {
        f"{Importer.token}.data": token,
        f"{Importer.layer}.value": layer,
        f"{Importer.pledge}.value": "mark-2021",
        f"{Importer.promise}.value": "",
        f"{json.dumps({'field': ['ALL'], 'text': ['ALL'], 'type': Importer.answer}, separators=(',', ':'))}.value": [],
        f"{json.dumps({'field': ['ALL'], 'text': ['ALL'], 'type': Importer.answer}, separators=(',', ':'))}.id": [],
        f"{Importer.answers}.data": {},
        f"{json.dumps({'field': ['ALL'], 'type': Importer.column}, separators=(',', ':'))}.value": [],
        f"{json.dumps({'field': ['ALL'], 'type': Importer.column}, separators=(',', ':'))}.id": [],
        f"{json.dumps({'field': ['ALL'], 'type': Importer.fill}, separators=(',', ':'))}.value": [],
        f"{json.dumps({'field': ['ALL'], 'type': Importer.fill}, separators=(',', ':'))}.id": [],
        f"{json.dumps({'row': ['ALL'], 'type': Importer.personal}, separators=(',', ':'))}.value": [],
        f"{json.dumps({'row': ['ALL'], 'type': Importer.personal}, separators=(',', ':'))}.id": [],
        f"{Importer.lang}.data": lang,
    }


def _commit(client, token: str, lang: str) -> dict:
    return call_callback(
        client,
        f"{Importer.rejects}.data",
        {f"{Importer.commit_valid}.n_clicks": 1, f"{Importer.commit_all}.n_clicks": 0},
        state=_state(token, lang),
    )


@pytest.mark.parametrize(
    "lang, column, reasons",
    [
        (
            "sv",
            "Att rätta (Pledgemap)",
            [
                "Plats (koordinater): koordinaten är inte ett tal: Nord = 'sex'",
                "Rapporterad: ”5 mars” är inte ett datum; skriv ÅÅÅÅ-MM-DD, t.ex. 2024-03-05",
            ],
        ),
        (
            "en",
            "To fix (Pledgemap)",
            [
                "Place (coordinates): the coordinate is not a number: Nord = 'sex'",
                "Reported: “5 mars” is not a date; write YYYY-MM-DD, e.g. 2024-03-05",
            ],
        ),
    ],
)
def test_the_rejected_rows_file_speaks_the_page_s_language_with_the_field_s_name(client, lang, column, reasons):
    token = _upload("vandring.csv", WALK.encode("utf-8"))
    sent = _commit(client, token, lang)
    download = sent[Importer.rejects]["data"]
    assert download["filename"] == ("vandring-avvisade.csv" if lang == "sv" else "vandring-rejected.csv")
    text = (base64.b64decode(download["content"]) if download.get("base64") else download["content"].encode()).decode(
        "utf-8-sig"
    )
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";" if lang == "sv" else ","))
    assert [r["Id"] for r in rows] == ["2", "3"]
    assert [r[column] for r in rows] == reasons
    assert "pledgemap_problem" not in rows[0]


def test_goal_cards_tell_readers_what_is_missing_and_who_adds_it_not_a_command(client):
    from dash_http import render_page, texts

    for lang, missing in (("sv", "Den som administrerar Pledgemap"), ("en", "Whoever administers Pledgemap")):
        shown = " ".join(texts(render_page(client, "/pledge", f"?pledge=mark-2021&lang={lang}")))
        assert missing in shown
        assert "pledgemap survey" not in shown


KML = b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Trygghetsvandring</name>
<Placemark><name>M\xc3\xb6rk g\xc3\xa5ng</name><description>Lampan trasig</description>
<Point><coordinates>12.694,57.508</coordinates></Point></Placemark>
</Document></kml>"""


def _dry_run(client, token, lang, layer=""):
    sent = call_callback(
        client,
        f"{Importer.answers}.data",
        {f"{Importer.dry_run}.n_clicks": 1},
        state=_state(token, lang, layer),
    )
    return " ".join(texts(sent[Importer.report]["children"]))


@pytest.mark.parametrize(
    "lang, expected",
    [
        (
            "sv",
            "vandring.kml: det går inte att avgöra vilket lager kolumnerna hör till. Välj lager under ”2. Vart ska raderna?” och tryck ”Provkör (sparar inget)” igen.",
        ),
        (
            "en",
            "vandring.kml: cannot tell which layer the columns belong to. Choose the layer under “2. Where do the rows go?” and press “Dry run (saves nothing)” again.",
        ),
    ],
)
def test_a_kml_file_without_a_layer_is_told_the_page_s_next_step_in_the_page_s_language(client, lang, expected):
    token = _upload("vandring.kml", KML)
    shown = _dry_run(client, token, lang)
    assert expected in shown
    assert "--layer" not in shown
    # A choice the page asks for is not headed as a failure.
    assert shown.startswith({"sv": "Ett val behövs:", "en": "A choice is needed:"}[lang])
    assert "Något gick fel" not in shown and "Something went wrong" not in shown


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_other_file_errors_on_the_import_page_are_worded_too(client, lang):
    cases = {
        "gone": ("x" * 32, {"sv": "Filen finns inte längre på servern", "en": "The file is no longer on the server"}),
        "xls": (
            _upload("gammal.xls", b"\xd0\xcf\x11\xe0 old excel"),
            {"sv": "gammal.xls är en gammal Excel-fil (.xls)", "en": "gammal.xls is an old Excel file (.xls)"},
        ),
        "format": (
            _upload("karta.dwg", b"AC1032 drawing"),
            {
                "sv": "karta.dwg är inte i ett format Pledgemap läser",
                "en": "karta.dwg is not in a format Pledgemap reads",
            },
        ),
        "broken": (
            _upload("trasig.geojson", b'{"type": "FeatureCollection", "features": [}'),
            {
                "sv": "trasig.geojson är ingen giltig JSON (fel på rad 1)",
                "en": "trasig.geojson is not valid JSON (an error on line 1)",
            },
        ),
    }
    for name, (token, expected) in cases.items():
        shown = _dry_run(client, token, lang, "unsafe_places")
        if expected is not None:
            assert expected[lang] in shown, (name, shown)
        if lang == "sv":
            for english in ("no longer on the server", "expected", "not valid", "the file is"):
                assert english not in shown, (name, shown)


def test_every_file_error_the_readers_raise_has_the_page_s_words():
    """Each code an ImportFileError carries has a wording in both catalogues, so none reaches the page in English."""
    import ast
    from pathlib import Path

    import geodata.io.importer as importer_module
    import geodata.io.police_events as events_module
    import geodata.io.readers as readers_module
    from dashboard.i18n import catalogue
    from dashboard.server import uploads

    codes = set()
    for module in (readers_module, importer_module, events_module, uploads):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ImportFileError":
                assert len(node.args) >= 2 or "no such file" in ast.unparse(node), ast.unparse(node)[:120]
                if len(node.args) >= 2:
                    codes.add(node.args[1].value)
    assert len(codes) > 20
    for lang in ("sv", "en"):
        assert {c for c in codes if f"file_error.{c}" not in catalogue(lang)} == set()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_archive_built_to_attack_and_a_broken_csv_are_worded_too(client, lang):
    import zipfile as zf

    buffer = io.BytesIO()
    with zf.ZipFile(buffer, "w") as archive:
        archive.writestr("../../etc/passwd.shp", b"x")
    shown = _dry_run(client, _upload("karta.zip", buffer.getvalue()), lang, "unsafe_places")
    assert ("karta.zip avvisades" if lang == "sv" else "karta.zip was refused") in shown, shown
    csv_text = 'Id;Datum;Kategori\n1;2021-03-05;"Mörk\n'.encode()
    shown = _dry_run(client, _upload("trasig.csv", csv_text + b"x" * 10), lang, "unsafe_places")
    assert "Felet, som Pledgemap skriver det på engelska" not in shown, shown
