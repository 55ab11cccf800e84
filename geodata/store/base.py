"""The backend-neutral store interface.

The dashboard, the CLI and the tests talk to a :class:`Store`; the GeoPackage
file is the embedded default, and a PostGIS backend fits behind the same
methods.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from geodata.model import Pledge
from geodata.records import Account, AuditEntry, GridCounts, LayerExtent, PoliceEvent


@dataclass(frozen=True)
class LayerQuery:
    """Which records of a layer to read. Every condition given must hold.

    ``start``/``end`` are inclusive dates on the layer's time field (for
    operations: the operation overlaps the range); ``bbox`` is
    ``(minx, miny, maxx, maxy)`` in EPSG:3006; ``values`` maps a choice
    field (category, source, status, kind, …) to the values to keep.

    ``limit`` and ``offset`` read one page of the matching records in the
    store's stable order (by feature id, the order records were written in);
    they do not change what :meth:`Store.count` counts.
    """

    pledge_id: str | None = None
    promise_id: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    bbox: tuple[float, float, float, float] | None = None
    ids: tuple[str, ...] | None = None
    values: tuple[tuple[str, tuple[str, ...]], ...] = ()
    deleted: bool = False  # True: only the soft-deleted records (for an admin to restore); False: none of them
    demo: bool | None = None  # True: only generated demo records; False: only real ones; None: both
    limit: int | None = None
    offset: int = 0

    def __post_init__(self) -> None:
        if self.limit is not None and self.limit < 0:
            raise ValueError(f"a query's limit is {self.limit}; expected 0 or more records, or None for all")
        if self.offset < 0:
            raise ValueError(f"a query's offset is {self.offset}; expected 0 or more records to skip")

    @classmethod
    def build(cls, values: dict[str, list[str] | tuple[str, ...]] | None = None, **kwargs: Any) -> LayerQuery:
        """A query whose ``values`` come as a dict: ``None`` sets no condition, an empty list keeps nothing."""
        pairs = tuple((k, tuple(v)) for k, v in sorted((values or {}).items()) if v is not None)
        return cls(values=pairs, **kwargs)


class Store(ABC):
    """Pledges, promises and the three layers, read and written as whole, validated units."""

    @abstractmethod
    def schema_version(self) -> int:
        """The schema version of the stored data."""

    @abstractmethod
    def list_pledges(self) -> list[Pledge]:
        """Every pledge, ordered by start of period and id."""

    @abstractmethod
    def get_pledge(self, pledge_id: str) -> Pledge:
        """The pledge with ``pledge_id``; raises :class:`~geodata.errors.NotFoundError`."""

    @abstractmethod
    def save_pledge(self, pledge: Pledge, actor: str = "local") -> None:
        """Insert or replace a pledge with its promises, in one transaction."""

    @abstractmethod
    def read_layer(self, layer: str, query: LayerQuery | None = None) -> gpd.GeoDataFrame:
        """Records of ``layer`` matching ``query`` as a GeoDataFrame in EPSG:3006."""

    @abstractmethod
    def count(self, layer: str, query: LayerQuery | None = None) -> int:
        """How many records of ``layer`` match ``query``, without reading them."""

    @abstractmethod
    def extent(self, layer: str, query: LayerQuery | None = None) -> LayerExtent:
        """Count, demo count, bounding box and time span of the records ``query`` matches, without reading them."""

    @abstractmethod
    def grid_counts(self, layer: str, query: LayerQuery | None, cell_m: float, weight: str | None = None) -> GridCounts:
        """Records of ``layer`` matching ``query`` counted per square cell of ``cell_m`` metres, in the database.

        Each record counts in the cell of a point on it (``weight`` sums that
        column instead, a missing value counting 1). Only non-empty cells.
        """

    @abstractmethod
    def known_sources(self, layer: str, source_ids: list[str], query: LayerQuery | None = None) -> set[str]:
        """Which of ``source_ids`` a stored record of ``layer`` (of those ``query`` selects) carries as its source id
        or its own id."""

    @abstractmethod
    def write_batch(self, layer: str, records: gpd.GeoDataFrame, actor: str = "local") -> list[str]:
        """Validate and insert ``records``; all land or none do. Returns the new ids. Audited as ``actor``."""

    @abstractmethod
    def write_batches(self, batches: dict[str, gpd.GeoDataFrame], actor: str = "local") -> dict[str, list[str]]:
        """Validate and insert records into several layers in one transaction: all land or none do."""

    @abstractmethod
    def delete_record(self, layer: str, record_id: str, expected_version: int, actor: str = "local") -> None:
        """Soft-delete a record at ``expected_version``: it leaves every view and can be restored; audited."""

    @abstractmethod
    def restore_record(self, layer: str, record_id: str, actor: str = "local") -> None:
        """Bring a soft-deleted record back; audited."""

    @abstractmethod
    def read_audit(self, layer: str | None = None, record_id: str | None = None) -> list[AuditEntry]:
        """The audit log, oldest first: all of it, or one layer's or one record's entries."""

    @abstractmethod
    def update_record(
        self, layer: str, record_id: str, changes: dict[str, Any], expected_version: int, actor: str = "local"
    ) -> dict[str, Any]:
        """Apply ``changes`` to one record if it is still at ``expected_version``.

        Raises :class:`~geodata.errors.VersionConflictError` if someone saved in
        between. Returns the stored record after the change.
        """

    @abstractmethod
    def save_user(self, user: Account, actor: str = "local") -> None:
        """Insert or replace an account (by username)."""

    @abstractmethod
    def get_user(self, username: str) -> Account | None:
        """The account called ``username``, or ``None``."""

    @abstractmethod
    def list_users(self) -> list[Account]:
        """Every account, by username."""

    @abstractmethod
    def delete_user(self, username: str, actor: str = "local") -> bool:
        """Remove an account; whether there was one."""

    @abstractmethod
    def begin_sign_in(
        self,
        scopes: list[tuple[str, str]],
        now: dt.datetime,
        retry_after: Callable[[tuple[str, str], int, dt.datetime], int],
    ) -> int:
        """Count a sign-in attempt against each ``(name, address)`` scope, unless one of them must wait.

        ``retry_after(scope, failures, last_at)`` says how many seconds a scope
        with that many failures in a row must still wait. Returns the longest
        wait and counts nothing if it is above zero; otherwise counts the
        attempt (as a failure until :meth:`end_sign_in` says otherwise) and
        returns 0. Checking and counting are one transaction.
        """

    @abstractmethod
    def end_sign_in(self, clear: list[tuple[str, str]], release: list[tuple[str, str]]) -> None:
        """After a successful sign-in: forget the ``clear`` scopes' failures, take one off each ``release`` scope."""

    @abstractmethod
    def clear_sign_in_failures(self, name: str) -> int:
        """Forget every failed sign-in counted for ``name`` (from any address); how many counters there were."""

    @abstractmethod
    def sign_in_failures(self, name: str) -> int:
        """Failed sign-ins in a row for ``name`` from all addresses together."""

    @abstractmethod
    def write_survey_results(
        self, results: gpd.GeoDataFrame, replace: bool = False, actor: str = "local"
    ) -> tuple[int, int]:
        """Store survey results (columns as ``SURVEY_COLUMNS``, geometry optional, EPSG:3006); all or none.

        A result for an area, year and indicator already stored with another
        value is refused (:class:`~geodata.errors.ValidationError` naming it)
        unless ``replace``. Returns (new, replaced).
        """

    @abstractmethod
    def read_survey_results(
        self, municipality_code: str | None = None, indicator: str | None = None
    ) -> gpd.GeoDataFrame:
        """Stored survey results, by indicator, area and year."""

    @abstractmethod
    def read_setting(self, key: str) -> str | None:
        """A setting an admin made in the store (such as the pledge of the presentation mode), or ``None``."""

    @abstractmethod
    def write_setting(self, key: str, value: str | None, actor: str = "local") -> None:
        """Set or (with ``None``) clear a setting; audited."""

    @abstractmethod
    def write_police_events(self, events: list[PoliceEvent], actor: str = "local") -> tuple[int, int]:
        """Store events of the police's events API; returns (new, already stored). All land or none do."""

    @abstractmethod
    def read_police_events(
        self, municipality_code: str | None = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        """Stored police events, for one municipality and a range of publication dates (Swedish time), or all."""

    @abstractmethod
    def dump_tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table a whole-store copy carries (see :func:`geodata.store.rules.copy_tables`)."""

    @abstractmethod
    def load_tables(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        """Load :meth:`dump_tables`' rows into this store, which must be empty; all in one transaction."""

    @abstractmethod
    def counts(self, pledge_id: str | None = None, demo_only: bool = False) -> dict[str, int]:
        """Number of records per layer, for one pledge or all; with ``demo_only``, only generated demo records."""

    def close(self) -> None:  # noqa: B027 (a backend that holds nothing open need not close anything)
        """Release what the store holds open."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
