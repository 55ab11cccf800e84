"""What every command shares: the ``--data`` option and how a store's location is read and shown."""

from __future__ import annotations

import argparse

from dashboard.settings import Settings


def add_data(parser: argparse.ArgumentParser, settings: Settings) -> None:
    parser.add_argument(
        "--data",
        type=store_location,
        default=settings.data,
        help="the store: a GeoPackage file, or a postgresql://user@host:port/db URL "
        f"(default: $PLEDGEMAP_DATA or {describe(settings.data)})",
    )


def store_location(text: str):
    from geodata.store import location

    return location(text)


def describe(where) -> str:
    from geodata.store import describe as store_description

    return store_description(where)
