"""Page titles in the page's language: ``dash.register_page(..., title=page_title("nav.layers"))``.

Dash calls a page's title function without the query, both for the page's
first HTML (a GET whose query names the language) and in its routing
callback (which sets ``document.title``; the language is then in the
location's ``search`` input), so the language is read from whichever of the
two is being answered.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs

import dash
import flask

from dashboard.i18n import language, translator


def request_language() -> str:
    """The language the page being answered asks for (``?lang=en``), else Swedish."""
    if not flask.has_request_context():
        return language(None)
    if flask.request.method == "GET":
        return language(flask.request.args.get("lang"))
    try:
        search = dash.callback_context.inputs.get("_pages_location.search") or ""
    except Exception:  # outside a callback: no page to follow
        return language(None)
    return language((parse_qs(search.lstrip("?")).get("lang") or [None])[0])


def page_title(key: str) -> Callable[..., str]:
    """A title function for ``dash.register_page``: "Pledgemap – Lager", "Pledgemap – Layers"."""

    def title(**_path_variables: str) -> str:
        t = translator(request_language())
        return f"{t('app.title')} – {t(key)}"

    return title
