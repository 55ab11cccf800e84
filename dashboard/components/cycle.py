"""The pledge cycle on the pages: the pledge page's way to next year's pledge, and a promise's years.

:func:`next_pledge_link` is the pledge page's link to the page that starts next year's pledge
(``/pledge/next``), for the roles that may change pledges; :func:`promise_lineage_list` shows a promise's
history across years (:func:`geodata.views.cycle.promise_lineage`): each year's pledge, the promise's
judgements per period, its recorded progress, and why the next year carried it over or did not.
"""

from __future__ import annotations

from dash import dcc, html

from dashboard.components.layout import request_viewer
from dashboard.figures.style import status_style
from dashboard.i18n import period_name, progress_figure, translator
from dashboard.ids import NextPledge
from geodata import Pledge
from geodata.access import may_change_pledges
from geodata.views.cycle import PromiseLineage

NEXT_PATH = "/pledge/next"


def next_pledge_link(lang: str, pledge: Pledge) -> html.P | None:
    """ "Starta nästa års löfte", for a role that may change pledges (None for the others)."""
    viewer = request_viewer()
    if viewer is not None and not may_change_pledges(viewer):
        return None
    suffix = f"&lang={lang}" if lang != "sv" else ""
    return html.P(
        dcc.Link(
            translator(lang)("cycle.start_link"),
            href=f"{NEXT_PATH}?pledge={pledge.id}{suffix}",
            id=NextPledge.link,
            className="pm-button-link",
        ),
        className="pm-cycle-link",
    )


def promise_lineage_list(
    lang: str, lineage: PromiseLineage, heading_level: int = 3, collapsed: bool = False
) -> html.Section | html.Details:
    """A promise's history across years, oldest first: one item per year's pledge, the asked-for one marked;
    a year's text is shown where it differs from the asked-for promise's. ``collapsed``: folded under its
    heading (a summary saying how many years), for a page that shows it beside each promise."""
    t = translator(lang)
    heading = getattr(html, f"H{heading_level}")
    here = lineage.index()
    current = lineage.steps[here].promise
    here_text = current.text if current else None
    items = []
    for i, step in enumerate(lineage.steps):
        title = step.pledge.title if step.pledge else step.pledge_id
        name: list = [html.Strong(title)]
        if i == here:
            name.append(f" ({t('cycle.lineage_here')})")
        judgements = (
            html.Ul(
                [
                    html.Li(
                        [
                            f"{period_name(j.period, t)}: ",
                            html.Span(
                                t(f"activity_status.{j.status}"), className="pm-judged", style=status_style(j.status)
                            ),
                        ]
                    )
                    for j in step.judgements
                ],
                className="pm-lineage-judgements",
                **{"aria-label": t("cycle.lineage_judgements")},
            )
            if step.judgements
            else html.P(t("cycle.lineage_none"), className="pm-hint")
        )
        items.append(
            html.Li(
                className="pm-lineage-step",
                **({"aria-current": "step"} if i == here else {}),
                children=[
                    html.P(name),
                    html.P(step.promise.text, className="pm-promise-text")
                    if step.promise and (i == here or step.promise.text != here_text)
                    else None,
                    html.P(t("cycle.lineage_missing", id=step.pledge_id), className="pm-notice")
                    if step.pledge is None
                    else None,
                    html.P(t("cycle.lineage_progress", figure=progress_figure(step.progress, t, lang)))
                    if step.progress
                    else None,
                    judgements,
                    html.P(t("cycle.lineage_carried", reason=step.reason), className="pm-lineage-reason")
                    if step.reason
                    else None,
                ],
            )
        )
    if lineage.dropped:
        later, reason = lineage.dropped
        items[-1].children.append(
            html.P(t("cycle.lineage_dropped", pledge=later, reason=reason), className="pm-lineage-reason")
        )
    body = [
        html.P(t("cycle.lineage_intro"), className="pm-hint"),
        html.P(t("cycle.lineage_cycle"), className="pm-notice") if lineage.cycle else None,
        html.Ol(items, className="pm-lineage-list"),
    ]
    if collapsed:
        summary = html.Summary(t("cycle.lineage_summary", years=lineage.years))
        return html.Details([summary, *body], className="pm-lineage")
    return html.Section([heading(t("cycle.lineage_heading")), *body], className="pm-lineage")
