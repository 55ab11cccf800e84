"""The read log: who read which records, when, and from where (brottsdatalagen's logging of reads)."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Sequence

from geodata.records import ReadEntry


class ReadLogStore(ABC):
    """Appending reads of records and reading them back; append-only like the audit log (the store refuses
    UPDATE and DELETE of its rows)."""

    @abstractmethod
    def append_reads(self, entries: Sequence[ReadEntry]) -> None:
        """Append ``entries`` in one transaction (one row each, its record ids in one column), or none of them.

        Raises :class:`~geodata.errors.StoreError` if they cannot be written:
        the caller then refuses the read (see :mod:`geodata.access.readlog`).
        """

    @abstractmethod
    def read_read_log(
        self, start: dt.datetime | None = None, end: dt.datetime | None = None, username: str | None = None
    ) -> list[ReadEntry]:
        """The read log, oldest first: all of it, or reads from ``start`` and before ``end`` (UTC), of one user."""
