"""The survey results as a table of the lägesbild (page and document): indicator, area, group, year, value, n and
the 95 % interval, one row per result."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from dashboard.i18n import language, number, number_range
from geodata.surveys import group_label

SURVEY_HEADINGS = (
    "situation.indicator",
    "situation.area",
    "situation.group",
    "situation.year",
    "situation.value",
    "situation.answers",
    "situation.interval",
)
# The columns that hold numbers (right-aligned): year, value, answers and interval.
SURVEY_NUMERIC = (3, 4, 5, 6)


def survey_headings(t: Callable[..., str]) -> tuple[str, ...]:
    return tuple(t(key) for key in SURVEY_HEADINGS)


def survey_cells(survey: pd.DataFrame, lang: str) -> list[tuple[str, ...]]:
    """Each result's cells in the reader's language: "Kvinnor", "18,0", "600", "15,1–21,3"; "–" where unknown."""
    lang = language(lang)
    rows = []
    for r in survey.itertuples(index=False):
        known = r.low is not None and r.high is not None and not (pd.isna(r.low) or pd.isna(r.high))
        rows.append(
            (
                str(r.indicator),
                str(r.area_name or ""),
                group_label(str(r.group), lang),
                str(int(r.year)),
                number(float(r.value), lang, 1),
                number(int(r.n), lang) if r.n is not None and not pd.isna(r.n) else "–",
                number_range(float(r.low), float(r.high), lang, 1) if known else "–",
            )
        )
    return rows
