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


def needs_search(pledges: Sequence[object]) -> bool:
    """Whether a choice among ``pledges`` (or their municipalities) is too long to read whole: more than a
    handful, found by searching.

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
    grouped = _by_region(
        pledges,
        lambda p: p.municipality.code or "",
        lambda p: (swedish_key(p.municipality.name), p.period.start, p.period.end, p.id),
    )
    return [PledgeGroup(region, tuple(members)) for region, members in grouped]


@dataclass(frozen=True)
class MunicipalityGroup:
    """The municipalities of one police region, as (code, name), in Swedish order (``region`` as in
    :class:`PledgeGroup`)."""

    region: str | None
    municipalities: tuple[tuple[str, str], ...]


def municipality_groups(municipalities: Sequence[tuple[str, str]]) -> list[MunicipalityGroup]:
    """(code, name) of municipalities grouped by police region as :func:`pledge_groups` groups pledges.

    >>> [(g.region, g.municipalities) for g in municipality_groups([("1481", "Mölndal"), ("1440", "Ale")])]
    [('vast', (('1440', 'Ale'), ('1481', 'Mölndal')))]
    """
    grouped = _by_region(municipalities, lambda m: m[0], lambda m: (swedish_key(m[1]), m[0]))
    return [MunicipalityGroup(region, tuple(members)) for region, members in grouped]


def _by_region(items, code_of, key) -> list[tuple[str | None, list]]:
    """``items`` by the police region of their municipality code, regions in the vocabulary's order (those whose
    code names no county last), each region's items sorted by ``key``."""
    by_region: dict[str | None, list] = {}
    for item in items:
        by_region.setdefault(_region(code_of(item)), []).append(item)
    return [(region, sorted(by_region[region], key=key)) for region in [*REGIONS, None] if region in by_region]


def _region(code: str) -> str | None:
    try:
        return region_of(code)
    except NotFoundError:
        return None
