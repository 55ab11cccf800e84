"""Counters of failed sign-ins, which make a guessing caller wait."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable


class SignInStore(ABC):
    """Failed sign-ins in a row, per ``(name, address)`` scope, shared by every worker."""

    @abstractmethod
    def begin_sign_in(
        self,
        scopes: list[tuple[str, str]],
        now: dt.datetime,
        retry_after: Callable[[tuple[str, str], int, dt.datetime], int],
    ) -> int:
        """Count a sign-in attempt against each ``(name, address)`` scope, unless one of them must wait.

        ``retry_after(scope, failures, last_at)`` says how many seconds a scope
        with that many failures in a row must still wait. Returns the longest
        wait and counts nothing if it is above zero; otherwise counts the
        attempt (as a failure until :meth:`end_sign_in` says otherwise) and
        returns 0. Checking and counting are one transaction.
        """

    @abstractmethod
    def end_sign_in(self, clear: list[tuple[str, str]], release: list[tuple[str, str]]) -> None:
        """After a successful sign-in: forget the ``clear`` scopes' failures, take one off each ``release`` scope."""

    @abstractmethod
    def clear_sign_in_failures(self, name: str) -> int:
        """Forget every failed sign-in counted for ``name`` (from any address); how many counters there were."""

    @abstractmethod
    def sign_in_failures(self, name: str) -> int:
        """Failed sign-ins in a row for ``name`` from all addresses together."""
