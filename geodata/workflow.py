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

from geodata.clock import today as swedish_today
from geodata.errors import Problem, ValidationError, VersionConflictError
from geodata.steps import CHECK_FIELDS, NEXT_STEPS, STEP_DAYS, allowed_steps, blocked_step, critical_findings
from geodata.store.base import LayerQuery, Store

# The order of the steps and what each records are geodata.steps', which every write of a site is held to.
__all__ = [
    "CHECK_FIELDS",
    "NEXT_STEPS",
    "STEP_DAYS",
    "Step",
    "advance",
    "allowed_steps",
    "blocked_step",
    "critical_findings",
    "history",
]


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
    (``fixed_on``, ``verified_on``; today in Sweden if not given). The day a
    step records (``inspected_on``, ``fixed_on``, ``verified_on``) may be
    chosen but never lies after today. Only the steps :func:`allowed_steps`
    offers are taken. Raises :class:`ValidationError` naming every missing or
    wrong value, or :class:`~geodata.errors.VersionConflictError` if someone
    saved in between.
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
    blocking = blocked_step(site, to_status)
    if blocking:
        raise ValidationError(
            Problem(
                label,
                "status",
                f"the inspection found critical issues ({', '.join(blocking)}); plan a measure before verifying",
                "critical_open",
                {"fields": blocking},
            )
        )
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
    elif to_status == "action_planned":
        for name in ("measure", "responsible", "due_on"):
            changes[name] = need(name)
    if to_status in STEP_DAYS:
        name = STEP_DAYS[to_status]
        changes[name] = _step_day(label, name, values.get(name), today, problems)
    unknown = set(values) - set(changes)
    for name in sorted(unknown):
        problems.append(Problem(label, name, f"is not part of the step to {to_status!r}", "not_a_field"))
    if problems:
        raise ValidationError(problems)
    return changes


def _step_day(label: str, name: str, value: Any, today: dt.date, problems: list[Problem]) -> dt.date | None:
    """The day a step records: the one given (a date or ``YYYY-MM-DD``) or today; never a day after today."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return today
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            problems.append(
                Problem(label, name, f"{value!r} is not a date; expected YYYY-MM-DD", "not_date", {"value": value})
            )
            return None
    if day > today:
        problems.append(
            Problem(
                label,
                name,
                f"is {day.isoformat()}, after today ({today.isoformat()}); a step records a day that has come",
                "future_day",
                {"value": day.isoformat(), "today": today.isoformat()},
            )
        )
    return day


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
