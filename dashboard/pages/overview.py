"""Översikt / Overview: the pledges in the store, their promises' progress and the layer counts."""

from __future__ import annotations

import datetime as dt

import dash
from dash import html

from geodata.errors import PledgemapError
from geodata.layers import LAYERS
from geodata.model import Pledge
from geodata.progress import PromiseProgress, pledge_progress

from ..components import alert, demo_banner, header
from ..data import request_store
from ..i18n import language, translator

dash.register_page(__name__, path="/", name="Översikt", title="Pledgemap – Översikt")


def layout(lang: str | None = None, **_query: str) -> html.Div:
    lang = language(lang)
    t = translator(lang)
    body: list = []
    try:
        with request_store() as store:
            pledges = store.list_pledges()
            has_demo = any(store.counts(demo_only=True).values())
            today = dt.date.today()
            cards = [pledge_card(lang, p, pledge_progress(store, p, today), store.counts(p.id),
                                 store.counts(p.id, demo_only=True)) for p in pledges]
        if has_demo:
            body.append(demo_banner(lang))
        body.append(html.H2(t("overview.heading")))
        body.extend(cards or [html.P(t("overview.none"))])
    except PledgemapError as exc:
        body.append(alert(lang, str(exc)))
    return html.Div([header(lang), html.Main(body, id="main", lang=lang)], className="pm-page")


def pledge_card(lang: str, pledge: Pledge, progress: list[PromiseProgress], counts: dict[str, int],
                demo_counts: dict[str, int]) -> html.Article:
    t = translator(lang)
    period = f"{pledge.period.start:%Y-%m-%d} – {pledge.period.end:%Y-%m-%d}"
    return html.Article(
        className="pm-card",
        id=f"pledge-{pledge.id}",
        children=[
            html.H3(pledge.title),
            html.Dl([
                html.Dt(t("pledge.municipality")), html.Dd(f"{pledge.municipality.name} ({pledge.municipality.code})"),
                html.Dt(t("pledge.police_area")), html.Dd(pledge.police_area.name),
                html.Dt(t("pledge.period")), html.Dd(period),
                html.Dt(t("pledge.focus")), html.Dd(pledge.focus),
            ], className="pm-facts"),
            html.H4(t("pledge.promises")),
            html.Ul([promise_item(lang, pledge, p) for p in progress], className="pm-promises"),
            html.H4(t("pledge.layers")),
            layer_table(lang, counts, demo_counts),
        ],
    )


def promise_item(lang: str, pledge: Pledge, progress: PromiseProgress) -> html.Li:
    t = translator(lang)
    parties = ", ".join(pledge.partner(x).short_name or pledge.partner(x).name for x in progress.promise.parties)
    figure = (t("progress.of", delivered=progress.delivered, target=progress.target) if progress.target
              else t("progress.count", delivered=progress.delivered))
    return html.Li([
        html.P(progress.promise.text, className="pm-promise-text"),
        html.P([
            html.Span(f"{t('pledge.responsible')}: {parties}", className="pm-parties"),
            html.Span(figure, className="pm-progress-figure"),
            html.Span(t(f"progress.status.{progress.status}"), className=f"pm-status pm-status-{progress.status}"),
        ], className="pm-promise-meta"),
    ])


def layer_table(lang: str, counts: dict[str, int], demo_counts: dict[str, int]) -> html.Table:
    t = translator(lang)
    return html.Table(className="pm-layer-counts", children=[
        html.Thead(html.Tr([html.Th(t("layer.name"), scope="col"), html.Th(t("layer.count"), scope="col"),
                            html.Th(t("layer.demo_count"), scope="col")])),
        html.Tbody([
            html.Tr([html.Th(t(f"layer.{name}"), scope="row"), html.Td(str(counts[name])),
                     html.Td(str(demo_counts[name]))], **{"data-layer": name})
            for name in LAYERS
        ]),
    ])
