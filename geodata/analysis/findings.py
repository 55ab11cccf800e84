"""What an analysis found, as codes with values: worded in Swedish or English by whoever shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One statement about a result: ``code`` names it, ``params`` fill it in, ``text`` is the English wording.

    ``level`` is ``"result"`` (what the numbers say), ``"caution"`` (why they
    may mean less than they seem) or ``"note"`` (how they were computed).
    """

    code: str
    text: str
    level: str = "result"
    params: dict[str, Any] = field(default_factory=dict)
