"""Words from data are shown as text everywhere: no markup a record, a pledge or a file holds takes effect.

Plotly draws a subset of HTML in hover labels, legends, annotations and ticks, and the standalone map's popups
and tooltips are HTML: each figure is built through its real builder from records and pledges holding markup,
and what reaches the figure (or the page) must be that markup escaped, shown as the characters it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from html.parser import HTMLParser

import plotly
import pytest

from dashboard.figures.analysis import goal_chart
from dashboard.figures.map import map_figure
from dashboard.figures.regional import pledge_map_figure
from dashboard.figures.timeline import timeline_figure
from dashboard.i18n import translator
from dashboard.standalone import build_standalone_map
from dashboard.text import plain
from geodata.analysis.indicators import goal_trends
from geodata.boundaries import municipality_geojson
from geodata.model import pledge_from_dict
from geodata.regions import parse_scope
from geodata.store import GeoPackageStore, LayerQuery
from geodata.views.mapview import layer_view
from geodata.views.progress import pledge_progress
from geodata.views.regional import regional_overview
from geodata.views.timeline import pledge_timeline

from builders import frame, operation, pledge_dict, site, unsafe_place

t = translator("sv")
TODAY = dt.date(2024, 10, 1)
# Each of these must show as its characters; the last is the five characters "&lt;", not "<".
MARKUP = (
    "<b>x</b>",
    '<span style="font-size:90px">big</span>',
    '<a href="javascript:alert(1)">länk</a>',
    "<img src=x onerror=alert(1)>",
    "&lt;",
)
HOSTILE = "Mörk gång " + " ".join(MARKUP)
# What must never reach a figure or a page from data: the raw tags.
RAW = re.compile(r"<(b|span|a|img)\b|&lt;(?!/?\w)")


def strings(value, skip=("hovertemplate", "texttemplate")) -> list[str]:
    """Every string in a figure (as plotly serialises it), but the templates we write ourselves."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in skip for s in strings(v, skip)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in strings(v, skip)]
    return []


def serialised(figure) -> dict:
    figure = figure if isinstance(figure, dict) else figure.to_plotly_json()
    return json.loads(json.dumps(figure, cls=plotly.utils.PlotlyJSONEncoder))


def assert_shown_as_text(figure, hostile: str = HOSTILE) -> None:
    found = strings(serialised(figure))
    assert any(plain(hostile) in s for s in found), "the hostile text is not in the figure at all"
    assert "&amp;lt;" in plain(hostile)  # the literal "&lt;" is escaped once more, so it shows as typed
    for s in found:
        for tag in MARKUP[:4]:
            assert tag not in s, f"raw markup {tag!r} in {s!r}"
        assert 'font-size:90px">' not in s


def test_the_escape_is_one_rule_for_plotly_and_html():
    assert plain("<b>x</b> & \"q\" 'a' &lt;") == "&lt;b&gt;x&lt;/b&gt; &amp; &#34;q&#34; &#39;a&#39; &amp;lt;"
    assert plain("Storgatan 4, Kinna") == "Storgatan 4, Kinna"


@pytest.fixture
def hostile_store(gpkg_store):
    gpkg_store.write_batch("unsafe_places", frame(unsafe_place(description=HOSTILE)))
    gpkg_store.write_batch("inventoried_sites", frame(site(address=HOSTILE, owner=HOSTILE)))
    gpkg_store.write_batch(
        "operations", frame(operation(title=HOSTILE), operation(title=HOSTILE, visibility="public", focus=None))
    )
    return gpkg_store


@pytest.mark.parametrize("layer", ["unsafe_places", "inventoried_sites", "operations"])
def test_the_overview_map_s_hover_shows_a_record_s_words_as_text(hostile_store, layer):
    view = layer_view(hostile_store, layer, LayerQuery())
    boundary, bounds = municipality_geojson("1463")
    figure = map_figure({layer: view}, boundary, t, bounds=bounds)
    assert_shown_as_text(figure)
    [records] = [tr for tr in figure["data"] if (tr.get("meta") or {}).get("role") == "records"]
    assert records["customdata"][0][0] == records["ids"][0]  # the id a click reports is the record's, unescaped


def test_the_timeline_s_hover_shows_an_operation_s_title_as_text(hostile_store):
    pledge = pledge_from_dict(pledge_dict())
    rows = pledge_timeline(hostile_store, pledge)
    progress = pledge_progress(hostile_store, pledge, TODAY)
    assert_shown_as_text(timeline_figure(rows, progress, t, today=TODAY))


def test_the_pledge_map_s_hover_shows_a_pledge_s_title_as_text(gpkg_store):
    gpkg_store.save_pledge(pledge_from_dict(pledge_dict(title=HOSTILE)))
    overview = regional_overview(gpkg_store, parse_scope(None), None, TODAY)
    figure = pledge_map_figure(overview, t, "sv", lambda state: state, lambda row: f"/pledge?id={row.pledge.id}")
    assert_shown_as_text(figure)


def test_a_goal_chart_shows_a_survey_s_area_names_and_break_reasons_as_text(demo_file):
    with GeoPackageStore.open(demo_file) as store:
        trend = next(tr for tr in goal_trends(store, store.get_pledge("mark-2021")) if tr.has_data)
    series = trend.series.copy()
    series["area_name"] = HOSTILE
    later = series["year"] > series["year"].min()
    series.loc[later & (series["year"] == series.loc[later, "year"].min()), "series_break"] = True
    series["break_reason"] = HOSTILE
    figure = goal_chart(dataclasses.replace(trend, series=series), t)
    assert_shown_as_text(figure)
    [note] = [a["hovertext"] for a in figure["layout"]["annotations"] if "hovertext" in a]
    assert plain(HOSTILE) in note


class _Elements(HTMLParser):
    """Every element and attribute an HTML text makes, as a browser's parser would make them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def elements(markup: str) -> _Elements:
    parser = _Elements()
    parser.feed(markup)
    parser.close()
    return parser


def test_the_standalone_map_makes_no_element_from_data(hostile_store):
    hostile_store.save_pledge(pledge_from_dict(pledge_dict(title=HOSTILE)))
    document = build_standalone_map(hostile_store, "test-2024", today=TODAY)
    # The page itself, and each popup and tooltip Leaflet will set as HTML.
    parts = [document]
    for payload in re.findall(r"_add\((\{.*?\})\);\n", document, flags=re.DOTALL):
        for feature in json.loads(payload)["features"]:
            properties = feature.get("properties", {})
            parts += [properties[k] for k in ("popup", "tooltip") if properties.get(k)]
    assert len(parts) > 3
    shown = []
    for part in parts:
        found = elements(part)
        for tag, attrs in found.tags:
            assert tag not in ("img", "b"), (tag, attrs)
            assert "onerror" not in attrs and "90px" not in attrs.get("style", "")
            assert not (attrs.get("href") or "").lower().startswith("javascript")
        shown.append("".join(found.text))
    # ... and the words are there, as the characters they are (the literal "&lt;" too).
    assert any(HOSTILE in text for text in shown)
