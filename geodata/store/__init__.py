"""Storage of pledges and layers behind one interface."""

from __future__ import annotations

from pathlib import Path

from .base import LayerExtent, LayerQuery, Store
from .gpkg import GeoPackageStore, migrate

__all__ = ["GeoPackageStore", "LayerExtent", "LayerQuery", "Store", "migrate", "open_store"]


def open_store(location: str | Path) -> Store:
    """Open the store at ``location``: a GeoPackage file path (a database URL in a later backend)."""
    return GeoPackageStore.open(location)
