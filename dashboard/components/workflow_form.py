"""The inspection workflow on a site's details: the next step, its fields, and saving it.

A thin form over :func:`geodata.workflow.advance`: the steps offered are the
ones :func:`geodata.workflow.allowed_steps` allows this site (no
verification while an inspection's critical finding is open), the fields are
the ones the chosen step needs (the day of a step today unless the caretaker
chooses an earlier one), and saving carries the version the form was opened
at, so a caretaker who saves after someone else is told, not silently
overwritten. The layers page and the sites page each show the form, with ids
of their own (:class:`~dashboard.ids.WorkflowForm`,
:class:`~dashboard.ids.SitesWorkflowForm`).
"""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, dcc, html

from dashboard.components import personal_warning
from dashboard.components.layout import alert, date_input, radio_group
from dashboard.components.problems import field_label
from dashboard.components.saving import NOTHING, refused, saved
from dashboard.context import request_store
from dashboard.i18n import translator
from dashboard.ids import Layers, WorkflowForm
from geodata import PledgemapError, VersionConflictError, clock, vocab
from geodata.views.editing import may_write
from geodata.workflow import STEP_DAYS, advance, allowed_steps


def workflow_form(store, record: dict, lang: str, ID=WorkflowForm) -> list:
    """The "next step" form for a site, or nothing if the viewer may not change it or no step follows.

    ``ID`` names the form's components (the page's own form ids).
    """
    t = translator(lang)
    steps = allowed_steps(record)
    if not steps or not may_write(getattr(store, "viewer", None), "inventoried_sites", [record], stored=True):
        return []
    return [
        html.Section(
            className="pm-workflow",
            **{"aria-label": t("workflow.heading")},
            children=[
                html.H4(t("workflow.heading")),
                radio_group(
                    ID.step, t("workflow.next"), [{"label": t(f"status.{s}"), "value": s} for s in steps], steps[0]
                ),
                html.Div(id=ID.fields, children=step_fields(steps[0], lang, ID)),
                dcc.Store(id=ID.site, data={"id": record["id"], "version": int(record["version"])}),
                html.Button(
                    t("workflow.save"), id=ID.save, type="button", className="pm-button pm-primary", n_clicks=0
                ),
                html.Div(id=ID.result, role="status"),
            ],
        )
    ]


def step_fields(step: str, lang: str, ID=WorkflowForm) -> list:
    """The inputs the step to ``step`` needs, each with its label; a step's day is today unless chosen earlier."""
    t = translator(lang)

    def _field(name: str) -> dict:
        return {"type": ID.field, "name": name}

    today = clock.today().isoformat()

    def day(name: str) -> html.Label:
        return _labelled(t, name, date_input(_field(name), today, max=today), lang)

    if step == "inspected":
        findings = [{"label": t(f"finding.{f}"), "value": f} for f in vocab.FINDINGS]
        checks = [
            radio_group(_field(f"check_{item}"), t(f"check.{item}"), findings, inline=True) for item in vocab.CHECKLIST
        ]
        return [
            day("inspected_on"),
            *checks,
            _labelled(
                t,
                "inspection_comment",
                dcc.Textarea(id=_field("inspection_comment"), rows=3, className="pm-textarea"),
                lang,
            ),
        ]
    if step == "action_planned":
        return [
            _labelled(t, "measure", dcc.Textarea(id=_field("measure"), rows=3, className="pm-textarea"), lang),
            _labelled(t, "responsible", dcc.Input(id=_field("responsible"), className="pm-search"), lang),
            _labelled(t, "due_on", date_input(_field("due_on")), lang),
        ]
    return [day(STEP_DAYS[step]), html.P(t("workflow.today_default"), className="pm-hint")]


def _labelled(t, name: str, control, lang: str) -> html.Label:
    # The label wraps its control: Dash's inputs take no aria attributes, and a wrapping label names them.
    return html.Label([html.Span(field_label(lang, name), className="pm-label"), control])


def show_step_fields(step, lang, ID=WorkflowForm):
    return step_fields(step, lang, ID) if step else []


def save_step(clicks, personal_clicks, step, site, values, ids, view, ID=WorkflowForm):
    """Take the step; on success the page redraws the site, on a conflict or a problem it says what to do.

    The step's comment or measure holding personal data is saved only as the caretaker chooses (masked, or as it
    is), after a warning that shows what was found.
    """
    chosen = personal_warning.decision(ID.personal, personal_clicks)
    if not (clicks or chosen):
        return NOTHING
    lang = (view or {}).get("lang", "sv")
    t = translator(lang)
    given = {
        key["name"]: value
        for key, value in zip(ids or [], values or [])
        if value not in (None, "") and not (isinstance(value, str) and not value.strip())
    }
    checked, warning = personal_warning.choose(lang, "inventoried_sites", given, ID.personal, chosen)
    if checked is None:
        return warning, dash.no_update, None
    given = checked
    try:
        with request_store() as store:
            advance(store, site["id"], step, given, int(site["version"]))
    except VersionConflictError as exc:
        return alert(lang, t("workflow.conflict", current=exc.current), t("workflow.refused")), dash.no_update, None
    except PledgemapError as exc:
        return refused(lang, exc, t("workflow.refused"))
    # The page redraws the site (the view changed); the confirmation stays above it.
    return saved(view, t("workflow.saved", status=t(f"status.{step}")))


def register(ID=WorkflowForm, view: str = Layers.view, notice: str = Layers.notice, lang: str = Layers.lang) -> None:
    """Register this form's callbacks with the app being built, for the page whose ids are given.

    Called by the page that shows the form: Dash runs page modules again for
    each app it builds, so the callbacks reach every app (a module-level
    ``@callback`` here would reach only the first app built in a process).
    A saved step moves the page's ``view`` store on (its ``saved`` count) and
    says so in its ``notice``; the page keeps everything else of its view.
    """
    callback(Output(ID.fields, "children"), Input(ID.step, "value"), State(lang, "data"), prevent_initial_call=True)(
        lambda step, language: show_step_fields(step, language, ID)
    )
    callback(
        Output(ID.result, "children"),
        Output(view, "data", allow_duplicate=True),
        Output(notice, "children"),
        Input(ID.save, "n_clicks"),
        Input({"type": ID.personal, "choice": ALL}, "n_clicks"),
        State(ID.step, "value"),
        State(ID.site, "data"),
        State({"type": ID.field, "name": ALL}, "value"),
        State({"type": ID.field, "name": ALL}, "id"),
        State(view, "data"),
        prevent_initial_call=True,
    )(lambda *args: save_step(*args, ID=ID))
