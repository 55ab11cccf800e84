"""The pledges the project ships: Mölndal 2018 and Mark 2021, encoded as YAML.

They are the project's own encoding of two published pledges (see each
file's header); nothing reads the original texts at run time.
"""

from __future__ import annotations

from importlib import resources

import yaml

from geodata.model import Pledge, pledge_from_dict

SHIPPED = ("molndal-2018", "mark-2021")


def load_pledge_yaml(text: str) -> Pledge:
    """Parse one pledge from YAML text (raises :class:`~geodata.errors.ValidationError`)."""
    return pledge_from_dict(yaml.safe_load(text))


def shipped_pledges() -> list[Pledge]:
    """The pledges that ship with Pledgemap, in the order of :data:`SHIPPED`."""
    folder = resources.files("geodata").joinpath("data", "pledges")
    return [load_pledge_yaml(folder.joinpath(f"{name}.yaml").read_text(encoding="utf-8")) for name in SHIPPED]
