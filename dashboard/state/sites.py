"""The state of the sites worklist's filters and its form in the URL, so a copied link reopens the same list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from dashboard.i18n import DEFAULT_LANGUAGE
from geodata import vocab


@dataclass(frozen=True)
class SitesState:
    """The worklist's filters as the page shows them; the defaults are what a link without them shows."""

    pledge: str | None = None
    owners: tuple[str, ...] = ()
    types: tuple[str, ...] = vocab.SITE_TYPES
    statuses: tuple[str, ...] = vocab.OPEN_SITE_STATUSES
    due: dt.date | None = None
    overdue: bool = False
    lang: str = DEFAULT_LANGUAGE

    def to_query(self) -> str:
        """The query string (without ``?``): the pledge always, the other filters where they are not the default."""
        params: dict[str, str | None] = {"pledge": self.pledge}
        if self.owners:
            params["owner"] = ",".join(self.owners)
        if self.types != vocab.SITE_TYPES:
            params["types"] = ",".join(self.types)
        if self.statuses != vocab.OPEN_SITE_STATUSES:
            params["status"] = ",".join(self.statuses)
        if self.due:
            params["due"] = self.due.isoformat()
        if self.overdue:
            params["overdue"] = "1"
        if self.lang != DEFAULT_LANGUAGE:
            params["lang"] = self.lang
        return urlencode(params, safe=",")
