"""What a form's save callback answers: the alert, the page's view (redrawn after a write) and the notice above it.

The edit form, the new-record form and the workflow form write to the store
the same way and report the same way: a refused write leaves the view as it
is and says why in the one kind of alert; a write that went through moves the
view's save counter on, so the page redraws the record, and says so above it.
"""

from __future__ import annotations

import dash
from dash import html

from dashboard.components.layout import alert
from dashboard.components.problems import describe_problem, field_label
from geodata import PledgemapError, ValidationError

NOTHING = (dash.no_update, dash.no_update, dash.no_update)  # a button that was just drawn, not clicked


def refused(lang: str, error: PledgemapError, title: str | None = None) -> tuple:
    """The write was refused: why, with every problem of a :class:`ValidationError` named by its field.

    ``title`` says what was not saved (the alert's heading), where the form knows it.
    """
    if isinstance(error, ValidationError):
        message: str | Exception = "; ".join(
            f"{field_label(lang, p.field)}: {describe_problem(lang, p)}" for p in error.problems
        )
    else:
        message = error
    return alert(lang, message, title), dash.no_update, None


def saved(view: dict, notice: str, **changes) -> tuple:
    """The write went through: no alert, the view with ``changes`` and one more save, and ``notice``."""
    return None, {**view, **changes, "saved": (view.get("saved") or 0) + 1}, html.P(notice, className="pm-notice")
