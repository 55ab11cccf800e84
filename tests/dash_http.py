"""Calling a running Dash app the way a browser does: plain HTTP against its callback endpoint."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from dashboard.ids import Overview, Sites
from geodata.vocab import (
    PLACE_SAFETY,
    REPORT_SOURCES,
    SITE_STATUSES,
    SITE_TYPES,
    UNSAFE_CATEGORIES,
    WORKLIST_STATUSES,
)

ALL_LAYERS = ("unsafe_places", "inventoried_sites", "operations")


def page_callback_output(client) -> str:
    """The output id of Dash Pages' routing callback, as the app itself declares it."""
    dependencies = client.get("/_dash-dependencies").get_json()
    [routing] = [d for d in dependencies if "_pages_content.children" in d["output"]]
    return routing["output"]


def render_page(client, pathname: str, search: str = "") -> dict[str, Any]:
    """POST the request a browser sends when it opens ``pathname?search``; return the page's component tree."""
    return route_page(client, pathname, search)["_pages_content"]["children"]


def route_page(client, pathname: str, search: str = "") -> dict[str, Any]:
    """The pages router's whole answer for ``pathname?search``: the page's content and the page store (its title)."""
    body = {
        "output": page_callback_output(client),
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
    }
    # As a browser does: its POSTs name the page's origin (the dashboard refuses cross-site POSTs).
    response = client.post("/_dash-update-component", json=body, headers={"Origin": "http://localhost"})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_json()["response"]


def texts(tree: Any) -> list[str]:
    """Every string shown in a component tree, in document order."""
    if isinstance(tree, str):
        return [tree]
    if isinstance(tree, (int, float)):
        return [str(tree)]
    if isinstance(tree, list):
        return [t for item in tree for t in texts(item)]
    if isinstance(tree, dict):
        return texts(tree.get("props", {}).get("children"))
    return []


def props_where(tree: Any, wanted: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    """The props of every component in ``tree`` (looked for in all its props, not only children) that ``wanted`` takes."""
    found = []
    if isinstance(tree, dict):
        props = tree.get("props", {})
        if wanted(props):
            found.append(props)
        for value in props.values():
            found.extend(props_where(value, wanted))
    elif isinstance(tree, list):
        for item in tree:
            found.extend(props_where(item, wanted))
    return found


def find(tree: Any, **props: Any) -> list[dict[str, Any]]:
    """Components whose props include every given prop value."""
    found = []
    if isinstance(tree, list):
        for item in tree:
            found.extend(find(item, **props))
    elif isinstance(tree, dict):
        p = tree.get("props", {})
        if all(p.get(k) == v for k, v in props.items()):
            found.append(tree)
        found.extend(find(p.get("children"), **props))
    return found


def call_callback(
    client, output: str, inputs: dict[str, Any], state: dict[str, Any] | None = None, changed: str | None = None
) -> dict[str, Any]:
    """Call the callback that writes ``output`` ("id.prop") with the given input and state values.

    Inputs and states are given as {"id.prop": value}; every one the callback declares must be given.
    Returns the response's {id: {prop: value}}.
    """
    dependencies = client.get("/_dash-dependencies").get_json()
    # An output several callbacks write is named "id.prop@hash" (allow_duplicate): match it by "id.prop".
    matching = [d for d in dependencies if output in [o.split("@")[0] for o in d["output"].strip(".").split("...")]]
    assert len(matching) == 1, [d["output"] for d in matching]
    [spec] = matching

    def items(declared, values):
        result = []
        for dep in declared:
            key = f"{dep['id']}.{dep['property']}"
            if key not in values:
                raise KeyError(f"the callback for {output} also needs {key}")
            result.append({"id": dep["id"], "property": dep["property"], "value": values[key]})
        return result

    outputs = [
        dict(zip(("id", "property"), o.split("@")[0].rsplit(".", 1))) for o in spec["output"].strip(".").split("...")
    ]
    body = {
        "output": spec["output"],
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": items(spec["inputs"], inputs),
        "state": items(spec["state"], state or {}),
        "changedPropIds": [changed or next(iter(inputs))],
    }
    # As a browser does: its POSTs name the page's origin (the dashboard refuses cross-site POSTs).
    response = client.post("/_dash-update-component", json=body, headers={"Origin": "http://localhost"})
    assert response.status_code in (200, 204), response.get_data(as_text=True)[:3000]
    return {} if response.status_code == 204 else response.get_json()["response"]


def call_matching(
    client, output: str, key: dict[str, Any], inputs: dict[str, Any], state: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Call the pattern-matching (MATCH) callback that writes ``output`` ("type.prop") for the component ``key``
    names ({"subject": "promise", "id": ...}), as a browser does for that one component.

    Inputs and states are given as {"type.prop": value}, each meaning the component of that type with ``key``.
    Returns the response's {id: {prop: value}}, the ids as Dash writes them (JSON).
    """
    import json

    def split(declared: str) -> list[tuple[dict, str, bool]]:
        """(id, property, written by another callback too) of each output; none for an output-less callback."""
        found = []
        for part in declared.strip(".").split("..."):
            if "." not in part:
                continue
            ident, prop = part.split("@")[0].rsplit(".", 1)
            found.append((json.loads(ident) if ident.startswith("{") else {"type": ident}, prop, "@" in part))
        return found

    wanted_type, wanted_prop = output.rsplit(".", 1)
    dependencies = client.get("/_dash-dependencies").get_json()
    [spec] = [
        d
        for d in dependencies
        if any(i.get("type") == wanted_type and p == wanted_prop and not dup for i, p, dup in split(d["output"]))
    ]

    def concrete(ident: dict) -> dict:
        return {**{k: v for k, v in ident.items() if not isinstance(v, list)}, **key}

    def items(declared, values):
        result = []
        for dep in declared:
            ident = json.loads(dep["id"])
            name = f"{ident['type']}.{dep['property']}"
            if name not in values:
                raise KeyError(f"the callback for {output} also needs {name}")
            result.append({"id": concrete(ident), "property": dep["property"], "value": values[name]})
        return result

    ins = items(spec["inputs"], inputs)
    first = ins[0]
    outputs = [{"id": concrete(i), "property": p} for i, p, _ in split(spec["output"])]
    body = {
        "output": spec["output"],
        # As a browser sends them: one output alone, not in a list (Dash reads a list as a multi-output).
        "outputs": outputs if len(outputs) != 1 else outputs[0],
        "inputs": ins,
        "state": items(spec["state"], state or {}),
        "changedPropIds": [json.dumps(first["id"], sort_keys=True, separators=(",", ":")) + "." + first["property"]],
    }
    response = client.post("/_dash-update-component", json=body, headers={"Origin": "http://localhost"})
    assert response.status_code in (200, 204), response.get_data(as_text=True)[:3000]
    return {} if response.status_code == 204 else response.get_json()["response"]


def make_client(settings):
    """A test client of a new app, primed with one request.

    Dash moves the callbacks that page modules register into an app on its
    first request; an app that never serves one leaves them behind for the
    next app made in the same process, which would then hold them twice.
    """
    from dashboard.app import create_app

    client = create_app(settings).server.test_client()
    client.get("/_dash-dependencies")
    return client


# The passphrase the tests give every account they add.
PASSWORD = "en lång lösenfras"


def signed_in_client(data, username: str, password: str = PASSWORD, settings=None):
    """A test client of the app over the store ``data`` (or with ``settings``), signed in as ``username`` through
    the sign-in form."""
    import re

    from dashboard.settings import Settings

    client = make_client(settings or Settings(data=data, tiles_url=None))
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    answer = client.post(
        "/login",
        data={"username": username, "password": password, "csrf": token, "next": "/"},
        headers={"Origin": "http://localhost"},
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client


def overview_map_inputs(pledge: str = "mark-2021", layers=ALL_LAYERS) -> dict[str, Any]:
    """The inputs of the overview map's callback with ``layers`` shown and every other filter open."""
    return {
        f"{Overview.pledge}.value": pledge,
        f"{Overview.promise}.value": "",
        f"{Overview.start}.value": None,
        f"{Overview.end}.value": None,
        f"{Overview.layers}.value": list(layers),
        f"{Overview.categories}.value": list(UNSAFE_CATEGORIES),
        f"{Overview.sources}.value": list(REPORT_SOURCES),
        f"{Overview.statuses}.value": list(SITE_STATUSES),
        f"{Overview.safeties}.value": list(PLACE_SAFETY),
        f"{Overview.period}.value": "all",  # the public periods' choice, for the layers a role sees only counted
        f"{Overview.basemap}.value": [],
        f"{Overview.map}.relayoutData": None,
        f"{Overview.timeline}.selectedData": None,
        f"{Overview.width}.data": None,  # the map's width in the browser: not known, as on the first draw
    }


def call_overview_map(client, inputs: dict[str, Any], changed: str | None = None, follows=None) -> dict[str, Any]:
    """Call the overview map's callback in Swedish; ``follows`` is the page's map-follows-view store. Given, the
    graph holds the figure of these inputs' view (as after the page drew it); None, no figure has been drawn."""
    drawn = None if follows is None else overview_drawn_view(inputs)
    return call_callback(
        client,
        f"{Overview.map}.figure",
        inputs,
        state={
            f"{Overview.lang}.data": "sv",
            f"{Overview.map_follows}.data": follows,
            f"{Overview.map_drawn}.data": drawn,
        },
        changed=changed,
    )


def overview_drawn_view(inputs: dict[str, Any]) -> str:
    """The view the overview map's figure is drawn from, for the map callback's ``inputs`` (the page's own rule)."""
    from dashboard.pages.overview import FILTER_INPUTS, drawn_view, map_request

    filters = tuple(inputs[f"{i.component_id}.{i.component_property}"] for i in FILTER_INPUTS)
    request = map_request(
        filters,
        inputs[f"{Overview.basemap}.value"],
        inputs[f"{Overview.map}.relayoutData"],
        inputs[f"{Overview.timeline}.selectedData"],
        inputs[f"{Overview.width}.data"],
        "sv",
    )
    return drawn_view(request)


def call_overview_timeline(client, pledge: str = "mark-2021") -> dict[str, Any]:
    """Call the overview timeline's callback for a whole pledge (no promise, no map selection), in Swedish."""
    return call_callback(
        client,
        f"{Overview.timeline}.figure",
        {
            f"{Overview.pledge}.value": pledge,
            f"{Overview.promise}.value": "",
            f"{Overview.map}.selectedData": None,
            f"{Overview.width}.data": None,
        },
        state={f"{Overview.lang}.data": "sv"},
    )


def layers_view(layer: str, record: str | None = None, pledge: str = "mark-2021") -> dict[str, Any]:
    """The layers page's view store: one layer of a pledge, on its first page, unsearched, unsorted, in Swedish."""
    return {
        "pledge": pledge,
        "layer": layer,
        "q": "",
        "sort": None,
        "desc": False,
        "page": 1,
        "record": record,
        "lang": "sv",
    }


def sites_filters(
    types=SITE_TYPES, statuses=WORKLIST_STATUSES, overdue=(), pledge: str = "mark-2021", **more: Any
) -> dict[str, Any]:
    """The sites page's state (the input of its table, details and download callbacks), by default as the page
    opens: every type, the worklist statuses (nothing ticked would list no site at all); ``more`` sets the rest of
    :class:`~dashboard.state.sites.SitesState` (``sort``, ``page``, ``record`` …)."""
    from dashboard.state.sites import SitesState

    state = SitesState(pledge, types=tuple(types), statuses=tuple(statuses), overdue=bool(overdue), **more)
    return {f"{Sites.view}.data": state.to_dict()}


def before_after_state(pledge: str, operation: str, lang: str = "sv") -> dict[str, Any]:
    """The Analys before-and-after's state for ``operation`` of ``pledge``: 90 days, a 500 m buffer, every category."""
    from dashboard.ids import Analysis

    return {
        f"{Analysis.pledge}.value": pledge,
        f"{Analysis.target}.value": "operation",
        f"{Analysis.operation}.value": operation,
        f"{Analysis.promise}.value": None,
        f"{Analysis.date}.value": None,
        f"{Analysis.days}.value": 90,
        f"{Analysis.buffer}.value": 500,
        f"{Analysis.categories}.value": list(UNSAFE_CATEGORIES),
        f"{Analysis.lang}.data": lang,
    }


def run_before_after(client, pledge: str = "molndal-2018", lang: str = "sv") -> tuple[dict[str, Any], dict[str, Any]]:
    """Choose ``pledge`` on the Analys page and run the before-and-after of its first operation, as the page's run
    button does: the answer of the pledge's choice (its operations, its goals) and the answer of the run."""
    from dashboard.ids import Analysis

    choices = call_callback(
        client,
        f"{Analysis.operation}.options",
        {f"{Analysis.pledge}.value": pledge},
        state={f"{Analysis.lang}.data": lang},
    )
    operation = choices[Analysis.operation]["options"][0]["value"]
    effect = call_callback(
        client,
        f"{Analysis.effect}.children",
        {f"{Analysis.run}.n_clicks": 1, f"{Analysis.drawn}.data": None},
        state=before_after_state(pledge, operation, lang),
    )
    return choices, effect


def analysis_inputs(mode: str = "gi", pledge: str = "molndal-2018", permutations: int = 999) -> dict[str, Any]:
    """The Analys map callback's inputs for ``pledge`` in ``mode``: every category, the whole period."""
    from dashboard.ids import Analysis

    return {
        f"{Analysis.pledge}.value": pledge,
        f"{Analysis.start}.value": None,
        f"{Analysis.end}.value": None,
        f"{Analysis.categories}.value": list(UNSAFE_CATEGORIES),
        f"{Analysis.mode}.value": mode,
        f"{Analysis.cell}.value": "auto",
        f"{Analysis.rings}.value": 1,
        f"{Analysis.permutations}.value": permutations,
        f"{Analysis.fdr}.value": ["fdr"],
        f"{Analysis.zoom}.data": None,
    }


def crafted_call(client, output_prefix: str, inputs: dict, state: dict, fields: dict, pattern: str):
    """Call the callback whose output starts with ``output_prefix`` as a browser would, pattern states included."""
    [spec] = [d for d in client.get("/_dash-dependencies").get_json() if d["output"].startswith(output_prefix)]

    def value_of(dep):
        key = dep["id"]
        if key.startswith("{"):
            ids = [{"name": name, "type": pattern} for name in fields]
            return [
                {"id": i, "property": dep["property"], "value": fields[i["name"]] if dep["property"] == "value" else i}
                for i in ids
            ]
        return {"id": key, "property": dep["property"], "value": {**inputs, **state}[f"{key}.{dep['property']}"]}

    outputs = [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in spec["output"].strip(".").split("...")]
    body = {
        "output": spec["output"],
        "outputs": outputs,
        "inputs": [value_of(d) for d in spec["inputs"]],
        "state": [value_of(d) for d in spec["state"]],
        "changedPropIds": [next(iter(inputs))],
    }
    return client.post(
        "/_dash-update-component",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Origin": "http://localhost"},
    )
