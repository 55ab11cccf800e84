"""Nästa års löfte / Next year's pledge: start the pledge that follows this one, each promise carried over or not.

The page lists the pledge's promises, each with its latest judgement, a choice (carried over or not) and the
reason, which is required. "Skapa utkast" drafts the next pledge in the domain
(:func:`geodata.io.pledge_cycle.next_pledge`) and opens it in the import page's review form
(:mod:`dashboard.components.draft_form`), whose callbacks answer here too: the form is drawn inside the same
ids, so the review, the download and the save (through the guarded store, which refuses the roles that may
not change pledges) are the import page's own. Only roles that may change pledges use the page.
"""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboard.components import draft_form
from dashboard.components.cycle import promise_lineage_list
from dashboard.components.cycle_words import decision_problem_lines
from dashboard.components.layout import PageStart, alert, page, radio_group, request_viewer, start_page
from dashboard.components.titles import page_title
from dashboard.context import request_store
from dashboard.figures.style import status_style
from dashboard.i18n import language, period_name, translator
from dashboard.ids import DraftForm, Importer
from dashboard.ids import NextPledge as ID
from geodata import Pledge, PledgemapError, ValidationError, clock
from geodata.access import may_change_pledges
from geodata.analysis.followup import pledge_follow_up
from geodata.analysis.situation_document import draft_promises_from_situation, situation_for_next
from geodata.io.pledge_cycle import Decision, next_period, next_pledge, review_document
from geodata.views.cycle import PromiseLineage, promise_lineage

PATH = "/pledge/next"
CARRY, DROP = "carry", "drop"
DECISION = {"type": ID.decision, "promise": ALL}
REASON = {"type": ID.reason, "promise": ALL}

dash.register_page(__name__, path=PATH, name="Nästa års löfte", title=page_title("cycle.title"), order=7)


def _page_query(pledge: str | None, lang: str) -> str:
    parts = [f"pledge={pledge}"] if pledge else []
    return "&".join([*parts, *([f"lang={lang}"] if lang != "sv" else [])])


def _refused(lang: str, query: str) -> html.Div:
    t = translator(lang)
    viewer = request_viewer()
    role = t(f"role.{viewer.role if viewer else 'public'}")
    return page(lang, PATH, [html.H1(t("cycle.heading")), html.P(t("cycle.not_for_role", role=role))], query)


def layout(pledge: str | None = None, lang: str | None = None, **_query: str) -> html.Div:
    lang = language(lang)
    t = translator(lang)
    query = _page_query(pledge, lang)
    viewer = request_viewer()
    if viewer is not None and not may_change_pledges(viewer):  # before anything is read
        return _refused(lang, query)
    start = start_page(lang, PATH, pledge, query=query, banner_of_pledge=True, read=_read)
    if not isinstance(start, PageStart):
        return start
    chosen, (follow_up, lineages, followers, situation) = start.pledge, start.more
    period = next_period(chosen.period)
    back = f"/pledge?{_page_query(chosen.id, lang)}"
    promises = [
        _promise(t, lang, chosen, i, follow_up.promises[i].latest, lineages[i]) for i in range(len(chosen.promises))
    ]
    return page(
        lang,
        PATH,
        [
            start.banner,
            dcc.Store(id=ID.pledge, data=chosen.id),
            dcc.Store(id=Importer.lang, data=lang),
            html.H1(t("cycle.heading")),
            html.P(
                t(
                    "cycle.intro",
                    title=chosen.title,
                    start=f"{period.start:%Y-%m-%d}",
                    end=f"{period.end:%Y-%m-%d}",
                )
            ),
            html.P(dcc.Link(chosen.title, href=back)),
            _followers(t, lang, followers),
            html.Section(
                className="pm-panel",
                children=[
                    html.H2(t("cycle.promises")),
                    html.Ol(promises, className="pm-cycle-list"),
                    html.Label(
                        [
                            html.Span(t("cycle.year"), className="pm-label"),
                            dcc.Input(
                                id=ID.year,
                                type="number",
                                value=period.start.year,
                                min=chosen.period.start.year + 1,
                                step=1,
                                className="pm-search pm-cycle-year",
                            ),
                            html.Span(t("cycle.year_hint"), className="pm-hint pm-draft-hint"),
                        ],
                        className="pm-draft-field",
                    ),
                    _situation_choice(t, situation),
                    html.Div(id=ID.problems),
                    html.Button(t("cycle.create"), id=ID.create, className="pm-button pm-primary", n_clicks=0),
                ],
            ),
            # The review form of the import page, drawn here once the draft is made (its callbacks use these ids).
            html.Section(
                className="pm-panel",
                children=[
                    dcc.Store(id=DraftForm.doc),
                    dcc.Store(id=DraftForm.cursor),
                    dcc.Store(id=DraftForm.focus),
                    dcc.Download(id=Importer.draft_download),
                    html.P(id=DraftForm.notice, role="status", className="pm-draft-notice"),
                    html.Div(id=Importer.draft),
                ],
            ),
        ],
        query,
    )


def _read(store, pledge: Pledge):
    """The pledge's follow-up (each promise's latest judgement), each promise's earlier years, the pledges that
    already follow it, and the lägesbild next year's pledge is planned from (None where none is saved)."""
    today = clock.today()
    everything = store.list_pledges()
    lineages = [promise_lineage(store, pledge, p.id, today, everything) for p in pledge.promises]
    followers = [p for p in everything if p.follows == pledge.id]
    situation = situation_for_next(store, pledge, next_period(pledge.period).start.year)
    return pledge_follow_up(store, pledge, today), lineages, followers, situation


def _followers(t, lang: str, followers: list[Pledge]) -> html.P | None:
    """Say that next year's pledge is already stored, so a second draft is made knowingly."""
    if not followers:
        return None
    links: list = []
    for p in followers:
        href = f"/pledge?{_page_query(p.id, lang)}"
        links += [", " if links else "", dcc.Link(p.title, href=href)]
    return html.P([t("cycle.already_followed"), " ", *links, "."], className="pm-notice")


def _situation_choice(t, situation) -> html.Div | None:
    """Take the lägesbild's action plan into the draft as new promises (checked), listing what it would add."""
    if situation is None or not (situation.measures or situation.problems):
        return None
    added = draft_promises_from_situation(situation, "x")
    return html.Div(
        [
            dcc.Checklist(
                id={"type": ID.situation, "all": "plan"},  # a pattern: a State of it is empty where none is drawn
                options=[{"label": t("cycle.situation", year=situation.year, count=len(added)), "value": "yes"}],
                value=["yes"],
                className="pm-checks",
            ),
            html.Ul([html.Li(p["text"]) for p in added], className="pm-cycle-situation"),
        ],
        className="pm-draft-field",
    )


def _promise(t, lang: str, pledge: Pledge, i: int, latest, lineage: PromiseLineage) -> html.Li:
    promise = pledge.promises[i]
    n = i + 1
    parties = ", ".join(pledge.partner(x).short_name or pledge.partner(x).name for x in promise.parties)
    judged = (
        t("cycle.latest_value", status=t(f"activity_status.{latest.status}"), period=period_name(latest.period, t))
        if latest
        else t("cycle.not_judged")
    )
    status = latest.status if latest else "not_judged"
    reason_id = {"type": ID.reason, "promise": promise.id}
    return html.Li(
        className="pm-cycle-promise",
        id=f"np-promise-{promise.id}",
        children=[
            html.H3(f"{t('draft.promise_n', n=n)}: {t(f'promise_kind.{promise.kind}')}"),
            html.P(promise.text, className="pm-promise-text"),
            html.P(f"{t('pledge.responsible')}: {parties}", className="pm-parties"),
            html.P(
                [f"{t('cycle.latest')}: ", html.Span(judged, className="pm-judged", style=status_style(status))],
                className="pm-cycle-latest",
            ),
            # A promise carried over from earlier years: how it went then, before deciding again.
            promise_lineage_list(lang, lineage, collapsed=True) if lineage.years > 1 else None,
            radio_group(
                {"type": ID.decision, "promise": promise.id},
                t("cycle.decision", n=n),
                [{"label": t("cycle.carry"), "value": CARRY}, {"label": t("cycle.drop"), "value": DROP}],
                None,
                inline=True,
                boxed=False,
            ),
            html.Label(
                [
                    html.Span(t("cycle.reason", n=n), className="pm-label"),
                    dcc.Textarea(id=reason_id, value="", rows=2, className="pm-textarea", required=True),
                    html.Span(t("cycle.reason_hint"), className="pm-hint pm-draft-hint"),
                ],
                className="pm-draft-field",
            ),
        ],
    )


@callback(
    Output(ID.problems, "children"),
    Output(DraftForm.doc, "data", allow_duplicate=True),
    Output(Importer.draft, "children", allow_duplicate=True),
    Output(DraftForm.notice, "children", allow_duplicate=True),
    Input(ID.create, "n_clicks"),
    State(DECISION, "value"),
    State(DECISION, "id"),
    State(REASON, "value"),
    State(REASON, "id"),
    State(ID.year, "value"),
    State(ID.pledge, "data"),
    State(Importer.lang, "data"),
    State({"type": ID.situation, "all": ALL}, "value"),
    prevent_initial_call=True,
)
def create_draft(clicks, choices, choice_ids, reasons, reason_ids, year, pledge_id, lang, situation_box):
    """The draft of next year's pledge from the decisions, opened in the review form; or what to fix."""
    nothing = dash.no_update
    if not clicks or not ctx.triggered:
        return nothing, nothing, nothing, nothing
    t = translator(lang)
    viewer = request_viewer()
    if viewer is not None and not may_change_pledges(viewer):
        return alert(lang, t("access.refused")), None, None, None
    written = {i["promise"]: (r or "") for i, r in zip(reason_ids, reasons)}
    decisions = {
        i["promise"]: Decision(choice == CARRY, written.get(i["promise"], ""))
        for i, choice in zip(choice_ids, choices)
        if choice in (CARRY, DROP)
    }
    pledge = None
    try:
        with request_store() as store:
            pledge = store.get_pledge(pledge_id)
            doc = next_pledge(pledge, decisions, year=_year(year))
            plan = situation_for_next(store, pledge, int(doc["period"]["start"][:4])) if _took(situation_box) else None
        if plan is not None:  # the lägesbild's action plan as new promises, with the new pledge's ids
            extra = draft_promises_from_situation(plan, doc["id"], pledge.partners)
            doc = next_pledge(pledge, decisions, year=_year(year), extra_promises=extra)
    except ValidationError as exc:
        if pledge is None:  # the stored pledge itself did not read
            return alert(lang, exc), None, None, None
        lines = decision_problem_lines(lang, pledge, exc.problems)
        problems = html.Div(
            className="pm-alert",
            role="alert",
            children=[html.Strong(t("cycle.invalid", count=len(lines))), html.Ul([html.Li(x) for x in lines])],
        )
        return problems, None, None, None
    except PledgemapError as exc:
        return alert(lang, exc), None, None, None
    draft = review_document(doc)
    carried = sum(1 for c in doc["carried"] if c["to"])
    notice = t("cycle.created", id=doc["id"], carried=carried, dropped=len(doc["carried"]) - carried)
    return None, draft, draft_form.draft_form(draft, lang), notice


def _took(box) -> bool:
    """Whether the lägesbild's check box (drawn only where a lägesbild is saved) is ticked."""
    return bool(box) and bool(box[0])


def _year(value) -> int | None:
    """The year typed, or None (the default) where nothing or no whole number was typed."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
