"""Security headers on every response: the content security policy, no framing, no sniffing, no referrer abroad.

The policy lets the dashboard's pages run and nothing else: scripts from the app itself and the inline scripts
Dash writes into its page (by their hashes, :meth:`dash.Dash.csp_hashes`), no plugins, no other site's frames
around the app, requests only to the app itself and the configured tile server (the maps' raster tiles).
Styles may be inline: Dash's components set style attributes and plotly.js writes its own ``<style>``;
MapLibre (the maps) starts its workers from ``blob:`` URLs and draws images from ``data:`` and ``blob:``.

A route may answer with a policy of its own (the presentation page allows the inline scripts it carries, by
their hashes: :func:`page_policy`); every other header is the same everywhere. No response names the server's
software or version (``Server`` is gunicorn's bare name, or in development this app's name).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlsplit

import flask

POLICY_HEADER = "Content-Security-Policy"
# What every response carries besides its policy.
HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # The app's own requests keep their Referer (the first layout reads it: dashboard/address.py); others get none.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def tile_origin(tiles_url: str | None) -> str | None:
    """The origin a tile URL template loads from, as a CSP source; None for no tiles or the app's own.

    >>> tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    'https://tile.openstreetmap.org'
    >>> tile_origin("https://{s}.tiles.example.se:8443/{z}/{x}/{y}.png"), tile_origin("/tiles/{z}/{x}/{y}.png")
    ('https://*.tiles.example.se:8443', None)
    """
    if not tiles_url:
        return None
    parts = urlsplit(tiles_url.replace("{s}", "a"))
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc.split("@")[-1]
    if "{s}" in tiles_url:
        host = "*" + host[1:]
    return f"{parts.scheme}://{host}"


def policy(script_hashes: Iterable[str], tile_source: str | None) -> str:
    """The content security policy: scripts from the app and the inline ones with ``script_hashes``."""
    tiles = f" {tile_source}" if tile_source else ""
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        "style-src": "'self' 'unsafe-inline'",
        "img-src": f"'self' data: blob:{tiles}",
        "font-src": "'self' data:",
        "connect-src": f"'self'{tiles}",
        "worker-src": "'self' blob:",
        "child-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def script_hash(script: str) -> str:
    """A CSP source allowing one inline script, by its SHA-256.

    >>> script_hash("var renderer = new DashRenderer();")
    "'sha256-jZlsGVOhUAIcH+4PVs7QuGZkthRMgvT2n0ilH6/zTM0='"
    """
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


def page_policy(page: str, tile_source: str | None) -> str:
    """The policy for a page the server built whole (the presentation map): its own inline scripts allowed."""
    return policy(sorted({script_hash(s) for s in INLINE_SCRIPT.findall(page)}), tile_source)


def install(server: flask.Flask, tile_source: str | None, script_hashes: Callable[[], Sequence[str]]) -> None:
    """Set the headers on every response of ``server``; ``script_hashes`` gives Dash's inline scripts' hashes."""
    known: dict[tuple[str, ...], str] = {}

    def secure(response: flask.Response) -> flask.Response:
        if POLICY_HEADER not in response.headers:
            hashes = tuple(script_hashes())
            if hashes not in known:
                known[hashes] = policy(hashes, tile_source)
            response.headers[POLICY_HEADER] = known[hashes]
        for name, value in HEADERS.items():
            response.headers[name] = value
        return response

    server.after_request(secure)
