"""The backend-neutral store interface.

The dashboard, the CLI and the tests talk to a :class:`Store`; the GeoPackage
file is the embedded default, and a PostGIS backend fits behind the same
methods. ``Store`` is composed of one small interface per concern (pledges,
layers, accounts, sign-in counters, surveys, police events, settings, retention, audit,
the read log, whole-store copies), each in :mod:`geodata.store.interface`.
"""

from __future__ import annotations

from abc import abstractmethod

from geodata.records import AuditEntry, LayerExtent
from geodata.store.interface import (
    AccountStore,
    AuditStore,
    CopyStore,
    EventStore,
    FollowUpStore,
    LayerQuery,
    LayerStore,
    PledgeStore,
    ReadLogStore,
    RetentionStore,
    SettingsStore,
    SignInStore,
    SurveyStore,
)

__all__ = ["AuditEntry", "LayerExtent", "LayerQuery", "Store"]


class Store(
    PledgeStore,
    LayerStore,
    AccountStore,
    SignInStore,
    SurveyStore,
    EventStore,
    FollowUpStore,
    SettingsStore,
    RetentionStore,
    AuditStore,
    ReadLogStore,
    CopyStore,
):
    """Pledges, promises and the three layers, read and written as whole, validated units."""

    @abstractmethod
    def schema_version(self) -> int:
        """The schema version of the stored data."""

    def close(self) -> None:  # noqa: B027 (a backend that holds nothing open need not close anything)
        """Release what the store holds open."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
