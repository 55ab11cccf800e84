"""Who may see and change what: the access rules, the guarded store every request reads through, and accounts.

The rules live once, in :mod:`geodata.access.rules`; :class:`GuardedStore`
applies them to every read and write, whoever the caller is (page, export,
API, command line).
"""

from geodata.access.guarded import GuardedStore, figures_store
from geodata.access.masking import masked_for, viewer_of
from geodata.access.rules import (
    ALL_ROLES,
    LOCAL_ADMIN,
    PAGE_ROLES,
    PUBLIC,
    PUBLIC_VIEWER,
    RECORD_ROLES,
    AccessError,
    Viewer,
    check_import,
    check_write,
    may_change_pledges,
    may_use_page,
    readable_query,
    reads_records,
)

__all__ = [
    "ALL_ROLES",
    "LOCAL_ADMIN",
    "PAGE_ROLES",
    "PUBLIC",
    "PUBLIC_VIEWER",
    "RECORD_ROLES",
    "AccessError",
    "GuardedStore",
    "Viewer",
    "check_import",
    "check_write",
    "figures_store",
    "masked_for",
    "may_change_pledges",
    "may_use_page",
    "readable_query",
    "reads_records",
    "viewer_of",
]
