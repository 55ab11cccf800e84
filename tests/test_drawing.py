"""Maps draw a simplified shape of a large geometry (geodata.views.drawing); the store keeps every vertex."""

from __future__ import annotations

import json
import time

import shapely

from dashboard.ids import Overview
from dashboard.settings import Settings
from dashboard.standalone import build_standalone_map
from geodata.store.base import LayerQuery
from geodata.views.drawing import RECORD_VERTICES, drawn_shape, drawn_shapes, vertex_count

from builders import frame, many_vertex_polygon, operation
from dash_http import call_overview_map, make_client, overview_map_inputs

# What one map update may take (issue 19's targets): one record must never make an answer larger.
UPDATE_BUDGET_BYTES = 300_000


def _store_with_large_area(gpkg_store, vertices: int = 500_000) -> str:
    [record_id] = gpkg_store.write_batch(
        "operations", frame(operation(geometry=many_vertex_polygon(vertices), visibility="public"), crs=3006)
    )
    return record_id


def test_a_500_000_vertex_polygon_gives_a_map_answer_within_the_update_budget(gpkg_store):
    record_id = _store_with_large_area(gpkg_store)
    client = make_client(Settings(data=gpkg_store.path, tiles_url=None))
    inputs = overview_map_inputs("test-2024", layers=["operations"])
    for _ in range(2):  # the second answer draws the cached shape
        begun = time.perf_counter()
        answer = call_overview_map(client, inputs)
        seconds = time.perf_counter() - begun
    size = len(json.dumps(answer))
    assert size < UPDATE_BUDGET_BYTES, f"{size} bytes"
    [area] = [
        f
        for layer in answer[Overview.map]["figure"]["layout"]["map"]["layers"]
        if layer.get("sourcetype") == "geojson"
        for f in layer["source"].get("features", [])
        if f.get("id") == record_id
    ]
    assert 4 <= vertex_count(shapely.geometry.shape(area["geometry"])) <= RECORD_VERTICES
    assert seconds < 2.0, f"the cached answer took {seconds:.2f} s"
    stored = gpkg_store.read_layer("operations", LayerQuery(ids=(record_id,))).geometry.iloc[0]
    assert vertex_count(stored) == 500_001  # the store keeps the original (a closed ring repeats its first vertex)


def test_the_standalone_map_file_draws_the_large_polygon_within_its_budget(gpkg_store):
    _store_with_large_area(gpkg_store)
    small = len(build_standalone_map(gpkg_store, "test-2024"))
    gpkg_store.write_batch(
        "operations", frame(operation(geometry=many_vertex_polygon(), visibility="public"), crs=3006)
    )
    grown = len(build_standalone_map(gpkg_store, "test-2024")) - small
    # One more record of 500 000 vertices adds at most its budget's worth of coordinates (and its popup).
    assert grown < 60_000, f"{grown} bytes"


def test_a_shape_of_thousands_of_parts_or_holes_is_drawn_with_its_largest_within_budget_and_quickly():
    # 20 000 squares far apart (one larger): simplifying keeps 5 vertices each, and checking their topology takes minutes.
    squares = shapely.MultiPolygon([shapely.box(i * 10, 0, i * 10 + (5 if i == 7 else 1), 1) for i in range(20_000)])
    holed = shapely.Polygon(
        shapely.box(0, 0, 100_000, 10).exterior.coords,
        [shapely.box(i * 4 + 1, 1, i * 4 + 2, 2).exterior.coords for i in range(20_000)],
    )
    for shape in (squares, holed):
        begun = time.perf_counter()
        drawn = drawn_shape(shape, 0.5, 500)
        assert time.perf_counter() - begun < 5
        assert 4 <= vertex_count(drawn) <= 500
    assert drawn_shape(squares, 0.5, 500).covers(shapely.box(70, 0, 75, 1))


def test_small_shapes_are_drawn_as_they_are_and_large_ones_share_the_answers_budget():
    small = shapely.box(0, 0, 10, 10)
    large = [shapely.Point(i * 10_000, 0).buffer(1_000, quad_segs=5_000) for i in range(20)]
    drawn = drawn_shapes([small, *large])
    assert drawn[0] is small
    assert all(vertex_count(d) <= 400 for d in drawn[1:])  # 8 000 shared by 20


def test_simplifying_is_done_once_per_shape_and_zoom():
    polygon = many_vertex_polygon(200_000)
    begun = time.perf_counter()
    first = drawn_shape(polygon, 0.5, RECORD_VERTICES)
    cold = time.perf_counter() - begun
    begun = time.perf_counter()
    again = drawn_shape(shapely.from_wkb(shapely.to_wkb(polygon)), 0.5, RECORD_VERTICES)  # the same shape, read anew
    warm = time.perf_counter() - begun
    assert again is first
    assert warm < cold
