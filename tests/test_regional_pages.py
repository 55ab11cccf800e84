"""Alla löften (/alla) without a browser: the page, its maps and table as the demo store and a national store give
them, for an admin and for the public, and the landing page of a store with many pledges (issue 18)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from dash_http import PASSWORD, call_callback, find, render_page, signed_in_client, texts

REPO = Path(__file__).resolve().parent.parent
WIDE = {"width": 1200, "height": 700}  # the maps' size in the browser, as the page's size store holds it


def view(**values) -> dict:
    from dashboard.state.regional import RegionalState

    return RegionalState(**values).to_dict()


def rows(tree) -> dict[str, list[str]]:
    """The pledge table's rows by municipality: every cell's text."""
    from dashboard.ids import Regional

    [table] = find(tree, id=Regional.table)
    [body] = of_type(table, "Tbody")
    out = {}
    for row in body["props"]["children"]:
        cells = [" ".join(texts(cell)) for cell in row["props"]["children"]]
        out[cells[0]] = cells
    return out


def of_type(tree, name: str) -> list[dict]:
    """Components of type ``name`` ("Tbody") in a component tree."""
    if isinstance(tree, list):
        return [found for item in tree for found in of_type(item, name)]
    if not isinstance(tree, dict):
        return []
    return ([tree] if tree.get("type") == name else []) + of_type(tree.get("props", {}).get("children"), name)


def pledge_map(client, state: dict, size=WIDE) -> dict:
    from dashboard.ids import Regional

    answer = call_callback(
        client, f"{Regional.map}.figure", {f"{Regional.map_view}.data": state, f"{Regional.width}.data": size}
    )
    return answer[Regional.map]["figure"]


def by_state(figure) -> dict[str, dict]:
    return {trace["meta"]["state"]: trace for trace in figure["data"]}


def report_grid(client, state: dict, relayout=None, drawn=None, changed=None) -> dict:
    from dashboard.ids import Regional

    return call_callback(
        client,
        f"{Regional.grid}.figure",
        {f"{Regional.map_view}.data": state, f"{Regional.width}.data": WIDE, f"{Regional.grid}.relayoutData": relayout},
        state={f"{Regional.grid_drawn}.data": drawn},
        changed=changed,
    )


# --- the demo store: eight pledges, one in each police region ------------------------------------------------


def test_the_page_shows_every_demo_pledge_of_the_year_with_its_state(client):
    tree = render_page(client, "/alla")
    shown = texts(tree)
    assert "Medborgarlöften i hela Sverige 2021" in shown
    table = rows(tree)
    assert set(table) == {"Järfälla", "Laxå", "Lund", "Malå", "Mark", "Norrköping", "Uppsala"}  # Mölndal is 2018's
    assert table["Laxå"][5] == "Genomförd" and table["Uppsala"][5] == "Försenad" and table["Malå"][5] == "Ej bedömd"
    assert table["Laxå"][1] == "Lokalpolisområde Hallsberg" and table["Laxå"][2] == "2021"
    assert table["Malå"][6] == ""  # never judged: no date
    assert len(table["Laxå"][6]) == 10 and table["Laxå"][6][4] == "-"  # the day of the last judgement
    # The summary counts the pledges per state in the follow-up's words.
    [summary] = find(tree, id="rg-summary")
    words = [w for w in texts(summary) if w.strip()]
    assert words[0] == "Löftenas läge: 7 medborgarlöften"
    assert dict(zip(words[1::2], words[2::2])) == {
        "Försenad": "2",
        "Ej påbörjad": "1",
        "Påbörjad": "2",
        "Genomförd": "1",
        "Ej bedömd": "1",
    }
    # A row leads to the pledge's overview; in English it keeps the language.
    [link] = [a for a in find(tree, className="pm-row-button") if "Laxå" in a["props"]["aria-label"]]
    assert link["props"]["href"] == "/?pledge=demo-laxa-2021"
    english = render_page(client, "/alla", "?lang=en")
    assert "Citizen pledges in all of Sweden 2021" in texts(english)
    assert rows(english)["Uppsala"][5] == "Delayed"
    assert {a["props"]["href"] for a in find(english, className="pm-row-button")} >= {"/?pledge=demo-laxa-2021&lang=en"}


def test_the_menu_lists_the_page_after_the_overview(client):
    menu = find(render_page(client, "/alla"), className="pm-nav")[0]["props"]["children"]
    links = [item["props"]["children"]["props"] for item in menu]
    assert [(link["children"], link["href"].split("?")[0]) for link in links[:2]] == [
        ("Översikt", "/"),
        ("Alla löften", "/alla"),
    ]
    assert links[1].get("aria-current") == "page"


def test_the_scope_choice_offers_the_country_each_region_and_its_counties(client):
    from dashboard.ids import Regional

    [choice] = find(render_page(client, "/alla", "?scope=lan-14"), id=Regional.scope)
    options = choice["props"]["options"]
    assert len(options) == 29 and choice["props"]["value"] == "lan-14"
    keys = [o["value"] for o in options]
    assert keys[:2] == ["sverige", "region-nord"]
    assert keys[keys.index("region-vast") + 1 : keys.index("region-vast") + 3] == ["lan-13", "lan-14"]
    # Counties are indented under their region (a class on their label), regions stand out.
    labels = {o["value"]: o["label"]["props"] for o in options}
    assert labels["lan-14"] == {"children": "Västra Götalands län", "className": "pm-scope-county"}
    assert labels["region-vast"]["className"] == "pm-scope-region"


def test_the_map_colours_each_municipality_by_its_pledges_state_and_a_click_opens_the_pledge(client):
    figure = pledge_map(client, view())
    states = by_state(figure)
    assert states["done"]["locations"] == ["1860"]  # Laxå
    assert "0380" in states["delayed"]["locations"] and "1463" in states["delayed"]["locations"]  # Uppsala, Mark
    assert states["not_judged"]["locations"] == ["2418"]  # Malå
    assert len(states["no_pledge"]["locations"]) == 290 - 7
    assert all(t["type"] == "choroplethmap" for t in figure["data"])
    assert figure["layout"]["map"]["style"] == "white-bg" and "layers" in figure["layout"]["map"]
    # Each trace carries only its own municipalities' shapes, identified by their kommun code.
    assert [f["id"] for f in states["done"]["geojson"]["features"]] == ["1860"]
    # The hover names the municipality, the pledge, its state and its promises per status in words.
    [laxa] = states["done"]["hovertext"]
    assert laxa.startswith("<b>Laxå</b><br>") and "Läge: Genomförd" in laxa and "2 löftespunkter: Genomförd 2" in laxa
    [mala] = states["not_judged"]["hovertext"]
    assert "Läge: Ej bedömd" in mala and "2 löftespunkter: Ej bedömd 2" in mala
    assert states["done"]["customdata"] == [["/?pledge=demo-laxa-2021"]]
    assert "customdata" not in states["no_pledge"]  # nothing to open
    assert "Inget medborgarlöfte 2021" in states["no_pledge"]["hovertext"][0]
    # The legend under the map words the states drawn, in the map's order.
    from dashboard.ids import Regional

    answer = call_callback(
        client, f"{Regional.map}.figure", {f"{Regional.map_view}.data": view(), f"{Regional.width}.data": WIDE}
    )
    legend = [" ".join(texts(item)) for item in answer[Regional.map_legend]["children"]]
    assert legend == ["Försenad", "Ej påbörjad", "Påbörjad", "Genomförd", "Ej bedömd", "Inget löfte"]
    english = by_state(pledge_map(client, view(lang="en")))
    assert english["done"]["customdata"] == [["/?pledge=demo-laxa-2021&lang=en"]]
    assert "State: Done" in english["done"]["hovertext"][0]


def test_the_map_fits_the_scope(client):
    country = pledge_map(client, view())["layout"]["map"]
    vast = pledge_map(client, view(scope="region-vast"))["layout"]["map"]
    assert vast["zoom"] > country["zoom"] + 1
    assert 11 < vast["center"]["lon"] < 14 and 56.5 < vast["center"]["lat"] < 59.5


def test_a_region_keeps_only_its_own_municipalities(client):
    tree = render_page(client, "/alla", "?scope=region-vast")
    assert "Medborgarlöften i Region Väst 2021" in texts(tree)
    assert set(rows(tree)) == {"Mark"}
    figure = pledge_map(client, view(scope="region-vast"))
    codes = [code for trace in figure["data"] for code in trace["locations"]]
    assert len(codes) == 55 and {code[:2] for code in codes} == {"13", "14"}  # Halland and Västra Götaland
    assert by_state(figure)["delayed"]["locations"] == ["1463"]
    bergslagen = rows(render_page(client, "/alla", "?scope=region-bergslagen"))
    assert set(bergslagen) == {"Laxå"}
    assert set(rows(render_page(client, "/alla", "?scope=lan-14&year=2018"))) == {"Mölndal"}


def test_a_theme_keeps_the_pledges_about_it_and_each_theme_counts_its_pledges(client):
    from dashboard.ids import Regional

    tree = render_page(client, "/alla", "?themes=traffic")
    assert set(rows(tree)) == {"Laxå"}
    [themes] = find(tree, id=Regional.themes)
    assert themes["props"]["value"] == ["traffic"]
    labels = {o["value"]: o["label"] for o in themes["props"]["options"]}
    assert labels["traffic"] == "Trafik (1)" and labels["youth"] == "Unga (4)" and labels["fraud"] == "Bedrägerier (0)"
    assert set(rows(render_page(client, "/alla", "?themes=traffic,alcohol"))) == {"Laxå", "Lund"}
    assert by_state(pledge_map(client, view(themes=("traffic",))))["done"]["locations"] == ["1860"]


def test_an_unknown_scope_shows_the_country_and_says_so(client):
    tree = render_page(client, "/alla", "?scope=region-atlantis")
    shown = " ".join(texts(tree))
    assert "Området finns inte" in shown and "”region-atlantis” är inget område vi känner till" in shown
    assert "Medborgarlöften i hela Sverige 2021" in texts(tree)
    assert len(rows(tree)) == 7
    english = " ".join(texts(render_page(client, "/alla", "?scope=lan-99&lang=en")))
    assert "“lan-99” is not an area we know. All of Sweden is shown" in english


def test_the_controls_change_the_view_and_the_address(client):
    from dashboard.ids import Regional

    inputs = {
        f"{Regional.scope}.value": "region-syd",
        f"{Regional.year}.value": 2021,
        f"{Regional.themes}.value": [],
        f"{Regional.search}.value": "",
        f"{Regional.prefix}-prev.n_clicks": None,
        f"{Regional.prefix}-next.n_clicks": None,
    }
    dependencies = client.get("/_dash-dependencies").get_json()
    [spec] = [d for d in dependencies if d["output"] == f"{Regional.view}.data"]
    sort_inputs = [i for i in spec["inputs"] if i["id"].startswith("{")]
    assert len(sort_inputs) == 1  # the sort buttons, by pattern
    body = {
        "output": spec["output"],
        "outputs": {"id": Regional.view, "property": "data"},
        "inputs": [
            {"id": i["id"], "property": i["property"], "value": inputs.get(f"{i['id']}.{i['property']}")}
            if not i["id"].startswith("{")
            else {"id": json.loads(i["id"]), "property": "n_clicks", "value": []}
            for i in spec["inputs"]
        ],
        "state": [{"id": Regional.view, "property": "data", "value": view(q="x", page=3)}],
        "changedPropIds": [f"{Regional.scope}.value"],
    }
    answer = client.post("/_dash-update-component", json=body, headers={"Origin": "http://localhost"})
    state = answer.get_json()["response"][Regional.view]["data"]
    assert state["scope"] == "region-syd" and state["page"] == 1 and state["q"] == "x"
    shown = call_callback(client, f"{Regional.heading}.children", {f"{Regional.view}.data": state})
    assert shown[Regional.heading]["children"] == "Medborgarlöften i Region Syd 2021"
    assert shown[Regional.query]["data"] == "scope=region-syd&q=x"
    assert shown[Regional.table]["children"][0]["props"]["children"] == "0 av 1 medborgarlöfte visas"  # Lund, not "x"


def test_the_table_sorts_and_searches_as_the_user_reads_it(client):
    from dashboard.ids import Regional

    def municipalities(state):
        table = call_callback(client, f"{Regional.heading}.children", {f"{Regional.view}.data": state})
        return list(
            rows(
                {
                    "props": {
                        "children": {"props": {"id": Regional.table, "children": table[Regional.table]["children"]}}
                    }
                }
            )
        )

    # By state, the one needing attention most first (försenad, ej påbörjad, påbörjad, genomförd, …, ej bedömd).
    assert municipalities(view(sort="state")) == ["Mark", "Uppsala", "Lund", "Järfälla", "Norrköping", "Laxå", "Malå"]
    assert municipalities(view(sort="state", desc=True))[:2] == ["Malå", "Laxå"]
    assert municipalities(view(sort="promises", desc=True))[0] == "Mark"  # 5 promises, as a number
    assert municipalities(view(sort="municipality", desc=True))[0] == "Uppsala"
    assert municipalities(view(q="försenad")) == ["Mark", "Uppsala"]  # a state found by its words
    assert municipalities(view(q="hallsberg")) == ["Laxå"]


def test_the_report_map_counts_every_report_of_the_scope_and_follows_the_zoom(client):
    from dashboard.ids import Regional

    answer = report_grid(client, view())
    figure = answer[Regional.grid]["figure"]
    [trace] = figure["data"]
    assert trace["type"] == "scattermap" and trace["meta"]["role"] == "grid" and not trace["meta"]["public"]
    assert figure["layout"]["map"]["style"] == "white-bg"
    total = sum(trace["marker"]["color"])
    note = answer[Regional.grid_note]["children"]
    assert note.startswith(f"Kartan visar {total} rapporter om otrygghet i {len(trace['lat'])} rutor om ")
    key = answer[Regional.grid_drawn]["data"]
    # Zoomed in on Mark: smaller cells, only those in view; the figure is patched, not sent again.
    relayout = {
        "map.zoom": 10.5,
        "map.center": {"lon": 12.6, "lat": 57.5},
        "map._derived": {"coordinates": [[12.3, 57.7], [12.9, 57.7], [12.9, 57.3], [12.3, 57.3]]},
    }
    zoomed = report_grid(client, view(), relayout, drawn=key, changed=f"{Regional.grid}.relayoutData")
    patch = zoomed[Regional.grid]["figure"]
    assert "__dash_patch_update" in patch
    [operation] = patch["operations"]
    cells = operation["params"]["value"]
    assert operation["location"] == ["data", 0] and cells["meta"]["cell_m"] < trace["meta"]["cell_m"]
    assert all(12.3 <= lon <= 12.9 for lon in cells["lon"]) and 0 < sum(cells["marker"]["color"]) < total
    assert len(json.dumps(zoomed)) < len(json.dumps(answer))
    # A resize reports no zoom: nothing is drawn again. A move over a figure of another view draws it whole.
    resized = report_grid(client, view(), {"autosize": True}, drawn=key, changed=f"{Regional.grid}.relayoutData")
    assert resized == {}
    other = report_grid(client, view(), relayout, drawn="lan-14-2018-", changed=f"{Regional.grid}.relayoutData")
    assert "data" in other[Regional.grid]["figure"]


# --- the public role ---------------------------------------------------------------------------------------------


@pytest.fixture
def public_client(demo_copy):
    from geodata.access.accounts import add_user
    from geodata.store import GeoPackageStore

    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "ada", "admin", PASSWORD)
        add_user(store, "ulla", "public", PASSWORD)
    return signed_in_client(demo_copy, "ulla")


def test_the_public_sees_the_states_and_only_cells_of_at_least_five_reports(public_client):
    from dashboard.ids import Regional

    tree = render_page(public_client, "/alla")
    table = rows(tree)
    assert table["Laxå"][5] == "Genomförd" and table["Uppsala"][5] == "Försenad" and table["Malå"][5] == "Ej bedömd"
    menu = [
        item["props"]["children"]["props"]["children"]
        for item in find(tree, className="pm-nav")[0]["props"]["children"]
    ]
    assert menu == ["Översikt", "Alla löften", "Löftet"]
    assert by_state(pledge_map(public_client, view()))["done"]["locations"] == ["1860"]
    relayout = {
        "map.zoom": 9,
        "map._derived": {"coordinates": [[11.5, 58.0], [14.5, 58.0], [14.5, 56.8], [11.5, 56.8]]},
    }
    first = report_grid(public_client, view())
    answer = report_grid(
        public_client,
        view(),
        relayout,
        drawn=first[Regional.grid_drawn]["data"],
        changed=f"{Regional.grid}.relayoutData",
    )
    cells = answer[Regional.grid]["figure"]["operations"][0]["params"]["value"]
    assert cells["meta"]["public"] and cells["meta"]["min_count"] == 5
    assert cells["marker"]["color"] and min(cells["marker"]["color"]) >= 5
    assert cells["meta"]["cell_m"] >= 1000
    assert "varje ruta har minst 5 rapporter" in answer[Regional.grid_note]["children"]
    # No record behind a cell: no ids, nothing to open.
    assert not cells.get("ids") and not cells.get("customdata")


# --- the landing page ------------------------------------------------------------------------------------------


def test_the_demo_store_still_opens_on_the_pledge_overview(client):
    from dashboard.ids import Overview, Regional

    tree = render_page(client, "/")
    assert find(tree, id=Overview.map) and not find(tree, id=Regional.map)


@pytest.fixture(scope="module")
def national_file(tmp_path_factory):
    """The benchmark's national store, small: 290 pledges, one per municipality, and 10 000 reports."""
    spec = importlib.util.spec_from_file_location("national", REPO / "benchmarks" / "national.py")
    national = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(national)
    path = tmp_path_factory.mktemp("national") / "national.gpkg"
    national.generate(path, 10_000).close()
    return path


@pytest.fixture
def national_client(national_file):
    from dashboard.settings import Settings

    from dash_http import make_client

    return make_client(Settings(data=national_file, tiles_url=None))


def test_a_store_with_many_pledges_opens_on_all_of_them(national_client):
    from dashboard.ids import Overview, Regional

    tree = render_page(national_client, "/")
    assert find(tree, id=Regional.map) and not find(tree, id=Overview.map)
    assert "Medborgarlöften i hela Sverige 2025" in texts(tree)
    assert "290 av 290 medborgarlöften visas" in texts(tree)
    assert "Sida 1 av 12 (290 poster)" in texts(tree)
    # A pledge's overview still opens with ?pledge=, from the map and from the table.
    pledge = render_page(national_client, "/", "?pledge=bench-1481")
    assert find(pledge, id=Overview.map) and not find(pledge, id=Regional.map)
    vast = render_page(national_client, "/", "?scope=region-vast&q=mölndal")
    [link] = find(vast, className="pm-row-button")
    assert link["props"]["href"] == "/?pledge=bench-1481"
    figure = pledge_map(national_client, view())
    # Seven in ten of the benchmark's pledges are judged: every state is drawn, every municipality once.
    states = {trace["meta"]["state"]: trace for trace in figure["data"]}
    assert {"not_judged", "started", "done"} <= set(states)
    assert sum(len(trace["locations"]) for trace in figure["data"]) == 290
    [molndal] = [t for t in figure["data"] if "1481" in t["locations"]]
    assert molndal["customdata"][molndal["locations"].index("1481")] == ["/?pledge=bench-1481"]
    # The menu marks the page shown, and the tab says so too.
    page = national_client.get("/").get_data(as_text=True)
    assert "<title>Pledgemap – Alla löften</title>" in page
    [current] = find(tree, className="pm-nav-current")
    assert current["props"]["children"] == "Alla löften"


def test_the_whole_countrys_map_stays_well_under_300_kb(national_client):
    figure = pledge_map(national_client, view())
    assert len(json.dumps(figure, separators=(",", ":"))) < 250_000


def test_the_boundaries_of_many_municipalities_are_simplified_and_named_by_code():
    from geodata.boundaries import municipalities, municipalities_geojson

    codes = tuple(sorted(municipalities()["code"]))
    collection, bounds = municipalities_geojson(codes)
    assert len(collection["features"]) == 290 and collection["features"][0]["id"] == codes[0]
    assert 10 < bounds[0] < 12 and 68 < bounds[3] < 70  # Sweden in WGS84
    assert len(json.dumps(collection, separators=(",", ":"))) < 200_000
    assert municipalities_geojson(codes) is municipalities_geojson(codes)  # cached
    from geodata.errors import NotFoundError

    with pytest.raises(NotFoundError, match="9999"):
        municipalities_geojson(("1481", "9999"))


def test_sorting_searching_or_paging_the_table_leaves_the_maps_and_their_zoom_alone(client):
    from dashboard.ids import Regional
    from dashboard.pages.regional import map_view
    from dashboard.state.regional import RegionalState

    shown = map_view(RegionalState.from_dict(view()))
    for change in ({"sort": "state"}, {"q": "lund"}, {"page": 2}):
        answer = call_callback(
            client,
            f"{Regional.map_view}.data",
            {f"{Regional.view}.data": view(**change)},
            state={f"{Regional.map_view}.data": shown},
        )
        assert answer is None or Regional.map_view not in answer  # no update: the maps are not redrawn
    answer = call_callback(
        client,
        f"{Regional.map_view}.data",
        {f"{Regional.view}.data": view(scope="region-syd")},
        state={f"{Regional.map_view}.data": shown},
    )
    assert answer[Regional.map_view]["data"]["scope"] == "region-syd"


def test_the_table_downloads_as_the_scope_s_file(client):
    import base64
    import io

    from openpyxl import load_workbook

    from dashboard.ids import Regional

    answer = call_callback(
        client,
        f"{Regional.download}.data",
        {f"{Regional.export}.n_clicks": 1},
        state={f"{Regional.export_format}.value": "xlsx", f"{Regional.view}.data": view(scope="region-mitt", q="x")},
    )
    sent = answer[Regional.download]["data"]
    assert sent["filename"] == "alla-löften-region-mitt-2021.xlsx"
    sheet = load_workbook(io.BytesIO(base64.b64decode(sent["content"]))).active
    assert [c.value for c in sheet[2]][:1] == ["Uppsala"] and sheet.max_row == 2  # the search does not narrow it


def test_the_landing_page_is_served_whole_and_titled_by_its_address(national_client):
    """Served first in a thread of its own (no callback ran before it there), as a browser's first request is."""
    import threading

    answers = {}

    def get(path):
        answers[path] = national_client.get(path)

    for path in ("/", "/?pledge=bench-1481", "/?pledge="):
        worker = threading.Thread(target=get, args=(path,))
        worker.start()
        worker.join()
    assert all(answer.status_code == 200 for answer in answers.values())
    assert "<title>Pledgemap – Alla löften</title>" in answers["/"].get_data(as_text=True)
    assert "<title>Pledgemap – Översikt</title>" in answers["/?pledge=bench-1481"].get_data(as_text=True)
    assert "<title>Pledgemap – Översikt</title>" in answers["/?pledge="].get_data(as_text=True)
    # Dash's page routing callback titles the page by the address it is given, too.
    for search, title in (
        ("?pledge=bench-1481", "Översikt"),
        ("", "Alla löften"),
        ("?scope=region-vast", "Alla löften"),
    ):
        routed = call_callback(
            national_client,
            "_pages_content.children",
            {"_pages_location.pathname": "/", "_pages_location.search": search},
        )
        assert routed["_pages_store"]["data"]["title"] == f"Pledgemap – {title}"
