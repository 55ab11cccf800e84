"""Sign-in over HTTP: sessions, the guard in front of every endpoint, and each role's view through crafted requests."""

from __future__ import annotations

import re

import pytest

from dashboard.ids import EditForm, Layers, Overview, Sites
from dashboard.settings import Settings
from geodata.access.accounts import add_user
from geodata.store import GeoPackageStore, LayerQuery

from dash_http import (
    ALL_LAYERS,
    call_callback,
    call_overview_map,
    call_overview_timeline,
    crafted_call,
    find,
    layers_view,
    make_client,
    overview_map_inputs,
    render_page,
    sites_filters,
    texts,
)

ORIGIN = {"Origin": "http://localhost"}
REFUSED = "Ditt konto har inte behörighet till detta. Fråga den som administrerar Pledgemap om du behöver det."
PASSWORD = "en lång lösenfras"
ACCOUNTS = {
    "ada": ("admin", None),
    "pia": ("police", None),
    "mats": ("municipality", None),
    "hanna": ("housing_company", "Marks Bostads AB"),
}


@pytest.fixture
def signed(demo_copy):
    with GeoPackageStore.open(demo_copy) as store:
        for name, (role, organisation) in ACCOUNTS.items():
            add_user(store, name, role, PASSWORD, organisation=organisation)
    return demo_copy


def sign_in_form(client, path="/login"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1), page


def client_for(data, username=None, password=PASSWORD):
    client = make_client(Settings(data=data, tiles_url=None))
    if username:
        token, _ = sign_in_form(client)
        response = client.post(
            "/login", data={"username": username, "password": password, "csrf": token, "next": "/"}, headers=ORIGIN
        )
        assert response.status_code == 302 and response.headers["Location"] == "/", response.get_data(as_text=True)
    return client


def map_records(client, layers=ALL_LAYERS):
    figure = call_overview_map(client, overview_map_inputs("mark-2021", layers))[Overview.map]["figure"]
    ids = {}
    for trace in figure["data"]:
        meta = trace.get("meta") or {}
        if meta.get("role") == "records":
            ids.setdefault(meta["layer"], set()).update(trace.get("ids") or [])
    return ids


def test_without_a_session_nothing_is_served(signed):
    client = client_for(signed)
    page = client.get("/")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=%2F")
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/ogc/collections/unsafe_places/items").status_code == 401
    body = {
        "output": f"{Overview.map}.figure",
        "outputs": {"id": Overview.map, "property": "figure"},
        "inputs": [],
        "state": [],
        "changedPropIds": [],
    }
    assert client.post("/_dash-update-component", json=body, headers=ORIGIN).status_code == 401
    assert client.get("/login").status_code == 200


def test_a_wrong_password_and_a_cross_site_post_change_nothing(signed):
    client = client_for(signed)
    token, _ = sign_in_form(client)
    wrong = client.post(
        "/login", data={"username": "pia", "password": "fel fel fel fel", "csrf": token}, headers=ORIGIN
    )
    assert wrong.status_code == 401 and "Fel användarnamn eller lösenord." in wrong.get_data(as_text=True)
    elsewhere = client.post(
        "/login",
        data={"username": "pia", "password": PASSWORD, "csrf": token},
        headers={"Origin": "https://evil.example"},
    )
    assert elsewhere.status_code == 403
    no_token = client.post("/login", data={"username": "pia", "password": PASSWORD}, headers=ORIGIN)
    assert no_token.status_code == 400
    assert client.get("/").status_code == 302  # still signed out


def test_the_session_cookie_is_http_only_and_same_site(signed):
    client = make_client(Settings(data=signed, tiles_url=None))
    form = client.get("/login")
    cookie = form.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_each_role_gets_only_its_records_from_the_map_callback(signed):
    with GeoPackageStore.open(signed) as store:
        operations = store.read_layer("operations", LayerQuery(pledge_id="mark-2021"))
        sites = store.read_layer("inventoried_sites", LayerQuery(pledge_id="mark-2021"))
    internal = set(operations.loc[operations["visibility"] == "internal", "id"])
    assert internal

    police = map_records(client_for(signed, "pia"))
    assert internal <= police["operations"]

    municipality = map_records(client_for(signed, "mats"))
    assert not internal & municipality["operations"] and municipality["operations"]

    housing = map_records(client_for(signed, "hanna"))
    assert set(housing) == {"inventoried_sites"}
    assert housing["inventoried_sites"] == set(sites.loc[sites["owner"] == "Marks Bostads AB", "id"])


def test_the_header_names_the_account_and_signs_out_with_a_token(signed):
    client = client_for(signed, "mats")
    shown = texts(render_page(client, "/"))
    assert "Inloggad: mats (kommun)" in shown
    [token] = [node["props"]["value"] for node in find(render_page(client, "/"), name="csrf")]
    assert client.post("/logout", data={}, headers=ORIGIN).status_code == 400
    assert client.post("/logout", data={"csrf": token}, headers=ORIGIN).status_code == 302
    assert client.get("/").status_code == 302


def every_response(client, internal_id, other_site_id, a_place_id):
    """The text of every data endpoint's answer, called with crafted payloads that ask for the forbidden records."""

    answers = [str(map_records(client))]
    answers.append(str(call_overview_timeline(client, "mark-2021")))
    for record in (internal_id, other_site_id, a_place_id):
        click = {"points": [{"customdata": [record]}]}
        answers.append(
            str(
                call_callback(
                    client,
                    f"{Overview.details}.children",
                    {f"{Overview.map}.clickData": click},
                    state={f"{Overview.lang}.data": "sv"},
                )
            )
        )
        answers.append(
            str(
                call_callback(
                    client,
                    f"{Overview.selection}.children",
                    {f"{Overview.map}.selectedData": click},
                    state={f"{Overview.lang}.data": "sv"},
                )
            )
        )
    for layer in ALL_LAYERS:
        view = layers_view(layer, record=internal_id)
        answers.append(
            str(
                call_callback(
                    client, f"{Layers.table}.children", {f"{Layers.view}.data": view, f"{Layers.tiles_ok}.data": False}
                )
            )
        )
    answers.append(
        str(
            call_callback(
                client,
                f"{Sites.table}.children",
                sites_filters(),
                state={f"{Sites.lang}.data": "sv"},
            )
        )
    )
    for fmt in ("geojson", "csv", "html", "html_public"):
        answers.append(
            str(
                call_callback(
                    client,
                    f"{Overview.download}.data",
                    {f"{Overview.export}.n_clicks": 1},
                    state={
                        f"{Overview.export_format}.value": fmt,
                        f"{Overview.query}.data": "pledge=mark-2021",
                        f"{Overview.lang}.data": "sv",
                    },
                )
            )
        )
    for layer in ALL_LAYERS:
        answers.append(client.get(f"/ogc/collections/{layer}/items?limit=10000").get_data(as_text=True))
        answers.append(client.get(f"/ogc/collections/{layer}/items/{internal_id}").get_data(as_text=True))
    return "\n".join(answers)


@pytest.mark.parametrize("username", ["mats", "hanna"])
def test_no_endpoint_gives_a_role_what_it_may_not_see(signed, username):
    import base64

    with GeoPackageStore.open(signed) as store:
        operations = store.read_layer("operations", LayerQuery(pledge_id="mark-2021"))
        sites = store.read_layer("inventoried_sites", LayerQuery(pledge_id="mark-2021"))
        places = store.read_layer("unsafe_places", LayerQuery(pledge_id="mark-2021"))
    internal = operations[operations["visibility"] == "internal"]
    other_sites = sites[sites["owner"] != "Marks Bostads AB"]
    asked = internal["id"].iloc[0], other_sites["id"].iloc[0] if len(other_sites) else "none", places["id"].iloc[0]
    text = every_response(client_for(signed, username), *asked)
    # Downloads arrive base64-encoded: decode them into the text searched.
    for blob in re.findall(r"'content': '([A-Za-z0-9+/=]{40,})'", text):
        text += base64.b64decode(blob).decode("utf-8", "replace")
    # The ids the requests asked for may be echoed back (in a 404, in the address); any other forbidden id, or
    # the free text of a forbidden record, is a leak.
    forbidden = set(internal["id"])
    if username == "hanna":
        forbidden |= set(other_sites["id"]) | set(places["id"]) | set(places["description"].dropna())
    leaked = sorted(value for value in forbidden - set(asked) if value and value in text)
    assert leaked == []


def test_asking_for_an_internal_operation_by_id_shows_nothing_to_the_municipality(signed):
    with GeoPackageStore.open(signed) as store:
        operations = store.read_layer("operations")
    internal = operations[operations["visibility"] == "internal"].iloc[0]
    click = {"points": [{"customdata": [internal["id"]]}]}
    for username, shown in (("mats", False), ("pia", True)):
        details = call_callback(
            client_for(signed, username),
            f"{Overview.details}.children",
            {f"{Overview.map}.clickData": click},
            state={f"{Overview.lang}.data": "sv"},
        )[Overview.details]["children"]
        assert ("Insatser och närvaro" in texts(details)) is shown


def test_the_presentation_mode_is_off_until_an_admin_chooses_a_pledge_and_shows_only_the_public_view(signed, capsys):
    from dashboard.cli import main

    anonymous = client_for(signed)
    assert anonymous.get("/present").status_code == 404
    assert main(["present", "--data", str(signed), "--pledge", "mark-2021"]) == 0
    page = anonymous.get("/present")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "Medborgarlöfte Mark 2021" in html and "Demodata" in html
    with GeoPackageStore.open(signed) as store:
        places = store.read_layer("unsafe_places", LayerQuery(pledge_id="mark-2021"))
        operations = store.read_layer("operations", LayerQuery(pledge_id="mark-2021"))
        entries = store.read_audit()
    leaked = [v for v in (*places["description"].dropna(), *places["id"], *operations["id"]) if v in html]
    assert leaked == []
    assert anonymous.get("/").status_code == 302 and anonymous.get("/_dash-layout").status_code == 401
    assert [
        (e.action, e.record_id, e.after) for e in entries if e.action == "setting" and e.record_id != "sign_in"
    ] == [("setting", "presentation_pledge", {"value": "mark-2021"})]
    assert main(["present", "--data", str(signed), "--off"]) == 0
    assert anonymous.get("/present").status_code == 404


def test_forbidden_writes_through_crafted_callbacks_are_refused_and_change_nothing(signed):
    with GeoPackageStore.open(signed) as store:
        before = store.counts()
        operation = store.read_layer("operations", LayerQuery(values=(("visibility", ("internal",)),))).iloc[0]
    view = layers_view("unsafe_places")
    place = {"reported_on": "2021-06-01", "source": "tip", "category": "vandalism", "description": "x"}
    # A housing company adds an unsafe place: refused.
    answer = crafted_call(
        client_for(signed, "hanna"),
        "..new-result",
        {"new-save.n_clicks": 1},
        {f"{Layers.click}.data": {"lon": 12.694, "lat": 57.508}, f"{Layers.view}.data": view},
        place,
        "new-field",
    )
    assert answer.status_code == 200 and REFUSED in str(answer.get_json())
    # The municipality edits, and deletes, an internal operation it cannot see: refused.
    record = {"layer": "operations", "id": operation["id"], "version": int(operation["version"])}
    for clicked in (EditForm.save, EditForm.delete):
        answer = crafted_call(
            client_for(signed, "mats"),
            f"..{EditForm.result}",
            {
                f"{clicked}.n_clicks": 1,
                f"{EditForm.delete}.n_clicks" if clicked == EditForm.save else f"{EditForm.save}.n_clicks": 0,
            },
            {
                f"{EditForm.record}.data": record,
                f"{EditForm.delete_confirm}.value": ["yes"],
                f"{EditForm.move}.value": [],
                f"{Layers.click}.data": None,
                f"{Layers.view}.data": {**view, "layer": "operations"},
            },
            {"title": "Ändrad av kommunen"},
            EditForm.field,
        )
        text = str(answer.get_json())
        assert answer.status_code == 200 and ("Posten finns inte längre" in text or REFUSED in text), text
    with GeoPackageStore.open(signed) as store:
        assert store.counts() == before
        after = store.read_layer("operations", LayerQuery(ids=(operation["id"],))).iloc[0]
        assert (after["title"], after["version"]) == (operation["title"], operation["version"])


# -- the hardening after the security review ----------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example/",
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/\r\nSet-Cookie: x=1",
        "/%0d%0aSet-Cookie:x",
        "javascript:alert(1)",
        "",
    ],
)
def test_sign_in_goes_back_only_to_a_page_of_this_site(signed, target):
    client = client_for(signed)
    token, _ = sign_in_form(client)
    answer = client.post(
        "/login", data={"username": "pia", "password": PASSWORD, "csrf": token, "next": target}, headers=ORIGIN
    )
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location in ("/", "/%0d%0aSet-Cookie:x") and "\n" not in location and "\r" not in location


def test_a_deep_link_survives_signing_in_whole(signed):
    client = client_for(signed)
    wanted = "/layers?pledge=mark-2021&layer=operations&lang=en"
    first = client.get(wanted)
    assert first.status_code == 302
    token, page = sign_in_form(client, first.headers["Location"])
    assert 'name="next" value="/layers?pledge=mark-2021&amp;layer=operations&amp;lang=en"' in page
    answer = client.post(
        "/login", data={"username": "pia", "password": PASSWORD, "csrf": token, "next": wanted}, headers=ORIGIN
    )
    assert answer.headers["Location"] == wanted


def test_three_wrong_passwords_answer_at_once_and_the_fourth_attempt_waits(signed):
    # What README's security section promises: past 3 failures of a name from one address, an attempt waits.
    client = client_for(signed)
    for _attempt in range(3):
        token, _ = sign_in_form(client)
        wrong = client.post(
            "/login", data={"username": "pia", "password": "fel fel fel fel", "csrf": token}, headers=ORIGIN
        )
        assert wrong.status_code == 401 and "Retry-After" not in wrong.headers
        assert "Fel användarnamn eller lösenord." in wrong.get_data(as_text=True)
    token, _ = sign_in_form(client)
    fourth = client.post("/login", data={"username": "pia", "password": PASSWORD, "csrf": token}, headers=ORIGIN)
    assert fourth.status_code == 429 and fourth.headers["Retry-After"] == "2"
    assert client.get("/").status_code == 302  # not signed in, though the password was right


def test_a_sign_in_without_the_forms_token_is_refused(signed):
    client = client_for(signed)  # no page seen yet: the session holds no token, and an empty one must not match it
    answer = client.post("/login", data={"username": "pia", "password": PASSWORD, "csrf": ""}, headers=ORIGIN)
    assert answer.status_code == 400
    assert client.get("/_dash-layout").status_code == 401


def cookie_of(client):
    return client.get_cookie("pledgemap_session").value


def with_cookie(data, value):
    client = client_for(data)
    client.set_cookie("pledgemap_session", value, domain="localhost")
    return client


def test_signing_out_ends_the_session_everywhere_even_for_a_copied_cookie(signed):
    client = client_for(signed, "pia")
    copied = cookie_of(client)
    assert with_cookie(signed, copied).get("/_dash-layout").status_code == 200
    [csrf] = [node["props"]["value"] for node in find(render_page(client, "/"), name="csrf")]
    assert client.post("/logout", data={"csrf": csrf}, headers=ORIGIN).status_code == 302
    assert with_cookie(signed, copied).get("/_dash-layout").status_code == 401


def test_a_new_password_or_removing_the_account_ends_its_sessions(signed, capsys):
    from geodata.access.accounts import remove_user, set_password

    copied = cookie_of(client_for(signed, "pia"))
    with GeoPackageStore.open(signed) as store:
        set_password(store, "pia", "en helt annan lösenfras")
    assert with_cookie(signed, copied).get("/_dash-layout").status_code == 401
    copied = cookie_of(client_for(signed, "pia", "en helt annan lösenfras"))
    with GeoPackageStore.open(signed) as store:
        remove_user(store, "pia")
        add_user(store, "pia", "police", PASSWORD)  # the same name again: a new account, the old cookie stays dead
    assert with_cookie(signed, copied).get("/_dash-layout").status_code == 401


def test_a_session_ends_after_its_hours(signed, monkeypatch):
    import time as _time

    from dashboard import auth

    client = client_for(signed, "pia")
    assert client.get("/_dash-layout").status_code == 200
    later = _time.time() + 10 * 3600 + 60  # Settings' default: ten hours
    monkeypatch.setattr(auth.time, "time", lambda: later)
    assert client.get("/_dash-layout").status_code == 401


def test_open_paths_are_whole_path_segments(signed):
    client = client_for(signed)
    for path in ("/presentation", "/presentx", "/loginx", "/assetsx/pledgemap.css"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login?"), path
    assert client.get("/assets/pledgemap.css").status_code == 200


def test_a_store_without_accounts_answers_only_this_machine(demo_copy):
    client = make_client(Settings(data=demo_copy, tiles_url=None))
    assert client.get("/_dash-layout").status_code == 200
    assert client.get("/_dash-layout", headers={"Host": "127.0.0.1:8050"}).status_code == 200
    # A page on another site whose name was pointed at 127.0.0.1 (DNS rebinding) sends its own host name.
    assert client.get("/_dash-layout", headers={"Host": "rebind.evil.example:8050"}).status_code == 421


def test_serve_refuses_other_addresses_while_the_store_has_no_accounts(demo_copy, capsys):
    from dashboard.cli import main

    assert main(["serve", "--data", str(demo_copy), "--host", "0.0.0.0"]) == 1
    assert "has no accounts" in capsys.readouterr().err


def test_allowed_hosts_and_a_tls_proxy_in_front(signed):
    client = make_client(
        Settings(data=signed, tiles_url=None, allowed_hosts=("pledgemap.polisen.example",), proxy_hops=1)
    )
    assert client.get("/login", headers={"Host": "other.example"}).status_code == 421
    proxied = {
        "Host": "127.0.0.1:8050",
        "X-Forwarded-Host": "pledgemap.polisen.example",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "192.0.2.44",
    }
    page = client.get("/login", headers=proxied).get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    # The browser's Origin is the proxy's public https address; without ProxyFix every POST would be refused.
    answer = client.post(
        "/login",
        data={"username": "pia", "password": PASSWORD, "csrf": token, "next": "/"},
        headers={**proxied, "Origin": "https://pledgemap.polisen.example"},
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


def test_the_public_role_gets_a_clear_refusal_not_an_error_on_the_sites_page(signed):
    with GeoPackageStore.open(signed) as store:
        add_user(store, "ulla", "public", PASSWORD)
    client = client_for(signed, "ulla")
    answer = call_callback(
        client,
        f"{Sites.table}.children",
        sites_filters(),
        state={f"{Sites.lang}.data": "sv"},
    )
    assert REFUSED in texts(answer[Sites.table]["children"])
    # The page itself says plainly that it is not for this account, and where to go instead (no "Något gick fel").
    page = texts(render_page(client, "/sites"))
    assert "Fastigheter är inte tillgänglig för ditt konto" in page
    assert "Något gick fel" not in " ".join(page)
    assert ["Översikt", "Alla löften", "Löftet"] == page[page.index("Det här kan du använda:") + 1 :][:3]


def test_the_secret_that_signs_sessions_must_be_private(demo_copy):
    import os
    import stat

    from dashboard.app import create_app
    from geodata.errors import PledgemapError

    create_app(Settings(data=demo_copy, tiles_url=None))
    secret = demo_copy.parent / f"{demo_copy.name}.secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    os.chmod(secret, 0o644)
    with pytest.raises(PledgemapError, match="readable by it alone"):
        create_app(Settings(data=demo_copy, tiles_url=None))


def test_a_new_store_is_readable_by_its_owner_only(tmp_path):
    import stat

    with GeoPackageStore.create(tmp_path / "new.gpkg"):
        pass
    assert stat.S_IMODE((tmp_path / "new.gpkg").stat().st_mode) == 0o600


def test_a_flood_of_failures_from_the_owners_network_does_not_lock_the_owner_out_of_a_known_browser(signed):
    owner = client_for(signed, "pia")  # signed in before from this browser: it holds a device cookie
    token, _ = sign_in_form(owner)
    owner.post(
        "/logout",
        data={"csrf": [n["props"]["value"] for n in find(render_page(owner, "/"), name="csrf")][0]},
        headers=ORIGIN,
    )
    attacker = client_for(signed)  # the same address (127.0.0.1), no device cookie
    for attempt in range(35):
        token, _ = sign_in_form(attacker)
        attacker.post(
            "/login",
            data={
                "username": f"name{attempt % 3}" if attempt % 2 else "pia",
                "password": "fel fel fel fel",
                "csrf": token,
            },
            headers=ORIGIN,
        )
    token, _ = sign_in_form(attacker)
    refused = attacker.post("/login", data={"username": "pia", "password": PASSWORD, "csrf": token}, headers=ORIGIN)
    assert refused.status_code == 429  # a browser without the cookie waits, as any guesser does
    token, _ = sign_in_form(owner)
    answer = owner.post(
        "/login", data={"username": "pia", "password": PASSWORD, "csrf": token, "next": "/"}, headers=ORIGIN
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


def test_a_store_without_accounts_is_not_served_through_a_proxy(demo_copy):
    client = make_client(Settings(data=demo_copy, tiles_url=None))
    assert client.get("/_dash-layout", headers={"X-Forwarded-For": "192.0.2.1"}).status_code == 421
    proxied = make_client(Settings(data=demo_copy, tiles_url=None, proxy_hops=1))
    assert (
        proxied.get(
            "/_dash-layout", headers={"Host": "rebind.evil.example", "X-Forwarded-Host": "localhost:8050"}
        ).status_code
        == 421
    )


def test_workers_starting_together_share_one_secret(demo_copy):
    import threading

    from dashboard.auth import _secret

    keys, barrier = [], threading.Barrier(8)
    settings = Settings(data=demo_copy, tiles_url=None)

    def start():
        barrier.wait()
        keys.append(_secret(settings))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1 and len(keys[0]) == 64
