"""Counts and their words: "1 ändring", "2 ändringar", in every catalogue text where a count precedes a noun."""

from __future__ import annotations

import re

import pytest

from dashboard.components.details import record_history
from dashboard.i18n import LANGUAGES, PLURAL, catalogue, fill, translator
from geodata.store import GeoPackageStore

from builders import frame, unsafe_place

# A placeholder followed by one of these words is not a count before a noun that changes with it:
# units and function words, verbs (Swedish verbs do not change with number), and words whose
# singular is the same as their plural ("1 problem", "2 problem"; English participles).
NOT_COUNT_WORDS = {
    # units, prepositions, conjunctions
    "m",
    "km",
    "kB",
    "MB",
    "per",
    "av",
    "of",
    "för",
    "for",
    "till",
    "to",
    "före",
    "efter",
    "before",
    "after",
    "med",
    "with",
    "i",
    "in",
    "under",
    "during",
    "more",
    "eller",
    "är",
    # verbs and adverbs after a name, a row number or a count ("{already} fanns redan", "{file} är")
    "finns",
    "fanns",
    "already",
    "kunde",
    "could",
    "nämner",
    "name",
    "står",
    "are",
    "is",
    "har",
    "has",
    "hold",
    "holds",
    "innehåller",
    "saknar",
    "kom",
    "did",
    "fyller",
    "fills",
    "går",
    "can",
    "ändrar",
    "blir",
    "visas",
    "avvisades",
    "was",
    "cannot",
    "borde",
    "should",
    "file",
    "levererade",
    "delivered",
    "recorded",
    "valid",
    "rejected",
    "saved",
    "inspected",
    "fixed",
    "overdue",
    "county",
    "väntade",  # "1,3 väntade", "2 väntade": the same either way
    "expected",
    # the same in singular and plural
    "problem",
    "tecken",
    "hörn",
    "lager",
}
# Placeholders that name a thing, not a count ("{file} är tom", "{layer} saknar .prj-fil").
NOT_COUNT_NAMES = {
    "file",
    "layer",
    "layers",
    "code",
    "column",
    "x",
    "y",
    "area",
    "id",
    "axes",
    "municipality",
    "indicator",
    "period",  # a follow-up period's name ("T1 2024")
    "year",  # a year ("2027"), not a count
    "unit",  # a count's noun, already through the plural words ("{count|insats|insatser}")
}
COUNT_BEFORE_WORD = re.compile(r"(?<!%)\{(\w+)(?::[^}]*)?\}\s+([A-Za-zÅÄÖåäö²]+)")


def _count_texts():
    for lang in LANGUAGES:
        for key, text in catalogue(lang).items():
            for match in COUNT_BEFORE_WORD.finditer(text):
                yield lang, key, match.group(1), match.group(2)


def test_every_count_before_a_noun_goes_through_the_plural_words():
    unhandled = [
        f"{lang} {key}: {{{name}}} {word}"
        for lang, key, name, word in _count_texts()
        if word not in NOT_COUNT_WORDS and name not in NOT_COUNT_NAMES
    ]
    assert unhandled == [], "write these as {count} {count|one|other}:\n" + "\n".join(unhandled)


PLURAL_KEYS = sorted(
    {(lang, key) for lang in LANGUAGES for key, text in catalogue(lang).items() if PLURAL.search(text)}
)


@pytest.mark.parametrize("lang, key", PLURAL_KEYS)
def test_each_plural_text_reads_right_for_one_and_for_two(lang, key):
    text = catalogue(lang)[key]
    names = set(re.findall(r"\{(\w+)", text))
    t = translator(lang)
    for n, form in ((1, 2), (2, 3)):
        shown = t(key, **{name: n for name in names})
        assert "{" not in shown and "|" not in shown, shown
        for match in PLURAL.finditer(text):
            assert match.group(form) in shown, (n, shown)


def test_a_count_as_text_chooses_too_and_plotly_templates_are_left_alone():
    assert fill("{n} {n|rad|rader}", n="1") == "1 rad"
    assert fill("{n} {n|rad|rader}", n="1\u00a0660") == "1\u00a0660 rader"
    assert fill("{n} {n|rapport|rapporter}", n="−1") == "−1 rapport"
    assert fill("{n} {n|rapport|rapporter}", n="1,5") == "1,5 rapporter"
    assert translator("sv")("timeline.pace_hover") == catalogue("sv")["timeline.pace_hover"]


def test_a_record_changed_once_says_one_change(tmp_path):
    expected = {
        "sv": ("Historik (1 ändring)", "Historik (2 ändringar)"),
        "en": ("History (1 change)", "History (2 changes)"),
    }
    with GeoPackageStore.create(tmp_path / "s.gpkg") as store:
        [record_id] = store.write_batch("unsafe_places", frame(unsafe_place()))
        for lang, (one, _) in expected.items():
            [details] = record_history(store, "unsafe_places", record_id, lang)
            assert details.children[0].children == one
        record = store.read_layer("unsafe_places").iloc[0]
        store.update_record("unsafe_places", record_id, {"description": "Ny text"}, int(record["version"]))
        for lang, (_, two) in expected.items():
            [details] = record_history(store, "unsafe_places", record_id, lang)
            assert details.children[0].children == two


def test_any_placeholder_name_can_be_filled():
    # "text" and "key" are names catalogue texts use ("Vad betyder {field} ”{text}”?").
    assert translator("sv")("import.question", field="Kategori", text="Otryggt") == "Vad betyder Kategori ”Otryggt”?"
    assert fill("{key} {text}", key="a", text="b") == "a b"


def test_a_per_cent_sign_keeps_to_its_number():
    """Swedish writes "95 %" with a non-breaking space (the sign never wraps to the next line); English "95%"."""
    swedish = {k: v for k, v in catalogue("sv").items() if re.search(r"[0-9}][ \u00a0]*%(?![{])", v)}
    assert swedish and all(re.search(r"[0-9}]\u00a0%", v) and not re.search(r"[0-9}] %", v) for v in swedish.values())
    english = {k: v for k, v in catalogue("en").items() if re.search(r"[0-9}][ \u00a0]+%(?![{])", v)}
    assert not english, english
