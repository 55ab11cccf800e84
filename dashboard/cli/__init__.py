"""The ``pledgemap`` command.

Subcommands: ``serve`` (the dashboard), ``demo`` (write the demo store),
``info`` (what a store holds), ``migrate`` (create or upgrade a store),
``import`` and ``export`` (data in and out, the same code as the dashboard's
import page and export buttons), ``pledge`` (pledge documents) and ``report`` (the follow-up report). Everything
except ``serve`` and the HTML export works through ``geodata`` alone.

One module per group of commands owns their options and what they do:
:mod:`~dashboard.cli.serve`, :mod:`~dashboard.cli.store` (demo, info, migrate,
restore, audit, read-log, copy), :mod:`~dashboard.cli.retention`, :mod:`~dashboard.cli.imports`,
:mod:`~dashboard.cli.exports`
(export, present), :mod:`~dashboard.cli.pledges`, :mod:`~dashboard.cli.followup`, :mod:`~dashboard.cli.users`,
:mod:`~dashboard.cli.analysis`, :mod:`~dashboard.cli.surveys` and :mod:`~dashboard.cli.reports`. Each adds its
commands with ``COMMANDS[name](commands, settings)``, which sets the command's
``run`` handler; this module only assembles them and turns domain errors into
exit codes.
"""

from __future__ import annotations

import argparse
import sys

from dashboard.cli import (
    analysis,
    exports,
    followup,
    imports,
    pledges,
    reports,
    retention,
    serve,
    store,
    surveys,
    users,
)
from dashboard.settings import Settings
from geodata import PledgemapError, __version__

# The order of `pledgemap --help`: running and filling a store first, its upkeep after.
HELP_ORDER = (
    "serve",
    "demo",
    "info",
    "migrate",
    "import",
    "pledge",
    "followup",
    "user",
    "present",
    "restore",
    "audit",
    "read-log",
    "retention",
    "copy",
    "analyze",
    "survey",
    "export",
    "report",
)
MODULES = (serve, store, imports, pledges, followup, users, exports, analysis, surveys, reports, retention)


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pledgemap", description="Medborgarlöften on a map: the Pledgemap dashboard and its data store."
    )
    parser.add_argument("--version", action="version", version=f"pledgemap {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    adders = {name: add for module in MODULES for name, add in module.COMMANDS.items()}
    for name in HELP_ORDER:
        adders[name](commands, settings)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        print(f"pledgemap: {exc}", file=sys.stderr)
        return 2
    args = build_parser(settings).parse_args(argv)
    try:
        return args.run(args)
    except PledgemapError as exc:
        print(f"pledgemap: {exc}", file=sys.stderr)
        return 1
