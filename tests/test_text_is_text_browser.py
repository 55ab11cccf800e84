"""A record's description in the overview map's hover label, in a real Chromium: its characters, not its markup."""

from __future__ import annotations

import pytest

from dashboard.ids import Overview
from geodata.model import pledge_from_dict
from geodata.store import GeoPackageStore

from browser import SCREENSHOTS, browser_page, serving
from builders import frame, pledge_dict, unsafe_place

pytestmark = pytest.mark.browser

DESCRIPTION = 'Gång <b>x</b> <span style="font-size:90px">big</span> <a href="javascript:alert(1)">l</a> &lt;'
GRAPH = f"document.querySelector('#{Overview.map} .js-plotly-plot')"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("text") / "pledgemap.gpkg"
    with GeoPackageStore.create(data) as store:
        store.save_pledge(pledge_from_dict(pledge_dict()))
        store.write_batch("unsafe_places", frame(unsafe_place(description=DESCRIPTION, pledge_id="test-2024")))
    with serving(data, env={"PLEDGEMAP_TILES": "none"}) as url:
        yield url


def test_the_hover_label_shows_a_description_s_markup_as_its_characters(served):
    with browser_page(1366, 900) as (page, console):
        page.goto(served + "?pledge=test-2024&layers=unsafe_places")
        page.wait_for_function(
            f"() => {{ const g = {GRAPH}; return g && g.data && g.data.some(t => t.meta && t.meta.role === 'records')"
            " && g._fullLayout.map && g._fullLayout.map._subplot && g._fullLayout.map._subplot.map; }",
            timeout=60_000,
        )
        page.wait_for_timeout(1500)  # the map's camera settles on the municipality
        # Where the point is on screen, as MapLibre projects it; the mouse then hovers it as a reader would.
        x, y = page.evaluate(
            f"""() => {{
                const g = {GRAPH};
                const t = g.data.find(t => t.meta && t.meta.role === 'records');
                const subplot = g._fullLayout.map._subplot;
                const p = subplot.map.project([t.lon[0], t.lat[0]]);
                const box = subplot.div.getBoundingClientRect();
                return [box.left + p.x, box.top + p.y];
            }}"""
        )
        page.mouse.move(x - 30, y - 30)
        page.mouse.move(x, y, steps=5)
        page.wait_for_function(f"() => {GRAPH}.querySelector('.hoverlayer .hovertext') !== null", timeout=10_000)
        label = page.evaluate(
            f"""() => {{
                const h = {GRAPH}.querySelector('.hoverlayer .hovertext');
                return {{
                    text: h.textContent,
                    links: h.querySelectorAll('a').length,
                    styled: [...h.querySelectorAll('tspan[style]')].map(s => s.getAttribute('style')),
                    bold: [...h.querySelectorAll('tspan')].filter(s => s.textContent === 'x'
                        && getComputedStyle(s).fontWeight >= 600).length,
                }};
            }}"""
        )
        page.screenshot(path=SCREENSHOTS / "overview-hover-text.png")
    assert '<b>x</b> <span style="font-size:90px">big</span>' in label["text"]
    assert '<a href="javascript:alert(1)">l</a> &lt;' in label["text"]  # the literal "&lt;" stays five characters
    assert label["links"] == 0 and label["bold"] == 0
    assert not any("90px" in style for style in label["styled"])
    assert console.errors == []
