"""Accessible record tables: sortable by header buttons, searchable, paged, a button per row to select it.

Plain HTML tables rather than a data-grid widget, so every control is a real
button or input that a keyboard and a screen reader handle without help.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from dash import html

from geodata.clock import LOCAL_TZ_NAME
from geodata.collation import swedish_order

PAGE_SIZE = 25


@dataclass(frozen=True)
class Column:
    """A table column: the field it shows, its heading, and how a value reads.

    ``detail`` is a second field shown under the value in the same cell (the
    property designation under the address), for a table that must stay narrow.
    """

    key: str
    label: str
    show: Callable[[Any], str]
    detail: Column | None = None


def _date(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{value:%Y-%m-%d}"


def _local_time(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{value.tz_convert(LOCAL_TZ_NAME):%Y-%m-%d %H:%M}"


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA else str(value)


def layer_columns(layer: str, t: Callable[..., str]) -> list[Column]:
    """The columns a table of ``layer`` shows, with their labels and how each value reads."""

    def label(group: str) -> Callable[[Any], str]:
        return lambda v: "" if not isinstance(v, str) else t(f"{group}.{v}")

    if layer == "unsafe_places":
        return [
            Column("reported_on", t("field.reported_on"), _date),
            Column("safety", t("field.safety"), label("safety")),
            Column("category", t("field.category"), label("category")),
            Column("source", t("field.source"), label("source")),
            Column("time_of_day", t("field.time_of_day"), label("time_of_day")),
            Column("report_count", t("field.report_count"), _text),
            Column("description", t("field.description"), _text),
        ]
    if layer == "inventoried_sites":
        return [
            Column("address", t("field.address"), _text),
            Column("property_designation", t("field.property_designation"), _text),
            Column("site_type", t("field.site_type"), label("site_type")),
            Column("owner", t("field.owner"), _text),
            Column("status", t("field.status"), label("status")),
            Column("inspected_on", t("field.inspected_on"), _date),
            Column("due_on", t("field.due_on"), _date),
        ]
    return [
        Column("starts_at", t("field.when"), _local_time),
        Column("kind", t("field.kind"), label("operation_kind")),
        Column("title", t("field.title"), _text),
        Column("focus", t("field.focus"), label("focus")),
        Column("visibility", t("field.visibility"), label("visibility")),
        Column("persons_checked", t("field.persons_checked"), _text),
    ]


def search(frame: pd.DataFrame, columns: list[Column], text: str | None) -> pd.DataFrame:
    """Rows where any shown value contains ``text`` (case-insensitive), as the user reads the values."""
    if not text or not text.strip() or frame.empty:
        return frame
    needle = text.strip().lower()
    shown = pd.Series([""] * len(frame), index=frame.index)
    for column in columns:
        shown = shown + " " + frame[column.key].map(column.show).str.lower()
    return frame[shown.str.contains(needle, regex=False)]


def sort(frame: pd.DataFrame, key: str | None, descending: bool, columns: list[Column] | None = None) -> pd.DataFrame:
    """Rows by column ``key``, names in Swedish order (Å, Ä, Ö after Z), empty values last.

    Given the table's ``columns``, a choice column is sorted as it reads ("Källare" before "Vind"), not by its code.
    """
    if not key or key not in frame:
        return frame
    column = next((c for c in columns or () if c.key == key), None)
    if column is not None and column.show not in (_date, _local_time, _text):
        shown = frame[key].map(lambda v: column.show(v) or None)
        order = shown.sort_values(ascending=not descending, na_position="last", kind="stable", key=swedish_order)
        return frame.loc[order.index]
    return frame.sort_values(key, ascending=not descending, na_position="last", kind="stable", key=swedish_order)


def page_of(frame: pd.DataFrame, page: int) -> tuple[pd.DataFrame, int, int]:
    """The rows of 1-based ``page`` (clamped to the pages there are), the page and the number of pages."""
    pages = max(1, math.ceil(len(frame) / PAGE_SIZE))
    page = min(max(1, page), pages)
    return frame.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], page, pages


def record_table(
    prefix: str,
    columns: list[Column],
    rows: pd.DataFrame,
    t: Callable[..., str],
    sort_key: str | None,
    descending: bool,
    selected: str | None = None,
    row_class: Callable[[dict], str] | None = None,
    caption: str = "",
    row_link: Callable[[dict], str] | None = None,
    sortable: bool = True,
    cards: bool = False,
) -> html.Table:
    """A table whose header cells are sort buttons and whose rows each have a select button.

    With ``row_link``, each row has a link (to where the record is shown) instead of a select button.
    With ``cards``, each cell carries its column's name (``data-label``) and
    every element its table role, so a narrow screen's style sheet can lay
    the rows out as cards that still read as a table to a screen reader.
    """
    roles = (lambda role: {"role": role}) if cards else (lambda role: {})
    head = []
    for column in columns:
        state = "none"
        if column.key == sort_key:
            state = "descending" if descending else "ascending"
        if not sortable:
            head.append(html.Th(column.label, scope="col", **roles("columnheader")))
            continue
        arrow = {"ascending": " ▲", "descending": " ▼", "none": ""}[state]
        head.append(
            html.Th(
                html.Button(
                    column.label + arrow,
                    id={"type": f"{prefix}-sort", "col": column.key},
                    className="pm-sort",
                    type="button",
                ),
                scope="col",
                **{"aria-sort": state},
                **roles("columnheader"),
            )
        )
    head.append(
        html.Th(
            html.Span(t("table.select_column"), className="pm-visually-hidden"), scope="col", **roles("columnheader")
        )
    )
    body = []
    for record in rows.to_dict("records"):
        # Dates and times stay on one line: "2021-05-13" broken after its year reads badly.
        cells = [
            html.Td(
                _cell(column, record),
                className=" ".join(
                    c
                    for c in (
                        "pm-nowrap" if column.show in (_date, _local_time) else "",
                        f"pm-col-{column.key}" if cards else "",
                    )
                    if c
                )
                or None,
                **({"data-label": column.label, "role": "cell"} if cards else {}),
            )
            for column in columns
        ]
        is_selected = record["id"] == selected
        # The accessible name starts with the button's visible word ("Visa", or "Vald" once chosen).
        shown = t("table.selected") if is_selected else t("table.show")
        name = f"{shown}: {' '.join(_said(c, record) for c in columns[:2])}"
        if row_link:
            control = html.A(
                t("table.show"),
                href=row_link(record),
                className="pm-row-button",
                **{"aria-label": f"{t('table.show')}: {name.split(': ', 1)[1]}"},
            )
        else:
            control = html.Button(
                shown,
                id={"type": f"{prefix}-row", "id": record["id"]},
                type="button",
                className="pm-row-button",
                **{"aria-pressed": "true" if is_selected else "false", "aria-label": name},
            )
        cells.append(html.Td(control, className="pm-row-control" if cards else None, **roles("cell")))
        classes = " ".join(
            c for c in ((row_class(record) if row_class else ""), "pm-row-selected" if is_selected else "") if c
        )
        body.append(html.Tr(cells, className=classes or None, **roles("row")))
    return html.Table(
        [
            html.Caption(caption, className="pm-visually-hidden") if caption else None,
            html.Thead(html.Tr(head, **roles("row")), **roles("rowgroup")),
            html.Tbody(body, **roles("rowgroup")),
        ],
        className="pm-table pm-records" + (" pm-cards-table" if cards else ""),
        **roles("table"),
    )


def _cell(column: Column, record: dict) -> Any:
    """A cell's content: the value as it reads, and its detail under it where the column has one."""
    value = column.show(record.get(column.key))
    if column.detail is None:
        return value
    detail = column.detail.show(record.get(column.detail.key))
    if not detail:
        return value
    return [value, html.Br(), html.Span(detail, className=f"pm-cell-detail pm-col-{column.detail.key}")]


def _said(column: Column, record: dict) -> str:
    """A cell as words (for a row button's name): the value and its detail."""
    detail = column.detail.show(record.get(column.detail.key)) if column.detail else ""
    return " ".join(w for w in (column.show(record.get(column.key)), detail) if w)


def pager(prefix: str, page: int, pages: int, total: int, t: Callable[..., str]) -> html.Nav:
    return html.Nav(
        className="pm-pager",
        **{"aria-label": t("table.pages")},
        children=[
            html.Button(
                t("table.previous"), id=f"{prefix}-prev", type="button", className="pm-button", disabled=page <= 1
            ),
            html.Span(t("table.page_of", page=page, pages=pages, total=total), **{"aria-live": "polite"}),
            html.Button(
                t("table.next"), id=f"{prefix}-next", type="button", className="pm-button", disabled=page >= pages
            ),
        ],
    )


def table_head(*labels: str) -> html.Thead:
    """A plain table's head: one column heading per label."""
    return html.Thead(html.Tr([html.Th(label, scope="col") for label in labels]))
