"""The lägesbild and action plan a municipality writes (lag 2023:196): the sections people write, kept with every version.

Brå's method has four steps: a *kartläggning* of crime and unsafety, an
*analysis* of it, the *prioritised problems* the analysis points to, and the
*measures* taken against them. The kartläggning is drafted from the store
when it is shown (:mod:`geodata.analysis.situation`); what people write is a
:class:`SituationReport`, stored as a versioned document of kind
:data:`KIND` under the key ``"<kommun code>/<year>"``:

>>> report = SituationReport("1463", 2026, analysis="Otryggheten ökar kvällstid i Kinna centrum.",
...     problems=(PriorityProblem("p1", "Narkotikaförsäljning vid busstationen", ("drug_dealing",), "Kinna busstation"),),
...     measures=(Measure("Riktade insatser mot narkotika", "polisen", "p1", "2027-T1"),))
>>> report.key, SituationReport.from_content(report.to_content()) == report
('1463/2026', True)

A content that is not a valid report raises :class:`~geodata.errors.ValidationError`, each problem naming
the section, the item and the field:

>>> try:
...     SituationReport.from_content({"municipality_code": "1463", "year": 2026,
...         "problems": [{"id": "p1", "text": ""}], "measures": [{"text": "X", "responsible": "", "problem": "p9"}]})
... except ValidationError as exc:
...     [(p.field, p.code) for p in exc.problems]
[('problems[0].text', 'missing'), ('measures[0].responsible', 'missing'), ('measures[0].problem', 'unknown_problem')]
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

from geodata import vocab
from geodata.errors import Problem, ValidationError
from geodata.followup import StoredDocument
from geodata.io.pledge_text import guess_promise_kind
from geodata.io.swedish_text import slug
from geodata.model import KOMMUN_CODE, SLUG

KIND = "situation_report"
SECTIONS = ("analysis", "problems", "measures")
MAX_ANALYSIS = 20_000  # a few pages of analysis
MAX_TEXT = 2_000  # one problem's or measure's text
MAX_SHORT = 200  # where, who, when
MAX_ITEMS = 50
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab and newlines are plain text
_CONTENT_KEYS = frozenset({"municipality_code", "year", *SECTIONS})
_PROBLEM_KEYS = frozenset({"id", "text", "categories", "places"})
_MEASURE_KEYS = frozenset({"text", "responsible", "problem", "when"})


@dataclass(frozen=True)
class PriorityProblem:
    """One prioritised problem: what it is, which categories of unsafety and which places it concerns.

    ``id`` stays with the problem when the list is reordered, so a measure can name the problem it addresses.
    """

    id: str
    text: str
    categories: tuple[str, ...] = ()  # codes of vocab.UNSAFE_CATEGORIES
    places: str = ""  # the places, as the writer names them ("Kinna busstation, Skolgatan")


@dataclass(frozen=True)
class Measure:
    """One measure of the action plan: what is done, by which partner, against which problem, and when."""

    text: str
    responsible: str  # a partner's id ("polisen") or name
    problem: str | None = None  # the id of the PriorityProblem it addresses
    when: str = ""  # "2027-T1", "våren 2027", …


@dataclass(frozen=True)
class SituationReport:
    """A municipality's lägesbild and action plan for one year: the sections people write, in one version.

    ``problems`` is in priority order, the first the most pressing. ``version``, ``saved_by`` and
    ``saved_at`` are the stored version's (0 and None before the first save).
    """

    municipality_code: str
    year: int
    analysis: str = ""
    problems: tuple[PriorityProblem, ...] = ()
    measures: tuple[Measure, ...] = ()
    version: int = 0
    saved_by: str | None = None
    saved_at: dt.datetime | None = None

    @property
    def key(self) -> str:
        return report_key(self.municipality_code, self.year)

    def problem(self, problem_id: str | None) -> PriorityProblem | None:
        return next((p for p in self.problems if p.id == problem_id), None)

    def to_content(self) -> dict[str, Any]:
        """The report as plain data (what the store keeps): the municipality, the year and the written sections."""
        return {
            "municipality_code": self.municipality_code,
            "year": self.year,
            "analysis": self.analysis,
            "problems": [
                {"id": p.id, "text": p.text, "categories": list(p.categories), "places": p.places}
                for p in self.problems
            ],
            "measures": [
                {"text": m.text, "responsible": m.responsible, "problem": m.problem, "when": m.when}
                for m in self.measures
            ],
        }

    @classmethod
    def from_content(cls, content: Any) -> SituationReport:
        """The report of plain data; raises :class:`ValidationError` listing every problem (see the module)."""
        return _read(content)

    @classmethod
    def from_document(cls, document: StoredDocument) -> SituationReport:
        report = _read(document.content)
        return replace(report, version=document.version, saved_by=document.saved_by, saved_at=document.saved_at)


def report_key(municipality_code: str, year: int) -> str:
    """>>> report_key("1463", 2026)
    '1463/2026'
    """
    return f"{municipality_code}/{year}"


def next_problem_id(problems: tuple[PriorityProblem, ...] | list[PriorityProblem]) -> str:
    """An id no problem of ``problems`` has yet ("p1", "p2", …).

    >>> next_problem_id([PriorityProblem("p1", "a"), PriorityProblem("p3", "b")])
    'p4'
    """
    numbers = [int(p.id[1:]) for p in problems if re.fullmatch(r"p\d+", p.id)]
    return f"p{max(numbers, default=0) + 1}"


class _Checker:
    def __init__(self, record: str) -> None:
        self.record = record
        self.problems: list[Problem] = []

    def fail(self, section: str, item: int | None, name: str | None, message: str, code: str, **params: Any) -> None:
        where = "" if section in ("report", name) else section if item is None else f"{section}[{item}]"
        where = (f"{where}.{name}" if where else name) if name else where
        self.problems.append(
            Problem(self.record, where, message, code, {"section": section, "item": item, "field": name, **params})
        )

    def text(self, data: dict, key: str, section: str, item: int | None, limit: int, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.fail(section, item, key, f"expected text, got {type(value).__name__}", "not_text")
            return ""
        if required and not value.strip():
            self.fail(section, item, key, "is missing; expected a text", "missing")
        if len(value) > limit:
            self.fail(
                section,
                item,
                key,
                f"has {len(value)} characters; expected at most {limit}",
                "too_long",
                length=len(value),
                max=limit,
            )
        if _CONTROL.search(value):
            self.fail(section, item, key, "holds control characters; expected plain text", "control_characters")
        return value.strip() if key != "analysis" else value

    def items(self, data: dict, section: str) -> list:
        value = data.get(section)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(section, None, None, f"expected a list, got {type(value).__name__}", "not_list")
            return []
        if len(value) > MAX_ITEMS:
            self.fail(section, None, None, f"has {len(value)} items; expected at most {MAX_ITEMS}", "too_many")
        return value

    def unknown(self, data: dict, allowed: frozenset[str], section: str, item: int | None) -> None:
        for key in data:
            if key not in allowed:
                self.fail(
                    section,
                    item,
                    str(key),
                    f"is not a field here; expected one of: {', '.join(sorted(allowed))}",
                    "unknown_key",
                    value=key,
                )


def _read(content: Any) -> SituationReport:
    if not isinstance(content, dict):
        raise ValidationError(Problem("situation report", "(document)", "expected a mapping of the report's sections"))
    code = content.get("municipality_code")
    year = content.get("year")
    c = _Checker(f"situation report {code}/{year}")
    c.unknown(content, _CONTENT_KEYS, "report", None)
    if not isinstance(code, str) or not KOMMUN_CODE.match(code):
        c.fail("report", None, "municipality_code", f"{code!r} is not a kommun code; expected 4 digits", "not_kommun")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        c.fail("report", None, "year", f"expected a year such as 2026, got {year!r}", "not_year")
    analysis = c.text(content, "analysis", "analysis", None, MAX_ANALYSIS)
    problems: list[PriorityProblem] = []
    for i, item in enumerate(c.items(content, "problems")):
        if not isinstance(item, dict):
            c.fail("problems", i, None, "expected a mapping of the problem's fields", "not_mapping")
            continue
        c.unknown(item, _PROBLEM_KEYS, "problems", i)
        pid = item.get("id")
        if not isinstance(pid, str) or not SLUG.match(pid):
            c.fail("problems", i, "id", f"{pid!r} is not an id; expected one such as p1", "not_slug", value=pid)
            pid = ""
        elif pid in {p.id for p in problems}:
            c.fail("problems", i, "id", f"{pid!r} is used twice; expected unique ids", "repeated_id", value=pid)
        text = c.text(item, "text", "problems", i, MAX_TEXT, required=True)
        categories = item.get("categories") or []
        if not isinstance(categories, list) or not all(isinstance(x, str) for x in categories):
            c.fail("problems", i, "categories", "expected a list of category codes", "not_list")
            categories = []
        for code_ in categories:
            if code_ not in vocab.UNSAFE_CATEGORIES:
                c.fail(
                    "problems",
                    i,
                    "categories",
                    f"{code_!r} is not allowed; expected one of: {', '.join(vocab.UNSAFE_CATEGORIES)}",
                    "not_allowed",
                    value=code_,
                )
        places = c.text(item, "places", "problems", i, MAX_SHORT)
        problems.append(PriorityProblem(pid, text, tuple(dict.fromkeys(categories)), places))
    ids = {p.id for p in problems}
    measures: list[Measure] = []
    for i, item in enumerate(c.items(content, "measures")):
        if not isinstance(item, dict):
            c.fail("measures", i, None, "expected a mapping of the measure's fields", "not_mapping")
            continue
        c.unknown(item, _MEASURE_KEYS, "measures", i)
        text = c.text(item, "text", "measures", i, MAX_TEXT, required=True)
        responsible = c.text(item, "responsible", "measures", i, MAX_SHORT, required=True)
        problem = item.get("problem") or None
        if problem is not None and problem not in ids:
            c.fail(
                "measures",
                i,
                "problem",
                f"{problem!r} is not one of the prioritised problems; expected one of: {', '.join(sorted(ids)) or '(none)'}",
                "unknown_problem",
                value=problem,
            )
        when = c.text(item, "when", "measures", i, MAX_SHORT)
        measures.append(Measure(text, responsible, problem if isinstance(problem, str) else None, when))
    if c.problems:
        raise ValidationError(c.problems)
    assert isinstance(code, str) and isinstance(year, int)
    return SituationReport(code, year, analysis, tuple(problems), tuple(measures))


def save_situation_report(store: Any, report: SituationReport, expected_version: int) -> SituationReport:
    """Store ``report`` as the next version of its municipality's and year's lägesbild; returns it as stored.

    The report is checked first (nothing is stored when it is not valid: :class:`ValidationError`); a
    version saved by someone else since ``expected_version`` raises
    :class:`~geodata.errors.VersionConflictError`. Through a :class:`~geodata.access.GuardedStore` only the
    roles of :data:`~geodata.access.rules.DOCUMENT_ROLES` may save.
    """
    content = SituationReport.from_content(report.to_content()).to_content()
    saved = store.save_document(StoredDocument(KIND, report.key, content), expected_version)
    return SituationReport.from_document(saved)


def situation_versions(store: Any, municipality_code: str, year: int) -> list[SituationReport]:
    """Every saved version of the municipality's lägesbild for ``year``, oldest first (empty when none is)."""
    documents = store.read_documents(KIND, report_key(municipality_code, year))
    return [SituationReport.from_document(d) for d in documents]


def latest_situation(store: Any, municipality_code: str, year: int) -> SituationReport:
    """The latest saved version, or an empty report (version 0) to start from."""
    versions = situation_versions(store, municipality_code, year)
    return versions[-1] if versions else SituationReport(municipality_code, year)


def situation_for_next(store: Any, pledge: Any, next_year: int) -> SituationReport | None:
    """The municipality's saved lägesbild that next year's pledge (starting in ``next_year``) is planned from:
    the one of that year if it is written, else the one of the year before (the year the pledge ran); None
    when neither is saved."""
    code = pledge.municipality.code
    for year in (next_year, next_year - 1):
        versions = situation_versions(store, code, year) if code else []
        if versions:
            return versions[-1]
    return None


def draft_promises_from_situation(report: SituationReport, pledge_id: str, partners: Any = ()) -> list[dict[str, Any]]:
    """Draft promises for next year's pledge ``pledge_id`` from the report's action plan, as
    :func:`geodata.model.pledge_from_dict` reads promises (``id``, ``text``, ``parties``, ``kind``).

    Each measure becomes a promise, in the order of the problems they address (the most pressing first, then
    the measures that name no problem); a prioritised problem no measure addresses becomes a promise of its
    own text, for the partners to take on. ``parties`` is the measure's responsible partner: matched against
    ``partners`` (the new pledge's :class:`~geodata.model.Partner`\\ s, by id, name or short name), else kept
    when it is an id, else empty for the person drafting to fill in. The kind is guessed from the text with
    the pledge reader's words, else "other".

    >>> report = SituationReport("1463", 2026,
    ...     problems=(PriorityProblem("p1", "Otrygghet vid Kinna busstation"), PriorityProblem("p2", "Klotter")),
    ...     measures=(Measure("Föräldravandringar på fredagskvällar", "Marks kommun", None),
    ...               Measure("Ökad polisiär närvaro vid busstationen", "polisen", "p1")))
    >>> [(d["id"], d["parties"], d["kind"]) for d in draft_promises_from_situation(report, "mark-2027")]
    [('mark-2027-okad-polisiar-narvaro-vid', ['polisen'], 'presence_patrol'), ('mark-2027-foraldravandringar-pa-fredagskvallar', [], 'parent_information'), ('mark-2027-klotter', [], 'other')]
    """
    order = {p.id: i for i, p in enumerate(report.problems)}
    measures = sorted(report.measures, key=lambda m: order.get(m.problem or "", len(order)))
    addressed = {m.problem for m in report.measures}
    texts = [(m.text, _party(m.responsible, partners)) for m in measures]
    texts += [(p.text, []) for p in report.problems if p.id not in addressed]
    drafts: list[dict[str, Any]] = []
    used: set[str] = set()
    for text, parties in texts:
        base = f"{pledge_id}-{slug(text) or 'lofte'}"
        promise_id, n = base, 2
        while promise_id in used:
            promise_id, n = f"{base}-{n}", n + 1
        used.add(promise_id)
        drafts.append({"id": promise_id, "text": text, "parties": parties, "kind": guess_promise_kind(text) or "other"})
    return drafts


def _party(responsible: str, partners: Any) -> list[str]:
    wanted = responsible.strip().casefold()
    for partner in partners:
        if wanted in {n.casefold() for n in (partner.id, partner.name, partner.short_name) if n}:
            return [partner.id]
    return [responsible.strip()] if SLUG.match(responsible.strip()) else []


PLAN_EDITS = ("add_problem", "up", "down", "delete_problem", "add_measure", "delete_measure")


def edit_plan(content: dict[str, Any], op: str, index: int = -1) -> dict[str, Any]:
    """``content`` (a report as plain data, possibly half written) with one change to its lists.

    ``add_problem`` and ``add_measure`` append an empty item (a new problem gets an unused id); ``up`` and
    ``down`` move problem ``index`` one place (kept within the list); ``delete_problem`` removes it and
    leaves the measures that addressed it addressing none; ``delete_measure`` removes measure ``index``.

    >>> plan = {"problems": [{"id": "p1", "text": "a"}, {"id": "p2", "text": "b"}],
    ...         "measures": [{"text": "m", "responsible": "polisen", "problem": "p2"}]}
    >>> [p["id"] for p in edit_plan(plan, "up", 1)["problems"]]
    ['p2', 'p1']
    >>> edit_plan(plan, "delete_problem", 1)["measures"][0]["problem"] is None
    True
    >>> edit_plan(plan, "add_problem")["problems"][-1]
    {'id': 'p3', 'text': '', 'categories': [], 'places': ''}
    """
    problems = [dict(p) for p in content.get("problems") or []]
    measures = [dict(m) for m in content.get("measures") or []]
    if op == "add_problem":
        ids = tuple(PriorityProblem(str(p.get("id") or ""), "") for p in problems)
        problems.append({"id": next_problem_id(ids), "text": "", "categories": [], "places": ""})
    elif op in ("up", "down") and 0 <= index < len(problems):
        target = min(max(index + (-1 if op == "up" else 1), 0), len(problems) - 1)
        problems.insert(target, problems.pop(index))
    elif op == "delete_problem" and 0 <= index < len(problems):
        gone = problems.pop(index).get("id")
        measures = [{**m, "problem": None} if m.get("problem") == gone else m for m in measures]
    elif op == "add_measure":
        measures.append({"text": "", "responsible": "", "problem": None, "when": ""})
    elif op == "delete_measure" and 0 <= index < len(measures):
        measures.pop(index)
    elif op not in PLAN_EDITS:
        raise ValueError(f"{op!r} is not a change of the plan; expected one of: {', '.join(PLAN_EDITS)}")
    return {**content, "problems": problems, "measures": measures}
