"""A store seen through one viewer's rights: every read narrowed, every write checked.

:class:`GuardedStore` wraps a store for one :class:`~geodata.access.rules.Viewer`:
every read is narrowed by :func:`~geodata.access.rules.readable_query` and every
write checked by :func:`~geodata.access.rules.check_write`, so pages, callbacks,
exports and the API get the same answer whoever calls them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import geopandas as gpd

from geodata.access.readlog import Asked, append_or_refuse, read_entries
from geodata.access.rules import (
    LOCAL_ADMIN,
    PUBLIC,
    AccessError,
    Viewer,
    check_judge,
    check_write,
    may_change_pledges,
    readable_query,
    scope,
)
from geodata.followup import Judgement, StoredDocument, public_evidence
from geodata.layers import LAYERS
from geodata.store.base import LayerExtent, LayerQuery, Store


class GuardedStore(Store):
    """A store seen through one viewer's rights: reads narrowed, writes checked, nothing else changed."""

    def __init__(self, store: Store, viewer: Viewer, route: str | None = None):
        self._store = store
        self.viewer = viewer
        self.route = route  # the page or API route the request came by, for the read log

    @property
    def location(self) -> object:
        """Where the store behind the guard is (its file or URL, or None): what files written from it take
        their permissions from (:func:`geodata.io.files.store_mode`), as the command line's import writes its
        rejected rows through the guard."""
        return getattr(self._store, "location", None)

    # The read log: written by the guard in the viewer's name, read by admins (see geodata.access.readlog).
    def log_read(self, action: str, shown: Mapping[str, Iterable[object]], query: Asked = None) -> None:
        """Log that the records ``shown`` (layer → ids) are handed to this viewer; raises
        :class:`~geodata.access.readlog.ReadLogError` (show nothing) if the entry cannot be written."""
        append_or_refuse(self._store, read_entries(self.viewer, action, shown, query, self.route))

    def append_reads(self, entries) -> None:
        raise AccessError("reads are logged by the guard itself, in the signed-in account's name")

    def read_read_log(self, start=None, end=None, username=None):
        self._admin_only("read the read log")
        return self._store.read_read_log(start, end, username)

    # Pledges are public documents; police and municipality sign them, admins keep them.
    def schema_version(self) -> int:
        return self._store.schema_version()

    def list_pledges(self):
        return self._store.list_pledges()

    def get_pledge(self, pledge_id: str):
        return self._store.get_pledge(pledge_id)

    @property
    def actor(self) -> str:
        return self.viewer.username or self.viewer.role

    def save_pledge(self, pledge, actor: str | None = None) -> None:
        if not may_change_pledges(self.viewer):
            raise AccessError(f"the {self.viewer.role} role may not change pledges")
        self._store.save_pledge(pledge, self.actor)

    def read_layer(self, layer: str, query: LayerQuery | None = None) -> gpd.GeoDataFrame:
        return self._store.read_layer(layer, readable_query(layer, query, viewer=self.viewer))

    def count(self, layer: str, query: LayerQuery | None = None) -> int:
        return self._store.count(layer, readable_query(layer, query, viewer=self.viewer))

    def extent(self, layer: str, query: LayerQuery | None = None) -> LayerExtent:
        return self._store.extent(layer, readable_query(layer, query, viewer=self.viewer))

    def counts(self, pledge_id: str | None = None, demo_only: bool = False) -> dict[str, int]:
        """Records per layer this viewer may read (none for a layer it sees only aggregated)."""
        counts = {}
        for layer in LAYERS:
            try:
                counts[layer] = self.count(layer, LayerQuery(pledge_id=pledge_id, demo=True if demo_only else None))
            except AccessError:
                counts[layer] = 0
        return counts

    def grid_counts(self, layer: str, query: LayerQuery | None, cell_m: float, weight: str | None = None):
        return self._store.grid_counts(layer, readable_query(layer, query, viewer=self.viewer), cell_m, weight)

    def known_sources(self, layer: str, source_ids: list[str], query: LayerQuery | None = None) -> set[str]:
        # Only among the records the caller may read (and none if it may read none): an import must not
        # tell a housing company which of another company's sites exist.
        return self._store.known_sources(layer, source_ids, readable_query(layer, query, viewer=self.viewer))

    def write_batches(self, batches: dict[str, gpd.GeoDataFrame], actor: str | None = None) -> dict[str, list[str]]:
        # The actor is always the signed-in account: a caller cannot write in someone else's name.
        batches = {layer: self._unseen_ids_renewed(layer, records) for layer, records in batches.items()}
        pledges = self._store.list_pledges()
        for layer, records in batches.items():
            rows = records.drop(columns=records.geometry.name).to_dict("records")
            check_write(self.viewer, layer, rows, pledges=pledges)
        return self._store.write_batches(batches, self.actor)

    def _unseen_ids_renewed(self, layer: str, records: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        # A role that does not read every record keeps a given id only if it is the id of a record it can read
        # (then "already stored" tells it nothing new); any other id is replaced by a new one without looking
        # at what else is stored, so a free id, another company's site's id and its source id all answer alike.
        reads_all = all(scope(self.viewer, f"read:{name}") == "all" for name in LAYERS)
        if reads_all or "id" not in records.columns:
            return records
        given = [str(v) for v in records["id"].dropna().unique()]
        try:
            readable = (
                self._store.read_layer(layer, readable_query(layer, LayerQuery(ids=tuple(given)), viewer=self.viewer))
                if given
                else None
            )
            visible = set(readable["id"]) if readable is not None else set()
        except AccessError:
            visible = set()
        records = records.copy()
        records["id"] = [v if v is not None and str(v) in visible else str(uuid.uuid4()) for v in records["id"]]
        return records

    def delete_record(self, layer: str, record_id: str, expected_version: int, actor: str | None = None) -> None:
        stored = self.read_layer(layer, LayerQuery(ids=(record_id,)))
        if stored.empty:
            raise AccessError(f"{layer} record {record_id} cannot be deleted by the {self.viewer.role} role")
        record = stored.drop(columns=stored.geometry.name).iloc[0].to_dict()
        check_write(self.viewer, layer, [record], before=[record], pledges=self._store.list_pledges())
        self._store.delete_record(layer, record_id, expected_version, self.actor)

    def restore_record(self, layer: str, record_id: str, actor: str | None = None) -> None:
        self._admin_only("restore deleted records")
        self._store.restore_record(layer, record_id, self.actor)

    def read_audit(self, layer: str | None = None, record_id: str | None = None):
        if scope(self.viewer, "manage") is not None:
            return self._store.read_audit(layer, record_id)
        if record_id is None:
            raise AccessError("only an admin may read the whole audit log")
        if layer is None or self.read_layer(layer, LayerQuery(ids=(record_id,))).empty:
            raise AccessError(f"the history of {record_id} is shown only to those who may read the record")
        return self._store.read_audit(layer, record_id)

    def update_record(
        self, layer: str, record_id: str, changes: dict[str, Any], expected_version: int, actor: str | None = None
    ) -> dict[str, Any]:
        stored = self.read_layer(layer, LayerQuery(ids=(record_id,)))
        if stored.empty:
            raise AccessError(f"{layer} record {record_id} cannot be changed by the {self.viewer.role} role")
        before = stored.drop(columns=stored.geometry.name).iloc[0].to_dict()
        after = {**before, **changes}
        check_write(self.viewer, layer, [after], before=[before], pledges=self._store.list_pledges())
        return self._store.update_record(layer, record_id, changes, expected_version, self.actor)

    # Retention: the counts kept of deleted records are figures, read beneath the guard by progress
    # (figures_store); through the guard only by a role that reads every record of the layer. Deleting for
    # good is the admin's.
    def kept_count(self, layer: str, query: LayerQuery | None = None) -> int:
        return self._store.kept_count(layer, self._kept_query(layer, query))

    def read_kept_counts(self, layer: str, query: LayerQuery | None = None):
        return self._store.read_kept_counts(layer, self._kept_query(layer, query))

    def _kept_query(self, layer: str, query: LayerQuery | None) -> LayerQuery:
        # Kept counts have none of the fields a narrowed read selects by (an owner, a visibility): only a role
        # whose reads of the layer are not narrowed reads them.
        query = query or LayerQuery()
        if readable_query(layer, query, viewer=self.viewer) != query:
            raise AccessError(f"the {self.viewer.role} role does not read every {layer} record, nor their kept counts")
        return query

    def purge_records(self, records, details, actor: str | None = None) -> dict[str, list[str]]:
        self._admin_only("delete records for good (retention)")
        return self._store.purge_records(records, details, self.actor)

    # Accounts are the admin's.
    def save_user(self, user, actor: str | None = None) -> None:
        self._admin_only("change accounts")
        self._store.save_user(user, self.actor)

    def get_user(self, username: str):
        self._admin_only("read accounts")
        return self._store.get_user(username)

    def list_users(self):
        self._admin_only("read accounts")
        return self._store.list_users()

    def delete_user(self, username: str, actor: str | None = None) -> bool:
        self._admin_only("change accounts")
        return self._store.delete_user(username, self.actor)

    # Signing in happens before there is a viewer, on the store itself; a signed-in caller only unlocks.
    def begin_sign_in(self, scopes, now, retry_after) -> int:
        raise AccessError("sign-in is counted by the sign-in page, not through a signed-in session")

    def end_sign_in(self, clear, release) -> None:
        raise AccessError("sign-in is counted by the sign-in page, not through a signed-in session")

    def clear_sign_in_failures(self, name: str) -> int:
        self._admin_only("unlock accounts")
        return self._store.clear_sign_in_failures(name)

    def sign_in_failures(self, name: str) -> int:
        self._admin_only("read accounts")
        return self._store.sign_in_failures(name)

    def dump_tables(self):
        self._admin_only("copy the whole store")
        return self._store.dump_tables()

    def load_tables(self, tables) -> None:
        raise AccessError("a whole store is copied from the command line, not through a signed-in session")

    def _admin_only(self, what: str) -> None:
        if scope(self.viewer, "manage") is None:
            raise AccessError(f"only an admin may {what}")

    def read_setting(self, key: str) -> str | None:
        return self._store.read_setting(key)

    def write_setting(self, key: str, value: str | None, actor: str | None = None) -> None:
        self._admin_only("change settings")
        self._store.write_setting(key, value, self.actor)

    # Survey results are published figures every role may read; storing them is for those who run surveys.
    def write_survey_results(
        self, results, replace: bool = False, actor: str | None = None, indicators=(), dry_run: bool = False
    ):
        if scope(self.viewer, "import_surveys") is None:
            raise AccessError(f"the {self.viewer.role} role may not import survey results")
        return self._store.write_survey_results(results, replace, self.actor, indicators, dry_run)

    def read_survey_results(self, municipality_code=None, indicator=None):
        return self._store.read_survey_results(municipality_code, indicator)

    def read_indicators(self):
        return self._store.read_indicators()

    # The police's published events are public information; storing them is for admins and the police.
    def write_police_events(self, events, actor: str | None = None):
        if scope(self.viewer, "import_events") is None:
            raise AccessError(f"the {self.viewer.role} role may not import police events")
        return self._store.write_police_events(events, self.actor)

    def read_police_events(self, municipality_code=None, start=None, end=None):
        return self._store.read_police_events(municipality_code, start, end)

    # Follow-up: who may judge a promise is who is responsible for it; the public reads statuses, not words.
    def save_judgement(self, judgement: Judgement, expected_version: int, actor: str | None = None) -> Judgement:
        pledge = self._store.get_pledge(judgement.pledge_id)
        check_judge(self.viewer, pledge, judgement.subject, judgement.subject_id)
        if judgement.demo and scope(self.viewer, "mark_demo") is None:
            raise AccessError("only an admin marks a judgement as demo data")
        return self._store.save_judgement(judgement, expected_version, self.actor)

    def read_judgements(self, pledge_id: str, subject_id: str | None = None) -> list[Judgement]:
        judgements = self._store.read_judgements(pledge_id, subject_id)
        if self.viewer.role != PUBLIC:
            return judgements
        # The public sees each status and when it was judged; the judge's own words and name may name people.
        return [replace(j, text="", judged_by=None, evidence=public_evidence(j.evidence)) for j in judgements]

    def save_document(
        self, document: StoredDocument, expected_version: int, actor: str | None = None
    ) -> StoredDocument:
        self._documents_only(document.kind)
        return self._store.save_document(document, expected_version, self.actor)

    def read_documents(self, kind: str, key: str | None = None) -> list[StoredDocument]:
        self._documents_only(kind)
        return self._store.read_documents(kind, key)

    def _documents_only(self, kind: str) -> None:
        if scope(self.viewer, "documents") is None:
            raise AccessError(f"the {self.viewer.role} role may not read or write documents of kind {kind}")

    def close(self) -> None:
        self._store.close()


def log_read(store: Store, action: str, shown: Mapping[str, Iterable[object]], query: Asked = None) -> None:
    """Log that the records ``shown`` (layer → record ids) are handed to the person behind ``store``.

    Called where records are shown (details, lists, exports, /ogc), after the
    records are chosen and before they are given: a guarded store logs in its
    viewer's name and route; the store itself is the command line's, logged as
    :data:`~geodata.access.rules.LOCAL_ADMIN` ("local"). Raises
    :class:`~geodata.access.readlog.ReadLogError` if the entry cannot be written: show nothing then.
    """
    if isinstance(store, GuardedStore):
        store.log_read(action, shown, query)
    else:
        append_or_refuse(store, read_entries(LOCAL_ADMIN, action, shown, query, route="cli"))


def figures_store(store: Store) -> Store:
    """The whole store beneath a guard, for figures every role may see (a promise's progress); never for records."""
    return store._store if isinstance(store, GuardedStore) else store
