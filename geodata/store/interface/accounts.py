"""The accounts that may sign in."""

from __future__ import annotations

from abc import ABC, abstractmethod

from geodata.records import Account


class AccountStore(ABC):
    """Accounts, by username; every change audited."""

    @abstractmethod
    def save_user(self, user: Account, actor: str = "local") -> None:
        """Insert or replace an account (by username)."""

    @abstractmethod
    def get_user(self, username: str) -> Account | None:
        """The account called ``username``, or ``None``."""

    @abstractmethod
    def list_users(self) -> list[Account]:
        """Every account, by username."""

    @abstractmethod
    def delete_user(self, username: str, actor: str = "local") -> bool:
        """Remove an account; whether there was one."""
