"""Real files in: what many rows lack is asked once, guesses come only from the file's own names, and each file lands.

The files are written here in the shapes municipalities really have: an Excel
CSV export of a survey (Windows-1252, ";", SWEREF 99 TM in "Nord"/"Öst" with
decimal commas, no source column, the categories in the survey's own words), a
Google My Maps KML of a safety walk without dates, and an XLSX with Swedish
headers whose date column is called "När".
"""

from __future__ import annotations

import base64
import json

import openpyxl
import pytest

from dashboard.cli import main
from dashboard.ids import Importer
from dashboard.server.uploads import save_upload
from geodata.io import commit_file, plan_file
from geodata.io.columns import date_in_text
from geodata.io.questions import evidence, guesses
from geodata.layers import UNSAFE_PLACES
from geodata.store import GeoPackageStore

from dash_http import call_callback, props_where, texts

SURVEY_CATEGORIES = ("Narkotikahandel", "Dålig belysning", "Tillhåll", "Otrygg passage", "Skadegörelse")
SURVEY_CODES = {
    "Narkotikahandel": "drug_dealing",
    "Dålig belysning": "poor_lighting",
    "Tillhåll": "loitering",
    "Otrygg passage": "unsafe_passage",
    "Skadegörelse": "vandalism",
}


def survey_csv(path, rows: int = 12):
    """An Excel export of a survey: Windows-1252, semicolons, SWEREF 99 TM with decimal commas, no source."""
    lines = ["Löpnummer;Datum;Kategori;Kommentar;Nord;Öst"]
    for i in range(rows):
        category = SURVEY_CATEGORIES[i % len(SURVEY_CATEGORIES)]
        lines.append(
            f"{i + 1};2023-05-{10 + i % 5:02d};{category};Svar {i + 1};{6376282 + 40 * i},5;{361845 + 35 * i},25"
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def my_maps_kml(path, name: str = "Trygghetsvandring Kinna", when: bool = False):
    """A Google My Maps export of a safety walk: six placemarks with a Kategori and a description, no dates."""
    marks = [
        ("Mörk gångväg", "Lamporna trasiga sedan i vintras", "Dålig belysning"),
        ("Busken vid skolan", "Skymmer sikten mot cykelbanan", "Skymd sikt"),
        ("Tunneln under väg 41", "Man går hellre runt", "Otrygg passage"),
        ("Bakom Coop", "Gäng samlas på kvällarna", "Tillhåll"),
        ("Parkeringen", "Klotter och krossat glas", "Skadegörelse"),
        ("Stationen", "Langning på kvällarna", "Narkotikahandel"),
    ]
    placemarks = "".join(
        f"<Placemark><name>{title}</name><description>{text}</description>"
        + ("<TimeStamp><when>2021-09-14T19:30:00+02:00</when></TimeStamp>" if when else "")
        + f'<ExtendedData><Data name="Kategori"><value>{category}</value></Data></ExtendedData>'
        f"<Point><coordinates>{12.690 + i * 0.002:.3f},{57.508 + i * 0.001:.3f},0</coordinates></Point></Placemark>"
        for i, (title, text, category) in enumerate(marks)
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document><name>{name}</name><Folder><name>Punkter</name>{placemarks}</Folder></Document></kml>",
        encoding="utf-8",
    )
    return path


def survey_xlsx(path):
    """An XLSX with Swedish headers; the date is in a column called "När" (which elsewhere means the time of day)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Enkätsvar"
    sheet.append(["Nr", "När", "Typ av problem", "Källa", "Latitud", "Longitud", "Kommentar"])
    for i in range(8):
        sheet.append(
            [
                i + 1,
                f"2024-04-{2 + i:02d}",
                SURVEY_CATEGORIES[i % len(SURVEY_CATEGORIES)],
                "Enkät",
                57.508 + i * 0.001,
                12.690 + i * 0.002,
                f"Svar {i + 1}",
            ]
        )
    book.save(path)
    return path


def _plan(store_path, file, **options):
    with GeoPackageStore.open(store_path) as store:
        return plan_file(store, file, "unsafe_places", pledge_id="mark-2021", **options).layers[0]


# -- the domain: one question per field or value, guesses from the file's names only ------------------------------


def test_a_survey_export_without_a_source_is_one_question_for_its_twelve_rows(demo_copy, tmp_path):
    path = survey_csv(tmp_path / "export.csv")
    plan = _plan(demo_copy, path)
    assert plan.source.encoding == "cp1252"
    [question] = plan.questions
    assert (question.kind, question.field, question.count, question.total, question.guess) == (
        "missing",
        "source",
        12,
        12,
        None,
    )
    assert plan.count("rejected") == 12 and plan.waiting == 12
    # The twelve rows' "source is missing" is said once, by the question, not twelve times.
    assert not [line for line in plan.report() if line["field"] == "source"]
    assert len([line for line in plan.report(with_asked=True) if line["field"] == "source"]) == 12
    # The survey's own words are the vocabulary's: no category question at all.
    assert not plan.unresolved
    assert {plan.records.at[row, "category"] for row in plan.records.index} == set(SURVEY_CODES.values())

    answered = _plan(demo_copy, path, defaults={"source": "survey"})
    assert (answered.count("ok"), answered.count("rejected")) == (12, 0)
    [settled] = answered.questions
    assert settled.answer == "survey" and not settled.open
    with GeoPackageStore.open(demo_copy) as store:
        before = store.counts()["unsafe_places"]
        [result] = commit_file(
            store, plan_file(store, path, "unsafe_places", defaults={"source": "survey"}), partial=False
        ).layers
        assert len(result.written) == 12 and store.counts()["unsafe_places"] == before + 12
        stored = store.read_layer("unsafe_places").set_index("source_id").loc["export:3"]
    assert (stored["source"], stored["category"], str(stored["reported_on"])[:10]) == (
        "survey",
        "loitering",
        "2023-05-12",
    )


def test_the_file_name_can_say_it_was_a_survey_and_that_is_a_guess_not_a_default(demo_copy, tmp_path):
    path = survey_csv(tmp_path / "Trygghetsenkät Kinna 2023.csv")
    shown = _plan(demo_copy, path)
    [question] = shown.questions
    assert question.guess is not None and (question.guess.value, question.guess.where) == ("survey", "file")
    assert not question.applied and shown.count("ok") == 0  # the page shows it; nothing is filled until confirmed
    applied = _plan(demo_copy, path, apply_guesses=True)
    assert applied.questions[0].applied and applied.count("ok") == 12


def test_a_my_maps_safety_walk_without_dates_asks_for_the_date_once_and_guesses_the_source(demo_copy, tmp_path):
    path = my_maps_kml(tmp_path / "Trygghetsvandring Kinna.kml")
    plan = _plan(demo_copy, path, apply_guesses=True)
    by_field = {q.field: q for q in plan.questions}
    assert set(by_field) == {"reported_on", "source"}
    source = by_field["source"]
    assert source.applied and source.guess is not None
    assert (source.guess.value, source.guess.where, source.guess.text) == (
        "safety_walk",
        "document",
        "Trygghetsvandring Kinna",
    )
    date = by_field["reported_on"]
    assert date.open and date.count == 6 and date.about == "safety_walk" and date.guess is None
    # Every row waits only for the date, and the report says nothing of dates row by row.
    assert plan.waiting == 6 and not plan.report()

    done = _plan(demo_copy, path, apply_guesses=True, defaults={"reported_on": "2021-09-14"})
    assert done.count("ok") == 6 and not done.open_questions
    assert set(done.records["category"]) == {
        "poor_lighting",
        "blocked_sightlines",
        "unsafe_passage",
        "loitering",
        "vandalism",
        "drug_dealing",
    }


def test_a_date_in_the_document_name_and_a_kml_timestamp_are_read(demo_copy, tmp_path):
    named = my_maps_kml(tmp_path / "walk.kml", name="Trygghetsvandring Kinna 14 september 2021")
    plan = _plan(demo_copy, named, apply_guesses=True)
    assert {q.field: q.guess.value for q in plan.questions if q.guess} == {
        "reported_on": "2021-09-14",
        "source": "safety_walk",
    }
    assert plan.count("ok") == 6 and not plan.open_questions

    stamped = my_maps_kml(tmp_path / "stamped.kml", when=True)
    plan = _plan(demo_copy, stamped)
    assert plan.mapping.fields["reported_on"] == "when"
    assert {str(v) for v in plan.records["reported_on"]} == {"2021-09-14"}
    assert [q.field for q in plan.questions] == ["source"]


def test_an_xlsx_whose_date_column_is_called_nar_is_read_by_its_values_and_lands(demo_copy, tmp_path):
    path = survey_xlsx(tmp_path / "enkät.xlsx")
    plan = _plan(demo_copy, path)
    assert plan.mapping.fields["reported_on"] == "När" and "time_of_day" not in plan.mapping.fields
    assert plan.mapping.by_values == {"reported_on": "När"}
    assert [n.code for n in plan.notes if n.code == "dates_by_values"] == ["dates_by_values"]
    assert not plan.questions and (plan.count("ok"), plan.count("rejected")) == (8, 0)
    assert set(plan.records["source"]) == {"survey"}


def test_a_time_of_day_column_called_nar_stays_the_time_of_day(demo_copy, tmp_path):
    path = tmp_path / "kvall.csv"
    path.write_text(
        "Datum;När;Kategori;Källa;lat;lon\n"
        + "".join(f"2024-04-0{i + 1};kväll;Dålig belysning;Enkät;{57.508 + i / 1000};12.69\n" for i in range(3)),
        encoding="utf-8",
    )
    plan = _plan(demo_copy, path)
    assert plan.mapping.fields["time_of_day"] == "När" and plan.mapping.fields["reported_on"] == "Datum"
    assert set(plan.records["time_of_day"]) == {"evening"} and plan.count("ok") == 3


def test_one_row_without_a_date_among_many_stays_a_row_problem(demo_copy, tmp_path):
    path = tmp_path / "rader.csv"
    rows = [f"2024-04-0{i + 1};Dålig belysning;Enkät;{57.508 + i / 1000};12.69" for i in range(5)]
    rows[2] = rows[2].replace("2024-04-03", "")
    path.write_text("Datum;Kategori;Källa;lat;lon\n" + "\n".join(rows) + "\n", encoding="utf-8")
    plan = _plan(demo_copy, path)
    assert not plan.questions
    assert [(line["row"], line["field"], line["code"]) for line in plan.report()] == [(4, "reported_on", "missing")]


def test_each_distinct_unclear_value_is_one_question_with_its_row_count(demo_copy, tmp_path):
    path = tmp_path / "oklar.csv"
    values = ["Otryggt", "Otryggt", "Otryggt", "Mörkt och langning", "Dålig belysning"]
    path.write_text(
        "Datum;Kategori;Källa;lat;lon\n"
        + "".join(f"2024-04-01;{v};Enkät;{57.508 + i / 1000};12.69\n" for i, v in enumerate(values)),
        encoding="utf-8",
    )
    plan = _plan(demo_copy, path)
    unclear = {q.text: q for q in plan.questions if q.kind == "unclear"}
    assert set(unclear) == {"Otryggt", "Mörkt och langning"}
    assert unclear["Otryggt"].count == 3 and unclear["Mörkt och langning"].count == 1
    # The likely codes first: the two the words name.
    assert unclear["Mörkt och langning"].candidates[:2] == ("drug_dealing", "poor_lighting")
    assert not [line for line in plan.report() if line["field"] == "category"]


def test_guesses_come_only_from_names_that_say_one_thing():
    assert date_in_text("Trygghetsvandring 2021-09-14") == date_in_text("vandring 14.9.2021")
    assert date_in_text("Vandring 5.3.2024 och 12.3.2024") is None  # two dates: no guess
    assert date_in_text("Medborgarlöfte 2024") is None  # a year is not a day
    assert guesses(UNSAFE_PLACES, [("file", "export_20240101")])["reported_on"].value == "2024-01-01"
    assert "source" not in guesses(UNSAFE_PLACES, [("file", "platser")])
    assert guesses(UNSAFE_PLACES, [("document", "Medborgardialog Kinna")])["source"].value == "citizen_dialogue"


def test_the_evidence_is_read_most_specific_first(tmp_path):
    from geodata.io.readers import read_source

    [table] = read_source(my_maps_kml(tmp_path / "Enkät.kml"))
    names = evidence(table)
    assert names[0] == ("document", "Trygghetsvandring Kinna") and names[-1] == ("file", "Enkät")
    # The document's name wins over the file's.
    assert guesses(UNSAFE_PLACES, names)["source"].value == "safety_walk"


# -- the command line: the questions, the guesses it applied, the command that imports the file ------------------


def test_the_command_line_asks_once_applies_the_guess_and_prints_the_command(demo_copy, tmp_path, capsys):
    path = my_maps_kml(tmp_path / "vandring.kml")
    args = ["import", "--data", str(demo_copy), str(path), "--pledge", "mark-2021"]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.count("? Filen har inget datum för sina 6 platser: när gjordes trygghetsvandringen?") == 1
    assert "Källa: Trygghetsvandring, gissat från dokumentets namn ”Trygghetsvandring Kinna” (6 rader)." in out
    assert "6 avvisade rader landar när frågorna nedan är besvarade." in out
    assert "Rapporterad" not in out.split("När frågorna")[0].split("?")[-1]  # no row-by-row date problems
    command = out.split("När frågorna är besvarade importeras filen med:\n")[1].splitlines()[0].strip()
    assert command.endswith("--layer unsafe_places --pledge mark-2021 --set 'reported_on=ÅÅÅÅ-MM-DD'")

    with GeoPackageStore.open(demo_copy) as store:
        before = store.counts()["unsafe_places"]
    assert main([*args, "--set", "reported_on=2021-09-14"]) == 0
    assert "Otrygga platser: 6 sparade, 0 fanns redan, 0 avvisade." in capsys.readouterr().out
    with GeoPackageStore.open(demo_copy) as store:
        assert store.counts()["unsafe_places"] == before + 6
        walk = store.read_layer("unsafe_places")
    # The placemarks have no ids: they are the six records of that walk's day with the walk's descriptions.
    walk = walk[walk["description"].fillna("").str.startswith("Tunneln under väg 41")]
    assert list(walk["source"]) == ["safety_walk"] and [str(d)[:10] for d in walk["reported_on"]] == ["2021-09-14"]


def test_the_command_line_question_for_a_survey_without_a_source(demo_copy, tmp_path, capsys):
    path = survey_csv(tmp_path / "export.csv")
    assert main(["import", "--data", str(demo_copy), str(path), "--layer", "unsafe_places", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.count("? Filen har ingen källa för sina 12 platser: hur samlades de in?") == 1
    assert "Möjliga koder: survey (Enkät)" in out and "--set source=KOD" in out
    assert "källa saknas" not in out.lower() and out.count("Rad ") == 0


# -- the import page: the same questions, a guess to confirm, one answer for all rows -----------------------------


def _upload(path) -> str:
    return save_upload(
        "data:application/octet-stream;base64," + base64.b64encode(path.read_bytes()).decode(), path.name
    )


def _key(pattern: dict, prop: str) -> str:
    return f"{json.dumps(pattern, separators=(',', ':'))}.{prop}"


def _state(token, lang="sv", fills: dict | None = None) -> dict:
    fills = fills or {}
    answer = {"field": ["ALL"], "text": ["ALL"], "type": Importer.answer}
    column = {"field": ["ALL"], "type": Importer.column}
    fill = {"field": ["ALL"], "type": Importer.fill}
    personal = {"row": ["ALL"], "type": Importer.personal}
    return {
        f"{Importer.token}.data": token,
        f"{Importer.layer}.value": "unsafe_places",
        f"{Importer.pledge}.value": "mark-2021",
        f"{Importer.promise}.value": "",
        _key(answer, "value"): [],
        _key(answer, "id"): [],
        f"{Importer.answers}.data": {},
        _key(column, "value"): [],
        _key(column, "id"): [],
        _key(fill, "value"): list(fills.values()),
        _key(fill, "id"): [{"type": Importer.fill, "field": f} for f in fills],
        _key(personal, "value"): [],
        _key(personal, "id"): [],
        f"{Importer.lang}.data": lang,
    }


def _find(node, wanted):
    """Every component in ``node`` whose id is the pattern id ``wanted`` (a dict), as rendered props."""
    return props_where(node, lambda props: props.get("id") == wanted)


def test_the_page_asks_once_and_offers_the_guess_to_confirm(client, tmp_path):
    token = _upload(my_maps_kml(tmp_path / "vandring.kml"))
    sent = call_callback(client, f"{Importer.answers}.data", {f"{Importer.dry_run}.n_clicks": 1}, state=_state(token))
    report = sent[Importer.report]["children"]
    shown = " ".join(texts(report))
    assert "Frågor om filen" in shown
    assert shown.count("Filen har ingen källa för sina 6 platser: hur samlades de in?") == 1
    assert shown.count("när gjordes trygghetsvandringen?") == 1
    assert "Förslag: Trygghetsvandring, från dokumentets namn ”Trygghetsvandring Kinna”. Bekräfta eller ändra." in shown
    # The guess is filled in as the answer, first among the choices, but not yet applied: 0 valid rows.
    [source] = _find(report, {"type": Importer.fill, "field": "source"})
    assert source["value"] == "safety_walk" and source["options"][0]["value"] == "safety_walk"
    [date] = _find(report, {"type": Importer.fill, "field": "reported_on"})
    assert date["type"] == "date" and date["value"] is None
    assert "6 rader: 0 giltiga, 6 avvisade" in shown

    # Answering both (the confirmed guess and the date) imports all six.
    fills = {"reported_on": "2021-09-14", "source": "safety_walk"}
    again = call_callback(
        client, f"{Importer.answers}.data", {f"{Importer.dry_run}.n_clicks": 2}, state=_state(token, fills=fills)
    )
    shown = " ".join(texts(again[Importer.report]["children"]))
    assert "6 rader: 6 giltiga, 0 avvisade" in shown and "Alla frågor har ett svar" in shown
    done = call_callback(
        client,
        f"{Importer.rejects}.data",
        {f"{Importer.commit_valid}.n_clicks": 0, f"{Importer.commit_all}.n_clicks": 1},
        state=_state(token, fills=fills),
    )
    assert "Otrygga platser: 6 sparade" in " ".join(texts(done[Importer.result]["children"]))


def test_the_page_in_english_words_the_questions_too(client, tmp_path):
    token = _upload(survey_csv(tmp_path / "export.csv"))
    sent = call_callback(
        client, f"{Importer.answers}.data", {f"{Importer.dry_run}.n_clicks": 1}, state=_state(token, "en")
    )
    shown = " ".join(texts(sent[Importer.report]["children"]))
    assert shown.count("The file has no source for its 12 places: how were they collected?") == 1
    assert "12 rejected rows land once the questions below are answered." in shown


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_question_key_is_worded_in_both_languages(lang):
    from dashboard.components.questions import question_text
    from geodata.io.questions import Question
    from geodata.layers import LAYERS

    for layer in LAYERS.values():
        for f in layer.fields:
            if f.required:
                text = question_text(lang, Question(f.name, "missing", (1, 2), 2), layer)
                assert text.endswith("?") and "{" not in text, text


# -- what a new user's files showed: columns found by their values, answers that give no value, plain text -------


def test_columns_named_otherwise_are_read_by_their_values_and_said(demo_copy, tmp_path):
    path = tmp_path / "inkomna.csv"
    rows = [
        ("2024-03-01", "Narkotikahandel", "Trygghetsvandring", "Vill ej uppge"),
        ("2024-03-02", "Tillhåll", "Tips från allmänheten", "Kvinna"),
        ("2024-03-03", "Klotter", "Medborgardialog", "Vill ej uppge"),
        ("2024-03-04", "Buskörning", "Polisens iakttagelse", "Man"),
        ("2024-03-05", "Mörkt", "Tips", "Kvinna"),
    ]
    path.write_text(
        "Inkom;Vad gäller det;Inrapporterat via;Kön;lat;lon\n"
        + "".join(f"{d};{c};{s};{g};{57.508 + i / 1000};12.69\n" for i, (d, c, s, g) in enumerate(rows)),
        encoding="utf-8",
    )
    plan = _plan(demo_copy, path)
    assert plan.mapping.by_values == {"category": "Vad gäller det", "source": "Inrapporterat via"}
    assert {n.code for n in plan.notes} >= {"choices_by_values", "not_stated"}
    assert not plan.questions and plan.count("ok") == 5
    assert list(plan.records["source"]) == ["safety_walk", "tip", "citizen_dialogue", "police_observation", "tip"]
    assert [v if isinstance(v, str) else None for v in plan.records["respondent_gender"]] == [
        None,
        "woman",
        None,
        "man",
        "woman",
    ]


def test_praise_is_never_read_as_a_category_and_a_sheet_name_is_no_source(demo_copy, tmp_path):
    from geodata import vocab
    from geodata.io.columns import map_choice

    assert map_choice("category", vocab.UNSAFE_CATEGORIES, "Bra belyst torg").code is None
    assert map_choice("category", vocab.UNSAFE_CATEGORIES, "Dåligt belyst").code == "poor_lighting"
    assert "source" not in guesses(UNSAFE_PLACES, [("table", "Observationer")])


def test_my_maps_folders_say_which_places_are_safe_and_descriptions_are_plain_text(demo_copy, tmp_path):
    marks = [("Otrygga platser", "Tunneln", "Mörk<br>Kategori: Otrygg passage", "Otrygg passage")] * 2 + [
        ("Trygga platser", "Torget", "Folk i r&ouml;relse<br/>Kategori: Annat", "Annat")
    ]
    placemarks = "".join(
        f"<Folder><name>{folder}</name><Placemark><name>{title}</name><description><![CDATA[{text}]]></description>"
        f'<ExtendedData><Data name="Kategori"><value>{category}</value></Data></ExtendedData>'
        f"<Point><coordinates>{12.690 + i * 0.002:.3f},57.508,0</coordinates></Point></Placemark></Folder>"
        for i, (folder, title, text, category) in enumerate(marks)
    )
    path = tmp_path / "walk.kml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document><name>Trygghetsvandring Kinna 2024-09-12</name>{placemarks}</Document></kml>",
        encoding="utf-8",
    )
    plan = _plan(demo_copy, path, apply_guesses=True)
    assert plan.mapping.fields["safety"] == "folder" and plan.count("ok") == 3
    assert list(plan.records["safety"]) == ["unsafe", "unsafe", "safe"]
    assert list(plan.records["description"]) == ["Tunneln – Mörk", "Tunneln – Mörk", "Torget – Folk i rörelse"]


def test_the_command_line_words_file_errors_and_never_prints_a_guessed_code(demo_copy, tmp_path, capsys):
    path = tmp_path / "platser.csv"
    path.write_text("Namn;Nord;Öst\nTorget;6376282;361845\n", encoding="utf-8")
    assert main(["import", "--data", str(demo_copy), str(path), "--dry-run"]) == 1
    err = capsys.readouterr().err
    assert "det går inte att avgöra vilket lager kolumnerna hör till. Ange lagret med --layer" in err

    unclear = tmp_path / "oklar.csv"
    unclear.write_text("Datum;Kategori;Källa;lat;lon\n2024-04-01;Mörkt och langning;Enkät;57.508;12.69\n", "utf-8")
    assert main(["import", "--data", str(demo_copy), str(unclear), "--layer", "unsafe_places", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "--map-value 'category:Mörkt och langning=KOD'" in out  # the likely codes are listed, not filled in


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path):
    from geodata.io.readers import read_source

    path = tmp_path / "kommentarer.csv"
    path.write_text(
        'Löpnr;Kommentar\n1;"Mörkt,\nlampan trasig"\n\n2;Klotter\n',  # a comment over two lines, then a blank line
        encoding="utf-8",
    )
    [table] = read_source(path)
    # Excel shows: row 1 the header, row 2 record 1 (its two lines in one cell), row 3 blank, row 4 record 2.
    assert list(table.frame.index) == [2, 4]
    assert table.frame.loc[4, "Kommentar"] == "Klotter"


def test_an_answer_that_cannot_be_used_is_one_problem_and_its_question_stays(demo_copy, tmp_path, capsys):
    path = my_maps_kml(tmp_path / "vandring.kml")
    plan = _plan(demo_copy, path, apply_guesses=True, defaults={"reported_on": "ÅÅÅÅ-MM-DD"})
    [problem] = plan.batch_problems
    assert (problem.field, problem.code) == ("reported_on", "not_date")
    assert [q.field for q in plan.open_questions] == ["reported_on"]
    assert not [line for line in plan.report() if line["row"] is not None and line["field"] == "reported_on"]
    args = ["import", "--data", str(demo_copy), str(path), "--set", "reported_on=ÅÅÅÅ-MM-DD", "--dry-run"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Filen: Avvisad: Rapporterad: ”ÅÅÅÅ-MM-DD” är inte ett datum" in out
    assert out.count("--set 'reported_on=ÅÅÅÅ-MM-DD'") == 1  # asked again once, not repeated


def test_a_field_no_column_fills_names_the_columns_no_field_reads(demo_copy, tmp_path, capsys):
    path = tmp_path / "okand.csv"
    path.write_text(
        "Datum;Synpunkt;Rubrik;lat;lon\n"
        + "".join(f"2024-04-0{i + 1};Text {i};Sak nummer {i};{57.508 + i / 1000};12.69\n" for i in range(3)),
        encoding="utf-8",
    )
    plan = _plan(demo_copy, path, defaults={"source": "survey"})
    [question] = [q for q in plan.questions if q.field == "category"]
    assert question.unused_columns == ("Rubrik",)
    assert main(["import", "--data", str(demo_copy), str(path), "--layer", "unsafe_places", "--dry-run"]) == 0
    assert (
        "Kolumner som inget fält läser: ”Rubrik”. Koppla en av dem med --map category=KOLUMN" in capsys.readouterr().out
    )
