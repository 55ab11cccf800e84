"""Sign-in: the session, the sign-in form, and the guard in front of every request.

Sign-in is on from the store's first account on (``pledgemap user add``), and
stays on if accounts are removed. A store that never had an account is a
single-user installation on one machine: everyone is its admin, so it answers
only requests addressed to this machine (``localhost``/``127.0.0.1``; another
Host header, such as a DNS-rebinding page's, is refused) and ``pledgemap
serve`` refuses to listen on another address. With accounts:

- every request but the sign-in page, the static assets, the accessibility
  statement as a plain page (``/tillganglighet.html``: the law asks that it
  can be read by anyone, and it holds no data) and the presentation mode needs
  a signed-in session: pages redirect to ``/login`` (keeping the whole address
  to come back to), Dash's and the API's endpoints answer 401 (saying so in
  Swedish and English; the OGC API as its JSON error), so a crafted request
  gets nothing;
- a session holds the account's session key, which sign-out and a new
  password replace (ending every session of the account, on every device),
  and ends ``session_hours`` after sign-in; an account removed and added
  again has a new key, so its old cookies stay dead;
- a browser an account signed in from keeps a signed device cookie; its
  sign-in attempts are counted apart, so failures from elsewhere (even the
  same office network) do not lock the owner out there;
- the session cookie is HttpOnly and SameSite=Lax, and Secure when the
  dashboard is served over TLS (``PLEDGEMAP_SECURE_COOKIES=1``);
- every POST must come from the dashboard's own pages (its ``Origin``, or
  failing that its ``Referer``, is this server), and the sign-in and
  sign-out forms carry a token bound to the session: cross-site requests
  change nothing;
- behind a reverse proxy, ``PLEDGEMAP_PROXY_HOPS`` says how many proxies'
  X-Forwarded-* headers to believe (for the scheme, the host and the
  client's address the sign-in counts use), and ``PLEDGEMAP_ALLOWED_HOSTS``
  which host names the dashboard answers to;
- what a signed-in account may see and change is not decided here but by
  :class:`geodata.access.GuardedStore`, which every request's store is.
"""

from __future__ import annotations

import html
import json
import os
import secrets
import stat
import time
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import flask
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard.i18n import language, translator
from dashboard.settings import Settings
from geodata import LOCAL_ADMIN, PUBLIC_VIEWER, PledgemapError, Store, StoreError, Viewer, open_store
from geodata.access.accounts import Account, SignInError, authenticate, end_sessions, sign_in_required

SESSION_USER = "pledgemap_user"
SESSION_KEY = "pledgemap_key"
SESSION_STARTED = "pledgemap_started"
CSRF = "pledgemap_csrf"
LOOPBACK = ("localhost", "127.0.0.1", "::1")
# A browser an account signed in from: its sign-in attempts are counted apart (see geodata.access.accounts).
DEVICE_COOKIE = "pledgemap_device"
DEVICE_DAYS = 60
# The accessibility statement as a plain page anyone may read, signed in or not (dashboard.server.statement serves
# it; the dashboard's own page at /tillganglighet, inside the app, needs a session as every page does).
PUBLIC_STATEMENT = "/tillganglighet.html"


def install(server: flask.Flask, settings: Settings) -> None:
    """Sessions, the sign-in routes and the request guard, on the dashboard's Flask server."""
    server.secret_key = _secret(settings)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("PLEDGEMAP_SECURE_COOKIES") == "1",
        SESSION_COOKIE_NAME="pledgemap_session",
    )
    if settings.proxy_hops:
        hops = settings.proxy_hops
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    server.before_request(_guard)
    server.add_url_rule("/login", "login", _login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", _logout, methods=["POST"])


def _secret(settings: Settings) -> bytes:
    # One secret per store, kept beside it (readable by its owner only), unless the environment gives one:
    # several workers serving the same store then accept each other's sessions.
    if os.environ.get("PLEDGEMAP_SECRET"):
        secret = os.environ["PLEDGEMAP_SECRET"]
        if len(secret) < 32:
            raise PledgemapError(
                f"PLEDGEMAP_SECRET holds {len(secret)} characters; expected at least 32 random ones "
                "(python3 -c 'import secrets; print(secrets.token_hex(32))')"
            )
        return secret.encode()
    if not isinstance(settings.data, Path):
        raise PledgemapError(
            "a database store is served by several workers, which must sign sessions with one key: "
            "set PLEDGEMAP_SECRET (the same in every worker, at least 32 random characters)"
        )
    path = Path(f"{settings.data}.secret")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under another name, then linked into place: a worker starting at the same moment
        # sees either no file or the finished one, never an empty one.
        draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another worker's secret came first; use theirs
        finally:
            draft.unlink()
    info = path.stat()
    # Whoever can read or replace this file can sign sessions as any account.
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PledgemapError(
            f"{path} signs the sessions and must belong to this user and be readable by it alone; "
            f"it has mode {stat.filemode(info.st_mode)} and owner uid {info.st_uid}. "
            f"Fix it with 'chown {os.getuid()} {path}; chmod 600 {path}', or delete it to make a new one "
            "(everyone signs in again)"
        )
    secret = path.read_text().strip()
    if len(secret) < 32:
        raise PledgemapError(
            f"{path} holds {len(secret)} characters; expected a secret of at least 32 "
            "(delete the file to make a new one)"
        )
    return secret.encode()


def _settings() -> Settings:
    return flask.current_app.config["PLEDGEMAP_SETTINGS"]


def _session_account(store: Store) -> Account | None:
    """The account of this request's session, if the session is still valid."""
    session = flask.session
    username, key, started = session.get(SESSION_USER), session.get(SESSION_KEY), session.get(SESSION_STARTED)
    if not (isinstance(username, str) and isinstance(key, str) and isinstance(started, (int, float))):
        return None
    if not 0 <= time.time() - started <= _settings().session_hours * 3600:
        return None
    account = store.get_user(username)
    if account is None or not account.session_key or not secrets.compare_digest(account.session_key, key):
        return None
    return account


def current_viewer(store: Store) -> Viewer:
    """Who the request is from: the signed-in account's role; the admin in a store that never had an account."""
    if not sign_in_required(store):
        return LOCAL_ADMIN
    account = _session_account(store)
    return Viewer.of(account) if account else PUBLIC_VIEWER


def signed_in_name() -> str | None:
    return flask.session.get(SESSION_USER)


def csrf_token() -> str:
    if CSRF not in flask.session:
        flask.session[CSRF] = secrets.token_urlsafe(32)
    return flask.session[CSRF]


def _token_matches() -> bool:
    expected = flask.session.get(CSRF)
    return bool(expected) and secrets.compare_digest(flask.request.form.get("csrf", ""), expected)


def _same_origin() -> bool:
    own = urlsplit(flask.request.host_url)
    claimed = flask.request.headers.get("Origin") or flask.request.headers.get("Referer")
    if not claimed:
        return False
    seen = urlsplit(claimed)
    return (seen.scheme, seen.netloc) == (own.scheme, own.netloc)


FORWARDED = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-Ip")


def _host_allowed(open_to_all: bool) -> bool:
    if open_to_all:
        # A store without accounts answers only this machine, asked directly: by a loopback name in the Host
        # header as the browser sent it, and not through a proxy (which would pass on anyone's request).
        if _settings().proxy_hops or any(h in flask.request.headers for h in FORWARDED):
            return False
        raw = flask.request.environ.get("HTTP_HOST", "")
        return (urlsplit(f"//{raw}").hostname or "").lower() in LOOPBACK
    host = (urlsplit(f"//{flask.request.host}").hostname or "").lower()
    allowed = _settings().allowed_hosts
    return host in LOOPBACK or not allowed or host in allowed


def _is_open(path: str) -> bool:
    # The sign-in page, the static assets, the accessibility statement (plain text the law asks anyone can read),
    # and the presentation mode (which serves only the public view, and only while an admin has switched it on).
    # Whole path segments: /presentation is not /present.
    return path in ("/login", "/present", PUBLIC_STATEMENT) or path.startswith(("/assets/", "/present/"))


def _guard():
    request = flask.request
    if request.path.startswith("/assets/") and request.method == "GET":
        return None  # the dashboard's own scripts and styles: no store to open for them
    try:
        store = open_store(_settings().data)
    except PledgemapError:
        # Nothing can be read from a store that does not open, so the page may say what is wrong with it
        # (each request opens the store itself and gets the same error); the host and origin checks still hold.
        store = None
    try:
        required = store is None or sign_in_required(store)
        if not _host_allowed(open_to_all=not required):
            return _refusal("signin.host_refused", 421)
        if request.method == "POST" and not _same_origin():
            return _refusal("signin.cross_site", 403)
        if _is_open(request.path) or store is None or not required or _session_account(store) is not None:
            flask.g.pledgemap_let_through = True
            return None
    finally:
        if store is not None:
            store.close()
    for key in (SESSION_USER, SESSION_KEY, SESSION_STARTED):
        flask.session.pop(key, None)
    if request.path.startswith(("/_dash-", "/ogc", "/tiles/")) or request.method != "GET":
        return _refusal("signin.required", 401)
    target = request.full_path.rstrip("?") if request.query_string else request.path
    return flask.redirect("/login?" + urlencode({"next": target}))


def let_through() -> bool:
    """Whether this request has passed the sign-in guard (Dash may build a layout earlier, on a worker's first
    request, before any before-request function of the app has run)."""
    return bool(flask.g.get("pledgemap_let_through"))


def _refusal(key: str, status: int) -> flask.Response:
    """The guard's answer to a request it refuses, read by scripts and API clients more than by people: in Swedish,
    then in English (no page's language to follow). The OGC API's clients get it as the API's JSON error."""
    words = [translator(lang)(key) for lang in ("sv", "en")]
    if flask.request.path == "/ogc" or flask.request.path.startswith("/ogc/"):
        code = {401: "SignInRequired", 403: "Forbidden", 421: "MisdirectedRequest"}[status]
        return flask.Response(
            json.dumps({"code": code, "description": " / ".join(words)}, ensure_ascii=False),
            status=status,
            mimetype="application/json",
        )
    return flask.Response("\n".join(words) + "\n", status=status, mimetype="text/plain")


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only, never another host or a scheme."""
    if not target or "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return "/"  # browsers drop tabs and newlines from addresses: "/\t/evil.example" would become "//evil.example"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _page_language(target: str | None = None) -> str:
    """The sign-in page's language: asked for (``?lang=en``), else that of the page being signed in to, else Swedish."""
    request = flask.request
    asked = request.values.get("lang")
    if asked:
        return language(asked)
    for address in (target, request.referrer):
        if address:
            found = parse_qs(urlsplit(address).query).get("lang")
            if found:
                return language(found[0])
    return language(None)


def _login():
    request = flask.request
    target = _safe_next(request.values.get("next"))
    lang = _page_language(target)
    if request.method == "GET":
        return _form(lang, target)
    if not _token_matches():
        return _form(lang, target, translator(lang)("signin.expired"), 400)
    username = request.form.get("username", "")
    try:
        store = open_store(_settings().data)
    except StoreError as exc:
        return _unavailable(lang, target, exc)
    try:
        account = authenticate(
            store,
            username,
            request.form.get("password", ""),
            address=request.remote_addr or "",
            device=_known_device(username),
        )
    except SignInError as exc:
        t = translator(lang)
        if exc.retry_after:
            key = "signin.busy" if exc.busy else "signin.wait"
            response = _form(lang, target, t(key, seconds=exc.retry_after), 429)
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        return _form(lang, target, t("signin.wrong"), 401)
    except StoreError as exc:  # the account could not be read (a store read-only or full still signs in)
        return _unavailable(lang, target, exc)
    finally:
        store.close()
    flask.session.clear()  # a new session at sign-in: nothing from before carries over
    flask.session.update(
        {
            SESSION_USER: account.username,
            SESSION_KEY: account.session_key,
            SESSION_STARTED: time.time(),
            CSRF: secrets.token_urlsafe(32),
        }
    )
    response = flask.redirect(target)
    device = _device_signer().dumps({"user": account.username, "device": secrets.token_hex(8)})
    response.set_cookie(
        DEVICE_COOKIE,
        device,
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=flask.current_app.config["SESSION_COOKIE_SECURE"],
        path="/login",
    )
    return response


def _unavailable(lang: str, target: str, exc: StoreError) -> flask.Response:
    """The sign-in form again, saying the store could not be used (busy, full, read-only, or not opened)."""
    response = _form(lang, target, _store_words(lang, exc), 503)
    response.headers["Retry-After"] = "5"
    return response


def _store_words(lang: str, exc: StoreError) -> str:
    """What the sign-in pages say of a store they could not use: busy, full, read-only, or not opened."""
    t = translator(lang)
    return t(f"store_error.{exc.code}") if exc.code else t("signin.store_unavailable")


def _device_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(flask.current_app.secret_key, salt="pledgemap-device")


def _known_device(username: str) -> str | None:
    """The device id of this browser if ``username`` signed in from it before (a signed cookie), else ``None``."""
    cookie = flask.request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return None
    try:
        payload = _device_signer().loads(cookie, max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return None
    same = isinstance(payload, dict) and payload.get("user") == username.strip().lower()
    return str(payload.get("device")) if same else None


def _logout():
    lang = _page_language()
    if not _token_matches():
        t = translator(lang)
        back = f'<p><a href="/{"?lang=" + lang if lang != "sv" else ""}">{html.escape(t("signin.back"))}</a></p>'
        return _page(lang, t("signin.sign_out"), _alert(t("signin.expired_sign_out")) + back, 400)
    username = flask.session.get(SESSION_USER)
    if username:
        try:
            with open_store(_settings().data) as store:
                if _session_account(store) is not None:
                    end_sessions(store, username)  # every copy of this account's session cookies stops working
        except StoreError as exc:  # this browser's session still ends; the account's other sessions cannot
            flask.session.clear()
            return _page(lang, translator(lang)("signin.sign_out"), _alert(_store_words(lang, exc)), 503)
    flask.session.clear()
    return flask.redirect("/login" + (f"?lang={lang}" if lang != "sv" else ""))


def _alert(message: str) -> str:
    return f'<p class="pm-alert" role="alert">{html.escape(message)}</p>'


def _page(lang: str, title: str, body: str, status: int = 200, other_language: str | None = None) -> flask.Response:
    """A sign-in or sign-out page in ``lang``: ``body`` under the heading ``title``, in the sign-in panel."""
    main = f'<section class="pm-panel pm-signin"><h1>{html.escape(title)}</h1>{body}</section>'
    return plain_page(lang, title, main, status, other_language, main_class="pm-narrow")


def plain_page(
    lang: str,
    title: str,
    main: str,
    status: int = 200,
    other_language: str | None = None,
    main_class: str | None = None,
) -> flask.Response:
    """A page outside Dash, read without a session, in ``lang``: the header (with a link to ``other_language``, the
    address of this page in the other language, if given), ``main`` (HTML, escaped by the caller) as the main
    region, and the footer with the accessibility statement. The app's stylesheet, no script."""
    t = translator(lang)
    e = html.escape
    other = t("app.other_language_code")
    switch = (
        f'<a class="pm-lang" id="pm-lang-link" href="{e(other_language)}" lang="{other}" hreflang="{other}" '
        f'title="{e(t("app.language"))}">{e(t("app.other_language"))}</a>'
        if other_language
        else ""
    )
    statement = PUBLIC_STATEMENT + (f"?lang={lang}" if lang != "sv" else "")
    css_class = f' class="{e(main_class)}"' if main_class else ""
    page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{e(title)} – Pledgemap</title><link rel="stylesheet" href="/assets/pledgemap.css"></head>
<body><header class="pm-header"><div><span class="pm-brand">{e(t("app.title"))}</span>
<span class="pm-tagline">{e(t("app.tagline"))}</span></div>{switch}</header>
<main id="main"{css_class}>{main}</main>
<footer class="pm-footer"><p><a href="{e(statement)}">{e(t("statement.link"))}</a></p></footer></body></html>"""
    return flask.Response(page, status=status, mimetype="text/html")


def _form(lang: str, target: str, message: str | None = None, status: int = 200) -> flask.Response:
    t = translator(lang)
    e = html.escape
    error = _alert(message) if message else ""
    other = t("app.other_language_code")
    # The other language keeps where the sign-in goes; that page opens in the language chosen here.
    switch = "/login?" + urlencode({"lang": other, "next": _with_language(target, other)})
    body = f"""{error}
<form method="post" action="/login">
<input type="hidden" name="csrf" value="{e(csrf_token())}"><input type="hidden" name="next" value="{e(target)}">
<input type="hidden" name="lang" value="{e(lang)}">
<label class="pm-label" for="username">{e(t("signin.username"))}</label>
<input class="pm-search" id="username" name="username" autocomplete="username" required autofocus>
<label class="pm-label" for="password">{e(t("signin.password"))}</label>
<input class="pm-search" id="password" name="password" type="password" autocomplete="current-password" required>
<button class="pm-button pm-primary" type="submit">{e(t("signin.submit"))}</button>
</form>"""
    return _page(lang, t("signin.title"), body, status, other_language=switch)


def _with_language(target: str, lang: str) -> str:
    """``target`` (a path on this site, with its query) asking for ``lang``."""
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    if lang != "sv":
        query.append(("lang", lang))
    return parts.path + ("?" + urlencode(query) if query else "")
