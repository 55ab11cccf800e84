"""Fastigheter / Sites worklist: the inventoried sites flagged for action, for the people working through them.

The list, a site's details and its workflow are all on this page: "Visa"
opens the site beside the list (below it on a phone), and a saved step
redraws both where the caretaker was, on the same page, sort and site. One
state (:class:`~dashboard.state.sites.SitesState`, in the address) decides what
is drawn.
"""

from __future__ import annotations

from dataclasses import replace

import dash
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

from dashboard.components import workflow_form as workflow_forms
from dashboard.components.details import find_record, record_details
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
from dashboard.components.tables import Column, layer_columns, page_of, pager, record_table, sort
from dashboard.components.titles import page_title
from dashboard.components.workflow_form import workflow_form
from dashboard.context import request_store
from dashboard.exports import worklist_file
from dashboard.i18n import language, translator
from dashboard.ids import Sites as ID
from dashboard.ids import SitesWorkflowForm
from dashboard.state import parse_date
from dashboard.state.sites import SitesState
from geodata import AccessError, clock, vocab
from geodata.access import ReadLogError, describe_query, log_read
from geodata.views.worklist import chosen_worklist, owners

dash.register_page(__name__, path="/sites", name="Fastigheter", title=page_title("nav.sites"), order=3)

workflow_forms.register(SitesWorkflowForm, ID.view, ID.notice, ID.lang)

FILTERS = (ID.pledge, ID.owners, ID.types, ID.statuses, ID.due, ID.overdue)


def layout(**query: str) -> html.Div:
    view = SitesState.from_query(query)
    lang = view.lang
    t = translator(lang)
    start = start_page(lang, "/sites", view.pledge, read=lambda store, chosen: owners(store, chosen.id))
    if not isinstance(start, PageStart):
        return start
    pledges, all_owners, banner = start.pledges, start.more, start.banner
    view = replace(view, pledge=start.pledge.id)
    controls = html.Form(
        className="pm-table-controls pm-sites-controls",
        **{"aria-label": t("filters.heading")},
        children=[
            pledge_picker(ID.pledge, pledges, view.pledge, t("filters.pledge"), lang),
            check_group(ID.owners, t("sites.owner_hint"), [{"label": o, "value": o} for o in all_owners], view.owners),
            check_group(
                ID.types,
                t("field.site_type"),
                [{"label": t(f"site_type.{c}"), "value": c} for c in vocab.SITE_TYPES],
                view.types,
                inline=True,
            ),
            check_group(
                ID.statuses,
                t("field.status"),
                [{"label": t(f"status.{c}"), "value": c} for c in vocab.SITE_STATUSES],
                view.statuses,
                inline=True,
            ),
            html.Div(
                [
                    html.Label(t("sites.due_before"), htmlFor=ID.due),
                    date_input(ID.due, view.due.isoformat() if view.due else None),
                ],
                className="pm-sites-due",
            ),
            dcc.Checklist(
                id=ID.overdue,
                options=[{"label": t("sites.overdue_only"), "value": "1"}],
                value=["1"] if view.overdue else [],
                className="pm-checks",
            ),
        ],
    )
    body = [
        banner,
        html.H1(t("nav.sites")),
        html.P(t("sites.help"), className="pm-help"),
        # Open at first; a phone folds it away on load (the list is what a caretaker came for).
        html.Details(
            [html.Summary(t("sites.filters")), controls], id=ID.filters, open=True, className="pm-sites-filters"
        ),
        html.Div(
            className="pm-import-actions pm-sites-download",
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
        html.Div(
            className="pm-sites",
            children=[
                html.Section(
                    html.Div(id=ID.table, className="pm-worklist"),
                    className="pm-sites-list",
                    id="st-list",
                    **{"aria-label": t("table.records")},
                ),
                html.Section(
                    id=ID.panel,
                    className="pm-sites-panel",
                    tabIndex="-1",
                    **{"aria-label": t("details.heading")},
                    children=[
                        html.Div(id=ID.notice, role="status"),
                        html.Div(id=ID.details, className="pm-details", **{"aria-live": "polite"}),
                    ],
                ),
            ],
        ),
        dcc.Store(id=ID.view, data=view.to_dict()),
        dcc.Store(id=ID.shown),
        dcc.Store(id=ID.scrolled),
        dcc.Store(id=ID.query),
        dcc.Store(id=ID.lang, data=lang),
    ]
    return page(lang, "/sites", body, f"pledge={view.pledge}")


@callback(
    Output(ID.view, "data"),
    *(Input(name, "value") for name in FILTERS),
    Input({"type": f"{ID.prefix}-sort", "col": ALL}, "n_clicks"),
    Input({"type": f"{ID.prefix}-row", "id": ALL}, "n_clicks"),
    Input(f"{ID.prefix}-prev", "n_clicks"),
    Input(f"{ID.prefix}-next", "n_clicks"),
    State(ID.view, "data"),
    prevent_initial_call=True,
)
def change_view(pledge, chosen_owners, types, statuses, due, overdue, _sorts, _rows, _prev, _next, data):
    """Every control changes the worklist's state; the state alone decides what is drawn."""
    view = SitesState.from_dict(data)
    trigger = ctx.triggered_id
    if isinstance(trigger, dict) and not ctx.triggered[0]["value"]:
        return no_update  # a button that was just drawn, not pressed
    if trigger in FILTERS:
        # A new filter is a new list: its first page; the chosen site stays open beside it.
        view = replace(
            view,
            pledge=pledge,
            owners=tuple(chosen_owners or ()),
            types=tuple(types or ()),
            statuses=tuple(statuses or ()),
            due=parse_date(due),
            overdue=bool(overdue),
            page=1,
        )
        if trigger == ID.pledge:
            view = replace(view, record=None)
    elif isinstance(trigger, dict) and trigger["type"] == f"{ID.prefix}-sort":
        view = view.sorted_by(trigger["col"])
    elif isinstance(trigger, dict) and trigger["type"] == f"{ID.prefix}-row":
        view = replace(view, record=trigger["id"])
    elif trigger == f"{ID.prefix}-prev":
        view = replace(view, page=max(1, view.page - 1))
    elif trigger == f"{ID.prefix}-next":
        view = replace(view, page=view.page + 1)
    return view.to_dict()


@callback(Output(ID.owners, "options"), Input(ID.pledge, "value"), prevent_initial_call=True)
def show_owners(pledge):
    """The owners depend on the pledge alone: read again only when it changes."""
    try:
        with request_store() as store:
            return [{"label": o, "value": o} for o in owners(store, pledge)]
    except AccessError:
        return []


def columns(t) -> list[Column]:
    """The worklist's columns: the site (its property designation under the address), its type and owner, its
    status (and whether it is overdue), due date and measure: six and the button, so the list fits beside the
    chosen site."""
    site = {c.key: c for c in layer_columns("inventoried_sites", t)}
    overdue = Column("overdue", t("sites.overdue"), lambda v: t("sites.overdue_mark") if _yes(v) else "")
    return [
        replace(site["address"], detail=site["property_designation"]),
        site["site_type"],
        site["owner"],
        replace(site["status"], detail=overdue),
        site["due_on"],
        Column("measure", t("field.measure"), lambda v: v if isinstance(v, str) else ""),
    ]


@callback(Output(ID.table, "children"), Output(ID.query, "data"), Input(ID.view, "data"))
def show_worklist(data):
    view = SitesState.from_dict(data)
    t = translator(view.lang)
    shown = columns(t)
    try:
        with request_store() as store:
            sites = _sites(store, view)
            ordered = sort(sites, view.sort, view.desc, shown)
            rows, page_number, pages = page_of(ordered, view.page)
            # The page of the worklist is what this person is shown: logged before it is drawn.
            log_read(store, "list", {"inventoried_sites": rows["id"]}, _asked(view, page=page_number))
    except (AccessError, ReadLogError) as exc:  # a role that sees sites only as the public view; a read not logged
        return alert(view.lang, exc), no_update
    overdue_count = int(sites["overdue"].sum()) if not sites.empty else 0
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
            ID.prefix,
            shown,
            rows,
            t,
            view.sort,
            view.desc,
            selected=view.record,
            row_class=lambda r: "pm-row-overdue" if r["overdue"] else "",
            caption=t("nav.sites"),
            cards=True,
        ),
        pager(ID.prefix, page_number, pages, len(sites), t),
    ]
    return table, replace(view, page=page_number).to_query()


@callback(
    Output(ID.details, "children"),
    Output(ID.shown, "data"),
    Input(ID.view, "data"),
    State(ID.shown, "data"),
)
def show_site(data, shown):
    """The chosen site's details and its workflow form, drawn again only for another site, a save or a language.

    A change of filter, sort or page leaves the form as it is, with whatever the caretaker has typed into it.
    """
    view = SitesState.from_dict(data)
    drawn = {"record": view.record, "saved": view.saved, "lang": view.lang}
    if drawn == shown:
        return no_update, no_update
    t = translator(view.lang)
    if not view.record:
        return [html.P(t("sites.choose"), className="pm-help")], drawn
    with request_store() as store:
        try:
            details = record_details(store, view.record, view.lang)
        except ReadLogError as exc:  # the read could not be logged: nothing of the site is shown
            return [alert(view.lang, exc)], no_update
        found = find_record(store, view.record)
        if found is not None and found[0] == "inventoried_sites":
            details = [*details, *workflow_form(store, found[1], view.lang, SitesWorkflowForm)]
    back = html.P(html.A(t("sites.back"), href="#st-list", className="pm-sites-back"))
    return [*details, back], drawn


# On a phone the details are below the list: bring them into view (and focus) when a site is chosen.
clientside_callback(
    """function(shown) {
        if (!shown || !shown.record || !window.matchMedia('(max-width: 700px)').matches) {
            return window.dash_clientside.no_update;
        }
        var key = shown.record + ':' + shown.saved;
        if (window.pmSitesScrolled === key) { return window.dash_clientside.no_update; }
        window.pmSitesScrolled = key;
        var panel = document.getElementById('st-panel');
        if (panel) { panel.focus({preventScroll: true}); panel.scrollIntoView({block: 'start'}); }
        return key;
    }""",
    Output(ID.scrolled, "data"),
    Input(ID.shown, "data"),
    prevent_initial_call=True,
)

# A phone folds the filters away when the page opens; a wider screen keeps them open.
clientside_callback(
    """function(id) { return !window.matchMedia('(max-width: 700px)').matches; }""",
    Output(ID.filters, "open"),
    Input(ID.filters, "id"),
)

remember_view(ID.query)


def _yes(value) -> bool:
    return value is not None and value == value and bool(value)


def _asked(view: SitesState, **more) -> str | None:
    """The worklist's filters as the read log keeps them."""
    return describe_query(
        pledge_id=view.pledge,
        owners=view.owners,
        site_types=view.types,
        statuses=view.statuses,
        due_before=view.due,
        overdue_only=view.overdue or None,
        sort=view.sort,
        desc=view.desc or None,
        **more,
    )


def _sites(store, view: SitesState):
    """The worklist the filters ask for (what a filter ticked or not means is :func:`chosen_worklist`'s)."""
    return chosen_worklist(
        store,
        clock.today(),
        pledge_id=view.pledge,
        owners=view.owners,
        site_types=view.types,
        statuses=view.statuses,
        due_before=view.due,
        overdue_only=view.overdue,
    )


@callback(
    Output(ID.file, "data"),
    Input(ID.download, "n_clicks"),
    State(ID.download_format, "value"),
    State(ID.view, "data"),
    prevent_initial_call=True,
)
def download_worklist(_clicks, fmt, data):
    """The worklist as shown (its filters and order), as a file for the caretakers."""
    view = SitesState.from_dict(data)
    try:
        with request_store() as store:
            sites = sort(_sites(store, view), view.sort, view.desc, columns(translator(view.lang)))
            log_read(store, "export", {"inventoried_sites": sites["id"]}, _asked(view, format=fmt))
    except (AccessError, ReadLogError):
        return None  # nothing to download for a role that may not read the sites (the page says why), or unlogged
    content, name = worklist_file(sites, fmt, language(view.lang))
    return dcc.send_bytes(content, name)
