"""Two gunicorn workers under eight concurrent users, on the GeoPackage store and on PostGIS, at 1M reports.

    .venv/bin/python benchmarks/bench_workers.py [--size 1000000] [--users 8] [--rounds 6] [--backends gpkg postgis]

The README's serving (``gunicorn --workers 2 --bind 127.0.0.1:PORT dashboard.wsgi:app``, tiles off) over the
national data set (benchmarks/national.py; PostGIS through benchmarks/postgis_data.py, the same data copied
into a local server). Each simulated user is a thread with its own HTTP session doing a bounded loop, as a
browser does over plain HTTP (the payloads of tests/dash_http.py): open the overview's layout, call its map
callback with changing filters (layers, categories, sources, time windows, the pledge), then the /alla
page's callbacks (its table, its pledge map and its grid of every report, with changing scopes and years).
Prints p50/p95 per request kind, requests per second, errors and both workers' peak RSS; writes
benchmarks/results-workers.json. Asserts nothing (the machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))

PLEDGES = ("bench-0180", "bench-1480", "bench-0580", "bench-1280")  # Stockholm first: the view bench_scale measures
MONTHS = [f"{year}-{month:02d}" for year in (2024, 2025) for month in range(1, 13)]
SCOPES = ("sverige", "region-stockholm", "region-vast", "region-syd", "lan-14")
WIDE = {"width": 1200, "height": 700}


class HttpClient:
    """A Flask-test-client lookalike over real HTTP, so tests/dash_http.py's payloads drive a real server.

    The callbacks' declarations (``/_dash-dependencies``) are fetched once, as a browser does, not before every
    call. Every request is timed under the kind the caller sets (``client.kind``).
    """

    def __init__(self, base: str, record):
        import requests

        self.base, self.record, self.kind = base, record, "other"
        self.session = requests.Session()
        self._dependencies = None

    class _Answer:
        def __init__(self, response):
            self.status_code = response.status_code
            self._response = response

        def get_json(self):
            return self._response.json()

        def get_data(self, as_text: bool = False):
            return self._response.text if as_text else self._response.content

    def get(self, path: str):
        if path == "/_dash-dependencies" and self._dependencies is not None:
            return self._dependencies
        answer = self._timed("get", path)
        if path == "/_dash-dependencies" and answer.status_code == 200:
            self._dependencies = answer
        return answer

    def post(self, path: str, json=None, headers=None):
        # As a browser does: a POST names the page's origin, here the server's own address.
        return self._timed("post", path, json=json, headers={**(headers or {}), "Origin": self.base})

    def _timed(self, method: str, path: str, **kwargs):
        begun = time.perf_counter()
        try:
            response = self.session.request(method, self.base + path, timeout=300, **kwargs)
        except Exception as exc:
            self.record(self.kind, time.perf_counter() - begun, f"{type(exc).__name__}: {exc}")
            raise
        error = None if response.status_code in (200, 204) else f"HTTP {response.status_code}"
        self.record(self.kind, time.perf_counter() - begun, error)
        return self._Answer(response)


def _user(base: str, number: int, rounds: int, record) -> None:
    from dashboard.ids import Overview, Regional
    from dashboard.state.regional import RegionalState

    from dash_http import call_callback, call_overview_map, overview_map_inputs, route_page

    client = HttpClient(base, record)
    client.kind = "dependencies"
    client.get("/_dash-dependencies")
    for i in range(rounds):
        step = number * rounds + i  # every user changes filters differently, every round
        pledge = PLEDGES[step % len(PLEDGES)]
        try:
            client.kind = "overview layout"
            route_page(client, "/", f"?pledge={pledge}")
            inputs = overview_map_inputs(pledge)
            month = step % (len(MONTHS) - 2)
            for overrides in (
                {},
                {f"{Overview.categories}.value": ["drug_dealing", "drug_use"]},
                {f"{Overview.sources}.value": ["survey"]},
                {f"{Overview.start}.value": f"{MONTHS[month]}-01", f"{Overview.end}.value": f"{MONTHS[month + 2]}-28"},
                {f"{Overview.layers}.value": ["unsafe_places"]},
            ):
                client.kind = "overview map"
                changed = next(iter(overrides), f"{Overview.pledge}.value")
                call_overview_map(client, {**inputs, **overrides}, changed=changed)
            state = RegionalState(scope=SCOPES[step % len(SCOPES)], year=(2024, 2025)[step % 2]).to_dict()
            client.kind = "alla table"
            call_callback(client, f"{Regional.heading}.children", {f"{Regional.view}.data": state})
            client.kind = "alla map"
            call_callback(
                client, f"{Regional.map}.figure", {f"{Regional.map_view}.data": state, f"{Regional.width}.data": WIDE}
            )
            client.kind = "alla grid"
            call_callback(
                client,
                f"{Regional.grid}.figure",
                {
                    f"{Regional.map_view}.data": state,
                    f"{Regional.width}.data": WIDE,
                    f"{Regional.grid}.relayoutData": None,
                },
                state={f"{Regional.grid_drawn}.data": None},
            )
        except Exception as exc:  # noqa: BLE001 (counted as an error; the user goes on with the next round)
            record("round", 0.0, f"{type(exc).__name__}: {str(exc)[:200]}")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.extend(int(p) for p in (task / "children").read_text().split())
    return found


def _peak_rss_mb(pid: int) -> float:
    """The most memory the process has held (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _wait_ready(base: str, server: subprocess.Popen, timeout_s: float = 300) -> float:
    import requests

    begun = time.perf_counter()
    while time.perf_counter() - begun < timeout_s:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {server.stdout.read() if server.stdout else ''}")
        try:
            if requests.get(base + "/_dash-layout", timeout=10).status_code == 200:
                return time.perf_counter() - begun
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within {timeout_s:.0f} s")


def run(location: str, backend: str, users: int, rounds: int) -> dict:
    from browser import free_port

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PLEDGEMAP_DATA": location,
        "PLEDGEMAP_SECRET": "s" * 40,
        "PLEDGEMAP_TILES": "none",
        "PLEDGEMAP_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-workers-{backend}.log", "w")
    server = subprocess.Popen(
        [str(gunicorn), "--workers", "2", "--timeout", "300", "--bind", f"127.0.0.1:{port}", "dashboard.wsgi:app"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    times: dict[str, list[float]] = {}
    errors: dict[str, list[str]] = {}
    lock = threading.Lock()

    def record(kind: str, seconds: float, error: str | None) -> None:
        with lock:
            if error is None:
                times.setdefault(kind, []).append(seconds)
            else:
                errors.setdefault(kind, []).append(error)

    try:
        ready_s = _wait_ready(base, server)
        workers = _children(server.pid)
        begun = time.perf_counter()
        threads = [threading.Thread(target=_user, args=(base, n, rounds, record)) for n in range(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - begun
        rss = {str(pid): _peak_rss_mb(pid) for pid in workers}
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    kinds = {}
    for kind, series in sorted(times.items()):
        ordered = sorted(series)
        kinds[kind] = {
            "n": len(ordered),
            "p50_ms": statistics.median(ordered) * 1000,
            "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000,
            "max_ms": ordered[-1] * 1000,
        }
    requests_done = sum(len(s) for s in times.values())
    return {
        "backend": backend,
        "users": users,
        "rounds": rounds,
        "ready_s": ready_s,
        "wall_s": wall,
        "requests": requests_done,
        "requests_per_s": requests_done / wall,
        "errors": {kind: {"n": len(found), "first": found[:3]} for kind, found in errors.items()},
        "kinds": kinds,
        "worker_peak_rss_mb": rss,
    }


def _print(result: dict) -> None:
    print(
        f"\n{result['backend']}: {result['users']} users x {result['rounds']} rounds, "
        f"{result['requests']} requests in {result['wall_s']:.1f} s = {result['requests_per_s']:.2f} requests/s "
        f"(server ready in {result['ready_s']:.1f} s)"
    )
    print(f"  {'request':18s} {'n':>5s} {'p50 ms':>9s} {'p95 ms':>9s} {'max ms':>9s}")
    for kind, figures in result["kinds"].items():
        print(
            f"  {kind:18s} {figures['n']:5d} {figures['p50_ms']:9.0f} {figures['p95_ms']:9.0f} {figures['max_ms']:9.0f}"
        )
    total = sum(e["n"] for e in result["errors"].values())
    print(f"  errors: {total}" + "".join(f"\n    {k}: {e['n']} ({e['first'][0]})" for k, e in result["errors"].items()))
    print("  workers' peak RSS: " + ", ".join(f"{mb:.0f} MB" for mb in result["worker_peak_rss_mb"].values()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--backends", nargs="+", default=["gpkg", "postgis"], choices=["gpkg", "postgis"])
    parser.add_argument("--out", type=Path, default=HERE / "results-workers.json")
    args = parser.parse_args(argv)
    gpkg = DATA / f"national-{args.size}.gpkg"
    if not gpkg.exists():
        raise SystemExit(f"{gpkg} is missing: generate it with benchmarks/national.py")
    results = []
    for backend in args.backends:
        if backend == "gpkg":
            results.append(run(str(gpkg), backend, args.users, args.rounds))
        else:
            from postgis_data import postgis_url_for

            with postgis_url_for(gpkg) as url:
                results.append(run(url, backend, args.users, args.rounds))
        _print(results[-1])
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    args.out.write_text(json.dumps({"size": args.size, "machine": machine, "results": results}, indent=2) + "\n")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
