"""The standalone map's words: the dashboard's catalogues, with this export's own under ``standalone.``."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.i18n import catalogue, translator


class Words:
    """The dashboard's catalogues: this export's own words under ``standalone.``, shared ones as the pages say them."""

    PREFIX = "standalone."

    def __init__(self, lang: str):
        self.lang = lang
        self._catalogue = translator(lang)
        self._words = catalogue(lang)

    def t(self, key: str, **values: object) -> str:
        own = self.PREFIX + key
        return self._catalogue(own if own in self._words else key, **values)

    def count(self, key: str, count: int) -> str:
        """``key`` with ``count`` filled in; its count words follow the count (see :func:`dashboard.i18n.fill`)."""
        return self.t(key, count=count)

    def date(self, day: dt.date | pd.Timestamp) -> str:
        return f"{day.day} {self._months()[day.month - 1]} {day.year}"

    def month(self, key: str) -> str:
        """``"2024-03"`` as ``"mars 2024"``."""
        year, month = key.split("-")
        return f"{self._months()[int(month) - 1]} {year}"

    def _months(self) -> list[str]:
        return self._words[self.PREFIX + "months"].split()
