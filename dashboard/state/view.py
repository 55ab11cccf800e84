"""The view's state and its form in the URL, so a copied link reopens the same view.

Parsing is forgiving (an unknown value in a hand-edited link falls back to
the default) and serialising leaves defaults out, so links stay short.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

from dashboard.i18n import DEFAULT_LANGUAGE, language
from geodata import LAYERS, LayerQuery, Pledge, layer_queries, vocab

CHOICES = {
    "layers": tuple(LAYERS),
    "categories": vocab.UNSAFE_CATEGORIES,
    "sources": vocab.REPORT_SOURCES,
    "statuses": vocab.SITE_STATUSES,
    "safeties": vocab.PLACE_SAFETY,
}


@dataclass(frozen=True)
class ViewState:
    pledge: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    promise: str | None = None
    layers: tuple[str, ...] = CHOICES["layers"]
    categories: tuple[str, ...] = CHOICES["categories"]
    sources: tuple[str, ...] = CHOICES["sources"]
    statuses: tuple[str, ...] = CHOICES["statuses"]
    # Unsafe places, safe places or both (the default: a store without safe places shows the unsafe ones alone).
    safeties: tuple[str, ...] = CHOICES["safeties"]
    # The period the layers seen only counted are counted over: one of the pledge's fixed public periods
    # (geodata.views.public.public_periods_of), never the dates above, which narrow the records a role reads.
    period: str = "all"
    lang: str = DEFAULT_LANGUAGE

    @classmethod
    def from_query(cls, query: dict[str, str]) -> ViewState:
        """Read the state from URL query parameters (as Dash Pages passes them to a layout)."""
        state = cls(lang=language(query.get("lang")))
        for name in ("pledge", "promise", "period"):
            if query.get(name):
                state = replace(state, **{name: query[name]})
        for name in ("start", "end"):
            try:
                state = replace(state, **{name: dt.date.fromisoformat(query.get(name) or "")})
            except ValueError:
                pass
        for name, allowed in CHOICES.items():
            if name in query:
                chosen = tuple(v for v in query[name].split(",") if v in allowed)
                state = replace(state, **{name: chosen})
        return state

    def to_query(self) -> str:
        """The query string (without ``?``) that :meth:`from_query` reads back to this state."""
        params: dict[str, str] = {}
        default = ViewState()
        for f in fields(self):
            value = getattr(self, f.name)
            if value == getattr(default, f.name):
                continue
            if isinstance(value, tuple):
                params[f.name] = ",".join(value)
            elif isinstance(value, dt.date):
                params[f.name] = value.isoformat()
            else:
                params[f.name] = str(value)
        return urlencode(params, safe=",")


def state_queries(state: ViewState, pledge: Pledge) -> dict[str, LayerQuery]:
    """The queries of the layers the view ``state`` shows (what each filter means is :mod:`geodata.views.filters`)."""
    return layer_queries(
        pledge,
        state.layers,
        start=state.start,
        end=state.end,
        categories=state.categories,
        sources=state.sources,
        statuses=state.statuses,
        promise=state.promise,
        safeties=state.safeties,
    )
