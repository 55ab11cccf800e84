"""Free text shown as text: the one escape for every place a record's, pledge's or file's words are drawn.

Plotly draws a subset of HTML in every text it shows (hover labels, legend
names, annotations, axis ticks, titles: ``<b>``, ``<i>``, ``<br>``,
``<span style>``, ``<a href>``, ``<sub>``, ``<sup>``), and Leaflet's popups,
tooltips and attributions in the standalone map are HTML. A description
that holds ``<span style="font-size:90px">`` must show as those characters,
not as a 90 px font. :func:`plain` escapes ``&``, ``<``, ``>`` and both
quotes; quotes as numeric references (``&#34;``, ``&#39;``), because plotly
decodes those but not ``&quot;``. Plotly and a browser both turn the result
back into exactly the characters given, so a literal ``&lt;`` shows as
``&lt;``. Our own markup (a hovertemplate's ``<br>``, a heading's ``<b>``)
is written around the escaped values, never inside them.
"""

from __future__ import annotations

from typing import Any

from dash import html

from geodata.validate import allowed_link, email_problem

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"})


def plain(value: Any) -> str:
    """``value`` as text that neither plotly nor HTML reads as markup.

    >>> plain('<b>x</b> & "y" &lt;')
    '&lt;b&gt;x&lt;/b&gt; &amp; &#34;y&#34; &amp;lt;'
    """
    return str(value).translate(_ESCAPES)


def plain_all(values: Any) -> list[str]:
    """:func:`plain` of each value (a list, a pandas Series), for a trace's text arrays."""
    return [plain(v) for v in values]


def link(label: Any, href: Any, **props: Any) -> Any:
    """``label`` as a link to ``href`` where ``href`` is a link a page may draw (``https:``, ``http:``, ``mailto:``:
    :func:`geodata.validate.allowed_link`), else ``label`` as plain text: a stored ``javascript:`` never runs.

    >>> link("Kommunen", "https://mark.se").href, link("Kommunen", "javascript:alert(1)")
    ('https://mark.se', 'Kommunen')
    """
    allowed = allowed_link(href)
    return html.A(label, href=allowed, **props) if allowed else label


def email_link(address: str) -> Any:
    """``address`` as a ``mailto:`` link where it is one e-mail address (:func:`geodata.validate.email_problem`),
    else as text: a stored ``x@y.se?bcc=…`` does not become a link that writes to others."""
    return link(address, f"mailto:{address}" if email_problem(address) is None else None)
