"""The dashboard over HTTP, as a browser calls it: pages, and the callbacks called directly with crafted payloads."""

from __future__ import annotations

import pytest

from dashboard.settings import Settings
from geodata.store import GeoPackageStore, LayerQuery

from dash_http import call_callback, find, make_client, render_page, texts
from figure_data import trace_values

ALL_LAYERS = ["unsafe_places", "inventoried_sites", "operations"]


@pytest.fixture
def client(demo_copy):
    return make_client(Settings(data=demo_copy, tiles_url=None))


def map_inputs(**overrides):
    values = {
        "ov-pledge.value": "mark-2021",
        "ov-promise.value": "",
        "ov-start.value": None,
        "ov-end.value": None,
        "ov-layers.value": ALL_LAYERS,
        "ov-categories.value": [
            "drug_dealing",
            "drug_use",
            "poor_lighting",
            "blocked_sightlines",
            "loitering",
            "vandalism",
            "harassment",
            "traffic",
            "other",
        ],
        "ov-sources.value": ["survey", "citizen_dialogue", "safety_walk", "tip", "police_observation"],
        "ov-statuses.value": ["flagged", "inspected", "action_planned", "fixed", "verified"],
        "ov-basemap.value": [],
        "ov-map.relayoutData": None,
        "ov-timeline.selectedData": None,
    }
    values.update({f"ov-{k.replace('_', '-')}.value" if "." not in k else k: v for k, v in overrides.items()})
    return values


def draw_map(client, changed="ov-pledge.value", **overrides):
    response = call_callback(
        client,
        "ov-map.figure",
        map_inputs(**overrides),
        state={"ov-lang.data": "sv", "ov-map-follows-view.data": None},
        changed=changed,
    )
    return response["ov-map"]["figure"]


def record_ids(figure, layer):
    ids = []
    for trace in figure["data"]:
        meta = trace.get("meta") or {}
        if meta.get("layer") == layer and meta.get("role") == "records":
            ids.extend(trace["ids"])
    return ids


def test_index_is_served_in_swedish_with_local_assets_only(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "pledgemap.css" in html
    for cdn in ("cdn.", "unpkg.com", "jsdelivr", "cdnjs", "googleapis"):
        assert cdn not in html


def test_overview_opens_on_the_latest_pledge_with_progress_and_counts(client, demo_copy):
    tree = render_page(client, "/")
    [dropdown] = find(tree, id="ov-pledge")
    assert dropdown["props"]["value"] == "mark-2021"
    assert {o["value"] for o in dropdown["props"]["options"]} == {"mark-2021", "molndal-2018"}
    assert any(t.startswith("Demodata:") for t in texts(tree))
    pledge = call_callback(
        client,
        "ov-cards.children",
        {"ov-pledge.value": "mark-2021"},
        state={"ov-promise.value": "", "ov-lang.data": "sv"},
    )
    shown = texts(pledge["ov-cards"]["children"])
    assert "3 av 4" in shown and "ej uppnått" in shown
    with GeoPackageStore.open(demo_copy) as store:
        counts = store.counts("mark-2021")
    labels = [o["label"] for o in pledge["ov-layers"]["options"]]
    assert labels == [
        f"Otrygga platser ({counts['unsafe_places']})",
        f"Inventerade platser ({counts['inventoried_sites']})",
        f"Insatser och närvaro ({counts['operations']})",
    ]


def test_the_url_restores_the_view(client):
    tree = render_page(
        client,
        "/",
        "?pledge=molndal-2018&promise=molndal-2018-riktade-insatser&layers=operations&start=2018-03-01&lang=en",
    )
    assert find(tree, id="ov-pledge")[0]["props"]["value"] == "molndal-2018"
    assert find(tree, id="ov-promise")[0]["props"]["value"] == "molndal-2018-riktade-insatser"
    assert find(tree, id="ov-layers")[0]["props"]["value"] == ["operations"]
    assert find(tree, id="ov-start")[0]["props"]["value"] == "2018-03-01"
    assert "Filters" in texts(tree)  # English
    query = call_callback(
        client,
        "ov-query.data",
        {
            "ov-pledge.value": "molndal-2018",
            "ov-promise.value": "molndal-2018-riktade-insatser",
            "ov-start.value": "2018-03-01",
            "ov-end.value": None,
            "ov-layers.value": ["operations"],
            "ov-categories.value": map_inputs()["ov-categories.value"],
            "ov-sources.value": map_inputs()["ov-sources.value"],
            "ov-statuses.value": map_inputs()["ov-statuses.value"],
        },
        state={"ov-lang.data": "en"},
    )
    assert query["ov-query"]["data"] == (
        "pledge=molndal-2018&start=2018-03-01&promise=molndal-2018-riktade-insatser&layers=operations&lang=en"
    )


def test_map_draws_the_chosen_layers_of_the_pledge(client, demo_copy):
    figure = draw_map(client)
    with GeoPackageStore.open(demo_copy) as store:
        for layer in ALL_LAYERS:
            expected = set(store.read_layer(layer, LayerQuery(pledge_id="mark-2021"))["id"])
            assert set(record_ids(figure, layer)) == expected
    only_operations = draw_map(client, changed="ov-layers.value", layers=["operations"])
    assert record_ids(only_operations, "unsafe_places") == [] and record_ids(only_operations, "operations")
    assert only_operations["layout"]["map"]["style"] == "white-bg"
    assert only_operations["layout"]["map"]["layers"][0]["type"] == "line"  # the municipality boundary
    assert all(layer.get("sourcetype") != "raster" for layer in only_operations["layout"]["map"]["layers"])


def test_choosing_a_promise_filters_and_highlights_its_evidence(client, demo_copy):
    figure = draw_map(client, changed="ov-promise.value", promise="mark-2021-riktade-insatser")
    with GeoPackageStore.open(demo_copy) as store:
        evidence = set(store.read_layer("operations", LayerQuery(promise_id="mark-2021-riktade-insatser"))["id"])
    assert len(evidence) == 3
    assert set(record_ids(figure, "operations")) == evidence
    [highlight] = [t for t in figure["data"] if (t.get("meta") or {}).get("role") == "highlight"]
    assert len(trace_values(highlight["lat"])) == 3


def test_time_range_and_category_filters(client):
    whole = draw_map(client)
    spring = draw_map(client, changed="ov-start.value", start="2021-03-01", end="2021-05-31")
    assert 0 < len(record_ids(spring, "operations")) < len(record_ids(whole, "operations"))
    drugs = draw_map(client, changed="ov-categories.value", categories=["drug_dealing"])
    names = {t["name"] for t in drugs["data"] if (t.get("meta") or {}).get("layer") == "unsafe_places"}
    assert names == {"Narkotikaförsäljning"}


def test_timeline_has_a_row_per_promise_with_target_pace(client):
    response = call_callback(
        client,
        "ov-timeline.figure",
        {"ov-pledge.value": "mark-2021", "ov-promise.value": "", "ov-map.selectedData": None},
        state={"ov-lang.data": "sv"},
    )
    figure = response["ov-timeline"]["figure"]
    periods = [t for t in figure["data"] if t["meta"]["role"] == "period"]
    assert len(periods) == 5
    [pace] = [t for t in figure["data"] if t["meta"]["role"] == "target"]
    assert pace["meta"] == {"role": "target", "promise": "mark-2021-riktade-insatser", "target": 4}
    events = {t["meta"]["promise"]: len(t["ids"]) for t in figure["data"] if t["meta"]["role"] == "events"}
    assert events["mark-2021-riktade-insatser"] == 3


def test_store_errors_are_shown_as_one_alert(tmp_path):
    client = make_client(Settings(data=tmp_path / "gone.gpkg"))
    tree = render_page(client, "/")
    [alert] = find(tree, role="alert")
    assert "does not exist" in " ".join(texts(alert))


def test_no_demo_banner_without_demo_records(tmp_path):
    path = tmp_path / "empty.gpkg"
    GeoPackageStore.create(path).close()
    client = make_client(Settings(data=path))
    shown = texts(render_page(client, "/"))
    assert "Det finns inga medborgarlöften i databasen ännu." in shown
    assert not any(t.startswith("Demodata") for t in shown)


def test_a_pan_redraws_only_an_aggregated_map(client):
    zoomed = map_inputs(**{"ov-map.relayoutData": {"map.zoom": 12.5, "map.center": {"lon": 12.7, "lat": 57.5}}})
    for aggregated, redrawn in ((None, True), (False, False), (True, True)):
        response = call_callback(
            client,
            "ov-map.figure",
            zoomed,
            state={"ov-lang.data": "sv", "ov-map-follows-view.data": aggregated},
            changed="ov-map.relayoutData",
        )
        assert ("ov-map" in response) == redrawn, aggregated


def test_a_map_selection_shows_in_the_timeline_and_the_table(client, demo_copy):
    with GeoPackageStore.open(demo_copy) as store:
        operations = store.read_layer("operations", LayerQuery(promise_id="mark-2021-riktade-insatser"))
    chosen = list(operations["id"][:2])
    selected = {"points": [{"customdata": [record_id, "x", "y", "z"]} for record_id in chosen]}
    table = call_callback(
        client, "ov-selection.children", {"ov-map.selectedData": selected}, state={"ov-lang.data": "sv"}
    )["ov-selection"]["children"]
    assert "Valda på kartan (2)" in texts(table)
    assert texts(table).count("Riktad insats mot narkotika") == 2
    timeline = call_callback(
        client,
        "ov-timeline.figure",
        {"ov-pledge.value": "mark-2021", "ov-promise.value": "", "ov-map.selectedData": selected},
        state={"ov-lang.data": "sv"},
    )["ov-timeline"]["figure"]
    [events] = [t for t in timeline["data"] if t["meta"] == {"role": "events", "promise": "mark-2021-riktade-insatser"}]
    sizes = dict(zip(events["ids"], events["marker"]["size"]))
    assert {sizes[i] for i in chosen} == {16} and set(sizes.values()) == {11, 16}


def download(client, fmt, query):
    response = call_callback(
        client,
        "ov-download.data",
        {"ov-export.n_clicks": 1},
        state={"ov-export-format.value": fmt, "ov-query.data": query, "ov-lang.data": "sv"},
    )
    return response


def test_the_export_button_downloads_the_view_with_its_filters(client, demo_copy):
    import base64
    import json

    sent = download(client, "geojson", "pledge=mark-2021&layers=unsafe_places,operations&categories=drug_dealing")
    assert sent["ov-export-error"]["children"] is None
    data = sent["ov-download"]["data"]
    assert data["filename"] == "mark-2021.geojson"
    features = json.loads(base64.b64decode(data["content"]))["features"]
    with GeoPackageStore.open(demo_copy) as store:
        places = store.count(
            "unsafe_places", LayerQuery(pledge_id="mark-2021", values=(("category", ("drug_dealing",)),))
        )
        public_ops = store.count("operations", LayerQuery(pledge_id="mark-2021", values=(("visibility", ("public",)),)))
    layers = [f["properties"]["layer"] for f in features]
    assert layers.count("unsafe_places") == places and layers.count("operations") == public_ops
    assert "inventoried_sites" not in layers

    public = download(client, "html_public", "pledge=mark-2021")["ov-download"]["data"]
    assert public["filename"] == "mark-2021-publik.html"
    page = base64.b64decode(public["content"]).decode()
    assert "<html" in page and "Demodata" in page and 'src="http' not in page
    with GeoPackageStore.open(demo_copy) as store:
        a_description = (
            store.read_layer("unsafe_places", LayerQuery(pledge_id="mark-2021"))["description"].dropna().iloc[0]
        )
    assert a_description not in page


def test_an_export_of_no_layers_is_one_clear_alert(client):
    sent = download(client, "gpkg", "pledge=mark-2021&layers=")
    assert sent["ov-download"]["data"] is None
    assert "choose at least one layer" in str(sent["ov-export-error"]["children"])


def test_exporting_from_an_empty_store_is_one_clear_alert(tmp_path):
    GeoPackageStore.create(tmp_path / "empty.gpkg").close()
    client = make_client(Settings(data=tmp_path / "empty.gpkg", tiles_url=None))
    sent = download(client, "gpkg", "")
    assert sent["ov-download"]["data"] is None
    assert "holds no pledge to export" in str(sent["ov-export-error"]["children"])
