"""Swedish time: the zone every date a user reads is in, and today's date there.

Stored times are UTC; a day, a month or "today" is Swedish. A server that
runs on UTC would otherwise judge progress a day early for the first hours
after Swedish midnight.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL_TZ_NAME = "Europe/Stockholm"
LOCAL_TZ = ZoneInfo(LOCAL_TZ_NAME)


def today() -> dt.date:
    """Today's date in Sweden."""
    return dt.datetime.now(LOCAL_TZ).date()
