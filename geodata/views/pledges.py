"""Which pledge a screen or an export shows when the user has not chosen one, or chose one that is not there."""

from __future__ import annotations

from collections.abc import Sequence

from geodata.model import Pledge


def default_pledge(pledges: Sequence[Pledge], wanted: str | None = None) -> Pledge | None:
    """The pledge ``wanted`` if ``pledges`` hold it, else the newest; ``None`` when there is no pledge at all.

    ``pledges`` are ordered as :meth:`~geodata.store.interface.pledges.PledgeStore.list_pledges`
    lists them (by start of period and id), so the newest is the last.
    """
    return next((p for p in pledges if p.id == wanted), pledges[-1] if pledges else None)
