"""Where a municipality belongs: its county (län) and the police region (polisregion) that holds the county.

A county's code is the first two digits of its municipalities' codes (Mölndal 1481 lies in 14, Västra
Götalands län); the seven police regions are each a set of counties (:data:`REGION_COUNTIES`, as the Police
Authority has been organised since 2015). Names are the vocabulary's (groups ``county`` and ``police_region``).

A :class:`Scope` is what an overview of many pledges is about: the whole country, one police region or one
county. Its code is what an address carries: ``"sverige"``, ``"region-vast"``, ``"lan-14"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata import vocab
from geodata.errors import NotFoundError

# The counties of each police region, by county code.
REGION_COUNTIES: dict[str, tuple[str, ...]] = {
    "nord": ("22", "23", "24", "25"),  # Västernorrland, Jämtland, Västerbotten, Norrbotten
    "mitt": ("03", "19", "21"),  # Uppsala, Västmanland, Gävleborg
    "stockholm": ("01", "09"),  # Stockholm, Gotland
    "ost": ("04", "05", "06"),  # Södermanland, Östergötland, Jönköping
    "vast": ("13", "14"),  # Halland, Västra Götaland
    "syd": ("07", "08", "10", "12"),  # Kronoberg, Kalmar, Blekinge, Skåne
    "bergslagen": ("17", "18", "20"),  # Värmland, Örebro, Dalarna
}
REGIONS = vocab.codes("police_region")
COUNTIES = vocab.codes("county")
_REGION_OF_COUNTY = {county: region for region, counties in REGION_COUNTIES.items() for county in counties}
if set(REGION_COUNTIES) != set(REGIONS) or sorted(_REGION_OF_COUNTY) != sorted(COUNTIES):
    raise ValueError("geodata.regions: every police region of the vocabulary holds counties, every county one region")

COUNTRY = "sverige"
_REGION_PREFIX, _COUNTY_PREFIX = "region-", "lan-"


def county_of(municipality_code: str) -> str:
    """The county code of a municipality (its code's first two digits).

    >>> county_of("1481")
    '14'
    """
    county = str(municipality_code)[:2]
    if len(str(municipality_code)) != 4 or county not in _REGION_OF_COUNTY:
        raise NotFoundError(
            f"{municipality_code!r} is not a municipality code; expected four digits starting with a county "
            f"code ({', '.join(COUNTIES)})"
        )
    return county


def region_of(municipality_code: str) -> str:
    """The police region of a municipality.

    >>> region_of("1860"), region_of("2418")  # Laxå, Malå
    ('bergslagen', 'nord')
    """
    return _REGION_OF_COUNTY[county_of(municipality_code)]


def region_of_county(county: str) -> str:
    return _REGION_OF_COUNTY[county]


@dataclass(frozen=True)
class Scope:
    """The country, a police region or a county: ``kind`` is ``"country"``, ``"region"`` or ``"county"``."""

    kind: str
    code: str = ""  # the region's or county's code; "" for the country

    @property
    def key(self) -> str:
        """The scope as an address writes it."""
        if self.kind == "region":
            return _REGION_PREFIX + self.code
        if self.kind == "county":
            return _COUNTY_PREFIX + self.code
        return COUNTRY

    @property
    def counties(self) -> tuple[str, ...]:
        if self.kind == "region":
            return REGION_COUNTIES[self.code]
        if self.kind == "county":
            return (self.code,)
        return COUNTIES

    @property
    def region(self) -> str | None:
        """The police region the scope lies in (None for the country)."""
        if self.kind == "region":
            return self.code
        return _REGION_OF_COUNTY[self.code] if self.kind == "county" else None

    def holds(self, municipality_code: str) -> bool:
        """Whether a municipality lies in the scope (False for a code that names none)."""
        try:
            return county_of(municipality_code) in self.counties
        except NotFoundError:
            return False

    @property
    def parent(self) -> Scope | None:
        """The scope one step out: a county's region, a region's country; None for the country."""
        if self.kind == "county":
            return Scope("region", _REGION_OF_COUNTY[self.code])
        return Scope("country") if self.kind == "region" else None


WHOLE_COUNTRY = Scope("country")


def parse_scope(key: str | None) -> Scope:
    """The scope an address names (``"region-vast"``, ``"lan-14"``, ``"sverige"``); the country when none is given.

    >>> parse_scope("region-vast").counties
    ('13', '14')
    """
    key = str(key or "").strip().lower().translate(str.maketrans("åäö", "aao"))  # "region-väst" as "region-vast"
    if not key or key == COUNTRY:
        return WHOLE_COUNTRY
    if key.startswith(_REGION_PREFIX) and key[len(_REGION_PREFIX) :] in REGIONS:
        return Scope("region", key[len(_REGION_PREFIX) :])
    if key.startswith(_COUNTY_PREFIX) and key[len(_COUNTY_PREFIX) :] in COUNTIES:
        return Scope("county", key[len(_COUNTY_PREFIX) :])
    choices = ", ".join([COUNTRY, *(_REGION_PREFIX + r for r in REGIONS), _COUNTY_PREFIX + "14"])
    raise NotFoundError(f"{key!r} names no scope; expected the country, a police region or a county: {choices}, …")


def scopes() -> tuple[Scope, ...]:
    """Every scope: the country, then each region followed by its counties (in the vocabulary's order)."""
    out = [WHOLE_COUNTRY]
    for region in REGIONS:
        out.append(Scope("region", region))
        out.extend(Scope("county", c) for c in COUNTIES if _REGION_OF_COUNTY[c] == region)
    return tuple(out)
