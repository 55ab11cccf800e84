"""The public aggregation: hexagon maths, suppression below the minimum count, bands, weights, fixed periods, what
never leaves."""

from __future__ import annotations

import datetime as dt
import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import Point

from geodata.errors import ValidationError
from geodata.views.disclosure import Band
from geodata.views.public import (
    AREA_HEX_M,
    MIN_COUNT,
    PLACE_HEX_M,
    PRESENT_HEX_M,
    HexGrid,
    operation_counts,
    public_view,
    site_counts,
    unsafe_place_hexagons,
)

from builders import KINNA, frame, operation, site, unsafe_place

TO_SWEREF = Transformer.from_crs(4326, 3006, always_xy=True)
PLACES = HexGrid(PLACE_HEX_M)
AREAS = HexGrid(AREA_HEX_M)
KINNA_CELL = PLACES.cell(*TO_SWEREF.transform(*KINNA))


def near_centre(grid: HexGrid, cell: tuple[int, int], dx: float = 0.0, dy: float = 0.0) -> Point:
    """A point ``dx``, ``dy`` metres from the centre of ``cell``: well inside it for small offsets."""
    x, y = grid.centre(*cell)
    return Point(x + dx, y + dy)


def neighbour(cell: tuple[int, int], steps: int) -> tuple[int, int]:
    return cell[0] + steps, cell[1]


PLEDGE = "test-2024"  # the store fixture's pledge, 2024-01-01 to 2024-12-31


def no_figure_of_what_was_left_out(counted) -> None:
    """A public layer holds its size, its minimum and its shown cells: nothing that counts what was left out."""
    assert set(vars(counted)) == {"size_m", "min_count", "cells"}


# --- the grid ---------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(x=st.floats(200_000, 950_000), y=st.floats(6_100_000, 7_700_000), size=st.sampled_from([50.0, 250.0, 2000.0]))
def test_every_point_lies_in_the_hexagon_it_is_counted_in_and_nearest_its_centre(x, y, size):
    grid = HexGrid(size)
    q, r = grid.cell(x, y)
    assert grid.polygon(q, r).buffer(1e-6 * size).contains(Point(x, y))
    cx, cy = grid.centre(q, r)
    own = math.hypot(x - cx, y - cy)
    for dq, dr in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, -1), (-1, 1)):
        nx, ny = grid.centre(q + dq, r + dr)
        assert own <= math.hypot(x - nx, y - ny) + 1e-6 * size


def test_hexagons_tile_the_plane_without_gaps_or_overlaps():
    grid = HexGrid(100.0)
    cells = [(q, r) for q in range(-3, 4) for r in range(-3, 4)]
    union = shapely.union_all([grid.polygon(*c) for c in cells])
    assert union.area == pytest.approx(len(cells) * 1.5 * math.sqrt(3) * 100.0**2)


def test_the_grid_is_anchored_at_the_crs_origin_not_at_the_data():
    one = unsafe_place_hexagons(
        gpd.GeoDataFrame({"report_count": [5]}, geometry=[near_centre(PLACES, KINNA_CELL)], crs=3006)
    )
    two = unsafe_place_hexagons(
        gpd.GeoDataFrame(
            {"report_count": [5, 5]}, geometry=[near_centre(PLACES, KINNA_CELL), near_centre(PLACES, (0, 0))], crs=3006
        )
    )
    assert one.cells[0].polygon.equals(next(c for c in two.cells if (c.q, c.r) == KINNA_CELL).polygon)


def test_a_size_that_is_not_a_positive_length_is_refused():
    for size in (0, -5, float("nan")):
        with pytest.raises(ValueError, match="size_m"):
            HexGrid(size)


# --- unsafe places ----------------------------------------------------------------------------------------


def test_a_cell_with_four_reports_is_suppressed_and_one_with_five_is_shown(store):
    four_cell, five_cell = KINNA_CELL, neighbour(KINNA_CELL, 3)
    store.write_batch(
        "unsafe_places",
        frame(
            # 4 reports: two records of 2
            unsafe_place(report_count=2, pledge_id="test-2024", geometry=near_centre(PLACES, four_cell, 10, 0)),
            unsafe_place(report_count=2, pledge_id="test-2024", geometry=near_centre(PLACES, four_cell, -30, 20)),
            # 5 reports: 3 + 1 + 1
            unsafe_place(report_count=3, pledge_id="test-2024", geometry=near_centre(PLACES, five_cell)),
            unsafe_place(report_count=1, pledge_id="test-2024", geometry=near_centre(PLACES, five_cell, 50, 50)),
            unsafe_place(report_count=1, pledge_id="test-2024", geometry=near_centre(PLACES, five_cell, -60, -40)),
            crs=3006,
        ),
    )

    view = public_view(store, PLEDGE)

    places = view.unsafe_places
    assert [(c.q, c.r, c.band) for c in places.cells] == [(*five_cell, Band(5, 9))]
    assert places.shown == Band(5, 9)
    assert places.min_count == MIN_COUNT == 5
    assert places.cells[0].polygon.contains(near_centre(PLACES, five_cell))
    # The cell of four is left out with no figure of how many reports it held, nor of how many cells were left out.
    no_figure_of_what_was_left_out(places)
    assert view.period is not None and view.period.key == "all"
    for key in ("2024-Q1", "2024-03"):  # the month the reports were made in, and its quarter: the same
        assert [(c.q, c.r, c.band) for c in public_view(store, PLEDGE, key).unsafe_places.cells] == [
            (*five_cell, Band(5, 9))
        ]


def test_a_lower_minimum_shows_the_smaller_cell_too():
    records = gpd.GeoDataFrame(
        {"report_count": [2, 2, 5]},
        crs=3006,
        geometry=[
            near_centre(PLACES, KINNA_CELL),
            near_centre(PLACES, KINNA_CELL, 20, 20),
            near_centre(PLACES, neighbour(KINNA_CELL, 1)),
        ],
    )
    assert [c.count for c in unsafe_place_hexagons(records, min_count=4).cells] == [4, 5]
    assert [c.count for c in unsafe_place_hexagons(records, min_count=6).cells] == []
    assert unsafe_place_hexagons(records, min_count=6).suppressed_reports == 9


def test_records_without_a_report_count_count_once():
    records = gpd.GeoDataFrame(
        {"report_count": [None, None, 3]}, crs=3006, geometry=[near_centre(PLACES, KINNA_CELL)] * 3
    )
    assert unsafe_place_hexagons(records).cells[0].count == 5
    no_column = gpd.GeoDataFrame(geometry=[near_centre(PLACES, KINNA_CELL)] * 5, crs=3006)
    assert unsafe_place_hexagons(no_column).cells[0].count == 5


def test_an_area_counts_in_the_cell_of_a_point_inside_it():
    # A thin L-shaped area whose centroid lies outside it, in another cell: it must count where it is.
    cx, cy = PLACES.centre(*KINNA_CELL)
    shape = shapely.Polygon(
        [
            (cx - 100, cy - 100),
            (cx + 900, cy - 100),
            (cx + 900, cy - 90),
            (cx - 90, cy - 90),
            (cx - 90, cy + 900),
            (cx - 100, cy + 900),
        ]
    )
    records = gpd.GeoDataFrame({"report_count": [5]}, geometry=[shape], crs=3006)
    cell = unsafe_place_hexagons(records).cells[0]
    assert cell.polygon.intersects(shape)


def test_nothing_but_counts_and_hexagons_leaves(store):
    secret = "Mörk gångväg bakom Storgatan 4 <script>alert(1)</script>"
    store.write_batch(
        "unsafe_places",
        frame(
            *(
                unsafe_place(
                    description=secret,
                    report_count=1,
                    pledge_id=PLEDGE,
                    geometry=near_centre(PLACES, KINNA_CELL, i, i),
                )
                for i in range(6)
            ),
            crs=3006,
        ),
    )
    result = public_view(store, PLEDGE).unsafe_places
    assert [c.band for c in result.cells] == [Band(5, 9)]
    assert set(vars(result.cells[0])) == {"q", "r", "polygon", "band"}
    assert "Storgatan" not in repr(result) and "gångväg" not in repr(result)


def test_a_report_count_below_one_is_refused_naming_the_record():
    records = gpd.GeoDataFrame(
        {"id": ["a", "b"], "report_count": [1, 0]}, crs=3006, geometry=[near_centre(PLACES, KINNA_CELL)] * 2
    )
    with pytest.raises(ValidationError, match=r"unsafe_places record b, field 'report_count'.*at least 1"):
        unsafe_place_hexagons(records)


def test_a_minimum_below_one_is_refused():
    empty = gpd.GeoDataFrame(geometry=[], crs=3006)
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="min_count"):
            unsafe_place_hexagons(empty, min_count=bad)


def test_records_in_another_crs_are_refused():
    with pytest.raises(ValueError, match="EPSG:3006"):
        unsafe_place_hexagons(gpd.GeoDataFrame(geometry=[Point(*KINNA)], crs=4326))


# --- operations -------------------------------------------------------------------------------------------

AREA_CELL = AREAS.cell(*TO_SWEREF.transform(*KINNA))


def _operations(kind: str, starts: list[str], at, **fields) -> list[dict]:
    """Public operations of ``kind`` starting at each of ``starts`` (UTC), an hour long, at ``at``."""
    return [
        operation(
            kind=kind,
            visibility="public",
            starts_at=start,
            ends_at=(dt.datetime.fromisoformat(start.replace("Z", "+00:00")) + dt.timedelta(hours=1)).isoformat(),
            geometry=at,
            **fields,
        )
        for start in starts
    ]


def test_operations_are_counted_per_area_and_swedish_calendar_month(store):
    at = near_centre(AREAS, AREA_CELL)
    store.write_batch(
        "operations",
        frame(
            # 31 March 23:30 in Stockholm is 21:30 UTC: March (five school visits at 21:00 to 21:40 UTC).
            *_operations("school_visit", [f"2024-03-31T21:{10 * i:02d}:00Z" for i in range(5)], at),
            # 1 April 00:30 in Stockholm is 22:30 UTC on 31 March: April (five more, counted in UTC's March they
            # would make March 10–14 and April no school visits).
            *_operations("school_visit", [f"2024-03-31T22:{10 * i:02d}:00Z" for i in range(5)], at),
            *_operations("presence_patrol", [f"2024-04-{20 + i}T18:00:00Z" for i in range(5)], at.buffer(150)),
            # One patrol in March: under the minimum there, counted in the whole period's patrols.
            *_operations("presence_patrol", ["2024-03-10T18:00:00Z"], at),
            crs=3006,
        ),
    )

    def kinds(period: str | None) -> list[tuple[int, int, tuple]]:
        return [(c.q, c.r, c.kinds) for c in public_view(store, PLEDGE, period).operations.cells]

    assert kinds("2024-03") == [(*AREA_CELL, (("school_visit", Band(5, 9)),))]
    assert kinds("2024-04") == [(*AREA_CELL, (("presence_patrol", Band(5, 9)), ("school_visit", Band(5, 9))))]
    assert kinds("all") == [(*AREA_CELL, (("presence_patrol", Band(5, 9)), ("school_visit", Band(10, 14))))]
    assert kinds("2024-05") == []
    result = public_view(store, PLEDGE).operations
    assert result.shown == Band(15, 23) and result.min_count == MIN_COUNT
    no_figure_of_what_was_left_out(result)
    # The exact counter beneath it still counts by Swedish calendar month, every kind and month.
    exact = operation_counts(store.read_layer("operations"))
    assert [(r.month, r.kind, r.count) for r in exact.rows] == [
        ("2024-03", "presence_patrol", 1),
        ("2024-03", "school_visit", 5),
        ("2024-04", "presence_patrol", 5),
        ("2024-04", "school_visit", 5),
    ]
    assert {(r.q, r.r) for r in exact.rows} == {AREA_CELL}


def test_internal_operations_are_never_counted(store):
    at = near_centre(AREAS, AREA_CELL)
    store.write_batch(
        "operations",
        frame(
            operation(visibility="internal", title="Riktad insats vid Storgatan 4", geometry=at),
            # Enough internal ones of their own kind to be shown, and of the public kind to move its band.
            *(operation(visibility="internal", geometry=at) for _ in range(5)),
            *(operation(kind="school_visit", visibility="internal", geometry=at) for _ in range(5)),
            *(
                operation(
                    kind="school_visit",
                    visibility="public",
                    title="Skolbesök Kinnaskolan",
                    geometry=at,
                )
                for _ in range(5)
            ),
            crs=3006,
        ),
    )
    result = public_view(store, PLEDGE).operations
    assert [c.kinds for c in result.cells] == [(("school_visit", Band(5, 9)),)]
    # Never read: not even how many there were reaches the public view.
    no_figure_of_what_was_left_out(result)
    assert operation_counts(store.read_layer("operations")).internal_left_out == 11  # and never counted if given
    assert "Storgatan" not in repr(result) and "Kinnaskolan" not in repr(result)
    assert set(vars(result.cells[0])) == {"q", "r", "polygon", "kinds"}


def test_the_presentation_grid_keeps_the_minimum_count(store):
    """The coarser presentation grid (/present) drops its cells below MIN_COUNT like the fine one, whoever asks."""
    from geodata.views.standalone import standalone_view

    grid = HexGrid(PRESENT_HEX_M)
    cell = grid.cell(*TO_SWEREF.transform(*KINNA))
    lonely = neighbour(cell, 3)
    store.write_batch(
        "unsafe_places",
        frame(
            # 6 reports on six fine cells of one presentation cell (each fine cell below the minimum on its own)
            *(
                unsafe_place(report_count=1, pledge_id="test-2024", geometry=near_centre(grid, cell, 500 * i - 1250, 0))
                for i in range(6)
            ),
            # 4 reports in another presentation cell: below the minimum there too
            *(
                unsafe_place(report_count=1, pledge_id="test-2024", geometry=near_centre(grid, lonely, 30 * i, 0))
                for i in range(4)
            ),
            crs=3006,
        ),
    )
    view = standalone_view(store, "test-2024", public=True, presentation=True).counts
    assert view is not None
    places = view.unsafe_places
    assert places.size_m == PRESENT_HEX_M > AREA_HEX_M and view.sites.size_m == PRESENT_HEX_M
    assert [(c.q, c.r, c.band) for c in places.cells] == [(*cell, Band(5, 9))]
    assert places.min_count == MIN_COUNT
    no_figure_of_what_was_left_out(places)  # the lonely cell's four reports: not even that they were there
    fine = standalone_view(store, "test-2024", public=True).counts
    assert fine is not None and fine.unsafe_places.cells == () and fine.unsafe_places.size_m == PLACE_HEX_M


def test_an_area_is_coarser_than_a_place_cell():
    assert AREAS.polygon(0, 0).area > 50 * PLACES.polygon(0, 0).area


# --- inventoried sites ------------------------------------------------------------------------------------


def test_sites_are_counted_per_area_without_owner_address_or_designation(store):
    here, there = AREA_CELL, neighbour(AREA_CELL, 2)
    # Ten sites here: one not yet inspected, nine inspected in April, five of them fixed or verified.
    statuses = ("flagged", "inspected", "action_planned", "action_planned", "action_planned")
    statuses += ("fixed", "fixed", "fixed", "verified", "verified")
    store.write_batch(
        "inventoried_sites",
        frame(
            *(
                site(
                    status=s,
                    inspected_on=None if s == "flagged" else "2024-04-01",
                    due_on="2024-06-01" if s == "action_planned" else None,
                    geometry=near_centre(AREAS, here, 10 * i, 0),
                )
                for i, s in enumerate(statuses)
            ),
            *(site(status="fixed", geometry=near_centre(AREAS, there, 10 * i, 0)) for i in range(4)),
            crs=3006,
        ),
    )

    result = public_view(store, PLEDGE).sites

    assert [(c.q, c.r, c.sites, c.inspected, c.fixed) for c in result.cells] == [
        (*here, Band(10, 14), Band(5, 9), Band(5, 9))
    ]
    assert result.shown == Band(10, 14)
    no_figure_of_what_was_left_out(result)  # the four sites there: left out, and not counted anywhere
    # April counts the nine inspected then; the one not yet inspected counts in the whole period only.
    april = public_view(store, PLEDGE, "2024-04").sites
    assert [(c.q, c.r, c.sites, c.inspected, c.fixed) for c in april.cells] == [
        (*here, Band(5, 9), Band(5, 9), Band(5, 9))
    ]
    assert public_view(store, PLEDGE, "2024-03").sites.cells == ()
    # The exact counter beneath it is unchanged.
    exact = site_counts(store.read_layer("inventoried_sites"))
    assert [(c.q, c.r, c.sites, c.inspected, c.fixed) for c in exact.cells] == [(*here, 10, 9, 5)]
    assert (exact.shown_sites, exact.suppressed_sites) == (10, 4)
    text = repr(result) + repr(april)
    assert "Marks Bostads AB" not in text and "Storgatan" not in text and "Kinna 1:1" not in text


def test_site_counts_need_a_status_column():
    with pytest.raises(ValidationError, match="inventoried_sites records, field 'status'"):
        site_counts(gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=3006))


def test_operation_counts_need_a_visibility_column():
    records = gpd.GeoDataFrame(
        {"starts_at": [dt.datetime(2024, 1, 1)], "kind": ["school_visit"]}, geometry=[Point(0, 0)], crs=3006
    )
    with pytest.raises(ValidationError, match="field 'visibility'"):
        operation_counts(records)


# --- the view as a whole ----------------------------------------------------------------------------------


def test_the_view_says_when_it_shows_demo_data(store):
    assert public_view(store, PLEDGE).demo is False
    store.write_batch("unsafe_places", frame(unsafe_place(demo=True, pledge_id=PLEDGE)))
    view = public_view(store, PLEDGE)
    assert view.demo is True and view.unsafe_places.cells == ()  # demo data, though too few reports to show


def test_a_fixed_period_narrows_what_is_aggregated(store):
    store.write_batch(
        "unsafe_places",
        frame(
            *(
                unsafe_place(
                    reported_on="2024-03-05",
                    report_count=1,
                    pledge_id=PLEDGE,
                    geometry=near_centre(PLACES, KINNA_CELL, i, 0),
                )
                for i in range(5)
            ),
            *(
                unsafe_place(
                    reported_on="2024-09-05",
                    report_count=1,
                    pledge_id=PLEDGE,
                    geometry=near_centre(PLACES, KINNA_CELL, i, 5),
                )
                for i in range(5)
            ),
            crs=3006,
        ),
    )

    def bands(period: str | None) -> list[Band]:
        return [c.band for c in public_view(store, PLEDGE, period).unsafe_places.cells]

    assert bands(None) == bands("all") == [Band(10, 14)]
    # March and its quarter count March's five reports, not September's.
    assert bands("2024-03") == bands("2024-Q1") == [Band(5, 9)]
    assert bands("2024-09") == bands("2024-Q3") == [Band(5, 9)]
    assert bands("2024-04") == bands("2024-Q2") == bands("2024-12") == []
    march = public_view(store, PLEDGE, "2024-03")
    assert march.period is not None and (march.period.start, march.period.end) == (
        dt.date(2024, 3, 1),
        dt.date(2024, 3, 31),
    )
    assert np.isclose(march.unsafe_places.cells[0].polygon.area, PLACES.polygon(0, 0).area)
    # A window of the client's own is not one of the pledge's periods.
    for key in ("2024-01-01/2024-06-30", "2025-03", "2024-Q5"):
        with pytest.raises(ValidationError, match="is not one of the pledge's periods"):
            public_view(store, PLEDGE, key)
