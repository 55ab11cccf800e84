"""Figure builders, without a browser: build the figure, decode its arrays, assert on traces and layout."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import plotly.graph_objects as go
import pytest
from shapely.geometry import Point

from dashboard.figures.map import Basemap, map_figure
from dashboard.figures.timeline import pace_dates, timeline_figure
from dashboard.i18n import number, translator
from geodata.boundaries import municipality_geojson
from geodata.grid import grid_counts
from geodata.model import pledge_from_dict
from geodata.store import LayerQuery
from geodata.views.mapview import layer_view
from geodata.views.progress import pledge_progress
from geodata.views.timeline import pledge_timeline

from builders import frame, operation, pledge_dict, unsafe_place
from figure_data import trace_values

t = translator("sv")


def figure_json(figure):
    """The figure as plain data; plotly validates it on the way, so a misspelt property fails here."""
    if isinstance(figure, dict):
        go.Figure(figure)
        return figure
    return figure.to_plotly_json()


def test_map_traces_per_category_with_hover_ids_and_boundary(gpkg_store):
    gpkg_store.write_batch(
        "unsafe_places",
        frame(
            unsafe_place(),
            unsafe_place(category="drug_dealing"),
            unsafe_place(category="drug_dealing", geometry=Point(12.70, 57.51)),
        ),
    )
    view = layer_view(gpkg_store, "unsafe_places", LayerQuery())
    boundary, bounds = municipality_geojson("1463")
    data = figure_json(map_figure({"unsafe_places": view}, boundary, t, bounds=bounds))
    records = [tr for tr in data["data"] if tr.get("meta", {}).get("role") == "records"]
    assert {tr["name"]: len(tr["ids"]) for tr in records} == {"Narkotikaförsäljning": 2, "Dålig belysning": 1}
    dealing = next(tr for tr in records if tr["name"] == "Narkotikaförsäljning")
    lats, lons = trace_values(dealing["lat"]), trace_values(dealing["lon"])
    assert sorted(round(v, 3) for v in lons) == [12.694, 12.7]
    assert all(57.4 < v < 57.6 for v in lats)
    assert dealing["customdata"][0][1] == "Narkotikaförsäljning"
    assert dealing["type"] == "scattermap"
    layout = data["layout"]
    assert layout["map"]["style"] == "white-bg"
    [line] = [la for la in layout["map"]["layers"] if la.get("type") == "line"]
    assert line["source"]["features"][0]["properties"]["code"] == "1463"
    assert 12.2 < layout["map"]["center"]["lon"] < 13.0 and 8 < layout["map"]["zoom"] < 10


def test_tiles_are_optional(gpkg_store):
    view = layer_view(gpkg_store, "operations", LayerQuery())
    boundary, _ = municipality_geojson("1463")
    plain = figure_json(map_figure({"operations": view}, boundary, t))
    tiled = figure_json(map_figure({"operations": view}, boundary, t, Basemap("https://tiles.example/{z}/{x}/{y}.png")))
    assert not [la for la in plain["layout"]["map"]["layers"] if la.get("sourcetype") == "raster"]
    [raster] = [la for la in tiled["layout"]["map"]["layers"] if la.get("sourcetype") == "raster"]
    assert raster["source"] == ["https://tiles.example/{z}/{x}/{y}.png"]
    assert raster["sourceattribution"] == "© OpenStreetMap contributors"
    assert tiled["layout"]["map"]["style"] == "white-bg"  # the style itself never needs the network


def test_above_the_threshold_the_map_gets_grid_counts_not_points(gpkg_store):
    # 60 reports in two clusters 5 km apart, 1 or 2 reports each.
    records = [unsafe_place(geometry=Point(12.69 + 0.0001 * i, 57.50), report_count=1 + i % 2) for i in range(30)]
    records += [unsafe_place(geometry=Point(12.78 + 0.0001 * i, 57.55), report_count=1) for i in range(30)]
    gpkg_store.write_batch("unsafe_places", frame(*records))
    points = layer_view(gpkg_store, "unsafe_places", LayerQuery(), zoom=10, max_points=100)
    assert points.mode == "points" and len(points.points) == 60
    grid = layer_view(gpkg_store, "unsafe_places", LayerQuery(), zoom=10, max_points=50)
    assert grid.mode == "grid" and grid.points is None and grid.total == 60
    assert sorted(grid.grid.count.tolist()) == [30, 45]  # summed report counts per 2 km cell
    assert grid.grid.cell_m == 2000
    boundary, _ = municipality_geojson("1463")
    data = figure_json(map_figure({"unsafe_places": grid}, boundary, t))
    [cells] = [tr for tr in data["data"] if tr.get("meta", {}).get("role") == "grid"]
    assert sorted(cells["text"]) == ["30 rapporter", "45 rapporter"]  # each cell's words written on the server
    assert cells["hovertemplate"] == "%{text}<extra></extra>"
    assert len(trace_values(cells["lat"])) == 2  # two markers sent, not sixty
    finer = layer_view(gpkg_store, "unsafe_places", LayerQuery(), zoom=16, max_points=50)
    assert finer.grid.cell_m == 20 and len(finer.grid) > 2
    # A cell of one report says so in the singular (plotly's own template would write "1 rapporter").
    for lang, one, two in (("sv", "1 rapport", "2 rapporter"), ("en", "1 report", "2 reports")):
        fine = figure_json(map_figure({"unsafe_places": finer}, boundary, translator(lang)))
        [cells] = [tr for tr in fine["data"] if tr.get("meta", {}).get("role") == "grid"]
        counts = dict(zip(finer.grid.count.tolist(), cells["text"]))
        assert counts[1] == one and counts[2] == two
    # Zoomed in on the first cluster: only its 30 records are in view, few enough to be points again.
    zoomed = layer_view(
        gpkg_store, "unsafe_places", LayerQuery(), zoom=14, view_bounds=(12.68, 57.49, 12.70, 57.51), max_points=50
    )
    assert zoomed.mode == "points" and len(zoomed.points) == 30 and zoomed.follows_the_view
    assert not points.follows_the_view  # all of it fits: panning needs nothing new


def test_records_deleted_after_counting_are_shown_as_what_is_left(gpkg_store, monkeypatch):
    # The count says more than max_points match, but they are gone when the extent is read (deleted in between).
    monkeypatch.setattr(gpkg_store, "count", lambda layer, query: 60)
    view = layer_view(gpkg_store, "unsafe_places", LayerQuery(), zoom=10, max_points=50)
    assert view.mode == "points" and view.total == 0 and view.points.empty and view.grid is None


def test_grid_counts_need_sweref():
    wgs = gpd.GeoDataFrame(geometry=[Point(12.7, 57.5)], crs=4326)
    with pytest.raises(ValueError, match="EPSG:3006"):
        grid_counts(wgs, 1000)


def test_timeline_rows_events_target_pace_and_today(gpkg_store):
    gpkg_store.write_batch(
        "operations", frame(operation(), operation(starts_at="2024-09-02 18:00", ends_at="2024-09-02 21:00"))
    )
    pledge = pledge_from_dict(pledge_dict())
    rows = pledge_timeline(gpkg_store, pledge)
    progress = pledge_progress(gpkg_store, pledge, dt.date(2024, 10, 1))
    data = figure_json(timeline_figure(rows, progress, t, today=dt.date(2024, 10, 1)))
    roles = [tr["meta"]["role"] for tr in data["data"]]
    assert roles.count("period") == 2
    [pace] = [tr for tr in data["data"] if tr["meta"]["role"] == "target"]
    assert len(pace["x"]) == 4 and pace["meta"]["target"] == 4
    [events] = [tr for tr in data["data"] if tr["meta"]["role"] == "events"]
    assert [x[:10] for x in map(str, events["x"])] == ["2024-05-10", "2024-09-02"]
    assert any(shape["type"] == "line" for shape in data["layout"]["shapes"])  # today
    # Each row's promise and progress above the row, from the left edge: no row labels beside the time axis.
    labels = [a for a in data["layout"]["annotations"] if a.get("name", "").startswith("row-label-")]
    assert "Riktade insatser: 2 av 4" in [a["text"] for a in labels] and len(labels) == 2
    assert all(a["xref"] == "paper" and a["x"] == 0 and a["yanchor"] == "bottom" for a in labels)
    assert data["layout"]["yaxis"]["showticklabels"] is False
    finished = figure_json(timeline_figure(rows, progress, t, today=dt.date(2026, 1, 1)))
    assert not finished["layout"].get("shapes")  # no today line far after the period
    # Months named in Swedish, one tick a month over the year's period.
    assert data["layout"]["xaxis"]["ticktext"][:5] == ["jan 2024", "feb", "mar", "apr", "maj"]
    assert len(data["layout"]["xaxis"]["tickvals"]) == 12
    english = figure_json(timeline_figure(rows, progress, translator("en"), today=dt.date(2024, 10, 1)))
    assert english["layout"]["xaxis"]["ticktext"][4] == "May"


def test_the_timeline_marks_the_follow_up_periods_with_their_names(gpkg_store):
    from geodata.followup import pledge_periods

    pledge = pledge_from_dict(pledge_dict())
    rows = pledge_timeline(gpkg_store, pledge)
    progress = pledge_progress(gpkg_store, pledge, dt.date(2026, 1, 1))
    periods = pledge_periods(pledge)  # tertials of 2024
    data = figure_json(timeline_figure(rows, progress, t, today=dt.date(2026, 1, 1), periods=periods))
    labels = {a["name"]: a for a in data["layout"]["annotations"] if a.get("name", "").startswith("period-label-")}
    assert [a["text"] for a in labels.values()] == ["T1 2024", "T2 2024", "T3 2024"]
    assert all(a["yref"] == "paper" and a["y"] == 1 for a in labels.values())
    # The period in the middle of each band, a dotted line where one ends and the next begins, every other shaded.
    assert labels["period-label-2024-T2"]["x"][:10] == "2024-07-01"
    lines = [s for s in data["layout"]["shapes"] if s["type"] == "line"]
    assert sorted(str(s["x0"]) for s in lines) == sorted(
        str(dt.datetime.combine(day, dt.time()).timestamp() * 1000)
        for day in (dt.date(2024, 5, 1), dt.date(2024, 9, 1))
    )
    [band] = [s for s in data["layout"]["shapes"] if s["type"] == "rect"]
    assert (band["x0"], band["x1"]) == ("2024-05-01", "2024-09-01")
    english = figure_json(timeline_figure(rows, progress, translator("en"), today=dt.date(2026, 1, 1), periods=periods))
    assert "T1 2024" in [a["text"] for a in english["layout"]["annotations"]]
    plain = figure_json(timeline_figure(rows, progress, t, today=dt.date(2026, 1, 1)))
    assert not [a for a in plain["layout"]["annotations"] if a.get("name", "").startswith("period-label-")]


def test_pace_dates_spread_evenly():
    assert pace_dates(dt.date(2024, 1, 1), dt.date(2024, 1, 10), 2) == [dt.date(2024, 1, 5), dt.date(2024, 1, 10)]


@pytest.mark.parametrize(("lang", "separators"), [("sv", ",\u00a0"), ("en", ".,")])
def test_the_map_and_the_timeline_write_numbers_in_the_page_s_language(gpkg_store, lang, separators):
    tr = translator(lang)
    view = layer_view(gpkg_store, "unsafe_places", LayerQuery())
    boundary, _ = municipality_geojson("1463")
    assert figure_json(map_figure({"unsafe_places": view}, boundary, tr))["layout"]["separators"] == separators
    pledge = pledge_from_dict(pledge_dict())
    rows = pledge_timeline(gpkg_store, pledge)
    progress = pledge_progress(gpkg_store, pledge, dt.date(2024, 10, 1))
    timeline = figure_json(timeline_figure(rows, progress, tr, today=dt.date(2024, 10, 1)))
    assert timeline["layout"]["separators"] == separators
    # A grid cell's hover writes its count with the language's thousands mark: 1 660, not 1660.
    assert tr("map.grid_hover.unsafe_places", count=number(1660, lang)) == (
        "1\u00a0660 rapporter" if lang == "sv" else "1,660 reports"
    )


def _contrast_on_white(colour: str, opacity: float = 1.0) -> float:
    """WCAG contrast of ``colour`` drawn with ``opacity`` over white."""
    channels = [(opacity * int(colour[i : i + 2], 16) + (1 - opacity) * 255) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_the_overview_grid_s_lightest_colour_reads_on_white_as_drawn(gpkg_store):
    from dashboard.figures.analysis import BAND_COLOURS
    from dashboard.figures.style import GRID_COLOURSCALE

    gpkg_store.write_batch(
        "unsafe_places", frame(*[unsafe_place(geometry=Point(12.69 + 0.01 * i, 57.5)) for i in range(9)])
    )
    grid = layer_view(gpkg_store, "unsafe_places", LayerQuery(), zoom=10, max_points=5)
    boundary, _ = municipality_geojson("1463")
    [cells] = [tr for tr in map_figure({"unsafe_places": grid}, boundary, t)["data"] if tr["meta"]["role"] == "grid"]
    marker = cells["marker"]
    assert marker["colorscale"] == GRID_COLOURSCALE
    assert all(_contrast_on_white(colour, marker["opacity"]) >= 3 for _, colour in GRID_COLOURSCALE), [
        round(_contrast_on_white(colour, marker["opacity"]), 2) for _, colour in GRID_COLOURSCALE
    ]
    # The same steps as the analysis maps' count bands, light to dark.
    assert [colour for _, colour in GRID_COLOURSCALE] == list(BAND_COLOURS)


def _shown_px(bounds, zoom: float) -> tuple[float, float]:
    """The pixels ``bounds`` (WGS84) take on a web-mercator map at ``zoom`` (512 px tiles, as MapLibre's)."""
    import math

    minlon, minlat, maxlon, maxlat = bounds

    def y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    scale = 512 * 2**zoom
    return scale * (maxlon - minlon) / 360, scale * (y(maxlat) - y(minlat)) / (2 * math.pi)


def test_on_a_phone_the_overview_map_fits_the_municipality_and_puts_a_legend_per_layer_under_it(gpkg_store):
    from dashboard.figures.map import MAP_HEIGHT_NARROW, narrow_graph_height

    gpkg_store.write_batch("unsafe_places", frame(unsafe_place(), unsafe_place(category="drug_use")))
    gpkg_store.write_batch("operations", frame(operation()))
    views = {layer: layer_view(gpkg_store, layer, LayerQuery()) for layer in ("unsafe_places", "operations")}
    boundary, bounds = municipality_geojson("1463")
    phone = figure_json(map_figure(views, boundary, t, bounds=bounds, width=358))
    wide, height = _shown_px(bounds, phone["layout"]["map"]["zoom"])
    assert wide <= 358 and height <= MAP_HEIGHT_NARROW  # the whole municipality on the phone's map
    assert wide >= 0.6 * 358 or height >= 0.6 * MAP_HEIGHT_NARROW  # and not a speck on it
    # A legend per layer under the map, across its width, titled by the layer; the graph grows to hold them.
    layout = phone["layout"]
    legends = {name: layout[name] for name in ("legend", "legend2")}
    assert [legend["title"]["text"] for legend in legends.values()] == ["Otrygga platser", "Insatser och närvaro"]
    assert all(lg["orientation"] == "h" and lg["yref"] == "container" and lg["x"] == 0 for lg in legends.values())
    assert legends["legend"]["y"] > legends["legend2"]["y"]  # one under the other
    graph = narrow_graph_height(phone)
    assert graph > MAP_HEIGHT_NARROW and layout["margin"]["b"] == graph - layout["margin"]["t"] - MAP_HEIGHT_NARROW
    assert (1 - legends["legend"]["y"]) * graph >= layout["margin"]["t"] + MAP_HEIGHT_NARROW  # under the map
    records = [tr for tr in phone["data"] if tr.get("meta", {}).get("role") == "records"]
    assert {tr["legend"] for tr in records if tr["meta"]["layer"] == "operations"} == {"legend2"}
    assert not any("legendgrouptitle" in tr for tr in records)  # the legend's title says the layer
    # A desktop's map keeps its legend beside the map, and the same whole municipality.
    desk = figure_json(map_figure(views, boundary, t, bounds=bounds, width=1000, height=690))
    assert desk["layout"]["legend"]["x"] == 1.0 and "legend2" not in desk["layout"]
    assert narrow_graph_height(desk) is None
    wide, high = _shown_px(bounds, desk["layout"]["map"]["zoom"])
    assert wide <= 1000 - 260 and high <= 690 - 34  # beside the legend, under the modebar
    assert wide >= 0.6 * (1000 - 260) or high >= 0.6 * (690 - 34)  # filling the map, on a tall screen too


def test_a_foot_legend_s_rows_are_counted_as_plotly_lays_them_out():
    from dashboard.figures.map import legend_rows

    assert legend_rows(["Flaggad", "Inspekterad"], 358) == 1  # fit on one row: side by side
    # Too many for a row: each entry gets the widest entry's width, in as many columns as fit.
    assert legend_rows(["Flaggad", "Inspekterad", "Åtgärd planerad", "Åtgärdad", "Verifierad"], 358) == 3
    assert legend_rows(["Riktad insats mot narkotika", "Skolbesök", "Närvaro, patrullering"], 358) == 3
    assert legend_rows([], 358) == 0


def test_the_analysis_maps_open_on_the_whole_municipality_at_a_phone_s_width():
    from test_analysis import AREA, planted_points

    from dashboard.figures.analysis import FIT_HEIGHT, hotspot_figure
    from geodata.analysis.getisord import hotspots

    boundary, bounds = municipality_geojson("1463")
    result = hotspots(planted_points(), AREA, cell_m=500, permutations=99, seed=1, fdr=False)
    figure = hotspot_figure(result, boundary, bounds, t)
    wide, high = _shown_px(bounds, figure["layout"]["map"]["zoom"])
    # A phone's map is about 360 px wide inside the page (390 px screen): the whole of Mark fits, above the legend.
    assert wide <= 360 and high <= FIT_HEIGHT, (wide, high)


@pytest.mark.parametrize(("width", "ticks"), [(None, 12), (900, 12), (330, 4)])
def test_the_timeline_s_month_ticks_keep_apart_on_a_phone(gpkg_store, width, ticks):
    pledge = pledge_from_dict(pledge_dict())
    rows = pledge_timeline(gpkg_store, pledge)
    progress = pledge_progress(gpkg_store, pledge, dt.date(2024, 10, 1))
    data = figure_json(timeline_figure(rows, progress, t, today=dt.date(2024, 10, 1), width=width))
    assert len(data["layout"]["xaxis"]["ticktext"]) == ticks
    assert data["layout"]["xaxis"]["ticktext"][0] == "jan 2024"
