"""The overview's export: the view as the user sees it, in the format they pick, as one download.

Data formats go through :func:`geodata.io.exporter.export_layers` with the
view's own queries (the same ones the map draws); the standalone map goes
through :func:`dashboard.standalone.build_standalone_map` with the pledge and
the time range (its layers are toggled in the map itself). Both read through
the request's store, guarded by the signed-in viewer, so a download holds only
what that viewer's role may read. Internal police operations stay out of every
download from the dashboard, whatever the role; only the command line's export
includes them, when asked to (``--include-internal``).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from dashboard.settings import Settings
from dashboard.standalone import build_standalone_map
from dashboard.state.view import ViewState, state_queries
from geodata import LayerQuery, NotFoundError, Store
from geodata.io.exporter import export_layers, write_sheets
from geodata.views.pledges import default_pledge

# Format choice → (file extension, what it is).
FORMATS = {
    "gpkg": ".gpkg",
    "geojson": ".geojson",
    "csv": ".zip",
    "xlsx": ".xlsx",
    "html": ".html",
    "html_public": ".html",
}


def export_view(
    store: Store, state: ViewState, fmt: str, settings: Settings, today: dt.date | None = None
) -> tuple[bytes, str]:
    """The file for the view ``state`` in ``fmt``, and its download name."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    pledge = store.get_pledge(state.pledge) if state.pledge else default_pledge(store.list_pledges())
    if pledge is None:
        raise NotFoundError("the store holds no pledge to export; add one first")
    state = ViewState(**{**state.__dict__, "pledge": pledge.id})
    name = f"{pledge.id}{'-publik' if fmt == 'html_public' else ''}{FORMATS[fmt]}"
    if fmt.startswith("html"):
        html = build_standalone_map(
            store,
            pledge.id,
            public=fmt == "html_public",
            today=today,
            tiles=settings.tiles_url,
            lang=state.lang,
            query=LayerQuery(pledge_id=pledge.id, start=state.start, end=state.end),
            contact=settings.accessibility_contact,
        )
        return html.encode("utf-8"), name
    queries = state_queries(state, pledge)
    if not queries:
        raise ValueError("no layer is shown; choose at least one layer to export")
    if fmt == "csv" and len(queries) == 1:
        name = f"{pledge.id}-{next(iter(queries))}.csv"
    with tempfile.TemporaryDirectory(prefix="pledgemap-export-") as folder:
        path = Path(folder) / name
        export_layers(store, path, fmt, queries)
        return path.read_bytes(), name


WORKLIST_COLUMNS = (
    "address",
    "property_designation",
    "site_type",
    "owner",
    "status",
    "inspected_on",
    "measure",
    "responsible",
    "due_on",
    "overdue",
)


def worklist_file(sites, fmt: str, lang: str) -> tuple[bytes, str]:
    """The worklist as the caretakers get it: Swedish column names and values, overdue marked, CSV or Excel."""
    import io

    import pandas as pd

    from dashboard.components.problems import choice_label, field_label
    from dashboard.i18n import catalogue
    from geodata.io.columns import quote_formula

    words = catalogue(lang)
    table = pd.DataFrame(
        {
            field_label(lang, name) if name != "overdue" else words["sites.overdue"]: (
                sites[name].map(lambda v, n=name: choice_label(lang, n, v) if isinstance(v, str) else v)
                if name in ("site_type", "status")
                else sites[name].map(lambda v: words["sites.overdue_mark"] if v else "")
                if name == "overdue"
                else sites[name].map(
                    lambda v: "" if v is None or v != v else (f"{v:%Y-%m-%d}" if hasattr(v, "strftime") else v)
                )
            )
            for name in WORKLIST_COLUMNS
            if name in sites.columns
        }
    )
    name = words["nav.sites"].lower().replace(" ", "-")
    if fmt == "csv":
        buffer = io.StringIO()
        table.map(quote_formula).to_csv(buffer, sep=";", index=False)
        return buffer.getvalue().encode("utf-8-sig"), f"{name}.csv"
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_sheets({words["nav.sites"]: table}, buffer)
        return buffer.getvalue(), f"{name}.xlsx"
    raise ValueError(f"unknown worklist format {fmt!r}; expected csv or xlsx")
