"""The standalone map's HTML templates (``templates/*.html``): Jinja2, escaping every value it writes.

Templates receive text as it is (titles, promise texts, names, translated labels)
and the engine escapes it; only markup that is ours (folium's output, the inlined
Leaflet and style sheet, a fragment rendered by another template) is passed as
:class:`~markupsafe.Markup` and written as it is.

>>> str(render_macro("popups.html", "text", "<b>Tom & Jerry's</b>"))
'<div class="pm-popup"><p>&lt;b&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;</p></div>'
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from dashboard.text import plain

TEMPLATES = Path(__file__).resolve().parent / "templates"  # shipped inside the package


def text(value: object) -> Markup:
    """``value`` as HTML text, as every template writes it; markup (anything with ``__html__``) stays as it is.

    Escaped by :func:`dashboard.text.plain`, the one rule the dashboard's figures use too.
    """
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(plain(value))


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        # Applied to every {{ value }} before autoescape, which then leaves the Markup it returns alone.
        finalize=text,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # shipped files: read once
    )


def render(name: str, **values: Any) -> Markup:
    """The template ``templates/<name>`` rendered with ``values``."""
    return Markup(_environment().get_template(name).render(**values))


def render_macro(name: str, macro: str, *args: Any, **kwargs: Any) -> Markup:
    """The macro ``macro`` of ``templates/<name>`` called with the arguments given."""
    return Markup(getattr(_environment().get_template(name).module, macro)(*args, **kwargs))
