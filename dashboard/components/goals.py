"""Goal cards: each pledge goal with its survey indicator's trend against the baseline year (pledge and analysis pages)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from dash import dcc, html

from dashboard.components.chart_table import table_alternative
from dashboard.components.tables import table_head
from dashboard.figures.analysis import goal_chart
from dashboard.figures.style import graph_config
from dashboard.i18n import language, number, signed
from geodata.analysis.indicators import GoalTrend


def _decimals(value: float, most: int = 2) -> int:
    """The fewest decimals (up to ``most``) that show a survey value as measured: 2 → 0, 2.25 → 2, 1.6667 → 2."""
    return next((d for d in range(most) if round(value, d) == round(value, most)), most)


def survey_value(value: float, lang: str) -> str:
    """A survey indicator's value as the survey gave it, in the reader's language: "2,6", "1 660", "0,25".

    >>> survey_value(2.6, "sv"), survey_value(1660.0, "sv"), survey_value(1712.5, "en")
    ('2,6', '1\\xa0660', '1,712.5')
    """
    return number(value, lang, _decimals(value))


def survey_change(value: float, lang: str) -> str:
    """A change of a survey value with its sign: "−0,5", "+52,5"."""
    return signed(value, lang, _decimals(value))


def goal_table(trend: GoalTrend, t: Callable[..., str]) -> html.Details:
    """The goal chart's values: a row per area, a column per year."""
    lang = language(t("app.lang_code"))
    series = trend.series[trend.series["group"] == "all"]
    years = sorted(int(y) for y in series["year"].unique())
    rows = []
    for area, part in series.groupby("area_id", sort=True):
        name = part["area_name"].dropna().iloc[0] if part["area_name"].notna().any() else area
        by_year = part.set_index("year")["value"]
        rows.append(
            (
                str(name),
                *(
                    survey_value(float(by_year[y]), lang) if y in by_year and pd.notna(by_year[y]) else "–"
                    for y in years
                ),
            )
        )
    return table_alternative(
        t,
        t("goals.table_caption", indicator=trend.goal.indicator),
        [t("goals.area"), *(str(y) for y in years)],
        rows,
    )


def goal_summary(trend: GoalTrend, t) -> str:
    """A goal's indicator in one sentence: baseline year against the latest, the verdict, and which way is better.

    The same words on the pledge and analysis pages and in the standalone map's panel.
    """
    better = t(f"goals.better_{trend.goal.better}") if trend.goal.better else t("goals.better_none")
    return t(
        "goals.summary",
        indicator=trend.goal.indicator,
        baseline=trend.baseline_year,
        latest=trend.latest_year,
        verdict=t(f"goals.verdict_{trend.verdict}"),
        better=better,
    )


def goal_cards(trends, t) -> list:
    lang = language(t("app.lang_code"))
    cards = []
    for trend in trends:
        parts = [html.P(trend.goal.text, className="pm-promise-text")]
        if trend.verdict == "no_indicator":
            parts.append(html.P(t("goals.no_indicator"), className="pm-hint"))
        elif trend.verdict == "no_data":
            parts.append(html.P(t("goals.no_data", indicator=trend.goal.indicator), className="pm-hint"))
        else:
            parts.append(html.P(goal_summary(trend, t)))
            if not trend.changes.empty:
                parts.append(
                    html.Table(
                        className="pm-records",
                        children=[
                            table_head(
                                *(
                                    t(k)
                                    for k in (
                                        "goals.area",
                                        "goals.baseline",
                                        "goals.latest",
                                        "goals.change",
                                        "goals.verdict",
                                    )
                                )
                            ),
                            html.Tbody(
                                [
                                    html.Tr(
                                        [
                                            html.Td(row.area_name),
                                            html.Td(f"{survey_value(row.baseline, lang)} ({trend.baseline_year})"),
                                            html.Td(f"{survey_value(row.latest, lang)} ({row.latest_year})"),
                                            html.Td(survey_change(row.change, lang)),
                                            html.Td(t(f"goals.verdict_{row.verdict}")),
                                        ]
                                    )
                                    for row in trend.changes[trend.changes["group"] == "all"].itertuples()
                                ]
                            ),
                        ],
                    )
                )
            parts.append(dcc.Graph(figure=goal_chart(trend, t), config=graph_config(t("app.lang_code"))))
            parts.append(goal_table(trend, t))
        cards.append(html.Article(parts, className="pm-progress-card"))
    return cards
