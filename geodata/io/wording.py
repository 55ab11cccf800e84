"""How a file for people names its columns and writes its values: the seam between the domain and a language.

The domain stores codes (``drug_use``, ``stairwell``, ``True``); a file a
person opens in Excel or QGIS should say "Narkotikabruk", "Trapphus", "ja".
The words belong to the interface (the dashboard's catalogues), which the
domain never imports, so every caller that writes or reads such a file hands
the domain a :class:`Wording`: the dashboard's downloads, the import page and
the command line all build theirs from the same catalogues. :data:`CODES` is
the wording of a machine-readable file: the store's own names and codes.

The same wording reads its files back (:meth:`Wording.field_for`,
:meth:`Wording.code_for`, :meth:`Wording.layer_for`), so an export a person
saw in Swedish imports again without questions and without duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from geodata.errors import Problem

# The extra columns a table export adds after a layer's fields, and the multi-layer GeoJSON's layer column.
EXTRA_COLUMNS = ("lat", "lon", "wkt", "layer")


def _problem_in_english(problem: Problem) -> str:
    return f"{problem.field}: {problem.message}"


@dataclass(frozen=True)
class Wording:
    """Column names, value labels and number style of a file a person reads.

    ``columns`` names fields (and the extra columns ``lat``, ``lon``, ``wkt``,
    ``layer``) by what a reader calls them; ``values`` gives, per choice
    field, each code's label; ``layers`` each layer's name. A name missing
    from them is written as its code. ``for_people`` writes dates and times
    as a spreadsheet shows them (local time, no zone) and numbers with
    ``decimal``; a machine wording writes ISO 8601 and codes.
    ``explain`` words a problem of a rejected row (field name and reason) and
    ``problem_column`` names the column that carries it.
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    layers: Mapping[str, str] = field(default_factory=dict)
    yes: str = "true"
    no: str = "false"
    decimal: str = "."
    separator: str = ","
    for_people: bool = False
    problem_column: str = "pledgemap_problem"
    explain: Callable[[Problem], str] = _problem_in_english

    def column(self, name: str) -> str:
        return self.columns.get(name, name)

    def value(self, name: str, code: str) -> str:
        return self.values.get(name, {}).get(code, code)

    def layer(self, name: str) -> str:
        return self.layers.get(name, name)

    def boolean(self, value: bool) -> str:
        return self.yes if value else self.no

    # -- reading a worded file back ------------------------------------------------------------

    def field_for(self, column: str) -> str | None:
        """The field a column of this wording's files holds, or ``None``."""
        wanted = column.strip().casefold()
        for name, label in self.columns.items():
            if label.strip().casefold() == wanted:
                return name
        return None

    def code_for(self, name: str, text: str) -> str | None:
        """The code ``text`` labels in field ``name``, or ``None``."""
        wanted = text.strip().casefold()
        for code, label in self.values.get(name, {}).items():
            if label.strip().casefold() == wanted:
                return code
        return None

    def layer_for(self, text: str | None) -> str | None:
        """The layer a table, sheet or layer column named ``text`` holds, or ``None``."""
        if text is None:
            return None
        wanted = text.strip().casefold()
        for name, label in self.layers.items():
            if label.strip().casefold() == wanted:
                return name
        return None


CODES = Wording()
