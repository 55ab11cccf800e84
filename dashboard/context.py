"""Access to the store from a request: opened per request, closed after it.

Opening the GeoPackage is cheap, and a store per request keeps no state in
one worker's memory, so several workers can serve the same file. Every
request's store is guarded by the signed-in account's role.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import flask

from dashboard.settings import Settings
from geodata import GuardedStore, Store, open_store

SETTINGS_KEY = "PLEDGEMAP_SETTINGS"


def settings() -> Settings:
    return flask.current_app.config[SETTINGS_KEY]


@contextlib.contextmanager
def request_store() -> Iterator[Store]:
    """The store as the signed-in account may see it (:class:`~geodata.access.GuardedStore`), for this request."""
    from dashboard.auth import current_viewer

    store = open_store(settings().data)
    try:
        yield GuardedStore(store, current_viewer(store))
    finally:
        store.close()
