"""What the edit forms offer: who may change or add which record, the fields a form edits, what a record links to.

The rule of who may write is :func:`geodata.access.check_write`; this module
asks it the questions a form needs before anything is written (the store
checks every write again).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from geodata import vocab
from geodata.access import AccessError, Viewer, check_write
from geodata.layers import get_layer
from geodata.model import Pledge, Promise

# A site's status moves only by the inspection workflow's steps, never by an edit of its fields.
WORKFLOW_FIELDS = frozenset({"status"})


def may_write(viewer: Viewer | None, layer: str, records: Iterable[dict[str, Any]]) -> bool:
    """Whether ``viewer`` may write ``records`` (their new values) to ``layer``; nobody without a viewer may."""
    if viewer is None:
        return False
    try:
        check_write(viewer, layer, list(records))
    except AccessError:
        return False
    return True


def new_record_values(layer: str, viewer: Viewer | None) -> dict[str, Any]:
    """The values a new record starts from: a new site is the viewer's organisation's (so a housing company may add its own)."""
    organisation = viewer.organisation if viewer is not None else None
    return {"owner": organisation} if layer == "inventoried_sites" else {}


def may_add(viewer: Viewer | None, layer: str) -> bool:
    """Whether ``viewer`` may add a record to ``layer`` at all."""
    return may_write(viewer, layer, [new_record_values(layer, viewer)])


def new_record(layer: str, values: dict[str, Any]) -> dict[str, Any]:
    """A new record's values as written: a new site enters the inspection workflow at its first step."""
    row = dict(values)
    if layer == "inventoried_sites":
        row.setdefault("status", vocab.SITE_STATUSES[0])
    return row


def link_targets(pledges: Iterable[Pledge], layer: str, pledge_id: str) -> list[tuple[Pledge, Promise | None]]:
    """What a record of ``layer`` may link to: any pledge (unsafe places), or a promise of pledge ``pledge_id``."""
    if get_layer(layer).link_field == "pledge_id":
        return [(p, None) for p in pledges]
    return [(p, promise) for p in pledges if p.id == pledge_id for promise in p.promises]
