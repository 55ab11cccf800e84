"""Importera / Import: upload a file, check every row in a dry run, confirm the mapping, then import.

The page is a thin form over :mod:`geodata.io.importer`, the same code as
``pledgemap import``: the dry run shows each row's problems and the column
mapping; unclear values are answered here; the import either writes every
valid row (the rejected ones come back as a file to fix) or nothing at all.
"""

from __future__ import annotations

import io
import zipfile
from typing import NamedTuple

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboard.components import draft_form
from dashboard.components.file_words import file_wording, reading_wordings
from dashboard.components.layout import (
    alert,
    date_input,
    demo_banner,
    error_page,
    header,
    not_for_role_page,
    page_allowed,
    pledge_picker,
    promise_label,
    radio_group,
)
from dashboard.components.problems import (
    FIELD_GROUPS,
    choice_label,
    describe,
    describe_note,
    describe_problem,
    field_label,
)
from dashboard.components.questions import (
    answer_text,
    coordinates_text,
    guess_text,
    kinds_text,
    question_text,
    summary_text,
    unmapped_text,
)
from dashboard.components.statement import footer
from dashboard.components.tables import table_head
from dashboard.components.titles import page_title
from dashboard.components.upload import file_alert
from dashboard.context import request_store, settings
from dashboard.i18n import catalogue, language, translator
from dashboard.ids import Importer as ID
from dashboard.server.uploads import account_quota, discard, read_upload, received_upload, rejects_folder, upload_path
from geodata import (
    LAYERS,
    ImportLimits,
    PledgemapError,
    ValidationError,
)
from geodata.access import check_import
from geodata.io import POLICE_EVENTS, FilePlan, commit_file, plan_file, read_file
from geodata.io.columns import map_choice
from geodata.io.importer import ImportPlan
from geodata.io.personal_data import PERSONAL_DATA
from geodata.io.police_events import EventBatch
from geodata.views.pledges import needs_search

dash.register_page(__name__, path="/import", name="Importera", title=page_title("nav.import"), order=4)

draft_form.register()  # the pasted pledge text's review form, a part of this page

LIMITS = ImportLimits()
REPORT_ROWS = 200
ACCEPT = ".gpkg,.geojson,.json,.zip,.kml,.kmz,.csv,.txt,.xlsx,.fgb,.parquet"


def layout(lang: str | None = None, **_query: str) -> html.Div:
    lang = language(lang)
    t = translator(lang)
    if not page_allowed("/import"):
        return not_for_role_page(lang, "/import")
    try:
        with request_store() as store:
            pledges = store.list_pledges()
            banner = demo_banner(lang, store)
    except PledgemapError as exc:
        return error_page(lang, "/import", exc)
    promises = promise_options(t, pledges, "")
    return html.Div(
        className="pm-page",
        lang=lang,
        children=[
            header(lang, "/import"),
            banner,
            dcc.Store(id=ID.lang, data=lang),
            dcc.Store(id=ID.token),
            dcc.Store(id=ID.answers, data={}),
            dcc.Download(id=ID.rejects),
            html.Main(
                id="main",
                className="pm-narrow",
                children=[
                    html.H1(t("import.heading")),
                    html.P(t("import.intro")),
                    html.Section(
                        className="pm-panel",
                        children=[
                            html.H2(t("import.step_file")),
                            dcc.Upload(
                                id=ID.upload,
                                accept=ACCEPT,
                                max_size=LIMITS.max_bytes,
                                className="pm-upload",
                                children=html.Div(
                                    [
                                        html.Span(t("import.drop")),
                                        " ",
                                        html.Span(t("import.choose"), className="pm-button-like"),
                                    ]
                                ),
                            ),
                            html.P(t("import.formats", mb=LIMITS.max_bytes // 1_000_000), className="pm-hint"),
                            html.Div(id=ID.file, role="status"),
                        ],
                    ),
                    html.Section(
                        className="pm-panel",
                        children=[
                            html.H2(t("import.step_target")),
                            radio_group(
                                ID.layer,
                                t("import.layer"),
                                [{"label": t("import.layer_auto"), "value": ""}]
                                + [{"label": t(f"layer.{name}"), "value": name} for name in LAYERS],
                                "",
                            ),
                            pledge_picker(ID.pledge, pledges, "", t("import.pledge"), lang, t("import.link_none")),
                            radio_group(ID.promise, t("import.promise"), promises, ""),
                            html.Button(
                                t("import.dry_run"), id=ID.dry_run, className="pm-button pm-primary", n_clicks=0
                            ),
                        ],
                    ),
                    html.Section(id=ID.report, className="pm-panel", **{"aria-live": "polite"}),
                    html.Section(id=ID.result, className="pm-panel", role="status"),
                    draft_form.draft_section(lang),
                ],
            ),
            footer(lang),
        ],
    )


@callback(
    Output(ID.token, "data"),
    Output(ID.file, "children"),
    Input(ID.upload, "contents"),
    State(ID.upload, "filename"),
    State(ID.token, "data"),
    State(ID.lang, "data"),
    prevent_initial_call=True,
)
def receive(contents, filename, previous, lang):
    with request_store() as store:
        viewer = store.viewer  # type: ignore[attr-defined]  # request_store always gives a GuardedStore
    quota = account_quota(settings())
    return received_upload(
        contents, filename, lang, LIMITS, _file_alert, viewer=viewer, page="import", quota=quota, previous=previous
    )


# File errors the user settles with a choice on this page.
CHOICES_NEEDED = {"layer_unclear"}


def _file_alert(lang: str, exc: PledgemapError) -> html.Div:
    """A file that cannot be read or planned, in the page's words, with the page's own next step (never a flag)."""
    words = catalogue(lang)
    code = getattr(exc, "code", None)
    params = getattr(exc, "params", None) or {}
    values = {"layer": words.get(f"layer.{params['layer']}", params["layer"])} if "layer" in params else {}
    step = words["import.step_target" if code == "layer_unclear" else "import.step_file"]
    # A file that needs the user's choice is a question, not a failure: it says what is needed.
    title = words["import.choice_needed"] if code in CHOICES_NEEDED else None
    return file_alert(lang, exc, step, values, title)


class Form(NamedTuple):
    """The form's values a dry run and an import read, in the order of :data:`PLAN_INPUTS`."""

    token: str | None
    layer: str | None
    pledge: str | None
    promise: str | None
    answer_values: list | None
    answer_ids: list | None
    given: dict | None  # the answers to unclear values kept from earlier dry runs
    column_values: list | None
    column_ids: list | None
    fill_values: list | None
    fill_ids: list | None
    personal_values: list | None  # the choices for personal data: for every flagged row ("*"), and per row
    personal_ids: list | None
    lang: str

    def answers(self) -> dict[str, dict[str, str]]:
        """What each unclear value means: the answers kept so far, updated by the radio buttons shown now."""
        answers: dict[str, dict[str, str]] = {f: dict(texts) for f, texts in (self.given or {}).items()}
        for value, key in zip(self.answer_values or [], self.answer_ids or []):
            if value:
                answers.setdefault(key["field"], {})[key["text"]] = value
        return answers

    def personal(self) -> tuple[str | None, dict[str, str]]:
        """The choice for every row with personal data, and the rows' own choices (an empty one follows it)."""
        chosen = {str(key["row"]): value for value, key in zip(self.personal_values or [], self.personal_ids or [])}
        everyone = chosen.pop("*", None) or None
        return everyone, {row: value for row, value in chosen.items() if value}


def _by_field(values, ids) -> dict[str, str]:
    """The non-empty value given per field by inputs with pattern ids {"field": …} (columns, one value for all rows)."""
    return {
        key["field"]: str(value).strip() for value, key in zip(values or [], ids or []) if value and str(value).strip()
    }


def _plan(store, form: Form) -> FilePlan:
    # Only a role that may import reads a file here (a crafted request from another role is refused first).
    check_import(store.viewer)
    # Read once, in a worker process within the limits, then kept beside the upload: a dry run made again and
    # the import plan from what was read.
    work = settings().import_work
    source = read_upload(form.token, lambda path: read_file(path, LIMITS, work), "layers")
    # A Pledgemap export worded in Swedish or English reads back as the fields and codes it stands for.
    # The file's guesses are not applied: the page shows each one for the user to confirm (a filled answer).
    personal_data, personal_rows = form.personal()
    return plan_file(
        store,
        upload_path(form.token),
        form.layer or None,
        source=source,
        pledge_id=form.pledge or None,
        promise_id=form.promise or None,
        defaults=_by_field(form.fill_values, form.fill_ids),
        value_map=form.answers(),
        mapping_overrides=_by_field(form.column_values, form.column_ids),
        wordings=reading_wordings(),
        personal_data=personal_data,
        personal_data_rows=personal_rows,
    )


def promise_options(t, pledges, pledge_id: str | None) -> list[dict]:
    """No link, then the promises a row may be linked to: of every pledge when there are a handful; among many
    (:func:`geodata.views.pledges.needs_search`), only the chosen pledge's, so the list stays short."""
    offered = [p for p in pledges if p.id == pledge_id] if needs_search(pledges) else pledges
    return [{"label": t("import.link_none"), "value": ""}] + [
        {"label": f"{p.title}: {promise_label(promise, t)}", "value": promise.id}
        for p in offered
        for promise in p.promises
    ]


@callback(
    Output(ID.promise, "options"),
    Output(ID.promise, "value"),
    Input(ID.pledge, "value"),
    State(ID.promise, "value"),
    State(ID.lang, "data"),
    prevent_initial_call=True,
)
def offer_promises(pledge_id, promise_id, lang):
    """Among many pledges, the promises of the pledge chosen (a promise of another one is let go)."""
    with request_store() as store:
        pledges = store.list_pledges()
    if not needs_search(pledges):
        return dash.no_update, dash.no_update
    options = promise_options(translator(language(lang)), pledges, pledge_id)
    return options, promise_id if any(o["value"] == promise_id for o in options) else ""


PLAN_INPUTS = (
    State(ID.token, "data"),
    State(ID.layer, "value"),
    State(ID.pledge, "value"),
    State(ID.promise, "value"),
    State({"type": ID.answer, "field": ALL, "text": ALL}, "value"),
    State({"type": ID.answer, "field": ALL, "text": ALL}, "id"),
    State(ID.answers, "data"),
    State({"type": ID.column, "field": ALL}, "value"),
    State({"type": ID.column, "field": ALL}, "id"),
    State({"type": ID.fill, "field": ALL}, "value"),
    State({"type": ID.fill, "field": ALL}, "id"),
    State({"type": ID.personal, "row": ALL}, "value"),
    State({"type": ID.personal, "row": ALL}, "id"),
    State(ID.lang, "data"),
)


@callback(
    Output(ID.report, "children"),
    Output(ID.result, "children", allow_duplicate=True),
    Output(ID.answers, "data"),
    Input(ID.dry_run, "n_clicks"),
    *PLAN_INPUTS,
    prevent_initial_call=True,
)
def dry_run(_clicks, *state):
    form = Form(*state)
    lang, answers = form.lang, form.answers()
    try:
        with request_store() as store:
            plan = _plan(store, form)
    except PledgemapError as exc:
        return _file_alert(lang, exc), "", answers
    if plan.kind == POLICE_EVENTS:
        return events_view(plan.events, lang), "", answers
    return report_view(plan.layers, lang, answers=answers), "", answers


@callback(
    Output(ID.result, "children"),
    Output(ID.rejects, "data"),
    Output(ID.report, "children", allow_duplicate=True),
    Input(ID.commit_valid, "n_clicks"),
    Input(ID.commit_all, "n_clicks"),
    *PLAN_INPUTS,
    prevent_initial_call=True,
)
def commit(valid_clicks, all_clicks, *state):
    form = Form(*state)
    lang, token = form.lang, form.token
    if not (valid_clicks or all_clicks):
        return dash.no_update, dash.no_update, dash.no_update
    t = translator(lang)
    partial = ctx.triggered_id == ID.commit_valid
    download = plan = None
    try:
        path = upload_path(token)
        with request_store() as store:
            # Planned again: the store may have changed since the dry run was shown.
            plan = _plan(store, form)
            written = commit_file(
                store,
                plan,
                partial=partial,
                rejects_path=rejects_folder(token) / f"{path.stem}-{t('import.rejects_suffix')}",
                wording=file_wording(lang),
            )
        files = [r.rejects_file for r in written.layers if r.rejects_file is not None]
        if len(files) == 1:
            download = dcc.send_file(str(files[0]))
        elif files:
            download = dcc.send_bytes(_zipped(files), f"{path.stem}-{t('import.rejects_suffix')}.zip")
    except ValidationError as exc:
        # Police events leave nothing to fix on the page, so their check goes; a layer file's rows stay in view.
        report = "" if plan is not None and plan.kind == POLICE_EVENTS else dash.no_update
        return alert(lang, t("import.nothing_written", count=len(exc.problems))), None, report
    except PledgemapError as exc:
        return _file_alert(lang, exc), None, dash.no_update
    discard(token)  # the file and its rejects hold residents' data: not kept once imported
    if written.kind == POLICE_EVENTS:
        done = t("import.events_written", new=written.new_events, already=written.known_events)
        return [html.H2(t("import.done")), html.P(done)], None, ""
    lines = [
        html.Li(
            t(
                "import.written",
                count=len(r.written),
                layer=t(f"layer.{r.layer}"),
                duplicates=r.duplicates,
                rejected=r.rejected,
            )
        )
        for r in written.layers
    ]
    done = [html.H2(t("import.done")), html.Ul(lines)]
    if download is not None:
        done.append(html.P(t("import.rejects_downloaded")))
    return done, download, ""


def _zipped(files) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            archive.write(file, file.name)
    return buffer.getvalue()


def events_view(batch: EventBatch, lang: str) -> list:
    """The dry run of a police events file: what will be stored and counted, and what cannot be read."""
    t = translator(lang)
    out = [
        html.H2(t("import.step_check")),
        html.H3(f"{batch.name} → {t('import.events_layer')}"),
        html.P(
            t(
                "import.events_summary",
                events=len(batch.events),
                digests=batch.digests,
                without=batch.without_municipality,
                problems=len(batch.problems),
            ),
            className="pm-import-summary",
        ),
        html.P(t("events.note"), className="pm-hint"),
    ]
    if batch.problems:
        out.append(
            html.Ul(
                [
                    html.Li(f"{p.record}: {field_label(lang, p.field)}: {describe_problem(lang, p)}")
                    for p in batch.problems[:REPORT_ROWS]
                ]
            )
        )
    if batch.events:
        out.append(_commit_buttons(t))
    return out


def _commit_buttons(t, hint: str | None = None) -> html.Div:
    """Import the valid rows, or all rows or nothing; ``hint`` says what the two mean."""
    return html.Div(
        className="pm-import-actions",
        children=[
            html.Button(t("import.commit_valid"), id=ID.commit_valid, className="pm-button pm-primary", n_clicks=0),
            html.Button(t("import.commit_all"), id=ID.commit_all, className="pm-button", n_clicks=0),
            *([html.P(hint, className="pm-hint")] if hint else []),
        ],
    )


def report_view(plans: list[ImportPlan], lang: str, answers: dict[str, dict[str, str]] | None = None) -> list:
    """The dry run as the user reads it: counts, the mapping to confirm, open questions and the rows' problems."""
    t = translator(lang)
    answers = answers or {}
    out: list = [html.H2(t("import.step_check"))]
    can_write = False
    for plan in plans:
        s = plan.summary()
        can_write = can_write or s["valid"] > 0
        out.append(
            html.H3(
                f"{s['file']}{' / ' + s['table'] if s['table'] else ''} → {t('layer.' + s['layer'])}",
                className="pm-import-title",
            )
        )
        out.append(
            html.P(
                summary_text(lang, s),
                className="pm-import-summary",
            )
        )
        if s["waiting"]:
            out.append(html.P(t("import.waiting", count=s["waiting"]), className="pm-import-summary"))
        # The questions first: answering them is what lands the rows; the mapping and the notes explain the rest.
        out.extend(_questions(plan, lang, answers))
        out.extend(html.P(describe_note(lang, note), className="pm-hint") for note in plan.notes)
        out.append(_mapping_table(plan, lang, editable=len(plans) == 1))
        out.append(_problem_table(plan, lang))
    if can_write:
        out.append(_commit_buttons(t, t("import.commit_hint")))
    else:
        out.append(html.P(t("import.nothing_valid")))
    return out


def _mapping_table(plan: ImportPlan, lang: str, editable: bool) -> html.Div:
    t = translator(lang)
    columns = list(plan.source.frame.columns)
    list_id = f"im-columns-{plan.layer.name}"
    rows = []
    for field in ("source_id", *plan.layer.field_names):
        current = plan.mapping.fields.get(field, "")
        if editable:
            # The label wraps the input: dcc.Input takes no aria-label, and a wrapping label names it as well.
            cell = html.Label(
                [
                    html.Span(t("import.column_for", field=field_label(lang, field)), className="pm-visually-hidden"),
                    dcc.Input(
                        id={"type": ID.column, "field": field},
                        value=current,
                        list=list_id,
                        debounce=True,
                        className="pm-search",
                    ),
                ]
            )
        else:
            cell = current
        rows.append(
            html.Tr(
                [
                    html.Th(field_label(lang, field), scope="row"),
                    html.Td(cell),
                ]
            )
        )
    coordinates = coordinates_text(lang, plan.mapping)
    return html.Details(
        open=True,
        children=[
            html.Summary(t("import.mapping")),
            html.Datalist(id=list_id, children=[html.Option(value=c) for c in columns]),
            html.Table(
                className="pm-records pm-mapping",
                children=[
                    table_head(t("import.field"), t("import.column")),
                    html.Tbody(rows),
                ],
            ),
            html.P(f"{t('import.coordinates')}: {coordinates}"),
            html.P(t("import.mapping_hint"), className="pm-hint") if editable else None,
        ],
    )


def _questions(plan: ImportPlan, lang: str, answers: dict[str, dict[str, str]]) -> list:
    """The file's questions, each once: a field many rows leave empty, then each unclear value with its rows.

    A guess from the file's own names is filled in as the answer and said to be a guess: it counts once
    the user runs the dry run again (or imports), so nothing is taken from the file unconfirmed. An
    answered question stays, with its answer, so the answer can be changed.
    """
    t = translator(lang)
    out: list = []
    for question in plan.questions:
        if question.kind == "missing":
            out.append(_missing_question(plan, question, lang))
    for question in plan.questions:
        if question.kind == PERSONAL_DATA:
            out.append(_personal_question(plan, question, lang))
    asked_texts = {(q.field, q.text) for q in plan.questions if q.kind == "unclear"}
    for question in plan.questions:
        if question.kind == "unclear":
            out.append(
                _choice_question(
                    plan,
                    question.field,
                    question.text,
                    question_text(lang, question, plan.layer),
                    question.candidates,
                    answers,
                    lang,
                )
            )
    for field, texts in answers.items():  # answered unclear values: shown so the answer can be changed
        if field not in plan.layer.field_names:
            continue
        choices = plan.layer.field(field).choices
        for text in texts:
            if (field, text) in asked_texts:
                continue
            legend = t("import.question", field=field_label(lang, field).lower(), text=text)
            out.append(
                _choice_question(plan, field, text, legend, map_choice(field, choices, text).candidates, answers, lang)
            )
    if out:
        out.insert(0, html.H4(t("import.questions_heading")))
        out.insert(
            1,
            html.P(
                t("import.questions_hint") if plan.open_questions else t("question.all_answered"), className="pm-hint"
            ),
        )
    return out


def _missing_question(plan: ImportPlan, question, lang: str) -> html.Fieldset:
    """One field for the rows that leave ``question.field`` empty: a date, or a choice with the likely one first."""
    t = translator(lang)
    field = plan.layer.field(question.field)
    suggested = question.guess.value if question.guess is not None else None
    value = question.answer if question.answer is not None else suggested
    legend = question_text(lang, question, plan.layer)
    component_id = {"type": ID.fill, "field": question.field}
    hint = (
        guess_text(lang, question, plan.layer) if question.answer is None else answer_text(lang, question, plan.layer)
    )
    if field.kind == "choice":
        ordered = [*([suggested] if suggested else []), *(c for c in field.choices if c != suggested)]
        control = dcc.RadioItems(
            id=component_id,
            options=[{"label": choice_label(lang, field.name, code), "value": code} for code in ordered],
            value=value,
            className="pm-radios pm-inline",
        )
    elif field.kind in ("date", "datetime"):
        control = html.Label(
            [
                html.Span(
                    t("question.answer_for", field=field_label(lang, field.name)), className="pm-visually-hidden"
                ),
                date_input(component_id, value, className="pm-date"),
            ]
        )
    else:
        control = html.Label(
            [
                html.Span(
                    t("question.answer_for", field=field_label(lang, field.name)), className="pm-visually-hidden"
                ),
                dcc.Input(id=component_id, value=value, debounce=True, className="pm-search"),
            ]
        )
    hints = [text for text in (hint, unmapped_text(lang, question)) if text]
    return html.Fieldset(
        className="pm-question",
        children=[html.Legend(legend), *(html.P(text, className="pm-hint") for text in hints), control],
    )


def _personal_question(plan: ImportPlan, question, lang: str) -> html.Fieldset:
    """One choice for every row whose free text holds personal data, then the rows, masked, each with its own.

    A row's own choice is empty ("as for all") unless the user gave one: the choice for all is asked once.
    """
    t = translator(lang)
    choices = [{"label": t(f"personal.choice.{c}"), "value": c} for c in ("mask", "keep", "reject")]
    everyone = question.answer if question.answer in ("mask", "keep", "reject") else None
    rows = []
    for flagged in plan.personal[:REPORT_ROWS]:
        own = flagged.choice if flagged.choice != everyone else ""
        cell = radio_group(
            {"type": ID.personal, "row": str(flagged.row)},
            t("personal.choice_for", row=flagged.row),
            [{"label": t("personal.as_all"), "value": ""}, *choices],
            own or "",
            boxed=False,
        )
        for position, found in enumerate(flagged.found):
            rows.append(
                html.Tr(
                    [
                        html.Td(str(flagged.row)),
                        html.Td(field_label(lang, found.field)),
                        html.Td(kinds_text(lang, found.kinds)),
                        html.Td(found.masked),
                        html.Td(cell if position == 0 else ""),
                    ]
                )
            )
    hints = [t("question.personal_data_hint")]
    answered = answer_text(lang, question, plan.layer)
    if answered:
        hints.append(answered)
    return html.Fieldset(
        className="pm-question",
        children=[
            html.Legend(question_text(lang, question, plan.layer)),
            *(html.P(text, className="pm-hint") for text in hints),
            radio_group({"type": ID.personal, "row": "*"}, t("personal.all"), choices, everyone, inline=True),
            html.Table(
                className="pm-records",
                children=[
                    html.Caption(t("personal.rows", count=len(plan.personal))),
                    table_head(
                        t("import.row"), t("import.field"), t("personal.what"), t("personal.text"), t("personal.choice")
                    ),
                    html.Tbody(rows),
                ],
            ),
            html.P(t("personal.more", count=len(plan.personal) - REPORT_ROWS), className="pm-hint")
            if len(plan.personal) > REPORT_ROWS
            else None,
        ],
    )


def _choice_question(plan: ImportPlan, field: str, text, legend: str, candidates, answers, lang: str) -> html.Fieldset:
    words = catalogue(lang)
    choices = plan.layer.field(field).choices
    group = FIELD_GROUPS.get(field, field)
    # The likely codes first, then the rest: a negated text ("Ingen belysning") may mean any of them.
    ordered = [*candidates, *(c for c in choices if c not in candidates)]
    options = [{"label": words.get(f"{group}.{code}", code), "value": code} for code in ordered]
    return html.Fieldset(
        className="pm-question",
        children=[
            html.Legend(legend),
            dcc.RadioItems(
                id={"type": ID.answer, "field": field, "text": text},
                options=options,
                value=answers.get(field, {}).get(text),
                className="pm-radios pm-inline",
            ),
        ],
    )


def _problem_table(plan: ImportPlan, lang: str) -> html.Div | None:
    t = translator(lang)
    lines = plan.report()
    if not lines:
        return None
    shown = lines[:REPORT_ROWS]
    status = {
        "rejected": t("import.status_rejected"),
        "duplicate": t("import.status_duplicate"),
        "warning": t("import.status_warning"),
    }
    return html.Div(
        [
            html.Table(
                className="pm-records",
                children=[
                    html.Caption(t("import.problems", count=len(lines))),
                    table_head(*(t(k) for k in ("import.row", "import.status", "import.field", "import.reason"))),
                    html.Tbody(
                        [
                            html.Tr(
                                [
                                    html.Td("–" if line["row"] is None else str(line["row"])),
                                    html.Td(
                                        status.get(line["status"], line["status"]),
                                        className=f"pm-import-{line['status']}",
                                    ),
                                    html.Td(field_label(lang, line["field"])),
                                    html.Td(
                                        describe(lang, line["field"], line["message"], line["code"], line["params"])
                                    ),
                                ]
                            )
                            for line in shown
                        ]
                    ),
                ],
            ),
            html.P(t("import.more_problems", count=len(lines) - REPORT_ROWS), className="pm-hint")
            if len(lines) > REPORT_ROWS
            else None,
        ]
    )
