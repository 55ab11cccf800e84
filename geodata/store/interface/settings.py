"""Settings an admin makes in the store itself, so that every worker sees them."""

from __future__ import annotations

from abc import ABC, abstractmethod


class SettingsStore(ABC):
    """Text settings by key."""

    @abstractmethod
    def read_setting(self, key: str) -> str | None:
        """A setting an admin made in the store (such as the pledge of the presentation mode), or ``None``."""

    @abstractmethod
    def write_setting(self, key: str, value: str | None, actor: str = "local") -> None:
        """Set or (with ``None``) clear a setting; audited."""
