"""Pledgemap's domain: pledges, their promises, the geospatial layers behind them, and their storage.

This package never imports dash, plotly or folium; everything the dashboard
does can be done through it alone. The names below are its API: a script, a
test or the dashboard imports them from here::

    from geodata import LOCAL_ADMIN, GuardedStore, open_store, pledge_progress

    with open_store("data/pledgemap.gpkg") as store:
        pledge = store.get_pledge("mark-2021")
        progress = pledge_progress(GuardedStore(store, LOCAL_ADMIN), pledge)

Analyses live in :mod:`geodata.analysis`; a backend's own modules
(``geodata.store.gpkg``, ``geodata.store.postgis``) are not part of the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geodata.lazy import lazy_api

__all__ = [
    "DISPLAY_CRS",
    "LAYERS",
    "LOCAL_ADMIN",
    "PUBLIC_VIEWER",
    "STORAGE_CRS",
    "AccessError",
    "FilePlan",
    "GeoPackageStore",
    "Goal",
    "GuardedStore",
    "ImportFileError",
    "ImportLimits",
    "LayerQuery",
    "LayerView",
    "Note",
    "NotFoundError",
    "Pledge",
    "PledgemapError",
    "Problem",
    "Promise",
    "PromiseProgress",
    "PublicView",
    "SchemaError",
    "SignInError",
    "Store",
    "StoreError",
    "TimelineRow",
    "ValidationError",
    "VersionConflictError",
    "Viewer",
    "__version__",
    "advance",
    "check_write",
    "commit_file",
    "copy_store",
    "export_layers",
    "figures_store",
    "file_kind",
    "get_layer",
    "layer_queries",
    "layer_view",
    "migrate",
    "municipality_geojson",
    "open_store",
    "owners",
    "parse_pledge_text",
    "plan_file",
    "pledge_document",
    "pledge_from_dict",
    "pledge_progress",
    "pledge_timeline",
    "public_view",
    "read_pledge_text",
    "readable_query",
    "shipped_pledges",
    "worklist",
    "write_demo_store",
]

# Each name of the API and the module it lives in. Imported when first used (PEP 562), so that
# ``import geodata.errors`` or ``pledgemap --help`` does not load the whole domain.
_API = {
    "AccessError": "geodata.access",
    "GuardedStore": "geodata.access",
    "LOCAL_ADMIN": "geodata.access",
    "PUBLIC_VIEWER": "geodata.access",
    "Viewer": "geodata.access",
    "check_write": "geodata.access",
    "figures_store": "geodata.access",
    "readable_query": "geodata.access",
    "SignInError": "geodata.access.accounts",
    "municipality_geojson": "geodata.boundaries",
    "write_demo_store": "geodata.demo",
    "ImportFileError": "geodata.errors",
    "NotFoundError": "geodata.errors",
    "Note": "geodata.errors",
    "PledgemapError": "geodata.errors",
    "Problem": "geodata.errors",
    "SchemaError": "geodata.errors",
    "StoreError": "geodata.errors",
    "ValidationError": "geodata.errors",
    "VersionConflictError": "geodata.errors",
    "FilePlan": "geodata.io",
    "commit_file": "geodata.io",
    "file_kind": "geodata.io",
    "plan_file": "geodata.io",
    "export_layers": "geodata.io.exporter",
    "pledge_document": "geodata.io.exporter",
    "parse_pledge_text": "geodata.io.pledge_text",
    "read_pledge_text": "geodata.io.pledge_text",
    "ImportLimits": "geodata.io.readers",
    "DISPLAY_CRS": "geodata.layers",
    "LAYERS": "geodata.layers",
    "STORAGE_CRS": "geodata.layers",
    "get_layer": "geodata.layers",
    "Goal": "geodata.model",
    "Pledge": "geodata.model",
    "Promise": "geodata.model",
    "pledge_from_dict": "geodata.model",
    "shipped_pledges": "geodata.shipped",
    "GeoPackageStore": "geodata.store",
    "LayerQuery": "geodata.store",
    "Store": "geodata.store",
    "copy_store": "geodata.store",
    "migrate": "geodata.store",
    "open_store": "geodata.store",
    "layer_queries": "geodata.views.filters",
    "LayerView": "geodata.views.mapview",
    "layer_view": "geodata.views.mapview",
    "PromiseProgress": "geodata.views.progress",
    "pledge_progress": "geodata.views.progress",
    "PublicView": "geodata.views.public",
    "public_view": "geodata.views.public",
    "TimelineRow": "geodata.views.timeline",
    "pledge_timeline": "geodata.views.timeline",
    "owners": "geodata.views.worklist",
    "worklist": "geodata.views.worklist",
    "advance": "geodata.workflow",
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pledgemap")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


__getattr__, __dir__ = lazy_api(__name__, _API, globals(), computed={"__version__": _version})


if TYPE_CHECKING:  # the same names, for type checkers and editors
    __version__: str
    from geodata.access import (
        LOCAL_ADMIN,
        PUBLIC_VIEWER,
        AccessError,
        GuardedStore,
        Viewer,
        check_write,
        figures_store,
        readable_query,
    )
    from geodata.access.accounts import SignInError
    from geodata.boundaries import municipality_geojson
    from geodata.demo import write_demo_store
    from geodata.errors import (
        ImportFileError,
        Note,
        NotFoundError,
        PledgemapError,
        Problem,
        SchemaError,
        StoreError,
        ValidationError,
        VersionConflictError,
    )
    from geodata.io import FilePlan, commit_file, file_kind, plan_file
    from geodata.io.exporter import export_layers, pledge_document
    from geodata.io.pledge_text import parse_pledge_text, read_pledge_text
    from geodata.io.readers import ImportLimits
    from geodata.layers import DISPLAY_CRS, LAYERS, STORAGE_CRS, get_layer
    from geodata.model import Goal, Pledge, Promise, pledge_from_dict
    from geodata.shipped import shipped_pledges
    from geodata.store import GeoPackageStore, LayerQuery, Store, copy_store, migrate, open_store
    from geodata.views.filters import layer_queries
    from geodata.views.mapview import LayerView, layer_view
    from geodata.views.progress import PromiseProgress, pledge_progress
    from geodata.views.public import PublicView, public_view
    from geodata.views.timeline import TimelineRow, pledge_timeline
    from geodata.views.worklist import owners, worklist
    from geodata.workflow import advance
