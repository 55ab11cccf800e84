"""Pieces every page shares: the header, the demo-data banner and the one kind of alert."""

from __future__ import annotations

from dash import html

from .i18n import translator


def header(lang: str, path: str = "/") -> html.Header:
    t = translator(lang)
    other = t("app.other_language_code")
    return html.Header(
        className="pm-header",
        children=[
            html.Div([html.H1(t("app.title")), html.P(t("app.tagline"), className="pm-tagline")]),
            html.Nav(
                # A plain link: changing language reloads the page in the other catalogue.
                html.A(t("app.other_language"), href=f"{path}?lang={other}", lang=other, hrefLang=other,
                       className="pm-lang", title=t("app.language")),
                **{"aria-label": t("app.language")},
            ),
        ],
    )


def demo_banner(lang: str) -> html.Div:
    return html.Div(translator(lang)("demo.banner"), className="pm-demo-banner", role="note", id="demo-banner")


def alert(lang: str, message: str) -> html.Div:
    """The single way the interface shows an error from the domain."""
    t = translator(lang)
    return html.Div([html.Strong(t("error.title") + ": "), html.Span(message)], className="pm-alert", role="alert")
