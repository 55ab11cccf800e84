"""A deterministic national-scale data set for the scale benchmark: reports, sites and operations in all 290
municipalities, denser in the cities, and a pledge for every municipality, most of them judged in the follow-up.

    .venv/bin/python benchmarks/national.py --reports 1000000 --output benchmarks/data/national-1000000.gpkg

With ``R`` reports: ``R / 10`` inventoried sites and ``R / 20`` operations. Municipalities get a share by
rank (Zipf, exponent 1): the ten largest cities first, then the rest in an order fixed by the seed, so
Stockholm holds about a sixth of everything. Inside a municipality, most reports cluster around a few
centres (the more reports, the more centres) and the rest lie anywhere inside its boundary. Everything
is labelled as generated demo data, and every record goes through the store's own validation.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geodata import vocab  # noqa: E402
from geodata.boundaries import municipalities  # noqa: E402
from geodata.model import pledge_from_dict  # noqa: E402
from geodata.store import GeoPackageStore, Store  # noqa: E402

SEED = 2026
CITIES = ("0180", "1480", "1280", "0380", "0580", "1880", "1980", "1281", "0680", "2480")
PERIOD = (dt.date(2024, 1, 1), dt.date(2025, 12, 31))
OWNERS = ("Allmännyttan", "Bostadsbolaget", "Hyresvärden AB", "Fastighets AB Centrum")
CHUNK = 50_000


def shares(codes: list[str], rng: np.random.Generator) -> pd.Series:
    """Each municipality's share of the records: Zipf by rank, the ten cities first."""
    rest = [c for c in codes if c not in CITIES]
    rest = list(np.array(rest)[rng.permutation(len(rest))])
    order = [c for c in CITIES if c in codes] + rest
    weights = 1.0 / np.arange(1, len(order) + 1)
    return pd.Series(weights / weights.sum(), index=order)


def points_in(area, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` points inside ``area`` (EPSG:3006): most around a few centres, the rest anywhere in it."""
    minx, miny, maxx, maxy = area.bounds
    shapely.prepare(area)

    def anywhere(n: int) -> np.ndarray:
        found = np.empty((0, 2))
        while len(found) < n:
            xy = np.column_stack([rng.uniform(minx, maxx, 2 * n + 16), rng.uniform(miny, maxy, 2 * n + 16)])
            found = np.vstack([found, xy[shapely.contains_xy(area, xy[:, 0], xy[:, 1])]])
        return found[:n]

    centres = anywhere(1 + int(np.log2(count + 1)))
    clustered = int(count * 0.7)
    picks = centres[rng.integers(0, len(centres), clustered)]
    spread = rng.uniform(300, 1500, len(centres))[rng.integers(0, len(centres), clustered)]
    near = picks + rng.normal(0, 1, (clustered, 2)) * spread[:, None]
    inside = shapely.contains_xy(area, near[:, 0], near[:, 1])
    near = near[inside]
    return np.vstack([near, anywhere(count - len(near))])


def pledge_document(code: str, name: str) -> dict:
    pid = f"bench-{code}"
    return {
        "id": pid,
        "title": f"Medborgarlöfte {name} 2024–2025 (genererat testdata)",
        "demo": True,
        "municipality": {"name": name, "code": code},
        "police_area": {"name": f"Lokalpolisområde {name}"},
        "partners": [
            {"id": "polisen", "name": f"Lokalpolisområde {name}", "kind": "police"},
            {"id": "kommunen", "name": f"{name} kommun", "kind": "municipality"},
        ],
        "period": {"start": PERIOD[0].isoformat(), "end": PERIOD[1].isoformat()},
        "focus": "Otrygghet och narkotika i det offentliga rummet (genererat testdata)",
        "problem_picture": {"shared": "Genererat testdata för prestandamätning."},
        "promises": [
            {
                "id": f"{pid}-insatser",
                "text": "Minst tolv riktade insatser mot narkotika",
                "parties": ["polisen"],
                "kind": "targeted_operation",
                "target": 12,
            },
            {
                "id": f"{pid}-inventering",
                "text": "Inventering av otrygga platser",
                "parties": ["kommunen", "polisen"],
                "kind": "place_inventory",
            },
        ],
        "goals": [{"id": "trygghet", "text": "Ökad trygghet"}],
        "follow_up": [{"kind": "dialogue", "label": "Medborgardialoger"}],
    }


def _days(rng: np.random.Generator, n: int) -> pd.Series:
    span = (PERIOD[1] - PERIOD[0]).days
    return pd.Series(pd.to_datetime(PERIOD[0]) + pd.to_timedelta(rng.integers(0, span + 1, n), unit="D"))


def _choice(rng: np.random.Generator, values: tuple[str, ...], n: int) -> np.ndarray:
    return np.array(values, dtype=object)[rng.integers(0, len(values), n)]


def layers_for(code: str, area, reports: int, rng: np.random.Generator) -> dict[str, gpd.GeoDataFrame]:
    """The generated records of one municipality, as the store takes them (EPSG:3006)."""
    pid = f"bench-{code}"
    out = {}
    n = reports
    xy = points_in(area, n, rng)
    out["unsafe_places"] = gpd.GeoDataFrame(
        {
            "reported_on": _days(rng, n).dt.date,
            "source": _choice(rng, vocab.REPORT_SOURCES, n),
            "category": _choice(rng, vocab.UNSAFE_CATEGORIES, n),
            "time_of_day": _choice(rng, vocab.TIMES_OF_DAY, n),
            "report_count": rng.integers(1, 4, n),
            "pledge_id": pid,
            "demo": True,
        },
        geometry=shapely.points(xy),
        crs=3006,
    )
    n = max(1, reports // 10)
    xy = points_in(area, n, rng)
    out["inventoried_sites"] = gpd.GeoDataFrame(
        {
            "site_type": _choice(rng, vocab.SITE_TYPES, n),
            "owner": _choice(rng, OWNERS, n),
            "address": [f"Gatan {i + 1}" for i in range(n)],
            "status": "flagged",
            "promise_id": f"{pid}-inventering",
            "demo": True,
        },
        geometry=shapely.points(xy),
        crs=3006,
    )
    n = max(1, reports // 20)
    xy = points_in(area, n, rng)
    starts = (pd.to_datetime(_days(rng, n)) + pd.to_timedelta(rng.integers(8, 22, n), unit="h")).dt.tz_localize(
        "Europe/Stockholm"
    )
    out["operations"] = gpd.GeoDataFrame(
        {
            "title": "Riktad insats",
            "starts_at": starts,
            "ends_at": starts + pd.Timedelta(hours=3),
            "kind": _choice(rng, vocab.OPERATION_KINDS, n),
            "visibility": _choice(rng, vocab.VISIBILITY, n),
            "promise_id": f"{pid}-insatser",
            "demo": True,
        },
        geometry=shapely.points(xy),
        crs=3006,
    )
    return out


def generate(path: Path, reports: int, seed: int = SEED) -> Store:
    """Write the data set to a new GeoPackage store at ``path``."""
    rng = np.random.default_rng(seed)
    areas = municipalities().set_index("code")
    share = shares(sorted(areas.index), rng)
    counts = pd.Series(rng.multinomial(reports, share.to_numpy()), index=share.index)
    store = GeoPackageStore.create(path)
    for code in sorted(areas.index):
        store.save_pledge(pledge_from_dict(pledge_document(code, areas.loc[code, "name"])))
    pending: dict[str, list[gpd.GeoDataFrame]] = {"unsafe_places": [], "inventoried_sites": [], "operations": []}
    size = 0

    def flush() -> None:
        batches = {layer: pd.concat(frames, ignore_index=True) for layer, frames in pending.items() if frames}
        store.write_batches(
            {layer: gpd.GeoDataFrame(frame, geometry="geometry", crs=3006) for layer, frame in batches.items()},
            actor="benchmark",
        )
        for frames in pending.values():
            frames.clear()

    for code in share.index:  # the cities first
        if counts[code] == 0:
            continue
        for layer, frame in layers_for(code, areas.loc[code, "geometry"], int(counts[code]), rng).items():
            pending[layer].append(frame)
        size += int(counts[code])
        if size >= CHUNK:
            flush()
            size = 0
    flush()
    judge_pledges(store, rng)
    return store


# How the follow-up of the generated pledges stands: per pledge a chance of having been judged at all, and per
# promise and tertial the statuses drawn (later tertials further along).
JUDGED_SHARE = 0.7
TERTIALS = ("2024-T1", "2024-T2", "2024-T3", "2025-T1", "2025-T2", "2025-T3")


def judge_pledges(store: Store, rng: np.random.Generator) -> None:
    """Judge most generated pledges' promises tertial by tertial, so an overview of them shows every state."""
    from geodata.analysis.judging import judge

    statuses = ("not_started", "started", "delayed", "done")
    for pledge in store.list_pledges():
        if rng.random() > JUDGED_SHARE:
            continue
        last = int(rng.integers(1, len(TERTIALS) + 1))  # judged up to this tertial
        for promise in pledge.promises:
            for n, period in enumerate(TERTIALS[:last]):
                # Early on most are not started or started; later most are started or done, some delayed.
                late = n / (len(TERTIALS) - 1)
                weights = np.array([0.5 * (1 - late), 0.4, 0.15 + 0.1 * late, 0.05 + 0.5 * late])
                status = statuses[rng.choice(len(statuses), p=weights / weights.sum())]
                judge(
                    store,
                    pledge.id,
                    "promise",
                    promise.id,
                    period,
                    status,
                    "Genererat testdata.",
                    0,
                    actor="benchmark",
                    demo=True,
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    if args.output.exists():
        raise SystemExit(f"{args.output} exists; remove it first")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with generate(args.output, args.reports, args.seed) as store:
        counts = store.counts()
    print(f"wrote {args.output} in {time.perf_counter() - started:.1f} s: {counts}")


if __name__ == "__main__":
    main()
