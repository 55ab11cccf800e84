"""Whole-store copies, such as from a GeoPackage file to PostGIS."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class CopyStore(ABC):
    """Every table as rows of Python values, out of one store and into another."""

    @abstractmethod
    def dump_tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table a whole-store copy carries (see :func:`geodata.store.rules.copy_tables`)."""

    @abstractmethod
    def load_tables(self, tables: dict[str, list[dict[str, Any]]]) -> None:
        """Load :meth:`dump_tables`' rows into this store, which must be empty; all in one transaction."""
