"""Tillgänglighetsredogörelse / accessibility statement as a plain page anyone can read, before signing in.

The dashboard's own statement page (``/tillganglighet``) is a Dash page and
needs a session; the law asks that the statement can be read by everyone
who may use the service, so the same statement (built once, by
:func:`dashboard.components.statement.statement`) is also served here as
server-rendered HTML at :data:`dashboard.auth.PUBLIC_STATEMENT`, which the
guard lets through and the sign-in page's footer links to. Swedish, or
English with ``?lang=en``; the app's stylesheet and no script.
"""

from __future__ import annotations

import flask

from dashboard.auth import PUBLIC_STATEMENT, plain_page
from dashboard.components.statement import statement, to_html
from dashboard.context import settings
from dashboard.i18n import language, translator


def install(server: flask.Flask) -> None:
    server.add_url_rule(PUBLIC_STATEMENT, "statement", _statement, methods=["GET"])


def _statement() -> flask.Response:
    lang = language(flask.request.args.get("lang"))
    t = translator(lang)
    other = t("app.other_language_code")
    article = to_html(statement(lang, settings().accessibility_contact))
    return plain_page(
        lang,
        t("statement.link"),
        f'<article class="pm-document pm-statement">{article}</article>',
        other_language=PUBLIC_STATEMENT + (f"?lang={other}" if other != "sv" else ""),
    )
