"""The sites worklist: open sites, most urgent first, overdue ones marked."""

from __future__ import annotations

import datetime as dt

from geodata import vocab
from geodata.views.public import site_counts
from geodata.views.worklist import chosen_worklist, owners, worklist

from builders import frame, site


def test_open_sites_most_urgent_first(store):
    store.write_batch(
        "inventoried_sites",
        frame(
            site(address="A 1", due_on="2024-06-01"),  # overdue on 2024-07-01
            site(address="B 2", due_on="2024-09-01"),  # open, not yet due
            site(address="C 3", status="fixed", due_on="2024-05-01"),  # fixed: listed until verified, never overdue
            site(address="D 4", status="flagged", inspected_on=None, due_on=None),  # open, no due date
            site(address="E 5", owner="Marks kommun", site_type="park", due_on="2024-06-15"),
        ),
    )
    today = dt.date(2024, 7, 1)
    listed = worklist(store, today)
    # The fixed site awaits only its verification: after every site still to be fixed, though its date is earlier.
    assert list(listed["address"]) == ["A 1", "E 5", "B 2", "D 4", "C 3"]
    assert list(listed["overdue"]) == [True, True, False, False, False]
    assert list(worklist(store, today, owners=["Marks Bostads AB"])["address"]) == ["A 1", "B 2", "D 4", "C 3"]
    assert list(worklist(store, today, site_types=["park"])["address"]) == ["E 5"]
    assert list(worklist(store, today, overdue_only=True)["address"]) == ["A 1", "E 5"]
    assert list(worklist(store, today, due_before=dt.date(2024, 6, 10))["address"]) == ["A 1", "C 3"]
    # Every status: the fixed site is listed, by due date, but never overdue.
    assert list(worklist(store, today, statuses=None)["address"]) == ["A 1", "E 5", "B 2", "D 4", "C 3"]
    assert owners(store) == ["Marks Bostads AB", "Marks kommun"]


def test_the_pages_choices_no_owner_ticked_is_every_owner_no_type_or_status_ticked_is_none(store):
    store.write_batch(
        "inventoried_sites",
        frame(site(address="A 1"), site(address="E 5", owner="Marks kommun", site_type="park")),
    )
    today = dt.date(2024, 7, 1)
    types, statuses = ["basement", "park"], ["action_planned"]

    def listed(**choices):
        return list(chosen_worklist(store, today, **choices)["address"])

    assert listed(owners=[], site_types=types, statuses=statuses) == ["A 1", "E 5"]
    assert listed(owners=["Marks kommun"], site_types=types, statuses=statuses) == ["E 5"]
    assert listed(site_types=[], statuses=statuses) == []
    assert listed(site_types=types, statuses=None) == []


def test_the_site_statuses_split_once_into_open_and_fixed(store):
    assert vocab.OPEN_SITE_STATUSES + vocab.FIXED_SITE_STATUSES == vocab.SITE_STATUSES
    store.write_batch("inventoried_sites", frame(*(site(address=s, status=s) for s in vocab.SITE_STATUSES)))
    # The worklist's default keeps a fixed site until someone verifies it; only verified sites leave it.
    listed = worklist(store, dt.date(2024, 7, 1))
    assert sorted(listed["status"]) == sorted([*vocab.OPEN_SITE_STATUSES, "fixed"])
    assert not listed[listed["status"] == "fixed"]["overdue"].any()
    (cell,) = site_counts(store.read_layer("inventoried_sites"), min_count=1).cells
    assert cell.fixed == len(vocab.FIXED_SITE_STATUSES)


def test_names_sort_in_swedish_order_aring_auml_ouml_after_z(gpkg_store):
    from geodata.collation import swedish_sorted

    names = ["Ängen", "Zeta", "ödla", "Åby", "alfa", "Éden", "Eva", "Ökna", "äpple", "Zeta"]
    assert swedish_sorted(names) == ["alfa", "Éden", "Eva", "Zeta", "Zeta", "Åby", "Ängen", "äpple", "ödla", "Ökna"]
    gpkg_store.write_batch(
        "inventoried_sites",
        frame(
            *(site(address=f"{name} 1", owner=f"{name} AB", due_on="2024-09-01") for name in ("Ängen", "Zeta", "Åby"))
        ),
    )
    assert owners(gpkg_store) == ["Zeta AB", "Åby AB", "Ängen AB"]
    assert list(worklist(gpkg_store, dt.date(2024, 7, 1))["address"]) == ["Zeta 1", "Åby 1", "Ängen 1"]
