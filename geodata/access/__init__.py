"""Who may see and change what: the access rules, the guarded store every request reads through, and accounts.

The rules live once, in :mod:`geodata.access.rules`; :class:`GuardedStore`
applies them to every read and write, whoever the caller is (page, export,
API, command line).
"""

from geodata.access.guarded import GuardedStore, figures_store, log_read
from geodata.access.masking import masked_for, viewer_of
from geodata.access.readlog import READ_ACTIONS, ReadLogError, describe_query
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
    "READ_ACTIONS",
    "RECORD_ROLES",
    "AccessError",
    "ReadLogError",
    "GuardedStore",
    "Viewer",
    "check_import",
    "check_write",
    "describe_query",
    "figures_store",
    "log_read",
    "masked_for",
    "may_change_pledges",
    "may_use_page",
    "readable_query",
    "reads_records",
    "viewer_of",
]
