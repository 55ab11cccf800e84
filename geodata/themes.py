"""What a pledge is about, as a region or Brå compares pledges: narcotics, traffic, young people, housing areas, …

A pledge's themes are read from its focus, its promises and its goals: a theme's words (the vocabulary group
``theme``) are stems found at the start of a word ("narkotika" in "narkotikainsatser", "föräldr" in
"vårdnadshavare och föräldrar"), and a promise's kind adds its own theme (:data:`KIND_THEMES`: information to
parents is about young people whatever its words). The themes are a reading aid for comparing many pledges,
never stored: a new word in the vocabulary reads every pledge anew.
"""

from __future__ import annotations

import re
from functools import lru_cache

from geodata import vocab
from geodata.model import Pledge

THEMES = vocab.codes("theme")
# A promise of these kinds is about the theme whatever its words.
KIND_THEMES: dict[str, str] = {
    "parent_information": "youth",
    "school_prevention": "youth",
    "property_inspection": "housing_areas",
    "place_inventory": "public_places",
}
if not set(KIND_THEMES) <= set(vocab.PROMISE_KINDS) or not set(KIND_THEMES.values()) <= set(THEMES):
    raise ValueError("geodata.themes: KIND_THEMES names a promise kind or a theme the vocabulary does not have")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    patterns = {}
    for code, term in vocab.VOCABULARY["theme"].items():
        stems = sorted({w.lower() for w in (*term.words, term.labels["sv"])}, key=len, reverse=True)
        # A stem at the start of a word: after the text's start or a character that is not a letter or digit.
        patterns[code] = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(s) for s in stems) + ")", re.IGNORECASE)
    return patterns


def text_themes(text: str) -> tuple[str, ...]:
    """The themes a text names, in the vocabulary's order.

    >>> text_themes("Minst fyra riktade insatser mot narkotika i skolmiljöer")
    ('narcotics', 'youth')
    """
    return tuple(code for code, pattern in _patterns().items() if pattern.search(text or ""))


def pledge_themes(pledge: Pledge) -> tuple[str, ...]:
    """The themes of a pledge, in the vocabulary's order: from its focus, its promises' texts and kinds, its goals."""
    found: set[str] = set(text_themes(pledge.focus))
    for promise in pledge.promises:
        found.update(text_themes(promise.text))
        if promise.kind in KIND_THEMES:
            found.add(KIND_THEMES[promise.kind])
    for goal in pledge.goals:
        found.update(text_themes(goal.text))
    return tuple(code for code in THEMES if code in found)
