"""The state of a table page (which pledge, layer, search, sort, page and selected record) and its URL form."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any
from urllib.parse import urlencode

from dashboard.i18n import DEFAULT_LANGUAGE, language
from geodata import LAYERS


@dataclass(frozen=True)
class TableState:
    """A table page as it shows: the defaults are what a link without them shows.

    ``saved`` counts the changes saved on the page (not in the address): a new
    count redraws the table and the chosen record, which stay on their page,
    sort and selection.
    """

    pledge: str | None = None
    layer: str = "unsafe_places"
    q: str = ""
    sort: str | None = None
    desc: bool = False
    page: int = 1
    record: str | None = None
    lang: str = DEFAULT_LANGUAGE
    saved: int = 0

    @classmethod
    def from_query(cls, query: dict[str, Any], default_layer: str = "unsafe_places") -> TableState:
        def first(name: str) -> str | None:
            value = query.get(name)
            return value[0] if isinstance(value, list) else value

        try:
            page = max(1, int(first("page") or 1))
        except ValueError:
            page = 1
        layer = first("layer")
        return cls(
            pledge=first("pledge") or None,
            layer=layer if layer in LAYERS else default_layer,
            q=first("q") or "",
            sort=first("sort") or None,
            desc=first("desc") == "1",
            page=page,
            record=first("record") or None,
            lang=language(first("lang")),
        )

    def to_query(self, default_layer: str = "unsafe_places") -> str:
        default = replace(TableState(), layer=default_layer)
        params = {}
        for f in fields(self):
            if f.name == "saved":
                continue  # the page's own count, not part of what a link shows
            value = getattr(self, f.name)
            if value == getattr(default, f.name):
                continue
            params[f.name] = "1" if value is True else str(value)
        return urlencode(params)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TableState:
        return cls(**{f.name: data.get(f.name, f.default) for f in fields(cls)})

    def sorted_by(self, column: str) -> TableState:
        """Sort by ``column``; a second click on the same column reverses the order."""
        if self.sort == column:
            return replace(self, desc=not self.desc, page=1)
        return replace(self, sort=column, desc=False, page=1)
