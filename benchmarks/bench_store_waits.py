"""How long readers and sign-ins wait while a large import is written, on the GeoPackage store and on PostGIS.

    .venv/bin/python benchmarks/bench_store_waits.py [--rows 50000 200000] [--backends gpkg postgis]

For each backend and size: a fresh store with one pledge and one account (production password hashing),
then one process writes ``rows`` new unsafe places in one import (``Store.write_batches``, what
``geodata.io.commit_file`` calls) while two other processes loop, each turn opening the store as a request
does: one reads (a count and a page of 100 records), one signs in (``authenticate``). Prints, for the time
of the import: the longest and the median read and sign-in; the longest time a sign-in spent in the store
(opening it, counting the attempt, reading the account: what would wait for the import's lock); one
password check alone, timed beside each sign-in (what the machine's load adds, not a wait for the store);
the import's own time; and every error the probers met ("database is locked" among them). Writes
benchmarks/results-store-waits.json. Asserts nothing (the machines are shared and
noisy). PostGIS runs on a private cluster started here (tests/pg_cluster.py).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

PASSWORD = "ett långt lösenord för mätningen"


def _records(rows: int):
    import geopandas as gpd
    import numpy as np
    import shapely

    rng = np.random.default_rng(20)
    # Scattered over Mark (the test pledge's municipality), in WGS84.
    lon = 12.60 + rng.random(rows) * 0.25
    lat = 57.45 + rng.random(rows) * 0.15
    return gpd.GeoDataFrame(
        {
            "reported_on": ["2024-03-05"] * rows,
            "source": ["safety_walk"] * rows,
            "category": ["poor_lighting"] * rows,
            "time_of_day": ["evening"] * rows,
            "description": [f"Mörk gångväg {i}" for i in range(rows)],
            "report_count": [2] * rows,
        },
        geometry=shapely.points(lon, lat),
        crs=4326,
    )


def _prober(location: str, kind: str, stop, ready, out) -> None:
    """Loop reads or sign-ins (each on a store opened for it, as a request does) until ``stop`` is set."""
    from geodata import open_store
    from geodata.access import accounts
    from geodata.access.accounts import authenticate

    samples: list[tuple[float, float]] = []  # (started, seconds)
    hashes: list[tuple[float, float]] = []  # one password check alone, beside each sign-in: the CPU's share
    stored: list[tuple[float, float]] = []  # a sign-in's time in the store (open, count, read the account)
    known = accounts.HASHER.hash(PASSWORD)
    errors: list[str] = []
    ready.set()
    while not stop.is_set():
        started = time.time()
        spent = [0.0]
        try:
            with open_store(location) as store:
                spent[0] = time.time() - started
                if kind == "read":
                    store.count("unsafe_places")
                    store.read_layer("unsafe_places", _page())
                else:
                    for name in ("begin_sign_in", "end_sign_in", "get_user"):
                        setattr(store, name, _timed(getattr(store, name), spent))
                    authenticate(store, "matare", PASSWORD, address="10.0.0.1")
        except Exception as exc:  # noqa: BLE001 (every failure is a finding here)
            errors.append(f"{kind}: {type(exc).__name__}: {exc}"[:300])
        samples.append((started, time.time() - started))
        if kind == "signin":
            stored.append((started, spent[0]))
        if kind == "signin":
            checked = time.time()
            accounts.HASHER.verify(known, PASSWORD)
            hashes.append((checked, time.time() - checked))
        time.sleep(0.05)
    out.put((kind, samples, errors))
    if kind == "signin":
        out.put(("hash", hashes, []))
        out.put(("stored", stored, []))


def _timed(method, spent: list[float]):
    """``method``, adding the seconds each call takes to ``spent[0]``."""

    def timed(*args, **kwargs):
        started = time.time()
        try:
            return method(*args, **kwargs)
        finally:
            spent[0] += time.time() - started

    return timed


def _page():
    from geodata import LayerQuery

    return LayerQuery(limit=100)


def _prepare(location: str) -> None:
    from geodata import open_store, pledge_from_dict
    from geodata.access.accounts import add_user

    from builders import pledge_dict

    with open_store(location) as store:
        store.save_pledge(pledge_from_dict(pledge_dict()))
        add_user(store, "matare", "police", PASSWORD)


def _during(samples, start: float, end: float) -> list[float]:
    return [seconds for started, seconds in samples if started + seconds >= start and started <= end]


def measure(location: str, rows: int) -> dict:
    from geodata import open_store

    _prepare(location)
    records = _records(rows)
    context = multiprocessing.get_context("spawn")
    stop, out = context.Event(), context.Queue()
    probers = []
    for kind in ("read", "signin"):
        ready = context.Event()
        probers.append(context.Process(target=_prober, args=(location, kind, stop, ready, out)))
        probers[-1].start()
        ready.wait(60)
    time.sleep(2)  # the prober's first turns: its imports done, a baseline
    started = time.time()
    error = None
    try:
        with open_store(location) as store:
            store.write_batches({"unsafe_places": records})
    except Exception as exc:  # noqa: BLE001
        error = f"{type(exc).__name__}: {exc}"[:300]
    ended = time.time()
    time.sleep(1)
    stop.set()
    found: dict = {"errors": []}
    for _ in range(len(probers) + 2):
        kind, samples, errors = out.get(timeout=120)
        found[kind] = samples
        found["errors"] += errors
    for prober in probers:
        prober.join(30)
    reads, signins = _during(found["read"], started, ended), _during(found["signin"], started, ended)
    hashes = _during(found["hash"], started, ended)
    stored = _during(found["stored"], started, ended)
    before = [s for t, s in found["signin"] if t + s < started]
    return {
        "rows": rows,
        "import_s": round(ended - started, 1),
        "import_error": error,
        "reads": len(reads),
        "read_max_s": round(max(reads, default=0), 2),
        "read_p50_s": round(statistics.median(reads), 3) if reads else None,
        "signins": len(signins),
        "signin_max_s": round(max(signins, default=0), 2),
        "signin_p50_s": round(statistics.median(signins), 3) if signins else None,
        "signin_before_p50_s": round(statistics.median(before), 3) if before else None,
        "signin_store_max_s": round(max(stored, default=0), 2),
        "hash_p50_s": round(statistics.median(hashes), 3) if hashes else None,
        "hash_max_s": round(max(hashes, default=0), 2),
        "errors": sorted(set(found["errors"]))[:10],
        "error_count": len(found["errors"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[50_000, 200_000])
    parser.add_argument("--backends", nargs="+", default=["gpkg", "postgis"], choices=["gpkg", "postgis"])
    parser.add_argument("--output", type=Path, default=HERE / "results-store-waits.json")
    args = parser.parse_args()
    results = []
    for backend in args.backends:
        for rows in args.rows:
            if backend == "gpkg":
                from geodata.store import migrate

                with tempfile.TemporaryDirectory() as folder:
                    location = str(Path(folder) / "bench.gpkg")
                    migrate(location)
                    result = measure(location, rows)
            else:
                from geodata.store import migrate

                from pg_cluster import cluster, new_database

                with cluster() as server:
                    location = new_database(server, "bench")
                    migrate(location)
                    result = measure(location, rows)
            result["backend"] = backend
            print(json.dumps(result, ensure_ascii=False), flush=True)
            results.append(result)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
