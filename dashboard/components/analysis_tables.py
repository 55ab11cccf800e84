"""The table alternatives of the analysis charts and maps, from the same domain results the figures draw."""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
from dash import html

from dashboard.components.chart_table import table_alternative
from dashboard.figures.analysis import bands
from dashboard.i18n import language, number
from geodata.analysis.getisord import CLASSES, HotspotResult
from geodata.analysis.interventions import InterventionResult
from geodata.analysis.safety import NOT_STATED, SafetyCounts

AREAS = ("target", "buffer", "control")


def _lang(t: Callable[..., str]) -> str:
    return language(t("app.lang_code"))


def hotspot_table(result: HotspotResult, t: Callable[..., str]) -> html.Details:
    """Per Gi* class: how many hexagons, and how many reports they hold (the map's legend, counted)."""
    lang = _lang(t)
    cells = result.cells
    rows = []
    for name in (*[c for c in CLASSES if c != "none"], "none"):
        part = cells[cells["class"] == name]
        rows.append((t(f"hotspot.{name}"), number(len(part), lang), number(int(part["count"].sum()), lang)))
    return table_alternative(
        t,
        t("analysis.table_hotspots", cells=number(len(cells), lang), cell=number(result.cell_m, lang)),
        [t("analysis.table_class"), t("analysis.table_cells"), t("analysis.table_reports")],
        rows,
    )


def band_table(
    cells: gpd.GeoDataFrame,
    column: str,
    label: Callable[[float, float], str],
    caption: str,
    t: Callable[..., str],
    reports: bool = False,
) -> html.Details:
    """Per band of the map (the same bands it draws): how many cells, and with ``reports`` how many reports."""
    lang = _lang(t)
    columns = [t("analysis.table_band"), t("analysis.table_cells")]
    if reports:
        columns.append(t("analysis.table_reports"))
    rows = []
    for low, high, part, _colour in bands(cells, column):
        row = [label(low, high), number(len(part), lang)]
        if reports:
            row.append(number(int(part[column].sum()), lang))
        rows.append(row)
    return table_alternative(t, caption, columns, rows)


def _month(day, t: Callable[..., str]) -> str:
    return f"{t(f'month.{day.month}')} {day.year}"


def intervention_months_table(result: InterventionResult, t: Callable[..., str]) -> html.Details:
    """Reports per month in the target, the buffer and the control area: the chart's lines as columns."""
    lang = _lang(t)
    series = result.series.pivot_table(index="month", columns="area", values="count", aggfunc="sum", fill_value=0)
    rows = [
        (_month(month, t), *(number(int(series.at[month, a]) if a in series else 0, lang) for a in AREAS))
        for month in series.index
    ]
    return table_alternative(
        t,
        t("effect.table_months", date=result.date.isoformat()),
        [t("effect.month"), *(t(f"effect.{a}") for a in AREAS)],
        rows,
    )


def intervention_areas_table(result: InterventionResult, t: Callable[..., str]) -> html.Details:
    """The map's three areas: their size and their reports before and after."""
    lang = _lang(t)
    c = result.counts
    counted = {
        "target": (c.target_before, c.target_after),
        "buffer": (c.buffer_before, c.buffer_after),
        "control": (c.control_before, c.control_after),
    }
    sizes = result.areas.set_index("area").geometry.area / 1e6  # square metres (EPSG:3006) to km²
    rows = [
        (
            t(f"effect.{a}"),
            number(float(sizes[a]), lang, 2),
            number(counted[a][0], lang),
            number(counted[a][1], lang),
        )
        for a in AREAS
    ]
    return table_alternative(
        t,
        t("effect.table_areas"),
        [t("effect.area"), t("effect.size_km2"), t("effect.before"), t("effect.after")],
        rows,
    )


def breakdown_table(counts: SafetyCounts, caption: str, heading: str, t: Callable[..., str]) -> html.Details:
    """Per respondent gender or age band (the chart's bars): unsafe places and safe places."""
    lang = _lang(t)
    rows = [
        (
            t("analysis.not_stated") if key == NOT_STATED else t(f"{counts.field}.{key}"),
            number(counts.unsafe[key], lang),
            number(counts.safe[key], lang),
        )
        for key in counts.keys
    ]
    return table_alternative(t, caption, [heading, t("analysis.unsafe_places"), t("analysis.safe_places")], rows)
