"""Files in and out: safe readers, column mapping and value normalisation, import, export, police events and pledge texts.

Importing a file goes through one entry point, the same for the dashboard's
import page and ``pledgemap import``: :func:`file_kind` recognises what the
file holds, :func:`plan_file` checks it without writing (a dry run per layer,
or the police events it could read) and :func:`commit_file` writes that plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geodata.io import importer
from geodata.io.importer import ImportPlan, ImportResult
from geodata.io.police_events import EventBatch, looks_like_police_events, read_police_events, store_events
from geodata.io.wording import CODES, Wording
from geodata.store.base import Store

LAYER_FILE = "layers"  # records for the layers: unsafe places, sites, operations
POLICE_EVENTS = "police_events"  # the police's published events, as polisen.se's API gives them


def file_kind(path: str | Path) -> str:
    """What a file to import holds: :data:`POLICE_EVENTS`, or :data:`LAYER_FILE` for any other file."""
    return POLICE_EVENTS if looks_like_police_events(path) else LAYER_FILE


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
    **options: Any,
) -> FilePlan:
    """Check the file at ``path`` as what it holds (see :func:`file_kind`); nothing is written.

    A layer file is planned by :func:`geodata.io.importer.plan_file` into
    ``layer`` (default: from its tables and columns) with ``options``;
    records that name no pledge or promise are linked to ``pledge_id`` and
    ``promise_id``, which take precedence over the same fields in ``defaults``.
    A police events file needs none of these and no ``store``: its events are
    read and checked on their own.
    """
    if file_kind(path) == POLICE_EVENTS:
        return FilePlan(POLICE_EVENTS, events=read_police_events(path))
    if store is None:
        raise ValueError(f"{Path(path).name}: planning a layer file needs the store it goes into")
    links = {name: value for name, value in (("pledge_id", pledge_id), ("promise_id", promise_id)) if value}
    plans = importer.plan_file(store, path, layer, defaults={**(defaults or {}), **links}, **options)
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
    "commit_file",
    "file_kind",
    "plan_file",
    "Wording",
]
