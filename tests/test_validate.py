"""Validation of layer records: each bad input gets an error naming the record, the field and what was expected."""

from __future__ import annotations

import datetime as dt

import pytest
from shapely.geometry import LineString, Point, Polygon

from geodata.errors import ValidationError
from geodata.layers import INVENTORIED_SITES, OPERATIONS, UNSAFE_PLACES
from geodata.validate import validate_records

from builders import KINNA, OSLO, frame, operation, site, unsafe_place

LINKS = {"test-2024", "test-2024-insatser", "test-2024-inventering"}


def only_problem(layer, *records, crs=4326):
    with pytest.raises(ValidationError) as info:
        validate_records(layer, frame(*records, crs=crs), LINKS)
    problems = info.value.problems
    assert len(problems) == 1, problems
    return problems[0]


def test_valid_records_are_coerced_and_projected():
    batch = validate_records(OPERATIONS, frame(operation()), LINKS)
    row = batch.rows[0]
    # 18:00 Swedish summer time is 16:00 UTC.
    assert row["starts_at"] == dt.datetime(2024, 5, 10, 16, 0, tzinfo=dt.UTC)
    assert row["persons_checked"] == 12
    minx, miny, _, _ = batch.geometries[0].bounds
    assert 360_000 < minx < 362_000 and 6_374_000 < miny < 6_377_000  # SWEREF 99 TM around Kinna


def test_sweref_input_is_accepted_as_is():
    batch = validate_records(UNSAFE_PLACES, frame(unsafe_place(geometry=Point(361845, 6376282)), crs=3006), LINKS)
    assert batch.geometries[0].equals(Point(361845, 6376282))


@pytest.mark.parametrize(
    "geometry, expected",
    [
        (Polygon([(12.69, 57.50), (12.70, 57.51), (12.70, 57.50), (12.69, 57.51)]), "is invalid (Self-intersection"),
        (Point(), "is empty; expected a point or polygon"),
        (None, "is missing; expected a point or polygon"),
        (LineString([KINNA, (12.70, 57.51)]), "is a LineString; expected one of: Point, Polygon, MultiPolygon"),
        (Point(*OSLO), "lies outside Sweden (first coordinate 10.7522, 59.9139 in EPSG:4326)"),
        (
            Point(KINNA[1], KINNA[0]),
            "coordinates (57.508, 12.694) look swapped: latitude and longitude are in the wrong order",
        ),
    ],
)
def test_bad_geometries(geometry, expected):
    problem = only_problem(UNSAFE_PLACES, unsafe_place(geometry=geometry))
    assert problem.record == "unsafe_places record 1"
    assert problem.field == "geometry"
    assert expected in problem.message


def test_swapped_north_and_east_in_sweref():
    problem = only_problem(UNSAFE_PLACES, unsafe_place(geometry=Point(6376282, 361845)), crs=3006)
    assert "look swapped: north and east are in the wrong order; expected east (E) first" in problem.message


def test_unknown_category_names_record_field_and_choices():
    problem = only_problem(UNSAFE_PLACES, unsafe_place(), unsafe_place(category="langning", source_id="enkät-17"))
    assert problem.record == "unsafe_places record 2 (source_id enkät-17)"
    assert problem.field == "category"
    assert problem.message.startswith("'langning' is not allowed; expected one of: drug_dealing, drug_use")


def test_unknown_status():
    problem = only_problem(INVENTORIED_SITES, site(status="klar"))
    assert (problem.field, problem.message.split(";")[0]) == ("status", "'klar' is not allowed")


def test_end_before_start():
    problem = only_problem(OPERATIONS, operation(starts_at="2024-05-10 18:00", ends_at="2024-05-10 17:00"))
    assert problem.field == "ends_at"
    assert "ends 2024-05-10 17:00 before it starts 2024-05-10 18:00 (Swedish time)" in problem.message


def test_link_to_a_promise_that_does_not_exist():
    problem = only_problem(OPERATIONS, operation(promise_id="test-2024-finns-inte"))
    assert problem.field == "promise_id"
    assert problem.message.startswith("links to promise 'test-2024-finns-inte', which does not exist")


def test_link_to_a_pledge_that_does_not_exist():
    problem = only_problem(UNSAFE_PLACES, unsafe_place(pledge_id="mark-1999"))
    assert problem.field == "pledge_id"


def test_workflow_dates_follow_the_status():
    problem = only_problem(INVENTORIED_SITES, site(due_on=None))
    assert (problem.field, problem.message) == (
        "due_on",
        "is missing for status 'action_planned'; expected the date the measure is due",
    )
    problem = only_problem(INVENTORIED_SITES, site(status="inspected", inspected_on=None, due_on=None))
    assert problem.field == "inspected_on"


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("report_count", 0, "is 0; expected at least 1"),
        ("report_count", 1.5, "expected a whole number, got 1.5"),
        ("reported_on", "5 mars", "expected a date (YYYY-MM-DD), got '5 mars'"),
        ("reported_on", None, "is missing; expected a date (YYYY-MM-DD)"),
        ("description", "x" * 2001, "is 2001 characters long; expected at most 2000"),
    ],
)
def test_field_values(field, value, expected):
    problem = only_problem(UNSAFE_PLACES, unsafe_place(**{field: value}))
    assert (problem.field, problem.message) == (field, expected)


def test_a_batch_without_crs_or_with_unknown_columns_is_refused():
    with pytest.raises(ValidationError, match="has no coordinate reference system"):
        validate_records(UNSAFE_PLACES, frame(unsafe_place(), crs=None), LINKS)
    problem = only_problem(UNSAFE_PLACES, unsafe_place(farlighet="hög"))
    assert (problem.record, problem.field) == ("unsafe_places batch", "farlighet")


def test_every_problem_of_a_batch_is_listed_in_record_order():
    with pytest.raises(ValidationError) as info:
        validate_records(
            UNSAFE_PLACES,
            frame(unsafe_place(geometry=Point(*OSLO)), unsafe_place(category="x"), unsafe_place(source="rykte")),
            LINKS,
        )
    assert [(p.record[-1], p.field) for p in info.value.problems] == [
        ("1", "geometry"),
        ("2", "category"),
        ("3", "source"),
    ]
    assert str(info.value).startswith("3 problems found; nothing was written:")
