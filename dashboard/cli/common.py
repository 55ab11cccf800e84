"""What every command shares: the ``--data`` option and how a store's location is read and shown."""

from __future__ import annotations

import argparse

from dashboard.settings import Settings
from geodata.location import describe, location


def add_data(parser: argparse.ArgumentParser, settings: Settings) -> None:
    parser.add_argument(
        "--data",
        type=location,
        default=settings.data,
        help="the store: a GeoPackage file, or a postgresql://user@host:port/db URL "
        f"(default: $PLEDGEMAP_DATA or {describe(settings.data)})",
    )
