"""Analys / Analysis: hot spots (Gi*), density and counts; safe and unsafe places by who reported; an intervention
before and after; goals and surveys.

Every number comes from ``geodata.analysis`` (the same functions as
``pledgemap analyze``), computed on the records the signed-in account may
read; this page only chooses the inputs and words the results.
"""

from __future__ import annotations

import dash
import geopandas as gpd
from dash import Input, Output, State, callback, dcc, html, no_update
from dash.exceptions import PreventUpdate
from shapely.geometry import Polygon

from dashboard.components.analysis_tables import (
    band_table,
    breakdown_table,
    hotspot_table,
    intervention_areas_table,
    intervention_months_table,
)
from dashboard.components.goals import goal_cards
from dashboard.components.layout import (
    PageStart,
    alert,
    date_range,
    page,
    pledge_picker,
    promise_label,
    radio_group,
    short_text,
    start_page,
)
from dashboard.components.tables import table_head
from dashboard.components.titles import page_title
from dashboard.context import request_store, settings
from dashboard.figures.analysis import (
    banded_figure,
    breakdown_chart,
    count_band,
    density_band,
    density_figure,
    first_view,
    hotspot_figure,
    intervention_chart,
    intervention_map,
)
from dashboard.figures.map import Basemap
from dashboard.figures.mapping import zoom_of
from dashboard.figures.style import graph_config
from dashboard.i18n import alternatives, language, number, percent, signed, signed_percent, translator
from dashboard.ids import Analysis as ID
from dashboard.state import parse_date
from geodata import STORAGE_CRS, LayerQuery, PledgemapError, municipality_geojson, vocab
from geodata.analysis import getisord
from geodata.analysis.counts import hex_counts_for_zoom
from geodata.analysis.defaults import (
    DEFAULT_BUFFER_M,
    DEFAULT_DAYS,
    DEFAULT_RINGS,
    DENSITY_BANDWIDTH_M,
    DENSITY_MAP_CELL_M,
)
from geodata.analysis.findings import Finding
from geodata.analysis.indicators import goal_trends
from geodata.analysis.interventions import intervention_effect
from geodata.analysis.safety import pledge_breakdown
from geodata.clock import LOCAL_TZ_NAME

dash.register_page(__name__, path="/analysis", name="Analys", title=page_title("nav.analysis"), order=4)


def analysis_basemap() -> Basemap:
    """A configured local basemap file's tiles (with its attribution) under the analysis maps; else a plain
    background: an online tile server is not asked for, the cells are the picture and the page works offline."""
    configured = settings()
    return Basemap.of(configured, on=configured.basemap is not None)


def layout(pledge: str | None = None, lang: str | None = None, **_query: str) -> html.Div:
    lang = language(lang)
    t = translator(lang)
    start = start_page(lang, "/analysis", pledge, banner_of_pledge=True)
    if not isinstance(start, PageStart):
        return start
    pledges, chosen, banner = start.pledges, start.pledge.id, start.banner
    # Native radio buttons: a keyboard and a screen reader handle them as they are (Dash's dropdown is not clean).
    choice = lambda i, legend, value, options: radio_group(i, legend, options, value, inline=True, boxed=False)
    hotspot_controls = html.Form(
        className="pm-table-controls",
        **{"aria-label": t("analysis.settings")},
        children=[
            pledge_picker(ID.pledge, pledges, chosen, t("filters.pledge"), lang),
            html.Fieldset(date_range(t, t("filters.time"), ID.start, ID.end)),
            html.Fieldset(
                [
                    html.Legend(t("filters.categories")),
                    dcc.Checklist(
                        id=ID.categories,
                        value=list(vocab.UNSAFE_CATEGORIES),
                        className="pm-checks pm-inline",
                        options=[{"label": t(f"category.{c}"), "value": c} for c in vocab.UNSAFE_CATEGORIES],
                    ),
                ]
            ),
            choice(
                ID.mode,
                t("analysis.show"),
                "gi",
                [{"label": t(f"analysis.mode_{mode}"), "value": mode} for mode in ("gi", "density", "counts")],
            ),
            choice(
                ID.cell,
                t("analysis.cell"),
                "auto",
                [{"label": t("analysis.cell_auto"), "value": "auto"}]
                + [{"label": f"{number(size, lang)} m", "value": size} for size in (250, 500, 1000)],
            ),
            choice(
                ID.rings,
                t("analysis.rings"),
                DEFAULT_RINGS,
                [
                    {"label": t("analysis.rings_n", rings=r, cells=getisord.Neighbourhood(r).cells), "value": r}
                    for r in (1, 2, 3)
                ],
            ),
            choice(
                ID.permutations,
                t("analysis.permutations"),
                999,
                [{"label": number(n, lang), "value": n} for n in (999, 9999)],
            ),
            dcc.Checklist(
                id=ID.fdr, value=["fdr"], className="pm-checks", options=[{"label": t("analysis.fdr"), "value": "fdr"}]
            ),
        ],
    )
    body = [
        banner,
        html.H1(t("nav.analysis")),
        html.P(t("analysis.help"), className="pm-help"),
        html.Section(
            className="pm-panel",
            children=[
                html.H2(t("analysis.hotspots")),
                html.P(t("analysis.unsafe_only"), className="pm-help"),
                hotspot_controls,
                dcc.Loading(
                    dcc.Graph(
                        id=ID.map,
                        className="pm-map",
                        style={"height": "520px"},
                        config=graph_config(lang, scroll_zoom=True, add=("lasso2d",)),
                    )
                ),
                html.Div(id=ID.map_table),
                html.Div(id=ID.findings, role="status"),
            ],
        ),
        html.Section(
            className="pm-panel",
            children=[
                html.H2(t("analysis.reporters")),
                html.P(t("analysis.reporters_help"), className="pm-help"),
                dcc.Loading(html.Div(id=ID.breakdown, role="status")),
            ],
        ),
        html.Section(
            className="pm-panel",
            children=[
                html.H2(t("effect.heading")),
                html.P(t("effect.help"), className="pm-help"),
                html.Form(
                    className="pm-table-controls",
                    **{"aria-label": t("effect.heading")},
                    children=[
                        radio_group(
                            ID.target,
                            t("effect.what"),
                            [{"label": t(f"effect.by_{x}"), "value": x} for x in ("operation", "promise", "area")],
                            "operation",
                            boxed=False,
                        ),
                        radio_group(
                            ID.operation, t("effect.operation"), [], boxed=False, radios_class="pm-radios pm-scroll"
                        ),
                        radio_group(ID.promise, t("effect.promise"), [], boxed=False),
                        html.Div(
                            className="pm-dates",
                            children=[html.Label([t("effect.date"), dcc.Input(id=ID.date, type="date")])],
                        ),
                        html.Label(
                            [
                                t("effect.days"),
                                dcc.Input(id=ID.days, type="number", min=7, max=730, step=1, value=DEFAULT_DAYS),
                            ]
                        ),
                        html.Label(
                            [
                                t("effect.buffer_width"),
                                dcc.Input(
                                    id=ID.buffer, type="number", min=50, max=5000, step=50, value=DEFAULT_BUFFER_M
                                ),
                            ]
                        ),
                        html.Button(
                            t("effect.run"), id=ID.run, type="button", className="pm-button pm-primary", n_clicks=0
                        ),
                    ],
                ),
                html.P(t("effect.draw_hint"), className="pm-hint"),
                dcc.Loading(html.Div(id=ID.effect, role="status")),
            ],
        ),
        html.Section(className="pm-panel", children=[html.H2(t("goals.heading")), html.Div(id=ID.goals)]),
        dcc.Store(id=ID.lang, data=lang),
        dcc.Store(id=ID.drawn),
        dcc.Store(id=ID.zoom),
    ]
    return page(lang, "/analysis", body, f"pledge={chosen}")


# How a finding's values are written; every other number is a count, written whole ("1 660").
_FINDING_FORMATS = {
    "wdq": lambda value, lang: number(value, lang, 2),
    "wdd": lambda value, lang: signed(value, lang),
    "low": lambda value, lang: signed(value, lang),
    "high": lambda value, lang: signed(value, lang),
    "change": lambda value, lang: signed_percent(value, lang),
}
_NOT_NUMBERS = {"seed"}  # a seed names a run; "20 180 101" would read as a quantity


def finding_text(finding: Finding, t) -> str:
    """A finding in the page's language (the domain's English words it for the command line), numbers as it writes them."""
    lang = language(t("app.lang_code"))
    params = dict(finding.params)
    for key, value in params.items():
        if key in _FINDING_FORMATS and isinstance(value, (int, float)) and not isinstance(value, bool):
            params[key] = _FINDING_FORMATS[key](value, lang)
        elif key not in _NOT_NUMBERS and isinstance(value, (int, float)) and not isinstance(value, bool):
            params[key] = number(value, lang)
    if finding.code == "gi_method":
        params["fdr_text"] = t("finding.fdr_on") if finding.params.get("fdr") else t("finding.fdr_off")
    if finding.code == "p_resolution":
        params["levels"] = alternatives(
            [percent(level / 100, lang) for level in finding.params.get("levels", [])], lang
        )
    if finding.code.endswith("_change") and finding.params.get("change") is None:
        params["change"] = t("finding.no_before")
    if "area" in params:
        params["area"] = t(f"effect.{params['area']}")
    return t(f"finding.{finding.code}", **params)


def findings_list(findings: list[Finding], t) -> html.Div:
    groups = []
    for level in ("result", "caution", "note"):
        items = [html.Li(finding_text(f, t)) for f in findings if f.level == level]
        if items:
            groups.append(
                html.Div(
                    [html.H3(t(f"finding.level_{level}")), html.Ul(items)], className=f"pm-findings pm-findings-{level}"
                )
            )
    return html.Div(groups)


HOTSPOT_INPUTS = (ID.pledge, ID.start, ID.end, ID.categories, ID.mode, ID.cell, ID.rings, ID.permutations, ID.fdr)


# The map's relayoutData is not an input of the figure's callback. It was, and the first figure was lost on every
# visit where the graph reported its autosize ({"autosize": true}) before the Gi* answer came back: Dash drops the
# answer of a callback that was called again meanwhile, and the second call answered "no change", so the map stayed
# empty until an option changed. Now only a zoom in the counts view reaches the figure, through the zoom store.
@callback(
    Output(ID.map, "figure"),
    Output(ID.findings, "children"),
    Output(ID.map_table, "children"),
    *(Input(i, "value") for i in HOTSPOT_INPUTS),
    Input(ID.zoom, "data"),
    State(ID.lang, "data"),
)
def show_hotspots(pledge, start, end, categories, mode, cell, rings, permutations, fdr, zoom, lang):
    return _hotspot_view(pledge, start, end, categories, mode, cell, rings, permutations, fdr, zoom, lang)


@callback(
    Output(ID.zoom, "data"),
    Input(ID.map, "relayoutData"),
    State(ID.mode, "value"),
    prevent_initial_call=True,
)
def follow_zoom(relayout, mode):
    """The zoom the counts per hexagon follow; other views, and a relayout that is not a zoom, change nothing."""
    zoom = zoom_of(relayout)
    if mode != "counts" or zoom is None:
        raise PreventUpdate
    return zoom


def _hotspot_view(pledge, start, end, categories, mode, cell, rings, permutations, fdr, zoom, lang):
    lang = language(lang)
    t = translator(lang)
    try:
        with request_store() as store:
            records, area = getisord.pledge_points(
                store, pledge, start=parse_date(start), end=parse_date(end), categories=categories or []
            )
            code = store.get_pledge(pledge).municipality.code
    except (PledgemapError, ValueError) as exc:
        return no_update, alert(lang, exc), None
    boundary, bounds = municipality_geojson(code)
    basemap = analysis_basemap()
    key = f"{pledge}"
    try:
        if mode == "density":
            surface = getisord.density_surface(
                records, area, bandwidth_m=DENSITY_BANDWIDTH_M, cell_m=DENSITY_MAP_CELL_M
            )
            figure = density_figure(surface, boundary, bounds, t, basemap, key)
            table = band_table(
                surface.cells, "density", lambda low, high: density_band(low, high, t), t("analysis.table_density"), t
            )
            return (
                figure,
                html.P(
                    t(
                        "analysis.density_note",
                        reports=number(surface.reports, lang),
                        bandwidth=number(DENSITY_BANDWIDTH_M, lang),
                        cell=number(DENSITY_MAP_CELL_M, lang),
                    ),
                    className="pm-hint",
                ),
                table,
            )
        if mode == "counts":
            zoom = zoom if isinstance(zoom, (int, float)) else first_view(bounds)[1]
            counts = hex_counts_for_zoom(records, area, zoom, (bounds[1] + bounds[3]) / 2)
            figure = banded_figure(
                counts.cells,
                "count",
                boundary,
                bounds,
                t,
                lambda low, high: count_band(low, high, t),
                t("analysis.legend_counts"),
                basemap,
                key,
                hover=t("analysis.reports"),
                digits=0,
            )
            table = band_table(
                counts.cells,
                "count",
                lambda low, high: count_band(low, high, t),
                t("analysis.table_counts", cell=number(counts.cell_m, lang)),
                t,
                reports=True,
            )
            return (
                figure,
                html.P(
                    t(
                        "analysis.counts_note",
                        cell=number(counts.cell_m, lang),
                        cells=number(len(counts.cells), lang),
                        reports=number(counts.reports, lang),
                    ),
                    className="pm-hint",
                ),
                table,
            )
        result = getisord.hotspots(
            records,
            area,
            cell_m=None if cell == "auto" else float(cell),
            neighbourhood=getisord.Neighbourhood(int(rings)),
            permutations=int(permutations),
            fdr=bool(fdr),
        )
    except ValueError as exc:
        return no_update, alert(lang, exc), None
    figure = hotspot_figure(result, boundary, bounds, t, basemap, key)
    legend = html.Dl(
        [
            x
            for name in getisord.CLASSES
            if name != "none"
            for x in (html.Dt(t(f"hotspot.{name}")), html.Dd(t(f"hotspot.means_{name[:3]}", level=name[-2:])))
        ],
        className="pm-facts pm-legend-text",
    )
    return (
        figure,
        html.Div([findings_list(result.findings, t), html.H3(t("analysis.classes")), legend]),
        hotspot_table(result, t),
    )


@callback(
    Output(ID.breakdown, "children"),
    Input(ID.pledge, "value"),
    Input(ID.start, "value"),
    Input(ID.end, "value"),
    Input(ID.categories, "value"),
    State(ID.lang, "data"),
)
def show_breakdown(pledge, start, end, categories, lang):
    """Safe and unsafe places counted apart, and each per respondent gender and age band, with their tables."""
    lang = language(lang)
    t = translator(lang)
    try:
        with request_store() as store:
            result = pledge_breakdown(
                store, pledge, start=parse_date(start), end=parse_date(end), categories=categories or []
            )
    except (PledgemapError, ValueError) as exc:
        return alert(lang, exc)
    summary = html.P(
        t(
            "analysis.breakdown_summary",
            unsafe=number(result.unsafe, lang),
            safe=number(result.safe, lang),
            stated=number(result.stated, lang),
        )
    )
    if not result.stated:
        return [summary, html.P(t("analysis.breakdown_none"), className="pm-hint")]
    parts: list = [summary]
    for counts, heading, caption, column in (
        (result.by_gender, "analysis.by_gender", "analysis.table_gender", "analysis.gender"),
        (result.by_age, "analysis.by_age", "analysis.table_age", "analysis.age"),
    ):
        parts += [
            html.H3(t(heading)),
            dcc.Graph(figure=breakdown_chart(counts, t), config=graph_config(lang, remove=("lasso2d", "select2d"))),
            breakdown_table(counts, t(caption), t(column), t),
        ]
    return parts


@callback(
    Output(ID.operation, "options"),
    Output(ID.promise, "options"),
    Output(ID.goals, "children"),
    Input(ID.pledge, "value"),
    State(ID.lang, "data"),
)
def pledge_choices(pledge, lang):
    lang = language(lang)
    t = translator(lang)
    try:
        with request_store() as store:
            chosen = store.get_pledge(pledge)
            try:
                operations = store.read_layer("operations", LayerQuery(pledge_id=pledge))
            except PledgemapError:
                operations = None
            trends = goal_trends(store, chosen)
    except PledgemapError as exc:
        return [], [], alert(lang, exc)
    operation_options = (
        []
        if operations is None
        else [
            {
                "label": f"{row.starts_at.tz_convert(LOCAL_TZ_NAME):%Y-%m-%d} – "
                f"{short_text(row.title or t(f'operation_kind.{row.kind}'), 60)}",
                "value": row.id,
            }
            for row in operations.sort_values("starts_at").itertuples()
        ]
    )
    promise_options = [{"label": short_text(promise_label(p, t), 80), "value": p.id} for p in chosen.promises]
    return operation_options, promise_options, goal_cards(trends, t)


def _drawn_shape(ring: list[list[float]]):
    """The lasso drawn on the map (longitude, latitude) as a polygon in the storage CRS."""
    return gpd.GeoSeries([Polygon(ring)], crs=4326).to_crs(STORAGE_CRS).iloc[0]


@callback(Output(ID.drawn, "data"), Input(ID.map, "selectedData"), prevent_initial_call=True)
def drawn_area(selected):
    ring = ((selected or {}).get("lassoPoints") or {}).get("map")
    return [list(p) for p in ring] if ring and len(ring) >= 3 else no_update


@callback(
    Output(ID.effect, "children"),
    Input(ID.run, "n_clicks"),
    Input(ID.drawn, "data"),
    State(ID.pledge, "value"),
    State(ID.target, "value"),
    State(ID.operation, "value"),
    State(ID.promise, "value"),
    State(ID.date, "value"),
    State(ID.days, "value"),
    State(ID.buffer, "value"),
    State(ID.categories, "value"),
    State(ID.lang, "data"),
    prevent_initial_call=True,
)
def show_effect(_clicks, drawn, pledge, target, operation, promise, date, days, buffer_m, categories, lang):
    lang = language(lang)
    t = translator(lang)
    if dash.ctx.triggered_id == ID.drawn and target != "area":
        return no_update  # a lasso drawn for another purpose
    options = {"days": int(days or DEFAULT_DAYS), "buffer_m": float(buffer_m or DEFAULT_BUFFER_M)}
    try:
        with request_store() as store:
            code = store.get_pledge(pledge).municipality.code
            if target == "operation" and not operation:
                return alert(lang, t("effect.choose_operation"))
            if target == "promise" and not promise:
                return alert(lang, t("effect.choose_promise"))
            if target == "area" and not (drawn and parse_date(date)):
                return alert(lang, t("effect.draw_first"))
            result = intervention_effect(
                store,
                operation=operation if target == "operation" else None,
                promise=promise if target == "promise" else None,
                area=_drawn_shape(drawn) if target == "area" else None,
                date=parse_date(date),
                pledge_id=pledge,
                label=t("effect.drawn_area"),
                categories=categories or None,
                **options,
            )
    except (PledgemapError, ValueError) as exc:
        return alert(lang, exc)
    boundary, bounds = municipality_geojson(code)
    c = result.counts
    table = html.Table(
        className="pm-records",
        children=[
            html.Caption(
                t(
                    "effect.caption",
                    before=f"{result.before[0]} – {result.before[1]}",
                    after=f"{result.after[0]} – {result.after[1]}",
                )
            ),
            table_head(t("effect.area"), t("effect.before"), t("effect.after")),
            html.Tbody(
                [
                    html.Tr(
                        [html.Th(t(f"effect.{name}"), scope="row"), html.Td(number(b, lang)), html.Td(number(a, lang))]
                    )
                    for name, b, a in (
                        ("target", c.target_before, c.target_after),
                        ("buffer", c.buffer_before, c.buffer_after),
                        ("control", c.control_before, c.control_after),
                    )
                ]
            ),
        ],
    )
    measures = html.Dl(
        className="pm-facts",
        children=[
            html.Dt("WDQ"),
            html.Dd("–" if result.wdq.value is None else number(result.wdq.value, lang, 2)),
            html.Dt("WDD"),
            html.Dd(
                t(
                    "effect.wdd_value",
                    wdd=signed(result.wdd.value, lang),
                    se=number(result.wdd.se, lang, 1),
                    low=signed(result.wdd.low, lang),
                    high=signed(result.wdd.high, lang),
                )
            ),
        ],
    )
    return html.Div(
        [
            html.H3(result.label),
            findings_list(result.findings, t),
            table,
            measures,
            dcc.Graph(figure=intervention_chart(result, t), config=graph_config(lang)),
            intervention_months_table(result, t),
            dcc.Graph(
                id=ID.effect_map,
                figure=intervention_map(result, boundary, bounds, t, analysis_basemap(), pledge),
                className="pm-map",
                style={"height": "420px"},
                config=graph_config(lang, scroll_zoom=True),
            ),
            intervention_areas_table(result, t),
            html.P(t("effect.method"), className="pm-source"),
        ]
    )
