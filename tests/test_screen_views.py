"""What the dashboard's screens decide, computed in the domain: no browser, no Dash.

The edit forms' rules (who may change or add which record, what a new record
starts as, what it may link to), the demo share a page's label counts, the
police events beside a pledge, which reports the analysis page counts, and what
the standalone map shows, what a chosen promise highlights on the map, and which pledge is shown when none is chosen.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import geodata.views.standalone
from geodata import LOCAL_ADMIN, GuardedStore, Viewer, pledge_from_dict
from geodata.analysis.getisord import pledge_points
from geodata.records import PoliceEvent
from geodata.views.demo import DemoShare, demo_share
from geodata.views.disclosure import Band
from geodata.views.editing import (
    WORKFLOW_FIELDS,
    link_targets,
    may_add,
    may_write,
    new_record,
    new_record_values,
)
from geodata.views.mapview import LayerView, evidence_highlight
from geodata.views.pledges import default_pledge
from geodata.views.police import pledge_events
from geodata.views.public import MIN_COUNT
from geodata.views.standalone import standalone_view

from builders import frame, operation, pledge_dict, site, unsafe_place

HOUSING = Viewer("housing_company", "anna", "Marks Bostads AB")


def place(**overrides):
    """An unsafe place of the store fixture's pledge."""
    return unsafe_place(pledge_id="test-2024", **overrides)


def test_who_may_change_a_record():
    own, foreign = site(owner="Marks Bostads AB"), site(owner="Marks kommun")
    assert may_write(HOUSING, "inventoried_sites", [own], stored=True)
    assert not may_write(HOUSING, "inventoried_sites", [own])  # as a new site: it would skip the workflow's steps
    assert not may_write(HOUSING, "inventoried_sites", [foreign], stored=True)
    assert not may_write(HOUSING, "operations", [{}])
    assert may_write(LOCAL_ADMIN, "operations", [{}])
    assert not may_write(None, "unsafe_places", [unsafe_place()])  # no viewer: nobody to allow


def test_a_new_site_is_the_viewers_own_and_starts_the_workflow():
    assert new_record_values("inventoried_sites", HOUSING) == {"owner": "Marks Bostads AB"}
    assert new_record_values("unsafe_places", HOUSING) == {}
    assert may_add(HOUSING, "inventoried_sites") and not may_add(HOUSING, "unsafe_places")
    assert not may_add(Viewer("public"), "inventoried_sites")
    assert new_record("inventoried_sites", {"owner": "X"}) == {"owner": "X", "status": "flagged"}
    assert new_record("inventoried_sites", {"status": "inspected"})["status"] == "inspected"
    assert "status" not in new_record("unsafe_places", {"category": "poor_lighting"})
    assert WORKFLOW_FIELDS == {"status"}


def test_what_a_record_may_link_to():
    first = pledge_from_dict(pledge_dict())
    second = pledge_from_dict(pledge_dict(id="andra-2025", title="Andra", promises=[]))
    assert link_targets([first, second], "unsafe_places", first.id) == [(first, None), (second, None)]
    promises = link_targets([first, second], "operations", first.id)
    assert [(p.id, promise.id) for p, promise in promises] == [
        ("test-2024", "test-2024-insatser"),
        ("test-2024", "test-2024-inventering"),
    ]
    assert link_targets([first, second], "operations", second.id) == []


def test_the_demo_share_counts_what_the_viewer_may_read(store):
    assert demo_share(store) == DemoShare(0, 0, 0, 1) and not demo_share(store).all_demo
    store.write_batch("unsafe_places", frame(place(demo=True), place(demo=True)))
    assert demo_share(store, "test-2024") == DemoShare(2, 2, 0, 1) and demo_share(store).all_demo
    store.write_batch("unsafe_places", frame(place()))
    assert demo_share(store) == DemoShare(2, 3, 0, 1) and not demo_share(store).all_demo
    # The public sees no records, so no demo records either; the pledges are public documents.
    assert demo_share(GuardedStore(store, Viewer("public"))) == DemoShare(0, 0, 0, 1)


def test_the_police_events_beside_a_pledge_are_its_municipalitys_during_its_period(store):
    def event(event_id: int, day: str, code: str | None) -> PoliceEvent:
        when = dt.datetime.fromisoformat(f"{day}T10:00:00+00:00")
        return PoliceEvent(event_id, when, f"title {event_id}", "Stöld", "s", "https://polisen.se/x", "Mark", code)

    store.write_police_events(
        [
            event(1, "2023-12-31", "1463"),  # before the period
            event(2, "2024-01-01", "1463"),  # its first day
            event(3, "2024-12-31", "1463"),  # its last day
            event(4, "2024-06-01", "1480"),  # another municipality
            event(5, "2024-06-01", None),  # the county
        ]
    )
    events = pledge_events(store, store.get_pledge("test-2024"))
    assert sorted(events["id"]) == [2, 3]


def test_no_category_ticked_counts_no_report(store):
    store.write_batch(
        "unsafe_places",
        frame(place(), place(category="drug_dealing"), place(reported_on="2023-06-01")),
    )
    records, area = pledge_points(store, "test-2024", categories=["poor_lighting", "drug_dealing"])
    assert len(records) == 3 and area.area > 0
    assert len(pledge_points(store, "test-2024", categories=["drug_dealing"])[0]) == 1
    assert len(pledge_points(store, "test-2024", categories=["poor_lighting"], start=dt.date(2024, 1, 1))[0]) == 1
    nothing, _ = pledge_points(store, "test-2024", categories=[])
    assert nothing.empty and "category" in nothing.columns


def test_the_standalone_map_draws_records_until_more_are_in_view_than_it_draws_as_markers(store, monkeypatch):
    store.write_batch("unsafe_places", frame(place(), place()))  # two reports each, in one hexagon
    store.write_batch("inventoried_sites", frame(site()))
    store.write_batch("operations", frame(operation(), operation(visibility="public")))
    view = standalone_view(store, "test-2024")
    assert view.query.pledge_id == "test-2024"
    assert view.in_view == 4 and not view.aggregated and view.counts is None  # the internal operation not counted
    assert view.records is not None and list(view.records.operations["visibility"]) == ["public"]
    with_internal = standalone_view(store, "test-2024", include_internal=True)
    assert with_internal.in_view == 5 and with_internal.records is not None
    assert len(with_internal.records.operations) == 2

    monkeypatch.setattr(geodata.views.standalone, "MAX_MARKERS", 3)
    large = standalone_view(store, "test-2024")
    assert large.aggregated and large.records is None and large.max_markers == 3
    # Not the public variant: every count is shown, exactly (each band one figure), over the query and no period.
    assert large.counts is not None and large.counts.unsafe_places.min_count == 1 and large.counts.period is None
    assert [c.band for c in large.counts.unsafe_places.cells] == [Band(4, 4)]
    assert large.counts.unsafe_places.shown == Band(4, 4)
    assert [c.sites for c in large.counts.sites.cells] == [Band(1, 1)]


def test_a_large_standalone_view_keeps_the_public_minimum_for_a_viewer_who_may_not_read_reports(store, monkeypatch):
    store.write_batch("unsafe_places", frame(place(), place()))
    store.write_batch("inventoried_sites", frame(*(site() for _ in range(3))))
    monkeypatch.setattr(geodata.views.standalone, "MAX_MARKERS", 2)
    view = standalone_view(GuardedStore(store, HOUSING), "test-2024")
    assert view.in_view == 3  # its own sites; the reports it may not read count none
    assert view.aggregated and view.counts is not None
    # The public view's, over the whole period: the cell of four reports is left out, with no figure of them.
    assert view.counts.period is not None and view.counts.period.key == "all"
    assert view.counts.unsafe_places.min_count == MIN_COUNT and view.counts.unsafe_places.cells == ()
    assert set(vars(view.counts.unsafe_places)) == {"size_m", "min_count", "cells"}
    assert view.counts.unsafe_places.shown == Band(0, 0)


def test_the_public_standalone_map_shows_counts_only_and_never_internal_operations(store):
    store.write_batch("unsafe_places", frame(*(place() for _ in range(3))))
    view = standalone_view(store, "test-2024", public=True)
    assert view.records is None and view.in_view == 0 and not view.aggregated
    assert view.counts is not None and view.counts.unsafe_places.min_count == MIN_COUNT
    assert [c.band for c in view.counts.unsafe_places.cells] == [Band(5, 9)]  # six reports, shown as their band
    assert view.counts.unsafe_places.shown == Band(5, 9)
    with pytest.raises(ValueError, match="public map never shows internal operations"):
        standalone_view(store, "test-2024", public=True, include_internal=True)


def test_a_chosen_promise_highlights_its_evidence_records_shown_as_points():
    pledge = pledge_from_dict(pledge_dict())
    operations = LayerView("operations", "points", 2, points=pd.DataFrame({"id": ["op-1", "op-2"]}))
    sites = LayerView("inventoried_sites", "grid", 9000)
    views = {"operations": operations, "inventoried_sites": sites}
    assert evidence_highlight(pledge, "test-2024-insatser", views) == {"op-1", "op-2"}
    assert evidence_highlight(pledge, "test-2024-inventering", views) is None  # shown as counts: nothing to point at
    assert evidence_highlight(pledge, "test-2024-insatser", {"inventoried_sites": sites}) is None  # layer not shown
    assert evidence_highlight(pledge, None, views) is None
    assert evidence_highlight(pledge, "another-pledges-promise", views) is None


def test_the_pledge_shown_is_the_one_wanted_else_the_newest():
    older = pledge_from_dict(pledge_dict(id="old-2020"))
    newer = pledge_from_dict(pledge_dict())
    assert default_pledge([older, newer], "old-2020") is older
    assert default_pledge([older, newer]) is newer
    assert default_pledge([older, newer], "no-such-pledge") is newer
    assert default_pledge([], "old-2020") is None
