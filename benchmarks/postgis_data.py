"""The national data sets in a real PostgreSQL + PostGIS, for benchmarks that measure the PostGIS backend.

    from postgis_data import postgis_url_for
    with postgis_url_for(DATA / "national-1000000.gpkg") as url:
        ...  # open_store(url), or serve with PLEDGEMAP_DATA=url

    .venv/bin/python benchmarks/postgis_data.py benchmarks/data/national-1000000.gpkg   # load it now, say how long

The cluster is the tests' private one (``tests/pg_cluster.py``: initdb, pg_ctl on 127.0.0.1, a free port),
kept in ``benchmarks/data/postgis/`` between runs: each GeoPackage is loaded once, with ``pledgemap copy`` (the
product's own whole-store copy, with its checks), into a database named after the file, its size and its
modification time (a regenerated file is loaded again). Loading is timed and printed on stderr: on the 2-core
benchmark machine national-10000 takes 4 s, national-1000000 about 3 minutes (``pledgemap copy`` 176 s, peak
RSS 5.4 GB, as the copy holds every table in memory; then VACUUM (ANALYZE) 7 s). A database loaded at an older
schema is migrated when next asked for (1M reports from schema 5 to 6: the stored points and covering index).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLUSTER = HERE / "data" / "postgis"
# The server's settings for a benchmark: a buffer cache that holds the map's indexes at 1M reports.
SETTINGS = ("shared_buffers=512MB", "work_mem=32MB", "maintenance_work_mem=256MB", "max_wal_size=4GB")
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))


def _database_name(gpkg: Path) -> str:
    stat = gpkg.stat()
    stem = re.sub(r"[^a-z0-9]+", "_", gpkg.stem.lower()).strip("_")
    return f"{stem}_{stat.st_size}_{stat.st_mtime_ns // 1_000_000_000}"[:63]


def _say(text: str) -> None:
    print(f"postgis_data: {text}", file=sys.stderr, flush=True)


def _exists(server: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def _vacuum(url: str) -> float:
    """VACUUM (ANALYZE) the whole database: planner statistics, and the visibility map index-only scans need."""
    import psycopg

    begun = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - begun


def _load(server: str, gpkg: Path, name: str) -> None:
    import psycopg

    from pg_cluster import new_database

    loading = f"{name[:55]}_loading"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{loading}" WITH (FORCE)')  # a load cut short before
    url = new_database(server, loading)
    pledgemap = Path(sys.executable).parent / "pledgemap"
    _say(f"loading {gpkg.name} into PostGIS with 'pledgemap copy' ...")
    begun = time.perf_counter()
    subprocess.run([str(pledgemap), "copy", "--from", str(gpkg), "--to", url], check=True, cwd=ROOT)
    copied = time.perf_counter() - begun
    vacuumed = _vacuum(url)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{loading}" RENAME TO "{name}"')
    _say(f"loaded {gpkg.name}: copy {copied:.1f} s, VACUUM (ANALYZE) {vacuumed:.1f} s")


@contextlib.contextmanager
def postgis_url_for(gpkg_path: Path | str) -> Iterator[str]:
    """A ``postgresql://`` store URL holding what the GeoPackage store ``gpkg_path`` holds, on a local server.

    Starts the PostgreSQL + PostGIS cluster kept in ``benchmarks/data/postgis/`` (made there the first time)
    on a free port of 127.0.0.1 and yields the URL of a database with the file's data at the current schema;
    stops the server when the block ends. The first time a file is asked for it is loaded with ``pledgemap
    copy`` and vacuumed (a million reports: minutes, printed on stderr); after that the database is kept, and
    only migrated when the schema has moved on (then vacuumed again). One caller at a time: a second waits for
    the first to finish. Open the store with ``geodata.open_store(url)``; a server serving it needs
    ``PLEDGEMAP_SECRET`` set, as every database store does.
    """
    from geodata.store import migrate
    from geodata.store.postgis.store import dispose

    from pg_cluster import cluster_in

    gpkg = Path(gpkg_path).resolve()
    if not gpkg.is_file():
        raise FileNotFoundError(f"{gpkg} does not exist; generate it with benchmarks/national.py")
    CLUSTER.mkdir(parents=True, exist_ok=True)
    with open(CLUSTER.parent / "postgis.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with cluster_in(CLUSTER, settings=SETTINGS) as server:
            name = _database_name(gpkg)
            if not _exists(server, name):
                _load(server, gpkg, name)
            url = server.rsplit("/", 1)[0] + f"/{name}"
            begun = time.perf_counter()
            before, after = migrate(url)  # migrate() vacuums the layers itself after a migration
            if before != after:
                _say(f"{name}: schema {before} → {after} in {time.perf_counter() - begun:.1f} s")
            try:
                yield url
            finally:
                dispose(url)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gpkg", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for path in args.gpkg:
        begun = time.perf_counter()
        with postgis_url_for(path) as url:
            print(f"{path.name}: {url} ready in {time.perf_counter() - begun:.1f} s")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PLEDGEMAP_TILES", "none")
    raise SystemExit(main())
