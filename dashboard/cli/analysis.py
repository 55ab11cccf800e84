"""``pledgemap analyze``: hotspots, an intervention's effect and goal indicators, as the analysis page shows them."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard.cli.common import add_data
from dashboard.settings import Settings
from geodata import PledgemapError
from geodata.analysis.defaults import (
    DEFAULT_BUFFER_M,
    DEFAULT_DAYS,
    DEFAULT_PERMUTATIONS,
    DEFAULT_RINGS,
    DEFAULT_SEED,
    DEFAULT_TARGET_RADIUS_M,
)

if TYPE_CHECKING:
    from geodata import Store


def add_analyze(commands, settings: Settings) -> None:
    analyze = commands.add_parser("analyze", help="hotspots (Gi*), an intervention's effect, goal indicators")
    analyses = analyze.add_subparsers(dest="analysis", required=True, metavar="ANALYSIS")
    hot = analyses.add_parser("hotspots", help="Getis-Ord Gi* hot and cold spots of a pledge's reports")
    add_data(hot, settings)
    hot.add_argument("--pledge", required=True)
    hot.add_argument("--start", type=dt.date.fromisoformat, help="first day (YYYY-MM-DD)")
    hot.add_argument("--end", type=dt.date.fromisoformat, help="last day (YYYY-MM-DD)")
    hot.add_argument("--category", action="append", help="only this category (repeatable)")
    hot.add_argument(
        "--cell-m", type=float, help="hexagon size in metres (default: about 1500 cells over the municipality)"
    )
    hot.add_argument(
        "--rings",
        type=int,
        default=DEFAULT_RINGS,
        help=f"neighbourhood: hexagons within this many rings (default {DEFAULT_RINGS})",
    )
    hot.add_argument(
        "--permutations",
        type=int,
        default=DEFAULT_PERMUTATIONS,
        help=f"random rearrangements (default {DEFAULT_PERMUTATIONS})",
    )
    hot.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"seed of the rearrangements (default {DEFAULT_SEED})"
    )
    hot.add_argument("--no-fdr", action="store_true", help="no false-discovery-rate correction")
    hot.add_argument("--output", type=Path, help="write the cells (.geojson or .gpkg) with count, z, p and class")
    effect = analyses.add_parser(
        "intervention", help="before/after counts, WDQ and WDD for an operation, a promise or an area"
    )
    add_data(effect, settings)
    target = effect.add_mutually_exclusive_group(required=True)
    target.add_argument("--operation", help="an operation's id: its area, from the day it started")
    target.add_argument("--promise", help="a promise's id: its operations' and sites' places, from the first")
    target.add_argument(
        "--area", type=Path, help="a GeoJSON/GeoPackage file with the target area (needs --date and --pledge)"
    )
    effect.add_argument("--date", type=dt.date.fromisoformat, help="the intervention's date, with --area")
    effect.add_argument("--pledge", help="the pledge whose reports and municipality to use, with --area")
    effect.add_argument(
        "--control", type=Path, help="a file with the control area (default: the rest of the municipality)"
    )
    effect.add_argument(
        "--days", type=int, default=DEFAULT_DAYS, help=f"length of each period (default {DEFAULT_DAYS})"
    )
    effect.add_argument(
        "--buffer-m",
        type=float,
        default=DEFAULT_BUFFER_M,
        help=f"width of the displacement buffer (default {DEFAULT_BUFFER_M:g})",
    )
    effect.add_argument(
        "--radius-m",
        type=float,
        default=DEFAULT_TARGET_RADIUS_M,
        help=f"area around a point operation (default {DEFAULT_TARGET_RADIUS_M:g})",
    )
    effect.add_argument("--category", action="append", help="only this category (repeatable)")
    goals = analyses.add_parser("goals", help="each goal's survey indicator against its baseline year")
    add_data(goals, settings)
    goals.add_argument("--pledge", required=True)
    goals.add_argument("--lang", choices=("sv", "en"), default="sv", help="the language of the output")
    hot.set_defaults(run=cmd_hotspots)
    effect.set_defaults(run=cmd_intervention)
    goals.set_defaults(run=cmd_goals)


@contextmanager
def _analysis(args: argparse.Namespace) -> Iterator[Store]:
    """The store to analyse; a value the analysis refuses (a ValueError) becomes a message and exit code 1."""
    from geodata import open_store

    with open_store(args.data) as store:
        try:
            yield store
        except ValueError as exc:
            raise PledgemapError(str(exc)) from None


def cmd_hotspots(args: argparse.Namespace) -> int:
    from geodata.analysis import getisord

    with _analysis(args) as store:
        result = getisord.hotspots_for_pledge(
            store,
            args.pledge,
            start=args.start,
            end=args.end,
            categories=args.category,
            cell_m=args.cell_m,
            neighbourhood=getisord.Neighbourhood(args.rings),
            permutations=args.permutations,
            seed=args.seed,
            fdr=not args.no_fdr,
        )
        for finding in result.findings:
            print(f"{finding.level}: {finding.text}")
        for name, count in result.class_counts().items():
            if count and name != "none":
                print(f"{name}\t{count} cells")
        if args.output:
            from geodata.io.files import private_file, store_mode

            with private_file(args.output, store_mode(args.data)) as written:
                result.cells.to_crs(4326).to_file(written)
            print(f"Wrote {len(result.cells)} cells to {args.output}")
    return 0


def cmd_intervention(args: argparse.Namespace) -> int:
    from geodata.analysis.interventions import intervention_effect

    with _analysis(args) as store:
        control = _read_area(args.control) if args.control else None
        if args.area and not (args.date and args.pledge):
            raise PledgemapError("--area needs --date and --pledge")
        result = intervention_effect(
            store,
            operation=args.operation,
            promise=args.promise,
            area=_read_area(args.area) if args.area else None,
            date=args.date,
            pledge_id=args.pledge,
            label=args.area.name if args.area else "",
            categories=args.category,
            radius_m=args.radius_m,
            days=args.days,
            buffer_m=args.buffer_m,
            control=control,
        )
        c = result.counts
        print(
            f"{result.label}: before {result.before[0]}–{result.before[1]}, after {result.after[0]}–{result.after[1]}"
        )
        print("area\tbefore\tafter")
        for area, before, after in (
            ("target", c.target_before, c.target_after),
            ("buffer", c.buffer_before, c.buffer_after),
            ("control", c.control_before, c.control_after),
        ):
            print(f"{area}\t{before}\t{after}")
        for finding in result.findings:
            print(f"{finding.level}: {finding.text}")
    return 0


def cmd_goals(args: argparse.Namespace) -> int:
    from dashboard.cli.survey_words import goal_lines
    from geodata.analysis.indicators import goal_trends

    with _analysis(args) as store:
        pledge = store.get_pledge(args.pledge)
        for trend in goal_trends(store, pledge):
            print("\n".join(goal_lines(trend, args.lang)))
    return 0


def _read_area(path: Path):
    import geopandas as gpd
    import shapely

    frame = gpd.read_file(path)
    if frame.crs is None:
        raise PledgemapError(f"{path} has no coordinate reference system; expected GeoJSON (WGS 84) or a GeoPackage")
    shapes = frame.to_crs(3006).geometry
    area = shapely.union_all([g for g in shapes if g is not None and g.area > 0])
    if area.is_empty:
        raise PledgemapError(f"{path} holds no polygon; expected the area as a polygon")
    return area


COMMANDS = {"analyze": add_analyze}
