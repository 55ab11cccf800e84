"""Files in and out: safe readers, column mapping and value normalisation, import, export, police events and pledge texts.

Importing a file goes through one entry point, the same for the dashboard's
import page and ``pledgemap import``: :func:`file_kind` recognises what the
file holds, :func:`read_file` reads it once (in a worker process with a time
and a memory limit: :mod:`geodata.io.bounded`), :func:`plan_file` checks it
without writing (a dry run per layer, or the police events it could read) and
:func:`commit_file` writes that plan. A plan made again (the user's answers
changed, or the store may have changed before the import) is given the file
as read the first time, so the file is parsed once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geodata.errors import ImportFileError
from geodata.io import importer
from geodata.io.bounded import WorkLimits, run_bounded
from geodata.io.importer import ImportPlan, ImportResult
from geodata.io.police_events import EventBatch, looks_like_police_events, read_police_events, store_events
from geodata.io.readers import ImportLimits, SourceTable, read_source
from geodata.io.wording import CODES, Wording
from geodata.store.base import Store

LAYER_FILE = "layers"  # records for the layers: unsafe places, sites, operations
POLICE_EVENTS = "police_events"  # the police's published events, as polisen.se's API gives them


def file_kind(path: str | Path) -> str:
    """What a file to import holds: :data:`POLICE_EVENTS`, or :data:`LAYER_FILE` for any other file."""
    return POLICE_EVENTS if looks_like_police_events(path) else LAYER_FILE


@dataclass(frozen=True)
class SourceFile:
    """A file to import as read, once: what it holds, and its tables (a layer file) or its police events."""

    name: str
    kind: str
    tables: list[SourceTable] = field(default_factory=list)
    events: EventBatch | None = None


def read_file(
    path: str | Path, limits: ImportLimits = ImportLimits(), work: WorkLimits | None = WorkLimits()
) -> SourceFile:
    """Read the file at ``path`` once, as what it holds (see :func:`file_kind`), for :func:`plan_file`.

    The read runs in a worker process within ``work``'s time and memory
    (:func:`geodata.io.bounded.run_bounded`): a file built to keep a reader
    busy or to fill the memory ends in an :class:`~geodata.errors.ImportFileError`
    that says the limit. ``work=None`` reads in this process, for files
    this program wrote itself.
    """
    path = Path(path)
    if not path.is_file():  # as read_source says it, before anything looks into the file
        raise ImportFileError(f"{path.name}: no such file", "no_file", file=path.name)
    if work is not None:
        return run_bounded(read_file, (path, limits, None), path.name, work)
    if file_kind(path) == POLICE_EVENTS:
        return SourceFile(path.name, POLICE_EVENTS, events=read_police_events(path, limits))
    return SourceFile(path.name, LAYER_FILE, tables=read_source(path, limits))


@dataclass(frozen=True)
class FilePlan:
    """What importing a file would do, before anything is written."""

    kind: str
    layers: list[ImportPlan] = field(default_factory=list)  # a layer file: one dry run per layer it fills
    events: EventBatch | None = None  # police events: those read, and what could not be


@dataclass(frozen=True)
class FileResult:
    """What importing a file wrote."""

    kind: str
    layers: list[ImportResult] = field(default_factory=list)  # a layer file: what each layer got
    new_events: int = 0  # police events stored now
    known_events: int = 0  # police events already stored, skipped


def plan_file(
    store: Store | None,
    path: str | Path,
    layer: str | None = None,
    *,
    pledge_id: str | None = None,
    promise_id: str | None = None,
    defaults: dict[str, Any] | None = None,
    source: SourceFile | None = None,
    limits: ImportLimits = ImportLimits(),
    work: WorkLimits | None = WorkLimits(),
    **options: Any,
) -> FilePlan:
    """Check the file at ``path`` as what it holds (see :func:`file_kind`); nothing is written.

    ``source`` is the file as :func:`read_file` read it already (a plan made
    again reads nothing); without it the file is read now, within
    ``limits`` and ``work`` (see :func:`read_file`).

    A layer file is planned by :func:`geodata.io.importer.plan_file` into
    ``layer`` (default: from its tables and columns) with ``options``;
    records that name no pledge or promise are linked to ``pledge_id`` and
    ``promise_id``, which take precedence over the same fields in ``defaults``.
    A police events file needs none of these and no ``store``: its events are
    read and checked on their own.
    """
    if source is None:
        source = read_file(path, limits, work)
    if source.kind == POLICE_EVENTS:
        return FilePlan(POLICE_EVENTS, events=source.events)
    if store is None:
        raise ValueError(f"{Path(path).name}: planning a layer file needs the store it goes into")
    links = {name: value for name, value in (("pledge_id", pledge_id), ("promise_id", promise_id)) if value}
    plans = importer.plan_file(
        store, path, layer, defaults={**(defaults or {}), **links}, tables=source.tables, **options
    )
    return FilePlan(LAYER_FILE, layers=plans)


def commit_file(
    store: Store,
    plan: FilePlan,
    *,
    partial: bool,
    rejects_path: str | Path | None = None,
    wording: Wording = CODES,
) -> FileResult:
    """Write ``plan``: all of it or nothing, or with ``partial`` what is valid.

    A layer file's rejected rows go to files beside ``rejects_path`` (see
    :func:`geodata.io.importer.commit_file`, worded by ``wording``); police events are stored once
    per id (see :func:`geodata.io.police_events.store_events`). Without
    ``partial``, :class:`~geodata.errors.ValidationError` lists every problem
    and nothing is written.
    """
    if plan.kind == POLICE_EVENTS:
        if plan.events is None:
            raise ValueError("a police events plan holds no events; plan the file with plan_file")
        new, known = store_events(store, plan.events, partial=partial)
        return FileResult(POLICE_EVENTS, new_events=new, known_events=known)
    return FileResult(
        LAYER_FILE,
        layers=importer.commit_file(store, plan.layers, partial=partial, rejects_path=rejects_path, wording=wording),
    )


__all__ = [
    "LAYER_FILE",
    "CODES",
    "POLICE_EVENTS",
    "FilePlan",
    "FileResult",
    "SourceFile",
    "WorkLimits",
    "commit_file",
    "file_kind",
    "plan_file",
    "read_file",
    "Wording",
]
