"""Which pledge a screen or an export shows when the user has not chosen one, or chose one that is not there; and
how a choice among many pledges is laid out (grouped by police region, municipalities in Swedish order)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from geodata.collation import swedish_key
from geodata.errors import NotFoundError
from geodata.model import Pledge
from geodata.regions import REGIONS, region_of
from geodata.views.regional import HANDFUL


def default_pledge(pledges: Sequence[Pledge], wanted: str | None = None) -> Pledge | None:
    """The pledge ``wanted`` if ``pledges`` hold it, else the newest; ``None`` when there is no pledge at all.

    ``pledges`` are ordered as :meth:`~geodata.store.interface.pledges.PledgeStore.list_pledges`
    lists them (by start of period and id), so the newest is the last.
    """
    return next((p for p in pledges if p.id == wanted), pledges[-1] if pledges else None)


def needs_search(pledges: Sequence[Pledge]) -> bool:
    """Whether a choice among ``pledges`` is too long to read whole: more than a handful, found by searching.

    >>> needs_search([]), HANDFUL
    (False, 8)
    """
    return len(pledges) > HANDFUL


@dataclass(frozen=True)
class PledgeGroup:
    """The pledges of one police region, in the order a choice lists them.

    ``region`` is the police region's code (vocabulary group ``police_region``), or ``None`` for pledges whose
    municipality code names no county (a pledge typed in by hand with a wrong code): those come last.
    """

    region: str | None
    pledges: tuple[Pledge, ...]


def pledge_groups(pledges: Sequence[Pledge]) -> list[PledgeGroup]:
    """``pledges`` grouped by police region, regions in the vocabulary's order, empty regions left out.

    Within a region the municipalities are in Swedish alphabetical order (Å, Ä, Ö after Z); a municipality's
    pledges by period, the oldest first (as the store lists them), then by id.
    """
    by_region: dict[str | None, list[Pledge]] = {}
    for pledge in pledges:
        by_region.setdefault(_region(pledge), []).append(pledge)
    order = [*REGIONS, None]
    return [
        PledgeGroup(
            region,
            tuple(
                sorted(
                    by_region[region],
                    key=lambda p: (swedish_key(p.municipality.name), p.period.start, p.period.end, p.id),
                )
            ),
        )
        for region in order
        if region in by_region
    ]


def _region(pledge: Pledge) -> str | None:
    try:
        return region_of(pledge.municipality.code or "")
    except NotFoundError:
        return None
