"""The map's grid count, count and map callback on one store, in-process, with the grid count's plan.

    .venv/bin/python benchmarks/bench_postgis_counts.py --gpkg benchmarks/data/national-1000000.gpkg [--calls 20]
    .venv/bin/python benchmarks/bench_postgis_counts.py --store postgresql://… [--calls 20]

``--gpkg`` measures the GeoPackage file and the same data in PostGIS (benchmarks/postgis_data.py), side by
side in one run; ``--store`` measures one store as it is (a database at an older schema too, for a before and
after). The view is Stockholm's pledge at 1M reports, as in bench_scale.py. For a PostGIS store it prints
``EXPLAIN (ANALYZE, BUFFERS)`` of the grid count and the count the map runs. Prints figures and JSON; asserts
nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))

PLEDGE = "bench-0180"
LATITUDE = 59.33  # Stockholm: the cell the map uses at zoom 9 there


def _quantiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000,
    }


def _timed(run, calls: int) -> dict[str, float]:
    run()  # warm: the first call reads the index from disk into the cache
    times = []
    for _ in range(calls):
        begun = time.perf_counter()
        run()
        times.append(time.perf_counter() - begun)
    return _quantiles(times)


def _plans(url: str, run) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the statements ``run`` sends to PostGIS, with the parameters sent."""
    import psycopg
    import sqlalchemy

    from geodata.store.postgis.store import _engine

    sent: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and ' FROM "unsafe_places"' in statement:
            sent.append((statement, parameters))

    engine = _engine(url)
    sqlalchemy.event.listen(engine, "before_cursor_execute", keep)
    try:
        run()
    finally:
        sqlalchemy.event.remove(engine, "before_cursor_execute", keep)
    with psycopg.connect(url, autocommit=True) as conn:
        return [
            "\n".join(r[0] for r in conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).fetchall())
            for statement, parameters in sent
        ]


def measure(location: str, calls: int) -> dict:
    from dashboard.settings import Settings
    from geodata.grid import cell_size_for_zoom
    from geodata.store import LayerQuery, is_database_url, open_store

    from dash_http import call_overview_map, make_client, overview_map_inputs

    cell = cell_size_for_zoom(9, LATITUDE)
    query = LayerQuery(pledge_id=PLEDGE)
    result: dict = {"store": location.split("@")[-1], "cell_m": cell}
    with open_store(location) as store:
        result["schema_version"] = store.schema_version()
        result["grid_counts"] = _timed(lambda: store.grid_counts("unsafe_places", query, cell, "report_count"), calls)
        result["count"] = _timed(lambda: store.count("unsafe_places", query), calls)
        if is_database_url(location):
            result["plans"] = _plans(
                location,
                lambda: (
                    store.grid_counts("unsafe_places", query, cell, "report_count"),
                    store.count("unsafe_places", query),
                ),
            )
    client = make_client(Settings(data=location, tiles_url=None))
    inputs = overview_map_inputs(PLEDGE)
    filters = [
        ({}, "ov-pledge.value"),
        ({"ov-categories.value": ["drug_dealing", "drug_use"]}, "ov-categories.value"),
        ({"ov-sources.value": ["survey"]}, "ov-sources.value"),
        ({"ov-start.value": "2024-03-01", "ov-end.value": "2024-05-28"}, "ov-start.value"),
        ({"ov-layers.value": ["unsafe_places"]}, "ov-layers.value"),
    ]
    state = {"i": 0}

    def callback() -> None:
        overrides, changed = filters[state["i"] % len(filters)]
        state["i"] += 1
        call_overview_map(client, {**inputs, **overrides}, changed=changed)

    result["map_callback"] = _timed(callback, calls)
    return result


def _print(result: dict) -> None:
    print(f"\n{result['store']} (schema {result['schema_version']}, cell {result['cell_m']:.0f} m):")
    for kind in ("grid_counts", "count", "map_callback"):
        print(f"  {kind:13s} p50 {result[kind]['p50_ms']:8.1f} ms   p95 {result[kind]['p95_ms']:8.1f} ms")
    for plan in result.get("plans", []):
        print("  " + plan.replace("\n", "\n  "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--gpkg", type=Path)
    where.add_argument("--store")
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    os.environ.setdefault("PLEDGEMAP_SECRET", "s" * 40)  # a database store's sessions are signed with it
    os.environ.setdefault("PLEDGEMAP_TILES", "none")
    if args.store:
        results = [measure(args.store, args.calls)]
    else:
        from postgis_data import postgis_url_for

        results = [measure(str(args.gpkg), args.calls)]
        with postgis_url_for(args.gpkg) as url:
            results.append(measure(url, args.calls))
    for result in results:
        _print(result)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
