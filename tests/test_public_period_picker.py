"""The overview's choice of a public period: shown to a role that sees layers only counted, and what it draws."""

from __future__ import annotations

import pytest

from dashboard.ids import Overview

from dash_http import (
    PASSWORD,
    call_callback,
    call_overview_map,
    find,
    overview_map_inputs,
    render_page,
    signed_in_client,
)


@pytest.fixture
def accounts(demo_copy):
    from geodata.access.accounts import add_user
    from geodata.store import GeoPackageStore

    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "ulla", "public", PASSWORD)
        add_user(store, "pia", "police", PASSWORD)
    return demo_copy


def _picker(tree):
    [radios] = find(tree, id=Overview.period)
    fieldsets = [f for f in find(tree, className="pm-period-picker")]
    assert len(fieldsets) == 1
    return radios["props"], fieldsets[0]["props"]


def test_the_public_role_chooses_among_the_pledges_fixed_periods(accounts):
    radios, fieldset = _picker(render_page(signed_in_client(accounts, "ulla"), "/", "?pledge=mark-2021"))
    assert not fieldset.get("hidden")
    labels = [o["label"] for o in radios["options"]]
    values = [o["value"] for o in radios["options"]]
    # Mark 2021 runs over the calendar year: the whole period, four quarters, twelve months, in Swedish.
    assert labels[:3] == ["Hela perioden", "Kvartal 1 2021", "Kvartal 2 2021"]
    assert labels[5:7] == ["januari 2021", "februari 2021"] and len(labels) == 17
    assert values[:2] == ["all", "2021-Q1"] and values[5] == "2021-01"
    assert radios["value"] == "all"


def test_a_link_keeps_the_period_and_a_period_the_pledge_does_not_have_falls_back_to_the_whole(accounts):
    client = signed_in_client(accounts, "ulla")
    radios, _ = _picker(render_page(client, "/", "?pledge=mark-2021&period=2021-Q3"))
    assert radios["value"] == "2021-Q3"
    radios, _ = _picker(render_page(client, "/", "?pledge=mark-2021&period=2017-01"))
    assert radios["value"] == "all"


def test_a_role_that_reads_every_layer_is_not_offered_the_choice(accounts):
    _, fieldset = _picker(render_page(signed_in_client(accounts, "pia"), "/", "?pledge=mark-2021"))
    assert fieldset.get("hidden") is True


def test_the_map_draws_the_chosen_periods_counts_and_the_view_says_which(accounts):
    from geodata.access import GuardedStore, Viewer
    from geodata.store import GeoPackageStore
    from geodata.views.public import public_view

    client = signed_in_client(accounts, "ulla")

    def drawn(period):
        inputs = {**overview_map_inputs("mark-2021"), f"{Overview.period}.value": period}
        answer = call_overview_map(client, inputs, changed=f"{Overview.period}.value")
        figure = answer[Overview.map]["figure"]
        [places] = [
            t
            for t in figure["data"]
            if (t.get("meta") or {}).get("role") == "public" and t["meta"]["layer"] == "unsafe_places"
        ]
        return places, answer

    with GeoPackageStore.open(accounts) as store:
        guarded = GuardedStore(store, Viewer("public", "ulla"))
        whole, quarter = public_view(guarded, "mark-2021"), public_view(guarded, "mark-2021", "2021-Q2")
    places, _ = drawn("all")
    assert places["locations"] == [f"{c.q},{c.r}" for c in whole.unsafe_places.cells]
    places, answer = drawn("2021-Q2")
    assert places["locations"] == [f"{c.q},{c.r}" for c in quarter.unsafe_places.cells]
    assert len(quarter.unsafe_places.cells) < len(whole.unsafe_places.cells)
    # The tooltips give bands; the table beside the map names the period.
    assert all("–" in text for text in places["text"])
    assert "Kvartal 2 2021" in str(answer[Overview.map_table]["children"])


def test_choosing_another_pledge_offers_its_periods(accounts):
    client = signed_in_client(accounts, "ulla")
    answer = call_callback(
        client,
        f"{Overview.period}.options",
        {f"{Overview.pledge}.value": "molndal-2018"},
        state={f"{Overview.period}.value": "2021-Q2", f"{Overview.lang}.data": "sv"},
    )
    options = answer[Overview.period]["options"]
    assert options[0] == {"label": "Hela perioden", "value": "all"}
    assert {"label": "mars 2018", "value": "2018-03"} in options
    assert answer[Overview.period]["value"] == "all"  # Mark's quarter is not one of Mölndal's
