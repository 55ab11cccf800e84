"""A view's filters as queries: what each map filter means for each layer, the same for the map and its exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from geodata.layers import get_layer
from geodata.model import Pledge
from geodata.store.base import LayerQuery
from geodata.views.progress import evidence_query

# Which of a view's filters apply to which layer (a layer not named here is not one a view shows).
FILTERED_FIELDS = {
    "unsafe_places": ("category", "source", "safety"),
    "inventoried_sites": ("status",),
    "operations": (),
}


def layer_queries(
    pledge: Pledge,
    layers: Iterable[str],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    categories: Iterable[str] | None = None,
    sources: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    promise: str | None = None,
    safeties: Iterable[str] | None = None,
) -> dict[str, LayerQuery]:
    """One query per layer shown; a chosen promise narrows its evidence layer to the records delivering it.

    Parameters
    ----------
    pledge
        The pledge whose records are shown.
    layers
        The layers shown, in the order they are drawn.
    start, end
        The time range (either end open when ``None``).
    categories, sources, statuses, safeties
        The chosen values of the unsafe places' ``category``, ``source`` and ``safety`` (unsafe places, safe
        places or both) and the sites' ``status``.
    promise
        A promise's id: its evidence layer shows only the records that deliver it, as its progress counts
        them (:func:`geodata.views.progress.evidence_query`: of its kinds, dated within its period).
    """
    common = dict(pledge_id=pledge.id, start=start, end=end)
    # A filter not chosen (None) sets no condition and is left out; each choice is read once, as a tuple.
    given = {"category": categories, "source": sources, "status": statuses, "safety": safeties}
    chosen_values = {name: tuple(values) for name, values in given.items() if values is not None}
    chosen_promise = next((p for p in pledge.promises if p.id == promise), None)
    queries = {}
    for layer in layers:
        # Every choice of a field that is never empty (required, or with a default) chosen filters nothing: left
        # out, the store's index does less work.
        spec = get_layer(layer)
        wanted: dict[str, list[str] | tuple[str, ...]] = {
            name: chosen_values[name]
            for name in FILTERED_FIELDS[layer]
            if name in chosen_values
            and not (
                (spec.field(name).required or spec.field(name).default is not None)
                and set(chosen_values[name]) >= set(spec.field(name).choices)
            )
        }
        extra: dict[str, Any] = {}
        bounds: dict[str, Any] = common
        if chosen_promise is not None and chosen_promise.evidence.layer == layer:
            evidence = evidence_query(pledge, chosen_promise)
            extra["promise_id"] = chosen_promise.id
            wanted.update(evidence.values)
            # The view's time range within the promise's period: what lies outside it delivers nothing.
            bounds = dict(
                pledge_id=pledge.id,
                start=evidence.start if start is None else max(start, evidence.start or start),
                end=evidence.end if end is None else min(end, evidence.end or end),
            )
        queries[layer] = LayerQuery.build(wanted, **bounds, **extra)
    return queries
