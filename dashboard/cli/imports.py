"""``pledgemap import``: a file into the store, the same code as the dashboard's import page."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.cli.common import add_data
from dashboard.settings import Settings
from geodata import LAYERS, PledgemapError


def add_import(commands, settings: Settings) -> None:
    imp = commands.add_parser(
        "import",
        help="import a file into a layer: a dry run per row, then one transaction",
        description="Formats: GeoPackage, GeoJSON, zipped Shapefile, KML/KMZ, CSV, XLSX and "
        "other files GDAL reads. Nothing is written with --dry-run; otherwise every "
        "row lands or none does, unless --partial.",
    )
    add_data(imp, settings)
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
    imp.set_defaults(run=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    from dashboard.components.file_words import file_wording, reading_wordings
    from geodata import open_store
    from geodata.io import POLICE_EVENTS, commit_file, file_kind, plan_file

    defaults = _pairs(args.set, "--set")
    value_map: dict[str, dict[str, str]] = {}
    for field, text in _pairs(args.map_value, "--map-value").items():
        name, sep, original = field.partition(":")
        if not sep:
            raise PledgemapError(f"--map-value {field!r}: expected FIELD:TEXT=CODE")
        value_map.setdefault(name, {})[original] = text
    overrides = _pairs(args.map, "--map")
    if file_kind(args.file) == POLICE_EVENTS:
        return _import_police_events(args)
    if overrides and not args.layer:
        raise PledgemapError("--map needs --layer: the mapping is for one layer")
    with open_store(args.data) as store:
        plan = plan_file(
            store,
            args.file,
            args.layer,
            pledge_id=args.pledge,
            promise_id=args.promise,
            table=args.table,
            value_map=value_map,
            defaults=defaults,
            municipality_code=args.municipality,
            source_namespace=args.source,
            mapping_overrides=overrides,
            wordings=reading_wordings(),
        )
        for layer_plan in plan.layers:
            _print_plan(layer_plan)
        if args.dry_run:
            print("Dry run: nothing was written.")
            return 0
        try:
            written = commit_file(
                store,
                plan,
                partial=args.partial,
                rejects_path=args.rejects or args.file.with_name(f"{args.file.stem}-avvisade"),
                wording=file_wording("sv"),  # the rejected rows go to a person: Swedish, as the pages
            )
        except PledgemapError as exc:
            print(f"pledgemap: {exc}".splitlines()[0], file=sys.stderr)
            print("  (fix the rows above, answer unclear values with --map-value, or use --partial)", file=sys.stderr)
            return 1
    for result in written.layers:
        print(
            f"Wrote {len(result.written)} {result.layer} records"
            + (f"; {result.duplicates} already stored, skipped" if result.duplicates else "")
            + (f"; {result.rejected} rejected rows saved to {result.rejects_file}" if result.rejects_file else "")
        )
    return 0


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise PledgemapError(f"{option} {value!r}: expected NAME=VALUE")
        pairs[key.strip()] = rest.strip()
    return pairs


def _import_police_events(args: argparse.Namespace) -> int:
    from geodata import commit_file, open_store, plan_file

    plan = plan_file(None, args.file)  # police events are read and checked without the store
    batch = plan.events
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
            written = commit_file(store, plan, partial=args.partial)
        except PledgemapError as exc:
            print(
                f"pledgemap: police events: {exc}".splitlines()[0]
                + " (use --partial to store the events that could be read)",
                file=sys.stderr,
            )
            return 1
    print(f"Wrote {written.new_events} police events; {written.known_events} already stored, skipped")
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


COMMANDS = {"import": add_import}
