"""The legend beside the map (``templates/legend.html``): the boundary, then each layer's swatches and notes."""

from __future__ import annotations

from typing import NamedTuple

from markupsafe import Markup

from dashboard.figures.style import BOUNDARY_COLOUR
from dashboard.standalone.markup import render
from dashboard.standalone.words import Words


class Entry(NamedTuple):
    """One line of the legend: a swatch (``shape`` in ``colour``) and its label, or a note (``shape="note"``)."""

    shape: str
    colour: str
    label: str


def note(label: str) -> Entry:
    return Entry("note", "", label)


Group = tuple[str, list[Entry]]  # a heading ("" for none) and its entries; a group without entries is left out


def legend(groups: list[Group], words: Words, demo: bool, presentation: bool = False) -> Markup:
    """The legend; in a ``presentation`` without the layer toggles (a room reads it, nobody clicks it)."""
    return render(
        "legend.html",
        t=words.t,
        groups=groups,
        demo=demo,
        boundary_colour=BOUNDARY_COLOUR,
        presentation=presentation,
    )
