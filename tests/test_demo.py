"""Demo data: deterministic, inside the real boundaries, inside the pledge periods, linked, and marked as demo."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import shapely

from geodata.boundaries import municipality
from geodata.demo import demo_layers
from geodata.shipped import shipped_pledges
from geodata.store import GeoPackageStore, LayerQuery
from geodata.views.progress import pledge_progress


@pytest.fixture(scope="module")
def demo(demo_file):
    with GeoPackageStore.open(demo_file) as store:
        yield store


def test_generation_is_deterministic_and_seeded():
    pledge = shipped_pledges()[1]
    first, again, other = demo_layers(pledge, seed=1), demo_layers(pledge, seed=1), demo_layers(pledge, seed=2)
    for layer in first:
        for a, b in zip(first[layer], again[layer]):
            pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b))
    assert not first["unsafe_places"][0].geometry.geom_equals(other["unsafe_places"][0].geometry).any()


def test_every_record_is_demo_and_inside_its_municipality(demo):
    for pledge in demo.list_pledges():
        area = municipality(pledge.municipality.code).geometry
        delivered = {p.evidence.layer for p in pledge.promises}
        for layer in ("unsafe_places", "inventoried_sites", "operations"):
            records = demo.read_layer(layer, LayerQuery(pledge_id=pledge.id))
            # Reports for every pledge; sites and operations where a promise is delivered by them.
            assert (len(records) > 0) == (layer == "unsafe_places" or layer in delivered), (pledge.id, layer)
            assert records["demo"].all()
            assert shapely.within(records.geometry.values, area).all(), (pledge.id, layer)


def test_places_cluster_around_the_centres(demo):
    places = demo.read_layer("unsafe_places", LayerQuery(pledge_id="mark-2021"))
    kinna = shapely.Point(361845, 6376282)
    near = (places.distance(kinna) < 2500).mean()
    area_share = kinna.buffer(2500).area / municipality("1463").geometry.area
    assert near > 5 * area_share  # far denser near Kinna than spread evenly


def test_operations_lie_in_their_promise_period_and_deliver_existing_promises(demo):
    for pledge in demo.list_pledges():
        operations = demo.read_layer("operations", LayerQuery(pledge_id=pledge.id))
        promise_ids = {p.id for p in pledge.promises}
        assert set(operations["promise_id"]) <= promise_ids
        local = operations["starts_at"].dt.tz_convert("Europe/Stockholm").dt.date
        assert (local >= pledge.period.start).all() and (local <= pledge.period.end).all()
        assert (operations["ends_at"] > operations["starts_at"]).all()
        for promise in pledge.promises:
            if promise.evidence.layer == "operations":
                kinds = set(operations.loc[operations["promise_id"] == promise.id, "kind"])
                assert kinds and kinds <= set(promise.evidence.kinds), promise.id


def test_mark_shows_three_of_four_operations_and_mbab_basements(demo):
    pledge = demo.get_pledge("mark-2021")
    progress = {p.promise.id: p for p in pledge_progress(demo, pledge, dt.date(2021, 12, 31))}
    operations = progress["mark-2021-riktade-insatser"]
    assert (operations.delivered, operations.target, operations.status) == (3, 4, "not_met")
    sites = demo.read_layer("inventoried_sites", LayerQuery(promise_id="mark-2021-kallare-vindar"))
    assert set(sites["owner"]) == {"Marks Bostads AB"}
    assert {"basement", "attic"} <= set(sites["site_type"])
    assert {"flagged", "action_planned", "fixed", "verified"} <= set(sites["status"])


def test_the_demo_judges_some_promises_and_goals_and_says_it_is_demo_data(demo):
    from geodata.analysis.followup import pledge_follow_up

    mark = demo.get_pledge("mark-2021")
    judgements = demo.read_judgements("mark-2021")
    assert judgements and all(j.text.startswith("Demodata: ") and j.judged_by == "demo" and j.demo for j in judgements)
    assert {j.subject for j in judgements} == {"promise", "goal"} and max(j.version for j in judgements) == 2
    follow_up = pledge_follow_up(demo, mark, dt.date(2026, 12, 1))
    assert follow_up.period.code == "2021-T3" and follow_up.late  # some periods are left unjudged: "ej bedömd"
    assert demo.read_judgements("molndal-2018")
