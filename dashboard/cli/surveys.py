"""``pledgemap survey``: import safety-survey results, follow a goal with an indicator."""

from __future__ import annotations

import argparse
from pathlib import Path

from dashboard.cli.common import add_data
from dashboard.settings import Settings
from geodata import PledgemapError


def add_survey(commands, settings: Settings) -> None:
    survey = commands.add_parser("survey", help="safety-survey results: import them, link a goal to an indicator")
    survey_commands = survey.add_subparsers(dest="survey_command", required=True, metavar="ACTION")
    survey_import = survey_commands.add_parser(
        "import", help="import a table of results (area, year, indicator, value); all rows or none"
    )
    add_data(survey_import, settings)
    survey_import.add_argument("file", type=Path)
    survey_import.add_argument("--municipality", help="kommun code for a file without a kommunkod column")
    survey_import.add_argument("--replace", action="store_true", help="replace stored values that differ")
    survey_import.add_argument("--dry-run", action="store_true", help="check every row, store nothing")
    link = survey_commands.add_parser("link", help="follow a pledge goal with a survey indicator")
    add_data(link, settings)
    link.add_argument("--pledge", required=True)
    link.add_argument("--goal", required=True, help="the goal's id")
    link.add_argument("--indicator", required=True, help="the indicator's name as the survey results give it")
    link.add_argument("--better", choices=("lower", "higher"), help="which way is better")
    link.add_argument(
        "--baseline-year", type=int, help="the year to compare with (default: the year before the pledge starts)"
    )
    survey.set_defaults(run=cmd_survey)


def cmd_survey(args: argparse.Namespace) -> int:
    from dataclasses import replace as changed

    from geodata import open_store
    from geodata.io.survey_import import import_survey

    with open_store(args.data) as store:
        if args.survey_command == "import":
            result = import_survey(
                store, args.file, municipality_code=args.municipality, replace=args.replace, dry_run=args.dry_run
            )
            used = ", ".join(f"{field} ← {column}" for field, column in result.columns.items())
            print(f"Columns: {used}")
            if result.dry_run:
                print(f"{len(result.rows)} rows are right; nothing was stored (--dry-run)")
            else:
                print(
                    f"{result.new} new results, {result.replaced} replaced, "
                    f"{len(result.rows) - result.new - result.replaced} already stored"
                )
            return 0
        pledge = store.get_pledge(args.pledge)
        if args.goal not in {g.id for g in pledge.goals}:
            raise PledgemapError(
                f"pledge {pledge.id} has no goal {args.goal!r}; its goals: {', '.join(g.id for g in pledge.goals)}"
            )
        goals = tuple(
            changed(g, indicator=args.indicator, better=args.better, baseline_year=args.baseline_year)
            if g.id == args.goal
            else g
            for g in pledge.goals
        )
        store.save_pledge(changed(pledge, goals=goals))
        print(f"Goal {args.goal} of {pledge.id} follows {args.indicator}")
    return 0


COMMANDS = {"survey": add_survey}
