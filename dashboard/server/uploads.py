"""Files uploaded through the browser, kept on the server between the dry run and the import.

An upload is saved under a random token in a folder of the system's
temporary directory that only this user may enter; callbacks pass the
token, never a path, so a crafted request cannot point the importer at
another file. The upload and its rejected rows are removed once imported,
and uploads never imported are removed after a day.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dash import html

from dashboard.i18n import translator
from geodata import ImportFileError, ImportLimits, PledgemapError


def _root() -> Path:
    root = Path(tempfile.gettempdir()) / f"pledgemap-uploads-{os.getuid()}"
    root.mkdir(mode=0o700, exist_ok=True)
    info = root.lstat()
    if root.is_symlink() or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise ImportFileError(
            f"{root} is not a private folder of this user; uploads are refused until it is removed", "server_uploads"
        )
    return root


TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600


def _safe_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name
    name = re.sub(r"[^\w.\- åäöÅÄÖ]", "_", name).strip(". ") or "fil"
    return name[:120]


def save_upload(contents: str, filename: str, limits: ImportLimits = ImportLimits()) -> str:
    """Save a ``dcc.Upload`` data URL under a new token and return the token."""
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
    token = secrets.token_urlsafe(24)
    folder = _root() / token / "upload"
    folder.mkdir(parents=True, mode=0o700)
    (folder / _safe_name(filename)).write_bytes(raw)
    return token


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


def discard(token: str | None) -> None:
    """Remove an upload and its rejected rows: they hold residents' data and are not kept once imported."""
    shutil.rmtree(_folder(token), ignore_errors=True)


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
) -> tuple[str | None, Any]:
    """An upload kept for the dry run: its token and the line saying it was received, or no token and
    ``failed``'s words for a file the limits refuse."""
    if not contents:
        return None, ""
    try:
        token = save_upload(contents, filename or "fil", limits)
    except PledgemapError as exc:
        return None, failed(lang, exc)
    received = translator(lang)("import.received")
    return token, html.P([received, " ", html.Strong(filename)], className="pm-import-file")
