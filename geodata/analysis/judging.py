"""A person judges a promise or goal for a period: the judgement is saved with the figures it rests on.

The figures are the ones :func:`geodata.analysis.followup.pledge_follow_up` proposes a status from, for the
period judged (not the period the page happened to select), so the evidence kept beside the judgement is
what the counts said about that very period. The judge's status and words are the person's own.
"""

from __future__ import annotations

import datetime as dt

from geodata.analysis.followup import pledge_follow_up
from geodata.followup import Judgement, pledge_periods
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
    today: dt.date,
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
    if period in {p.code for p in pledge_periods(pledge)}:
        follow_up = pledge_follow_up(store, pledge, today, period)
        try:
            evidence = dict(follow_up.subject(subject, subject_id).proposal.evidence)
        except KeyError:  # not a promise or goal of the pledge: the store names it
            pass
    judgement = Judgement(pledge_id, subject, subject_id, period, status, text.strip(), evidence=evidence, demo=demo)
    return store.save_judgement(judgement, expected_version, **({"actor": actor} if actor else {}))
