"""Every problem an import reports can be said in Swedish: codes, values and choice names, no English left."""

from __future__ import annotations

import pytest
from test_import import KINNA_NE, write_csv

from dashboard.components.problems import describe, describe_note
from dashboard.i18n import catalogue
from geodata.io.importer import plan_import

ROWS = [
    ["Id", "Datum", "Kategori", "Källa", "Beskrivning", "Antal", "Löfte", "N", "E"],
    [1, "", "Klotter", "Enkät", "x", 1, "", *KINNA_NE],  # missing date
    [2, "igår", "Klotter", "Enkät", "x", 1, "", *KINNA_NE],  # not a date
    [3, "2024-03-05", "Otryggt", "Enkät", "x", 1, "", *KINNA_NE],  # unknown choice
    [4, "2024-03-05", "Mörkt och langning", "Enkät", "x", 1, "", *KINNA_NE],  # unclear choice
    [5, "2024-03-05", "Klotter", "Enkät", "x", "två", "", *KINNA_NE],  # not a whole number
    [6, "2024-03-05", "Klotter", "Enkät", "x", 0, "", *KINNA_NE],  # below minimum
    [7, "2024-03-05", "Klotter", "Enkät", "x" * 2001, 1, "", *KINNA_NE],  # too long
    [8, "2024-03-05", "Klotter", "Enkät", "x", 1, "inget-sådant", *KINNA_NE],  # unknown link
    [9, "2024-03-05", "Klotter", "Enkät", "x", 1, "", "sex", KINNA_NE[1]],  # not a number
    [10, "2024-03-05", "Klotter", "Enkät", "x", 1, "", KINNA_NE[1], KINNA_NE[0]],  # swapped
    [11, "2024-03-05", "Klotter", "Enkät", "x", 1, "", 6650000, 900000],  # outside Sweden
    [12, "2024-03-05", "Klotter", "Enkät", "x", 1, "", 6401500, 372500],  # outside Mark: a warning
    [12, "2024-03-06", "Klotter", "Enkät", "x", 1, "", 6376900, 361845],  # repeated id
]


@pytest.fixture
def report(store, tmp_path):
    plan = plan_import(
        store,
        write_csv(tmp_path / "rader.csv", ROWS),
        "unsafe_places",
        defaults={"pledge_id": None},
        municipality_code="1463",
    )
    return plan


def test_each_reason_is_worded_in_swedish(report):
    lines = report.report(with_asked=True)
    codes = {line["code"] for line in lines}
    assert {
        "missing",
        "not_date",
        "unknown_choice",
        "unclear_choice",
        "not_whole_number",
        "below_minimum",
        "too_long",
        "unknown_link",
        "coordinate_not_number",
        "swapped",
        "outside_sweden",
        "outside_municipality",
        "repeated_source",
    } <= codes
    swedish = {
        line["code"]: describe("sv", line["field"], line["message"], line["code"], line["params"]) for line in lines
    }
    assert None not in codes
    for code, text in swedish.items():
        assert text != next(line["message"] for line in lines if line["code"] == code), (
            f"{code} is still English: {text}"
        )
    assert (
        swedish["unclear_choice"] == "”Mörkt och langning” är otydligt (kanske Narkotikaförsäljning eller "
        "Dålig belysning); välj vad det betyder"
    )
    assert swedish["not_date"] == "”igår” är inte ett datum; skriv ÅÅÅÅ-MM-DD, t.ex. 2024-03-05"
    assert (
        swedish["outside_municipality"].startswith("ligger ")
        and "utanför Mark (1463)" in swedish["outside_municipality"]
    )
    english = [describe("en", line["field"], line["message"], line["code"], line["params"]) for line in lines]
    assert all(english)


def test_notes_are_worded_in_swedish(report):
    notes = [describe_note("sv", note) for note in report.notes]
    assert "Kolumnerna skiljs åt med semikolon." in notes


def test_every_problem_wording_has_both_languages():
    for lang in ("sv", "en"):
        keys = {k for k in catalogue(lang) if k.startswith(("problem.", "note."))}
        assert len(keys) > 30
