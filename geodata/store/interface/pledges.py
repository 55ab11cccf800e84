"""Pledges and their promises, read and saved as whole documents."""

from __future__ import annotations

from abc import ABC, abstractmethod

from geodata.model import Pledge


class PledgeStore(ABC):
    """Pledges with their promises."""

    @abstractmethod
    def list_pledges(self) -> list[Pledge]:
        """Every pledge, ordered by start of period and id."""

    @abstractmethod
    def get_pledge(self, pledge_id: str) -> Pledge:
        """The pledge with ``pledge_id``; raises :class:`~geodata.errors.NotFoundError`."""

    @abstractmethod
    def save_pledge(self, pledge: Pledge, actor: str = "local") -> None:
        """Insert or replace a pledge with its promises, in one transaction."""
