"""The state of the overview of every pledge in the address: scope, year, themes, the table's search, sort and page."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any
from urllib.parse import urlencode

from dashboard.i18n import DEFAULT_LANGUAGE, language
from geodata.regions import COUNTRY
from geodata.themes import THEMES


def _first(value: Any) -> str | None:
    return value[0] if isinstance(value, list) and value else value if isinstance(value, str) else None


@dataclass(frozen=True)
class RegionalState:
    """The page as it shows: the defaults are what a link without them shows.

    ``scope`` is a :attr:`geodata.regions.Scope.key` as the address wrote it (an unknown one is kept, for the
    page to say so); ``year`` None is the domain's default year.

    >>> state = RegionalState.from_query({"scope": "region-vast", "themes": "traffic,youth,nonsense", "page": "x"})
    >>> state.themes, state.page, state.to_query()
    (('traffic', 'youth'), 1, 'scope=region-vast&themes=traffic,youth')
    """

    scope: str = COUNTRY
    year: int | None = None
    themes: tuple[str, ...] = ()
    q: str = ""
    sort: str | None = None
    desc: bool = False
    page: int = 1
    lang: str = DEFAULT_LANGUAGE

    @classmethod
    def from_query(cls, query: dict[str, Any]) -> RegionalState:
        def number(name: str) -> int | None:
            try:
                return int(_first(query.get(name)) or "")
            except ValueError:
                return None

        themes = (_first(query.get("themes")) or "").split(",")
        return cls(
            scope=(_first(query.get("scope")) or COUNTRY).strip().lower() or COUNTRY,
            year=number("year"),
            themes=tuple(code for code in THEMES if code in themes),
            q=_first(query.get("q")) or "",
            sort=_first(query.get("sort")) or None,
            desc=_first(query.get("desc")) == "1",
            page=max(1, number("page") or 1),
            lang=language(_first(query.get("lang"))),
        )

    def to_query(self) -> str:
        default = RegionalState()
        params = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value == getattr(default, f.name):
                continue
            if f.name == "themes":
                params[f.name] = ",".join(value)
            else:
                params[f.name] = "1" if value is True else str(value)
        return urlencode(params, safe=",")

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "themes": list(self.themes)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RegionalState:
        values = {f.name: data.get(f.name, f.default) for f in fields(cls)}
        return cls(**{**values, "themes": tuple(values["themes"] or ())})

    def sorted_by(self, column: str) -> RegionalState:
        """Sort by ``column``; a second click on the same column reverses the order."""
        if self.sort == column:
            return replace(self, desc=not self.desc, page=1)
        return replace(self, sort=column, desc=False, page=1)
