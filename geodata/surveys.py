"""Safety-survey indicators and how sure their results are: kinds, scales, groups, intervals and series breaks.

An indicator is described once (:class:`Indicator`): what it measures, its
kind (a share of the answers in per cent, an index on a scale, a mean of
answers on a scale), which way is better, and its source. A result is one
value for an area, year and group of respondents (everyone, women, men, an age
band), with the number of answers (n) and, where known, its interval or
standard error; for a share the interval is computed from n when the survey
did not give one (Wilson's score interval, 95 %). A result may start a new
series (the survey's scale or questions changed): it is then not comparable
with the year before, and a trend is never drawn or judged across it.

>>> low, high = share_interval(25.0, 400)
>>> round(low, 1), round(high, 1), round((high - low) / 2, 1)
(21.0, 29.5, 4.2)
>>> compare(25.0, standard_error_of(25.0, 400), 32.0, standard_error_of(32.0, 400)).uncertainty
'beyond'
>>> compare(25.0, standard_error_of(25.0, 400), 28.0, standard_error_of(28.0, 400)).uncertainty
'within'
>>> parse_group("Kvinnor"), parse_group("16–29 år"), parse_group("65 år och äldre"), parse_group("Totalt")
('women', '16_29', '65_plus', 'all')
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geodata import vocab
from geodata.errors import Problem

# The kinds of indicator, and the fixed groups of respondents (age bands are read by parse_group).
KINDS = vocab.codes("survey_kind")
FIXED_GROUPS = vocab.codes("survey_group")
ALL = "all"
DIRECTIONS = ("lower", "higher")
# A 95 % interval: the normal distribution's two-sided quantile.
Z95 = 1.959963984540054
# The scale of a share, in per cent.
SHARE_SCALE = (0.0, 100.0)


@dataclass(frozen=True)
class Indicator:
    """A survey indicator, described once: its name as the results give it, and what its values are.

    ``kind`` is one of :data:`KINDS` (None: not described yet); ``scale_min`` and ``scale_max`` bound an
    index's or a mean's values (a share is 0–100 per cent); ``better`` is ``lower`` or ``higher``.
    """

    name: str
    kind: str | None = None
    scale_min: float | None = None
    scale_max: float | None = None
    better: str | None = None
    measures: str | None = None
    source: str | None = None

    @property
    def described(self) -> bool:
        return self.kind is not None

    @property
    def scale(self) -> tuple[float, float] | None:
        """The values' bounds: 0–100 for a share, the stated scale for an index or a mean, else None."""
        if self.kind == "share":
            return SHARE_SCALE
        if self.scale_min is not None and self.scale_max is not None:
            return (self.scale_min, self.scale_max)
        return None

    def problems(self, record: str | None = None) -> list[Problem]:
        """What is wrong with the description, each naming the indicator, the field and what was expected."""
        record = record or f"indicator {self.name}"
        found: list[Problem] = []
        if not self.name or not self.name.strip():
            found.append(Problem(record, "name", "is empty; expected the indicator's name", "missing"))
        if self.kind is not None and self.kind not in KINDS:
            found.append(_choice_problem(record, "kind", self.kind, KINDS, "survey_kind"))
        if self.better is not None and self.better not in DIRECTIONS:
            found.append(_choice_problem(record, "better", self.better, DIRECTIONS, "survey_better"))
        low, high = self.scale_min, self.scale_max
        if (low is None) != (high is None):
            found.append(
                Problem(
                    record,
                    "scale",
                    "has one end only; expected both the lowest and the highest value",
                    "survey_scale_end",
                )  # fmt: skip
            )
        elif low is not None and high is not None and not low < high:
            found.append(
                Problem(
                    record,
                    "scale",
                    f"runs from {low:g} to {high:g}; expected the lowest value below the highest",
                    "survey_scale_order",
                    {"low": low, "high": high},
                )  # fmt: skip
            )
        if self.kind == "share" and low is not None:
            found.append(
                Problem(
                    record, "scale", "is given for a share; a share is always 0–100 per cent", "survey_share_scale"
                )  # fmt: skip
            )
        return found

    def value_problem(self, value: float, record: str, field: str = "value") -> Problem | None:
        """A value outside the indicator's scale, or None."""
        scale = self.scale
        if scale is None or scale[0] <= value <= scale[1]:
            return None
        return Problem(
            record,
            field,
            f"is {value:g}, outside {self.name}'s scale {scale[0]:g}–{scale[1]:g}; expected a value on it",
            "survey_outside_scale",
            {"value": value, "indicator": self.name, "low": scale[0], "high": scale[1]},
        )

    def merged(self, other: Indicator) -> Indicator:
        """This description with what ``other`` says where this one says nothing."""
        return Indicator(
            self.name,
            *(mine if mine is not None else theirs for mine, theirs in zip(self._fields(), other._fields())),
        )

    def _fields(self) -> tuple:
        return (self.kind, self.scale_min, self.scale_max, self.better, self.measures, self.source)

    def differences(self, other: Indicator) -> dict[str, tuple]:
        """The described fields in which ``other`` says something else: name → (this, other)."""
        names = ("kind", "scale_min", "scale_max", "better", "measures", "source")
        return {
            n: (a, b)
            for n, a, b in zip(names, self._fields(), other._fields())
            if a is not None and b is not None and a != b
        }


def _choice_problem(record: str, field: str, value: object, choices: tuple[str, ...], group: str) -> Problem:
    return Problem(
        record,
        field,
        f"{value!r} is not one of {', '.join(choices)}",
        "not_a_choice",
        {"value": str(value), "choices": list(choices), "group": group},
    )


# -- groups of respondents -----------------------------------------------------------------------------------

_DASH = r"\s*[-–—]\s*"
_BAND = re.compile(rf"^(?:ålder\s+|age\s+|aged\s+)?(\d{{1,3}}){_DASH}(\d{{1,3}})(?:\s*(?:år|years?|yrs))?$")
_OPEN_TOP = re.compile(
    rf"^(?:ålder\s+|age\s+|aged\s+)?(\d{{1,3}})\s*(?:\+|år\s*\+|{_DASH}$|år och äldre|år eller äldre|och äldre|"
    r"eller äldre|and over|and older|or older|years and over|years or older)$"
)
_OPEN_BOTTOM = re.compile(r"^(?:under|yngre än|younger than|below)\s+(\d{1,3})(?:\s*(?:år|years?))?$")


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).strip().casefold())


_GROUP_WORDS = {_key(word): code for code, words in vocab.choice_words("survey_group").items() for word in words}


def parse_group(text: object) -> str | None:
    """The group a text names: ``all``, ``women``, ``men``, or an age band ("16_29", "65_plus", "under_16");
    None for a text that names none. An empty text is everyone."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ALL
    key = _key(str(text))
    if not key:
        return ALL
    if key in _GROUP_WORDS:
        return _GROUP_WORDS[key]
    if match := _BAND.match(key):
        low, high = int(match[1]), int(match[2])
        return f"{low}_{high}" if low < high <= 120 else None
    if match := _OPEN_TOP.match(key):
        return f"{int(match[1])}_plus"
    if match := _OPEN_BOTTOM.match(key):
        return f"under_{int(match[1])}"
    return None


def is_age_band(code: str) -> bool:
    return code not in FIXED_GROUPS


def group_order(code: str) -> tuple[int, int]:
    """Where a group stands among others: everyone, women, men, then the age bands from the youngest."""
    if code in FIXED_GROUPS:
        return (FIXED_GROUPS.index(code), 0)
    if code.startswith("under_"):
        return (len(FIXED_GROUPS), -1)
    return (len(FIXED_GROUPS), int(code.split("_")[0]))


def group_label(code: str, lang: str) -> str:
    """A group's name in ``lang``: "Kvinnor", "16–29 år", "65 år och äldre" / "Women", "16–29", "65 and over".

    >>> group_label("16_29", "sv"), group_label("65_plus", "en"), group_label("under_16", "sv")
    ('16–29 år', '65 and over', 'Under 16 år')
    """
    if code in FIXED_GROUPS:
        return vocab.label("survey_group", code, lang)
    if code.endswith("_plus"):
        age = code.split("_")[0]
        return f"{age} år och äldre" if lang == "sv" else f"{age} and over"
    if code.startswith("under_"):
        age = code.split("_")[1]
        return f"Under {age} år" if lang == "sv" else f"Under {age}"
    low, high = code.split("_")
    return f"{low}–{high} år" if lang == "sv" else f"{low}–{high}"


# -- how sure a result is ----------------------------------------------------------------------------------


def share_interval(share: float, n: int, z: float = Z95) -> tuple[float, float]:
    """The 95 % interval of a share (per cent) of ``n`` answers: Wilson's score interval, in per cent.

    Right for small areas too: it never leaves 0–100 and is not zero wide at 0 % or 100 %.
    """
    p = share / 100.0
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * math.sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n)
    return (max(0.0, centre - half) * 100.0, min(1.0, centre + half) * 100.0)


def standard_error_of(share: float, n: int) -> float:
    """A share's standard error in percentage points, as its Wilson interval gives it (its width / 2z)."""
    low, high = share_interval(share, n)
    return (high - low) / (2 * Z95)


@dataclass(frozen=True)
class Uncertainty:
    """A result's 95 % interval and standard error, and where they came from: ``given`` (the survey's interval),
    ``standard_error`` (the survey's standard error), ``computed`` (a share's, from n) or ``unknown``."""

    low: float | None
    high: float | None
    se: float | None
    basis: str


def uncertainty(
    kind: str | None,
    value: float,
    n: int | None = None,
    se: float | None = None,
    low: float | None = None,
    high: float | None = None,
) -> Uncertainty:
    """A result's interval: the survey's own where it gave one, else from its standard error, else (a share)
    computed from n; unknown otherwise.

    >>> sure = uncertainty("index", 2.4, se=0.1)
    >>> round(sure.low, 3), round(sure.high, 3), sure.basis
    (2.204, 2.596, 'standard_error')
    >>> uncertainty("index", 2.4, n=300).basis
    'unknown'
    """
    if low is not None and high is not None:
        return Uncertainty(low, high, se if se is not None else (high - low) / (2 * Z95), "given")
    if se is not None:
        return Uncertainty(value - Z95 * se, value + Z95 * se, se, "standard_error")
    if kind == "share" and n:
        ci_low, ci_high = share_interval(value, n)
        return Uncertainty(ci_low, ci_high, (ci_high - ci_low) / (2 * Z95), "computed")
    return Uncertainty(None, None, None, "unknown")


def _stored(value: Any, kind: type) -> Any:
    return None if value is None or pd.isna(value) else kind(value)


def stored_uncertainty(kind: str | None, result: Any) -> tuple[int | None, Uncertainty]:
    """A stored result's n and :func:`uncertainty` (``result``: a row of the store's survey results, with
    value, n, se, ci_low and ci_high)."""
    n = _stored(result.n, int)
    sure = uncertainty(
        kind,
        float(result.value),
        n,
        _stored(result.se, float),
        _stored(result.ci_low, float),
        _stored(result.ci_high, float),
    )
    return n, sure


def area_name(result: Any) -> str:
    """A stored result's area as a reader names it: its name, else its id."""
    return result.area_name if isinstance(result.area_name, str) and result.area_name else result.area_id


@dataclass(frozen=True)
class Comparison:
    """A change between two results and whether it is larger than their uncertainty.

    ``margin`` is the change's own 95 % margin (from both results' standard errors); ``uncertainty`` is
    ``beyond`` (the change is larger), ``within`` (it fits within the uncertainty) or ``unknown``.
    """

    change: float
    margin: float | None
    uncertainty: str

    @property
    def direction(self) -> str:
        return "up" if self.change > 0 else "down" if self.change < 0 else "none"


def compare(before: float, se_before: float | None, after: float, se_after: float | None) -> Comparison:
    """``after`` against ``before``: the change, its 95 % margin, and whether the change is beyond it."""
    change = after - before
    if se_before is None or se_after is None:
        return Comparison(change, None, "unknown")
    margin = Z95 * math.hypot(se_before, se_after)
    return Comparison(change, margin, "beyond" if abs(change) > margin else "within")
