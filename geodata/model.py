"""The pledge (medborgarlöfte) and its promises.

A pledge is a small document; it is built from plain dictionaries (YAML or
JSON) by :func:`pledge_from_dict`, which checks every field and reports every
problem at once, and turned back into one by :meth:`Pledge.to_dict`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from geodata import vocab
from geodata.errors import Problem, ValidationError
from geodata.layers import LAYERS

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KOMMUN_CODE = re.compile(r"^\d{4}$")

# What a promise's evidence records are counted from, when the promise does
# not say: the kind of promise decides the layer and which kinds of records count.
DEFAULT_EVIDENCE: dict[str, tuple[str, tuple[str, ...]]] = {
    "targeted_operation": ("operations", ("targeted_drug_operation",)),
    "presence_patrol": ("operations", ("presence_patrol",)),
    "parent_information": ("operations", ("parent_information",)),
    "school_prevention": ("operations", ("school_visit",)),
    "place_inventory": ("inventoried_sites", ()),
    "property_inspection": ("inventoried_sites", ()),
    "citizen_dialogue": ("operations", ("citizen_dialogue", "safety_walk")),
    "other": ("operations", ()),
}


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Area:
    """A municipality or police area: a name and, where known, an official code."""

    name: str
    code: str | None = None


@dataclass(frozen=True)
class Partner:
    id: str
    name: str
    kind: str
    short_name: str | None = None


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str
    organisation: str


@dataclass(frozen=True)
class Goal:
    """A goal of the pledge, optionally followed by a survey indicator (its name as survey results give it).

    ``better`` says which way the indicator should move (``lower`` for a
    problem index, ``higher`` for a safety index) where the indicator's own
    description (:class:`geodata.surveys.Indicator`) does not say;
    ``baseline_year`` is the year it is compared with (default: the year
    before the pledge starts). ``categories`` are the unsafe-place categories
    the goal is about: the reports of them are counted beside the survey.
    """

    id: str
    text: str
    indicator: str | None = None
    better: str | None = None
    baseline_year: int | None = None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class FollowUp:
    kind: str
    label: str
    url: str | None = None


@dataclass(frozen=True)
class Contact:
    name: str
    title: str | None = None
    organisation: str | None = None
    email: str | None = None
    phone: str | None = None
    hours: str | None = None


@dataclass(frozen=True)
class Evidence:
    """Which records count towards a promise: linked records of ``layer`` of these ``kinds``."""

    layer: str
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Promise:
    id: str
    pledge_id: str
    text: str
    parties: tuple[str, ...]
    kind: str
    evidence: Evidence
    target: int | None = None
    target_unit: str | None = None
    period: Period | None = None
    target_per: str | None = None  # one of vocab.TARGET_PERIODS; None (or "period"): the target is for the period


@dataclass(frozen=True)
class Carried:
    """What became of a promise of the pledge this one follows: carried over into ``to`` (a promise of this
    pledge), or not (``to`` None), with the reason the partners gave."""

    promise: str  # the earlier pledge's promise id
    reason: str
    to: str | None = None


# Days of each unit a target may count per (a month and a year as their average lengths).
_PER_DAYS = {"day": 1.0, "week": 7.0, "month": 365.25 / 12, "year": 365.25}


def target_over(target: int | None, per: str | None, period: Period) -> int | None:
    """The count a target asks for over ``period``.

    A target per year (month, week, day) applies to each year (month …) of the period, so over the whole
    period it asks for the target times the number of those units in it (rounded, at least one):
    900 hours per year over 2021–2022 is 1 800. A target for the period (``per`` None or "period") is the
    target itself.

    >>> two_years = Period(dt.date(2021, 1, 1), dt.date(2022, 12, 31))
    >>> target_over(900, "year", two_years), target_over(1, "week", two_years), target_over(4, None, two_years)
    (1800, 104, 4)
    """
    if target is None or per in (None, "period"):
        return target
    return target * max(1, round(period.days / _PER_DAYS[per]))


@dataclass(frozen=True)
class Pledge:
    id: str
    title: str
    municipality: Area
    police_area: Area
    partners: tuple[Partner, ...]
    period: Period
    focus: str
    problem_picture: dict[str, str]
    promises: tuple[Promise, ...]
    goals: tuple[Goal, ...]
    follow_up: tuple[FollowUp, ...]
    signed_on: dt.date | None = None
    signatories: tuple[Signatory, ...] = ()
    contact: Contact | None = None
    summary: str | None = None
    source: str | None = None
    demo: bool = False
    # How often the pledge is followed up (vocab.FOLLOW_UP_PERIODS); None: by tertial, the common cycle.
    follow_up_period: str | None = None
    # The pledge this one follows (last year's), and what became of each of its promises.
    follows: str | None = None
    carried: tuple[Carried, ...] = ()

    @property
    def cadence(self) -> str:
        """How often the pledge is followed up: its ``follow_up_period``, else by tertial."""
        return self.follow_up_period or "tertial"

    def carried_from(self, promise_id: str) -> str | None:
        """The earlier pledge's promise that ``promise_id`` carries over, if any."""
        return next((c.promise for c in self.carried if c.to == promise_id), None)

    def promise(self, promise_id: str) -> Promise:
        for promise in self.promises:
            if promise.id == promise_id:
                return promise
        raise KeyError(promise_id)

    def partner(self, partner_id: str) -> Partner:
        for partner in self.partners:
            if partner.id == partner_id:
                return partner
        raise KeyError(partner_id)

    def promise_period(self, promise: Promise) -> Period:
        """A promise runs for its own period if it has one, else for the pledge's."""
        return promise.period or self.period

    def promise_target(self, promise: Promise) -> int | None:
        """What ``promise``'s target asks for over its whole period (see :func:`target_over`)."""
        return target_over(promise.target, promise.target_per, self.promise_period(promise))

    def to_dict(self) -> dict[str, Any]:
        """Plain data (dates as ISO strings) that :func:`pledge_from_dict` reads back."""
        data = asdict(self)
        for promise in data["promises"]:
            promise.pop("pledge_id")
        return _isoformat(_drop_none(data))


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None and v != ()}
    if isinstance(value, (list, tuple)):
        return [_drop_none(v) for v in value]
    return value


def _isoformat(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _isoformat(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_isoformat(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _get(data: Any, key: str) -> Any:
    """``data[key]``, or None when it is not there or ``data`` is not a mapping."""
    return data.get(key) if isinstance(data, dict) else None


class _Reader:
    """Reads fields out of nested dictionaries, collecting problems instead of stopping."""

    def __init__(self, record: str, check_links: bool = True):
        self.record = record
        self.problems: list[Problem] = []
        self.check_links = check_links

    def fail(self, path: str, message: str, code: str | None = None, **params: Any) -> None:
        self.problems.append(Problem(self.record, path, message, code, params))

    def present(self, value: Any, path: str, required: bool, expected: str) -> bool:
        """Whether ``value`` is given; a missing one is a problem if it is ``required``."""
        if value is None and required:
            self.fail(path, f"is missing; expected {expected}", "missing")
        return value is not None

    def text(self, data: dict, key: str, path: str, required: bool = True) -> str | None:
        value = _get(data, key)
        if isinstance(value, str) and not value.strip():
            value = None
        if not self.present(value, path, required, "text"):
            return None
        if not isinstance(value, str):
            self.fail(path, f"expected text, got {type(value).__name__} {value!r}", "not_text")
            return None
        return value.strip()

    def link(self, data: dict, key: str, path: str) -> str | None:
        """An optional link: only ``https:``, ``http:`` or ``mailto:`` (:func:`geodata.validate.link_problem`)."""
        return self._checked(self.text(data, key, path, required=False), path, "link_problem")

    def email(self, data: dict, key: str, path: str) -> str | None:
        """An optional e-mail address, which pages draw as a ``mailto:`` link."""
        return self._checked(self.text(data, key, path, required=False), path, "email_problem")

    def _checked(self, value: str | None, path: str, rule: str) -> str | None:
        from geodata import validate  # validate reads geodata (shapes, CRSs) the model itself does not need

        problem = None if value is None or not self.check_links else getattr(validate, rule)(value)
        if problem is not None:
            self.fail(path, str(problem), problem.code, **problem.params)
            return None
        return value

    def choice(self, data: dict, key: str, path: str, choices: tuple[str, ...], required: bool = True) -> str | None:
        value = self.text(data, key, path, required)
        if value is not None and value not in choices:
            self.fail(
                path,
                f"{value!r} is not allowed; expected one of: {', '.join(choices)}",
                "not_allowed",
                value=value,
                choices=choices,
            )
            return None
        return value

    def date(self, data: dict, key: str, path: str, required: bool = True) -> dt.date | None:
        value = _get(data, key)
        if not self.present(value, path, required, "a date (YYYY-MM-DD)"):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(path, f"expected a date (YYYY-MM-DD), got {value!r}", "not_date", value=value)
            return None

    def items(self, data: dict, key: str, path: str, required: bool = True) -> list:
        value = _get(data, key)
        if not self.present(value, path, required, "a list"):
            return []
        if not isinstance(value, list):
            self.fail(path, f"expected a list, got {type(value).__name__}")
            return []
        return value

    def period(self, data: object, path: str, required: bool = True) -> Period | None:
        if data is None and not required:
            return None
        if not isinstance(data, dict):
            self.fail(
                path, "expected a period with 'start' and 'end' dates", "missing" if data is None else "not_period"
            )
            return None
        start = self.date(data, "start", f"{path}.start")
        end = self.date(data, "end", f"{path}.end")
        if start and end and end < start:
            self.fail(
                f"{path}.end",
                f"ends {end} before it starts {start}; expected an end on or after the start",
                "end_before_start",
                start=start.isoformat(),
                end=end.isoformat(),
            )
            return None
        if start and end:
            return Period(start, end)
        return None


def _refuse_repeats(r: _Reader, ids: list[str], path: str, what: str) -> None:
    for dup in sorted({x for x in ids if ids.count(x) > 1}):
        r.fail(path, f"{what} id {dup!r} is used twice; expected unique ids", "repeated_id", value=dup)


def pledge_from_dict(data: dict[str, Any], stored: bool = False) -> Pledge:
    """Build a :class:`Pledge` from plain data, raising :class:`ValidationError` listing every problem.

    ``stored``: ``data`` is a document read back from a store. Its links and e-mail addresses are then kept as
    they are, not checked again: one stored before links were checked still reads (the pages draw a link only
    where :func:`geodata.validate.allowed_link` allows it, else its words as text), and nothing stored is lost.

    >>> p = pledge_from_dict({"id": "x-2020", "title": "T", "municipality": {"name": "Mark", "code": "1463"},
    ...     "police_area": {"name": "LPO Borås"}, "period": {"start": "2020-01-01", "end": "2020-12-31"},
    ...     "focus": "F", "partners": [{"id": "polisen", "name": "Polisen", "kind": "police"}],
    ...     "promises": [{"id": "x-2020-1", "text": "Minst fyra insatser", "parties": ["polisen"],
    ...                   "kind": "targeted_operation", "target": 4}],
    ...     "goals": [{"id": "g1", "text": "Mindre narkotika"}], "follow_up": []})
    >>> p.promises[0].target, p.promises[0].evidence.layer
    (4, 'operations')
    """
    if not isinstance(data, dict):
        raise ValidationError(Problem("pledge", "(document)", "expected a mapping of pledge fields"))
    pledge_id = data.get("id")
    r = _Reader(f"pledge {pledge_id}" if isinstance(pledge_id, str) else "pledge (without id)", check_links=not stored)
    _unknown_keys(r, data, "", "pledge")
    pid = r.text(data, "id", "id")
    if pid and not SLUG.match(pid):
        r.fail(
            "id",
            f"{pid!r} is not a slug; expected lower-case letters, digits and hyphens such as 'molndal-2018'",
            "not_slug",
            value=pid,
        )
    title = r.text(data, "title", "title")
    municipality = _area(r, data.get("municipality"), "municipality", code_pattern=KOMMUN_CODE)
    police_area = _area(r, data.get("police_area"), "police_area", code_pattern=None)
    period = r.period(data.get("period"), "period")
    focus = r.text(data, "focus", "focus")

    partners = []
    for i, item in enumerate(r.items(data, "partners", "partners")):
        path = f"partners[{i}]"
        partner_id = r.text(item, "id", f"{path}.id")
        name = r.text(item, "name", f"{path}.name")
        kind = r.choice(item, "kind", f"{path}.kind", vocab.PARTNER_KINDS)
        short = r.text(item, "short_name", f"{path}.short_name", required=False)
        if partner_id and name and kind:
            partners.append(Partner(partner_id, name, kind, short))
    partner_ids = [p.id for p in partners]
    _refuse_repeats(r, partner_ids, "partners", "partner")
    if not partners:
        r.fail("partners", "no partners; expected at least the police and the municipality", "no_partners")

    problem_picture = data.get("problem_picture") or {}
    if not isinstance(problem_picture, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in problem_picture.items()
    ):
        r.fail("problem_picture", "expected a mapping from party (citizens, police, municipality, …) to text")
        problem_picture = {}

    promises = []
    for i, item in enumerate(r.items(data, "promises", "promises")):
        promise = _promise(r, item, f"promises[{i}]", pid or "", set(partner_ids), period)
        if promise:
            promises.append(promise)
    _refuse_repeats(r, [p.id for p in promises], "promises", "promise")

    goals = []
    # A pledge may state no goals: an empty list is stored as no list, and reads back the same.
    for i, item in enumerate(r.items(data, "goals", "goals", required=False)):
        goal_id = r.text(item, "id", f"goals[{i}].id")
        text = r.text(item, "text", f"goals[{i}].text")
        indicator = r.text(item, "indicator", f"goals[{i}].indicator", required=False)
        better = r.choice(item, "better", f"goals[{i}].better", ("lower", "higher"), required=False)
        baseline = _get(item, "baseline_year")
        if baseline is not None and not (isinstance(baseline, int) and 1990 <= baseline <= 2100):
            r.fail(
                f"goals[{i}].baseline_year",
                f"expected a year such as 2020, got {baseline!r}",
                "not_a_year",
                value=baseline,
            )
            baseline = None
        if (better or baseline is not None) and not indicator:
            r.fail(
                f"goals[{i}].indicator", "is missing; expected the indicator that 'better'/'baseline_year' are about"
            )
        categories = r.items(item, "categories", f"goals[{i}].categories", required=False)
        for category in categories:
            if not isinstance(category, str) or category not in vocab.UNSAFE_CATEGORIES:
                r.fail(
                    f"goals[{i}].categories",
                    f"{category!r} is not a category of unsafe places; expected one of: "
                    f"{', '.join(vocab.UNSAFE_CATEGORIES)}",
                    "not_allowed",
                    value=category,
                    choices=vocab.UNSAFE_CATEGORIES,
                    group="category",
                )
        if goal_id and text:
            goals.append(Goal(goal_id, text, indicator, better, baseline, tuple(dict.fromkeys(map(str, categories)))))

    follow_up = []
    for i, item in enumerate(r.items(data, "follow_up", "follow_up", required=False)):
        kind = r.choice(item, "kind", f"follow_up[{i}].kind", vocab.FOLLOW_UP_KINDS)
        label = r.text(item, "label", f"follow_up[{i}].label")
        url = r.link(item, "url", f"follow_up[{i}].url")
        if kind and label:
            follow_up.append(FollowUp(kind, label, url))

    signatories = []
    for i, item in enumerate(r.items(data, "signatories", "signatories", required=False)):
        s_name, s_title, s_org = (r.text(item, k, f"signatories[{i}].{k}") for k in ("name", "title", "organisation"))
        if s_name and s_title and s_org:
            signatories.append(Signatory(s_name, s_title, s_org))

    contact = None
    if data.get("contact") is not None:
        c = data["contact"]
        name = r.text(c, "name", "contact.name")
        if name:
            contact = Contact(
                name=name,
                **{
                    k: r.text(c, k, f"contact.{k}", required=False) for k in ("title", "organisation", "phone", "hours")
                },
                email=r.email(c, "email", "contact.email"),
            )

    signed_on = r.date(data, "signed_on", "signed_on", required=False)
    cadence = r.choice(data, "follow_up_period", "follow_up_period", vocab.FOLLOW_UP_PERIODS, required=False)
    follows = r.text(data, "follows", "follows", required=False)
    if follows and (not SLUG.match(follows) or follows == pid):
        r.fail(
            "follows",
            f"{follows!r} is not the id of another pledge; expected a slug such as 'mark-2021'",
            "not_another_pledge",
            value=follows,
        )
    carried = _carried(r, data, follows, {p.id for p in promises})
    if r.problems:
        raise ValidationError(r.problems)
    # Each of these is None only after a problem was recorded for it, and problems raised above.
    assert pid is not None and title is not None and focus is not None
    assert municipality is not None and police_area is not None and period is not None
    return Pledge(
        id=pid,
        title=title,
        municipality=municipality,
        police_area=police_area,
        partners=tuple(partners),
        period=period,
        focus=focus,
        problem_picture=dict(problem_picture),
        promises=tuple(promises),
        goals=tuple(goals),
        follow_up=tuple(follow_up),
        signed_on=signed_on,
        signatories=tuple(signatories),
        contact=contact,
        summary=r.text(data, "summary", "summary", required=False),
        source=r.text(data, "source", "source", required=False),
        demo=bool(data.get("demo", False)),
        follow_up_period=cadence,
        follows=follows,
        carried=carried,
    )


def _carried(r: _Reader, data: dict[str, Any], follows: str | None, promise_ids: set[str]) -> tuple[Carried, ...]:
    """What became of the earlier pledge's promises: each once, carried into a promise of this pledge or not."""
    result = []
    for i, item in enumerate(r.items(data, "carried", "carried", required=False)):
        path = f"carried[{i}]"
        earlier = r.text(item, "promise", f"{path}.promise")
        reason = r.text(item, "reason", f"{path}.reason")
        to = r.text(item, "to", f"{path}.to", required=False)
        if to and to not in promise_ids:
            r.fail(
                f"{path}.to",
                f"{to!r} is not a promise of this pledge; expected one of its promise ids",
                "not_a_promise",
                value=to,
            )
        elif earlier and reason:
            result.append(Carried(earlier, reason, to))
    if result and not follows:
        r.fail("follows", "is missing; expected the id of the pledge whose promises 'carried' is about", "missing")
    _refuse_repeats(r, [c.promise for c in result], "carried", "carried promise")
    _refuse_repeats(r, [c.to for c in result if c.to], "carried", "carried-into promise")
    return tuple(result)


def _names(cls: type, *leave_out: str) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls) if f.name not in leave_out)


# The keys each part of a pledge document may have, and the parts nested in it:
# a misspelt or stray key (a YAML comma read as a separator, say) is a problem, not silently dropped.
_SECTIONS: dict[str, tuple[frozenset[str], dict[str, str]]] = {
    "pledge": (
        _names(Pledge),
        {
            "municipality": "area",
            "police_area": "area",
            "period": "period",
            "partners": "partner",
            "signatories": "signatory",
            "goals": "goal",
            "follow_up": "follow_up",
            "contact": "contact",
            "promises": "promise",
            "carried": "carried",
        },
    ),
    "carried": (_names(Carried), {}),
    "area": (_names(Area), {}),
    "period": (_names(Period), {}),
    "partner": (_names(Partner), {}),
    "signatory": (_names(Signatory), {}),
    "goal": (_names(Goal), {}),
    "follow_up": (_names(FollowUp), {}),
    "contact": (_names(Contact), {}),
    "promise": (_names(Promise, "pledge_id"), {"evidence": "evidence", "period": "period"}),
    "evidence": (_names(Evidence), {}),
}


def _unknown_keys(r: _Reader, data: Any, path: str, section: str) -> None:
    if isinstance(data, list):
        for i, item in enumerate(data):
            _unknown_keys(r, item, f"{path}[{i}]", section)
        return
    if not isinstance(data, dict):
        return
    allowed, nested = _SECTIONS[section]
    for key, value in data.items():
        where = f"{path}.{key}" if path else str(key)
        if key not in allowed:
            r.fail(
                where,
                f"is not a field of a {section.replace('_', '-')}; expected one of: {', '.join(sorted(allowed))}",
                "unknown_key",
                value=key,
            )
        elif key in nested:
            _unknown_keys(r, value, where, nested[key])


def _area(r: _Reader, data: Any, path: str, code_pattern: re.Pattern | None) -> Area | None:
    if not isinstance(data, dict):
        r.fail(path, "is missing; expected a name and a code", "missing")
        return None
    name = r.text(data, "name", f"{path}.name")
    code = data.get("code")
    if code is not None:
        code = str(code)
        if code_pattern and not code_pattern.match(code):
            r.fail(
                f"{path}.code", f"{code!r} is not a 4-digit kommun code such as '1481'", "not_kommun_code", value=code
            )
    elif code_pattern:
        r.fail(f"{path}.code", "is missing; expected a 4-digit kommun code such as '1481'", "missing_kommun_code")
    return Area(name, code) if name else None


def _promise(r: _Reader, data: Any, path: str, pledge_id: str, partners: set[str], pledge_period: Period | None):
    if not isinstance(data, dict):
        r.fail(path, "expected a mapping of promise fields")
        return None
    promise_id = r.text(data, "id", f"{path}.id")
    if promise_id and not SLUG.match(promise_id):
        r.fail(
            f"{path}.id",
            f"{promise_id!r} is not a slug; expected lower-case letters, digits and hyphens",
            "not_slug",
            value=promise_id,
        )
    text = r.text(data, "text", f"{path}.text")
    kind = r.choice(data, "kind", f"{path}.kind", vocab.PROMISE_KINDS)
    parties = r.items(data, "parties", f"{path}.parties")
    if not parties:
        r.fail(f"{path}.parties", "is empty; expected the ids of the responsible partners", "no_parties")
    for party in parties:
        if party not in partners:
            r.fail(
                f"{path}.parties",
                f"{party!r} is not one of the pledge's partners ({', '.join(sorted(partners))})",
                "unknown_party",
                value=party,
            )

    target = data.get("target")
    if target is not None and (isinstance(target, bool) or not isinstance(target, int) or target < 1):
        r.fail(f"{path}.target", f"expected a whole number of at least 1, got {target!r}", "not_target", value=target)
        target = None
    target_unit = r.text(data, "target_unit", f"{path}.target_unit", required=False)
    target_per = r.choice(data, "target_per", f"{path}.target_per", vocab.TARGET_PERIODS, required=False)

    period = r.period(data.get("period"), f"{path}.period", required=False)
    if period and pledge_period and not (pledge_period.contains(period.start) and pledge_period.contains(period.end)):
        r.fail(
            f"{path}.period",
            f"{period.start}–{period.end} lies outside the pledge's period {pledge_period.start}–{pledge_period.end}",
            "outside_period",
            start=pledge_period.start.isoformat(),
            end=pledge_period.end.isoformat(),
        )

    evidence = _evidence(r, data.get("evidence"), f"{path}.evidence", kind)
    if (
        not (promise_id and text and kind and evidence)
        or len(r.problems)
        and any(p.field.startswith(path) for p in r.problems)
    ):
        return None
    return Promise(promise_id, pledge_id, text, tuple(parties), kind, evidence, target, target_unit, period, target_per)


def _evidence(r: _Reader, data: Any, path: str, promise_kind: str | None) -> Evidence | None:
    if data is None:
        if promise_kind is None:
            return None
        default_layer, default_kinds = DEFAULT_EVIDENCE[promise_kind]
        return Evidence(default_layer, default_kinds)
    layer_name = r.choice(data, "layer", f"{path}.layer", tuple(LAYERS))
    if layer_name is None:
        return None
    layer = LAYERS[layer_name]
    assert layer.kind_field is not None  # every layer in LAYERS names the field its evidence kinds refer to
    allowed = layer.field(layer.kind_field).choices
    kinds = r.items(data, "kinds", f"{path}.kinds", required=False)
    for k in kinds:
        if k not in allowed:
            r.fail(f"{path}.kinds", f"{k!r} is not a kind of {layer_name}; expected one of: {', '.join(allowed)}")
    return Evidence(layer_name, tuple(kinds))
