"""Import of safety-survey results: per area, year, indicator and group, with how sure each result is.

A survey table has one row per area, year and indicator (and group): the
area's id (or its name, or its outline in a GeoPackage/GeoJSON file), the year,
the indicator's name and its value, and the municipality (a column, or given
for the whole file). What the surveys publish besides is read when a column
holds it: the number of answers (``antal svar``/``n``), the standard error
(``medelfel``), the interval (``nedre``/``övre``, or a ``felmarginal`` ±),
the group of respondents (``grupp``/``kön``/``ålder``: Alla, Kvinnor, Män,
16–29 år), a series break (``serieavbrott``, with its reason, or
``jämförbar`` = nej) and the indicator's description (``typ``: andel, index,
medelvärde; ``skala``: 0–6; ``bättre``: lägre/högre; ``beskrivning``).

A table may instead give the groups as columns, as published reports do
("Område; År; Indikator; Alla; Kvinnor; Män", with "n Kvinnor" beside), or
the years as columns, as yearly results are kept ("Område; Fråga; 2019; 2020;
2021", with "n 2021" beside): each group's or year's column is read as a row of
its own, named after the file's row and the column ("row 5, Kvinnor").

Every row is checked first; one bad row stops the import and each problem
names the row, the field and what was expected: nothing is stored until every
row is right. What the file leaves out is told (:attr:`SurveyImport.missing`),
and an indicator described nowhere is named, so it can be described once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geodata import clock, vocab
from geodata.boundaries import municipality
from geodata.errors import NotFoundError, Problem, ValidationError
from geodata.io.bounded import WorkLimits, run_bounded
from geodata.io.readers import SourceTable, read_source
from geodata.layers import STORAGE_CRS
from geodata.store.base import Store
from geodata.surveys import ALL, Indicator, parse_group

# Recognised column names (compared in lower case, spaces and dashes as underscores).
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "area_id": (
        "area_id",
        "area",
        "område",
        "område_id",
        "områdes_id",
        "områdesid",
        "områdeskod",
        "omrade",
        "omrade_id",
        "omradeskod",
        "deso",
        "regso",
        "nyko",
    ),
    "area_name": ("area_name", "name", "områdesnamn", "omradesnamn", "namn"),
    "year": ("year", "år", "ar", "mätår", "matar", "årtal"),
    "indicator": ("indicator", "indikator", "index", "mått", "matt", "fråga"),
    "value": ("value", "värde", "varde", "indexvärde", "andel", "resultat"),
    "municipality_code": ("municipality_code", "kommunkod", "kommun_kod", "kommun", "kommunnr"),
    "source": ("source", "källa", "kalla", "undersökning"),
    "group": (
        "group",
        "grupp",
        "redovisningsgrupp",
        "kön",
        "kon",
        "gender",
        "sex",
    ),
    # A table may say the gender in one column and the age band in another: a row fills one of them.
    "age_group": ("ålder", "åldersgrupp", "alder", "age", "age_group", "age_band"),
    "n": (
        "n",
        "antal_svar",
        "antal_svarande",
        "svarande",
        "antal",
        "svar",
        "answers",
        "respondents",
        "responses",
        "sample_size",
    ),
    "se": ("se", "medelfel", "standardfel", "standard_error", "std_error", "stderr"),
    "ci_low": (
        "ci_low",
        "nedre",
        "nedre_gräns",
        "nedre_konfidensgräns",
        "konfidensintervall_nedre",
        "ki_nedre",
        "lower",
        "lower_ci",
        "ci_lower",
        "lower_bound",
    ),
    "ci_high": (
        "ci_high",
        "övre",
        "övre_gräns",
        "övre_konfidensgräns",
        "konfidensintervall_övre",
        "ki_övre",
        "upper",
        "upper_ci",
        "ci_upper",
        "upper_bound",
    ),
    "margin": ("felmarginal", "margin", "margin_of_error", "konfidensintervall", "ki", "±", "+/-"),
    "series_break": ("serieavbrott", "avbrott", "brott_i_serien", "series_break", "break"),
    "comparable": ("jämförbar", "jämförbar_med_föregående_år", "jämförbart", "comparable", "comparable_with_previous"),
    "kind": ("typ", "kind", "måttslag", "slag", "indikatortyp"),
    "scale": ("skala", "scale"),
    "scale_min": ("skala_min", "scale_min", "skalans_minimum", "lägsta_värde"),
    "scale_max": ("skala_max", "scale_max", "skalans_maximum", "högsta_värde"),
    "better": ("bättre", "better", "riktning", "direction", "bättre_är"),
    "measures": ("beskrivning", "mäter", "description", "measures", "definition"),
}
# The fields a file may leave out that say how sure a result is, whom it is for and whether it is comparable:
# what an import says is missing when no column holds them.
TOLD_MISSING = ("n", "uncertainty", "group", "series_break")
# The words of a direction, and of yes and no in a break column.
_DIRECTION_WORDS = {
    "lower": ("lägre", "lower", "lågt", "låg", "minska", "ned", "lower is better", "lägre är bättre"),
    "higher": ("högre", "higher", "högt", "hög", "öka", "upp", "higher is better", "högre är bättre"),
}
_YES = ("ja", "j", "yes", "y", "x", "1", "true", "sant")
_NO = ("nej", "n", "no", "0", "false", "falskt", "-", "")
# A header naming a group's number of answers in a table with a column per group: "n Kvinnor", "Kvinnor (n)".
_N_HEADER = re.compile(r"^(?:n|antal svar|antal|svar|answers)\s+(.+)$|^(.+?)\s*(?:\(n\)|,? n|,? antal svar)$")
_SCALE = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:[-–—]|till|to)\s*(-?\d+(?:[.,]\d+)?)\s*$")


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", unicodedata.normalize("NFC", str(name)).strip().lower())


def _words(text: object) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text)).strip().casefold())


@dataclass(frozen=True)
class SurveyImport:
    """What an import found (and, unless a dry run, stored).

    ``missing`` names the fields no column held (of :data:`TOLD_MISSING`); ``undescribed`` the indicators
    neither the file, the command nor the store describes (their kind and scale are unknown); ``unused`` the
    file's columns no field reads (a misspelt group column: "Kvinor").
    """

    rows: gpd.GeoDataFrame
    columns: dict[str, str]  # field -> the file's column (a group column of a wide table: "group ← Kvinnor")
    indicators: tuple[Indicator, ...] = ()
    missing: tuple[str, ...] = ()
    undescribed: tuple[str, ...] = ()
    new: int = 0
    replaced: int = 0
    dry_run: bool = False
    wide_groups: Mapping[str, str] = field(default_factory=dict)  # the file's group column -> group
    unused: tuple[str, ...] = ()  # the file's columns no field reads


def survey_columns(table: SourceTable) -> dict[str, str]:
    """Which of the table's columns fills each survey field."""
    found: dict[str, str] = {}
    by_name = {_norm(c): c for c in table.frame.columns}
    for target, names in COLUMN_NAMES.items():
        for name in names:
            if _norm(name) in by_name and by_name[_norm(name)] not in found.values():
                found[target] = by_name[_norm(name)]
                break
    return found


def _wide_groups(table: SourceTable, columns: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """A wide table's group columns (column → group) and their n columns (group → column); empty if long."""
    used = set(columns.values())
    groups: dict[str, str] = {}
    for column in table.frame.columns:
        if column in used or not str(column).strip():
            continue
        group = parse_group(column)
        if group is not None and _words(column) not in ("-",):
            groups[str(column)] = group
    if len(groups) < 2 and not (groups and "value" not in columns):
        return {}, {}
    n_columns: dict[str, str] = {}
    for column in table.frame.columns:
        if column in used or column in groups:
            continue
        match = _N_HEADER.match(_words(column))
        if match:
            group = parse_group(match[1] or match[2])
            if group is not None and group in groups.values():
                n_columns[group] = str(column)
    return groups, n_columns


_YEAR_HEADER = re.compile(r"^(?:år\s+|year\s+|index\s+|värde\s+|andel\s+)?((?:19|20)\d\d)$")
_YEAR_N_HEADER = re.compile(
    r"^(?:n|antal svar|antal|svar|answers)\s+((?:19|20)\d\d)$|^((?:19|20)\d\d)\s*(?:\(n\)|,? n)$"
)


def years_as_rows(table: SourceTable) -> tuple[SourceTable, dict[str, str]] | None:
    """A table with a column per year ("Område; Indikator; 2019; 2020; 2021", as yearly reports are kept) as one
    row per year, named "5, 2021" after the file's row and the year, with the file's columns that became the
    year, the value and n; None for a table with a year column."""
    if "year" in survey_columns(table):
        return None
    years = {c: int(m[1]) for c in table.frame.columns if (m := _YEAR_HEADER.match(_words(c)))}
    if not years:
        return None
    answers = {}
    for column in table.frame.columns:
        if (m := _YEAR_N_HEADER.match(_words(column))) and int(m[1] or m[2]) in years.values():
            answers[int(m[1] or m[2])] = column
    kept = [c for c in table.frame.columns if c not in years and c not in answers.values()]
    rows, labels, positions = [], [], []
    for position, (number, raw) in enumerate(table.frame.iterrows()):
        for column, year in years.items():
            if _blank(raw.get(column)):
                continue
            row = {c: raw.get(c) for c in kept}
            row.update({"år": year, "värde": raw.get(column)})
            if answers:
                row["antal svar"] = raw.get(answers[year]) if year in answers else None
            rows.append(row)
            labels.append(f"{number}, {year}")
            positions.append(position)
    added = ["år", "värde", *(["antal svar"] if answers else [])]
    frame = pd.DataFrame(rows, index=labels, columns=[*kept, *added])
    geometry = None
    if table.geometry is not None:
        geometry = gpd.GeoSeries(table.geometry.iloc[positions].to_numpy(), index=labels, crs=table.geometry.crs)
    shown = {"year": ", ".join(map(str, years)), "value": ", ".join(map(str, years))}
    if answers:
        shown["n"] = ", ".join(map(str, answers.values()))
    return dataclasses.replace(table, frame=frame, geometry=geometry), shown


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-").removesuffix("%")
    if text.startswith("±"):
        text = text[1:]
    if re.fullmatch(r"-?\d+(,\d+)?", text):  # a Swedish decimal comma
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _blank(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or not str(value).strip()


def _polygon_id(shape) -> str:
    # The same outline (to the metre) gives the same id every year.
    rounded = shapely.set_precision(shape, 1.0)
    return "yta-" + hashlib.sha1(shapely.to_wkb(rounded, byte_order=1)).hexdigest()[:10]


def _no_column(table: SourceTable, needed: str, message: str) -> Problem:
    return Problem(f"file {table.name}", needed, message, code="survey_no_column", params={"field": needed})


def _kind(text: str) -> str | None:
    key = _words(text)
    for code, words in vocab.choice_words("survey_kind").items():
        if key in {_words(w) for w in words} or key == code:
            return code
    return None


def _direction(text: str) -> str | None:
    key = _words(text)
    return next((code for code, words in _DIRECTION_WORDS.items() if key in words or key == code), None)


@dataclass
class _Described:
    """What the file's rows say of one indicator, and the first row that said each field."""

    name: str
    fields: dict[str, Any] = field(default_factory=dict)
    said_in: dict[str, str] = field(default_factory=dict)

    def say(self, name: str, value: Any, record: str, problems: list[Problem]) -> None:
        if value is None:
            return
        if name in self.fields and self.fields[name] != value:
            problems.append(
                Problem(
                    record,
                    name,
                    f"says {value!r} of {self.name}, but {self.said_in[name]} says {self.fields[name]!r}; "
                    "expected one description of an indicator",
                    "survey_described_twice",
                    {"value": value, "other": self.said_in[name], "stored": self.fields[name], "indicator": self.name},
                )
            )
            return
        self.fields.setdefault(name, value)
        self.said_in.setdefault(name, record)

    def indicator(self) -> Indicator:
        return Indicator(self.name, **self.fields)


def _unread(record: str, field_name: str, value: Any, expected: str, code: str) -> Problem:
    """A value a field cannot take: what it is and what was expected ("is 'tre'; expected a number")."""
    return Problem(record, field_name, f"is {value!r}; expected {expected}", code, {"value": str(value)})


def _indicator_fields(get, record: str, problems: list[Problem]) -> dict[str, Any]:
    """The description one row gives of its indicator (kind, scale, direction, what it measures)."""
    found: dict[str, Any] = {}
    if not _blank(get("kind")):
        kind = _kind(get("kind"))
        if kind is None:
            problems.append(
                Problem(
                    record,
                    "kind",
                    f"is {get('kind')!r}; expected andel, index or medelvärde",
                    "survey_kind",
                    {"value": str(get("kind"))},
                )
            )
        found["kind"] = kind
    low = high = None
    if not _blank(get("scale")):
        match = _SCALE.match(str(get("scale")))
        if match is None:
            problems.append(_unread(record, "scale", get("scale"), "the scale's ends such as 0–6", "survey_scale"))
        else:
            low, high = (float(x.replace(",", ".")) for x in match.groups())
    for name in ("scale_min", "scale_max"):
        if not _blank(get(name)):
            number = _number(get(name))
            if number is None:
                problems.append(_unread(record, name, get(name), "a number", "survey_number"))
            elif name == "scale_min":
                low = number
            else:
                high = number
    if low is not None or high is not None:
        found["scale_min"], found["scale_max"] = low, high
    if not _blank(get("better")):
        better = _direction(get("better"))
        if better is None:
            problems.append(
                _unread(record, "better", get("better"), "lägre or högre (lower or higher)", "survey_better_word")
            )
        found["better"] = better
    if not _blank(get("measures")):
        found["measures"] = str(get("measures")).strip()
    return {k: v for k, v in found.items() if v is not None}


def _series_break(get, columns: dict[str, str], record: str, problems: list[Problem]) -> tuple[bool | None, str | None]:
    """Whether the row starts a new series (and why); None where the file has no column that says."""
    if "series_break" not in columns and "comparable" not in columns:
        return None, None
    if not _blank(get("series_break")):
        text = str(get("series_break")).strip()
        key = _words(text)
        if key in _NO:
            return False, None
        if key in _YES:
            return True, None
        return True, text  # the break's reason, in the survey's words
    if not _blank(get("comparable")):
        key = _words(get("comparable"))
        if key in _YES:
            return False, None
        if key in _NO and key not in ("", "-"):
            return True, None
        problems.append(_unread(record, "comparable", get("comparable"), "ja or nej", "not_bool"))
    return False, None


def check_survey_table(
    table: SourceTable,
    municipality_code: str | None = None,
    this_year: int | None = None,
    described: Mapping[str, Indicator] | None = None,
) -> tuple[gpd.GeoDataFrame, dict[str, str], list[Problem], tuple[Indicator, ...], dict[str, str], tuple[str, ...]]:
    """The table's rows as survey results, the columns used, every problem (row, field, what was expected),
    the indicators the file describes, and a wide table's group columns.

    ``described`` are the descriptions known before the file (the store's, the command's): a value outside an
    indicator's scale is a problem.
    """
    this_year = this_year or clock.today().year
    described = dict(described or {})
    by_year = years_as_rows(table)
    table, shown = by_year if by_year else (table, {})
    columns = survey_columns(table)
    wide, wide_n = _wide_groups(table, columns)
    if wide:
        columns.pop("value", None)
        # The groups' numbers of answers, each in a column of its own; one n column without a group is
        # everyone's (the groups' own are then not known).
        general_n = columns.pop("n", None)
        if general_n is not None and ALL in wide.values() and ALL not in wide_n:
            wide_n[ALL] = general_n
        if wide_n:
            columns["n"] = ", ".join(wide_n.values())
    problems: list[Problem] = []
    for needed in ("year", "indicator"):
        if needed not in columns:
            names = " or ".join(COLUMN_NAMES[needed][:3])
            problems.append(_no_column(table, needed, f"no column for it; expected one named {names}"))
    if "value" not in columns and not wide:
        problems.append(
            _no_column(
                table, "value", "no column for it; expected one named value, värde or andel, or a column per group"
            )
        )
    has_geometry = table.geometry is not None
    if "area_id" not in columns and "area_name" not in columns and not has_geometry:
        problems.append(
            _no_column(
                table,
                "area_id",
                "no column naming the area and no area outlines; expected a column such as område or area_id",
            )
        )
    if "municipality_code" not in columns and not municipality_code:
        problems.append(
            _no_column(
                table,
                "municipality_code",
                "no kommunkod column and no municipality given for the file; expected one of them",
            )
        )
    empty = gpd.GeoDataFrame(geometry=[], crs=STORAGE_CRS)
    if problems:
        return empty, {**columns, **shown}, problems, (), wide, ()
    shapes = table.geometry.to_crs(STORAGE_CRS) if table.geometry is not None else None
    rows, geometries = [], []
    seen: dict[tuple[object, ...], str] = {}
    checked_codes: dict[str, bool] = {}
    descriptions: dict[str, _Described] = {}
    for position, (number, raw) in enumerate(table.frame.iterrows()):
        row_name = f"row {number}"
        if all(_blank(v) for v in raw.tolist()):
            continue  # an empty row (a spreadsheet's spacing) is no result
        # Both helpers are used within this iteration only, so binding the loop's row late is right.
        get = lambda key: raw.get(columns[key]) if key in columns else None  # noqa: B023
        text = lambda key: None if _blank(get(key)) else str(get(key)).strip()  # noqa: B023
        shape = shapes.iloc[position] if shapes is not None else None
        shape = None if shape is None or shape.is_empty else shape
        if shape is not None and shape.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(
                Problem(
                    row_name,
                    "geometry",
                    f"is a {shape.geom_type}; expected the area's outline (a polygon)",
                    code="survey_geometry",
                    params={"type": shape.geom_type},
                )
            )
            shape = None
        area_id = text("area_id") or text("area_name") or (_polygon_id(shape) if shape is not None else None)
        if area_id is None:
            problems.append(
                Problem(
                    row_name,
                    "area_id",
                    "is empty; expected the area's id or name",
                    code="survey_missing",
                    params={"field": "area_id"},
                )
            )
        code = text("municipality_code") or municipality_code
        if code is not None:
            code = code.zfill(4) if code.isdigit() else code
            if code not in checked_codes:
                try:
                    municipality(code)
                    checked_codes[code] = True
                except NotFoundError:
                    checked_codes[code] = False
            if not checked_codes[code]:
                problems.append(
                    Problem(
                        row_name,
                        "municipality_code",
                        f"{code!r} is not a kommun code; expected four digits such as 1463",
                        code="survey_municipality",
                        params={"value": code},
                    )
                )
        year_value = _number(get("year"))
        year = int(year_value) if year_value is not None and year_value.is_integer() else None
        if year is None or not 1990 <= year <= this_year + 1:
            problems.append(
                Problem(
                    row_name,
                    "year",
                    f"is {get('year')!r}; expected a year from 1990 to {this_year + 1}",
                    code="survey_year",
                    params={"value": str(get("year")), "last": this_year + 1},
                )
            )
        indicator = text("indicator")
        if indicator is None:
            problems.append(
                Problem(
                    row_name,
                    "indicator",
                    "is empty; expected the indicator's name",
                    code="survey_missing",
                    params={"field": "indicator"},
                )
            )
        else:
            told = descriptions.setdefault(indicator, _Described(indicator))
            for name, value in _indicator_fields(get, row_name, problems).items():
                told.say(name, value, row_name, problems)
        series_break, break_reason = _series_break(get, columns, row_name, problems)
        common = {
            "municipality_code": code,
            "area_id": area_id,
            "area_name": text("area_name"),
            "year": year,
            "indicator": indicator,
            "series_break": series_break,
            "break_reason": break_reason,
            "source": text("source"),
        }
        # One result per group: the row's own (a long table), or one per group column (a wide table).
        parts: list[tuple[str, str | None, Any, Any]]
        if wide:
            parts = [
                (f"{row_name}, {column}", group, raw.get(column), raw.get(wide_n[group]) if group in wide_n else None)
                for column, group in wide.items()
                if not _blank(raw.get(column))
            ]
            if not parts:
                problems.append(
                    Problem(
                        row_name,
                        "value",
                        "has no value in any group column; expected a number in at least one",
                        "survey_no_group_value",
                        {"columns": list(wide)},
                    )
                )
        else:
            group = _row_group(get, row_name, problems)
            parts = [(row_name, group, get("value"), get("n"))]
        for record, group, raw_value, raw_n in parts:
            value = _number(raw_value)
            if value is None:
                problems.append(
                    Problem(
                        record,
                        "value",
                        f"is {raw_value!r}; expected a number (such as 2,4 or 2.4)",
                        code="survey_value",
                        params={"value": str(raw_value)},
                    )
                )
            result = {**common, "group_code": group, "value": value, **_how_sure(get, raw_n, value, record, problems)}
            key = (code, area_id, year, indicator, group)
            if None not in key:
                if key in seen:
                    problems.append(
                        Problem(
                            record,
                            "area_id",
                            f"repeats {seen[key]} (the same area, year, indicator and group); "
                            "expected one value for each",
                            code="survey_repeat",
                            params={"other": seen[key]},
                        )
                    )
                seen[key] = record
            result["_record"] = record
            rows.append(result)
            geometries.append(shape)
    indicators = tuple(d.indicator() for d in descriptions.values())
    for told_of in indicators:
        problems += told_of.problems(f"indicator {told_of.name}")
    # A value is checked against its indicator's scale: the file's description, else the one known before.
    scales = {i.name: i.merged(described[i.name]) if i.name in described else i for i in indicators}
    for result in rows:
        known = scales.get(result["indicator"]) if result["indicator"] else None
        if known is not None and result["value"] is not None:
            problem = known.value_problem(result["value"], result["_record"])
            if problem:
                problems.append(problem)
    for result in rows:
        result.pop("_record")
    frame = gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries(geometries, crs=STORAGE_CRS), crs=STORAGE_CRS)
    if "n" in frame.columns:
        frame["n"] = frame["n"].astype("Int64")
    # The file's columns no field reads (a misspelt group, a column the survey added): told, never dropped unsaid.
    used = {*columns.values(), *wide, *wide_n.values()}
    unused = tuple(str(c) for c in table.frame.columns if c not in used and str(c).strip())
    return frame, {**columns, **shown}, problems, indicators, wide, unused


def _row_group(get, record: str, problems: list[Problem]) -> str | None:
    """A long table's group of one row: its group (or gender) column's, else its age column's; a row that names
    both a gender and an age band is one group too many."""
    found = []
    for field_name in ("group", "age_group"):
        group = parse_group(get(field_name))
        if group is None:
            problems.append(
                Problem(
                    record,
                    field_name,
                    f"is {get(field_name)!r}; expected Alla, Kvinnor, Män or an age band such as 16–29 år",
                    "survey_group",
                    {"value": str(get(field_name))},
                )
            )
            return None
        if group != ALL:
            found.append(group)
    if len(found) > 1:
        problems.append(
            Problem(
                record,
                "age_group",
                f"names {found[0]} and {found[1]}; expected one group per row (a gender or an age band)",
                "survey_two_groups",
                {"value": f"{get('group')}, {get('age_group')}"},
            )
        )
        return None
    return found[0] if found else ALL


def _how_sure(get, raw_n: Any, value: float | None, record: str, problems: list[Problem]) -> dict[str, Any]:
    """A result's number of answers, standard error and interval, as the row gives them, each checked."""
    found: dict[str, Any] = {"n": None, "se": None, "ci_low": None, "ci_high": None}
    if not _blank(raw_n):
        n = _number(raw_n)
        if n is None or not n.is_integer() or n < 1:
            problems.append(
                _unread(record, "n", raw_n, "the number of answers, a whole number such as 412", "survey_n")
            )
        else:
            found["n"] = int(n)
    for name in ("se", "ci_low", "ci_high", "margin"):
        if _blank(get(name)):
            continue
        number = _number(get(name))
        if number is None or (name in ("se", "margin") and number < 0):
            expected = "a number of at least 0" if name in ("se", "margin") else "a number"
            problems.append(_unread(record, name, get(name), expected, "survey_number"))
        elif name == "margin":
            if value is not None and found["ci_low"] is None:
                found["ci_low"], found["ci_high"] = value - number, value + number
        else:
            found[name] = number
    low, high = found["ci_low"], found["ci_high"]
    if (low is None) != (high is None):
        missing_end = "ci_high" if high is None else "ci_low"
        problems.append(
            Problem(record, missing_end, "is empty; expected both ends of the interval", "survey_interval_end")
        )
        found["ci_low"] = found["ci_high"] = None
    elif low is not None and high is not None and value is not None and not low <= value <= high:
        problems.append(
            Problem(
                record,
                "ci_low",
                f"the interval {low:g}–{high:g} does not hold the value {value:g}; expected "
                "the lower end at most the value and the upper at least",
                "survey_interval",
                {"low": low, "high": high, "value": value},
            )
        )
    return found


def import_survey(
    store: Store,
    path: str | Path,
    *,
    municipality_code: str | None = None,
    replace: bool = False,
    dry_run: bool = False,
    describe: Indicator | None = None,
    tables: list[SourceTable] | None = None,
) -> SurveyImport:
    """Check a survey file and store its results and its indicators' descriptions, all or none; raises
    :class:`ValidationError` naming every problem.

    ``describe`` is a description given once for every indicator of the file (its name is ignored): what the
    file's own columns say of an indicator comes first. A ``dry_run`` makes every check, the store's too (a
    stored value that differs), and stores nothing; its counts are what the import would store. ``tables``
    are the file's tables as read already (:func:`read_survey_file`, within a time and a memory limit): given,
    the file is not read again.
    """
    if tables is None:
        tables = read_source(Path(path))
    if len(tables) != 1:
        raise ValidationError(
            [
                Problem(
                    f"file {Path(path).name}",
                    "layers",
                    f"holds {len(tables)} tables; expected one table of survey results",
                    "survey_tables",
                    {"count": len(tables)},
                )
            ]
        )
    stored = store.read_indicators()
    names = _indicator_names(tables[0])
    given = {name: dataclasses.replace(describe, name=name) for name in names} if describe else {}
    known = {name: given[name].merged(stored[name]) if name in stored else given[name] for name in given}
    known = {**stored, **known}
    rows, columns, problems, from_file, wide, unused = check_survey_table(tables[0], municipality_code, described=known)
    descriptions = {i.name: i for i in from_file}
    for name, indicator in given.items():
        descriptions[name] = descriptions[name].merged(indicator) if name in descriptions else indicator
    if problems:
        raise ValidationError(problems)
    indicators = tuple(d for d in descriptions.values() if d.described or d.better or d.measures or d.source)
    full = {name: descriptions.get(name, Indicator(name)).merged(stored.get(name, Indicator(name))) for name in names}
    undescribed = tuple(name for name, indicator in full.items() if not indicator.described)
    missing = _missing(columns, wide)
    result = dict(
        rows=rows, columns=columns, indicators=indicators, missing=missing, undescribed=undescribed, unused=unused
    )
    # A dry run asks the store too: what it would refuse (a stored value that differs) is told now.
    new, replaced = store.write_survey_results(rows, replace=replace, indicators=indicators, dry_run=dry_run)
    return SurveyImport(**result, new=new, replaced=replaced, dry_run=dry_run, wide_groups=wide)


def read_survey_file(path: str | Path, work: WorkLimits = WorkLimits()) -> list[SourceTable]:
    """The tables of a survey file, read in a worker process within ``work`` (see :mod:`geodata.io.bounded`)."""
    return run_bounded(read_source, (Path(path),), Path(path).name, work)


def _indicator_names(table: SourceTable) -> list[str]:
    column = survey_columns(table).get("indicator")
    if column is None:
        return []
    values = table.frame[column]
    return list(dict.fromkeys(str(v).strip() for v in values if not _blank(v)))


def _missing(columns: dict[str, str], wide: dict[str, str]) -> tuple[str, ...]:
    present = set(columns)
    if wide:
        present.add("group")
    if "age_group" in present:
        present.add("group")
    if present & {"se", "ci_low", "ci_high", "margin"}:
        present.add("uncertainty")
    if "comparable" in present:
        present.add("series_break")
    return tuple(name for name in TOLD_MISSING if name not in present)
