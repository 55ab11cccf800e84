"""Lager / Layers: a sortable, searchable table per layer; selecting a row zooms the map to it and shows its details."""

from __future__ import annotations

from dataclasses import replace

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

from dashboard.components import edit_form as edit_forms
from dashboard.components import workflow_form as workflow_forms
from dashboard.components.details import find_record, record_details
from dashboard.components.edit_form import edit_form, new_record_form
from dashboard.components.layout import (
    PageStart,
    alert,
    page,
    pledge_picker,
    promise_label,
    radio_group,
    remember_view,
    request_viewer,
    start_page,
)
from dashboard.components.map_tables import map_table
from dashboard.components.report_links import read_log_links
from dashboard.components.tables import PAGE_SIZE, layer_columns, page_of, pager, record_table, search, sort
from dashboard.components.titles import page_title
from dashboard.components.workflow_form import workflow_form
from dashboard.context import request_store, settings
from dashboard.figures.map import Basemap, map_figure
from dashboard.figures.style import graph_config
from dashboard.i18n import translator
from dashboard.ids import Layers as ID
from dashboard.state.table import TableState
from geodata import LAYERS, AccessError, LayerQuery, layer_view, municipality_geojson
from geodata.access import ReadLogError, describe_query, log_read
from geodata.views.editing import link_targets

dash.register_page(__name__, path="/layers", name="Lager", title=page_title("nav.layers"), order=2)


edit_forms.register()
workflow_forms.register()


def layout(**query: str) -> html.Div:
    view = TableState.from_query(query, default_layer="unsafe_places")
    lang = view.lang
    t = translator(lang)
    start = start_page(lang, "/layers", view.pledge)
    if not isinstance(start, PageStart):
        return start
    pledges, banner = start.pledges, start.banner
    view = replace(view, pledge=start.pledge.id)
    if view.record and "page" not in query:
        # Opened on a record by a link (the overview's, the worklist's): the page of the table it is on, in the
        # page's own state, so every later draw (a save, the tile probe) stays there until the user pages away.
        view = replace(view, page=record_page(view, t) or view.page)
    controls = html.Div(
        className="pm-table-controls",
        children=[
            pledge_picker(ID.pledge, pledges, view.pledge, t("filters.pledge"), lang),
            radio_group(
                ID.layer,
                t("filters.layer"),
                [{"label": t(f"layer.{name}"), "value": name} for name in LAYERS],
                view.layer,
                inline=True,
                boxed=False,
            ),
            html.Div(
                [
                    html.Label(t("table.search"), htmlFor=ID.search),
                    dcc.Input(id=ID.search, type="search", value=view.q, debounce=True, className="pm-search"),
                ]
            ),
        ],
    )
    viewer = request_viewer()
    body = [
        banner,
        html.H1(t("nav.layers")),
        # Who read which records: the admin's to hand over (brottsdatalagen), beside the records themselves.
        read_log_links(lang) if viewer is not None and viewer.role == "admin" else None,
        controls,
        html.Div(
            className="pm-split",
            children=[
                html.Section(html.Div(id=ID.table), **{"aria-label": t("table.records")}),
                # The chosen record's details above its map, where they are seen without scrolling.
                html.Section(
                    className="pm-side",
                    **{"aria-label": t("details.heading")},
                    children=[
                        html.Div(id=ID.notice, role="status"),
                        html.P(t("new.hint"), className="pm-help"),
                        html.Div(id=ID.new),
                        html.Div(id=ID.details, className="pm-details", **{"aria-live": "polite"}),
                        dcc.Graph(
                            id=ID.map,
                            style={"height": "40vh", "minHeight": "320px"},
                            responsive=True,
                            config=graph_config(lang, scroll_zoom=True),
                        ),
                        html.Div(id=ID.map_table),  # the map's table alternative, drawn with the map (show_view)
                    ],
                ),
            ],
        ),
        dcc.Store(id=ID.view, data=view.to_dict()),
        dcc.Store(id=ID.tiles, data=settings().tiles_url),
        dcc.Store(id=ID.tiles_ok, data=False),
        dcc.Store(id=ID.click),
        dcc.Store(id=ID.clicks_ready),
        dcc.Store(id=ID.query),
        dcc.Store(id=ID.lang, data=lang),
    ]
    return page(lang, "/layers", body, view.to_query())


@callback(
    Output(ID.view, "data"),
    Input(ID.pledge, "value"),
    Input(ID.layer, "value"),
    Input(ID.search, "value"),
    Input({"type": f"{ID.prefix}-sort", "col": ALL}, "n_clicks"),
    Input({"type": f"{ID.prefix}-row", "id": ALL}, "n_clicks"),
    Input(f"{ID.prefix}-prev", "n_clicks"),
    Input(f"{ID.prefix}-next", "n_clicks"),
    State(ID.view, "data"),
    prevent_initial_call=True,
)
def change_view(pledge, layer, q, _sorts, _rows, _prev, _next, data):
    """Every control changes the table's state; the state alone decides what is drawn."""
    view = TableState.from_dict(data)
    trigger = ctx.triggered_id
    if isinstance(trigger, dict) and not ctx.triggered[0]["value"]:
        return no_update  # a button that was just drawn, not clicked
    if trigger == ID.pledge:
        view = replace(view, pledge=pledge, page=1, record=None)
    elif trigger == ID.layer:
        view = replace(view, layer=layer, page=1, record=None, sort=None, desc=False)
    elif trigger == ID.search:
        view = replace(view, q=q or "", page=1)
    elif isinstance(trigger, dict) and trigger["type"].endswith("-sort"):
        view = view.sorted_by(trigger["col"])
    elif isinstance(trigger, dict) and trigger["type"].endswith("-row"):
        view = replace(view, record=trigger["id"])
    elif trigger == f"{ID.prefix}-prev":
        view = replace(view, page=max(1, view.page - 1))
    elif trigger == f"{ID.prefix}-next":
        view = replace(view, page=view.page + 1)
    return view.to_dict()


clientside_callback(
    ClientsideFunction("pledgemap", "map_clicks"),
    Output(ID.clicks_ready, "data"),
    Input(ID.map, "figure"),
    State(ID.map, "id"),
    State(ID.click, "id"),
)


@callback(Output(ID.click, "data", allow_duplicate=True), Input(ID.map, "selectedData"), prevent_initial_call=True)
def lasso_area(selected):
    """A lasso drawn on the map is an area: offered as a new record's shape, as a click is a point."""
    ring = ((selected or {}).get("lassoPoints") or {}).get("map")
    if not ring or len(ring) < 3:
        return no_update
    lon, lat = zip(*ring)
    return {"lon": sum(lon) / len(lon), "lat": sum(lat) / len(lat), "area": [list(p) for p in ring]}


@callback(Output(ID.new, "children"), Input(ID.click, "data"), State(ID.view, "data"), prevent_initial_call=True)
def offer_new_record(clicked, data):
    """A click on the map offers a new record of the shown layer there (to those who may add one)."""
    view = TableState.from_dict(data)
    t = translator(view.lang)
    with request_store() as store:
        return new_record_form(store, view.layer, clicked, view.lang, link_options(store, view, t))


# Tiles only once one has loaded in the browser: plotly's map stops updating after a tile error.
clientside_callback(
    ClientsideFunction("pledgemap", "tiles_reachable"), Output(ID.tiles_ok, "data"), Input(ID.tiles, "data")
)


@callback(
    Output(ID.table, "children"),
    Output(ID.map, "figure"),
    Output(ID.details, "children"),
    Output(ID.query, "data"),
    Output(ID.map_table, "children"),
    Input(ID.view, "data"),
    Input(ID.tiles_ok, "data"),
)
def show_view(data, tiles_ok):
    view = TableState.from_dict(data)
    t = translator(view.lang)
    columns = layer_columns(view.layer, t)
    with request_store() as store:
        pledge = store.get_pledge(view.pledge)
        try:
            records, found = _listed(store, view, columns)
        except AccessError:
            return alert(view.lang, t("access.aggregated")), no_update, [], view.to_query(), []
        rows, page, pages = page_of(found, view.page)
        try:
            # The table's page is what this person is shown of the layer (the list read whole only to search,
            # sort and page it): logged, and the record opened beside it.
            asked = describe_query(pledge_id=view.pledge, q=view.q, sort=view.sort, desc=view.desc or None, page=page)
            log_read(store, "list", {view.layer: rows["id"]}, asked)
            details = record_details(store, view.record, view.lang) if view.record else []
        except ReadLogError as exc:
            return alert(view.lang, exc), no_update, [], view.to_query(), []
        shown_ids = tuple(rows["id"]) + ((view.record,) if view.record and view.record not in set(rows["id"]) else ())
        map_view = layer_view(store, view.layer, LayerQuery(ids=shown_ids))
        chosen_record = find_record(store, view.record) if view.record else None
        if chosen_record is not None and chosen_record[0] == view.layer:
            if view.layer == "inventoried_sites":
                details = [*details, *workflow_form(store, chosen_record[1], view.lang)]
            details = [
                *details,
                *edit_form(store, view.layer, chosen_record[1], view.lang, link_options(store, view, t)),
            ]
    boundary, bounds = municipality_geojson(pledge.municipality.code)
    figure = map_figure(
        {view.layer: map_view},
        boundary,
        t,
        Basemap.of(settings(), on=bool(tiles_ok)),
        highlight={view.record} if view.record else None,
        view_key=f"{view.pledge}-{view.layer}-{view.record}",
        bounds=bounds,
    )
    if view.record and map_view.mode == "points":
        chosen = map_view.points[map_view.points["id"] == view.record]
        if not chosen.empty:
            figure["layout"]["map"].update(
                center={"lon": float(chosen["lon"].iloc[0]), "lat": float(chosen["lat"].iloc[0])}, zoom=15
            )
    table = [
        html.P(t("table.count", shown=len(found), total=len(records)), className="pm-help"),
        record_table(
            ID.prefix, columns, rows, t, view.sort, view.desc, selected=view.record, caption=t(f"layer.{view.layer}")
        ),
        pager(ID.prefix, page, pages, len(found), t),
    ]
    map_words = map_table({view.layer: map_view}, t)
    return table, figure, details, replace(view, page=page).to_query(), map_words


remember_view(ID.query)


def _listed(store, view: TableState, columns):
    """The view's layer as stored, and as the table lists it (searched and sorted): ``(records, found)``."""
    records = store.read_layer(view.layer, LayerQuery(pledge_id=view.pledge))
    return records, sort(search(records.drop(columns="geometry"), columns, view.q), view.sort, view.desc)


def record_page(view: TableState, t) -> int | None:
    """The page of the table the view's record is on (with the view's search and sort), if the table lists it."""
    try:
        with request_store() as store:
            _, found = _listed(store, view, layer_columns(view.layer, t))
    except AccessError:
        return None  # a role that sees this layer only as counts has no table to page
    ids = list(found["id"])
    return ids.index(view.record) // PAGE_SIZE + 1 if view.record in ids else None


def link_options(store, view: TableState, t) -> list[dict]:
    """What a record of the view's layer may link to: a pledge (unsafe places) or a promise (the others)."""
    return [{"label": t("import.link_none"), "value": ""}] + [
        {"label": p.title, "value": p.id}
        if promise is None
        else {"label": f"{p.title}: {promise_label(promise, t)}", "value": promise.id}
        for p, promise in link_targets(store.list_pledges(), view.layer, view.pledge, getattr(store, "viewer", None))
    ]
