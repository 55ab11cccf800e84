"""Översikt / Overview: pick a pledge; its map, timeline, promise progress and goals, linked to each other."""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import parse_qsl

import dash
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

from dashboard.address import page_address, window_size
from dashboard.components.followup import card_parts, summary_bar
from dashboard.components.layout import (
    PageStart,
    alert,
    check_group,
    date_range,
    outside_period_text,
    page,
    pledge_picker,
    progress_cards,
    promise_label,
    radio_group,
    remember_view,
    start_page,
)
from dashboard.components.map_tables import map_table, timeline_table
from dashboard.components.titles import page_title
from dashboard.context import request_store, settings
from dashboard.exports import FORMATS as EXPORT_FORMATS
from dashboard.exports import export_view
from dashboard.figures.map import assumed_map_size, changed_triggers, narrow_graph_height, pixels
from dashboard.figures.mapping import MapRequest, bounds_of, draw_map, selected_ids, zoom_of
from dashboard.figures.style import graph_config
from dashboard.figures.timeline import timeline_figure
from dashboard.i18n import band_text, language, period_label, translator
from dashboard.ids import Overview as ID
from dashboard.state import parse_date
from dashboard.state.view import CHOICES, ViewState
from geodata import LAYERS, Pledge, PledgemapError, clock, pledge_progress, pledge_timeline
from geodata.access import ReadLogError
from geodata.analysis.followup import pledge_follow_up
from geodata.followup import pledge_periods
from geodata.views.disclosure import Band
from geodata.views.public import MIN_COUNT, aggregated_layers, known_period, layer_counts, public_periods_of
from geodata.views.regional import HANDFUL


def _asks_for_a_pledge() -> bool:
    """Whether the address names a pledge (``?pledge=``, even empty: the menu's link to the pledge overview)."""
    return "pledge" in page_address().query


def _title(**path_variables: str) -> str:
    """The tab's title: the overview's, or the overview of all pledges' where the landing page is that."""
    landing = not _asks_for_a_pledge() and many_pledges()
    return page_title("nav.regional" if landing else "nav.overview")(**path_variables)


dash.register_page(__name__, path="/", name="Översikt", title=_title, order=0)


def _options(t, group: str, codes) -> list[dict]:
    return [{"label": t(f"{group}.{code}"), "value": code} for code in codes]


def layout(**query: str) -> html.Div:
    if "pledge" not in query and many_pledges():
        # A store with many pledges opens on all of them; a pledge's overview is one click (or ?pledge=) away.
        from dashboard.pages import regional

        return regional.layout(**query)  # the menu marks "Alla löften" as the page shown
    state = ViewState.from_query(query)
    lang = state.lang
    t = translator(lang)
    size = assumed_map_size(window_size())

    def first_view(store, pledge):
        """What the page shows first, read with the pledges: it is drawn from the layout, not from callbacks."""
        parts = pledge_parts(store, pledge, state.promise, lang)  # the promise asked for, if the pledge has it
        shown = replace(state, pledge=pledge.id, promise=parts[1] or None)
        request = MapRequest(shown, width=size.width, height=size.height)
        first_map = (*map_answer(store, request), drawn_view(request))
        return aggregated_layers(store, LAYERS), parts, first_map, shown

    start = start_page(lang, "/", state.pledge, read=first_view)
    if not isinstance(start, PageStart):
        return start
    pledges, pledge, banner = start.pledges, start.pledge, start.banner
    # The layers this role sees only as the public view; the pledge's parts (show_pledge); the map (update_map).
    aggregated, parts, first_map, shown = start.more
    promise_choices, promise, layer_choices, cards, summary, goals, title = parts
    figure, follows, map_rows, map_style, map_drawn = first_map
    s = settings()

    controls = html.Form(
        className="pm-controls",
        **{"aria-label": t("filters.heading")},
        children=[
            html.H2(t("filters.heading"), className="pm-visually-hidden"),
            pledge_picker(ID.pledge, pledges, pledge.id, t("filters.pledge"), lang),
            radio_group(ID.promise, t("filters.promise"), promise_choices, promise, boxed=False),
            html.Fieldset(
                hidden=set(aggregated) == set(LAYERS),  # a role that sees every layer counted has no use for dates
                children=[
                    *date_range(
                        t,
                        t("filters.time"),
                        ID.start,
                        ID.end,
                        state.start.isoformat() if state.start else None,
                        state.end.isoformat() if state.end else None,
                    ),
                    html.Button(t("filters.whole_period"), id=ID.reset_time, type="button", className="pm-button"),
                ],
            ),
            # The layers this role sees only counted are counted over one of the pledge's fixed periods, never
            # the dates above (geodata.views.public): the choice is shown when there are such layers.
            html.Fieldset(
                [
                    html.Legend(t("filters.public_period")),
                    html.P(t("filters.public_period_hint"), className="pm-hint", id=f"{ID.period}-hint"),
                    dcc.RadioItems(
                        id=ID.period,
                        options=period_options(pledge, lang),
                        value=known_period(pledge, state.period),
                        className="pm-radios pm-periods",
                    ),
                ],
                hidden=not aggregated,
                className="pm-period-picker",
            ),
            check_group(ID.layers, t("filters.layers"), layer_choices, state.layers),
            # The public view is counted over the pledge and a fixed period only (geodata.views.public.public_view).
            check_group(
                ID.categories,
                t("filters.categories"),
                _options(t, "category", CHOICES["categories"]),
                state.categories,
                disabled="unsafe_places" in aggregated,
            ),
            check_group(
                ID.sources,
                t("filters.sources"),
                _options(t, "source", CHOICES["sources"]),
                state.sources,
                disabled="unsafe_places" in aggregated,
            ),
            check_group(
                ID.safeties,
                t("filters.safeties"),
                _options(t, "safety", CHOICES["safeties"]),
                state.safeties,
                disabled="unsafe_places" in aggregated,
            ),
            check_group(
                ID.statuses,
                t("filters.statuses"),
                _options(t, "status", CHOICES["statuses"]),
                state.statuses,
                disabled="inventoried_sites" in aggregated,
            ),
            # Off until the browser has loaded one tile (probe_tiles in assets/pledgemap.js).
            html.Fieldset(
                [
                    html.Legend(t("filters.basemap")),
                    dcc.Checklist(
                        id=ID.basemap,
                        options=[
                            {
                                "label": t("filters.basemap_local" if s.basemap else "filters.basemap_on"),
                                "value": "tiles",
                            }
                        ],
                        value=[],
                        className="pm-checks",
                    ),
                    html.P(t("filters.basemap_unreachable"), id=ID.basemap_note, className="pm-help", hidden=True),
                    dcc.Store(id=ID.tiles, data=s.tiles_url),
                ],
                id=ID.basemap_box,
                disabled=True,
            ),
            html.Fieldset(
                [
                    html.Legend(t("export.heading")),
                    dcc.RadioItems(
                        id=ID.export_format,
                        value=export_formats(aggregated)[0],
                        className="pm-radios",
                        options=[{"label": t(f"export.format.{f}"), "value": f} for f in export_formats(aggregated)],
                    ),
                    html.Button(t("export.button"), id=ID.export, type="button", className="pm-button"),
                    html.P(t("export.hint"), className="pm-help"),
                    html.Div(id=ID.export_error, role="alert"),
                    dcc.Download(id=ID.download),
                ]
            ),
        ],
    )

    body = [
        banner,
        html.Div(
            className="pm-overview",
            children=[
                controls,
                html.Section(
                    className="pm-main-column",
                    **{"aria-label": t("overview.map_and_timeline")},
                    children=[
                        html.H1(title, id=ID.title),
                        html.P(public_note(t, aggregated), className="pm-help pm-public-note", role="note")
                        if aggregated
                        else None,
                        dcc.Graph(
                            id=ID.map,
                            className="pm-map",
                            figure=figure,
                            style=map_style,
                            config=graph_config(lang, scroll_zoom=True, remove=("toImage",)),
                            responsive=True,
                        ),
                        # The map's table alternative, drawn with the map (update_map).
                        html.Div(map_rows, id=ID.map_table),
                        html.Div(
                            id=ID.details,
                            className="pm-details",
                            role="region",
                            **{"aria-live": "polite", "aria-label": t("details.heading")},
                        ),
                        html.H3(t("timeline.heading")),
                        html.P(t("timeline.help"), className="pm-help"),
                        dcc.Graph(id=ID.timeline, config=graph_config(lang, remove=("toImage",))),
                        html.Div(id=ID.timeline_table),
                        html.Div(id=ID.timeline_note, className="pm-help"),
                        html.Div(id=ID.selection, className="pm-selection"),
                        html.H3(t("pledge.promises")),
                        html.Div(summary, id=ID.summary),
                        html.Div(cards, id=ID.cards, className="pm-cards"),
                        html.H3(t("pledge.goals")),
                        html.Ul(goals, id=ID.goals, className="pm-goals"),
                    ],
                ),
            ],
        ),
        # The view shown (the pledge the address names, else the newest; a promise it has), as view_query writes it:
        # the address and the menu's links follow it.
        dcc.Store(id=ID.query, data=shown.to_query()),
        dcc.Store(id=ID.map_follows, data=follows),
        dcc.Store(id=ID.map_drawn, data=map_drawn),
        dcc.Store(id=ID.lang, data=lang),
        # The size the first map is drawn for; graph_size (assets/pledgemap.js) replaces it if the graph's differs.
        dcc.Store(id=ID.width, data=size.store(figure)),
    ]
    return page(lang, "/", body, shown.to_query())


MAP_STYLE = {"height": "64vh", "minHeight": "440px"}


def many_pledges() -> bool:
    """Whether the store holds more pledges than a handful (then the landing page is the overview of them all)."""
    try:
        with request_store() as store:
            return len(store.list_pledges()) > HANDFUL
    except PledgemapError:
        return False  # the pledge overview says what is wrong with the store


def export_formats(aggregated) -> list[str]:
    """The downloads offered: a role that reads no layer's records gets the public standalone map only."""
    return ["html_public"] if set(aggregated) >= set(LAYERS) else list(EXPORT_FORMATS)


def public_note(t, aggregated) -> str:
    """What the map shows a role that sees layers only aggregated, and why some filters do not apply."""
    if set(aggregated) >= set(LAYERS):
        return t("overview.public_view", min=MIN_COUNT)
    names = ", ".join(t("overview.quoted", text=t(f"layer.{layer}")) for layer in LAYERS if layer in aggregated)
    return t("overview.public_view_some", layers=names, min=MIN_COUNT)


def promise_options(pledge: Pledge, t) -> list[dict]:
    return [{"label": t("filters.all_promises"), "value": ""}] + [
        {"label": promise_label(p, t), "value": p.id} for p in pledge.promises
    ]


@callback(
    Output(ID.promise, "options"),
    Output(ID.promise, "value"),
    Output(ID.layers, "options"),
    Output(ID.cards, "children"),
    Output(ID.summary, "children"),
    Output(ID.goals, "children"),
    Output(ID.title, "children"),
    Input(ID.pledge, "value"),
    State(ID.promise, "value"),
    State(ID.lang, "data"),
    prevent_initial_call=True,  # the layout has the first pledge's
)
def show_pledge(pledge_id: str, promise_id: str, lang: str):
    with request_store() as store:
        return pledge_parts(store, store.get_pledge(pledge_id), promise_id, language(lang))


def pledge_parts(store, pledge: Pledge, promise_id: str | None, lang: str) -> tuple:
    """What the page shows of a pledge beside its map: promise choices and the one kept, the layers' choices with
    their counts, progress cards, the follow-up's summary, goals and title (the outputs of show_pledge)."""
    t = translator(lang)
    progress = pledge_progress(store, pledge, clock.today())
    follow_up = pledge_follow_up(store, pledge, clock.today())
    counts = layer_counts(store, pledge.id, LAYERS)
    keep = promise_id if promise_id in {p.id for p in pledge.promises} else ""
    return (
        promise_options(pledge, t),
        keep,
        layer_options(t, counts, lang),
        progress_cards(lang, pledge, progress, card_parts(lang, follow_up)),
        summary_bar(t, lang, follow_up),
        [html.Li(g.text) for g in pledge.goals],
        pledge.title,
    )


def layer_options(t, counts: dict[str, int | Band] | None = None, lang: str = "sv") -> list[dict]:
    """The layer choices, each with the number of records the pledge has in it (for a layer seen only counted,
    the range the public view's shown counts add up to)."""

    def count(value: int | Band) -> str:
        return band_text(value, lang) if isinstance(value, Band) else str(value)

    return [
        {"label": t(f"layer.{name}") + (f" ({count(counts[name])})" if counts else ""), "value": name}
        for name in LAYERS
    ]


def period_options(pledge: Pledge, lang: str) -> list[dict]:
    """The pledge's public periods as choices: the whole period, its quarters, its months."""
    return [{"label": period_label(p, lang), "value": p.key} for p in public_periods_of(pledge)]


@callback(
    Output(ID.period, "options"),
    Output(ID.period, "value"),
    Input(ID.pledge, "value"),
    State(ID.period, "value"),
    State(ID.lang, "data"),
    prevent_initial_call=True,  # the layout has the first pledge's
)
def show_periods(pledge_id: str, period: str | None, lang: str):
    with request_store() as store:
        pledge = store.get_pledge(pledge_id)
    return period_options(pledge, language(lang)), known_period(pledge, period)


FILTER_INPUTS = [
    Input(ID.pledge, "value"),
    Input(ID.promise, "value"),
    Input(ID.start, "value"),
    Input(ID.end, "value"),
    Input(ID.layers, "value"),
    Input(ID.categories, "value"),
    Input(ID.sources, "value"),
    Input(ID.statuses, "value"),
    Input(ID.safeties, "value"),
    Input(ID.period, "value"),
]


def _state(pledge, promise, start, end, layers, categories, sources, statuses, safeties, period, lang) -> ViewState:
    return ViewState(
        pledge=pledge,
        promise=promise or None,
        start=parse_date(start),
        end=parse_date(end),
        layers=tuple(layers or ()),
        categories=tuple(categories or ()),
        sources=tuple(sources or ()),
        statuses=tuple(statuses or ()),
        safeties=tuple(safeties or ()),
        period=period or "all",
        lang=language(lang),
    )


@callback(Output(ID.query, "data"), *FILTER_INPUTS, State(ID.lang, "data"), prevent_initial_call=True)
def view_query(*values):
    """The view as a query string; the browser's address is updated from it (below), without a reload."""
    return _state(*values).to_query()


remember_view(ID.query)

clientside_callback(
    ClientsideFunction("pledgemap", "probe_tiles"),
    Output(ID.basemap, "value"),
    Output(ID.basemap_box, "disabled"),
    Output(ID.basemap_note, "hidden"),
    Input(ID.tiles, "data"),
)


# The map's size in the browser, once the page is drawn: the map fits the municipality to it, and a phone's map
# puts its legend under the map and the timeline its ticks further apart (plotly cannot ask the screen itself).
clientside_callback(
    ClientsideFunction("pledgemap", "graph_size"),
    Output(ID.width, "data"),
    Input(ID.lang, "data"),
    State(ID.map, "id"),
    State(ID.width, "data"),
)


@callback(
    Output(ID.download, "data"),
    Output(ID.export_error, "children"),
    Input(ID.export, "n_clicks"),
    State(ID.export_format, "value"),
    State(ID.query, "data"),
    State(ID.lang, "data"),
    prevent_initial_call=True,
)
def download_view(_clicks, fmt, query, lang):
    """The view, with its filters, as a file: the same queries the map draws from."""
    state = ViewState.from_query({**dict(parse_qsl(query or "", keep_blank_values=True)), "lang": lang})
    try:
        with request_store() as store:
            content, name = export_view(store, state, fmt, settings())
    except (PledgemapError, ValueError) as exc:
        return None, alert(lang, exc)
    return dcc.send_bytes(content, name), None


@callback(
    Output(ID.map, "figure"),
    Output(ID.map_follows, "data"),
    Output(ID.map_table, "children"),
    Output(ID.map, "style"),
    Output(ID.map_drawn, "data"),
    *FILTER_INPUTS,
    Input(ID.basemap, "value"),
    Input(ID.map, "relayoutData"),
    Input(ID.timeline, "selectedData"),
    Input(ID.width, "data"),
    State(ID.lang, "data"),
    State(ID.map_follows, "data"),
    State(ID.map_drawn, "data"),
    prevent_initial_call=True,  # the layout has the first map
)
def update_map(
    pledge,
    promise,
    start,
    end,
    layers,
    categories,
    sources,
    statuses,
    safeties,
    period,
    basemap,
    relayout,
    brushed,
    size,
    lang,
    follows_view,
    drawn,
):
    filters = (pledge, promise, start, end, layers, categories, sources, statuses, safeties, period)
    request = map_request(filters, basemap, relayout, brushed, size, lang)
    view = drawn_view(request)
    # A pan or zoom needs a new figure only when the map follows the view (a grid, or only the records in view),
    # and only if the graph holds this view's figure: Dash drops a still running call when a newer one starts (a
    # filter chosen just before the graph reports its first layout, a pan right after a filter), so the newer one
    # draws what the dropped one would have.
    only_moved = changed_triggers(ctx.triggered_prop_ids, f"{ID.width}.data", size) <= {f"{ID.map}.relayoutData"}
    if only_moved and drawn == view and (not follows_view or (request.zoom is None and request.view_bounds is None)):
        return no_update, no_update, no_update, no_update, no_update
    with request_store() as store:
        return (*map_answer(store, request), view)


def map_request(filters: tuple, basemap, relayout, brushed, size, lang) -> MapRequest:
    """The map's callback's inputs as the request to draw (``filters``: the values of FILTER_INPUTS, in order)."""
    return MapRequest(
        _state(*filters, lang),
        zoom=zoom_of(relayout),
        view_bounds=bounds_of(relayout),
        tiles=bool(basemap),
        highlight=selected_ids(brushed),
        width=pixels(size, "width"),
        height=pixels(size, "height"),
    )


def drawn_view(request: MapRequest) -> str:
    """What a map figure is drawn from besides the user's moves (zoom, bounds): the view, the tiles, the records
    highlighted and the graph's size."""
    return json.dumps(
        [request.state.to_query(), request.tiles, sorted(request.highlight or ()), request.width, request.height]
    )


def map_answer(store, request: MapRequest) -> tuple:
    """The map's figure, whether it follows the view, its table alternative and the graph's style (update_map's)."""
    drawn = draw_map(store, request, settings())
    table = map_table(drawn.views, translator(request.state.lang), public=drawn.public, aggregated=drawn.aggregated)
    # On a phone the legend is under the map: the graph grows by its height, and the map keeps its own.
    height = narrow_graph_height(drawn.figure)
    style = {**MAP_STYLE, "height": f"{height}px"} if height else MAP_STYLE
    return drawn.figure, drawn.follows_view, table, style


@callback(
    Output(ID.timeline, "figure"),
    Output(ID.timeline_table, "children"),
    Output(ID.timeline_note, "children"),
    Input(ID.pledge, "value"),
    Input(ID.promise, "value"),
    Input(ID.map, "selectedData"),
    Input(ID.width, "data"),
    State(ID.lang, "data"),
)
def update_timeline(pledge_id, promise_id, selected, size, lang):
    t = translator(language(lang))
    with request_store() as store:
        pledge = store.get_pledge(pledge_id)
        rows = pledge_timeline(store, pledge)
        progress = pledge_progress(store, pledge, clock.today())
    figure = timeline_figure(
        rows,
        progress,
        t,
        clock.today(),
        selected_promise=promise_id or None,
        highlight=selected_ids(selected),
        view_key=pledge_id,
        lang=language(lang),
        width=pixels(size, "width"),
        periods=pledge_periods(pledge),
    )
    # Evidence dated outside a promise's period counts for nothing and is not drawn: said here, in words.
    notes = [
        html.P(
            t(
                "timeline.outside_period",
                promise=t(f"promise_kind.{p.promise.kind}"),
                outside=outside_period_text(t, p.outside_period),
            )
        )
        for p in progress
        if p.outside_period
    ]
    return figure, timeline_table(rows, progress, t), notes


@callback(
    Output(ID.start, "value"),
    Output(ID.end, "value"),
    Input(ID.timeline, "selectedData"),
    Input(ID.reset_time, "n_clicks"),
    prevent_initial_call=True,
)
def brush_time(selected, _reset):
    """Dragging over the timeline sets the time range; the button clears it (the whole period)."""
    if ctx.triggered_id == ID.reset_time:
        return None, None
    if not selected or "range" not in selected or "x" not in selected["range"]:
        return no_update, no_update
    first, last = sorted(selected["range"]["x"])
    return str(first)[:10], str(last)[:10]


@callback(
    Output(ID.details, "children"),
    Input(ID.map, "clickData"),
    State(ID.lang, "data"),
    prevent_initial_call=True,
)
def show_details(click, lang):
    from dashboard.components.details import record_details

    ids = selected_ids(click)
    if not ids:
        return no_update
    with request_store() as store:
        try:
            return record_details(store, next(iter(ids)), language(lang))
        except ReadLogError as exc:  # the read could not be logged: nothing of the record is shown
            return [alert(language(lang), exc)]


@callback(
    Output(ID.selection, "children"),
    Input(ID.map, "selectedData"),
    State(ID.lang, "data"),
    prevent_initial_call=True,
)
def show_selection(selected, lang):
    from dashboard.components.details import selection_table

    with request_store() as store:
        try:
            return selection_table(store, selected_ids(selected) or set(), language(lang))
        except ReadLogError as exc:  # the read could not be logged: no record is listed
            return [alert(language(lang), exc)]
