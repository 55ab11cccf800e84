"""Exceptions raised by the domain.

Every message names what a planner needs to act on: which record, which
field, and what was expected.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace
from typing import Any


class PledgemapError(Exception):
    """Base class for every error the domain raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of one record.

    ``message`` is English, for logs and the command line; ``code`` and
    ``params`` let an interface say the same in its own language.
    """

    record: str
    field: str
    message: str
    # dataclasses.field spelled out: the attribute ``field`` above shadows the name in this class body.
    code: str | None = dataclasses.field(default=None, compare=False)
    params: dict[str, Any] = dataclasses.field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        return f"{self.record}, field '{self.field}': {self.message}"

    def about(self, record: str) -> Problem:
        """The same problem, naming ``record``."""
        return replace(self, record=record)


@dataclass(frozen=True)
class Note:
    """Something a reader noticed and did about a file (a guessed encoding, a guessed CRS); English and coded."""

    message: str
    code: str | None = None
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        return self.message


class CoercionError(ValueError):
    """A value that is not of its field's type; carries a code and values for the interface's wording."""

    def __init__(self, message: str, code: str, **params: Any):
        super().__init__(message)
        self.code = code
        self.params = params


class ValidationError(PledgemapError, ValueError):
    """Input that does not satisfy the model; carries every problem found."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        shown = "\n".join(f"- {p}" for p in self.problems[:20])
        more = len(self.problems) - 20
        if more > 0:
            shown += f"\n- … and {more} more"
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found; nothing was written:\n{shown}")


class NotFoundError(PledgemapError, LookupError):
    """A pledge, promise or record that does not exist."""


class VersionConflictError(PledgemapError):
    """Someone else saved the record after the edit started."""

    def __init__(self, layer: str, record_id: str, expected: int, current: int | None):
        self.layer = layer
        self.record_id = record_id
        self.expected = expected
        self.current = current
        super().__init__(
            f"{layer} record {record_id}: the edit started from version {expected}, "
            f"but the stored record is at version {current}; reload it and apply the change again"
        )


class StoreError(PledgemapError):
    """The store cannot be opened, read or written.

    ``code`` says why, where an interface words it in its own language: ``"busy"`` (another write, such as a
    large import, holds the store longer than a change waits), ``"disk_full"`` and ``"read_only"`` (nothing of
    the change was written); ``None`` for anything else, said in the message alone.
    """

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.code = code


class SchemaError(StoreError):
    """The store's schema version is not one this code can use as it is."""


class ImportFileError(PledgemapError):
    """A file that cannot be read, or not safely: too large, malformed, or built to attack the reader.

    The message is English, for logs and the command line; ``code`` and
    ``params`` (where given) let an interface say the same in its own words.
    """

    def __init__(self, message: str, code: str | None = None, **params: Any):
        super().__init__(message)
        self.code = code
        self.params = params
