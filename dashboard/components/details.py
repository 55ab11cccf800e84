"""The details panel of one record, and the table of records selected on the map."""

from __future__ import annotations

import pandas as pd
from dash import html

from dashboard.components.problems import field_label
from dashboard.components.tables import table_head
from dashboard.i18n import number, translator
from geodata import LAYERS, AccessError, LayerQuery, Store, vocab
from geodata.access import log_read
from geodata.clock import LOCAL_TZ_NAME


def readable_layers(store: Store, query: LayerQuery):
    """Each layer's records matching ``query`` that the store's viewer may read (layers it may not are skipped)."""
    for layer in LAYERS:
        try:
            yield layer, store.read_layer(layer, query)
        except AccessError:
            continue


def find_record(store: Store, record_id: str) -> tuple[str, dict] | None:
    for layer, found in readable_layers(store, LayerQuery(ids=(record_id,))):
        if not found.empty:
            return layer, found.iloc[0].to_dict()
    return None


def _when(layer: str, record: dict) -> str:
    if layer == "operations":
        start = record["starts_at"].tz_convert(LOCAL_TZ_NAME)
        end = record["ends_at"].tz_convert(LOCAL_TZ_NAME)
        return (
            f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
            if start.date() == end.date()
            else f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"
        )
    value = record["reported_on"] if layer == "unsafe_places" else record.get("inspected_on")
    return "" if value is None or value != value else f"{value:%Y-%m-%d}"


def _day(value) -> str:
    """A stored day as people write it in Sweden (ISO: 2024-04-02), or "" where none is stored."""
    return "" if value is None or pd.isna(value) else f"{value:%Y-%m-%d}"


def _filled(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def site_facts(record: dict, t) -> list[tuple[str, str]]:
    """Everything a site holds, in the order of its workflow: what it is, the inspection, the measure, the steps after.

    Every field the workflow stores is shown where it has a value (the
    inspection's day, findings and comment; the measure, who is responsible and
    by when; the days it was fixed and verified), so the details say what a
    caretaker saved.
    """
    rows = [
        (t("field.site_type"), t(f"site_type.{record['site_type']}")),
        (t("field.owner"), record["owner"]),
        (t("field.status"), t(f"status.{record['status']}")),
    ]
    rows += [
        (t(f"field.{key}"), record[key]) for key in ("address", "property_designation") if _filled(record.get(key))
    ]
    if _day(record.get("inspected_on")):
        rows.append((t("field.inspected_on"), _day(record.get("inspected_on"))))
    for item in vocab.CHECKLIST:
        finding = record.get(f"check_{item}")
        if isinstance(finding, str):
            rows.append((t(f"check.{item}"), t(f"finding.{finding}")))
    keys = ("inspection_comment", "measure", "responsible", "due_on", "fixed_on", "verified_on")
    for key in keys:
        value = record.get(key)
        shown = _day(value) if key.endswith("_on") else (value if _filled(value) else "")
        if shown:
            rows.append((t(f"field.{key}"), shown))
    return rows


def _promise_text(store: Store, record: dict) -> str | None:
    promise_id = record.get("promise_id")
    if not isinstance(promise_id, str):
        return None
    for pledge in store.list_pledges():
        for promise in pledge.promises:
            if promise.id == promise_id:
                return promise.text
    return None


def record_details(store: Store, record_id: str, lang: str) -> list:
    """The details panel of one record, its read logged first (a :class:`~geodata.access.ReadLogError` if it
    cannot be: the caller then shows that, and none of the record)."""
    t = translator(lang)
    found = find_record(store, record_id)
    if found is None:
        return [html.P(t("details.not_found"))]
    layer, record = found
    log_read(store, "details", {layer: [record_id]})
    rows: list[tuple[str, str]] = []
    if layer == "unsafe_places":
        rows += [
            (t("field.safety"), t(f"safety.{record['safety']}")),
            (t("field.category"), t(f"category.{record['category']}")),
            (t("field.source"), t(f"source.{record['source']}")),
            (t("field.reported_on"), _when(layer, record)),
        ]
        # Who reported, where the survey asked it: shown only here, to a role that reads the records.
        for key in ("respondent_gender", "respondent_age"):
            if isinstance(record.get(key), str):
                rows.append((t(f"field.{key}"), t(f"{key}.{record[key]}")))
        if isinstance(record.get("time_of_day"), str):
            rows.append((t("field.time_of_day"), t(f"time_of_day.{record['time_of_day']}")))
        if record.get("report_count") is not None and record["report_count"] == record["report_count"]:
            rows.append((t("field.report_count"), str(record["report_count"])))
        if isinstance(record.get("description"), str):
            rows.append((t("field.description"), record["description"]))
    elif layer == "inventoried_sites":
        rows += site_facts(record, t)
    else:
        rows += [(t("field.kind"), t(f"operation_kind.{record['kind']}")), (t("field.when"), _when(layer, record))]
        if isinstance(record.get("title"), str):
            rows.append((t("field.title"), record["title"]))
        if isinstance(record.get("focus"), str):
            rows.append((t("field.focus"), t(f"focus.{record['focus']}")))
        for key in ("persons_checked", "seizures", "reports_filed"):
            value = record.get(key)
            if value is not None and value == value:
                rows.append((t(f"field.{key}"), str(value)))
        rows.append((t("field.visibility"), t(f"visibility.{record['visibility']}")))
    promise = _promise_text(store, record)
    if promise:
        rows.append((t("details.promise"), promise))
    items = []
    for label, value in rows:
        items += [html.Dt(label), html.Dd(value)]
    heading = [html.H3(t(f"layer.{layer}"))]
    if layer == "inventoried_sites" and _filled(record.get("address")):
        # A site is known by its address: the heading says which one is open (the layer's name above it).
        heading = [
            html.H3([html.Span(t(f"layer.{layer}") + ":", className="pm-details-layer"), " ", record["address"]])
        ]
    if record.get("demo"):
        heading.append(html.Span(t("demo.badge"), className="pm-badge"))
    return [
        html.Div(heading, className="pm-details-head"),
        html.Dl(items, className="pm-facts"),
        *record_history(store, layer, record_id, lang),
    ]


def record_history(store: Store, layer: str, record_id: str, lang: str) -> list:
    """Who changed the record and when, newest first: for those who may read the record."""
    t = translator(lang)
    try:
        entries = store.read_audit(layer, record_id)
    except AccessError:
        return []
    if not entries:
        return []
    lines = []
    for entry in reversed(entries):
        when = pd.Timestamp(entry.at).tz_convert(LOCAL_TZ_NAME)
        changed = ", ".join(field_label(lang, name) for name in (entry.after or {}) if entry.action == "edit")
        text = f"{when:%Y-%m-%d %H:%M} · {entry.actor} · {t(f'history.{entry.action}')}"
        lines.append(html.Li(f"{text}: {changed}" if changed else text))
    return [
        html.Details([html.Summary(t("history.heading", count=len(entries))), html.Ul(lines)], className="pm-history")
    ]


def selection_table(store: Store, ids: set[str], lang: str) -> list:
    """The records selected on the map, by layer and newest first, in a region of bounded height that scrolls.

    The region takes the keyboard's focus (Tab, then the arrow keys scroll it), so a selection of
    hundreds of records neither grows the page nor hides rows from someone without a mouse.
    """
    from geodata.views.selection import selected_records

    t = translator(lang)
    chosen = selected_records(store, ids or ())
    if not chosen:
        return []
    groups = {"unsafe_places": "category", "inventoried_sites": "site_type", "operations": "operation_kind"}
    rows = [
        html.Tr(
            [
                html.Td(t(f"layer.{item.layer}")),
                html.Td(t(f"{groups[item.layer]}.{item.record[LAYERS[item.layer].kind_field]}")),
                html.Td(_when(item.layer, item.record)),
            ]
        )
        for item in chosen
    ]
    heading = t("selection.heading", count=number(len(rows), lang))
    return [
        html.H3(heading, id="pm-selection-heading"),
        html.P(t("selection.order"), className="pm-help"),
        html.Div(
            html.Table(
                [
                    table_head(t("layer.name"), t("field.kind"), t("field.when")),
                    html.Tbody(rows),
                ],
                className="pm-table",
            ),
            className="pm-selection-rows",
            role="region",
            tabIndex=0,
            style={"maxHeight": "22rem", "overflowY": "auto"},
            **{"aria-labelledby": "pm-selection-heading"},
        ),
    ]
