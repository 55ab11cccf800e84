"""A demo store whose Mark 2021 goal "okad-trygghet" follows a survey indicator, for goal cards and their charts."""

from __future__ import annotations

from pathlib import Path

SURVEY = (
    "Område;År;Indikator;Värde\n"
    "Kinna;2020;Trygghetsindex;2,6\nKinna;{latest};Trygghetsindex;2,1\n"
    "Skene;2020;Trygghetsindex;1,9\nSkene;{latest};Trygghetsindex;2,25\n"
    "Hela kommunen;2020;Trygghetsindex;1660\nHela kommunen;{latest};Trygghetsindex;1712,5\n"
)


def add_goal_survey(data: Path, latest: int = 2023) -> None:
    """Import the survey above into ``data`` and link the goal to it (baseline 2020, lower is better)."""
    from geodata.io.survey_import import import_survey
    from geodata.store import GeoPackageStore

    survey = data.parent / "trygghet.csv"
    survey.write_text(SURVEY.format(latest=latest), encoding="utf-8")
    with GeoPackageStore.open(data) as store:
        import_survey(store, survey, municipality_code="1463")
        pledge = store.get_pledge("mark-2021")
        goals = tuple(
            g if g.id != "okad-trygghet" else type(g)(g.id, g.text, "Trygghetsindex", "lower", 2020)
            for g in pledge.goals
        )
        store.save_pledge(type(pledge)(**{**pledge.__dict__, "goals": goals}))
