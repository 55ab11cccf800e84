"""Storage of pledges and layers behind one interface: a GeoPackage file, or a PostgreSQL + PostGIS database."""

from __future__ import annotations

from pathlib import Path

from geodata.store.base import LayerExtent, LayerQuery, Store
from geodata.store.gpkg.store import GeoPackageStore
from geodata.store.gpkg.store import migrate as _migrate_file

__all__ = ["GeoPackageStore", "LayerExtent", "LayerQuery", "Store", "describe", "is_database_url", "location",
           "migrate", "open_store"]

DATABASE_PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_database_url(location: object) -> bool:
    """Whether ``location`` names a PostgreSQL database (``postgresql://user@host:port/db``) rather than a file."""
    return isinstance(location, str) and location.startswith(DATABASE_PREFIXES)


def open_store(location: str | Path) -> Store:
    """Open the store at ``location``: a GeoPackage file path, or a ``postgresql://`` URL."""
    if is_database_url(location):
        from geodata.store.postgis.store import PostGISStore

        return PostGISStore.open(str(location))
    return GeoPackageStore.open(location)


def migrate(location: str | Path) -> tuple[int, int]:
    """Create the store at ``location`` or bring it to the latest schema; (version before, version after)."""
    if is_database_url(location):
        from geodata.store.postgis.store import migrate as migrate_database

        return migrate_database(str(location))
    return _migrate_file(location)


def location(text: str | Path) -> str | Path:
    """A store's location as given on a command line or in the environment: a URL stays text, a file a path."""
    return str(text) if is_database_url(str(text)) else Path(text)


def describe(where: str | Path) -> str:
    """A store's location for messages and logs: a database URL without its password."""
    if is_database_url(where):
        from sqlalchemy.engine import make_url

        return make_url(str(where).replace("postgres://", "postgresql://", 1)).render_as_string(hide_password=True)
    return str(where)
