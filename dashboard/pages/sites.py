"""Fastigheter / Sites worklist: the inventoried sites flagged for action, for the people working through them."""

from __future__ import annotations

from dataclasses import replace

import dash
from dash import Input, Output, State, callback, dcc, html

from dashboard.components.layout import (
    PageStart,
    alert,
    check_group,
    date_input,
    page,
    pledge_picker,
    remember_view,
    start_page,
)
from dashboard.components.tables import Column, layer_columns, record_table
from dashboard.context import request_store
from dashboard.exports import worklist_file
from dashboard.i18n import language, translator
from dashboard.ids import Sites as ID
from dashboard.state import parse_date
from dashboard.state.sites import SitesState
from dashboard.state.table import TableState
from geodata import AccessError, clock, vocab
from geodata.views.worklist import chosen_worklist, owners

dash.register_page(__name__, path="/sites", name="Fastigheter", title="Pledgemap – Fastigheter", order=3)


def _split(value: str | list | None, allowed: tuple[str, ...] | None = None) -> list[str] | None:
    if value is None:
        return None
    value = value[0] if isinstance(value, list) else value
    items = [v for v in value.split(",") if v]
    return [v for v in items if v in allowed] if allowed else items


def layout(
    pledge: str | None = None,
    owner: str | None = None,
    types: str | None = None,
    status: str | None = None,
    due: str | None = None,
    overdue: str | None = None,
    lang: str | None = None,
    **_query: str,
) -> html.Div:
    lang = language(lang)
    t = translator(lang)
    start = start_page(lang, "/sites", pledge, read=lambda store, chosen: owners(store, chosen.id))
    if not isinstance(start, PageStart):
        return start
    pledges, chosen, all_owners, banner = start.pledges, start.pledge.id, start.more, start.banner
    chosen_types = _split(types, vocab.SITE_TYPES)
    chosen_statuses = _split(status, vocab.SITE_STATUSES)
    controls = html.Form(
        className="pm-table-controls",
        **{"aria-label": t("filters.heading")},
        children=[
            pledge_picker(ID.pledge, pledges, chosen, t("filters.pledge")),
            check_group(
                ID.owners, t("sites.owner_hint"), [{"label": o, "value": o} for o in all_owners], _split(owner) or []
            ),
            check_group(
                ID.types,
                t("field.site_type"),
                [{"label": t(f"site_type.{c}"), "value": c} for c in vocab.SITE_TYPES],
                chosen_types if chosen_types is not None else vocab.SITE_TYPES,
                inline=True,
            ),
            check_group(
                ID.statuses,
                t("field.status"),
                [{"label": t(f"status.{c}"), "value": c} for c in vocab.SITE_STATUSES],
                chosen_statuses if chosen_statuses is not None else vocab.OPEN_SITE_STATUSES,
                inline=True,
            ),
            html.Div(
                [
                    html.Label(t("sites.due_before"), htmlFor=ID.due),
                    date_input(ID.due, due),
                ]
            ),
            dcc.Checklist(
                id=ID.overdue,
                options=[{"label": t("sites.overdue_only"), "value": "1"}],
                value=["1"] if overdue == "1" else [],
                className="pm-checks",
            ),
        ],
    )
    body = [
        banner,
        html.H1(t("nav.sites")),
        html.P(t("sites.help"), className="pm-help"),
        controls,
        html.Div(
            className="pm-import-actions",
            children=[
                dcc.RadioItems(
                    id=ID.download_format,
                    value="xlsx",
                    className="pm-radios pm-inline",
                    options=[{"label": "Excel", "value": "xlsx"}, {"label": "CSV", "value": "csv"}],
                ),
                html.Button(t("sites.download"), id=ID.download, type="button", className="pm-button"),
                dcc.Download(id=ID.file),
            ],
        ),
        html.Div(id=ID.table, className="pm-worklist"),
        dcc.Store(id=ID.query),
        dcc.Store(id=ID.lang, data=lang),
    ]
    return page(lang, "/sites", body, f"pledge={chosen}")


@callback(
    Output(ID.table, "children"),
    Output(ID.query, "data"),
    Output(ID.owners, "options"),
    Input(ID.pledge, "value"),
    Input(ID.owners, "value"),
    Input(ID.types, "value"),
    Input(ID.statuses, "value"),
    Input(ID.due, "value"),
    Input(ID.overdue, "value"),
    State(ID.lang, "data"),
)
def show_worklist(pledge, chosen_owners, types, statuses, due, overdue, lang):
    lang = language(lang)
    t = translator(lang)
    due_before = parse_date(due)
    try:
        with request_store() as store:
            sites = _sites(store, pledge, chosen_owners, types, statuses, due_before, overdue)
            # The owners depend on the pledge alone: read again only when it changes (or on the first call).
            owner_options = (
                [{"label": o, "value": o} for o in owners(store, pledge)]
                if dash.ctx.triggered_id in (None, ID.pledge)
                else dash.no_update
            )
    except AccessError as exc:  # a role that sees sites only as the public view
        return alert(lang, exc), dash.no_update, []
    columns = [c for c in layer_columns("inventoried_sites", t) if c.key != "inspected_on"]
    columns.append(Column("measure", t("field.measure"), lambda v: v if isinstance(v, str) else ""))
    columns.append(Column("overdue", t("sites.overdue"), lambda v: t("sites.overdue_mark") if v else ""))
    overdue_count = int(sites["overdue"].sum()) if not sites.empty else 0
    link = TableState(pledge, "inventoried_sites", lang=lang)
    table = [
        html.P(
            [
                t("sites.count", count=len(sites)),
                " ",
                html.Strong(t("sites.overdue_count", count=overdue_count), className="pm-overdue")
                if overdue_count
                else None,
            ]
        ),
        record_table(
            "st",
            columns,
            sites,
            t,
            None,
            False,
            row_class=lambda r: "pm-row-overdue" if r["overdue"] else "",
            caption=t("nav.sites"),
            row_link=lambda r: f"/layers?{replace(link, record=r['id']).to_query()}",
            sortable=False,
        ),
    ]
    state = SitesState(
        pledge,
        tuple(chosen_owners or ()),
        tuple(types or ()),
        tuple(statuses or ()),
        due_before,
        bool(overdue),
        lang,
    )
    return table, state.to_query(), owner_options


remember_view(ID.query)


def _sites(store, pledge, chosen_owners, types, statuses, due_before, overdue):
    """The worklist the filters ask for (what a filter ticked or not means is :func:`chosen_worklist`'s)."""
    return chosen_worklist(
        store,
        clock.today(),
        pledge_id=pledge,
        owners=chosen_owners,
        site_types=types,
        statuses=statuses,
        due_before=due_before,
        overdue_only=bool(overdue),
    )


@callback(
    Output(ID.file, "data"),
    Input(ID.download, "n_clicks"),
    State(ID.download_format, "value"),
    State(ID.pledge, "value"),
    State(ID.owners, "value"),
    State(ID.types, "value"),
    State(ID.statuses, "value"),
    State(ID.due, "value"),
    State(ID.overdue, "value"),
    State(ID.lang, "data"),
    prevent_initial_call=True,
)
def download_worklist(_clicks, fmt, pledge, chosen_owners, types, statuses, due, overdue, lang):
    """The worklist as shown, as a file for the caretakers."""
    try:
        with request_store() as store:
            sites = _sites(store, pledge, chosen_owners, types, statuses, parse_date(due), overdue)
    except AccessError:
        return None  # nothing to download for a role that may not read the sites; the page says why
    content, name = worklist_file(sites, fmt, language(lang))
    return dcc.send_bytes(content, name)
