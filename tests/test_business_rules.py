"""Who may change a pledge's figures, per role: links to promises, the workflow's steps, the demo flag, unique ids.

Every write is crafted twice: straight against the guarded store (on a GeoPackage file and on PostGIS), and as
the HTTP requests a browser would send to the dashboard's callbacks. Each forbidden combination is refused and
changes nothing; each allowed one is written.
"""

from __future__ import annotations

import inspect

import pytest

from dashboard.components.edit_form import NEW
from dashboard.ids import EditForm, Layers
from geodata.access import rules
from geodata.access.accounts import add_user
from geodata.access.rules import ACTIONS, ALL_ROLES, PUBLIC_VIEWER, AccessError, Viewer, WriteRefused
from geodata.errors import ValidationError
from geodata.io import commit_file, plan_file
from geodata.shipped import shipped_pledges
from geodata.steps import CHECK_FIELDS
from geodata.store import GeoPackageStore, LayerQuery
from geodata.workflow import advance

from builders import frame, new_site, operation, unsafe_place
from dash_http import crafted_call, find, layers_view, signed_in_client

MARK, MOLNDAL = "mark-2021", "molndal-2018"
MBAB = "Marks Bostads AB"
VIEWERS = {
    "admin": Viewer("admin", "ada"),
    "police": Viewer("police", "pia", "Lokalpolisområde Borås"),
    "municipality": Viewer("municipality", "mats", "Mark"),
    "housing_company": Viewer("housing_company", "hanna", MBAB),
    "public": PUBLIC_VIEWER,
}
# What each layer's records link to: a promise (or pledge) of Mark's pledge the account's organisation is a party
# to ("own"), one of Mark's it is not a party to ("partner": the housing company is a partner of Mark's pledge,
# but not responsible for the police's promise), and Mölndal's ("foreign").
LINKS = {
    "unsafe_places": {"own": MARK, "partner": MARK, "foreign": MOLNDAL},
    "inventoried_sites": {
        "own": "mark-2021-kallare-vindar",
        "partner": "mark-2021-narvaro",
        "foreign": "molndal-2018-inventering-platser",
    },
    "operations": {
        "own": "mark-2021-riktade-insatser",
        "partner": "mark-2021-narvaro",
        "foreign": "molndal-2018-riktade-insatser",
    },
}
WRITES = {  # the layers each role writes
    "admin": set(LINKS),
    "police": set(LINKS),
    "municipality": {"unsafe_places", "inventoried_sites"},
    "housing_company": {"inventoried_sites"},
    "public": set(),
}
# The links each role may give a record of a layer it writes (None: no link).
LINKABLE = {
    "admin": {None, "own", "partner", "foreign"},
    "police": {None, "own", "partner"},
    "municipality": {None, "own", "partner"},
    "housing_company": {None, "own"},
    "public": set(),
}
INSPECTED = {"inspected_on": "2021-04-01", **{name: "ok" for name in CHECK_FIELDS}}
PLANNED = {"measure": "Byta lås", "responsible": "Ali Berg", "due_on": "2021-06-01"}


def record(layer: str, link: str | None = None, **values):
    """A new record of ``layer`` linked to ``link`` (a key of :data:`LINKS`, or none): a site is MBAB's, flagged."""
    target = LINKS[layer][link] if link else None
    if layer == "unsafe_places":
        return unsafe_place(pledge_id=target, **values)
    if layer == "inventoried_sites":
        return new_site(owner=MBAB, promise_id=target, **values)
    return operation(promise_id=target, **values)


@pytest.fixture
def pledged(store):
    """The store fixture with Mark's and Mölndal's shipped pledges."""
    for pledge in shipped_pledges():
        if pledge.id in (MARK, MOLNDAL):
            store.save_pledge(pledge)
    return store


def state(store):
    """What a refused write must leave as it was: every layer's records (deleted ones too) and the audit log."""
    return {
        (layer, deleted): sorted(
            map(tuple, store.read_layer(layer, LayerQuery(deleted=deleted)).drop(columns="geometry").astype(str).values)
        )
        for layer in LINKS
        for deleted in (False, True)
    } | {"audit": len(store.read_audit())}


def attempt(store, write, *args) -> Exception | None:
    """Run ``write(*args)``; the refusal it met (the store checked unchanged), or None when it was written."""
    before = state(store)
    try:
        write(*args)
    except (AccessError, ValidationError) as refusal:
        assert state(store) == before, "a refused write changed the store"
        return refusal
    return None


def codes(refusal: Exception | None) -> set[str]:
    return {p.code for p in getattr(refusal, "problems", [])}


# -- the table --------------------------------------------------------------------------------------------------


def test_the_role_action_table_is_the_one_the_module_documents():
    """The docstring's table is the table: the same scope for every role and action, and nothing more."""
    lines = [line.split() for line in inspect.getdoc(rules).splitlines()]
    header = next(i for i, words in enumerate(lines) if words[:1] == ["action"])
    documented = {}
    for words in lines[header + 2 :]:
        if words and set(words[0]) == {"="}:
            break
        documented[words[0]] = dict(zip(ALL_ROLES, words[1:]))
    assert set(ACTIONS) == set(ALL_ROLES)
    actions = {a for scopes in ACTIONS.values() for a in scopes}
    assert set(documented) == actions
    for action, row in documented.items():
        for role, shown in row.items():
            assert ACTIONS[role].get(action, "–") == shown, (action, role)
    assert {s for scopes in ACTIONS.values() for s in scopes.values()} <= {"all", "public", "partner", "own"}


# -- links to promises ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(VIEWERS))
def test_a_record_links_only_to_a_promise_of_a_pledge_the_account_writes_for(pledged, role):
    guarded = rules_store(pledged, role)
    for layer in LINKS:
        for link in (None, "own", "partner", "foreign"):
            refusal = attempt(pledged, guarded.write_batch, layer, frame(record(layer, link)))
            allowed = layer in WRITES[role] and link in LINKABLE[role]
            assert (refusal is None) is allowed, (role, layer, link, refusal)
            if layer in WRITES[role] and not allowed:
                assert isinstance(refusal, WriteRefused)
                [problem] = refusal.problems
                assert problem.field == ("pledge_id" if layer == "unsafe_places" else "promise_id")
                assert problem.code in ("link_not_own", "link_not_partner")
                assert problem.params["value"] == LINKS[layer][link] and "record 1" in problem.record


@pytest.mark.parametrize("role", list(VIEWERS))
def test_a_record_linked_to_a_pledge_the_account_does_not_write_for_is_neither_edited_nor_deleted_nor_relinked(
    pledged, role
):
    admin = rules_store(pledged, "admin")
    guarded = rules_store(pledged, role)
    for layer in WRITES[role] or {"inventoried_sites"}:
        [foreign] = admin.write_batch(layer, frame(record(layer, "foreign")))
        [own] = admin.write_batch(layer, frame(record(layer, "own")))
        field = "pledge_id" if layer == "unsafe_places" else "promise_id"
        text = "title" if layer == "operations" else "address" if layer == "inventoried_sites" else "description"
        may_foreign = "foreign" in LINKABLE[role]
        edited = attempt(pledged, guarded.update_record, layer, foreign, {text: "Ändrad"}, 1)
        assert (edited is None) is may_foreign, (role, layer, edited)
        relinked = attempt(pledged, guarded.update_record, layer, own, {field: LINKS[layer]["foreign"]}, 1)
        assert (relinked is None) is may_foreign, (role, layer, relinked)
        deleted = attempt(pledged, guarded.delete_record, layer, foreign, 2 if may_foreign else 1)
        assert (deleted is None) is may_foreign, (role, layer, deleted)


def test_a_housing_companys_progress_figure_of_another_municipality_stays_as_it_was(pledged):
    import datetime as dt

    from geodata.views.progress import pledge_progress

    molndal = pledged.get_pledge(MOLNDAL)
    rules_store(pledged, "admin").write_batch("inventoried_sites", frame(record("inventoried_sites", "foreign")))
    before = [p.delivered for p in pledge_progress(pledged, molndal, dt.date(2019, 1, 31))]
    guarded = rules_store(pledged, "housing_company")
    for status in ("flagged", "verified"):
        with pytest.raises(WriteRefused):
            guarded.write_batch(
                "inventoried_sites",
                frame(record("inventoried_sites", "foreign", status=status, **INSPECTED, verified_on="2018-06-01")),
            )
    assert [p.delivered for p in pledge_progress(pledged, molndal, dt.date(2019, 1, 31))] == before


# -- the workflow's steps ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(VIEWERS))
def test_a_new_site_starts_flagged_unless_an_import_brings_every_earlier_steps_fields(pledged, role):
    guarded = rules_store(pledged, role)
    writes = "inventoried_sites" in WRITES[role]
    brings = role in ("admin", "municipality")
    cases = {
        "flagged": (record("inventoried_sites"), writes),
        "verified, every step's fields": (
            record("inventoried_sites", status="verified", **INSPECTED, verified_on="2021-04-02"),
            writes and brings,
        ),
        "fixed, every step's fields": (
            record(
                "inventoried_sites",
                status="fixed",
                **{**INSPECTED, "check_lighting": "critical"},
                **PLANNED,
                fixed_on="2021-05-02",
            ),
            writes and brings,
        ),
        "verified with a critical finding and no measure": (
            record(
                "inventoried_sites",
                status="verified",
                **{**INSPECTED, "check_lighting": "critical"},
                verified_on="2021-04-02",
            ),
            False,
        ),
        "action planned, nobody responsible": (
            record("inventoried_sites", status="action_planned", **INSPECTED, **{**PLANNED, "responsible": None}),
            False,
        ),
    }
    for case, (values, allowed) in cases.items():
        refusal = attempt(pledged, guarded.write_batch, "inventoried_sites", frame(values))
        assert (refusal is None) is allowed, (role, case, refusal)
        if writes and not allowed:
            assert codes(refusal) == {"step_fields_missing" if brings else "status_not_first"}, (role, case)
    if writes and brings:
        unplanned = cases["action planned, nobody responsible"][0]
        [problem] = attempt(pledged, guarded.write_batch, "inventoried_sites", frame(unplanned)).problems
        assert problem.params["fields"] == ("responsible",) and problem.field == "status"


@pytest.mark.parametrize("role", list(VIEWERS))
def test_an_edit_moves_a_site_only_by_the_next_step_and_keeps_what_each_step_recorded(pledged, role):
    [site_id] = rules_store(pledged, "admin").write_batch("inventoried_sites", frame(record("inventoried_sites")))
    guarded = rules_store(pledged, role)
    writes = "inventoried_sites" in WRITES[role]

    def update(changes, version):
        return attempt(pledged, guarded.update_record, "inventoried_sites", site_id, changes, version)

    jumped = update({"status": "verified", **INSPECTED, "verified_on": "2021-04-02"}, 1)
    assert jumped is not None and (codes(jumped) == {"wrong_step"} or not writes)
    if not writes:
        assert not isinstance(jumped, WriteRefused)
        return
    assert update({"status": "inspected", **INSPECTED, "check_lighting": "critical"}, 1) is None
    assert codes(update({"status": "verified", "verified_on": "2021-04-02"}, 2)) == {"critical_open"}
    assert codes(update({"status": "action_planned", "measure": "Byta lampa"}, 2)) == {"step_fields_missing"}
    assert update({"status": "action_planned", **PLANNED}, 2) is None
    assert codes(update({"status": "verified"}, 3)) == {"wrong_step"}
    advance(guarded, site_id, "fixed", {}, 3)
    # A fixed site keeps its measure: an edit that empties it is refused, one that rewords it is not.
    assert codes(update({"measure": None}, 4)) == {"step_fields_missing"}
    assert update({"measure": "Byta lampa och lås"}, 4) is None
    verified = advance(guarded, site_id, "verified", {}, 5)
    assert verified["status"] == "verified"


def test_an_edit_of_a_verified_site_cannot_add_a_critical_finding_without_a_measure(pledged):
    admin = rules_store(pledged, "admin")
    [site_id] = admin.write_batch(
        "inventoried_sites",
        frame(record("inventoried_sites", status="verified", **INSPECTED, measure=None, verified_on="2021-04-02")),
    )
    for role in ("admin", "police", "municipality", "housing_company"):
        guarded = rules_store(pledged, role)
        refusal = attempt(
            pledged, guarded.update_record, "inventoried_sites", site_id, {"check_lighting": "critical"}, 1
        )
        assert codes(refusal) == {"step_fields_missing"}, role
        assert set(refusal.problems[0].params["fields"]) == {"measure", "responsible", "due_on", "fixed_on"}


# -- the demo flag ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(VIEWERS))
def test_only_an_admin_marks_records_as_demo_or_unmarks_them(pledged, role):
    admin = rules_store(pledged, "admin")
    guarded = rules_store(pledged, role)
    is_admin = role == "admin"
    for layer in WRITES[role] or {"inventoried_sites"}:
        created = attempt(pledged, guarded.write_batch, layer, frame(record(layer, demo=True)))
        assert (created is None) is is_admin, (role, layer, created)
        if layer in WRITES[role] and not is_admin:
            assert codes(created) == {"demo_admin_only"}
        [real] = admin.write_batch(layer, frame(record(layer)))
        [demo] = admin.write_batch(layer, frame(record(layer, demo=True)))
        marked = attempt(pledged, guarded.update_record, layer, real, {"demo": True}, 1)
        assert (marked is None) is is_admin, (role, layer, marked)
        unmarked = attempt(pledged, guarded.update_record, layer, demo, {"demo": False}, 1)
        assert (unmarked is None) is is_admin, (role, layer, unmarked)
        if layer in WRITES[role] and not is_admin:
            text = "title" if layer == "operations" else "address" if layer == "inventoried_sites" else "description"
            # A demo record is still edited like any other; only its flag is the admin's.
            assert attempt(pledged, guarded.update_record, layer, demo, {text: "Ändrad"}, 1) is None


# -- unique ids -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "police", "raw store"])
def test_a_new_record_never_takes_an_id_a_record_of_any_layer_holds(pledged, role):
    writer = pledged if role == "raw store" else rules_store(pledged, role)
    [place] = writer.write_batch("unsafe_places", frame(record("unsafe_places")))
    [gone] = writer.write_batch("operations", frame(record("operations")))
    writer.delete_record("operations", gone, 1)
    for layer in ("inventoried_sites", "operations"):
        refusal = attempt(pledged, writer.write_batch, layer, frame(record(layer, id=place)))
        assert codes(refusal) == {"id_in_other_layer"} and refusal.problems[0].params == {"layer": "unsafe_places"}
    refusal = attempt(pledged, writer.write_batch, "inventoried_sites", frame(record("inventoried_sites", id=gone)))
    assert codes(refusal) == {"id_in_other_layer"}, "a deleted record's id stays its own"
    assert codes(attempt(pledged, writer.write_batch, "unsafe_places", frame(record("unsafe_places", id=place)))) == {
        "id_taken"
    }
    shared = "6f1c1b55-8d1e-4f7a-9f56-5b1d2c3e4a10"
    both = {
        "unsafe_places": frame(record("unsafe_places", id=shared)),
        "operations": frame(record("operations", id=shared)),
    }
    assert codes(attempt(pledged, writer.write_batches, both)) == {"id_in_other_layer"}


@pytest.mark.parametrize("role", ["municipality", "housing_company"])
def test_a_role_that_does_not_read_every_record_gets_a_new_id_for_one_another_layer_holds(pledged, role):
    [internal] = pledged.write_batch("operations", frame(record("operations")))
    [new_id] = rules_store(pledged, role).write_batch(
        "inventoried_sites", frame(record("inventoried_sites", id=internal))
    )
    assert new_id != internal
    assert len(pledged.read_layer("operations", LayerQuery(ids=(internal,)))) == 1


# -- imports ----------------------------------------------------------------------------------------------------


def write_sites_csv(path, rows):
    import csv

    fields = [
        "site_type",
        "owner",
        "status",
        "promise_id",
        "lat",
        "lon",
        *INSPECTED,
        *PLANNED,
        "fixed_on",
        "verified_on",
    ]
    with path.open("w", newline="", encoding="utf-8") as file:
        out = csv.DictWriter(file, fields)
        out.writeheader()
        for i, row in enumerate(rows):
            out.writerow({"site_type": "basement", "owner": MBAB, "lat": 57.508, "lon": 12.695 + 0.002 * i, **row})
    return path


@pytest.mark.parametrize("role", ["admin", "police", "municipality", "housing_company"])
def test_an_import_brings_sites_past_the_first_step_only_for_admins_and_municipalities_with_every_steps_fields(
    pledged, tmp_path, role
):
    guarded = rules_store(pledged, role)
    path = write_sites_csv(
        tmp_path / "platser.csv",
        [
            {"status": "flagged", "promise_id": LINKS["inventoried_sites"]["own"]},
            {"status": "verified", **INSPECTED, "verified_on": "2021-04-03"},
            {"status": "fixed", **INSPECTED, "check_lighting": "critical", **PLANNED},  # no fixed_on
            {"status": "flagged", "promise_id": LINKS["inventoried_sites"]["foreign"]},
        ],
    )
    planned = plan_file(guarded, path, "inventoried_sites")
    [plan] = planned.layers
    outcome = {i: (o.status, {p.code for p in o.problems}) for i, o in enumerate(plan.outcomes)}
    brings = role in ("admin", "municipality")
    assert outcome[0] == ("ok", set())
    assert outcome[1] == (("ok", set()) if brings else ("rejected", {"status_not_first"}))
    assert outcome[2] == ("rejected", {"step_fields_missing" if brings else "status_not_first"})
    linked = {"admin": set(), "police": {"link_not_partner"}, "municipality": {"link_not_partner"}}
    expected = linked.get(role, {"link_not_own"})
    assert outcome[3] == (("ok", set()) if not expected else ("rejected", expected)), role
    [result] = commit_file(guarded, planned, partial=True).layers
    assert len(result.written) == (3 if role == "admin" else 2 if brings else 1)


# -- through the dashboard, as crafted HTTP requests --------------------------------------------------------------

ACCOUNTS = {
    "ada": ("admin", None),
    "pia": ("police", None),
    "mats": ("municipality", "Mark"),
    "molly": ("municipality", "Mölndal"),
    "hanna": ("housing_company", MBAB),
}


@pytest.fixture
def signed(demo_copy):
    with GeoPackageStore.open(demo_copy) as store:
        for name, (role, organisation) in ACCOUNTS.items():
            add_user(store, name, role, "en lång lösenfras", organisation=organisation)
    return demo_copy


def new_record_request(client, layer: str, fields: dict, pledge: str = MARK):
    """The new-record form's save, as a browser posts it: ``fields`` are the form's inputs (any name a crafted
    request gives), at a click in Kinna."""
    answer = crafted_call(
        client,
        f"..{NEW.result}",
        {f"{NEW.save}.n_clicks": 1},
        {
            f"{Layers.click}.data": {"lon": 12.694, "lat": 57.508},
            f"{Layers.view}.data": layers_view(layer, pledge=pledge),
        },
        fields,
        NEW.field,
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return str(answer.get_json())


def edit_request(client, layer: str, record_id: str, version: int, fields: dict):
    answer = crafted_call(
        client,
        f"..{EditForm.result}",
        {f"{EditForm.save}.n_clicks": 1, f"{EditForm.delete}.n_clicks": 0},
        {
            f"{EditForm.record}.data": {"layer": layer, "id": record_id, "version": version},
            f"{EditForm.delete_confirm}.value": [],
            f"{EditForm.move}.value": [],
            f"{Layers.click}.data": None,
            f"{Layers.view}.data": layers_view(layer),
        },
        fields,
        EditForm.field,
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return str(answer.get_json())


SITE = {"site_type": "basement", "owner": MBAB, "address": "Storgatan 9, Kinna"}
PLACE = {"reported_on": "2021-06-01", "source": "tip", "category": "vandalism", "description": "Klotter"}
ADDED = "Posten är tillagd."


def counted(data):
    with GeoPackageStore.open(data) as store:
        return {layer: store.count(layer) + store.count(layer, LayerQuery(deleted=True)) for layer in LINKS}


def test_the_new_record_callback_refuses_each_forbidden_write_by_name_and_stores_the_allowed_ones(signed):
    before = counted(signed)
    hanna = signed_in_client(signed, "hanna")
    refusals = {
        "Mölndal's promise": {**SITE, "promise_id": LINKS["inventoried_sites"]["foreign"], "status": "flagged"},
        "a promise of the police": {**SITE, "promise_id": LINKS["inventoried_sites"]["partner"], "status": "flagged"},
        "straight to verified": {
            **SITE,
            "status": "verified",
            "check_lighting": "critical",
            "inspected_on": "2021-04-01",
        },
        "marked as demo": {**SITE, "demo": True},
    }
    words = {
        "Mölndal's promise": "men din organisation ansvarar inte för det löftet",
        "a promise of the police": "men din organisation ansvarar inte för det löftet",
        "straight to verified": "en ny plats börjar som ”Flaggad”",
        "marked as demo": "bara en administratör markerar poster som demodata",
    }
    for case, fields in refusals.items():
        text = new_record_request(hanna, "inventoried_sites", fields)
        assert words[case] in text and ADDED not in text, (case, text)
    assert "Löftespunkt" in new_record_request(hanna, "inventoried_sites", refusals["Mölndal's promise"])
    molly = signed_in_client(signed, "molly")
    text = new_record_request(molly, "unsafe_places", {**PLACE, "pledge_id": MARK})
    assert "som din organisation inte är part i" in text and ADDED not in text
    assert counted(signed) == before
    # The allowed ones: the company's own promise, a flagged site; Mölndal's stad on its own pledge.
    assert ADDED in new_record_request(
        hanna, "inventoried_sites", {**SITE, "promise_id": LINKS["inventoried_sites"]["own"]}
    )
    assert ADDED in new_record_request(molly, "unsafe_places", {**PLACE, "pledge_id": MOLNDAL}, pledge=MOLNDAL)
    mats = signed_in_client(signed, "mats")
    full = {**SITE, "status": "verified", **INSPECTED, "verified_on": "2021-04-02"}
    assert ADDED in new_record_request(mats, "inventoried_sites", full)
    assert counted(signed) == {
        **before,
        "unsafe_places": before["unsafe_places"] + 1,
        "inventoried_sites": before["inventoried_sites"] + 2,
    }
    with GeoPackageStore.open(signed) as store:
        audit = store.read_audit("inventoried_sites")
    added = [e.after for e in audit if e.action == "create" and e.actor in ("hanna", "mats")]
    assert sorted(a["status"] for a in added) == ["flagged", "verified"] and not any(a["demo"] for a in added)


def test_the_new_record_callback_refuses_an_id_of_another_layer_even_for_an_admin(signed):
    with GeoPackageStore.open(signed) as store:
        place = store.read_layer("unsafe_places").iloc[0]["id"]
    before = counted(signed)
    text = new_record_request(signed_in_client(signed, "ada"), "inventoried_sites", {**SITE, "id": place})
    assert "är redan id för en post i ett annat lager" in text and ADDED not in text
    assert counted(signed) == before


def test_the_edit_callback_refuses_a_record_of_another_pledge_and_a_status_given_as_a_field(signed):
    with GeoPackageStore.open(signed) as store:
        places = store.read_layer("unsafe_places", LayerQuery(pledge_id=MARK))
        sites = store.read_layer("inventoried_sites", LayerQuery(pledge_id=MARK, values=(("owner", (MBAB,)),)))
    place, site = places.iloc[0], sites[sites["status"] == "flagged"].iloc[0]
    # Mölndal's stad edits, or relinks, Mark's unsafe place: refused, nothing changed.
    molly = signed_in_client(signed, "molly")
    text = edit_request(molly, "unsafe_places", place["id"], int(place["version"]), {"description": "Ändrad"})
    assert "som din organisation inte är part i" in text
    # Marks kommun edits it: saved.
    mats = signed_in_client(signed, "mats")
    assert "Ändringarna är sparade." in edit_request(
        mats, "unsafe_places", place["id"], int(place["version"]), {"description": "Ändrad"}
    )
    # The housing company relinks its own site to Mölndal's promise: refused.
    hanna = signed_in_client(signed, "hanna")
    text = edit_request(
        hanna,
        "inventoried_sites",
        site["id"],
        int(site["version"]),
        {"promise_id": LINKS["inventoried_sites"]["foreign"]},
    )
    assert "men din organisation ansvarar inte för det löftet" in text
    # A status sent as a field of the record editor is not the editor's: the site stays flagged.
    edit_request(hanna, "inventoried_sites", site["id"], int(site["version"]), {"status": "verified"})
    with GeoPackageStore.open(signed) as store:
        now = store.read_layer("inventoried_sites", LayerQuery(ids=(site["id"],))).iloc[0]
        edited = store.read_layer("unsafe_places", LayerQuery(ids=(place["id"],))).iloc[0]
    assert now["status"] == "flagged" and now["promise_id"] == site["promise_id"]
    assert edited["description"] == "Ändrad" and int(edited["version"]) == int(place["version"]) + 1


def test_the_new_record_form_offers_only_the_promises_the_account_may_link_to(signed):
    from dash_http import call_callback

    def offered(username):
        answer = call_callback(
            signed_in_client(signed, username),
            f"{Layers.new}.children",
            {f"{Layers.click}.data": {"lon": 12.694, "lat": 57.508}},
            state={f"{Layers.view}.data": layers_view("inventoried_sites")},
        )
        form = answer[Layers.new]["children"]
        [links] = [c for c in find(form) if c.get("props", {}).get("id") == {"type": NEW.field, "name": "promise_id"}]
        return [o["value"] for o in links["props"]["options"]]

    mark = [p.id for p in next(p for p in shipped_pledges() if p.id == MARK).promises]
    assert offered("hanna") == ["", "mark-2021-kallare-vindar"]
    assert offered("mats") == ["", *mark]


def rules_store(store, role: str):
    from geodata.access import GuardedStore

    return GuardedStore(store, VIEWERS[role])
