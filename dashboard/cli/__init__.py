"""The ``pledgemap`` command.

Subcommands: ``serve`` (the dashboard), ``demo`` (write the demo store),
``info`` (what a store holds), ``migrate`` (create or upgrade a store),
``import`` and ``export`` (data in and out, the same code as the dashboard's
import page and export buttons) and ``pledge`` (pledge documents). Everything
except ``serve`` and the HTML export works through ``geodata`` alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

from dashboard.settings import Settings
from geodata import __version__, clock
from geodata.access.accounts import ROLES
from geodata.errors import PledgemapError
from geodata.io.exporter import LAYER_FORMATS, PLEDGE_FORMATS
from geodata.layers import LAYERS


def _add_data(parser: argparse.ArgumentParser, settings: Settings) -> None:
    parser.add_argument(
        "--data",
        type=_location,
        default=settings.data,
        help="the store: a GeoPackage file, or a postgresql://user@host:port/db URL "
        f"(default: $PLEDGEMAP_DATA or {describe(settings.data)})",
    )


def _location(text: str):
    from geodata.store import location

    return location(text)


def describe(where) -> str:
    from geodata.store import describe as store_description

    return store_description(where)


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pledgemap", description="Medborgarlöften on a map: the Pledgemap dashboard and its data store."
    )
    parser.add_argument("--version", action="version", version=f"pledgemap {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the dashboard (writes the demo store first if the file is missing)")
    _add_data(serve, settings)
    serve.add_argument("--host", default=settings.host, help=f"address to listen on (default: {settings.host})")
    serve.add_argument("--port", type=int, default=settings.port, help=f"port to listen on (default: {settings.port})")
    serve.add_argument("--debug", action="store_true", help="Dash debug mode with reloading (development only)")

    demo = commands.add_parser("demo", help="write a new store with the shipped pledges and generated demo layers")
    _add_data(demo, settings)
    demo.add_argument("--seed", type=int, default=None, help="seed of the demo data generator")
    demo.add_argument("--force", action="store_true", help="replace the file if it exists")

    info = commands.add_parser("info", help="list the pledges, promises and layer counts of a store")
    _add_data(info, settings)
    info.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="judge progress as of this date (default: today)"
    )

    migrate = commands.add_parser("migrate", help="create the store or bring it to the current schema version")
    _add_data(migrate, settings)

    imp = commands.add_parser(
        "import",
        help="import a file into a layer: a dry run per row, then one transaction",
        description="Formats: GeoPackage, GeoJSON, zipped Shapefile, KML/KMZ, CSV, XLSX and "
        "other files GDAL reads. Nothing is written with --dry-run; otherwise every "
        "row lands or none does, unless --partial.",
    )
    _add_data(imp, settings)
    imp.add_argument("file", type=Path, help="the file to import")
    imp.add_argument("--layer", choices=list(LAYERS), help="the layer to import into (default: from the columns)")
    imp.add_argument("--table", help="the file's layer or sheet to read, if it holds several")
    imp.add_argument("--dry-run", action="store_true", help="report per row what would happen; write nothing")
    imp.add_argument(
        "--partial",
        action="store_true",
        help="write the valid rows and save the rejected ones to a file to fix and import again "
        "(default: write nothing if any row is rejected)",
    )
    imp.add_argument(
        "--rejects", type=Path, help="where --partial saves rejected rows (default: beside the file, named *-avvisade)"
    )
    imp.add_argument("--pledge", help="link records without a pledge or promise to this pledge (unsafe_places)")
    imp.add_argument("--promise", help="link records without a promise to this promise (sites, operations)")
    imp.add_argument("--municipality", help="warn about places outside this kommun code (default: the pledge's)")
    imp.add_argument("--source", help="name of the source, for its record ids (default: the file name)")
    imp.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="a value for a field that the file leaves empty, e.g. source=safety_walk",
    )
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="read FIELD from COLUMN instead of the detected one (repeatable)",
    )
    imp.add_argument(
        "--map-value",
        action="append",
        default=[],
        metavar="FIELD:TEXT=CODE",
        help="what a text in the file means, e.g. 'category:Otryggt=other' (repeatable)",
    )

    pledge = commands.add_parser("pledge", help="pledge documents: read a published text, add a reviewed pledge")
    pledge_commands = pledge.add_subparsers(dest="pledge_command", required=True, metavar="ACTION")
    parse = pledge_commands.add_parser("parse", help="turn a published pledge text into a draft for review")
    parse.add_argument("file", type=Path, help="the pledge as text (UTF-8 or Windows-1252; a PDF's extracted text)")
    parse.add_argument("--format", choices=PLEDGE_FORMATS, default="json", help="output format (default: json)")
    parse.add_argument(
        "--as-pledge",
        action="store_true",
        help="output a pledge document for 'pledgemap pledge add' (fails, naming what is missing, "
        "if the text lacks something a pledge needs)",
    )
    parse.add_argument("--id", help="with --as-pledge: the pledge id (default: municipality and first year)")
    parse.add_argument("--output", type=Path, help="write here instead of to standard output")
    add = pledge_commands.add_parser("add", help="add a pledge document (YAML or JSON) to the store")
    _add_data(add, settings)
    add.add_argument("file", type=Path, help="the pledge document")
    add.add_argument("--replace", action="store_true", help="replace a stored pledge with the same id")

    user = commands.add_parser("user", help="local accounts: add, remove, change a password, list")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    for action, text in (
        ("add", "create an account (there is no default account or password)"),
        ("remove", "remove an account (not the last admin)"),
        ("passwd", "set an account's password (ends its sessions)"),
        ("unlock", "forget a name's failed sign-ins, so its owner can sign in at once"),
        ("list", "list the accounts, their roles and failed sign-ins"),
    ):
        command = user_commands.add_parser(action, help=text)
        _add_data(command, settings)
        if action != "list":
            command.add_argument("username")
        if action in ("add", "passwd"):
            command.add_argument(
                "--password-stdin",
                action="store_true",
                help="read the password from the first line of standard input instead of asking",
            )
        if action == "add":
            command.add_argument("--role", required=True, choices=ROLES, help="what the account may see and change")
            command.add_argument("--organisation", help="for a housing company: its name as its sites give it as owner")
            command.add_argument("--name", help="the name shown for the account")

    present = commands.add_parser("present", help="switch the presentation mode (/present, no sign-in) on or off")
    _add_data(present, settings)
    which = present.add_mutually_exclusive_group(required=True)
    which.add_argument("--pledge", help="show this pledge's public view at /present")
    which.add_argument("--off", action="store_true", help="switch the presentation mode off")

    restore = commands.add_parser("restore", help="bring back a deleted record (deleted records: --list)")
    _add_data(restore, settings)
    restore.add_argument("--layer", required=True, choices=list(LAYERS))
    restore.add_argument("record", nargs="?", help="the id of the deleted record")
    restore.add_argument("--list", action="store_true", help="list the layer's deleted records")

    audit = commands.add_parser("audit", help="export the audit log (who changed what and when) as CSV")
    _add_data(audit, settings)
    audit.add_argument("--output", type=Path, required=True, help="the CSV file to write")
    audit.add_argument("--record", help="only this record's history")

    copy = commands.add_parser("copy", help="copy a whole store: a GeoPackage file into a database, or back")
    copy.add_argument("--from", dest="source", type=_location, required=True, help="the store to copy")
    copy.add_argument(
        "--to",
        dest="target",
        type=_location,
        required=True,
        help="a new GeoPackage file, or a postgresql:// URL of a database without Pledgemap data",
    )

    analyze = commands.add_parser("analyze", help="hotspots (Gi*), an intervention's effect, goal indicators")
    analyses = analyze.add_subparsers(dest="analysis", required=True, metavar="ANALYSIS")
    hot = analyses.add_parser("hotspots", help="Getis-Ord Gi* hot and cold spots of a pledge's reports")
    _add_data(hot, settings)
    hot.add_argument("--pledge", required=True)
    hot.add_argument("--start", type=dt.date.fromisoformat, help="first day (YYYY-MM-DD)")
    hot.add_argument("--end", type=dt.date.fromisoformat, help="last day (YYYY-MM-DD)")
    hot.add_argument("--category", action="append", help="only this category (repeatable)")
    hot.add_argument(
        "--cell-m", type=float, help="hexagon size in metres (default: about 1500 cells over the municipality)"
    )
    hot.add_argument("--rings", type=int, default=1, help="neighbourhood: hexagons within this many rings (default 1)")
    hot.add_argument("--permutations", type=int, default=9999, help="random rearrangements (default 9999)")
    hot.add_argument("--seed", type=int, default=20260101, help="seed of the rearrangements (default 20260101)")
    hot.add_argument("--no-fdr", action="store_true", help="no false-discovery-rate correction")
    hot.add_argument("--output", type=Path, help="write the cells (.geojson or .gpkg) with count, z, p and class")
    effect = analyses.add_parser(
        "intervention", help="before/after counts, WDQ and WDD for an operation, a promise or an area"
    )
    _add_data(effect, settings)
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
    effect.add_argument("--days", type=int, default=90, help="length of each period (default 90)")
    effect.add_argument("--buffer-m", type=float, default=500.0, help="width of the displacement buffer (default 500)")
    effect.add_argument("--radius-m", type=float, default=250.0, help="area around a point operation (default 250)")
    effect.add_argument("--category", action="append", help="only this category (repeatable)")
    goals = analyses.add_parser("goals", help="each goal's survey indicator against its baseline year")
    _add_data(goals, settings)
    goals.add_argument("--pledge", required=True)

    survey = commands.add_parser("survey", help="safety-survey results: import them, link a goal to an indicator")
    survey_commands = survey.add_subparsers(dest="survey_command", required=True, metavar="ACTION")
    survey_import = survey_commands.add_parser(
        "import", help="import a table of results (area, year, indicator, value); all rows or none"
    )
    _add_data(survey_import, settings)
    survey_import.add_argument("file", type=Path)
    survey_import.add_argument("--municipality", help="kommun code for a file without a kommunkod column")
    survey_import.add_argument("--replace", action="store_true", help="replace stored values that differ")
    survey_import.add_argument("--dry-run", action="store_true", help="check every row, store nothing")
    link = survey_commands.add_parser("link", help="follow a pledge goal with a survey indicator")
    _add_data(link, settings)
    link.add_argument("--pledge", required=True)
    link.add_argument("--goal", required=True, help="the goal's id")
    link.add_argument("--indicator", required=True, help="the indicator's name as the survey results give it")
    link.add_argument("--better", choices=("lower", "higher"), help="which way is better")
    link.add_argument(
        "--baseline-year", type=int, help="the year to compare with (default: the year before the pledge starts)"
    )

    exp = commands.add_parser("export", help="export layers (filters applied), a pledge, or a standalone map")
    _add_data(exp, settings)
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
        "--include-internal", action="store_true", help="include internal police operations (left out by default)"
    )
    exp.add_argument(
        "--tiles",
        default=settings.tiles_url,
        help="html: tile URL template, used only when reachable; 'none' for no tiles",
    )
    exp.add_argument("--today", type=dt.date.fromisoformat, default=None, help="html: judge progress as of this date")
    return parser


def cmd_demo(args: argparse.Namespace) -> int:
    import tempfile

    from geodata.demo import DEFAULT_SEED, write_demo_store
    from geodata.store import copy_store, is_database_url, migrate, open_store

    seed = DEFAULT_SEED if args.seed is None else args.seed
    if is_database_url(args.data):
        # The demo is generated into a file, then copied whole into the (empty) database.
        migrate(args.data)
        with tempfile.TemporaryDirectory(prefix="pledgemap-demo-") as folder:
            with write_demo_store(Path(folder) / "demo.gpkg", seed) as demo, open_store(args.data) as store:
                copy_store(demo, store)
                counts, pledges = store.counts(), store.list_pledges()
        print(
            f"Wrote the demo data into {describe(args.data)}: {len(pledges)} pledges, "
            + ", ".join(f"{n} {layer}" for layer, n in counts.items())
            + " (generated demo records)"
        )
        return 0
    if args.data.exists():
        if not args.force:
            print(f"pledgemap: {args.data} already exists; use --force to replace it", file=sys.stderr)
            return 1
        args.data.unlink()
    with write_demo_store(args.data, seed) as store:
        counts, pledges = store.counts(), store.list_pledges()
    print(
        f"Wrote demo store {args.data}: {len(pledges)} pledges, "
        + ", ".join(f"{n} {layer}" for layer, n in counts.items())
        + " (generated demo records)"
    )
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from geodata.store import open_store
    from geodata.views.progress import pledge_progress

    today = args.today or clock.today()
    with open_store(args.data) as store:
        pledges = store.list_pledges()
        print(f"Store {describe(args.data)} (schema version {store.schema_version()}): {len(pledges)} pledges")
        for pledge in pledges:
            print()
            print(f"{pledge.id}: {pledge.title}")
            print(
                f"  {pledge.municipality.name} ({pledge.municipality.code}), {pledge.police_area.name}"
                f"{f' ({pledge.police_area.code})' if pledge.police_area.code else ''}, "
                f"{pledge.period.start} – {pledge.period.end}"
            )
            print(f"  Focus: {pledge.focus}")
            print(f"  Promises (progress as of {today}):")
            for p in pledge_progress(store, pledge, today):
                parties = ", ".join(pledge.partner(x).short_name or pledge.partner(x).name for x in p.promise.parties)
                target = f" of {p.target}" if p.target else ""
                print(
                    f"    - {p.promise.id} [{p.promise.kind}; {parties}]: {p.delivered}{target} "
                    f"{p.promise.evidence.layer} records, {p.status}"
                )
            print(f"  Goals: {len(pledge.goals)}")
            events = store.read_police_events(pledge.municipality.code, pledge.period.start, pledge.period.end)
            if len(events):
                print(f"  Police events published in {pledge.municipality.name} during the period: {len(events)}")
            counts, demo = store.counts(pledge.id), store.counts(pledge.id, demo_only=True)
            print(
                "  Layers: "
                + ", ".join(
                    f"{layer} {n}" + (f" ({demo[layer]} demo)" if demo[layer] else "") for layer, n in counts.items()
                )
            )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from geodata.store import migrate

    before, after = migrate(args.data)
    if before == after:
        print(f"{describe(args.data)} is already at schema version {after}")
    else:
        print(f"{describe(args.data)}: schema version {before} → {after}")
    return 0


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise PledgemapError(f"{option} {value!r}: expected NAME=VALUE")
        pairs[key.strip()] = rest.strip()
    return pairs


def cmd_import(args: argparse.Namespace) -> int:
    from geodata.io.importer import commit_file, plan_file
    from geodata.store import open_store

    defaults = _pairs(args.set, "--set")
    if args.pledge:
        defaults["pledge_id"] = args.pledge
    if args.promise:
        defaults["promise_id"] = args.promise
    value_map: dict[str, dict[str, str]] = {}
    for field, text in _pairs(args.map_value, "--map-value").items():
        name, sep, original = field.partition(":")
        if not sep:
            raise PledgemapError(f"--map-value {field!r}: expected FIELD:TEXT=CODE")
        value_map.setdefault(name, {})[original] = text
    overrides = _pairs(args.map, "--map")
    from geodata.io.police_events import looks_like_police_events

    if looks_like_police_events(args.file):
        return _import_police_events(args)
    if overrides and not args.layer:
        raise PledgemapError("--map needs --layer: the mapping is for one layer")
    with open_store(args.data) as store:
        plans = plan_file(
            store,
            args.file,
            args.layer,
            table=args.table,
            value_map=value_map,
            defaults=defaults,
            municipality_code=args.municipality,
            source_namespace=args.source,
            mapping_overrides=overrides,
        )
        for plan in plans:
            _print_plan(plan)
        if args.dry_run:
            print("Dry run: nothing was written.")
            return 0
        try:
            results = commit_file(
                store,
                plans,
                partial=args.partial,
                rejects_path=args.rejects or args.file.with_name(f"{args.file.stem}-avvisade"),
            )
        except PledgemapError as exc:
            print(f"pledgemap: {exc}".splitlines()[0], file=sys.stderr)
            print("  (fix the rows above, answer unclear values with --map-value, or use --partial)", file=sys.stderr)
            return 1
    for result in results:
        print(
            f"Wrote {len(result.written)} {result.layer} records"
            + (f"; {result.duplicates} already stored, skipped" if result.duplicates else "")
            + (f"; {result.rejected} rejected rows saved to {result.rejects_file}" if result.rejects_file else "")
        )
    return 0


def _import_police_events(args: argparse.Namespace) -> int:
    from geodata.io.police_events import read_police_events, store_events
    from geodata.store import open_store

    batch = read_police_events(args.file)
    print(
        f"{args.file.name} → police events (polisen.se format): {len(batch.events)} events read; "
        f"{batch.digests} county summaries left out; {batch.without_municipality} name no municipality "
        f"(kept, not counted for any); {batch.repeated} repeated in the file; {len(batch.problems)} problems"
    )
    for problem in batch.problems[:50]:
        print(f"  rejected: {problem}")
    if args.dry_run:
        print("Dry run: nothing was written.")
        return 0
    with open_store(args.data) as store:
        try:
            new, already = store_events(store, batch, partial=args.partial)
        except PledgemapError as exc:
            print(
                f"pledgemap: police events: {exc}".splitlines()[0]
                + " (use --partial to store the events that could be read)",
                file=sys.stderr,
            )
            return 1
    print(f"Wrote {new} police events; {already} already stored, skipped")
    return 0


def _print_plan(plan) -> None:
    summary = plan.summary()
    print(
        f"{summary['file']}{' / ' + summary['table'] if summary['table'] else ''} → {summary['layer']}: "
        f"{summary['rows']} rows: {summary['valid']} valid, {summary['rejected']} rejected, "
        f"{summary['duplicates']} already stored, {summary['warnings']} with warnings"
    )
    mapping = plan.mapping
    columns = ", ".join(f"{field} ← {column!r}" for field, column in mapping.fields.items())
    where = {"geometry": "the file's geometry", "wkt": f"WKT in {mapping.x!r}", None: "none found"}.get(
        mapping.coordinates, f"{mapping.coordinates} in {mapping.y!r}/{mapping.x!r}"
    )
    print(f"  columns: {columns or 'none recognised'}; coordinates: {where}")
    for note in plan.notes:
        print(f"  note: {note}")
    for field, texts in plan.unresolved.items():
        for text, candidates in texts.items():
            print(
                f"  unclear {field}: {text!r} → "
                + (" or ".join(candidates) if candidates else "no match")
                + f" (answer with --map-value '{field}:{text}=CODE')"
            )
    for line in plan.report():
        row = "file" if line["row"] is None else f"row {line['row']}"
        print(f"  {row}: {line['status']}: {line['field']}: {line['message']}")


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from geodata.io.exporter import export_layers, pledge_document
    from geodata.store import LayerQuery, open_store

    with open_store(args.data) as store:
        if args.format in PLEDGE_FORMATS + ("html",) and not args.pledge:
            raise PledgemapError(f"--format {args.format} exports one pledge; name it with --pledge")
        pledge = store.get_pledge(args.pledge) if args.pledge else None  # a clear error for an unknown pledge
        if args.format in PLEDGE_FORMATS:
            args.output.write_text(pledge_document(pledge, args.format), encoding="utf-8")
            print(f"Wrote pledge {args.pledge} to {args.output}")
            return 0
        query = LayerQuery(pledge_id=args.pledge, start=args.start, end=args.end)
        if args.format == "html":
            from dashboard.standalone import build_standalone_map

            tiles = None if (args.tiles or "none").lower() == "none" else args.tiles
            html = build_standalone_map(
                store,
                args.pledge,
                public=args.public,
                today=args.today,
                tiles=tiles,
                query=query,
                include_internal=args.include_internal and not args.public,
            )
            args.output.write_text(html, encoding="utf-8")
            print(
                f"Wrote the {'public ' if args.public else ''}standalone map of {args.pledge} to {args.output} "
                f"({len(html.encode()) / 1e6:.1f} MB; opens without a network)"
            )
            return 0
        if args.public:
            raise PledgemapError("--public applies to the html export; data exports hold records")
        layers = args.layer or list(LAYERS)
        result = export_layers(
            store, args.output, args.format, {name: query for name in layers}, include_internal=args.include_internal
        )
    print(f"Wrote {args.output}: " + ", ".join(f"{n} {layer}" for layer, n in result.counts.items()))
    return 0


def cmd_pledge(args: argparse.Namespace) -> int:
    import json

    import yaml

    from geodata.io.pledge_text import parse_pledge_text, read_pledge_text
    from geodata.model import pledge_from_dict

    if args.pledge_command == "parse":
        parsed = parse_pledge_text(read_pledge_text(args.file))
        data = parsed.to_pledge_dict(args.id) if args.as_pledge else parsed.to_dict()
        text = (
            json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            if args.format == "json"
            else yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        )
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        for name in parsed.missing:
            print(f"pledgemap: not found in the text: {name}", file=sys.stderr)
        for warning in parsed.warnings:
            print(f"pledgemap: {warning}", file=sys.stderr)
        return 0
    from geodata.store import open_store

    try:
        data = yaml.safe_load(args.file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PledgemapError(f"{args.file.name}: not valid YAML or JSON ({exc})") from None
    pledge = pledge_from_dict(data)
    with open_store(args.data) as store:
        if any(p.id == pledge.id for p in store.list_pledges()) and not args.replace:
            raise PledgemapError(f"a pledge {pledge.id!r} is already stored; use --replace to replace it")
        store.save_pledge(pledge)
    print(f"Saved pledge {pledge.id}: {pledge.title} ({len(pledge.promises)} promises)")
    return 0


def _new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("Lösenord / password: ")
    if getpass.getpass("Igen / again: ") != first:
        raise PledgemapError("the two passwords differ; nothing was changed")
    return first


def cmd_user(args: argparse.Namespace) -> int:
    from geodata.access import accounts
    from geodata.store import open_store

    with open_store(args.data) as store:
        if args.user_command == "list":
            for account in store.list_users():
                extra = f" ({account.organisation})" if account.organisation else ""
                failures = store.sign_in_failures(account.username)
                waiting = f"\t{failures} failed sign-ins in a row" if failures else ""
                print(f"{account.username}\t{account.role}{extra}\t{account.display_name or ''}{waiting}")
            if not accounts.sign_in_required(store):
                print("No accounts: sign-in is off and the dashboard serves this machine only, as admin")
            return 0
        if args.user_command == "add":
            account = accounts.add_user(
                store,
                args.username,
                args.role,
                _new_password(args),
                organisation=args.organisation,
                display_name=args.name,
            )
            print(f"Added {account.username} ({account.role})")
        elif args.user_command == "passwd":
            accounts.set_password(store, args.username, _new_password(args))
            print(f"Changed the password of {args.username}")
        elif args.user_command == "unlock":
            cleared = accounts.unlock(store, args.username)
            print(f"Forgot {cleared} failed sign-in counters of {args.username}")
        else:
            accounts.remove_user(store, args.username)
            print(f"Removed {args.username}")
    return 0


def cmd_present(args: argparse.Namespace) -> int:
    from geodata.store import open_store

    with open_store(args.data) as store:
        if args.off:
            store.write_setting("presentation_pledge", None)
            print("Presentation mode is off")
        else:
            pledge = store.get_pledge(args.pledge)  # a clear error for an unknown pledge
            store.write_setting("presentation_pledge", pledge.id)
            print(f"Presentation mode shows {pledge.title} at /present (the public view, without sign-in)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from geodata.store import LayerQuery, open_store

    with open_store(args.data) as store:
        if args.list or not args.record:
            deleted = store.read_layer(args.layer, LayerQuery(deleted=True))
            for record in deleted.itertuples():
                print(f"{record.id}\t{record.updated_at:%Y-%m-%d %H:%M}")
            print(f"{len(deleted)} deleted {args.layer} records")
            return 0
        store.restore_record(args.layer, args.record)
    print(f"Restored {args.layer} record {args.record}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    import csv
    import json

    from geodata.store import open_store

    with open_store(args.data) as store:
        entries = store.read_audit(record_id=args.record)
    with args.output.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["at_utc", "actor", "action", "layer", "record_id", "before", "after"])
        for e in entries:
            writer.writerow(
                [
                    e.at.isoformat(),
                    e.actor,
                    e.action,
                    e.layer or "",
                    e.record_id or "",
                    json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
                    json.dumps(e.after, ensure_ascii=False) if e.after is not None else "",
                ]
            )
    print(f"Wrote {len(entries)} audit entries to {args.output}")
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


def cmd_analyze(args: argparse.Namespace) -> int:
    import geodata.analysis.getisord as gi
    import geodata.analysis.interventions as interventions
    from geodata.analysis.indicators import goal_trends
    from geodata.store import open_store

    with open_store(args.data) as store:
        try:
            if args.analysis == "hotspots":
                result = gi.hotspots_for_pledge(
                    store,
                    args.pledge,
                    start=args.start,
                    end=args.end,
                    categories=args.category,
                    cell_m=args.cell_m,
                    neighbourhood=gi.Neighbourhood(args.rings),
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
                    result.cells.to_crs(4326).to_file(args.output)
                    print(f"Wrote {len(result.cells)} cells to {args.output}")
            elif args.analysis == "intervention":
                options = dict(
                    days=args.days, buffer_m=args.buffer_m, control=_read_area(args.control) if args.control else None
                )
                if args.operation:
                    result = interventions.intervention_for_operation(
                        store, args.operation, radius_m=args.radius_m, categories=args.category, **options
                    )
                elif args.promise:
                    result = interventions.intervention_for_promise(
                        store, args.promise, radius_m=args.radius_m, categories=args.category, **options
                    )
                else:
                    if not (args.date and args.pledge):
                        raise PledgemapError("--area needs --date and --pledge")
                    records, study = gi.pledge_points(store, args.pledge, categories=args.category)
                    result = interventions.evaluate_intervention(
                        records, _read_area(args.area), args.date, label=args.area.name, study_area=study, **options
                    )
                c = result.counts
                print(
                    f"{result.label}: before {result.before[0]}–{result.before[1]}, "
                    f"after {result.after[0]}–{result.after[1]}"
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
            else:
                pledge = store.get_pledge(args.pledge)
                for trend in goal_trends(store, pledge):
                    print(f"{trend.goal.id}: {trend.goal.text}")
                    if trend.verdict == "no_indicator":
                        print("  no indicator linked ('pledgemap survey link')")
                        continue
                    print(f"  {trend.goal.indicator}, baseline {trend.baseline_year}: {trend.verdict}")
                    for row in trend.changes.itertuples():
                        print(
                            f"  {row.area_name}\t{row.baseline:g} → {row.latest:g} ({row.latest_year})"
                            f"\t{row.change:+g}\t{row.verdict}"
                        )
        except ValueError as exc:
            raise PledgemapError(str(exc)) from None
    return 0


def cmd_survey(args: argparse.Namespace) -> int:
    from dataclasses import replace as changed

    from geodata.analysis.indicators import import_survey
    from geodata.store import open_store

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


def cmd_copy(args: argparse.Namespace) -> int:
    from geodata.store import GeoPackageStore, copy_store, is_database_url, migrate, open_store

    if not is_database_url(args.source) and not Path(args.source).is_file():
        raise PledgemapError(f"{args.source} does not exist; expected a store to copy from")
    if is_database_url(args.target):
        migrate(args.target)
        target = open_store(args.target)
    elif Path(args.target).exists():
        raise PledgemapError(f"{args.target} already exists; expected a new file to copy into")
    else:
        target = GeoPackageStore.create(args.target)
    with open_store(args.source) as source, target:
        copied = copy_store(source, target)
    print(
        f"Copied {describe(args.source)} to {describe(args.target)}: "
        + ", ".join(f"{n} {table}" for table, n in copied.items() if n)
    )
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from geodata.store import is_database_url

    database = is_database_url(args.data)
    if not database and not args.data.exists():
        from geodata.demo import write_demo_store

        write_demo_store(args.data).close()
        print(f"No store at {args.data}: wrote one with the demo pledges and generated demo data.")
    from geodata.access.accounts import sign_in_required
    from geodata.store import open_store

    with open_store(args.data) as store:  # fail now, with a clear message, rather than on the first page view
        open_to_all = not sign_in_required(store)
    if open_to_all and args.host not in ("127.0.0.1", "localhost", "::1"):
        raise PledgemapError(
            f"{describe(args.data)} has no accounts, so whoever reaches the dashboard is its admin; it "
            f"is served on this machine only, not on {args.host}. Add an admin first ('pledgemap user "
            f"add NAME --role admin --data {describe(args.data)}') to serve it to others"
        )
    if not open_to_all and args.host not in ("127.0.0.1", "localhost", "::1") and not settings.allowed_hosts:
        print(
            "Warning: PLEDGEMAP_ALLOWED_HOSTS is not set, so the dashboard answers to any host name; set it to the "
            "name users reach it by, so pages on other sites cannot reach it through DNS rebinding",
            file=sys.stderr,
        )
    mode = 0 if database else args.data.stat().st_mode
    if mode & 0o077:
        print(
            f"Warning: {args.data} is readable by other users of this machine (mode {mode & 0o777:o}); it holds "
            f"accounts and police data: chmod 600 {args.data}",
            file=sys.stderr,
        )
    from dashboard.app import create_app

    settings = replace(settings, data=args.data, host=args.host, port=args.port)
    app = create_app(settings)
    print(f"Pledgemap: http://{settings.host}:{settings.port}/ (data: {describe(settings.data)})")
    app.run(host=settings.host, port=settings.port, debug=args.debug)
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        print(f"pledgemap: {exc}", file=sys.stderr)
        return 2
    args = build_parser(settings).parse_args(argv)
    try:
        if args.command == "serve":
            return cmd_serve(args, settings)
        if args.command == "export":
            return cmd_export(args, settings)
        return {
            "demo": cmd_demo,
            "info": cmd_info,
            "migrate": cmd_migrate,
            "import": cmd_import,
            "pledge": cmd_pledge,
            "user": cmd_user,
            "audit": cmd_audit,
            "present": cmd_present,
            "restore": cmd_restore,
            "analyze": cmd_analyze,
            "copy": cmd_copy,
            "survey": cmd_survey,
        }[args.command](args)
    except PledgemapError as exc:
        print(f"pledgemap: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
