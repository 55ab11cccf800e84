"""A person judges a promise or goal for a period: the judgement is saved with the figures it rests on.

The figures are the ones :func:`geodata.analysis.followup.subject_proposal` proposes a status from, for the
period judged (not the period the page happened to select), so the evidence kept beside the judgement is
what the counts said about that very period. The judge's status and words are the person's own. How often a
pledge is judged (its cadence) is set here too.
"""

from __future__ import annotations

from dataclasses import replace

from geodata import vocab
from geodata.analysis.followup import subject_proposal
from geodata.errors import Problem, ValidationError
from geodata.followup import Judgement, pledge_periods
from geodata.model import Pledge
from geodata.store.base import Store


def judge(
    store: Store,
    pledge_id: str,
    subject: str,
    subject_id: str,
    period: str,
    status: str,
    text: str,
    expected_version: int,
    actor: str | None = None,
    demo: bool = False,
) -> Judgement:
    """Save ``status`` and ``text`` as the next version of the judgement of ``subject_id`` in ``period``.

    ``expected_version`` is the version the judge's form was drawn with (0 for none): the store raises
    :class:`~geodata.errors.VersionConflictError` if someone saved meanwhile, and
    :class:`~geodata.errors.ValidationError` naming each field for a subject, period or status the pledge does
    not have; a guarded store raises :class:`~geodata.access.AccessError` for a viewer who may not judge it.
    The evidence is the proposal's for ``period``, where the pledge has that period and subject. ``actor`` names
    the judge to a plain store (a guarded store names its own viewer); ``demo`` marks a judgement the demo makes.
    """
    pledge = store.get_pledge(pledge_id)
    evidence: dict = {}
    judged = next((p for p in pledge_periods(pledge) if p.code == period), None)
    if judged is not None:
        try:
            evidence = dict(subject_proposal(store, pledge, subject, subject_id, judged).evidence)
        except KeyError:  # not a promise or goal of the pledge: the store names it
            pass
    judgement = Judgement(pledge_id, subject, subject_id, period, status, text.strip(), evidence=evidence, demo=demo)
    return store.save_judgement(judgement, expected_version, **({"actor": actor} if actor else {}))


def set_follow_up_period(store: Store, pledge_id: str, cadence: str) -> Pledge:
    """Follow ``pledge_id`` up by ``cadence`` (one of ``vocab.FOLLOW_UP_PERIODS``) from now on; returns it saved.

    The pledge is saved whole, as every change of a pledge is: a guarded store lets only those who may change
    pledges do it, and the store refuses a cadence that would leave a judged period out
    (:class:`~geodata.errors.ValidationError`, "judged_period_removed"), so what was judged stays judged.
    """
    pledge = store.get_pledge(pledge_id)
    if cadence not in vocab.FOLLOW_UP_PERIODS:
        raise ValidationError(
            Problem(
                f"pledge {pledge_id}",
                "follow_up_period",
                f"{cadence!r} is not allowed; expected one of: {', '.join(vocab.FOLLOW_UP_PERIODS)}",
                "not_allowed",
                {"value": cadence, "choices": vocab.FOLLOW_UP_PERIODS, "group": "follow_up_period"},
            )
        )
    changed = replace(pledge, follow_up_period=None if cadence == "tertial" else cadence)
    if changed != pledge:
        store.save_pledge(changed)
    return changed
