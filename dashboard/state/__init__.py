"""State a user carries in the address: the map view and a table page, each with its URL form."""

from __future__ import annotations

import datetime as dt


def parse_date(value: str | None) -> dt.date | None:
    """A date input's value ("YYYY-MM-DD") as a date; nothing for an empty or unreadable one."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
