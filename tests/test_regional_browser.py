"""Alla löften in a real headless Chromium against a real `pledgemap serve` of the demo store (issue 18): both maps
drawn, a click on a municipality opens its pledge, the scope in the address, axe at the four sizes."""

from __future__ import annotations

import pytest

from dashboard.ids import Overview, Regional

from browser import SCREENSHOTS, axe_violations, browser_page, serving

pytestmark = pytest.mark.browser

DRAWN = (
    f"() => {{ const m = document.querySelector('#{Regional.map} .js-plotly-plot'),"
    f" g = document.querySelector('#{Regional.grid} .js-plotly-plot');"
    " return m && m.data && m.data.some(t => t.type === 'choroplethmap')"
    " && g && g.data && g.data.some(t => t.meta && t.meta.role === 'grid'); }"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("regional") / "pledgemap.gpkg"
    with serving(data, env={"PLEDGEMAP_TILES": "none"}) as url:
        yield url


def _drawn(page) -> None:
    page.wait_for_function(DRAWN, timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=30_000)
    page.wait_for_timeout(500)


def _inside(code: str) -> tuple[float, float]:
    """A point well inside a municipality (WGS84 lon, lat)."""
    import geopandas as gpd

    from geodata.boundaries import municipality

    point = gpd.GeoSeries([municipality(code).geometry.representative_point()], crs=3006).to_crs(4326).iloc[0]
    return point.x, point.y


def test_both_maps_are_drawn_and_a_click_on_a_municipality_opens_its_pledge(served):
    lon, lat = _inside("1860")  # Laxå
    with browser_page(1366, 768) as (page, console):
        page.goto(served + "alla?scope=region-bergslagen")
        _drawn(page)
        page.locator(f"#{Regional.map}").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        grid_cells = page.evaluate(
            f"() => document.querySelector('#{Regional.grid} .js-plotly-plot').data[0].lat.length"
        )
        x, y = page.evaluate(
            f"""() => {{
                const gd = document.querySelector('#{Regional.map} .js-plotly-plot');
                const at = gd._fullLayout.map._subplot.map.project([{lon}, {lat}]);
                const box = gd.querySelector('.mapboxgl-canvas, .maplibregl-canvas').getBoundingClientRect();
                return [box.left + at.x, box.top + at.y];
            }}"""
        )
        page.screenshot(path=SCREENSHOTS / "regional-bergslagen-1366.png")
        # The scope chosen is in sight in its box, though it is near the end of the list.
        box = page.locator(f"#{Regional.scope}").bounding_box()
        chosen = page.get_by_role("radio", name="Region Bergslagen").bounding_box()
        page.mouse.move(x, y)
        page.wait_for_timeout(400)
        page.mouse.click(x, y)
        page.wait_for_url("**/?pledge=demo-laxa-2021", timeout=20_000)
        page.wait_for_selector(f"#{Overview.title}:has-text('Laxå')", timeout=30_000)
    assert grid_cells > 0
    assert box["y"] <= chosen["y"] <= box["y"] + box["height"] - chosen["height"], (box, chosen)
    assert console.errors == []


def test_the_scope_chosen_is_in_the_address_and_survives_a_reload(served):
    with browser_page(1366, 768) as (page, console):
        page.goto(served + "alla")
        _drawn(page)
        page.get_by_role("radio", name="Region Väst").check()
        page.wait_for_function("() => new URLSearchParams(location.search).get('scope') === 'region-vast'")
        page.wait_for_selector(f"#{Regional.heading}:has-text('Region Väst')")
        page.reload()
        _drawn(page)
        heading = page.locator(f"#{Regional.heading}").inner_text()
        checked = page.get_by_role("radio", name="Region Väst").is_checked()
        municipalities = page.evaluate(
            f"() => document.querySelector('#{Regional.map} .js-plotly-plot').data.flatMap(t => t.locations)"
        )
    assert heading == "Medborgarlöften i Region Väst 2021" and checked
    assert len(municipalities) == 55 and all(code[:2] in ("13", "14") for code in municipalities)
    assert console.errors == []


def test_the_page_passes_axe_at_every_size_and_a_phone_needs_no_sideways_scrolling(served):
    found = {}
    with browser_page(1920, 1080) as (page, console):
        for width, height in [(1920, 1080), (1366, 768), (1280, 720), (390, 844)]:
            page.set_viewport_size({"width": width, "height": height})
            page.goto(served + "alla")
            _drawn(page)
            found[width] = (
                axe_violations(page),
                page.evaluate("() => document.documentElement.scrollWidth"),
            )
            page.screenshot(path=SCREENSHOTS / f"regional-{width}x{height}.png", full_page=True)
    for width, (violations, scroll_width) in found.items():
        assert violations == [], (width, violations)
        assert scroll_width <= width, (width, scroll_width)
    assert console.errors == []
