"""The Dash application factory."""

from __future__ import annotations

from pathlib import Path

import dash
from dash import Dash, html

from dashboard import auth
from dashboard.context import SETTINGS_KEY
from dashboard.server import present, tiles
from dashboard.server.ogc import blueprint as ogc_api
from dashboard.settings import Settings

PACKAGE = Path(__file__).resolve().parent
PAGES = PACKAGE / "pages"
# The app's CSS, script and the standalone export's vendored Leaflet: package data, so a wheel carries them.
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
        # assets/vendor/ holds files for the standalone export (Leaflet), not for these pages.
        assets_path_ignore=["^vendor$"],
        serve_locally=True,
        title="Pledgemap",
        update_title=None,
        # Pages draw some controls (table pagers, row buttons) inside callback output.
        suppress_callback_exceptions=True,
    )
    # Swedish is the page's language; English pages mark their own main element.
    app.index_string = app.index_string.replace("<html>", '<html lang="sv">', 1)
    app.server.config[SETTINGS_KEY] = settings
    auth.install(app.server, settings)
    present.install(app.server)
    tiles.install(app.server, settings)
    app.server.register_blueprint(ogc_api)
    app.layout = html.Div(dash.page_container, id="app-root")
    return app
