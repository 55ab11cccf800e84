"""Löftet / Pledge: the pledge as a readable document, built from the model."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.components.goals import goal_cards
from dashboard.components.layout import PageStart, page, progress_cards, start_page
from dashboard.components.report_links import report_links
from dashboard.components.tables import table_head
from dashboard.components.titles import page_title
from dashboard.i18n import language, translator
from geodata import Pledge, clock, pledge_progress
from geodata.analysis.indicators import goal_trends
from geodata.io.police_events import events_by_month
from geodata.views.police import pledge_events

dash.register_page(__name__, path="/pledge", name="Löftet", title=page_title("nav.pledge"), order=1)

PROBLEM_PARTIES = ("shared", "citizens", "police", "municipality", "housing_company")


def layout(pledge: str | None = None, lang: str | None = None, **_query: str) -> html.Div:
    lang = language(lang)
    t = translator(lang)
    query = f"pledge={pledge}" if pledge else ""
    if lang != "sv":
        query = f"{query}&lang={lang}" if query else f"lang={lang}"
    start = start_page(lang, "/pledge", pledge, query=query, banner_of_pledge=True, read=_read)
    if not isinstance(start, PageStart):
        return start
    pledges, chosen, banner = start.pledges, start.pledge, start.banner
    progress, trends, events = start.more

    others = html.Nav(
        className="pm-pledge-switch",
        **{"aria-label": t("filters.pledge")},
        children=[
            html.Ul(
                [
                    html.Li(
                        html.A(
                            p.title,
                            href=f"/pledge?pledge={p.id}" + (f"&lang={lang}" if lang != "sv" else ""),
                            **({"aria-current": "page"} if p.id == chosen.id else {}),
                        )
                    )
                    for p in pledges
                ]
            )
        ],
    )
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
    follow = [html.Li(html.A(f.label, href=f.url) if f.url else f.label) for f in chosen.follow_up]
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
                    html.A(c.email, href=f"mailto:{c.email}") if c.email else None,
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
            report_links(chosen.id, lang),
            html.P(chosen.summary) if chosen.summary else None,
            html.H2(t("pledge.problem_picture")),
            *problem,
            html.H2(t("pledge.promises")),
            html.Div(progress_cards(lang, chosen, progress), className="pm-cards"),
            html.H2(t("pledge.goals")),
            html.Div(goal_cards(trends, t), className="pm-cards"),
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


def _read(store, pledge: Pledge) -> tuple:
    """What the document shows beside the pledge itself: its promises' progress, its goals' trends, the police events."""
    return pledge_progress(store, pledge, clock.today()), goal_trends(store, pledge), pledge_events(store, pledge)


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
