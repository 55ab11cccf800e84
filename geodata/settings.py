"""Settings, read once from the environment and command line, then passed in."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

DEFAULT_DATA = Path("data") / "pledgemap.gpkg"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@dataclass(frozen=True)
class Settings:
    """Where the data is and where the dashboard listens.

    Environment: ``PLEDGEMAP_DATA``, ``PLEDGEMAP_HOST``, ``PLEDGEMAP_PORT``,
    ``PLEDGEMAP_TILES`` (a raster tile URL template with ``{z}/{x}/{y}``, or
    ``none`` for a plain background that needs no network).
    """

    data: Path = DEFAULT_DATA
    host: str = "127.0.0.1"
    port: int = 8050
    tiles_url: str | None = OSM_TILES

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        settings = cls()
        if env.get("PLEDGEMAP_DATA"):
            settings = replace(settings, data=Path(env["PLEDGEMAP_DATA"]))
        if env.get("PLEDGEMAP_HOST"):
            settings = replace(settings, host=env["PLEDGEMAP_HOST"])
        if "PLEDGEMAP_TILES" in env:
            tiles = env["PLEDGEMAP_TILES"].strip()
            if tiles.lower() in ("", "none", "off"):
                settings = replace(settings, tiles_url=None)
            elif not all(part in tiles for part in ("{z}", "{x}", "{y}")):
                raise ValueError(f"PLEDGEMAP_TILES is {tiles!r}; expected a URL template with {{z}}, {{x}} and {{y}}, "
                                 "or 'none'")
            else:
                settings = replace(settings, tiles_url=tiles)
        if env.get("PLEDGEMAP_PORT"):
            try:
                settings = replace(settings, port=int(env["PLEDGEMAP_PORT"]))
            except ValueError:
                raise ValueError(f"PLEDGEMAP_PORT is {env['PLEDGEMAP_PORT']!r}; expected a port number") from None
        return settings
