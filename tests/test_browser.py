"""In a real headless Chromium: `pledgemap serve` writes the demo store on first run and the page renders it."""

from __future__ import annotations

import pytest

from browser import rendered_dom, run_chromium, serving

pytestmark = pytest.mark.browser


def test_first_run_serves_the_demo_store_and_the_page_renders(tmp_path):
    data = tmp_path / "fresh" / "pledgemap.gpkg"
    with serving(data) as url:
        assert data.is_file()  # written on first run
        dom = rendered_dom(url)
        english = rendered_dom(url + "?lang=en")
        shot = tmp_path / "overview.png"
        run_chromium(url, f"--screenshot={shot}")
    # Rendered by Dash's JavaScript in the browser, not present in the server's HTML.
    assert "Medborgarlöfte Mölndals stad 2018" in dom and "Medborgarlöfte Mark 2021" in dom
    assert "Demodata:" in dom
    assert "3 av 4" in dom
    assert 'data-layer="unsafe_places"' in dom
    assert "What we promise" in english and "Demo data:" in english
    assert shot.stat().st_size > 20_000
