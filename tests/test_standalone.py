"""The standalone map for citizen dialogues: rendered to a string and read, and opened in a real headless Chromium."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from pyproj import Transformer
from shapely.geometry import Point

from dashboard.standalone import OSM_TILES, build_standalone_map
from geodata.errors import NotFoundError
from geodata.model import pledge_from_dict
from geodata.store import GeoPackageStore
from geodata.store.base import LayerQuery
from geodata.views.public import PLACE_HEX_M, HexGrid, public_view

from browser import SCREENSHOTS, browser_page
from builders import KINNA, frame, operation, pledge_dict, site, unsafe_place

EVIL = "<script>alert(1)</script> \"quotes\" & 'apostrophes'"
EVIL_TITLE = 'Medborgarlöfte <script>alert(1)</script> "Kinna"'
SECRET_DESCRIPTION = "Mörk gångväg bakom Storgatan 4 " + EVIL
INTERNAL_TITLE = "Hemlig insats vid Torggatan"
PUBLIC_TITLE = "Skolbesök Kinnaskolan"
TODAY = dt.date(2024, 7, 1)

TO_SWEREF = Transformer.from_crs(4326, 3006, always_xy=True)
PLACES = HexGrid(PLACE_HEX_M)
SHOWN_CELL = PLACES.cell(*TO_SWEREF.transform(*KINNA))
SMALL_CELL = (SHOWN_CELL[0] + 4, SHOWN_CELL[1])


def in_cell(cell: tuple[int, int], dx: float = 0.0) -> Point:
    x, y = PLACES.centre(*cell)
    return Point(x + dx, y)


def write_records(store: GeoPackageStore, demo: bool = False) -> None:
    """6 reports in one cell (shown), 4 in another (suppressed), 3 of 4 operations, 1 public, sites with owners."""
    store.write_batch(
        "unsafe_places",
        frame(
            *(
                unsafe_place(
                    pledge_id="test-2024",
                    report_count=1,
                    description=SECRET_DESCRIPTION,
                    demo=demo,
                    geometry=in_cell(SHOWN_CELL, 20 * i),
                )
                for i in range(6)
            ),
            unsafe_place(
                pledge_id="test-2024",
                report_count=4,
                description=SECRET_DESCRIPTION,
                demo=demo,
                geometry=in_cell(SMALL_CELL),
            ),
            crs=3006,
        ),
    )
    ops_at = in_cell((SHOWN_CELL[0] - 6, SHOWN_CELL[1] + 3))
    store.write_batch(
        "operations",
        frame(
            *(
                operation(
                    title=INTERNAL_TITLE,
                    starts_at=f"2024-0{m}-10 18:00",
                    ends_at=f"2024-0{m}-10 22:00",
                    demo=demo,
                    geometry=ops_at,
                )
                for m in (2, 4, 5)
            ),
            operation(
                title=PUBLIC_TITLE,
                kind="school_visit",
                visibility="public",
                focus=None,
                persons_checked=None,
                seizures=None,
                reports_filed=None,
                demo=demo,
                geometry=ops_at,
            ),
            crs=3006,
        ),
    )
    store.write_batch(
        "inventoried_sites",
        frame(
            *(site(demo=demo, geometry=in_cell((SHOWN_CELL[0] + 8, SHOWN_CELL[1] - 4), 15 * i)) for i in range(5)),
            crs=3006,
        ),
    )


@pytest.fixture
def evil_store(tmp_path):
    """A real GeoPackage: a pledge whose title and goal hold markup, records whose texts do too."""
    with GeoPackageStore.create(tmp_path / "standalone.gpkg") as store:
        store.save_pledge(
            pledge_from_dict(pledge_dict(title=EVIL_TITLE, goals=[{"id": "trygghet", "text": "Ökad trygghet " + EVIL}]))
        )
        write_records(store)
        yield store


@pytest.fixture
def demo_store(tmp_path):
    with GeoPackageStore.create(tmp_path / "demo.gpkg") as store:
        store.save_pledge(pledge_from_dict(pledge_dict()))
        write_records(store, demo=True)
        yield store


def render(store, **kwargs) -> str:
    return build_standalone_map(store, "test-2024", today=TODAY, **kwargs)


def features(document: str) -> list[dict]:
    """Every data feature drawn (those with a tooltip), read back from the GeoJSON embedded in the scripts."""
    found = []
    for payload in re.findall(r"_add\((\{.*?\})\);\n", document, flags=re.DOTALL):
        found.extend(f for f in json.loads(payload)["features"] if "tooltip" in f.get("properties", {}))
    return found


def layer_name(name: str) -> str:
    """A name in the layer control as folium writes it into the script (JSON, non-ASCII escaped)."""
    return json.dumps(name)


def network_resources(document: str) -> list[str]:
    """Whatever the page would fetch: script and image sources, linked styles, CSS url() and @import."""
    found = re.findall(r"<(?:script|img|iframe|source|embed)\b[^>]*\bsrc\s*=\s*[\"']?([^\"' >]+)", document, re.I)
    found += re.findall(r"<link\b[^>]*\bhref\s*=\s*[\"']?([^\"' >]+)", document, re.I)
    for style in re.findall(r"<style[^>]*>(.*?)</style>", document, re.I | re.DOTALL):
        found += [u for u in re.findall(r"url\(\s*[\"']?([^\"')]+)", style) if not u.startswith(("data:", "#"))]
        found += re.findall(r"@import\s+[\"']?([^\"' ;]+)", style)
    return found


# --- the document, read as a string ----------------------------------------------------------------------


@pytest.mark.parametrize("public", [False, True])
@pytest.mark.parametrize("tiles", [None, OSM_TILES])
def test_nothing_is_fetched_from_the_network(evil_store, public, tiles):
    document = render(evil_store, public=public, tiles=tiles)
    assert network_resources(document) == []
    assert document.count("<script") == document.count("<script>") == 3  # head: Leaflet; body: map; no src
    for cdn in ("jsdelivr", "cdnjs", "code.jquery.com", "bootstrapcdn", "unpkg"):
        assert cdn not in document
    assert "L.version" not in document and 't.version="1.9.4"' in document  # Leaflet itself is inlined


def test_the_checker_itself_finds_network_resources():
    assert network_resources(
        '<script src="https://x/y.js"></script><link rel=stylesheet href=//x/y.css>'
        '<style>a{background:url("http://x/i.png")} b{background:url(data:image/png;base64,AA)}'
        "</style>"
    ) == ["https://x/y.js", "//x/y.css", "http://x/i.png"]


def test_tiles_are_only_probed_when_asked_for(evil_store):
    assert "tile.openstreetmap.org" not in render(evil_store)
    with_tiles = render(evil_store, tiles=OSM_TILES)
    assert "probe.onload" in with_tiles and '"https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in with_tiles
    with pytest.raises(ValueError, match="URL template"):
        render(evil_store, tiles="https://tile.example.org/tile.png")


@pytest.mark.parametrize("public", [False, True])
def test_every_text_is_escaped(evil_store, public):
    document = render(evil_store, public=public)
    assert "alert(1)</script>" not in document and "<script>alert" not in document
    # The title and the goal in the panel, escaped once and readable.
    assert "<h1>Medborgarlöfte &lt;script&gt;alert(1)&lt;/script&gt; &#34;Kinna&#34;</h1>" in document
    assert (
        "<li>Ökad trygghet &lt;script&gt;alert(1)&lt;/script&gt; &#34;quotes&#34; &amp; &#39;apostrophes&#39;</li>"
        in document
    )
    assert "<title>Medborgarlöfte &lt;script&gt;alert(1)&lt;/script&gt; &#34;Kinna&#34;</title>" in document


@pytest.mark.parametrize("public", [False, True])
def test_template_syntax_in_data_stays_text(tmp_path, public):
    """A pledge's texts are data, never template code: folium reads its elements as Jinja templates."""
    braces = "Löfte {{ 7 * 6 }} {{ this.__class__.__name__ }} {% if true %}ja{% endif %}"
    with GeoPackageStore.create(tmp_path / "braces.gpkg") as store:
        store.save_pledge(pledge_from_dict(pledge_dict(title=braces, goals=[{"id": "trygghet", "text": braces}])))
        write_records(store)
        document = render(store, public=public)
    assert "Löfte 42" not in document and "Löfte {{ 7 * 6 }}" in document
    assert "{% if true %}ja{% endif %}" in document


def test_popups_carry_the_description_escaped(evil_store):
    popups = [f["properties"]["popup"] for f in features(render(evil_store))]
    described = [p for p in popups if "Storgatan 4" in p]
    assert len(described) == 7
    assert (
        "<td>Mörk gångväg bakom Storgatan 4 &lt;script&gt;alert(1)&lt;/script&gt; &#34;quotes&#34; "
        "&amp; &#39;apostrophes&#39;</td>"
    ) in described[0]


def test_the_public_variant_has_no_free_text_no_records_and_no_small_cells(evil_store):
    # Enough operations that the public ones reach the minimum, and the internal ones would too if counted.
    ops_at = in_cell((SHOWN_CELL[0] - 6, SHOWN_CELL[1] + 3))
    evil_store.write_batch(
        "operations",
        frame(
            *(operation(title=INTERNAL_TITLE, geometry=ops_at) for _ in range(2)),
            *(
                operation(title=PUBLIC_TITLE, kind="school_visit", visibility="public", geometry=ops_at)
                for _ in range(4)
            ),
            crs=3006,
        ),
    )
    document = render(evil_store, public=True)
    for secret in (
        "Storgatan 4",
        "Mörk gångväg",
        INTERNAL_TITLE,
        PUBLIC_TITLE,
        "Marks Bostads AB",
        "Storgatan 1",
        "Kinna 1:1",
        "Byta lås",
    ):
        assert secret not in document
    for layer in ("unsafe_places", "operations", "inventoried_sites"):
        for record_id in evil_store.read_layer(layer)["id"]:
            assert record_id not in document
    drawn = features(document)
    places = [f for f in drawn if "rapporter" in f["properties"]["tooltip"]]
    # Six reports, as their band; the 4 are not drawn.
    assert [f["properties"]["tooltip"] for f in places] == ["5–9 rapporter om otrygghet i rutan"]
    assert [f["properties"]["label"] for f in places] == ["5–9"]  # the figure written on the cell: the band too
    # Only hexagons: six corners and the closing point, nothing finer.
    assert all(f["geometry"]["type"] == "Polygon" and len(f["geometry"]["coordinates"][0]) == 7 for f in drawn)
    operations = [
        f for f in drawn if "området" in f["properties"]["tooltip"] and "insats" in f["properties"]["tooltip"]
    ]
    # The five public school visits, as their band; the five internal operations are not counted at all.
    assert [f["properties"]["tooltip"] for f in operations] == ["5–9 insatser i området"]
    popup = operations[0]["properties"]["popup"]
    assert "5–9 skolbesök" in popup and "riktad" not in popup.lower()
    # The legend says small cells are left out, never how many reports they held.
    assert "Rutor med färre än 5 rapporter visas inte." in document
    assert "de rymmer sammanlagt" not in document and not re.search(r"(?<![\d–])4 rapporter", document)


def test_the_full_variant_leaves_internal_operations_out_unless_asked(evil_store):
    def operation_popups(document):
        return [f["properties"]["popup"] for f in features(document) if "Rubrik" in f["properties"].get("popup", "")]

    shown = operation_popups(render(evil_store))
    assert len(shown) == 1 and PUBLIC_TITLE in shown[0]
    assert INTERNAL_TITLE not in render(evil_store)
    with_internal = render(evil_store, include_internal=True)
    assert len(operation_popups(with_internal)) == 4
    assert "Kartan visar även interna insatser" in with_internal
    with pytest.raises(ValueError, match="public"):
        render(evil_store, public=True, include_internal=True)


def test_the_panel_shows_promises_with_progress_and_goals(evil_store):
    document = render(evil_store)
    assert '<span class="pm-figure">3 av 4</span>' in document  # three targeted operations of four promised
    assert "Minst fyra riktade insatser" in document and "Inventering av platser" in document
    assert "<dt>Period</dt><dd>1 januari 2024 – 31 december 2024</dd>" in document
    assert "Läget den 1 juli 2024" in document and "<h2>Mål</h2>" in document
    assert '<html lang="sv">' in document
    english = render(evil_store, lang="en")
    assert '<html lang="en">' in english and "Legend" in english


@pytest.mark.parametrize("public", [False, True])
def test_demo_data_is_labelled(evil_store, demo_store, public):
    assert "Demodata" not in render(evil_store, public=public)
    document = render(demo_store, public=public)
    assert '<p class="pm-demo" role="note"><strong>Demodata</strong>' in document
    assert '<p class="pm-demo-tag">Demodata</p>' in document  # on the legend too, beside the map


def test_a_query_narrows_the_layers_to_the_dashboards_filters(evil_store):
    spring = render(
        evil_store, include_internal=True, query=LayerQuery(start=dt.date(2024, 4, 1), end=dt.date(2024, 4, 30))
    )
    assert layer_name("Insatser och närvaro (1)") in spring and layer_name("Otrygga platser (0)") in spring
    assert "Kartan visar 1 april 2024 – 30 april 2024" in spring
    # The pledge is always the one asked for, whatever the query says.
    assert layer_name("Otrygga platser (7)") in render(evil_store, query=LayerQuery(pledge_id="another-pledge"))


def test_an_unknown_pledge_is_reported(evil_store):
    with pytest.raises(NotFoundError, match="no-such-pledge"):
        build_standalone_map(evil_store, "no-such-pledge")


# --- in a real browser, with the network cut ----------------------------------------------------------------


def open_offline(page, document: str, path: Path) -> list[str]:
    """Write ``document`` to ``path``, open it with every non-file request aborted; return the aborted URLs."""
    path.write_text(document, encoding="utf-8")
    outside: list[str] = []

    def guard(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(path.as_uri())
    page.wait_for_selector(".leaflet-overlay-pane svg path")
    page.wait_for_timeout(500)  # the probe's failure and the fit to the data
    return outside


def drawn_paths(page) -> int:
    return page.evaluate("() => document.querySelectorAll('.leaflet-overlay-pane svg path').length")


@pytest.mark.browser
def test_the_full_map_draws_toggles_and_keeps_markup_as_text_offline(evil_store, tmp_path):
    document = render(evil_store, tiles=OSM_TILES)
    dialogs = []
    with browser_page(1280, 800) as (page, console):
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        outside = open_offline(page, document, tmp_path / "full.html")
        # The only request beyond the file is the tile probe, and with it refused no tile layer is added.
        assert len(outside) == 1 and outside[0].startswith("https://tile.openstreetmap.org/10/")
        assert [e for e in console.errors if "net::ERR_FAILED" not in e] == []
        assert page.evaluate("() => document.querySelectorAll('.leaflet-tile').length") == 0
        assert page.is_visible("#pm-tiles-off")
        # Boundary + 7 unsafe places + 5 sites + 1 public operation.
        assert drawn_paths(page) == 1 + 7 + 5 + 1
        page.screenshot(path=SCREENSHOTS / "standalone-full.png")

        page.get_by_label(re.compile(r"Otrygga platser \(7\)")).uncheck()
        assert drawn_paths(page) == 1 + 5 + 1
        page.get_by_label(re.compile(r"Otrygga platser \(7\)")).check()
        assert drawn_paths(page) == 1 + 7 + 5 + 1

        # A popup shows the description's markup as text and runs nothing.
        page.evaluate("""() => {
            // An unsafe place: filled in the colour of its category (poor lighting).
            const place = document.querySelector('.leaflet-overlay-pane path.leaflet-interactive[fill="#E69F00" i]');
            place.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: 1, clientY: 1}));
        }""")
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert "<script>alert(1)</script>" in popup.inner_text()
        assert page.evaluate("() => document.querySelectorAll('.leaflet-popup-content script').length") == 0
        assert page.title() == EVIL_TITLE
    assert dialogs == []


@pytest.mark.browser
def test_the_public_demo_map_opens_with_no_request_at_all(demo_file, tmp_path):
    with GeoPackageStore.open(demo_file) as store:
        view = public_view(store, "molndal-2018")
        document = build_standalone_map(store, "molndal-2018", public=True, today=dt.date(2018, 9, 1))
    expected = 1 + len(view.unsafe_places.cells) + len(view.operations.cells) + len(view.sites.cells)
    with browser_page(1280, 800) as (page, console):
        outside = open_offline(page, document, tmp_path / "public.html")
        assert outside == []
        assert console.errors == []
        assert drawn_paths(page) == expected
        assert page.is_visible(".pm-demo") and page.is_visible(".pm-legend")
        page.screenshot(path=SCREENSHOTS / "standalone-public.png")
        page.get_by_label("Otrygga platser, antal rapporter per ruta").uncheck()
        assert drawn_paths(page) == expected - len(view.unsafe_places.cells)


def test_a_view_of_more_records_than_a_browser_can_take_is_drawn_as_counts(demo_copy, monkeypatch):
    import dashboard.standalone as standalone
    import geodata.views.standalone
    from geodata.access import readable_query
    from geodata.store import GeoPackageStore, LayerQuery

    monkeypatch.setattr(geodata.views.standalone, "MAX_MARKERS", 100)
    with GeoPackageStore.open(demo_copy) as store:
        page = standalone.build_standalone_map(store, "mark-2021")
        places = store.read_layer("unsafe_places")
        shown = sum(
            store.count(layer, readable_query(layer, LayerQuery(pledge_id="mark-2021")))
            for layer in ("unsafe_places", "inventoried_sites", "operations")
        )  # internal operations left out
    assert f"Kartan visar {shown} poster som antal per sexhörning (fler än 100" in page
    assert not [d for d in places["description"].dropna() if d in page]  # counts, not records
