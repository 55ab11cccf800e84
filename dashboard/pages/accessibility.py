"""Tillgänglighet / Accessibility: the accessibility statement (tillgänglighetsredogörelse), linked from every footer."""

from __future__ import annotations

import dash
from dash import html

from dashboard.components.layout import page
from dashboard.components.statement import PATH, statement
from dashboard.context import settings
from dashboard.i18n import language

dash.register_page(__name__, path=PATH, name="Tillgänglighet", title="Pledgemap – Tillgänglighetsredogörelse", order=90)


def layout(lang: str | None = None, **_query: str) -> html.Div:
    lang = language(lang)
    query = f"lang={lang}" if lang != "sv" else ""
    body = html.Article(statement(lang, settings().accessibility_contact), className="pm-document pm-statement")
    return page(lang, PATH, [body], query)
