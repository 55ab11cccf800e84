"""A draft pledge under review: the document a person corrects before it is saved.

:func:`draft_document` turns what :func:`~geodata.io.pledge_text.parse_pledge_text`
read (its ``to_dict()``) into a pledge document (the schema of
:func:`geodata.model.pledge_from_dict`) with holes where the text said
nothing, and with how sure the reader was of each value under the private
key ``_certainty`` ("found", "guessed", "not_found"; "edited" once a person
changed it). The edits of the review (:func:`apply_edits`, :func:`add_promise`,
:func:`split_promise`, :func:`merge_promise`, :func:`move_promise`, …) work on
that dictionary and return a new one, so the page and the command line share
them. :func:`save_document` validates the reviewed document like every pledge
document and replaces a stored pledge of the same id only when asked to, and
never so that records lose the promise they link to.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

import yaml

from geodata.errors import NotFoundError, PledgemapError, Problem, ValidationError
from geodata.io.swedish_text import slug
from geodata.model import Pledge, pledge_from_dict
from geodata.store.base import LayerQuery, Store

CERTAINTY = "_certainty"
CUT = "_cut"  # the text ended inside this promise (or, on the pledge, the text is an excerpt cut off)
FOUND, GUESSED, NOT_FOUND, EDITED = "found", "guessed", "not_found", "edited"
INHERITED = "inherited"  # a promise's period not in the text: the pledge's period
PLEDGE_FIELDS = ("id", "title", "municipality", "police_area", "period", "focus", "partners", "signed_on")
PROMISE_FIELDS = ("text", "parties", "kind", "target", "period")
PROMISE_LINKED_LAYERS = ("inventoried_sites", "operations")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+")


class PledgeExistsError(PledgemapError):
    """A pledge with the document's id is stored already and replacing it was not asked for."""

    def __init__(self, pledge_id: str, title: str):
        super().__init__(f"a pledge {pledge_id!r} ({title}) is already stored; replace it explicitly to overwrite it")
        self.pledge_id = pledge_id
        self.title = title


def _state(certainty: dict[str, Any], name: str, value: Any) -> str:
    """The reader's certainty of ``name``; where it does not say, found if there is a value, else not found."""
    given = certainty.get(name)
    if given in (FOUND, GUESSED, NOT_FOUND):
        return given
    return FOUND if value not in (None, "", [], {}) else NOT_FOUND


def _period(value: Any) -> dict[str, Any]:
    value = value if isinstance(value, dict) else {}
    return {"start": value.get("start"), "end": value.get("end")}


def _unique(wanted: str, taken: set[str]) -> str:
    candidate, n = wanted, 2
    while candidate in taken:
        candidate, n = f"{wanted}-{n}", n + 1
    return candidate


def _promise_ids(doc: dict[str, Any]) -> set[str]:
    return {p.get("id") for p in doc.get("promises", []) if p.get("id")}


def _new_promise_id(doc: dict[str, Any], text: str | None = None) -> str:
    base = doc.get("id") or "lofte"
    return _unique(f"{base}-{slug(text or '', words=3) or len(doc.get('promises', [])) + 1}", _promise_ids(doc))


def draft_document(draft: dict[str, Any]) -> dict[str, Any]:
    """The reviewable pledge document for a reader's draft (``ParsedPledge.to_dict()``).

    >>> doc = draft_document({"title": "Medborgarlöfte Mark 2021", "municipality": {"name": "Mark", "code": "1463"},
    ...     "period": {"start": "2021-01-01", "end": "2021-12-31"}, "certainty": {"period": "guessed"},
    ...     "partners": [{"id": "polisen", "name": "Polisen", "kind": "police", "short_name": None}],
    ...     "promises": [{"text": "Minst fyra insatser", "parties": ["polisen"], "kind": None, "target": 4}]})
    >>> doc["id"], doc["promises"][0]["id"], doc["_certainty"]["period"], doc["_certainty"]["focus"]
    ('mark-2021', 'mark-2021-minst-fyra-insatser', 'guessed', 'not_found')
    >>> doc["promises"][0]["_certainty"]
    {'text': 'found', 'parties': 'found', 'kind': 'not_found', 'target': 'found', 'period': 'inherited'}
    """
    certainty = draft.get("certainty") or {}
    municipality = draft.get("municipality") or {}
    police_area = draft.get("police_area") or {}
    period = _period(draft.get("period"))
    year = (period["start"] or "")[:4]
    pid = "-".join(x for x in (slug(municipality.get("name") or "", words=3), year) if x)
    doc: dict[str, Any] = {
        "id": pid or None,
        "title": draft.get("title"),
        "municipality": {"name": municipality.get("name"), "code": municipality.get("code")},
        "police_area": {"name": police_area.get("name"), "code": police_area.get("code")},
        "period": period,
        "focus": draft.get("focus"),
        "partners": [{k: p.get(k) for k in ("id", "name", "kind", "short_name")} for p in draft.get("partners") or []],
        "problem_picture": dict(draft.get("problem_picture") or {}),
        "promises": [],
        "goals": [],
        "follow_up": [dict(f) for f in draft.get("follow_up") or []],
        "follow_up_period": draft.get("follow_up_period"),
        "signatories": [dict(s) for s in draft.get("signatories") or []],
        "signed_on": draft.get("signed_on"),
        "contact": draft.get("contact"),
    }
    states = {name: _state(certainty, name, draft.get(name)) for name in PLEDGE_FIELDS if name != "id"}
    states["id"] = GUESSED if pid else NOT_FOUND
    doc[CERTAINTY] = states
    doc[CUT] = bool(draft.get("cut"))
    for item in draft.get("promises") or []:
        promise = {
            "id": _new_promise_id(doc, item.get("text")),
            "text": item.get("text"),
            "parties": list(item.get("parties") or []),
            "kind": item.get("kind"),
            "target": item.get("target"),
            "target_unit": item.get("target_unit"),
            "target_per": item.get("target_per"),
            "period": _period(item.get("period")),
        }
        if item.get("site_kinds") and item.get("kind") == "property_inspection":
            promise["evidence"] = {"layer": "inventoried_sites", "kinds": list(item["site_kinds"])}
        marks = item.get("certainty") or {}
        promise[CERTAINTY] = {name: _state(marks, name, item.get(name)) for name in PROMISE_FIELDS}
        if promise[CERTAINTY]["period"] == NOT_FOUND:  # no period of its own: it runs for the pledge's, as most do
            promise[CERTAINTY]["period"] = INHERITED
        promise[CUT] = bool(item.get("cut"))
        doc["promises"].append(promise)
    taken: set[str] = set()
    for i, text in enumerate(draft.get("goals") or [], start=1):
        text = text.get("text") if isinstance(text, dict) else text
        goal_id = _unique(slug(text or "", words=3) or f"mal-{i}", taken)
        taken.add(goal_id)
        doc["goals"].append({"id": goal_id, "text": text})
    return doc


def certainty(doc: dict[str, Any], name: str, promise: int | None = None) -> str:
    """How sure the reader was of a pledge field, or of a promise's field (``promise`` its index)."""
    holder = doc if promise is None else doc["promises"][promise]
    return (holder.get(CERTAINTY) or {}).get(name, FOUND)


# --- edits ------------------------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _target(value: Any) -> Any:
    """A target as typed: a whole number where it is one, else the value as given (validation names it)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        return int(value)
    return value


def _goals(doc: dict[str, Any], value: Any) -> list[dict[str, Any]]:
    """Goals from one text, a goal per line, keeping each line's id where its position had one."""
    lines = [line.strip() for line in str(value or "").splitlines() if line.strip()]
    old = [g.get("id") for g in doc.get("goals", [])]
    goals: list[dict[str, Any]] = []
    taken: set[str] = set()
    for i, text in enumerate(lines):
        goal_id = old[i] if i < len(old) and old[i] else slug(text, words=3) or f"mal-{i + 1}"
        goal_id = _unique(goal_id, taken)
        taken.add(goal_id)
        goals.append({"id": goal_id, "text": text})
    return goals


def _convert(key: str, value: Any) -> Any:
    if key == "target":
        return _target(value)
    if key == "parties":
        return [str(v) for v in value or []]
    return _text(value)


def apply_edits(doc: dict[str, Any], edits: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with the form's values set: ``edits`` maps a field's path to its value.

    Paths are ``title``, ``period.start``, ``partners.0.name``, ``promises.2.target``, ``goals``
    (every goal, one per line) and so on; an empty value is no value. A value that changes loses
    its certainty mark (a person has now given it).

    >>> doc = {"title": None, "period": {"start": None, "end": None}, "promises": [
    ...     {"text": "Minst fyra", "target": None, "_certainty": {"target": "not_found"}}],
    ...     "_certainty": {"title": "not_found"}}
    >>> doc = apply_edits(doc, {"title": " Löftet ", "promises.0.target": "4", "period.start": ""})
    >>> doc["title"], doc["promises"][0]["target"], doc["promises"][0]["_certainty"], doc["_certainty"]
    ('Löftet', 4, {'target': 'edited'}, {'title': 'edited'})
    """
    doc = copy.deepcopy(doc)
    for path, value in edits.items():
        parts = path.split(".")
        if parts == ["goals"]:
            goals = _goals(doc, value)
            if [g["text"] for g in goals] != [g.get("text") for g in doc.get("goals", [])]:
                doc["goals"] = goals
            continue
        holder: Any = doc
        marks = doc.setdefault(CERTAINTY, {})
        mark = parts[0]
        for i, part in enumerate(parts[:-1]):
            if isinstance(holder, list):
                index = int(part)
                if index >= len(holder):
                    holder = None
                    break
                holder = holder[index]
                if parts[0] == "promises" and i == 1:
                    marks = holder.setdefault(CERTAINTY, {})
                    mark = parts[2]
            else:
                if not isinstance(holder.get(part), (dict, list)):
                    holder[part] = {}
                holder = holder[part]
        if not isinstance(holder, dict):
            continue
        key = parts[-1]
        new = _convert(key, value)
        if parts == ["id"] and holder.get("id") and new and holder["id"] != new:
            _renamed(doc, holder["id"], new)
        if holder.get(key) != new:
            holder[key] = new
            if mark in ("target_unit", "target_per"):
                mark = "target"
            marks[mark] = EDITED
    return doc


def _renamed(doc: dict[str, Any], old: str, new: str) -> None:
    """The promises' ids that the draft made from the pledge's id follow it when it changes (a promise id is
    unique across pledges: a copy saved under a new id must not reuse the first one's); so do the promises
    that the earlier pledge's promises are carried into (``carried[].to``)."""
    for holder, key in [(p, "id") for p in doc.get("promises") or []] + [(c, "to") for c in doc.get("carried") or []]:
        if isinstance(holder, dict) and isinstance(holder.get(key), str) and holder[key].startswith(f"{old}-"):
            holder[key] = f"{new}-{holder[key].removeprefix(f'{old}-')}"


def _promises(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return doc.setdefault("promises", [])


def _check_index(doc: dict[str, Any], index: int) -> None:
    if not 0 <= index < len(_promises(doc)):
        raise ValidationError(
            Problem(
                "draft pledge",
                "promises",
                f"there is no promise {index + 1}; expected 1 to {len(_promises(doc))}",
                "no_such_promise",
                {"number": index + 1},
            )
        )


def add_promise(doc: dict[str, Any], after: int | None = None) -> dict[str, Any]:
    """``doc`` with an empty promise after promise ``after`` (at the end when None)."""
    doc = copy.deepcopy(doc)
    promises = _promises(doc)
    promise: dict[str, Any] = {
        "id": _new_promise_id(doc),
        "text": None,
        "parties": [],
        "kind": None,
        "target": None,
        "target_unit": None,
        "target_per": None,
        "period": {"start": None, "end": None},
        CERTAINTY: {},
    }
    promises.insert(len(promises) if after is None else after + 1, promise)
    return doc


def delete_promise(doc: dict[str, Any], index: int) -> dict[str, Any]:
    _check_index(doc, index)
    doc = copy.deepcopy(doc)
    del _promises(doc)[index]
    return doc


def split_point(text: str, at: int | None = None) -> int | None:
    """Where to split ``text``: at ``at`` if it falls inside the text, else at the sentence end nearest its middle.

    >>> text = "Genomföra fyra insatser. Kommunen ska se över belysningen."
    >>> text[split_point(text):], text[split_point(text, 9):]
    ('Kommunen ska se över belysningen.', ' fyra insatser. Kommunen ska se över belysningen.')
    >>> split_point("Ingen mening att dela") is None
    True
    """
    if at is not None and 0 < at < len(text) and text[:at].strip() and text[at:].strip():
        return at
    ends = [m.end() for m in _SENTENCE_END.finditer(text) if text[m.end() :].strip()]
    if not ends:
        return None
    return min(ends, key=lambda end: abs(end - len(text) / 2))


def split_promise(doc: dict[str, Any], index: int, at: int | None = None) -> dict[str, Any]:
    """``doc`` with promise ``index`` split in two at character ``at`` (or at a sentence end near its middle).

    The second part keeps the parties, kind and period of the first, marked as guessed; the target
    stays with the part whose text holds it, the first unless only the second has its number.
    """
    _check_index(doc, index)
    doc = copy.deepcopy(doc)
    promise = _promises(doc)[index]
    text = promise.get("text") or ""
    cut = split_point(text, at)
    if cut is None:
        raise ValidationError(
            Problem(
                "draft pledge",
                f"promises[{index}].text",
                "has no sentence end to split at; place the cursor where the promise should be split",
                "no_split_point",
            )
        )
    first, second = text[:cut].strip(), text[cut:].strip()
    other = copy.deepcopy(promise)
    promise["text"], other["text"] = first, second
    promise.setdefault(CERTAINTY, {})["text"] = EDITED
    other["id"] = _new_promise_id(doc, second)
    other.pop("evidence", None)
    marks = dict(promise[CERTAINTY])
    for name in ("parties", "kind", "period"):
        if other.get(name) not in (None, [], {"start": None, "end": None}):
            marks[name] = GUESSED
    number = promise.get("target")
    if number is not None and str(number) not in first and str(number) in second:
        promise["target"], promise["target_unit"], promise["target_per"] = None, None, None
        promise[CERTAINTY]["target"] = NOT_FOUND
    else:
        other["target"], other["target_unit"], other["target_per"] = None, None, None
        marks["target"] = NOT_FOUND
    other[CERTAINTY] = {**marks, "text": EDITED}
    _promises(doc).insert(index + 1, other)
    return doc


def merge_promise(doc: dict[str, Any], index: int) -> dict[str, Any]:
    """``doc`` with promise ``index`` and the next one as one promise (the first's id, kind and target first)."""
    _check_index(doc, index)
    _check_index(doc, index + 1)
    doc = copy.deepcopy(doc)
    promises = _promises(doc)
    first, second = promises[index], promises.pop(index + 1)
    first["text"] = " ".join(t for t in (first.get("text"), second.get("text")) if t) or None
    first["parties"] = list(dict.fromkeys([*first.get("parties", []), *second.get("parties", [])]))
    marks = first.setdefault(CERTAINTY, {})
    marks["text"] = EDITED
    for name, also in (("kind", ()), ("target", ("target_unit", "target_per"))):
        if first.get(name) is None and second.get(name) is not None:
            for key in (name, *also):
                first[key] = second.get(key)
            marks[name] = (second.get(CERTAINTY) or {}).get(name, FOUND)
    return doc


def move_promise(doc: dict[str, Any], index: int, step: int) -> dict[str, Any]:
    """``doc`` with promise ``index`` moved ``step`` places (−1 up, +1 down); at an end it stays."""
    _check_index(doc, index)
    doc = copy.deepcopy(doc)
    promises = _promises(doc)
    to = max(0, min(len(promises) - 1, index + step))
    promises.insert(to, promises.pop(index))
    return doc


def add_partner(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    partners = doc.setdefault("partners", [])
    taken = {p.get("id") for p in partners}
    partner_id = _unique(f"part-{len(partners) + 1}", taken)
    partners.append({"id": partner_id, "name": None, "kind": "other", "short_name": None})
    doc.setdefault(CERTAINTY, {})["partners"] = EDITED
    return doc


def delete_partner(doc: dict[str, Any], index: int) -> dict[str, Any]:
    """``doc`` without partner ``index``, and without it among any promise's parties."""
    doc = copy.deepcopy(doc)
    partners = doc.setdefault("partners", [])
    if not 0 <= index < len(partners):
        return doc
    gone = partners.pop(index).get("id")
    for promise in _promises(doc):
        promise["parties"] = [p for p in promise.get("parties", []) if p != gone]
    doc.setdefault(CERTAINTY, {})["partners"] = EDITED
    return doc


# --- the document as saved --------------------------------------------------------------------------------


def _no_empty(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _no_empty(v) for k, v in value.items() if v is not None and not str(k).startswith("_")}
    if isinstance(value, list):
        return [_no_empty(v) for v in value]
    return value


def pledge_data(doc: dict[str, Any], keep_empty: bool = False) -> dict[str, Any]:
    """The pledge document itself: no certainty marks, no empty optional parts (``keep_empty``: every key kept).

    A period with neither date is no period.
    """
    data = copy.deepcopy(doc)
    data.pop(CERTAINTY, None)
    data.pop(CUT, None)
    for promise in data.get("promises") or []:
        if isinstance(promise, dict):
            promise.pop(CERTAINTY, None)
            promise.pop(CUT, None)
            if not keep_empty and promise.get("period") == {"start": None, "end": None}:
                promise.pop("period")
    if not keep_empty and data.get("period") == {"start": None, "end": None}:
        data["period"] = None
    return data if keep_empty else _no_empty(data)


def linked_records(store: Store, promise_ids: list[str]) -> dict[str, int]:
    """How many records (that the store lets its caller count) link to each of ``promise_ids``."""
    counts = {}
    for promise_id in promise_ids:
        total = 0
        for layer in PROMISE_LINKED_LAYERS:
            total += store.count(layer, LayerQuery(promise_id=promise_id))
        counts[promise_id] = total
    return counts


def save_document(store: Store, doc: dict[str, Any], replace: bool = False) -> Pledge:
    """Validate the reviewed document and save it; the pledge saved.

    Raises :class:`~geodata.errors.ValidationError` with every problem of the
    document; :class:`PledgeExistsError` if its id is stored and ``replace``
    is false. Replacing keeps the stored promises' ids as the document gives
    them; a replacement that would drop a promise that records link to is
    refused, naming how many records (the records would lose the promise
    they deliver; keep the promise, or relink its records first). Who may
    save is the store's rule (a guarded store refuses the roles that may
    not change pledges).
    """
    pledge = pledge_from_dict(pledge_data(doc))
    try:
        stored = store.get_pledge(pledge.id)
    except NotFoundError:
        stored = None
    if stored is not None:
        if not replace:
            raise PledgeExistsError(pledge.id, stored.title)
        kept = {p.id for p in pledge.promises}
        dropped = [p.id for p in stored.promises if p.id not in kept]
        linked = {p: n for p, n in linked_records(store, dropped).items() if n}
        if linked:
            count = sum(linked.values())
            raise ValidationError(
                Problem(
                    f"pledge {pledge.id}",
                    "promises",
                    f"replacing would remove {len(linked)} promise(s) ({', '.join(linked)}) that {count} record(s) "
                    "link to; expected those promises kept, or their records relinked first",
                    "replace_orphans",
                    {"count": count, "promises": [stored.promise(p).text for p in linked]},
                )
            )
    store.save_pledge(pledge)
    return pledge


# --- the draft as a file a person edits -------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if isinstance(value, dt.date):
        value = value.isoformat()
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=float("inf"))
    return text.removesuffix("\n...\n").strip()


def draft_yaml(doc: dict[str, Any], marks: dict[str, str]) -> str:
    """The draft as YAML a person corrects in a text editor: every field written, empty ones as ``null``,
    each guessed or not-found value followed by a comment (``marks`` words the comments: ``{"guessed": …,
    "not_found": …}``). :func:`save_document` reads it back (comments are ignored).

    >>> doc = {"id": "mark-2021", "focus": None, "promises": [{"id": "p1", "text": "Fyra", "parties": ["polisen"],
    ...        "_certainty": {"parties": "guessed"}}], "_certainty": {"focus": "not_found"}}
    >>> print(draft_yaml(doc, {"guessed": "gissat", "not_found": "hittades inte"}))
    id: mark-2021
    focus: null  # hittades inte
    promises:
    - id: p1
      text: Fyra
      parties: [polisen]  # gissat
    <BLANKLINE>
    """
    lines: list[str] = []

    def comment(holder: dict[str, Any], key: str) -> str:
        word = marks.get((holder.get(CERTAINTY) or {}).get(key, FOUND))
        if key == "text" and holder.get(CUT) and marks.get(CUT):  # the text ended inside this promise
            word = f"{word}; {marks[CUT]}" if word else marks[CUT]
        return f"  # {word}" if word else ""

    def mapping(data: dict[str, Any], indent: str, first: str | None = None, marked: dict[str, Any] | None = None):
        shown = [(k, v) for k, v in data.items() if not str(k).startswith("_")]
        for n, (key, value) in enumerate(shown):
            lead = first if first is not None and n == 0 else indent
            note = comment(marked if marked is not None else data, key)
            if isinstance(value, dict) and value:
                lines.append(f"{lead}{key}:{note}")
                mapping(value, indent + "  ", marked={})
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                lines.append(f"{lead}{key}:{note}")
                for item in value:
                    mapping(item, indent + "  ", first=indent + "- ")
            else:
                lines.append(f"{lead}{key}: {_scalar(value)}{note}")

    if doc.get(CUT) and marks.get(CUT):
        lines.append(f"# {marks[CUT]}")
    mapping(doc, "")
    return "\n".join(lines) + "\n"
