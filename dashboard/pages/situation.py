"""Lägesbild / Situation report: a municipality's year drafted from the data, and the analysis and action plan
people write on it, saved with every version (lag 2023:196; Brå's method: kartläggning, analys, prioriterade
problem, åtgärder).

The kartläggning is computed when the page is drawn (:func:`geodata.analysis.situation.kartlaggning`); only
the written sections are stored. The sections are kept in the browser in :attr:`Situation.doc` while they are
written; every field is an input with the id ``{"type": Situation.field, "path": "problems.0.text"}``. An
action (add, move, delete a problem; add, delete a measure) first takes in what was typed, then makes its
change (:func:`geodata.analysis.situation_document.edit_plan`) and draws the form again.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, NamedTuple

import dash
from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, dcc, html

from dashboard.components.chart_table import table_alternative
from dashboard.components.layout import (
    alert,
    error_page,
    municipality_picker,
    no_pledges_page,
    not_for_role_page,
    page,
    page_allowed,
    radio_group,
    remember_view,
    short_text,
)
from dashboard.components.problems import describe
from dashboard.components.report_links import situation_links
from dashboard.components.survey_table import SURVEY_NUMERIC, survey_cells, survey_headings
from dashboard.components.tables import table_head
from dashboard.components.titles import page_title
from dashboard.context import request_store
from dashboard.figures.situation import (
    category_chart,
    category_table,
    centre_text,
    events_chart,
    month_name,
    operations_chart,
    trend_chart,
    week_chart,
)
from dashboard.figures.style import graph_config
from dashboard.i18n import catalogue, fill, language, number, translator
from dashboard.ids import Situation as ID
from geodata import PledgemapError, ValidationError, VersionConflictError, clock
from geodata.analysis.situation import (
    NOT_STATED,
    WEEKDAYS,
    Kartlaggning,
    default_year,
    kartlaggning,
    situation_municipalities,
    situation_years,
)
from geodata.analysis.situation_document import (
    SituationReport,
    edit_plan,
    save_situation_report,
    situation_versions,
)
from geodata.errors import Problem

PATH = "/lagesbild"
dash.register_page(__name__, path=PATH, name="Lägesbild", title=page_title("nav.situation"), order=5)

FIELD = {"type": ID.field, "path": ALL}
ACTION = {"type": ID.action, "op": ALL, "i": ALL}
NO_CHARTS = ("lasso2d", "select2d")


class View(NamedTuple):
    """What the page shows for one municipality and year."""

    municipalities: list[tuple[str, str]]
    code: str
    years: list[int]
    year: int
    survey: Kartlaggning
    versions: list[SituationReport]
    shown: SituationReport  # the version shown: the latest (to edit) or an older one (to read)
    read_only: bool
    partners: list[tuple[str, str]]  # (id, name) of the partners of the municipality's pledges


def read_view(store, kommun: str | None, year: str | int | None, version: str | None = None) -> View | None:
    """The municipality asked for (else the first), the year (else the latest with reports), what to show."""
    municipalities = situation_municipalities(store)
    if not municipalities:
        return None
    codes = [c for c, _ in municipalities]
    code = kommun if kommun in codes else codes[0]
    today = clock.today()
    years = situation_years(store, code, today)
    chosen = int(year) if str(year or "").isdigit() and int(str(year)) in years else default_year(store, code, today)
    versions = situation_versions(store, code, chosen)
    latest = versions[-1] if versions else SituationReport(code, chosen)
    asked = next((v for v in versions if str(v.version) == str(version)), None)
    partners: dict[str, str] = {}
    for pledge in store.list_pledges():
        if pledge.municipality.code == code:
            for partner in pledge.partners:
                partners.setdefault(partner.id, partner.name)
    return View(
        municipalities,
        code,
        years,
        chosen,
        kartlaggning(store, code, chosen),
        versions,
        asked or latest,
        asked is not None and asked.version != latest.version,
        list(partners.items()),
    )


def _query(code: str | None, year: int | None, lang: str, version: int | None = None) -> str:
    parts = [f"kommun={code}"] if code else []
    parts += [f"year={year}"] if year else []
    parts += [f"version={version}"] if version else []
    parts += [f"lang={lang}"] if lang != "sv" else []
    return "&".join(parts)


def layout(
    kommun: str | None = None, year: str | None = None, version: str | None = None, lang: str | None = None, **_q
) -> html.Div:
    lang = language(lang)
    t = translator(lang)
    query = _query(kommun, int(year) if str(year or "").isdigit() else None, lang)
    if not page_allowed(PATH):  # before reading anything the page would read
        return not_for_role_page(lang, PATH, query)
    try:
        with request_store() as store:
            view = read_view(store, kommun, year, version)
    except PledgemapError as exc:
        return error_page(lang, PATH, exc, query)
    if view is None:
        return no_pledges_page(lang, PATH, query)
    query = _query(view.code, view.year, lang)
    controls = html.Form(
        className="pm-table-controls pm-lb-controls",
        **{"aria-label": t("situation.choose")},
        children=[
            municipality_picker(
                ID.municipality, view.municipalities, view.code, t("situation.municipality"), lang, row=True
            ),
            radio_group(ID.year, t("situation.year"), _year_options(view.years), view.year, inline=True, boxed=False),
        ],
    )
    body = [
        html.H1(t("situation.heading")),
        html.P(t("situation.intro"), className="pm-lead"),
        controls,
        dcc.Store(id=ID.lang, data=lang),
        dcc.Store(id=ID.query, data=query),
        dcc.Store(id=ID.focus),
        html.Div(content(lang, view), id=ID.content),
    ]
    return page(lang, PATH, body, query)


def _year_options(years: list[int]) -> list[dict]:
    return [{"label": str(y), "value": y} for y in years]


def content(lang: str, view: View) -> list:
    """The kartläggning, the written sections (a form, or an older version to read) and the version history."""
    t = translator(lang)
    name = dict(view.municipalities)[view.code]
    return [
        html.H2(t("situation.for", municipality=name, year=view.year), className="pm-lb-title"),
        *kartlaggning_section(lang, view.survey),
        html.Section(
            className="pm-panel pm-lb-written",
            **{"aria-labelledby": "lb-written-heading"},
            children=[
                html.H2(t("situation.written"), id="lb-written-heading"),
                *(read_only_sections(lang, view) if view.read_only else editor_section(lang, view)),
            ],
        ),
        html.Section(
            **{"aria-labelledby": "lb-export-heading"},
            children=[
                html.H2(t("situation.download"), id="lb-export-heading"),
                html.P(t("situation.download_hint"), className="pm-hint"),
                situation_links(view.code, view.year, lang, view.shown.version if view.read_only else None),
            ],
        ),
        html.Section(
            **{"aria-labelledby": "lb-history-heading"},
            children=[
                html.H2(t("situation.history"), id="lb-history-heading"),
                html.Div(history(lang, view.code, view.year, view.versions, view.shown.version), id=ID.history),
            ],
        ),
    ]


# --- the kartläggning ---------------------------------------------------------------------------------------


def _graph(figure: dict, lang: str) -> dcc.Graph:
    return dcc.Graph(figure=figure, config=graph_config(lang, remove=NO_CHARTS), className="pm-lb-chart")


def _time_label(t, code: str) -> str:
    return t("situation.not_stated") if code == NOT_STATED else t(f"time_of_day.{code}")


def kartlaggning_section(lang: str, k: Kartlaggning) -> list:
    t = translator(lang)
    parts: list[Any] = [
        html.H2(t("situation.survey")),
        html.P(t("situation.survey_note", count=number(k.reports, lang), year=k.year), className="pm-source"),
    ]
    if k.few_reports and k.reports:
        parts.append(html.P(t("situation.few_reports"), className="pm-notice"))
    # By category.
    parts.append(html.H3(t("situation.by_category")))
    if k.categories:
        columns, rows = category_table(k, t, lang)
        parts += [
            _graph(category_chart(k, t), lang),
            table_alternative(
                t,
                t("situation.by_category_caption", year=k.year),
                columns,
                rows,
            ),
        ]
    else:
        parts.append(html.P(t("situation.no_reports", year=k.year)))
    # The trend against the years before.
    years = sorted(k.trend)
    parts += [
        html.H3(t("situation.trend")),
        _graph(trend_chart(k, t), lang),
        table_alternative(
            t,
            t("situation.trend_caption"),
            [t("situation.year"), t("situation.reports")],
            [[str(y), number(k.trend[y], lang)] for y in years],
        ),
    ]
    # The places with the most reports.
    parts.append(html.H3(t("situation.places")))
    if k.places:
        parts += [
            html.P(t("situation.places_note", size=number(k.cell_m, lang)), className="pm-source"),
            html.Div(
                className="pm-table-scroll",
                children=html.Table(
                    className="pm-records",
                    children=[
                        html.Caption(t("situation.places_caption", year=k.year), className="pm-visually-hidden"),
                        table_head(
                            t("situation.rank"), t("situation.reports"), t("situation.hotspot"), t("situation.centre")
                        ),
                        html.Tbody(
                            [
                                html.Tr(
                                    [
                                        html.Td(str(p.rank)),
                                        html.Td(number(p.count, lang), className="pm-number"),
                                        html.Td(t(f"hotspot.{p.hotspot}")),
                                        html.Td(centre_text(t, lang, p.lat, p.lon)),
                                    ]
                                )
                                for p in k.places
                            ]
                        ),
                    ],
                ),
            ),
        ]
    else:
        parts.append(html.P(t("situation.no_reports", year=k.year)))
    # Weekday × time of day.
    columns = [_time_label(t, c) for c in k.times_of_day]
    parts += [
        html.H3(t("situation.week")),
        html.P(t("situation.week_note"), className="pm-source"),
        _graph(week_chart(k, t), lang),
        table_alternative(
            t,
            t("situation.week_caption", year=k.year),
            [t("situation.weekday"), *columns],
            [[t(f"situation.weekday.{d}"), *[number(v, lang) for v in row]] for d, row in zip(WEEKDAYS, k.week)],
        ),
    ]
    # Survey results.
    parts.append(html.H3(t("situation.survey_results")))
    if len(k.survey):
        # Seven columns: on a phone the table scrolls within its own box (reachable by keyboard), not the page.
        parts.append(
            html.Div(
                className="pm-scroll-x",
                tabIndex="0",
                role="region",
                **{"aria-label": t("situation.survey_results")},
                children=html.Table(
                    className="pm-records",
                    children=[
                        table_head(*survey_headings(t)),
                        html.Tbody(
                            [
                                html.Tr(
                                    [
                                        html.Td(cell, className="pm-number" if i in SURVEY_NUMERIC else None)
                                        for i, cell in enumerate(cells)
                                    ]
                                )
                                for cells in survey_cells(k.survey, lang)
                            ]
                        ),
                    ],
                ),
            ),
        )
    else:
        parts.append(html.P(t("situation.no_survey", first=k.year - len(k.earlier_years), year=k.year)))
    # Police events per month.
    parts.append(html.H3(t("situation.events")))
    if k.police_events:
        parts += [
            html.P(t("events.note"), className="pm-source"),
            _graph(events_chart(k, t), lang),
            table_alternative(
                t,
                t("situation.events_caption", year=k.year),
                [t("events.month"), t("events.count"), t("events.types")],
                [
                    [
                        month_name(t, m.month),
                        number(m.total, lang),
                        ", ".join(f"{kind} ({number(n, lang)})" for kind, n in m.top_types),
                    ]
                    for m in k.police_events
                ],
                numbers=[True, False],
            ),
        ]
    else:
        parts.append(html.P(t("situation.no_events", year=k.year)))
    # Operations per month by kind.
    if k.operations is not None:
        parts.append(html.H3(t("situation.operations")))
        if len(k.operations):
            kinds = sorted(set(k.operations["kind"]))
            table = k.operations.pivot_table(index="month", columns="kind", values="count", aggfunc="sum", fill_value=0)
            parts += [
                _graph(operations_chart(k, t), lang),
                table_alternative(
                    t,
                    t("situation.operations_caption", year=k.year),
                    [t("events.month"), *[t(f"operation_kind.{kind}") for kind in kinds]],
                    [[month, *[number(int(row[kind]), lang) for kind in kinds]] for month, row in table.iterrows()],
                ),
            ]
        else:
            parts.append(html.P(t("situation.no_operations", year=k.year)))
    return parts


# --- the written sections -----------------------------------------------------------------------------------


def _key(path: str) -> dict[str, str]:
    return {"type": ID.field, "path": path}


def _doc(view: View) -> dict[str, Any]:
    """What the browser keeps while the sections are written: the content, the version it started from, and
    what the form offers (the categories of the kartläggning, the partners)."""
    return {
        "content": view.shown.to_content(),
        "version": view.shown.version,
        "categories": [c.category for c in view.survey.categories],
        "partners": view.partners,
    }


def editor_section(lang: str, view: View) -> list:
    t = translator(lang)
    doc = _doc(view)
    return [
        html.P(t("situation.written_note"), className="pm-hint"),
        dcc.Store(id=ID.doc, data=doc),
        html.P(id=ID.notice, role="status", className="pm-draft-notice"),
        html.Div(editor(lang, doc), id=ID.editor),
        html.Div(
            className="pm-draft-actions",
            children=[html.Button(t("situation.save"), id=ID.save, className="pm-button pm-primary", n_clicks=0)],
        ),
        html.Div(id=ID.saved, role="status"),
    ]


def _text(label: str, path: str, value: str, *, rows: int = 0, hint: str | None = None, listed: str | None = None):
    key = _key(path)
    control: Any
    if rows:
        control = dcc.Textarea(id=key, value=value or "", rows=rows, className="pm-textarea")
    else:
        control = dcc.Input(
            id=key,
            value=value or "",
            type="text",
            className="pm-search pm-draft-input",
            **({"list": listed} if listed else {}),
        )
    return html.Label(
        [
            html.Span(label, className="pm-label"),
            control,
            html.Span(hint, className="pm-hint pm-draft-hint") if hint else None,
        ],
        className="pm-draft-field",
    )


def _button(t, label: str, op: str, i: int, which: str, disabled: bool = False) -> html.Button:
    return html.Button(
        [label, html.Span(" " + which, className="pm-visually-hidden")] if which else label,
        id={"type": ID.action, "op": op, "i": i},
        className="pm-row-button" if i >= 0 else "pm-button",
        n_clicks=0,
        disabled=disabled,
    )


def editor(lang: str, doc: dict[str, Any]) -> list:
    """The form of the written sections: the analysis, the prioritised problems in order, the measures."""
    t = translator(lang)
    content = doc["content"]
    problems = content.get("problems") or []
    measures = content.get("measures") or []
    offered = list(
        dict.fromkeys([*doc.get("categories", []), *[c for p in problems for c in p.get("categories") or []]])
    )
    partners = doc.get("partners") or []
    year = int(content.get("year") or 0)  # the lägesbild's year: its measures are for the year after
    problem_items = []
    for i, problem in enumerate(problems):
        n = i + 1
        which = t("situation.which_problem", n=n)
        problem_items.append(
            html.Li(
                className="pm-draft-promise",
                children=html.Fieldset(
                    [
                        html.Legend(t("situation.problem_n", n=n)),
                        _text(t("situation.problem_text"), f"problems.{i}.text", problem.get("text", ""), rows=2),
                        html.Fieldset(
                            className="pm-draft-choices",
                            children=[
                                html.Legend(t("situation.problem_categories")),
                                dcc.Checklist(
                                    id=_key(f"problems.{i}.categories"),
                                    options=[{"label": t(f"category.{c}"), "value": c} for c in offered],
                                    value=list(problem.get("categories") or []),
                                    className="pm-checks pm-inline",
                                ),
                            ],
                        )
                        if offered
                        else None,
                        _text(t("situation.problem_places"), f"problems.{i}.places", problem.get("places", "")),
                        html.Div(
                            className="pm-draft-actions",
                            children=[
                                _button(t, t("situation.up"), "up", i, which, disabled=i == 0),
                                _button(t, t("situation.down"), "down", i, which, disabled=i == len(problems) - 1),
                                _button(t, t("situation.delete"), "delete_problem", i, which),
                            ],
                        ),
                    ]
                ),
            )
        )
    choices = [{"label": t("situation.no_problem"), "value": ""}] + [
        {"label": f"{n}. {short_text(p.get('text') or t('situation.untitled'), 50)}", "value": p.get("id")}
        for n, p in enumerate(problems, start=1)
    ]
    measure_items = []
    for i, measure in enumerate(measures):
        n = i + 1
        which = t("situation.which_measure", n=n)
        measure_items.append(
            html.Li(
                className="pm-draft-promise",
                children=html.Fieldset(
                    [
                        html.Legend(t("situation.measure_n", n=n)),
                        _text(t("situation.measure_text"), f"measures.{i}.text", measure.get("text", ""), rows=2),
                        html.Div(
                            className="pm-draft-grid",
                            children=[
                                _text(
                                    t("situation.measure_responsible"),
                                    f"measures.{i}.responsible",
                                    measure.get("responsible", ""),
                                    hint=t("situation.responsible_hint"),
                                    listed="lb-partners" if partners else None,
                                ),
                                _text(
                                    t("situation.measure_when"),
                                    f"measures.{i}.when",
                                    measure.get("when", ""),
                                    hint=t("situation.when_hint", year=year + 1),
                                ),
                            ],
                        ),
                        radio_group(
                            _key(f"measures.{i}.problem"),
                            t("situation.measure_problem"),
                            choices,
                            measure.get("problem") or "",
                            boxed=False,
                        ),
                        html.Div(
                            className="pm-draft-actions",
                            children=[_button(t, t("situation.delete"), "delete_measure", i, which)],
                        ),
                    ]
                ),
            )
        )
    return [
        html.H3(t("situation.analysis")),
        _text(
            t("situation.analysis_label"),
            "analysis",
            content.get("analysis", ""),
            rows=8,
            hint=t("situation.analysis_hint"),
        ),
        html.H3(t("situation.problems")),
        html.P(t("situation.problems_hint"), className="pm-hint"),
        html.Ol(problem_items, className="pm-draft-list") if problem_items else html.P(t("situation.no_problems")),
        _button(t, t("situation.add_problem"), "add_problem", -1, ""),
        html.H3(t("situation.measures")),
        html.Ol(measure_items, className="pm-draft-list") if measure_items else html.P(t("situation.no_measures")),
        _button(t, t("situation.add_measure"), "add_measure", -1, ""),
        html.Datalist([html.Option(value=name) for _, name in partners], id="lb-partners") if partners else None,
    ]


def read_only_sections(lang: str, view: View) -> list:
    """An older version, to read: its sections as text, and the way back to the latest to edit."""
    t = translator(lang)
    shown = view.shown
    latest = view.versions[-1].version
    problem_numbers = {p.id: n for n, p in enumerate(shown.problems, start=1)}
    return [
        html.P(
            [
                t("situation.reading", version=shown.version, latest=latest),
                " ",
                dcc.Link(t("situation.open_latest"), href=f"{PATH}?{_query(view.code, view.year, lang)}"),
            ],
            className="pm-notice",
        ),
        html.H3(t("situation.analysis")),
        *([html.P(line) for line in shown.analysis.splitlines() if line.strip()] or [html.P(t("situation.empty"))]),
        html.H3(t("situation.problems")),
        html.Ol(
            [
                html.Li(
                    [
                        html.Strong(p.text),
                        html.Br(),
                        ", ".join(t(f"category.{c}") for c in p.categories) if p.categories else None,
                        " · " if p.categories and p.places else None,
                        p.places or None,
                    ]
                )
                for p in shown.problems
            ]
        )
        if shown.problems
        else html.P(t("situation.no_problems")),
        html.H3(t("situation.measures")),
        html.Ol(
            [
                html.Li(
                    [
                        html.Strong(m.text),
                        html.Br(),
                        t(
                            "situation.measure_facts",
                            responsible=m.responsible,
                            when=m.when or "–",
                            problem=problem_numbers.get(m.problem or "", "–"),
                        ),
                    ]
                )
                for m in shown.measures
            ]
        )
        if shown.measures
        else html.P(t("situation.no_measures")),
    ]


def _moment(when: dt.datetime | None) -> str:
    if when is None:
        return "–"
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return f"{when.astimezone(clock.LOCAL_TZ):%Y-%m-%d %H:%M}"


def history(lang: str, code: str, year: int, versions: list[SituationReport], shown: int) -> list:
    """Every saved version, newest first: who saved it and when, and a link that opens it."""
    t = translator(lang)
    if not versions:
        return [html.P(t("situation.no_versions"))]
    latest = versions[-1].version
    rows = []
    for v in reversed(versions):
        label = t("situation.version_n", n=v.version) + (f" ({t('situation.latest')})" if v.version == latest else "")
        link = (
            html.Span(t("situation.shown"))
            if v.version == shown
            else dcc.Link(
                t("situation.open_version", n=v.version),
                href=f"{PATH}?{_query(code, year, lang, None if v.version == latest else v.version)}",
            )
        )
        rows.append(html.Tr([html.Td(label), html.Td(v.saved_by or "–"), html.Td(_moment(v.saved_at)), html.Td(link)]))
    return [
        html.Table(
            className="pm-records",
            children=[
                table_head(
                    t("situation.version"), t("situation.saved_by"), t("situation.saved_at"), t("situation.open")
                ),
                html.Tbody(rows),
            ],
        )
    ]


# --- problems in the user's language ------------------------------------------------------------------------


def problem_lines(lang: str, problems: list[Problem]) -> list[str]:
    """Each problem of a report as a line naming its section, item and field: "Prioriterat problem 2, text: saknas"."""
    words = catalogue(lang)
    lines = []
    for p in problems:
        params = p.params or {}
        section, item, name = params.get("section"), params.get("item"), params.get("field")
        if section in ("problems", "measures") and item is not None:
            where = fill(words[f"situation.{section[:-1]}_n"], n=item + 1)
        else:
            where = words.get(f"situation.section.{section}", section or "")
        if name and name != section:
            where = f"{where}, {words.get(f'situation.field.{name}', name).lower()}"
        key = f"situation.problem.{p.code}"
        if key in words:
            values = dict(params)
            if p.code == "not_allowed":
                values["value"] = words.get(f"category.{values.get('value')}", values.get("value"))
            reason = fill(words[key], **{k: v for k, v in values.items() if v is not None})
        else:
            reason = describe(lang, name or "", p.message, p.code, params)
        lines.append(f"{where}: {reason}")
    return lines


# --- callbacks ----------------------------------------------------------------------------------------------


@callback(
    Output(ID.content, "children"),
    Output(ID.year, "options"),
    Output(ID.year, "value"),
    Output(ID.query, "data"),
    Input(ID.municipality, "value"),
    Input(ID.year, "value"),
    State(ID.lang, "data"),
    prevent_initial_call=True,
)
def choose(kommun, year, lang):
    """Another municipality or year: its kartläggning, its written sections, its history."""
    lang = language(lang)
    if ctx.triggered_id == ID.municipality:
        year = None  # the municipality's own default year
    try:
        with request_store() as store:
            view = read_view(store, kommun, year)
    except PledgemapError as exc:
        return alert(lang, exc), dash.no_update, dash.no_update, dash.no_update
    if view is None:
        return dash.no_update, dash.no_update, dash.no_update, dash.no_update
    return content(lang, view), _year_options(view.years), view.year, _query(view.code, view.year, lang)


remember_view(ID.query)


def _typed(doc: dict, values: list, ids: list[dict]) -> dict[str, Any]:
    """The report's content with what the form holds (every field's value at its path)."""
    content = {
        **doc["content"],
        "problems": [dict(p) for p in doc["content"].get("problems") or []],
        "measures": [dict(m) for m in doc["content"].get("measures") or []],
    }
    for key, value in zip(ids, values):
        parts = key["path"].split(".")
        if parts == ["analysis"]:
            content["analysis"] = value or ""
            continue
        section, index, name = parts[0], int(parts[1]), parts[2]
        if index < len(content[section]):
            if name == "categories":
                value = list(value or [])
            elif name == "problem":
                value = value or None
            else:
                value = value or ""
            content[section][index][name] = value
    return content


def _focus_after(op: str, i: int, content: dict) -> str:
    problems, measures = len(content.get("problems") or []), len(content.get("measures") or [])

    def dom(key: dict) -> str:
        return json.dumps(key, sort_keys=True, separators=(",", ":"))

    if op == "add_problem":
        return dom(_key(f"problems.{problems - 1}.text"))
    if op in ("up", "down"):
        to = max(0, min(problems - 1, i + (-1 if op == "up" else 1)))
        return (
            dom({"type": ID.action, "op": op, "i": to}) if 0 < to < problems - 1 else dom(_key(f"problems.{to}.text"))
        )
    if op == "delete_problem":
        return (
            dom(_key(f"problems.{min(i, problems - 1)}.text"))
            if problems
            else dom({"type": ID.action, "op": "add_problem", "i": -1})
        )
    if op == "add_measure":
        return dom(_key(f"measures.{measures - 1}.text"))
    return (
        dom(_key(f"measures.{min(i, measures - 1)}.text"))
        if measures
        else dom({"type": ID.action, "op": "add_measure", "i": -1})
    )


@callback(
    Output(ID.doc, "data"),
    Output(ID.editor, "children"),
    Output(ID.notice, "children"),
    Output(ID.focus, "data"),
    Input(ACTION, "n_clicks"),
    State(FIELD, "value"),
    State(FIELD, "id"),
    State(ID.doc, "data"),
    State(ID.lang, "data"),
    prevent_initial_call=True,
)
def act(_clicks, values, ids, doc, lang):
    """One change to the lists of problems and measures, after taking in what was typed."""
    trigger = ctx.triggered_id
    if not doc or trigger is None or not (ctx.triggered and ctx.triggered[0]["value"]):
        return dash.no_update, dash.no_update, dash.no_update, dash.no_update
    lang = language(lang)
    t = translator(lang)
    op, i = trigger["op"], int(trigger["i"])
    content = edit_plan(_typed(doc, values, ids), op, i)
    doc = {**doc, "content": content}
    count = (
        len(content["problems"]) if op in ("add_problem", "up", "down", "delete_problem") else len(content["measures"])
    )
    to = max(1, min(count, i + 1 + (-1 if op == "up" else 1)))
    notice = t(f"situation.done.{op}", n=i + 1, to=to, count=count)
    return doc, editor(lang, doc), notice, _focus_after(op, i, content)


clientside_callback(
    ClientsideFunction(namespace="pledgemap", function_name="focusElement"),
    Input(ID.focus, "data"),
    prevent_initial_call=True,
)


@callback(
    Output(ID.saved, "children"),
    Output(ID.doc, "data", allow_duplicate=True),
    Output(ID.history, "children"),
    Input(ID.save, "n_clicks"),
    State(FIELD, "value"),
    State(FIELD, "id"),
    State(ID.doc, "data"),
    State(ID.lang, "data"),
    prevent_initial_call=True,
)
def save(clicks, values, ids, doc, lang):
    """Save the sections as a new version; a refusal says why and leaves every field as it was typed."""
    if not clicks or not doc:
        return dash.no_update, dash.no_update, dash.no_update
    lang = language(lang)
    t = translator(lang)
    content = _typed(doc, values, ids)
    title = t("situation.not_saved")
    try:
        report = SituationReport.from_content(content)
        with request_store() as store:
            saved = save_situation_report(store, report, int(doc.get("version") or 0))
            versions = situation_versions(store, saved.municipality_code, saved.year)
    except ValidationError as exc:
        lines = problem_lines(lang, exc.problems)
        return (
            html.Div(
                className="pm-alert",
                role="alert",
                children=[html.Strong(t("situation.invalid", count=len(lines))), html.Ul([html.Li(x) for x in lines])],
            ),
            {**doc, "content": content},
            dash.no_update,
        )
    except VersionConflictError as exc:
        return (
            alert(lang, t("situation.conflict", current=exc.current), title),
            {**doc, "content": content},
            dash.no_update,
        )
    except PledgemapError as exc:
        return alert(lang, exc, title), {**doc, "content": content}, dash.no_update
    notice = html.P(t("situation.saved", version=saved.version, when=_moment(saved.saved_at)), className="pm-notice")
    doc = {**doc, "content": saved.to_content(), "version": saved.version}
    return notice, doc, history(lang, saved.municipality_code, saved.year, versions, saved.version)
