"""Files uploaded through the browser, kept on the server between the dry run and the import.

An upload is saved under a random token in a folder of the system's
temporary directory that only this user may enter; callbacks pass the
token, never a path, so a crafted request cannot point the importer at
another file. Only a role that may import may upload (the check is
:func:`geodata.access.check_import`), and each account keeps at most a few
files (:class:`Quota`). The file as read by its first dry run is kept beside
it (:func:`read_upload`), so a dry run made again and the import do not parse
it again. The upload, its reading and its rejected rows are removed once
imported, and uploads never imported are removed after a day.

Messages never name a folder of the server: a file is named by the name it
was uploaded with (the page's words cut any other: ``dashboard.components.upload``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import pickle
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from dash import html

from dashboard.i18n import translator
from dashboard.settings import Settings
from geodata import ImportFileError, ImportLimits, PledgemapError
from geodata.access import Viewer, check_import

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Quota:
    """What the server keeps per account of files uploaded and not yet imported (their readings included).

    ``store`` names the store the accounts are of: every Pledgemap server of this system user keeps its
    uploads in one folder, and an account (or the local admin of a store without accounts) of one store
    shares no quota with another store's.
    """

    files: int = 5
    bytes: int = 250_000_000
    store: str = ""


def account_quota(settings: Settings) -> Quota:
    """The per-account quota ``settings`` give (``PLEDGEMAP_UPLOAD_FILES``, ``PLEDGEMAP_UPLOAD_MB``)."""
    # The store by a digest of its location: a database URL may hold a password, and the owner file is kept.
    store = hashlib.sha256(str(settings.data).encode("utf-8")).hexdigest()[:16]
    return Quota(files=settings.upload_files, bytes=settings.upload_mb * 1_000_000, store=store)


def _root() -> Path:
    root = Path(tempfile.gettempdir()) / f"pledgemap-uploads-{os.getuid()}"
    root.mkdir(mode=0o700, exist_ok=True)
    info = root.lstat()
    if root.is_symlink() or info.st_uid != os.getuid() or info.st_mode & 0o077:
        # The folder is named in the server's log, never to the user.
        log.error("%s is not a private folder of this user; uploads are refused until it is removed", root)
        raise ImportFileError(
            "the server's folder for uploads is not a private folder of its user; uploads are refused until it "
            "is removed",
            "server_uploads",
        )
    return root


TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600


def _safe_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name
    name = re.sub(r"[^\w.\- åäöÅÄÖ]", "_", name).strip(". ") or "fil"
    return name[:120]


def save_upload(
    contents: str,
    filename: str,
    limits: ImportLimits = ImportLimits(),
    *,
    owner: str = "local",
    quota: Quota | None = None,
) -> str:
    """Save a ``dcc.Upload`` data URL under a new token for the account ``owner`` and return the token.

    Raises :class:`ImportFileError` ``upload_quota`` when the account keeps
    as many files as its ``quota`` allows, or the new one would pass its bytes
    (the browser's uploads always have one: :func:`received_upload`).
    """
    header, _, data = (contents or "").partition(",")
    if not header.startswith("data:") or ";base64" not in header:
        raise ImportFileError(
            f"{filename}: the upload did not arrive as a file; try again", "upload_broken", file=filename
        )
    if len(data) * 3 // 4 > limits.max_bytes:
        raise ImportFileError(
            f"{filename}: the file is larger than {limits.max_bytes / 1e6:.0f} MB; split it into smaller files",
            "too_large",
            file=filename,
            mb=round(limits.max_bytes / 1e6),
        )
    try:
        raw = base64.b64decode(data, validate=True)
    except binascii.Error:
        raise ImportFileError(f"{filename}: the upload is damaged; try again", "upload_broken", file=filename) from None
    _remove_old()
    if quota is not None:
        _check_quota(owner, len(raw), quota)
    token = secrets.token_urlsafe(24)
    folder = _root() / token / "upload"
    folder.mkdir(parents=True, mode=0o700)
    (folder.parent / OWNER).write_text(owner, encoding="utf-8")
    (folder / _safe_name(filename)).write_bytes(raw)
    return token


OWNER = "owner"  # beside the upload's folder: the account that uploaded it, for its quota


def _check_quota(owner: str, size: int, quota: Quota) -> None:
    kept = [folder for folder in _root().iterdir() if _owner_of(folder) == owner]
    used = sum(_bytes(folder) for folder in kept)
    if len(kept) >= quota.files or used + size > quota.bytes:
        raise ImportFileError(
            f"the account {owner!r} keeps {len(kept)} uploaded files ({used / 1e6:.0f} MB) not yet imported; at most "
            f"{quota.files} files and {quota.bytes / 1e6:.0f} MB are kept per account (import them, or wait: "
            "uploads are removed after 24 hours)",
            "upload_quota",
            kept=len(kept),
            kept_mb=round(used / 1e6),
            files=quota.files,
            mb=round(quota.bytes / 1e6),
        )


def _owner_of(folder: Path) -> str | None:
    try:
        return (folder / OWNER).read_text(encoding="utf-8")
    except OSError:
        return None


def _bytes(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        try:
            total += path.lstat().st_size if path.is_file() else 0
        except OSError:
            pass
    return total


def read_upload(token: str | None, read: Callable[[Path], T], kind: str) -> T:
    """The upload under ``token`` as ``read(path)`` reads it: read by the first call, then kept beside the upload.

    A dry run made again (the answers changed) and the import re-plan from
    what is kept and do not parse the file again. It is kept as a pickle of
    the reader's own objects (``kind`` names which reader's, so that one
    page's reading is never taken for another's), written by this process
    only, mode 0600 in the upload's folder that only this user may enter
    (:func:`_root` checks it): nothing anyone else wrote is ever unpickled.
    """
    kept = _folder(token) / f"read-{kind}.pickle"
    path = upload_path(token)
    try:
        with kept.open("rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        pass
    try:
        value = read(path)
    except PledgemapError:
        # A file that cannot be read is refused whole: it is not kept (nor counted in its account's quota);
        # the page's words for it say to choose a file again.
        discard(token)
        raise
    part = kept.with_name(f"{kept.name}.{secrets.token_hex(4)}.part")
    with os.fdopen(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(part, kept)
    return value


def upload_path(token: str | None) -> Path:
    """The file saved under ``token``; raises :class:`ImportFileError` for an unknown or malformed token."""
    folder = _folder(token) / "upload"
    files = list(folder.iterdir()) if folder.is_dir() else []
    if len(files) != 1:
        raise ImportFileError("the uploaded file is no longer on the server; upload it again", "upload_gone")
    return files[0]


def rejects_folder(token: str | None) -> Path:
    """Where the rejected rows of the upload under ``token`` are written (beside it, not in its folder)."""
    folder = _folder(token) / "rejects"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def discard(token: str | None, owner: str | None = None) -> None:
    """Remove an upload, its reading and its rejected rows: they hold residents' data and are not kept once
    imported. With ``owner``, only if that account uploaded it."""
    folder = _folder(token)
    if owner is None or _owner_of(folder) == owner:
        shutil.rmtree(folder, ignore_errors=True)


def _folder(token: str | None) -> Path:
    if not token or not TOKEN.match(token):
        raise ImportFileError("no file is uploaded; choose a file first", "no_upload")
    return _root() / token


def _remove_old() -> None:
    limit = time.time() - KEEP_SECONDS
    for folder in _root().iterdir():
        try:
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:
            pass


def received_upload(
    contents: str | None,
    filename: str | None,
    lang: str,
    limits: ImportLimits,
    failed: Callable[[str, PledgemapError], Any],
    *,
    viewer: Viewer,
    page: str,
    quota: Quota,
    previous: str | None = None,
) -> tuple[str | None, Any]:
    """An upload kept for the dry run: its token and the line saying it was received, or no token and
    ``failed``'s words for a file the limits, the quota or the ``viewer``'s role on ``page`` refuse (then
    nothing is stored). The ``previous`` upload of the same form is removed first: a new file replaces it."""
    if not contents:
        return None, ""
    try:
        check_import(viewer, page)
        owner = f"{quota.store}:{viewer.username or viewer.role}"
        if previous:
            discard(previous, owner=owner)
        token = save_upload(contents, filename or "fil", limits, owner=owner, quota=quota)
    except PledgemapError as exc:
        return None, failed(lang, exc)
    received = translator(lang)("import.received")
    return token, html.P([received, " ", html.Strong(filename)], className="pm-import-file")
