"""The local basemap: reading MBTiles and PMTiles files (geodata.basemap), the tile route, the settings and CLI."""

from __future__ import annotations

import random
import re
import sqlite3

import pytest
from pmtiles.tile import TileType

from dashboard.settings import LOCAL_TILES, Settings
from geodata.basemap import BasemapError, area_tiles, hilbert_tile_id, open_basemap, tile_range

from basemap_files import (
    MARK_BOUNDS,
    colour,
    png,
    png_colour,
    tiles_over,
    write_basemap,
    write_mbtiles,
    write_pmtiles,
)


@pytest.fixture(params=["mbtiles", "pmtiles"])
def kind(request):
    return request.param


@pytest.fixture
def basemap_file(tmp_path, kind):
    return write_basemap(tmp_path / f"karta.{kind}", zooms=range(0, 11))


def test_each_tile_is_read_in_the_xyz_scheme(basemap_file):
    basemap = open_basemap(basemap_file)
    assert basemap.format == "png" and (basemap.min_zoom, basemap.max_zoom) == (0, 10)
    for z, x, y in [(0, 0, 0), (1, 1, 0), (2, 2, 1), (10, *tile_range(MARK_BOUNDS, 10)[:2])]:
        tile = basemap.tile(z, x, y)
        assert tile is not None and tile.media_type == "image/png"
        assert png_colour(tile.data) == colour(z, x, y), f"tile {z}/{x}/{y}"


def test_a_tile_the_file_does_not_have_is_none(basemap_file):
    basemap = open_basemap(basemap_file)
    x0, y0, _x1, _y1 = tile_range(MARK_BOUNDS, 10)
    assert basemap.tile(10, x0 - 5, y0) is None  # outside the area
    assert basemap.tile(11, 2 * x0, 2 * y0) is None  # deeper than the file
    assert basemap.tile(3, 8, 0) is None  # no such tile at all


def test_the_attribution_is_plain_text(tmp_path):
    mbtiles = open_basemap(write_mbtiles(tmp_path / "a.mbtiles", {(0, 0, 0): png((1, 2, 3))}))
    assert mbtiles.attribution == "© OpenStreetMap" and mbtiles.name == "Testkarta"
    pmtiles = open_basemap(write_pmtiles(tmp_path / "a.pmtiles", {(0, 0, 0): png((1, 2, 3))}))
    assert pmtiles.attribution == "© Lantmäteriet"


def test_pmtiles_with_leaf_directories_and_runs_of_one_tile(tmp_path):
    # 20,000 scattered tiles, each one of 300 images of uneven lengths: too many entries, and too varied, for the
    # root directory, so the reference writer puts them in leaf directories. Zoom 6 is one image: a single run.
    rng = random.Random(7)
    images = [b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randrange(8, 400)) for _ in range(300)]
    cells = rng.sample([(x, y) for x in range(256) for y in range(256)], 20_000)
    tiles = {(8, x, y): rng.choice(images) for x, y in cells}
    sea = png((0, 90, 200))
    tiles.update({(6, x, y): sea for x in range(64) for y in range(64)})
    basemap = open_basemap(write_pmtiles(tmp_path / "leaves.pmtiles", tiles))
    root = basemap._directory_at(basemap._header.root_offset, basemap._header.root_length)
    assert root and all(entry.run_length == 0 for entry in root), "the root should point to leaf directories"
    for x, y in rng.sample(cells, 50):
        assert basemap.tile(8, x, y).data == tiles[(8, x, y)]
    missing = next((x, y) for x in range(256) for y in range(256) if (8, x, y) not in tiles)
    assert basemap.tile(8, *missing) is None
    assert png_colour(basemap.tile(6, 63, 63).data) == (0, 90, 200)
    assert basemap.tile(7, 0, 0) is None


def test_hilbert_ids_match_the_reference_implementation():
    from pmtiles.tile import zxy_to_tileid

    for z in range(0, 9):
        for x in range(0, 2**z, max(1, 2**z // 7)):
            for y in range(0, 2**z, max(1, 2**z // 5)):
                assert hilbert_tile_id(z, x, y) == zxy_to_tileid(z, x, y)


def test_vector_tiles_are_refused_with_a_message_that_says_so(tmp_path):
    vector = write_pmtiles(tmp_path / "v.pmtiles", {(0, 0, 0): b"\x1a\x03abc"}, tile_type=TileType.MVT)
    with pytest.raises(BasemapError, match="does not yet support vector tiles"):
        open_basemap(vector)
    mbtiles = write_mbtiles(tmp_path / "v.mbtiles", {(0, 0, 0): b"\x1f\x8b\x08\x00rest"}, format="pbf")
    with pytest.raises(BasemapError, match="does not yet support vector tiles"):
        open_basemap(mbtiles)


def test_files_that_are_not_basemaps_are_refused_naming_the_file(tmp_path):
    with pytest.raises(BasemapError, match="does not exist"):
        open_basemap(tmp_path / "missing.mbtiles")
    text = tmp_path / "notes.pmtiles"
    text.write_text("hello")
    with pytest.raises(BasemapError, match="neither an MBTiles"):
        open_basemap(text)
    other = tmp_path / "other.mbtiles"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (a)")
    with pytest.raises(BasemapError, match="other.mbtiles is not a readable MBTiles file"):
        open_basemap(other)
    cut = tmp_path / "cut.pmtiles"
    whole = write_basemap(tmp_path / "whole.pmtiles", zooms=range(0, 4)).read_bytes()
    cut.write_bytes(whole[:140])  # the header, and not all of the root directory
    with pytest.raises(BasemapError, match="damaged"):
        open_basemap(cut)


def test_the_area_tiles_take_whole_zoom_levels_within_the_budget(basemap_file):
    basemap = open_basemap(basemap_file)
    unlimited = area_tiles(basemap, MARK_BOUNDS, budget=10**9, zooms=range(6, 11))
    assert unlimited.zooms == [6, 7, 8, 9, 10] and unlimited.left_out == []
    x0, y0, x1, y1 = tile_range(MARK_BOUNDS, 10)
    assert len([k for k in unlimited.index if k.startswith("10/")]) == (x1 - x0 + 1) * (y1 - y0 + 1)
    key = f"10/{x0}/{y0}"
    assert png_colour(unlimited.images[unlimited.index[key]]) == colour(10, x0, y0)
    assert unlimited.size == sum(len(image) for image in unlimited.images)

    budget = sum(len(unlimited.images[i]) for k, i in unlimited.index.items() if not k.startswith("10/"))
    bounded = area_tiles(basemap, MARK_BOUNDS, budget=budget, zooms=range(6, 11))
    assert bounded.zooms == [6, 7, 8, 9] and bounded.left_out == [10] and bounded.size <= budget


def test_deeper_levels_that_do_not_fit_whole_are_taken_around_the_points(tmp_path, kind):
    basemap = open_basemap(write_basemap(tmp_path / f"deeper.{kind}", zooms=range(8, 12)))
    kinna = (12.694, 57.508)
    whole_8_10 = area_tiles(basemap, MARK_BOUNDS, budget=10**9, zooms=range(8, 11)).size
    cx, cy, _, _ = tile_range((*kinna, *kinna), 11)
    block = {(cx + dx, cy + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)}
    budget = whole_8_10 + sum(len(basemap.tile(11, x, y).data) for x, y in block)  # not all of zoom 11's tiles
    embedded = area_tiles(basemap, MARK_BOUNDS, budget=budget, zooms=range(8, 12), around=[kinna])
    assert embedded.zooms == [8, 9, 10] and embedded.nearby_zooms == [11] and embedded.left_out == []
    assert {key for key in embedded.index if key.startswith("11/")} == {f"11/{x}/{y}" for x, y in block}
    without_points = area_tiles(basemap, MARK_BOUNDS, budget=budget, zooms=range(8, 12))
    assert without_points.zooms == [8, 9, 10] and without_points.nearby_zooms == []
    assert without_points.left_out == [11]


def test_identical_tiles_are_embedded_once(tmp_path):
    tiles = dict.fromkeys(tiles_over(MARK_BOUNDS, range(8, 11)), png((200, 220, 240)))
    basemap = open_basemap(write_mbtiles(tmp_path / "one.mbtiles", tiles))
    embedded = area_tiles(basemap, MARK_BOUNDS, budget=10**6, zooms=range(8, 11))
    assert len(embedded.images) == 1 and len(embedded.index) == len(tiles)


# --- settings and the command line -------------------------------------------------------------------------


def test_the_environment_sets_a_basemap_and_every_map_uses_its_route(basemap_file):
    settings = Settings.from_env({"PLEDGEMAP_BASEMAP": str(basemap_file), "PLEDGEMAP_TILES": "none"})
    assert settings.basemap == basemap_file
    assert settings.tiles_url == LOCAL_TILES + ".png" and settings.online_tiles is None
    assert settings.tiles_attribution in ("© OpenStreetMap", "© Lantmäteriet")
    assert Settings.from_env({"PLEDGEMAP_BASEMAP": "none"}).basemap is None


def test_a_bad_basemap_in_the_environment_names_the_variable_and_the_file(tmp_path):
    with pytest.raises(ValueError, match=r"PLEDGEMAP_BASEMAP: basemap file .*nowhere.mbtiles does not exist"):
        Settings.from_env({"PLEDGEMAP_BASEMAP": str(tmp_path / "nowhere.mbtiles")})


def test_serve_refuses_a_vector_basemap_before_writing_anything(tmp_path, capsys):
    from dashboard.cli import main

    vector = write_pmtiles(tmp_path / "v.pmtiles", {(0, 0, 0): b"\x1a\x03abc"}, tile_type=TileType.MVT)
    data = tmp_path / "store.gpkg"
    assert main(["serve", "--data", str(data), "--basemap", str(vector), "--port", "8999"]) == 1
    assert "vector tiles" in capsys.readouterr().err and not data.exists()


# --- the tile route ------------------------------------------------------------------------------------------


@pytest.fixture
def flipped(tmp_path, kind):
    """A file with two tiles in one column at zoom 1: a missed TMS flip swaps them."""
    tiles = {(0, 0, 0): png(colour(0, 0, 0)), (1, 1, 0): png((250, 0, 0)), (1, 1, 1): png((0, 0, 250))}
    if kind == "mbtiles":
        return write_mbtiles(tmp_path / "flip.mbtiles", tiles)
    return write_pmtiles(tmp_path / "flip.pmtiles", tiles)


@pytest.fixture
def tile_client(demo_copy, flipped):
    from dash_http import make_client

    return make_client(Settings(data=demo_copy).with_basemap(flipped))


def test_the_route_serves_tiles_with_their_content_type_and_the_row_flipped(tile_client):
    north = tile_client.get("/tiles/1/1/0.png")
    assert north.status_code == 200 and north.mimetype == "image/png"
    assert north.headers["X-Content-Type-Options"] == "nosniff"
    assert png_colour(north.data) == (250, 0, 0)  # XYZ row 0 is the north: TMS row 1 in an MBTiles file
    assert png_colour(tile_client.get("/tiles/1/1/1.png").data) == (0, 0, 250)


def test_a_missing_tile_is_no_content_and_an_impossible_one_not_found(tile_client):
    assert tile_client.get("/tiles/1/0/0.png").status_code == 204  # a tile the file does not have
    assert tile_client.get("/tiles/5/3/3.png").status_code == 204  # deeper than the file
    for impossible in ("/tiles/1/2/0.png", "/tiles/40/0/0.png", "/tiles/1/-1/0.png", "/tiles/1/1/0.gif"):
        assert tile_client.get(impossible).status_code == 404, impossible


def test_no_path_reaches_another_file(tile_client, flipped):
    for path in (
        "/tiles/../../etc/passwd",
        "/tiles/1/1/..%2f..%2fetc%2fpasswd.png",
        "/tiles/%2e%2e/1/0.png",
        f"/tiles/{flipped}",
        "/tiles/1/1/0.png/../../../etc/passwd",
        "/tiles/1/1/0.png%00.txt",
    ):
        response = tile_client.get(path)
        assert response.status_code in (404, 308) and b"root:" not in response.data, path


def test_without_a_basemap_there_are_no_tiles(client):
    assert client.get("/tiles/0/0/0.png").status_code == 404


def test_tiles_need_sign_in_once_the_store_has_accounts(demo_copy, flipped):
    from geodata.access.accounts import add_user
    from geodata.store import GeoPackageStore

    from dash_http import make_client

    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "ada", "admin", "a long enough password 1")
    client = make_client(Settings(data=demo_copy).with_basemap(flipped))
    assert client.get("/tiles/0/0/0.png").status_code == 401


# --- every map of the dashboard ----------------------------------------------------------------------------


def test_the_overview_map_draws_the_local_tiles_when_configured(demo_copy, basemap_file):
    from dashboard.figures.mapping import MapRequest, build_map
    from dashboard.state.view import ViewState
    from geodata import open_store

    settings = Settings(data=demo_copy).with_basemap(basemap_file)
    with open_store(demo_copy) as store:
        figure, _ = build_map(store, MapRequest(ViewState(pledge="mark-2021"), tiles=True), settings)
        plain, _ = build_map(store, MapRequest(ViewState(pledge="mark-2021"), tiles=False), settings)
    raster = figure["layout"]["map"]["layers"][0]
    assert raster["sourcetype"] == "raster" and raster["source"] == ["/tiles/{z}/{x}/{y}.png"]
    assert raster["sourceattribution"] in ("© OpenStreetMap", "© Lantmäteriet")
    assert all(layer["sourcetype"] != "raster" for layer in plain["layout"]["map"]["layers"])


def test_the_overview_page_offers_the_basemap_with_the_local_route(demo_copy, basemap_file):
    from dash_http import make_client, render_page

    client = make_client(Settings(data=demo_copy).with_basemap(basemap_file))
    page = render_page(client, "/")
    assert "/tiles/{z}/{x}/{y}.png" in str(page)
    # The choice says where the map comes from: the server's own file needs no network.
    assert "från serverns egen kartfil" in str(page) and "kräver nätverk" not in str(page)


def analysis_maps(client) -> list[dict]:
    """The Analys page's maps as its callbacks draw them: hot spots, density, counts, and an operation's effect."""
    from dashboard.ids import Analysis

    from dash_http import analysis_inputs, call_callback, find, run_before_after

    lang = {f"{Analysis.lang}.data": "sv"}
    figures = [
        call_callback(client, f"{Analysis.map}.figure", analysis_inputs(mode, "mark-2021", 99), state=lang)[
            Analysis.map
        ]["figure"]
        for mode in ("gi", "density", "counts")
    ]
    _, effect = run_before_after(client, "mark-2021")
    [effect_map] = find(effect[Analysis.effect]["children"], id=Analysis.effect_map)
    return [*figures, effect_map["props"]["figure"]]


def test_the_analysis_maps_draw_the_local_basemap_when_configured_and_nothing_else(demo_copy, basemap_file):
    from dash_http import make_client

    for figure in analysis_maps(make_client(Settings(data=demo_copy).with_basemap(basemap_file))):
        raster = figure["layout"]["map"]["layers"][0]
        assert raster["sourcetype"] == "raster" and raster["source"] == [f"{LOCAL_TILES}.png"]
        assert raster["sourceattribution"] in ("© OpenStreetMap", "© Lantmäteriet")
    # Without a local file: a plain background (no tile server asked, even one configured for the overview).
    for figure in analysis_maps(make_client(Settings(data=demo_copy))):
        assert all(layer["sourcetype"] != "raster" for layer in figure["layout"]["map"]["layers"])


# --- the standalone and public maps ------------------------------------------------------------------------


def embedded_table(document: str) -> tuple[list[str], dict[str, int]]:
    """The embedded tiles' images and index, read back from the page's script."""
    import json
    import re

    found = re.search(r"var images = (\[.*?\]);\s*var index = (\{.*?\});", document, flags=re.DOTALL)
    assert found, "no embedded tiles in the page"
    return json.loads(found.group(1)), json.loads(found.group(2))


@pytest.mark.parametrize("public", [False, True])
def test_the_standalone_map_embeds_the_tiles_of_its_area_and_no_tile_url(demo_copy, basemap_file, public):
    import base64
    import re

    from dashboard.standalone import build_standalone_map
    from geodata import open_store

    with open_store(demo_copy) as store:  # a copy: the full map's records are logged as read, in the store
        document = build_standalone_map(store, "mark-2021", public=public, basemap=basemap_file, tiles=None)
    images, index = embedded_table(document)
    x0, y0, x1, y1 = tile_range(MARK_BOUNDS, 10)
    assert {f"10/{x}/{y}" for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)} <= set(index)
    assert {int(key.split("/")[0]) for key in index} == {8, 9, 10}  # the file's zooms within 8-16
    first = images[index[f"10/{x0}/{y0}"]]
    assert first.startswith("data:image/png;base64,")
    assert png_colour(base64.b64decode(first.split(",", 1)[1])) == colour(10, x0, y0)
    assert re.findall(r"https?://[^\s\"']*\{z\}", document) == [] and "/tiles/" not in document
    assert "probe.onload" not in document
    assert "imperial: false" in document and "L.control.scale()" not in document


def test_the_embedded_tiles_stay_within_the_budget(demo_copy, basemap_file):
    from dashboard.standalone import build_standalone_map
    from geodata import municipality_geojson, open_store

    _boundary, bounds = municipality_geojson("1463")  # Mark
    budget = area_tiles(open_basemap(basemap_file), bounds, 10**9, range(8, 9)).size + 100  # zoom 8, not 9
    with open_store(demo_copy) as store:  # a copy: the full map's records are logged as read, in the store
        whole = build_standalone_map(store, "mark-2021", basemap=basemap_file)
        small = build_standalone_map(store, "mark-2021", basemap=basemap_file, embed_budget=budget)
    _images, whole_index = embedded_table(whole)
    images, index = embedded_table(small)
    assert len(index) < len(whole_index)
    assert sum(len(i.split(",", 1)[1]) for i in images) * 3 / 4 <= budget
    assert {int(key.split("/")[0]) for key in index} == {8}  # whole levels only


def test_the_presentation_page_embeds_the_basemap(demo_copy, basemap_file):
    from geodata import open_store

    from dash_http import make_client

    with open_store(demo_copy) as store:
        store.write_setting("presentation_pledge", "mark-2021")
    client = make_client(Settings(data=demo_copy).with_basemap(basemap_file))
    page = client.get("/present").get_data(as_text=True)
    images, index = embedded_table(page)
    assert images and index and "/tiles/" not in page and "tile.openstreetmap.org" not in page


def test_the_export_command_embeds_the_basemap(demo_copy, basemap_file, tmp_path):
    from dashboard.cli import main

    out = tmp_path / "karta.html"
    argv = ["export", "--data", str(demo_copy), "--format", "html", "--pledge", "mark-2021", "--output", str(out)]
    assert main([*argv, "--public", "--basemap", str(basemap_file)]) == 0
    images, index = embedded_table(out.read_text(encoding="utf-8"))
    assert images and index


# --- in a real browser -------------------------------------------------------------------------------------


@pytest.mark.browser
def test_the_served_overview_map_draws_the_local_tiles_and_asks_nothing_else(tmp_path):
    from dashboard.ids import Analysis, Overview

    from browser import SCREENSHOTS, browser_page, serving

    basemap = write_basemap(tmp_path / "karta.pmtiles", zooms=range(0, 13))
    tiles, outside = [], []
    with (
        serving(tmp_path / "demo.gpkg", env={"PLEDGEMAP_BASEMAP": str(basemap)}) as url,
        browser_page(1366, 768) as (page, console),
    ):

        def guard(route):
            if route.request.url.startswith(url):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.on("response", lambda r: tiles.append((r.url, r.status)) if "/tiles/" in r.url else None)
        page.goto(url)
        page.wait_for_function(
            f"() => {{ const g = document.querySelector('#{Overview.map} .js-plotly-plot');"
            " return g && g.layout && g.layout.map && g.layout.map.layers.some(l => l.sourcetype === 'raster'); }",
            timeout=60_000,
        )
        page.wait_for_function(
            f"() => document.querySelector('#{Overview.map} .maplibregl-ctrl-attrib')"
            "?.textContent.includes('Lantmäteriet')",
            timeout=30_000,
        )
        page.wait_for_timeout(1500)  # the tiles of the first view
        assert page.locator(f"#{Overview.basemap} input").is_checked()
        page.screenshot(path=SCREENSHOTS / "overview-local-basemap.png")
        overview_tiles = len(tiles)
        # The Analys page's hot-spot map draws the same local tiles under its cells.
        page.goto(url + "analysis?pledge=mark-2021")
        page.wait_for_function(
            f"() => {{ const g = document.querySelector('#{Analysis.map} .js-plotly-plot');"
            " return g && g.layout && g.layout.map && g.layout.map.layers.some(l => l.sourcetype === 'raster'); }",
            timeout=90_000,
        )
        page.wait_for_timeout(1500)
        page.screenshot(path=SCREENSHOTS / "analysis-local-basemap.png")
        analysis_tiles = [u for u, status in tiles[overview_tiles:] if status == 200]
        assert len(analysis_tiles) >= 2, tiles[overview_tiles:]
    drawn = [u for u, status in tiles if status == 200]
    assert len(drawn) >= 4, tiles
    assert all(re.search(r"/tiles/\d+/\d+/\d+\.png$", u) for u, _ in tiles)
    assert outside == [] and console.errors == []


@pytest.mark.browser
def test_the_standalone_map_opened_from_disk_shows_its_tiles_offline(demo_file, tmp_path):
    from dashboard.standalone import build_standalone_map
    from geodata import open_store

    from browser import SCREENSHOTS, browser_page

    basemap = write_basemap(tmp_path / "karta.mbtiles", zooms=range(0, 13))
    with open_store(demo_file) as store:
        document = build_standalone_map(store, "mark-2021", public=True, basemap=basemap)
    path = tmp_path / "karta.html"
    path.write_text(document, encoding="utf-8")
    outside = []
    with browser_page(1280, 720) as (page, console):

        def guard(route):
            if route.request.url.startswith(("file:", "data:")):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.goto(path.as_uri())
        page.wait_for_selector(".leaflet-tile-loaded")
        page.wait_for_timeout(500)
        sources = page.evaluate(
            "() => [...document.querySelectorAll('img.leaflet-tile-loaded')].map(t => t.src.slice(0, 22))"
        )
        assert sources.count("data:image/png;base64,") >= 4, sources
        scale = page.locator(".leaflet-control-scale").inner_text()
        assert re.search(r"\d+ (m|km)", scale) and "mi" not in scale and "ft" not in scale
        assert page.locator(".leaflet-control-attribution").inner_text().endswith("© OpenStreetMap")
        page.screenshot(path=SCREENSHOTS / "standalone-local-basemap.png")
    assert outside == [] and console.errors == []


@pytest.mark.browser
def test_away_from_the_data_a_deeper_zoom_shows_the_embedded_tile_above_it(demo_file, tmp_path):
    from dashboard.standalone import build_standalone_map
    from geodata import open_store

    from browser import SCREENSHOTS, browser_page

    basemap = write_basemap(tmp_path / "karta.pmtiles", zooms=range(0, 14))
    with open_store(demo_file) as store:  # zooms 8-11 over the municipality, 12 only around the data
        document = build_standalone_map(store, "mark-2021", public=True, basemap=basemap, embed_budget=60_000)
    _images, index = embedded_table(document)
    assert max(int(key.split("/")[0]) for key in index) == 12
    path = tmp_path / "karta.html"
    path.write_text(document, encoding="utf-8")
    # The tiles of the level shown (Leaflet keeps the level before until the new one has loaded).
    tiles = """() => [...document.querySelectorAll('.leaflet-tile-container')]
        .filter(c => c.style.zIndex === String(c.closest('.leaflet-layer') ? 19 : 0))
        .flatMap(c => [...c.querySelectorAll('.leaflet-tile-loaded')])
        .map(t => t.tagName + ':' + (t.tagName === 'IMG' ? t.src : t.style.backgroundImage).slice(0, 27))"""
    with browser_page(1280, 720) as (page, console):
        page.goto(path.as_uri())
        page.wait_for_selector(".leaflet-tile-loaded")
        name = page.evaluate("() => Object.keys(window).find(k => k.startsWith('map_'))")
        # reset: a zoom animation still running from the first fit would otherwise swallow the call.
        page.evaluate(f"() => window['{name}'].setView([57.33, 12.40], 12, {{reset: true}})")  # forest, no data
        page.wait_for_timeout(800)
        away = page.evaluate(tiles)
        page.screenshot(path=SCREENSHOTS / "standalone-local-basemap-away.png")
    assert away and all(t.startswith(('DIV:url("data:image/png;base64', "IMG:data:image/png;base64")) for t in away)
    # The map column is narrower beside the legend: a few of its tiles at this zoom are enlarged ones.
    assert sum(t.startswith("DIV:") for t in away) >= 2, away
    assert console.errors == []
