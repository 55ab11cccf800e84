"""Goal indicators: safety-survey results per area and year, and each pledge goal's trend against its baseline.

A survey table has one row per area, year and indicator: the area's id (or
its name, or its outline in a GeoPackage/GeoJSON file), the year, the
indicator's name and its value, and the municipality (a column, or given for
the whole file). Column names are recognised in Swedish or English
(``område``/``area_id``, ``år``/``year``, ``indikator``/``indicator``,
``värde``/``value``, ``kommunkod``/``municipality_code``, ``områdesnamn``,
``källa``). Every row is checked first; one bad row stops the import and each
problem names the row, the field and what was expected: nothing is stored
until every row is right.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geodata import clock
from geodata.boundaries import municipality
from geodata.errors import NotFoundError, Problem, ValidationError
from geodata.io.readers import SourceTable, read_source
from geodata.layers import STORAGE_CRS
from geodata.model import Goal, Pledge
from geodata.store.base import Store

# Recognised column names (compared in lower case with accents and punctuation kept apart).
COLUMN_NAMES = {
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
}


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", unicodedata.normalize("NFC", str(name)).strip().lower())


@dataclass(frozen=True)
class SurveyImport:
    """What an import found (and, unless a dry run, stored)."""

    rows: gpd.GeoDataFrame
    columns: dict[str, str]  # field -> the file's column
    new: int = 0
    replaced: int = 0
    dry_run: bool = False


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


def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"-?\d+(,\d+)?", text):  # a Swedish decimal comma
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _polygon_id(shape) -> str:
    # The same outline (to the metre) gives the same id every year.
    rounded = shapely.set_precision(shape, 1.0)
    return "yta-" + hashlib.sha1(shapely.to_wkb(rounded, byte_order=1)).hexdigest()[:10]


def check_survey_table(
    table: SourceTable, municipality_code: str | None = None, this_year: int | None = None
) -> tuple[gpd.GeoDataFrame, dict[str, str], list[Problem]]:
    """The table's rows as survey results, the columns used, and every problem (row, field, what was expected)."""
    this_year = this_year or clock.today().year
    columns = survey_columns(table)
    problems: list[Problem] = []
    for needed in ("year", "indicator", "value"):
        if needed not in columns:
            problems.append(
                Problem(
                    f"file {table.name}",
                    needed,
                    f"no column for it; expected one named {' or '.join(COLUMN_NAMES[needed][:3])}",
                    code="survey_no_column",
                    params={"field": needed},
                )
            )
    has_geometry = table.geometry is not None
    if "area_id" not in columns and "area_name" not in columns and not has_geometry:
        problems.append(
            Problem(
                f"file {table.name}",
                "area_id",
                "no column naming the area and no area outlines; expected a column such as område or area_id",
                code="survey_no_column",
                params={"field": "area_id"},
            )
        )
    if "municipality_code" not in columns and not municipality_code:
        problems.append(
            Problem(
                f"file {table.name}",
                "municipality_code",
                "no kommunkod column and no municipality given for the file; expected one of them",
                code="survey_no_column",
                params={"field": "municipality_code"},
            )
        )
    if problems:
        return gpd.GeoDataFrame(geometry=[], crs=STORAGE_CRS), columns, problems
    shapes = table.geometry.to_crs(STORAGE_CRS) if table.geometry is not None else None
    rows, geometries = [], []
    seen: dict[tuple[object, ...], str] = {}
    checked_codes: dict[str, bool] = {}
    for position, (number, raw) in enumerate(table.frame.iterrows()):
        record = f"row {number}"
        # Both helpers are used within this iteration only, so binding the loop's row late is right.
        get = lambda key: raw.get(columns[key]) if key in columns else None  # noqa: B023
        text = lambda key: (
            None if get(key) is None or pd.isna(get(key)) or not str(get(key)).strip() else str(get(key)).strip()  # noqa: B023
        )
        shape = shapes.iloc[position] if shapes is not None else None
        shape = None if shape is None or shape.is_empty else shape
        if shape is not None and shape.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(
                Problem(
                    record,
                    "geometry",
                    f"is a {shape.geom_type}; expected the area's outline (a polygon)",
                    code="survey_geometry",
                )
            )
            shape = None
        area_id = text("area_id") or text("area_name") or (_polygon_id(shape) if shape is not None else None)
        if area_id is None:
            problems.append(
                Problem(
                    record,
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
                        record,
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
                    record,
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
                    record,
                    "indicator",
                    "is empty; expected the indicator's name",
                    code="survey_missing",
                    params={"field": "indicator"},
                )
            )
        value = _number(get("value"))
        if value is None:
            problems.append(
                Problem(
                    record,
                    "value",
                    f"is {get('value')!r}; expected a number (such as 2,4 or 2.4)",
                    code="survey_value",
                    params={"value": str(get("value"))},
                )
            )
        key = (code, area_id, year, indicator)
        if None not in key:
            if key in seen:
                problems.append(
                    Problem(
                        record,
                        "area_id",
                        f"repeats {seen[key]} (the same area, year and indicator); expected one value for each",
                        code="survey_repeat",
                        params={"other": seen[key]},
                    )
                )
            seen[key] = record
        rows.append(
            {
                "municipality_code": code,
                "area_id": area_id,
                "area_name": text("area_name"),
                "year": year,
                "indicator": indicator,
                "value": value,
                "source": text("source"),
            }
        )
        geometries.append(shape)
    frame = gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries(geometries, crs=STORAGE_CRS), crs=STORAGE_CRS)
    return frame, columns, problems


def import_survey(
    store: Store,
    path: str | Path,
    *,
    municipality_code: str | None = None,
    replace: bool = False,
    dry_run: bool = False,
) -> SurveyImport:
    """Check a survey file and store its results, all or none; raises :class:`ValidationError` naming every problem."""
    tables = read_source(Path(path))
    if len(tables) != 1:
        raise ValidationError(
            [
                Problem(
                    f"file {Path(path).name}",
                    "layers",
                    f"holds {len(tables)} tables; expected one table of survey results",
                )
            ]
        )
    rows, columns, problems = check_survey_table(tables[0], municipality_code)
    if problems:
        raise ValidationError(problems)
    if dry_run:
        return SurveyImport(rows, columns, dry_run=True)
    new, replaced = store.write_survey_results(rows, replace=replace)
    return SurveyImport(rows, columns, new, replaced)


@dataclass(frozen=True)
class GoalTrend:
    """A goal's indicator over the years, per area, against its baseline year."""

    goal: Goal
    baseline_year: int | None
    latest_year: int | None
    series: pd.DataFrame  # area_id, area_name, year, value
    changes: pd.DataFrame  # area_id, area_name, baseline, latest, change, verdict
    verdict: str  # better, worse, unchanged, no_baseline, no_data, no_indicator

    @property
    def has_data(self) -> bool:
        return not self.series.empty


def _verdict(change: float, better: str | None, tolerance: float) -> str:
    if abs(change) <= tolerance:
        return "unchanged"
    if better is None:
        return "up" if change > 0 else "down"
    return "better" if (change < 0) == (better == "lower") else "worse"


def goal_trends(store: Store, pledge: Pledge, tolerance: float = 1e-9) -> list[GoalTrend]:
    """Each goal with its indicator's trend in the pledge's municipality (goals without an indicator say so)."""
    code = pledge.municipality.code
    results = store.read_survey_results(code) if code else gpd.GeoDataFrame()
    trends = []
    for goal in pledge.goals:
        empty = pd.DataFrame(columns=["area_id", "area_name", "year", "value"])
        if not goal.indicator:
            trends.append(GoalTrend(goal, None, None, empty, empty, "no_indicator"))
            continue
        series = results[results["indicator"] == goal.indicator] if len(results) else empty
        series = pd.DataFrame(series[["area_id", "area_name", "year", "value"]]).sort_values(["area_id", "year"])
        baseline = goal.baseline_year or pledge.period.start.year - 1
        if series.empty:
            trends.append(GoalTrend(goal, baseline, None, series, empty, "no_data"))
            continue
        latest_year = int(series["year"].max())
        rows = []
        for area, part in series.groupby("area_id", sort=True):
            at_base = part[part["year"] == baseline]["value"]
            last = part[part["year"] == part["year"].max()]
            if at_base.empty or int(last["year"].iloc[0]) <= baseline:
                continue
            change = float(last["value"].iloc[0] - at_base.iloc[0])
            rows.append(
                {
                    "area_id": area,
                    "area_name": part["area_name"].dropna().iloc[0] if part["area_name"].notna().any() else area,
                    "baseline": float(at_base.iloc[0]),
                    "latest": float(last["value"].iloc[0]),
                    "latest_year": int(last["year"].iloc[0]),
                    "change": change,
                    "verdict": _verdict(change, goal.better, tolerance),
                }
            )
        changes = pd.DataFrame(
            rows, columns=["area_id", "area_name", "baseline", "latest", "latest_year", "change", "verdict"]
        )
        if changes.empty:
            verdict = "no_baseline"
        else:
            verdicts = set(changes["verdict"])
            verdict = verdicts.pop() if len(verdicts) == 1 else "mixed"
        trends.append(GoalTrend(goal, baseline, latest_year, series, changes, verdict))
    return trends
