"""The warning a form gives on save when its free text holds personal data, and the editor's choice: mask or keep.

A record's form (the edit form, the new-record form, the inspection workflow's
steps) checks the free text it is about to save with
:func:`geodata.privacy.scan_values`. When it finds a name, a phone number, an
e-mail address or a personnummer, nothing is saved yet: the form shows what
it found (the field, the kinds, the text masked) and two buttons, "Maskera
och spara" and "Spara som det är", whose ids are ``{"type": pattern,
"choice": "mask" | "keep"}``. The form's save callback takes those buttons as
an input and saves as chosen (:func:`choose`).
"""

from __future__ import annotations

from typing import Any

import dash
from dash import html

from dashboard.components.problems import field_label
from dashboard.components.questions import kinds_text
from dashboard.i18n import translator
from geodata.privacy import KEEP, MASK, mask_values, scan_values


def decision(pattern: str, clicks: list | None) -> str | None:
    """The choice the click that fired the callback made (``mask`` or ``keep``), or ``None`` if it was no choice."""
    triggered = dash.ctx.triggered_id
    if not isinstance(triggered, dict) or triggered.get("type") != pattern:
        return None
    return triggered.get("choice") if any(clicks or []) else None


def choose(lang: str, layer: str, values: dict[str, Any], pattern: str, chosen: str | None):
    """``values`` to save as the editor chose, or a warning to show instead of saving (and ``None``).

    Returns ``(values, None)`` when nothing is found or the editor chose (``mask`` masks the free text,
    ``keep`` keeps it), and ``(None, warning)`` when personal data is found and nobody has chosen yet.
    """
    if chosen == KEEP:
        return values, None
    if chosen == MASK:
        return mask_values(layer, values), None
    found = scan_values(layer, values)
    if not found:
        return values, None
    return None, warning(lang, found, pattern)


def warning(lang: str, found, pattern: str) -> html.Div:
    """What was found, field by field and masked, and the two ways on: mask and save, or save as it is."""
    t = translator(lang)
    lines = [
        html.Li(
            t(
                "edit.personal_found",
                found=f"{field_label(lang, f.field)}: {kinds_text(lang, f.kinds)}",
                masked=f.masked,
            )
        )
        for f in found
    ]
    return html.Div(
        className="pm-alert",
        role="alert",
        children=[
            html.Strong(t("edit.personal_title")),
            html.Ul(lines),
            html.P(t("edit.personal_ask")),
            html.Div(
                className="pm-import-actions",
                children=[
                    html.Button(
                        t("edit.personal_mask"),
                        id={"type": pattern, "choice": MASK},
                        type="button",
                        className="pm-button pm-primary",
                        n_clicks=0,
                    ),
                    html.Button(
                        t("edit.personal_keep"),
                        id={"type": pattern, "choice": KEEP},
                        type="button",
                        className="pm-button",
                        n_clicks=0,
                    ),
                ],
            ),
        ],
    )
