"""A real headless Chromium (Debian's package) and a real `pledgemap serve` process for browser tests."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-unsafe-swiftshader",
]


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
def serving(data: Path, timeout: float = 60) -> Iterator[str]:
    """Run `pledgemap serve` on a free port; yield its URL; stop it afterwards."""
    port = free_port()
    script = Path(sys.executable).parent / "pledgemap"
    process = subprocess.Popen([str(script), "serve", "--data", str(data), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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
                    raise AssertionError("pledgemap serve did not answer in time")
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def run_chromium(url: str, *args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    """Chromium with the project's flags, a fresh profile and time for the page's scripts to run."""
    with tempfile.TemporaryDirectory(prefix="pledgemap-chromium-") as profile:
        command = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1280,1600",
                   "--virtual-time-budget=10000", *args, url]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def rendered_dom(url: str) -> str:
    result = run_chromium(url, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout
