"""A chart's or map's data as a table, for readers who cannot see the picture (WCAG 1.1.1): "Visa som tabell".

Every chart and map gets one, built by its page from the same domain result
the figure is drawn from, so the two always say the same. The component is a
closed ``<details>``: it costs a sighted reader one line and opens from the
keyboard (Enter or Space on its summary).

Usage, on any page::

    from dashboard.components.chart_table import table_alternative

    table_alternative(
        t,
        caption=t("analysis.table_hotspots", cells=..., cell=...),
        columns=[t("analysis.table_class"), t("analysis.table_cells")],
        rows=[(t("hotspot.hot_99"), "12"), (t("hotspot.none"), "1 640")],
    )

The first value of each row heads its row (``<th scope="row">``); the others
are data cells. Values are strings the page has already written for the
reader (numbers through ``dashboard.i18n.number``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from dash import html


class Table(NamedTuple):
    """A further table inside the same "Visa som tabell" (a map's records below its summary, say)."""

    caption: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    note: str | None = None
    numbers: bool | Sequence[bool] = True  # the data cells hold numbers: all of them, or per data column


def _table(t: Callable[..., str], table: Table) -> list:
    caption, columns, rows = table.caption, table.columns, table.rows
    if any(len(row) != len(columns) for row in rows):
        raise ValueError(f"every row of the table {caption!r} needs {len(columns)} values, one per column")
    left, right = {"textAlign": "left"}, {"textAlign": "right"}
    data_columns = len(columns) - 1
    numbers = [table.numbers] * data_columns if isinstance(table.numbers, bool) else list(table.numbers)
    if len(numbers) != data_columns:
        raise ValueError(f"the table {caption!r} says which of its {data_columns} data columns hold numbers")
    align = [left, *(right if n else left for n in numbers)]
    element = html.Table(
        className="pm-records pm-chart-table",
        style={"width": "auto", "minWidth": "50%"},
        children=[
            html.Caption(caption, style=left),
            html.Thead(html.Tr([html.Th(column, scope="col", style=align[i]) for i, column in enumerate(columns)])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Th(row[0], scope="row", style=left),
                            *(html.Td(value, style=align[i]) for i, value in enumerate(row[1:], start=1)),
                        ]
                    )
                    for row in rows
                ]
            ),
        ],
    )
    # On a narrow screen the table scrolls sideways inside its box, not the page: the box takes the keyboard
    # focus so that it scrolls from the keyboard too, and is named by the caption.
    body: list = [
        html.Div(element, style={"overflowX": "auto"}, tabIndex="0", role="region", **{"aria-label": caption})
    ]
    note = table.note
    if not rows and note is None:
        note = t("chart.table_empty")
    if note:
        body.append(html.P(note, className="pm-hint"))
    return body


def table_alternative(
    t: Callable[..., str],
    caption: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    id: str | None = None,
    note: str | None = None,
    numbers: bool | Sequence[bool] = True,
    more: Sequence[Table] = (),
) -> html.Details:
    """A closed ``<details>`` ("Visa som tabell") holding an accessible table: caption, column and row headers.

    ``columns`` heads every column, the row headers' column first; ``rows`` holds one sequence per row, its
    first value the row's header. ``note`` is a sentence under the table (what an empty table means, say).
    ``numbers``: the data cells hold numbers, set flush right so that their digits line up (one flag for all data
    columns, or one per data column). ``more``: further
    tables after the first, in the same ``<details>``.
    """
    body = [element for table in (Table(caption, columns, rows, note, numbers), *more) for element in _table(t, table)]
    return html.Details(
        [html.Summary(t("chart.show_table")), *body],
        className="pm-table-alternative",
        **({"id": id} if id else {}),
    )
