"""What the standalone map for citizen dialogues shows: the records themselves, or counts per hexagon.

The public variant always shows the counts of :mod:`geodata.views.public`.
The full variant shows the records, unless more of them are in view than a
browser can take as markers (:data:`MAX_MARKERS`): then it shows counts per
hexagon like the public map, so the file stays small and opens fast. Those
counts keep the public minimum for a viewer who may not read the unsafe places
themselves; for anyone else every count is shown, as the records would be.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import geopandas as gpd

from geodata.access import AccessError, describe_query, log_read, masked_for, readable_query, viewer_of
from geodata.layers import LAYERS
from geodata.store.base import LayerQuery, Store
from geodata.views.drawing import drawn_frame
from geodata.views.public import (
    AREA_HEX_M,
    PLACE_HEX_M,
    PRESENT_HEX_M,
    PublicView,
    counted_view,
    public_view,
)

MAX_MARKERS = 5_000  # above this many records in view, the full map shows counts per hexagon

# The layers the map draws, and whose records count towards MAX_MARKERS.
MAP_LAYERS = ("unsafe_places", "inventoried_sites", "operations")


@dataclass(frozen=True)
class MapRecords:
    """The records the full variant draws, one frame per layer as the store returns them (EPSG:3006).

    Their geometries are as a map draws them (:func:`~geodata.views.drawing.drawn_frame`): a shape holding
    more vertices than its budget is simplified; the store keeps the original.
    """

    unsafe_places: gpd.GeoDataFrame
    inventoried_sites: gpd.GeoDataFrame
    operations: gpd.GeoDataFrame

    @property
    def demo(self) -> bool:
        """Whether any record drawn is generated demo data."""
        frames = (self.unsafe_places, self.inventoried_sites, self.operations)
        return any(bool(frame["demo"].any()) for frame in frames if not frame.empty)


@dataclass(frozen=True)
class StandaloneView:
    """What the standalone map shows: ``records`` (the full variant) or ``counts`` (public, or too many records).

    ``query`` is the query read, restricted to the pledge; ``in_view`` is how many
    records the full variant's query selects (0 for the public variant), and
    ``max_markers`` the most it draws as markers.
    """

    query: LayerQuery
    in_view: int
    max_markers: int
    records: MapRecords | None = None
    counts: PublicView | None = None

    @property
    def aggregated(self) -> bool:
        """Whether the full variant is drawn as counts because more records are in view than it draws as markers."""
        return self.in_view > self.max_markers

    @property
    def demo(self) -> bool:
        """Whether any record read is generated demo data."""
        if self.counts is not None:
            return self.counts.demo
        return self.records is not None and self.records.demo


def standalone_view(
    store: Store,
    pledge_id: str,
    query: LayerQuery | None = None,
    *,
    public: bool = False,
    include_internal: bool = False,
    presentation: bool = False,
    period: str | None = None,
) -> StandaloneView:
    """What the standalone map of ``pledge_id`` shows of the records ``query`` selects, read from ``store``.

    Parameters
    ----------
    store : Store
        Where the layers are read from (a :class:`~geodata.access.GuardedStore` narrows them to its viewer).
    pledge_id : str
        The pledge shown; ``query`` is always restricted to it.
    query : LayerQuery, optional
        Narrows the records the full variant reads (the dashboard's current filters); the public variant
        reads no query: it is counted over the pledge and ``period`` only.
    public : bool
        The public variant: aggregated counts only (see :mod:`geodata.views.public`).
    period : str, optional
        The public variant's period, one of the pledge's fixed periods
        (:func:`~geodata.views.public.public_periods_of`); the whole period if not given.
    include_internal : bool
        The full variant shows internal operations too (who may is decided by the caller).
    presentation : bool
        The public variant laid out for a room: every layer counted on the coarser
        :data:`~geodata.views.public.PRESENT_HEX_M` grid (the same minimum count), so each count can be
        written on its cell.
    """
    if public and include_internal:
        raise ValueError(
            "include_internal=True cannot be combined with public=True: the public map never shows internal operations"
        )
    if public:
        place, area = (PRESENT_HEX_M, PRESENT_HEX_M) if presentation else (PLACE_HEX_M, AREA_HEX_M)
        counts = public_view(store, pledge_id, period, place_size_m=place, area_size_m=area)
        return StandaloneView(LayerQuery(pledge_id=pledge_id), 0, MAX_MARKERS, counts=counts)
    if period is not None:
        raise ValueError("period applies to the public variant; the full variant is narrowed by its query")
    query = dataclasses.replace(query or LayerQuery(), pledge_id=pledge_id)
    in_view = records_in_view(store, query, include_internal)
    if in_view > MAX_MARKERS:
        # Every count exact (this is not the public variant), unless the viewer may not read the reports
        # themselves: then the public view's, over the whole period (a query of its own could be differenced).
        counts = counted_view(store, query) if reads_reports(store) else public_view(store, pledge_id)
        return StandaloneView(query, in_view, MAX_MARKERS, counts=counts)
    # Drawn shapes: a file a browser must open, so a record's geometry is within its vertex budget.
    # The popups' free text masked for a viewer who may not read a layer (the reads refuse one first).
    viewer = viewer_of(store)
    records = MapRecords(
        unsafe_places=drawn_frame(masked_for(viewer, "unsafe_places", store.read_layer("unsafe_places", query))),
        inventoried_sites=drawn_frame(
            masked_for(viewer, "inventoried_sites", store.read_layer("inventoried_sites", query))
        ),
        operations=drawn_frame(
            masked_for(
                viewer,
                "operations",
                store.read_layer("operations", readable_query("operations", query, include_internal)),
            )
        ),
    )
    # The map file holds these records, each with its details: an export of them, logged before it is made.
    asked = describe_query(query, format="html", include_internal=include_internal)
    log_read(store, "export", {name: getattr(records, name)["id"] for name in LAYERS}, asked)
    return StandaloneView(query, in_view, MAX_MARKERS, records=records)


def reads_reports(store: Store) -> bool:
    """Whether the caller may read unsafe-place records (else even a large view keeps the public minimum counts)."""
    viewer = getattr(store, "viewer", None)
    if viewer is None:
        return True
    try:
        readable_query("unsafe_places", viewer=viewer)
    except AccessError:
        return False
    return True


def records_in_view(store: Store, query: LayerQuery, include_internal: bool = False) -> int:
    """How many records of the map's layers ``query`` selects that the caller may read (internal operations only
    with ``include_internal``); a layer the caller may not read counts none."""
    total = 0
    for layer in MAP_LAYERS:
        try:
            total += store.count(layer, readable_query(layer, query, include_internal))
        except AccessError:
            continue
    return total
