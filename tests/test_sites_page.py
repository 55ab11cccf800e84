"""The caretaker's Fastigheter page over HTTP: a site's details and workflow on the page itself, saving where one
was, only the steps the domain allows, a chosen inspection day, the downloaded worklist, and Swedish order."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json

import pytest

from dashboard.components.problems import field_label
from dashboard.ids import Layers, Sites, SitesWorkflowForm
from geodata import clock
from geodata.layers import LAYERS
from geodata.store import GeoPackageStore, LayerQuery
from geodata.workflow import advance

from builders import frame, site
from dash_http import call_callback, find, layers_view, sites_filters, texts

ORIGIN = {"Origin": "http://localhost"}
CHECKS = {
    "check_lighting": "critical",
    "check_access": "remark",
    "check_sightlines": "ok",
    "check_litter": "ok",
    "check_hangout": "ok",
}


def demo_sites(path, **values):
    with GeoPackageStore.open(path) as gpkg:
        sites = gpkg.read_layer("inventoried_sites", LayerQuery(pledge_id="mark-2021"))
    for name, value in values.items():
        sites = sites[sites[name] == value]
    return sites


def walked_to_verified(path) -> str:
    """A flagged demo site taken through every step, each with what it records; its id."""
    site_id = demo_sites(path, status="flagged").iloc[0]["id"]
    with GeoPackageStore.open(path) as gpkg:
        advance(gpkg, site_id, "inspected", {**CHECKS, "inspection_comment": "Lampan i källargången är trasig"}, 1)
        advance(
            gpkg,
            site_id,
            "action_planned",
            {"measure": "Byt armatur", "responsible": "Fastighetsskötare Ali", "due_on": "2030-05-01"},
            2,
        )
        advance(gpkg, site_id, "fixed", {"fixed_on": "2026-01-12"}, 3, today=dt.date(2026, 1, 20))
        advance(gpkg, site_id, "verified", {"verified_on": "2026-01-19"}, 4, today=dt.date(2026, 1, 20))
    return site_id


def site_panel(client, **state) -> list:
    response = call_callback(
        client, f"{Sites.details}.children", sites_filters(**state), state={f"{Sites.shown}.data": None}
    )
    return response[Sites.details]["children"]


def test_a_sites_details_show_every_field_the_workflow_stored_on_both_pages(client, demo_copy):
    site_id = walked_to_verified(demo_copy)
    layers = " | ".join(
        texts(
            call_callback(
                client,
                f"{Layers.table}.children",
                {
                    f"{Layers.view}.data": layers_view("inventoried_sites", record=site_id),
                    f"{Layers.tiles_ok}.data": False,
                },
            )[Layers.details]["children"]
        )
    )
    sites = " | ".join(texts(site_panel(client, statuses=("verified",), record=site_id)))
    for shown in (layers, sites):
        for expected in (
            "Ansvarig | Fastighetsskötare Ali",
            "Kommentar från inspektionen | Lampan i källargången är trasig",
            "Åtgärd | Byt armatur",
            "Klart senast | 2030-05-01",
            "Åtgärdad den | 2026-01-12",
            "Verifierad den | 2026-01-19",
            f"Inspekterad den | {clock.today():%Y-%m-%d}",
            "Belysning | Allvarlig brist",
            "Lås och tillträde | Anmärkning",
        ):
            assert expected in shown, expected
        # Every field a site stores has its line (the link to a promise is shown as the promise's text).
        for field in LAYERS["inventoried_sites"].fields:
            if field.name != "promise_id":
                assert f"{field_label('sv', field.name)} | " in shown, field.name


def test_visa_opens_the_site_with_its_workflow_on_the_sites_page(client, demo_copy):
    flagged = demo_sites(demo_copy, status="flagged").iloc[0]
    view = sites_filters()[f"{Sites.view}.data"]
    shown = demo_sites(demo_copy).query("status in ('flagged', 'inspected', 'action_planned')")["id"]
    row = {"id": flagged["id"], "type": f"{Sites.prefix}-row"}
    rows = [({"id": i, "type": f"{Sites.prefix}-row"}, {"n_clicks": 1 if i == flagged["id"] else None}) for i in shown]
    chosen = press(
        client,
        f"{Sites.view}.data",
        {
            f"{Sites.pledge}.value": "mark-2021",
            f"{Sites.owners}.value": [],
            f"{Sites.types}.value": list(view["types"]),
            f"{Sites.statuses}.value": list(view["statuses"]),
            f"{Sites.due}.value": None,
            f"{Sites.overdue}.value": [],
            f"{Sites.prefix}-prev.n_clicks": None,
            f"{Sites.prefix}-next.n_clicks": None,
            f"{Sites.view}.data": view,
        },
        {f"{Sites.prefix}-row": rows},
        json.dumps(row, sort_keys=True, separators=(",", ":")) + ".n_clicks",
    )[Sites.view]["data"]
    assert chosen["record"] == flagged["id"] and chosen["page"] == view["page"]
    panel = site_panel(client, record=chosen["record"])
    assert flagged["address"] in texts(panel)
    [steps] = find(panel, id=SitesWorkflowForm.step)
    assert [o["value"] for o in steps["props"]["options"]] == ["inspected"]
    # The table marks the chosen site, and the URL keeps it.
    # On whichever page of the list the site is, that page marks it.
    for number in range(1, 20):
        table = call_callback(client, f"{Sites.table}.children", sites_filters(record=flagged["id"], page=number))
        if find(table[Sites.table]["children"], className="pm-row-selected"):
            break
    else:
        raise AssertionError("no page of the list marks the chosen site")
    assert f"record={flagged['id']}" in table[Sites.query]["data"]


def press(client, output: str, values: dict, patterns: dict, changed: str) -> dict:
    """Call the callback that writes ``output`` as a browser does: ``values`` by "id.prop", pattern inputs and states
    by their type (``patterns``: type → [(the component's id, {prop: value})]); ``changed`` is what was pressed."""
    # The callback that writes ``output`` as its own (not as another's allow_duplicate output "id.prop@hash").
    [spec] = [d for d in client.get("/_dash-dependencies").get_json() if output in d["output"].strip(".").split("...")]

    def value_of(dep):
        if dep["id"].startswith("{"):
            kind = json.loads(dep["id"])["type"]
            return [
                {"id": i, "property": dep["property"], "value": props.get(dep["property"], i)}
                for i, props in patterns.get(kind, [])
            ]
        return {"id": dep["id"], "property": dep["property"], "value": values[f"{dep['id']}.{dep['property']}"]}

    outputs = [
        dict(zip(("id", "property"), o.split("@")[0].rsplit(".", 1))) for o in spec["output"].strip(".").split("...")
    ]
    body = {
        "output": spec["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [value_of(d) for d in spec["inputs"]],
        "state": [value_of(d) for d in spec["state"]],
        "changedPropIds": [changed],
    }
    answer = client.post("/_dash-update-component", json=body, headers=ORIGIN)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:2000]
    return answer.get_json()["response"]


def save_step(client, step: str, site_id: str, version: int, values: dict, view: dict) -> dict:
    """Press "Spara steget" as a browser does, with the step's fields as the form holds them."""
    fields = [({"type": SitesWorkflowForm.field, "name": name}, {"value": value}) for name, value in values.items()]
    return press(
        client,
        f"{SitesWorkflowForm.result}.children",
        {
            f"{SitesWorkflowForm.save}.n_clicks": 1,
            f"{SitesWorkflowForm.step}.value": step,
            f"{SitesWorkflowForm.site}.data": {"id": site_id, "version": version},
            f"{Sites.view}.data": view,
        },
        {SitesWorkflowForm.field: fields},
        f"{SitesWorkflowForm.save}.n_clicks",
    )


def test_a_saved_step_keeps_the_page_the_sort_and_the_chosen_site(client, demo_copy):
    everything = ("flagged", "inspected", "action_planned", "fixed", "verified")
    flagged = demo_sites(demo_copy, status="flagged").iloc[0]
    view = sites_filters(statuses=everything, sort="address", desc=True, page=2, record=flagged["id"])[
        f"{Sites.view}.data"
    ]
    answer = save_step(
        client, "inspected", flagged["id"], int(flagged["version"]), {**CHECKS, "inspected_on": "2026-01-05"}, view
    )
    after = answer[Sites.view]["data"]
    assert {k: after[k] for k in ("page", "sort", "desc", "record")} == {
        "page": 2,
        "sort": "address",
        "desc": True,
        "record": flagged["id"],
    }
    assert after["saved"] == 1 and "Sparat" in " ".join(texts(answer[Sites.notice]["children"]))
    table = call_callback(client, f"{Sites.table}.children", {f"{Sites.view}.data": after})
    assert "Sida 2 av" in " ".join(texts(table[Sites.table]["children"]))
    assert "page=2" in table[Sites.query]["data"] and "sort=address&desc=1" in table[Sites.query]["data"]
    stored = demo_sites(demo_copy, id=flagged["id"]).iloc[0]
    assert stored["status"] == "inspected" and stored["inspected_on"].date() == dt.date(2026, 1, 5)


def test_verification_is_not_offered_while_a_critical_finding_is_open_and_refused_by_name(client, demo_copy):
    flagged = demo_sites(demo_copy, status="flagged").iloc[0]
    with GeoPackageStore.open(demo_copy) as gpkg:
        advance(gpkg, flagged["id"], "inspected", CHECKS, int(flagged["version"]))
    panel = site_panel(client, statuses=("inspected",), record=flagged["id"])
    [steps] = find(panel, id=SitesWorkflowForm.step)
    assert [o["value"] for o in steps["props"]["options"]] == ["action_planned"]
    # A form opened before the inspection, or a crafted request, asks anyway: a clear refusal, not "Något gick fel".
    view = sites_filters(record=flagged["id"])[f"{Sites.view}.data"]
    answer = save_step(client, "verified", flagged["id"], int(flagged["version"]) + 1, {}, view)
    said = " ".join(texts(answer[SitesWorkflowForm.result]["children"]))
    assert "Något gick fel" not in said
    assert (
        said.startswith("Steget sparades inte: ")
        and "Status: inspektionen hittade allvarliga brister (Belysning)" in said
    )


def test_the_inspection_day_is_today_unless_chosen_and_never_a_day_to_come(client, demo_copy):
    flagged = demo_sites(demo_copy, status="flagged").iloc[0]
    panel = site_panel(client, record=flagged["id"])
    [day] = find(panel, id={"type": SitesWorkflowForm.field, "name": "inspected_on"})
    today = clock.today().isoformat()
    assert (day["props"]["type"], day["props"]["value"], day["props"]["max"]) == ("date", today, today)
    assert "Inspekterad den" in texts(panel)
    view = sites_filters(record=flagged["id"])[f"{Sites.view}.data"]
    later = (clock.today() + dt.timedelta(days=3)).isoformat()
    answer = save_step(
        client, "inspected", flagged["id"], int(flagged["version"]), {**CHECKS, "inspected_on": later}, view
    )
    said = " ".join(texts(answer[SitesWorkflowForm.result]["children"]))
    assert f"Inspekterad den: är {later}, efter dagens datum ({today})" in said
    assert demo_sites(demo_copy, id=flagged["id"]).iloc[0]["status"] == "flagged"


def download(client, fmt: str, **state) -> bytes:
    sent = call_callback(
        client,
        f"{Sites.file}.data",
        {f"{Sites.download}.n_clicks": 1},
        state={f"{Sites.download_format}.value": fmt, **sites_filters(**state)},
    )[Sites.file]["data"]
    return base64.b64decode(sent["content"])


def test_the_downloaded_worklist_has_the_findings_the_comment_the_responsible_and_real_dates(client, demo_copy):
    import pandas as pd
    from openpyxl import load_workbook

    site_id = walked_to_verified(demo_copy)
    statuses = ("verified",)
    sheet = load_workbook(io.BytesIO(download(client, "xlsx", statuses=statuses))).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    for name in (
        "Belysning",
        "Lås och tillträde",
        "Sikt och vegetation",
        "Nedskräpning och skadegörelse",
        "Spår av tillhåll",
        "Kommentar från inspektionen",
        "Ansvarig",
        "Inspekterad den",
        "Klart senast",
        "Åtgärdad den",
        "Verifierad den",
    ):
        assert name in header, name
    rows = [dict(zip(header, (c for c in r))) for r in sheet.iter_rows(min_row=2)]
    address = demo_sites(demo_copy, id=site_id).iloc[0]["address"]
    [row] = [r for r in rows if r["Adress"].value == address]
    assert row["Belysning"].value == "Allvarlig brist" and row["Lås och tillträde"].value == "Anmärkning"
    assert row["Kommentar från inspektionen"].value == "Lampan i källargången är trasig"
    assert row["Ansvarig"].value == "Fastighetsskötare Ali" and row["Status"].value == "Verifierad"
    for name, day in (("Åtgärdad den", "2026-01-12"), ("Verifierad den", "2026-01-19"), ("Klart senast", "2030-05-01")):
        cell = row[name]
        assert cell.is_date and cell.value.date() == dt.date.fromisoformat(day), name
        assert cell.number_format == "yyyy-mm-dd"

    text = download(client, "csv", statuses=statuses).decode("utf-8-sig")
    table = pd.read_csv(io.StringIO(text), sep=";", dtype=str)
    [line] = table[table["Adress"] == address].to_dict("records")
    assert (line["Belysning"], line["Åtgärdad den"], line["Verifierad den"]) == (
        "Allvarlig brist",
        "2026-01-12",
        "2026-01-19",
    )
    assert line["Ansvarig"] == "Fastighetsskötare Ali"


def test_names_sort_in_swedish_order_on_the_sites_page(client, demo_copy):
    from geodata.views.worklist import owners

    with GeoPackageStore.open(demo_copy) as gpkg:
        gpkg.write_batch(
            "inventoried_sites",
            frame(
                *(
                    site(owner=owner, address=address, promise_id="mark-2021-kallare-vindar")
                    for owner, address in (
                        ("Ängens Bostäder", "Ängsvägen 2"),
                        ("Zeta Fastigheter", "Zetavägen 1"),
                        ("Åby Hem", "Åbyvägen 3"),
                        ("Öjans Hus", "östra gatan 4"),
                        ("ABC Bo", "Avägen 5"),
                    )
                )
            ),
        )
        listed = owners(gpkg)
    assert listed.index("Zeta Fastigheter") < listed.index("Åby Hem") < listed.index("Ängens Bostäder")
    assert listed.index("Ängens Bostäder") < listed.index("Öjans Hus") and listed[0] == "ABC Bo"
    chosen = ("Ängens Bostäder", "Zeta Fastigheter", "Åby Hem", "Öjans Hus", "ABC Bo")
    for sort_key, label, expected in (
        ("address", "Adress", ["Avägen 5", "Zetavägen 1", "Åbyvägen 3", "Ängsvägen 2", "östra gatan 4"]),
        ("owner", "Ägare", ["ABC Bo", "Zeta Fastigheter", "Åby Hem", "Ängens Bostäder", "Öjans Hus"]),
    ):
        table = call_callback(client, f"{Sites.table}.children", sites_filters(owners=chosen, sort=sort_key))
        cells = find(table[Sites.table]["children"], **{"data-label": label})
        assert [texts(c)[0] for c in cells] == expected
    # The owners filter lists them in the same order.
    options = call_callback(client, f"{Sites.owners}.options", {f"{Sites.pledge}.value": "mark-2021"})
    names = [o["value"] for o in options[Sites.owners]["options"]]
    assert (
        names.index("Zeta Fastigheter")
        < names.index("Åby Hem")
        < names.index("Ängens Bostäder")
        < names.index("Öjans Hus")
    )


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_sites_state_round_trips_through_its_link(lang):
    from dashboard.state.sites import SitesState

    state = SitesState(
        "mark-2021", ("Zeta",), ("park",), ("flagged",), dt.date(2026, 1, 2), True, lang, "owner", True, 3, "abc"
    )
    query = dict(pair.split("=", 1) for pair in state.to_query().split("&"))
    assert SitesState.from_query(query) == state
    assert SitesState.from_dict(json.loads(json.dumps(state.to_dict()))) == state
