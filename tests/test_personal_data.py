"""Personal data in free text: found (and only it), masked, asked about once on import, and kept from the public.

The texts are written as residents, caretakers and police officers write them:
a survey's comments, a safety walk's notes, an inspection's comment. The
personnummer are built here with their Luhn check digit (and, to show the
check matters, with a wrong one); none is a real person's.
"""

from __future__ import annotations

import base64
import csv
import json

import pytest

from dashboard.cli import main
from dashboard.components.problems import field_label
from dashboard.ids import EditForm, Importer, Layers, WorkflowForm
from dashboard.server.uploads import save_upload
from geodata.io import commit_file, plan_file
from geodata.io.personal_data import PERSONAL_DATA
from geodata.privacy import (
    EMAIL,
    NAME,
    PERSONAL_NUMBER,
    PHONE,
    find_personal_data,
    luhn_ok,
    mask,
    scan_values,
)
from geodata.store import GeoPackageStore, LayerQuery

from dash_http import call_callback, props_where, texts


def with_check_digit(nine: str) -> str:
    """Nine digits (YYMMDDNNN) and the Luhn digit that makes them a valid personnummer's ten."""
    return next(nine + str(d) for d in range(10) if luhn_ok(nine + str(d)))


def with_wrong_digit(nine: str) -> str:
    right = with_check_digit(nine)
    return right[:-1] + str((int(right[-1]) + 1) % 10)


PNR = with_check_digit("811218987")  # 811218-987x
OLD = with_check_digit("190304123")  # born 1919 (written with + at 100 years)
SAMORDNING = with_check_digit("900161234")  # day 01 + 60


def kinds(text: str) -> list[str]:
    return [f.kind for f in find_personal_data(text)]


def masked(text: str) -> str:
    return mask(text, find_personal_data(text))


# -- the scanner ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        f"{PNR[:6]}-{PNR[6:]}",
        PNR,
        f"19{PNR[:6]}-{PNR[6:]}",
        f"19{PNR}",
        f"{OLD[:6]}+{OLD[6:]}",
        f"{SAMORDNING[:6]}-{SAMORDNING[6:]}",
    ],
)
def test_a_personal_identity_number_is_found_in_every_way_it_is_written(written):
    text = f"Anmälaren ({written}) bor i huset och har hört skrik på nätterna."
    assert kinds(text) == [PERSONAL_NUMBER]
    assert masked(text) == "Anmälaren ([personnummer]) bor i huset och har hört skrik på nätterna."


@pytest.mark.parametrize(
    "written",
    [
        f"{with_wrong_digit('811218987')[:6]}-{with_wrong_digit('811218987')[6:]}",
        with_wrong_digit("811218987"),
        f"19{with_wrong_digit('811218987')}",
        "811318-9876",  # month 13
        "811200-9870",  # day 00
    ],
)
def test_a_number_whose_check_digit_or_date_is_wrong_is_not_one(written):
    assert kinds(f"Ärende {written} gäller belysningen.") == []


@pytest.mark.parametrize(
    "written",
    ["070-123 45 67", "0701234567", "070 123 45 67", "+46 70 123 45 67", "+4670-1234567", "0046 70 123 45 67",
     "031-12 34 56", "031-123 45 67", "08-123 456 78", "08-12 34 56", "0300-123 45", "+46 (0)31 12 34 56"],
)  # fmt: skip
def test_swedish_phone_numbers_are_found_however_they_are_grouped(written):
    text = f"Lampan är trasig, ring mig på {written} om ni vill veta mer."
    assert kinds(text) == [PHONE], written
    assert masked(text) == "Lampan är trasig, ring mig på [telefon] om ni vill veta mer."


def test_a_phone_number_ends_where_its_digits_do():
    assert masked("Tel 031-12 34 56 2021-03-04 kl 21") == "Tel [telefon] 2021-03-04 kl 21"


def test_e_mail_addresses_are_found():
    text = "Skriv till anna.svensson+trygg@mark.se eller Kalle_Ek@exempel.nu."
    assert kinds(text) == [EMAIL, EMAIL]
    assert masked(text) == "Skriv till [e-post] eller [e-post]."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ring Anna Svensson på 070-123 45 67 om lampan.", "Ring [namn] på [telefon] om lampan."),
        ("Anna-Karin Lind, 0701234567, vet mer.", "[namn], [telefon], vet mer."),
        ("Frågor: 08-12 34 56 (Pelle)", "Frågor: [telefon] ([namn])"),
        ("Jag heter Maria Lindqvist och går här varje kväll.", "Jag heter [namn] och går här varje kväll."),
        ("Kontakta Per Olsson om nyckeln till källaren.", "Kontakta [namn] om nyckeln till källaren."),
        ("Kontaktperson: Sara Ek", "Kontaktperson: [namn]"),
        ("Namn: Omar Haddad", "Namn: [namn]"),
        ("Mitt namn är Lisa Berg.", "Mitt namn är [namn]."),
        ("ring Johan så öppnar han", "ring [namn] så öppnar han"),
    ],
)
def test_names_next_to_an_item_or_after_a_word_that_introduces_one_are_found(text, expected):
    assert masked(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Trygghetsvandring 2021-03-04 kl 19.00, samling vid Kinna centrum.",
        "Lamporna i gångtunneln vid 431 30 Mölndal har varit trasiga sedan 2019.",
        "Offerten för ny belysning är 1 200 kr per stolpe, totalt 250 000 kr.",
        "Fastigheten Kåsjön 1:23 och Skene 2:145 saknar belysning på baksidan.",
        "Dnr KS 2021/0123, ärende 2020.0456, anmälan K123456-21.",
        "Buskarna vid Storgatan 12 skymmer sikten mot cykelbanan, 30 km/h.",
        "Gäng samlas på kvällarna bakom Coop. Ring polisen på 114 14 vid brott.",
        "Gatan heter Storgatan och är mörk mellan 22 och 05.",
        "Koordinat 6376282, 361845 (SWEREF 99 TM), höjd 0,5 m.",
        "Mätt 01-02-2021: 3 av 12 lampor trasiga.",
        "Kontakta fastighetsägaren, Mölndalsbostäder, om trapphuset.",
        "",
    ],
)
def test_dates_postal_codes_amounts_property_designations_and_case_numbers_are_not_flagged(text):
    assert find_personal_data(text) == [], masked(text)


def test_the_pledges_own_text_shows_what_it_holds_and_only_that():
    """A published pledge names its contact person with her address: exactly that is found, nothing in the rest."""
    from pathlib import Path

    text = Path("/work/shared/seeds/mark-2021.txt").read_text(encoding="utf-8")
    found = find_personal_data(text)
    assert [f.kind for f in found if f.kind == EMAIL] == [EMAIL]
    assert "annika.stomberg@polisen.se" not in mask(text, found)
    assert all(f.kind in (EMAIL, NAME, PHONE) for f in found), [(f.kind, text[f.start : f.end]) for f in found]


def test_scanning_a_quarter_of_a_million_texts_takes_seconds_not_minutes():
    """Not a benchmark: a guard against a pattern that backtracks. The figure is printed (pytest -s)."""
    import time

    rows = [
        "Mörk gång mellan Kvarnbacken och skolan, lamporna trasiga sedan 2019.",
        "Klotter och krossat glas vid busshållplatsen, 431 30 Mölndal.",
        "Ring Anna Svensson på 070-123 45 67 om lampan.",
        "Buskarna skymmer sikten mot cykelbanan, 1 200 kr offert.",
        "Gäng samlas på kvällarna bakom Coop.",
    ] * 50_000
    started = time.perf_counter()
    flagged = sum(1 for text in rows if find_personal_data(text))
    seconds = time.perf_counter() - started
    print(f"\nscanned {len(rows)} texts in {seconds:.2f} s, {flagged} flagged")
    assert flagged == 50_000 and seconds < 60


def test_a_record_s_free_text_fields_are_scanned_and_only_they():
    found = scan_values(
        "inventoried_sites",
        {"inspection_comment": "Vaktmästare Bo Ek, 031-12 34 56", "measure": "Byt lampa", "owner": "Bo Ek"},
    )
    assert [(f.field, f.kinds, f.masked) for f in found] == [
        ("inspection_comment", (PHONE, NAME), "Vaktmästare [namn], [telefon]")
    ]


# -- the import: asked once, each choice through the real importer and a real GeoPackage ---------------------

ROWS = [
    ("1", "Mörk gång, lamporna trasiga"),
    ("2", "Ring Anna Svensson på 070-123 45 67 om lampan"),
    ("3", f"Anmälaren {PNR[:6]}-{PNR[6:]} hör skrik"),
    ("4", "Buskar skymmer sikten"),
    ("5", "Mejla kalle.ek@exempel.se"),
]


def walk_csv(path):
    lines = ["Id;Datum;Kategori;Källa;Beskrivning;Nord;Öst"]
    for i, (number, text) in enumerate(ROWS):
        lines.append(f"{number};2021-03-05;Dålig belysning;Trygghetsvandring;{text};{6376282 + 50 * i};361845")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _plan(store, path, **options):
    return plan_file(store, path, "unsafe_places", pledge_id="mark-2021", **options)


def _stored(store, path) -> dict[str, str]:
    places = store.read_layer("unsafe_places")
    ours = places[places["source_id"].fillna("").str.startswith(f"{path.stem}:")]
    return dict(zip(ours["source_id"].str.split(":").str[-1], ours["description"]))


def test_the_dry_run_lists_the_flagged_rows_masked_and_asks_once(demo_copy, tmp_path):
    path = walk_csv(tmp_path / "vandring.csv")
    with GeoPackageStore.open(demo_copy) as store:
        [plan] = _plan(store, path).layers
        [question] = [q for q in plan.questions if q.kind == PERSONAL_DATA]
        assert question.open and question.count == 3 and list(question.rows) == [3, 4, 6]
        shown = {f.row: [(x.field, x.kinds, x.masked) for x in f.found] for f in plan.personal}
        assert shown == {
            3: [("description", (PHONE, NAME), "Ring [namn] på [telefon] om lampan")],
            4: [("description", (PERSONAL_NUMBER,), "Anmälaren [personnummer] hör skrik")],
            6: [("description", (EMAIL,), "Mejla [e-post]")],
        }
        # The rows wait for the answer: counted once, not listed row by row; nothing can be written yet.
        assert plan.waiting == 3 and plan.count("ok") == 2 and plan.report() == []
        assert "070-123" not in json.dumps(plan.summary(), default=str)
        with pytest.raises(Exception) as refused:
            commit_file(store, _plan(store, path), partial=True)
        assert getattr(refused.value, "code", None) == "personal_data_unanswered"
        assert _stored(store, path) == {}


def test_mask_stores_the_text_masked(demo_copy, tmp_path):
    path = walk_csv(tmp_path / "vandring.csv")
    with GeoPackageStore.open(demo_copy) as store:
        commit_file(store, _plan(store, path, personal_data="mask"), partial=False)
        stored = _stored(store, path)
    assert stored == {
        "1": "Mörk gång, lamporna trasiga",
        "2": "Ring [namn] på [telefon] om lampan",
        "3": "Anmälaren [personnummer] hör skrik",
        "4": "Buskar skymmer sikten",
        "5": "Mejla [e-post]",
    }


def test_keep_stores_the_text_as_it_is(demo_copy, tmp_path):
    path = walk_csv(tmp_path / "vandring.csv")
    with GeoPackageStore.open(demo_copy) as store:
        commit_file(store, _plan(store, path, personal_data="keep"), partial=False)
        assert _stored(store, path) == dict(ROWS)


def test_reject_leaves_the_rows_out_and_in_the_rejected_file_with_the_reason(demo_copy, tmp_path):
    path = walk_csv(tmp_path / "vandring.csv")
    from dashboard.components.file_words import file_wording

    with GeoPackageStore.open(demo_copy) as store:
        [result] = commit_file(
            store,
            _plan(store, path, personal_data="reject"),
            partial=True,
            rejects_path=tmp_path / "vandring-avvisade",
            wording=file_wording("sv"),
        ).layers
        assert _stored(store, path) == {"1": ROWS[0][1], "4": ROWS[3][1]}
    rows = list(csv.reader(result.rejects_file.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["2", "3", "5"]
    assert rows[2][-1] == "Beskrivning: innehåller personuppgifter (personnummer) och avvisades, som du valde"


def test_one_choice_for_all_and_exceptions_per_row(demo_copy, tmp_path):
    path = walk_csv(tmp_path / "vandring.csv")
    with GeoPackageStore.open(demo_copy) as store:
        plan = _plan(store, path, personal_data="mask", personal_data_rows={"3": "keep", 6: "reject"})
        [layer] = plan.layers
        assert {f.row: f.choice for f in layer.personal} == {3: "keep", 4: "mask", 6: "reject"}
        commit_file(store, plan, partial=True)
        assert _stored(store, path) == {
            "1": ROWS[0][1],
            "2": ROWS[1][1],
            "3": "Anmälaren [personnummer] hör skrik",
            "4": ROWS[3][1],
        }


def test_exceptions_for_every_flagged_row_answer_the_question_too(demo_copy, tmp_path):
    path = walk_csv(tmp_path / "vandring.csv")
    with GeoPackageStore.open(demo_copy) as store:
        [plan] = _plan(store, path, personal_data_rows={3: "mask", 4: "mask", 6: "keep"}).layers
        assert not [q for q in plan.open_questions if q.kind == PERSONAL_DATA] and plan.count("ok") == 5


def test_an_unknown_choice_is_refused_before_anything(demo_copy, tmp_path):
    path = walk_csv(tmp_path / "vandring.csv")
    with GeoPackageStore.open(demo_copy) as store, pytest.raises(Exception) as refused:
        _plan(store, path, personal_data="hide")
    assert getattr(refused.value, "code", None) == "personal_data_choice"


def test_a_file_without_personal_data_asks_nothing(demo_copy, tmp_path):
    path = tmp_path / "ren.csv"
    path.write_text(
        "Id;Datum;Kategori;Källa;Beskrivning;Nord;Öst\n1;2021-03-05;Klotter;Enkät;Klotter 2021-03-01, 1 200 kr;6376282;361845\n",
        encoding="utf-8",
    )
    with GeoPackageStore.open(demo_copy) as store:
        [plan] = _plan(store, path).layers
        assert plan.personal == [] and not plan.questions and plan.count("ok") == 1


# -- the command line ----------------------------------------------------------------------------------------


def test_the_command_line_refuses_without_a_choice_and_imports_with_one(demo_copy, tmp_path, capsys):
    path = walk_csv(tmp_path / "vandring.csv")
    args = ["import", "--data", str(demo_copy), str(path), "--layer", "unsafe_places", "--pledge", "mark-2021"]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.count("? 3 rader har personuppgifter i fritexten") == 1
    assert "rad 3: Beskrivning: telefonnummer, namn: ”Ring [namn] på [telefon] om lampan”" in out
    assert "070-123" not in out and "kalle.ek@" not in out
    assert "--personal-data mask|keep|reject" in out

    assert main(args) == 1
    assert "--personal-data mask, keep eller reject" in capsys.readouterr().err
    with GeoPackageStore.open(demo_copy) as store:
        assert _stored(store, path) == {}

    assert main([*args, "--personal-data", "mask", "--personal-data-row", "6=reject", "--partial"]) == 0
    assert "Otrygga platser: 4 sparade, 0 fanns redan, 1 avvisad." in capsys.readouterr().out
    with GeoPackageStore.open(demo_copy) as store:
        stored = _stored(store, path)
    assert stored["2"] == "Ring [namn] på [telefon] om lampan" and "5" not in stored


def test_the_command_line_refuses_an_unknown_choice(demo_copy, tmp_path, capsys):
    path = walk_csv(tmp_path / "vandring.csv")
    args = ["import", "--data", str(demo_copy), str(path), "--layer", "unsafe_places", "--personal-data-row", "x"]
    assert main(args) != 0


# -- the import page, through its callbacks ------------------------------------------------------------------


def _upload(path) -> str:
    return save_upload(
        "data:application/octet-stream;base64," + base64.b64encode(path.read_bytes()).decode(), path.name
    )


def _key(pattern: dict, prop: str) -> str:
    return f"{json.dumps(pattern, separators=(',', ':'))}.{prop}"


def _state(token, personal: dict | None = None, lang: str = "sv") -> dict:
    personal = personal or {}
    answer = {"field": ["ALL"], "text": ["ALL"], "type": Importer.answer}
    column = {"field": ["ALL"], "type": Importer.column}
    fill = {"field": ["ALL"], "type": Importer.fill}
    choice = {"row": ["ALL"], "type": Importer.personal}
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
        _key(fill, "value"): [],
        _key(fill, "id"): [],
        _key(choice, "value"): list(personal.values()),
        _key(choice, "id"): [{"type": Importer.personal, "row": row} for row in personal],
        f"{Importer.lang}.data": lang,
    }


def test_the_import_page_asks_once_offers_per_row_exceptions_and_imports_as_chosen(client, tmp_path, demo_copy):
    path = walk_csv(tmp_path / "vandring.csv")
    token = _upload(path)
    sent = call_callback(client, f"{Importer.answers}.data", {f"{Importer.dry_run}.n_clicks": 1}, state=_state(token))
    report = sent[Importer.report]["children"]
    shown = " ".join(texts(report))
    assert shown.count("3 rader har personuppgifter i fritexten") == 1
    assert "Ring [namn] på [telefon] om lampan" in shown and "070-123" not in shown and "kalle.ek@" not in shown
    [everyone] = props_where(report, lambda p: p.get("id") == {"type": Importer.personal, "row": "*"})
    assert [o["value"] for o in everyone["options"]] == ["mask", "keep", "reject"] and everyone["value"] is None
    per_row = props_where(report, lambda p: isinstance(p.get("id"), dict) and p["id"].get("row") not in (None, "*"))
    assert sorted(p["id"]["row"] for p in per_row) == ["3", "4", "6"]

    # Importing before choosing writes nothing and says why.
    refused = call_callback(
        client,
        f"{Importer.rejects}.data",
        {f"{Importer.commit_valid}.n_clicks": 1, f"{Importer.commit_all}.n_clicks": 0},
        state=_state(token),
    )
    assert "personuppgifter" in " ".join(texts(refused[Importer.result]["children"]))

    choices = {"*": "mask", "6": "reject"}
    again = call_callback(
        client, f"{Importer.answers}.data", {f"{Importer.dry_run}.n_clicks": 2}, state=_state(token, choices)
    )
    assert "5 rader: 4 giltiga, 1 avvisad" in " ".join(texts(again[Importer.report]["children"]))
    done = call_callback(
        client,
        f"{Importer.rejects}.data",
        {f"{Importer.commit_valid}.n_clicks": 1, f"{Importer.commit_all}.n_clicks": 0},
        state=_state(token, choices),
    )
    assert "Otrygga platser: 4 sparade" in " ".join(texts(done[Importer.result]["children"]))
    with GeoPackageStore.open(demo_copy) as store:
        stored = _stored(store, path)
    assert stored["3"] == "Anmälaren [personnummer] hör skrik" and "5" not in stored


def test_the_import_page_in_english_words_the_question_too(client, tmp_path):
    token = _upload(walk_csv(tmp_path / "vandring.csv"))
    sent = call_callback(
        client, f"{Importer.answers}.data", {f"{Importer.dry_run}.n_clicks": 1}, state=_state(token, lang="en")
    )
    shown = " ".join(texts(sent[Importer.report]["children"]))
    assert "3 rows hold personal data in their free text" in shown and "phone number, name" in shown


# -- the record editor: warned on save, masked or kept as chosen ---------------------------------------------


def _place(path):
    with GeoPackageStore.open(path) as store:
        places = store.read_layer("unsafe_places", LayerQuery(pledge_id="mark-2021"))
    return places.iloc[0]


def _press_edit(client, place, view, description: str, choice: str | None = None) -> dict:
    from test_sites_page import press

    personal = [({"type": EditForm.personal, "choice": choice}, {"n_clicks": 1})] if choice else []
    changed = (
        f"{json.dumps({'choice': choice, 'type': EditForm.personal}, separators=(',', ':'))}.n_clicks"
        if choice
        else f"{EditForm.save}.n_clicks"
    )
    return press(
        client,
        f"{EditForm.result}.children",
        {
            f"{EditForm.save}.n_clicks": 1,
            f"{EditForm.delete}.n_clicks": None,
            f"{EditForm.record}.data": {"layer": "unsafe_places", "id": place["id"], "version": int(place["version"])},
            f"{EditForm.delete_confirm}.value": [],
            f"{EditForm.move}.value": [],
            f"{Layers.click}.data": None,
            f"{Layers.view}.data": view,
        },
        {
            EditForm.field: [({"type": EditForm.field, "name": "description"}, {"value": description})],
            EditForm.personal: personal,
        },
        changed,
    )


def _description(path, record_id) -> str:
    with GeoPackageStore.open(path) as store:
        return store.read_layer("unsafe_places", LayerQuery(ids=(record_id,))).iloc[0]["description"]


@pytest.mark.parametrize(("choice", "stored"), [("mask", "Mörkt. Ring [namn] på [telefon]."), ("keep", None)])
def test_the_editor_warns_on_save_and_saves_masked_or_as_it_is(client, demo_copy, choice, stored):
    from dash_http import layers_view

    place = _place(demo_copy)
    before = _description(demo_copy, place["id"])
    view = layers_view("unsafe_places", record=place["id"])
    text = "Mörkt. Ring Anna Svensson på 070-123 45 67."
    warned = _press_edit(client, place, view, text)
    shown = " ".join(texts(warned[EditForm.result]["children"]))
    assert "Personuppgifter i texten" in shown and "Beskrivning: telefonnummer, namn" in shown
    assert "Mörkt. Ring [namn] på [telefon]." in shown and "070-123" not in shown
    buttons = props_where(warned[EditForm.result]["children"], lambda p: isinstance(p.get("id"), dict))
    assert [b["id"]["choice"] for b in buttons] == ["mask", "keep"]
    assert _description(demo_copy, place["id"]) == before  # nothing saved before the choice

    saved = _press_edit(client, place, view, text, choice)
    assert saved[EditForm.result]["children"] is None and saved[Layers.notice]["children"]
    assert _description(demo_copy, place["id"]) == (stored or text)


def test_a_workflow_step_s_comment_is_checked_too(client, demo_copy):
    from test_sites_page import CHECKS, press

    from dash_http import layers_view

    with GeoPackageStore.open(demo_copy) as store:
        sites = store.read_layer("inventoried_sites", LayerQuery(pledge_id="mark-2021"))
    site = sites[sites["status"] == "flagged"].iloc[0]
    view = layers_view("inventoried_sites", record=site["id"])
    comment = f"Boende {PNR[:6]}-{PNR[6:]} klagar på lampan"
    fields = [({"type": WorkflowForm.field, "name": k}, {"value": v}) for k, v in CHECKS.items()]
    fields.append(({"type": WorkflowForm.field, "name": "inspection_comment"}, {"value": comment}))

    def step(choice=None):
        return press(
            client,
            f"{WorkflowForm.result}.children",
            {
                f"{WorkflowForm.save}.n_clicks": 1,
                f"{WorkflowForm.step}.value": "inspected",
                f"{WorkflowForm.site}.data": {"id": site["id"], "version": int(site["version"])},
                f"{Layers.view}.data": view,
            },
            {
                WorkflowForm.field: fields,
                WorkflowForm.personal: [({"type": WorkflowForm.personal, "choice": choice}, {"n_clicks": 1})]
                if choice
                else [],
            },
            f"{json.dumps({'choice': choice, 'type': WorkflowForm.personal}, separators=(',', ':'))}.n_clicks"
            if choice
            else f"{WorkflowForm.save}.n_clicks",
        )

    warned = step()
    shown = " ".join(texts(warned[WorkflowForm.result]["children"]))
    assert f"{field_label('sv', 'inspection_comment')}: personnummer" in shown and PNR[6:] not in shown
    with GeoPackageStore.open(demo_copy) as store:  # nothing saved before the choice: the site is still flagged
        assert store.read_layer("inventoried_sites", LayerQuery(ids=(site["id"],))).iloc[0]["status"] == "flagged"
    step("mask")
    with GeoPackageStore.open(demo_copy) as store:
        saved = store.read_layer("inventoried_sites", LayerQuery(ids=(site["id"],))).iloc[0]
    assert saved["inspection_comment"] == "Boende [personnummer] klagar på lampan" and saved["status"] == "inspected"


def test_a_new_record_s_description_is_checked_before_it_is_added(client, demo_copy):
    from test_sites_page import press

    from dashboard.components.edit_form import NEW

    from dash_http import layers_view

    view = layers_view("unsafe_places")
    given = {"reported_on": "2021-06-01", "source": "tip", "category": "vandalism", "description": "Mejla bo@ek.se"}
    fields = [({"type": NEW.field, "name": k}, {"value": v}) for k, v in given.items()]
    values = {
        f"{NEW.save}.n_clicks": 1,
        f"{Layers.click}.data": {"lon": 12.694, "lat": 57.508},
        f"{Layers.view}.data": view,
    }
    with GeoPackageStore.open(demo_copy) as store:
        before = store.counts()["unsafe_places"]
    warned = press(client, f"{NEW.result}.children", values, {NEW.field: fields}, f"{NEW.save}.n_clicks")
    assert "Mejla [e-post]" in " ".join(texts(warned[NEW.result]["children"]))
    mask_button = {"type": NEW.personal, "choice": "mask"}
    press(
        client,
        f"{NEW.result}.children",
        values,
        {NEW.field: fields, NEW.personal: [(mask_button, {"n_clicks": 1})]},
        f"{json.dumps({'choice': 'mask', 'type': NEW.personal}, separators=(',', ':'))}.n_clicks",
    )
    with GeoPackageStore.open(demo_copy) as store:
        places = store.read_layer("unsafe_places")
        assert store.counts()["unsafe_places"] == before + 1
    assert "Mejla [e-post]" in set(places["description"]) and "Mejla bo@ek.se" not in set(places["description"])


# -- never shown in public, masked for whoever may not read the records ---------------------------------------

PHONE_TEXT = "Ring Anna Svensson på 070-123 45 67"
SECRETS = ("Anna Svensson", "070-123 45 67", "bo@ek.se", f"{PNR[:6]}-{PNR[6:]}")


@pytest.fixture
def personal_store(tmp_path):
    """A real GeoPackage whose free text holds personal data in every layer: six reports in one place."""
    from shapely.geometry import Point

    from geodata.model import pledge_from_dict

    from builders import KINNA, frame, operation, pledge_dict, site, unsafe_place

    with GeoPackageStore.create(tmp_path / "personal.gpkg") as store:
        store.save_pledge(pledge_from_dict(pledge_dict()))
        store.write_batch(
            "unsafe_places",
            frame(
                *(
                    unsafe_place(
                        pledge_id="test-2024",
                        description=f"{PHONE_TEXT}, {PNR[:6]}-{PNR[6:]}",
                        geometry=Point(KINNA[0] + 0.0001 * i, KINNA[1]),
                    )
                    for i in range(6)
                )
            ),
        )
        store.write_batch("inventoried_sites", frame(site(measure="Kontakta bo@ek.se", inspection_comment=PHONE_TEXT)))
        store.write_batch("operations", frame(operation(title=f"Insats, {PHONE_TEXT}", visibility="public")))
        yield store


def _shows_none(text: str) -> None:
    found = [secret for secret in SECRETS if secret in text]
    assert not found, found


def test_the_public_aggregation_shows_no_free_text(personal_store):
    """The public view is counts per hexagon and area: no description, comment, measure or title reaches it."""
    import dataclasses

    from geodata.access import PUBLIC_VIEWER, GuardedStore
    from geodata.views.public import public_view

    view = public_view(GuardedStore(personal_store, PUBLIC_VIEWER), "test-2024")
    assert [str(c.band) for c in view.unsafe_places.cells] == ["10–14"]  # six reports of two each, in one hexagon

    def every_text(value) -> str:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return " ".join(every_text(getattr(value, f.name)) for f in dataclasses.fields(value))
        if hasattr(value, "to_json"):
            return value.to_json(default_handler=str)
        return str(value)

    _shows_none(every_text(view))


def test_the_public_standalone_map_shows_no_free_text(personal_store):
    from dashboard.standalone import build_standalone_map
    from geodata.access import PUBLIC_VIEWER, GuardedStore

    document = build_standalone_map(GuardedStore(personal_store, PUBLIC_VIEWER), "test-2024", public=True)
    _shows_none(document)


def test_a_role_that_may_not_read_a_layer_never_gets_its_records(personal_store, tmp_path):
    from geodata.access import PUBLIC_VIEWER, AccessError, GuardedStore, Viewer
    from geodata.io.exporter import export_layers

    for viewer, layer in ((PUBLIC_VIEWER, "unsafe_places"), (Viewer("housing_company", "h", "Annat AB"), "operations")):
        with pytest.raises(AccessError):
            export_layers(GuardedStore(personal_store, viewer), tmp_path / "ut.csv", "csv", {layer: None})


@pytest.mark.parametrize("role", ["admin", "police", "municipality", "housing_company", "public"])
@pytest.mark.parametrize("layer", ["unsafe_places", "inventoried_sites", "operations"])
def test_free_text_is_masked_exactly_for_the_viewers_who_may_not_read_the_layer(personal_store, role, layer):
    from geodata.access import Viewer, masked_for, reads_records

    viewer = Viewer(role, "x", "Marks Bostads AB")
    records = personal_store.read_layer(layer)
    shown = masked_for(viewer, layer, records)
    text = " ".join(
        str(v) for c in ("description", "inspection_comment", "measure", "title") if c in shown for v in shown[c]
    )
    if reads_records(viewer, layer):
        assert "070-123 45 67" in text or "bo@ek.se" in text
    else:
        _shows_none(text)
        assert "[telefon]" in text or "[e-post]" in text
    assert records is not shown or reads_records(viewer, layer)  # the store's frame is never changed in place


class UnguardedReads:
    """A store handed to an export with a viewer, but whose reads forget the guard: what the last guard is for."""

    def __init__(self, store, viewer):
        self._store, self.viewer = store, viewer

    def read_layer(self, layer, query=None):
        return self._store.read_layer(layer, query)

    def count(self, layer, query=None):
        return self._store.count(layer, query)

    def list_pledges(self):
        return self._store.list_pledges()

    def get_pledge(self, pledge_id):
        return self._store.get_pledge(pledge_id)

    def append_reads(self, entries):  # the read log is kept: only the reads forget the guard
        return self._store.append_reads(entries)

    def kept_count(self, layer, query=None):  # the counts a retention run kept, added to a promise's figures
        return self._store.kept_count(layer, query)


@pytest.mark.parametrize("fmt", ["csv", "geojson", "xlsx", "gpkg"])
def test_every_export_masks_free_text_for_a_viewer_who_may_not_read_it_even_past_the_guard(
    personal_store, tmp_path, fmt
):
    import zipfile

    from geodata.access import PUBLIC_VIEWER
    from geodata.io.exporter import export_layers

    path = tmp_path / f"ut.{fmt}"
    result = export_layers(UnguardedReads(personal_store, PUBLIC_VIEWER), path, fmt)
    assert result.counts["unsafe_places"] == 6
    if fmt == "gpkg":
        import sqlite3

        with sqlite3.connect(path) as db:
            tables = [name for (name,) in db.execute("SELECT table_name FROM gpkg_contents")]
            written = " ".join(str(row) for table in tables for row in db.execute(f'SELECT * FROM "{table}"'))
    elif fmt == "xlsx" or fmt == "csv" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            written = " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    else:
        written = path.read_text(encoding="utf-8-sig")
    _shows_none(written)
    assert "[telefon]" in written


def test_the_worklist_the_standalone_map_and_the_ogc_api_mask_past_the_guard_too(personal_store):
    import datetime as dt

    from dashboard.standalone import build_standalone_map
    from geodata import ogc
    from geodata.access import Viewer
    from geodata.views.worklist import worklist

    outsider = UnguardedReads(personal_store, Viewer("housing_company", "h", "Annat AB"))
    public = UnguardedReads(personal_store, Viewer("public"))
    sites = worklist(public, dt.date(2024, 6, 1), statuses=None)
    _shows_none(" ".join(str(v) for v in sites["measure"]) + " ".join(str(v) for v in sites["inspection_comment"]))
    items = ogc.items(outsider, "operations", "http://localhost/ogc", {})
    assert items["features"] and "[telefon]" in json.dumps(items, ensure_ascii=False)
    _shows_none(json.dumps(items, ensure_ascii=False))
    document = build_standalone_map(public, "test-2024", today=dt.date(2024, 6, 1))
    _shows_none(document)
