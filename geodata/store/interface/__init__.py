"""The store's interface, one small abstract class per concern.

:class:`geodata.store.base.Store` is all of them together; a reader looking
for what a store does with accounts reads :mod:`.accounts`, not the whole
interface. Each module holds one class and the types its methods take.
"""

from __future__ import annotations

from geodata.store.interface.accounts import AccountStore
from geodata.store.interface.audit import AuditStore
from geodata.store.interface.copies import CopyStore
from geodata.store.interface.events import EventStore
from geodata.store.interface.followup import FollowUpStore
from geodata.store.interface.layers import LayerQuery, LayerStore
from geodata.store.interface.pledges import PledgeStore
from geodata.store.interface.readlog import ReadLogStore
from geodata.store.interface.retention import RetentionStore
from geodata.store.interface.settings import SettingsStore
from geodata.store.interface.signin import SignInStore
from geodata.store.interface.surveys import SurveyStore

__all__ = [
    "AccountStore",
    "AuditStore",
    "CopyStore",
    "EventStore",
    "FollowUpStore",
    "LayerQuery",
    "LayerStore",
    "PledgeStore",
    "ReadLogStore",
    "RetentionStore",
    "SettingsStore",
    "SignInStore",
    "SurveyStore",
]
