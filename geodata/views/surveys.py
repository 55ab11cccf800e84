"""What the safety-survey page shows and changes: the stored indicators with their results, an import's counts,
and a pledge goal linked to an indicator (the same change as ``pledgemap survey link``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import pandas as pd

from geodata.errors import NotFoundError
from geodata.model import Pledge, pledge_from_dict
from geodata.store.base import Store
from geodata.surveys import Indicator, group_order


@dataclass(frozen=True)
class IndicatorResults:
    """An indicator as it is stored: its description, and how many results for how many areas, groups and years."""

    indicator: Indicator
    results: int
    areas: int
    groups: tuple[str, ...]
    years: tuple[int, ...]


def results_by_indicator(rows: pd.DataFrame, described: dict[str, Indicator] | None = None) -> list[IndicatorResults]:
    """The results of ``rows`` (survey results: indicator, area_id, group_code, year) per indicator, by name.

    ``described`` gives each indicator's description (an indicator it does not hold is undescribed).
    """
    described = described or {}
    found = []
    if len(rows):
        for name, part in rows.groupby("indicator", sort=False):
            groups = {str(g) for g in part["group_code"].dropna()} if "group_code" in part else set()
            found.append(
                IndicatorResults(
                    described.get(str(name), Indicator(str(name))),
                    len(part),
                    part["area_id"].nunique(),
                    tuple(sorted(groups, key=group_order)),
                    tuple(sorted(int(y) for y in part["year"].dropna().unique())),
                )
            )
    names = {f.indicator.name for f in found}
    found += [IndicatorResults(i, 0, 0, (), ()) for name, i in described.items() if name not in names]
    return sorted(found, key=lambda f: f.indicator.name.casefold())


def stored_indicators(store: Store) -> list[IndicatorResults]:
    """Every indicator the store describes or holds results of, with its results counted."""
    return results_by_indicator(store.read_survey_results(), store.read_indicators())


def link_goal(
    store: Store,
    pledge_id: str,
    goal_id: str,
    *,
    indicator: str | None,
    better: str | None = None,
    baseline_year: int | None = None,
    categories: Iterable[str] = (),
) -> Pledge:
    """Follow the goal ``goal_id`` of the pledge ``pledge_id`` with ``indicator`` (None: no indicator, and then
    no direction or baseline year either) and save it.

    The changed pledge is checked as a pledge file is (:func:`geodata.model.pledge_from_dict`: a direction
    is lower or higher, a year a year, the categories the vocabulary's, a direction or a baseline only with
    an indicator), so a bad value is a :class:`~geodata.errors.ValidationError` naming the goal and field;
    the store decides who may save it (a guarded store refuses roles that may not change pledges).
    """
    pledge = store.get_pledge(pledge_id)
    if goal_id not in {g.id for g in pledge.goals}:
        raise NotFoundError(
            f"pledge {pledge.id} has no goal {goal_id!r}; its goals: {', '.join(g.id for g in pledge.goals)}"
        )
    indicator = (indicator or "").strip() or None
    if indicator is None:  # a goal no indicator follows has no direction or baseline to keep
        better, baseline_year = None, None
    goals = tuple(
        replace(
            goal,
            indicator=indicator,
            better=better or None,
            baseline_year=baseline_year,
            categories=tuple(dict.fromkeys(categories)),
        )
        if goal.id == goal_id
        else goal
        for goal in pledge.goals
    )
    changed = pledge_from_dict(replace(pledge, goals=goals).to_dict())
    store.save_pledge(changed)
    return store.get_pledge(pledge_id)
