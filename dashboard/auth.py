"""Sign-in: the session, the sign-in form, and the guard in front of every request.

Sign-in is on as soon as the store holds an account (``pledgemap user
add``); a store without accounts is a single-user installation on one
machine and is served as before, with a note saying so. With accounts:

- every request but the sign-in page and the static assets needs a signed-in
  session: pages redirect to ``/login``, Dash's and the API's endpoints
  answer 401, so a crafted request gets nothing;
- the session cookie is HttpOnly and SameSite=Lax, and Secure when the
  dashboard is served over TLS (``PLEDGEMAP_SECURE_COOKIES=1``);
- every POST must come from the dashboard's own pages (its ``Origin``, or
  failing that its ``Referer``, is this server), and the sign-in and
  sign-out forms carry a token bound to the session: cross-site requests
  change nothing;
- what a signed-in account may see and change is not decided here but by
  :class:`geodata.access.GuardedStore`, which every request's store is.
"""

from __future__ import annotations

import html
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import flask

from geodata.access import LOCAL_ADMIN, PUBLIC_VIEWER, Viewer
from geodata.accounts import SignInError, authenticate
from geodata.errors import PledgemapError
from geodata.settings import Settings
from geodata.store import Store, open_store

from .i18n import language, translator

SESSION_USER = "pledgemap_user"
CSRF = "pledgemap_csrf"
# The sign-in page, the static assets, and the presentation mode (which serves only the public view, and
# only while an admin has switched it on).
OPEN_PREFIXES = ("/login", "/assets/", "/present")


def install(server: flask.Flask, settings: Settings) -> None:
    """Sessions, the sign-in routes and the request guard, on the dashboard's Flask server."""
    server.secret_key = _secret(settings)
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         SESSION_COOKIE_SECURE=os.environ.get("PLEDGEMAP_SECURE_COOKIES") == "1",
                         SESSION_COOKIE_NAME="pledgemap_session")
    server.before_request(_guard)
    server.add_url_rule("/login", "login", _login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", _logout, methods=["POST"])


def _secret(settings: Settings) -> bytes:
    # One secret per store, kept beside it (readable by its owner only), unless the environment gives one:
    # several workers serving the same store then accept each other's sessions.
    if os.environ.get("PLEDGEMAP_SECRET"):
        return os.environ["PLEDGEMAP_SECRET"].encode()
    path = Path(f"{settings.data}.secret")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def signing_in_required(store: Store) -> bool:
    return bool(store.list_users())


def current_viewer(store: Store) -> Viewer:
    """Who the request is from: the signed-in account's role; everyone is the admin while no account exists."""
    if not signing_in_required(store):
        return LOCAL_ADMIN
    username = flask.session.get(SESSION_USER)
    account = store.get_user(username) if username else None
    return Viewer.of(account) if account else PUBLIC_VIEWER


def signed_in_name() -> str | None:
    return flask.session.get(SESSION_USER)


def csrf_token() -> str:
    if CSRF not in flask.session:
        flask.session[CSRF] = secrets.token_urlsafe(32)
    return flask.session[CSRF]


def _same_origin() -> bool:
    own = urlsplit(flask.request.host_url)
    claimed = flask.request.headers.get("Origin") or flask.request.headers.get("Referer")
    if not claimed:
        return False
    seen = urlsplit(claimed)
    return (seen.scheme, seen.netloc) == (own.scheme, own.netloc)


def _guard():
    request = flask.request
    if request.method == "POST" and not _same_origin():
        return flask.Response("Cross-site request refused", status=403)
    if request.path.startswith(OPEN_PREFIXES):
        return None
    settings = flask.current_app.config["PLEDGEMAP_SETTINGS"]
    try:
        store = open_store(settings.data)
    except PledgemapError:
        return None  # the page itself says what is wrong with the store
    try:
        if not signing_in_required(store):
            return None
        username = flask.session.get(SESSION_USER)
        if username and store.get_user(username) is not None:
            return None
    finally:
        store.close()
    flask.session.pop(SESSION_USER, None)
    if request.path.startswith(("/_dash-", "/ogc")) or request.method != "GET":
        return flask.Response("Sign in first", status=401)
    return flask.redirect(f"/login?next={flask.request.full_path.rstrip('?')}")


def _safe_next(target: str | None) -> str:
    # Only a path on this site: never another host ("//evil.example") or a scheme.
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login():
    request = flask.request
    lang = language(request.values.get("lang"))
    target = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return _form(lang, target)
    if not secrets.compare_digest(request.form.get("csrf", ""), flask.session.get(CSRF, "")):
        return _form(lang, target, translator(lang)("signin.expired"), 400)
    settings = flask.current_app.config["PLEDGEMAP_SETTINGS"]
    store = open_store(settings.data)
    try:
        account = authenticate(store, request.form.get("username", "").strip(), request.form.get("password", ""))
    except SignInError as exc:
        t = translator(lang)
        if exc.retry_after:
            response = _form(lang, target, t("signin.wait", seconds=exc.retry_after), 429)
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        return _form(lang, target, t("signin.wrong"), 401)
    finally:
        store.close()
    flask.session.clear()  # a new session at sign-in: nothing from before carries over
    flask.session[SESSION_USER] = account.username
    flask.session[CSRF] = secrets.token_urlsafe(32)
    return flask.redirect(target)


def _logout():
    if not secrets.compare_digest(flask.request.form.get("csrf", ""), flask.session.get(CSRF, "")):
        return flask.Response("The form has expired; sign out again from the page", status=400)
    flask.session.clear()
    return flask.redirect("/login")


def _form(lang: str, target: str, message: str | None = None, status: int = 200) -> flask.Response:
    t = translator(lang)
    e = html.escape
    error = f'<p class="pm-alert" role="alert">{e(message)}</p>' if message else ""
    page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{e(t("signin.title"))} – Pledgemap</title><link rel="stylesheet" href="/assets/pledgemap.css"></head>
<body><header class="pm-header"><div><span class="pm-brand">{e(t("app.title"))}</span>
<span class="pm-tagline">{e(t("app.tagline"))}</span></div></header>
<main id="main" class="pm-narrow"><section class="pm-panel pm-signin">
<h1>{e(t("signin.title"))}</h1>{error}
<form method="post" action="/login">
<input type="hidden" name="csrf" value="{e(csrf_token())}"><input type="hidden" name="next" value="{e(target)}">
<input type="hidden" name="lang" value="{e(lang)}">
<label class="pm-label" for="username">{e(t("signin.username"))}</label>
<input class="pm-search" id="username" name="username" autocomplete="username" required autofocus>
<label class="pm-label" for="password">{e(t("signin.password"))}</label>
<input class="pm-search" id="password" name="password" type="password" autocomplete="current-password" required>
<button class="pm-button pm-primary" type="submit">{e(t("signin.submit"))}</button>
</form></section></main></body></html>"""
    return flask.Response(page, status=status, mimetype="text/html")
