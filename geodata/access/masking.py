"""Free text masked for a viewer who may not read a layer's records: the last guard of every export and feed.

A role that sees a layer only as the public aggregation is refused its
records by :func:`~geodata.access.rules.readable_query` already. Every path
that writes records out for a viewer (the exports, the standalone map's
popups, the worklist file, the OGC API) still passes what it read through
:func:`masked_for` before it writes: should a read ever reach such a viewer
without the guard (a new figure reading beneath it, a store handed over
unguarded), the names, phone numbers, e-mail addresses and personnummer in
the free text still do not (:mod:`geodata.privacy`).
"""

from __future__ import annotations

from typing import Any

from geodata.access.rules import Viewer, reads_records
from geodata.privacy import FREE_TEXT, masked


def masked_for(viewer: Viewer | None, layer: str, frame: Any) -> Any:
    """``frame`` (records of ``layer``) with its free text masked unless ``viewer`` may read the layer's records.

    ``viewer`` ``None`` is the store's own caller (the command line given the store file), who reads
    everything. The frame is copied when anything is masked, never changed in place.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"description": ["Ring Bo Ek 070-123 45 67"]})
    >>> masked_for(Viewer("public"), "unsafe_places", frame)["description"][0]
    'Ring [namn] [telefon]'
    >>> masked_for(Viewer("municipality", "kim"), "unsafe_places", frame)["description"][0]
    'Ring Bo Ek 070-123 45 67'
    """
    if viewer is None or reads_records(viewer, layer):
        return frame
    columns = [c for c in FREE_TEXT.get(layer, ()) if c in getattr(frame, "columns", ())]
    if not columns:
        return frame
    frame = frame.copy()
    for column in columns:
        frame[column] = frame[column].map(masked)
    return frame


def viewer_of(store: Any) -> Viewer | None:
    """The viewer a store reads for (a :class:`~geodata.access.GuardedStore`'s), or ``None`` for the store itself."""
    return getattr(store, "viewer", None)
