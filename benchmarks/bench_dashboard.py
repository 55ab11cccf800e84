"""Dashboard benchmark: time until the map has drawn, filter-callback server time, bytes per update.

    .venv/bin/python benchmarks/bench_dashboard.py [--runs 5] [--calls 40]

Measured in one run, side by side:
- the overview page of Pledgemap on the demo store, in headless Chromium (Debian's, via Playwright);
- a baseline bare Dash page with one Scattermap of 10,000 points, the way a user would otherwise start.
Prints figures; it asserts nothing (the machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from dashboard.settings import Settings  # noqa: E402
from geodata.demo import write_demo_store  # noqa: E402

import browser  # noqa: E402
from browser import browser_page, free_port, serving  # noqa: E402

browser.marked_browser = True  # a benchmark, not a test: it may start servers and Chromium
from dash_http import call_overview_map, make_client  # noqa: E402

DRAWN = """() => {
    const g = document.querySelector('#ov-map .js-plotly-plot');
    if (!g || !g._fullLayout || !g._fullLayout.map || !g.data) return false;
    if (!g.data.some(t => t.meta && t.meta.role === 'records')) return false;
    const map = g._fullLayout.map._subplot && g._fullLayout.map._subplot.map;
    return !!map && map.loaded() && !!document.querySelector('#ov-map .maplibregl-canvas');
}"""


def time_to_map(url: str, runs: int) -> list[float]:
    """Seconds from the start of navigation until the map has drawn its points, in a fresh profile each run."""
    times = []
    for _ in range(runs):
        with browser_page() as (page, _console):
            page.goto(url, wait_until="commit")
            page.wait_for_function(DRAWN, timeout=120_000, polling=50)
            times.append(page.evaluate("() => performance.now()") / 1000)
    return times


def transferred_bytes(url: str) -> int:
    """Bytes the page downloads until the map has drawn (scripts, styles, layout and callbacks)."""
    sizes = []
    with browser_page() as (page, _console):
        page.on("response", lambda r: sizes.append(len(r.body()) if r.ok else 0))
        page.goto(url)
        page.wait_for_function(DRAWN, timeout=120_000)
    return sum(sizes)


def serve_baseline(port: int, count: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "baseline_scattermap.py"), str(port), str(count)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import urllib.request

    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the baseline page did not start")


FILTERS = [
    {},
    {"ov-layers.value": ["operations"]},
    {"ov-promise.value": "mark-2021-riktade-insatser"},
    {"ov-start.value": "2021-03-01", "ov-end.value": "2021-06-30"},
    {"ov-categories.value": ["drug_dealing", "drug_use"]},
    {"ov-pledge.value": "molndal-2018"},
]


def callback_server_times(data: Path, calls: int) -> tuple[list[float], list[int]]:
    """Server time (in-process, no network) and response size of the map's filter callback."""
    from test_dashboard import map_inputs  # the same payload the tests send

    client = make_client(Settings(data=data, tiles_url=None))
    times, sizes = [], []
    for i in range(calls):
        overrides = FILTERS[i % len(FILTERS)]
        inputs = {**map_inputs(), **overrides}
        started = time.perf_counter()
        response = call_overview_map(client, inputs, changed=next(iter(overrides), "ov-pledge.value"))
        times.append(time.perf_counter() - started)
        sizes.append(len(json.dumps(response)))
    return times, sizes


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=42)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "demo.gpkg"
        write_demo_store(data).close()
        with serving(data, env={"PLEDGEMAP_TILES": "none"}) as url:
            ours = time_to_map(url, args.runs)
            ours_bytes = transferred_bytes(url)
        port = free_port()
        baseline = serve_baseline(port, 10_000)
        try:
            base = time_to_map(f"http://127.0.0.1:{port}/", args.runs)
            base_bytes = transferred_bytes(f"http://127.0.0.1:{port}/")
        finally:
            baseline.terminate()
        server, sizes = callback_server_times(data, args.calls)

    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(f"time to map drawn (s, {args.runs} fresh browser profiles each)")
    print(
        f"  pledgemap overview, demo data:     median {statistics.median(ours):.2f}  min {min(ours):.2f}  max {max(ours):.2f}"
    )
    print(
        f"  baseline bare Dash, 10k points:    median {statistics.median(base):.2f}  min {min(base):.2f}  max {max(base):.2f}"
    )
    print(f"  ratio baseline / pledgemap:        {statistics.median(base) / statistics.median(ours):.2f}")
    print(
        f"bytes downloaded until the map drew: pledgemap {ours_bytes / 1e6:.2f} MB, baseline {base_bytes / 1e6:.2f} MB"
    )
    print(
        f"map filter callback, server time over {args.calls} calls (ms): "
        f"p50 {1000 * percentile(server, 50):.1f}  p95 {1000 * percentile(server, 95):.1f}"
    )
    print(f"bytes per map update: median {statistics.median(sizes) / 1000:.0f} KB  max {max(sizes) / 1000:.0f} KB")


if __name__ == "__main__":
    main()
