"""How a draft pledge's fields and problems read, for the import page's review form and ``pledgemap pledge``.

A problem of a pledge document names its field by path (``promises[2].kind``);
here it reads as the form names it ("Löftespunkt 3, Slag: saknas; välj en av: …").
"""

from __future__ import annotations

import re

from dashboard.components.problems import describe
from dashboard.i18n import catalogue, fill, translator
from geodata import Problem
from geodata.io.pledge_draft import CUT, GUESSED, NOT_FOUND

# A document path with its indices taken out → the catalogue key of the field's name.
FIELD_KEYS = {
    # The parts the form does not edit, named as the pledge page names them.
    "follow_up": "pledge.follow_up",
    "signatories": "pledge.signed",
    "problem_picture": "pledge.problem_picture",
    "id": "draft.field.id",
    "title": "draft.field.title",
    "municipality": "draft.field.municipality",
    "municipality.name": "draft.field.municipality",
    "municipality.code": "draft.field.municipality_code",
    "police_area": "draft.field.police_area",
    "police_area.name": "draft.field.police_area",
    "period": "draft.field.period",
    "period.start": "draft.field.start",
    "period.end": "draft.field.end",
    "focus": "draft.field.focus",
    "signed_on": "draft.field.signed_on",
    "follow_up_period": "field.follow_up_period",
    "goals": "draft.field.goals",
    "goals[].text": "draft.field.goals",
    "partners": "draft.field.partners",
    "partners[].id": "draft.field.partner_id",
    "partners[].name": "draft.field.partner_name",
    "partners[].short_name": "draft.field.partner_short",
    "partners[].kind": "draft.field.partner_kind",
    "promises": "draft.field.promises",
    "promises[].id": "draft.field.promise_id",
    "promises[].text": "draft.field.text",
    "promises[].parties": "draft.field.parties",
    "promises[].kind": "draft.field.kind",
    "promises[].target": "draft.field.target",
    "promises[].target_unit": "draft.field.target_unit",
    "promises[].target_per": "draft.field.target_per",
    "promises[].period": "draft.field.promise_period",
    "promises[].period.start": "draft.field.promise_start",
    "promises[].period.end": "draft.field.promise_end",
    # Next year's pledge (geodata.io.pledge_cycle): the pledge it follows and what became of each promise.
    "follows": "cycle.field.follows",
    "carried[].promise": "cycle.field.carried_promise",
    "carried[].reason": "cycle.field.carried_reason",
    "carried[].to": "cycle.field.carried_to",
}
# The list items a path's index numbers, and how one is named ("Löftespunkt 3", "Part 2").
_OWNERS = {"promises": "draft.promise_n", "partners": "draft.partner_n", "carried": "cycle.carried_n"}
# The catalogue group naming the codes of a choice field.
CHOICE_GROUPS = {"promises[].kind": "promise_kind", "partners[].kind": "partner_kind", "promises[].target_per": "per"}
_INDEX = re.compile(r"\[(\d+)\]")


def field_name(lang: str, path: str, owner: bool = True) -> str:
    """A document field as a message names it: "Löftespunkt 3, slag", "Part 2, namn", "Gäller till".

    ``owner=False``: the field's own name ("Slag"), for a form that shows whose field it is around it.
    """
    words = catalogue(lang)
    shape = _INDEX.sub("[]", path)
    name = words.get(FIELD_KEYS.get(shape, ""), path)
    found = _INDEX.search(path)
    if found and owner and shape != "goals[].text":
        number = int(found.group(1)) + 1
        owner = fill(words[_OWNERS.get(path.split("[")[0], "draft.partner_n")], n=number)
        return owner if shape in ("promises[]", "partners[]", "carried[]") else f"{owner}, {name[:1].lower()}{name[1:]}"
    return name


def problem_text(lang: str, problem: Problem) -> str:
    """One problem of a pledge document in ``lang``: the field as the form names it, then what is wrong."""
    words = catalogue(lang)
    shape = _INDEX.sub("[]", problem.field)
    params = dict(problem.params or {})
    if "choices" in params:
        group = CHOICE_GROUPS.get(shape, shape)
        params["choices"] = ", ".join(words.get(f"{group}.{c}", c) for c in params["choices"])
    if "promises" in params:
        params["promises"] = ", ".join(f"”{p}”" for p in params["promises"])
    key = f"problem.{problem.code}"
    if problem.code and key in words:
        reason = fill(words[key], **params) if "choices" in params or "promises" in params else None
        reason = reason or describe(lang, problem.field, problem.message, problem.code, params)
    else:
        reason = problem.message
    return f"{field_name(lang, problem.field)}: {reason}"


def problem_lines(lang: str, problems: list[Problem]) -> list[str]:
    """The problems as lines, one per field: a field with several problems gets them on its one line."""
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        head, _, reason = problem_text(lang, problem).partition(": ")
        if reason not in by_field.setdefault(head, []):
            by_field[head].append(reason)
    return [f"{head}: {'; '.join(reasons)}" for head, reasons in by_field.items()]


def yaml_marks(lang: str) -> dict[str, str]:
    """The comments a draft file marks guessed and not-found values with."""
    t = translator(lang)
    return {GUESSED: t("draft.yaml_guessed"), NOT_FOUND: t("draft.yaml_not_found"), CUT: t("draft.yaml_cut")}
