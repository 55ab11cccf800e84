"""A private PostgreSQL + PostGIS cluster for the tests: initdb into a temporary folder, pg_ctl on 127.0.0.1.

The machines run no database service of their own, so the tests start one
on a free port and stop it when they are done. PostgreSQL refuses to run as
root: as root, the cluster runs as Debian's ``postgres`` user.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def pg_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (the newest installed), or ``None``."""
    root = Path("/usr/lib/postgresql")
    versions = sorted(
        (p for p in root.glob("*/bin") if (p / "pg_ctl").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return versions[-1] if versions else None


def postgis_installed(bin_dir: Path) -> bool:
    version = bin_dir.parent.name
    return Path(f"/usr/share/postgresql/{version}/extension/postgis.control").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """Start a cluster; yields a URL for a fresh database with PostGIS; stops and removes it afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="pledgemap-pg-"))
    try:
        with cluster_in(folder, stop="immediate") as url:
            yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def cluster_in(folder: Path, settings: tuple[str, ...] = (), stop: str = "fast") -> Iterator[str]:
    """Start the cluster kept in ``folder`` (made there first if it holds none) on a free port of 127.0.0.1;
    yields the URL of its ``postgres`` database; stops it afterwards and leaves its files in ``folder``.

    ``settings`` are more server settings (``"shared_buffers=256MB"``); ``stop`` is pg_ctl's shutdown mode
    (``"immediate"`` for a cluster about to be removed). A benchmark keeps its loaded data here
    between runs; the tests use :func:`cluster`, which removes the folder.
    """
    bin_dir = pg_bin()
    if bin_dir is None or not postgis_installed(bin_dir):
        raise RuntimeError("PostgreSQL with PostGIS is not installed (Debian: postgresql postgresql-15-postgis-3)")
    folder.mkdir(parents=True, exist_ok=True)
    data, sockets = folder / "data", folder / "run"
    sockets.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    run = lambda cmd: subprocess.run(_as_server_user(cmd), check=True, capture_output=True, text=True)
    options = " ".join(f"-c {setting}" for setting in settings)
    try:
        if not (data / "PG_VERSION").exists():
            run(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "pledgemap",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            )
        run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(folder / "server.log"),
                "-w",
                "-t",
                "60",
                "-o",
                f"-p {port} -c listen_addresses=127.0.0.1 -k {sockets} -c fsync=off -c max_connections=200 {options}",
                "start",
            ]
        )
    except subprocess.CalledProcessError as exc:
        log = (folder / "server.log").read_text() if (folder / "server.log").exists() else ""
        raise RuntimeError(f"could not start PostgreSQL: {exc.stderr}\n{log}") from exc
    try:
        yield f"postgresql://pledgemap@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", stop, "-w", "stop"]),
            capture_output=True,
        )


def new_database(server_url: str, name: str) -> str:
    """Create database ``name`` with PostGIS on the cluster; its URL."""
    import psycopg

    with psycopg.connect(server_url.replace("postgresql://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = server_url.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return url
