"""Data out: ``export`` (layers, a pledge, the standalone map) and ``present`` (the public view at /present)."""

from __future__ import annotations

import argparse
import datetime as dt
from functools import partial
from pathlib import Path

from dashboard.cli.common import add_data
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES
from dashboard.settings import Settings
from geodata import LAYERS, PledgemapError
from geodata.io.exporter import LAYER_FORMATS, PLEDGE_FORMATS


def add_present(commands, settings: Settings) -> None:
    present = commands.add_parser("present", help="switch the presentation mode (/present, no sign-in) on or off")
    add_data(present, settings)
    which = present.add_mutually_exclusive_group(required=True)
    which.add_argument("--pledge", help="show this pledge's public view at /present")
    which.add_argument("--off", action="store_true", help="switch the presentation mode off")
    present.set_defaults(run=cmd_present)


def add_export(commands, settings: Settings) -> None:
    exp = commands.add_parser("export", help="export layers (filters applied), a pledge, or a standalone map")
    add_data(exp, settings)
    exp.add_argument(
        "--format",
        required=True,
        choices=[*LAYER_FORMATS, "html", *PLEDGE_FORMATS],
        help="gpkg/geojson/csv/xlsx: layers; html: the standalone map; yaml/json: the pledge document",
    )
    exp.add_argument("--output", required=True, type=Path, help="the file to write")
    exp.add_argument("--pledge", help="only this pledge's records (required for html, yaml and json)")
    exp.add_argument("--layer", action="append", choices=list(LAYERS), help="only these layers (repeatable)")
    exp.add_argument("--start", type=dt.date.fromisoformat, help="records from this date (YYYY-MM-DD)")
    exp.add_argument("--end", type=dt.date.fromisoformat, help="records up to this date (YYYY-MM-DD)")
    exp.add_argument(
        "--public",
        action="store_true",
        help="html: the public variant (aggregated counts, no free text, no internal records)",
    )
    exp.add_argument(
        "--period",
        metavar="PERIOD",
        help="html --public: the period counted, one of the pledge's: 'all' (the default), a quarter such as "
        "2024-Q1 or a month such as 2024-03 (never dates of your own: see README, Public counts)",
    )
    exp.add_argument(
        "--include-internal", action="store_true", help="include internal police operations (left out by default)"
    )
    exp.add_argument(
        "--tiles",
        default=settings.online_tiles,
        help="html: tile URL template, used only when reachable; 'none' for no tiles",
    )
    exp.add_argument(
        "--basemap",
        type=Path,
        default=settings.basemap,
        metavar="FILE",
        help="html: a local MBTiles or PMTiles file of raster tiles; its tiles of the municipality are embedded, "
        "so the map has streets and names offline (default: $PLEDGEMAP_BASEMAP)",
    )
    exp.add_argument("--today", type=dt.date.fromisoformat, default=None, help="html: judge progress as of this date")
    exp.add_argument(
        "--lang",
        choices=list(LANGUAGES),
        default=DEFAULT_LANGUAGE,
        help="the language of column names, values and the map's words (default: Swedish)",
    )
    exp.add_argument(
        "--codes",
        action="store_true",
        help="gpkg/geojson/csv/xlsx: the store's own column names and codes (drug_use, true), ISO 8601 times "
        "and a comma-separated CSV, for GIS tools and scripts, instead of worded columns and values",
    )
    exp.set_defaults(run=partial(cmd_export, settings=settings))


def cmd_present(args: argparse.Namespace) -> int:
    from geodata import open_store

    with open_store(args.data) as store:
        if args.off:
            store.write_setting("presentation_pledge", None)
            print("Presentation mode is off")
        else:
            pledge = store.get_pledge(args.pledge)  # a clear error for an unknown pledge
            store.write_setting("presentation_pledge", pledge.id)
            print(f"Presentation mode shows {pledge.title} at /present (the public view, without sign-in)")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from geodata import LayerQuery, export_layers, open_store, pledge_document
    from geodata.io.files import store_mode, write_file

    with open_store(args.data) as store:
        if args.format in PLEDGE_FORMATS + ("html",) and not args.pledge:
            raise PledgemapError(f"--format {args.format} exports one pledge; name it with --pledge")
        pledge = store.get_pledge(args.pledge) if args.pledge else None  # a clear error for an unknown pledge
        if args.format in PLEDGE_FORMATS:
            write_file(args.output, pledge_document(pledge, args.format), store_mode(store))
            print(f"Wrote pledge {args.pledge} to {args.output}")
            return 0
        query = LayerQuery(pledge_id=args.pledge, start=args.start, end=args.end)
        if args.period is not None and not (args.format == "html" and args.public):
            raise PledgemapError("--period applies to the public html export (--format html --public)")
        if args.public and (args.start or args.end):
            raise PledgemapError(
                "--start and --end do not apply to the public map, which is counted over whole periods: "
                "use --period (all, a quarter such as 2024-Q1, a month such as 2024-03)"
            )
        if args.format == "html":
            from dashboard.standalone import build_standalone_map

            tiles = None if (args.tiles or "none").lower() == "none" else args.tiles
            html = build_standalone_map(
                store,
                args.pledge,
                public=args.public,
                today=args.today,
                tiles=tiles,
                basemap=args.basemap,
                query=None if args.public else query,
                include_internal=args.include_internal and not args.public,
                lang=args.lang,
                period=args.period,
            )
            write_file(args.output, html, store_mode(store))
            print(
                f"Wrote the {'public ' if args.public else ''}standalone map of {args.pledge} to {args.output} "
                f"({len(html.encode()) / 1e6:.1f} MB; opens without a network)"
            )
            return 0
        if args.public:
            raise PledgemapError("--public applies to the html export; data exports hold records")
        from dashboard.components.file_words import file_wording
        from geodata.io.wording import CODES

        layers = args.layer or list(LAYERS)
        result = export_layers(
            store,
            args.output,
            args.format,
            {name: query for name in layers},
            include_internal=args.include_internal,
            wording=CODES if args.codes else file_wording(args.lang),
        )
    print(f"Wrote {args.output}: " + ", ".join(f"{n} {layer}" for layer, n in result.counts.items()))
    return 0


COMMANDS = {"present": add_present, "export": add_export}
