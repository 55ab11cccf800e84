"""The side panel (``templates/panel.html``): the pledge, its promises and their progress, its goals and indicators.

The words are chosen here; the template places them, escaping every one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from markupsafe import Markup

from dashboard.components.goals import JUDGED, goal_summary, indicator_value, uncertainty_words
from dashboard.components.statement import statement, to_html
from dashboard.i18n import progress_figure
from dashboard.standalone.markup import render
from dashboard.standalone.words import Words
from geodata import Goal, LayerQuery, Pledge, PromiseProgress
from geodata.analysis.indicators import GoalTrend
from geodata.surveys import ALL


class _Bar(NamedTuple):
    label: str
    filled: str  # per cent delivered of the target
    elapsed: str  # per cent of the pledge's period gone


class _Promise(NamedTuple):
    kind: str
    text: str
    figure: str
    status: str
    status_label: str
    bar: _Bar | None


class _Goal(NamedTuple):
    text: str
    summary: str | None
    areas: list[str]


def panel(
    pledge: Pledge,
    progress: list[PromiseProgress],
    words: Words,
    today: dt.date,
    query: LayerQuery,
    demo: bool,
    trends: Iterable[GoalTrend] = (),
    note: str | None = None,
    contact: str | None = None,
    presentation: bool = False,
) -> Markup:
    """The panel's HTML; ``note`` opens its footer (the map's records drawn as counts, say).

    The footer ends with the accessibility statement (folded), naming ``contact`` for feedback.
    ``presentation`` lists each promise's progress first and their texts after (see the template).
    """
    t = words.t
    by_goal = {trend.goal.id: trend for trend in trends}
    footer = [note] if note else []
    if query.start or query.end:
        start = words.date(query.start) if query.start else words.date(pledge.period.start)
        end = words.date(query.end) if query.end else words.date(pledge.period.end)
        footer.append(t("panel.map_shows", start=start, end=end))
    if pledge.source:
        footer.append(t("pledge.source", source=pledge.source))
    footer.append(t("panel.made_with"))
    return render(
        "panel.html",
        t=t,
        # A room reads the short note (28 px beside the map); the file's reader the whole of it.
        demo=(t("demo.short") if presentation else t("demo.records") + (" " + t("demo.pledge") if pledge.demo else ""))
        if demo
        else None,
        title=pledge.title,
        facts=[
            (t("pledge.period"), f"{words.date(pledge.period.start)} – {words.date(pledge.period.end)}"),
            (t("pledge.municipality"), pledge.municipality.name),
            (t("panel.police_area"), pledge.police_area.name),
            (t("pledge.focus"), pledge.focus),
        ],
        as_of=t("panel.as_of", date=words.date(today)),
        promises=[_promise(p, words) for p in progress],
        goals=[_goal(goal, by_goal.get(goal.id), words) for goal in pledge.goals],
        footer=footer,
        presentation=presentation,
        # Written by the dashboard's own components, every text escaped by to_html.
        statement=Markup(to_html(statement(words.lang, contact, heading_level=2))),
    )


def _promise(p: PromiseProgress, words: Words) -> _Promise:
    t = words.t
    bar = None
    figure = progress_figure(p, t, words.lang)
    if p.target:
        bar = _Bar(
            label=t("progress.bar_label", delivered=p.delivered, target=p.target, elapsed=round(100 * p.elapsed_share)),
            filled=f"{100 * min(1.0, p.delivered / p.target):.0f}",
            elapsed=f"{100 * p.elapsed_share:.0f}",
        )
    return _Promise(
        kind=t(f"promise_kind.{p.promise.kind}"),
        text=p.promise.text,
        figure=figure,
        status=p.status,
        status_label=t(f"progress.status.{p.status}"),
        bar=bar,
    )


def _change_words(row, t) -> str:
    """The verdict and whether the change is larger than the uncertainty: "bättre (minskningen är större …)"."""
    words = uncertainty_words(row, t)
    if row.verdict not in JUDGED:  # within the uncertainty, unknown, or across a break: the words say it all
        return words
    return f"{t(f'goals.verdict_{row.verdict}')} ({words})"


def _goal(goal: Goal, trend: GoalTrend | None, words: Words) -> _Goal:
    """The goal and its survey indicator, baseline against latest per area: the same numbers as the pledge page."""
    if trend is None or trend.verdict in ("no_indicator", "no_data"):
        return _Goal(goal.text, None, [])
    t = words.t
    summary = goal_summary(trend, t)
    kind = trend.indicator.kind
    # Everyone's row per area, as the pledge page's trend chart; the change's words as the card's table says them.
    areas = [
        f"{row.area_name}: {indicator_value(row.baseline, kind, words.lang)}"
        f" → {indicator_value(row.latest, kind, words.lang)}"
        f" ({row.latest_year}), {_change_words(row, t)}"
        for row in trend.changes.itertuples()
        if row.group == ALL
    ]
    return _Goal(goal.text, summary, areas)
