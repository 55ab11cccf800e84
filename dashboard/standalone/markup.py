"""The standalone map's HTML templates (``templates/*.html``): Jinja2, escaping every value it writes.

Templates receive text as it is (titles, promise texts, names, translated labels)
and the engine escapes it; only markup that is ours (folium's output, the inlined
Leaflet and style sheet, a fragment rendered by another template) is passed as
:class:`~markupsafe.Markup` and written as it is.

>>> str(render_macro("popups.html", "text", "<b>Tom & Jerry's</b>"))
'<div class="pm-popup"><p>&lt;b&gt;Tom &amp; Jerry&#x27;s&lt;/b&gt;</p></div>'
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"  # shipped inside the package


def text(value: object) -> Markup:
    """``value`` as HTML text, as every template writes it; markup (anything with ``__html__``) stays as it is.

    The standard library's entities (``&quot;``, ``&#x27;``), which the export has always written, rather than
    MarkupSafe's (``&#34;``, ``&#39;``): the same text either way, and the same file as before.
    """
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(html.escape(str(value), quote=True))


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
