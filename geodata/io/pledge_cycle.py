"""The pledge cycle: next year's pledge drafted from this one.

A pledge runs for a period (most for a calendar year); the partners then agree the next one, and decide for
each promise whether it goes on ("förs över") or not, and why. :func:`next_pledge` drafts that next pledge
document from the one it follows: the same municipality, police area, partners, contact and follow-up cadence,
the next period of the same length, the id and title with the new year, ``follows`` naming the old pledge and
``carried`` recording every decision with its reason. A carried promise keeps its text, parties, kind, target
and evidence under a new id of the new year; its history across years is read back by
:func:`geodata.views.cycle.promise_lineage`.

The draft is a plain pledge document (the schema of :func:`geodata.model.pledge_from_dict`): a person reviews
it (the import page's review form, or the YAML of ``pledgemap pledge next``) before it is saved.
:func:`review_document` marks what the draft only assumed (the period, the focus) for that review.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from geodata.errors import Problem, ValidationError
from geodata.model import Period, Pledge

CARRIED = "carried"  # a draft promise's mark: carried over from the pledge it follows
_YEAR = re.compile(r"(?<!\d)(19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class Decision:
    """What the partners decided about one promise for the next pledge: carried over or not, and why."""

    carry: bool
    reason: str


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _whole_months(period: Period) -> int | None:
    """How many calendar months ``period`` spans, when it starts on a month's first day and ends on a last."""
    after = period.end + dt.timedelta(days=1)
    if period.start.day != 1 or after.day != 1:
        return None
    return (after.year - period.start.year) * 12 + after.month - period.start.month


def _shift(period: Period, new_start: dt.date) -> Period:
    """``period`` moved to start on ``new_start``, as long as before: in whole months where it is whole months."""
    months = _whole_months(period)
    if months is not None and new_start.day == 1:
        return Period(new_start, _add_months(new_start, months) - dt.timedelta(days=1))
    return Period(new_start, new_start + dt.timedelta(days=period.days - 1))


def _moved(period: Period, old_start: dt.date, new_start: dt.date) -> Period:
    """``period`` moved as a pledge starting on ``old_start`` moves to ``new_start``: by whole months where
    both start on a month's first day (so 1 March stays 1 March across a leap year), else by days."""
    if old_start.day == new_start.day == 1 and period.start.day == 1:
        months = (new_start.year - old_start.year) * 12 + new_start.month - old_start.month
        end = _add_months(period.end + dt.timedelta(days=1), months) - dt.timedelta(days=1)
        return Period(_add_months(period.start, months), end)
    days = new_start - old_start
    return Period(period.start + days, period.end + days)


def next_period(period: Period, year: int | None = None) -> Period:
    """The period after ``period``, of the same length; ``year``: the one starting in that year instead.

    >>> next_period(Period(dt.date(2021, 1, 1), dt.date(2021, 12, 31)))
    Period(start=datetime.date(2022, 1, 1), end=datetime.date(2022, 12, 31))
    >>> next_period(Period(dt.date(2019, 3, 1), dt.date(2021, 2, 28)))
    Period(start=datetime.date(2021, 3, 1), end=datetime.date(2023, 2, 28))
    >>> next_period(Period(dt.date(2021, 1, 1), dt.date(2021, 12, 31)), year=2024).start
    datetime.date(2024, 1, 1)
    """
    if year is None:
        return _shift(period, period.end + dt.timedelta(days=1))
    day = min(period.start.day, calendar.monthrange(year, period.start.month)[1])
    return _shift(period, dt.date(year, period.start.month, day))


def _with_years(text: str, years: int) -> str:
    """``text`` with every year in it moved on by ``years`` ("Mark 2021" → "Mark 2022", "2019–2020" → "2021–2022")."""
    return _YEAR.sub(lambda m: str(int(m.group(0)) + years), text)


def next_id(old_id: str, years: int, new_year: int) -> str:
    """An id for next year's version of ``old_id``: its year moved on, or the new year added.

    >>> next_id("mark-2021", 1, 2022), next_id("mark-2021-narvaro", 1, 2022), next_id("trygg-mark", 1, 2022)
    ('mark-2022', 'mark-2022-narvaro', 'trygg-mark-2022')
    """
    moved = _with_years(old_id, years)
    return moved if moved != old_id else f"{old_id}-{new_year}"


def _unique(wanted: str, taken: set[str]) -> str:
    candidate, n = wanted, 2
    while candidate in taken:
        candidate, n = f"{wanted}-{n}", n + 1
    return candidate


def _promise_id(old_pledge: str, new_pledge: str, old_promise: str, years: int, new_year: int) -> str:
    if old_promise.startswith(f"{old_pledge}-"):
        return f"{new_pledge}-{old_promise.removeprefix(f'{old_pledge}-')}"
    return next_id(old_promise, years, new_year)


def decision_problems(pledge: Pledge, decisions: Mapping[str, Decision]) -> list[Problem]:
    """What is missing or wrong in ``decisions``: each promise of ``pledge`` needs one, with a reason.

    A problem's field is ``decisions.<promise id>`` (no decision) or ``decisions.<promise id>.reason``
    (no reason); its params name the promise (``promise`` its id, ``text`` its text).
    """
    problems = []
    known = {p.id for p in pledge.promises}
    for promise in pledge.promises:
        decision = decisions.get(promise.id)
        params = {"promise": promise.id, "text": promise.text}
        if decision is None:
            problems.append(
                Problem(
                    f"promise {promise.id}",
                    f"decisions.{promise.id}",
                    "has no decision; expected it carried over or not, with a reason",
                    "no_decision",
                    params,
                )
            )
        elif not (decision.reason or "").strip():
            problems.append(
                Problem(
                    f"promise {promise.id}",
                    f"decisions.{promise.id}.reason",
                    "is missing; expected why the promise is carried over or not",
                    "no_reason",
                    params,
                )
            )
    for promise_id in decisions:
        if promise_id not in known:
            problems.append(
                Problem(
                    f"promise {promise_id}",
                    f"decisions.{promise_id}",
                    f"{promise_id!r} is not a promise of pledge {pledge.id}; expected one of: {', '.join(sorted(known))}",
                    "unknown_promise",
                    {"promise": promise_id, "pledge": pledge.id},
                )
            )
    return problems


def next_pledge(
    pledge: Pledge,
    decisions: Mapping[str, Decision],
    year: int | None = None,
    new_id: str | None = None,
    extra_promises: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The document of the pledge that follows ``pledge``, drafted from it and the partners' ``decisions``.

    ``decisions`` maps each of the pledge's promise ids to a :class:`Decision`; every promise needs one with a
    reason, else :class:`~geodata.errors.ValidationError` names each promise and field
    (:func:`decision_problems`). ``year``: the year the next pledge starts (default: right after this one
    ends, for as long); ``new_id``: its id (default: this one's with the year moved on). ``extra_promises``:
    new promises (pledge documents' promise dicts, as the lägesbild's drafted promises), added after the
    carried ones; one without an id gets one of the new pledge.

    >>> from geodata.shipped import shipped_pledges
    >>> mark = shipped_pledges()[1]
    >>> keep = {p.id: Decision(True, "Fortsatt behov") for p in mark.promises}
    >>> keep["mark-2021-skolmiljoer"] = Decision(False, "Skolorna tar över arbetet")
    >>> doc = next_pledge(mark, keep)
    >>> doc["id"], doc["title"], doc["period"], doc["follows"]
    ('mark-2022', 'Medborgarlöfte Mark 2022', {'start': '2022-01-01', 'end': '2022-12-31'}, 'mark-2021')
    >>> doc["carried"][2]
    {'promise': 'mark-2021-skolmiljoer', 'reason': 'Skolorna tar över arbetet', 'to': None}
    """
    problems = decision_problems(pledge, decisions)
    if year is not None and year <= pledge.period.start.year:
        problems.append(
            Problem(
                f"pledge {pledge.id}",
                "year",
                f"{year} is not after the pledge's first year {pledge.period.start.year}; expected a later year",
                "not_later_year",
                {"value": year, "year": pledge.period.start.year},
            )
        )
    if problems:
        raise ValidationError(problems)
    period = next_period(pledge.period, year)
    years = period.start.year - pledge.period.start.year
    pledge_id = new_id or next_id(pledge.id, years, period.start.year)
    data = pledge.to_dict()
    doc: dict[str, Any] = {
        "id": pledge_id,
        "title": _with_years(pledge.title, years)
        if _YEAR.search(pledge.title)
        else f"{pledge.title} {period.start.year}",
        "municipality": data["municipality"],
        "police_area": data["police_area"],
        "partners": data["partners"],
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "focus": _with_years(pledge.focus, years),
        "problem_picture": data.get("problem_picture", {}),
        "promises": [],
        "goals": data.get("goals", []),
        "follow_up": data.get("follow_up", []),
    }
    for key in ("contact", "summary", "follow_up_period"):  # the summary as it was: its years may be history
        if key in data:
            doc[key] = data[key]
    if pledge.demo:
        doc["demo"] = True
    taken: set[str] = set()
    carried = []
    old = {p["id"]: p for p in data["promises"]}
    for promise in pledge.promises:
        decision = decisions[promise.id]
        if not decision.carry:
            carried.append({"promise": promise.id, "reason": decision.reason.strip(), "to": None})
            continue
        new = dict(old[promise.id])
        new["id"] = _unique(_promise_id(pledge.id, pledge_id, promise.id, years, period.start.year), taken)
        taken.add(new["id"])
        if promise.period:  # a promise of its own period: the same part of the next period
            moved = _moved(promise.period, pledge.period.start, period.start)
            if period.contains(moved.start) and period.contains(moved.end):
                new["period"] = {"start": moved.start.isoformat(), "end": moved.end.isoformat()}
            else:
                new.pop("period")
        doc["promises"].append(new)
        carried.append({"promise": promise.id, "reason": decision.reason.strip(), "to": new["id"]})
    for extra in extra_promises or []:
        new = {k: v for k, v in extra.items() if k != "pledge_id"}  # the pledge it goes into is this one
        wanted = new.get("id") or f"{pledge_id}-{len(doc['promises']) + 1}"
        new["id"] = _unique(str(wanted), taken)
        taken.add(new["id"])
        doc["promises"].append(new)
    doc["follows"] = pledge.id
    doc["carried"] = carried
    return doc


def review_document(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` (from :func:`next_pledge`) as a draft to review (:mod:`geodata.io.pledge_draft`): the id, the
    period, the focus and the summary marked as assumed from last year, the signing date as not yet known, and each carried
    promise's id as :data:`CARRIED`.

    >>> review_document({"id": "mark-2022", "promises": [{"id": "p"}]})["_certainty"]["period"]
    'guessed'
    """
    from geodata.io.pledge_draft import CERTAINTY, GUESSED, NOT_FOUND

    draft = {**doc, "signed_on": doc.get("signed_on")}
    draft[CERTAINTY] = {"id": GUESSED, "period": GUESSED, "focus": GUESSED, "summary": GUESSED, "signed_on": NOT_FOUND}
    carried = {c.get("to") for c in doc.get("carried") or []} - {None}
    # Every field the review form edits is there, empty where the promise has none (as a reader's draft has).
    empty = {"target": None, "target_unit": None, "target_per": None, "period": {"start": None, "end": None}}
    draft["promises"] = [
        {
            **p,
            **{k: v for k, v in empty.items() if k not in p},
            CERTAINTY: {"id": CARRIED} if p.get("id") in carried else {},
        }
        for p in doc.get("promises") or []
    ]
    return draft
