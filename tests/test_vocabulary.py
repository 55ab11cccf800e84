"""One vocabulary table: codes, their Swedish and English labels and the words import files use for them.

The table (geodata/data/vocabulary.yaml) is the single source of the codes (geodata.vocab's tuples),
of their labels (the dashboard's catalogues: legend, filters, forms, exports) and of the import's words
(geodata.io.columns.CHOICE_WORDS); these tests read the real table, the real catalogues and real stores.
"""

from __future__ import annotations

import csv
import io
import json
from importlib import resources

import pytest
from shapely.geometry import Point

from dashboard.components.file_words import file_wording, reading_wordings
from dashboard.figures.style import CATEGORY_COLOURS
from dashboard.i18n import LANGUAGES, catalogue, translator
from geodata import vocab
from geodata.demo import demo_pledges
from geodata.io.columns import CHOICE_WORDS, map_choice
from geodata.io.exporter import export_layers
from geodata.io.importer import commit_import, plan_file
from geodata.layers import LAYERS, UNSAFE_PLACES
from geodata.store import GeoPackageStore, LayerQuery
from geodata.validate import validate_records

from builders import KINNA, frame, unsafe_place

# Every tuple of codes geodata.vocab has, and the table's group it must come from.
TUPLES = {
    "PARTNER_KINDS": "partner_kind",
    "PROMISE_KINDS": "promise_kind",
    "FOLLOW_UP_KINDS": "follow_up_kind",
    "REPORT_SOURCES": "source",
    "UNSAFE_CATEGORIES": "category",
    "TIMES_OF_DAY": "time_of_day",
    "SITE_TYPES": "site_type",
    "FINDINGS": "finding",
    "CHECKLIST": "check",
    "SITE_STATUSES": "status",
    "OPERATION_KINDS": "operation_kind",
    "OPERATION_FOCUS": "focus",
    "VISIBILITY": "visibility",
    "PLACE_SAFETY": "safety",
    "RESPONDENT_GENDERS": "respondent_gender",
    "RESPONDENT_AGES": "respondent_age",
    "TARGET_PERIODS": "target_per",
    "FOLLOW_UP_PERIODS": "follow_up_period",
    "ACTIVITY_STATUSES": "activity_status",
    "GOAL_STATUSES": "goal_status",
}
# The categories added for the words Swedish safety work uses (issue 14).
NEW_CATEGORIES = ("unsafe_passage", "littering", "graffiti", "reckless_driving", "burglary", "arson", "disorder")
CATEGORIES = vocab.UNSAFE_CATEGORIES


def _table_file() -> dict:
    import yaml

    return yaml.safe_load(resources.files("geodata").joinpath("data", "vocabulary.yaml").read_text(encoding="utf-8"))


def test_every_code_of_every_vocabulary_tuple_is_in_the_table_in_its_order():
    tuples = {name: value for name, value in vars(vocab).items() if name.isupper() and isinstance(value, tuple)}
    # Subsets, not groups; and the age bands' ranges, whose codes are RESPONDENT_AGES (vocab checks they agree).
    derived = {"FIXED_SITE_STATUSES", "OPEN_SITE_STATUSES", "WORKLIST_STATUSES", "LANGUAGES", "AGE_BANDS"}
    assert set(tuples) - derived == set(TUPLES)
    table = _table_file()
    for name, group in TUPLES.items():
        assert tuples[name] == tuple(table[group]), name
    assert set(vocab.FIXED_SITE_STATUSES) <= set(vocab.SITE_STATUSES)
    # Every choice field of every layer takes its codes from a group of the table.
    for layer in LAYERS.values():
        for field in layer.fields:
            if field.kind == "choice":
                assert field.choices == vocab.codes(vocab.field_group(field.name)), (layer.name, field.name)


def test_the_existing_codes_keep_their_order_and_other_stays_last():
    """Stores, URLs and the demo's weights hold these codes; the new ones come after them, with other last."""
    assert CATEGORIES[:8] == (
        "drug_dealing",
        "drug_use",
        "poor_lighting",
        "blocked_sightlines",
        "loitering",
        "vandalism",
        "harassment",
        "traffic",
    )
    assert CATEGORIES[8:] == (*NEW_CATEGORIES, "other")


def test_the_catalogues_take_every_label_from_the_table_and_the_locale_files_repeat_none():
    table = _table_file()
    for lang in LANGUAGES:
        texts = catalogue(lang)
        for group, codes in table.items():
            for code, entry in codes.items():
                assert texts[f"{group}.{code}"] == entry[lang], (lang, group, code)
        own = json.loads(resources.files("dashboard").joinpath("locales", f"{lang}.json").read_text(encoding="utf-8"))
        assert not set(own) & set(vocab.labels(lang)), lang
    # Merged, the two catalogues still have the same keys.
    assert set(catalogue("sv")) == set(catalogue("en"))


def test_a_locale_file_that_repeats_a_table_label_is_refused(tmp_path, monkeypatch):
    """Two sources for one label would drift apart: the catalogue says which keys are repeated."""
    from dashboard import i18n

    own = json.loads(resources.files("dashboard").joinpath("locales", "sv.json").read_text(encoding="utf-8"))
    (tmp_path / "locales").mkdir()
    (tmp_path / "locales" / "sv.json").write_text(
        json.dumps({**own, "category.loitering": "Häng"}, ensure_ascii=False), encoding="utf-8"
    )
    monkeypatch.setattr(i18n.resources, "files", lambda package: tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with pytest.raises(KeyError, match="category.loitering"):
            i18n.catalogue("sv")
    finally:
        monkeypatch.undo()
        i18n.catalogue.cache_clear()
    assert catalogue("sv")["category.loitering"] == "Tillhåll, häng"


def test_a_malformed_table_names_the_group_the_code_and_what_was_expected():
    with pytest.raises(ValueError, match=r"category\.graffiti: the label 'en' is missing"):
        vocab.parse_vocabulary("category:\n  graffiti: {sv: Klotter}\n")
    with pytest.raises(ValueError, match=r"source\.survey: words must be a list of texts"):
        vocab.parse_vocabulary("source:\n  survey: {sv: Enkät, en: Survey, words: [no]}\n")  # YAML reads no as false
    with pytest.raises(ValueError, match=r"unknown keys \['fr'\]"):
        vocab.parse_vocabulary("source:\n  survey: {sv: Enkät, en: Survey, fr: Enquête}\n")


@pytest.mark.parametrize(
    "text, code",
    [
        ("Tillhåll", "loitering"),
        ("Otrygghetsskapande samling", "loitering"),
        ("Otrygg passage", "unsafe_passage"),
        ("Gångtunnel", "unsafe_passage"),
        ("Nedskräpning", "littering"),
        ("Klotter", "graffiti"),
        ("Skadegörelse", "vandalism"),
        ("Buskörning", "reckless_driving"),
        ("Motorburen problematik", "reckless_driving"),
        ("Mopedåkning", "reckless_driving"),
        ("Trimmade mopeder", "reckless_driving"),
        ("Inbrott", "burglary"),
        ("Bilbränder", "arson"),
        ("Anlagd brand", "arson"),
        ("Ordningsstörning", "disorder"),
        ("Fylla och bråk", "disorder"),
        ("Berusade personer", "disorder"),
        ("Trafik", "traffic"),
        ("Hastighetsöverträdelser", "traffic"),
        ("Narkotikahandel", "drug_dealing"),
        ("Dålig belysning", "poor_lighting"),
    ],
)
def test_the_words_swedish_safety_work_uses_map_to_their_category(text, code):
    assert map_choice("category", CATEGORIES, text).code == code


@pytest.mark.parametrize(
    "text, code",
    [
        ("Trygghetsenkät Kinna 2023", "survey"),  # a file's own name, as the importer's guesses read it
        ("Trygghetsundersökning", "survey"),
        ("Invånardialog", "citizen_dialogue"),
        ("Trygghetsvandring Kinna", "safety_walk"),
        ("Felanmälan", "tip"),
    ],
)
def test_the_words_of_how_reports_were_gathered_map_to_their_source(text, code):
    assert map_choice("source", vocab.REPORT_SOURCES, text).code == code


def test_graffiti_and_mopeds_left_their_old_codes():
    """Klotter was a word of vandalism and moped one of traffic: each now has a code of its own, and only that."""
    assert map_choice("category", CATEGORIES, "Klotter").candidates == ("graffiti",)
    assert map_choice("category", CATEGORIES, "Mopeder").candidates == ("reckless_driving",)
    # A text naming two problems is asked about, not guessed.
    both = map_choice("category", CATEGORIES, "Skadegörelse/nedskräpning")
    assert both.code is None and set(both.candidates) == {"vandalism", "littering"}


def test_every_label_of_every_code_maps_back_to_its_own_code_in_both_languages():
    """The legend's words import as what they say: a label two codes could claim would fail here."""
    failures = []
    for field, words in CHOICE_WORDS.items():
        group = vocab.field_group(field)
        choices = vocab.codes(group)
        assert set(words) == set(choices), field
        for code in choices:
            for lang in LANGUAGES:
                text = vocab.label(group, code, lang)
                for written in (text, text.upper(), text.lower()):
                    match = map_choice(field, choices, written)
                    if match.code != code:
                        failures.append((field, lang, written, match.code, match.candidates))
    assert failures == []


def test_a_label_s_parts_are_words_of_its_code():
    """ "Tillhåll, häng" makes "tillhåll" a word for loitering; "Bilbränder, anlagda bränder" makes "anlagda bränder" one."""
    words = CHOICE_WORDS["category"]
    assert {"Tillhåll", "häng", "Loitering", "hang-out"} <= set(words["loitering"])
    assert {"Bilbränder", "anlagda bränder", "Car fires", "arson"} <= set(words["arson"])
    assert "klotter" not in {w.lower() for w in words["vandalism"]}
    # Checklist texts split at " och ": the finding labels have none, so no part is made of them.
    assert vocab.choice_words("finding")["critical"][:2] == ("Allvarlig brist", "Critical")


@pytest.mark.parametrize(
    "field, text",
    [
        ("category", "Ingen nedskräpning"),
        ("category", "Inte klotter"),
        ("category", "Ej tillhåll"),
        ("visibility", "Ej offentlig"),
        ("status", "Inte åtgärdad"),
    ],
)
def test_a_negated_text_is_still_not_guessed(field, text):
    choices = vocab.codes(vocab.field_group(field))
    match = map_choice(field, choices, text)
    assert match.code is None and match.candidates  # a word fits, and the negation keeps it a question


def test_a_whole_value_that_is_one_code_s_word_is_that_code_though_the_word_holds_a_negation():
    """The table's own words with a negation in them ("Ej inventerad", "Inga anmärkningar") are not guesses."""
    assert map_choice("status", vocab.SITE_STATUSES, "Ej inventerad").code == "flagged"
    assert map_choice("check_access", vocab.FINDINGS, "Inga anmärkningar").code == "ok"
    assert map_choice("status", vocab.SITE_STATUSES, "Ej inventerad ännu").code is None  # more than the word


def test_words_do_not_match_inside_unrelated_words():
    """A word matches at a word's start only: "Otryggt" names no category, a "passagerare" no unsafe passage word."""
    assert map_choice("category", CATEGORIES, "Otryggt").candidates == ()
    assert map_choice("category", CATEGORIES, "Rattfylla").code == "traffic"  # not disorder's "fylla"
    assert map_choice("category", CATEGORIES, "Bostadsinbrott").code == "burglary"


def test_every_category_has_its_own_colour_and_the_new_ones_read_on_white():
    """The map draws a category only with a colour (figures/map.py), so a code without one would vanish."""
    assert tuple(CATEGORY_COLOURS) == CATEGORIES  # the legend lists them in the table's order, other last
    assert len(set(CATEGORY_COLOURS.values())) == len(CATEGORIES)

    def contrast(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)

    assert {
        c: round(contrast(CATEGORY_COLOURS[c]), 1) for c in NEW_CATEGORIES if contrast(CATEGORY_COLOURS[c]) < 3
    } == {}


@pytest.mark.parametrize("code", NEW_CATEGORIES)
def test_a_record_with_a_new_category_validates(code):
    clean = validate_records(UNSAFE_PLACES, frame(unsafe_place(category=code)))
    assert clean.rows[0]["category"] == code


def test_a_new_category_round_trips_through_a_geopackage_store_and_a_swedish_export(demo_copy, tmp_path):
    """The demo store (made as every existing store is) takes the new codes without a migration."""
    with GeoPackageStore.open(demo_copy) as store:
        before = len(store.read_layer("unsafe_places"))
        ids = store.write_batch(
            "unsafe_places",
            frame(
                *(
                    # Apart from each other: the import takes reports on the same day within 5 m as one.
                    unsafe_place(category=c, description=f"ny {c}", geometry=Point(KINNA[0] + 0.001 * i, KINNA[1]))
                    for i, c in enumerate(NEW_CATEGORIES)
                )
            ),
        )
        stored = store.read_layer("unsafe_places").set_index("id")
        assert len(stored) == before + len(NEW_CATEGORIES)
        assert [stored.loc[i, "category"] for i in ids] == list(NEW_CATEGORIES)
        # Filtered by one new category, the store gives exactly its record.
        only = store.read_layer("unsafe_places", LayerQuery(values=(("category", ("graffiti",)),)))
        assert list(only["description"]) == ["ny graffiti"]

        export_layers(store, tmp_path / "p.csv", "csv", {"unsafe_places": None}, wording=file_wording("sv"))
        text = (tmp_path / "p.csv").read_bytes().decode("utf-8-sig")
        rows = {r["Beskrivning"]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
        sv = translator("sv")
        for code in NEW_CATEGORIES:
            assert rows[f"ny {code}"]["Kategori"] == sv(f"category.{code}") == vocab.label("category", code, "sv")
        assert rows["ny graffiti"]["Kategori"] == "Klotter"
        assert rows["ny unsafe_passage"]["Kategori"] == "Otrygg passage, gångtunnel"

        # The worded export imports back as the same codes, without questions and without duplicates.
        [again] = plan_file(store, tmp_path / "p.csv", wordings=reading_wordings())
        assert not again.unresolved
        assert (again.count("duplicate"), again.count("ok"), again.count("rejected")) == (len(stored), 0, 0)
    with GeoPackageStore.create(tmp_path / "fresh.gpkg") as fresh:
        for pledge in demo_pledges():
            fresh.save_pledge(pledge)
        [plan] = plan_file(fresh, tmp_path / "p.csv", wordings=reading_wordings())
        assert not plan.unresolved
        commit_import(fresh, plan, partial=False)
        back = fresh.read_layer("unsafe_places").set_index("description")
        assert [back.loc[f"ny {c}", "category"] for c in NEW_CATEGORIES] == list(NEW_CATEGORIES)
