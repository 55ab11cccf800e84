"""Analysis: hotspots with Getis-Ord Gi*, reports per hexagon, interventions (before/after, displacement), goal
indicators, safe places apart and unsafe places by who reported.

Plain functions returning result objects; the dashboard, the command line and
the standalone export show the same results.

The names below are imported when first used, so that reading a default
(:mod:`geodata.analysis.defaults`) does not load esda and libpysal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geodata.lazy import lazy_api

__all__ = [
    "AreaCounts",
    "DensitySurface",
    "Finding",
    "HexCounts",
    "HotspotResult",
    "InterventionResult",
    "Neighbourhood",
    "ReportBreakdown",
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
    "pledge_breakdown",
    "report_breakdown",
    "wdd",
    "wdq",
]

_API = {
    "HexCounts": "geodata.analysis.counts",
    "hex_counts": "geodata.analysis.counts",
    "hex_counts_for_zoom": "geodata.analysis.counts",
    "Finding": "geodata.analysis.findings",
    "DensitySurface": "geodata.analysis.getisord",
    "HotspotResult": "geodata.analysis.getisord",
    "Neighbourhood": "geodata.analysis.getisord",
    "density_surface": "geodata.analysis.getisord",
    "hotspots": "geodata.analysis.getisord",
    "hotspots_for_pledge": "geodata.analysis.getisord",
    "AreaCounts": "geodata.analysis.interventions",
    "InterventionResult": "geodata.analysis.interventions",
    "Wdd": "geodata.analysis.interventions",
    "Wdq": "geodata.analysis.interventions",
    "evaluate_intervention": "geodata.analysis.interventions",
    "intervention_effect": "geodata.analysis.interventions",
    "intervention_for_operation": "geodata.analysis.interventions",
    "intervention_for_promise": "geodata.analysis.interventions",
    "wdd": "geodata.analysis.interventions",
    "wdq": "geodata.analysis.interventions",
    "ReportBreakdown": "geodata.analysis.safety",
    "pledge_breakdown": "geodata.analysis.safety",
    "report_breakdown": "geodata.analysis.safety",
}


__getattr__, __dir__ = lazy_api(__name__, _API, globals())


if TYPE_CHECKING:  # the same names, for type checkers and editors
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
    from geodata.analysis.safety import ReportBreakdown, pledge_breakdown, report_breakdown
