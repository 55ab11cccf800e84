"""Reading published pledge texts into drafts: the two seeds and varied layouts built here in code."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.errors import ValidationError
from geodata.io.pledge_text import layout, parse_pledge_text, read_pledge_text
from geodata.io.swedish_text import counts, date_span, join_wrapped, parse_number
from geodata.model import pledge_from_dict
from geodata.shipped import shipped_pledges


def norm(text: str) -> str:
    return " ".join(text.split())


# --- builders: pledge texts in the layouts published pledges use -------------------------------------------


def pdf_export_text() -> str:
    """Capital headings, numbered promises with attributions, lines broken and hyphenated by PDF
    extraction, page numbers and a page header repeated on every page; a housing company with a short name."""
    header = "Medborgarlöfte Kungsbacka 2022–2023"
    return textwrap.dedent(f"""\
        {header}

        Lokalpolisområde Halland norra och Kungsbacka kommun lovar tillsammans med
        Eksta Bostads AB (EBAB) invånarna följande under 2022–2023.

        FOKUS PÅ TRYGGHET I CENTRUM

        Särskilt fokus på trygghet kring resecentrum och i parkerna kvällstid.

        LÄGESBILD

        Medborgarna: Många upplever otrygghet vid resecentrum efter mörkrets inbrott,
        särskilt under helger.

        Polisen: Ungdomar samlas i parken och det förekommer försäljning av
        narkotika.
        1
        {header}

        DET HÄR LOVAR VI

        1. Genomföra gemensamma trygghets-
           vandringar med boende vid minst sex tillfällen. (Polis, kommun och EBAB)
        2. Minst fyra riktade insatser mot narkotikaförsäljning i centrala
           Kungsbacka. (Polisen)
        3. Se över källare och cykelrum i bostadsområdet Kolla. (EBAB)

        DET HÄR SKA VI ÅSTADKOMMA

        - Ökad trygghet i centrum
        - Färre platser där narkotika säljs öppet

        Sida 2 av 3
        {header}

        FÖLJ MED I HUR DET GÅR

        - Medborgardialoger två gånger per år
        - www.kungsbacka.se/trygghet
        - Instagram: @polisen_halland

        Datum: 2022-03-01

        Lokalpolisområde Halland norra
        Eva Berg
        Lokalpolisområdeschef

        Kungsbacka kommun
        Per Holm
        Kommunstyrelsens ordförande

        {header}
        """)


def lead_sentence_text() -> str:
    """No lists at all: each party promises in its own sentence ("Polisen lovar att …"), with a date span."""
    return textwrap.dedent("""\
        Medborgarlöfte för Alingsås

        Gäller 1 mars 2020 – 28 februari 2021.

        Fokus på langning av narkotika till unga.

        Det här lovar vi

        Polisen lovar att genomföra 10 insatser mot langning under perioden. Kommunen lovar att
        informera föräldrar till elever i årskurs 7 om narkotika. Alingsås kommun kommer också att
        fortsätta arbetet med fältgruppen.

        Målet är minskad langning och ökad trygghet för unga.
        """)


def years_only_text() -> str:
    """Only a year, no targets, promises without named parties, "–" bullets, a municipality named only in the title."""
    return textwrap.dedent("""\
        Medborgarlöfte Ale 2019

        Fokus: trygghet i centrala Nödinge.

        Det här lovar vi
        – Synlig närvaro i centrala Nödinge på kvällar och helger.
        – Trygghetsvandringar tillsammans med invånarna.
        – Ta fram en handlingsplan.

        Med medborgarlöftet önskar vi åstadkomma ökad trygghet och färre skadegörelser.
        """)


def lists_per_party_text() -> str:
    """A separate list per party under one heading, a housing company written as one word, bullets "•" and "*"."""
    return textwrap.dedent("""\
        MEDBORGARLÖFTE MÖLNDAL 2024

        Särskilt fokus på otrygghet i Bifrost.

        Våra löften

        Polisen
        • Förstärkt närvaro i Bifrost under kvällstid.
        • Minst tre riktade insatser mot narkotikaförsäljning.

        Kommunen
        • Information till vårdnadshavare vid föräldramöten i skolorna.

        Mölndalsbostäder
        * Inventering av källare och trapphus i Bifrost, minst 20 fastigheter.

        Det här ska vi åstadkomma
        • Ökad trygghet i Bifrost

        Följ med i hur det går
        • Facebook: Polisen Mölndal
        • Mölndals stads hemsida
        """)


def noisy_unknown_municipality_text() -> str:
    """A municipality that is not in the boundaries, a rate instead of a total, a promise whose kind is unclear,
    Windows line ends, a non-breaking space, a soft hyphen and an image file name left by a web page."""
    return (
        "Trygghetslöfte Testköpings kommun\r\n\r\n1170x780px_bild.jpg\r\n\r\nUnder 2023 lovar vi:\r\n\r\n"
        "- Polisen genomför\u00a0narkotikainsatser två gånger per månad. (Polisen)\r\n"
        "- Kommunen tar fram en hand\u00adlingsplan för sommaren. (Kommunen)\r\n"
    )


def as_pdf_extraction(text: str, width: int) -> str:
    """``text`` as PDF extraction leaves it: paragraphs wrapped at ``width`` with long words hyphenated,
    bullets' continuation lines indented, and a page header, page number and form feed after every eighth paragraph."""
    out: list[str] = []
    paragraphs = 0
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            out.append("")
            continue
        lines = textwrap.wrap(paragraph.strip(), width=width, break_on_hyphens=False)
        for i in range(len(lines) - 1):
            word, _, rest = lines[i + 1].partition(" ")
            if len(word) >= 10 and word.isalpha() and word.islower():  # "narkotika-" / "handeln"
                lines[i] += f" {word[: len(word) // 2]}-"
                lines[i + 1] = word[len(word) // 2 :] + (f" {rest}" if rest else "")
        indent = "   " if paragraph.strip()[:1] in "•-" else ""
        out += [lines[0]] + [indent + line for line in lines[1:]]
        paragraphs += 1
        if paragraphs % 8 == 0:
            out += ["", f"Sida {paragraphs // 8} av 4", "\f", "POLISEN", ""]
    return "\n".join(out)


def web_page_text() -> str:
    """A pasted web page: a breadcrumb over the title, a publication date, a span of months, "Ansvar: …" on its
    own line under each numbered promise, a follow-up paragraph instead of a list, one-line signatures."""
    return textwrap.dedent("""\
        Hem / Om polisen / Medborgarlöften
        Medborgarlöfte Borås 2023

        Publicerad 12 januari 2023

        Medborgarlöftet gäller januari–december 2023 och tas fram av lokalpolisområde Borås tillsammans med Borås stad och AB Bostäder i Borås.

        Bakgrund
        Invånarna i Borås har i trygghetsmätningen uttryckt oro för personrån och för ungdomar som samlas vid Knalleland.

        Löften
        Polisen och Borås stad lovar att:
        1. Genomföra fyra trygghetsvandringar i Norrby och Hässleholmen.
        Ansvar: Borås stad
        2. Öka den synliga närvaron vid Knalleland fredag och lördag kväll.
        Ansvar: Polisen
        3. Se över belysningen på gångvägar i Norrby.
        Ansvar: Borås stad och AB Bostäder i Borås

        Mål
        Färre personrån och en tryggare stadsmiljö för unga.

        Uppföljning
        Uppföljning sker på borasstad.se/trygghet och vid medborgardialoger i maj.

        Underskrifter
        Anna Andersson, lokalpolisområdeschef, Lokalpolisområde Borås
        Ulf Olsson, kommunstyrelsens ordförande, Borås stad

        Dela sidan: Facebook Twitter LinkedIn
        """)


def party_views_text() -> str:
    """Capital headings with each party's view ("POLISENS BILD"), promises led by the party's name with a Word
    bullet (U+F0B7) or none, a third party that is neither police, municipality nor housing company."""
    return textwrap.dedent("""\
        TRYGGHETSLÖFTE HÄRRYDA 2020–2021

        FOKUSOMRÅDE
        Bostadsinbrott och otrygghet i Mölnlycke centrum.

        MEDBORGARNAS BILD
        Många boende i Mölnlycke oroar sig för inbrott. Samarbetet med Partille kommun fortsätter.

        POLISENS BILD
        Inbrotten har ökat med 30 procent.

        VAD VI LOVAR
        \uf0b7 Polisen: Minst åtta kvällspatruller i villaområden under hösten.
        Kommunen: Grannsamverkan startas i Landvetter och Hindås.
        Räddningstjänsten Storgöteborg: Informationsträffar om brandsäkerhet.
        """)


def shipped(pledge_id: str):
    return next(p for p in shipped_pledges() if p.id == pledge_id)


# --- the seeds ----------------------------------------------------------------------------------------------


def read_seed(seeds_dir, name: str):
    return parse_pledge_text(read_pledge_text(seeds_dir / f"{name}.txt"))


def assert_promises_match(parsed, pledge):
    assert [norm(p.text) for p in parsed.promises] == [norm(p.text) for p in pledge.promises]
    assert [p.kind for p in parsed.promises] == [p.kind for p in pledge.promises]
    assert [p.target for p in parsed.promises] == [p.target for p in pledge.promises]


def test_molndal_seed_is_read_completely(seeds_dir):
    parsed = read_seed(seeds_dir, "molndal-2018")
    pledge = shipped("molndal-2018")
    assert parsed.missing == [] and parsed.warnings == []
    assert parsed.municipality.name == "Mölndal" and parsed.municipality.code == "1481"
    assert parsed.police_area.name.lower() == pledge.police_area.name.lower()
    assert (parsed.period.start, parsed.period.end) == (pledge.period.start, pledge.period.end)
    assert parsed.focus == pledge.focus
    assert {k: norm(v) for k, v in parsed.problem_picture.items()} == {
        k: norm(v) for k, v in pledge.problem_picture.items()
    }  # "Mölnåls Stad:" (sic) is the municipality's
    assert_promises_match(parsed, pledge)
    kinds = {p.id: p.kind for p in parsed.partners}
    assert [[kinds[x] for x in p.parties] for p in parsed.promises] == [
        ["police", "municipality"],
        ["police", "municipality"],
        ["municipality", "police"],
    ]  # "(Kommun, polis)"
    assert parsed.goals == [norm(g.text) for g in pledge.goals]
    assert [(f.kind, f.url) for f in parsed.follow_up] == [(f.kind, f.url) for f in pledge.follow_up]
    assert parsed.signed_on == dt.date(2018, 2, 15)
    assert [(s.name, s.title) for s in parsed.signatories] == [(s.name, s.title) for s in pledge.signatories]


def test_mark_seed_is_read_with_the_police_as_we_and_the_housing_company(seeds_dir):
    parsed = read_seed(seeds_dir, "mark-2021")
    pledge = shipped("mark-2021")
    assert parsed.missing == ["signatories", "signed_on"]  # the text names neither
    assert parsed.municipality.code == "1463" and parsed.police_area.name == "Lokalpolisområde Borås"
    assert [(p.id, p.kind, p.short_name) for p in parsed.partners] == [
        ("polisen", "police", "Polisen"),
        ("marks-kommun", "municipality", "Kommunen"),
        ("mbab", "housing_company", "MBAB"),
    ]
    assert (parsed.period.start, parsed.period.end) == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))  # not 2016
    assert parsed.focus == pledge.focus
    assert_promises_match(parsed, pledge)
    assert [p.parties for p in parsed.promises] == [("polisen",)] * 3 + [("marks-kommun", "mbab"), ("mbab",)]
    assert parsed.promises[1].target_unit == "riktade insatser"
    assert parsed.promises[4].site_kinds == ("basement", "attic")
    # As the text writes it; the shipped YAML's unquoted comma cuts the third goal after "polis".
    assert parsed.goals == [
        "Ökad trygghet",
        "Minskad brottslighet",
        "Stärkt förtroende för polis, kommun och bostadsbolag",
    ]
    assert {k: norm(v) for k, v in parsed.problem_picture.items()} == {
        k: norm(v) for k, v in pledge.problem_picture.items()
    }
    assert (parsed.contact.name, parsed.contact.email, parsed.contact.phone, parsed.contact.hours) == (
        pledge.contact.name,
        pledge.contact.email,
        pledge.contact.phone,
        pledge.contact.hours,
    )
    assert [f.url for f in parsed.follow_up] == ["mailto:annika.stomberg@polisen.se"]


@pytest.mark.parametrize("name", ["molndal-2018", "mark-2021"])
def test_seed_drafts_are_accepted_by_the_model(seeds_dir, name):
    parsed = read_seed(seeds_dir, name)
    assert parsed.complete
    pledge = pledge_from_dict(parsed.to_pledge_dict())
    assert pledge.id == name
    assert [p.evidence.layer for p in pledge.promises] == [p.evidence.layer for p in shipped(name).promises]
    json.dumps(parsed.to_dict())  # JSON-ready as it is


@pytest.mark.parametrize("width", [40, 55, 70])
@pytest.mark.parametrize("name", ["molndal-2018", "mark-2021"])
def test_seeds_read_the_same_after_pdf_extraction(seeds_dir, name, width):
    text = read_pledge_text(seeds_dir / f"{name}.txt")
    extracted = as_pdf_extraction(text, width)
    assert "-\n" in extracted and "Sida 1 av 4" in extracted  # the builder did break and hyphenate
    assert parse_pledge_text(extracted).to_dict() == parse_pledge_text(text).to_dict()


# --- varied layouts ------------------------------------------------------------------------------------------


def test_pdf_export_with_capitals_numbers_page_noise_and_hyphenation():
    parsed = parse_pledge_text(pdf_export_text())
    assert parsed.title == "Medborgarlöfte Kungsbacka 2022–2023"
    assert parsed.municipality.code == "1384"
    assert parsed.police_area.name == "Lokalpolisområde Halland norra"
    assert (parsed.period.start, parsed.period.end) == (dt.date(2022, 1, 1), dt.date(2023, 12, 31))
    assert parsed.focus == "Särskilt fokus på trygghet kring resecentrum och i parkerna kvällstid."
    assert parsed.problem_picture == {
        "citizens": "Många upplever otrygghet vid resecentrum efter mörkrets inbrott, särskilt under helger.",
        "police": "Ungdomar samlas i parken och det förekommer försäljning av narkotika.",
    }
    first, second, third = parsed.promises
    assert first.text == "Genomföra gemensamma trygghetsvandringar med boende vid minst sex tillfällen."
    assert (first.parties, first.kind, first.target, first.target_unit) == (
        ("polisen", "kungsbacka-kommun", "ebab"),
        "citizen_dialogue",
        6,
        "tillfällen",
    )
    assert second.text == "Minst fyra riktade insatser mot narkotikaförsäljning i centrala Kungsbacka."
    assert (second.parties, second.kind, second.target) == (("polisen",), "targeted_operation", 4)
    assert (third.parties, third.kind, third.site_kinds) == (
        ("ebab",),
        "property_inspection",
        ("basement", "bike_storage"),
    )
    assert parsed.goals == ["Ökad trygghet i centrum", "Färre platser där narkotika säljs öppet"]
    assert [f.kind for f in parsed.follow_up] == ["dialogue", "web", "social_media"]
    assert parsed.follow_up[1].url == "https://www.kungsbacka.se/trygghet"
    assert [(s.name, s.title, s.organisation) for s in parsed.signatories] == [
        ("Eva Berg", "Lokalpolisområdeschef", "Lokalpolisområde Halland norra"),
        ("Per Holm", "Kommunstyrelsens ordförande", "Kungsbacka kommun"),
    ]
    assert parsed.signed_on == dt.date(2022, 3, 1)
    assert parsed.missing == [] and parsed.warnings == []
    assert not any(b.text in ("1", "Sida 2 av 3") for b in layout(pdf_export_text()))
    pledge_from_dict(parsed.to_pledge_dict())


def test_parties_named_in_lead_sentences():
    parsed = parse_pledge_text(lead_sentence_text())
    assert parsed.municipality.code == "1489"
    assert (parsed.period.start, parsed.period.end) == (dt.date(2020, 3, 1), dt.date(2021, 2, 28))
    police, municipality, fieldwork = parsed.promises
    assert police.text == "Polisen lovar att genomföra 10 insatser mot langning under perioden."
    assert (police.parties, police.kind, police.target, police.target_unit) == (
        ("polisen",),
        "targeted_operation",
        10,
        "insatser",
    )
    assert municipality.parties == ("alingsas-kommun",) and municipality.kind in ("parent_information",)
    assert municipality.target is None  # "årskurs 7" counts nothing
    assert fieldwork.parties == ("alingsas-kommun",)
    assert parsed.goals == ["Minskad langning", "Ökad trygghet för unga"]
    assert "police_area" in parsed.missing  # the text names no police area, and none is made up
    assert [p.kind for p in parsed.partners] == ["police", "municipality"]


def test_years_only_without_targets_reports_what_it_could_not_find():
    parsed = parse_pledge_text(years_only_text())
    assert parsed.municipality.name == "Ale" and parsed.municipality.code == "1440"
    assert (parsed.period.start, parsed.period.end) == (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert parsed.focus == "Trygghet i centrala Nödinge."  # without its label "Fokus:"
    assert [p.target for p in parsed.promises] == [None, None, None]
    assert [p.kind for p in parsed.promises] == ["presence_patrol", "citizen_dialogue", None]
    assert all(p.parties == () for p in parsed.promises)  # "vi" is never said to be anyone in particular
    assert "promise 1: no responsible party found" in parsed.warnings
    assert "promise 3: the kind is not clear from the words; left empty" in parsed.warnings
    assert parsed.goals == ["Ökad trygghet", "Färre skadegörelser"]
    assert {"police_area", "problem_picture", "follow_up", "signatories", "signed_on"} <= set(parsed.missing)
    assert not parsed.complete
    with pytest.raises(ValidationError) as info:
        parsed.to_pledge_dict()
    fields = [p.field for p in info.value.problems]
    assert fields == [
        "police_area",
        "promises[0].parties",
        "promises[1].parties",
        "promises[2].parties",
        "promises[2].kind",
    ]
    assert "draft pledge 'Medborgarlöfte Ale 2019'" in str(info.value)


def test_separate_lists_per_party():
    parsed = parse_pledge_text(lists_per_party_text())
    assert parsed.title == "MEDBORGARLÖFTE MÖLNDAL 2024" and parsed.municipality.code == "1481"
    housing = [p for p in parsed.partners if p.kind == "housing_company"]
    assert [(p.id, p.name) for p in housing] == [("molndalsbostader", "Mölndalsbostäder")]
    assert [(p.parties, p.kind, p.target) for p in parsed.promises] == [
        (("polisen",), "presence_patrol", None),
        (("polisen",), "targeted_operation", 3),
        (("molndal",), "parent_information", None),
        (("molndalsbostader",), "property_inspection", 20),
    ]
    assert parsed.promises[3].site_kinds == ("basement", "stairwell")
    assert [(f.kind, f.label) for f in parsed.follow_up] == [
        ("social_media", "Facebook: Polisen Mölndal"),
        ("web", "Mölndals stads hemsida"),
    ]


def test_pasted_web_page_with_responsibility_lines_and_one_line_signatures():
    parsed = parse_pledge_text(web_page_text())
    assert parsed.title == "Medborgarlöfte Borås 2023"  # not the breadcrumb above it
    assert parsed.municipality.code == "1490"
    assert (parsed.period.start, parsed.period.end) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert [(p.id, p.kind) for p in parsed.partners] == [
        ("polisen", "police"),
        ("boras-stad", "municipality"),
        ("ab-bostader-i-boras", "housing_company"),
    ]
    assert [p.parties for p in parsed.promises] == [
        ("boras-stad",),
        ("polisen",),
        ("boras-stad", "ab-bostader-i-boras"),
    ]
    assert [p.kind for p in parsed.promises] == ["citizen_dialogue", "presence_patrol", "place_inventory"]
    assert [p.target for p in parsed.promises] == [4, None, None]
    assert list(parsed.problem_picture) == ["citizens"]
    assert [(f.kind, f.url) for f in parsed.follow_up] == [("web", "https://borasstad.se/trygghet"), ("dialogue", None)]
    assert [(s.name, s.title, s.organisation) for s in parsed.signatories] == [
        ("Anna Andersson", "lokalpolisområdeschef", "Lokalpolisområde Borås"),
        ("Ulf Olsson", "kommunstyrelsens ordförande", "Borås stad"),
    ]
    assert parsed.signed_on is None  # "Publicerad 12 januari 2023" is not a signing date
    assert parsed.missing == ["focus", "signed_on"]  # the page states no focus


def test_responsibility_written_after_the_promise_and_an_address_without_a_name():
    parsed = parse_pledge_text(
        textwrap.dedent("""\
        Medborgarlöfte Lerum 2022

        Det här lovar vi
        - Minst två föräldramöten om narkotika. Ansvar: kommunen och polisen
        - Trygghetsvandringar i Gråbo – ansvarig: Lerums kommun

        Uppföljning
        - Frågor och synpunkter: trygghet@lerum.se
        """)
    )
    assert [(p.text, p.parties, p.kind, p.target) for p in parsed.promises] == [
        ("Minst två föräldramöten om narkotika.", ("lerums-kommun", "polisen"), "parent_information", 2),
        ("Trygghetsvandringar i Gråbo", ("lerums-kommun",), "citizen_dialogue", None),
    ]
    assert [(f.kind, f.url) for f in parsed.follow_up] == [("contact", "mailto:trygghet@lerum.se")]
    assert parsed.contact is None  # no name is given, and none is made up


def test_party_views_and_promises_led_by_the_party_name():
    parsed = parse_pledge_text(party_views_text())
    assert parsed.municipality.code == "1401" and parsed.focus == "Bostadsinbrott och otrygghet i Mölnlycke centrum."
    assert "municipality: the text also names Partille; Härryda was taken from the title" in parsed.warnings
    assert parsed.problem_picture == {
        "citizens": "Många boende i Mölnlycke oroar sig för inbrott. Samarbetet med Partille kommun fortsätter.",
        "police": "Inbrotten har ökat med 30 procent.",
    }
    assert [(p.text, p.parties, p.kind, p.target) for p in parsed.promises] == [
        ("Minst åtta kvällspatruller i villaområden under hösten.", ("polisen",), "presence_patrol", 8),
        ("Grannsamverkan startas i Landvetter och Hindås.", ("harryda",), None, None),
        ("Informationsträffar om brandsäkerhet.", ("raddningstjansten-storgoteborg",), None, None),
    ]
    assert parsed.partners[-1].kind == "other" and parsed.partners[-1].name == "Räddningstjänsten Storgöteborg"
    assert (parsed.period.start, parsed.period.end) == (dt.date(2020, 1, 1), dt.date(2021, 12, 31))
    assert "police_area" in parsed.missing  # "Polisen" alone names no police area


def test_noise_an_unknown_municipality_and_a_rate_read_per_month():
    parsed = parse_pledge_text(noisy_unknown_municipality_text())
    assert parsed.title == "Trygghetslöfte Testköpings kommun"
    assert parsed.municipality.name == "Testköpings kommun" and parsed.municipality.code is None
    assert "municipality.code" in parsed.missing
    assert any("'Testköpings kommun' is not a known municipality" in w for w in parsed.warnings)
    assert [p.text for p in parsed.promises] == [
        "Polisen genomför narkotikainsatser två gånger per månad.",
        "Kommunen tar fram en handlingsplan för sommaren.",
    ]
    assert [p.parties for p in parsed.promises] == [("polisen",), ("testkopings-kommun",)]
    assert (parsed.promises[0].target, parsed.promises[0].target_per) == (2, "month")  # a rate: two a month
    assert (parsed.period.start, parsed.period.end) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


# Every field a draft can name missing, in the order ``missing`` lists them: typed here, not read from the parser.
DRAFT_FIELDS = (
    "title",
    "municipality",
    "municipality.code",
    "police_area",
    "partners",
    "period",
    "focus",
    "problem_picture",
    "promises",
    "goals",
    "follow_up",
    "signatories",
    "signed_on",
)


def test_an_empty_text_is_all_missing():
    parsed = parse_pledge_text("")
    assert parsed.missing == list(DRAFT_FIELDS)
    assert parsed.to_dict()["promises"] == [] and parsed.to_dict()["municipality"] is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Det här lovar vi",
                "- Minst fyra insatser (Polisen)",
                "Polisen lovar att",
                "Målet är ökad trygghet",
                "2021–2022",
                "• ",
                "1.",
                "Datum:",
                "Mölndals stad",
                "",
                "www.",
                "(",
                ":",
                "Medborgarna:",
                "två gånger per",
            ]
        ),
        max_size=25,
    ),
    st.text(max_size=40),
)
def test_any_text_gives_a_json_ready_draft(pieces, noise):
    parsed = parse_pledge_text("\n".join(pieces) + noise)
    data = json.loads(json.dumps(parsed.to_dict()))
    assert set(data["missing"]) <= set(DRAFT_FIELDS)
    for promise in data["promises"]:
        assert promise["text"] and (promise["target"] is None or promise["target"] >= 1)


# --- files and encodings ------------------------------------------------------------------------------------


def test_read_pledge_text_handles_utf8_bom_cp1252_and_form_feeds(tmp_path):
    text = "Medborgarlöfte Mölndal 2024\fSärskilt fokus på trygghet – även nattetid."
    (tmp_path / "utf8.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (tmp_path / "windows.txt").write_bytes(text.encode("cp1252"))
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))
    expected = text.replace("\f", "\n")
    for name in ("utf8.txt", "windows.txt", "utf16.txt"):
        assert read_pledge_text(tmp_path / name) == expected
    parsed = parse_pledge_text(read_pledge_text(tmp_path / "windows.txt"))
    assert parsed.title == "Medborgarlöfte Mölndal 2024" and parsed.focus.startswith("Särskilt fokus")


def test_read_pledge_text_refuses_a_pdf_and_undecodable_bytes(tmp_path):
    (tmp_path / "pledge.pdf").write_bytes(b"%PDF-1.7\n...")
    with pytest.raises(ValidationError, match=r"pledge text pledge.pdf, field '\(file\)': is a PDF"):
        read_pledge_text(tmp_path / "pledge.pdf")
    (tmp_path / "bad.txt").write_bytes("Medborgarlöfte".encode()[:-1] + b"\x81\x8d")
    with pytest.raises(ValidationError, match="neither UTF-8 nor Windows-1252"):
        read_pledge_text(tmp_path / "bad.txt")


# --- Swedish words --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word, value",
    [
        ("fyra", 4),
        ("sex", 6),
        ("tolv", 12),
        ("tjugoen", 21),
        ("trettio", 30),
        ("hundra", 100),
        ("tvåhundra", 200),
        ("10", 10),
        ("1 200", 1200),
        ("fyrtioelva", None),
        ("insatser", None),
        ("", None),
    ],
)
def test_parse_number(word, value):
    assert parse_number(word) == value


def test_counts_skip_years_percentages_dates_and_bare_articles():
    text = "Under 2021 genomförs en insats, 30 procent fler, den 3 maj 2021, ca 600 kommuninvånare."
    assert counts(text) == []
    assert [(c.value, c.unit) for c in counts("vid minst sex tillfällen och minst en trygghetsvandring")] == [
        (6, "tillfällen"),
        (1, "trygghetsvandring"),
    ]


def test_date_spans_and_wrapped_lines():
    span = date_span("fr.o.m. 1 februari t.o.m. 31 december 2018")
    assert (span.start, span.end) == (dt.date(2018, 2, 1), dt.date(2018, 12, 31))
    span = date_span("2018-02-01 – 2019-01-31")
    assert (span.start, span.end) == (dt.date(2018, 2, 1), dt.date(2019, 1, 31))
    assert date_span("31 januari 2019 – 1 februari 2018") is None  # ends before it starts
    assert (
        join_wrapped("Polisen lovar att genomföra minst fyra riktade insatser mot", "Narkotika", 70)
        == "Polisen lovar att genomföra minst fyra riktade insatser mot Narkotika"
    )
    assert join_wrapped("Det här lovar vi", "Polisen", 70) is None
