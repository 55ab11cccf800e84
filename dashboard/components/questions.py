"""An import's dry run in the reader's language, the same for the import page and ``pledgemap import``.

Its counts, where its coordinates were found, and its questions.

The questions themselves (which field is missing for which rows, which value
is unclear, what the file's own names suggest) are decided in
:mod:`geodata.io.questions`; this module only words them.
"""

from __future__ import annotations

from typing import Any

from dashboard.components.problems import choice_label, field_label
from dashboard.i18n import catalogue, fill
from geodata.io.columns import ColumnMapping
from geodata.io.personal_data import PERSONAL_DATA, FlaggedRow
from geodata.io.questions import Question
from geodata.layers import Layer


def summary_text(lang: str, summary: dict[str, Any]) -> str:
    """A dry run's counts (``ImportPlan.summary()``): "12 rader: 0 giltiga, 12 avvisade, …"."""
    return fill(
        catalogue(lang)["import.summary"],
        rows=summary["rows"],
        valid=summary["valid"],
        rejected=summary["rejected"],
        duplicates=summary["duplicates"],
        warnings=summary["warnings"],
    )


def coordinates_text(lang: str, mapping: ColumnMapping, *, quoted: bool = False) -> str:
    """Where the places come from: the file's geometry, a WKT column, or two coordinate columns and their system.

    ``quoted`` writes the columns' names as the command line does, exactly ('Nord'/'Öst').
    """
    words = catalogue(lang)
    x, y = (repr(mapping.x), repr(mapping.y)) if quoted else (mapping.x, mapping.y)
    if mapping.coordinates == "geometry":
        return words["import.coords_geometry"]
    if mapping.coordinates is None:
        return words["import.coords_none"]
    if mapping.coordinates == "wkt":
        return f"WKT: {x}"
    between = "/" if quoted else " / "
    return f"{words['import.coords_' + mapping.coordinates]}: {y}{between}{x}"


def _word(words: dict[str, str], key: str, specific: str | None) -> str:
    return words.get(f"{key}.{specific}", words[key]) if specific else words[key]


def value_label(lang: str, layer: Layer, field: str, value: Any) -> str:
    """A field's value as the reader knows it: a code's label ("Trygghetsvandring"), else the value itself."""
    if field in layer.field_names and layer.field(field).kind == "choice":
        return choice_label(lang, field, str(value))
    return str(value)


def question_text(lang: str, question: Question, layer: Layer) -> str:
    """The question as one sentence: "Filen har inget datum för sina 6 platser: när gjordes trygghetsvandringen?"."""
    words = catalogue(lang)
    if question.kind == PERSONAL_DATA:
        return fill(words["question.personal_data"], count=question.count)
    if question.kind == "unclear":
        return fill(
            words["question.unclear"],
            field=field_label(lang, question.field).lower(),
            text=question.text,
            count=question.count,
        )
    noun = fill(words[f"noun.{layer.name}"], count=question.total)  # "4 av 12 platser", "sina 6 platser"
    none = words.get(f"question.none.{question.field}") or fill(
        words["question.none"], field=field_label(lang, question.field)
    )
    if question.field == layer.time_field:
        ask = _word(words, "question.when", question.about)
    else:
        ask = _word(words, "question.ask", question.field if f"question.ask.{question.field}" in words else None)
    key = "question.missing_all" if question.count == question.total else "question.missing_some"
    return fill(words[key], none=none, count=question.count, total=question.total, noun=noun, ask=ask)


def guess_text(lang: str, question: Question, layer: Layer, *, applied: bool = False) -> str | None:
    """What the file suggests for ``question`` and where it says so; ``applied`` words it as done (the command line)."""
    guess = question.guess
    if guess is None:
        return None
    words = catalogue(lang)
    values = {
        "value": value_label(lang, layer, question.field, guess.value),
        "where": words[f"question.where.{guess.where}"],
        "text": guess.text,
        "field": field_label(lang, question.field),
        "count": question.count,
    }
    return fill(words["question.guessed" if applied else "question.guess"], **values)


def answer_text(lang: str, question: Question, layer: Layer) -> str | None:
    """The user's answer to ``question`` for its rows ("Rapporterad: 2021-09-14 för 6 rader (ditt svar)")."""
    if question.answer is None:
        return None
    if question.kind == PERSONAL_DATA:
        words = catalogue(lang)
        choice = words[f"personal.choice.{question.answer}"]
        return fill(words["question.personal_answered"], choice=choice.lower(), count=question.count)
    return fill(
        catalogue(lang)["question.answered"],
        field=field_label(lang, question.field),
        value=value_label(lang, layer, question.field, question.answer),
        count=question.count,
    )


def unmapped_text(lang: str, question: Question, *, command_line: bool = False) -> str | None:
    """For a field no column fills: the file's unused columns, one of which may hold it, and how to choose it."""
    if not question.unused_columns or question.guess is not None:  # a guess from the file is the better lead
        return None
    columns = ", ".join(f"”{c}”" if lang == "sv" else f"“{c}”" for c in question.unused_columns)
    key = "question.unmapped_cli" if command_line else "question.unmapped"
    return fill(catalogue(lang)[key], columns=columns, field=question.field)


def kinds_text(lang: str, kinds) -> str:
    """The kinds of personal data a text holds, as the reader names them ("telefonnummer, namn")."""
    words = catalogue(lang)
    return ", ".join(words[f"personal.kind.{kind}"] for kind in kinds)


def personal_lines(lang: str, flagged: FlaggedRow) -> list[str]:
    """What a flagged row holds, one line per field: "rad 3: Beskrivning: telefonnummer, namn: ”Ring [namn] …”".

    Only the masked text is ever shown: the dry run does not repeat the personal data it found.
    """
    words = catalogue(lang)
    return [
        fill(
            words["personal.line"],
            row=flagged.row,
            field=field_label(lang, found.field),
            kinds=kinds_text(lang, found.kinds),
            text=found.masked,
        )
        for found in flagged.found
    ]
