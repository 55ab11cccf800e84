"""A real headless Chromium (Debian's package, driven by Playwright) and a real `pledgemap serve` process.

Playwright is used only as a driver: it launches /usr/bin/chromium and never
downloads a browser of its own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-unsafe-swiftshader",
]
# Screenshots are test artefacts: kept after the run to be looked at.
SCREENSHOTS = Path(
    os.environ.get("PLEDGEMAP_SCREENSHOTS", Path(__file__).resolve().parent.parent / "build" / "screenshots")
)
# Messages a software-rendered WebGL prints that say nothing about the page.
IGNORED_CONSOLE = ("GL Driver Message", "GPU stall due to ReadPixels")


# Set for each test by conftest.py: whether it carries the ``browser`` marker. A test that starts Chromium or a
# served dashboard without it fails, so ``pytest -m "not browser"`` stays the fast loop.
marked_browser = False


def require_marker(what: str) -> None:
    if not marked_browser:
        pytest.fail(f"this test starts {what}: mark it @pytest.mark.browser (pytest -m 'not browser' leaves it out)")


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Debian's chromium is not installed (scripts/dev.sh test installs it)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(data: Path, env: dict[str, str] | None = None, timeout: float = 60) -> Iterator[str]:
    """Run `pledgemap serve` on a free port; yield its URL; stop it afterwards."""
    require_marker("a served dashboard")
    port = free_port()
    script = Path(sys.executable).parent / "pledgemap"
    process = subprocess.Popen(
        [str(script), "serve", "--data", str(data), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise AssertionError(f"pledgemap serve exited early:\n{process.stdout.read()}")
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("pledgemap serve did not answer in time") from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class Console:
    errors: list[str] = field(default_factory=list)


@contextlib.contextmanager
def browser_page(width: int = 1400, height: int = 1000):
    """A page in a fresh Chromium profile; yields (page, console) where console.errors collects errors."""
    from playwright.sync_api import sync_playwright

    require_marker("a headless Chromium")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console = Console()
    with tempfile.TemporaryDirectory(prefix="pledgemap-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=chromium(),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": width, "height": height},
            locale="sv-SE",
        )
        try:
            page = context.new_page()
            page.on(
                "console",
                lambda m: (
                    console.errors.append(m.text)
                    if m.type == "error" and not any(s in m.text for s in IGNORED_CONSOLE)
                    else None
                ),
            )
            page.on("pageerror", lambda exc: console.errors.append(str(exc)))
            yield page, console
        finally:
            context.close()


AXE = Path(__file__).resolve().parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"


def run_script(page, path: Path) -> None:
    """Run the script file at ``path`` in ``page`` as one of the page's own scripts (its globals on ``window``).

    Loaded from the page's own origin (a URL the test answers itself), not added inline: the app's content
    security policy refuses inline scripts, and must stay on while the tests look at its pages.
    """
    url = f"/_pledgemap-test-scripts/{path.name}"
    page.route(f"**{url}", lambda route: route.fulfill(path=str(path), content_type="text/javascript"))
    page.add_script_tag(url=url)


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (from npm, tests/a11y) in the page against WCAG 2.1 A and AA; return the violations of ``impacts``."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci --prefix tests/a11y` (scripts/dev.sh test does)")
    run_script(page, AXE)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in impacts]
