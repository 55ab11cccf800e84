"""A file that cannot be read, said in the page's words: the same for the import page and the survey page."""

from __future__ import annotations

import os
import re
import tempfile
from typing import Any

from dash import html

from dashboard.components.layout import alert
from dashboard.i18n import catalogue, fill, number
from geodata import ImportFileError, PledgemapError
from geodata.access import AccessError


def file_alert(
    lang: str, exc: PledgemapError, step: str, values: dict[str, Any] | None = None, title: str | None = None
) -> html.Div:
    """A file that cannot be read, in the page's words, with the page's own next ``step`` (never a flag);
    ``values`` fill a known error's words beside its own, ``title`` heads it. No folder of the server is
    ever shown: a message that names one is cut to the file's name (:func:`without_paths`)."""
    words = catalogue(lang)
    code = getattr(exc, "code", None)
    if isinstance(exc, AccessError):
        return alert(lang, words["access.import_refused"])
    if isinstance(exc, ImportFileError) and code and f"file_error.{code}" in words:
        filled = {"step": step, "button": words["import.dry_run"], **numbers(exc.params, lang), **(values or {})}
        return alert(lang, without_paths(fill(words[f"file_error.{code}"], **filled)), title=title)
    if isinstance(exc, ImportFileError):
        return alert(lang, words["file_error.other"].format(detail=without_paths(str(exc))))
    return alert(lang, without_paths(str(exc)))


def numbers(params: dict[str, Any], lang: str) -> dict[str, Any]:
    """An error's parameters with its numbers written as ``lang`` writes them (Swedish "200 000", "0,5").

    Numbers of four digits stay whole (a year, "3000 MB"), as Swedish writes them too.

    >>> numbers({"max": 200000, "mb": 3000, "seconds": 0.5, "file": "a.csv"}, "sv")["max"] == "200\u00a0000"
    True
    >>> numbers({"mb": 3000, "seconds": 0.5, "file": "a.csv"}, "sv")
    {'mb': '3000', 'seconds': '0,5', 'file': 'a.csv'}
    """

    def written(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return value
        if float(value).is_integer() and abs(value) < 10_000:
            return str(int(value))
        return number(value, lang, 0 if float(value).is_integer() else 1)

    return {key: written(value) for key, value in params.items()}


def without_paths(text: str) -> str:
    """``text`` without the server's folders: a path under the temporary directory is cut to its last part.

    >>> import tempfile
    >>> without_paths(f"{tempfile.gettempdir()}/pledgemap-uploads-0/abc/upload/fel.xlsx is not a zip file")
    'fel.xlsx is not a zip file'
    """
    folders = {tempfile.gettempdir(), os.path.realpath(tempfile.gettempdir())}
    for folder in sorted(folders, key=len, reverse=True):
        text = re.sub(re.escape(folder.rstrip("/")) + r"/(?:[^/\s'\"]*/)*", "", text)
    return text
