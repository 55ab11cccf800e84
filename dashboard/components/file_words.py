"""The words of files people read: exports and rejected rows, from the same catalogues as the pages.

:func:`file_wording` is the one :class:`geodata.io.wording.Wording` every export
path hands the domain (the overview's downloads, ``pledgemap export``) and
the import page and ``pledgemap import`` use for the rejected-rows file:
column names as the pages name the fields, choices as the map's legend
words them, ja/nej, the language's decimal mark and CSV separator.
:func:`reading_wordings` lets an import read such a file back, in either
language.

CSV for Swedish Excel: a semicolon between columns and a decimal comma
(what Excel with Swedish regional settings reads into columns and
numbers), UTF-8 with a byte order mark (so å, ä and ö show right), dates as
YYYY-MM-DD and times as YYYY-MM-DD HH:MM local time (both read as dates).
English: a comma and a decimal point. The machine wording (``--codes``)
writes the store's own names and codes, ISO 8601 with the zone, a comma.
"""

from __future__ import annotations

from functools import cache

from dashboard.components.problems import FIELD_GROUPS, describe_problem, field_label
from dashboard.i18n import LANGUAGES, catalogue, language
from geodata import LAYERS, Problem
from geodata.io.wording import EXTRA_COLUMNS, Wording
from geodata.layers import SYSTEM_FIELDS

_SEPARATOR = {"sv": ";", "en": ","}
_DECIMAL = {"sv": ",", "en": "."}


@cache
def file_wording(lang: str) -> Wording:
    """How a file for a reader of ``lang`` names columns, writes values and explains rejected rows."""
    lang = language(lang)
    words = catalogue(lang)
    fields = [*SYSTEM_FIELDS, *(f for layer in LAYERS.values() for f in layer.fields)]
    columns = {f.name: field_label(lang, f.name) for f in fields}
    columns.update({name: words[f"field.{name}"] for name in EXTRA_COLUMNS if name != "layer"})
    columns["layer"] = words["layer.name"]
    values: dict[str, dict[str, str]] = {}
    for f in fields:
        if f.kind == "choice":
            group = FIELD_GROUPS.get(f.name, f.name)
            values[f.name] = {code: words.get(f"{group}.{code}", code) for code in f.choices}

    def explain(problem: Problem) -> str:
        return f"{field_label(lang, problem.field)}: {describe_problem(lang, problem)}"

    return Wording(
        columns=columns,
        values=values,
        layers={name: words[f"layer.{name}"] for name in LAYERS},
        yes=words["export.yes"],
        no=words["export.no"],
        decimal=_DECIMAL[lang],
        separator=_SEPARATOR[lang],
        for_people=True,
        problem_column=words["import.problem_column"],
        explain=explain,
    )


def reading_wordings() -> tuple[Wording, ...]:
    """Every language a Pledgemap file may be worded in, for reading one back."""
    return tuple(file_wording(lang) for lang in LANGUAGES)
