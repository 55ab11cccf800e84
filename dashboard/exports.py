"""The overview's export: the view as the user sees it, in the format they pick, as one download.

Data formats go through :func:`geodata.io.exporter.export_layers` with the
view's own queries (the same ones the map draws); the standalone map goes
through :func:`dashboard.standalone.build_standalone_map` with the pledge and
the time range (its layers are toggled in the map itself). Both read through
the request's store, guarded by the signed-in viewer, so a download holds only
what that viewer's role may read. Columns and values are worded in the
page's language (:func:`dashboard.components.file_words.file_wording`). Internal police operations stay out of every
download from the dashboard, whatever the role; only the command line's export
includes them, when asked to (``--include-internal``).
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from pathlib import Path

from dashboard.components.file_words import file_wording
from dashboard.i18n import translator
from dashboard.settings import Settings
from dashboard.standalone import build_standalone_map
from dashboard.state.view import ViewState, state_queries
from geodata import AccessError, LayerQuery, NotFoundError, PledgemapError, Store, StoreError, vocab
from geodata.access import ReadLogError
from geodata.basemap import BasemapError
from geodata.io.exporter import export_layers, write_sheets
from geodata.views.pledges import default_pledge
from geodata.views.public import known_period

log = logging.getLogger(__name__)

# Format choice → (file extension, what it is).
FORMATS = {
    "gpkg": ".gpkg",
    "geojson": ".geojson",
    "csv": ".zip",
    "xlsx": ".xlsx",
    "html": ".html",
    "html_public": ".html",
}


class ExportError(PledgemapError, ValueError):
    """An export that could not be made, said in the language of the page that asked for it."""


def export_view(
    store: Store, state: ViewState, fmt: str, settings: Settings, today: dt.date | None = None
) -> tuple[bytes, str]:
    """The file for the view ``state`` in ``fmt``, and its download name.

    Whatever stops it is an :class:`ExportError` in the view's language (the domain's own message, in English, goes
    to the log for whoever runs the server); a role's refusal stays the :class:`~geodata.AccessError` every page
    words alike.
    """
    t = translator(state.lang)
    try:
        return _export_view(store, state, fmt, settings, today, t)
    except (ExportError, AccessError, ReadLogError):  # a read not logged says so in the alert, as a refusal does
        raise
    except NotFoundError as error:  # the pledge was removed after the page was drawn
        log.warning("export of pledge %r: %s", state.pledge, error)
        raise ExportError(t("export.pledge_missing", pledge=state.pledge)) from error
    except BasemapError as error:
        log.error("export of pledge %r: %s", state.pledge, error)
        name = settings.basemap.name if settings.basemap else ""
        raise ExportError(t("export.basemap_failed", file=name)) from error
    except StoreError as error:
        log.error("export of pledge %r: %s", state.pledge, error)
        raise ExportError(t("export.store_failed")) from error
    except OSError as error:
        log.error("export of pledge %r: %s", state.pledge, error)
        raise ExportError(t("export.write_failed")) from error
    except (PledgemapError, ValueError) as error:
        log.error("export of pledge %r as %s: %s", state.pledge, fmt, error)
        raise ExportError(t("export.failed")) from error


def _export_view(store: Store, state: ViewState, fmt: str, settings: Settings, today: dt.date | None, t):
    if fmt not in FORMATS:
        raise ExportError(t("export.unknown_format", format=fmt, formats=", ".join(FORMATS)))
    pledge = store.get_pledge(state.pledge) if state.pledge else default_pledge(store.list_pledges())
    if pledge is None:
        raise ExportError(t("export.no_pledge"))
    state = ViewState(**{**state.__dict__, "pledge": pledge.id})
    name = f"{pledge.id}{'-publik' if fmt == 'html_public' else ''}{FORMATS[fmt]}"
    if fmt.startswith("html"):
        html = build_standalone_map(
            store,
            pledge.id,
            public=fmt == "html_public",
            today=today,
            tiles=settings.online_tiles,
            basemap=settings.basemap,
            lang=state.lang,
            # The public map is counted over one of the pledge's fixed periods, never the view's own dates.
            query=None if fmt == "html_public" else LayerQuery(pledge_id=pledge.id, start=state.start, end=state.end),
            period=known_period(pledge, state.period) if fmt == "html_public" else None,
            contact=settings.accessibility_contact,
        )
        return html.encode("utf-8"), name
    queries = state_queries(state, pledge)
    if not queries:
        raise ExportError(t("export.no_layers"))
    if fmt == "csv" and len(queries) == 1:
        name = f"{pledge.id}-{next(iter(queries))}.csv"
    with tempfile.TemporaryDirectory(prefix="pledgemap-export-") as folder:
        path = Path(folder) / name
        export_layers(store, path, fmt, queries, wording=file_wording(state.lang))
        return path.read_bytes(), name


WORKLIST_COLUMNS = (
    "address",
    "property_designation",
    "site_type",
    "owner",
    "status",
    "overdue",
    "inspected_on",
    *(f"check_{item}" for item in vocab.CHECKLIST),
    "inspection_comment",
    "measure",
    "responsible",
    "due_on",
    "fixed_on",
    "verified_on",
)


def worklist_table(sites, lang: str):
    """The worklist as its file reads: Swedish column names and values, days as dates, overdue marked.

    Every field the workflow stores is a column (the findings and the comment of
    the inspection, the measure, who is responsible, and the days of each step),
    so the caretakers' list says what the site's details say. A day is a
    ``datetime.date`` (a date cell in Excel, ``YYYY-MM-DD`` in a CSV file); a
    missing value is empty.
    """
    import pandas as pd

    from dashboard.components.problems import choice_label, field_label
    from dashboard.i18n import catalogue

    words = catalogue(lang)

    def day(value):
        return None if value is None or pd.isna(value) else pd.Timestamp(value).date()

    def text(value):
        return value if isinstance(value, str) else None

    def column(name: str):
        values = sites[name] if name in sites.columns else pd.Series([None] * len(sites), index=sites.index)
        if name == "overdue":
            return values.map(lambda v: words["sites.overdue_mark"] if v is True or v == 1 else None)
        if name in ("site_type", "status") or name.startswith("check_"):
            return values.map(lambda v: choice_label(lang, name, v) if isinstance(v, str) else None)
        if name.endswith("_on"):
            return values.map(day).astype(object)
        return values.map(text)

    return pd.DataFrame(
        {
            words["sites.overdue"] if name == "overdue" else field_label(lang, name): column(name).tolist()
            for name in WORKLIST_COLUMNS
        }
    )


def worklist_file(sites, fmt: str, lang: str) -> tuple[bytes, str]:
    """The worklist as the caretakers get it (:func:`worklist_table`), as CSV (for Excel: ``;``, UTF-8) or Excel."""
    from dashboard.i18n import catalogue

    words = catalogue(lang)
    name = words["nav.sites"].lower().replace(" ", "-")
    return table_file(worklist_table(sites, lang), fmt, name, words["nav.sites"], ";", "worklist")


def table_file(table, fmt: str, name: str, sheet: str, sep: str, what: str) -> tuple[bytes, str]:
    """A table as a file people open in Excel: CSV (UTF-8 with a byte-order mark, ``sep`` between values, text
    that Excel would take as a formula quoted) or a workbook with one sheet; and the file's name."""
    import io

    from geodata.io.columns import quote_formula

    if fmt == "csv":
        buffer = io.StringIO()
        table.map(lambda v: quote_formula(v) if isinstance(v, str) else v).to_csv(
            buffer, sep=sep, index=False, date_format="%Y-%m-%d"
        )
        return buffer.getvalue().encode("utf-8-sig"), f"{name}.csv"
    if fmt == "xlsx":
        binary = io.BytesIO()
        write_sheets({sheet: table}, binary)
        return binary.getvalue(), f"{name}.xlsx"
    raise ValueError(f"unknown {what} format {fmt!r}; expected csv or xlsx")


def overview_table(overview, lang: str):
    """Every pledge of an overview (:class:`geodata.views.regional.RegionalOverview`) as its file reads: one row a
    pledge, the columns and values in the reader's language (the state and statuses in the follow-up's words),
    the number of promises per status, days as dates."""
    import pandas as pd

    from dashboard.components.followup import status_label
    from dashboard.i18n import catalogue, translator
    from geodata.clock import LOCAL_TZ
    from geodata.views.regional import PROMISE_STATES

    words, t = catalogue(lang), translator(lang)

    def col(key: str) -> str:
        return words[f"export.overview.{key}"]

    rows = []
    for row in overview.rows:
        pledge = row.pledge
        record = {
            words["regional.col.municipality"]: pledge.municipality.name,
            col("municipality_code"): pledge.municipality.code,
            col("county"): t(f"county.{row.county}") if row.county else None,
            col("region"): t(f"police_region.{row.region}") if row.region else None,
            words["regional.col.police_area"]: pledge.police_area.name,
            col("title"): pledge.title,
            col("start"): pledge.period.start,
            col("end"): pledge.period.end,
            words["regional.col.focus"]: pledge.focus,
            col("themes"): ", ".join(t(f"theme.{code}") for code in row.themes) or None,
            words["regional.col.promises"]: row.promises,
            words["regional.col.state"]: status_label(t, "promise", row.state),
        }
        for status in PROMISE_STATES:
            record[t("export.overview.status_count", status=status_label(t, "promise", status))] = row.counts[status]
        # The day in Swedish time, as the page shows it.
        record[words["regional.col.last_judged"]] = (
            row.last_judged.astimezone(LOCAL_TZ).date() if row.last_judged else None
        )
        record[col("demo")] = words["export.yes"] if pledge.demo else words["export.no"]
        rows.append(record)
    return pd.DataFrame(rows)


def overview_file(overview, fmt: str, lang: str) -> tuple[bytes, str]:
    """The overview's table (:func:`overview_table`) as CSV (for Excel: ``;``, UTF-8) or Excel, named after its
    scope and year ("alla-löften-region-vast-2025.xlsx")."""
    from dashboard.i18n import catalogue

    words = catalogue(lang)
    name = f"{words['export.overview.name']}-{overview.scope.key}" + (f"-{overview.year}" if overview.year else "")
    sep = ";" if lang == "sv" else ","
    return table_file(overview_table(overview, lang), fmt, name, words["export.overview.sheet"], sep, "overview")


READ_LOG_COLUMNS = ("at", "username", "role", "action", "layer", "count", "ids", "query", "route")


def read_log_table(entries, lang: str):
    """The read log as its file reads: one row a read, columns and values in the reader's language (Swedish
    first), the moment in Swedish time (the log keeps UTC), the record ids of a read in one cell."""
    import pandas as pd

    from dashboard.i18n import translator
    from geodata.clock import LOCAL_TZ

    t = translator(lang)
    rows = [
        {
            "at": e.at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S"),
            "username": e.username,
            "role": t(f"role.{e.role}"),
            "action": t(f"readlog.action.{e.action}"),
            "layer": t(f"layer.{e.layer}") if e.layer else None,
            "count": e.count,
            "ids": ", ".join(e.record_ids),
            "query": e.query,
            "route": e.route,
        }
        for e in entries
    ]
    columns = {name: t(f"readlog.col.{name}") for name in READ_LOG_COLUMNS}
    return pd.DataFrame(rows, columns=list(READ_LOG_COLUMNS)).rename(columns=columns)


def read_log_file(entries, fmt: str, lang: str) -> tuple[bytes, str]:
    """The read log (:func:`read_log_table`) as CSV (for Excel: ``;``, UTF-8) or Excel, for an admin to hand over."""
    from dashboard.i18n import translator

    t = translator(lang)
    sep = ";" if lang == "sv" else ","
    return table_file(read_log_table(entries, lang), fmt, t("readlog.name"), t("readlog.sheet"), sep, "read log")
