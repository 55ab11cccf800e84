"""``pledgemap serve``: the dashboard, after checking that the store may be served where it is asked to be."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path

from dashboard.cli.common import add_data, describe
from dashboard.serving import bind_address, gunicorn_options, run_gunicorn
from dashboard.settings import Settings
from geodata import PledgemapError


def add_serve(commands, settings: Settings) -> None:
    serve = commands.add_parser("serve", help="run the dashboard (writes the demo store first if the file is missing)")
    add_data(serve, settings)
    serve.add_argument("--host", default=settings.host, help=f"address to listen on (default: {settings.host})")
    serve.add_argument("--port", type=int, default=settings.port, help=f"port to listen on (default: {settings.port})")
    serve.add_argument(
        "--basemap",
        type=Path,
        default=settings.basemap,
        metavar="FILE",
        help="a local MBTiles or PMTiles file of raster tiles: every map draws it, with no network "
        f"(default: $PLEDGEMAP_BASEMAP{f', {settings.basemap}' if settings.basemap else ''})",
    )
    serve.add_argument(
        "--workers",
        type=_positive,
        default=settings.workers,
        metavar="N",
        help=f"web server processes (default: $PLEDGEMAP_WORKERS, or one per core: {settings.workers})",
    )
    serve.add_argument(
        "--threads",
        type=_positive,
        default=settings.threads,
        metavar="N",
        help=f"threads in each process (default: $PLEDGEMAP_THREADS or {settings.threads})",
    )
    serve.add_argument(
        "--timeout",
        type=_positive,
        default=settings.timeout,
        metavar="SECONDS",
        help="seconds a request may take before its worker is restarted; longer than an import may take "
        f"(default: $PLEDGEMAP_TIMEOUT or {settings.timeout})",
    )
    serve.add_argument(
        "--debug",
        action="store_true",
        help="Flask's development server with Dash's debug mode and reloading (development only, one process)",
    )
    serve.set_defaults(run=partial(cmd_serve, settings=settings))


def _positive(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from dashboard.auth import LOOPBACK  # here: the web server's modules load only for serve
    from geodata.store import is_database_url

    if args.basemap != settings.basemap:
        settings = settings.with_basemap(args.basemap)  # a clear error now for a file that cannot be used
    database = is_database_url(args.data)
    if not database and not args.data.exists():
        from geodata import write_demo_store

        write_demo_store(args.data).close()
        print(f"No store at {args.data}: wrote one with the demo pledges and generated demo data.")
    from geodata import open_store
    from geodata.access.accounts import sign_in_required
    from geodata.store import close_connections

    with open_store(args.data) as store:  # fail now, with a clear message, rather than on the first page view
        open_to_all = not sign_in_required(store)
    close_connections(args.data)  # the workers are forked from this process: each opens its own
    if open_to_all and args.host not in LOOPBACK:
        raise PledgemapError(
            f"{describe(args.data)} has no accounts, so whoever reaches the dashboard is its admin; it "
            f"is served on this machine only, not on {args.host}. Add an admin first ('pledgemap user "
            f"add NAME --role admin --data {describe(args.data)}') to serve it to others"
        )
    if not open_to_all and args.host not in LOOPBACK and not settings.allowed_hosts:
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

    settings = replace(
        settings,
        data=args.data,
        host=args.host,
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        timeout=args.timeout,
    )
    app = create_app(settings)  # here, once: a problem stops serve with its message before any worker starts
    print(f"Pledgemap: http://{bind_address(settings.host, settings.port)}/ (data: {describe(settings.data)})")
    if settings.basemap is not None:
        print(f"Basemap: {settings.basemap}, served at {settings.tiles_url}")
    if args.debug:
        from werkzeug.serving import WSGIRequestHandler

        class Handler(WSGIRequestHandler):
            def version_string(self) -> str:  # no "Werkzeug/x Python/y" banner, even in development
                return "Pledgemap"

        app.run(host=settings.host, port=settings.port, debug=True, request_handler=Handler)
        return 0
    print(
        f"Serving with {settings.workers} process{'es' if settings.workers != 1 else ''} of "
        f"{settings.threads} thread{'s' if settings.threads != 1 else ''} (gunicorn); requests may take up to "
        f"{settings.timeout} s",
        flush=True,  # before the workers fork, or each would print it again
    )
    run_gunicorn(app.server, gunicorn_options(settings))
    return 0


COMMANDS = {"serve": add_serve}
