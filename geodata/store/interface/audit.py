"""The audit log: who changed what, and when."""

from __future__ import annotations

from abc import ABC, abstractmethod

from geodata.records import AuditEntry


class AuditStore(ABC):
    """Reading the audit log; every other concern writes to it in its own transactions."""

    @abstractmethod
    def read_audit(self, layer: str | None = None, record_id: str | None = None) -> list[AuditEntry]:
        """The audit log, oldest first: all of it, or one layer's or one record's entries."""
