"""The inventoried sites that need action, for the housing companies and municipalities working through them.

A site is open until it is fixed or verified; it is overdue when it is open
and its due date has passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from geodata.access import masked_for, viewer_of
from geodata.collation import swedish_order, swedish_sorted
from geodata.store.base import LayerQuery, Store
from geodata.vocab import OPEN_SITE_STATUSES, WORKLIST_STATUSES


def worklist(
    store: Store,
    today: dt.date,
    pledge_id: str | None = None,
    owners: Iterable[str] | None = None,
    site_types: Iterable[str] | None = None,
    statuses: Iterable[str] | None = WORKLIST_STATUSES,
    due_before: dt.date | None = None,
    overdue_only: bool = False,
) -> pd.DataFrame:
    """Sites matching the filters (by default every site still to act on, fixed ones awaiting verification
    included), most urgent first, with an ``overdue`` column.

    Sorted by overdue first, then the sites still to be fixed before those awaiting verification, then due
    date (sites without one last), then address (in Swedish order).
    """
    values = {
        "site_type": tuple(site_types) if site_types is not None else None,
        "status": tuple(statuses) if statuses is not None else None,
        "owner": tuple(owners) if owners is not None else None,
    }
    sites = store.read_layer(
        "inventoried_sites", LayerQuery.build({k: v for k, v in values.items() if v is not None}, pledge_id=pledge_id)
    )
    sites = masked_for(viewer_of(store), "inventoried_sites", sites)  # the list and its file reach the viewer
    frame = pd.DataFrame(sites.drop(columns="geometry"))
    due = frame["due_on"]
    frame["overdue"] = frame["status"].isin(OPEN_SITE_STATUSES) & due.notna() & (due < pd.Timestamp(today))
    if due_before is not None:
        frame = frame[due.notna() & (due <= pd.Timestamp(due_before))]
    if overdue_only:
        frame = frame[frame["overdue"]]
    # Sites still to be fixed come before fixed ones that only await verification.
    awaiting = ~frame["status"].isin(OPEN_SITE_STATUSES)
    return (
        frame.assign(_awaiting=awaiting)
        .sort_values(
            ["overdue", "_awaiting", "due_on", "address"],
            ascending=[False, True, True, True],
            na_position="last",
            kind="stable",
            key=swedish_order,
        )
        .drop(columns="_awaiting")
        .reset_index(drop=True)
    )


def chosen_worklist(
    store: Store,
    today: dt.date,
    pledge_id: str | None = None,
    owners: Iterable[str] | None = None,
    site_types: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    due_before: dt.date | None = None,
    overdue_only: bool = False,
) -> pd.DataFrame:
    """The worklist as the sites page's filters choose it: no owner ticked is every owner; no type or status ticked
    is none.

    Unlike :func:`worklist`, where ``None`` means every type or status, nothing
    ticked here (``None`` or empty) lists no site: the page then shows an empty
    list rather than silently all of them. An owner is a narrowing the user adds,
    so no owner ticked lists the sites of every owner.
    """
    return worklist(
        store,
        today,
        pledge_id=pledge_id,
        owners=list(owners or ()) or None,
        site_types=list(site_types or ()),
        statuses=list(statuses or ()),
        due_before=due_before,
        overdue_only=overdue_only,
    )


def owners(store: Store, pledge_id: str | None = None) -> list[str]:
    """The organisations that own inventoried sites (of one pledge, or all), in Swedish alphabetical order."""
    sites = store.read_layer("inventoried_sites", LayerQuery(pledge_id=pledge_id))
    return swedish_sorted(set(sites["owner"]))
