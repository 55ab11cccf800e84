"""Storage of pledges and layers behind one interface: a GeoPackage file, or a PostgreSQL + PostGIS database."""

from __future__ import annotations

from pathlib import Path

from geodata.errors import StoreError
from geodata.location import describe, is_database_url, location
from geodata.store.base import LayerExtent, LayerQuery, Store
from geodata.store.gpkg.store import GeoPackageStore
from geodata.store.gpkg.store import migrate as _migrate_file

__all__ = [
    "GeoPackageStore",
    "LayerExtent",
    "LayerQuery",
    "Store",
    "close_connections",
    "describe",
    "is_database_url",
    "location",
    "migrate",
    "open_store",
    "copy_store",
]

# The packages of the optional extra pledgemap[postgis].
POSTGIS_PACKAGES = ("sqlalchemy", "geoalchemy2", "psycopg")


def _postgis():
    """The PostGIS backend, or a clear error when the optional ``pledgemap[postgis]`` packages are not installed."""
    try:
        from geodata.store import postgis
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in POSTGIS_PACKAGES:
            raise StoreError(
                f"a postgresql:// store needs the PostGIS extra, which is not installed (missing: {exc.name}); "
                "install it with: pip install 'pledgemap[postgis]'"
            ) from exc
        raise
    return postgis


def open_store(location: str | Path) -> Store:
    """Open the store at ``location``: a GeoPackage file path, or a ``postgresql://`` URL."""
    if is_database_url(location):
        return _postgis().PostGISStore.open(str(location))
    return GeoPackageStore.open(location)


def close_connections(location: str | Path) -> None:
    """Close the connections this process keeps open to ``location``, before it forks processes that open their own.

    A GeoPackage store keeps none (each open is its own); a database's connection pool is closed.
    """
    if is_database_url(location):
        _postgis().dispose(str(location))


def migrate(location: str | Path) -> tuple[int, int]:
    """Create the store at ``location`` or bring it to the latest schema; (version before, version after)."""
    if is_database_url(location):
        return _postgis().migrate(str(location))
    return _migrate_file(location)


def copy_store(source: Store, target: Store) -> dict[str, int]:
    """Copy every table of ``source`` into the empty store ``target``, in one transaction; rows per table."""
    tables = source.dump_tables()
    target.load_tables(tables)
    return {name: len(rows) for name, rows in tables.items()}
