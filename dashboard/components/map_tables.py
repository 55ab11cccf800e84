"""The table alternatives of the overview's map and timeline and of the Lager map, from the domain results they draw.

The map's table counts what the map shows per layer and colour (category,
status or kind), then lists at most :data:`MAX_RECORDS` of its records,
newest first, with a sentence saying how many more there are. A layer drawn
as counts per grid cell gets its cells and count; a layer a role sees only
aggregated gets the public view's figures and never a record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

import pandas as pd
from dash import html

from dashboard.components.chart_table import Table, table_alternative
from dashboard.figures.map import LAYER_STYLE, place_heading, safe_places
from dashboard.figures.timeline import event_moment, kept_text
from dashboard.i18n import band_text, language, number, period_label, progress_figure
from geodata import LayerView, PromiseProgress, TimelineRow, get_layer
from geodata.clock import LOCAL_TZ_NAME
from geodata.views.disclosure import Band, total_band
from geodata.views.public import PublicView
from geodata.views.timeline import TimelineEvent

MAX_RECORDS = 25  # the most record rows a map's table lists; the rest are counted in a sentence
MAX_EVENTS = 25  # the same for the timeline's records


def _lang(t: Callable[..., str]) -> str:
    return language(t("app.lang_code"))


def _when(values: pd.Series) -> pd.Series:
    """A layer's time field as local time, for sorting and for "2024-05-01" or "2024-05-01 18:00"."""
    values = pd.to_datetime(values, errors="coerce", utc=getattr(values.dtype, "tz", None) is not None)
    if getattr(values.dtype, "tz", None) is not None:
        values = values.dt.tz_convert(LOCAL_TZ_NAME).dt.tz_localize(None)
    return values


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _record_rows(view: LayerView, t: Callable[..., str]) -> list[tuple[pd.Timestamp, tuple[str, str, str, str]]]:
    """(time, row) per record of a points view: the words of the map's hover, the layer's date."""
    frame = view.points
    if frame is None or frame.empty:
        return []
    layer = get_layer(view.layer)
    when = _when(frame[layer.time_field]) if layer.time_field in frame else pd.Series(pd.NaT, index=frame.index)
    with_time = view.layer == "operations"
    rows = []
    for i, (_, record) in enumerate(frame.iterrows()):
        moment = when.iloc[i]
        day = "" if pd.isna(moment) else moment.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
        if view.layer == "unsafe_places":
            heading = place_heading(record["category"], record.get("safety"), t)
            detail = _text(record.get("description"))
        elif view.layer == "inventoried_sites":
            heading = t(f"site_type.{record['site_type']}")
            place = _text(record.get("address")) or _text(record.get("owner"))
            status = t(f"status.{record['status']}")
            detail = f"{status}: {place}" if place else status
        else:
            heading, detail = t(f"operation_kind.{record['kind']}"), _text(record.get("title"))
        rows.append((moment, (heading, t(f"layer.{view.layer}"), day, detail)))
    return rows


def _summary_rows(views: Mapping[str, LayerView], t: Callable[..., str], lang: str) -> list[tuple[str, str, str]]:
    """Per layer and colour of the map (category, status, kind) how many records it draws; per layer its grid."""
    rows = []
    for layer, view in views.items():
        name = t(f"layer.{layer}")
        if view.mode == "grid" and view.grid is not None:
            grid = view.grid
            rows.append(
                (
                    name,
                    t("map.table_grid", cells=number(len(grid), lang), size=number(int(grid.cell_m), lang)),
                    number(int(grid.count.sum()), lang),
                )
            )
            safe = view.safe_grid
            if safe is not None and len(safe):
                cells = t("map.table_grid", cells=number(len(safe), lang), size=number(int(safe.cell_m), lang))
                rows.append((t("map.safe_places"), cells, number(int(safe.count.sum()), lang)))
            continue
        field, colours, group = LAYER_STYLE[layer]
        frame = view.points
        safe = 0
        if layer == "unsafe_places" and frame is not None and not frame.empty:
            apart = safe_places(frame)  # drawn apart on the map, counted apart here
            frame, safe = frame[~apart], int(apart.sum())
        counts = frame[field].value_counts() if frame is not None and not frame.empty else pd.Series(dtype=int)
        for code in colours:
            if counts.get(code, 0):
                rows.append((name, t(f"{group}.{code}"), number(int(counts[code]), lang)))
        if safe:
            rows.append((name, t("safety.safe"), number(safe, lang)))
    return rows


def _public_rows(public: PublicView, layers: Iterable[str], t: Callable[..., str], lang: str) -> list:
    """The public view's figures, as its map draws them: counts per hexagon and area, never a record."""
    rows = []
    fewer = t("standalone.public.fewer", min=public.sites.min_count)
    if public.period is not None:
        rows.append((t("filters.public_period"), period_label(public.period, lang), ""))
    if "unsafe_places" in layers:
        places = public.unsafe_places
        name = t("layer.unsafe_places")
        rows.append((name, t("map.table_public_cells"), number(len(places.cells), lang)))
        rows.append((name, t("map.table_public_reports"), band_text(places.shown, lang)))
        rows.append((name, t("map.table_public_suppressed", min=places.min_count), t("map.table_public_not_told")))
        safe, name = public.safe_places, t("map.table_public_safe")
        if safe.cells:
            rows.append((name, t("map.table_public_cells"), number(len(safe.cells), lang)))
            rows.append((name, t("map.table_public_reports"), band_text(safe.shown, lang)))
    if "operations" in layers:
        name = t("layer.operations")
        kinds: dict[str, Band] = {}
        for cell in public.operations.cells:
            for kind, b in cell.kinds:
                kinds[kind] = kinds.get(kind, Band(0, 0)) + b
        rows.append((name, t("map.table_public_areas"), number(len(public.operations.cells), lang)))
        rows.extend((name, t(f"operation_kind.{kind}"), band_text(b, lang)) for kind, b in sorted(kinds.items()))
    if "inventoried_sites" in layers:
        sites = public.sites
        name = t("layer.inventoried_sites")

        def summed(values: list[Band | None]) -> str:
            shown = [v for v in values if v is not None]
            text = band_text(total_band(shown), lang) if shown else fewer
            return text if len(shown) == len(values) else t("map.table_public_at_least", value=text)

        rows.append((name, t("map.table_public_areas"), number(len(sites.cells), lang)))
        rows.append((name, t("map.table_public_sites"), band_text(sites.shown, lang)))
        rows.append((name, t("map.table_public_inspected"), summed([c.inspected for c in sites.cells])))
        rows.append((name, t("map.table_public_fixed"), summed([c.fixed for c in sites.cells])))
    return rows


def map_table(
    views: Mapping[str, LayerView],
    t: Callable[..., str],
    *,
    public: PublicView | None = None,
    aggregated: Iterable[str] = (),
    limit: int = MAX_RECORDS,
    id: str | None = None,
) -> html.Details:
    """What the map draws, as tables: a count per layer and colour (or the public view's figures), then its records.

    ``views`` are the layers drawn from records (points or grid counts); ``public`` and ``aggregated`` the
    layers drawn as the public view, whose figures are counted and whose records are never listed.
    """
    lang = _lang(t)
    aggregated = tuple(aggregated)
    summary = _summary_rows(views, t, lang)
    if public is not None and aggregated:
        summary += _public_rows(public, aggregated, t, lang)
    columns = [t("map.table_layer"), t("map.table_what"), t("map.table_count")]
    records = sorted(
        (row for view in views.values() if view.mode == "points" for row in _record_rows(view, t)),
        key=lambda item: (pd.isna(item[0]), -(item[0].value if not pd.isna(item[0]) else 0)),
    )
    more = []
    if records:
        shown = records[:limit]
        note = (
            t("map.table_records_more", shown=number(len(shown), lang), total=number(len(records), lang))
            if len(records) > len(shown)
            else None
        )
        more.append(
            Table(
                t("map.table_records", count=number(len(shown), lang)),
                [t("map.table_kind"), t("map.table_layer"), t("map.table_date"), t("map.table_detail")],
                [row for _, row in shown],
                note=note,
                numbers=False,
            )
        )
    return table_alternative(t, t("map.table_caption"), columns, summary, more=more, id=id, numbers=(False, True))


def timeline_table(
    rows: list[TimelineRow],
    progress: list[PromiseProgress],
    t: Callable[..., str],
    *,
    limit: int = MAX_EVENTS,
    id: str | None = None,
) -> html.Details:
    """The timeline as tables: per promise its period and progress, then the records that deliver it, newest first."""
    lang = _lang(t)
    by_id = {p.promise.id: p for p in progress}
    summary = []
    events = []
    for row in rows:
        kind = t(f"promise_kind.{row.promise.kind}")
        status = by_id.get(row.promise.id)
        delivered = progress_figure(status, t, lang) if status is not None else ""
        summary.append(
            (
                kind,
                f"{_day(row.period.start)} – {_day(row.period.end)}",
                delivered,
                number(len(row.events) + sum(k.count for k in row.kept), lang),
            )
        )
        events.extend((event.when, (_event_label(event, t), kind, event_moment(event))) for event in row.events)
        events.extend((k.when, (kept_text(k, t, lang), kind, f"{k.when:%Y-%m-%d}")) for k in row.kept)
    events.sort(key=lambda item: item[0], reverse=True)
    shown = events[:limit]
    more = []
    if events:
        note = (
            t("timeline.table_events_more", shown=number(len(shown), lang), total=number(len(events), lang))
            if len(events) > len(shown)
            else None
        )
        more.append(
            Table(
                t("timeline.table_events", count=number(len(shown), lang)),
                [t("timeline.table_event"), t("timeline.table_promise"), t("map.table_date")],
                [row for _, row in shown],
                note=note,
                numbers=False,
            )
        )
    return table_alternative(
        t,
        t("timeline.table_caption"),
        [
            t("timeline.table_promise"),
            t("timeline.table_period"),
            t("timeline.table_delivered"),
            t("timeline.table_count"),
        ],
        summary,
        more=more,
        id=id,
        numbers=(False, False, True),
    )


# The catalogue group of each layer's evidence kinds (geodata.layers' kind_field).
KIND_GROUPS = {"unsafe_places": "category", "inventoried_sites": "site_type", "operations": "operation_kind"}


def _event_label(event: TimelineEvent, t: Callable[..., str]) -> str:
    """The record's title or address; its kind in words when it has neither."""
    if event.label == event.kind and event.layer in KIND_GROUPS:
        return t(f"{KIND_GROUPS[event.layer]}.{event.kind}")
    return event.label


def _day(day: dt.date) -> str:
    return day.isoformat()
