"""Safe places counted apart from unsafe ones, and the unsafe places by who reported them (gender, age band).

Surveys ask residents for places where they feel safe as well as unsafe. Every
statistic of unsafety (the Gi* hot spots, the density surface, the counts per
hexagon, an intervention's before and after) counts the unsafe places only:
:func:`analysed_values` is the one place that says so, so a safe place never
dilutes a hot spot. The safe places are counted beside them here.

Who reported is read from the records themselves, through the caller's store:
only a role that reads the unsafe places gets an answer (the public view never
gives it, see :mod:`geodata.views.public`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd

from geodata import vocab
from geodata.store.base import LayerQuery, Store

# The key of a record that does not say (a survey that did not ask, a respondent who did not answer).
NOT_STATED = "not_stated"


def analysed_values(
    layer: str, categories: Sequence[str] | None = None, safety: str = vocab.UNSAFE
) -> dict[str, Sequence[str] | None]:
    """The values a statistic of ``layer`` counts: the chosen ``categories`` and, of the unsafe places, one
    ``safety`` (unsafe places, unless the safe ones are counted apart).

    >>> analysed_values("unsafe_places", ["vandalism"])
    {'category': ['vandalism'], 'safety': ('unsafe',)}
    >>> analysed_values("operations")
    {'category': None}
    """
    values: dict[str, Sequence[str] | None] = {"category": None if categories is None else list(categories)}
    if layer == "unsafe_places":
        values["safety"] = (safety,)
    return values


@dataclass(frozen=True)
class SafetyCounts:
    """Records counted per value of one field (``field``), unsafe and safe places apart.

    ``unsafe[code]`` and ``safe[code]`` are the records of each code of the
    field's vocabulary, then :data:`NOT_STATED` for records that leave it empty.
    """

    field: str
    unsafe: Mapping[str, int]
    safe: Mapping[str, int]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.unsafe)


@dataclass(frozen=True)
class ReportBreakdown:
    """A pledge's reports split by safety, and by the respondent's gender and age band.

    ``unsafe`` and ``safe`` count the records of each; ``by_gender`` and
    ``by_age`` count both kinds per gender and age band (records, as the hot
    spots count them). ``stated`` is how many unsafe places say a gender or an
    age at all: a comparison of women's and men's unsafety rests on those.
    """

    unsafe: int
    safe: int
    by_gender: SafetyCounts
    by_age: SafetyCounts

    @property
    def stated(self) -> int:
        """Unsafe places that say the respondent's gender or age band."""
        return max(
            self.unsafe - self.by_gender.unsafe[NOT_STATED],
            self.unsafe - self.by_age.unsafe[NOT_STATED],
        )


def _counts(records: gpd.GeoDataFrame, field: str, codes: tuple[str, ...]) -> SafetyCounts:
    keys = (*codes, NOT_STATED)
    split = {}
    for kind in vocab.PLACE_SAFETY:
        part = records[records["safety"] == kind] if len(records) else records
        values = part[field].where(part[field].isin(codes), NOT_STATED) if len(part) else part[field]
        counted = values.value_counts()
        split[kind] = {key: int(counted.get(key, 0)) for key in keys}
    return SafetyCounts(field, split[vocab.UNSAFE], split[vocab.SAFE])


def report_breakdown(records: gpd.GeoDataFrame) -> ReportBreakdown:
    """Unsafe and safe places counted apart, and each per respondent gender and age band.

    >>> from shapely.geometry import Point
    >>> places = gpd.GeoDataFrame({"safety": ["unsafe", "unsafe", "safe", "unsafe"],
    ...     "respondent_gender": ["woman", "man", "woman", None],
    ...     "respondent_age": ["16_24", None, "65_plus", "16_24"]}, geometry=[Point(0, 0)] * 4, crs=3006)
    >>> result = report_breakdown(places)
    >>> result.unsafe, result.safe, dict(result.by_gender.unsafe), result.by_age.safe["65_plus"], result.stated
    (3, 1, {'woman': 1, 'man': 1, 'other': 0, 'not_stated': 1}, 1, 2)
    """
    missing = [c for c in ("safety", "respondent_gender", "respondent_age") if c not in records.columns]
    if missing:
        raise ValueError(f"report_breakdown: expected unsafe places with the columns {', '.join(missing)}")
    safety = records["safety"]  # never empty in a store (validation fills the field's default)
    return ReportBreakdown(
        unsafe=int((safety == vocab.UNSAFE).sum()),
        safe=int((safety == vocab.SAFE).sum()),
        by_gender=_counts(records, "respondent_gender", vocab.RESPONDENT_GENDERS),
        by_age=_counts(records, "respondent_age", vocab.RESPONDENT_AGES),
    )


def pledge_breakdown(
    store: Store,
    pledge_id: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    categories: Sequence[str] | None = None,
) -> ReportBreakdown:
    """:func:`report_breakdown` of a pledge's unsafe and safe places (those the store's caller may read)."""
    values: dict[str, Sequence[str] | None] = {"category": None if categories is None else list(categories)}
    query = LayerQuery.build(values, pledge_id=pledge_id, start=start, end=end)
    return report_breakdown(store.read_layer("unsafe_places", query))
