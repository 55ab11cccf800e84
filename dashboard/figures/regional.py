"""The overview of every pledge of a scope as maps: the municipalities coloured by their pledge's state, and every
report of the scope counted per cell at the map's zoom.

Both draw what :mod:`geodata.views.regional` decided (each pledge's state, the cells a viewer may see); these
functions only choose colours and words. The states' colours are the follow-up's (:data:`JUDGED_COLOURS`, as
the pledge page's summary bar draws them); a municipality without a pledge in the year is drawn neutral.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from dashboard.figures.map import (
    LEGEND_BOX,
    MAP_HEIGHT_NARROW,
    PHONE_MAP_WIDTH,
    fitted_view,
    foot_legends,
    grid_trace,
    line_layer,
    narrow,
    view_for_bounds,
)
from dashboard.figures.style import FONT_FAMILY, JUDGED_COLOURS, MODEBAR_MARGIN, figure_lang, separators
from dashboard.i18n import band_text, distance, number
from dashboard.text import plain
from geodata.boundaries import municipalities, municipalities_geojson
from geodata.followup import PLEDGE_STATES
from geodata.regions import Scope
from geodata.views.regional import PROMISE_STATES, PledgeStanding, RegionalOverview, ScopeGrid

# A municipality without a pledge in the year: a pale grey, lighter than "ej påbörjad", with a light outline, so a
# pledge not judged (white, framed dark) stands out from no pledge at all.
NO_PLEDGE = "no_pledge"
NO_PLEDGE_LINE = "#b4bbc3"
NO_PLEDGE_FILL = "#f1f3f5"
OUTLINE_COLOUR = "#6b7580"  # the grid map's municipality outlines: under the cells, not competing with them


def scope_codes(scope: Scope) -> tuple[str, ...]:
    """The kommun codes of every municipality in ``scope``, in code order."""
    return tuple(code for code in sorted(municipalities()["code"]) if scope.holds(code))


@lru_cache(maxsize=1)
def municipality_names() -> dict[str, str]:
    """Each municipality's name by its kommun code (the boundaries' own names)."""
    frame = municipalities()
    return dict(zip(frame["code"], frame["name"]))


def scope_boundaries(scope: Scope) -> tuple[dict, tuple[float, float, float, float]]:
    """The scope's municipalities as simplified WGS84 GeoJSON (feature id: the kommun code), and their bounds."""
    return municipalities_geojson(scope_codes(scope))


def _promise_words(t: Callable[..., str], lang: str, row: PledgeStanding, label: Callable[[str], str]) -> str:
    """ "3 löften: Genomförd 2, Påbörjad 1": the pledge's promises per status, in words."""
    statuses = ", ".join(f"{label(s)} {number(row.counts[s], lang)}" for s in PROMISE_STATES if row.counts.get(s))
    return t("regional.hover_promises", count=row.promises, statuses=statuses or "–")


def _pledge_hover(t: Callable[..., str], lang: str, row: PledgeStanding, label: Callable[[str], str]) -> str:
    return (
        f"{plain(row.pledge.title)}<br>{t('regional.hover_state', state=label(row.state))}<br>"
        f"{_promise_words(t, lang, row, label)}"
    )


def pledge_map_figure(
    overview: RegionalOverview,
    t: Callable[..., str],
    lang: str,
    label: Callable[[str], str],
    href: Callable[[PledgeStanding], str],
    width: int | None = None,
    height: int | None = None,
) -> dict[str, Any]:
    """The scope's municipalities, each coloured by its pledge's state (a trace per state, so the legend words each
    one); a click reports the pledge's address (``href``) as the point's customdata. ``label`` words a state.

    A municipality with more than one pledge in the year takes the state that needs attention most
    (:data:`PLEDGE_STATES` order) and the address of that pledge; its hover names them all.
    """
    geojson, bounds = scope_boundaries(overview.scope)
    features = {f["id"]: f for f in geojson["features"]}
    names_of = municipality_names()
    per_code: dict[str, list[PledgeStanding]] = {}
    for row in overview.rows:
        code = row.pledge.municipality.code
        if code in features:
            per_code.setdefault(code, []).append(row)
    for rows in per_code.values():
        rows.sort(key=lambda row: PLEDGE_STATES.index(row.state))
    by_state: dict[str, list[str]] = {state: [] for state in (*PLEDGE_STATES, NO_PLEDGE)}
    for code in features:
        by_state[per_code[code][0].state if code in per_code else NO_PLEDGE].append(code)
    traces = []
    for state, codes in by_state.items():
        if not codes:
            continue
        names = [plain(names_of[c]) for c in codes]
        if state == NO_PLEDGE:
            fill, line, width_px = NO_PLEDGE_FILL, NO_PLEDGE_LINE, 0.6
            name = t("regional.no_pledge")
            hover = [f"<b>{n}</b><br>{t('regional.no_pledge_in', year=overview.year or '')}" for n in names]
            custom = None
        else:
            fill, _, line = JUDGED_COLOURS[state]
            width_px = 1.2
            name = label(state)
            hover = [
                f"<b>{n}</b><br>" + "<br>".join(_pledge_hover(t, lang, row, label) for row in per_code[c])
                for n, c in zip(names, codes)
            ]
            custom = [[href(per_code[c][0])] for c in codes]
        trace = {
            "type": "choroplethmap",
            "geojson": {"type": "FeatureCollection", "features": [features[c] for c in codes]},
            "locations": codes,
            "z": [0] * len(codes),
            "zmin": 0,
            "zmax": 1,
            "colorscale": [[0, fill], [1, fill]],
            "showscale": False,
            "marker": {"line": {"color": line, "width": width_px}, "opacity": 1},
            "hovertext": hover,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "name": name,
            "showlegend": False,  # the page words the states under the map (plotly draws no white swatch)
            "meta": {"role": "state", "state": state},
        }
        if custom is not None:
            trace["customdata"] = custom
        traces.append(trace)
    view_key = f"{overview.scope.key}-{overview.year}-{','.join(overview.themes)}"
    return _map_figure(traces, [], bounds, t, view_key, width, height, legend=False)


def map_states(figure: dict[str, Any]) -> list[str]:
    """The states the pledge map colours municipalities by (and :data:`NO_PLEDGE`), in its order: its legend."""
    return [trace["meta"]["state"] for trace in figure["data"] if (trace.get("meta") or {}).get("role") == "state"]


def _fit(
    bounds: tuple[float, float, float, float], width: int | None, height: int | None, legend: bool
) -> tuple[dict[str, float], float]:
    if legend:
        return fitted_view(bounds, width, height)
    fit_height = max((height or MAP_HEIGHT_NARROW) - MODEBAR_MARGIN, MAP_HEIGHT_NARROW - MODEBAR_MARGIN)
    return view_for_bounds(bounds, width=width or PHONE_MAP_WIDTH, height=fit_height)


def _map_figure(
    traces: list[dict],
    layers: list[dict],
    bounds: tuple[float, float, float, float],
    t: Callable[..., str],
    view_key: str,
    width: int | None,
    height: int | None,
    legend: bool = True,
) -> dict[str, Any]:
    centre, zoom = _fit(bounds, width, height, legend)
    layout: dict[str, Any] = {
        "map": {"style": "white-bg", "layers": layers, "center": centre, "zoom": zoom, "uirevision": view_key},
        "margin": {"l": 0, "r": 0, "t": MODEBAR_MARGIN, "b": 0},
        "legend": {**LEGEND_BOX, "itemclick": "toggle", "groupclick": "toggleitem"},
        "uirevision": view_key,
        "dragmode": "pan",
        "clickmode": "event",
        "hovermode": "closest",
        "font": {"family": FONT_FAMILY, "size": 14},
        "separators": separators(t),
        "showlegend": legend,
    }
    if legend and narrow(width):
        layout["meta"] = {"graph_height": foot_legends(traces, layout, width or PHONE_MAP_WIDTH)}
    return {"data": traces, "layout": layout}


def grid_view(scope: Scope, width: int | None, height: int | None) -> tuple[float, tuple[float, float, float, float]]:
    """The zoom the report map opens at (the scope fitted to it) and the bounds it shows then."""
    _, bounds = scope_boundaries(scope)
    return _fit(bounds, width, height, True)[1], bounds


def report_grid_figure(
    grid: ScopeGrid,
    scope: Scope,
    t: Callable[..., str],
    view_key: str,
    width: int | None = None,
    height: int | None = None,
) -> dict[str, Any]:
    """Every report of the scope counted per cell (the pledge map's grid trace), over the scope's municipality
    outlines; fitted to the scope when first drawn, then following the user's zoom (``view_key`` unchanged)."""
    geojson, bounds = scope_boundaries(scope)
    trace = report_grid_trace(grid, t)
    return _map_figure([trace], [line_layer(geojson, OUTLINE_COLOUR, 0.6)], bounds, t, view_key, width, height)


def report_grid_trace(grid: ScopeGrid, t: Callable[..., str]) -> dict:
    """The cells as the pledge map draws its grid; the public's cells say in the legend that they hold at least
    :attr:`ScopeGrid.min_count` reports."""
    trace = grid_trace(grid.grid, "unsafe_places", t)
    if grid.bands is not None:  # the public's counts: each cell's band, never one figure
        lang = figure_lang(t)
        trace["text"] = [t("map.grid_hover.unsafe_places", count=band_text(b, lang)) for b in grid.bands]
    trace["meta"] = {**trace["meta"], "public": grid.public, "min_count": grid.min_count}
    trace["showlegend"] = True
    return trace


def grid_words(t: Callable[..., str], lang: str, grid: ScopeGrid) -> str:
    """The report map's totals in words: its text alternative."""
    text = t(
        "regional.grid_totals",
        count=band_text(grid.total, lang),
        cells=number(len(grid.grid), lang),
        size=distance(grid.grid.cell_m, lang),
    )
    if grid.public:
        text += " " + t("regional.grid_public", min=grid.min_count)
    return text
