"""Access to the store from a request: opened per request, closed after it.

Opening the GeoPackage is cheap, and a store per request keeps no state in
one worker's memory, so several workers can serve the same file. Every
request's store is guarded by the signed-in account's role.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from urllib.parse import urlsplit

import flask

from dashboard.settings import Settings
from geodata import GuardedStore, Store, open_store

SETTINGS_KEY = "PLEDGEMAP_SETTINGS"


def settings() -> Settings:
    return flask.current_app.config[SETTINGS_KEY]


def request_route() -> str:
    """Where this request's reads are shown, for the read log: the page a Dash callback answers (its same-origin
    referrer's path), else the request's own path (/ogc/collections/…/items)."""
    request = flask.request
    if request.path.startswith("/_dash") and request.referrer:
        referrer = urlsplit(request.referrer)
        if referrer.netloc == request.host:
            return referrer.path or "/"
    return request.path


@contextlib.contextmanager
def request_store() -> Iterator[Store]:
    """The store as the signed-in account may see it (:class:`~geodata.access.GuardedStore`), for this request."""
    from dashboard.auth import current_viewer

    store = open_store(settings().data)
    try:
        yield GuardedStore(store, current_viewer(store), route=request_route())
    finally:
        store.close()
