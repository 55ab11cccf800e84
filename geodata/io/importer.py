"""Importing a file into a layer: a dry run that reports every row, then one transaction.

:func:`plan_import` reads a file (:mod:`geodata.io.readers`), maps its columns
(:mod:`geodata.io.columns`, proposed or given), checks every row as the store
would (:func:`geodata.validate.check_records`), finds rows already stored
(same source id, or the same place within :data:`DUPLICATE_METRES` on the same
day) and warns about places outside the chosen municipality. Nothing is
written. :func:`commit_import` then writes either every valid row, with the
rejected rows saved to a file the user can fix and import again, or nothing
at all if any row is rejected: the user chooses. The dashboard's import page
and ``pledgemap import`` both go through these two functions.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geodata.access.rules import write_problems
from geodata.boundaries import municipality
from geodata.errors import CoercionError, ImportFileError, Note, NotFoundError, Problem, ValidationError
from geodata.io import personal_data as personal
from geodata.io import questions as asking
from geodata.io.columns import (
    ColumnMapping,
    as_date,
    choice_text,
    coordinate_geometry,
    detect_mapping,
    map_choice,
    normalise_date,
    not_stated,
    quote_formula,
    unquote_formula,
)
from geodata.io.files import OWNER_ONLY, store_mode, write_file
from geodata.io.questions import Guess, Question
from geodata.io.readers import ImportLimits, SourceTable, read_source
from geodata.io.wording import CODES, Wording
from geodata.layers import LAYERS, STORAGE_CRS, Layer, get_layer
from geodata.store.base import LayerQuery, Store
from geodata.validate import check_records, coerce, is_missing

DUPLICATE_METRES = 5.0
PROBLEM_COLUMN = "pledgemap_problem"


@dataclass
class RowOutcome:
    """What the import does with one row of the file: ``ok``, ``rejected`` or ``duplicate``."""

    row: Any
    status: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class ImportPlan:
    """The dry run of importing one table of a file into one layer."""

    source: SourceTable
    layer: Layer
    mapping: ColumnMapping
    value_map: dict[str, dict[str, str]]
    records: gpd.GeoDataFrame  # the mapped rows, indexed by file row number, in the file's CRS
    outcomes: list[RowOutcome]
    unresolved: dict[str, dict[str, tuple[str, ...]]]  # field -> file text -> candidate codes
    notes: list[Note]
    batch_problems: list[Problem]
    municipality_code: str | None = None
    questions: list[Question] = field(default_factory=list)
    # The rows whose free text holds personal data, and what is done with each (geodata.io.personal_data).
    personal: list[personal.FlaggedRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def open_questions(self) -> list[Question]:
        return [q for q in self.questions if q.open]

    def asked(self, problem: Problem) -> bool:
        """Whether ``problem`` is one of the rows' share of an open question (shown once, not row by row)."""
        for q in self.open_questions:
            if q.kind == personal.PERSONAL_DATA:
                if problem.code == personal.PERSONAL_DATA:
                    return True
                continue
            if q.field != problem.field:
                continue
            if q.kind == "missing" and problem.code == "missing":
                return True
            if q.kind == "unclear" and problem.code in ("unclear_choice", "unknown_choice"):
                if problem.params.get("value") == q.text:
                    return True
        return False

    @property
    def waiting(self) -> int:
        """Rejected rows that only wait for the questions' answers: they land once those are given."""
        return sum(
            1 for o in self.outcomes if o.status == "rejected" and o.problems and all(self.asked(p) for p in o.problems)
        )

    @property
    def warned(self) -> int:
        return sum(1 for o in self.outcomes if o.warnings)

    def report(self, *, with_asked: bool = False) -> list[dict[str, Any]]:
        """One line per problem, warning or duplicate: row number, status, field, reason (and its code and values).

        A problem that is a row's share of an open question is left out (the
        question says it once for all its rows) unless ``with_asked``.
        """

        def line(row: Any, status: str, p: Problem) -> dict[str, Any]:
            return {
                "row": row,
                "status": status,
                "field": p.field,
                "message": p.message,
                "code": p.code,
                "params": p.params,
            }

        lines = [line(None, "rejected", p) for p in self.batch_problems]
        for outcome in self.outcomes:
            lines.extend(
                line(outcome.row, outcome.status, p) for p in outcome.problems if with_asked or not self.asked(p)
            )
            lines.extend(line(outcome.row, "warning", p) for p in outcome.warnings)
        return lines

    def summary(self) -> dict[str, Any]:
        return {
            "file": self.source.name,
            "table": self.source.layer,
            "layer": self.layer.name,
            "rows": len(self.outcomes),
            "valid": self.count("ok"),
            "rejected": self.count("rejected"),
            "waiting": self.waiting,
            "duplicates": self.count("duplicate"),
            "warnings": self.warned,
            "mapping": self.mapping.to_dict(),
            "notes": [str(n) for n in self.notes],
            "unresolved": {f: {t: list(c) for t, c in texts.items()} for f, texts in self.unresolved.items()},
            "questions": [q.to_dict() for q in self.questions],
            "personal_data": [f.to_dict() for f in self.personal],
        }


@dataclass
class ImportResult:
    layer: str
    written: list[str]
    rejected: int
    duplicates: int
    rejects_file: Path | None


def plan_file(
    store: Store,
    path: str | Path,
    layer: str | None = None,
    *,
    table: str | None = None,
    mapping: ColumnMapping | None = None,
    value_map: dict[str, dict[str, str]] | None = None,
    defaults: dict[str, Any] | None = None,
    municipality_code: str | None = None,
    source_namespace: str | None = None,
    mapping_overrides: dict[str, str] | None = None,
    limits: ImportLimits = ImportLimits(),
    wordings: Sequence[Wording] = (),
    apply_guesses: bool = False,
    tables: Sequence[SourceTable] | None = None,
    personal_data: str | None = None,
    personal_data_rows: dict[Any, str] | None = None,
) -> list[ImportPlan]:
    """Dry runs for the tables of the file at ``path`` that go into a layer.

    A file with tables named like the layers (a Pledgemap export) gives one
    plan per such table; otherwise the file's single table (or ``table``) is
    planned into ``layer``, or into the layer its columns fit best.
    ``defaults`` fill empty fields (e.g. the pledge a safety walk belongs
    to); ``source_namespace`` names the source for its ids (default: the
    file name without extension); ``mapping_overrides`` (field → column)
    change the detected mapping of a file with one table. ``wordings`` are
    the languages a Pledgemap export may be written in: their column names,
    value labels and layer names are read back as the fields, codes and
    layers they stand for. Each plan's ``questions`` ask once what many rows
    lack (:mod:`geodata.io.questions`); with ``apply_guesses`` (the command
    line) a guess the file's own names support fills the rows it concerns,
    and the question says it was guessed; without it (the import page) the
    guess waits for the user's confirmation. ``tables`` are the file's tables
    as read already (:func:`geodata.io.read_file`): given, the file is not
    read again (they are not changed, so a plan can be made again from them).
    ``personal_data`` (``mask``, ``keep`` or ``reject``) is the choice for every row whose free text holds
    personal data, ``personal_data_rows`` (row number → choice) the rows that need another
    (:mod:`geodata.io.personal_data`); without a choice such rows wait and nothing can be written.
    """
    read = read_source(path, limits) if tables is None else tables
    sources = [_layer_named(part, wordings) for t in read for part in split_by_layer(t, wordings)]
    if table is not None:
        chosen = [t for t in sources if t.layer == table]
        if not chosen:
            raise ImportFileError(
                f"{Path(path).name}: no table or layer {table!r}; it holds: "
                + ", ".join(str(t.layer) for t in sources),
                "no_such_table",
                file=Path(path).name,
                table=table,
                tables=", ".join(str(t.layer) for t in sources),
            )
        sources = chosen
    pairs: list[tuple[SourceTable, str]] = [
        (t, t.layer)
        for t in sources
        if t.layer is not None and t.layer in LAYERS and (layer is None or t.layer == layer)
    ]
    if not pairs and len(sources) == 1:
        pairs = [(sources[0], layer or guess_layer(sources[0]))]
    elif not pairs:
        raise ImportFileError(
            f"{Path(path).name}: holds several tables ({', '.join(str(t.layer) for t in sources)}); choose one (--table)",
            "several_tables",
            file=Path(path).name,
            tables=", ".join(str(t.layer) for t in sources),
        )
    if mapping_overrides and len(pairs) > 1:
        raise ImportFileError(
            f"{Path(path).name}: holds {len(pairs)} layers; a mapping applies to one (--table)",
            "mapping_one_table",
            file=Path(path).name,
            count=len(pairs),
        )
    plans = []
    for source, layer_name in pairs:
        table_mapping = mapping
        if mapping_overrides:
            spec = get_layer(layer_name)
            table_mapping = mapping or detect_mapping(
                list(source.frame.columns), spec, source.geometry is not None, source.frame.head(200)
            )
            table_mapping = ColumnMapping.from_dict(
                {**table_mapping.to_dict(), "fields": {**table_mapping.fields, **mapping_overrides}}
            )
        plans.append(
            plan_table(
                store,
                source,
                layer_name,
                mapping=table_mapping,
                value_map=value_map,
                defaults=defaults,
                municipality_code=municipality_code,
                source_namespace=source_namespace,
                wordings=wordings,
                apply_guesses=apply_guesses,
                personal_data=personal_data,
                personal_data_rows=personal_data_rows,
            )
        )
    return plans


def _layer_named(source: SourceTable, wordings: Sequence[Wording]) -> SourceTable:
    """``source`` with its table, sheet or file named by its layer's code when a wording names it ("Otrygga platser")."""
    if source.layer in LAYERS:
        return source
    for wording in wordings:
        code = wording.layer_for(source.layer)
        if code is not None:
            return dataclasses.replace(source, layer=code)
    return source


def split_by_layer(source: SourceTable, wordings: Sequence[Wording] = ()) -> list[SourceTable]:
    """A table with a ``layer`` column naming a layer on every row (a multi-layer GeoJSON export), split per layer."""
    names = ["layer", *(w.column("layer") for w in wordings)]
    name_of = {}
    for wording in wordings:
        name_of.update({label: code for code, label in wording.layers.items()})
    present = [c for c in dict.fromkeys(names) if c in source.frame.columns]
    if not present:
        return [source]
    column_name = present[0]
    column = source.frame[column_name].map(lambda v: name_of.get(v, v))
    if not len(column) or not column.isin(list(LAYERS)).all():
        return [source]
    parts = []
    for name in dict.fromkeys(column):
        rows = column.index[column == name]
        parts.append(
            dataclasses.replace(
                source,
                layer=name,
                frame=source.frame.loc[rows].drop(columns=column_name),
                geometry=None if source.geometry is None else source.geometry.loc[rows],
                notes=list(source.notes),
                geometry_errors={r: e for r, e in source.geometry_errors.items() if r in rows},
            )
        )
    return parts


def plan_import(store: Store, path: str | Path, layer: str | None = None, **options: Any) -> ImportPlan:
    """The dry run of a file that holds one table to import (see :func:`plan_file`)."""
    plans = plan_file(store, path, layer, **options)
    if len(plans) != 1:
        raise ImportFileError(
            f"{Path(path).name}: holds {len(plans)} layers; import them with plan_file",
            "mapping_one_table",
            file=Path(path).name,
            count=len(plans),
        )
    return plans[0]


def guess_layer(source: SourceTable) -> str:
    """The layer whose required fields the table's columns fill best; raises if it is not clear."""
    scores = {}
    for name, spec in LAYERS.items():
        mapping = detect_mapping(list(source.frame.columns), spec, source.geometry is not None)
        required = [f.name for f in spec.fields if f.required]
        scores[name] = sum(1 for f in required if f in mapping.fields) / len(required)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        raise ImportFileError(
            f"{source.name}: cannot tell which layer the columns belong to; choose one (--layer {'|'.join(LAYERS)})",
            "layer_unclear",
            file=source.name,
        )
    return ranked[0][0]


def plan_table(
    store: Store,
    source: SourceTable,
    layer: str,
    *,
    mapping: ColumnMapping | None = None,
    value_map: dict[str, dict[str, str]] | None = None,
    defaults: dict[str, Any] | None = None,
    municipality_code: str | None = None,
    source_namespace: str | None = None,
    wordings: Sequence[Wording] = (),
    apply_guesses: bool = False,
    personal_data: str | None = None,
    personal_data_rows: dict[Any, str] | None = None,
) -> ImportPlan:
    """The dry run of one table into ``layer``: nothing is written (see :func:`plan_file`)."""
    spec = get_layer(layer)
    frame = source.frame
    if mapping is None:
        mapping = _worded_mapping(
            detect_mapping(list(frame.columns), spec, source.geometry is not None, frame.head(200)),
            list(frame.columns),
            spec,
            wordings,
        )
    value_map = {f: dict(v) for f, v in (value_map or {}).items()}
    defaults = dict(defaults or {})
    notes = list(source.notes)
    batch_problems: list[Problem] = []
    for field_name, column in mapping.fields.items():
        if column not in frame.columns:
            batch_problems.append(
                Problem(
                    f"{source.name} mapping",
                    field_name,
                    f"maps to column {column!r}, which the file does not have",
                    "no_such_column",
                    {"column": column},
                )
            )
    unknown = set(mapping.fields) - {"demo", "source_id", *spec.field_names}
    for field_name in sorted(unknown):
        batch_problems.append(
            Problem(f"{source.name} mapping", field_name, f"is not a field of {spec.name}", "not_a_field")
        )

    defaults = _checked_answers(source, spec, defaults, batch_problems)
    mapped = pd.DataFrame(index=frame.index)
    answered: dict[str, tuple[Any, ...]] = {}  # field -> the empty rows a default (the user's answer) filled
    for field_name in ("demo", "source_id", *spec.field_names):
        mapped_column = mapping.fields.get(field_name)
        values = (
            frame[mapped_column] if mapped_column in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        )
        if field_name in defaults:
            answered[field_name] = asking.missing_rows(values)
            values = values.where(~values.map(is_missing), defaults[field_name])
        mapped[field_name] = values.astype(object)
    namespace = source_namespace or Path(source.name).stem
    mapped["source_id"] = mapped["source_id"].map(lambda v: None if is_missing(v) else _source_id(namespace, v))

    notes.extend(_by_values_notes(mapping, spec, frame))
    asked = _missing_questions(source, spec, mapping, mapped, apply_guesses, answered, defaults)
    unresolved: dict[str, dict[str, tuple[str, ...]]] = {}
    for f in spec.fields:
        if f.kind in ("text", "choice"):
            mapped[f.name] = mapped[f.name].map(unquote_formula)
        if f.kind == "date":
            mapped[f.name] = mapped[f.name].map(_day_text)
        elif f.kind == "datetime":
            mapped[f.name] = mapped[f.name].map(normalise_date)
        elif f.kind == "choice":
            mapped[f.name] = mapped[f.name].map(choice_text)
            answers = {**_worded_values(f.name, mapped[f.name], wordings), **value_map.get(f.name, {})}
            raw = mapped[f.name]
            if not f.required:  # "Vill ej uppge" leaves an optional field empty, and the plan says so once
                notes.extend(_left_empty(f.name, raw, answers))
            mapped[f.name], open_texts = _map_choices(f.name, f.choices, raw, answers)
            if open_texts:
                unresolved[f.name] = open_texts
                for text, candidates in open_texts.items():
                    rows = tuple(row for row, value in raw.items() if value == text)
                    asked.append(
                        Question(
                            f.name,
                            "unclear",
                            rows,
                            len(frame),
                            text=text,
                            candidates=asking.likely_codes(f.name, f.choices, text, candidates),
                        )
                    )
    source_guess = next((q.guess.value for q in asked if q.field == "source" and q.guess is not None), None)
    asked = [_with_about(q, spec, mapped, source_guess) for q in asked]
    # Before the check: a masked text is what is checked (its length) and stored.
    flagged, personal_question = personal.screen(spec.name, mapped, personal_data, personal_data_rows)
    if personal_question is not None:
        asked.append(personal_question)
    flagged_rows = {f.row: f for f in flagged}

    geometry, geometry_errors = _geometry(source, mapping, notes, batch_problems)
    records = gpd.GeoDataFrame(mapped, geometry=geometry, crs=geometry.crs)
    labels = [f"{source.name} row {row}" for row in frame.index]
    known_links = _link_ids(store, spec)
    check = check_records(spec, records, known_links, labels=labels)
    refused = _refused_rows(store, spec, check.rows, labels)
    outcomes = []
    for row, label, found, rule_problems in zip(frame.index, labels, check.row_problems, refused):
        problems = [*found, *rule_problems]
        reason = geometry_errors.get(row)
        if reason is None and row in source.geometry_errors:
            detail = source.geometry_errors[row]
            reason = Problem(label, "geometry", detail, "unreadable_place", {"detail": detail})
        if reason is not None:
            problems = [p for p in problems if p.field != "geometry"]
            problems.insert(0, reason.about(label))
        for f_name, texts in unresolved.items():
            value = records.at[row, f_name]
            if isinstance(value, str) and value in texts:
                problems = [p for p in problems if p.field != f_name]
                candidates = texts[value]
                choices = spec.field(f_name).choices
                if candidates:
                    problems.append(
                        Problem(
                            label,
                            f_name,
                            f"{value!r} is not clear (perhaps {' or '.join(candidates)}); choose one",
                            "unclear_choice",
                            {"value": value, "candidates": candidates},
                        )
                    )
                else:
                    problems.append(
                        Problem(
                            label,
                            f_name,
                            f"{value!r} is not a known {f_name}; choose one of: {', '.join(choices)}",
                            "unknown_choice",
                            {"value": value, "choices": choices},
                        )
                    )
        if row in flagged_rows:
            personal_problem = personal.row_problem(label, flagged_rows[row])
            if personal_problem is not None:
                problems.append(personal_problem)
        outcomes.append(RowOutcome(row, "rejected" if problems or batch_problems else "ok", problems))

    if municipality_code is None:
        municipality_code = _municipality_of(store, spec, defaults, records)
    plan = ImportPlan(
        source,
        spec,
        mapping,
        value_map,
        records,
        outcomes,
        unresolved,
        notes,
        batch_problems,
        municipality_code,
        asked,
        flagged,
    )
    storage = gpd.GeoSeries(check.geometries, index=frame.index, crs=STORAGE_CRS)
    _mark_duplicates(store, plan, storage, pd.DataFrame(check.rows, index=frame.index))
    _warn_outside(plan, storage)
    return plan


def _checked_answers(
    source: SourceTable, spec: Layer, defaults: dict[str, Any], batch_problems: list[Problem]
) -> dict[str, Any]:
    """The answers that fill empty cells (``--set``, the page's fields), each checked once, not on every row.

    An answer that is not of its field's kind (a placeholder left in a copied command, "ÅÅÅÅ-MM-DD") is one
    problem for the file and is not used, so its question stays open.
    """
    kept = {}
    for name, value in defaults.items():
        if name in spec.field_names and spec.field(name).kind in ("date", "datetime", "int") and not is_missing(value):
            field_spec = spec.field(name)
            try:
                coerce(field_spec, _day_text(value) if field_spec.kind == "date" else normalise_date(value))
            except CoercionError as exc:
                batch_problems.append(Problem(f"{source.name} answer", name, str(exc), exc.code, exc.params))
                continue
        kept[name] = value
    return kept


def _missing_questions(
    source: SourceTable,
    spec: Layer,
    mapping: ColumnMapping,
    mapped: pd.DataFrame,
    apply_guesses: bool,
    answered: dict[str, tuple[Any, ...]],
    defaults: dict[str, Any],
) -> list[Question]:
    """One question per required field empty in several rows (or all), with the file's guess (applied if asked to).

    A field the user answered (``answered``: the empty rows its value in ``defaults`` filled) keeps its
    question, marked with the answer, so an interface can show it and let the answer be changed. A field
    no column fills names the file's columns no field reads.
    """
    guessed = asking.guesses(spec, asking.evidence(source))
    unused = tuple(c for c in source.frame.columns if c not in {*mapping.fields.values(), mapping.x, mapping.y})
    questions = []
    for f in spec.fields:
        if not f.required:
            continue
        guess: Guess | None = guessed.get(f.name)
        rows = answered[f.name] if f.name in answered else asking.missing_rows(mapped[f.name])
        if not asking.should_ask(rows, len(mapped)):
            continue
        applied = f.name not in answered and guess is not None and apply_guesses
        if applied and guess is not None:
            mapped.loc[list(rows), f.name] = guess.value
        questions.append(
            Question(
                f.name,
                "missing",
                rows,
                len(mapped),
                guess=guess,
                applied=applied,
                answer=defaults.get(f.name) if f.name in answered else None,
                unused_columns=() if f.name in mapping.fields else unused,
            )
        )
    return questions


def _by_values_notes(mapping: ColumnMapping, spec: Layer, frame: pd.DataFrame) -> list[Note]:
    """A note per field whose column was chosen by its values ("När" holding dates), so the user can check it."""
    notes = []
    for name, column in mapping.by_values.items():
        if name in spec.field_names and spec.field(name).kind == "choice":
            example = next((str(v) for v in frame[column] if not is_missing(v)), "") if column in frame else ""
            notes.append(
                Note(
                    f"the column {column!r} was read as {name} from its values, such as {example!r} "
                    "(change the mapping if it is not)",
                    "choices_by_values",
                    {"column": column, "field": name, "example": example},
                )
            )
        else:
            notes.append(
                Note(
                    f"the column {column!r} holds dates; it was read as {name} (change the mapping if it is not)",
                    "dates_by_values",
                    {"column": column, "field": name},
                )
            )
    return notes


def _left_empty(name: str, values: pd.Series, answers: dict[str, str]) -> list[Note]:
    """Answer each text of ``values`` that gives no value ("Vill ej uppge") with empty, and a note for each."""
    notes = []
    for text in sorted({v for v in values if not_stated(v) and v not in answers}):
        answers[text] = ""
        count = sum(1 for v in values if v == text)
        notes.append(
            Note(
                f"{text!r} ({count} rows) gives no {name}; left empty",
                "not_stated",
                {"text": text, "field": name, "count": count},
            )
        )
    return notes


def _with_about(question: Question, spec: Layer, mapped: pd.DataFrame, source_guess: str | None) -> Question:
    """``question`` with the one source its rows share (a date question then asks when that walk or survey was).

    Rows with no source yet share the file's guess of it, if it has one.
    """
    if "source" not in mapped.columns or question.field == "source":
        return question
    sources = {v if isinstance(v, str) else source_guess for v in mapped.loc[list(question.rows), "source"]}
    if len(sources) == 1 and (one := sources.pop()) in spec.field("source").choices:
        return dataclasses.replace(question, about=one)
    return question


def _day_text(value: Any) -> Any:
    """ISO text of the day a date cell names (a moment such as a KML <when> gives its Swedish day)."""
    if is_missing(value):
        return value
    day = as_date(value)
    return normalise_date(value) if day is None else day.isoformat()


def _worded_mapping(
    mapping: ColumnMapping, columns: list[str], spec: Layer, wordings: Sequence[Wording]
) -> ColumnMapping:
    """``mapping`` with the columns a wording names taken by their fields (a worded Pledgemap export's own columns).

    The record's own id (``id``) is what a re-import keeps as its source id;
    the export's ``source_id`` column is not read back, as before.
    """
    fields = dict(mapping.fields)
    x, y, coordinates = mapping.x, mapping.y, mapping.coordinates
    readable = {"demo", *spec.field_names}
    for column in columns:
        for wording in wordings:
            name = wording.field_for(column)
            if name is None:
                continue
            if name == "source_id":  # the source id an export carries is not read back
                break
            if name == "id":
                name = "source_id"
            if name in readable or name == "source_id":
                fields = {f: c for f, c in fields.items() if c != column and f != name}
                fields[name] = column
                break
            if name == "wkt" and coordinates != "geometry":
                x, y, coordinates = column, None, "wkt"
                break
    kept = {f: c for f, c in fields.items() if c not in (x, y)}
    by_values = {f: c for f, c in mapping.by_values.items() if kept.get(f) == c}
    return ColumnMapping(kept, x, y, coordinates, by_values)


def _worded_values(name: str, values: pd.Series, wordings: Sequence[Wording]) -> dict[str, str]:
    """The texts of a choice column that a wording labels, and the codes they stand for."""
    found: dict[str, str] = {}
    for text in {v for v in values if isinstance(v, str)}:
        for wording in wordings:
            code = wording.code_for(name, text)
            if code is not None:
                found[text] = code
                break
    return found


def _source_id(namespace: str, value: Any) -> str:
    """A source id that stays stable across imports of the same source.

    A UUID (a Pledgemap export's own ids) is unique as it is; any other id
    (row numbers, "1", "A-12") only within its source, so it is prefixed with
    the source's name (by default the file name without its extension).
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return f"{namespace}:{text}"


def _map_choices(name: str, choices: tuple[str, ...], values: pd.Series, answers: dict[str, str]):
    open_texts: dict[str, tuple[str, ...]] = {}
    resolved: dict[str, Any] = {}
    for text in {v for v in values if isinstance(v, str)}:
        if text in answers:
            resolved[text] = answers[text]
            continue
        match = map_choice(name, choices, text)
        if match.code is not None:
            resolved[text] = match.code
        else:
            open_texts[text] = match.candidates
    # An answer that is empty ("" for "leave it empty") is no value.
    return values.map(lambda v: (resolved.get(v, v) or None) if isinstance(v, str) else v), open_texts


def _geometry(
    source: SourceTable, mapping: ColumnMapping, notes: list[Note], batch_problems: list[Problem]
) -> tuple[gpd.GeoSeries, dict[Any, Problem]]:
    frame = source.frame
    if source.geometry is not None and mapping.coordinates in (None, "geometry"):
        geometry = source.geometry
        if geometry.crs is None:
            geometry = geometry.set_crs(_guess_crs(geometry, source.name, notes))
        return geometry, {}
    needed = [mapping.x] if mapping.coordinates == "wkt" else [mapping.x, mapping.y]
    if mapping.coordinates is None or any(c is None or c not in frame for c in needed):
        batch_problems.append(
            Problem(
                f"{source.name} mapping",
                "geometry",
                "no coordinate columns found; expected lat/lon (WGS 84) or N/E (SWEREF 99 TM) "
                "columns, such as 'Nord' and 'Öst' or 'lat' and 'lon'",
                "no_coordinates",
            )
        )
        return gpd.GeoSeries([None] * len(frame), index=frame.index, crs=STORAGE_CRS), {}
    result = coordinate_geometry(frame, mapping)
    notes.extend(result.notes)
    return result.geometry, result.errors


def _guess_crs(geometry: gpd.GeoSeries, name: str, notes: list[Note]) -> str:
    bounds = geometry.total_bounds
    degrees = bool(
        np.all(np.isfinite(bounds)) and -180 <= bounds[0] and bounds[2] <= 180 and -90 <= bounds[1] and bounds[3] <= 90
    )
    system = "WGS 84" if degrees else "SWEREF 99 TM"
    notes.append(
        Note(
            f"{name}: no coordinate system in the file; the coordinates look like "
            f"{'degrees' if degrees else 'metres'} and were read as {system}",
            "crs_guessed",
            {"degrees": degrees},
        )
    )
    return "OGC:CRS84" if degrees else "EPSG:3006"


def _refused_rows(store: Store, spec: Layer, rows: list[dict[str, Any]], labels: list[str]) -> list[list[Problem]]:
    """What the importing account's business rules refuse of each row (a promise it may not link to, a site past
    the workflow's first state, a demo flag): named in the dry run, as the write would refuse them."""
    viewer = getattr(store, "viewer", None)
    if viewer is None:
        return [[] for _ in rows]
    return write_problems(viewer, spec.name, rows, pledges=store.list_pledges(), labels=labels)


def _link_ids(store: Store, spec: Layer) -> list[str]:
    pledges = store.list_pledges()
    if spec.link_field == "pledge_id":
        return [p.id for p in pledges]
    return [promise.id for p in pledges for promise in p.promises]


def _municipality_of(store: Store, spec: Layer, defaults: dict[str, Any], records: gpd.GeoDataFrame) -> str | None:
    links = [v for v in records[spec.link_field] if isinstance(v, str)] if spec.link_field in records else []
    link = defaults.get(spec.link_field) or (links[0] if links else None)
    if not link:
        return None
    for pledge in store.list_pledges():
        if link == pledge.id or any(p.id == link for p in pledge.promises):
            return pledge.municipality.code
    return None


def _day(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _mark_duplicates(store: Store, plan: ImportPlan, geometry: gpd.GeoSeries, rows: pd.DataFrame) -> None:
    """Mark rows already stored, or repeated earlier in the file, as duplicates."""
    spec = plan.layer
    ok = [o for o in plan.outcomes if o.status == "ok"]
    if not ok:
        return
    # Each row's values read once, by row number (rows.at per row costs a pandas lookup each: seconds at 50,000 rows).
    source_of = dict(zip(rows.index, rows["source_id"]))
    day_of = dict(zip(rows.index, rows[spec.time_field]))
    ids = [source_of[o.row] for o in ok if source_of[o.row]]
    stored_sources = store.known_sources(spec.name, ids) if ids else set()
    days = [_day(day_of[o.row]) for o in ok]
    points = shapely.point_on_surface(np.asarray(geometry.loc[[o.row for o in ok]].values, dtype=object))
    known_days = [d for d in days if d is not None]
    stored = gpd.GeoDataFrame()
    if known_days:
        minx, miny, maxx, maxy = shapely.total_bounds(points)
        pad = DUPLICATE_METRES
        stored = store.read_layer(
            spec.name,
            LayerQuery(
                start=min(known_days), end=max(known_days), bbox=(minx - pad, miny - pad, maxx + pad, maxy + pad)
            ),
        )
    # Per day, a tree of the stored places and a grid of the file's earlier ones (cells of DUPLICATE_METRES, so a
    # place within that distance is in its own or a neighbouring cell): every row is compared with its neighbours
    # only, never with every earlier row (200,000 rows on one day would be 20 billion comparisons).
    stored_by_day: dict[dt.date | None, shapely.STRtree] = {}
    if len(stored):
        stored_points = shapely.point_on_surface(np.asarray(stored.geometry.values, dtype=object))
        positions: dict[dt.date | None, list[int]] = {}
        for position, value in enumerate(stored[spec.time_field]):
            positions.setdefault(_day(value), []).append(position)
        stored_by_day = {day: shapely.STRtree(stored_points[found]) for day, found in positions.items()}
    seen_sources: dict[str, Any] = {}
    seen_places: dict[tuple[dt.date, int, int], list[tuple[int, Any, Any]]] = {}  # (day, cell) -> (order, row, point)
    for order, (outcome, day, point) in enumerate(zip(ok, days, points)):
        source_id = source_of[outcome.row]
        reason, code, params = None, None, {"source_id": source_id, "day": str(day), "metres": DUPLICATE_METRES}
        placed = day is not None and point is not None and not shapely.is_empty(point)
        if source_id and source_id in stored_sources:
            reason, code = f"source id {source_id!r} is already stored", "stored_source"
        elif source_id and source_id in seen_sources:
            reason, code = f"source id {source_id!r} repeats row {seen_sources[source_id]}", "repeated_source"
            params["row"] = seen_sources[source_id]
        elif placed and day is not None:
            near = stored_by_day.get(day)
            if near is not None and len(near.query(point, predicate="dwithin", distance=DUPLICATE_METRES)):
                reason = f"a record of the same day ({day}) is already stored within {DUPLICATE_METRES:g} m"
                code = "stored_place"
            else:
                earlier_row = _earlier_place(seen_places, day, point)
                if earlier_row is not None:
                    reason = f"repeats row {earlier_row} (same day, within {DUPLICATE_METRES:g} m)"
                    code, params["row"] = "repeated_place", earlier_row
        if reason:
            outcome.status = "duplicate"
            outcome.problems.append(
                Problem(
                    f"{plan.source.name} row {outcome.row}",
                    "source_id" if source_id else "geometry",
                    reason + "; skipped",
                    code,
                    params,
                )
            )
            continue
        if source_id:
            seen_sources[source_id] = outcome.row
        if placed and day is not None:
            seen_places.setdefault(_cell(day, point), []).append((order, outcome.row, point))


def _cell(day: dt.date, point: Any) -> tuple[dt.date, int, int]:
    return day, int(shapely.get_x(point) // DUPLICATE_METRES), int(shapely.get_y(point) // DUPLICATE_METRES)


def _earlier_place(seen: dict[tuple[dt.date, int, int], list[tuple[int, Any, Any]]], day: dt.date, point: Any) -> Any:
    """The first row of the file, before this one, placed on ``day`` within DUPLICATE_METRES of ``point``; or None."""
    _, column, line = _cell(day, point)
    near = [
        (order, row)
        for dx in (-1, 0, 1)
        for dy in (-1, 0, 1)
        for order, row, other in seen.get((day, column + dx, line + dy), ())
        if shapely.distance(other, point) <= DUPLICATE_METRES
    ]
    return min(near)[1] if near else None


def _warn_outside(plan: ImportPlan, geometry: gpd.GeoSeries) -> None:
    if not plan.municipality_code:
        return
    try:
        area = municipality(plan.municipality_code)
    except NotFoundError:
        plan.notes.append(
            Note(
                f"municipality {plan.municipality_code} is unknown; places were not checked against it",
                "unknown_municipality",
                {"code": plan.municipality_code},
            )
        )
        return
    ok = [o for o in plan.outcomes if o.status == "ok"]
    if not ok:
        return
    # One vectorised test for every row (a lookup and a test per row took seconds at 50,000 rows).
    geoms = np.asarray(geometry.loc[[o.row for o in ok]].values, dtype=object)
    inside = shapely.intersects(geoms, area.geometry)
    for outcome, geom, within in zip(ok, geoms, inside):
        if not within:
            distance = shapely.distance(geom, area.geometry)
            km = f"{distance / 1000:.1f}"
            outcome.warnings.append(
                Problem(
                    f"{plan.source.name} row {outcome.row}",
                    "geometry",
                    f"lies {km} km outside {area.name} ({area.code}); imported as it is: check the place",
                    "outside_municipality",
                    {"km": km, "name": area.name, "code": area.code},
                )
            )


def commit_import(
    store: Store,
    plan: ImportPlan,
    *,
    partial: bool,
    rejects_path: str | Path | None = None,
    wording: Wording = CODES,
) -> ImportResult:
    """Write one plan's valid rows in one transaction (see :func:`commit_file`)."""
    return commit_file(store, [plan], partial=partial, rejects_path=rejects_path, wording=wording)[0]


def commit_file(
    store: Store,
    plans: list[ImportPlan],
    *,
    partial: bool,
    rejects_path: str | Path | None = None,
    wording: Wording = CODES,
) -> list[ImportResult]:
    """Write the valid rows of every plan of a file in one transaction: all layers land or none do.

    With ``partial`` the valid rows land and the rejected ones go to files
    beside ``rejects_path`` (their original columns plus a column saying what
    is wrong, in a format the importer reads back; one file per layer when
    the file had several); without it, nothing lands if any row of any layer
    is rejected, and :class:`ValidationError` lists every problem. Duplicates
    are skipped either way. ``wording`` writes the rejected rows' problems
    in the user's language (:func:`write_rejects`). While a plan's personal data question is open
    (:mod:`geodata.io.personal_data`), nothing is written, with or without ``partial``.
    """
    problems = [p for plan in plans for p in plan.batch_problems]
    if problems:
        raise ValidationError(problems)
    waiting = [q for plan in plans for q in plan.open_questions if q.kind == personal.PERSONAL_DATA]
    if waiting:  # personal data is stored, or left out, only as someone chose: never because nobody did
        raise personal.unanswered(plans[0].source.name, sum(q.count for q in waiting))
    rejected = {id(plan): [o for o in plan.outcomes if o.status == "rejected"] for plan in plans}
    if not partial and any(rejected.values()):
        raise ValidationError([p for plan in plans for o in rejected[id(plan)] for p in o.problems])
    batches: dict[str, gpd.GeoDataFrame] = {}
    for plan in plans:
        if plan.layer.name in batches:
            raise ImportFileError(
                f"{plan.source.name}: two tables go into {plan.layer.name}; import them one by one",
                "two_tables_one_layer",
                file=plan.source.name,
                layer=plan.layer.name,
            )
        batches[plan.layer.name] = plan.records.loc[[o.row for o in plan.outcomes if o.status == "ok"]]
    written = store.write_batches(batches)
    results = []
    for plan in plans:
        rejects_file = None
        if rejected[id(plan)] and rejects_path is not None:
            base = Path(rejects_path)
            if len(plans) > 1:
                base = base.with_name(f"{base.name}-{plan.layer.name}")
            rejects_file = write_rejects(plan, rejected[id(plan)], base, wording, store_mode(store))
        results.append(
            ImportResult(
                plan.layer.name,
                written[plan.layer.name],
                len(rejected[id(plan)]),
                plan.count("duplicate"),
                rejects_file,
            )
        )
    return results


def write_rejects(
    plan: ImportPlan, rejected: list[RowOutcome], base: Path, wording: Wording = CODES, mode: int = OWNER_ONLY
) -> Path:
    """The rejected rows with their original columns and what is wrong: CSV for tables, GeoJSON for geodata.

    The problems are worded by ``wording`` (the user's language: the field's
    name and the reason, in a column named in that language; in English with
    field codes for :data:`~geodata.io.wording.CODES`). Written to ``base``
    plus the format's extension (``vandring.2024-avvisade.csv``), never over
    an existing file: a number is added instead. The rows are the source
    file's, bound for the store: ``mode`` is the store's permissions
    (:func:`~geodata.io.files.store_mode`), the file has them from the start.
    """
    source = plan.source
    reasons = {o.row: "; ".join(wording.explain(p) for p in o.problems) for o in rejected}
    frame = source.frame.loc[list(reasons)].copy()
    # A file fixed and imported again still carries the last round's reasons: they are replaced.
    frame = frame.drop(columns=[c for c in (PROBLEM_COLUMN, wording.problem_column) if c in frame.columns])
    frame[wording.problem_column] = [reasons[row] for row in frame.index]
    if source.geometry is None:
        path = _free_name(base, ".csv")
        buffer = io.StringIO()
        frame.map(quote_formula).to_csv(
            buffer, sep=";" if wording is CODES else wording.separator, index=False, quoting=csv.QUOTE_MINIMAL
        )
        return write_file(path, buffer.getvalue(), mode, encoding="utf-8-sig")
    path = _free_name(base, ".geojson")
    geometry = source.geometry.loc[frame.index]
    if geometry.crs is not None and not CRS.from_user_input(geometry.crs).equals(CRS.from_epsg(4326)):
        geometry = geometry.to_crs(4326)
    features = []
    for (_row, values), geom in zip(frame.iterrows(), geometry.values):
        properties = {k: _json_value(v) for k, v in values.items()}
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": None if geom is None else shapely.geometry.mapping(geom),
            }
        )
    document = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1)
    return write_file(path, document, mode)


def _free_name(base: Path, extension: str) -> Path:
    # with_name, not with_suffix: "vandring 5.3.2024-avvisade" must not lose ".2024-avvisade".
    path = base.with_name(base.name + extension)
    number = 2
    while path.exists():
        path = base.with_name(f"{base.name}-{number}{extension}")
        number += 1
    return path


def _json_value(value: Any) -> Any:
    if is_missing(value):
        return None
    if isinstance(value, (dt.date, dt.datetime, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value
