"""The overview's parts without a browser: its date fields, its selection list, its pace key (issue 13)."""

from __future__ import annotations

import pytest

from dash_http import PASSWORD, find, render_page, signed_in_client


@pytest.mark.parametrize("path", ["/", "/sites", "/analysis"])
def test_no_date_field_is_debounced(client, path):
    # Dash 4's Input calls setSelectionRange on a debounced field after each keystroke; a date field throws.
    fields = find(render_page(client, path, "?pledge=mark-2021"), type="date")
    assert fields, f"{path} has no date field"
    assert [f["props"].get("id") for f in fields if f["props"].get("debounce")] == []


# --- the public role's overview (issue 13, item 3) ----------------------------------------------------------


@pytest.fixture
def accounts(demo_copy):
    from geodata.access.accounts import add_user
    from geodata.store import GeoPackageStore

    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "ada", "admin", PASSWORD)
        add_user(store, "ulla", "public", PASSWORD)
        add_user(store, "hanna", "housing_company", PASSWORD, organisation="Marks Bostads AB")
    return demo_copy


def test_the_public_role_is_shown_the_aggregated_view_on_the_overview_map(accounts):
    from dashboard.ids import Overview

    from dash_http import call_overview_map, overview_map_inputs

    figure = call_overview_map(signed_in_client(accounts, "ulla"), overview_map_inputs())[Overview.map]["figure"]
    public = {trace["meta"]["layer"]: trace for trace in figure["data"] if (trace.get("meta") or {}).get("role")}
    assert set(public) == {"unsafe_places", "operations", "inventoried_sites"}
    assert {trace["meta"]["role"] for trace in public.values()} == {"public"}
    places = public["unsafe_places"]
    assert places["type"] == "choroplethmap" and min(places["z"]) >= 5 and len(places["z"]) > 0
    # Each cell's tooltip gives its band of five, never its own figure.
    for z, text in zip(places["z"], places["text"]):
        assert (z - 5) % 5 == 0 and text == f"{z}–{z + 4} rapporter om otrygghet i rutan"
    # Nothing a click, a selection or the page's data could turn into a record: no ids, no customdata.
    for trace in figure["data"]:
        assert not trace.get("ids") and not trace.get("customdata"), trace.get("meta")


def test_the_layer_choices_count_what_the_public_view_holds_not_zero(accounts):
    from dashboard.ids import Overview
    from geodata import open_store
    from geodata.views.public import aggregated_view, public_totals

    from dash_http import call_callback

    answer = call_callback(
        signed_in_client(accounts, "ulla"),
        f"{Overview.cards}.children",
        {f"{Overview.pledge}.value": "mark-2021"},
        state={f"{Overview.promise}.value": "", f"{Overview.lang}.data": "sv"},
    )
    labels = [option["label"] for option in answer[Overview.layers]["options"]]
    with open_store(accounts) as store:
        view = aggregated_view(store, "mark-2021")
        totals = public_totals(view)
    assert view.period is not None and view.period.key == "all"  # the whole period, not a date of the client's
    # Each a range the shown bands add up to (never a figure of what was left out), and more than nothing.
    assert all(b.low > 0 and b.high > b.low for b in totals.values())

    def written(b) -> str:
        return f"{b.low:,}–{b.high:,}".replace(",", "\u00a0")  # Swedish thousands

    assert labels == [
        f"Otrygga platser ({written(totals['unsafe_places'])})",
        f"Inventerade platser ({written(totals['inventoried_sites'])})",
        f"Insatser och närvaro ({written(totals['operations'])})",
    ]


def test_the_public_overview_says_what_it_shows_and_offers_only_the_public_download(accounts):
    from dashboard.ids import Overview

    from dash_http import find, render_page, texts

    tree = render_page(signed_in_client(accounts, "ulla"), "/", "?pledge=mark-2021")
    assert any(text.startswith("Du ser den offentliga vyn") for text in texts(tree))
    [formats] = find(tree, id=Overview.export_format)
    assert [o["value"] for o in formats["props"]["options"]] == ["html_public"]
    menu = [link["props"]["children"] for link in find(tree, className="pm-nav")[0]["props"]["children"]]
    assert [item["props"]["children"] for item in menu] == ["Översikt", "Alla löften", "Löftet"]


@pytest.mark.parametrize("path", ["/layers", "/sites", "/analysis", "/import", "/surveys"])
def test_a_page_the_public_role_may_not_use_says_so_plainly(accounts, path):
    from dash_http import render_page, texts

    shown = texts(render_page(signed_in_client(accounts, "ulla"), path, "?pledge=mark-2021"))
    assert shown[shown.index("Det här kan du använda:") + 1 :][:3] == ["Översikt", "Alla löften", "Löftet"]
    assert any(text.endswith("är inte tillgänglig för ditt konto") for text in shown)
    assert "Något gick fel" not in " ".join(shown)


def test_a_housing_company_sees_its_sites_and_the_rest_as_the_public_does(accounts):
    from dashboard.ids import Overview

    from dash_http import call_overview_map, overview_map_inputs, render_page, texts

    client = signed_in_client(accounts, "hanna")
    figure = call_overview_map(client, overview_map_inputs())[Overview.map]["figure"]
    roles = {(t["meta"]["layer"], t["meta"]["role"]) for t in figure["data"] if (t.get("meta") or {}).get("layer")}
    assert roles == {("inventoried_sites", "records"), ("unsafe_places", "public"), ("operations", "public")}
    assert "Analys är inte tillgänglig för ditt konto" in texts(render_page(client, "/analysis"))


def test_the_admin_menu_and_map_are_unchanged(accounts):
    from dashboard.ids import Overview

    from dash_http import call_overview_map, find, overview_map_inputs, render_page

    client = signed_in_client(accounts, "ada")
    figure = call_overview_map(client, overview_map_inputs())[Overview.map]["figure"]
    assert not [t for t in figure["data"] if (t.get("meta") or {}).get("role") == "public"]
    from dashboard.components.layout import NAVIGATION

    menu = find(render_page(client, "/", "?pledge=mark-2021"), className="pm-nav")[0]["props"]["children"]
    assert len(menu) == len(NAVIGATION)  # every page, the lägesbild too


# --- the map selection's list (issue 13, item 11) --------------------------------------------------------------


def test_a_large_map_selection_is_sorted_counted_and_bounded(client, demo_copy):
    from dashboard.ids import Overview
    from geodata.store import GeoPackageStore, LayerQuery

    from dash_http import call_callback, texts

    with GeoPackageStore.open(demo_copy) as store:
        places = store.read_layer("unsafe_places", LayerQuery(pledge_id="mark-2021"))
        operations = store.read_layer("operations", LayerQuery(pledge_id="mark-2021", limit=5))
    ids = list(operations["id"]) + list(places["id"])  # in no particular order, as a lasso reports them
    selected = {"points": [{"customdata": [record_id, "x", "y", "z"]} for record_id in ids]}
    shown = call_callback(
        client,
        f"{Overview.selection}.children",
        {f"{Overview.map}.selectedData": selected},
        state={f"{Overview.lang}.data": "sv"},
    )[Overview.selection]["children"]
    heading, _help, region = shown
    total = len(places) + len(operations)
    assert total > 100
    assert texts(heading) == [f"Valda på kartan ({total})"]
    # A region of bounded height that scrolls and takes the keyboard's focus, named by the heading.
    assert region["props"]["role"] == "region" and region["props"]["tabIndex"] == 0
    assert region["props"]["style"]["overflowY"] == "auto" and region["props"]["style"]["maxHeight"]
    assert region["props"]["aria-labelledby"] == heading["props"]["id"]
    rows = region["props"]["children"]["props"]["children"][1]["props"]["children"]
    cells = [texts(row) for row in rows]
    layers = [c[0] for c in cells]
    assert layers == ["Otrygga platser"] * len(places) + ["Insatser och närvaro"] * len(operations)
    days = [c[2] for c in cells if c[0] == "Otrygga platser"]
    assert days == sorted(days, reverse=True)  # newest first
    starts = [c[2] for c in cells if c[0] != "Otrygga platser"]
    assert starts == sorted(starts, reverse=True)


# --- the timeline's pace circles (issue 13, item 11) -------------------------------------------------------


def test_the_pace_circles_have_a_key_and_say_how_many_should_be_done_by_then(client):
    from dashboard.ids import Overview

    from dash_http import call_overview_timeline

    figure = call_overview_timeline(client, "mark-2021")[Overview.timeline]["figure"]
    [pace] = [t for t in figure["data"] if t["meta"]["role"] == "target"]  # Mark 2021: four targeted operations
    assert pace["text"] == [
        "Takt: 1 av 4 borde vara klara 1 april 2021",
        "Takt: 2 av 4 borde vara klara 1 juli 2021",
        "Takt: 3 av 4 borde vara klara 1 oktober 2021",
        "Takt: 4 av 4 borde vara klara 31 december 2021",
    ]
    assert pace["hovertemplate"] == "%{text}<extra></extra>"
    keyed = [t for t in figure["data"] if t.get("showlegend")]
    assert [t["name"] for t in keyed] == ["Takt mot målet (när varje del borde vara klar)"]
    assert figure["layout"]["showlegend"] is True


def test_the_pace_tooltip_is_english_in_english(client):
    from dashboard.ids import Overview

    from dash_http import call_callback

    figure = call_callback(
        client,
        f"{Overview.timeline}.figure",
        {
            f"{Overview.pledge}.value": "mark-2021",
            f"{Overview.promise}.value": "",
            f"{Overview.map}.selectedData": None,
            f"{Overview.width}.data": None,
        },
        state={f"{Overview.lang}.data": "en"},
    )[Overview.timeline]["figure"]
    [pace] = [t for t in figure["data"] if t["meta"]["role"] == "target"]
    assert pace["text"][2] == "Pace: 3 of 4 should be done by 1 October 2021"


def test_every_page_in_the_menu_has_its_roles_decided_in_one_place():
    from dashboard.components.layout import PAGE_NAMES
    from geodata.access import ALL_ROLES, PAGE_ROLES

    assert set(PAGE_NAMES.values()) == set(PAGE_ROLES)
    assert all(set(roles) <= set(ALL_ROLES) for roles in PAGE_ROLES.values())


def test_the_refusal_is_in_the_users_language(accounts):
    from dash_http import render_page, texts

    shown = texts(render_page(signed_in_client(accounts, "ulla"), "/layers", "?lang=en"))
    assert "Layers is not available to your account" in shown
    assert shown[shown.index("What you can use:") + 1 :][:3] == ["Overview", "All pledges", "Pledge"]
