"""How the pledge cycle's problems read, for the next-pledge page and ``pledgemap pledge next``.

The domain (:func:`geodata.io.pledge_cycle.decision_problems`) names each promise without a decision or a
reason by its id; here it reads as a person finds it on the page: its number, the start of its text, its id.
"""

from __future__ import annotations

from dashboard.i18n import translator
from geodata import Pledge, Problem

TEXT_LENGTH = 60


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_LENGTH else text[: TEXT_LENGTH - 1].rstrip() + "…"


def decision_problem_lines(lang: str, pledge: Pledge, problems: list[Problem]) -> list[str]:
    """One line per problem of a next pledge's decisions, in ``lang``; a problem the cycle does not word
    (a pledge document's) reads as the draft's problems read."""
    from dashboard.components.draft_words import problem_text

    t = translator(lang)
    numbers = {p.id: i + 1 for i, p in enumerate(pledge.promises)}
    lines = []
    for problem in problems:
        params = problem.params or {}
        if problem.code in ("no_decision", "no_reason"):
            promise = params["promise"]
            lines.append(
                t(f"cycle.problem.{problem.code}", n=numbers[promise], text=_short(params["text"]), promise=promise)
            )
        elif problem.code in ("unknown_promise", "not_later_year"):
            lines.append(t(f"cycle.problem.{problem.code}", **params))
        else:
            lines.append(problem_text(lang, problem))
    return lines
