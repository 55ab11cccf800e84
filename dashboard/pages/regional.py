"""Alla löften / All pledges: every pledge of a scope (the country, a police region, a county) and year at a glance.

A map of the scope's municipalities coloured by each pledge's follow-up state (a click opens the pledge's
overview), the pledges as a sortable, searchable table (the map's table alternative and its keyboard route),
and every report of the scope on one map counted per cell at its zoom. Everything shown comes from
:func:`geodata.views.regional.regional_overview` and :func:`~geodata.views.regional.scope_report_grid`; the
scope, year, themes and the table's search, sort and page live in the address. A store with more pledges than
:data:`~geodata.views.regional.HANDFUL` opens on this page (``dashboard/pages/overview.py``).
"""

from __future__ import annotations

from dataclasses import replace

import dash
import pandas as pd
from dash import (
    ALL,
    ClientsideFunction,
    Input,
    Output,
    Patch,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
)

from dashboard.address import window_size
from dashboard.components.followup import status_bar, status_label
from dashboard.components.layout import (
    alert,
    demo_banner,
    error_page,
    not_for_role_page,
    page,
    page_allowed,
    radio_group,
    remember_view,
    short_text,
)
from dashboard.components.tables import Column, _date, _text, page_of, pager, record_table, search, sort
from dashboard.components.titles import page_title
from dashboard.context import request_store
from dashboard.exports import overview_file
from dashboard.figures.map import assumed_map_size, changed_triggers, narrow_graph_height, pixels
from dashboard.figures.mapping import bounds_of, zoom_of
from dashboard.figures.regional import (
    NO_PLEDGE,
    NO_PLEDGE_FILL,
    NO_PLEDGE_LINE,
    grid_view,
    grid_words,
    map_states,
    pledge_map_figure,
    report_grid_figure,
    report_grid_trace,
)
from dashboard.figures.style import graph_config, status_style
from dashboard.i18n import scope_name, translator
from dashboard.ids import Regional as ID
from dashboard.state.regional import RegionalState
from geodata import PledgemapError, clock
from geodata.clock import LOCAL_TZ_NAME
from geodata.errors import NotFoundError
from geodata.followup import PLEDGE_STATES
from geodata.regions import WHOLE_COUNTRY, Scope, parse_scope, scopes
from geodata.themes import THEMES
from geodata.views.regional import PledgeStanding, RegionalOverview, regional_overview, scope_report_grid

PATH = "/alla"
dash.register_page(__name__, path=PATH, name="Alla löften", title=page_title("nav.regional"), order=1)

MAP_STYLE = {"height": "70vh", "minHeight": "440px"}
MAP_HEIGHT_SHARE = 0.70  # of the window's height (MAP_STYLE's 70vh)
GRID_STYLE = {"height": "60vh", "minHeight": "420px"}


def scope_options(t) -> list[dict]:
    """Every scope, each region followed by its counties (indented under it: ``pm-scope-county``)."""
    options = []
    for scope in scopes():
        if scope.kind == "county":
            label = html.Span(scope_name(t, scope), className="pm-scope-county")
        elif scope.kind == "region":
            label = html.Span(scope_name(t, scope), className="pm-scope-region")
        else:
            label = html.Span(scope_name(t, scope))
        options.append({"label": label, "value": scope.key})
    return options


def theme_options(t, overview: RegionalOverview) -> list[dict]:
    """Each theme with how many of the scope's pledges in the year are about it."""
    return [{"label": f"{t(f'theme.{code}')} ({overview.theme_counts[code]})", "value": code} for code in THEMES]


def state_word(t):
    """A pledge's state in the follow-up's words ("Genomförd", "Ej bedömd")."""
    return lambda state: status_label(t, "promise", state)


def overview_href(pledge_id: str, lang: str) -> str:
    """Where a pledge's overview opens, in the page's language: the map's click and the table's link."""
    return f"/?pledge={pledge_id}" + (f"&lang={lang}" if lang != "sv" else "")


def _scope_of(state: RegionalState) -> tuple[Scope, str | None]:
    """The state's scope, and the key it named when that names no scope (the country is shown then)."""
    try:
        return parse_scope(state.scope), None
    except NotFoundError:
        return WHOLE_COUNTRY, state.scope


def _overview(store, state: RegionalState) -> RegionalOverview:
    scope, _ = _scope_of(state)
    return regional_overview(store, scope, state.year, clock.today(), state.themes)


def layout(path: str = PATH, **query: str) -> html.Div:
    """The page; ``path`` is where it is served (``/`` when it is a large store's landing page)."""
    state = RegionalState.from_query(query)
    lang = state.lang
    t = translator(lang)
    if not page_allowed(path):
        return not_for_role_page(lang, path, state.to_query())
    scope, unknown = _scope_of(state)
    state = replace(state, scope=scope.key)
    size = assumed_map_size(window_size(), MAP_HEIGHT_SHARE)
    try:
        with request_store() as store:
            overview = _overview(store, state)
            banner = demo_banner(lang, store)
            # Both maps are drawn with the page, not by callbacks once it is there.
            pledge_figure, pledge_legend = pledge_map(overview, state, size.width, size.height)
            grid_figure, grid_words_shown, grid_style, grid_key = report_grid(
                store, overview, state, size.width, size.height
            )
    except PledgemapError as exc:
        return error_page(lang, path, exc, state.to_query())
    controls = html.Form(
        className="pm-controls",
        **{"aria-label": t("filters.heading")},
        children=[
            html.H2(t("filters.heading"), className="pm-visually-hidden"),
            html.Fieldset(
                [
                    html.Legend(t("regional.scope")),
                    dcc.RadioItems(
                        id=ID.scope, value=scope.key, options=scope_options(t), className="pm-radios pm-scope"
                    ),
                ],
                className="pm-scope-box",
            ),
            radio_group(
                ID.year,
                t("regional.year"),
                [{"label": str(y), "value": y} for y in reversed(overview.years)],
                overview.year,
                inline=True,
                boxed=False,
            ),
            html.Fieldset(
                [
                    html.Legend(t("regional.themes")),
                    html.P(t("regional.themes_help"), className="pm-help"),
                    dcc.Checklist(
                        id=ID.themes,
                        options=theme_options(t, overview),
                        value=list(state.themes),
                        className="pm-checks",
                    ),
                ]
            ),
        ],
    )
    heading, summary, table, _ = content(t, lang, state, overview)
    body = [
        banner,
        html.Div(
            className="pm-overview pm-regional",
            children=[
                controls,
                html.Section(
                    className="pm-main-column",
                    **{"aria-label": t("regional.pledges")},
                    children=[
                        html.Div(
                            alert(lang, t("regional.unknown_scope", scope=unknown), t("regional.unknown_scope_title"))
                            if unknown
                            else None,
                            id=ID.alert,
                        ),
                        html.H1(heading, id=ID.heading),
                        html.Div(summary, id=ID.summary),
                        html.H2(t("regional.map_heading")),
                        html.P(t("regional.map_help"), className="pm-help", id=ID.map_help),
                        dcc.Graph(
                            id=ID.map,
                            className="pm-map",
                            figure=pledge_figure,
                            style=MAP_STYLE,
                            config=graph_config(lang, scroll_zoom=True, remove=("toImage", "select2d", "lasso2d")),
                            responsive=True,
                        ),
                        html.Ul(
                            pledge_legend,
                            id=ID.map_legend,
                            className="pm-summary-legend pm-map-legend",
                            **{"aria-label": t("regional.legend")},
                        ),
                        html.H2(t("regional.table_heading")),
                        html.Div(
                            [
                                html.Label(t("table.search"), htmlFor=ID.search),
                                dcc.Input(
                                    id=ID.search, type="search", value=state.q, debounce=True, className="pm-search"
                                ),
                            ],
                            className="pm-table-search",
                        ),
                        html.Div(table, id=ID.table, className="pm-regional-list"),
                        html.Fieldset(
                            [
                                html.Legend(t("regional.download_heading")),
                                dcc.RadioItems(
                                    id=ID.export_format,
                                    value="xlsx",
                                    className="pm-radios pm-inline",
                                    options=[
                                        {"label": t(f"regional.format.{fmt}"), "value": fmt} for fmt in ("xlsx", "csv")
                                    ],
                                ),
                                html.Button(t("export.button"), id=ID.export, type="button", className="pm-button"),
                                html.P(t("regional.download_hint"), className="pm-help"),
                                html.Div(id=ID.export_error, role="alert"),
                                dcc.Download(id=ID.download),
                            ],
                            className="pm-regional-download",
                        ),
                        html.H2(t("regional.grid_heading")),
                        dcc.Graph(
                            id=ID.grid,
                            className="pm-map",
                            figure=grid_figure,
                            style=grid_style,
                            config=graph_config(lang, scroll_zoom=True, remove=("toImage", "select2d", "lasso2d")),
                            responsive=True,
                        ),
                        html.P(grid_words_shown, id=ID.grid_note, className="pm-help", **{"aria-live": "polite"}),
                    ],
                ),
            ],
        ),
        dcc.Store(id=ID.view, data=state.to_dict()),
        dcc.Store(id=ID.map_view, data=map_view(state)),
        dcc.Store(id=ID.query, data=state.to_query()),
        dcc.Store(id=ID.lang, data=lang),
        # The size both maps are drawn for; graph_size (assets/pledgemap.js) replaces it if the graphs' differs.
        dcc.Store(id=ID.width, data=size.store(pledge_figure)),
        dcc.Store(id=ID.grid_drawn, data=grid_key),
        dcc.Store(id=ID.scope_shown),
    ]
    return page(lang, path, body, state.to_query())


def content(t, lang: str, state: RegionalState, overview: RegionalOverview) -> tuple[str, html.Div, list, int]:
    """The heading, the summary of states, the table (with its count and pager) for ``state``, and the table's page
    (``state.page`` within the pages there are)."""
    scope = scope_name(t, overview.scope, in_sentence=True)
    if overview.year is None:
        return t("regional.heading_none", scope=scope), html.P(t("overview.none")), [], 1
    heading = t("regional.heading", scope=scope, year=overview.year)
    summary = status_bar(
        t,
        lang,
        overview.state_counts(),
        t("regional.summary_heading", count=len(overview.rows)),
        t("regional.summary_caption", scope=scope, year=overview.year),
        level=2,
    )
    columns = table_columns(t)
    frame = pledge_frame(overview)
    found = search(frame, columns, state.q)
    if state.sort == "state":  # the state that needs attention most first, as the domain orders them
        found = found.sort_values("state_order", ascending=not state.desc, kind="stable")
    else:
        found = sort(found, state.sort, state.desc, columns)
    rows, page_no, pages = page_of(found, state.page)
    table = [
        html.P(t("regional.table_count", shown=len(found), total=len(frame)), className="pm-help", role="status"),
        record_table(
            ID.prefix,
            columns,
            rows,
            t,
            state.sort,
            state.desc,
            caption=t("regional.table_caption", scope=scope, year=overview.year),
            row_link=lambda record: overview_href(record["id"], lang),
            cards=True,
        ),
        pager(ID.prefix, page_no, pages, len(found), t),
    ]
    return heading, summary, table, page_no


def table_columns(t) -> list[Column]:
    words = state_word(t)
    return [
        Column("municipality", t("regional.col.municipality"), str),
        Column("police_area", t("regional.col.police_area"), str),
        Column("period", t("regional.col.period"), str),
        Column("focus", t("regional.col.focus"), lambda text: short_text(text or "", 60)),
        Column("promises", t("regional.col.promises"), _text),  # sorted as numbers
        Column("state", t("regional.col.state"), lambda state: words(state) if isinstance(state, str) else ""),
        Column("last_judged", t("regional.col.last_judged"), _date),
    ]


def _period(row: PledgeStanding) -> str:
    start, end = row.pledge.period.start.year, row.pledge.period.end.year
    return str(start) if start == end else f"{start}–{end}"


def pledge_frame(overview: RegionalOverview) -> pd.DataFrame:
    """One row per pledge, the values the table shows (unworded), and the address of its overview."""
    return pd.DataFrame(
        [
            {
                "id": row.pledge.id,
                "municipality": row.pledge.municipality.name,
                "police_area": row.pledge.police_area.name,
                "period": _period(row),
                "focus": row.pledge.focus,
                "promises": row.promises,
                "state": row.state,
                "state_order": PLEDGE_STATES.index(row.state),
                # the day of the latest judgement, in Swedish time
                "last_judged": pd.Timestamp(row.last_judged).tz_convert(LOCAL_TZ_NAME) if row.last_judged else pd.NaT,
            }
            for row in overview.rows
        ],
        columns=[
            "id",
            "municipality",
            "police_area",
            "period",
            "focus",
            "promises",
            "state",
            "state_order",
            "last_judged",
        ],
    )


@callback(
    Output(ID.view, "data"),
    Input(ID.scope, "value"),
    Input(ID.year, "value"),
    Input(ID.themes, "value"),
    Input(ID.search, "value"),
    Input({"type": f"{ID.prefix}-sort", "col": ALL}, "n_clicks"),
    Input(f"{ID.prefix}-prev", "n_clicks"),
    Input(f"{ID.prefix}-next", "n_clicks"),
    State(ID.view, "data"),
    prevent_initial_call=True,
)
def change_view(scope, year, themes, q, _sorts, _prev, _next, data):
    """Every control changes the page's state; the state alone decides what is drawn."""
    state = RegionalState.from_dict(data)
    trigger = ctx.triggered_id
    if isinstance(trigger, dict) and not ctx.triggered[0]["value"]:
        return no_update  # a sort button that was just drawn, not clicked
    if trigger == ID.scope:
        state = replace(state, scope=scope, page=1)
    elif trigger == ID.year:
        state = replace(state, year=int(year) if year else None, page=1)
    elif trigger == ID.themes:
        state = replace(state, themes=tuple(code for code in THEMES if code in (themes or ())), page=1)
    elif trigger == ID.search:
        state = replace(state, q=q or "", page=1)
    elif isinstance(trigger, dict):
        state = state.sorted_by(trigger["col"])
    elif trigger == f"{ID.prefix}-prev":
        state = replace(state, page=max(1, state.page - 1))
    elif trigger == f"{ID.prefix}-next":
        state = replace(state, page=state.page + 1)
    else:
        return no_update
    return state.to_dict()


@callback(
    Output(ID.heading, "children"),
    Output(ID.summary, "children"),
    Output(ID.table, "children"),
    Output(ID.themes, "options"),
    Output(ID.alert, "children"),
    Output(ID.query, "data"),
    Input(ID.view, "data"),
    prevent_initial_call=True,
)
def show_view(data):
    """The heading, the states, the table and the themes' counts of the page's state."""
    state = RegionalState.from_dict(data)
    t = translator(state.lang)
    try:
        with request_store() as store:
            overview = _overview(store, state)
    except (PledgemapError, ValueError) as exc:
        return no_update, no_update, no_update, no_update, alert(state.lang, exc), no_update
    heading, summary, table, page_no = content(t, state.lang, state, overview)
    return heading, summary, table, theme_options(t, overview), None, replace(state, page=page_no).to_query()


remember_view(ID.query)


@callback(
    Output(ID.download, "data"),
    Output(ID.export_error, "children"),
    Input(ID.export, "n_clicks"),
    State(ID.export_format, "value"),
    State(ID.view, "data"),
    prevent_initial_call=True,
)
def download_table(_clicks, fmt, data):
    """The pledges of the scope, year and themes shown (every one, whatever the table's search), as a file."""
    state = RegionalState.from_dict(data)
    try:
        with request_store() as store:
            overview = _overview(store, state)
        content, name = overview_file(overview, fmt, state.lang)
    except (PledgemapError, ValueError) as exc:
        return None, alert(state.lang, exc)
    return dcc.send_bytes(content, name), None


# The maps' size in the browser once the page is drawn: the figures fit the scope to it.
clientside_callback(
    ClientsideFunction("pledgemap", "graph_size"),
    Output(ID.width, "data"),
    Input(ID.lang, "data"),
    State(ID.map, "id"),
    State(ID.width, "data"),
)

# The scope chosen in sight in its box (a link to Region Syd shows it chosen, not the top of the list).
# (An output of its own: Dash calls a callback without outputs only once an input changes, not on the first draw.)
clientside_callback(
    ClientsideFunction("pledgemap", "reveal_checked"),
    Output(ID.scope_shown, "data"),
    Input(ID.scope, "value"),
    State(ID.scope, "id"),
)

# A click on a municipality with a pledge opens the pledge's overview (its address is the point's customdata).
clientside_callback(ClientsideFunction("pledgemap", "open_clicked"), Input(ID.map, "clickData"))


def map_view(state: RegionalState) -> dict:
    """What the maps draw of the page's state: the scope, year, themes and language (not the table's search, sort
    or page, which must leave the user's zoom alone)."""
    return {"scope": state.scope, "year": state.year, "themes": list(state.themes), "lang": state.lang}


@callback(Output(ID.map_view, "data"), Input(ID.view, "data"), State(ID.map_view, "data"), prevent_initial_call=True)
def follow_map_view(data, shown):
    drawn = map_view(RegionalState.from_dict(data))
    return no_update if drawn == shown else drawn


@callback(
    Output(ID.map, "figure"),
    Output(ID.map_legend, "children"),
    Input(ID.map_view, "data"),
    Input(ID.width, "data"),
    prevent_initial_call=True,  # the layout has the first map
)
def draw_pledge_map(data, size):
    """The scope's municipalities coloured by their pledge's state."""
    if not changed_triggers(ctx.triggered_prop_ids, f"{ID.width}.data", size):
        return no_update, no_update
    state = RegionalState.from_dict(data)
    with request_store() as store:
        overview = _overview(store, state)
    return pledge_map(overview, state, pixels(size, "width"), pixels(size, "height"))


def pledge_map(overview: RegionalOverview, state: RegionalState, width: int | None, height: int | None) -> tuple:
    """The pledge map's figure and its legend (draw_pledge_map's outputs)."""
    t = translator(state.lang)
    figure = pledge_map_figure(
        overview,
        t,
        state.lang,
        state_word(t),
        lambda row: overview_href(row.pledge.id, state.lang),
        width=width,
        height=height,
    )
    return figure, map_legend(t, map_states(figure))


def map_legend(t, states: list[str]) -> list:
    """The pledge map's legend under it: each state's swatch (the follow-up's colours) and words."""
    words = state_word(t)
    items = []
    for state in states:
        if state == NO_PLEDGE:
            swatch = {"background": NO_PLEDGE_FILL, "borderColor": NO_PLEDGE_LINE, "borderStyle": "solid"}
            label = t("regional.no_pledge")
        else:
            swatch, label = status_style(state), words(state)
        items.append(html.Li([html.Span(className="pm-swatch", style=swatch), html.Span(label)]))
    return items


@callback(
    Output(ID.grid, "figure"),
    Output(ID.grid_note, "children"),
    Output(ID.grid, "style"),
    Output(ID.grid_drawn, "data"),
    Input(ID.map_view, "data"),
    Input(ID.width, "data"),
    Input(ID.grid, "relayoutData"),
    State(ID.grid_drawn, "data"),
    prevent_initial_call=True,  # the layout has the first map
)
def draw_report_grid(data, size, relayout, drawn):
    """Every report of the scope counted per cell at the map's zoom; a pan or zoom redraws only the cells.

    ``drawn`` names the view whose figure the graph holds: the graph reports its first layout before the first
    figure arrives (and Dash drops the earlier, still running call), so a move over no figure of this view
    draws the whole figure.
    """
    triggered = changed_triggers(ctx.triggered_prop_ids, f"{ID.width}.data", size)
    if not triggered:
        return no_update, no_update, no_update, no_update
    state = RegionalState.from_dict(data)
    key = view_key(state)
    moved = triggered == {f"{ID.grid}.relayoutData"} and drawn == key
    zoom, bounds = zoom_of(relayout), bounds_of(relayout)
    if moved and zoom is None and bounds is None:
        return no_update, no_update, no_update, no_update  # a resize, not a move: the cells stay
    width, height = pixels(size, "width"), pixels(size, "height")
    with request_store() as store:
        overview = _overview(store, state)
        if not moved:
            return report_grid(store, overview, state, width, height)
        grid = scope_report_grid(store, overview, zoom, bounds)
    t = translator(state.lang)
    patched = Patch()
    patched["data"][0] = report_grid_trace(grid, t)
    return patched, grid_words(t, state.lang, grid), no_update, no_update


def report_grid(store, overview: RegionalOverview, state: RegionalState, width: int | None, height: int | None):
    """The report map of the scope as a whole, its words, the graph's style and the view it is of."""
    t = translator(state.lang)
    key = view_key(state)
    zoom, bounds = grid_view(overview.scope, width, height)
    grid = scope_report_grid(store, overview, zoom, bounds)
    figure = report_grid_figure(grid, overview.scope, t, key, width, height)
    graph_height = narrow_graph_height(figure)
    style = {**GRID_STYLE, "height": f"{graph_height}px"} if graph_height else GRID_STYLE
    return figure, grid_words(t, state.lang, grid), style, key


def view_key(state: RegionalState) -> str:
    """What a map's figure is of (plotly keeps the user's zoom while it stays): the scope, year and themes."""
    return f"{state.scope}-{state.year}-{','.join(state.themes)}"
