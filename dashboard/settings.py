"""Settings, read once from the environment and command line, then passed in."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from geodata.location import location

DEFAULT_DATA = Path("data") / "pledgemap.gpkg"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"
# Where the dashboard serves a local basemap file's tiles (dashboard/server/tiles.py); the extension is the file's.
LOCAL_TILES = "/tiles/{z}/{x}/{y}"


@dataclass(frozen=True)
class Settings:
    """Where the data is and where the dashboard listens.

    Environment: ``PLEDGEMAP_DATA``, ``PLEDGEMAP_HOST``, ``PLEDGEMAP_PORT``,
    ``PLEDGEMAP_TILES`` (a raster tile URL template with ``{z}/{x}/{y}``, or
    ``none`` for a plain background that needs no network), ``PLEDGEMAP_BASEMAP``
    (a local MBTiles or PMTiles file of raster tiles, served by the dashboard
    itself and used instead of ``PLEDGEMAP_TILES``; see :meth:`with_basemap`),
    ``PLEDGEMAP_ALLOWED_HOSTS`` (comma-separated host names), ``PLEDGEMAP_PROXY_HOPS``,
    ``PLEDGEMAP_SESSION_HOURS``, ``PLEDGEMAP_ACCESSIBILITY_CONTACT`` (where the accessibility statement
    tells readers to report a problem: the running organisation's e-mail, telephone or web form),
    ``PLEDGEMAP_IMPORT_SECONDS`` and ``PLEDGEMAP_IMPORT_MEMORY_MB`` (how long and with how much memory one
    file to import may be read: :class:`geodata.io.bounded.WorkLimits`), ``PLEDGEMAP_UPLOAD_FILES`` and
    ``PLEDGEMAP_UPLOAD_MB`` (how many uploaded files, and how many MB of them, the server keeps per account).
    ``PLEDGEMAP_WORKERS``, ``PLEDGEMAP_THREADS`` and ``PLEDGEMAP_TIMEOUT`` (the web server's processes, the
    threads of each and the seconds a request may take: :mod:`dashboard.serving`).
    """

    data: Path | str = DEFAULT_DATA  # a GeoPackage file, or a postgresql:// URL
    host: str = "127.0.0.1"
    port: int = 8050
    # The tile URL template every map of the dashboard loads (the local route when a basemap file is set).
    tiles_url: str | None = OSM_TILES
    tiles_attribution: str = OSM_ATTRIBUTION
    # A local basemap file (MBTiles or PMTiles, raster): served at LOCAL_TILES, embedded in standalone maps.
    basemap: Path | None = None
    # Host names the dashboard answers to (besides this machine's own); empty: any, once sign-in is on.
    allowed_hosts: tuple[str, ...] = ()
    # How many reverse proxies in front set X-Forwarded-For/-Proto/-Host (0: trust none of these headers).
    proxy_hops: int = 0
    # A session ends this many hours after sign-in, whatever the browser does.
    session_hours: float = 10.0
    # The accessibility statement's feedback contact; None shows a marked placeholder on the statement.
    accessibility_contact: str | None = None
    # How long and with how much memory one file to import may be read (in a worker process): see import_work.
    import_seconds: float = 120.0
    import_memory_mb: int = 3000
    # What the server keeps per account of files uploaded and not yet imported (dashboard/server/uploads.py).
    upload_files: int = 5
    upload_mb: int = 250
    # The web server (dashboard/serving.py): processes (one per core uses them all), threads in each (a request
    # waiting on the store or an import's worker process leaves the others free), and the seconds a request may
    # take before its worker is restarted: above the longest import a dry run or import may take.
    workers: int = field(default_factory=lambda: default_workers())
    threads: int = 4
    timeout: int = 300

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        settings = cls()
        if env.get("PLEDGEMAP_DATA"):
            settings = replace(settings, data=location(env["PLEDGEMAP_DATA"]))  # a database URL stays text
        if env.get("PLEDGEMAP_HOST"):
            settings = replace(settings, host=env["PLEDGEMAP_HOST"])
        if "PLEDGEMAP_TILES" in env:
            tiles = env["PLEDGEMAP_TILES"].strip()
            if tiles.lower() in ("", "none", "off"):
                settings = replace(settings, tiles_url=None)
            elif not all(part in tiles for part in ("{z}", "{x}", "{y}")):
                raise ValueError(
                    f"PLEDGEMAP_TILES is {tiles!r}; expected a URL template with {{z}}, {{x}} and {{y}}, or 'none'"
                )
            else:
                settings = replace(settings, tiles_url=tiles)
        if env.get("PLEDGEMAP_BASEMAP", "").strip().lower() not in ("", "none", "off"):
            from geodata.basemap import BasemapError

            try:
                settings = settings.with_basemap(Path(env["PLEDGEMAP_BASEMAP"].strip()))
            except BasemapError as error:
                raise ValueError(f"PLEDGEMAP_BASEMAP: {error}") from None
        if env.get("PLEDGEMAP_PORT"):
            settings = replace(settings, port=_number(env, "PLEDGEMAP_PORT", int, "a port number"))
        if env.get("PLEDGEMAP_ALLOWED_HOSTS"):
            hosts = tuple(h.strip().lower() for h in env["PLEDGEMAP_ALLOWED_HOSTS"].split(",") if h.strip())
            settings = replace(settings, allowed_hosts=hosts)
        if env.get("PLEDGEMAP_PROXY_HOPS"):
            hops = _number(env, "PLEDGEMAP_PROXY_HOPS", int, "the number of proxies in front (0, 1, 2, ...)")
            if hops < 0:
                raise ValueError(f"PLEDGEMAP_PROXY_HOPS is {hops}; expected 0 or more")
            settings = replace(settings, proxy_hops=hops)
        if env.get("PLEDGEMAP_SESSION_HOURS"):
            hours = _number(env, "PLEDGEMAP_SESSION_HOURS", float, "a number of hours")
            if not 0 < hours <= 24 * 31:
                raise ValueError(f"PLEDGEMAP_SESSION_HOURS is {hours}; expected more than 0 and at most 744 (31 days)")
            settings = replace(settings, session_hours=hours)
        for name, what in (("workers", "processes"), ("threads", "threads per process"), ("timeout", "seconds")):
            variable = f"PLEDGEMAP_{name.upper()}"
            if env.get(variable):
                settings = replace(settings, **{name: _count(env, variable, what)})
        if env.get("PLEDGEMAP_ACCESSIBILITY_CONTACT", "").strip():
            settings = replace(settings, accessibility_contact=env["PLEDGEMAP_ACCESSIBILITY_CONTACT"].strip())
        if env.get("PLEDGEMAP_IMPORT_SECONDS"):
            seconds = _number(env, "PLEDGEMAP_IMPORT_SECONDS", float, "a number of seconds")
            if not 0 < seconds <= 3600:
                raise ValueError(f"PLEDGEMAP_IMPORT_SECONDS is {seconds:g}; expected more than 0 and at most 3600")
            settings = replace(settings, import_seconds=seconds)
        for name, key, least in (
            ("import_memory_mb", "PLEDGEMAP_IMPORT_MEMORY_MB", 100),
            ("upload_files", "PLEDGEMAP_UPLOAD_FILES", 1),
            ("upload_mb", "PLEDGEMAP_UPLOAD_MB", 1),
        ):
            if env.get(key):
                value = _number(env, key, int, "a whole number")
                if value < least:
                    raise ValueError(f"{key} is {value}; expected at least {least}")
                settings = replace(settings, **{name: value})
        return settings

    def with_basemap(self, path: Path | None) -> Settings:
        """These settings with the local basemap ``path`` (or none), checked now: every map draws its tiles.

        Raises :class:`geodata.basemap.BasemapError` when the file is missing,
        not MBTiles or PMTiles, damaged, or of vector tiles.
        """
        if path is None:
            return replace(self, basemap=None)
        from geodata.basemap import open_basemap

        tiles = open_basemap(path)
        return replace(
            self,
            basemap=Path(path),
            tiles_url=f"{LOCAL_TILES}.{tiles.format}",
            tiles_attribution=tiles.attribution or tiles.name or Path(path).name,
        )

    @property
    def import_work(self):
        """The time and memory one file to import may take to read (:class:`geodata.io.bounded.WorkLimits`)."""
        from geodata.io.bounded import WorkLimits

        return WorkLimits(seconds=self.import_seconds, memory_bytes=self.import_memory_mb * 1_000_000)

    @property
    def online_tiles(self) -> str | None:
        """The tile URL template a map file may try when it is opened with a network (none with a local basemap)."""
        return None if self.basemap is not None else self.tiles_url


def default_workers() -> int:
    """One web server process per core this process may run on (2 on a 2-core machine), at most 8."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 8))


def _count(env: Mapping[str, str], name: str, what: str) -> int:
    count = _number(env, name, int, f"a whole number of {what}, 1 or more")
    if count < 1:
        raise ValueError(f"{name} is {count}; expected a whole number of {what}, 1 or more")
    return count


def _number(env: Mapping[str, str], name: str, kind, expected: str):
    try:
        return kind(env[name])
    except ValueError:
        raise ValueError(f"{name} is {env[name]!r}; expected {expected}") from None
