"""Presentationsläge / presentation mode: the chosen pledge for a citizen dialogue, without sign-in.

On only while an admin has chosen a pledge for it (``pledgemap present
--pledge ID``); off again with ``--off``. It serves the public standalone map
(:func:`dashboard.standalone.build_standalone_map` with ``public=True``):
the pledge in large text with its promises and progress, and the public,
aggregated map (minimum counts, no internal records, no free text). Nothing
else of the dashboard opens without signing in.
"""

from __future__ import annotations

import flask

from dashboard.context import request_store, settings
from dashboard.i18n import language, translator
from dashboard.server import headers
from geodata import figures_store

SETTING = "presentation_pledge"
PATH = "/present"


def install(server: flask.Flask) -> None:
    server.add_url_rule(PATH, "present", _present, methods=["GET"])


def _present() -> flask.Response:
    from dashboard.standalone import build_standalone_map

    lang = language(flask.request.args.get("lang"))
    with request_store() as store:
        pledge_id = store.read_setting(SETTING)
        if not pledge_id:
            t = translator(lang)
            return flask.Response(t("present.off"), status=404, mimetype="text/plain")
        # The public view and progress are built from the whole store, aggregated; no record reaches the page.
        s = settings()
        page = build_standalone_map(
            figures_store(store),
            pledge_id,
            public=True,
            presentation=True,
            contact=s.accessibility_contact,
            tiles=s.online_tiles,
            basemap=s.basemap,
            lang=lang,
        )
    response = flask.Response(page, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    # The page carries its scripts inline (it is the standalone map, which works as a file too).
    response.headers[headers.POLICY_HEADER] = headers.page_policy(page, headers.tile_origin(s.online_tiles))
    return response
