"""`pledgemap serve` under eight concurrent users calling the overview's map callback, on the demo store (issue 20).

    .venv/bin/python benchmarks/bench_serve.py [--users 8] [--rounds 12] [--checkout PATH] [-- SERVE OPTIONS]

Starts `pledgemap serve` on a copy of the demo store (tiles off; the code of ``--checkout``, default this one, so
an older checkout can be measured the same way) and lets each simulated user (a thread with its own HTTP session,
the payloads of tests/dash_http.py) call the overview's map callback with changing filters (both demo pledges,
layers, categories, sources, time windows), once to warm up and then ``--rounds`` times. Prints p50/p95 and
requests per second; writes benchmarks/results-serve.json. Asserts nothing (the machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))

PLEDGES = ("mark-2021", "molndal-2018")


def _user(base: str, number: int, rounds: int, record) -> None:
    from bench_workers import HttpClient

    from dashboard.ids import Overview

    from dash_http import call_overview_map, overview_map_inputs

    client = HttpClient(base, record)
    client.kind = "dependencies"
    client.get("/_dash-dependencies")
    for i in range(rounds + 1):
        step = number * rounds + i  # every user changes the filters differently, every round
        inputs = overview_map_inputs(PLEDGES[step % len(PLEDGES)])
        year = 2019 + step % 4
        overrides = (
            {},
            {f"{Overview.categories}.value": ["drug_dealing", "drug_use"]},
            {f"{Overview.sources}.value": ["survey"]},
            {f"{Overview.start}.value": f"{year}-01-01", f"{Overview.end}.value": f"{year}-06-30"},
            {f"{Overview.layers}.value": ["unsafe_places"]},
        )[step % 5]
        client.kind = "warm-up" if i == 0 else "overview map"
        try:
            call_overview_map(
                client, {**inputs, **overrides}, changed=next(iter(overrides), f"{Overview.pledge}.value")
            )
        except Exception as exc:  # noqa: BLE001 (counted as an error; the user goes on)
            record("round", 0.0, f"{type(exc).__name__}: {str(exc)[:200]}")


def run(
    checkout: Path, users: int, rounds: int, serve_options: list[str], on_ready: Callable[[], None] | None = None
) -> dict:
    """The figures of one run; ``on_ready`` is called once the server answers, before the users start."""
    from bench_scale import percentile
    from bench_workers import _wait_ready

    from browser import free_port

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    folder = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    data = folder / "demo.gpkg"
    env = {**os.environ, "PYTHONPATH": str(checkout), "PLEDGEMAP_TILES": "none"}
    command = [sys.executable, "-m", "dashboard.cli", "serve", "--data", str(data), "--port", str(port)]
    log = open(folder / "serve.log", "w")
    server = subprocess.Popen([*command, *serve_options], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
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
        _wait_ready(base, server)
        if on_ready is not None:
            on_ready()
        begun = time.perf_counter()
        threads = [threading.Thread(target=_user, args=(base, n, rounds, record)) for n in range(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - begun
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    ordered = sorted(times.get("overview map", []))
    measured = wall - (max(times.get("warm-up", [0.0])))  # roughly: the time after the slowest warm-up call
    return {
        "checkout": str(checkout),
        "serve_options": serve_options,
        "users": users,
        "rounds": rounds,
        "calls": len(ordered),
        "p50_ms": statistics.median(ordered) * 1000 if ordered else None,
        "p95_ms": percentile(ordered, 95) * 1000 if ordered else None,
        "max_ms": ordered[-1] * 1000 if ordered else None,
        "wall_s": wall,
        "calls_per_s": len(ordered) / measured if ordered and measured > 0 else None,
        "errors": {kind: {"n": len(found), "first": found[:3]} for kind, found in errors.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the Pledgemap checkout whose code is served")
    parser.add_argument("--out", type=Path, default=HERE / "results-serve.json")
    parser.add_argument("serve_options", nargs="*", help="more `pledgemap serve` options (after --)")
    args = parser.parse_args(argv)
    result = run(args.checkout.resolve(), args.users, args.rounds, args.serve_options)
    print(
        f"{result['checkout']} {' '.join(result['serve_options'])}: {result['users']} users, {result['calls']} map calls: "
        f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, max {result['max_ms']:.0f} ms, "
        f"{result['calls_per_s']:.1f} calls/s; errors: {sum(e['n'] for e in result['errors'].values())}"
    )
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    args.out.write_text(json.dumps({"machine": machine, "result": result}, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
