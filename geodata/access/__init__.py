"""Who may see and change what: the access rules, the guarded store every request reads through, and accounts.

The rules live once, in :mod:`geodata.access.rules`; :class:`GuardedStore`
applies them to every read and write, whoever the caller is (page, export,
API, command line).
"""

from geodata.access.guarded import GuardedStore, figures_store
from geodata.access.rules import (
    LOCAL_ADMIN,
    PUBLIC,
    PUBLIC_VIEWER,
    RECORD_ROLES,
    AccessError,
    Viewer,
    check_write,
    readable_query,
)

__all__ = [
    "LOCAL_ADMIN",
    "PUBLIC",
    "PUBLIC_VIEWER",
    "RECORD_ROLES",
    "AccessError",
    "GuardedStore",
    "Viewer",
    "check_write",
    "figures_store",
    "readable_query",
]
