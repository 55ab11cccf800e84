"""The import page's pasted-text section: a published pledge text becomes a draft, reviewed in a form, then saved.

The draft is a pledge document (:func:`geodata.io.pledge_draft.draft_document`)
kept in the browser in :attr:`DraftForm.doc`; every field of the form is an
input with the id ``{"type": DraftForm.field, "path": "promises.2.kind"}``.
An action (add, delete, split, merge, move a promise; add or delete a
partner) first takes the form's values into the document, then makes its
change with the domain's edit and draws the form again. Saving validates the
document on the server like every pledge document (one line per field that
needs fixing) and replaces a stored pledge of the same id only after the
user presses the confirmation that names it.
"""

from __future__ import annotations

import json
from typing import Any

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, dcc, html

from dashboard.components.draft_words import field_name, problem_lines, yaml_marks
from dashboard.components.layout import alert, date_input, radio_group, request_viewer
from dashboard.context import request_store
from dashboard.i18n import translator
from dashboard.ids import DraftForm as ID
from dashboard.ids import Importer
from geodata import PledgemapError, ValidationError, parse_pledge_text, vocab
from geodata.access import may_change_pledges
from geodata.io import pledge_draft as drafts

FIELD = {"type": ID.field, "path": ALL}
ACTION = {"type": ID.action, "op": ALL, "i": ALL}
SPLIT = {"type": ID.split, "i": ALL}
REPLACE = {"type": ID.replace, "id": ALL}
OPS = ("up", "down", "split", "merge", "delete")
ADD = {"type": ID.action, "op": "add", "i": -1}
ADD_PARTNER = {"type": ID.action, "op": "add_partner", "i": -1}


def draft_section(lang: str) -> html.Section:
    """The paste box and the (empty) review form, for the import page."""
    t = translator(lang)
    return html.Section(
        className="pm-panel",
        children=[
            html.H2(t("draft.heading")),
            html.P(t("draft.intro")),
            html.Label(t("draft.label"), htmlFor=Importer.text, className="pm-label"),
            dcc.Textarea(id=Importer.text, className="pm-textarea", rows=12),
            html.Button(t("draft.parse"), id=Importer.parse, className="pm-button pm-primary", n_clicks=0),
            dcc.Store(id=ID.doc),
            dcc.Store(id=ID.cursor),
            dcc.Store(id=ID.focus),
            dcc.Download(id=Importer.draft_download),
            html.P(id=ID.notice, role="status", className="pm-draft-notice"),
            html.Div(id=Importer.draft),
        ],
    )


# --- the form -----------------------------------------------------------------------------------------------


def _tag(t, state: str | None) -> html.Span | None:
    """The words that mark a value the reader guessed or did not find (words, not colour alone)."""
    if state == drafts.GUESSED:
        return html.Span(t("draft.guessed"), className="pm-tag pm-tag-guessed")
    if state == drafts.NOT_FOUND:
        return html.Span(t("draft.not_found"), className="pm-tag pm-tag-missing")
    return None


def _key(path: str) -> dict[str, str]:
    return {"type": ID.field, "path": path}


def _text_input(t, label: str, path: str, value, state=None, *, area: bool = False, kind: str = "text", hint=None):
    key = _key(path)
    if kind == "date":
        control: Any = date_input(key, value, className="pm-search")
    elif area:
        control = dcc.Textarea(id=key, value=value or "", rows=3, className="pm-textarea")
    else:
        control = dcc.Input(
            id=key, value=value if value is not None else "", type=kind, className="pm-search pm-draft-input"
        )
    return html.Label(
        [
            html.Span([label, " ", _tag(t, state)], className="pm-label"),
            control,
            html.Span(hint, className="pm-hint pm-draft-hint") if hint else None,
        ],
        className="pm-draft-field",
    )


def _choices(t, legend, path: str, options: list[dict], value, state=None) -> html.Fieldset:
    group = radio_group(_key(path), legend, options, value if value is not None else "", inline=True, boxed=False)
    if state in (drafts.GUESSED, drafts.NOT_FOUND):
        group.children[0].children = [legend, " ", _tag(t, state)]
    group.className = "pm-draft-choices"
    return group


def _pledge_fields(t, lang: str, doc: dict) -> html.Fieldset:
    marks = doc.get(drafts.CERTAINTY) or {}
    period = doc.get("period") or {}
    municipality = doc.get("municipality") or {}
    return html.Fieldset(
        className="pm-draft-group",
        children=[
            html.Legend(t("draft.pledge_fields")),
            _text_input(t, field_name(lang, "title"), "title", doc.get("title"), marks.get("title")),
            html.Div(
                className="pm-draft-grid",
                children=[
                    _text_input(
                        t, field_name(lang, "id"), "id", doc.get("id"), marks.get("id"), hint=t("draft.id_hint")
                    ),
                    _text_input(
                        t,
                        field_name(lang, "municipality"),
                        "municipality.name",
                        municipality.get("name"),
                        marks.get("municipality"),
                    ),
                    _text_input(
                        t,
                        field_name(lang, "municipality.code"),
                        "municipality.code",
                        municipality.get("code"),
                        marks.get("municipality") if not municipality.get("code") else None,
                    ),
                    _text_input(
                        t,
                        field_name(lang, "police_area"),
                        "police_area.name",
                        (doc.get("police_area") or {}).get("name"),
                        marks.get("police_area"),
                    ),
                    _text_input(
                        t,
                        field_name(lang, "signed_on"),
                        "signed_on",
                        doc.get("signed_on"),
                        marks.get("signed_on"),
                        kind="date",
                    ),
                    _text_input(
                        t,
                        field_name(lang, "period.start"),
                        "period.start",
                        period.get("start"),
                        marks.get("period"),
                        kind="date",
                    ),
                    _text_input(
                        t,
                        field_name(lang, "period.end"),
                        "period.end",
                        period.get("end"),
                        marks.get("period"),
                        kind="date",
                    ),
                ],
            ),
            _text_input(t, field_name(lang, "focus"), "focus", doc.get("focus"), marks.get("focus"), area=True),
            _text_input(
                t,
                field_name(lang, "goals"),
                "goals",
                "\n".join(g.get("text") or "" for g in doc.get("goals") or []),
                area=True,
            ),
            _cadence_choice(t, lang, doc),
        ],
    )


def _cadence_choice(t, lang: str, doc: dict) -> html.Div:
    """How often the pledge is followed up: what the text says ("följs upp fyra gånger per år"), else by tertial,
    the common cycle, with a hint that the text did not say."""
    options = [{"label": t(f"follow_up_period.{code}"), "value": code} for code in vocab.FOLLOW_UP_PERIODS]
    stated = doc.get("follow_up_period")
    group = _choices(t, field_name(lang, "follow_up_period"), "follow_up_period", options, stated or "tertial")
    hint = None if stated else html.P(t("draft.cadence_hint"), className="pm-hint pm-draft-hint")
    return html.Div([group, hint])


def _partner_fields(t, lang: str, doc: dict) -> html.Fieldset:
    marks = doc.get(drafts.CERTAINTY) or {}
    kinds = [{"label": t(f"partner_kind.{k}"), "value": k} for k in vocab.PARTNER_KINDS]
    rows = []
    for j, partner in enumerate(doc.get("partners") or []):
        n = j + 1
        rows.append(
            html.Li(
                className="pm-draft-partner",
                children=html.Fieldset(
                    [
                        html.Legend(t("draft.partner_n", n=n)),
                        html.Div(
                            className="pm-draft-grid",
                            children=[
                                _text_input(
                                    t,
                                    field_name(lang, f"partners[{j}].name", owner=False),
                                    f"partners.{j}.name",
                                    partner.get("name"),
                                ),
                                _text_input(
                                    t,
                                    field_name(lang, f"partners[{j}].short_name", owner=False),
                                    f"partners.{j}.short_name",
                                    partner.get("short_name"),
                                ),
                            ],
                        ),
                        _choices(
                            t,
                            field_name(lang, f"partners[{j}].kind", owner=False),
                            f"partners.{j}.kind",
                            kinds,
                            partner.get("kind"),
                        ),
                        html.Button(
                            [
                                t("draft.delete_partner"),
                                html.Span(
                                    " " + (partner.get("name") or t("draft.partner_n", n=n)),
                                    className="pm-visually-hidden",
                                ),
                            ],
                            id={"type": ID.action, "op": "delete_partner", "i": j},
                            className="pm-row-button",
                            n_clicks=0,
                        ),
                    ]
                ),
            )
        )
    return html.Fieldset(
        className="pm-draft-group",
        children=[
            html.Legend([t("draft.field.partners"), " ", _tag(t, marks.get("partners"))]),
            html.Ul(rows, className="pm-draft-list"),
            html.Button(t("draft.add_partner"), id=ADD_PARTNER, className="pm-button", n_clicks=0),
        ],
    )


def _promise_fields(t, lang: str, doc: dict, i: int, promise: dict) -> html.Li:
    n, count = i + 1, len(doc["promises"])
    marks = promise.get(drafts.CERTAINTY) or {}
    period = promise.get("period") or {}
    partners = [
        # The partner as the text names it ("Solna stad"), not its short name ("Kommunen"), which two may share.
        {"label": p.get("name") or p.get("short_name") or p.get("id"), "value": p.get("id")}
        for p in doc.get("partners") or []
    ]
    known = {p["value"] for p in partners}
    partners += [{"label": party, "value": party} for party in promise.get("parties") or [] if party not in known]
    kinds = [{"label": t("draft.kind_none"), "value": ""}] + [
        {"label": t(f"promise_kind.{k}"), "value": k} for k in vocab.PROMISE_KINDS
    ]
    pers = [{"label": t("per.none"), "value": ""}] + [
        {"label": t(f"per.{p}"), "value": p} for p in vocab.TARGET_PERIODS
    ]
    parties_legend = field_name(lang, f"promises[{i}].parties", owner=False)
    disabled = {"up": i == 0, "down": i == count - 1, "merge": i == count - 1}

    def button(op: str):
        component_id: dict = {"type": ID.split, "i": i} if op == "split" else {"type": ID.action, "op": op, "i": i}
        return html.Button(
            [t(f"draft.{op}"), html.Span(" " + t("draft.which_promise", n=n), className="pm-visually-hidden")],
            id=component_id,
            className="pm-row-button",
            n_clicks=0,
            disabled=disabled.get(op, False),
        )

    return html.Li(
        className="pm-draft-promise",
        id=f"{ID.promise}-{i}",
        children=[
            html.Fieldset(
                children=[
                    html.Legend(t("draft.promise_n", n=n)),
                    html.P(t("draft.cut_promise"), className="pm-notice") if promise.get(drafts.CUT) else None,
                    _text_input(
                        t,
                        field_name(lang, f"promises[{i}].text", owner=False),
                        f"promises.{i}.text",
                        promise.get("text"),
                        marks.get("text"),
                        area=True,
                    ),
                    html.Fieldset(
                        className="pm-draft-choices",
                        children=[
                            html.Legend([parties_legend, " ", _tag(t, marks.get("parties"))]),
                            dcc.Checklist(
                                id=_key(f"promises.{i}.parties"),
                                options=partners,
                                value=list(promise.get("parties") or []),
                                className="pm-checks pm-inline",
                            ),
                        ],
                    ),
                    _choices(
                        t,
                        field_name(lang, f"promises[{i}].kind", owner=False),
                        f"promises.{i}.kind",
                        kinds,
                        promise.get("kind"),
                        marks.get("kind"),
                    ),
                    html.Div(
                        className="pm-draft-grid",
                        children=[
                            _text_input(
                                t,
                                field_name(lang, f"promises[{i}].target", owner=False),
                                f"promises.{i}.target",
                                promise.get("target"),
                                marks.get("target"),
                                kind="number",
                            ),
                            _text_input(
                                t,
                                field_name(lang, f"promises[{i}].target_unit", owner=False),
                                f"promises.{i}.target_unit",
                                promise.get("target_unit"),
                            ),
                        ],
                    ),
                    _choices(
                        t,
                        field_name(lang, f"promises[{i}].target_per", owner=False),
                        f"promises.{i}.target_per",
                        pers,
                        promise.get("target_per"),
                    ),
                    html.Div(
                        className="pm-draft-grid",
                        children=[
                            _text_input(
                                t,
                                field_name(lang, f"promises[{i}].period.start", owner=False),
                                f"promises.{i}.period.start",
                                period.get("start"),
                                marks.get("period") if marks.get("period") == drafts.GUESSED else None,
                                kind="date",
                            ),
                            _text_input(
                                t,
                                field_name(lang, f"promises[{i}].period.end", owner=False),
                                f"promises.{i}.period.end",
                                period.get("end"),
                                marks.get("period") if marks.get("period") == drafts.GUESSED else None,
                                kind="date",
                            ),
                        ],
                    ),
                ]
            ),
            html.Div([button(op) for op in OPS], className="pm-draft-actions"),
        ],
    )


def _counts(doc: dict) -> tuple[int, int]:
    states = list((doc.get(drafts.CERTAINTY) or {}).values())
    for promise in doc.get("promises") or []:
        states += list((promise.get(drafts.CERTAINTY) or {}).values())
    return states.count(drafts.GUESSED), states.count(drafts.NOT_FOUND)


def draft_form(doc: dict, lang: str, problem: str | None = None) -> list:
    """The review form for ``doc``: the pledge's fields, its partners, its promises, and how to save it."""
    t = translator(lang)
    guessed, missing = _counts(doc)
    promises = doc.get("promises") or []
    viewer = request_viewer()
    may_save = viewer is None or may_change_pledges(viewer)
    return [
        html.H3(t("draft.result")),
        # A draft of next year's pledge (geodata.io.pledge_cycle) marks what it assumed from the one it follows.
        html.P(
            t("cycle.review_intro", id=doc["follows"])
            if doc.get("follows")
            else t("draft.marks", guessed=guessed, missing=missing),
            className="pm-hint",
        ),
        # An excerpt cut off mid-text: what follows the cut is not in the draft, and the reader says so.
        html.P(t("draft.cut"), className="pm-notice") if doc.get("_cut") else None,
        alert(lang, problem) if problem else None,
        _pledge_fields(t, lang, doc),
        _partner_fields(t, lang, doc),
        html.H4(t("draft.promises", count=len(promises))),
        html.P(t("draft.split_hint"), className="pm-hint"),
        html.Ol([_promise_fields(t, lang, doc, i, p) for i, p in enumerate(promises)], className="pm-draft-list"),
        html.Button(t("draft.add"), id=ADD, className="pm-button", n_clicks=0),
        html.Div(
            className="pm-import-actions",
            children=[
                html.Button(t("draft.download"), id=ID.download, className="pm-button", n_clicks=0),
                html.Button(t("draft.save"), id=Importer.save_pledge, className="pm-button pm-primary", n_clicks=0)
                if may_save
                else None,
                html.P(t("draft.save_hint") if may_save else t("draft.no_save_role"), className="pm-hint"),
            ],
        ),
        html.Div(id=Importer.saved, role="status"),
    ]


# --- callbacks ----------------------------------------------------------------------------------------------


def _edited(doc: dict, values: list, ids: list[dict]) -> dict:
    """``doc`` with the form's current values."""
    return drafts.apply_edits(doc, {key["path"]: value for key, value in zip(ids, values)})


def parse_text(_clicks, text, lang):
    """The pasted text as a draft under review."""
    t = translator(lang)
    if not (text or "").strip():
        return None, alert(lang, t("draft.empty")), None
    doc = drafts.draft_document(parse_pledge_text(text).to_dict())
    return doc, draft_form(doc, lang), None


def _dom_id(component_id: dict | str) -> str:
    """The element id Dash gives a component (a pattern id as JSON with its keys sorted)."""
    if isinstance(component_id, str):
        return component_id
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def _focus_after(op: str, i: int, doc: dict) -> dict | str:
    """What takes the focus once the form is drawn again after ``op``: the control the person works on next."""
    count = len(doc.get("promises") or [])

    def text(index: int) -> dict | str:
        return _key(f"promises.{index}.text") if 0 <= index < count else ADD

    if op in ("up", "down"):
        to = max(0, min(count - 1, i + (-1 if op == "up" else 1)))
        at_end = (op == "up" and to == 0) or (op == "down" and to == count - 1)
        return text(to) if at_end else {"type": ID.action, "op": op, "i": to}
    if op == "split":
        return text(i + 1)
    if op in ("merge",):
        return text(i)
    if op == "delete":
        return text(min(i, count - 1))
    if op == "add":
        return text(count - 1)
    if op == "add_partner":
        return _key(f"partners.{len(doc.get('partners') or []) - 1}.name")
    return ADD_PARTNER


def act(_clicks, cursor, values, ids, doc, lang):
    """One change to the draft's promises or partners, after taking in what was typed."""
    trigger = ctx.triggered_id
    if not doc or trigger is None or not (ctx.triggered and ctx.triggered[0]["value"]):
        return dash.no_update, dash.no_update, dash.no_update, dash.no_update
    t = translator(lang)
    doc = _edited(doc, values, ids)
    if trigger == ID.cursor:
        op, i, at = "split", int(cursor["i"]), cursor.get("at")
    else:
        op, i, at = trigger["op"], int(trigger["i"]), None
    n = i + 1
    try:
        if op == "add":
            doc = drafts.add_promise(doc)
            notice = t("draft.added", n=len(doc["promises"]))
        elif op == "delete":
            doc = drafts.delete_promise(doc, i)
            notice = t("draft.deleted", n=n)
        elif op in ("up", "down"):
            doc = drafts.move_promise(doc, i, -1 if op == "up" else 1)
            notice = t("draft.moved", n=n, to=max(1, min(len(doc["promises"]), n + (-1 if op == "up" else 1))))
        elif op == "split":
            doc = drafts.split_promise(doc, i, at)
            notice = t("draft.split_done", n=n, next=n + 1)
        elif op == "merge":
            doc = drafts.merge_promise(doc, i)
            notice = t("draft.merged", n=n, next=n + 1)
        elif op == "add_partner":
            doc = drafts.add_partner(doc)
            notice = t("draft.partner_added", n=len(doc["partners"]))
        elif op == "delete_partner":
            doc = drafts.delete_partner(doc, i)
            notice = t("draft.partner_deleted", n=n)
        else:
            return dash.no_update, dash.no_update, dash.no_update, dash.no_update
    except ValidationError as exc:
        problem = exc.problems[0]
        message = (
            t("draft.no_split", n=n)
            if problem.code == "no_split_point"
            else "; ".join(problem_lines(lang, exc.problems))
        )
        return doc, draft_form(doc, lang, problem=message), message, _dom_id(_key(f"promises.{i}.text"))
    return doc, draft_form(doc, lang), notice, _dom_id(_focus_after(op, i, doc))


def save_pledge(_clicks, _replace_clicks, values, ids, doc, lang):
    """Save the reviewed draft: validated on the server; an existing pledge is replaced only when confirmed."""
    trigger = ctx.triggered_id
    if not doc or trigger is None or not (ctx.triggered and ctx.triggered[0]["value"]):
        return dash.no_update, dash.no_update
    t = translator(lang)
    doc = _edited(doc, values, ids)
    replace = isinstance(trigger, dict) and trigger.get("id") == doc.get("id")
    try:
        with request_store() as store:
            pledge = drafts.save_document(store, doc, replace=replace)
    except drafts.PledgeExistsError as exc:
        return (
            html.Div(
                className="pm-question",
                children=[
                    html.P(t("draft.exists", id=exc.pledge_id, title=exc.title)),
                    html.Button(
                        t("draft.replace", title=exc.title),
                        id={"type": ID.replace, "id": exc.pledge_id},
                        className="pm-button",
                        n_clicks=0,
                    ),
                ],
            ),
            doc,
        )
    except ValidationError as exc:
        lines = problem_lines(lang, exc.problems)
        return (
            html.Div(
                className="pm-alert",
                role="alert",
                children=[
                    html.Strong(t("draft.invalid", count=len(lines))),
                    html.Ul([html.Li(line) for line in lines]),
                ],
            ),
            doc,
        )
    except PledgemapError as exc:
        return alert(lang, exc), doc
    suffix = f"&lang={lang}" if lang != "sv" else ""
    return (
        html.P(
            [
                t("draft.replaced" if replace else "draft.saved", title=pledge.title),
                " ",
                dcc.Link(t("draft.open_overview"), href=f"/?pledge={pledge.id}{suffix}"),
                " · ",
                dcc.Link(t("draft.open"), href=f"/pledge?pledge={pledge.id}{suffix}"),
            ],
            className="pm-notice",
        ),
        doc,
    )


def download_draft(clicks, values, ids, doc, lang):
    """The draft as it stands in the form, as YAML with the marks as comments, for ``pledgemap pledge add``."""
    if not clicks or not doc:
        return dash.no_update
    doc = _edited(doc, values, ids)
    return dcc.send_string(drafts.draft_yaml(doc, yaml_marks(lang)), f"{doc.get('id') or 'utkast'}.yaml")


def register() -> None:
    """Register the section's callbacks with the app being built.

    Called by the import page: Dash runs page modules again for each app it
    builds, so the callbacks reach every app (a module-level ``@callback``
    here would reach only the first app built in a process).
    """
    callback(
        Output(ID.doc, "data"),
        Output(Importer.draft, "children"),
        Output(ID.notice, "children"),
        Input(Importer.parse, "n_clicks"),
        State(Importer.text, "value"),
        State(Importer.lang, "data"),
        prevent_initial_call=True,
    )(parse_text)
    callback(
        Output(ID.doc, "data", allow_duplicate=True),
        Output(Importer.draft, "children", allow_duplicate=True),
        Output(ID.notice, "children", allow_duplicate=True),
        Output(ID.focus, "data"),
        Input(ACTION, "n_clicks"),
        Input(ID.cursor, "data"),
        State(FIELD, "value"),
        State(FIELD, "id"),
        State(ID.doc, "data"),
        State(Importer.lang, "data"),
        prevent_initial_call=True,
    )(act)
    callback(
        Output(Importer.saved, "children"),
        Output(ID.doc, "data", allow_duplicate=True),
        Input(Importer.save_pledge, "n_clicks"),
        Input(REPLACE, "n_clicks"),
        State(FIELD, "value"),
        State(FIELD, "id"),
        State(ID.doc, "data"),
        State(Importer.lang, "data"),
        prevent_initial_call=True,
    )(save_pledge)
    callback(
        Output(Importer.draft_download, "data"),
        Input(ID.download, "n_clicks"),
        State(FIELD, "value"),
        State(FIELD, "id"),
        State(ID.doc, "data"),
        State(Importer.lang, "data"),
        prevent_initial_call=True,
    )(download_draft)
    # After an action the form is drawn anew: the focus goes to the control the person works on next.
    clientside_callback(
        ClientsideFunction(namespace="pledgemap", function_name="focusElement"),
        Input(ID.focus, "data"),
        prevent_initial_call=True,
    )
    # The split button asks the browser where the cursor stands in the promise's text, then the server splits there.
    clientside_callback(
        ClientsideFunction(namespace="pledgemap", function_name="splitAtCursor"),
        Output(ID.cursor, "data"),
        Input(SPLIT, "n_clicks"),
        prevent_initial_call=True,
    )
