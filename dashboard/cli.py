"""The ``pledgemap`` command.

Subcommands: ``serve`` (the dashboard), ``demo`` (write the demo store),
``info`` (what a store holds) and ``migrate`` (create or upgrade a store).
Everything except ``serve`` works through ``geodata`` alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

from geodata.errors import PledgemapError
from geodata.settings import Settings


def _add_data(parser: argparse.ArgumentParser, settings: Settings) -> None:
    parser.add_argument("--data", type=Path, default=settings.data,
                        help=f"the GeoPackage store (default: $PLEDGEMAP_DATA or {settings.data})")


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pledgemap", description="Medborgarlöften on a map: the Pledgemap dashboard "
                                                                   "and its data store.")
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
    info.add_argument("--today", type=dt.date.fromisoformat, default=None,
                      help="judge progress as of this date (default: today)")

    migrate = commands.add_parser("migrate", help="create the store or bring it to the current schema version")
    _add_data(migrate, settings)
    return parser


def cmd_demo(args: argparse.Namespace) -> int:
    from geodata.demo import DEFAULT_SEED, write_demo_store

    if args.data.exists():
        if not args.force:
            print(f"pledgemap: {args.data} already exists; use --force to replace it", file=sys.stderr)
            return 1
        args.data.unlink()
    with write_demo_store(args.data, DEFAULT_SEED if args.seed is None else args.seed) as store:
        counts, pledges = store.counts(), store.list_pledges()
    print(f"Wrote demo store {args.data}: {len(pledges)} pledges, "
          + ", ".join(f"{n} {layer}" for layer, n in counts.items()) + " (generated demo records)")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from geodata.progress import pledge_progress
    from geodata.store import open_store

    today = args.today or dt.date.today()
    with open_store(args.data) as store:
        pledges = store.list_pledges()
        print(f"Store {args.data} (schema version {store.schema_version()}): {len(pledges)} pledges")
        for pledge in pledges:
            print()
            print(f"{pledge.id}: {pledge.title}")
            print(f"  {pledge.municipality.name} ({pledge.municipality.code}), {pledge.police_area.name}"
                  f"{f' ({pledge.police_area.code})' if pledge.police_area.code else ''}, "
                  f"{pledge.period.start} – {pledge.period.end}")
            print(f"  Focus: {pledge.focus}")
            print(f"  Promises (progress as of {today}):")
            for p in pledge_progress(store, pledge, today):
                parties = ", ".join(pledge.partner(x).short_name or pledge.partner(x).name for x in p.promise.parties)
                target = f" of {p.target}" if p.target else ""
                print(f"    - {p.promise.id} [{p.promise.kind}; {parties}]: {p.delivered}{target} "
                      f"{p.promise.evidence.layer} records, {p.status}")
            print(f"  Goals: {len(pledge.goals)}")
            counts, demo = store.counts(pledge.id), store.counts(pledge.id, demo_only=True)
            print("  Layers: " + ", ".join(f"{layer} {n}" + (f" ({demo[layer]} demo)" if demo[layer] else "")
                                           for layer, n in counts.items()))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from geodata.store import migrate

    before, after = migrate(args.data)
    if before == after:
        print(f"{args.data} is already at schema version {after}")
    else:
        print(f"{args.data}: schema version {before} → {after}")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    if not args.data.exists():
        from geodata.demo import write_demo_store

        write_demo_store(args.data).close()
        print(f"No store at {args.data}: wrote one with the demo pledges and generated demo data.")
    from geodata.store import open_store

    open_store(args.data).close()  # fail now, with a clear message, rather than on the first page view
    from .app import create_app

    settings = replace(settings, data=args.data, host=args.host, port=args.port)
    app = create_app(settings)
    print(f"Pledgemap: http://{settings.host}:{settings.port}/ (data: {settings.data})")
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
        return {"demo": cmd_demo, "info": cmd_info, "migrate": cmd_migrate}[args.command](args)
    except PledgemapError as exc:
        print(f"pledgemap: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
