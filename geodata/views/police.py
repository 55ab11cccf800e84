"""The police's published events beside a pledge: context for its problem picture, not evidence of its promises."""

from __future__ import annotations

import pandas as pd

from geodata.model import Pledge
from geodata.store.base import Store


def pledge_events(store: Store, pledge: Pledge) -> pd.DataFrame:
    """The events published in the pledge's municipality during its period (first and last day included)."""
    return store.read_police_events(pledge.municipality.code, pledge.period.start, pledge.period.end)
