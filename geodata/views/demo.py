"""How much of what a screen shows is generated demo data: the label every page carries while there is any."""

from __future__ import annotations

from typing import NamedTuple

from geodata.model import Pledge
from geodata.store.base import Store


class DemoShare(NamedTuple):
    """Demo records and all records, of the layers the store's viewer may read; demo pledges and all pledges."""

    demo: int
    total: int
    demo_pledges: int = 0  # pledges invented for the demo (the shipped ones are real, published texts)
    pledges: int = 0

    @property
    def all_demo(self) -> bool:
        """Every record is a demo record (a store with none at all is not a demo)."""
        return self.demo > 0 and self.demo == self.total


def demo_share(store: Store, pledge_id: str | None = None, pledges: list[Pledge] | None = None) -> DemoShare:
    """The demo records beside all records, of one pledge or of every pledge, counted over every layer; and how
    many of those pledges are themselves demo data (``pledges``: the store's, when the caller has read them)."""
    if pledge_id:
        pledges = [store.get_pledge(pledge_id)]
    elif pledges is None:
        pledges = store.list_pledges()
    return DemoShare(
        sum(store.counts(pledge_id, demo_only=True).values()),
        sum(store.counts(pledge_id).values()),
        sum(p.demo for p in pledges),
        len(pledges),
    )
