"""Where a pledge's follow-up stands: each promise's and goal's judgement per period, what the figures propose.

A person judges each promise (an activity) and goal of a pledge once a follow-up period
(:mod:`geodata.followup`). This module gathers what a screen, a report and the overview of all pledges
show of it: per promise and goal, its latest judgement in each period and how many versions it has, whether
a period is due (over) or late (over for more than :data:`GRACE_DAYS` and not judged: "ej bedömd"), the
status the figures propose for a period, and how many promises are in each state.

The proposal is the person's starting point, never the judgement itself. For a promise it comes from its
linked records counted as progress counts them (:mod:`geodata.views.progress`), up to the end of the period:
a target reached is done, behind the time passed is delayed, some records but no target is started, none is
not started (delayed once the promise's own period is over). For a goal it comes from its survey indicator's
trend against its baseline (:func:`geodata.analysis.indicators.goal_trends`): better is likely to be achieved
(achieved once the pledge is over), worse unlikely (not achieved), anything else uncertain.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from geodata.analysis.indicators import GoalTrend, goal_trends
from geodata.followup import (
    NOT_JUDGED,
    STATUSES,
    FollowUpPeriod,
    Judgement,
    current_period,
    find_period,
    pledge_periods,
)
from geodata.model import Pledge, Promise
from geodata.store.base import LayerQuery, Store
from geodata.views.progress import elapsed_share, evidence_count, evidence_query, judge

# A period's judgement is due when the period is over, and late a month after (the board's report follows it).
GRACE_DAYS = 31


@dataclass(frozen=True)
class PeriodState:
    """One promise's or goal's judgement in one period: the latest version, if any, and whether it is due or late."""

    period: FollowUpPeriod
    judgement: Judgement | None
    versions: int
    due: bool  # the period is over
    late: bool  # over for more than GRACE_DAYS and not judged

    @property
    def status(self) -> str:
        return self.judgement.status if self.judgement else NOT_JUDGED


@dataclass(frozen=True)
class Proposal:
    """The status the figures propose for one period, why (a code the interface words), and the figures."""

    status: str
    reason: str
    evidence: dict[str, Any]


@dataclass(frozen=True)
class SubjectFollowUp:
    """One promise or goal: its periods' judgements, the latest judgement, every version, and a proposal."""

    subject: str  # "promise" or "goal"
    subject_id: str
    text: str
    parties: tuple[str, ...]
    periods: tuple[PeriodState, ...]
    history: tuple[Judgement, ...]  # every version, oldest first
    proposal: Proposal

    @property
    def latest(self) -> Judgement | None:
        """The judgement of the latest period judged (its latest version)."""
        judged = [s.judgement for s in self.periods if s.judgement]
        return judged[-1] if judged else None

    def state(self, period: str) -> PeriodState:
        for state in self.periods:
            if state.period.code == period:
                return state
        raise KeyError(period)

    @property
    def trend(self) -> tuple[tuple[str, str], ...]:
        """(period code, status) of each period that is due or judged: the statuses over time."""
        return tuple((s.period.code, s.status) for s in self.periods if s.due or s.judgement)


@dataclass(frozen=True)
class PledgeFollowUp:
    """The follow-up of a pledge as of ``today``, with the period a person would judge now selected."""

    pledge: Pledge
    today: dt.date
    periods: tuple[FollowUpPeriod, ...]
    period: FollowUpPeriod  # the selected period
    promises: tuple[SubjectFollowUp, ...]
    goals: tuple[SubjectFollowUp, ...]

    def subject(self, subject: str, subject_id: str) -> SubjectFollowUp:
        for item in self.promises if subject == "promise" else self.goals:
            if item.subject_id == subject_id:
                return item
        raise KeyError(subject_id)

    def summary(self, subject: str = "promise", period: str | None = None) -> dict[str, int]:
        """How many promises (or goals) have each status in ``period`` (the selected one by default), those
        without a judgement as :data:`NOT_JUDGED`; every status of the subject's vocabulary is a key."""
        code = period or self.period.code
        items = self.promises if subject == "promise" else self.goals
        counts = Counter(item.state(code).status for item in items)
        return {status: counts.get(status, 0) for status in (*STATUSES[subject], NOT_JUDGED)}

    @property
    def late(self) -> tuple[tuple[SubjectFollowUp, FollowUpPeriod], ...]:
        """Every promise and goal with a period that is late (over and not judged), with that period."""
        return tuple(
            (item, state.period) for item in (*self.promises, *self.goals) for state in item.periods if state.late
        )


def default_period(pledge: Pledge, today: dt.date) -> FollowUpPeriod:
    """The period a person would judge on ``today``: the latest that is over, else the one running."""
    over = [p for p in pledge_periods(pledge) if p.ended_by(today)]
    return over[-1] if over else current_period(pledge, today)


def _states(periods: list[FollowUpPeriod], versions: list[Judgement], today: dt.date) -> tuple[PeriodState, ...]:
    states = []
    for period in periods:
        mine = [j for j in versions if j.period == period.code]
        latest = max(mine, key=lambda j: j.version) if mine else None
        due = period.ended_by(today)
        late = latest is None and today > period.end + dt.timedelta(days=GRACE_DAYS)
        states.append(PeriodState(period, latest, len(mine), due, late))
    return tuple(states)


def promise_evidence(store: Store, pledge: Pledge, promise: Promise, period: FollowUpPeriod) -> dict[str, Any]:
    """The figures a judgement of ``promise`` for ``period`` rests on: its records counted in the period and
    from the promise's start to the period's end, its target, and what was expected by the period's end."""
    from geodata.access import figures_store  # progress figures are public: counted over every record

    store = figures_store(store)
    whole = pledge.promise_period(promise)
    query = evidence_query(pledge, promise)
    start, end = max(period.start, whole.start), min(period.end, whole.end)
    layer = promise.evidence.layer
    in_period = evidence_count(store, layer, _between(query, start, end)) if start <= end else 0
    to_end = min(period.end, whole.end)
    to_date = evidence_count(store, layer, _between(query, whole.start, to_end)) if whole.start <= to_end else 0
    target = pledge.promise_target(promise)
    share = elapsed_share(whole.start, whole.end, period.end)
    progress, expected = judge(to_date, target, share)
    return {
        "in_period": in_period,
        "to_date": to_date,
        "target": target,
        "expected": round(expected, 1) if expected is not None else None,
        "progress": progress,
        "promise_over": period.end >= whole.end,
    }


def _between(query: LayerQuery, start: dt.date, end: dt.date) -> LayerQuery:
    return replace(query, start=start, end=end)


def propose_promise(evidence: dict[str, Any]) -> tuple[str, str]:
    """(status, reason) the figures propose for a promise.

    >>> propose_promise({"progress": "done", "to_date": 4, "promise_over": False})
    ('done', 'target_reached')
    >>> propose_promise({"progress": "behind", "to_date": 1, "promise_over": False})
    ('delayed', 'behind_target')
    >>> propose_promise({"progress": "no_target", "to_date": 0, "promise_over": True})
    ('delayed', 'no_records_period_over')
    """
    progress, records, over = evidence["progress"], evidence["to_date"], evidence["promise_over"]
    if progress == "done":
        return "done", "target_reached"
    if progress in ("behind", "not_met"):
        return "delayed", "behind_target" if progress == "behind" else "target_not_met"
    if progress == "on_track":
        return ("started", "on_track") if records else ("not_started", "on_track_no_records")
    if records:
        return "started", "records_no_target"
    return ("delayed", "no_records_period_over") if over else ("not_started", "no_records")


def goal_evidence(trend: GoalTrend) -> dict[str, Any]:
    """The figures a judgement of a goal rests on: its indicator, baseline and latest year, the verdict, and how
    many areas (everyone's results) changed beyond the uncertainty, fit within it or cannot be compared."""
    latest = None
    if not trend.changes.empty:
        everyone = trend.changes[trend.changes["group"] == "all"]
        rows = everyone if not everyone.empty else trend.changes
        latest = {
            "areas": len(rows),
            "better": int((rows["verdict"] == "better").sum()),
            "worse": int((rows["verdict"] == "worse").sum()),
            "within": int((rows["verdict"] == "within_uncertainty").sum()),
            "not_comparable": int((rows["verdict"] == "not_comparable").sum()),
            "uncertainty_unknown": int((rows["uncertainty"] == "unknown").sum()),
        }
    return {
        "indicator": trend.goal.indicator,
        "baseline_year": trend.baseline_year,
        "latest_year": trend.latest_year,
        "verdict": trend.verdict,
        "areas": latest,
    }


def propose_goal(evidence: dict[str, Any], pledge_over: bool) -> tuple[str, str]:
    """(status, reason) a goal's indicator trend proposes: a change larger than the uncertainty proposes
    likely or unlikely (achieved or not once the pledge is over); one within it, or across a series break,
    proposes uncertain.

    >>> propose_goal({"verdict": "better"}, False), propose_goal({"verdict": "worse"}, True)
    (('likely', 'indicator_better'), ('not_achieved', 'indicator_worse'))
    >>> propose_goal({"verdict": "within_uncertainty"}, True), propose_goal({"verdict": "no_indicator"}, False)
    (('uncertain', 'indicator_within'), ('uncertain', 'no_indicator'))
    >>> propose_goal({"verdict": "uncertainty_unknown"}, True)  # a change that may be noise is never achieved
    ('uncertain', 'indicator_unknown')
    """
    verdict = evidence["verdict"]
    if verdict == "better":
        return ("achieved" if pledge_over else "likely"), "indicator_better"
    if verdict == "worse":
        return ("not_achieved" if pledge_over else "unlikely"), "indicator_worse"
    reason = {
        "no_indicator": "no_indicator",
        "no_data": "no_data",
        "no_baseline": "no_baseline",
        "within_uncertainty": "indicator_within",
        "uncertainty_unknown": "indicator_unknown",
        "not_comparable": "indicator_break",
    }.get(verdict, "indicator_unclear")
    return "uncertain", reason


def promise_proposal(store: Store, pledge: Pledge, promise: Promise, period: FollowUpPeriod) -> Proposal:
    """What the figures propose for ``promise`` in ``period``, with the evidence they rest on."""
    evidence = promise_evidence(store, pledge, promise, period)
    status, reason = propose_promise(evidence)
    return Proposal(status, reason, {**evidence, "proposed": status})


def goal_proposal(pledge: Pledge, trend: GoalTrend, period: FollowUpPeriod) -> Proposal:
    """What a goal's indicator trend proposes in ``period`` (achieved or not once the pledge is over)."""
    evidence = goal_evidence(trend)
    status, reason = propose_goal(evidence, period.end >= pledge.period.end)
    return Proposal(status, reason, {**evidence, "proposed": status})


def subject_proposal(store: Store, pledge: Pledge, subject: str, subject_id: str, period: FollowUpPeriod) -> Proposal:
    """:func:`promise_proposal` or :func:`goal_proposal` of one promise or goal, counting nothing of the others;
    raises KeyError for a subject the pledge does not have."""
    if subject == "promise":
        return promise_proposal(store, pledge, pledge.promise(subject_id), period)
    for trend in goal_trends(store, pledge, until=period.end.year):
        if trend.goal.id == subject_id:
            return goal_proposal(pledge, trend, period)
    raise KeyError(subject_id)


def pledge_follow_up(store: Store, pledge: Pledge, today: dt.date, period: str | None = None) -> PledgeFollowUp:
    """The follow-up of ``pledge`` as of ``today``, with ``period`` (a code; default :func:`default_period`)
    selected: what each promise and goal was judged in every period, and what the figures propose for it.

    Judgements are read through ``store``: a guarded store gives the public statuses without their words.
    """
    periods = pledge_periods(pledge)
    chosen = find_period(pledge, period) if period else default_period(pledge, today)
    by_subject: dict[tuple[str, str], list[Judgement]] = {}
    for j in store.read_judgements(pledge.id):
        by_subject.setdefault((j.subject, j.subject_id), []).append(j)

    def follow(subject: str, subject_id: str, text: str, parties: tuple[str, ...], proposal: Proposal):
        history = by_subject.get((subject, subject_id), [])
        states = _states(periods, history, today)
        return SubjectFollowUp(subject, subject_id, text, parties, states, tuple(history), proposal)

    promises = [
        follow("promise", p.id, p.text, p.parties, promise_proposal(store, pledge, p, chosen)) for p in pledge.promises
    ]
    goals = [
        follow("goal", t.goal.id, t.goal.text, (), goal_proposal(pledge, t, chosen))
        for t in (goal_trends(store, pledge, until=chosen.end.year) if pledge.goals else [])
    ]
    return PledgeFollowUp(pledge, today, tuple(periods), chosen, tuple(promises), tuple(goals))
