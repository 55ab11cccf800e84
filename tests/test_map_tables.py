"""The table alternatives of the overview's map and timeline and of the Lager map (issue 13: a table for each map
and chart): filled by the callbacks that draw the figures, from the same domain results, bounded, in both languages;
the public role's table holds the aggregated figures only."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.i18n import number, translator
from dashboard.ids import Layers, Overview
from geodata import LAYERS, clock, layer_view, pledge_progress, pledge_timeline
from geodata.store import GeoPackageStore, LayerQuery

from dash_http import call_callback, layers_view, overview_map_inputs

LANGS = ("sv", "en")


def tables(tree) -> list[dict]:
    """Each ``<table>`` in a component tree: its caption and its rows (header row first) as lists of cell texts."""
    found = []

    def text(node) -> str:
        if isinstance(node, str):
            return node
        if isinstance(node, list):
            return "".join(text(n) for n in node)
        if isinstance(node, dict):
            return text(node.get("props", {}).get("children"))
        return "" if node is None else str(node)

    def walk(node, into=None):
        if isinstance(node, list):
            for item in node:
                walk(item, into)
        elif isinstance(node, dict):
            kind, children = node.get("type"), node.get("props", {}).get("children")
            if kind == "Table":
                table = {"caption": "", "rows": []}
                found.append(table)
                walk(children, table)
            elif kind == "Caption" and into is not None:
                into["caption"] = text(children)
            elif kind == "Tr" and into is not None:
                cells = children if isinstance(children, list) else [children]
                into["rows"].append([text(c) for c in cells])
            else:
                walk(children, into)

    walk(tree)
    return found


def as_json(component) -> dict:
    """A component tree as the browser receives it."""
    import json

    from plotly.utils import PlotlyJSONEncoder

    return json.loads(json.dumps(component, cls=PlotlyJSONEncoder))


def notes(tree) -> list[str]:
    """The sentences under the tables (class pm-hint)."""
    out = []
    if isinstance(tree, list):
        for item in tree:
            out.extend(notes(item))
    elif isinstance(tree, dict):
        props = tree.get("props", {})
        if props.get("className") == "pm-hint":
            out.append(props.get("children"))
        out.extend(notes(props.get("children")))
    return out


def call_map(client, lang: str, layers=LAYERS):
    return call_callback(
        client,
        f"{Overview.map}.figure",
        overview_map_inputs(layers=layers),
        state={f"{Overview.lang}.data": lang, f"{Overview.map_follows}.data": None, f"{Overview.map_drawn}.data": None},
    )


def expected_summary(data, lang: str) -> list[list[str]]:
    """Per layer and colour, how many records the domain's map view of the overview holds (all filters open)."""
    from dashboard.figures.map import LAYER_STYLE
    from dashboard.state.view import ViewState, state_queries

    t = translator(lang)
    rows = []
    with GeoPackageStore.open(data) as store:
        pledge = store.get_pledge("mark-2021")
        for layer, query in state_queries(ViewState(pledge="mark-2021", layers=LAYERS), pledge).items():
            view = layer_view(store, layer, query)
            assert view.mode == "points"
            field, colours, group = LAYER_STYLE[layer]
            counts = view.points[field].value_counts()
            rows += [
                [t(f"layer.{layer}"), t(f"{group}.{c}"), number(int(counts[c]), lang)] for c in colours if c in counts
            ]
    return rows


@pytest.mark.parametrize("lang", LANGS)
def test_the_overview_map_s_table_counts_what_the_domain_draws_and_lists_at_most_25_records(client, demo_copy, lang):
    from dashboard.components.map_tables import MAX_RECORDS

    t = translator(lang)
    answer = call_map(client, lang)
    summary, records = tables(answer[Overview.map_table]["children"])
    assert summary["caption"] == t("map.table_caption")
    assert summary["rows"][0] == [t("map.table_layer"), t("map.table_what"), t("map.table_count")]
    assert summary["rows"][1:] == expected_summary(demo_copy, lang)
    total = sum(int(row[2].replace("\u00a0", "").replace(",", "")) for row in summary["rows"][1:])
    assert total > MAX_RECORDS  # the demo is larger than the list: the list is cut and says so
    assert len(records["rows"]) == 1 + MAX_RECORDS
    shown_days = [row[2][:10] for row in records["rows"][1:] if row[2]]
    assert shown_days == sorted(shown_days, reverse=True)  # newest first
    more = t("map.table_records_more", shown=number(MAX_RECORDS, lang), total=number(total, lang))
    assert more in notes(answer[Overview.map_table]["children"])


def test_a_map_table_follows_the_layers_chosen(client, demo_copy):
    answer = call_map(client, "sv", layers=("operations",))
    summary, records = tables(answer[Overview.map_table]["children"])
    assert {row[0] for row in summary["rows"][1:]} == {"Insatser och närvaro"}
    assert {row[1] for row in records["rows"][1:]} == {"Insatser och närvaro"}
    # Every record row is one of the pledge's operations, in its words and with its date.
    with GeoPackageStore.open(demo_copy) as store:
        operations = store.read_layer("operations", LayerQuery(pledge_id="mark-2021"))
    titles = {title for title in operations["title"] if isinstance(title, str)}
    assert {row[3] for row in records["rows"][1:]} <= titles | {""}


def test_a_grid_layer_is_summarised_by_its_cells():
    """Above the point limit the map counts per cell: its table says how many cells and what they hold."""
    import numpy as np

    from dashboard.components.map_tables import map_table
    from geodata import LayerView
    from geodata.records import GridCounts

    grid = GridCounts(2000.0, np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2), np.array([1, 1659]))
    view = LayerView("unsafe_places", "grid", 1660, grid=grid)
    for lang, words in (("sv", "Räknade i 2 rutor om 2\u00a0000 m"), ("en", "Counted in 2 cells of 2,000 m")):
        [summary] = tables(as_json(map_table({"unsafe_places": view}, translator(lang))))
        assert summary["rows"][1][1:] == [words, number(1660, lang)]


@pytest.mark.parametrize("lang", LANGS)
def test_the_timeline_s_table_holds_each_promise_s_period_progress_and_records(client, demo_copy, lang):
    from dashboard.components.map_tables import MAX_EVENTS

    t = translator(lang)
    answer = call_callback(
        client,
        f"{Overview.timeline}.figure",
        {
            f"{Overview.pledge}.value": "mark-2021",
            f"{Overview.promise}.value": "",
            f"{Overview.map}.selectedData": None,
            f"{Overview.width}.data": {"width": 358, "height": 440},
        },
        state={f"{Overview.lang}.data": lang},
    )
    summary, events = tables(answer[Overview.timeline_table]["children"])
    with GeoPackageStore.open(demo_copy) as store:
        pledge = store.get_pledge("mark-2021")
        rows = pledge_timeline(store, pledge)
        progress = {p.promise.id: p for p in pledge_progress(store, pledge, clock.today())}
    assert len(summary["rows"]) == 1 + len(rows)
    for row, shown in zip(rows, summary["rows"][1:]):
        done = progress[row.promise.id]
        assert shown[0] == t(f"promise_kind.{row.promise.kind}")
        assert shown[1] == f"{row.period.start.isoformat()} – {row.period.end.isoformat()}"
        assert shown[2] == (
            t("progress.of", delivered=done.delivered, target=done.target)
            if done.target
            else t("progress.count", delivered=done.delivered)
        )
        assert shown[3] == number(len(row.events), lang)
    every = sorted((e for r in rows for e in r.events), key=lambda e: e.when, reverse=True)[:MAX_EVENTS]
    # Newest first; an operation with its time, an inspection by its day.
    assert [r[2] for r in events["rows"][1:]] == [
        e.when.strftime("%Y-%m-%d %H:%M" if e.layer == "operations" else "%Y-%m-%d") for e in every
    ]
    assert {e.layer for e in every} == {"operations", "inventoried_sites"}


def test_the_lager_map_s_table_lists_the_records_the_map_shows(client, demo_copy):
    from dashboard.components.tables import PAGE_SIZE

    answer = call_callback(
        client,
        f"{Layers.table}.children",
        {f"{Layers.view}.data": layers_view("unsafe_places"), f"{Layers.tiles_ok}.data": False},
    )
    summary, records = tables(answer[Layers.map_table]["children"])
    assert len(records["rows"]) - 1 == PAGE_SIZE  # the table's first page, which is what the map draws
    counted = sum(int(row[2]) for row in summary["rows"][1:])
    assert counted == PAGE_SIZE and {row[0] for row in summary["rows"][1:]} == {"Otrygga platser"}


# --- the public role --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_the_public_role_s_map_table_holds_the_aggregated_figures_and_no_record(demo_copy, lang):
    from dashboard.i18n import band_text
    from geodata.access.accounts import add_user
    from geodata.views.public import aggregated_view

    from dash_http import PASSWORD, signed_in_client

    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "ulla", "public", PASSWORD)
    t = translator(lang)
    answer = call_map(signed_in_client(demo_copy, "ulla"), lang)
    tree = answer[Overview.map_table]["children"]
    [summary] = tables(tree)  # the counts only: no list of records follows
    with GeoPackageStore.open(demo_copy) as store:
        public = aggregated_view(store, "mark-2021")
        ids = {i for layer in LAYERS for i in store.read_layer(layer, LayerQuery(pledge_id="mark-2021"))["id"]}
    rows = {(row[0], row[1]): row[2] for row in summary["rows"][1:]}
    places = t("layer.unsafe_places")
    assert rows[(places, t("map.table_public_cells"))] == number(len(public.unsafe_places.cells), lang)
    # Bands, never one figure, and nothing said of what was left out but that it is not shown.
    assert rows[(places, t("map.table_public_reports"))] == band_text(public.unsafe_places.shown, lang)
    assert "–" in rows[(places, t("map.table_public_reports"))]
    assert rows[(places, t("map.table_public_suppressed", min=5))] == t("map.table_public_not_told")
    sites = t("layer.inventoried_sites")
    assert rows[(sites, t("map.table_public_sites"))] == band_text(public.sites.shown, lang)
    # The table says which period it counts: the whole period, as the map was asked for.
    period = t("filters.public_period")
    assert rows[(period, t("period.all"))] == ""
    assert {key[0] for key in rows} == {period, places, sites, t("layer.operations")}
    # Not one record id, title or description anywhere in the table.
    shown = " ".join(cell for row in summary["rows"] for cell in row)
    assert ids and not any(i in shown for i in ids)
    assert str(tree).count("'Tr'") == len(summary["rows"])


def test_the_timeline_dates_are_local_days(monkeypatch):
    """An operation at 23:30 UTC on 31 May is on 1 June in Sweden: the tables write the local day."""
    import pandas as pd

    from dashboard.components.map_tables import _when

    day = _when(pd.Series(pd.to_datetime(["2024-05-31T23:30:00Z"])))
    assert day.iloc[0] == pd.Timestamp(dt.datetime(2024, 6, 1, 1, 30))
