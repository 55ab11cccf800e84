"""Hotspots: where reports cluster more than chance would put them (Getis-Ord Gi*), and a density surface.

The study area (a municipality) is covered with hexagons of ``cell_m``
metres (circumradius, EPSG:3006), every hexagon counted, empty ones
included: a hotspot is a cell whose neighbourhood holds more reports than
the study area's average would give it. Gi* (PySAL ``esda.G_Local`` with
``star=True``) compares each cell's neighbourhood sum (the cell and the
hexagons within :attr:`Neighbourhood.rings` steps, binary weights) with the
sums of ``permutations`` random rearrangements of the counts (seeded, so a
run can be repeated exactly). Its pseudo p-value is the share of
rearrangements at least as extreme in the cell's own direction (ties count
as extreme: see :func:`pseudo_p` for why not esda's ``p_sim``), and many
cells are tested at once, so by default the cut-off at each confidence level
is the Benjamini–Hochberg false-discovery-rate one (``esda.fdr``): cells
with ``p <= cut`` are hot (z > 0) or cold (z < 0) spots at 99, 95 or 90 %.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass, field

import esda
import geopandas as gpd
import libpysal
import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import box  # noqa: F401 (cell_size_for's doctest)
from shapely.geometry.base import BaseGeometry

from geodata.analysis.defaults import (
    DEFAULT_PERMUTATIONS,
    DEFAULT_RINGS,
    DEFAULT_SEED,
    DENSITY_BANDWIDTH_M,
    DENSITY_CELL_M,
)
from geodata.analysis.findings import Finding
from geodata.analysis.safety import analysed_values
from geodata.boundaries import municipality
from geodata.grid import HexGrid, representative_xy
from geodata.layers import STORAGE_CRS
from geodata.store.base import LayerQuery, Store

CONFIDENCE_LEVELS = (0.99, 0.95, 0.90)
CLASSES = ("hot_99", "hot_95", "hot_90", "none", "cold_90", "cold_95", "cold_99")
MIN_PERMUTATIONS = 99
MAX_CELLS = 20_000
FEW_REPORTS = 30  # below this many reports a hotspot map says more about chance than about places


@dataclass(frozen=True)
class Neighbourhood:
    """A cell's neighbours for Gi*: every hexagon within ``rings`` steps of it (and, Gi* being Gi*, itself).

    >>> Neighbourhood(1).cells, Neighbourhood(2).cells
    (7, 19)
    """

    rings: int = DEFAULT_RINGS

    def __post_init__(self) -> None:
        if not isinstance(self.rings, int) or not 1 <= self.rings <= 5:
            raise ValueError(f"neighbourhood rings is {self.rings!r}; expected a whole number from 1 to 5")

    @property
    def cells(self) -> int:
        """How many cells a neighbourhood away from the edge holds, the cell itself included."""
        return 1 + 3 * self.rings * (self.rings + 1)

    def distance_m(self, cell_m: float) -> float:
        """The centre-to-centre distance that takes in exactly these rings of hexagons."""
        # Centres of adjacent hexagons are √3·size apart; ring k+1's nearest centre lies beyond k·√3·size.
        return self.rings * math.sqrt(3) * cell_m * 1.001

    def describe(self, cell_m: float) -> str:
        return (
            f"the cell and the hexagons within {self.rings} ring{'s' if self.rings > 1 else ''} around it "
            f"({self.cells} cells, centres within {self.distance_m(cell_m):.0f} m), binary weights"
        )


@dataclass(frozen=True)
class HotspotResult:
    """Gi* for every cell of the study area; ``cells`` in EPSG:3006 with count, z, p and class."""

    cells: gpd.GeoDataFrame
    cell_m: float
    neighbourhood: Neighbourhood
    permutations: int
    seed: int
    fdr: bool
    reports: int
    cutoffs: dict[float, float]  # confidence level -> the p cut-off used
    findings: list[Finding] = field(default_factory=list)

    def class_counts(self) -> dict[str, int]:
        counts = self.cells["class"].value_counts()
        return {name: int(counts.get(name, 0)) for name in CLASSES}

    def significant(self) -> gpd.GeoDataFrame:
        return self.cells[self.cells["class"] != "none"]


@dataclass(frozen=True)
class DensitySurface:
    """Reports per km² on square cells, from a quartic kernel of radius ``bandwidth_m``; cells in EPSG:3006."""

    cells: gpd.GeoDataFrame
    bandwidth_m: float
    cell_m: float
    reports: int


def study_cells(area: BaseGeometry, grid: HexGrid, max_cells: int = MAX_CELLS) -> tuple[np.ndarray, np.ndarray]:
    """Axial ``(q, r)`` of every hexagon of ``grid`` that overlaps ``area`` (EPSG:3006)."""
    minx, miny, maxx, maxy = area.bounds
    size = grid.size_m
    estimate = (maxx - minx + 4 * size) * (maxy - miny + 4 * size) / (1.5 * math.sqrt(3) * size * size)
    if estimate > 4 * max_cells:
        raise ValueError(
            f"{size:.0f} m hexagons would make about {estimate:.0f} cells here; expected at most "
            f"{max_cells}: choose larger cells"
        )
    r_values = np.arange(math.floor(miny / (1.5 * size)) - 1, math.ceil(maxy / (1.5 * size)) + 2)
    q_low = math.floor(minx / (math.sqrt(3) * size) - r_values.max() / 2) - 2
    q_high = math.ceil(maxx / (math.sqrt(3) * size) - r_values.min() / 2) + 2
    q_grid, r_grid = np.meshgrid(np.arange(q_low, q_high + 1), r_values)
    q, r = q_grid.ravel(), r_grid.ravel()
    x = size * math.sqrt(3) * (q + r / 2.0)
    y = size * 1.5 * r
    # A hexagon overlaps the area if its centre is within one circumradius of it (then check the polygon).
    near = shapely.dwithin(shapely.points(x, y), area, size)
    q, r = q[near], r[near]
    polygons = np.array([grid.polygon(a, b) for a, b in zip(q, r)], dtype=object)
    overlaps = shapely.intersects(polygons, area)
    q, r = q[overlaps], r[overlaps]
    if len(q) > max_cells:
        raise ValueError(
            f"{size:.0f} m hexagons make {len(q)} cells here; expected at most {max_cells}: choose larger cells"
        )
    return q.astype(np.int64), r.astype(np.int64)


def pseudo_p(observed: np.ndarray, simulated: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Pseudo p-values in each cell's own direction, a tie counting as at least as extreme.

    esda's ``p_sim`` folds the count of simulations ``>=`` the observed value,
    so for a cell below the mean every tie counts as *less* extreme: with
    sparse counts (most cells and neighbourhoods empty) every empty
    neighbourhood, which half the rearrangements match exactly, gets the
    smallest p-value there is and shows as a cold spot. Counting ties on
    the cautious side gives the same value as esda wherever there are no ties.

    >>> pseudo_p(np.array([5.0, 0.0]), np.array([[1.0, 5.0, 9.0], [0.0, 0.0, 2.0]]), np.array([1.0, -1.0]))
    array([0.75, 0.75])
    """
    above = (simulated >= observed[:, None]).sum(axis=1)
    below = (simulated <= observed[:, None]).sum(axis=1)
    extreme = np.where(z >= 0, above, below)
    return (extreme + 1) / (simulated.shape[1] + 1)


CELL_SIZES = (100.0, 150.0, 200.0, 250.0, 300.0, 400.0, 500.0, 750.0, 1000.0, 1500.0, 2000.0, 3000.0, 5000.0)
TARGET_CELLS = 1500
MAX_SIMULATED = 30_000_000  # cells × permutations kept in memory (8 bytes each: 240 MB)


def cell_size_for(area: BaseGeometry, cells: int = TARGET_CELLS) -> float:
    """A hexagon size that covers ``area`` with about ``cells`` cells (fewer cells, more reports in each).

    >>> cell_size_for(box(0, 0, 26_000, 26_000))  # Mark is about 700 km²
    400.0
    """
    radius = math.sqrt(area.area / cells / (1.5 * math.sqrt(3)))
    return min(CELL_SIZES, key=lambda size: abs(math.log(size / radius)))


def hotspots(
    points: gpd.GeoDataFrame,
    area: BaseGeometry,
    *,
    cell_m: float | None = None,
    neighbourhood: Neighbourhood = Neighbourhood(),
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = DEFAULT_SEED,
    fdr: bool = True,
    max_cells: int = MAX_CELLS,
) -> HotspotResult:
    """Getis-Ord Gi* hot and cold spots of ``points`` (EPSG:3006) over hexagons covering ``area``."""
    if points.crs is None or points.crs.to_epsg() != STORAGE_CRS:
        raise ValueError("hotspots expects points in EPSG:3006")
    if not isinstance(permutations, int) or permutations < MIN_PERMUTATIONS:
        raise ValueError(
            f"permutations is {permutations!r}; expected at least {MIN_PERMUTATIONS} (with fewer, "
            "no pseudo p-value can reach the 99 % level)"
        )
    cell_m = cell_m or cell_size_for(area)
    grid = HexGrid(cell_m)
    q, r = study_cells(area, grid, max_cells)
    if len(q) * permutations > MAX_SIMULATED:
        raise ValueError(
            f"{len(q)} cells × {permutations} permutations is more than this analysis keeps in memory "
            f"({MAX_SIMULATED:,}); choose larger cells or fewer permutations"
        )
    index = {(a, b): i for i, (a, b) in enumerate(zip(q.tolist(), r.tolist()))}
    counts = np.zeros(len(q), dtype=float)
    outside = 0
    if len(points):
        xy = representative_xy(points.geometry)
        pq, pr = grid.cells(xy[:, 0], xy[:, 1])
        inside = shapely.contains_xy(area, xy[:, 0], xy[:, 1])
        for a, b, keep in zip(pq.tolist(), pr.tolist(), inside.tolist()):
            cell = index.get((a, b)) if keep else None
            if cell is None:
                outside += 1
            else:
                counts[cell] += 1
    reports = int(counts.sum())
    centres = np.column_stack([grid.size_m * math.sqrt(3) * (q + r / 2.0), grid.size_m * 1.5 * r])
    polygons = [grid.polygon(a, b) for a, b in zip(q, r)]
    findings = [
        Finding(
            "gi_method",
            f"Getis-Ord Gi* on {len(q)} hexagons of {cell_m:.0f} m; neighbourhood: "
            f"{neighbourhood.describe(cell_m)}; {permutations} permutations, seed {seed}; "
            + (
                "false discovery rate controlled (Benjamini–Hochberg)"
                if fdr
                else "no correction for testing many cells"
            ),
            "note",
            {
                "cells": len(q),
                "cell_m": cell_m,
                "rings": neighbourhood.rings,
                "permutations": permutations,
                "seed": seed,
                "fdr": fdr,
            },
        )
    ]
    if outside:
        findings.append(
            Finding(
                "outside_area",
                f"{outside} reports lie outside the study area and are not counted",
                "note",
                {"count": outside},
            )
        )
    z = np.zeros(len(q))
    p = np.ones(len(q))
    cutoffs: dict[float, float] = {}
    if reports == 0 or len(q) < 3 or counts.min() == counts.max():
        findings.append(
            Finding(
                "no_variation",
                "the reports do not vary between cells, so no cell can stand out",
                "caution",
                {"reports": reports},
            )
        )
    else:
        weights = libpysal.weights.DistanceBand(
            centres, threshold=neighbourhood.distance_m(cell_m), binary=True, silence_warnings=True
        )
        with warnings.catch_warnings():
            # esda 2.9 announces a change of its permutation test's default for its next major version; this
            # version is pinned, and its folded (directed) pseudo p-value is the one described above.
            warnings.filterwarnings("ignore", category=DeprecationWarning, module="esda")
            gi = esda.G_Local(
                counts,
                weights,
                transform="B",
                permutations=permutations,
                star=True,
                seed=seed,
                n_jobs=1,
                keep_simulations=True,
            )
        z, p = np.asarray(gi.Zs, dtype=float), pseudo_p(np.asarray(gi.Gs), np.asarray(gi.rGs), np.asarray(gi.Zs))
        cutoffs = {
            level: (float(esda.fdr(p, 1 - level)) if fdr else round(1 - level, 10)) for level in CONFIDENCE_LEVELS
        }
        smallest = 1 / (permutations + 1)
        unreached = [round(level * 100) for level, cut in cutoffs.items() if cut < smallest]
        if unreached:
            level = min(unreached) / 100
            needed = math.ceil(smallest * len(q) / (1 - level)) if fdr else None
            findings.append(
                Finding(
                    "p_resolution",
                    f"no cell reaches {', '.join(f'{u} %' for u in unreached)}: with {permutations} "
                    f"permutations no pseudo p-value is below {smallest:.4f}"
                    + (
                        f", and over {len(q)} cells the false-discovery-rate cut-off at {min(unreached)} % needs at least "
                        f"{needed} cells that low"
                        if fdr
                        else ""
                    )
                    + "; more permutations or larger cells can change that",
                    "caution",
                    {"permutations": permutations, "cells": len(q), "levels": unreached, "needed": needed},
                )
            )
    classes = np.array(["none"] * len(q), dtype=object)
    for level in sorted(cutoffs):  # 0.90 first: a stricter level, met too, overwrites it
        passed = p <= cutoffs[level]
        percent = round(level * 100)
        classes[passed & (z > 0)] = f"hot_{percent}"
        classes[passed & (z < 0)] = f"cold_{percent}"
    if reports < FEW_REPORTS:
        findings.append(
            Finding(
                "few_reports",
                f"only {reports} reports: with so few, a hotspot map mostly shows "
                "chance; read it as a list of places, not as a pattern",
                "caution",
                {"reports": reports, "minimum": FEW_REPORTS},
            )
        )
    cells = gpd.GeoDataFrame(
        {"q": q, "r": r, "count": counts.astype(int), "z": z, "p": p, "class": classes},
        geometry=polygons,
        crs=STORAGE_CRS,
    )
    result = HotspotResult(cells, float(cell_m), neighbourhood, permutations, seed, fdr, reports, cutoffs, findings)
    hot = sum(v for k, v in result.class_counts().items() if k.startswith("hot"))
    cold = sum(v for k, v in result.class_counts().items() if k.startswith("cold"))
    findings.append(
        Finding(
            "hot_cold",
            f"{hot} hot-spot cells and {cold} cold-spot cells at 90 % confidence or more",
            "result",
            {"hot": hot, "cold": cold},
        )
    )
    return result


def density_surface(
    points: gpd.GeoDataFrame,
    area: BaseGeometry,
    *,
    bandwidth_m: float = DENSITY_BANDWIDTH_M,
    cell_m: float = DENSITY_CELL_M,
    max_cells: int = 250_000,
) -> DensitySurface:
    """A kernel density surface: reports per km², quartic kernel, on square cells whose centre is in ``area``."""
    if points.crs is None or points.crs.to_epsg() != STORAGE_CRS:
        raise ValueError("density_surface expects points in EPSG:3006")
    if not (bandwidth_m > 0 and cell_m > 0):
        raise ValueError(f"bandwidth_m and cell_m are {bandwidth_m!r} and {cell_m!r}; expected positive metres")
    minx, miny, maxx, maxy = area.bounds
    nx, ny = math.ceil((maxx - minx) / cell_m), math.ceil((maxy - miny) / cell_m)
    if nx * ny > max_cells:
        raise ValueError(
            f"{cell_m:.0f} m cells make {nx * ny} cells here; expected at most {max_cells}: choose larger cells"
        )
    xs, ys = np.meshgrid(minx + (np.arange(nx) + 0.5) * cell_m, miny + (np.arange(ny) + 0.5) * cell_m)
    xs, ys = xs.ravel(), ys.ravel()
    keep = shapely.contains_xy(area, xs, ys)
    xs, ys = xs[keep], ys[keep]
    density = np.zeros(len(xs))
    reports = 0
    if len(points) and len(xs):
        xy = representative_xy(points.geometry)
        xy = xy[shapely.contains_xy(area, xy[:, 0], xy[:, 1])]
        reports = len(xy)
        tree = cKDTree(xy) if reports else None
        if tree is not None:
            for i, near in enumerate(tree.query_ball_point(np.column_stack([xs, ys]), bandwidth_m)):
                if near:
                    d2 = ((xy[near] - (xs[i], ys[i])) ** 2).sum(axis=1) / bandwidth_m**2
                    density[i] = (3.0 / (math.pi * bandwidth_m**2) * (1 - d2) ** 2).sum() * 1e6
    shown = density > 0
    half = cell_m / 2
    cells = gpd.GeoDataFrame(
        {"density": density[shown]},
        geometry=shapely.box(xs[shown] - half, ys[shown] - half, xs[shown] + half, ys[shown] + half),
        crs=STORAGE_CRS,
    )
    return DensitySurface(cells, float(bandwidth_m), float(cell_m), reports)


def pledge_points(
    store: Store,
    pledge_id: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    layer: str = "unsafe_places",
    categories: list[str] | None = None,
) -> tuple[gpd.GeoDataFrame, BaseGeometry]:
    """The records a pledge's hotspot analysis counts (of the unsafe places, the unsafe ones), and its
    municipality's area.

    ``categories``: ``None`` counts every category; an empty list counts none (the
    analysis page with no category ticked shows an empty analysis, not silently all).
    """
    pledge = store.get_pledge(pledge_id)
    if not pledge.municipality.code:
        raise ValueError(f"pledge {pledge_id} names no municipality code; expected one to take its area from")
    # Unsafety only: a safe place never counts in a hot spot (geodata.analysis.safety counts them apart).
    query = LayerQuery.build(analysed_values(layer, categories), pledge_id=pledge_id, start=start, end=end)
    records = store.read_layer(layer, query)
    return records, municipality(pledge.municipality.code).geometry


def hotspots_for_pledge(
    store: Store,
    pledge_id: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    layer: str = "unsafe_places",
    categories: list[str] | None = None,
    **options,
) -> HotspotResult:
    """Gi* hotspots of a pledge's reports (those the store's caller may read) over its municipality."""
    records, area = pledge_points(store, pledge_id, start=start, end=end, layer=layer, categories=categories)
    return hotspots(records, area, **options)
