"""The pledge, layers and sites pages over HTTP, with their callbacks called directly."""

from __future__ import annotations

from dashboard.ids import Layers, Sites
from geodata.store import GeoPackageStore, LayerQuery

from dash_http import call_callback, find, layers_view, render_page, sites_filters, texts


def test_pledge_page_reads_as_the_document(client):
    shown = texts(render_page(client, "/pledge", "?pledge=molndal-2018"))
    for expected in (
        "Medborgarlöfte Mölndals stad 2018",
        "Särskilt fokus på öppen narkotikahandling i det offentliga rummet",
        "Medborgarna",
        "Polisen",
        "Kommunen",
        "Information till föräldrar",
        "Datum: 2018-02-15",
        "Dan Windt, Lokalpolisområdeschef, Lokalpolisområde Storgöteborg syd",
        "Den öppna narkotikahandlingen skall märkbart minska.",
        "Facebook: Polisen Göteborg syd",
    ):
        assert expected in shown, expected
    mark = texts(render_page(client, "/pledge", "?pledge=mark-2021&lang=en"))
    assert "Contact" in mark and "annika.stomberg@polisen.se" in mark and "3 of 4" in mark


def show(client, data, changed=None):
    return call_callback(
        client,
        f"{Layers.table}.children",
        {f"{Layers.view}.data": data, f"{Layers.tiles_ok}.data": False},
        changed=changed,
    )


def test_layers_table_search_sort_page_and_select(client, demo_copy):
    tree = render_page(client, "/layers", "?pledge=mark-2021&layer=operations")
    [store] = find(tree, id=Layers.view)
    view = store["props"]["data"]
    assert (view["pledge"], view["layer"]) == ("mark-2021", "operations")
    response = show(client, view)
    rows = find(response[Layers.table]["children"], type="button", className="pm-row-button")
    with GeoPackageStore.open(demo_copy) as gpkg:
        operations = gpkg.read_layer("operations", LayerQuery(pledge_id="mark-2021"))
    assert len(rows) == 25 and "Sida 1 av 2 (39 poster)" in texts(response[Layers.table]["children"])
    assert response[Layers.query]["data"] == "pledge=mark-2021&layer=operations"

    searched = show(client, {**view, "q": "skolbesök"})
    assert "8 av 39 poster visas" in texts(searched[Layers.table]["children"])

    newest_first = show(client, {**view, "sort": "starts_at", "desc": True})
    first_row_cells = texts(
        find(newest_first[Layers.table]["children"], type="button", className="pm-row-button")[0]["props"].get(
            "aria-label"
        )
    )
    latest = operations.sort_values("starts_at").iloc[-1]["starts_at"].tz_convert("Europe/Stockholm")
    assert first_row_cells[0].startswith(f"Visa: {latest:%Y-%m-%d %H:%M}")

    chosen = operations.iloc[0]["id"]
    selected = show(client, {**view, "record": chosen})
    details = texts(selected[Layers.details]["children"])
    assert "Insatser och närvaro" in details and "demodata" in details
    assert operations.iloc[0]["title"] in details
    figure = selected[Layers.map]["figure"]
    assert figure["layout"]["map"]["zoom"] == 15
    assert any((tr.get("meta") or {}).get("role") == "highlight" for tr in figure["data"])
    assert f"record={chosen}" in selected[Layers.query]["data"]


def test_layers_view_changes():
    from dashboard.state.table import TableState

    view = TableState(pledge="mark-2021", layer="operations").to_dict()
    sorted_once = TableState.from_dict(view).sorted_by("kind")
    assert (sorted_once.sort, sorted_once.desc) == ("kind", False)
    assert TableState.from_dict(sorted_once.to_dict()).sorted_by("kind").desc is True
    assert TableState.from_query({"page": "x", "layer": "nope", "desc": "1"}).to_query() == "desc=1"


def test_the_worklists_link_leaves_its_default_filters_out():
    import datetime as dt

    from dashboard.state.sites import SitesState

    assert SitesState("mark-2021").to_query() == "pledge=mark-2021"
    chosen = SitesState("mark-2021", ("MBAB",), ("park",), (), dt.date(2024, 6, 1), True, "en")
    assert chosen.to_query() == "pledge=mark-2021&owner=MBAB&types=park&status=&due=2024-06-01&overdue=1&lang=en"


def test_sites_worklist_lists_overdue_first_and_shows_a_site_on_the_page_itself(client):
    tree = render_page(client, "/sites", "?pledge=mark-2021")
    assert "Fastigheter" in texts(tree)
    response = call_callback(
        client,
        f"{Sites.table}.children",
        sites_filters(types=["basement", "attic"], overdue=["1"]),
    )
    table = response[Sites.table]["children"]
    rows = find(table, className="pm-row-overdue")
    assert rows and all("Försenad" in texts(row) for row in rows)
    buttons = find(table, className="pm-row-button")
    # "Visa" is a button of this page (it opens the site here), not a link to the layers page.
    assert buttons and all(b["type"] == "Button" and "href" not in b["props"] for b in buttons)
    assert buttons[0]["props"]["id"]["type"] == f"{Sites.prefix}-row"
    assert response[Sites.query]["data"] == "pledge=mark-2021&types=basement,attic&overdue=1"


def test_pledge_page_shows_the_police_events_of_its_municipality_and_period(client, demo_copy):
    import datetime as dt

    from geodata.io.police_events import PoliceEvent

    def published(event_id, when, kind, code):
        return PoliceEvent(event_id, when, f"title {event_id}", kind, "s", "https://polisen.se/x", "Mark", code)

    utc = dt.UTC
    with GeoPackageStore.open(demo_copy) as store:
        store.write_police_events(
            [
                published(1, dt.datetime(2021, 3, 2, 10, tzinfo=utc), "Narkotikabrott", "1463"),
                published(2, dt.datetime(2021, 3, 9, 10, tzinfo=utc), "Narkotikabrott", "1463"),
                published(3, dt.datetime(2021, 3, 9, 11, tzinfo=utc), "Skadegörelse", "1463"),
                published(4, dt.datetime(2022, 3, 9, 11, tzinfo=utc), "Skadegörelse", "1463"),  # after the period
                published(5, dt.datetime(2021, 3, 9, 11, tzinfo=utc), "Rån", "1481"),  # Mölndal
            ]
        )
    shown = texts(render_page(client, "/pledge", "?pledge=mark-2021"))
    assert "Polisens publicerade händelser i Mark" in shown
    assert "2021-03" in shown and "3" in shown and "Narkotikabrott (2), Skadegörelse (1)" in shown
    assert "2022-03" not in shown and "Rån (1)" not in " ".join(shown)
    molndal = texts(render_page(client, "/pledge", "?pledge=molndal-2018"))
    assert any(s.startswith("Inga händelser från polisen är inlästa för Mölndal") for s in molndal)


def test_the_demo_label_says_how_many_records_are_demo_once_real_ones_are_imported(client, demo_copy):
    from builders import frame, unsafe_place

    # The banner is the page's first text saying "Demodata" (the pledge's cards below quote demo judgements).
    banner = [s for s in texts(render_page(client, "/")) if s.startswith("Demodata")][:1]
    assert banner and "genererade exempel" in banner[0] and "poster i lagren" not in banner[0]
    with GeoPackageStore.open(demo_copy) as store:
        store.write_batch("unsafe_places", frame(unsafe_place(pledge_id="mark-2021", reported_on="2021-03-05")))
        demo, total = sum(store.counts(demo_only=True).values()), sum(store.counts().values())
    banner = [s for s in texts(render_page(client, "/")) if s.startswith("Demodata")][:1]
    assert banner == [
        f"Demodata: {demo} av {total} poster i lagren är genererade exempel, inte verkliga uppgifter; "
        "övriga är inlästa. 6 av 8 medborgarlöften är påhittade (märkta demodata); övriga är de publicerade "
        "löftestexterna."
    ]


def test_a_record_opened_from_a_link_shows_on_its_page_with_details_above_the_map(client, demo_copy):
    with GeoPackageStore.open(demo_copy) as gpkg:
        places = gpkg.read_layer("unsafe_places", LayerQuery(pledge_id="mark-2021"))
    far = places.iloc[-1]["id"]  # not on the first page of 25
    tree = render_page(client, "/layers", f"?pledge=mark-2021&layer=unsafe_places&record={far}")
    [view] = [s["props"]["data"] for s in find(tree, id=Layers.view)]
    side = [n for n in find(tree, className="pm-side")][0]
    assert [c["props"].get("id") for c in side["props"]["children"]] == [
        Layers.notice,
        None,
        Layers.new,
        Layers.details,
        Layers.map,
        Layers.map_table,
    ]
    opened = show(client, view, changed=f"{Layers.tiles_ok}.data")  # the page's first draws
    assert "pm-row-selected" in str(opened[Layers.table]["children"])
    assert "page=" in opened[Layers.query]["data"] and "Sida 1 av" not in " ".join(
        texts(opened[Layers.table]["children"])
    )
    paged_away = show(client, {**view, "page": 1})  # the user pages back: the record stays chosen, the page is theirs
    assert "Sida 1 av" in " ".join(texts(paged_away[Layers.table]["children"]))


def test_a_records_details_show_its_history(client, demo_copy):
    with GeoPackageStore.open(demo_copy) as gpkg:
        record = gpkg.read_layer("inventoried_sites", LayerQuery(pledge_id="mark-2021")).iloc[0]
        gpkg.update_record(
            "inventoried_sites", record["id"], {"measure": "Byt lampa"}, int(record["version"]), actor="hanna"
        )
    view = layers_view("inventoried_sites", record=record["id"])
    details = " ".join(texts(show(client, view)[Layers.details]["children"]))
    assert "Historik (2 ändringar)" in details
    assert "· hanna · ändrad: Åtgärd" in details and "· local · skapad" in details


def test_the_worklist_downloads_for_the_caretakers_in_swedish(client, demo_copy):
    import base64
    import io

    from openpyxl import load_workbook

    state = {
        **sites_filters(types=["basement", "attic", "stairwell"], statuses=["flagged", "inspected", "action_planned"]),
        f"{Sites.lang}.data": "sv",
    }
    for fmt in ("xlsx", "csv"):
        sent = call_callback(
            client,
            f"{Sites.file}.data",
            {f"{Sites.download}.n_clicks": 1},
            state={f"{Sites.download_format}.value": fmt, **state},
        )[Sites.file]["data"]
        content = base64.b64decode(sent["content"])
        if fmt == "xlsx":
            rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
            header, first = rows[0], rows[1]
            assert header[:3] == ("Adress", "Fastighetsbeteckning", "Typ av plats")
            assert first[2] in ("Källare", "Vind", "Trapphus") and first[4] in (
                "Flaggad",
                "Inspekterad",
                "Åtgärd planerad",
            )
        else:
            text = content.decode("utf-8-sig")
            assert text.startswith("Adress;Fastighetsbeteckning;Typ av plats;Ägare;Status")
    with GeoPackageStore.open(demo_copy) as gpkg:
        sites = gpkg.read_layer("inventoried_sites", LayerQuery(pledge_id="mark-2021"))
    wanted = sites[
        sites["site_type"].isin(["basement", "attic", "stairwell"])
        & sites["status"].isin(["flagged", "inspected", "action_planned"])
    ]
    assert len(rows) - 1 == len(wanted)


def test_the_layers_table_counts_its_rows_with_a_site_chosen(client, demo_copy):
    with GeoPackageStore.open(demo_copy) as gpkg:
        sites = gpkg.read_layer("inventoried_sites", LayerQuery(pledge_id="mark-2021"))
    view = layers_view("inventoried_sites", record=sites.iloc[0]["id"])
    shown = texts(show(client, view)[Layers.table]["children"])
    assert f"{len(sites)} av {len(sites)} poster visas" in shown


def test_a_lasso_drawn_on_the_map_becomes_a_new_areas_shape(client):
    ring = [[12.690, 57.500], [12.694, 57.500], [12.694, 57.503], [12.690, 57.503]]
    clicked = call_callback(
        client, f"{Layers.click}.data", {f"{Layers.map}.selectedData": {"points": [], "lassoPoints": {"map": ring}}}
    )
    area = clicked[Layers.click]["data"]
    assert area["area"] == ring and round(area["lon"], 3) == 12.692
    assert (
        call_callback(client, f"{Layers.click}.data", {f"{Layers.map}.selectedData": {"points": []}}) == {}
    )  # a box: no area


def test_the_banner_says_which_pledges_are_invented_for_the_demo(client):
    def banner(query: str) -> str:
        [div] = find(render_page(client, "/pledge", query), id="demo-banner")
        return div["props"]["children"]

    assert banner("?pledge=mark-2021").endswith("Löftestexterna är de publicerade medborgarlöftena.")
    assert banner("?pledge=demo-laxa-2021").endswith("Medborgarlöftet är också påhittat, inte ett publicerat löfte.")
    every = [s for s in texts(render_page(client, "/")) if s.startswith("Demodata")][0]
    assert "6 av 8 medborgarlöften är påhittade (märkta demodata)" in every
