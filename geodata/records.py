"""What the store returns: records of accounts, police events, audit entries, extents, grid counts and kept counts.

These types sit below the store, so its interface imports no feature module
(accounts, police events, grids) that in turn imports the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    password_hash: str
    display_name: str | None = None
    organisation: str | None = None  # the housing company's name as sites record it in ``owner``
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    # Kept in the account's session cookies; a new one (at sign-out or a new password) ends every session.
    session_key: str = ""


@dataclass(frozen=True)
class PoliceEvent:
    id: int
    published_at: dt.datetime  # UTC
    title: str
    type: str
    summary: str
    url: str
    location_name: str
    municipality_code: str | None  # None: a county-level event, or a title that names no municipality


@dataclass(frozen=True)
class AuditEntry:
    """One change: when (UTC), who, what kind, to which record, and the values before and after."""

    at: dt.datetime
    actor: str
    action: str  # create, edit, pledge, user, user_removed, events
    layer: str | None
    record_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class ReadEntry:
    """One read of records by a person (brottsdatalagen's log of who read what): when (UTC), who, what, from where.

    ``record_ids`` are every record handed over (a list's or an export's
    included), ``count`` how many; ``query`` is what was asked for (a list's or
    an export's filters) and ``route`` the page or API route that showed them.
    """

    at: dt.datetime
    username: str
    role: str
    action: str  # details, list, export, ogc (geodata.access.readlog.READ_ACTIONS)
    layer: str | None
    record_ids: tuple[str, ...]
    count: int
    query: str | None = None
    route: str | None = None


@dataclass(frozen=True)
class KeptCount:
    """How many records a retention run deleted that had one kind and one span of Swedish days (first to last:
    a report's day, an operation's start and end); all the store keeps of them besides pledge and promise."""

    first_day: dt.date | None
    last_day: dt.date | None
    kind: str | None
    records: int


@dataclass(frozen=True)
class LayerExtent:
    """How many records a query matches, how many are demo data, and where and when they lie."""

    count: int
    demo: int
    bbox: tuple[float, float, float, float] | None  # EPSG:3006, None when nothing matches
    first: Any = None  # earliest value of the layer's time field (date or UTC datetime)
    last: Any = None  # latest value of its end field (or time field)


@dataclass(frozen=True)
class GridCounts:
    """Non-empty cells: centre in EPSG:3006 and in WGS84, and the number of records in each."""

    cell_m: float
    x: np.ndarray
    y: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    count: np.ndarray

    def __len__(self) -> int:
        return len(self.count)
