"""Retention (gallring): deleting records for good, and the counts kept of them for the follow-up."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

from geodata.records import KeptCount
from geodata.store.interface.layers import LayerQuery


class RetentionStore(ABC):
    """Records deleted for good by a retention run, and how many of them each promise's progress still counts."""

    @abstractmethod
    def kept_count(self, layer: str, query: LayerQuery | None = None) -> int:
        """How many records of ``layer`` that retention deleted ``query`` would have selected.

        Only what the kept counts hold can be asked (see :func:`geodata.store.conditions.kept_conditions`):
        pledge, promise, the layer's kind field, dates and demo; anything else is a ``ValueError``.
        """

    @abstractmethod
    def read_kept_counts(self, layer: str, query: LayerQuery | None = None) -> list[KeptCount]:
        """The kept counts of ``layer`` that ``query`` selects (as :meth:`kept_count` does), summed per first
        and last day and kind, in order of days: what a timeline shows of the records retention deleted."""

    @abstractmethod
    def purge_records(
        self, records: Mapping[str, Mapping[str, int]], details: Mapping[str, Any], actor: str = "local"
    ) -> dict[str, list[str]]:
        """Delete ``records`` (layer -> record id -> the version planned on) for good, in one transaction.

        Before they go, the records that are not soft-deleted are counted into the kept counts (per layer,
        pledge, promise, kind, first and last Swedish day, demo), so progress counts them as before. One audit
        entry (action ``retention``) says who, when, ``details`` (the settings applied) and every id deleted.
        A record changed or gone since it was planned is a :class:`~geodata.errors.VersionConflictError` and
        nothing is deleted. Returns the ids deleted per layer.
        """
