"""The site inspection workflow: flagged → inspected → action planned → fixed → verified.

Each step is one checked edit of the site (optimistic locking included, so
two caretakers cannot overwrite each other), carrying what the step needs:
the inspection's checklist, the measure with who does it and by when, the
day it was fixed, the day the re-inspection verified it. Who took each step
and when is in the audit log (the step is an edit by the signed-in account);
:func:`history` reads the steps back from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from geodata import vocab
from geodata.clock import today as swedish_today
from geodata.errors import Problem, ValidationError, VersionConflictError
from geodata.store.base import LayerQuery, Store

# Which step may follow which: a failed verification sends the site back to a new measure.
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    "flagged": ("inspected",),
    "inspected": ("action_planned", "verified"),
    "action_planned": ("fixed",),
    "fixed": ("verified", "action_planned"),
    "verified": ("inspected",),
}
CHECK_FIELDS = tuple(f"check_{item}" for item in vocab.CHECKLIST)


@dataclass(frozen=True)
class Step:
    """One step a site took: to which status, when (UTC), by whom, and what it recorded."""

    status: str
    at: dt.datetime
    actor: str
    values: dict[str, Any]


def advance(
    store: Store,
    site_id: str,
    to_status: str,
    values: dict[str, Any],
    expected_version: int,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Take one step of the workflow; returns the stored site.

    ``values`` are the step's own fields: for ``inspected`` the five
    checklist findings (``check_lighting`` …, each ok/remark/critical) and an
    optional ``inspection_comment``; for ``action_planned`` ``measure``,
    ``responsible`` and ``due_on``; for ``fixed`` and ``verified`` their day
    (``fixed_on``, ``verified_on``; today in Sweden if not given). Raises
    :class:`ValidationError` naming every missing or wrong value, or
    :class:`~geodata.errors.VersionConflictError` if someone saved in between.
    """
    today = today or swedish_today()
    found = store.read_layer("inventoried_sites", LayerQuery(ids=(site_id,)))
    label = f"inventoried_sites record {site_id}"
    if found.empty:
        raise ValidationError(Problem(label, "id", "no such site (or not one you may change)"))
    site = found.iloc[0]
    if int(site["version"]) != expected_version:  # someone stepped first: say so, whatever step they took
        raise VersionConflictError("inventoried_sites", site_id, expected_version, int(site["version"]))
    current = site["status"]
    if to_status not in NEXT_STEPS.get(current, ()):
        allowed = " or ".join(NEXT_STEPS.get(current, ())) or "nothing"
        raise ValidationError(
            Problem(
                label,
                "status",
                f"cannot go from {current!r} to {to_status!r}; expected {allowed}",
                "wrong_step",
                {"current": current, "allowed": NEXT_STEPS.get(current, ())},
            )
        )
    changes = {"status": to_status, **_step_values(label, to_status, values, today, site)}
    return store.update_record("inventoried_sites", site_id, changes, expected_version)


def _step_values(label: str, to_status: str, values: dict[str, Any], today: dt.date, site) -> dict[str, Any]:
    problems = []
    changes: dict[str, Any] = {}

    def need(name: str) -> Any:
        value = values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(Problem(label, name, f"is needed for the step to {to_status!r}", "missing"))
        return value

    if to_status == "inspected":
        for name in CHECK_FIELDS:
            changes[name] = need(name)
        changes["inspection_comment"] = values.get("inspection_comment")
        changes["inspected_on"] = values.get("inspected_on") or today
    elif to_status == "action_planned":
        for name in ("measure", "responsible", "due_on"):
            changes[name] = need(name)
    elif to_status == "fixed":
        changes["fixed_on"] = values.get("fixed_on") or today
    elif to_status == "verified":
        changes["verified_on"] = values.get("verified_on") or today
        if site["status"] == "inspected":
            critical = [n for n in CHECK_FIELDS if site.get(n) == "critical"]
            if critical:
                problems.append(
                    Problem(
                        label,
                        "status",
                        "the inspection found critical issues "
                        f"({', '.join(critical)}); plan a measure before verifying",
                        "critical_open",
                    )
                )
    unknown = set(values) - set(changes) - {"inspected_on"}
    for name in sorted(unknown):
        problems.append(Problem(label, name, f"is not part of the step to {to_status!r}", "not_a_field"))
    if problems:
        raise ValidationError(problems)
    return changes


def history(store: Store, site_id: str) -> list[Step]:
    """The steps a site took, oldest first, with who took each and what it recorded (from the audit log)."""
    steps = []
    for entry in store.read_audit("inventoried_sites", site_id):
        after = entry.after or {}
        if entry.action == "create" or "status" in after:
            steps.append(
                Step(
                    after.get("status", ""),
                    entry.at,
                    entry.actor,
                    {k: v for k, v in after.items() if k not in ("geometry", "status")},
                )
            )
    return steps
