"""A promise's history across years: the promises of earlier and later pledges it continues.

A pledge that follows another (``Pledge.follows``) records what became of each earlier promise
(``Pledge.carried``): carried over into one of its own promises, or not, with the partners' reason.
:func:`promise_lineage` follows those links backwards to the first year and forwards to the last, and gives
each year's promise with its periods' judgements and its count-based progress, so a screen can show how a
promise went year by year. Bad data does not stop it: an earlier pledge that is not stored is named in
``missing`` (its promise's judgements are still read), and a chain that runs into itself stops there
(``cycle``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geodata.errors import NotFoundError
from geodata.followup import Judgement, pledge_periods
from geodata.model import Pledge, Promise
from geodata.store.base import Store
from geodata.views.progress import PromiseProgress, pledge_progress


@dataclass(frozen=True)
class LineageStep:
    """One year's promise in a lineage: its pledge (None when not stored), its judgements and progress."""

    pledge_id: str
    promise_id: str
    pledge: Pledge | None
    promise: Promise | None
    judgements: tuple[Judgement, ...]  # the latest version of each period's judgement, in period order
    progress: PromiseProgress | None
    reason: str | None  # why the next step's pledge carried this promise over (None on the last step)

    @property
    def latest(self) -> Judgement | None:
        return self.judgements[-1] if self.judgements else None


@dataclass(frozen=True)
class PromiseLineage:
    """The chain of promises, oldest first, that ``promise_id`` of ``pledge_id`` belongs to."""

    pledge_id: str
    promise_id: str
    steps: tuple[LineageStep, ...]
    missing: tuple[str, ...] = ()  # pledges the chain names that are not stored
    dropped: tuple[str, str] | None = None  # (the later pledge, its reason) that did not carry the last step over
    cycle: bool = False  # the links ran into a promise already in the chain (bad data); the chain stops there

    @property
    def years(self) -> int:
        return len(self.steps)

    def index(self) -> int:
        """The position of the asked-for promise in :attr:`steps`."""
        return next(
            i for i, s in enumerate(self.steps) if (s.pledge_id, s.promise_id) == (self.pledge_id, self.promise_id)
        )


def _latest_per_period(store: Store, pledge: Pledge | None, pledge_id: str, promise_id: str) -> tuple[Judgement, ...]:
    versions = [j for j in store.read_judgements(pledge_id, promise_id) if j.subject == "promise"]
    latest: dict[str, Judgement] = {}
    for j in versions:
        if j.period not in latest or j.version > latest[j.period].version:
            latest[j.period] = j
    order = {p.code: i for i, p in enumerate(pledge_periods(pledge))} if pledge else {}
    return tuple(sorted(latest.values(), key=lambda j: (order.get(j.period, len(order)), j.period)))


def _step(store: Store, pledge: Pledge | None, pledge_id: str, promise_id: str, today: dt.date, reason: str | None):
    promise = None
    progress = None
    if pledge is not None:
        try:
            promise = pledge.promise(promise_id)
        except KeyError:
            promise = None
        if promise is not None:
            progress = next(
                (p for p in pledge_progress(store, pledge, today) if p.promise.id == promise_id),
                None,
            )
    return LineageStep(
        pledge_id,
        promise_id,
        pledge,
        promise,
        _latest_per_period(store, pledge, pledge_id, promise_id),
        progress,
        reason,
    )


def _get(store: Store, pledge_id: str) -> Pledge | None:
    try:
        return store.get_pledge(pledge_id)
    except NotFoundError:
        return None


def pledge_lineages(store: Store, pledge: Pledge, today: dt.date | None = None) -> dict[str, PromiseLineage]:
    """Every promise's lineage of ``pledge`` (by promise id), the stored pledges read once for all of them; none
    (an empty mapping) where the pledge follows no other and none follows it, as each lineage is then its own year."""
    everything = store.list_pledges()
    if pledge.follows is None and not any(p.follows == pledge.id for p in everything):
        return {}
    return {p.id: promise_lineage(store, pledge, p.id, today, everything) for p in pledge.promises}


def promise_lineage(
    store: Store,
    pledge: Pledge,
    promise_id: str,
    today: dt.date | None = None,
    pledges: list[Pledge] | None = None,
) -> PromiseLineage:
    """The history of ``promise_id`` of ``pledge`` across years, oldest first (see the module's text).

    ``pledges`` are the stored pledges where the caller has read them already (else they are read here).
    Raises KeyError if ``promise_id`` is not a promise of ``pledge``.
    """
    from geodata.clock import today as clock_today

    pledge.promise(promise_id)
    day = today or clock_today()
    seen = {(pledge.id, promise_id)}
    missing: list[str] = []
    cycle = False

    # Backwards: the promise this one carries over, in the pledge this one follows, and so on.
    earlier: list[LineageStep] = []
    back: Pledge | None = pledge
    current_promise = promise_id
    while back is not None and back.follows:
        follows = back.follows
        source = back.carried_from(current_promise)
        if source is None:
            break
        reason = next(c.reason for c in back.carried if c.to == current_promise)
        if (follows, source) in seen:
            cycle = True
            break
        seen.add((follows, source))
        before = _get(store, follows)
        if before is None:
            missing.append(follows)
        earlier.append(_step(store, before, follows, source, day, reason))
        back, current_promise = before, source
    earlier.reverse()

    # Forwards: a later pledge that follows this one and carries the promise over, and so on.
    later: list[LineageStep] = []
    dropped = None
    everything = store.list_pledges() if pledges is None else pledges
    current, current_promise = pledge, promise_id
    reasons: list[str | None] = []
    while True:
        nexts = [q for q in everything if q.follows == current.id and q.id != current.id]
        decision = next(((q, c) for q in nexts for c in q.carried if c.promise == current_promise), None)
        if decision is None:
            break
        after, carried = decision
        if carried.to is None:
            dropped = (after.id, carried.reason)
            break
        if (after.id, carried.to) in seen:
            cycle = True
            break
        seen.add((after.id, carried.to))
        reasons.append(carried.reason)
        later.append(_step(store, after, after.id, carried.to, day, None))
        current, current_promise = after, carried.to

    # Each step's reason is why the next year carried it: the earlier steps' come from the link above them.
    here_reason = reasons[0] if reasons else None
    chain = [*earlier, _step(store, pledge, pledge.id, promise_id, day, here_reason)]
    for i, step in enumerate(later):
        chain.append(step if i + 1 >= len(reasons) else _with_reason(step, reasons[i + 1]))
    return PromiseLineage(pledge.id, promise_id, tuple(chain), tuple(missing), dropped, cycle)


def _with_reason(step: LineageStep, reason: str | None) -> LineageStep:
    from dataclasses import replace

    return replace(step, reason=reason)
