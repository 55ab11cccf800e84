"""Editing a record from its details: its fields with the same validation as an import, and soft delete.

The form carries the version it was opened at. If someone else saved the
record in between, nothing is written and the form shows both versions side
by side (theirs as stored now, and the change that was not saved), so the
editor can decide what to keep. A site's status is not edited here: it moves
by the inspection workflow's steps.
"""

from __future__ import annotations

import dash
import pandas as pd
from dash import ALL, Input, Output, State, callback, dcc, html
from shapely.geometry import Point, Polygon

from dashboard.components import personal_warning
from dashboard.components.layout import alert, radio_group
from dashboard.components.problems import choice_label, field_label
from dashboard.components.saving import NOTHING, refused, saved
from dashboard.components.tables import table_head
from dashboard.context import request_store
from dashboard.i18n import translator
from dashboard.ids import EditForm as ID
from dashboard.ids import Layers
from geodata import LayerQuery, PledgemapError, VersionConflictError, get_layer
from geodata.clock import LOCAL_TZ_NAME
from geodata.views.editing import WORKFLOW_FIELDS, may_add, may_write, new_record, new_record_values


def form_value(kind: str, value):
    """A stored value as the form's input holds it."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if kind == "date":
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    if kind == "datetime":
        return f"{pd.Timestamp(value).tz_convert(LOCAL_TZ_NAME):%Y-%m-%dT%H:%M}"
    return value


def field_controls(pattern: str, spec, record: dict, lang: str, links: list[dict]) -> list:
    """A labelled input per field of ``spec`` (ids ``{"type": pattern, "name": field}``), filled from ``record``."""
    t = translator(lang)
    controls = []
    for field in spec.fields:
        if field.name in WORKFLOW_FIELDS:
            continue
        key = {"type": pattern, "name": field.name}
        value = form_value(field.kind, record.get(field.name))
        if field.name == spec.link_field:
            controls.append(radio_group(key, field_label(lang, field.name), links, value or ""))
            continue
        if field.kind == "choice":
            options = (
                [] if field.required or field.default is not None else [{"label": t("edit.none"), "value": ""}]
            ) + [{"label": choice_label(lang, field.name, c), "value": c} for c in field.choices]
            chosen = value or field.default or ""  # a field with a default shows it chosen
            controls.append(radio_group(key, field_label(lang, field.name), options, chosen, inline=True))
            continue
        kind = {"date": "date", "datetime": "datetime-local", "int": "number"}.get(field.kind, "text")
        control = (
            dcc.Textarea(id=key, value=value, rows=3, className="pm-textarea")
            if field.max_length and field.max_length > 200
            else dcc.Input(id=key, value=value, type=kind, className="pm-search")
        )
        controls.append(html.Label([html.Span(field_label(lang, field.name), className="pm-label"), control]))
    return controls


def edit_form(store, layer: str, record: dict, lang: str, links: list[dict]) -> list:
    """The edit form for ``record``, or nothing if the viewer may not change it."""
    if not may_write(getattr(store, "viewer", None), layer, [record], stored=True):
        return []
    t = translator(lang)
    controls = field_controls(ID.field, get_layer(layer), record, lang, links)
    return [
        html.Details(
            className="pm-edit",
            children=[
                html.Summary(t("edit.heading")),
                html.Div(controls, id=ID.form),
                dcc.Checklist(
                    id=ID.move, options=[{"label": t("edit.move"), "value": "yes"}], value=[], className="pm-checks"
                ),
                dcc.Store(id=ID.record, data={"layer": layer, "id": record["id"], "version": int(record["version"])}),
                html.Button(t("edit.save"), id=ID.save, type="button", className="pm-button pm-primary", n_clicks=0),
                html.Div(
                    [
                        dcc.Checklist(
                            id=ID.delete_confirm,
                            options=[{"label": t("edit.delete_confirm"), "value": "yes"}],
                            value=[],
                            className="pm-checks",
                        ),
                        html.Button(t("edit.delete"), id=ID.delete, type="button", className="pm-button", n_clicks=0),
                    ],
                    className="pm-delete",
                ),
                html.Div(id=ID.result, role="status"),
            ],
        )
    ]


def _changes(spec, record: dict, values: dict) -> dict:
    """The fields whose form value differs from the stored one (compared as the form shows them).

    Values go to the store as the form holds them: text, numbers, "YYYY-MM-DD" and
    "YYYY-MM-DDTHH:MM" (Swedish time), which its validation reads like an import's.
    """
    changes = {}
    for field in spec.fields:
        if field.name in WORKFLOW_FIELDS or field.name not in values:
            continue
        new = values[field.name]
        new = None if new in ("", None) else new
        if form_value(field.kind, record.get(field.name)) != new:
            changes[field.name] = new
    return changes


def save_record(save_clicks, delete_clicks, personal_clicks, target, confirmed, values, ids, move, clicked, view):
    """Save the form's changes (or delete the record); free text holding personal data is saved only as the editor
    chooses (masked, or as it is), after a warning that shows what was found."""
    chosen = personal_warning.decision(ID.personal, personal_clicks)
    if not (save_clicks or delete_clicks or chosen):
        return NOTHING
    lang = (view or {}).get("lang", "sv")
    t = translator(lang)
    spec = get_layer(target["layer"])
    given = {key["name"]: value for key, value in zip(ids or [], values or [])}
    deleting = dash.ctx.triggered_id == ID.delete
    if deleting and "yes" not in (confirmed or []):
        return alert(lang, t("edit.delete_unconfirmed")), dash.no_update, dash.no_update
    try:
        with request_store() as store:
            if deleting:
                store.delete_record(spec.name, target["id"], int(target["version"]))
                return saved(view, t("edit.deleted"), record=None)
            current = store.read_layer(spec.name, LayerQuery(ids=(target["id"],)))
            if current.empty:
                raise PledgemapError(t("edit.gone"))
            changes = _changes(spec, current.iloc[0].to_dict(), given)
            if "yes" in (move or []):
                if not clicked:
                    return alert(lang, t("edit.click_first")), dash.no_update, None
                changes.update(geometry=_shape(clicked), crs=4326)
            if not changes:
                return html.P(t("edit.nothing")), dash.no_update, dash.no_update
            checked, warning = personal_warning.choose(lang, spec.name, changes, ID.personal, chosen)
            if checked is None:
                return warning, dash.no_update, dash.no_update
            changes = checked
            store.update_record(spec.name, target["id"], changes, int(target["version"]))
    except VersionConflictError as exc:
        return conflict_view(spec, target, given, lang, exc), dash.no_update, None
    except PledgemapError as exc:
        return refused(lang, exc)
    return saved(view, t("edit.saved"))


def _shape(clicked: dict):
    """Where the map was clicked, or the area lassoed on it (longitude, latitude)."""
    return Polygon(clicked["area"]) if clicked.get("area") else Point(clicked["lon"], clicked["lat"])


def conflict_view(spec, target: dict, given: dict, lang: str, error: VersionConflictError) -> html.Div:
    """Both versions side by side: the record as someone else saved it, and the change that was not saved."""
    t = translator(lang)
    with request_store() as store:
        stored = store.read_layer(spec.name, LayerQuery(ids=(target["id"],)))
    now = stored.iloc[0].to_dict() if not stored.empty else {}
    rows = []
    for field in spec.fields:
        if field.name not in given:
            continue
        theirs = form_value(field.kind, now.get(field.name))
        mine = given[field.name] or None
        if theirs != mine:
            rows.append(
                html.Tr(
                    [
                        html.Th(field_label(lang, field.name), scope="row"),
                        html.Td("" if theirs is None else str(theirs)),
                        html.Td("" if mine is None else str(mine)),
                    ]
                )
            )
    return html.Div(
        className="pm-alert",
        role="alert",
        children=[
            html.P(t("edit.conflict", current=error.current)),
            html.Table(
                className="pm-records",
                children=[table_head(t("edit.field"), t("edit.theirs"), t("edit.mine")), html.Tbody(rows)],
            ),
        ],
    )


class NEW:
    form = "new-form"
    field = "new-field"
    save = "new-save"
    result = "new-result"
    personal = "new-personal"  # pattern: {"type": personal, "choice": ...}: the save's warning's buttons


def new_record_form(store, layer: str, clicked: dict, lang: str, links: list[dict]) -> list:
    """A form for a new record of ``layer`` at the clicked place, or nothing if the viewer may not add one."""
    viewer = getattr(store, "viewer", None)
    if not may_add(viewer, layer):
        return []
    t = translator(lang)
    spec = get_layer(layer)
    record = new_record_values(layer, viewer)
    return [
        html.Section(
            className="pm-edit",
            **{"aria-label": t("new.heading")},
            children=[
                html.H4(t("new.heading")),
                html.P(
                    t(
                        "new.area" if clicked.get("area") else "new.place",
                        lat=f"{clicked['lat']:.5f}",
                        lon=f"{clicked['lon']:.5f}",
                        corners=len(clicked.get("area") or []),
                    ),
                    className="pm-hint",
                ),
                html.Div(field_controls(NEW.field, spec, record, lang, links), id=NEW.form),
                html.Button(t("new.save"), id=NEW.save, type="button", className="pm-button pm-primary", n_clicks=0),
                html.Div(id=NEW.result, role="status"),
            ],
        )
    ]


def save_new_record(clicks, personal_clicks, values, ids, clicked, view):
    """Add the record where the map was clicked: validated and checked as every write is, then shown (free text
    holding personal data only as the editor chooses, as in :func:`save_record`)."""
    import geopandas as gpd

    chosen = personal_warning.decision(NEW.personal, personal_clicks)
    if not (clicks or chosen) or not clicked:
        return NOTHING
    lang = (view or {}).get("lang", "sv")
    t = translator(lang)
    given = {key["name"]: (None if value in ("", None) else value) for key, value in zip(ids or [], values or [])}
    checked, warning = personal_warning.choose(lang, view["layer"], given, NEW.personal, chosen)
    if checked is None:
        return warning, dash.no_update, dash.no_update
    given = checked
    records = gpd.GeoDataFrame([new_record(view["layer"], given)], geometry=[_shape(clicked)], crs=4326)
    try:
        with request_store() as store:
            [record_id] = store.write_batch(view["layer"], records)
    except PledgemapError as exc:
        return refused(lang, exc)
    return saved(view, t("new.saved"), record=record_id)


def register() -> None:
    """Register this form's callbacks with the app being built.

    Called by the page that shows the form: Dash runs page modules again for
    each app it builds, so the callbacks reach every app (a module-level
    ``@callback`` here would reach only the first app built in a process).
    """
    callback(
        Output(ID.result, "children"),
        Output(Layers.view, "data", allow_duplicate=True),
        Output(Layers.notice, "children", allow_duplicate=True),
        Input(ID.save, "n_clicks"),
        Input(ID.delete, "n_clicks"),
        Input({"type": ID.personal, "choice": ALL}, "n_clicks"),
        State(ID.record, "data"),
        State(ID.delete_confirm, "value"),
        State({"type": ID.field, "name": ALL}, "value"),
        State({"type": ID.field, "name": ALL}, "id"),
        State(ID.move, "value"),
        State(Layers.click, "data"),
        State(Layers.view, "data"),
        prevent_initial_call=True,
    )(save_record)
    callback(
        Output(NEW.result, "children"),
        Output(Layers.view, "data", allow_duplicate=True),
        Output(Layers.notice, "children", allow_duplicate=True),
        Input(NEW.save, "n_clicks"),
        Input({"type": NEW.personal, "choice": ALL}, "n_clicks"),
        State({"type": NEW.field, "name": ALL}, "value"),
        State({"type": NEW.field, "name": ALL}, "id"),
        State(Layers.click, "data"),
        State(Layers.view, "data"),
        prevent_initial_call=True,
    )(save_new_record)
