"""Retention (gallring): how long each layer's records are kept, which are due, and deleting them for good.

The police's crime-prevention records fall under brottsdatalagen (2018:1177), which asks that personal data
be deleted once it is no longer needed; the municipality's and a housing company's under GDPR's storage
limitation. Neither law gives a number of months for this kind of data: the municipality decides it in its
*dokumenthanteringsplan* (its gallringsbeslut), and the police in theirs. So each layer's period is a
setting an admin makes in the store (``retention.<layer>``: whole months), and **none is set by default**:
without a decision nothing is deleted, since a default the store chose would destroy public records
without anyone having decided it (and a record deleted for good cannot be brought back).

Which date a period runs from is one rule per layer (:data:`RETENTION_DATES`):

- an unsafe place: the day it was reported (``reported_on``);
- an operation: the day it ended (``ends_at``, in Swedish time);
- an inventoried site: its last change (``updated_at``), and only once the inspection workflow is through
  (``verified``): a site still open on the worklist is never due, however old;
- a record already soft-deleted: the same rule, except a deleted site, which no workflow holds any more, is
  due from its deletion (its last change).

A record is due when that day is before the cut-off: today less the period's months. A run deletes every due
record for good in one transaction (:meth:`~geodata.store.base.Store.purge_records`), after counting the
ones that count anywhere into the kept counts: per layer, pledge, promise, kind and Swedish day, nothing of
place, text or people. The day is the smallest unit that keeps a promise's figure exact, since a promise's
own period and a follow-up period may start on any day; a month would move records across their edges.
Progress and the follow-up add the kept counts to the live ones
(:func:`geodata.views.progress.evidence_count`). The run is one audit entry: who, when, the settings
applied, how many of each layer and every id deleted. The earlier audit entries of a deleted record keep who
did what and when, but their values are blanked: a record whose every value stays in the log is not deleted.

What the kept counts cannot give back: the records themselves (a promise's timeline, its map in the
follow-up report and the layers' maps show only what is still stored) and counts by place (a goal's
reports per year are counted within the municipality's outline).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from geodata.clock import LOCAL_TZ
from geodata.errors import Problem, ValidationError
from geodata.layers import LAYERS, get_layer
from geodata.store.base import LayerQuery, Store

# The setting of each layer's retention period, in whole months; unset (or "none") keeps every record.
SETTING_PREFIX = "retention."
# The longest period a setting may say: a hundred years is "keep", said as a number by mistake.
MAX_MONTHS = 1200
# What a setting may say for "keep every record", besides leaving it unset.
KEEP_WORDS = ("", "none", "ingen", "keep", "behåll")
# The workflow state after which a site is no longer open work (geodata.workflow's last step).
CLOSED_SITE_STATUS = "verified"
# The field each layer's period runs from (see the module's docstring for the sites' condition).
RETENTION_DATES = {"unsafe_places": "reported_on", "inventoried_sites": "updated_at", "operations": "ends_at"}


def setting_key(layer: str) -> str:
    """The store setting that holds ``layer``'s retention period: ``retention.unsafe_places`` …"""
    return f"{SETTING_PREFIX}{get_layer(layer).name}"


def parse_months(layer: str, value: Any) -> int | None:
    """A retention period as a setting gives it: whole months from 1 to :data:`MAX_MONTHS`, or ``None`` (keep).

    Raises :class:`~geodata.errors.ValidationError` naming the setting and what is expected.

    >>> parse_months("operations", "36"), parse_months("operations", "ingen"), parse_months("operations", None)
    (36, None, None)
    """
    if value is None:
        return None
    text = str(value).strip()
    if text.lower() in KEEP_WORDS:
        return None
    try:
        months = int(text)
    except ValueError:
        months = None
    if months is None or not 1 <= months <= MAX_MONTHS:
        raise ValidationError(
            Problem(
                "retention setting",
                setting_key(layer),
                f"{text!r} is not a retention period; expected whole months from 1 to {MAX_MONTHS}, "
                "or 'none' to keep every record",
                "retention_months",
                {"value": text, "max": MAX_MONTHS},
            )
        )
    return months


def retention_settings(store: Store) -> dict[str, int | None]:
    """Each layer's retention period in months as the store holds it (``None``: kept); a stored value that
    is not a period is the same error as setting it."""
    return {layer: parse_months(layer, store.read_setting(setting_key(layer))) for layer in LAYERS}


def set_retention(store: Store, layer: str, value: Any) -> int | None:
    """Set ``layer``'s retention period (months, or "none" to keep everything); audited as the store's actor.

    Through a :class:`~geodata.access.GuardedStore` only an admin may (settings are the admin's).
    """
    months = parse_months(layer, value)
    store.write_setting(setting_key(layer), None if months is None else str(months))
    return months


def cutoff(today: dt.date, months: int) -> dt.date:
    """The first day that is kept: ``today`` less ``months`` calendar months (the 31st becomes the month's last).

    >>> cutoff(dt.date(2026, 3, 31), 1), cutoff(dt.date(2026, 12, 2), 36)
    (datetime.date(2026, 2, 28), datetime.date(2023, 12, 2))
    """
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def retention_days(layer: str, records: pd.DataFrame, deleted: bool) -> pd.Series:
    """The Swedish day each of ``records`` of ``layer`` is kept from (see :data:`RETENTION_DATES`); missing
    (``NaT``) for a record that is never due, such as a site still open in the inspection workflow."""
    column = records[RETENTION_DATES[layer]]
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        days = column.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None).dt.normalize()
    else:
        days = pd.to_datetime(column).dt.normalize()
    if layer == "inventoried_sites" and not deleted:
        days = days.where(records["status"] == CLOSED_SITE_STATUS)
    return days


@dataclass(frozen=True)
class DueRecord:
    """One record a run would delete: its layer, id, the version planned on, its day and pledge, if deleted."""

    layer: str
    id: str
    version: int
    day: dt.date
    pledge_id: str | None
    deleted: bool


@dataclass(frozen=True)
class RetentionPlan:
    """What a run on ``today`` deletes under ``settings``: the cut-off per layer set, and every due record."""

    today: dt.date
    settings: dict[str, int | None]
    cutoffs: dict[str, dt.date]
    records: tuple[DueRecord, ...] = field(default=())

    def count(self, layer: str) -> int:
        return sum(1 for r in self.records if r.layer == layer)

    @property
    def details(self) -> dict[str, Any]:
        """What the audit entry says of the run's rules: the day, each layer's months and cut-off."""
        return {
            "today": self.today.isoformat(),
            "months": dict(self.settings),
            "cutoffs": {layer: day.isoformat() for layer, day in self.cutoffs.items()},
        }


def plan_retention(store: Store, today: dt.date) -> RetentionPlan:
    """Which records a run on ``today`` deletes (a dry run's answer, and exactly what :func:`run_retention`
    deletes), in each layer's order of days."""
    settings = retention_settings(store)
    cutoffs = {layer: cutoff(today, months) for layer, months in settings.items() if months is not None}
    pledge_of = {p.id: pledge.id for pledge in store.list_pledges() for p in pledge.promises}
    due: list[DueRecord] = []
    for layer, first_kept in cutoffs.items():
        spec = get_layer(layer)
        found = []
        for deleted in (False, True):
            records = pd.DataFrame(store.read_layer(layer, LayerQuery(deleted=deleted)).drop(columns="geometry"))
            days = retention_days(layer, records, deleted)
            for record, day in zip(records.itertuples(index=False), days):
                if pd.isna(day) or day.date() >= first_kept:
                    continue
                link = getattr(record, spec.link_field)
                pledge_id = link if spec.link_field == "pledge_id" else pledge_of.get(link) if link else None
                found.append(DueRecord(layer, record.id, int(record.version), day.date(), pledge_id, deleted))
        due += sorted(found, key=lambda r: (r.day, r.id))
    return RetentionPlan(today, settings, cutoffs, tuple(due))


@dataclass(frozen=True)
class RetentionRun:
    """What a run did: the plan it carried out and the ids deleted per layer."""

    plan: RetentionPlan
    deleted: dict[str, list[str]]

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.deleted.values())


def run_retention(store: Store, today: dt.date) -> RetentionRun:
    """Delete for good every record due on ``today``, in one transaction, its counts kept; one audit entry.

    Through a :class:`~geodata.access.GuardedStore` only an admin may; the command line acts as the local
    admin. A record changed between the plan and the deletion stops the run with nothing deleted
    (:class:`~geodata.errors.VersionConflictError`): run it again.
    """
    plan = plan_retention(store, today)
    if not plan.cutoffs:  # no layer has a period: nothing is ever due, and there is no run to audit
        return RetentionRun(plan, {})
    # A run that finds nothing due is audited too: that retention was run, and under which settings.
    records: dict[str, dict[str, int]] = {layer: {} for layer in plan.cutoffs}
    for record in plan.records:
        records[record.layer][record.id] = record.version
    return RetentionRun(plan, store.purge_records(records, plan.details))


__all__ = [
    "DueRecord",
    "RetentionPlan",
    "RetentionRun",
    "cutoff",
    "parse_months",
    "plan_retention",
    "retention_settings",
    "run_retention",
    "set_retention",
    "setting_key",
]
