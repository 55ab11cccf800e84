"""The Dash application factory."""

from __future__ import annotations

from pathlib import Path

import dash
import flask
from dash import Dash, dcc, html

from dashboard import auth
from dashboard.address import first_page
from dashboard.components.titles import request_language
from dashboard.context import SETTINGS_KEY
from dashboard.server import headers, present, reports, statement, tiles
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
    # Dash's inline scripts (its renderer's start, clientside functions) by their hashes, as the page has them.
    headers.install(app.server, headers.tile_origin(settings.tiles_url), app.csp_hashes)
    app.layout = first_layout
    _set_up(app)
    return app


def _set_up(app: Dash) -> None:
    """Do now what Dash does on a process's first request: take the pages' callbacks, register the scripts it serves.

    Dash marks that setup done when the first request begins, so with several threads the requests that come in
    beside the first (a page's fifteen scripts at once, to a worker that has just started) are answered before
    it has registered what they ask for: a script refused with a 500 in HTML ("Refused to execute script ...
    MIME type ('text/html')" in the browser), a callback not found. Done here, every process that builds the
    app, and every worker forked from one that did, starts set up.
    """
    with app.server.app_context():
        app._setup_server()


def first_layout() -> html.Div:
    """The app's layout, holding the page asked for when its address is known (:func:`~dashboard.address.first_page`).

    Dash's pages draw a page in a routing callback once the browser has the (empty) layout: a round trip, and for a
    map page the time its content takes, before anything is drawn. The first layout carries the page instead, and
    its location component starts at the page's address, so the routing callback is not called until the user
    goes to another page. Without a known address it is Dash's page container, and the routing callback draws it.
    """
    # Only for a request the sign-in guard has let through: Dash checks the layout on a worker's first request
    # before the app's own request functions run.
    address = first_page() if flask.has_request_context() and auth.let_through() else None
    page = address and next((p for p in dash.page_registry.values() if p["path"] == address.path), None)
    if not page:
        return html.Div(dash.page_container, id="app-root")
    location, content, store, dummy = dash.page_container.children
    layout, title = page["layout"], page["title"]
    return html.Div(
        html.Div(
            [
                dcc.Location(
                    id=location.id,
                    refresh="callback-nav",
                    pathname=address.path,
                    search=address.search,
                    hash="",
                    href=flask.request.referrer,
                ),
                html.Div(layout(**address.query) if callable(layout) else layout, id=content.id, disable_n_clicks=True),
                # What the routing callback would answer beside the page: its title, which Dash's pages set as
                # the document's (the page's HTML has it already).
                dcc.Store(id=store.id, data={"title": title() if callable(title) else title}),
                html.Div(id=dummy.id, disable_n_clicks=True),
            ]
        ),
        id="app-root",
    )
