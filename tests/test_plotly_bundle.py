"""The pages' own plotly.js (dashboard/assets/vendor/plotly/): the version plotly.py expects, loaded on every page
before any graph, Dash's full bundle never fetched, and every figure the app builds drawn by it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly.offline
import pytest

from dashboard.ids import Analysis, Layers, Overview, Regional, Situation

from browser import browser_page, run_script
from dash_http import (
    call_callback,
    call_overview_map,
    call_overview_timeline,
    layers_view,
    overview_map_inputs,
    props_where,
    render_page,
    run_before_after,
)

REPO = Path(__file__).resolve().parent.parent
VENDOR = REPO / "dashboard" / "assets" / "vendor" / "plotly"
BUNDLE = VENDOR / "plotly.min.js"
# What the app draws: a figure with another trace type needs it in scripts/plotly-bundle/index.js.
TRACE_TYPES = {"scatter", "bar", "heatmap", "scattermap", "choroplethmap"}
DASH_PLOTLY = "/_dash-component-suites/plotly/"


def bundle_version(text: str) -> str:
    """The version plotly.js's own src/version.js writes into the bundle (``exports.version = "…"``)."""
    found = set(re.findall(r'\.version="(\d+\.\d+\.\d+)"', text))
    assert len(found) == 1, found
    return found.pop()


def test_the_vendored_plotly_is_the_version_plotly_py_expects():
    expected = plotly.offline.get_plotlyjs_version()
    assert bundle_version(BUNDLE.read_text(encoding="utf-8")) == expected
    source = (VENDOR / "SOURCE.md").read_text(encoding="utf-8")
    assert source.startswith(f"# plotly.js {expected},") and f"version {expected}" in source
    recipe = json.loads((REPO / "scripts" / "plotly-bundle" / "package.json").read_text(encoding="utf-8"))
    assert recipe["devDependencies"]["plotly.js"] == expected
    lock = json.loads((REPO / "scripts" / "plotly-bundle" / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/plotly.js"]["version"] == expected
    assert (VENDOR / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_the_bundle_s_trace_types_are_the_ones_its_recipe_and_source_name():
    entry = (REPO / "scripts" / "plotly-bundle" / "index.js").read_text(encoding="utf-8")
    assert set(re.findall(r"require\('plotly\.js/lib/(\w+)'\)", entry)) - {"core"} == TRACE_TYPES
    source = (VENDOR / "SOURCE.md").read_text(encoding="utf-8")
    listed = re.search(r"^- (`\w+`(?:, `\w+`)*)$", source, re.MULTILINE)
    assert listed and set(re.findall(r"`(\w+)`", listed.group(1))) == TRACE_TYPES


def test_every_page_loads_the_bundle_after_the_swedish_locale_and_never_leaflet(client):
    for path in ("/", "/analysis", "/alla", "/tillganglighet"):
        page = client.get(path).get_data(as_text=True)
        scripts = re.findall(r'<script src="([^"]+)"', page)
        names = [s.split("?")[0] for s in scripts]
        assert "/assets/vendor/plotly/plotly.min.js" in names, (path, names)
        # The locale queues itself in window.PlotlyLocales, which plotly.js reads once, when it runs.
        assert names.index("/assets/plotly-locale-sv.js") < names.index("/assets/vendor/plotly/plotly.min.js")
        # Before Dash's renderer, which renders the graphs.
        renderer = next(i for i, n in enumerate(names) if "dash_renderer" in n)
        assert names.index("/assets/vendor/plotly/plotly.min.js") < renderer
        assert not [n for n in names if "leaflet" in n or DASH_PLOTLY in n], names


# --- every figure the app builds, from the demo store through the app's own callbacks and pages ----------------


def _figures_in(tree) -> list[dict]:
    return [
        p["figure"] for p in props_where(tree, lambda p: isinstance(p.get("figure"), dict) and "data" in p["figure"])
    ]


def app_figures(client) -> dict[str, dict]:
    """Every figure builder's output on the demo store (a goal linked to a survey, so goal charts draw), named."""
    from test_regional_pages import WIDE, view

    figures: dict[str, dict] = {}
    for pledge in ("mark-2021", "molndal-2018"):
        answer = call_overview_map(client, overview_map_inputs(pledge))
        figures[f"overview map {pledge}"] = answer[Overview.map]["figure"]
        figures[f"timeline {pledge}"] = call_overview_timeline(client, pledge)[Overview.timeline]["figure"]
    for layer in ("unsafe_places", "inventoried_sites", "operations"):
        answer = call_callback(
            client,
            f"{Layers.map}.figure",
            {f"{Layers.view}.data": layers_view(layer), f"{Layers.tiles_ok}.data": False},
        )
        figures[f"layers map {layer}"] = answer[Layers.map]["figure"]
    from dash_http import analysis_inputs

    for mode in ("gi", "density", "counts"):
        answer = call_callback(
            client,
            f"{Analysis.map}.figure",
            analysis_inputs(mode, permutations=99),
            state={f"{Analysis.lang}.data": "sv"},
        )
        figures[f"analysis {mode}"] = answer[Analysis.map]["figure"]
    _, effect = run_before_after(client)
    for i, figure in enumerate(_figures_in(effect[Analysis.effect]["children"])):
        figures[f"intervention {i}"] = figure
    state = view()
    figures["regional pledge map"] = call_callback(
        client, f"{Regional.map}.figure", {f"{Regional.map_view}.data": state, f"{Regional.width}.data": WIDE}
    )[Regional.map]["figure"]
    figures["regional report grid"] = call_callback(
        client,
        f"{Regional.grid}.figure",
        {f"{Regional.map_view}.data": state, f"{Regional.width}.data": WIDE, f"{Regional.grid}.relayoutData": None},
        state={f"{Regional.grid_drawn}.data": None},
    )[Regional.grid]["figure"]
    situation = call_callback(
        client,
        f"{Situation.content}.children",
        {f"{Situation.municipality}.value": "1463", f"{Situation.year}.value": "2021"},
        state={f"{Situation.lang}.data": "sv"},
    )
    for i, figure in enumerate(_figures_in(situation[Situation.content]["children"])):
        figures[f"lägesbild {i}"] = figure
    for path, search in (("/pledge", "?pledge=mark-2021"), ("/analysis", "?pledge=mark-2021")):
        for i, figure in enumerate(_figures_in(render_page(client, path, search))):
            figures[f"{path} {i}"] = figure
    return figures


DRAW = """async (figures) => {
    const drawn = {};
    for (const [name, figure] of Object.entries(figures)) {
        const div = document.createElement('div');
        div.style.width = '800px'; div.style.height = '500px';
        document.body.appendChild(div);
        try {
            const timeout = new Promise((_, fail) => setTimeout(() => fail(new Error('not drawn in 20 s')), 20000));
            await Promise.race([Plotly.newPlot(div, figure.data, figure.layout || {}, {locale: 'sv'}), timeout]);
            drawn[name] = (div._fullData || []).map((t, i) => [figure.data[i].type || 'scatter', t.type, !!t._module]);
        } catch (e) {
            drawn[name] = String(e);
        }
        Plotly.purge(div);
        div.remove();
    }
    return drawn;
}"""


@pytest.mark.browser
def test_every_figure_the_app_builds_draws_with_the_bundle(goal_survey_file, charts_server):
    from dashboard.settings import Settings

    from dash_http import make_client

    figures = app_figures(make_client(Settings(data=goal_survey_file, tiles_url=None)))
    types = {trace.get("type", "scatter") for figure in figures.values() for trace in figure["data"]}
    assert types == TRACE_TYPES, types  # every trace type the bundle holds is drawn here, and no other
    # A page of the app's own origin that loads no plotly (maps need an http origin for their worker).
    with browser_page() as (page, console):
        page.goto(f"{charts_server}/tillganglighet.html")
        run_script(page, REPO / "dashboard" / "assets" / "plotly-locale-sv.js")
        run_script(page, BUNDLE)
        assert page.evaluate("() => Plotly.version") == plotly.offline.get_plotlyjs_version()
        drawn = page.evaluate(DRAW, json.loads(json.dumps(figures, default=str)))
    failed = {name: result for name, result in drawn.items() if isinstance(result, str)}
    assert not failed, failed
    # A trace type the bundle lacks is drawn as nothing: plotly gives it no module (and says so only at logging 2).
    unknown = {name: [t for t in traces if not (t[0] == t[1] and t[2])] for name, traces in drawn.items()}
    assert not {name: t for name, t in unknown.items() if t}, unknown
    assert all(drawn[name] for name, figure in figures.items() if figure["data"]), drawn
    assert not [e for e in console.errors if "trace type" in e.lower() or "not found" in e.lower()], console.errors
    assert console.errors == []


# --- every page that draws graphs, in the browser ----------------------------------------------------------------

GRAPH_PAGES = (
    "/?pledge=mark-2021",
    "/alla",
    "/layers?pledge=mark-2021&layer=unsafe_places",
    "/analysis?pledge=mark-2021",
    "/pledge?pledge=mark-2021",
    "/lagesbild?kommun=1463&year=2021",
)
ALL_DRAWN = """() => {
    const graphs = Array.from(document.querySelectorAll('.js-plotly-plot'));
    return graphs.length > 0 && graphs.every(g => g._fullData && g._fullData.length > 0 &&
        g._fullData.every((t, i) => t._module && t.type === ((g.data[i] || {}).type || 'scatter')));
}"""


@pytest.mark.browser
@pytest.mark.parametrize("path", GRAPH_PAGES)
def test_every_graph_page_draws_with_the_bundle_and_never_asks_for_dash_s(charts_server, path):
    with browser_page() as (page, console):
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(charts_server + path)
        page.wait_for_function(ALL_DRAWN, timeout=60_000)
        assert page.evaluate("() => Plotly.version") == plotly.offline.get_plotlyjs_version()
        # The Swedish locale the page's graphs name was registered: the modebar speaks Swedish.
        titles = page.evaluate("() => Array.from(document.querySelectorAll('.modebar-btn')).map(b => b.dataset.title)")
        assert "Återställ vyn" in titles or "Anpassa axlarna" in titles, titles
    assert [u for u in requested if u.endswith("/assets/vendor/plotly/plotly.min.js") or "plotly.min.js?" in u]
    assert not [u for u in requested if DASH_PLOTLY in u], requested
    assert not [e for e in console.errors if "trace type" in e.lower() or "not found" in e.lower()], console.errors
    assert console.errors == []
