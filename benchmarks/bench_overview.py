"""Overview benchmark: every pledge of a scope at a glance (/alla) at 10k, 100k and 1M reports, beside the peers.

    .venv/bin/python benchmarks/bench_overview.py [--sizes 10000 100000 1000000] [--runs 3]

For each size (data from benchmarks/national.py: 290 pledges, generated once into benchmarks/data/) and scope
(the country, Region Väst, Örebro län), in one run:
- the domain: the overview of the scope's pledges (regional_overview) and its reports counted per cell
  (scope_report_grid), for a police account and for the public, median of five calls;
- the page in headless Chromium (Debian's): time from navigation until both of its maps have drawn, the bytes
  of the page and of every callback answer, and the server's peak memory (RSS);
- the peers, with the same reports (the scope's unsafe places in the year shown): a Folium map with
  FastMarkerCluster and a plain Dash page with one Scattermap of every point.
Prints figures and writes them as JSON; asserts nothing (the machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from bench_scale import (  # noqa: E402
    BASELINE_DRAWN,
    CLUSTERS_DRAWN,
    baseline_scattermap,
    data_file,
    folium_baseline,
    median,
    serve_folder,
    time_to,
)

SCOPES = ("sverige", "region-vast", "lan-18")
YEAR = 2025  # the year the national data's pledges (2024–2025) are shown in first, today being after it
# Both of the page's maps drawn: each graph has its figure and its map has loaded.
BOTH_DRAWN = """() => {
    const graphs = [...document.querySelectorAll('.js-plotly-plot')].filter(g => g._fullLayout && g._fullLayout.map);
    if (graphs.length < 2) return false;
    return graphs.every(g => g.data && g.data.length && g._fullLayout.map._subplot
        && g._fullLayout.map._subplot.map && g._fullLayout.map._subplot.map.loaded());
}"""


def domain_figures(path: Path) -> dict:
    from geodata.access import GuardedStore, Viewer
    from geodata.regions import parse_scope
    from geodata.store import open_store
    from geodata.views.regional import regional_overview, scope_report_grid

    out: dict = {}
    today = dt.date(2026, 12, 1)
    with open_store(path) as store:
        for role in ("police", "public"):
            seen = GuardedStore(store, Viewer(role, "bench"))
            for key in SCOPES:
                times, grids = [], []
                for _ in range(5):
                    started = time.perf_counter()
                    overview = regional_overview(seen, parse_scope(key), YEAR, today)
                    times.append(time.perf_counter() - started)
                    started = time.perf_counter()
                    grid = scope_report_grid(seen, overview, zoom=4.5 if key == "sverige" else 6.5)
                    grids.append(time.perf_counter() - started)
                out[f"{role}:{key}"] = {
                    "pledges": len(overview.rows),
                    "overview_s": statistics.median(times),
                    "grid_s": statistics.median(grids),
                    "cells": len(grid.grid),
                    "reports": int(grid.grid.count.sum()),
                }
    return out


def scope_points(path: Path, key: str) -> np.ndarray:
    """lon/lat of the scope's unsafe places reported in YEAR (what the overview's report map counts)."""
    from pyproj import Transformer

    from geodata.regions import parse_scope

    counties = parse_scope(key).counties
    with sqlite3.connect(path) as conn:
        rows = np.array(
            conn.execute(
                "SELECT r.minx, r.miny FROM unsafe_places AS t JOIN rtree_unsafe_places_geom AS r ON r.id = t.fid "
                "WHERE t.deleted_at IS NULL AND t.safety = 'unsafe' AND t.reported_on BETWEEN ? AND ? "
                f"AND substr(t.pledge_id, 7, 2) IN ({','.join('?' * len(counties))})",
                (f"{YEAR}-01-01", f"{YEAR}-12-31", *counties),
            ).fetchall(),
            dtype=float,
        ).reshape(-1, 2)
    lon, lat = Transformer.from_crs(3006, 4326, always_xy=True).transform(rows[:, 0], rows[:, 1])
    return np.column_stack([lon, lat])


def page_figures(url: str, runs: int) -> dict:
    """Time until both maps have drawn (each run a fresh browser), and the bytes the first run received."""
    from browser import browser_page

    times, sizes = [], {"page": 0, "updates": []}
    received: list[tuple[str, int]] = []
    for run in range(runs):
        with browser_page() as (page, _console):
            if run == 0:
                page.on("requestfinished", lambda r: received.append((r.url, r.sizes()["responseBodySize"])))
            page.goto(url, wait_until="commit", timeout=300_000)
            page.wait_for_function(BOTH_DRAWN, timeout=300_000, polling=100)
            times.append(page.evaluate("() => performance.now()") / 1000)
            if run == 0:
                page.wait_for_timeout(500)
                sizes["page"] = sum(n for u, n in received if "?" in u.split("/")[-1] or u.endswith("/alla"))
                sizes["updates"] = [n for u, n in received if "_dash-update-component" in u]
    return {"drawn_s": times, **sizes}


def peak_rss_mb(port: str) -> float | None:
    """The peak memory (VmHWM) of the process serving on ``port``, from /proc."""
    for proc in Path("/proc").iterdir():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in args and port.encode() in args:
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-runs", type=int, default=1)
    parser.add_argument("--output", type=Path, default=HERE / "results-overview.json")
    args = parser.parse_args()
    if not (HERE / "baseline" / "node_modules" / "leaflet.markercluster").is_dir():  # the peers' Leaflet, from npm
        subprocess.run(
            ["npm", "ci", "--prefix", str(HERE / "baseline"), "--no-audit", "--no-fund", "--silent"], check=True
        )
    import browser
    from browser import serving

    browser.marked_browser = True  # a benchmark, not a test: it may start servers and Chromium

    results: dict = {
        "machine": f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="pledgemap-overview-") as scratch:
        folder = Path(scratch)
        (folder / "node_modules").symlink_to(HERE / "baseline" / "node_modules")
        files, base = serve_folder(folder)
        for size in args.sizes:
            print(f"== {size:,} reports", flush=True)
            path, _generated = data_file(size)
            figures: dict = {"domain": domain_figures(path), "pages": {}}
            for key, f in figures["domain"].items():
                print(
                    f"  domain {key}: {f['pledges']} pledges in {1000 * f['overview_s']:.0f} ms; "
                    f"{f['reports']:,} reports in {f['cells']} cells in {1000 * f['grid_s']:.0f} ms"
                )
            with serving(path, env={"PLEDGEMAP_TILES": "none"}, timeout=300) as served:
                url = served.rstrip("/")
                for key in SCOPES[:2]:
                    page = page_figures(f"{url}/alla?scope={key}", args.runs)
                    lonlat = scope_points(path, key)
                    process, peer = baseline_scattermap(lonlat, folder)
                    try:
                        page["scattermap_s"] = time_to(peer, BASELINE_DRAWN, args.baseline_runs)
                    finally:
                        process.terminate()
                    folium = folium_baseline(lonlat, folder)
                    page["folium_bytes"] = folium.stat().st_size
                    page["folium_s"] = time_to(f"{base}/{folium.name}", CLUSTERS_DRAWN, args.baseline_runs)
                    page["reports"] = len(lonlat)
                    figures["pages"][key] = page
                    ratio = median(page["folium_s"]) / median(page["drawn_s"])
                    print(
                        f"  page {key} ({len(lonlat):,} reports): both maps drawn {median(page['drawn_s']):.2f} s; "
                        f"page {page['page'] / 1000:.0f} KB, updates max {max(page['updates'] or [0]) / 1000:.0f} KB "
                        f"({len(page['updates'])} answers); Scattermap {median(page['scattermap_s']):.2f} s; "
                        f"Folium FastMarkerCluster {median(page['folium_s']):.2f} s "
                        f"({page['folium_bytes'] / 1e6:.1f} MB): {ratio:.1f}× the overview's time"
                    )
                figures["server_peak_rss_mb"] = peak_rss_mb(url.rsplit(":", 1)[1])
                print(f"  server peak RSS {figures['server_peak_rss_mb']:.0f} MB")
            results["sizes"][str(size)] = figures
            args.output.write_text(json.dumps(results, indent=1))
        files.shutdown()
    print(f"peak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"figures written to {args.output}")


if __name__ == "__main__":
    main()
