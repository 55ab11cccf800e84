"""Each step of the pledge reader on its own, with small texts written here (not copies of the corpus)."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from geodata.io.pledge_promises import (
    Context,
    Party,
    attribution,
    classify,
    find_promises,
    inverted_subject,
    read_target,
    resolve_we,
    runs,
    subject,
)
from geodata.io.pledge_text import layout, parse_pledge_text, side_by_side_signatories

MUNICIPALITIES = {"Kiruna": "2584", "Solna": "0184", "Tibro": "1472", "Mark": "1463", "Alingsås": "1489"}


def words(parties: list[Party] | None) -> list[str] | None:
    return None if parties is None else [p.words for p in parties]


def promises_of(text: str, one_year: bool = False) -> list[tuple[str, list[str], str]]:
    found = find_promises(layout(textwrap.dedent(text)), one_year)
    return [(" ".join(p.text.split()[:4]), [q.words for q in p.parties], p.parties_certain) for p in found]


# --- parties -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Polisen ska genomföra kontroller.", ["Polisen"]),
        ("Solna stad och Polisen ska samverka kring trafik.", ["Solna stad", "Polisen"]),
        ("Polismyndigheten och kommunen tillsammans deltar i dialoger.", ["Polismyndigheten", "Kommunen"]),
        ("Tekniska verken (TVAB) kommer under året att byta belysning.", ["Tekniska verken (TVAB)"]),
        ("Kustbevakningen förbinder sig att arbeta till sjöss.", ["Kustbevakningen"]),
        ("Polis 1 gång/dygn ska patrullera runt sjön.", ["Polis"]),
        ("Kommunen, via fritidsgården, samordnar en vandring.", ["Kommunen"]),
        ("Umeå kommunen lovar att genomföra kampanjer.", ["Umeå kommunen"]),
        (
            "Lokalpolisområde södra Vätterbygden och Tibro kommun lovar",
            ["Lokalpolisområde södra Vätterbygden", "Tibro kommun"],
        ),
        ("Polisen tillsammans med Tibro kommun lovar att informera.", ["Polisen", "Tibro kommun"]),
        ("Polisens närvaro ska öka.", None),  # a genitive is not the subject
        ("Hög polisiär närvaro vid stationen", None),
        ("Polisen och andra aktörer ska samverka.", None),  # the list goes on with someone who is not a party
    ],
)
def test_the_subject_is_the_parties_a_sentence_begins_with(text, expected):
    assert words(subject(text)) == expected


def test_an_inverted_subject_after_an_adverbial():
    assert words(inverted_subject("För att bidra till en tryggare stadskärna ska polisen öka synligheten.")) == [
        "Polisen"
    ]
    assert words(inverted_subject("Under kommande period kommer Tibro kommun tillsammans med bostadsbolag stötta")) == [
        "Tibro kommun"
    ]
    assert inverted_subject("Minst en gång i veckan ska ett samverkansmöte hållas.") is None


def test_lists_of_parties_in_running_text_take_abbreviations_and_names_inside_the_list():
    found = runs("Under 2018 kommer lokalpolisen Tibro, SL och Tibro kommun att arbeta. Polisen lovar.")
    assert [words(r) for r in found] == [["Lokalpolisen Tibro", "SL", "Tibro kommun"]]
    assert words(runs("Tibro kommun, Tibrobostäder, Västerlyckan och lokalpolisområde Skövde har")[0]) == [
        "Tibro kommun",
        "Tibrobostäder",
        "Västerlyckan",
        "Lokalpolisområde Skövde",
    ]


@pytest.mark.parametrize(
    "text, clean, expected, cut",
    [
        ("Minst 6 insatser. (Polis)", "Minst 6 insatser.", ["Polis"], False),
        (
            "Informationsmöten för föräldrar. (Kommun och Polis)",
            "Informationsmöten för föräldrar.",
            ["Kommun", "Polis"],
            False,
        ),
        ("Se över källare. (EBAB)", "Se över källare.", ["EBAB"], False),  # after a full stop: an attribution
        ("Kontroller dokumenteras i rapporter (HR).", "Kontroller dokumenteras i rapporter (HR).", None, False),
        (
            "Bedriva arbete mot otrygghet. Ansvarig: kommunen och polisen.",
            "Bedriva arbete mot otrygghet.",
            ["Kommunen", "Polisen"],
            False,
        ),
        ("Tillse närvaro på platserna. Ansvarig: kommunen och p", "Tillse närvaro på platserna.", ["Kommunen"], True),
    ],
)
def test_attributions_after_the_promise(text, clean, expected, cut):
    got_text, parties, got_cut = attribution(text)
    assert (got_text, words(parties), got_cut) == (clean, expected, cut)


def test_we_is_the_parties_of_the_lists_before_else_the_longest_list_named():
    context = Context(list_parties=[[Party("Polisen", "police")], [Party("Kommunen", "municipality")]])
    assert words(resolve_we(context)) == ["Polisen", "Kommunen"]
    context = Context(seen=[[Party("A kommun", "municipality"), Party("Polisen", "police")]])
    assert words(resolve_we(context)) == ["A kommun", "Polisen"]
    assert resolve_we(Context()) is None  # "vi" with no one named is no one in particular
    police = [Party("Polisen", "police")]
    assert words(resolve_we(Context(seen=context.seen, we=police))) == ["Polisen"]  # the text said whom


# --- roles of headings and leads -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, role, parties",
    [
        ("Polisen ska:", "promise", ["Polisen"]),
        ("Kommunen och polisen ska tillsammans:", "promise", ["Kommunen", "Polisen"]),
        ("Åtgärder kommunen", "promise", ["Kommunen"]),
        ("Gällande trafik kommer Tekniska verken även att:", "promise", ["Tekniska verken"]),
        ("Detta uppnås genom att:", "promise", None),
        ("För att minska problemen lovar polisen:", "promise", ["Polisen"]),  # a promise, though it names a problem
        ("Polisen ska arbeta kontaktskapande:", "promise", ["Polisen"]),
        ("Målet är att:", "goal", None),
        ("Förväntad effekt", "goal", None),
        ("Uppföljning av medborgarlöftet kommer ske genom:", "follow_up", None),
        ("Utifrån gemensam lägesbild kommer prioritering att vara:", "problem", None),
        ("Följande områden har identifierats som viktiga:", "problem", None),
        ("Syftet med löftet är att parterna ska arbeta med inriktning på:", "problem", None),
        ("Om medborgarlöften", "chrome", None),
        ("Otrygga platser", "theme", None),
        ("Förebyggande arbete i temaområden våld och droger:", "theme", None),
    ],
)
def test_headings_and_leads_get_a_role_and_parties(text, role, parties):
    intro = classify(text, Context())
    assert (intro.role, words(intro.parties)) == (role, parties)


def test_a_lead_counting_over_the_year_or_the_period():
    assert classify("Vi kommer under året göra följande:", Context()).per == "year"
    assert classify("Polisen lovar att under 2017:", Context()).per == "period"
    assert classify("Polisen ska:", Context()).per is None


# --- the promises of a text ----------------------------------------------------------------------------------


def test_items_inherit_their_list_and_keep_their_own_subject():
    assert promises_of("""\
        Tibro – medborgarlöften

        Polisen och kommunen åtar sig att:

        • Polisen skall genomföra kontroller av mopeder.
        • Kommunen skall tillhandhålla lokaler.
        • anordna dialogmöten i mars.
        """) == [
        ("Polisen skall genomföra kontroller", ["Polisen"], "found"),
        ("Kommunen skall tillhandhålla lokaler.", ["Kommunen"], "found"),
        ("anordna dialogmöten i mars.", ["Polisen", "Kommunen"], "guessed"),
    ]


def test_lists_of_priorities_goals_and_channels_are_not_promises():
    assert promises_of("""\
        Tibro – medborgarlöften

        Utifrån lägesbilden kommer prioritering att vara:

         1. Tidigt upptäcka unga i riskzon.

        Polisen ska

         • Arbeta förebyggande vid skolor.

        Målet är att:

         • Färre unga ska hamna i riskzonen.

        Uppföljning av arbetet kommer ske genom:

         • Sociala medier
        """) == [("Arbeta förebyggande vid skolor.", ["Polisen"], "guessed")]


def test_one_item_with_two_promises_of_different_parties_is_split():
    found = promises_of("""\
        Tibro – medborgarlöften

        Det här ska vi göra

          • Tibro kommun och Polisen ska samverka kring trafiken. Polisen ska genomföra minst fyra kontroller.
          • Polisen ska patrullera. Kontroller dokumenteras i rapporter.
        """)
    assert found == [
        ("Tibro kommun och Polisen", ["Tibro kommun", "Polisen"], "found"),
        ("Polisen ska genomföra minst", ["Polisen"], "found"),
        ("Polisen ska patrullera. Kontroller", ["Polisen"], "found"),
    ]


def test_sentences_that_promise_and_ingresses_that_do_not():
    found = promises_of("""\
        Tibro – medborgarlöften

        Polisen och Tibro kommun lovar att arbeta tillsammans för att öka tryggheten i centrum.

        Polisen och kommunen lovar att arbeta för att minska våld i offentlig miljö.

        Målet är att:

          • Minska antalet misshandelsfall.

        Polisen och kommunen lovar att arbeta för en trygg trafikmiljö.

        Det här ska vi göra

        Polisen ska följa upp arbetet varje kvartal. Kommunen ska redovisa resultatet på webben.
        """)
    assert [text for text, *_ in found] == ["Polisen och kommunen lovar", "Polisen och kommunen lovar"]


def test_we_and_the_separate_lists_before():
    found = promises_of("""\
        Tibro – medborgarlöften

        Polisen lovar att under 2017:
          • Öka närvaron kring busstationen
        Kommunen lovar att under 2017:
          • Bygga om busstationen
        Tillsammans lovar vi att under 2017:
          • Utveckla samverkan kring drogmissbruk
        """)
    assert [parties for _, parties, _ in found] == [["Polisen"], ["Kommunen"], ["Polisen", "Kommunen"]]


def test_a_responsibility_line_overrides_the_list():
    found = promises_of("""\
        Tibro – medborgarlöften

        Polisen och kommunen lovar att:

         • Genomföra trygghetsvandringar.
          Ansvarig: kommunen.
         • Tillse närvaro av polis.
          Ansvarig: kommunen och p
        """)
    assert [(parties, certainty) for _, parties, certainty in found] == [
        (["Kommunen"], "found"),
        (["Kommunen", "Polisen"], "guessed"),  # the cut attribution is completed from the list, and says so
    ]


# --- targets -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value, per",
    [
        ("Polisen ska genomföra minst fyra hastighetskontroller.", 4, None),
        ("Genomföra fyra trygghetsvandringar.", 4, None),
        ("Minst tio insatser med synlig närvaro.", 10, None),
        ("närvara med en tidsåtgång om minst 900 timmar per år.", 900, "year"),
        ("Lägesbild ska tas fram en gång i månaden.", 1, "month"),
        ("Minst en gång i veckan ska ett samverkansmöte hållas.", 1, "week"),
        ("fortsätta med samverkansmöten varje onsdag på stationen", 1, "week"),
        ("Polis 1 gång/dygn ska patrullera runt sjön", 1, "day"),
        ("samordnar varje oktober en trygghetsvandring", 1, "year"),
        ("genomföra medborgardialoger minst varannat år", 1, None),  # every other year: no per for that
        ("vid minst två tillfällen under året genomföra trafikinsatser", 2, "year"),
        ("Minst 70 hastighetskontroller under den totala tre-års-perioden.", 70, "period"),
        ("Kommunen ska erbjuda minst 2 nya föräldrastödsgrupper under 2022.", 2, "period"),
        ("varje år genomföra riktade insatser mot ordningsstörning", None, "year"),
        # Not targets: survey figures, durations, grades, ages, years, coverage words.
        ("upptäcka minst 52 stycken narkotikabrott varav minst 20 procent ska vara förstagångsanvändare", 52, None),
        ("minst 200 stycken 20 minuters trafikkontroller", 200, None),
        ("Genomföra informationsmöten för föräldrar i årskurs 7.", None, None),
        ("information till föräldrar vars ungdomar under år 2020 fyller 15 år", None, None),
        ("Trygghetsrond på varje förskola och grundskola.", None, None),
        ("Polisen ska regelbundet genomföra fotpatrullering.", None, None),
    ],
)
def test_targets_and_what_they_count_over(text, value, per):
    target = read_target(text)
    assert (target.value, target.per) == (value, per)


def test_a_count_without_its_own_period_takes_the_lists_or_a_one_year_pledges():
    assert read_target("Minst fyra narkotikainsatser.", context_per="year").per == "year"
    assert read_target("Minst fyra narkotikainsatser.", one_year=True).per == "period"
    assert read_target("Minst fyra narkotikainsatser.").per is None  # a longer pledge: left open, not guessed


def test_whether_the_per_was_read_or_taken_from_around():
    assert read_target("minst 900 timmar per år").per_read
    assert not read_target("Minst fyra insatser.", one_year=True).per_read
    assert read_target("Minst fyra insatser.").per_read  # nothing taken: the per is left open


def test_units_are_kept_as_written():
    assert read_target("minst 900 timmar per år").unit == "timmar"
    assert read_target("Minst 4 insatser med fokus på mopeder").unit == "insatser"


# --- the whole draft: periods, municipality, partners, signatories, certainty ---------------------------------


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("Det här ska vi göra under 2018\n\n• Polisen ska patrullera.", "2018-01-01", "2018-12-31"),
        (
            "Polisen och kommunen lovar att under höstterminen 2019 genomföra åtgärder. Arbetet följs upp under "
            "oktober månad 2020.",
            "2019-08-01",
            "2020-10-31",
        ),
        (
            "Med början torsdagen den 17 november 2016 kommer polis att vara på plats. Aktiviteten pågår fram till "
            "och med torsdagen den 18 maj 2017.",
            "2016-11-17",
            "2017-05-18",
        ),
        ("Medborgarlöftet gäller under perioden 2023 till och med 2025.", "2023-01-01", "2025-12-31"),
        ("Medborgarlöftet gäller från 31 juni 2023 - 31 juni 2027.", "2023-06-30", "2027-06-30"),
    ],
)
def test_periods(text, start, end):
    draft = parse_pledge_text("Tibro – medborgarlöften\n\n" + text, municipalities=MUNICIPALITIES).to_dict()
    assert draft["period"] == draft["period_stated"] == {"start": start, "end": end}


def test_open_ended_periods_give_the_one_bound_stated_and_say_so():
    draft = parse_pledge_text(
        "Tibro – medborgarlöften\n\nLöftena skrevs på inför 2017 men gäller fortlöpande.\n\n"
        "Medborgarlöften i Tibro 2017\n\nPolisen lovar:\n• Synlig närvaro",
        municipalities=MUNICIPALITIES,
    )
    assert draft.period is None and draft.open_period == (dt.date(2017, 1, 1), None)
    assert draft.to_dict()["period_stated"] == {"start": "2017-01-01", "end": None}
    assert draft.to_dict()["period"] is None  # as the model needs it: both bounds, or nothing
    assert draft.certainty["period"] == "guessed" and "period" in draft.missing
    until = parse_pledge_text(
        "Tibro – medborgarlöften\n\nLöftet sträcker sig fram till december 2021.", municipalities=MUNICIPALITIES
    )
    assert until.to_dict()["period_stated"] == {"start": None, "end": "2021-12-31"}


@pytest.mark.parametrize(
    "text, name, certainty",
    [
        ("Medborgarlöfte\n\nSolna stad och polisen lovar att:\n• Patrullera", "Solna", "found"),
        ("Medborgarlöfte\n\nPolisen lovar invånarna i Kiruna att:\n• Patrullera", "Kiruna", "found"),
        ("Medborgarlöfte\n\nPolisen lovar att arbeta i Kirunas centrum:\n• Patrullera", "Kiruna", "guessed"),
    ],
)
def test_the_municipality_from_its_name_in_any_inflection(text, name, certainty):
    draft = parse_pledge_text(text, municipalities=MUNICIPALITIES)
    assert (draft.municipality.name, draft.municipality.code) == (name, MUNICIPALITIES[name])
    assert draft.certainty["municipality"] == certainty


def test_partners_other_than_police_and_municipality_with_their_kind():
    draft = parse_pledge_text(
        textwrap.dedent("""\
        Medborgarlöfte Kiruna 2018

        Polisen och Kiruna kommun lovar att:

         • Tekniska verken (TVAB) kommer att byta belysning.
         • Kirunabostäder (KBAB) kommer att se över källare.
         • Kustbevakningen förbinder sig att patrullera till sjöss.
        """),
        municipalities=MUNICIPALITIES,
    )
    kinds = {p.name: (p.kind, p.short_name) for p in draft.partners}
    assert kinds["Tekniska verken"] == ("other", "TVAB")
    assert kinds["Kirunabostäder"] == ("housing_company", "KBAB")
    assert kinds["Kustbevakningen"] == ("other", None)
    assert [p.parties for p in draft.promises] == [("tvab",), ("kbab",), ("kustbevakningen",)]


def test_signatories_side_by_side_and_on_one_line():
    text = textwrap.dedent("""\
        Medborgarlöfte Tibro 2024

        Datum: 2024-02-01

        Anna Berg                         Per Holm
        Lokalpolisområdeschef             Kommunstyrelsens ordförande
        Lokalpolisområde Skövde           Tibro kommun
        """)
    draft = parse_pledge_text(text, municipalities=MUNICIPALITIES)
    assert [(s.name, s.title, s.organisation) for s in draft.signatories] == [
        ("Anna Berg", "Lokalpolisområdeschef", "Lokalpolisområde Skövde"),
        ("Per Holm", "Kommunstyrelsens ordförande", "Tibro kommun"),
    ]
    assert draft.signed_on == dt.date(2024, 2, 1)
    assert side_by_side_signatories("Anna Berg      Per Holm\nkommunpolis     kommunchef", []) == []  # no organisation
    one_line = parse_pledge_text(
        "Medborgarlöfte Tibro 2024\n\nOla Berg, kommunpolis, lokalpolisområde Skövde", municipalities=MUNICIPALITIES
    )
    assert [(s.name, s.organisation) for s in one_line.signatories] == [("Ola Berg", "Lokalpolisområde Skövde")]


def test_certainty_per_field_of_the_pledge_and_of_each_promise():
    draft = parse_pledge_text(
        textwrap.dedent("""\
        Medborgarlöfte Tibro 2024

        Polisen och Tibro kommun lovar att:

         • Minst fyra riktade insatser mot narkotika.
         • Polisen ska öka närvaron vid stationen.
         • Hålla ett möte
        [TRUNCATED]
        """),
        municipalities=MUNICIPALITIES,
    ).to_dict()
    assert draft["certainty"] == {
        "title": "found",
        "municipality": "found",
        "police_area": "not_found",
        "period": "found",
        "focus": "not_found",
        "partners": "found",
        "signed_on": "not_found",
    }
    first, second, third = draft["promises"]
    assert first["certainty"] == {
        "text": "found",
        "parties": "guessed",  # from the list's lead
        "kind": "found",
        "target": "guessed",  # four, read; "for the period" only because the pledge is of one year
        "period": "not_found",
    }
    assert (first["target"], first["target_unit"], first["target_per"]) == (4, "riktade insatser", "period")
    assert second["certainty"]["parties"] == "found" and second["certainty"]["target"] == "not_found"
    assert draft["cut"] and third["cut"] and third["certainty"]["text"] == "guessed"
    assert third["parties_as_written"] == ["Polisen", "Tibro kommun"]
