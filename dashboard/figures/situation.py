"""The lägesbild's charts, from its kartläggning (:class:`geodata.analysis.situation.Kartlaggning`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dashboard.figures.style import (
    CATEGORY_COLOURS,
    COUNT_COLOURS,
    FONT_FAMILY,
    MODEBAR_MARGIN,
    OPERATION_COLOURS,
    SAFETY_COLOURS,
    separators,
)
from dashboard.i18n import number, percent, signed
from dashboard.text import plain
from geodata.analysis.situation import WEEKDAYS, Kartlaggning


def _layout(t: Callable[..., str], height: int, **more: Any) -> dict[str, Any]:
    return {
        "margin": {"l": 50, "r": 10, "t": MODEBAR_MARGIN + 6, "b": 40},
        "height": height,
        "font": {"family": FONT_FAMILY},
        "separators": separators(t),
        "yaxis": {"rangemode": "tozero", "separatethousands": True, "tickformat": ",d", "automargin": True},
        "xaxis": {"automargin": True},
        **more,
    }


def category_table(k: Kartlaggning, t: Callable[..., str], lang: str) -> tuple[list[str], list[list[str]]]:
    """The reports by category as a table reads them (the chart's alternative on the page, the table in the
    exported lägesbild): the columns, then one row per category with its count, share, the year before and the
    change, in ``lang``'s number format."""
    before = k.year - 1
    columns = [t("field.category"), str(k.year), t("situation.share"), str(before), t("situation.change")]
    rows = [
        [
            t(f"category.{c.category}"),
            number(c.count, lang),
            percent(c.share, lang, 1),
            number(c.before.get(before, 0), lang),
            signed(c.change, lang) if c.change is not None else "–",
        ]
        for c in k.categories
    ]
    return columns, rows


def category_chart(k: Kartlaggning, t: Callable[..., str]) -> dict[str, Any]:
    """The year's reports per category as horizontal bars, the most reported on top, the year before beside them."""
    shown = list(reversed(k.categories))
    labels = [plain(t(f"category.{c.category}")) for c in shown]
    traces = []
    before = k.year - 1
    if any(before in c.before for c in shown):
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": str(before),
                "y": labels,
                "x": [c.before.get(before, 0) for c in shown],
                "marker": {"color": "#9aa3ad"},
                "hovertemplate": "%{y}: %{x}<extra>" + str(before) + "</extra>",
            }
        )
    traces.append(
        {
            "type": "bar",
            "orientation": "h",
            "name": str(k.year),
            "y": labels,
            "x": [c.count for c in shown],
            "marker": {"color": [CATEGORY_COLOURS.get(c.category, "#777777") for c in shown]},
            "hovertemplate": "%{y}: %{x}<extra>" + str(k.year) + "</extra>",
        }
    )
    layout = _layout(t, max(220, 60 + 44 * len(shown)), barmode="group", legend={"orientation": "h", "y": -0.15})
    layout["xaxis"] = {"title": {"text": t("situation.reports")}, "rangemode": "tozero", "tickformat": ",d"}
    layout["yaxis"] = {"automargin": True}
    return {"data": traces, "layout": layout}


def trend_chart(k: Kartlaggning, t: Callable[..., str]) -> dict[str, Any]:
    """Reports per year, the report's year and the years before it."""
    years = sorted(k.trend)
    return {
        "data": [
            {
                "type": "bar",
                "x": [str(y) for y in years],
                "y": [k.trend[y] for y in years],
                "marker": {"color": [SAFETY_COLOURS["unsafe"] if y == k.year else "#9aa3ad" for y in years]},
                "hovertemplate": "%{x}: %{y}<extra></extra>",
            }
        ],
        "layout": _layout(
            t,
            260,
            xaxis={"type": "category"},
            yaxis={"title": {"text": t("situation.reports")}, "rangemode": "tozero", "tickformat": ",d"},
        ),
    }


def week_chart(k: Kartlaggning, t: Callable[..., str]) -> dict[str, Any]:
    """Reports per weekday and time of day as a heat map, the count written in each cell."""
    columns = [t(f"time_of_day.{c}") if c != "not_stated" else t("situation.not_stated") for c in k.times_of_day]
    rows = [t(f"situation.weekday.{d}") for d in WEEKDAYS]
    most = max((max(r) for r in k.week), default=0)
    return {
        "data": [
            {
                "type": "heatmap",
                "x": columns,
                "y": rows,
                "z": k.week,
                "text": [[str(v) for v in r] for r in k.week],
                "texttemplate": "%{text}",
                "colorscale": [
                    [0, "#ffffff"],
                    *[[(i + 1) / len(COUNT_COLOURS), c] for i, c in enumerate(COUNT_COLOURS)],
                ],
                "zmin": 0,
                "zmax": max(most, 1),
                "showscale": False,
                "xgap": 2,
                "ygap": 2,
                "hovertemplate": "%{y}, %{x}: %{z}<extra></extra>",
            }
        ],
        "layout": _layout(
            t, 320, yaxis={"autorange": "reversed", "automargin": True}, xaxis={"side": "top", "automargin": True}
        ),
    }


def month_name(t: Callable[..., str], month: str) -> str:
    """A month of the kartläggning ("2021-03") as a table reads it: "mar 2021".

    >>> from dashboard.i18n import translator
    >>> month_name(translator("sv"), "2021-03"), month_name(translator("en"), "2021-12")
    ('mar 2021', 'Dec 2021')
    """
    year, number_ = str(month)[:4], int(str(month)[5:7])
    return f"{t(f'month.{number_}')} {year}"


def centre_text(t: Callable[..., str], lang: str, lat: float, lon: float) -> str:
    """Where a place's centre is, in degrees as a map app takes them: "N 57,510°, Ö 12,696°"."""
    return t("situation.centre_value", lat=number(lat, lang, 3), lon=number(lon, lang, 3))


def _months(t: Callable[..., str]) -> list[str]:
    """The months of a year as the interface names them ("jan", "feb", …): plotly would name them in English."""
    return [t(f"month.{m}") for m in range(1, 13)]


def events_chart(k: Kartlaggning, t: Callable[..., str]) -> dict[str, Any]:
    """The police's published events per month of the year."""
    totals = {m.month: m.total for m in k.police_events}
    return {
        "data": [
            {
                "type": "bar",
                "x": _months(t),
                "y": [totals.get(f"{k.year}-{m:02d}", 0) for m in range(1, 13)],
                "marker": {"color": "#0072B2"},
                "hovertemplate": "%{x}: %{y}<extra></extra>",
            }
        ],
        "layout": _layout(t, 260, xaxis={"type": "category"}),
    }


def operations_chart(k: Kartlaggning, t: Callable[..., str]) -> dict[str, Any]:
    """Operations per month, stacked by kind."""
    frame = k.operations
    assert frame is not None
    months = [f"{k.year}-{m:02d}" for m in range(1, 13)]
    traces = []
    for kind in sorted(set(frame["kind"])):
        part = frame[frame["kind"] == kind].set_index("month")["count"]
        traces.append(
            {
                "type": "bar",
                "name": t(f"operation_kind.{kind}"),
                "x": _months(t),
                "y": [int(part.get(m, 0)) for m in months],
                "marker": {"color": OPERATION_COLOURS.get(kind, "#777777")},
                "hovertemplate": "%{x}: %{y}<extra>" + t(f"operation_kind.{kind}") + "</extra>",
            }
        )
    return {
        "data": traces,
        "layout": _layout(
            t,
            340,
            barmode="stack",
            xaxis={"type": "category", "automargin": True},
            legend={"orientation": "h", "y": -0.2},
        ),
    }
