"""What the edit forms offer: who may change or add which record, the fields a form edits, what a record links to.

The rule of who may write is :func:`geodata.access.check_write`; this module
asks it the questions a form needs before anything is written (the store
checks every write again).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from geodata import vocab
from geodata.access.rules import Viewer, check_write, may_link
from geodata.errors import PledgemapError
from geodata.layers import get_layer
from geodata.model import Pledge, Promise

# A site's status moves only by the inspection workflow's steps, never by an edit of its fields.
WORKFLOW_FIELDS = frozenset({"status"})


def may_write(viewer: Viewer | None, layer: str, records: Iterable[dict[str, Any]], stored: bool = False) -> bool:
    """Whether ``viewer`` may write ``records`` (their new values) to ``layer``; nobody without a viewer may.

    ``stored``: the records are stored ones a form would change (their demo flag and status are theirs already),
    not new ones.
    """
    if viewer is None:
        return False
    records = list(records)
    try:
        check_write(viewer, layer, records, before=records if stored else None)
    except PledgemapError:
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


def link_targets(
    pledges: Iterable[Pledge], layer: str, pledge_id: str, viewer: Viewer | None = None
) -> list[tuple[Pledge, Promise | None]]:
    """What a record of ``layer`` may link to: a pledge (unsafe places), or a promise of pledge ``pledge_id``;
    with a ``viewer``, only those it may link to (:func:`geodata.access.rules.may_link`)."""
    if get_layer(layer).link_field == "pledge_id":
        targets: list[tuple[Pledge, Promise | None]] = [(p, None) for p in pledges]
    else:
        targets = [(p, promise) for p in pledges if p.id == pledge_id for promise in p.promises]
    return [(p, promise) for p, promise in targets if viewer is None or may_link(viewer, p, promise)]
