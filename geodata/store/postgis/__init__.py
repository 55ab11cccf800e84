"""The store on PostgreSQL + PostGIS, for several app workers; imported only when a ``postgresql://`` URL is opened."""

from geodata.store.postgis.store import PostGISStore, dispose, migrate

__all__ = ["PostGISStore", "dispose", "migrate"]
