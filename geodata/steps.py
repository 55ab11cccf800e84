"""The inspection workflow's order and what each step records: the rules every write of a site is held to.

These rules sit below the access rules and the store (:mod:`geodata.workflow` takes a step through a store;
:func:`geodata.access.rules.check_write` holds every other write of a site to the same order), so they import
nothing but the vocabulary.

A site starts at :data:`FIRST_STATUS` and moves by :data:`NEXT_STEPS`. Each step records its own fields
(:data:`STEP_FIELDS`); a site at a status holds what every step on the way there recorded
(:func:`step_gaps`), so a site at "verified" with a critical finding has a measure, a responsible and the day it
was fixed, whoever wrote it and however.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from geodata import vocab

FIRST_STATUS = vocab.SITE_STATUSES[0]  # "flagged": where every new site starts
# Which step may follow which: a failed verification sends the site back to a new measure.
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    "flagged": ("inspected",),
    "inspected": ("action_planned", "verified"),
    "action_planned": ("fixed",),
    "fixed": ("verified", "action_planned"),
    "verified": ("inspected",),
}
CHECK_FIELDS = tuple(f"check_{item}" for item in vocab.CHECKLIST)
# The day each step records: what was done, so never a day after today.
STEP_DAYS = {"inspected": "inspected_on", "fixed": "fixed_on", "verified": "verified_on"}
# What each step records (its day included): the fields a site holds once it has taken the step.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "inspected": ("inspected_on", *CHECK_FIELDS),
    "action_planned": ("measure", "responsible", "due_on"),
    "fixed": ("fixed_on",),
    "verified": ("verified_on",),
}


def critical_findings(site: Mapping[str, Any]) -> tuple[str, ...]:
    """The checklist fields of ``site`` whose finding is critical (``check_lighting`` …)."""
    return tuple(name for name in CHECK_FIELDS if site.get(name) == "critical")


def blocked_step(site: Mapping[str, Any], to_status: str) -> tuple[str, ...]:
    """Why ``site`` may not take the step to ``to_status`` although the order of steps allows it.

    An inspection that found critical issues cannot be verified straight away: a
    measure has to be planned (and fixed) first. The answer is the critical
    checklist fields that stand in the way, empty when nothing does.
    """
    if to_status == "verified" and site.get("status") == "inspected":
        return critical_findings(site)
    return ()


def allowed_steps(site: Mapping[str, Any]) -> tuple[str, ...]:
    """The steps ``site`` may take now, in the order a form offers them: the one rule every caller asks.

    >>> allowed_steps({"status": "inspected", "check_lighting": "ok"})
    ('action_planned', 'verified')
    >>> allowed_steps({"status": "inspected", "check_lighting": "critical"})
    ('action_planned',)
    """
    return tuple(s for s in NEXT_STEPS.get(site.get("status", ""), ()) if not blocked_step(site, s))


def steps_to(site: Mapping[str, Any]) -> tuple[str, ...]:
    """The steps a site at its status has taken on the shortest way there from :data:`FIRST_STATUS`.

    A verified site whose inspection found something critical went by a measure and its fix; one without
    went straight from the inspection.

    >>> steps_to({"status": "fixed"})
    ('inspected', 'action_planned', 'fixed')
    >>> steps_to({"status": "verified", "check_access": "critical"})
    ('inspected', 'action_planned', 'fixed', 'verified')
    """
    status = site.get("status") or FIRST_STATUS
    if status == "verified":
        return (
            ("inspected", "action_planned", "fixed", "verified") if critical_findings(site) else ("inspected", status)
        )
    order = ("inspected", "action_planned", "fixed")
    return order[: order.index(status) + 1] if status in order else ()


def step_gaps(site: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields ``site`` lacks that the steps to its status record (:func:`steps_to`); empty when none.

    >>> step_gaps({"status": "flagged"})
    ()
    >>> step_gaps({"status": "verified", "inspected_on": "2024-04-01", "check_lighting": "critical"})[:3]
    ('check_access', 'check_sightlines', 'check_litter')
    """
    return tuple(name for step in steps_to(site) for name in STEP_FIELDS[step] if _missing(site.get(name)))


def _missing(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array is a value
        return False
