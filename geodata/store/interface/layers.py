"""The three record layers: which records a query selects, and reading, counting and changing them."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd

from geodata.layers import LAYERS
from geodata.records import GridCounts, LayerExtent


@dataclass(frozen=True)
class LayerQuery:
    """Which records of a layer to read. Every condition given must hold.

    ``start``/``end`` are inclusive dates on the layer's time field (for
    operations: the operation overlaps the range); ``bbox`` is
    ``(minx, miny, maxx, maxy)`` in EPSG:3006; ``values`` maps a choice
    field (category, source, status, kind, …) to the values to keep.

    ``limit`` and ``offset`` read one page of the matching records in the
    store's stable order (by feature id, the order records were written in);
    they do not change what :meth:`LayerStore.count` counts.
    """

    pledge_id: str | None = None
    pledge_ids: tuple[str, ...] | None = None  # records of any of these pledges (an overview of many)
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
    def build(cls, values: Mapping[str, Sequence[str] | None] | None = None, **kwargs: Any) -> LayerQuery:
        """A query whose ``values`` come as a dict: ``None`` sets no condition, an empty list keeps nothing."""
        pairs = tuple((k, tuple(v)) for k, v in sorted((values or {}).items()) if v is not None)
        return cls(values=pairs, **kwargs)


class LayerStore(ABC):
    """Records of the layers (unsafe places, inventoried sites, operations): read by query, written as batches."""

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

    def counts(self, pledge_id: str | None = None, demo_only: bool = False) -> dict[str, int]:
        """Number of records per layer, for one pledge or all; with ``demo_only``, only generated demo records."""
        query = LayerQuery(pledge_id=pledge_id, demo=True if demo_only else None)
        return {name: self.count(name, query) for name in LAYERS}

    def write_batch(self, layer: str, records: gpd.GeoDataFrame, actor: str = "local") -> list[str]:
        """Validate and insert ``records``; all land or none do. Returns the new ids. Audited as ``actor``."""
        return self.write_batches({layer: records}, actor)[layer]

    @abstractmethod
    def write_batches(self, batches: dict[str, gpd.GeoDataFrame], actor: str = "local") -> dict[str, list[str]]:
        """Validate and insert records into several layers in one transaction: all land or none do."""

    @abstractmethod
    def update_record(
        self, layer: str, record_id: str, changes: dict[str, Any], expected_version: int, actor: str = "local"
    ) -> dict[str, Any]:
        """Apply ``changes`` to one record if it is still at ``expected_version``.

        Raises :class:`~geodata.errors.VersionConflictError` if someone saved in
        between. Returns the stored record after the change.
        """

    @abstractmethod
    def delete_record(self, layer: str, record_id: str, expected_version: int, actor: str = "local") -> None:
        """Soft-delete a record at ``expected_version``: it leaves every view and can be restored; audited."""

    @abstractmethod
    def restore_record(self, layer: str, record_id: str, actor: str = "local") -> None:
        """Bring a soft-deleted record back; audited."""
