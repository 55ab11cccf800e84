"""Events the police publish through their events API."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod

import pandas as pd

from geodata.records import PoliceEvent


class EventStore(ABC):
    """Police events, stored once each by their id."""

    @abstractmethod
    def write_police_events(self, events: list[PoliceEvent], actor: str = "local") -> tuple[int, int]:
        """Store events of the police's events API; returns (new, already stored). All land or none do."""

    @abstractmethod
    def read_police_events(
        self, municipality_code: str | None = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        """Stored police events, for one municipality and a range of publication dates (Swedish time), or all."""
