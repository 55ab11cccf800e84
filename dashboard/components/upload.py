"""A file that cannot be read, said in the page's words: the same for the import page and the survey page."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.components.layout import alert
from dashboard.i18n import catalogue, fill
from geodata import ImportFileError, PledgemapError


def file_alert(
    lang: str, exc: PledgemapError, step: str, values: dict[str, Any] | None = None, title: str | None = None
) -> html.Div:
    """A file that cannot be read, in the page's words, with the page's own next ``step`` (never a flag);
    ``values`` fill a known error's words beside its own, ``title`` heads it."""
    words = catalogue(lang)
    code = getattr(exc, "code", None)
    if isinstance(exc, ImportFileError) and code and f"file_error.{code}" in words:
        filled = {"step": step, "button": words["import.dry_run"], **exc.params, **(values or {})}
        return alert(lang, fill(words[f"file_error.{code}"], **filled), title=title)
    if isinstance(exc, ImportFileError):
        return alert(lang, words["file_error.other"].format(detail=str(exc)))
    return alert(lang, exc)
