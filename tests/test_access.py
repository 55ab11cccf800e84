"""Roles enforced where data is read and written: the same answers for every caller of a guarded store."""

from __future__ import annotations

import datetime as dt

import pytest

from geodata.access import LOCAL_ADMIN, PUBLIC_VIEWER, AccessError, GuardedStore, Viewer, accounts
from geodata.access.accounts import (
    SignInError,
    add_user,
    authenticate,
    end_sessions,
    remove_user,
    set_password,
    sign_in_required,
    unlock,
    wait_seconds,
)
from geodata.errors import PledgemapError, ValidationError, VersionConflictError
from geodata.store import GeoPackageStore, LayerQuery

from builders import frame, new_site, operation, raw_execute, site

MBAB = "Marks Bostads AB"
POLICE, MUNICIPALITY = Viewer("police", "pia"), Viewer("municipality", "mats")
HOUSING = Viewer("housing_company", "hanna", MBAB)


@pytest.fixture
def demo(demo_copy):
    with GeoPackageStore.open(demo_copy) as store:
        yield store


def test_police_and_admin_read_everything(demo):
    for viewer in (POLICE, LOCAL_ADMIN):
        guarded = GuardedStore(demo, viewer)
        assert guarded.counts() == demo.counts()
        assert (guarded.read_layer("operations")["visibility"] == "internal").any()


def test_the_municipality_never_reads_an_internal_operation(demo):
    guarded = GuardedStore(demo, MUNICIPALITY)
    operations = demo.read_layer("operations")
    internal = operations[operations["visibility"] == "internal"]
    assert len(internal) > 0
    assert set(guarded.read_layer("operations")["visibility"]) == {"public"}
    assert guarded.count("operations") == len(operations) - len(internal)
    assert guarded.read_layer("operations", LayerQuery(ids=tuple(internal["id"]))).empty
    asked = LayerQuery.build({"visibility": ["internal"]})
    assert guarded.count("operations", asked) == 0 and guarded.extent("operations", asked).count == 0
    assert guarded.counts()["unsafe_places"] == demo.counts()["unsafe_places"]


def test_a_housing_company_reads_its_own_sites_only(demo):
    guarded = GuardedStore(demo, HOUSING)
    sites = demo.read_layer("inventoried_sites")
    own = sites[sites["owner"] == MBAB]
    assert 0 < len(own) < len(sites)
    assert set(guarded.read_layer("inventoried_sites")["owner"]) == {MBAB}
    assert guarded.count("inventoried_sites") == len(own)
    others = tuple(sites.loc[sites["owner"] != MBAB, "id"])
    assert guarded.read_layer("inventoried_sites", LayerQuery(ids=others)).empty
    for layer in ("unsafe_places", "operations"):
        with pytest.raises(AccessError, match="only as the public, aggregated view"):
            guarded.read_layer(layer)
    assert guarded.counts() == {"unsafe_places": 0, "inventoried_sites": len(own), "operations": 0}


def test_the_public_reads_no_records_but_the_pledges(demo):
    guarded = GuardedStore(demo, PUBLIC_VIEWER)
    for layer in ("unsafe_places", "inventoried_sites", "operations"):
        with pytest.raises(AccessError, match="public, aggregated view only"):
            guarded.read_layer(layer)
        with pytest.raises(AccessError):
            guarded.count(layer)
        with pytest.raises(AccessError):
            guarded.known_sources(layer, ["x"])
    assert guarded.counts() == {"unsafe_places": 0, "inventoried_sites": 0, "operations": 0}
    assert [p.id for p in guarded.list_pledges()] == [p.id for p in demo.list_pledges()]
    assert {"molndal-2018", "mark-2021"} <= {p.id for p in guarded.list_pledges()}


def test_writes_are_checked_and_a_refused_write_changes_nothing(demo):
    before = demo.counts()
    mark_ops = "mark-2021-riktade-insatser"
    with pytest.raises(AccessError, match="the municipality role may not change operations"):
        GuardedStore(demo, MUNICIPALITY).write_batch("operations", frame(operation(promise_id=mark_ops)))
    with pytest.raises(AccessError, match="only sites whose owner is 'Marks Bostads AB'"):
        GuardedStore(demo, HOUSING).write_batch(
            "inventoried_sites", frame(new_site(owner="Annat bolag", promise_id=None))
        )
    with pytest.raises(AccessError):
        GuardedStore(demo, PUBLIC_VIEWER).write_batch("inventoried_sites", frame(site(owner=MBAB, promise_id=None)))
    assert demo.counts() == before
    GuardedStore(demo, HOUSING).write_batch("inventoried_sites", frame(new_site(owner=MBAB, promise_id=None)))
    GuardedStore(demo, POLICE).write_batch("operations", frame(operation(promise_id=mark_ops)))
    assert demo.counts()["inventoried_sites"] == before["inventoried_sites"] + 1


def test_a_housing_company_cannot_probe_for_other_companies_sites(demo):
    sites = demo.read_layer("inventoried_sites")
    other = sites[sites["owner"] != MBAB].iloc[0]
    own = sites[sites["owner"] == MBAB].iloc[0]
    demo.update_record("inventoried_sites", other["id"], {"source_id": "annat-42"}, int(other["version"]))
    guarded = GuardedStore(demo, HOUSING)
    # An import's duplicate check answers only about the company's own sites.
    assert guarded.known_sources("inventoried_sites", ["annat-42", other["id"], own["id"]]) == {own["id"]}
    # A new site given an id it cannot read gets a new one, whatever the id is: free, another company's site's,
    # or its source id. Every answer is alike, so none tells what exists ("that id is taken" would).
    free = "0b6b0c36-2d0e-4c54-9a55-3c8e1c0c5f11"
    for given in (other["id"], free, "annat-42"):
        [new_id] = guarded.write_batch("inventoried_sites", frame(new_site(id=given, owner=MBAB, promise_id=None)))
        assert new_id not in (other["id"], free, "annat-42")
    assert demo.read_layer("inventoried_sites", LayerQuery(ids=(other["id"],)))["owner"].iloc[0] == other["owner"]
    # Its own taken id is still refused, as for everyone who can see the record.
    from geodata.errors import ValidationError as Invalid

    with pytest.raises(Invalid, match="is already stored"):
        guarded.write_batch("inventoried_sites", frame(new_site(id=own["id"], owner=MBAB, promise_id=None)))


def test_a_housing_company_edits_its_sites_but_cannot_give_them_away_or_touch_others(demo):
    guarded = GuardedStore(demo, HOUSING)
    sites = demo.read_layer("inventoried_sites")
    own = sites[sites["owner"] == MBAB].iloc[0]
    other = sites[sites["owner"] != MBAB].iloc[0]
    changed = guarded.update_record("inventoried_sites", own["id"], {"measure": "Nytt lås"}, int(own["version"]))
    assert changed["measure"] == "Nytt lås"
    with pytest.raises(AccessError):
        guarded.update_record("inventoried_sites", own["id"], {"owner": "Annat bolag"}, int(own["version"]) + 1)
    with pytest.raises(AccessError, match="cannot be changed by the housing_company role"):
        guarded.update_record("inventoried_sites", other["id"], {"measure": "x"}, int(other["version"]))
    assert demo.read_layer("inventoried_sites", LayerQuery(ids=(other["id"],)))["measure"].iloc[0] == other["measure"]


# -- accounts ---------------------------------------------------------------------------------------


@pytest.mark.hashing
def test_accounts_keep_argon2id_hashes_and_refuse_weak_input(store):
    account = add_user(store, "pia", "police", "en lång lösenfras")
    assert account.password_hash.startswith("$argon2id$") and "lösenfras" not in account.password_hash
    with pytest.raises(ValidationError) as caught:
        add_user(store, "Hanna!", "landlord", "kort", organisation=None)
    fields = {p.field for p in caught.value.problems}
    assert fields == {"username", "role", "password"}
    with pytest.raises(ValidationError, match="organisation"):
        add_user(store, "hanna", "housing_company", "en lång lösenfras")
    with pytest.raises(ValidationError, match="username': is taken"):
        add_user(store, "pia", "admin", "en annan lång fras")
    assert [a.username for a in store.list_users()] == ["pia"]


def test_sign_in_is_slowed_after_failures_and_says_nothing_about_who_exists(store):
    add_user(store, "pia", "police", "en lång lösenfras")
    assert authenticate(store, "pia", "en lång lösenfras").role == "police"
    with pytest.raises(SignInError) as unknown:
        authenticate(store, "nobody", "en lång lösenfras")
    with pytest.raises(SignInError) as wrong:
        authenticate(store, "pia", "fel fel fel fel")
    assert str(unknown.value) == str(wrong.value) == "wrong username or password"
    start = dt.datetime.now(dt.UTC)
    for _attempt in range(2):  # the 2nd and 3rd failures answer at once, as the 1st did
        with pytest.raises(SignInError) as answered:
            authenticate(store, "pia", "fel fel fel fel", now=start)
        assert answered.value.retry_after is None
    with pytest.raises(SignInError) as slowed:
        authenticate(store, "pia", "en lång lösenfras", now=start)  # the 4th attempt waits, even with the password
    assert slowed.value.retry_after == wait_seconds(3) == 2
    later = start + dt.timedelta(seconds=wait_seconds(3))
    assert authenticate(store, "pia", "en lång lösenfras", now=later).username == "pia"
    assert store.sign_in_failures("pia") == 0


def test_a_name_that_is_no_account_is_slowed_exactly_like_one_that_is(store):
    add_user(store, "pia", "police", "en lång lösenfras")
    start = dt.datetime.now(dt.UTC)
    answers = {}
    for name in ("pia", "nobody"):
        for _attempt in range(accounts.FREE_FAILURES):
            with pytest.raises(SignInError) as answered:
                authenticate(store, name, "fel fel fel fel", address="10.0.0.1", now=start)
            assert answered.value.retry_after is None
        with pytest.raises(SignInError) as caught:
            authenticate(store, name, "fel fel fel fel", address="10.0.0.1", now=start)
        answers[name] = (str(caught.value), caught.value.retry_after)
    assert answers["pia"] == answers["nobody"] and answers["pia"][1] == wait_seconds(3)


def test_failing_on_purpose_from_one_address_does_not_lock_the_owner_out_elsewhere(store):
    add_user(store, "pia", "police", "en lång lösenfras")
    start = dt.datetime.now(dt.UTC)
    for _attempt in range(10):
        with pytest.raises(SignInError):
            authenticate(store, "pia", "fel fel fel fel", address="203.0.113.9", now=start)
    assert authenticate(store, "pia", "en lång lösenfras", address="10.0.0.7", now=start).username == "pia"
    # ... but enough failures from all addresses together slow the name down too
    for attempt in range(accounts.FREE_FAILURES_PER_NAME):
        with pytest.raises(SignInError) as caught:
            authenticate(store, "pia", "fel fel fel fel", address=f"198.51.{attempt // 200}.{attempt % 200}", now=start)
        assert caught.value.retry_after is None
    with pytest.raises(SignInError) as slowed:
        authenticate(store, "pia", "en lång lösenfras", address="10.0.0.7", now=start)
    assert slowed.value.retry_after == 2
    assert unlock(store, "pia") >= 1  # the admin lets the owner in at once
    assert authenticate(store, "pia", "en lång lösenfras", address="10.0.0.7", now=start).username == "pia"


def test_one_address_guessing_across_many_names_is_slowed(store):
    start = dt.datetime.now(dt.UTC)
    for attempt in range(accounts.FREE_FAILURES_PER_ADDRESS):
        with pytest.raises(SignInError) as caught:
            authenticate(store, f"name{attempt}", "fel fel fel fel", address="203.0.113.9", now=start)
        assert caught.value.retry_after is None
    with pytest.raises(SignInError) as slowed:
        authenticate(store, "another", "fel fel fel fel", address="203.0.113.9", now=start)
    assert slowed.value.retry_after == 2


def test_parallel_guesses_are_counted_one_after_the_other(demo_copy):
    # Eight guesses at once, each on its own connection (as eight requests to several workers would be):
    # only as many reach the password check as one guess after the other would.
    import threading

    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "pia", "police", "en lång lösenfras")
    start = dt.datetime.now(dt.UTC)
    results, barrier = [], threading.Barrier(8)

    def guess():
        with GeoPackageStore.open(demo_copy) as own:
            barrier.wait()
            try:
                authenticate(own, "pia", "fel fel fel fel", address="203.0.113.9", now=start)
            except SignInError as exc:
                results.append(exc.retry_after)

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checked = [r for r in results if r is None]  # refused after a password check, not before
    assert len(results) == 8 and len(checked) == accounts.FREE_FAILURES
    with GeoPackageStore.open(demo_copy) as store:
        assert store.sign_in_failures("pia") == accounts.FREE_FAILURES


@pytest.mark.hashing
def test_at_most_a_few_password_checks_run_at_once(store, monkeypatch):
    # Each check takes 64 MiB; many at once could take the server's memory. The hasher is wrapped only to
    # watch how many checks overlap; the checks themselves are real.
    import threading
    import time

    real, running, most = accounts.HASHER, [0], [0]
    lock = threading.Lock()

    class Watched:
        def __getattr__(self, name):
            return getattr(real, name)

        def verify(self, hash_, password):
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            try:
                time.sleep(0.05)
                return real.verify(hash_, password)
            finally:
                with lock:
                    running[0] -= 1

    monkeypatch.setattr(accounts, "HASHER", Watched())
    threads = [threading.Thread(target=lambda n=n: _try(store.location, f"name{n}")) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == accounts.HASH_SLOTS


def _try(where, name):
    from geodata.store import open_store

    with open_store(where) as own:
        with pytest.raises(SignInError):
            authenticate(own, name, "fel fel fel fel", address=f"10.1.1.{len(name)}")


def test_sessions_end_at_a_new_password_and_at_sign_out(store):
    first = add_user(store, "pia", "police", "en lång lösenfras")
    assert first.session_key
    set_password(store, "pia", "en helt ny lösenfras")
    second = store.get_user("pia").session_key
    end_sessions(store, "pia")
    assert len({first.session_key, second, store.get_user("pia").session_key}) == 3


def test_sign_in_stays_on_once_an_account_existed_and_the_last_admin_stays(store):
    assert not sign_in_required(store)
    add_user(store, "ada", "admin", "en lång lösenfras")
    add_user(store, "pia", "police", "en lång lösenfras")
    with pytest.raises(PledgemapError, match="ada is the last admin"):
        remove_user(store, "ada")
    add_user(store, "bo", "admin", "en lång lösenfras")
    remove_user(store, "ada")
    remove_user(store, "pia")
    assert [a.username for a in store.list_users()] == ["bo"]
    store.delete_user("bo")  # below the rule, as a damaged store might be: still no open door
    assert sign_in_required(store)


def test_password_change_and_removal(store):
    add_user(store, "mats", "municipality", "en lång lösenfras")
    set_password(store, "mats", "en helt ny lösenfras")
    with pytest.raises(SignInError):
        authenticate(store, "mats", "en lång lösenfras")
    assert authenticate(store, "mats", "en helt ny lösenfras").username == "mats"
    remove_user(store, "mats")
    with pytest.raises(PledgemapError, match="no account 'mats'"):
        remove_user(store, "mats")


def test_only_an_admin_reads_or_changes_accounts(store):
    add_user(store, "pia", "police", "en lång lösenfras")
    with pytest.raises(AccessError, match="only an admin"):
        GuardedStore(store, POLICE).list_users()
    assert [a.username for a in GuardedStore(store, LOCAL_ADMIN).list_users()] == ["pia"]


# -- audit trail ------------------------------------------------------------------------------------


def test_every_change_is_audited_with_who_when_and_the_values(store):

    guarded = GuardedStore(store, Viewer("housing_company", "hanna", MBAB))
    [site_id] = guarded.write_batch("inventoried_sites", frame(new_site(owner=MBAB, promise_id=None)))
    guarded.update_record("inventoried_sites", site_id, {"address": "Storgatan 2, Kinna", "measure": "Nytt lås"}, 1)
    history = store.read_audit("inventoried_sites", site_id)
    assert [(e.actor, e.action) for e in history] == [("hanna", "create"), ("hanna", "edit")]
    assert history[0].after["owner"] == MBAB and history[0].after["geometry"].startswith("POINT")
    assert history[1].before == {"address": "Storgatan 1, Kinna", "measure": "Byta lås"}
    assert history[1].after == {"address": "Storgatan 2, Kinna", "measure": "Nytt lås"}
    assert history[1].at >= history[0].at

    add_user(store, "pia", "police", "en lång lösenfras")
    authenticate(store, "pia", "en lång lösenfras")  # signing in is not a change to the account
    with pytest.raises(SignInError):
        authenticate(store, "pia", "fel fel fel fel")
    set_password(store, "pia", "en annan lång fras")
    users = [(e.action, e.before, e.after) for e in store.read_audit() if e.action.startswith("user")]
    assert users == [
        ("user", None, {"role": "police", "organisation": None, "display_name": None}),
        (
            "user",
            {"role": "police", "organisation": None, "display_name": None},
            {"role": "police", "organisation": None, "display_name": None, "password": "changed"},
        ),
    ]
    assert "argon2" not in str(store.read_audit())
    entries = len(store.read_audit())

    # The log cannot be changed, not even with SQL on the file the application uses.
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="cannot be changed"):
            raw_execute(store, statement)
    assert len(store.read_audit()) == entries


def test_the_history_of_a_record_is_for_those_who_may_read_it(demo):
    sites = demo.read_layer("inventoried_sites")
    own = sites[sites["owner"] == MBAB].iloc[0]["id"]
    other = sites[sites["owner"] != MBAB].iloc[0]["id"]
    housing = GuardedStore(demo, HOUSING)
    assert [e.action for e in housing.read_audit("inventoried_sites", own)] == ["create"]
    with pytest.raises(AccessError):
        housing.read_audit("inventoried_sites", other)
    with pytest.raises(AccessError, match="only an admin"):
        GuardedStore(demo, POLICE).read_audit()
    assert len(GuardedStore(demo, LOCAL_ADMIN).read_audit()) >= len(sites)


def test_a_deleted_record_leaves_every_view_and_only_an_admin_restores_it(demo):
    sites = demo.read_layer("inventoried_sites")
    own = sites[sites["owner"] == MBAB].iloc[0]
    housing, admin = GuardedStore(demo, HOUSING), GuardedStore(demo, LOCAL_ADMIN)
    total = demo.count("inventoried_sites")
    housing.delete_record("inventoried_sites", own["id"], int(own["version"]))
    assert demo.count("inventoried_sites") == total - 1
    assert demo.read_layer("inventoried_sites", LayerQuery(ids=(own["id"],))).empty
    assert demo.extent("inventoried_sites").count == total - 1
    with pytest.raises(AccessError, match="only an admin sees deleted records"):
        housing.read_layer("inventoried_sites", LayerQuery(deleted=True))
    with pytest.raises(AccessError, match="only an admin may restore"):
        housing.restore_record("inventoried_sites", own["id"])
    assert list(admin.read_layer("inventoried_sites", LayerQuery(deleted=True))["id"]) == [own["id"]]
    admin.restore_record("inventoried_sites", own["id"])
    assert demo.count("inventoried_sites") == total
    assert [e.action for e in demo.read_audit("inventoried_sites", own["id"])] == ["create", "delete", "restore"]
    assert [e.actor for e in demo.read_audit("inventoried_sites", own["id"])][1:] == ["hanna", "local"]


def test_deleting_another_owners_site_or_an_old_version_is_refused(demo):
    sites = demo.read_layer("inventoried_sites")
    other = sites[sites["owner"] != MBAB].iloc[0]
    own = sites[sites["owner"] == MBAB].iloc[0]
    with pytest.raises(AccessError):
        GuardedStore(demo, HOUSING).delete_record("inventoried_sites", other["id"], int(other["version"]))
    with pytest.raises(VersionConflictError):
        GuardedStore(demo, HOUSING).delete_record("inventoried_sites", own["id"], int(own["version"]) + 5)
    assert demo.count("inventoried_sites") == len(sites)


def test_a_sign_in_refused_because_the_server_is_busy_is_not_a_failure(store, monkeypatch):
    add_user(store, "pia", "police", "en lång lösenfras")
    monkeypatch.setattr(accounts, "HASH_SLOT_WAIT_SECONDS", 0.05)
    held = [accounts._hash_slots.acquire() for _ in range(accounts.HASH_SLOTS)]
    try:
        for _attempt in range(6):
            with pytest.raises(SignInError, match="busy") as busy:
                authenticate(store, "pia", "en lång lösenfras", address="10.0.0.7")
            assert busy.value.retry_after == 5
    finally:
        for _ in held:
            accounts._hash_slots.release()
    assert store.sign_in_failures("pia") == 0
    assert authenticate(store, "pia", "en lång lösenfras", address="10.0.0.7").username == "pia"


def test_a_store_upgraded_with_accounts_keeps_requiring_sign_in_when_they_are_removed(tmp_path):
    from geodata.store import migrate
    from geodata.store.gpkg import schema as gpkg_schema
    from geodata.store.gpkg.store import META_TABLE, _connect, _transaction

    path = tmp_path / "old.gpkg"
    conn = _connect(path)
    with _transaction(conn, path):  # a store as schema version 7 left it, with one police account
        for step in gpkg_schema.MIGRATIONS[:7]:
            step.apply(conn)
            conn.execute(f"INSERT OR REPLACE INTO {META_TABLE} VALUES ('schema_version', ?)", (str(step.version),))
        conn.execute(
            "INSERT INTO users (username, role, password_hash, created_at, updated_at) VALUES "
            "('pia', 'police', 'x', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')"
        )
    conn.close()
    migrate(path)
    with GeoPackageStore.open(path) as store:
        assert store.get_user("pia").session_key  # a key of its own, so old cookies do not match
        remove_user(store, "pia")
        assert store.list_users() == [] and sign_in_required(store)
