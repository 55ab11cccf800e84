"""Löftet / Pledge: the pledge as a readable document, built from the model."""

from __future__ import annotations

import dash
from dash import ALL, MATCH, Input, Output, State, callback, dcc, html

from dashboard.components.cycle import next_pledge_link
from dashboard.components.followup import (
    card_parts,
    follow_up_section,
    proposal_text,
    status_label,
    subject_view,
    summary_bar,
)
from dashboard.components.goals import goal_cards
from dashboard.components.layout import PageStart, alert, page, progress_cards, start_page
from dashboard.components.pledge_choice import pledge_links
from dashboard.components.report_links import report_links
from dashboard.components.saving import refused
from dashboard.components.tables import table_head
from dashboard.components.titles import page_title
from dashboard.context import request_store
from dashboard.i18n import language, period_name, translator
from dashboard.ids import FollowUp
from dashboard.text import email_link, link
from geodata import Pledge, PledgemapError, VersionConflictError, clock, pledge_progress
from geodata.access.rules import may_change_pledges, may_judge
from geodata.analysis.followup import PledgeFollowUp, pledge_follow_up
from geodata.analysis.indicators import goal_trends
from geodata.analysis.judging import judge, set_follow_up_period
from geodata.followup import pledge_periods
from geodata.io.police_events import events_by_month
from geodata.views.cycle import pledge_lineages
from geodata.views.police import pledge_events

dash.register_page(__name__, path="/pledge", name="Löftet", title=page_title("nav.pledge"), order=1)

PROBLEM_PARTIES = ("shared", "citizens", "police", "municipality", "housing_company")


def layout(pledge: str | None = None, lang: str | None = None, period: str | None = None, **_query: str) -> html.Div:
    lang = language(lang)
    t = translator(lang)
    query = f"pledge={pledge}" if pledge else ""
    if lang != "sv":
        query = f"{query}&lang={lang}" if query else f"lang={lang}"
    start = start_page(
        lang, "/pledge", pledge, query=query, banner_of_pledge=True, read=lambda store, p: _read(store, p, period)
    )
    if not isinstance(start, PageStart):
        return start
    pledges, chosen, banner = start.pledges, start.pledge, start.banner
    progress, trends, events, follow_up, judges, public, lineages, may_change = start.more

    others = pledge_links(pledges, chosen.id, lang, t("filters.pledge"))
    facts = [
        (t("pledge.municipality"), f"{chosen.municipality.name} ({chosen.municipality.code})"),
        (
            t("pledge.police_area"),
            chosen.police_area.name + (f" ({chosen.police_area.code})" if chosen.police_area.code else ""),
        ),
        (t("pledge.period"), f"{chosen.period.start:%Y-%m-%d} – {chosen.period.end:%Y-%m-%d}"),
        (t("pledge.partners"), ", ".join(f"{p.name} ({t(f'partner_kind.{p.kind}').lower()})" for p in chosen.partners)),
    ]
    problem = [
        html.Div([html.H4(t(f"pledge.problem.{party}")), html.P(chosen.problem_picture[party])])
        for party in PROBLEM_PARTIES
        if party in chosen.problem_picture
    ]
    follow = [html.Li(link(f.label, f.url)) for f in chosen.follow_up]
    signed = []
    if chosen.signed_on or chosen.signatories:
        signed = [
            html.H3(t("pledge.signed")),
            html.P(t("pledge.signed_on", date=f"{chosen.signed_on:%Y-%m-%d}")) if chosen.signed_on else None,
            html.Ul([html.Li(f"{s.name}, {s.title}, {s.organisation}") for s in chosen.signatories]),
        ]
    contact = []
    if chosen.contact:
        c = chosen.contact
        contact = [
            html.H3(t("pledge.contact")),
            html.P(
                [
                    html.Span(", ".join(x for x in (c.name, c.title, c.organisation) if x)),
                    html.Br(),
                    email_link(c.email) if c.email else None,
                    html.Br() if c.email else None,
                    f"{t('pledge.phone')}: {c.phone}" + (f" ({c.hours})" if c.hours else "") if c.phone else None,
                ]
            ),
        ]
    document = html.Article(
        className="pm-document",
        children=[
            html.H1(chosen.title),
            html.P(chosen.focus, className="pm-focus"),
            html.Dl([x for label, value in facts for x in (html.Dt(label), html.Dd(value))], className="pm-facts"),
            report_links(chosen.id, lang, follow_up.period.code),
            html.P(chosen.summary) if chosen.summary else None,
            html.H2(t("pledge.problem_picture")),
            *problem,
            html.H2(t("pledge.promises")),
            html.Div(progress_cards(lang, chosen, progress, card_parts(lang, follow_up)), className="pm-cards"),
            html.H2(t("pledge.goals")),
            html.Div(goal_cards(trends, t), className="pm-cards pm-goal-cards"),
            follow_up_section(lang, chosen, follow_up, judges, public, lineages, may_change),
            next_pledge_link(lang, chosen),  # after the follow-up: next year's pledge starts from it
            html.H2(t("pledge.follow_up")),
            html.Ul(follow),
            *police_events_section(t, chosen, events),
            *[x for x in signed if x is not None],
            *contact,
            html.P(t("pledge.source", source=chosen.source), className="pm-source") if chosen.source else None,
            dcc.Link(t("pledge.to_map"), href=f"/?{query}" if query else "/", className="pm-button-link"),
        ],
    )
    return page(lang, "/pledge", [banner, others, document], query)


def _read(store, pledge: Pledge, period: str | None = None) -> tuple:
    """What the document shows beside the pledge itself: its promises' progress, its goals' trends, the police
    events, the follow-up with ``period`` selected where the pledge has it (with the promises and goals this
    viewer may judge, and whether it is the public)."""
    today = clock.today()
    known = {p.code for p in pledge_periods(pledge)}
    follow_up = pledge_follow_up(store, pledge, today, period if period in known else None)
    viewer = store.viewer
    judges = {
        (item.subject, item.subject_id)
        for item in (*follow_up.promises, *follow_up.goals)
        if may_judge(viewer, pledge, item.subject, item.subject_id)
    }
    # A promise's years, shown where this pledge follows another or another follows it (carried over between them).
    lineages = pledge_lineages(store, pledge, today)
    return (
        pledge_progress(store, pledge, today),
        goal_trends(store, pledge),
        pledge_events(store, pledge),
        follow_up,
        judges,
        viewer.role == "public",
        lineages,
        may_change_pledges(viewer),
    )


def _subject(follow_up: PledgeFollowUp, form: dict):
    return follow_up.subject(form["subject"], form["subject_id"])


@callback(
    Output({"type": FollowUp.result, "subject": MATCH, "id": MATCH}, "children"),
    Output({"type": FollowUp.subject, "subject": MATCH, "id": MATCH}, "children"),
    Output({"type": FollowUp.form, "subject": MATCH, "id": MATCH}, "data", allow_duplicate=True),
    Input({"type": FollowUp.save, "subject": MATCH, "id": MATCH}, "n_clicks"),
    State({"type": FollowUp.period, "subject": MATCH, "id": MATCH}, "value"),
    State({"type": FollowUp.status, "subject": MATCH, "id": MATCH}, "value"),
    State({"type": FollowUp.text, "subject": MATCH, "id": MATCH}, "value"),
    State({"type": FollowUp.form, "subject": MATCH, "id": MATCH}, "data"),
    prevent_initial_call=True,
)
def save_judgement(clicks, period, status, text, form):
    """Save the judgement with the version the form was drawn with; on a conflict or a problem say why and keep
    everything the judge wrote in the form (the form is not redrawn)."""
    if not clicks:
        return dash.no_update, dash.no_update, dash.no_update
    lang = language(form.get("lang"))
    t = translator(lang)
    expected = int((form.get("versions") or {}).get(period, 0))
    today = clock.today()
    try:
        with request_store() as store:
            saved = judge(
                store, form["pledge"], form["subject"], form["subject_id"], period, status, text or "", expected
            )
            follow_up = pledge_follow_up(store, store.get_pledge(form["pledge"]), today, period)
    except VersionConflictError as exc:
        message = t("followup.conflict", period=period_name(period, t), current=exc.current)
        return alert(lang, message, t("followup.refused")), dash.no_update, dash.no_update
    except PledgemapError as exc:
        return refused(lang, exc, t("followup.refused"))[0], dash.no_update, dash.no_update
    notice = t(
        "followup.unchanged" if expected and saved.version == expected else "followup.saved",
        period=period_name(saved.period, t),
        status=status_label(t, saved.subject, saved.status),
        version=saved.version,
    )
    versions = {**(form.get("versions") or {}), saved.period: saved.version}
    view = subject_view(t, lang, _subject(follow_up, form), today, saved.period)
    return html.P(notice, className="pm-notice"), view, {**form, "versions": versions}


@callback(
    Output({"type": FollowUp.hint, "subject": MATCH, "id": MATCH}, "children"),
    Output({"type": FollowUp.status, "subject": MATCH, "id": MATCH}, "value"),
    Output({"type": FollowUp.text, "subject": MATCH, "id": MATCH}, "value"),
    Output({"type": FollowUp.form, "subject": MATCH, "id": MATCH}, "data"),
    Input({"type": FollowUp.period, "subject": MATCH, "id": MATCH}, "value"),
    State({"type": FollowUp.text, "subject": MATCH, "id": MATCH}, "value"),
    State({"type": FollowUp.form, "subject": MATCH, "id": MATCH}, "data"),
    prevent_initial_call=True,
)
def choose_period(period, text, form):
    """Another period in the form: what the figures propose for it, its status (its judgement's, else the
    proposal) and, where it was judged, its text, remembering the version the form now shows."""
    lang = language(form.get("lang"))
    t = translator(lang)
    try:
        with request_store() as store:
            pledge = store.get_pledge(form["pledge"])
            item = _subject(pledge_follow_up(store, pledge, clock.today(), period), form)
    except (PledgemapError, ValueError, KeyError) as exc:
        return alert(lang, str(exc)), dash.no_update, dash.no_update, dash.no_update
    judged = item.state(period).judgement
    versions = {**(form.get("versions") or {}), period: judged.version if judged else 0}
    return (
        proposal_text(t, lang, pledge, item),
        judged.status if judged else item.proposal.status,
        judged.text if judged and judged.text else text,
        {**form, "versions": versions},
    )


@callback(
    Output(FollowUp.cadence_result, "children"),
    Input(FollowUp.cadence_save, "n_clicks"),
    State(FollowUp.cadence, "value"),
    State(FollowUp.shown, "data"),
    prevent_initial_call=True,
)
def save_cadence(clicks, cadence, shown):
    """Follow the pledge up by another cadence; the periods change, so the notice links to the page drawn anew."""
    if not clicks:
        return dash.no_update
    lang = language(shown.get("lang"))
    t = translator(lang)
    try:
        with request_store() as store:
            pledge = set_follow_up_period(store, shown["pledge"], cadence)
    except PledgemapError as exc:
        return refused(lang, exc, t("followup.cadence_refused"))[0]
    again = f"/pledge?pledge={pledge.id}" + (f"&lang={lang}" if lang != "sv" else "")
    notice = t("followup.cadence_saved", cadence=t(f"follow_up_period.{pledge.cadence}").lower())
    return html.P(
        [notice, " ", dcc.Link(t("followup.cadence_reload"), href=again, refresh=True)], className="pm-notice"
    )


def police_events_section(t, pledge: Pledge, events) -> list:
    """The police's published events in the municipality during the period, per month: context, not evidence."""
    if events is None:
        return []
    if events.empty:
        return [
            html.H2(t("events.heading", municipality=pledge.municipality.name)),
            html.P(t("events.none", municipality=pledge.municipality.name), className="pm-source"),
        ]
    months = events_by_month(events)
    return [
        html.H2(t("events.heading", municipality=pledge.municipality.name)),
        html.P(t("events.note"), className="pm-source"),
        html.Table(
            className="pm-records",
            children=[
                table_head(t("events.month"), t("events.count"), t("events.types")),
                html.Tbody(
                    [
                        html.Tr(
                            [
                                html.Td(m.month),
                                html.Td(str(m.total)),
                                html.Td(", ".join(f"{kind} ({n})" for kind, n in m.top_types)),
                            ]
                        )
                        for m in months
                    ]
                ),
            ],
        ),
    ]


@callback(
    Output(FollowUp.summary, "children"),
    Input({"type": FollowUp.form, "subject": ALL, "id": ALL}, "data"),
    State(FollowUp.shown, "data"),
    prevent_initial_call=True,
)
def redraw_summary(_forms, shown):
    """A judgement saved (a form's versions moved on): the summary bar of the period shown, counted again."""
    lang = language(shown.get("lang"))
    try:
        with request_store() as store:
            pledge = store.get_pledge(shown["pledge"])
            follow_up = pledge_follow_up(store, pledge, clock.today(), shown["period"])
    except PledgemapError:
        return dash.no_update
    return summary_bar(translator(lang), lang, follow_up)
