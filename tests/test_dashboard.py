"""The dashboard over HTTP, as a browser calls it: pages, and the callbacks called directly with crafted payloads."""

from __future__ import annotations

from dashboard.ids import Overview
from dashboard.settings import Settings
from geodata import pledge_from_dict
from geodata.store import GeoPackageStore, LayerQuery

from builders import frame, pledge_dict, unsafe_place
from dash_http import (
    ALL_LAYERS,
    call_callback,
    call_overview_map,
    call_overview_timeline,
    find,
    make_client,
    overview_map_inputs,
    render_page,
    texts,
)
from figure_data import trace_values


def map_inputs(**overrides):
    values = overview_map_inputs("mark-2021")
    values.update({f"ov-{k.replace('_', '-')}.value" if "." not in k else k: v for k, v in overrides.items()})
    return values


def draw_map(client, changed=f"{Overview.pledge}.value", **overrides):
    return call_overview_map(client, map_inputs(**overrides), changed=changed)[Overview.map]["figure"]


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
    [dropdown] = find(tree, id=Overview.pledge)
    assert dropdown["props"]["value"] == "mark-2021"
    with GeoPackageStore.open(demo_copy) as store:
        assert {o["value"] for o in dropdown["props"]["options"]} == {p.id for p in store.list_pledges()}
    assert any(t.startswith("Demodata:") for t in texts(tree))
    pledge = call_callback(
        client,
        f"{Overview.cards}.children",
        {f"{Overview.pledge}.value": "mark-2021"},
        state={f"{Overview.promise}.value": "", f"{Overview.lang}.data": "sv"},
    )
    shown = texts(pledge[Overview.cards]["children"])
    assert "3 av 4" in shown and "ej uppnått" in shown
    with GeoPackageStore.open(demo_copy) as store:
        counts = store.counts("mark-2021")
    labels = [o["label"] for o in pledge[Overview.layers]["options"]]
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
    assert find(tree, id=Overview.pledge)[0]["props"]["value"] == "molndal-2018"
    assert find(tree, id=Overview.promise)[0]["props"]["value"] == "molndal-2018-riktade-insatser"
    assert find(tree, id=Overview.layers)[0]["props"]["value"] == ["operations"]
    assert find(tree, id=Overview.start)[0]["props"]["value"] == "2018-03-01"
    assert "Filters" in texts(tree)  # English
    query = call_callback(
        client,
        f"{Overview.query}.data",
        {
            f"{Overview.pledge}.value": "molndal-2018",
            f"{Overview.promise}.value": "molndal-2018-riktade-insatser",
            f"{Overview.start}.value": "2018-03-01",
            f"{Overview.end}.value": None,
            f"{Overview.layers}.value": ["operations"],
            f"{Overview.categories}.value": map_inputs()[f"{Overview.categories}.value"],
            f"{Overview.sources}.value": map_inputs()[f"{Overview.sources}.value"],
            f"{Overview.statuses}.value": map_inputs()[f"{Overview.statuses}.value"],
            f"{Overview.safeties}.value": map_inputs()[f"{Overview.safeties}.value"],
            f"{Overview.period}.value": "all",
        },
        state={f"{Overview.lang}.data": "en"},
    )
    assert query[Overview.query]["data"] == (
        "pledge=molndal-2018&start=2018-03-01&promise=molndal-2018-riktade-insatser&layers=operations&lang=en"
    )


def test_map_draws_the_chosen_layers_of_the_pledge(client, demo_copy):
    figure = draw_map(client)
    with GeoPackageStore.open(demo_copy) as store:
        for layer in ALL_LAYERS:
            expected = set(store.read_layer(layer, LayerQuery(pledge_id="mark-2021"))["id"])
            assert set(record_ids(figure, layer)) == expected
    only_operations = draw_map(client, changed=f"{Overview.layers}.value", layers=["operations"])
    assert record_ids(only_operations, "unsafe_places") == [] and record_ids(only_operations, "operations")
    assert only_operations["layout"]["map"]["style"] == "white-bg"
    assert only_operations["layout"]["map"]["layers"][0]["type"] == "line"  # the municipality boundary
    assert all(layer.get("sourcetype") != "raster" for layer in only_operations["layout"]["map"]["layers"])


def test_choosing_a_promise_filters_and_highlights_its_evidence(client, demo_copy):
    figure = draw_map(client, changed=f"{Overview.promise}.value", promise="mark-2021-riktade-insatser")
    with GeoPackageStore.open(demo_copy) as store:
        evidence = set(store.read_layer("operations", LayerQuery(promise_id="mark-2021-riktade-insatser"))["id"])
    assert len(evidence) == 3
    assert set(record_ids(figure, "operations")) == evidence
    [highlight] = [t for t in figure["data"] if (t.get("meta") or {}).get("role") == "highlight"]
    assert len(trace_values(highlight["lat"])) == 3


def test_time_range_and_category_filters(client):
    whole = draw_map(client)
    spring = draw_map(client, changed=f"{Overview.start}.value", start="2021-03-01", end="2021-05-31")
    assert 0 < len(record_ids(spring, "operations")) < len(record_ids(whole, "operations"))
    drugs = draw_map(client, changed=f"{Overview.categories}.value", categories=["drug_dealing"])
    names = {t["name"] for t in drugs["data"] if (t.get("meta") or {}).get("layer") == "unsafe_places"}
    assert names == {"Narkotikaförsäljning"}


def test_timeline_has_a_row_per_promise_with_target_pace(client):
    response = call_overview_timeline(client, "mark-2021")
    figure = response[Overview.timeline]["figure"]
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
    # An empty store shows no page that could carry the banner: a store with a real pledge and real records must.
    real = tmp_path / "real.gpkg"
    with GeoPackageStore.create(real) as store:
        store.save_pledge(pledge_from_dict(pledge_dict()))
        store.write_batch("unsafe_places", frame(unsafe_place()))
    shown = texts(render_page(make_client(Settings(data=real)), "/"))
    assert "Medborgarlöfte Testkommun 2024" in shown  # the page with its pledge, where a banner would stand
    assert not any(t.startswith("Demodata") for t in shown)


def test_a_pan_redraws_only_an_aggregated_map(client):
    zoomed = map_inputs(
        **{f"{Overview.map}.relayoutData": {"map.zoom": 12.5, "map.center": {"lon": 12.7, "lat": 57.5}}}
    )
    for aggregated, redrawn in ((None, True), (False, False), (True, True)):
        response = call_overview_map(client, zoomed, changed=f"{Overview.map}.relayoutData", follows=aggregated)
        assert (Overview.map in response) == redrawn, aggregated


def test_a_map_selection_shows_in_the_timeline_and_the_table(client, demo_copy):
    with GeoPackageStore.open(demo_copy) as store:
        operations = store.read_layer("operations", LayerQuery(promise_id="mark-2021-riktade-insatser"))
    chosen = list(operations["id"][:2])
    selected = {"points": [{"customdata": [record_id, "x", "y", "z"]} for record_id in chosen]}
    table = call_callback(
        client,
        f"{Overview.selection}.children",
        {f"{Overview.map}.selectedData": selected},
        state={f"{Overview.lang}.data": "sv"},
    )[Overview.selection]["children"]
    assert "Valda på kartan (2)" in texts(table)
    assert texts(table).count("Riktad insats mot narkotika") == 2
    timeline = call_callback(
        client,
        f"{Overview.timeline}.figure",
        {
            f"{Overview.pledge}.value": "mark-2021",
            f"{Overview.promise}.value": "",
            f"{Overview.map}.selectedData": selected,
            f"{Overview.width}.data": None,
        },
        state={f"{Overview.lang}.data": "sv"},
    )[Overview.timeline]["figure"]
    [events] = [t for t in timeline["data"] if t["meta"] == {"role": "events", "promise": "mark-2021-riktade-insatser"}]
    sizes = dict(zip(events["ids"], events["marker"]["size"]))
    assert {sizes[i] for i in chosen} == {16} and set(sizes.values()) == {11, 16}


def download(client, fmt, query):
    response = call_callback(
        client,
        f"{Overview.download}.data",
        {f"{Overview.export}.n_clicks": 1},
        state={f"{Overview.export_format}.value": fmt, f"{Overview.query}.data": query, f"{Overview.lang}.data": "sv"},
    )
    return response


def test_the_export_button_downloads_the_view_with_its_filters(client, demo_copy):
    import base64
    import json

    sent = download(client, "geojson", "pledge=mark-2021&layers=unsafe_places,operations&categories=drug_dealing")
    assert sent[Overview.export_error]["children"] is None
    data = sent[Overview.download]["data"]
    assert data["filename"] == "mark-2021.geojson"
    features = json.loads(base64.b64decode(data["content"]))["features"]
    with GeoPackageStore.open(demo_copy) as store:
        places = store.count(
            "unsafe_places", LayerQuery(pledge_id="mark-2021", values=(("category", ("drug_dealing",)),))
        )
        public_ops = store.count("operations", LayerQuery(pledge_id="mark-2021", values=(("visibility", ("public",)),)))
    layers = [f["properties"]["Lager"] for f in features]  # worded in the page's language
    assert layers.count("Otrygga platser") == places and layers.count("Insatser och närvaro") == public_ops
    assert "Inventerade platser" not in layers

    public = download(client, "html_public", "pledge=mark-2021")[Overview.download]["data"]
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
    assert sent[Overview.download]["data"] is None
    assert "Inget lager visas; välj minst ett lager att exportera." in str(sent[Overview.export_error]["children"])


def test_exporting_from_an_empty_store_is_one_clear_alert(tmp_path):
    GeoPackageStore.create(tmp_path / "empty.gpkg").close()
    client = make_client(Settings(data=tmp_path / "empty.gpkg", tiles_url=None))
    sent = download(client, "gpkg", "")
    assert sent[Overview.download]["data"] is None
    assert "Det finns inget medborgarlöfte att exportera ännu" in str(sent[Overview.export_error]["children"])
