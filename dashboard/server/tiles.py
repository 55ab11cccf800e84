"""The local basemap's tiles at ``/tiles/{z}/{x}/{y}.{ext}``, read-only, from the file the settings name.

A route only: :mod:`geodata.basemap` reads the MBTiles or PMTiles file (the
TMS row flip, the PMTiles directories, the bounds on every read). The path
holds three whole numbers and an image extension, nothing else, so no request
can name another file. Answers: the tile with its own content type; 204 for a
tile the file does not have (a map draws nothing there); 404 for a tile that
cannot exist, an unknown extension, or no basemap configured.

Tiles sit behind sign-in like every other route (the guard in
:mod:`dashboard.auth`); the standalone and presentation maps carry their tiles
inside the page instead.
"""

from __future__ import annotations

import logging

import flask

from dashboard.settings import Settings
from geodata.basemap import BasemapError, TileFile, open_basemap, valid_tile

PREFIX = "/tiles"
EXTENSIONS = ("png", "jpg", "jpeg", "webp")
CONFIG_KEY = "PLEDGEMAP_BASEMAP_FILE"
log = logging.getLogger(__name__)


def install(server: flask.Flask, settings: Settings) -> None:
    """Serve ``settings.basemap`` (opened once here, so a bad file fails at start) if one is set."""
    server.config[CONFIG_KEY] = open_basemap(settings.basemap) if settings.basemap is not None else None
    server.add_url_rule(f"{PREFIX}/<int:z>/<int:x>/<int:y>.<ext>", "tiles", _tile, methods=["GET"])
    server.before_request(_only_tiles)


def _only_tiles() -> flask.Response | None:
    # Anything else under the prefix is no tile (not the dashboard's page, which answers every other path).
    if flask.request.path.startswith(f"{PREFIX}/") and flask.request.endpoint != "tiles":
        return _no_tile()
    return None


def _no_tile() -> flask.Response:
    return flask.Response("No such tile", status=404, mimetype="text/plain")


def _tile(z: int, x: int, y: int, ext: str) -> flask.Response:
    basemap: TileFile | None = flask.current_app.config.get(CONFIG_KEY)
    if basemap is None or ext not in EXTENSIONS or not valid_tile(z, x, y):
        return _no_tile()
    try:
        tile = basemap.tile(z, x, y)
    except BasemapError as error:
        log.error("basemap tile %s/%s/%s: %s", z, x, y, error)
        return flask.Response("The basemap file could not be read", status=500, mimetype="text/plain")
    if tile is None:
        response = flask.Response(status=204)
    else:
        response = flask.Response(tile.data, mimetype=tile.media_type)
        response.headers["X-Content-Type-Options"] = "nosniff"
    # Behind sign-in: the browser may keep tiles, shared caches may not.
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
