"""Which reports an analysis of a pledge counts, as the analysis page's filters choose them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from geodata.analysis.getisord import pledge_points
from geodata.store.base import Store


def chosen_reports(
    store: Store,
    pledge_id: str,
    categories: Iterable[str],
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[gpd.GeoDataFrame, BaseGeometry]:
    """The pledge's reports (those the store's caller may read) in the ticked ``categories``, and its municipality's area.

    Unlike :func:`~geodata.analysis.getisord.pledge_points`, where no categories
    means every category, no category ticked here counts no report: the map
    then shows an empty analysis rather than silently all of them.
    """
    chosen = list(categories)
    records, area = pledge_points(store, pledge_id, start=start, end=end, categories=chosen or None)
    return (records if chosen else records.iloc[:0]), area
