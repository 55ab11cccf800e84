"""Translation catalogues: Swedish first, English second.

All interface text is looked up here by key; a key missing from a catalogue
is an error in tests rather than a silently English word on a Swedish page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"


@cache
def catalogue(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}; expected one of: {', '.join(LANGUAGES)}")
    text = resources.files("dashboard").joinpath("locales", f"{lang}.json").read_text(encoding="utf-8")
    return json.loads(text)


def language(value: str | None) -> str:
    """The language asked for if it is one we have, else Swedish."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def translator(lang: str) -> Callable[..., str]:
    """A function ``t(key, **values)`` for ``lang``."""
    texts = catalogue(language(lang))

    def t(key: str, **values: object) -> str:
        return texts[key].format(**values) if values else texts[key]

    return t
