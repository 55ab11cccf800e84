"""The first layout carries the page asked for (dashboard/address.py, dashboard/app.py first_layout).

Dash's pages draw a page in a routing callback after the browser has an empty layout. Pledgemap's first layout
holds the page itself when the request's referrer and the page's cookie agree on its address, and the overview's
first map is in it, drawn for the window's size; the browser then asks the server for the map only when the user
changes something (or the graph is not the size assumed).
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

from dashboard.figures.map import assumed_map_size
from dashboard.ids import Overview, Regional

from dash_http import call_overview_map, find, overview_map_inputs, render_page, texts

WINDOW = "1366x768"


def first_layout(client, address: str | None, cookie: str | None = None, window: str | None = WINDOW) -> dict:
    """The app's layout as the browser asks for it from a page at ``address`` (its cookie naming ``cookie``)."""
    client.delete_cookie("pledgemap_page")
    client.delete_cookie("pledgemap_window")
    told = address if cookie is None else cookie
    if told:
        client.set_cookie("pledgemap_page", quote(told, safe=""))
    if window:
        client.set_cookie("pledgemap_window", window)
    headers = {"Referer": f"http://localhost{address}"} if address else {}
    response = client.get("/_dash-layout", headers=headers)
    assert response.status_code == 200
    return response.get_json()


def page_content(layout: dict):
    [content] = find(layout, id="_pages_content")
    return content["props"].get("children")


@pytest.mark.parametrize(
    "path, search",
    [("/", "?pledge=mark-2021"), ("/", "?pledge=molndal-2018&lang=en"), ("/layers", ""), ("/pledge", "?lang=en")],
)
def test_the_first_layout_holds_the_page_the_router_would_draw(client, path, search):
    layout = first_layout(client, path + search)
    [location] = find(layout, id="_pages_location")
    assert location["props"]["pathname"] == path and location["props"]["search"] == search
    # Every prop given, so the location component sets none when it mounts and the router is not called.
    assert location["props"]["hash"] == "" and location["props"]["href"] == f"http://localhost{path}{search}"
    assert texts(page_content(layout)) == texts(render_page(client, path, search))
    assert texts(page_content(layout))  # a page, not an empty container


def test_the_first_layout_speaks_the_language_of_the_page_not_of_the_layout_request(client):
    english = texts(page_content(first_layout(client, "/layers?lang=en")))
    swedish = texts(page_content(first_layout(client, "/layers")))
    assert "Layers" in english and "Lager" in swedish and "Layers" not in swedish


@pytest.mark.parametrize(
    "address, cookie",
    [
        ("/layers", None),  # no cookie at all (set below by passing "")
        ("/", None),  # nor for the landing page, which a referrer cut to the origin reads as
        ("/layers", "/sites"),  # another tab loaded at the same moment
        ("/layers?lang=en", "/layers"),  # the same page in another language
        (None, "/layers"),  # a proxy that strips referrers
    ],
)
def test_without_two_agreeing_witnesses_the_router_draws_the_page(client, address, cookie):
    layout = first_layout(client, address, cookie="" if cookie is None else cookie)
    assert page_content(layout) is None
    [location] = find(layout, id="_pages_location")
    assert location["props"].get("pathname") is None  # set by the browser when it mounts: the router is called


def test_a_referrer_from_another_site_is_not_followed(client):
    client.set_cookie("pledgemap_page", quote("/layers", safe=""))
    response = client.get("/_dash-layout", headers={"Referer": "http://elsewhere.example/layers"})
    assert page_content(response.get_json()) is None


def test_the_overview_layout_holds_the_first_map_drawn_for_the_window(client):
    layout = first_layout(client, "/?pledge=mark-2021")
    [graph] = find(layout, id=Overview.map)
    [size] = find(layout, id=Overview.width)
    assumed = assumed_map_size((1366, 768))
    assert size["props"]["data"]["width"] == assumed.width and size["props"]["data"]["assumed"] is True
    # The same figure the map's callback draws for the same view at that size.
    inputs = {**overview_map_inputs("mark-2021"), f"{Overview.width}.data": size["props"]["data"]}
    answered = call_overview_map(client, inputs)[Overview.map]["figure"]
    figure = graph["props"]["figure"]
    assert [t.get("name") for t in figure["data"]] == [t.get("name") for t in answered["data"]]
    assert figure["layout"]["map"]["zoom"] == answered["layout"]["map"]["zoom"]
    assert sum(len(t.get("lat") or []) for t in figure["data"]) > 100  # Mark's records, not an empty map
    [follows] = find(layout, id=Overview.map_follows)
    assert follows["props"]["data"] is False  # points: a pan redraws nothing


def test_without_the_windows_size_the_first_map_is_fitted_for_a_phone_and_nothing_is_assumed(client):
    layout = first_layout(client, "/?pledge=mark-2021", window=None)
    [size] = find(layout, id=Overview.width)
    assert size["props"].get("data") is None  # graph_size measures the graph, and the map is drawn again
    [graph] = find(layout, id=Overview.map)
    assert graph["props"]["figure"]["data"]


def test_the_assumed_sizes_follow_the_pages_css_at_the_four_screens():
    # Measured in Chromium (offsetWidth × offsetHeight of the overview's map before it grows for a phone's legend).
    measured = {(1920, 1080): (1359, 691), (1366, 768): (943, 492), (1280, 720): (857, 461), (390, 844): (363, 540)}
    for window, (width, height) in measured.items():
        assumed = assumed_map_size(window)
        assert (assumed.width, assumed.height) == (width, height), window
    assert assumed_map_size(None).store({"layout": {}}) is None


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(1920, 1080), (1366, 768), (1280, 720), (390, 844)])
def test_in_the_browser_the_first_map_comes_with_the_page_and_no_map_callback_is_made(tmp_path, width, height):
    from browser import browser_page, serving

    data = tmp_path / "pledgemap.gpkg"
    with serving(data, env={"PLEDGEMAP_TILES": "none"}) as url, browser_page(width, height) as (page, console):
        asked: list[dict] = []  # each callback request's body, and whether its answer drew the map

        def answered(response) -> None:
            if "/_dash-update-component" in response.url:
                answer = response.json() if response.status == 200 else {}
                drew = "figure" in (answer.get("response") or {}).get(Overview.map, {})
                asked.append({**json.loads(response.request.post_data or "{}"), "drew": drew})

        page.on("response", answered)
        page.goto(f"{url}?pledge=mark-2021")
        page.wait_for_function(
            f"() => {{ const g = document.querySelector('#{Overview.map} .js-plotly-plot');"
            " return g && g.data && g.data.some(t => t.meta && t.meta.role === 'records'); }",
            timeout=60_000,
        )
        page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=30_000)
        page.wait_for_timeout(800)

        def map_drawn() -> list[list[str]]:
            """The triggers of each call of the map's callback that answered with a map."""
            return [body["changedPropIds"] for body in asked if body["drew"]]

        assert asked, "no callback seen: the listener sees nothing"
        assert not [body for body in asked if "_pages_content" in body["output"]], "the page came from the router"
        # The graph reports its first layout and Dash may name the size store kept as assumed: both are answered
        # without a map. Nothing draws the map again.
        assert map_drawn() == [], map_drawn()
        measured = page.evaluate(f"() => [document.getElementById('{Overview.map}').offsetWidth, window.innerWidth]")
        assert abs(measured[0] - assumed_map_size((width, height)).width) <= 0.1 * measured[0]
        # A filter still redraws the map: the callback is there, only not called for the first paint.
        page.get_by_label(re.compile("^Inventerade platser")).uncheck()
        page.wait_for_function(
            f"() => !document.querySelector('#{Overview.map} .js-plotly-plot').data"
            ".some(t => t.meta && t.meta.layer === 'inventoried_sites')",
            timeout=30_000,
        )
        page.wait_for_timeout(300)
        assert [f"{Overview.layers}.value"] in map_drawn()
        assert not console.errors


def test_the_overview_of_every_pledge_comes_with_both_its_maps(client):
    layout = first_layout(client, "/alla")
    [states] = find(layout, id=Regional.map)
    [grid] = find(layout, id=Regional.grid)
    [size] = find(layout, id=Regional.width)
    [drawn] = find(layout, id=Regional.grid_drawn)
    assert [t["type"] for t in states["props"]["figure"]["data"]][:1] == ["choroplethmap"]
    assert grid["props"]["figure"]["data"] and drawn["props"]["data"]  # the grid's view, for moves to patch
    assert size["props"]["data"]["height"] == round(0.70 * 768) and size["props"]["data"]["assumed"] is True
    [legend] = find(layout, id=Regional.map_legend)
    assert texts(legend)  # the states' words under the map


@pytest.mark.browser
@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_in_the_browser_the_overview_of_every_pledge_draws_its_maps_from_the_layout(tmp_path, width, height):
    from browser import browser_page, serving

    with (
        serving(tmp_path / "pledgemap.gpkg", env={"PLEDGEMAP_TILES": "none"}) as url,
        browser_page(width, height) as (page, console),
    ):
        drew: list[str] = []

        def answered(response) -> None:
            if "/_dash-update-component" in response.url and response.status == 200:
                drew.extend(
                    f"{name}.{prop}"
                    for name, props in (response.json().get("response") or {}).items()
                    for prop in props
                    if name in (Regional.map, Regional.grid)
                )

        page.on("response", answered)
        page.goto(f"{url}alla")
        page.wait_for_function(
            "() => ['" + Regional.map + "', '" + Regional.grid + "'].every(id => {"
            " const g = document.querySelector('#' + id + ' .js-plotly-plot');"
            " return g && g._fullLayout && g._fullLayout.map && g.data.length; })",
            timeout=60_000,
        )
        page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=30_000)
        page.wait_for_timeout(800)
        assert drew == [], drew
        assert not console.errors


@pytest.mark.parametrize("asked", ["/?pledge=", "/?pledge=gone", "/?pledge=mark-2021&promise=gone"])
def test_the_overviews_address_names_the_pledge_shown_not_the_one_asked_for(client, asked):
    # The address bar and the menu's links follow the query store (remember_view): a pledge that is not there, or
    # the menu's "newest pledge" link, must leave the pledge shown in the address.
    [query] = find(first_layout(client, asked), id=Overview.query)
    assert query["props"]["data"] == "pledge=mark-2021"


def test_a_workers_first_request_draws_no_page_before_the_sign_in_guard_has_let_it_through(demo_copy, monkeypatch):
    # Dash checks the layout on an app's first request before the app's request functions (the sign-in guard) run:
    # a forged first layout request from someone not signed in must not have the page drawn for it.
    import dash

    from dashboard.app import create_app
    from dashboard.settings import Settings
    from geodata import GeoPackageStore
    from geodata.access.accounts import add_user

    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "polis", "police", "ett långt lösenord 12")
    app = create_app(Settings(data=demo_copy, tiles_url=None))  # registers the pages; serves nothing yet
    drawn: list[str] = []
    [overview] = [p for p in dash.page_registry.values() if p["path"] == "/"]
    real = overview["layout"]

    def spy(**query):
        drawn.append(query.get("pledge", ""))
        return real(**query)

    monkeypatch.setitem(overview, "layout", spy)
    client = app.server.test_client()
    client.set_cookie("pledgemap_page", quote("/?pledge=mark-2021", safe=""))
    response = client.get("/_dash-layout", headers={"Referer": "http://localhost/?pledge=mark-2021"})
    assert response.status_code == 401
    assert drawn == []


def test_a_move_that_follows_a_dropped_call_draws_what_the_dropped_call_would_have(client):
    # Dash drops a still running call when a newer one starts: a promise chosen just before the graph reports its
    # first layout (or a pan right after a filter) leaves a move as the only call answered. It must draw the
    # promise's map, not say that nothing changed because the points do not follow a pan.
    from dash_http import call_callback, overview_drawn_view

    shown = overview_map_inputs("mark-2021")
    chosen = {**shown, f"{Overview.promise}.value": "mark-2021-riktade-insatser"}

    def moved(held: dict) -> dict:
        return call_callback(
            client,
            f"{Overview.map}.figure",
            chosen,
            state={
                f"{Overview.lang}.data": "sv",
                f"{Overview.map_follows}.data": False,
                f"{Overview.map_drawn}.data": overview_drawn_view(held),
            },
            changed=f"{Overview.map}.relayoutData",
        )

    answer = moved(shown)  # the graph still holds the map of all promises
    assert any(t.get("meta", {}).get("role") == "highlight" for t in answer[Overview.map]["figure"]["data"])
    assert Overview.map not in moved(chosen)  # it holds the promise's map: a move asks for nothing
