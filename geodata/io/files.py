"""Files written from a store's data, with the store's permissions from the moment they exist.

An export, a report, a pledge's text or an import's rejected rows hold what
the store holds, so they are readable by whom the store is readable by and
no one else: a store at 0600 gives 0600 files, one at 0640 gives 0640. A
PostgreSQL store is no file, so what is written from it is its owner's only
(0600), as is anything written without a store.

A file is first written under its own name in a folder only its owner can
open (``mkdtemp`` makes it 0700), given its mode there, and then moved into
place: there is no moment when others can read it, whatever the process's
umask or the library that writes it (GDAL, zipfile, openpyxl), and an
interrupted write never leaves half a file at the path. No umask is changed,
so a server's other threads are not touched.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geodata.location import is_database_url

OWNER_ONLY = 0o600


def store_mode(where: object) -> int:
    """The permission bits files written from the store at ``where`` get (a store, a path or a URL).

    A GeoPackage's own read and write bits (never execute), :data:`OWNER_ONLY` for a database, a store not
    found or nothing at all.

    >>> store_mode("postgresql://pm@localhost/pledgemap") == OWNER_ONLY
    True
    """
    where = getattr(where, "location", where)
    if not isinstance(where, (str, os.PathLike)) or is_database_url(where):
        return OWNER_ONLY  # a database, nothing, or or a store that does not say where it is
    try:
        return stat.S_IMODE(os.stat(where).st_mode) & 0o666 | stat.S_IRUSR | stat.S_IWUSR
    except (OSError, ValueError):
        return OWNER_ONLY


@contextmanager
def private_file(path: str | Path, mode: int = OWNER_ONLY) -> Iterator[Path]:
    """A path to write ``path``'s content to, moved to ``path`` with ``mode`` once the block ends without error.

    The yielded path has ``path``'s name (so a writer that picks its format by the suffix picks the same one),
    in a folder beside it that only the owner can open; on an error nothing at ``path`` changes.
    """
    path = Path(path)
    folder = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        written = folder / path.name
        yield written
        os.chmod(written, mode)
        os.replace(written, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_file(path: str | Path, content: bytes | str, mode: int = OWNER_ONLY, encoding: str = "utf-8") -> Path:
    """Write ``content`` (text in ``encoding``) to ``path`` with ``mode`` (see :func:`private_file`)."""
    data = content.encode(encoding) if isinstance(content, str) else content
    with private_file(path, mode) as written:
        written.write_bytes(data)
    return Path(path)
