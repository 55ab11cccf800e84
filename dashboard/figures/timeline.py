"""The pledge's timeline: one row per promise across its period, the records that deliver it, the target.

A promise with a target shows its pace as hollow markers spread evenly over
the period (where the n-th delivery would be on schedule) and the deliveries
as filled markers, so "3 of 4, behind" can be seen, not only read.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable

import plotly.graph_objects as go

from dashboard.figures.style import FONT_FAMILY, HIGHLIGHT_COLOUR, OPERATION_COLOURS, separators
from dashboard.i18n import number, period_name, progress_figure
from dashboard.text import plain
from geodata import PromiseProgress, TimelineRow
from geodata.followup import FollowUpPeriod

SITE_COLOUR = "#8A5A00"
PACE_COLOUR = "#47505a"
KEPT_COLOUR = "#8c939c"  # records a retention run deleted, of which only the count is kept


def row_labels(rows: list[TimelineRow], t: Callable[..., str], width: int = 24) -> list[str]:
    """A short, unique label per promise row: the kind of promise, kept apart when two share a kind."""
    labels = []
    for row in rows:
        label = "<br>".join(textwrap.wrap(t(f"promise_kind.{row.promise.kind}"), width))
        while label in labels:
            label += " "  # the y axis is categorical: equal labels would share a row
        labels.append(label)
    return labels


def pace_dates(start: dt.date, end: dt.date, target: int) -> list[dt.date]:
    """Where the 1st … n-th of ``target`` deliveries fall if spread evenly over the period.

    >>> [d.isoformat() for d in pace_dates(dt.date(2021, 1, 1), dt.date(2021, 12, 31), 4)]
    ['2021-04-01', '2021-07-01', '2021-10-01', '2021-12-31']
    """
    days = (end - start).days + 1
    return [start + dt.timedelta(days=round(days * (i + 1) / target) - 1) for i in range(target)]


def pace_texts(pace: list[dt.date], target: int, t: Callable[..., str], lang: str) -> list[str]:
    """The tooltip of each pace circle: how many should be done by its day ("Takt: 3 av 6 borde vara klara 30 juni 2021").

    >>> words = {"standalone.months": " ".join(f"m{i}" for i in range(1, 13))}
    >>> t = lambda key, **v: words[key] if not v else "{done}/{target} {date}".format(**v)
    >>> pace_texts([dt.date(2021, 6, 30)], 6, t, "sv")
    ['1/6 30 m6 2021']
    """
    months = t("standalone.months").split()
    return [
        t(
            "timeline.pace_hover",
            done=number(i + 1, lang),
            target=number(target, lang),
            date=f"{day.day} {months[day.month - 1]} {day.year}",
        )
        for i, day in enumerate(pace)
    ]


# A month's tick needs about this many pixels of the axis for its name ("sep", "jan 2024" on a row of its own).
TICK_PX = 60


def month_ticks(starts: list[dt.date], ends: list[dt.date], t: Callable[..., str], width: int | None = None) -> dict:
    """Month ticks named in the interface's language ("maj 2021"): plotly would name them in English.

    ``width`` (the axis's pixels, when known) spaces them out so that their names never run into each other.

    >>> ticks = month_ticks([dt.date(2021, 1, 1)], [dt.date(2021, 12, 31)], lambda key: key)
    >>> ticks["ticktext"][:2], len(ticks["tickvals"])
    (['month.1 2021', 'month.2'], 12)
    >>> month_ticks([dt.date(2021, 1, 1)], [dt.date(2021, 12, 31)], lambda key: key, width=330)["ticktext"]
    ['month.1 2021', 'month.4', 'month.7', 'month.10']
    """
    if not starts:
        return {"tickformat": "%Y-%m"}
    first, last = min(starts), max(ends)
    months = []
    day = dt.date(first.year, first.month, 1)
    while day <= last:
        months.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    step = 1 if len(months) <= 14 else 3 if len(months) <= 40 else 12
    if width is not None:
        room = max(2, width // TICK_PX)
        step = max(step, next((s for s in (1, 2, 3, 6, 12) if -(-len(months) // s) <= room), 12))
    shown = months[::step]
    text = [t(f"month.{m.month}") + (f" {m.year}" if i == 0 or m.month <= step else "") for i, m in enumerate(shown)]
    return {"tickvals": [m.isoformat() for m in shown], "ticktext": text}


def timeline_figure(
    rows: list[TimelineRow],
    progress: list[PromiseProgress],
    t: Callable[..., str],
    today: dt.date,
    selected_promise: str | None = None,
    highlight: set[str] | None = None,
    view_key: str = "",
    lang: str = "sv",
    width: int | None = None,
    periods: list[FollowUpPeriod] | None = None,
) -> go.Figure:
    """The timeline of a pledge's promises; drag horizontally over it to choose a time range.

    Each row's promise and progress are written above the row, across the whole width ("Riktade insatser: 3 av
    4"), so that on a phone the rows keep the width for the time; ``width`` (the graph's pixels, when known)
    spaces the month ticks. ``periods`` (the pledge's follow-up periods) are drawn as bands, every other one
    shaded, with their names ("T1 2021") along the top.
    """
    by_id = {p.promise.id: p for p in progress}
    labels = row_labels(rows, t)
    figure = go.Figure()
    starts = [r.period.start for r in rows]
    ends = [r.period.end for r in rows]
    keyed = False  # the pace circles' key, in the legend once
    for row, label in zip(rows, labels):
        chosen = selected_promise in (None, row.promise.id)
        figure.add_trace(
            go.Scatter(
                x=[row.period.start, row.period.end],
                y=[label, label],
                mode="lines",
                line=dict(color="#c9ced6" if chosen else "#e6e9ee", width=14),
                hoverinfo="skip",
                showlegend=False,
                meta={"role": "period", "promise": row.promise.id},
            )
        )
        if row.target:
            pace = pace_dates(row.period.start, row.period.end, row.target)
            figure.add_trace(
                go.Scatter(
                    x=pace,
                    y=[label] * len(pace),
                    mode="markers",
                    name=t("timeline.pace_key"),
                    legendgroup="pace",
                    showlegend=not keyed,
                    marker=dict(symbol="circle-open", size=16, color=PACE_COLOUR, line=dict(width=2)),
                    text=pace_texts(pace, row.target, t, lang),
                    hovertemplate="%{text}<extra></extra>",
                    meta={"role": "target", "promise": row.promise.id, "target": row.target},
                )
            )
            keyed = True
        if row.events:
            colours = [OPERATION_COLOURS.get(e.kind, SITE_COLOUR) for e in row.events]
            figure.add_trace(
                go.Scatter(
                    x=[e.when for e in row.events],
                    y=[label] * len(row.events),
                    mode="markers",
                    ids=[e.record_id for e in row.events],
                    showlegend=False,
                    marker=dict(
                        size=[16 if highlight and e.record_id in highlight else 11 for e in row.events],
                        color=colours,
                        opacity=1 if chosen else 0.35,
                        line=dict(
                            width=[3 if highlight and e.record_id in highlight else 1 for e in row.events],
                            color=[
                                HIGHLIGHT_COLOUR if highlight and e.record_id in highlight else "#ffffff"
                                for e in row.events
                            ],
                        ),
                    ),
                    customdata=[[e.record_id, e.layer, plain(e.label), event_moment(e)] for e in row.events],
                    hovertemplate="%{customdata[2]}<br>%{customdata[3]}<extra></extra>",
                    meta={"role": "events", "promise": row.promise.id},
                )
            )
        if row.kept:
            # Records a retention run deleted: counted in the progress, drawn as grey squares with their count.
            figure.add_trace(
                go.Scatter(
                    x=[k.when for k in row.kept],
                    y=[label] * len(row.kept),
                    mode="markers",
                    showlegend=False,
                    marker=dict(symbol="square", size=11, color=KEPT_COLOUR, opacity=1 if chosen else 0.35),
                    text=[kept_text(k, t, lang) for k in row.kept],
                    hovertemplate="%{text}<extra></extra>",
                    meta={"role": "kept", "promise": row.promise.id, "count": sum(k.count for k in row.kept)},
                )
            )
        status = by_id.get(row.promise.id)
        kind = t(f"promise_kind.{row.promise.kind}")
        if status is not None:
            kind = t("timeline.row_label", promise=kind, progress=progress_figure(status, t, lang))
        # Above the row, from the plot's left edge: the promise and how far it has come.
        figure.add_annotation(
            x=0,
            xref="paper",
            y=label,
            xanchor="left",
            yanchor="bottom",
            yshift=9,
            showarrow=False,
            text=kind,
            font=dict(size=14),
            name=f"row-label-{row.promise.id}",
        )
    if rows and periods:
        period_bands(figure, periods, t, min(starts), max(ends))
    if rows and min(starts) <= today <= max(ends):
        figure.add_vline(
            x=dt.datetime.combine(today, dt.time()).timestamp() * 1000,
            line=dict(color="#a4161a", width=2),
            annotation_text=t("timeline.today"),
            annotation_position="top",
        )
    # The promises' periods are the axis, with a margin of a marker's width: nothing outside them is drawn
    # (geodata.views.timeline leaves it out), so a late record cannot stretch the axis.
    period_range = {}
    if rows:
        margin = dt.timedelta(days=max(1, round((max(ends) - min(starts)).days * 0.02)))
        period_range = {"range": [(min(starts) - margin).isoformat(), (max(ends) + margin).isoformat()]}
    figure.update_layout(
        height=max(220, 70 * len(rows) + 80),
        margin=dict(l=34, r=20, t=30, b=70 if keyed else 40),  # l: half the first month's name ("jan 2021")
        # The key of the pace circles, under the months.
        showlegend=keyed,
        legend=dict(orientation="h", x=0, xanchor="left", y=0, yanchor="bottom", yref="container", font=dict(size=13)),
        xaxis=dict(
            type="date",
            automargin=True,  # room for the first month's name ("jan 2021") at the left edge
            showgrid=True,
            gridcolor="#eef0f3",
            **period_range,
            **month_ticks(starts, ends, t, None if width is None else max(width - 30, 120)),
        ),
        # The rows' names are written above them (the annotations): no tick labels to take the width.
        yaxis=dict(autorange="reversed", showticklabels=False, fixedrange=True),
        plot_bgcolor="#ffffff",
        dragmode="select",
        selectdirection="h",
        uirevision=view_key,
        font=dict(family=FONT_FAMILY, size=14),
        hovermode="closest",
        separators=separators(t),
    )
    return figure


PERIOD_SHADE = "#f3f5f8"
PERIOD_LINE = "#7a8591"


def period_bands(
    figure: go.Figure, periods: list[FollowUpPeriod], t: Callable[..., str], first: dt.date, last: dt.date
) -> None:
    """The follow-up periods behind the rows: a dotted line where one period ends and the next begins, every
    other period shaded, and each period's name at its top ("T1 2021") where it lies on the timeline."""
    shown = [p for p in periods if p.end >= first and p.start <= last]
    for i, period in enumerate(shown):
        start, end = max(period.start, first), min(period.end, last)
        after = end + dt.timedelta(days=1)
        if i % 2:
            figure.add_vrect(
                x0=start.isoformat(),
                x1=after.isoformat(),
                fillcolor=PERIOD_SHADE,
                line_width=0,
                layer="below",
                name=f"period-{period.code}",
            )
        if i:
            figure.add_vline(
                x=dt.datetime.combine(start, dt.time()).timestamp() * 1000,
                line=dict(color=PERIOD_LINE, width=1, dash="dot"),
                layer="below",
            )
        middle = start + (after - start) / 2
        figure.add_annotation(
            x=middle.isoformat(),
            y=1,
            yref="paper",
            yanchor="bottom",
            showarrow=False,
            text=period_name(period.code, t),
            font=dict(size=12, color="#47505a"),
            name=f"period-label-{period.code}",
        )


def kept_text(kept, t: Callable[..., str], lang: str) -> str:
    """What a grey square of deleted records says: "3 gallrade registreringar, 2024-05-10"."""
    return t("timeline.kept", n=kept.count, count=number(kept.count, lang), day=f"{kept.when:%Y-%m-%d}")


def event_moment(event) -> str:
    """When a record happened, as it holds it: an operation's day and time, a report's or an inspection's day."""
    return f"{event.when:%Y-%m-%d %H:%M}" if event.layer == "operations" else f"{event.when:%Y-%m-%d}"
