"""Analysis: hotspots with Getis-Ord Gi*, interventions (before/after, displacement), goal indicators.

Plain functions returning result objects; the dashboard, the command line and
the standalone export show the same results.
"""

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
    intervention_for_operation,
    intervention_for_promise,
    wdd,
    wdq,
)

__all__ = [
    "AreaCounts",
    "DensitySurface",
    "Finding",
    "HotspotResult",
    "InterventionResult",
    "Neighbourhood",
    "Wdd",
    "Wdq",
    "density_surface",
    "evaluate_intervention",
    "hotspots",
    "hotspots_for_pledge",
    "intervention_for_operation",
    "intervention_for_promise",
    "wdd",
    "wdq",
]
