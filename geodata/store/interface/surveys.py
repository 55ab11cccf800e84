"""Results of safety surveys: one value per area, year, indicator and group, and each indicator described once."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

import geopandas as gpd

from geodata.surveys import Indicator


class SurveyStore(ABC):
    """Survey results, imported whole and read by municipality and indicator."""

    @abstractmethod
    def write_survey_results(
        self,
        results: gpd.GeoDataFrame,
        replace: bool = False,
        actor: str = "local",
        indicators: Iterable[Indicator] = (),
        dry_run: bool = False,
    ) -> tuple[int, int]:
        """Store survey results (columns as ``SURVEY_COLUMNS``, geometry optional, EPSG:3006) and the
        ``indicators``' descriptions; all or none.

        A result for an area, year, indicator and group already stored with
        another value (or n, interval, break) is refused
        (:class:`~geodata.errors.ValidationError` naming it) unless
        ``replace``; one stored without what is given now is completed. The
        same for an indicator described otherwise before. Returns (new,
        replaced); a ``dry_run`` makes every check and stores nothing.
        """

    @abstractmethod
    def read_survey_results(
        self, municipality_code: str | None = None, indicator: str | None = None
    ) -> gpd.GeoDataFrame:
        """Stored survey results, by indicator, area, group and year."""

    @abstractmethod
    def read_indicators(self) -> dict[str, Indicator]:
        """The described indicators, by name."""
