"""Tillgänglighetsredogörelse / accessibility statement, and the footer that links to it from every page.

The statement follows what DIGG (Myndigheten för digital förvaltning) asks of a
statement under lagen (2018:1937) om tillgänglighet till digital offentlig
service: who runs the service, how accessible it is (its conformance with WCAG
2.1 AA), what is not accessible and what to do instead, how to report a gap
(the contact of the organisation running this installation: the setting
``PLEDGEMAP_ACCESSIBILITY_CONTACT``), the enforcement procedure with DIGG's
complaint form, how and when the service was assessed, and when the statement
was last reviewed.

It is built once, as Dash components (:func:`statement`): the dashboard's page
(``pages/accessibility.py``) shows them, the standalone and presentation
maps write the same components as HTML (:func:`to_html`) into their own footer,
and ``server/statement.py`` serves them as a plain page anyone can read before
signing in (``/tillganglighet.html``, linked from the sign-in page).
"""

from __future__ import annotations

import datetime as dt
from html import escape

from dash import html

from dashboard.i18n import catalogue, translator

PATH = "/tillganglighet"
# When the service was last assessed (axe-core in tests/test_screens.py, and the screenshots looked at), and when
# this statement was last reviewed against it. Change both when the assessment is made again.
ASSESSED = dt.date(2026, 12, 1)
REVIEWED = dt.date(2026, 12, 1)
DIGG_COMPLAINT_FORM = "https://www.digg.se/tdosanmalan"
LAW = "lagen (2018:1937) om tillgänglighet till digital offentlig service"
# The known gaps, each a catalogue key under statement.gap_ (with the WCAG 2.1 success criteria it fails).
GAPS = ("maps", "pointer", "charts", "counts", "phone")


def _date(day: dt.date, lang: str) -> str:
    months = catalogue(lang)["standalone.months"].split()
    return f"{day.day} {months[day.month - 1]} {day.year}"


def statement(lang: str, contact: str | None, *, heading_level: int = 1) -> list:
    """The statement's sections as Dash components; ``contact`` None shows the marked placeholder."""
    t = translator(lang)
    h1, h2 = (html.H1, html.H2) if heading_level == 1 else (html.H2, html.H3)
    contact_part = (
        html.Strong(contact, className="pm-contact")
        if contact
        else html.Strong(t("statement.contact_missing"), className="pm-contact pm-placeholder")
    )
    return [
        h1(t("statement.title")),
        html.P(t("statement.intro", law=LAW)),
        h2(t("statement.how_heading")),
        html.P(t("statement.how")),
        h2(t("statement.instead_heading")),
        html.P(t("statement.instead")),
        h2(t("statement.report_heading")),
        html.P([t("statement.report"), " ", contact_part]),
        h2(t("statement.enforcement_heading")),
        html.P(t("statement.enforcement")),
        html.P([t("statement.complaint"), " ", html.A(DIGG_COMPLAINT_FORM, href=DIGG_COMPLAINT_FORM)]),
        h2(t("statement.technical_heading")),
        html.P(html.Strong(t("statement.status"))),
        h2(t("statement.gaps_heading")),
        html.Ul([html.Li(t(f"statement.gap_{gap}")) for gap in GAPS], className="pm-statement-gaps"),
        h2(t("statement.method_heading")),
        html.P(t("statement.method", date=_date(ASSESSED, lang))),
        html.P(t("statement.reviewed", date=_date(REVIEWED, lang)), id="statement-reviewed"),
    ]


def footer(lang: str, query: str = "") -> html.Footer:
    """The footer of every dashboard page: the link to the accessibility statement, in the page's language."""
    t = translator(lang)
    href = PATH + (f"?lang={lang}" if lang != "sv" else "")
    return html.Footer(html.P(html.A(t("statement.link"), href=href)), className="pm-footer")


# --- the same components as HTML, for the pages the dashboard does not render (standalone and presentation) ----

_ATTRIBUTES = {"className": "class", "id": "id", "href": "href", "lang": "lang"}


def to_html(component) -> str:
    """A tree of ``dash.html`` components (and strings) as escaped HTML."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return escape(str(component))
    if isinstance(component, list | tuple):
        return "".join(to_html(c) for c in component)
    tag = type(component).__name__.lower()
    if getattr(component, "_namespace", None) != "dash_html_components":
        raise TypeError(f"to_html writes dash.html components only, got {type(component).__name__}")
    attributes = "".join(
        f' {name}="{escape(str(getattr(component, prop)))}"'
        for prop, name in _ATTRIBUTES.items()
        if getattr(component, prop, None) is not None
    )
    return f"<{tag}{attributes}>{to_html(getattr(component, 'children', None))}</{tag}>"
