"""The records chosen on a map (a box or lasso selection), in the order a table lists them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geodata.access import AccessError, describe_query, log_read
from geodata.layers import LAYERS, get_layer
from geodata.store.base import LayerQuery, Store


@dataclass(frozen=True)
class SelectedRecord:
    layer: str
    record: dict[str, Any]  # the record's fields as the store returns them (no geometry)

    @property
    def when(self) -> pd.Timestamp | None:
        """The record's date on its layer's time field (an operation's start), or None (a site not yet inspected)."""
        value = self.record.get(get_layer(self.layer).time_field)
        return None if value is None or pd.isna(value) else pd.Timestamp(value)


def selected_records(store: Store, ids: Iterable[str]) -> list[SelectedRecord]:
    """The records of ``ids`` the caller may read, by layer (in the map's order), then newest first, undated last.

    A layer the caller sees only aggregated gives none: a selection never reads
    past the guard. The records chosen are a list handed to the caller: logged
    (:func:`~geodata.access.log_read`) before they are returned.
    """
    wanted = tuple(sorted(set(ids)))
    if not wanted:
        return []
    chosen: list[SelectedRecord] = []
    for layer in LAYERS:
        try:
            found = store.read_layer(layer, LayerQuery(ids=wanted))
        except AccessError:
            continue
        records = [SelectedRecord(layer, row) for row in found.drop(columns=found.geometry.name).to_dict("records")]
        dated = sorted((r for r in records if r.when is not None), key=lambda r: (r.when, r.record["id"]), reverse=True)
        chosen.extend(dated + sorted((r for r in records if r.when is None), key=lambda r: r.record["id"]))
    shown: dict[str, list[str]] = {}
    for item in chosen:
        shown.setdefault(item.layer, []).append(item.record["id"])
    log_read(store, "list", shown, describe_query(selected=len(wanted)))
    return chosen
