"""Goal cards: each pledge goal with its survey indicator's trend against the baseline year (pledge and analysis pages).

A card says what the indicator measures and how it is read, draws the trend per area with its 95 % interval
(never across a series break), says in words per area and group whether the change since the baseline is larger
than the uncertainty, sets the groups of respondents side by side, and, for a goal that names unsafe-place
categories, shows the reports of them per year beside the survey. Every chart has its table.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from dash import dcc, html

from dashboard.components.chart_table import table_alternative
from dashboard.figures.analysis import (
    _decimals,
    goal_chart,
    goal_group_areas,
    goal_groups_chart,
    goal_reports_chart,
    indicator_interval,
    indicator_value,
    latest_per_group,
    survey_change,
    survey_value,
)
from dashboard.figures.style import graph_config
from dashboard.i18n import language, number, signed
from geodata.analysis.indicators import GoalTrend
from geodata.surveys import ALL, group_label

__all__ = [
    "goal_cards",
    "goal_summary",
    "goal_table",
    "indicator_value",
    "survey_change",
    "survey_value",
    "uncertainty_words",
]

JUDGED = ("better", "worse", "unchanged", "up", "down")


def _lang(t: Callable[..., str]) -> str:
    return language(t("app.lang_code"))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def goal_table(trend: GoalTrend, t: Callable[..., str]) -> html.Details:
    """The goal chart's values: a row per area, a column per year, each value with its interval where known."""
    lang = _lang(t)
    kind = trend.indicator.kind
    series = trend.series[trend.series["group"] == ALL]
    years = sorted(int(y) for y in series["year"].unique())
    rows = []
    for area, part in series.groupby("area_id", sort=True):
        name = part["area_name"].dropna().iloc[0] if part["area_name"].notna().any() else area
        by_year = {int(r.year): r for r in part.itertuples(index=False)}
        cells = []
        for y in years:
            row = by_year.get(y)
            if row is None or pd.isna(row.value):
                cells.append("–")
                continue
            interval = indicator_interval(row.value, row.low, row.high, kind, lang)
            value = indicator_value(float(row.value), kind, lang)
            cells.append(f"{value} ({interval})" if interval else value)
        rows.append((str(name), *cells))
    notes = [t("goals.table_interval_note")]
    notes += [_break_sentence(int(r.year), _text(r.break_reason), t) for r in trend.breaks.itertuples(index=False)]
    return table_alternative(
        t,
        t("goals.table_caption", indicator=trend.goal.indicator),
        [t("goals.area"), *(str(y) for y in years)],
        rows,
        note=" ".join(notes),
    )


def _break_sentence(year: int, reason: str | None, t: Callable[..., str]) -> str:
    return t("goals.break_note", year=year, reason=reason or t("goals.break_no_reason"))


def goal_summary(trend: GoalTrend, t) -> str:
    """A goal's indicator in one sentence: baseline year against the latest, the verdict, and which way is better.

    The same words on the pledge and analysis pages and in the standalone map's panel.
    """
    better = t(f"goals.better_{trend.better}") if trend.better else t("goals.better_none")
    return t(
        "goals.summary",
        indicator=trend.goal.indicator,
        baseline=trend.baseline_year,
        latest=trend.latest_year,
        verdict=t(f"goals.verdict_{trend.verdict}"),
        better=better,
    )


def uncertainty_words(row, t: Callable[..., str]) -> str:
    """Whether a change row's change since the baseline is larger than the uncertainty, in words.

    "minskningen är större än osäkerheten", "skillnaden ryms inom osäkerheten", that the uncertainty is unknown,
    or that the series breaks between the two years so they cannot be compared.
    """
    if row.verdict == "not_comparable":
        return t(
            "goals.sure_break", year=int(row.break_year), reason=_text(row.break_reason) or t("goals.break_no_reason")
        )
    if row.uncertainty == "within":
        return t("goals.sure_within")
    if row.uncertainty == "beyond":
        return t("goals.sure_beyond_up") if row.change > 0 else t("goals.sure_beyond_down")
    return t("goals.sure_unknown")


def _judgement(row, t: Callable[..., str]) -> str:
    words = uncertainty_words(row, t)
    if row.verdict in JUDGED:
        words = t("goals.judged", verdict=t(f"goals.verdict_{row.verdict}"), words=words)
    return words[:1].upper() + words[1:]


def _row_name(row, lang: str) -> str:
    if row.group == ALL:
        return str(row.area_name)
    return f"{row.area_name}, {group_label(row.group, lang).lower() if lang == 'sv' else group_label(row.group, lang)}"


def change_text(change: float, baseline: float, latest: float, lang: str) -> str:
    """A change written as finely as the two values it is between: 22,6 → 14,6 is "−8,0", 2,14 → 1,76 "−0,38"."""
    digits = max(_decimals(baseline), _decimals(latest))
    return signed(change, lang, digits)


def change_table(trend: GoalTrend, t: Callable[..., str]) -> html.Div:
    """Baseline against latest per area and group: both values with their intervals, the change and its words."""
    lang = _lang(t)
    kind = trend.indicator.kind

    def cell(value: float, low, high, year: int | None) -> list:
        # The value and its year on one line, its interval under it.
        interval = indicator_interval(value, low, high, kind, lang)
        shown = [f"{indicator_value(value, kind, lang)} ({year})"]
        return [*shown, html.Br(), html.Span(interval, className="pm-interval")] if interval else shown

    change_head = t("goals.change_points") if kind == "share" else t("goals.change")
    head = [t("goals.area"), t("goals.baseline"), t("goals.latest"), change_head, t("goals.verdict")]
    body = [
        html.Tr(
            [
                html.Th(_row_name(row, lang), scope="row"),
                # data-label: a phone shows each row as a block, every value after its column's name.
                html.Td(
                    cell(row.baseline, row.baseline_low, row.baseline_high, trend.baseline_year),
                    **{"data-label": head[1]},
                ),
                html.Td(cell(row.latest, row.latest_low, row.latest_high, row.latest_year), **{"data-label": head[2]}),
                html.Td(change_text(row.change, row.baseline, row.latest, lang), **{"data-label": head[3]}),
                html.Td(_judgement(row, t), **{"data-label": head[4]}),
            ]
        )  # fmt: skip
        for row in trend.changes.itertuples()
    ]
    caption = t("goals.changes_caption", indicator=trend.goal.indicator)
    table = html.Table(
        className="pm-records pm-goal-changes",
        children=[
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(h, scope="col") for h in head])),
            html.Tbody(body),
        ],
    )
    # A wide table scrolls inside its box on a phone, from the keyboard too, not the page.
    return html.Div(table, className="pm-scroll-x", tabIndex="0", role="region", **{"aria-label": caption})


def _description(trend: GoalTrend, t: Callable[..., str]) -> html.Dl:
    """What the indicator is: what it measures, its kind and scale, which way is better, its source."""
    indicator, lang = trend.indicator, _lang(t)
    if not indicator.described:
        kind = t("goals.kind_unknown")
    elif indicator.kind == "index" and indicator.scale is not None:
        low, high = indicator.scale
        kind = t("goals.kind_index", low=number(low, lang), high=number(high, lang))
    elif indicator.kind == "mean" and indicator.scale is not None:
        low, high = indicator.scale
        kind = t("goals.kind_mean_scale", low=number(low, lang), high=number(high, lang))
    else:
        kind = t(f"goals.kind_{indicator.kind}")
    facts = [
        (t("goals.indicator"), trend.goal.indicator),
        (t("goals.measures"), indicator.measures or t("goals.measures_unknown")),
        (t("goals.kind"), kind),
        (t("goals.better"), t(f"goals.better_{trend.better}") if trend.better else t("goals.better_none")),
        (t("goals.source"), indicator.source or t("goals.source_unknown")),
    ]
    return html.Dl([x for label, value in facts for x in (html.Dt(label), html.Dd(value))], className="pm-facts")


def _graph(figure: dict, t: Callable[..., str]) -> dcc.Graph:
    return dcc.Graph(figure=figure, config=graph_config(t("app.lang_code")))


def _groups(trend: GoalTrend, t: Callable[..., str]) -> list:
    """The groups side by side: per area with groups, its latest year per group with the intervals, and a table."""
    lang, kind = _lang(t), trend.indicator.kind
    parts: list = []
    for area in goal_group_areas(trend):
        figure = goal_groups_chart(trend, area, t)
        rows = trend.series[trend.series["area_id"] == area]
        name = str(rows["area_name"].iloc[0])
        year = int(rows[rows["group"] != ALL]["year"].max())
        title = t("goals.groups_heading", area=name, year=year)
        table_rows = [
            (
                group_label(r.group, lang),
                indicator_value(float(r.value), kind, lang),
                indicator_interval(r.value, r.low, r.high, kind, lang) or "–",
                number(int(r.n), lang) if r.n is not None and not pd.isna(r.n) else "–",
            )
            for r in latest_per_group(trend, area).itertuples(index=False)  # the chart's rows, in its order
        ]
        parts += [
            html.H4(title),
            _graph(figure, t),
            table_alternative(
                t,
                title,
                [t("goals.group"), t("goals.value"), t("goals.interval"), t("goals.answers")],
                table_rows,
            ),
        ]
    return parts


def _reports(trend: GoalTrend, t: Callable[..., str]) -> list:
    """The reports of the goal's unsafe-place categories per year beside the survey, with a table."""
    reports = trend.reports
    if reports is None:
        return []
    lang = _lang(t)
    # A category's label may hold a comma ("Skymd sikt, vegetation"): a list in the words, semicolons in the caption.
    labels = [t(f"category.{c}") for c in reports.categories]
    names = "; ".join(labels)
    title = t("goals.reports_heading")
    parts: list = [
        html.H4(title),
        html.P(t("goals.reports_words", count=len(labels))),
        html.Ul([html.Li(label) for label in labels], className="pm-goal-categories"),
    ]
    if reports.public:
        parts.append(html.P(t("goals.reports_public", min=reports.min_count), className="pm-hint"))
    if not reports.counts:
        parts.append(html.P(t("goals.reports_none"), className="pm-hint"))
        return parts
    few = t("goals.reports_few", min=reports.min_count)
    rows = [(str(y), few if n is None else number(n, lang)) for y, n in sorted(reports.counts.items())]
    parts += [
        _graph(goal_reports_chart(trend, t), t),
        table_alternative(
            t, t("goals.reports_caption", categories=names), [t("goals.year"), t("analysis.reports")], rows
        ),
    ]
    return parts


def goal_cards(trends, t) -> list:
    cards = []
    for trend in trends:
        parts: list = [html.H3(trend.goal.text, className="pm-promise-text")]
        if trend.verdict == "no_indicator":
            parts.append(html.P(t("goals.no_indicator"), className="pm-hint"))
        elif trend.verdict == "no_data":
            parts.append(html.P(t("goals.no_data", indicator=trend.goal.indicator), className="pm-hint"))
        else:
            parts.append(_description(trend, t))
            parts.append(html.P(goal_summary(trend, t)))
            if not trend.changes.empty:
                parts.append(change_table(trend, t))
            title = t("goals.chart_heading", indicator=trend.goal.indicator)
            parts.append(html.H4(title))
            parts.append(_graph(goal_chart(trend, t), t))
            parts += [
                html.P(_break_sentence(int(r.year), _text(r.break_reason), t), className="pm-hint")
                for r in trend.breaks.itertuples(index=False)
            ]
            parts.append(goal_table(trend, t))
            parts += _groups(trend, t)
        parts += _reports(trend, t)
        cards.append(html.Article(parts, className="pm-progress-card pm-goal-card"))
    return cards
