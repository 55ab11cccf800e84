"""The follow-up periods of a pledge, and what a judgement of one of them is about.

A pledge is followed up each period of its cadence (``Pledge.cadence``): by
tertial (January–April, May–August, September–December, the municipal
board's common cycle), quarter, half year or year. The periods are the
calendar's, cut to the pledge's own period: a pledge running from 1 March
2021 to 28 February 2022 has the tertials 2021-T1 (from 1 March), 2021-T2,
2021-T3 and 2022-T1 (to 28 February).

A judgement is a person's status for one promise (an activity: done,
started, …) or one goal (achieved, likely, …) of a pledge in one period, with
a short text on how it went and the evidence it rested on; it is kept with
every earlier version.

>>> import datetime as dt
>>> [p.code for p in periods_between(dt.date(2021, 3, 1), dt.date(2022, 2, 28), "tertial")]
['2021-T1', '2021-T2', '2021-T3', '2022-T1']
>>> [p.code for p in periods_between(dt.date(2021, 1, 1), dt.date(2021, 12, 31), "half_year")]
['2021-H1', '2021-H2']
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from geodata import vocab
from geodata.errors import Problem

# Months in one period of each cadence, and the letter its codes carry ("2021-T2"; a year is just "2021").
_MONTHS = {"tertial": 4, "quarter": 3, "half_year": 6, "year": 12}
_LETTER = {"tertial": "T", "quarter": "Q", "half_year": "H", "year": ""}
_CODE = re.compile(r"^(?P<year>\d{4})(?:-(?P<letter>[TQH])(?P<index>\d))?$")

# What is judged: an activity promise, or a goal of the pledge; the statuses each may have.
SUBJECTS = ("promise", "goal")
STATUSES = {"promise": vocab.ACTIVITY_STATUSES, "goal": vocab.GOAL_STATUSES}
# What a summary counts a promise or goal as when its period has no judgement.
NOT_JUDGED = "not_judged"
# A pledge's one state for an overview of many (pledge_state), the one needing attention most first.
PLEDGE_STATES = ("delayed", "not_started", "started", "done", "cancelled", NOT_JUDGED)


def pledge_state(counts: dict[str, int]) -> str:
    """The one state of a pledge whose promises have the statuses ``counts`` (status -> promises), for a map of
    many pledges to colour by: the state of the promise that needs attention most among those judged (försenad,
    then ej påbörjad, then påbörjad); genomförd only when every promise is done or cancelled (avförd when all
    are cancelled); ej bedömd when none is judged.

    >>> pledge_state({"done": 3, "started": 1}), pledge_state({"done": 3, "not_judged": 1})
    ('started', 'started')
    >>> pledge_state({"done": 2, "cancelled": 1}), pledge_state({"not_judged": 4}), pledge_state({"delayed": 1, "done": 5})
    ('done', 'not_judged', 'delayed')
    """
    judged = {s: n for s, n in counts.items() if n and s != NOT_JUDGED}
    if not judged:
        return NOT_JUDGED
    for state in ("delayed", "not_started"):
        if judged.get(state):
            return state
    if set(judged) <= {"done", "cancelled"} and not counts.get(NOT_JUDGED):
        return "done" if judged.get("done") else "cancelled"
    return "started"


if set(_MONTHS) != set(vocab.FOLLOW_UP_PERIODS):
    raise ValueError("vocabulary: follow_up_period: expected the cadences tertial, quarter, half_year and year")


@dataclass(frozen=True)
class FollowUpPeriod:
    """One period of follow-up: its code ("2021-T2"), cadence, year and number within it, and its days."""

    code: str
    cadence: str
    year: int
    index: int  # 1-based within the year (always 1 for a year)
    start: dt.date
    end: dt.date

    def ended_by(self, today: dt.date) -> bool:
        """Whether the period is over on ``today`` (so its judgement is due)."""
        return today > self.end

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _calendar_period(year: int, index: int, cadence: str) -> tuple[dt.date, dt.date]:
    months = _MONTHS[cadence]
    first = dt.date(year, (index - 1) * months + 1, 1)
    last_month = index * months
    after = dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)
    return first, after - dt.timedelta(days=1)


def period_code(year: int, index: int, cadence: str) -> str:
    """>>> period_code(2021, 2, "tertial"), period_code(2021, 1, "year")
    ('2021-T2', '2021')
    """
    letter = _LETTER[cadence]
    return f"{year}-{letter}{index}" if letter else str(year)


def parse_period_code(code: str) -> tuple[int, int, str]:
    """(year, index, cadence) of a period code; raises ValueError naming what was expected.

    >>> parse_period_code("2021-T3"), parse_period_code("2022")
    ((2021, 3, 'tertial'), (2022, 1, 'year'))
    """
    found = _CODE.match(code or "")
    if not found:
        raise ValueError(
            f"{code!r} is not a follow-up period; expected a code such as 2021-T2, 2021-Q3, 2021-H1 or 2021"
        )
    year = int(found["year"])
    if not found["letter"]:
        return year, 1, "year"
    cadence = {"T": "tertial", "Q": "quarter", "H": "half_year"}[found["letter"]]
    index = int(found["index"])
    if not 1 <= index <= 12 // _MONTHS[cadence]:
        raise ValueError(f"{code!r} is not a follow-up period; a year has {12 // _MONTHS[cadence]} of them")
    return year, index, cadence


def periods_between(start: dt.date, end: dt.date, cadence: str) -> list[FollowUpPeriod]:
    """The calendar periods of ``cadence`` that overlap ``start``–``end``, each cut to it."""
    if cadence not in _MONTHS:
        raise ValueError(f"{cadence!r} is not a cadence; expected one of: {', '.join(vocab.FOLLOW_UP_PERIODS)}")
    per_year = 12 // _MONTHS[cadence]
    result = []
    for year in range(start.year, end.year + 1):
        for index in range(1, per_year + 1):
            first, last = _calendar_period(year, index, cadence)
            if last < start or first > end:
                continue
            result.append(
                FollowUpPeriod(
                    period_code(year, index, cadence), cadence, year, index, max(first, start), min(last, end)
                )
            )
    return result


def pledge_periods(pledge: Any) -> list[FollowUpPeriod]:
    """The follow-up periods of ``pledge`` (a :class:`geodata.model.Pledge`), in its cadence."""
    return periods_between(pledge.period.start, pledge.period.end, pledge.cadence)


def find_period(pledge: Any, code: str) -> FollowUpPeriod:
    """The follow-up period ``code`` of ``pledge``; raises ValueError naming the periods it has."""
    periods = pledge_periods(pledge)
    for period in periods:
        if period.code == code:
            return period
    raise ValueError(
        f"{code!r} is not a follow-up period of pledge {pledge.id}; expected one of: {', '.join(p.code for p in periods)}"
    )


def current_period(pledge: Any, today: dt.date) -> FollowUpPeriod:
    """The period ``today`` falls in; before the pledge starts its first, after it ends its last."""
    periods = pledge_periods(pledge)
    for period in periods:
        if period.contains(today):
            return period
    return periods[0] if today < periods[0].start else periods[-1]


@dataclass(frozen=True)
class Judgement:
    """A person's status of one promise or goal of a pledge for one follow-up period, one version of it.

    ``evidence`` is what the judgement rested on, as the judge saw it: the
    linked records counted in the period and to its end, the target, the
    status the counts proposed, the survey indicator's latest value.
    """

    pledge_id: str
    subject: str  # "promise" or "goal"
    subject_id: str
    period: str  # a period code of the pledge ("2021-T2")
    status: str  # one of STATUSES[subject]
    text: str = ""  # how it went, in the judge's words
    evidence: dict[str, Any] = field(default_factory=dict)
    version: int = 0  # 0: not yet saved; the store gives each save the next version
    judged_by: str | None = None
    judged_at: dt.datetime | None = None
    demo: bool = False

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.pledge_id, self.subject, self.subject_id, self.period)


# The longest "how it went" text: a few sentences for a barometer, not a report (that is the follow-up report).
MAX_TEXT = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def judgement_problems(pledge: Any, judgement: Judgement) -> list[Problem]:
    """What is wrong with ``judgement`` of ``pledge``: each problem names the judgement, the field and what was
    expected."""
    where = f"judgement of {judgement.subject} {judgement.subject_id} ({judgement.period})"
    problems = []
    if judgement.subject not in SUBJECTS:
        problems.append(Problem(where, "subject", f"{judgement.subject!r} is not allowed; expected promise or goal"))
        return problems
    ids = [p.id for p in pledge.promises] if judgement.subject == "promise" else [g.id for g in pledge.goals]
    if judgement.subject_id not in ids:
        problems.append(
            Problem(
                where,
                "subject_id",
                f"is not a {judgement.subject} of pledge {pledge.id}; expected one of: {', '.join(ids) or '(none)'}",
                "unknown_subject",
                {"value": judgement.subject_id, "ids": ", ".join(ids)},
            )
        )
    try:
        find_period(pledge, judgement.period)
    except ValueError as exc:
        periods = ", ".join(p.code for p in pledge_periods(pledge))
        problems.append(
            Problem(where, "period", str(exc), "unknown_period", {"value": judgement.period, "periods": periods})
        )
    allowed = STATUSES[judgement.subject]
    if judgement.status not in allowed:
        problems.append(
            Problem(
                where,
                "status",
                f"{judgement.status!r} is not allowed; expected one of: {', '.join(allowed)}",
                "not_allowed",
                {
                    "value": judgement.status,
                    "choices": allowed,
                    "group": f"{'activity' if judgement.subject == 'promise' else 'goal'}_status",
                },
            )
        )
    if len(judgement.text) > MAX_TEXT:
        problems.append(
            Problem(
                where,
                "text",
                f"has {len(judgement.text)} characters; expected at most {MAX_TEXT}",
                "too_long",
                {"length": len(judgement.text), "max": MAX_TEXT},
            )
        )
    if _CONTROL.search(judgement.text):
        problems.append(Problem(where, "text", "holds control characters; expected plain text", "control_characters"))
    return problems


@dataclass(frozen=True)
class StoredDocument:
    """One version of a document the dashboard edits and keeps every version of (a lägesbild and action plan).

    ``kind`` names what it is ("situation_report"), ``key`` which one ("1463/2026": a municipality and year);
    ``content`` is the document itself as plain data, checked by its own module before it is saved.
    """

    kind: str
    key: str
    content: dict[str, Any]
    version: int = 0
    saved_by: str | None = None
    saved_at: dt.datetime | None = None


# What of a judgement's evidence the public is shown: counts, the target and codes, never free text.
PUBLIC_EVIDENCE = (
    "in_period",
    "to_date",
    "target",
    "expected",
    "progress",
    "proposed",
    "promise_over",
    "indicator",
    "baseline_year",
    "latest_year",
    "verdict",
)


def public_evidence(evidence: dict[str, Any]) -> dict[str, Any]:
    """``evidence`` as the public sees it: the figures and codes of :data:`PUBLIC_EVIDENCE`, nothing else.

    >>> public_evidence({"in_period": 3, "note": "Anna Svensson ringde", "progress": "on_track"})
    {'in_period': 3, 'progress': 'on_track'}
    """
    return {
        k: v for k, v in evidence.items() if k in PUBLIC_EVIDENCE and (v is None or isinstance(v, (int, float, str)))
    }
