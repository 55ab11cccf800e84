"""The domain's problems and notes in the interface's language.

Domain code writes English messages (for logs and the command line) and
gives each a ``code`` and its values; here they are worded from the
translation catalogues, with codes of choice fields shown by their names
("Dålig belysning", not ``poor_lighting``). A problem without a wording
here keeps its English message.
"""

from __future__ import annotations

import re
from typing import Any

from dashboard.i18n import catalogue, fill, number
from geodata import Note, Problem, vocab
from geodata.surveys import group_label

# The catalogue group that names a choice field's codes, where it differs from the field's name.
FIELD_GROUPS = vocab.FIELD_GROUPS
DELIMITERS = {";": "delimiter.semicolon", ",": "delimiter.comma", "\t": "delimiter.tab"}


def field_label(lang: str, field: str) -> str:
    """A field's name as the interface says it ("Kategori"), or its code where the catalogue has none."""
    words = catalogue(lang)
    if field.startswith("check_"):
        return words.get(f"check.{field.removeprefix('check_')}", field)
    return words.get(f"field.{field}", field)


def choice_label(lang: str, field: str, code: str) -> str:
    return catalogue(lang).get(f"{vocab.field_group(field)}.{code}", code)


def describe(lang: str, field: str, message: str, code: str | None, params: dict[str, Any] | None) -> str:
    """A problem's reason in ``lang``."""
    words = catalogue(lang)
    key = f"problem.{code}"
    if code == "missing" and (params or {}).get("choices"):
        key = "problem.missing_choice"
    if code is None or key not in words:
        return message
    values = {k: v for k, v in (params or {}).items()}
    # A problem may name the vocabulary group its codes are from, where the field's name does not say it
    # (a judgement's "status" takes activity or goal statuses, not a site's).
    group = values.pop("group", None)
    for name in ("choices", "candidates"):
        if name in values:
            joiner = words["list.or"] if name == "candidates" else ", "
            if group:
                values[name] = joiner.join(words.get(f"{group}.{c}", c) for c in values[name])
            else:
                values[name] = joiner.join(choice_label(lang, field, c) for c in values[name])
    if "kinds" in values:  # the kinds of personal data a text holds (geodata.privacy)
        values["kinds"] = ", ".join(words[f"personal.kind.{kind}"] for kind in values["kinds"])
    if "fields" in values:  # the fields a problem is about, as the interface names them
        values["fields"] = ", ".join(field_label(lang, name) for name in values["fields"])
    for name in ("status", "current", "first"):
        if name in values:
            values[name] = choice_label(lang, "status", values[name])
    if code == "swapped":
        values["axes"] = words["problem.axes_degrees" if values.get("degrees") else "problem.axes_metres"]
        values["x"], values["y"] = f"{values['x']:g}", f"{values['y']:g}"
    if code == "outside_sweden":
        values["x"], values["y"] = f"{values['x']:g}", f"{values['y']:g}"
    if code == "coordinate_not_number":
        values["values"] = ", ".join(
            f"{column} = {words['problem.empty'] if value is None else repr(value)}"
            for column, value in values["values"]
        )
    return fill(words[key], **values)


# The records a survey import's and a survey store's problems name (geodata.io.survey_import, geodata.store.rules).
_RECORDS = (
    (re.compile(r"^row (?P<row>\d+)(?:, (?P<part>.+))?$"), "record.row"),
    (re.compile(r"^file (?P<file>.+)$"), "record.file"),
    (re.compile(r"^indicator (?P<indicator>.+)$"), "record.indicator"),
    (
        re.compile(
            r"^survey result (?P<indicator>.+?)(?: (?P<year>\d{4}))? for area (?P<area>.+?)(?: \((?P<group>[a-z0-9_]+)\))?$"
        ),
        "record.survey_result",
    ),
)


def _plain(name: str, value: Any, lang: str) -> Any:
    """A number of a problem's values as the reader writes it ("7,5"); a year, and anything else, as it is."""
    if name in ("last", "year") or isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    digits = 0 if float(value).is_integer() else min(3, len(f"{value:g}".split(".")[-1]))
    return number(value, lang, digits)


def survey_reason(lang: str, problem: Problem) -> str:
    """A survey import's problem in ``lang``, its values as the reader writes them: the same words on the
    survey page and on the command line ("upprepar rad 2", "7,5 ligger utanför Problemindex skala 0–6")."""
    years = problem.code in ("survey_year", "not_a_year")  # a year is written as it is: "1850", not "1 850"
    params = {k: v if years else _plain(k, v, lang) for k, v in (problem.params or {}).items()}
    if isinstance(params.get("field"), str):  # a field a problem names by its code
        label = catalogue(lang).get(f"surveys.field.{params['field']}", field_label(lang, params["field"]))
        params["field"] = label[:1].lower() + label[1:]
    if isinstance(params.get("other"), str):
        other = record_label(lang, params["other"])
        params["other"] = other[:1].lower() + other[1:]
    if "columns" in params:
        params["columns"] = ", ".join(map(str, params["columns"]))
    return describe(lang, problem.field, problem.message, problem.code, params)


def record_label(lang: str, record: str) -> str:
    """The record a problem names, in ``lang``: "row 5, Kvinnor" is "Rad 5, Kvinnor", "file x.csv" "Fil x.csv",
    "indicator X" "Indikator X", a stored survey result "Resultatet X 2021 för område Kinna (Kvinnor)".

    A wide table's part ("Kvinnor", "2021") is the file's own column name and stays as the file says it; a record
    of another form is shown as it is.
    """
    words = catalogue(lang)
    for pattern, key in _RECORDS:
        found = pattern.match(record)
        if not found:
            continue
        values = {k: v for k, v in found.groupdict().items() if v is not None}
        text = fill(words[key], **values)
        if key == "record.row" and "part" in values:
            text += f", {values['part']}"
        if key == "record.survey_result":
            text += f" {values['year']}" if "year" in values else ""
            text += f" {fill(words['record.survey_area'], area=values['area'])}"
            text += f" ({group_label(values['group'], lang)})" if "group" in values else ""
        return text
    return record


def describe_problem(lang: str, problem: Problem) -> str:
    return describe(lang, problem.field, problem.message, problem.code, problem.params)


def describe_note(lang: str, note: Note | str) -> str:
    """A reader's note in ``lang``."""
    words = catalogue(lang)
    if not isinstance(note, Note) or f"note.{note.code}" not in words:
        return str(note)
    values = dict(note.params)
    if note.code == "delimiter":
        values["delimiter"] = words[DELIMITERS.get(values["delimiter"], "delimiter.semicolon")]
    if note.code == "crs_guessed":
        values["system"] = "WGS 84" if values.get("degrees") else "SWEREF 99 TM"
    if note.code in ("dates_by_values", "choices_by_values", "not_stated"):
        values["field"] = field_label(lang, values["field"])
    return fill(words[f"note.{note.code}"], **values)
