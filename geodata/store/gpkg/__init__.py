"""The embedded store: one GeoPackage file (SQLite), written with the OGC GeoPackage format's own tables."""

from geodata.store.gpkg.store import GeoPackageStore, migrate

__all__ = ["GeoPackageStore", "migrate"]
