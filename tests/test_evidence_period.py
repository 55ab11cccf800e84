"""Evidence dated outside a promise's period counts for nothing: progress, timeline, map filters and exports alike.

Issue 13, item 2: a site inspected today (2026) on a Mark 2021 site counted towards the 2021
promise (62 → 63) and stretched the 2021 timeline to December 2026.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.figures.timeline import timeline_figure
from dashboard.i18n import translator
from geodata import open_store, vocab
from geodata.model import pledge_from_dict
from geodata.store import LayerQuery
from geodata.views.filters import layer_queries
from geodata.views.progress import evidence_query, pledge_progress
from geodata.views.timeline import pledge_timeline
from geodata.workflow import advance

from builders import frame, operation, pledge_dict, site
from figure_data import trace_values

PROMISE = "mark-2021-kallare-vindar"
TODAY = dt.date(2026, 12, 1)
FINDINGS = {f"check_{item}": "ok" for item in vocab.CHECKLIST}


def _inspect_a_flagged_site_today(store) -> str:
    flagged = store.read_layer("inventoried_sites", LayerQuery(promise_id=PROMISE, values=(("status", ("flagged",)),)))
    chosen = flagged.iloc[0]
    advance(store, chosen["id"], "inspected", FINDINGS, int(chosen["version"]), today=TODAY)
    return str(chosen["id"])


@pytest.fixture
def mark_after_a_late_step(demo_copy):
    with open_store(demo_copy) as store:
        pledge = store.get_pledge("mark-2021")
        before = {p.promise.id: p.delivered for p in pledge_progress(store, pledge, TODAY)}
        site_id = _inspect_a_flagged_site_today(store)
        yield store, pledge, before, site_id


def test_a_site_inspected_after_the_period_does_not_count_towards_the_promise(mark_after_a_late_step):
    store, pledge, before, _ = mark_after_a_late_step
    assert before[PROMISE] == 62  # the demo's Mark 2021 basements and attics inspected in 2021
    progress = {p.promise.id: p for p in pledge_progress(store, pledge, TODAY)}
    assert progress[PROMISE].delivered == 62  # was 63 before the fix
    assert progress[PROMISE].outside_period == 1  # and it is said, not hidden
    assert all(p.outside_period == 0 for key, p in progress.items() if key != PROMISE)


def test_the_timeline_keeps_the_promise_period(mark_after_a_late_step):
    store, pledge, _, site_id = mark_after_a_late_step
    rows = {row.promise.id: row for row in pledge_timeline(store, pledge)}
    row = rows[PROMISE]
    assert site_id not in {e.record_id for e in row.events}
    assert len(row.events) == 62
    for timeline_row in rows.values():
        assert all(timeline_row.period.contains(e.when.date()) for e in timeline_row.events)


def test_the_timeline_figure_x_range_stays_within_the_pledge_period(mark_after_a_late_step):
    store, pledge, _, _ = mark_after_a_late_step
    t = translator("sv")
    figure = timeline_figure(pledge_timeline(store, pledge), pledge_progress(store, pledge, TODAY), t, TODAY)
    data = figure.to_plotly_json()
    start, end = pledge.period.start, pledge.period.end
    low, high = (dt.date.fromisoformat(str(x)[:10]) for x in data["layout"]["xaxis"]["range"])
    # The axis is the period with at most a few days' margin for the markers, never the year the late step was in.
    assert start - dt.timedelta(days=7) <= low <= start and end <= high <= end + dt.timedelta(days=7)
    for trace in data["data"]:
        for x in trace_values(trace.get("x", [])):
            assert start <= dt.date.fromisoformat(str(x)[:10]) <= end, trace.get("meta")
    assert all(tick.endswith("2021") or not tick[-1].isdigit() for tick in data["layout"]["xaxis"]["ticktext"])


def test_a_chosen_promise_shows_and_exports_only_its_counted_evidence(mark_after_a_late_step):
    store, pledge, _, site_id = mark_after_a_late_step
    [query] = layer_queries(pledge, ["inventoried_sites"], promise=PROMISE).values()
    shown = store.read_layer("inventoried_sites", query)
    assert site_id not in set(shown["id"]) and len(shown) == 62
    # A view's own time range is kept within the promise's period, never widened.
    [narrow] = layer_queries(
        pledge, ["inventoried_sites"], promise=PROMISE, start=dt.date(2021, 6, 1), end=dt.date(2027, 1, 1)
    ).values()
    assert (narrow.start, narrow.end) == (dt.date(2021, 6, 1), dt.date(2021, 12, 31))


def test_an_operation_outside_its_promise_period_is_counted_apart(store):
    pledge = pledge_from_dict(pledge_dict())
    promise = pledge.promises[0]
    assert evidence_query(pledge, promise).start == pledge.promise_period(promise).start
    store.write_batch(
        "operations",
        frame(operation(), operation(starts_at="2025-02-01 18:00", ends_at="2025-02-01 21:00")),
    )
    [operations, _] = pledge_progress(store, pledge, dt.date(2025, 3, 1))
    assert (operations.delivered, operations.outside_period) == (1, 1)


def test_a_site_inspected_before_the_period_is_not_evidence_either(store):
    pledge = pledge_from_dict(pledge_dict())
    store.write_batch("inventoried_sites", frame(site(), site(inspected_on="2023-11-20", due_on="2024-01-10")))
    [_, inventory] = pledge_progress(store, pledge, dt.date(2024, 7, 1))
    assert (inventory.delivered, inventory.outside_period) == (1, 1)


def test_the_overview_says_what_it_leaves_out(demo_copy):
    from dashboard.ids import Overview
    from dashboard.settings import Settings

    from dash_http import call_callback, call_overview_timeline, make_client, texts

    with open_store(demo_copy) as store:
        _inspect_a_flagged_site_today(store)
    client = make_client(Settings(data=demo_copy, tiles_url=None))
    response = call_overview_timeline(client, "mark-2021")
    [note] = texts(response[Overview.timeline_note]["children"])
    assert note == (
        "Fastighetsinventering: 1 registrering utanför löftets period räknas inte; tidslinjen visar löftets period."
    )
    cards = call_callback(
        client,
        f"{Overview.cards}.children",
        {f"{Overview.pledge}.value": "mark-2021"},
        state={f"{Overview.promise}.value": "", f"{Overview.lang}.data": "sv"},
    )[Overview.cards]["children"]
    assert "62 registrerade" in texts(cards)
    assert texts(cards).count("1 registrering utanför löftets period räknas inte") == 1


def test_the_timeline_hover_gives_an_operation_its_time_and_a_site_step_its_day_only(mark_after_a_late_step):
    store, pledge, _, _ = mark_after_a_late_step
    figure = timeline_figure(
        pledge_timeline(store, pledge), pledge_progress(store, pledge, TODAY), translator("sv"), TODAY
    ).to_plotly_json()
    shown = {}
    for trace in figure["data"]:
        if (trace.get("meta") or {}).get("role") == "events":
            assert trace["hovertemplate"] == "%{customdata[2]}<br>%{customdata[3]}<extra></extra>"
            for _record, layer, _label, when in trace["customdata"]:
                shown.setdefault(layer, set()).add(len(when))
    # "2021-03-04 18:30" for an operation; "2021-03-04" for a site's step, never a meaningless "00:00".
    assert shown["operations"] == {16} and shown["inventoried_sites"] == {10}
