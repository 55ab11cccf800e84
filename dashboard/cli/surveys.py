"""``pledgemap survey``: import safety-survey results, describe an indicator, follow a goal with one.

What is printed is worded from the catalogues (``survey.*``, ``problem.*``) in the language of ``--lang``
(Swedish unless told): the columns used, what the file did not have and what that means, the indicators
described nowhere, and a refused import's problems, each naming its row, group and field.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from dashboard.cli.common import add_data
from dashboard.settings import Settings
from geodata import PledgemapError, vocab

# The words the options take for an indicator's kind and direction (Swedish or English) → their codes.
KIND_WORDS = {"andel": "share", "share": "share", "index": "index", "medelvärde": "mean", "mean": "mean"}
BETTER_WORDS = {"lägre": "lower", "lower": "lower", "högre": "higher", "higher": "higher"}
_SCALE = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:[-–—]|till|to)\s*(-?\d+(?:[.,]\d+)?)\s*$")


def _scale(text: str) -> tuple[float, float]:
    match = _SCALE.match(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a scale; expected its ends such as 0-6 or 0–6")
    low, high = (float(x.replace(",", ".")) for x in match.groups())
    return low, high


def _choice(words: dict[str, str]):
    def parse(text: str) -> str:
        key = text.strip().casefold()
        if key not in words:
            raise argparse.ArgumentTypeError(f"{text!r} is not one of {', '.join(words)}")
        return words[key]

    return parse


def _describing(parser: argparse.ArgumentParser, source: str) -> None:
    parser.add_argument("--kind", type=_choice(KIND_WORDS), help="andel|index|medelvärde (share|index|mean)")
    parser.add_argument("--scale", type=_scale, help="an index's or a mean's scale, such as 0-6")
    parser.add_argument("--better", type=_choice(BETTER_WORDS), help="lägre|högre (lower|higher)")
    parser.add_argument(source, dest="source", help="where the results come from (the survey)")


def add_survey(commands, settings: Settings) -> None:
    survey = commands.add_parser(
        "survey", help="safety-survey results: import them, describe an indicator, link a goal to one"
    )
    survey_commands = survey.add_subparsers(dest="survey_command", required=True, metavar="ACTION")
    survey_import = survey_commands.add_parser(
        "import",
        help="import a table of results (area, year, indicator, value; n, interval, group, break); all rows or none",
    )
    add_data(survey_import, settings)
    survey_import.add_argument("file", type=Path)
    survey_import.add_argument("--municipality", help="kommun code for a file without a kommunkod column")
    survey_import.add_argument("--replace", action="store_true", help="replace stored values that differ")
    survey_import.add_argument("--dry-run", action="store_true", help="check every row, store nothing")
    survey_import.add_argument("--lang", choices=("sv", "en"), default="sv", help="the language of the output")
    _describing(survey_import, "--indicator-source")
    describe = survey_commands.add_parser("describe", help="describe an indicator once: kind, scale, direction")
    add_data(describe, settings)
    describe.add_argument("name", help="the indicator's name as the survey results give it")
    describe.add_argument("--measures", help="what the indicator measures")
    describe.add_argument("--replace", action="store_true", help="replace a stored description that differs")
    describe.add_argument("--lang", choices=("sv", "en"), default="sv", help="the language of the output")
    _describing(describe, "--source")
    link = survey_commands.add_parser("link", help="follow a pledge goal with a survey indicator")
    add_data(link, settings)
    link.add_argument("--pledge", required=True)
    link.add_argument("--goal", required=True, help="the goal's id")
    link.add_argument("--indicator", required=True, help="the indicator's name as the survey results give it")
    link.add_argument("--better", choices=("lower", "higher"), help="which way is better")
    link.add_argument(
        "--baseline-year", type=int, help="the year to compare with (default: the year before the pledge starts)"
    )
    link.add_argument("--lang", choices=("sv", "en"), default="sv", help="the language of the output")
    link.add_argument(
        "--categories",
        help="the unsafe-place categories the goal concerns, comma-separated codes or names (drug_dealing,loitering)",
    )
    # Survey files are read in a worker process within these (PLEDGEMAP_IMPORT_SECONDS, PLEDGEMAP_IMPORT_MEMORY_MB).
    survey.set_defaults(run=cmd_survey, import_work=settings.import_work)


def categories(text: str, lang: str = "sv") -> tuple[str, ...]:
    """Unsafe-place category codes from codes or their Swedish or English labels, each checked."""
    from dashboard.i18n import translator

    codes = vocab.codes("category")
    labels = {vocab.label("category", c, lang).casefold(): c for c in codes for lang in ("sv", "en")}
    found = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        code = part if part in codes else labels.get(part.casefold())
        if code is None:
            choices = ", ".join(f"{c} ({vocab.label('category', c, lang)})" for c in codes)
            raise PledgemapError(translator(lang)("survey.not_a_category", value=part, choices=choices))
        found.append(code)
    return tuple(dict.fromkeys(found))


def cmd_survey(args: argparse.Namespace) -> int:
    from geodata import open_store

    with open_store(args.data) as store:
        if args.survey_command == "import":
            return _import(store, args)
        if args.survey_command == "describe":
            return _describe(store, args)
        return _link(store, args)


def _indicator(args: argparse.Namespace, name: str = ""):
    from geodata.surveys import Indicator

    low, high = args.scale if args.scale else (None, None)
    return Indicator(name, args.kind, low, high, args.better, getattr(args, "measures", None), args.source)


def _import(store, args: argparse.Namespace) -> int:
    from dashboard.cli.survey_words import imported, refused
    from geodata.errors import ValidationError
    from geodata.io.survey_import import import_survey, read_survey_file

    given = _indicator(args)
    told = any(v is not None for v in (given.kind, given.scale_min, given.better, given.source))
    try:
        result = import_survey(
            store,
            args.file,
            tables=read_survey_file(args.file, args.import_work),
            municipality_code=args.municipality,
            replace=args.replace,
            dry_run=args.dry_run,
            describe=given if told else None,
        )
    except ValidationError as error:
        raise PledgemapError(refused(error, args.lang)) from None
    print(imported(result, args.lang))
    return 0


def _describe(store, args: argparse.Namespace) -> int:
    import geopandas as gpd

    from dashboard.cli.survey_words import described, refused
    from geodata.errors import ValidationError
    from geodata.layers import STORAGE_CRS

    if args.kind is None:
        from dashboard.i18n import translator

        raise PledgemapError(translator(args.lang)("survey.kind_needed"))
    indicator = _indicator(args, args.name)
    try:
        if indicator.problems():
            raise ValidationError(indicator.problems())
        store.write_survey_results(
            gpd.GeoDataFrame(geometry=[], crs=STORAGE_CRS), replace=args.replace, indicators=[indicator]
        )
    except ValidationError as error:
        raise PledgemapError(refused(error, args.lang)) from None
    print(described(store.read_indicators()[args.name], args.lang))
    return 0


def _link(store, args: argparse.Namespace) -> int:
    from dashboard.i18n import translator
    from geodata.views.surveys import link_goal

    t = translator(args.lang)
    pledge = store.get_pledge(args.pledge)
    goal = next((g for g in pledge.goals if g.id == args.goal), None)
    if goal is None:
        goals = ", ".join(g.id for g in pledge.goals)
        raise PledgemapError(t("survey.no_goal", pledge=pledge.id, goal=args.goal, goals=goals))
    # Without --categories the goal keeps the categories it has.
    chosen = categories(args.categories, args.lang) if args.categories is not None else goal.categories
    link_goal(store, pledge.id, goal.id, indicator=args.indicator, better=args.better,
              baseline_year=args.baseline_year, categories=chosen)  # fmt: skip
    print(t("survey.linked", goal=args.goal, pledge=pledge.id, indicator=args.indicator))
    if chosen:
        names = ", ".join(t(f"category.{code}") for code in chosen)
        print(f"  {t('survey.linked_categories', categories=names)}")
    return 0


COMMANDS = {"survey": add_survey}
