"""Results of safety surveys: one value per area, year and indicator."""

from __future__ import annotations

from abc import ABC, abstractmethod

import geopandas as gpd


class SurveyStore(ABC):
    """Survey results, imported whole and read by municipality and indicator."""

    @abstractmethod
    def write_survey_results(
        self, results: gpd.GeoDataFrame, replace: bool = False, actor: str = "local"
    ) -> tuple[int, int]:
        """Store survey results (columns as ``SURVEY_COLUMNS``, geometry optional, EPSG:3006); all or none.

        A result for an area, year and indicator already stored with another
        value is refused (:class:`~geodata.errors.ValidationError` naming it)
        unless ``replace``. Returns (new, replaced).
        """

    @abstractmethod
    def read_survey_results(
        self, municipality_code: str | None = None, indicator: str | None = None
    ) -> gpd.GeoDataFrame:
        """Stored survey results, by indicator, area and year."""
