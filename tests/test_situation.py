"""The lägesbild: the kartläggning drafted from known records, the written sections checked, kept with every
version and refused for the roles that may not read them, and next year's promises drafted from its plan."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest

from geodata.access import GuardedStore
from geodata.access.rules import DOCUMENT_ROLES, PAGE_ROLES, PUBLIC_VIEWER, AccessError, Viewer
from geodata.analysis.situation import NOT_STATED, kartlaggning, situation_municipalities, situation_years
from geodata.analysis.situation_document import (
    KIND,
    Measure,
    PriorityProblem,
    SituationReport,
    draft_promises_from_situation,
    latest_situation,
    save_situation_report,
    situation_versions,
)
from geodata.errors import ValidationError, VersionConflictError
from geodata.model import pledge_from_dict
from geodata.records import PoliceEvent
from geodata.vocab import TIMES_OF_DAY

from builders import KINNA, MOLNDAL_CENTRUM, frame, operation, pledge_dict, unsafe_place

# Kinna and a hexagon or two away from it; Mölndal lies outside Mark.
NEAR_KINNA = (KINNA[0] + 0.03, KINNA[1] - 0.02)


def place(day: str, category: str, time: str | None = "evening", where=KINNA, **more):
    from shapely.geometry import Point

    return unsafe_place(reported_on=day, category=category, time_of_day=time, geometry=Point(*where), **more)


@pytest.fixture
def known(store):
    """Mark 2024: three poor-lighting reports (two on Tuesday evening, one Saturday night), one vandalism without
    a time of day; 2023: one poor lighting, two vandalism; besides them a safe place, a report in Mölndal and
    one in 2019 (before the trend's years), which none of the counts take."""
    records = [
        place("2024-03-05", "poor_lighting"),  # a Tuesday
        place("2024-03-12", "poor_lighting"),  # a Tuesday
        place("2024-03-09", "poor_lighting", "night", NEAR_KINNA),  # a Saturday
        place("2024-06-03", "vandalism", None),  # a Monday
        place("2023-05-02", "poor_lighting"),
        place("2023-05-03", "vandalism"),
        place("2023-05-04", "vandalism"),
        place("2024-04-01", "poor_lighting", safety="safe"),
        place("2024-04-02", "vandalism", where=MOLNDAL_CENTRUM),
        place("2019-04-02", "vandalism"),
    ]
    store.write_batch("unsafe_places", frame(*records))
    store.write_batch(
        "operations",
        frame(
            operation(starts_at="2024-05-10 18:00", ends_at="2024-05-10 22:00"),
            operation(starts_at="2024-05-20 18:00", ends_at="2024-05-20 22:00", kind="presence_patrol"),
            operation(starts_at="2024-09-01 18:00", ends_at="2024-09-01 22:00", kind="presence_patrol"),
        ),
    )
    utc = dt.UTC
    events = [
        PoliceEvent(
            1, dt.datetime(2024, 1, 15, 12, tzinfo=utc), "t1", "Stöld", "s", "https://polisen.se/1", "Mark", "1463"
        ),
        PoliceEvent(
            2, dt.datetime(2024, 1, 20, 12, tzinfo=utc), "t2", "Stöld", "s", "https://polisen.se/2", "Mark", "1463"
        ),
        PoliceEvent(
            3, dt.datetime(2024, 2, 1, 12, tzinfo=utc), "t3", "Brand", "s", "https://polisen.se/3", "Mark", "1463"
        ),
        PoliceEvent(
            4, dt.datetime(2023, 2, 1, 12, tzinfo=utc), "t4", "Brand", "s", "https://polisen.se/4", "Mark", "1463"
        ),
    ]
    store.write_police_events(events)
    survey = gpd.GeoDataFrame(
        {
            "municipality_code": ["1463", "1463", "1463"],
            "area_id": ["kinna", "kinna", "kinna"],
            "area_name": ["Kinna", "Kinna", "Kinna"],
            "year": [2018, 2022, 2024],
            "indicator": ["Problemindex"] * 3,
            "value": [3.1, 2.6, 2.2],
            "source": ["Trygghetsmätning"] * 3,
        },
        geometry=[None, None, None],
        crs=3006,
    )
    store.write_survey_results(survey)
    return store


def test_the_kartlaggning_counts_the_municipalitys_unsafe_places_of_the_year(known):
    k = kartlaggning(known, "1463", 2024, permutations=99)
    assert (k.municipality_name, k.reports, k.few_reports) == ("Mark", 4, True)
    assert [(c.category, c.count, c.share, c.before[2023], c.change) for c in k.categories] == [
        ("poor_lighting", 3, 0.75, 1, 2),
        ("vandalism", 1, 0.25, 2, -1),
    ]
    assert k.trend == {2020: 0, 2021: 0, 2022: 0, 2023: 3, 2024: 4}
    # Monday: the vandalism without a time; Tuesday: two evenings; Saturday: one night.
    columns = k.times_of_day
    assert columns == (*TIMES_OF_DAY, NOT_STATED)
    assert k.week[0][columns.index(NOT_STATED)] == 1
    assert k.week[1][columns.index("evening")] == 2
    assert k.week[5][columns.index("night")] == 1
    assert sum(map(sum, k.week)) == 4
    # The places: the hexagon at Kinna with three reports first (the vandalism too is there), then the other.
    assert [p.count for p in k.places] == [3, 1]
    assert abs(k.places[0].lon - KINNA[0]) < 0.01 and abs(k.places[0].lat - KINNA[1]) < 0.01
    assert [(m.month, m.total) for m in k.police_events] == [("2024-01", 2), ("2024-02", 1)]
    assert k.police_events[0].top_types == (("Stöld", 2),)
    assert k.operations.to_dict("records") == [
        {"month": "2024-05", "kind": "presence_patrol", "count": 1},
        {"month": "2024-05", "kind": "targeted_drug_operation", "count": 1},
        {"month": "2024-09", "kind": "presence_patrol", "count": 1},
    ]
    # Survey results of this year and the four before, not 2018.
    assert k.survey[["year", "value"]].values.tolist() == [[2022, 2.6], [2024, 2.2]]


def test_the_kartlaggning_of_a_year_without_reports_is_empty_not_an_error(known):
    k = kartlaggning(known, "1463", 2026, permutations=99)
    assert (k.reports, k.places, k.police_events) == (0, [], [])
    # The categories reported in the years before stay, at none this year, so their fall shows.
    assert [(c.category, c.count, c.change) for c in k.categories] == [("poor_lighting", 0, 0), ("vandalism", 0, 0)]
    assert k.trend[2024] == 4 and k.trend[2026] == 0


def test_municipalities_come_from_the_pledges_and_years_reach_back_to_the_first_report(known):
    assert situation_municipalities(known) == [("1463", "Mark")]
    years = situation_years(known, "1463", dt.date(2026, 12, 1))
    assert years[0] == 2026 and years[-1] == 2019


def report(**changes) -> SituationReport:
    values = dict(
        municipality_code="1463",
        year=2024,
        analysis="Otryggheten vid Kinna centrum hänger ihop med dålig belysning.",
        problems=(
            PriorityProblem("p1", "Dålig belysning på gångvägar i Kinna", ("poor_lighting",), "Kinna centrum"),
            PriorityProblem("p2", "Skadegörelse vid skolan", ("vandalism",)),
        ),
        measures=(
            Measure("Byta belysning längs gångvägen", "kommunen", "p1", "2025-T1"),
            Measure("Ökad polisiär närvaro vid skolan kvällstid", "polisen", "p2", "2025"),
        ),
    )
    values.update(changes)
    return SituationReport(**values)


def test_a_saved_report_keeps_every_version_and_refuses_a_stale_one(store):
    police = GuardedStore(store, Viewer("police", "pia"))
    first = save_situation_report(police, report(), 0)
    assert (first.version, first.saved_by) == (1, "pia")
    second = save_situation_report(police, report(analysis="Ny analys."), 1)
    with pytest.raises(VersionConflictError):
        save_situation_report(GuardedStore(store, Viewer("municipality", "kim")), report(analysis="Min"), 1)
    versions = situation_versions(police, "1463", 2024)
    assert [(v.version, v.analysis) for v in versions] == [(1, report().analysis), (2, "Ny analys.")]
    assert versions[0].problems == report().problems and versions[1].measures == report().measures
    latest = latest_situation(police, "1463", 2024)
    assert (latest.version, latest.analysis, latest.saved_by) == (second.version, "Ny analys.", "pia")
    assert latest_situation(police, "1463", 2025).version == 0
    # Only the written sections, the municipality and the year are stored: no figure of the kartläggning.
    [stored, _] = store.read_documents(KIND, "1463/2024")
    assert set(stored.content) == {"municipality_code", "year", "analysis", "problems", "measures"}


@pytest.mark.parametrize(
    "changes, field, code",
    [
        (dict(problems=(PriorityProblem("p1", "  "),), measures=()), "problems[0].text", "missing"),
        (
            dict(problems=(PriorityProblem("p1", "Klotter", ("graffitti",)),), measures=()),
            "problems[0].categories",
            "not_allowed",
        ),
        (
            dict(problems=(PriorityProblem("p1", "a"), PriorityProblem("p1", "b")), measures=()),
            "problems[1].id",
            "repeated_id",
        ),
        (dict(measures=(Measure("Byta lampor", "", None),)), "measures[0].responsible", "missing"),
        (dict(measures=(Measure("Byta lampor", "kommunen", "p9"),)), "measures[0].problem", "unknown_problem"),
        (dict(measures=(Measure("x" * 2001, "kommunen"),)), "measures[0].text", "too_long"),
        (dict(analysis="Tabb\tgår bra men inte \x07"), "analysis", "control_characters"),
        (dict(year=1899), "year", "not_year"),
    ],
)
def test_a_bad_section_is_named_and_nothing_is_stored(store, changes, field, code):
    with pytest.raises(ValidationError) as caught:
        save_situation_report(store, report(**changes), 0)
    assert [(p.field, p.code) for p in caught.value.problems] == [(field, code)]
    section = field.split("[")[0] if "[" in field else "report" if field in ("year", "municipality_code") else field
    assert caught.value.problems[0].params["section"] == section
    assert store.read_documents(KIND) == []


def test_content_with_unknown_keys_and_wrong_types_names_each():
    with pytest.raises(ValidationError) as caught:
        SituationReport.from_content(
            {"municipality_code": "Mark", "year": 2024, "analysis": 3, "problems": "p1", "measures": [{"txt": "x"}]}
        )
    assert [(p.field, p.code) for p in caught.value.problems] == [
        ("municipality_code", "not_kommun"),
        ("analysis", "not_text"),
        ("problems", "not_list"),
        ("measures[0].txt", "unknown_key"),
        ("measures[0].text", "missing"),
        ("measures[0].responsible", "missing"),
    ]


@pytest.mark.parametrize("viewer", [PUBLIC_VIEWER, Viewer("housing_company", "h", "MBAB")])
def test_the_public_and_a_housing_company_may_neither_read_nor_save_a_report(store, viewer):
    save_situation_report(store, report(), 0)
    guarded = GuardedStore(store, viewer)
    with pytest.raises(AccessError):
        situation_versions(guarded, "1463", 2024)
    with pytest.raises(AccessError):
        save_situation_report(guarded, report(), 1)
    assert len(store.read_documents(KIND)) == 1
    assert PAGE_ROLES["situation"] == DOCUMENT_ROLES


def test_the_kartlaggning_counts_only_the_operations_the_caller_may_read(known):
    # The three operations are the police's internal ones: a municipality reads the reports, not those.
    municipality = kartlaggning(GuardedStore(known, Viewer("municipality", "kim")), "1463", 2024, permutations=99)
    police = kartlaggning(GuardedStore(known, Viewer("police", "pia")), "1463", 2024, permutations=99)
    assert municipality.reports == police.reports == 4
    assert len(municipality.operations) == 0 and int(police.operations["count"].sum()) == 3


def test_next_years_promises_are_drafted_from_the_plan_in_priority_order():
    pledge = pledge_from_dict(pledge_dict())
    plan = report(
        problems=(
            PriorityProblem("p1", "Skadegörelse vid skolan"),
            PriorityProblem("p2", "Dålig belysning"),
            PriorityProblem("p3", "Otrygghet vid torget"),
        ),
        measures=(
            Measure("Inventering av belysning längs gångvägar", "Marks kommun", "p2"),
            Measure("Skolbesök om skadegörelse", "Lokalpolisområde Borås", "p1"),
            Measure("Skolbesök om skadegörelse", "någon annan", None),
        ),
    )
    drafts = draft_promises_from_situation(plan, "test-2025", pledge.partners)
    assert [(d["text"], d["parties"], d["kind"]) for d in drafts] == [
        ("Skolbesök om skadegörelse", ["polisen"], "school_prevention"),
        ("Inventering av belysning längs gångvägar", ["kommunen"], "place_inventory"),
        ("Skolbesök om skadegörelse", [], "school_prevention"),
        ("Otrygghet vid torget", [], "other"),
    ]
    assert [d["id"] for d in drafts][:3] == [
        "test-2025-skolbesok-om-skadegorelse",
        "test-2025-inventering-av-belysning-langs",
        "test-2025-skolbesok-om-skadegorelse-2",
    ]
    # A pledge draft takes them once its people fill in the parties left empty.
    filled = [{**d, "parties": d["parties"] or ["kommunen"]} for d in drafts]
    promises = pledge_from_dict(pledge_dict(id="test-2025", promises=filled)).promises
    assert [p.id for p in promises] == [d["id"] for d in drafts]
