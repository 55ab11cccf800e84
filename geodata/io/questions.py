"""What an import asks the user: once per missing field, once per unclear value, with guesses the file supports.

A file a municipality really has often leaves a required field empty for
every row (a survey export without a source column, a safety walk drawn in
My Maps without dates), or writes a category in its own words. Rejecting each
row for it says the same thing many times and hides the one answer that fixes
them all. :func:`ask` turns these into questions: one per field that is empty
in several rows (or the whole file), one per distinct unclear value, each with
the rows it concerns and the likely answers first. Row-by-row problems (a
wrong coordinate, a bad date in one row) stay row by row.

A guess comes only from what the file itself says (:func:`guesses`): a
document, folder, sheet or file name that names a source ("Trygghetsvandring
Kinna") or a date ("... 2021-09-14"). It is shown as a guess: the command line
applies it and says so, the import page asks the user to confirm it. Nothing
is filled silently.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from geodata.io.columns import CHOICE_WORDS, _norm, date_in_text, map_choice
from geodata.io.readers import SourceTable
from geodata.layers import Layer
from geodata.validate import is_missing

# A required field empty in at least this many rows (or in every row) is one question, not a problem per row.
ASK_ONCE_FROM = 2


@dataclass(frozen=True)
class Guess:
    """A value the file itself suggests: ``value`` (a code or an ISO date) read from ``text``, a ``where`` name."""

    value: str
    where: str  # "document", "folder", "table" or "file": see evidence()
    text: str


@dataclass(frozen=True)
class Question:
    """One thing the user answers once for many rows.

    ``kind`` is ``missing`` (``field`` is empty in ``rows``) or ``unclear``
    (``text`` is not a code of ``field``; ``candidates`` are the likely codes,
    best first, possibly none). ``guess`` is what the file suggests;
    ``applied`` says the plan already filled the rows with it; ``answer``
    is what the user gave for the rows (a ``--set`` value, the page's field),
    kept so the question can be shown answered and the answer changed.
    """

    field: str
    kind: str
    rows: tuple[Any, ...]
    total: int  # the rows of the table
    text: str | None = None
    candidates: tuple[str, ...] = ()
    guess: Guess | None = None
    applied: bool = False
    about: str | None = None  # the rows' one source, when they share it (a date question asks "when was the walk?")
    answer: Any = None
    # The file's columns no field reads, where no column fills ``field`` at all: one of them may be it.
    unused_columns: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def open(self) -> bool:
        """Whether the user still has to answer (an applied guess or a given answer settles it)."""
        return not self.applied and self.answer is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "kind": self.kind,
            "rows": len(self.rows),
            "total": self.total,
            "text": self.text,
            "candidates": list(self.candidates),
            "guess": None
            if self.guess is None
            else {"value": self.guess.value, "from": self.guess.where, "text": self.guess.text},
            "applied": self.applied,
            "answer": None if self.answer is None else str(self.answer),
            "about": self.about,
            "unused_columns": list(self.unused_columns),
        }


def evidence(source: SourceTable) -> list[tuple[str, str]]:
    """The names the file gives its content, most specific first: (where, text)."""
    frame = source.frame
    found: list[tuple[str, str]] = []
    if source.title:
        found.append(("document", source.title))
    if "folder" in frame.columns:
        folders = {v for v in frame["folder"] if not is_missing(v)}
        if len(folders) == 1 and frame["folder"].map(lambda v: not is_missing(v)).all():
            found.append(("folder", str(folders.pop())))
    if source.layer:
        found.append(("table", str(source.layer)))
    found.append(("file", Path(source.name).stem))
    return found


def guesses(layer: Layer, names: Iterable[tuple[str, str]]) -> dict[str, Guess]:
    """What the file's names say of ``layer``'s source and its time field, one guess per field.

    A name gives a source only when exactly one source fits it (``map_choice``), and a date only when it
    names exactly one date; the most specific name that says something wins.
    """
    out: dict[str, Guess] = {}
    for where, text in names:
        if "source" in layer.field_names and "source" not in out:
            match = map_choice("source", layer.field("source").choices, text)
            if match.code is not None:
                out["source"] = Guess(match.code, where, text)
        if layer.time_field in layer.field_names and layer.time_field not in out:
            day = date_in_text(text)
            if day is not None:
                out[layer.time_field] = Guess(day.isoformat(), where, text)
    return out


def likely_codes(field_name: str, choices: tuple[str, ...], text: str, found: tuple[str, ...]) -> tuple[str, ...]:
    """The codes a text most likely means, best first: those whose words it holds, then those whose words it resembles."""
    words = CHOICE_WORDS.get(field_name, {})
    normal = _norm(text)
    scores: dict[str, float] = {}
    for code in choices:
        best = 0.0
        for word in (*words.get(code, ()), code.replace("_", " ")):
            for part in normal.split() or [normal]:
                best = max(best, difflib.SequenceMatcher(None, part, _norm(word)).ratio())
        scores[code] = best
    resembling = [c for c in sorted(choices, key=lambda c: -scores[c]) if scores[c] >= 0.6 and c not in found]
    return (*found, *resembling)


def missing_rows(values: pd.Series) -> tuple[Any, ...]:
    return tuple(row for row, value in values.items() if is_missing(value))


def should_ask(missing: tuple[Any, ...], total: int) -> bool:
    """Whether a required field empty in ``missing`` of ``total`` rows is asked once rather than row by row."""
    return bool(missing) and (len(missing) >= ASK_ONCE_FROM or len(missing) == total)
