"""The Lager page opened on a record from a link (the overview's, the worklist's: ``?record=``): it opens on the
record's page of the table, and a save there (a workflow step, an edit) keeps that page, the sort and the record."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from test_sites_page import CHECKS, press

from dashboard.components.tables import PAGE_SIZE, layer_columns, sort
from dashboard.i18n import translator
from dashboard.ids import EditForm, Layers, WorkflowForm
from dashboard.state.table import TableState
from geodata.store import GeoPackageStore, LayerQuery

from dash_http import call_callback, find, render_page, texts


def sites_in_order(path, sort_by=None, desc=False):
    """The Mark 2021 sites in the order the Lager table lists them (sorted as asked)."""
    with GeoPackageStore.open(path) as gpkg:
        sites = gpkg.read_layer("inventoried_sites", LayerQuery(pledge_id="mark-2021"))
    columns = layer_columns("inventoried_sites", translator("sv"))
    return sort(sites.drop(columns="geometry"), sort_by, desc, columns)


def opened(client, search: str) -> dict:
    """The view store of the Lager page as a link opens it."""
    [store] = find(render_page(client, "/layers", search), id=Layers.view)
    return store["props"]["data"]


def drawn(client, view: dict) -> dict:
    """The table, details and address the page draws for ``view`` after the view store changed (a save, a click)."""
    return call_callback(
        client,
        f"{Layers.table}.children",
        {f"{Layers.view}.data": view, f"{Layers.tiles_ok}.data": False},
        changed=f"{Layers.view}.data",
    )


def far_site(path, sort_by=None, desc=False):
    """A site past the table's first page that has a next workflow step (not yet verified), and its page."""
    ordered = sites_in_order(path, sort_by, desc).reset_index(drop=True)
    candidates = ordered[(ordered.index >= PAGE_SIZE) & (ordered["status"] == "flagged")]
    site = candidates.iloc[0]
    return site, int(candidates.index[0]) // PAGE_SIZE + 1


@pytest.mark.parametrize("sort_by, desc", [(None, False), ("address", True)])
def test_a_record_opened_from_a_link_keeps_its_page_sort_and_selection_after_a_workflow_step(
    client, demo_copy, sort_by, desc
):
    site, page = far_site(demo_copy, sort_by, desc)
    assert page > 1
    order = f"&sort={sort_by}&desc=1" if sort_by else ""
    view = opened(client, f"?pledge=mark-2021&layer=inventoried_sites{order}&record={site['id']}")
    # The page's own state knows the page the record is on, from the start.
    assert (view["page"], view["record"], view["sort"], view["desc"]) == (page, site["id"], sort_by, desc)

    answer = press(
        client,
        f"{WorkflowForm.result}.children",
        {
            f"{WorkflowForm.save}.n_clicks": 1,
            f"{WorkflowForm.step}.value": "inspected",
            f"{WorkflowForm.site}.data": {"id": site["id"], "version": int(site["version"])},
            f"{Layers.view}.data": view,
        },
        {WorkflowForm.field: [({"type": WorkflowForm.field, "name": k}, {"value": v}) for k, v in CHECKS.items()]},
        f"{WorkflowForm.save}.n_clicks",
    )
    after = answer[Layers.view]["data"]
    assert "Sparat" in " ".join(texts(answer[Layers.notice]["children"]))
    assert {k: after[k] for k in ("page", "sort", "desc", "record")} == {
        "page": page,
        "sort": sort_by,
        "desc": desc,
        "record": site["id"],
    }
    shown = drawn(client, after)
    table = shown[Layers.table]["children"]
    assert f"Sida {page} av" in " ".join(texts(table))
    [selected] = find(table, className="pm-row-selected")
    assert site["address"] in texts(selected)
    query = parse_qs(shown[Layers.query]["data"])
    assert query["page"] == [str(page)] and query["record"] == [site["id"]]
    assert site["address"] in texts(shown[Layers.details]["children"])


def test_a_record_opened_from_a_link_keeps_its_page_after_an_edit(client, demo_copy):
    site, page = far_site(demo_copy)
    view = opened(client, f"?pledge=mark-2021&layer=inventoried_sites&record={site['id']}")
    answer = press(
        client,
        f"{EditForm.result}.children",
        {
            f"{EditForm.save}.n_clicks": 1,
            f"{EditForm.delete}.n_clicks": None,
            f"{EditForm.record}.data": {
                "layer": "inventoried_sites",
                "id": site["id"],
                "version": int(site["version"]),
            },
            f"{EditForm.delete_confirm}.value": [],
            f"{EditForm.move}.value": [],
            f"{Layers.click}.data": None,
            f"{Layers.view}.data": view,
        },
        {EditForm.field: [({"type": EditForm.field, "name": "measure"}, {"value": "Byt lampa i källaren"})]},
        f"{EditForm.save}.n_clicks",
    )
    after = answer[Layers.view]["data"]
    assert (after["page"], after["record"]) == (page, site["id"])
    shown = drawn(client, after)
    assert f"Sida {page} av" in " ".join(texts(shown[Layers.table]["children"]))
    assert "Byt lampa i källaren" in texts(shown[Layers.details]["children"])


def test_a_link_that_names_its_page_keeps_it_and_paging_away_is_the_users_own(client, demo_copy):
    site, page = far_site(demo_copy)
    asked = opened(client, f"?pledge=mark-2021&layer=inventoried_sites&page=1&record={site['id']}")
    assert (asked["page"], asked["record"]) == (1, site["id"])  # a page the address names (the page's own, copied)
    view = opened(client, f"?pledge=mark-2021&layer=inventoried_sites&record={site['id']}")
    paged = drawn(client, {**view, "page": 1})
    assert "Sida 1 av" in " ".join(texts(paged[Layers.table]["children"]))
    assert site["address"] in texts(paged[Layers.details]["children"])  # still chosen


def test_the_table_state_counts_saves_out_of_the_address():
    saved = TableState.from_dict({**TableState(pledge="mark-2021", page=3, record="x").to_dict(), "saved": 2})
    assert saved.saved == 2 and TableState.from_dict(saved.to_dict()) == saved
    assert saved.to_query() == "pledge=mark-2021&page=3&record=x"


# Each choice's words and its button, measured in the page: [words left of button's right edge?, same line?].
BESIDE = """(selector) => [...document.querySelectorAll(selector)].map(label => {
    const button = label.querySelector('input').getBoundingClientRect();
    const words = label.querySelector('.dash-options-list-option-text').getBoundingClientRect();
    const middle = words.top + words.height / 2;
    return {text: label.innerText.trim(), beside: words.left >= button.right,
            sameLine: middle >= button.top - 2 && middle <= button.bottom + 2, height: label.getBoundingClientRect().height};
})"""


@pytest.mark.browser
def test_the_forms_choices_sit_beside_their_buttons_and_the_sites_page_keeps_its_phone_targets(demo_copy):
    from browser import SCREENSHOTS, axe_violations, browser_page, serving

    site, _ = far_site(demo_copy)
    with serving(demo_copy, env={"PLEDGEMAP_TILES": "none"}) as url:
        for width, height in ((1366, 768), (390, 844)):
            with browser_page(width, height) as (page, console):
                page.goto(url + f"layers?pledge=mark-2021&layer=inventoried_sites&record={site['id']}")
                page.locator(".pm-workflow .pm-radios label").first.wait_for()
                page.locator(".pm-edit summary").first.click()
                choices = page.evaluate(BESIDE, ".pm-workflow .pm-radios label, .pm-edit .pm-radios label")
                assert len(choices) > 3 and {c["text"] for c in choices} >= {"Inspekterad", "Källare"}
                assert [c for c in choices if not (c["beside"] and c["sameLine"])] == [], width
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.locator(".pm-workflow").scroll_into_view_if_needed()
                page.screenshot(path=SCREENSHOTS / f"layers-workflow-{width}.png")
                assert axe_violations(page) == []

                page.goto(url + f"sites?pledge=mark-2021&record={site['id']}")
                page.locator(".pm-sites-panel .pm-workflow .pm-radios label").first.wait_for()
                steps = page.evaluate(BESIDE, ".pm-sites-panel .pm-workflow .pm-radios label")
                assert steps and all(c["beside"] and c["sameLine"] for c in steps)
                if width <= 700:  # a caretaker's finger: 44 px targets on a phone, as before
                    assert all(c["height"] >= 44 for c in steps), steps
                assert console.errors == []
