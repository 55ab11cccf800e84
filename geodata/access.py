"""Who may see what: the access rules, written once and applied where data is read.

Until sign-in and roles exist, there is one rule: police-internal operations
(``visibility`` = ``internal``) reach only a caller that asks for them
explicitly (the command line can; downloads, standalone maps, the public map
and the OGC API do not). The roles issue replaces ``include_internal`` with
the caller's role, in this module, so every reader keeps going through it.
"""

from __future__ import annotations

from dataclasses import replace

from .layers import get_layer
from .store.base import LayerQuery

PUBLIC = "public"


def readable_query(layer: str, query: LayerQuery | None = None, include_internal: bool = False) -> LayerQuery:
    """``query`` narrowed to the records a caller may read.

    >>> readable_query("operations").values
    (('visibility', ('public',)),)
    >>> readable_query("operations", include_internal=True).values, readable_query("unsafe_places").values
    ((), ())
    """
    query = query or LayerQuery()
    spec = get_layer(layer)
    if include_internal or "visibility" not in spec.field_names:
        return query
    values = dict(query.values)
    asked = values.get("visibility", (PUBLIC,))
    values["visibility"] = tuple(v for v in asked if v == PUBLIC)
    return replace(query, values=tuple(sorted(values.items())))
