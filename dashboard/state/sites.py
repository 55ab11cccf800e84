"""The state of the sites worklist in the URL: its filters, sort, page and chosen site, so a copied link reopens it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlencode

from dashboard.i18n import DEFAULT_LANGUAGE, language
from geodata import vocab


def _first(value: Any) -> str | None:
    return value[0] if isinstance(value, list) and value else value if isinstance(value, str) else None


def _split(value: Any, allowed: tuple[str, ...] | None = None) -> tuple[str, ...] | None:
    """A comma list from the address (``None`` where it is not given: the default applies)."""
    text = _first(value)
    if text is None:
        return None
    items = [v for v in text.split(",") if v]
    return tuple(v for v in items if v in allowed) if allowed else tuple(items)


@dataclass(frozen=True)
class SitesState:
    """The worklist as the page shows it; the defaults are what a link without them shows.

    ``saved`` counts the steps saved on the page (not in the address): a new
    count redraws the list and the chosen site, which stay on their page, sort
    and selection.
    """

    pledge: str | None = None
    owners: tuple[str, ...] = ()
    types: tuple[str, ...] = vocab.SITE_TYPES
    statuses: tuple[str, ...] = vocab.WORKLIST_STATUSES
    due: dt.date | None = None
    overdue: bool = False
    lang: str = DEFAULT_LANGUAGE
    sort: str | None = None
    desc: bool = False
    page: int = 1
    record: str | None = None
    saved: int = 0

    @classmethod
    def from_query(cls, query: dict[str, Any]) -> SitesState:
        """The state a link asks for; what it leaves out, or gives wrong, is the default."""
        try:
            page = max(1, int(_first(query.get("page")) or 1))
        except ValueError:
            page = 1
        due = _first(query.get("due"))
        try:
            due_on = dt.date.fromisoformat(due) if due else None
        except ValueError:
            due_on = None
        types = _split(query.get("types"), vocab.SITE_TYPES)
        statuses = _split(query.get("status"), vocab.SITE_STATUSES)
        return cls(
            pledge=_first(query.get("pledge")) or None,
            owners=_split(query.get("owner")) or (),
            types=types if types is not None else vocab.SITE_TYPES,
            statuses=statuses if statuses is not None else vocab.WORKLIST_STATUSES,
            due=due_on,
            overdue=_first(query.get("overdue")) == "1",
            lang=language(_first(query.get("lang"))),
            sort=_first(query.get("sort")) or None,
            desc=_first(query.get("desc")) == "1",
            page=page,
            record=_first(query.get("record")) or None,
        )

    def to_query(self) -> str:
        """The query string (without ``?``): the pledge always, the rest where it is not the default."""
        params: dict[str, str | None] = {"pledge": self.pledge}
        if self.owners:
            params["owner"] = ",".join(self.owners)
        if self.types != vocab.SITE_TYPES:
            params["types"] = ",".join(self.types)
        if self.statuses != vocab.WORKLIST_STATUSES:
            params["status"] = ",".join(self.statuses)
        if self.due:
            params["due"] = self.due.isoformat()
        if self.overdue:
            params["overdue"] = "1"
        if self.lang != DEFAULT_LANGUAGE:
            params["lang"] = self.lang
        if self.sort:
            params["sort"] = self.sort
        if self.desc:
            params["desc"] = "1"
        if self.page != 1:
            params["page"] = str(self.page)
        if self.record:
            params["record"] = self.record
        return urlencode(params, safe=",")

    def to_dict(self) -> dict[str, Any]:
        """As the page's store keeps it (JSON: lists and an ISO date)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data.update(owners=list(self.owners), types=list(self.types), statuses=list(self.statuses))
        data["due"] = self.due.isoformat() if self.due else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SitesState:
        values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        for name in ("owners", "types", "statuses"):
            if name in values:
                values[name] = tuple(values[name] or ())
        if values.get("due"):
            values["due"] = dt.date.fromisoformat(values["due"])
        return cls(**values)

    def sorted_by(self, column: str) -> SitesState:
        """Sort by ``column``; a second press on the same column reverses the order. The chosen site stays chosen."""
        if self.sort == column:
            return replace(self, desc=not self.desc, page=1)
        return replace(self, sort=column, desc=False, page=1)
