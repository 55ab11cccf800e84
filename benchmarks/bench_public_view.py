"""What the public view's fixed periods, bands and pinning check cost beside exact counts of the same records.

    .venv/bin/python benchmarks/bench_public_view.py [--data FILE.gpkg] [--calls 10]

Without ``--data`` it writes the demo store to a temporary file. Per pledge, it times
:func:`geodata.views.public.public_view` (every record of the pledge counted per cell and month, every
period checked together, one period shown) against :func:`geodata.views.public.counted_view` (the same
layers read and counted exactly, as the full map does when it shows counts) in the same run, and prints the
medians and their ratio. Then the pinning check alone on synthetic counts of many cells (``--cells``, eight
months of a year each), the part that grows with a municipality's size. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median_ms(run, calls: int) -> float:
    run()  # warm: the first call reads the file's pages
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    from geodata import GeoPackageStore, LayerQuery
    from geodata.demo import write_demo_store
    from geodata.views.public import counted_view, public_periods_of, public_view

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--cells", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.data or Path(folder) / "demo.gpkg"
        if args.data is None:
            write_demo_store(path).close()
        with GeoPackageStore.open(path) as store:
            print(f"{'pledge':<22} {'records':>8} {'periods':>8} {'public ms':>10} {'exact ms':>9} {'ratio':>6}")
            for pledge in store.list_pledges():
                query = LayerQuery(pledge_id=pledge.id)
                records = sum(
                    store.count(layer, query) for layer in ("unsafe_places", "operations", "inventoried_sites")
                )
                public = _median_ms(lambda p=pledge.id: public_view(store, p, "all"), args.calls)
                exact = _median_ms(lambda q=query: counted_view(store, q), args.calls)
                periods = len(public_periods_of(pledge))
                print(f"{pledge.id:<22} {records:>8} {periods:>8} {public:>10.1f} {exact:>9.1f} {public / exact:>6.2f}")
    synthetic(args.cells, args.calls)


def synthetic(cells: int, calls: int) -> None:
    import datetime as dt
    import random

    from geodata.views.disclosure import protect, public_periods

    periods = public_periods(dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    months = [p.key for p in periods if p.kind == "month"]
    rng = random.Random(0)
    monthly = {(cell, month): rng.randint(0, 12) for cell in range(cells) for month in rng.sample(months, 8)}
    ms = _median_ms(lambda: protect(monthly, periods), max(3, calls // 3))
    print(f"pinning check, {cells} cells x {len(periods)} periods: {ms:.0f} ms ({ms / cells * 1000:.0f} µs a cell)")


if __name__ == "__main__":
    main()
