"""``pledgemap pledge``: read a published pledge text, add a reviewed pledge document."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.cli.common import add_data
from dashboard.settings import Settings
from geodata import PledgemapError
from geodata.io.exporter import PLEDGE_FORMATS


def add_pledge(commands, settings: Settings) -> None:
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
    add_data(add, settings)
    add.add_argument("file", type=Path, help="the pledge document")
    add.add_argument("--replace", action="store_true", help="replace a stored pledge with the same id")
    pledge.set_defaults(run=cmd_pledge)


def cmd_pledge(args: argparse.Namespace) -> int:
    import json

    import yaml

    from geodata import parse_pledge_text, pledge_from_dict, read_pledge_text

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
    from geodata import open_store

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


COMMANDS = {"pledge": add_pledge}
