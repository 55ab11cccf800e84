"""Analysis: hotspots with Getis-Ord Gi*, reports per hexagon, interventions (before/after, displacement), goal indicators.

Plain functions returning result objects; the dashboard, the command line and
the standalone export show the same results.
"""

from geodata.analysis.counts import HexCounts, hex_counts, hex_counts_for_zoom
from geodata.analysis.findings import Finding
from geodata.analysis.getisord import (
    DensitySurface,
    HotspotResult,
    Neighbourhood,
    density_surface,
    hotspots,
    hotspots_for_pledge,
)
from geodata.analysis.interventions import (
    AreaCounts,
    InterventionResult,
    Wdd,
    Wdq,
    evaluate_intervention,
    intervention_effect,
    intervention_for_operation,
    intervention_for_promise,
    wdd,
    wdq,
)

__all__ = [
    "AreaCounts",
    "DensitySurface",
    "Finding",
    "HexCounts",
    "HotspotResult",
    "InterventionResult",
    "Neighbourhood",
    "Wdd",
    "Wdq",
    "density_surface",
    "evaluate_intervention",
    "hex_counts",
    "hex_counts_for_zoom",
    "hotspots",
    "hotspots_for_pledge",
    "intervention_effect",
    "intervention_for_operation",
    "intervention_for_promise",
    "wdd",
    "wdq",
]
