"""`pledgemap serve` in production (issue 20): gunicorn's processes and threads with timeouts that fit an import,
security headers on every response (a content security policy the pages run under, no framing, no sniffing, the
referrer kept at home), no version banner; every page in a real Chromium with no policy violation and its maps
drawn."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dashboard.ids import Overview, Regional
from dashboard.serving import gunicorn_options
from dashboard.settings import Settings

from browser import browser_page, serving
from dash_http import call_overview_map, overview_map_inputs

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# What the policy must say, directive by directive (each as a whole, after its name).
REQUIRED = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "connect-src": "'self'",
}


def directives(policy: str) -> dict[str, list[str]]:
    parts = [d.split() for d in policy.split(";") if d.strip()]
    return {p[0]: p[1:] for p in parts}


def check_headers(given, where: str) -> dict[str, list[str]]:
    headers = {name.lower(): value for name, value in given.items()}
    for name, value in HEADERS.items():
        assert headers.get(name.lower()) == value, (where, name, headers.get(name.lower()))
    policy = headers.get("content-security-policy")
    assert policy, f"{where}: no Content-Security-Policy"
    found = directives(policy)
    for name, value in REQUIRED.items():
        assert found.get(name) == value.split(), (where, name, found.get(name))
    scripts = found["script-src"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts and "*" not in " ".join(scripts), where
    assert not any(s.startswith(("http:", "https:")) for values in found.values() for s in values), where
    server = headers.get("server", "")
    assert not re.search(r"\d|werkzeug|python", server, re.I), f"{where}: Server {server!r} names a version"
    return found


@pytest.fixture
def present_client(demo_copy):
    from dash_http import make_client

    subprocess.run(
        [Path(sys.executable).parent / "pledgemap", "present", "--data", demo_copy, "--pledge", "mark-2021"],
        check=True,
        capture_output=True,
    )
    return make_client(Settings(data=demo_copy, tiles_url=None))


def test_every_kind_of_response_carries_the_security_headers(present_client):
    client = present_client
    for path in (
        "/",
        "/alla",
        "/_dash-layout",
        "/_dash-dependencies",
        "/assets/pledgemap.css",
        "/assets/vendor/plotly/plotly.min.js",
        "/ogc",
        "/ogc/collections/unsafe_places/items?limit=2",
        "/ogc/collections/unsafe_places/items?offset=-1",  # a refusal
        "/tiles/0/0/0.png",  # none configured: 404
        "/tillganglighet.html",
        "/report/followup?pledge=mark-2021&format=docx",  # a download
        "/present",
    ):
        answer = client.get(path)
        assert answer.status_code in (200, 400, 404), (path, answer.status_code)
        check_headers(answer.headers, path)
    callback = call_overview_map(client, overview_map_inputs())  # Dash's JSON, through dash_http's POST
    assert callback


def test_the_page_allows_dash_s_inline_scripts_by_hash_and_no_others(present_client):
    page = present_client.get("/").get_data(as_text=True)
    policy = directives(present_client.get("/").headers["Content-Security-Policy"])
    import base64
    import hashlib

    inline = [
        s
        for s in re.findall(
            r"<script(?: id=\"_dash-renderer\" type=\"application/javascript\")?>(.*?)</script>", page, re.S
        )
        if "Internet Explorer" not in s  # inside <!--[if IE]>: a comment, never run
    ]
    assert len(inline) >= 2  # Dash's renderer start and its clientside functions
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"], script[:80]
    # The presentation page: its own inline scripts (Leaflet and the map), and Dash's none.
    present = present_client.get("/present")
    scripts = directives(present.headers["Content-Security-Policy"])["script-src"]
    assert len(re.findall(r"<script>", present.get_data(as_text=True))) == len(scripts) - 1
    assert not set(scripts) & set(policy["script-src"]) - {"'self'"}


def test_the_tile_server_is_the_only_other_origin_and_only_for_images_and_fetches(demo_copy):
    from dash_http import make_client

    client = make_client(Settings(data=demo_copy, tiles_url="https://{s}.tiles.example.se/{z}/{x}/{y}.png"))
    found = directives(client.get("/").headers["Content-Security-Policy"])
    assert found["img-src"][-1] == found["connect-src"][-1] == "https://*.tiles.example.se"
    others = {name: values for name, values in found.items() if name not in ("img-src", "connect-src")}
    assert not any("example" in v for values in others.values() for v in values)


def test_gunicorn_runs_threads_with_a_timeout_longer_than_an_import_also_from_its_own_command(tmp_path):
    options = gunicorn_options(Settings(workers=2, threads=4, timeout=300))
    assert (options["worker_class"], options["workers"], options["threads"], options["timeout"]) == (
        "gthread",
        2,
        4,
        300,
    )
    # The README's command reads the same options: gunicorn's own default of 30 s ended a long dry run with a 500.
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = {**os.environ, "PLEDGEMAP_TIMEOUT": "240", "PLEDGEMAP_THREADS": "3"}
    printed = subprocess.run(
        [gunicorn, "-c", "python:dashboard.gunicorn_conf", "--print-config", "dashboard.wsgi:app"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert printed.returncode == 0, printed.stderr
    config = dict(re.findall(r"^(\w+)\s+= (.*)$", printed.stdout, re.M))
    assert (config["timeout"], config["threads"], config["worker_class"]) == ("240", "3", "gthread"), config


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("PLEDGEMAP_WORKERS", "0", "PLEDGEMAP_WORKERS is 0; expected a whole number of processes, 1 or more"),
        ("PLEDGEMAP_TIMEOUT", "lång", "PLEDGEMAP_TIMEOUT is 'lång'; expected a whole number of seconds, 1 or more"),
    ],
)
def test_a_bad_server_setting_says_what_was_expected(variable, value, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        Settings.from_env({variable: value})


# -- served, in a real Chromium ------------------------------------------------------------------------------------

# Every page, and what shows it drew (a map's canvas where it has a map).
PAGES = {
    "/": f"#{Overview.map} .maplibregl-canvas",
    "/alla": f"#{Regional.map} .maplibregl-canvas",
    "/pledge": "#main .pm-document",
    "/pledge/next": "#main",
    "/layers": "#main .maplibregl-canvas",
    "/sites": "#main table",
    "/analysis": "#main .js-plotly-plot",
    "/lagesbild": "#main .js-plotly-plot",
    "/import": "#main .pm-upload",
    "/surveys": "#main .pm-upload",
    "/tillganglighet": "#main .pm-statement",
    "/tillganglighet.html": ".pm-statement",
    "/present": ".folium-map .leaflet-overlay-pane path",
}
LISTEN = """() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation',
        e => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
}"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data = tmp_path_factory.mktemp("secure") / "pledgemap.gpkg"
    script = Path(sys.executable).parent / "pledgemap"
    subprocess.run([script, "demo", "--data", data], check=True, capture_output=True)
    subprocess.run([script, "present", "--data", data, "--pledge", "mark-2021"], check=True, capture_output=True)
    with serving(data, env={"PLEDGEMAP_TILES": "none"}) as url:
        yield url.rstrip("/")


@pytest.mark.browser
def test_every_page_runs_under_the_policy_and_draws_its_maps(served):
    with browser_page(1366, 900) as (page, console):
        page.add_init_script(f"({LISTEN})()")
        page.goto(served + "/")
        links = {
            href.split("?")[0] for href in page.eval_on_selector_all("header nav a", "as => as.map(a => a.pathname)")
        }
        assert links - set(PAGES) == set(), "a page of the menu is not checked here"
        for path, drawn in PAGES.items():
            answer = page.goto(served + path)
            assert answer is not None and answer.status == 200, path
            check_headers(answer.headers, path)
            page.wait_for_selector(drawn, state="attached", timeout=60_000)
            page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=60_000)
            page.wait_for_timeout(500)
            assert page.evaluate("() => window.__violations") == [], path
        # The policy holds: a script written into the page is refused (and reported).
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
            " document.body.appendChild(s); }"
        )
        page.wait_for_function("() => window.__violations.length > 0", timeout=10_000)
        assert page.evaluate("() => window.__ran") is None
    refused = [e for e in console.errors if "Content Security Policy" in e or "Refused to" in e]
    assert len(refused) == 1 and "inline script" in refused[0], "\n".join(refused)


@pytest.mark.browser
def test_served_without_a_version_banner(served):
    with urllib.request.urlopen(served + "/_dash-layout", timeout=30) as answer:
        assert answer.headers["Server"] == "gunicorn"
        check_headers(answer.headers, "/_dash-layout")


@pytest.mark.browser
def test_fresh_workers_serve_a_page_s_scripts_asked_for_all_at_once(demo_copy, tmp_path):
    """Dash sets a process up on its first request, and with threads the requests beside that first one came before
    the setup was done: a page's scripts asked for at once from a worker just started got 500s in HTML."""
    import socket
    import threading
    import time

    from browser import free_port, require_marker

    require_marker("a served dashboard")
    from dash_http import make_client

    page = make_client(Settings(data=demo_copy, tiles_url=None)).get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)  # what a browser asks for at once
    assert len(scripts) > 5
    port = free_port()
    server = subprocess.Popen(
        [Path(sys.executable).parent / "pledgemap", "serve", "--data", demo_copy, "--port", str(port)],
        env={**os.environ, "PLEDGEMAP_TILES": "none"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # listening, with no request made yet: both workers are fresh
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "pledgemap serve did not start"
                time.sleep(0.2)
        time.sleep(2)  # the workers have forked
        statuses: list[int] = []

        def get(path: str) -> None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as answer:
                    statuses.append(answer.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)

        threads = [threading.Thread(target=get, args=(path,)) for path in scripts * 3]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(30)
    assert statuses == [200] * len(threads), statuses
