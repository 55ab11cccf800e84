"""Controlled vocabularies of the model, read from one table: ``geodata/data/vocabulary.yaml``.

Codes are stable English identifiers stored in the data. The table gives each
code of each group its Swedish and English label and the words files write it
with; everything else is derived from it: the tuples below are a group's codes
in the table's order, the importer's words (``geodata.io.columns.CHOICE_WORDS``)
are :func:`choice_words`, and the dashboard's catalogues take their labels
("category.loitering": "Tillhåll, häng") from :func:`labels`. A new code is
added to the table and nowhere else (a category also needs a colour in
``dashboard/figures/style.py``).

Choices are checked by ``geodata.validate`` when a record is written, not by
the stores' schemas: a store made before a code was added needs no migration
and takes records with the new code as they are.

>>> UNSAFE_CATEGORIES[:3], UNSAFE_CATEGORIES[-1]
(('drug_dealing', 'drug_use', 'poor_lighting'), 'other')
>>> label("category", "loitering", "sv"), label("category", "loitering", "en")
('Tillhåll, häng', 'Loitering, hang-out')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

import yaml

# The languages every label is written in, Swedish first.
LANGUAGES = ("sv", "en")


@dataclass(frozen=True)
class Term:
    """One code of a group: its label per language and the other words files write it with."""

    code: str
    labels: Mapping[str, str]
    words: tuple[str, ...] = ()


def parse_vocabulary(text: str) -> dict[str, dict[str, Term]]:
    """The table's groups, each its codes in order; a malformed table names the group, code and what was expected.

    >>> parse_vocabulary("source:\\n  survey: {sv: Enkät, en: Survey, words: [trygghetsmätning]}")["source"]["survey"]
    Term(code='survey', labels={'sv': 'Enkät', 'en': 'Survey'}, words=('trygghetsmätning',))
    >>> parse_vocabulary("source:\\n  survey: {sv: Enkät}")
    Traceback (most recent call last):
    ...
    ValueError: vocabulary: source.survey: the label 'en' is missing; expected text
    """
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError("vocabulary: expected groups of codes (a mapping)")
    table: dict[str, dict[str, Term]] = {}
    for group, codes in data.items():
        if not isinstance(group, str) or not isinstance(codes, dict) or not codes:
            raise ValueError(f"vocabulary: {group!r}: expected a group name with its codes")
        table[group] = {}
        for code, entry in codes.items():
            where = f"vocabulary: {group}.{code}"
            if not isinstance(code, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_]*", code):
                raise ValueError(
                    f"{where}: the code must be lower-case letters, digits and _ (an age band may start with a digit)"
                )
            if not isinstance(entry, dict):
                raise ValueError(f"{where}: expected sv, en and words")
            unknown = set(entry) - {*LANGUAGES, "words"}
            if unknown:
                raise ValueError(f"{where}: unknown keys {sorted(unknown)}; expected sv, en and words")
            labels = {}
            for lang in LANGUAGES:
                value = entry.get(lang)
                if not isinstance(value, str) or not value.strip():
                    raise ValueError(f"{where}: the label {lang!r} is missing; expected text")
                labels[lang] = value
            words = entry.get("words", [])
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                raise ValueError(f"{where}: words must be a list of texts (quote words YAML reads otherwise)")
            table[group][code] = Term(code, labels, tuple(words))
    return table


def _load() -> dict[str, dict[str, Term]]:
    text = resources.files("geodata").joinpath("data", "vocabulary.yaml").read_text(encoding="utf-8")
    return parse_vocabulary(text)


VOCABULARY: Mapping[str, Mapping[str, Term]] = _load()


def codes(group: str) -> tuple[str, ...]:
    """A group's codes in the table's order."""
    return tuple(VOCABULARY[group])


def label(group: str, code: str, lang: str) -> str:
    """A code's label in ``lang``."""
    return VOCABULARY[group][code].labels[lang]


def labels(lang: str) -> dict[str, str]:
    """Every label in ``lang``, keyed as the interface's catalogues key them: ``"{group}.{code}"``."""
    return {f"{group}.{code}": term.labels[lang] for group, terms in VOCABULARY.items() for code, term in terms.items()}


# A label's parts, each a word of its code too: "Tillhåll, häng" names loitering by "tillhåll" alone.
_LABEL_PARTS = re.compile(r",|/|\boch\b|\band\b")


def choice_words(group: str) -> dict[str, tuple[str, ...]]:
    """Per code of ``group`` every text that names it: its words, its labels and the labels' parts.

    >>> choice_words("category")["loitering"][:4]
    ('Tillhåll, häng', 'Tillhåll', 'häng', 'Loitering, hang-out')
    """
    result: dict[str, tuple[str, ...]] = {}
    for code, term in VOCABULARY.get(group, {}).items():
        texts: list[str] = []
        for text in term.labels.values():
            parts = [p.strip() for p in _LABEL_PARTS.split(text)]
            texts += [text, *(p for p in parts if p and len(parts) > 1)]
        texts += term.words
        result[code] = tuple(dict.fromkeys(texts))
    return result


PARTNER_KINDS = codes("partner_kind")
PROMISE_KINDS = codes("promise_kind")
FOLLOW_UP_KINDS = codes("follow_up_kind")
# What a promise's target counts over: the whole period, or each year, month, week or day of it.
TARGET_PERIODS = codes("target_per")
# Follow-up: how often a pledge is judged, and what a person may judge an activity promise and a goal to be.
FOLLOW_UP_PERIODS = codes("follow_up_period")
ACTIVITY_STATUSES = codes("activity_status")
GOAL_STATUSES = codes("goal_status")

# unsafe_places
REPORT_SOURCES = codes("source")
UNSAFE_CATEGORIES = codes("category")
TIMES_OF_DAY = codes("time_of_day")
# Whether residents reported the place as one where they feel unsafe or safe; a report that does not say is unsafe.
PLACE_SAFETY = codes("safety")
UNSAFE, SAFE = PLACE_SAFETY
# Who reported, where a survey asks it (optional): gender and age band.
RESPONDENT_GENDERS = codes("respondent_gender")
# Age bands: (code, first age, last age); the last band is open. The codes are the table's, in its order.
AGE_BANDS = (("under_16", 0, 15), ("16_24", 16, 24), ("25_44", 25, 44), ("45_64", 45, 64), ("65_plus", 65, None))
RESPONDENT_AGES = codes("respondent_age")
if tuple(code for code, _, _ in AGE_BANDS) != RESPONDENT_AGES:
    raise ValueError("vocabulary: respondent_age: the codes must be AGE_BANDS' codes, in order")

# inventoried_sites
SITE_TYPES = codes("site_type")
FINDINGS = codes("finding")
CHECKLIST = codes("check")
SITE_STATUSES = codes("status")
# One split of the statuses: a site is open (on the worklist) until it is fixed or verified (counted as fixed).
FIXED_SITE_STATUSES = ("fixed", "verified")
OPEN_SITE_STATUSES = tuple(s for s in SITE_STATUSES if s not in FIXED_SITE_STATUSES)
# The worklist's default: every site someone still has to act on; a fixed site stays until it is verified.
WORKLIST_STATUSES = tuple(s for s in SITE_STATUSES if s != "verified")

# operations
OPERATION_KINDS = codes("operation_kind")
OPERATION_FOCUS = codes("focus")
VISIBILITY = codes("visibility")

# The group that names a choice field's codes, where it differs from the field's name.
FIELD_GROUPS: Mapping[str, str] = {
    "kind": "operation_kind",
    **{f"check_{item}": "finding" for item in CHECKLIST},
}


def field_group(field: str) -> str:
    """The group whose codes and labels a choice field takes: ``"kind"`` → ``"operation_kind"``."""
    return FIELD_GROUPS.get(field, field)
