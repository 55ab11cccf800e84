"""An import's question about personal data: which rows' free text names people, and mask, keep or reject them.

Residents' reports and caretakers' comments arrive with names, phone numbers
and personnummer in them (:mod:`geodata.privacy` finds them). The importer
decides what happens to them, once for every flagged row, as for every other
question of an import (:mod:`geodata.io.questions`): one
:data:`PERSONAL_DATA` question with the flagged rows, answered by a choice for
all of them (``mask``, ``keep`` or ``reject``) and, where a row needs
another, a choice of its own. Until it is answered, the flagged rows wait
(each carries a ``personal_data`` problem that is the row's share of the
question) and :func:`geodata.io.importer.commit_file` writes nothing:
personal data is never stored because nobody chose.

What the dry run shows of a flagged row is the field, the kinds of item and
the text with the items masked: the dry run itself never repeats them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geodata.errors import ImportFileError, Problem
from geodata.io.questions import Question
from geodata.privacy import CHOICES, FREE_TEXT, KINDS, MASK, REJECT, FieldFindings, scan_values

PERSONAL_DATA = "personal_data"  # the question's kind, and the field it names (it is about several fields)


@dataclass(frozen=True)
class FlaggedRow:
    """A row whose free text holds personal data: what each field holds, and what is done with it.

    ``choice`` is ``mask``, ``keep`` or ``reject``, or ``None`` while nobody has chosen.
    """

    row: Any
    found: tuple[FieldFindings, ...]
    choice: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "choice": self.choice,
            "fields": [{"field": f.field, "kinds": list(f.kinds), "masked": f.masked} for f in self.found],
        }


def checked_choice(value: str | None, what: str) -> str | None:
    """A choice as given (``--personal-data``, the page's buttons): one of mask, keep or reject, or none."""
    if value in (None, ""):
        return None
    if value not in CHOICES:
        raise ImportFileError(
            f"{what}: {value!r} is not a choice for personal data; expected one of: {', '.join(CHOICES)}",
            "personal_data_choice",
            value=value,
            choices=", ".join(CHOICES),
        )
    return value


def screen(
    layer: str,
    mapped: pd.DataFrame,
    choice: str | None = None,
    row_choices: Mapping[Any, str] | None = None,
) -> tuple[list[FlaggedRow], Question | None]:
    """Find the rows of ``mapped`` whose free text holds personal data and mask those the choice masks (in place).

    ``choice`` applies to every flagged row; ``row_choices`` (row number, as given or as text → choice)
    are the exceptions. Returns the flagged rows and the one question about them (``None`` when no row is
    flagged), answered when every flagged row has a choice.
    """
    checked_choice(choice, "--personal-data")
    own = {str(row): checked_choice(value, f"row {row}") for row, value in (row_choices or {}).items()}
    columns = [c for c in FREE_TEXT.get(layer, ()) if c in mapped.columns]
    if not columns:
        return [], None
    # Read and written a column at a time: a cell at a time costs pandas a lookup each (minutes at 250,000 rows).
    texts = {c: mapped[c].tolist() for c in columns}
    changed: dict[str, list[Any]] = {}
    flagged: list[FlaggedRow] = []
    for position, row in enumerate(mapped.index):
        found = scan_values(layer, {c: texts[c][position] for c in columns})
        if not found:
            continue
        chosen = own.get(str(row)) or choice
        if chosen == MASK:
            for field in found:
                if field.field not in changed:  # copied once, not per row
                    changed[field.field] = list(texts[field.field])
                changed[field.field][position] = field.masked
        flagged.append(FlaggedRow(row, tuple(found), chosen))
    for column, values in changed.items():
        mapped[column] = pd.Series(values, index=mapped.index, dtype=object)
    if not flagged:
        return [], None
    answered = all(f.choice is not None for f in flagged)
    answer = choice if choice is not None else ("per_row" if answered else None)
    question = Question(PERSONAL_DATA, PERSONAL_DATA, tuple(f.row for f in flagged), len(mapped), answer=answer)
    return flagged, question


def row_problem(label: str, flagged: FlaggedRow) -> Problem | None:
    """The problem a flagged row carries: waiting for the choice, or rejected by it; ``None`` if it lands."""
    kinds = [k for k in KINDS if any(k in f.kinds for f in flagged.found)]
    fields = [f.field for f in flagged.found]
    if flagged.choice is None:
        return Problem(
            label,
            fields[0],
            f"holds personal data ({', '.join(kinds)}); choose mask, keep or reject",
            PERSONAL_DATA,
            {"kinds": kinds, "fields": fields},
        )
    if flagged.choice == REJECT:
        return Problem(
            label,
            fields[0],
            f"holds personal data ({', '.join(kinds)}); rejected as chosen",
            "personal_data_rejected",
            {"kinds": kinds, "fields": fields},
        )
    return None


def unanswered(file: str, count: int) -> ImportFileError:
    """The error of an import whose personal data question is still open: nothing is written."""
    return ImportFileError(
        f"{file}: {count} rows hold personal data; choose mask, keep or reject (--personal-data) before importing",
        "personal_data_unanswered",
        file=file,
        count=count,
    )
