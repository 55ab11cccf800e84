"""The address of the page a request answers, whichever of its requests that is.

A page is asked for three ways: its HTML (a GET of the page's own address), Dash's first layout (a GET of
``/_dash-layout`` from that page) and Dash's page routing callback (a POST whose inputs carry the location).
Titles, the language and the first page drawn into the layout all follow the page's address, never the request's.

The first layout knows its page from two witnesses that must agree: the request's referrer (a same-origin fetch
sends the page's full address) and the cookie ``pledgemap_page`` that the app's script sets as the page starts
(``assets/pledgemap.js``). Should they differ, or one be missing (a proxy that strips referrers, a second tab
loading at the same moment), the layout is the empty page container and Dash's routing callback draws the page,
as it would without this.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

import dash
import flask

PAGE_COOKIE = "pledgemap_page"
WINDOW_COOKIE = "pledgemap_window"
LAYOUT_PATH = "/_dash-layout"


@dataclass(frozen=True)
class Address:
    """A page's path and query (the query's first value of each name, as Dash hands it to a page's layout)."""

    path: str
    query: dict[str, str]
    search: str  # the query as the browser shows it: "" or "?pledge=…"


def _address(path: str, search: str) -> Address:
    search = search.lstrip("?")
    query: dict[str, str] = {}
    for name, value in parse_qsl(search, keep_blank_values=True):
        query.setdefault(name, value)
    return Address(path or "/", query, f"?{search}" if search else "")


def page_address() -> Address:
    """The address of the page being answered (outside a request: the landing page)."""
    if not flask.has_request_context():
        return _address("/", "")
    request = flask.request
    if request.method == "GET":
        if request.path.endswith(LAYOUT_PATH):
            return first_page() or _address("/", "")
        return _address(request.path, request.query_string.decode("latin-1"))
    try:
        inputs = dash.callback_context.inputs
    except Exception:  # not a callback: no page to follow
        return _address("/", "")
    return _address(str(inputs.get("_pages_location.pathname") or "/"), str(inputs.get("_pages_location.search") or ""))


def first_page() -> Address | None:
    """The page whose first layout is being answered, when its referrer and its cookie agree on it; else None."""
    request = flask.request
    if not request.path.endswith(LAYOUT_PATH) or not request.referrer:
        return None
    referrer = urlsplit(request.referrer)
    if referrer.netloc != request.host:
        return None
    cookie = unquote(request.cookies.get(PAGE_COOKIE, ""))
    if not cookie:
        return None  # no second witness (a referrer cut to the origin would read as the landing page)
    page = _address(referrer.path, referrer.query)
    told = urlsplit(cookie)
    if _address(told.path, told.query) != page:
        return None
    return page


def window_size() -> tuple[int, int] | None:
    """The browser window's inner size (px) as the page's script told it in the cookie ``pledgemap_window``."""
    if not flask.has_request_context():
        return None
    width, _, height = flask.request.cookies.get(WINDOW_COOKIE, "").partition("x")
    if not (width.isdigit() and height.isdigit()) or not (0 < int(width) < 20_000 and 0 < int(height) < 20_000):
        return None
    return int(width), int(height)
