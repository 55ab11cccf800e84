"""The safety-survey page (/surveys, issue 17) over HTTP, as a browser calls it: a dry run of a survey file,
the import, the refusal of roles that may not import, and a goal linked to an indicator that the pledge page's
goal card then follows."""

from __future__ import annotations

import base64
import json

import pytest

from dashboard.ids import Surveys
from dashboard.server.uploads import save_upload
from geodata.store import GeoPackageStore

from dash_http import PASSWORD, call_callback, call_matching, find, props_where, render_page, signed_in_client, texts

WIDE = (
    "Område;År;Indikator;Alla;Kvinnor;Män;n Kvinnor;n Män\n"
    "Kinna;2020;Otrygg i centrum;20,5;25;15;300;280\n"
    "Skene;2020;Otrygg i centrum;18;22;14;200;190\n"
    "Kinna;2023;Otrygg i centrum;17;20;13;310;290\n"
    "Skene;2023;Otrygg i centrum;16;19;12;210;180\n"
)
BAD = "Område;År;Indikator;Alla;Kvinnor;Män\nKinna;2022;Otrygg i centrum;20;mycket;15\nSkene;20x2;Otrygg i centrum;18;22;14\n"


@pytest.fixture
def accounts(demo_copy):
    from geodata.access.accounts import add_user

    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "kim", "municipality", PASSWORD)
        add_user(store, "ulla", "public", PASSWORD)
        add_user(store, "hanna", "housing_company", PASSWORD, organisation="Marks Bostads AB")
    return demo_copy


def upload(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return save_upload("data:text/csv;base64," + base64.b64encode(path.read_bytes()).decode(), name)


def form(token: str, municipality: str = "1463", lang: str = "sv", **given) -> dict:
    values = {
        f"{Surveys.token}.data": token,
        f"{Surveys.municipality}.value": municipality,
        f"{Surveys.other_municipality}.value": None,
        f"{Surveys.kind}.value": "",
        f"{Surveys.scale_min}.value": None,
        f"{Surveys.scale_max}.value": None,
        f"{Surveys.better}.value": "",
        f"{Surveys.measures}.value": None,
        f"{Surveys.source}.value": None,
        f"{Surveys.replace}.value": [],
        f"{Surveys.lang}.data": lang,
    }
    values.update({f"{getattr(Surveys, k)}.value": v for k, v in given.items()})
    return values


def dry_run(client, state: dict) -> list[str]:
    sent = call_callback(client, f"{Surveys.report}.children", {f"{Surveys.dry_run}.n_clicks": 1}, state)
    return texts(sent[Surveys.report]["children"])


def commit(client, state: dict, pledge: str = "mark-2021") -> dict:
    state = {**state, f"{Surveys.pledge}.value": pledge}
    return call_callback(client, f"{Surveys.indicators}.children", {f"{Surveys.commit}.n_clicks": 1}, state)


def results(data, indicator: str = "Otrygg i centrum"):
    with GeoPackageStore.open(data) as store:
        return store.read_survey_results(indicator=indicator)


def test_a_dry_run_of_a_wide_file_shows_its_group_columns_what_it_lacks_and_its_counts(client, demo_copy, tmp_path):
    shown = dry_run(client, form(upload(tmp_path, "trygghet.csv", WIDE)))
    # The group columns, each by its group's Swedish name, and n read from the "n Kvinnor" columns.
    assert "Grupper (en kolumn per grupp)" in shown
    assert "Alla ← Alla, Kvinnor ← Kvinnor, Män ← Män" in shown
    assert shown[shown.index("Antal svar (n)") + 1] == "n Kvinnor, n Män"
    # What the file lacks, and what that means for the uncertainty.
    lacks = shown[shown.index("Det här saknas i filen") + 1 :]
    assert lacks[0].startswith(
        "Osäkerhet (medelfel, intervall eller felmarginal): för andelar räknas ett 95\u00a0%-intervall"
    )
    assert lacks[1].startswith("Serieavbrott:")
    assert not any(text.startswith("Grupp (kön, ålder)") for text in shown)  # the groups are there
    assert any(text.startswith("Ingen har beskrivit Otrygg i centrum") for text in shown)
    # 12 results: 2 areas × 2 years × 3 groups.
    assert "12 resultat är rätt – nya: 12, ersätts: 0, finns redan: 0. Ingenting är sparat än." in shown
    row = shown[shown.index("Resultat per indikator") :]
    assert row[5:9] == ["Otrygg i centrum", "12 resultat i 2 områden", "Alla, Kvinnor, Män", "2020, 2023"], row
    assert len(results(demo_copy)) == 0  # a dry run stores nothing


def test_a_bad_file_names_each_row_in_swedish_and_stores_nothing(client, demo_copy, tmp_path):
    token = upload(tmp_path, "fel.csv", BAD)
    shown = dry_run(client, form(token))
    assert (
        "Ingenting kan sparas: 2 problem. Rätta filen och välj den igen, eller ändra valen ovan och provkör igen."
        in shown
    )
    problems = shown[shown.index("Orsak") + 1 :]
    # The wide table's cell is named by its row and its group column; the field by its Swedish name.
    assert problems[0:2] == ["Rad 2, Kvinnor", "Värde"] and "mycket" in problems[2]
    assert problems[3:5] == ["Rad 3", "År"] and "20x2" in problems[5]
    assert not find(
        call_callback(client, f"{Surveys.report}.children", {f"{Surveys.dry_run}.n_clicks": 1}, form(token)),
        id=Surveys.commit,
    )
    # The import itself refuses too, naming the problems; nothing is stored.
    done = commit(client, form(token))
    assert "Ingenting sparades: 2 problem." in " ".join(texts(done[Surveys.result]["children"]))
    assert "Rad 2, Kvinnor" in texts(done[Surveys.result]["children"])
    assert len(results(demo_copy)) == 0


def test_a_file_without_a_kommun_column_asks_for_the_municipality(client, tmp_path):
    shown = dry_run(client, form(upload(tmp_path, "trygghet.csv", WIDE), municipality=""))
    assert any(text.startswith("Filen trygghet.csv") for text in shown) and "Kommunkod" in shown
    # Another municipality by its code.
    shown = dry_run(
        client, form(upload(tmp_path, "trygghet.csv", WIDE), municipality="other", other_municipality="1481")
    )
    assert "12 resultat är rätt – nya: 12, ersätts: 0, finns redan: 0. Ingenting är sparat än." in shown


def test_the_import_stores_every_result_describes_the_indicator_and_lists_it(client, demo_copy, tmp_path):
    token = upload(tmp_path, "trygghet.csv", WIDE)
    described = form(token, kind="share", better="lower", measures="Andel otrygga i centrum", source="Marks enkät 2023")
    assert not any(t.startswith("Ingen har beskrivit") for t in dry_run(client, described))
    done = commit(client, described)
    assert texts(done[Surveys.result]["children"]) == [
        "Importen är klar",
        "Sparat – nya: 12, ersatta: 0, fanns redan: 0.",
    ]
    assert done[Surveys.commit]["disabled"] is True
    stored = results(demo_copy)
    assert len(stored) == 12 and set(stored["group_code"]) == {"all", "women", "men"}
    kvinnor = stored[(stored["area_id"] == "Kinna") & (stored["year"] == 2020) & (stored["group_code"] == "women")]
    assert kvinnor["value"].tolist() == [25.0] and kvinnor["n"].tolist() == [300]
    with GeoPackageStore.open(demo_copy) as store:
        indicator = store.read_indicators()["Otrygg i centrum"]
    assert (indicator.kind, indicator.better, indicator.source) == ("share", "lower", "Marks enkät 2023")
    # The list of stored indicators now holds it, with its results and years.
    [card] = [
        c
        for c in find(done[Surveys.indicators]["children"], className="pm-survey-indicator")
        if texts(c)[0] == "Otrygg i centrum"
    ]
    words = texts(card)
    assert "Andel otrygga i centrum" in words and "Andel (procent)" in words and "lägre är bättre" in words
    assert "12 resultat i 2 områden" in words and "2020, 2023" in words and "0–100" in words


def test_a_differing_value_is_stored_only_when_replace_is_ticked(client, demo_copy, tmp_path):
    commit(client, form(upload(tmp_path, "trygghet.csv", WIDE)))
    changed = WIDE.replace("Kinna;2020;Otrygg i centrum;20,5", "Kinna;2020;Otrygg i centrum;21,5")
    token = upload(tmp_path, "ny.csv", changed)
    shown = dry_run(client, form(token))
    # The conflict shows what is stored beside what the file says.
    table = shown[shown.index("Värden som skiljer sig från de lagrade (1)") :]
    assert table[5:9] == ["Resultatet för Otrygg i centrum 2020 i Kinna", "Värde", "20,5", "21,5"], table
    commit(client, form(token))
    assert results(demo_copy).query("area_id == 'Kinna' and year == 2020 and group_code == 'all'")[
        "value"
    ].tolist() == [20.5]
    shown = dry_run(client, form(token, replace=["replace"]))
    assert "12 resultat är rätt – nya: 0, ersätts: 1, finns redan: 11. Ingenting är sparat än." in shown
    commit(client, form(token, replace=["replace"]))
    assert results(demo_copy).query("area_id == 'Kinna' and year == 2020 and group_code == 'all'")[
        "value"
    ].tolist() == [21.5]


@pytest.mark.parametrize("name", ["ulla", "hanna"])
def test_a_public_or_housing_company_account_is_refused_the_page_and_the_import(accounts, tmp_path, name):
    client = signed_in_client(accounts, name)
    shown = texts(render_page(client, "/surveys"))
    assert "Trygghetsmätningar är inte tillgänglig för ditt konto" in shown
    assert "Trygghetsmätningar" not in texts(find(render_page(client, "/"), className="pm-nav"))
    # A request made without the page is refused before the file is read: nothing is stored.
    done = commit(client, form(upload(tmp_path, "trygghet.csv", WIDE)))
    assert "Ditt konto får inte läsa in filer här" in " ".join(texts(done[Surveys.result]["children"]))
    assert len(results(accounts)) == 0
    saved = save_goal(client, "mark-2021", "starkt-fortroende", "Problemindex", "", None, ["harassment"])
    assert "Ditt konto har inte behörighet till detta." in " ".join(texts(saved))
    with GeoPackageStore.open(accounts) as store:
        assert store.get_pledge("mark-2021").goals[2].indicator is None


def test_a_municipality_account_may_import(accounts, tmp_path):
    client = signed_in_client(accounts, "kim")
    assert "Trygghetsmätningar" in texts(find(render_page(client, "/"), className="pm-nav"))
    commit(client, form(upload(tmp_path, "trygghet.csv", WIDE)))
    assert len(results(accounts)) == 12


def save_goal(client, pledge: str, goal: str, indicator: str, better: str, baseline, categories) -> list:
    key = {"pledge": pledge, "goal": goal}
    sent = call_matching(
        client,
        f"{Surveys.goal_saved}.children",
        key,
        {f"{Surveys.goal_save}.n_clicks": 1},
        {
            f"{Surveys.goal_indicator}.value": indicator,
            f"{Surveys.goal_better}.value": better,
            f"{Surveys.goal_baseline}.value": baseline,
            f"{Surveys.goal_categories}.value": categories,
            f"{Surveys.goal_form}.data": {"lang": "sv"},
        },
    )
    [answer] = sent.values()
    return answer["children"]


def test_linking_a_goal_saves_indicator_and_categories_and_the_goal_card_follows_it(client, demo_copy, tmp_path):
    done = commit(client, form(upload(tmp_path, "trygghet.csv", WIDE), kind="share"))
    wanted = {"type": Surveys.goal_indicator, "pledge": "mark-2021", "goal": "starkt-fortroende"}
    [offered] = props_where(done[Surveys.goals]["children"], lambda p: p.get("id") == wanted)
    assert "Otrygg i centrum" in [o["value"] for o in offered["options"]]  # the forms follow the import
    tree = render_page(client, "/surveys")
    # The goal's form offers the stored indicators, and the categories by their Swedish names.
    wanted = {"type": Surveys.goal_indicator, "pledge": "mark-2021", "goal": "starkt-fortroende"}
    [choice] = props_where(tree, lambda p: p.get("id") == wanted)
    assert {"label": "Otrygg i centrum", "value": "Otrygg i centrum"} in choice["options"]
    [checks] = props_where(tree, lambda p: p.get("id") == {**wanted, "type": Surveys.goal_categories})
    assert {"label": "Trakasserier", "value": "harassment"} in checks["options"]

    saved = save_goal(client, "mark-2021", "starkt-fortroende", "Otrygg i centrum", "lower", 2020, ["harassment"])
    assert texts(saved) == ["Sparat: målet följs av Otrygg i centrum och gäller 1 kategori."]
    with GeoPackageStore.open(demo_copy) as store:
        goal = store.get_pledge("mark-2021").goals[2]
    assert (goal.indicator, goal.better, goal.baseline_year, goal.categories) == (
        "Otrygg i centrum",
        "lower",
        2020,
        ("harassment",),
    )
    card = " ".join(texts(render_page(client, "/pledge", "?pledge=mark-2021")))
    assert "Otrygg i centrum: basår 2020, senast 2023" in card

    # A bad value is refused with the reason, and nothing changes.
    refused = save_goal(client, "mark-2021", "starkt-fortroende", "Otrygg i centrum", "lower", 1850, [])
    assert texts(refused) == [
        "Målet sparades inte: ",
        "”1850” är inte ett år från 1990 till 2100; skriv till exempel 2020",
    ]
    with GeoPackageStore.open(demo_copy) as store:
        assert store.get_pledge("mark-2021").goals[2].baseline_year == 2020
    # No indicator: the goal keeps its categories and no direction or baseline.
    saved = save_goal(client, "mark-2021", "starkt-fortroende", "", "lower", 2020, ["harassment", "vandalism"])
    assert texts(saved) == ["Sparat: målet följs inte av någon indikator och gäller 2 kategorier."]
    with GeoPackageStore.open(demo_copy) as store:
        goal = store.get_pledge("mark-2021").goals[2]
    assert (goal.indicator, goal.better, goal.baseline_year, goal.categories) == (
        None,
        None,
        None,
        ("harassment", "vandalism"),
    )


def test_every_survey_page_key_is_worded_in_both_languages():
    sv = json.loads(open("dashboard/locales/sv.json", encoding="utf-8").read())
    en = json.loads(open("dashboard/locales/en.json", encoding="utf-8").read())
    ours = {k for k in sv if k.startswith(("surveys.", "record."))} | {"nav.surveys"}
    assert ours <= set(en) and all(en[k] and en[k] != sv[k] or k.startswith("surveys.field.") for k in ours if k in en)


@pytest.mark.parametrize(
    ("record", "sv", "en"),
    [
        ("row 5", "Rad 5", "Row 5"),
        ("row 5, Kvinnor", "Rad 5, Kvinnor", "Row 5, Kvinnor"),
        ("file trygghet.csv", "Filen trygghet.csv", "File trygghet.csv"),
        ("indicator Problemindex", "Indikatorn Problemindex", "Indicator Problemindex"),
        (
            "survey result Otrygg i centrum 2020 for area Kinna (women)",
            "Resultatet för Otrygg i centrum 2020 i Kinna (Kvinnor)",
            "The result for Otrygg i centrum 2020 in Kinna (Women)",
        ),
        (
            "survey result Problemindex for area Skene",
            "Resultatet för Problemindex i Skene",
            "The result for Problemindex in Skene",
        ),
        ("pledge mark-2021", "pledge mark-2021", "pledge mark-2021"),  # another record is shown as it is
    ],
)
def test_the_records_a_survey_problem_names_are_worded_in_the_page_s_language(record, sv, en):
    from dashboard.components.problems import record_label

    assert (record_label("sv", record), record_label("en", record)) == (sv, en)


def test_a_scale_that_is_no_number_is_a_problem_not_a_server_error(client, tmp_path):
    shown = dry_run(client, form(upload(tmp_path, "trygghet.csv", WIDE), kind="index", scale_min="fem", scale_max=6))
    assert shown[1].startswith("Ingenting kan sparas: 1 problem.") and "Skala" in shown


def test_link_goal_is_checked_as_a_pledge_file_and_refused_to_roles_that_may_not_change_pledges(demo_copy):
    from geodata import NotFoundError, ValidationError
    from geodata.access import AccessError, GuardedStore, Viewer
    from geodata.views.surveys import link_goal

    with GeoPackageStore.open(demo_copy) as store:
        with pytest.raises(NotFoundError, match="no goal 'okand'"):
            link_goal(store, "mark-2021", "okand", indicator="Problemindex")
        with pytest.raises(ValidationError) as bad:
            link_goal(store, "mark-2021", "starkt-fortroende", indicator="Problemindex", categories=["bus_stop"])
        assert [(p.field, p.code) for p in bad.value.problems] == [("goals[2].categories", "not_allowed")]
        for role in ("housing_company", "public"):
            with pytest.raises(AccessError):
                link_goal(
                    GuardedStore(store, Viewer(role, "h")), "mark-2021", "starkt-fortroende", indicator="Problemindex"
                )
        saved = link_goal(
            GuardedStore(store, Viewer("police", "pia")), "mark-2021", "starkt-fortroende", indicator="Problemindex"
        )
        assert saved.goals[2].indicator == "Problemindex"
        assert store.get_pledge("mark-2021").goals[2].indicator == "Problemindex"
