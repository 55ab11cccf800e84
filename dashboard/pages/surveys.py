"""Trygghetsmätningar / Safety surveys: import a survey's results, see the stored indicators, link a goal to one.

A thin form over the domain that ``pledgemap survey import|link`` uses: the
upload is checked in a dry run (:func:`geodata.io.survey_import.import_survey`
with ``dry_run``: the columns used, what the file lacks, the indicators
described nowhere, every bad row named), then imported all or nothing; a
goal's indicator, direction, baseline year and unsafe-place categories are
saved with its pledge (:func:`geodata.views.surveys.link_goal`). The store the
request opens is guarded: a role that may not change pledges is refused there.

A page of its own rather than a mode of the import page: that page plans
files into map layers (a layer, questions per unclear value, "import the valid
rows"), while a survey is all or nothing, is described once per file, needs a
municipality rather than a layer, and is for the roles that change pledges
(the import page is for housing companies too).
"""

from __future__ import annotations

from typing import Any

import dash
from dash import MATCH, Input, Output, State, callback, ctx, dcc, html

from dashboard.components.goals import survey_value
from dashboard.components.layout import (
    alert,
    demo_banner,
    error_page,
    header,
    municipality_picker,
    not_for_role_page,
    page_allowed,
    pledge_picker,
    radio_group,
)
from dashboard.components.problems import field_label, record_label, survey_reason
from dashboard.components.statement import footer
from dashboard.components.tables import table_head
from dashboard.components.titles import page_title
from dashboard.components.upload import file_alert
from dashboard.context import request_store, settings
from dashboard.i18n import catalogue, language, number, translator
from dashboard.ids import Surveys as ID
from dashboard.server.uploads import account_quota, discard, read_upload, received_upload, upload_path
from geodata import ImportLimits, PledgemapError, Problem, ValidationError, vocab
from geodata.access import check_import
from geodata.boundaries import municipalities
from geodata.io.survey_import import SurveyImport, import_survey, read_survey_file
from geodata.surveys import KINDS, Indicator, group_label
from geodata.views.surveys import IndicatorResults, link_goal, results_by_indicator, stored_indicators

dash.register_page(__name__, path="/surveys", name="Trygghetsmätningar", title=page_title("nav.surveys"), order=5)

LIMITS = ImportLimits()
REPORT_ROWS = 200
ACCEPT = ".csv,.txt,.xlsx,.gpkg,.geojson,.json"
OTHER = "other"  # the municipality choice "another municipality" (its code typed or picked from the list)


def layout(lang: str | None = None, **_query: str) -> html.Div:
    lang = language(lang)
    t = translator(lang)
    if not page_allowed("/surveys"):
        return not_for_role_page(lang, "/surveys")
    try:
        with request_store() as store:
            pledges = store.list_pledges()
            stored = stored_indicators(store)
            banner = demo_banner(lang, store)
    except PledgemapError as exc:
        return error_page(lang, "/surveys", exc)
    return html.Div(
        className="pm-page",
        lang=lang,
        children=[
            header(lang, "/surveys"),
            banner,
            dcc.Store(id=ID.lang, data=lang),
            dcc.Store(id=ID.token),
            html.Main(
                id="main",
                className="pm-narrow pm-surveys",
                children=[
                    html.H1(t("surveys.heading")),
                    html.P(t("surveys.intro")),
                    _file_section(t),
                    _describe_section(t, lang, pledges),
                    html.Section(id=ID.report, className="pm-panel", **{"aria-live": "polite"}),
                    html.Section(id=ID.result, className="pm-panel", role="status"),
                    html.Section(
                        className="pm-panel",
                        children=[
                            html.H2(t("surveys.indicators_heading")),
                            html.Div(indicator_table(stored, lang), id=ID.indicators),
                        ],
                    ),
                    _link_section(t, lang, pledges, stored),
                ],
            ),
            footer(lang),
        ],
    )


def _file_section(t) -> html.Section:
    return html.Section(
        className="pm-panel",
        children=[
            html.H2(t("surveys.step_file")),
            dcc.Upload(
                id=ID.upload,
                accept=ACCEPT,
                max_size=LIMITS.max_bytes,
                className="pm-upload",
                children=html.Div(
                    [html.Span(t("import.drop")), " ", html.Span(t("import.choose"), className="pm-button-like")]
                ),
            ),
            html.P(t("surveys.formats", mb=LIMITS.max_bytes // 1_000_000), className="pm-hint"),
            html.Div(id=ID.file, role="status"),
        ],
    )


def _municipality_choice(t, lang: str, pledges) -> html.Fieldset:
    """The file's own column first, then the municipalities of the store's pledges, then any other."""
    names = {p.municipality.code: p.municipality.name for p in pledges if p.municipality.code}
    return municipality_picker(
        ID.municipality,
        list(names.items()),
        "",
        t("surveys.municipality"),
        lang,
        before=[{"label": t("surveys.municipality_file"), "value": ""}],
        after=[{"label": t("surveys.municipality_other"), "value": OTHER}],
    )


def _number_field(component_id: str, label: str) -> html.Label:
    return html.Label(
        [html.Span(label), dcc.Input(id=component_id, type="number", step="any", debounce=True, className="pm-search")],
        className="pm-survey-field",
    )


def _text_field(component_id: str, label: str, **props: Any) -> html.Label:
    return html.Label(
        [html.Span(label), dcc.Input(id=component_id, type="text", debounce=True, className="pm-search", **props)],
        className="pm-survey-field",
    )


def _describe_section(t, lang: str, pledges) -> html.Section:
    every = municipalities()[["code", "name"]].sort_values("name")
    words = catalogue(lang)
    return html.Section(
        className="pm-panel",
        children=[
            html.H2(t("surveys.step_describe")),
            _municipality_choice(t, lang, pledges),
            html.Datalist(
                id="sv-municipality-list",
                children=[html.Option(r.name, value=r.code) for r in every.itertuples(index=False)],
            ),
            _text_field(ID.other_municipality, t("surveys.municipality_code"), list="sv-municipality-list"),
            html.Fieldset(
                className="pm-survey-describe",
                children=[
                    html.Legend(t("surveys.describe")),
                    html.P(t("surveys.describe_hint"), className="pm-hint"),
                    radio_group(
                        ID.kind,
                        t("surveys.kind"),
                        [{"label": t("surveys.not_given"), "value": ""}]
                        + [{"label": words[f"survey_kind.{kind}"], "value": kind} for kind in KINDS],
                        "",
                        inline=True,
                        boxed=False,
                    ),
                    html.Div(
                        className="pm-survey-scale",
                        children=[
                            _number_field(ID.scale_min, t("surveys.scale_min")),
                            _number_field(ID.scale_max, t("surveys.scale_max")),
                        ],
                    ),
                    radio_group(ID.better, t("surveys.better"), _better_options(t), "", inline=True, boxed=False),
                    _text_field(ID.measures, t("surveys.measures")),
                    _text_field(ID.source, t("surveys.source")),
                ],
            ),
            dcc.Checklist(
                id=ID.replace,
                options=[{"label": t("surveys.replace"), "value": "replace"}],
                value=[],
                className="pm-checks",
            ),
            html.Button(t("import.dry_run"), id=ID.dry_run, className="pm-button pm-primary", n_clicks=0),
        ],
    )


def _better_options(t, own: str | None = None) -> list[dict]:
    """Which way is better: not said (or, for a goal, as the indicator says), lower, higher."""
    first = t("surveys.better_indicator", better=t(f"goals.better_{own}")) if own else t("surveys.not_given")
    return [
        {"label": first, "value": ""},
        {"label": t("goals.better_lower"), "value": "lower"},
        {"label": t("goals.better_higher"), "value": "higher"},
    ]


# --- upload, dry run and import ------------------------------------------------------------------------------


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
        contents, filename, lang, LIMITS, _file_alert, viewer=viewer, page="surveys", quota=quota, previous=previous
    )


def _file_alert(lang: str, exc: PledgemapError) -> html.Div:
    """An upload that is not there or cannot be read, in the page's words."""
    return file_alert(lang, exc, catalogue(lang)["surveys.step_file"])


FORM = (
    State(ID.token, "data"),
    State(ID.municipality, "value"),
    State(ID.other_municipality, "value"),
    State(ID.kind, "value"),
    State(ID.scale_min, "value"),
    State(ID.scale_max, "value"),
    State(ID.better, "value"),
    State(ID.measures, "value"),
    State(ID.source, "value"),
    State(ID.replace, "value"),
    State(ID.lang, "data"),
)


def _import(store, token, municipality, other, kind, low, high, better, measures, source, replace, dry_run: bool):
    """The one domain call a dry run and an import make, with the form's values."""
    code = (other or "").strip() if municipality == OTHER else (municipality or "")
    given = [kind, low, high, better, measures, source]
    described = None
    if any(v not in (None, "") for v in given):
        described = Indicator(
            "",
            kind or None,
            _float(low),
            _float(high),
            better or None,
            (measures or "").strip() or None,
            (source or "").strip() or None,
        )
    check_import(store.viewer, "surveys")  # before anything is read: a role that may not import is refused
    work = settings().import_work
    # Read once, in a worker process within the limits, and kept beside the upload for the import.
    tables = read_upload(token, lambda path: read_survey_file(path, work), "survey")
    return import_survey(
        store,
        upload_path(token),
        tables=tables,
        municipality_code=code or None,
        replace="replace" in (replace or []),
        dry_run=dry_run,
        describe=described,
    )


def _float(value) -> float | None:
    """A scale's end as the number field gives it (a request made without the page may send any text)."""
    if value in (None, ""):
        return None
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        raise ValidationError(
            [Problem("form", "scale", f"is {value!r}; expected a number", "survey_number", {"value": str(value)})]
        ) from None


@callback(
    Output(ID.report, "children"),
    Output(ID.result, "children", allow_duplicate=True),
    Input(ID.dry_run, "n_clicks"),
    *FORM,
    prevent_initial_call=True,
)
def dry_run(clicks, *form):
    lang = form[-1]
    if not clicks:
        return dash.no_update, dash.no_update
    try:
        with request_store() as store:
            checked = _import(store, *form[:-1], dry_run=True)
            described = store.read_indicators()
    except ValidationError as exc:
        return problems_view(exc, lang), ""
    except PledgemapError as exc:
        return _file_alert(lang, exc), ""
    return dry_run_view(checked, described, lang), ""


@callback(
    Output(ID.result, "children"),
    Output(ID.indicators, "children"),
    Output(ID.commit, "disabled"),
    Output(ID.goals, "children", allow_duplicate=True),
    Input(ID.commit, "n_clicks"),
    *FORM,
    State(ID.pledge, "value"),
    prevent_initial_call=True,
)
def commit(clicks, *state):
    """Import every result or none; once imported the button is off (the upload is gone), and the goals' forms
    offer the indicators imported."""
    *form, pledge_id = state
    lang, token = form[-1], form[0]
    t = translator(lang)
    if not clicks:
        return dash.no_update, dash.no_update, dash.no_update, dash.no_update
    try:
        with request_store() as store:
            # Checked again: the store may have changed since the dry run was shown.
            done = _import(store, *form[:-1], dry_run=False)
            stored = stored_indicators(store)
            pledge = store.get_pledge(pledge_id) if pledge_id else None
    except ValidationError as exc:
        refused = alert(lang, t("surveys.nothing_written", count=len(exc.problems)))
        return [refused, *problems_view(exc, lang, heading=False)], dash.no_update, False, dash.no_update
    except PledgemapError as exc:
        return _file_alert(lang, exc), dash.no_update, False, dash.no_update
    discard(token)  # not kept once imported
    already = len(done.rows) - done.new - done.replaced
    text = t("surveys.written", new=done.new, replaced=done.replaced, already=already)
    goals = goal_forms(pledge, {f.indicator.name: f.indicator for f in stored}, lang) if pledge else dash.no_update
    return [html.H2(t("import.done")), html.P(text)], indicator_table(stored, lang), True, goals


# --- what a dry run shows ------------------------------------------------------------------------------------


def survey_field(lang: str, field: str) -> str:
    """A survey field's name ("Antal svar (n)"), or the interface's name of the field."""
    words = catalogue(lang)
    return words.get(f"surveys.field.{field}", field_label(lang, field))


def dry_run_view(checked: SurveyImport, described: dict[str, Indicator], lang: str) -> list:
    """The columns used, what the file lacks and what that means, the undescribed indicators, the counts."""
    t = translator(lang)
    out: list = [html.H2(t("surveys.step_check"))]
    would = len(checked.rows) - checked.new - checked.replaced
    out.append(
        html.P(
            t("surveys.summary", rows=len(checked.rows), new=checked.new, replaced=checked.replaced, already=would),
            className="pm-import-summary",
        )
    )
    out.append(_columns_table(checked, lang))
    if checked.missing:
        out.append(html.H3(t("surveys.missing_heading")))
        out.append(html.Ul([html.Li(t(f"surveys.missing.{name}")) for name in checked.missing], className="pm-missing"))
    if checked.unused:
        out.append(html.H3(t("surveys.unused_heading")))
        out.append(html.P(t("surveys.unused", columns=", ".join(checked.unused), count=len(checked.unused))))
    if checked.undescribed:
        out.append(html.H3(t("surveys.undescribed_heading")))
        out.append(html.P(t("surveys.undescribed", names=", ".join(checked.undescribed))))
    descriptions = {
        **described,
        **{i.name: i.merged(described[i.name]) if i.name in described else i for i in checked.indicators},
    }
    out.append(
        counts_table(results_by_indicator(checked.rows, descriptions), lang, caption=t("surveys.counts_caption"))
    )
    if len(checked.rows):
        out.append(
            html.Div(
                className="pm-import-actions",
                children=[
                    html.Button(t("surveys.commit"), id=ID.commit, className="pm-button pm-primary", n_clicks=0),
                    html.P(t("surveys.commit_hint"), className="pm-hint"),
                ],
            )
        )
    return out


def _columns_table(checked: SurveyImport, lang: str) -> html.Table:
    t = translator(lang)
    rows = []
    for field, column in checked.columns.items():
        rows.append(html.Tr([html.Th(survey_field(lang, field), scope="row"), html.Td(column)]))
    if checked.wide_groups:
        groups = ", ".join(f"{group_label(group, lang)} ← {column}" for column, group in checked.wide_groups.items())
        rows.append(html.Tr([html.Th(t("surveys.group_columns"), scope="row"), html.Td(groups)]))
    return html.Table(
        className="pm-records pm-mapping",
        children=[
            html.Caption(t("surveys.columns_caption")),
            table_head(t("import.field"), t("import.column")),
            html.Tbody(rows),
        ],
    )


def problems_view(exc: ValidationError, lang: str, heading: bool = True) -> list:
    """Every problem of a file that cannot be stored, each naming the row, the field and what was expected;
    a stored value that differs shows what is stored beside what the file says."""
    t = translator(lang)
    conflicts = [p for p in exc.problems if p.code in ("survey_conflict", "indicator_conflict")]
    others = [p for p in exc.problems if p not in conflicts]
    out: list = [html.H2(t("surveys.step_check")), html.P(t("surveys.nothing_stored", count=len(exc.problems)))]
    if not heading:
        out = []
    if others:
        shown = others[:REPORT_ROWS]
        out.append(
            html.Table(
                className="pm-records pm-survey-problems",
                children=[
                    html.Caption(t("surveys.problems", count=len(others))),
                    table_head(t("surveys.record"), t("import.field"), t("import.reason")),
                    html.Tbody(
                        [
                            html.Tr(
                                [
                                    html.Td(record_label(lang, p.record)),
                                    html.Td(survey_field(lang, p.field)),
                                    html.Td(survey_reason(lang, p)),
                                ]
                            )
                            for p in shown
                        ]
                    ),
                ],
            )
        )
        if len(others) > REPORT_ROWS:
            out.append(html.P(t("surveys.more_problems", count=len(others) - REPORT_ROWS), className="pm-hint"))
    if conflicts:
        out.append(
            html.Table(
                className="pm-records pm-survey-conflicts",
                children=[
                    html.Caption(t("surveys.conflicts", count=len(conflicts))),
                    table_head(t("surveys.record"), t("import.field"), t("surveys.stored"), t("surveys.new")),
                    html.Tbody(
                        [
                            html.Tr(
                                [
                                    html.Td(record_label(lang, p.record)),
                                    html.Td(survey_field(lang, p.field)),
                                    html.Td(_value(p.params.get("stored"), lang)),
                                    html.Td(_value(p.params.get("value"), lang)),
                                ]
                            )
                            for p in conflicts[:REPORT_ROWS]
                        ]
                    ),
                ],
            )
        )
        out.append(html.P(t("surveys.conflict_hint"), className="pm-hint"))
    return out


def _value(value: Any, lang: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return translator(lang)("export.yes" if value else "export.no")
    if isinstance(value, (int, float)):
        return survey_value(float(value), lang)
    return str(value)


# --- the stored indicators -----------------------------------------------------------------------------------


def _scale(indicator: Indicator, lang: str) -> str:
    scale = indicator.scale
    if scale is None:
        return "–"
    low, high = scale
    return f"{number(low, lang, 0 if low.is_integer() else 1)}–{number(high, lang, 0 if high.is_integer() else 1)}"


def _years(years: tuple[int, ...]) -> str:
    if not years:
        return "–"
    return ", ".join(str(y) for y in years)


def indicator_table(stored: list[IndicatorResults], lang: str) -> html.Div:
    """The stored indicators: what each measures, its kind, scale, direction and source, its results and years."""
    t = translator(lang)
    words = catalogue(lang)
    if not stored:
        return html.P(t("surveys.no_indicators"))
    items = []
    for found in stored:
        i = found.indicator
        facts = [
            (
                t("surveys.kind"),
                words.get(f"survey_kind.{i.kind}", t("surveys.not_described"))
                if i.kind
                else t("surveys.not_described"),
            ),
            (t("surveys.scale"), _scale(i, lang)),
            (t("surveys.direction"), t(f"goals.better_{i.better or 'none'}")),
            (t("surveys.source"), i.source or "–"),
            (t("surveys.results"), t("surveys.results_count", count=found.results, areas=found.areas)),
            (t("surveys.groups"), ", ".join(group_label(g, lang) for g in found.groups) or "–"),
            (t("surveys.years"), _years(found.years)),
        ]
        items.append(
            html.Article(
                className="pm-survey-indicator",
                children=[
                    html.H3(i.name),
                    html.P(i.measures, className="pm-hint") if i.measures else None,
                    html.Dl([part for label, value in facts for part in (html.Dt(label), html.Dd(value))]),
                ],
            )
        )
    return html.Div(items, className="pm-survey-indicators")


def counts_table(found: list[IndicatorResults], lang: str, caption: str) -> html.Table:
    """How many results per indicator, for how many areas, which groups and which years."""
    t = translator(lang)
    return html.Table(
        className="pm-records pm-survey-counts",
        children=[
            html.Caption(caption),
            table_head(
                t("surveys.indicator"),
                t("surveys.results"),
                t("surveys.groups"),
                t("surveys.years"),
            ),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Th(f.indicator.name, scope="row"),
                            html.Td(t("surveys.results_count", count=f.results, areas=f.areas)),
                            html.Td(", ".join(group_label(g, lang) for g in f.groups) or "–"),
                            html.Td(_years(f.years)),
                        ]
                    )
                    for f in found
                    if f.results
                ]
            ),
        ],
    )


# --- linking a goal ------------------------------------------------------------------------------------------


def _link_section(t, lang: str, pledges, stored: list[IndicatorResults]) -> html.Section:
    if not pledges:
        return html.Section(
            className="pm-panel", children=[html.H2(t("surveys.link_heading")), html.P(t("overview.none"))]
        )
    first = pledges[-1]
    return html.Section(
        className="pm-panel",
        children=[
            html.H2(t("surveys.link_heading")),
            html.P(t("surveys.link_intro"), className="pm-hint"),
            pledge_picker(ID.pledge, pledges, first.id, t("surveys.link_pledge"), lang),
            html.Div(goal_forms(first, {f.indicator.name: f.indicator for f in stored}, lang), id=ID.goals),
        ],
    )


@callback(Output(ID.goals, "children"), Input(ID.pledge, "value"), State(ID.lang, "data"), prevent_initial_call=True)
def show_goals(pledge_id, lang):
    try:
        with request_store() as store:
            pledge = store.get_pledge(pledge_id)
            described = {f.indicator.name: f.indicator for f in stored_indicators(store)}
    except PledgemapError as exc:
        return alert(lang, exc)
    return goal_forms(pledge, described, lang)


def goal_forms(pledge, described: dict[str, Indicator], lang: str) -> list:
    """Each goal of ``pledge`` with its indicator, direction, baseline year and categories, and a save button."""
    t = translator(lang)
    words = catalogue(lang)
    if not pledge.goals:
        return [html.P(t("surveys.no_goals"))]
    forms = []
    for goal in pledge.goals:
        key = {"pledge": pledge.id, "goal": goal.id}
        names = sorted(described, key=str.casefold)
        if goal.indicator and goal.indicator not in described:
            names.append(goal.indicator)  # a goal may name an indicator no result is stored for yet
        own = described.get(goal.indicator or "")
        forms.append(
            html.Fieldset(
                className="pm-question pm-survey-goal",
                children=[
                    html.Legend(goal.text),
                    radio_group(
                        {"type": ID.goal_indicator, **key},
                        t("surveys.goal_indicator"),
                        [{"label": t("surveys.goal_no_indicator"), "value": ""}]
                        + [{"label": name, "value": name} for name in names],
                        goal.indicator or "",
                        boxed=False,
                    ),
                    radio_group(
                        {"type": ID.goal_better, **key},
                        t("surveys.better"),
                        _better_options(t, own.better if own else None),
                        goal.better or "",
                        inline=True,
                        boxed=False,
                    ),
                    html.Label(
                        [
                            html.Span(t("surveys.goal_baseline")),
                            dcc.Input(
                                id={"type": ID.goal_baseline, **key},
                                type="number",
                                min=1990,
                                max=2100,
                                step=1,
                                value=goal.baseline_year,
                                className="pm-search",
                            ),
                        ],
                        className="pm-survey-field",
                    ),
                    html.P(t("surveys.goal_baseline_hint"), className="pm-hint"),
                    html.Fieldset(
                        [
                            html.Legend(t("surveys.goal_categories")),
                            dcc.Checklist(
                                id={"type": ID.goal_categories, **key},
                                options=[
                                    {"label": words[f"category.{code}"], "value": code}
                                    for code in vocab.UNSAFE_CATEGORIES
                                ],
                                value=list(goal.categories),
                                className="pm-checks pm-survey-categories",
                            ),
                        ]
                    ),
                    html.Button(
                        t("surveys.goal_save"),
                        id={"type": ID.goal_save, **key},
                        className="pm-button pm-primary",
                        n_clicks=0,
                    ),
                    dcc.Store(id={"type": ID.goal_form, **key}, data={"lang": lang}),
                    html.Div(id={"type": ID.goal_saved, **key}, role="status"),
                ],
            )
        )
    return forms


@callback(
    Output({"type": ID.goal_saved, "pledge": MATCH, "goal": MATCH}, "children"),
    Input({"type": ID.goal_save, "pledge": MATCH, "goal": MATCH}, "n_clicks"),
    State({"type": ID.goal_indicator, "pledge": MATCH, "goal": MATCH}, "value"),
    State({"type": ID.goal_better, "pledge": MATCH, "goal": MATCH}, "value"),
    State({"type": ID.goal_baseline, "pledge": MATCH, "goal": MATCH}, "value"),
    State({"type": ID.goal_categories, "pledge": MATCH, "goal": MATCH}, "value"),
    State({"type": ID.goal_form, "pledge": MATCH, "goal": MATCH}, "data"),
    prevent_initial_call=True,
)
def save_goal(clicks, indicator, better, baseline, categories, goal_form):
    lang = language((goal_form or {}).get("lang"))
    t = translator(lang)
    if not clicks or not isinstance(ctx.triggered_id, dict):
        return dash.no_update
    key = ctx.triggered_id
    try:
        year = None if baseline in (None, "") else int(baseline)
        with request_store() as store:
            pledge = link_goal(
                store,
                key["pledge"],
                key["goal"],
                indicator=indicator or None,
                better=better or None,
                baseline_year=year,
                categories=categories or [],
            )
    except ValidationError as exc:
        reasons = "; ".join(survey_reason(lang, p) for p in exc.problems)
        return alert(lang, reasons, t("surveys.goal_not_saved"))
    except (PledgemapError, ValueError) as exc:
        return alert(lang, exc, t("surveys.goal_not_saved"))
    goal = next(g for g in pledge.goals if g.id == key["goal"])
    if goal.indicator:
        text = t("surveys.goal_saved", indicator=goal.indicator, count=len(goal.categories))
    else:
        text = t("surveys.goal_saved_none", count=len(goal.categories))
    return html.P(text, className="pm-notice")
