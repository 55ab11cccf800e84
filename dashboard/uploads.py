"""Files uploaded through the browser, kept on the server between the dry run and the import.

An upload is saved under a random token in one folder of the system's
temporary directory; callbacks pass the token, never a path, so a crafted
request cannot point the importer at another file. Old uploads are removed
as new ones arrive.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from geodata.errors import ImportFileError
from geodata.readers import ImportLimits

ROOT = Path(tempfile.gettempdir()) / "pledgemap-uploads"
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
        raise ImportFileError(f"{filename}: the upload did not arrive as a file; try again")
    if len(data) * 3 // 4 > limits.max_bytes:
        raise ImportFileError(f"{filename}: the file is larger than {limits.max_bytes / 1e6:.0f} MB; split it into "
                              "smaller files")
    try:
        raw = base64.b64decode(data, validate=True)
    except binascii.Error:
        raise ImportFileError(f"{filename}: the upload is damaged; try again") from None
    _remove_old()
    token = secrets.token_urlsafe(24)
    folder = ROOT / token
    folder.mkdir(parents=True, mode=0o700)
    (folder / _safe_name(filename)).write_bytes(raw)
    return token


def upload_path(token: str | None) -> Path:
    """The file saved under ``token``; raises :class:`ImportFileError` for an unknown or malformed token."""
    if not token or not TOKEN.match(token):
        raise ImportFileError("no file is uploaded; choose a file first")
    files = list((ROOT / token).glob("*")) if (ROOT / token).is_dir() else []
    if len(files) != 1:
        raise ImportFileError("the uploaded file is no longer on the server; upload it again")
    return files[0]


def _remove_old() -> None:
    if not ROOT.is_dir():
        return
    limit = time.time() - KEEP_SECONDS
    for folder in ROOT.iterdir():
        try:
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:
            pass
