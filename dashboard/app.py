"""The Dash application factory."""

from __future__ import annotations

from pathlib import Path

import dash
import flask
from dash import Dash, html

from dashboard import auth
from dashboard.components.titles import request_language
from dashboard.context import SETTINGS_KEY
from dashboard.server import present, reports, statement, tiles
from dashboard.server.ogc import blueprint as ogc_api
from dashboard.settings import Settings

PACKAGE = Path(__file__).resolve().parent
PAGES = PACKAGE / "pages"
# The app's CSS, script, its plotly.js and the standalone export's vendored Leaflet: package data, so a wheel
# carries them.
ASSETS = PACKAGE / "assets"


def create_app(settings: Settings) -> Dash:
    """A Dash app serving ``settings.data``; every script and style is served by the app itself."""
    if not ASSETS.is_dir():
        raise RuntimeError(
            f"the assets folder {ASSETS} is missing from the installed package; reinstall "
            "Pledgemap (pip install pledgemap, or pip install . in its repository)"
        )
    app = Dash(
        # The package name (not this module's) makes Dash import pages as
        # dashboard.pages.<name>, so pages can import their siblings.
        "dashboard",
        use_pages=True,
        pages_folder=str(PAGES),
        assets_folder=str(ASSETS),
        # assets/vendor/plotly/ is the pages' plotly.js (only the trace types they draw): loaded after the
        # app's own scripts (Dash orders assets by path), it defines window.Plotly before any graph renders, so
        # dcc.Graph never fetches Dash's full bundle. assets/vendor/leaflet/ is for the standalone export only.
        assets_path_ignore=["^leaflet$"],
        serve_locally=True,
        title="Pledgemap",
        update_title=None,
        # Pages draw some controls (table pagers, row buttons) inside callback output.
        suppress_callback_exceptions=True,
    )
    # The page's language (?lang=en, else Swedish) on <html>, and its title from the first byte on.
    app.index_string = app.index_string.replace("<html>", '<html lang="{%lang%}">', 1)
    plain_index = app.interpolate_index

    def interpolate_index(**parts: str) -> str:
        page = next((p for p in dash.page_registry.values() if p["path"] == flask.request.path), None)
        title = page["title"] if page else None
        if callable(title):
            parts["title"] = title()
        return plain_index(**parts).replace("{%lang%}", request_language(), 1)

    app.interpolate_index = interpolate_index  # type: ignore[method-assign]
    app.server.config[SETTINGS_KEY] = settings
    auth.install(app.server, settings)
    present.install(app.server)
    reports.install(app.server)
    statement.install(app.server)
    tiles.install(app.server, settings)
    app.server.register_blueprint(ogc_api)
    app.layout = html.Div(dash.page_container, id="app-root")
    return app
