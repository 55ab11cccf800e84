"""Page titles in the page's language: ``dash.register_page(..., title=page_title("nav.layers"))``.

Dash calls a page's title function without the query, both for the page's
first HTML and in its routing callback (which sets ``document.title``), so the
language is read from the address of the page being answered
(:func:`dashboard.address.page_address`).
"""

from __future__ import annotations

from collections.abc import Callable

from dashboard.address import page_address
from dashboard.i18n import language, translator


def request_language() -> str:
    """The language the page being answered asks for (``?lang=en``), else Swedish."""
    return language(page_address().query.get("lang"))


def page_title(key: str) -> Callable[..., str]:
    """A title function for ``dash.register_page``: "Pledgemap – Lager", "Pledgemap – Layers"."""

    def title(**_path_variables: str) -> str:
        t = translator(request_language())
        return f"{t('app.title')} – {t(key)}"

    return title
