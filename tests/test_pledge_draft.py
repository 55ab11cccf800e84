"""The draft under review in the domain (geodata.io.pledge_draft): the reader's certainty, edits, the file to edit."""

from __future__ import annotations

import yaml
from test_cli import PLEDGE_TEXT

from geodata import parse_pledge_text
from geodata.io import pledge_draft
from geodata.store import GeoPackageStore


def test_the_readers_certainty_and_per_are_taken_where_it_gives_them_and_derived_where_it_does_not():
    draft = parse_pledge_text(PLEDGE_TEXT).to_dict()
    draft["certainty"] = {"period": "guessed", "focus": "found"}
    draft["promises"][0]["certainty"] = {"target": "guessed"}
    draft["promises"][0]["target_per"] = "year"
    doc = pledge_draft.draft_document(draft)
    assert doc["_certainty"]["period"] == "guessed" and doc["_certainty"]["signed_on"] == "not_found"
    first, second = doc["promises"]
    assert first["_certainty"]["target"] == "guessed" and first["target_per"] == "year"
    assert second["_certainty"]["target"] == "not_found" and second["target_per"] is None
    # The saved document has no marks, and keeps what the target counts over.
    data = pledge_draft.pledge_data(doc)
    assert "_certainty" not in data and all("_certainty" not in p for p in data["promises"])
    assert data["promises"][0]["target_per"] == "year"


def test_a_text_cut_off_inside_a_promise_is_said_and_the_mark_is_not_saved():
    cut = PLEDGE_TEXT.split("Det här ska vi")[0].rstrip() + "\n- informera föräldrar om\n[TRUNCATED]\n"
    draft = parse_pledge_text(cut).to_dict()
    assert draft["cut"] is True
    doc = pledge_draft.draft_document(draft)
    assert doc["_cut"] is True and [p["_cut"] for p in doc["promises"]][-1] is True
    data = pledge_draft.pledge_data(doc)
    assert "_cut" not in data and all("_cut" not in p for p in data["promises"])


def test_the_draft_file_reads_back_as_the_document_it_was_written_from(tmp_path):
    doc = pledge_draft.draft_document(parse_pledge_text(PLEDGE_TEXT).to_dict())
    written = pledge_draft.draft_yaml(doc, {"guessed": "gissat", "not_found": "hittades inte"})
    assert "id: harryda-2025  # gissat" in written.splitlines()
    assert yaml.safe_load(written) == pledge_draft.pledge_data(doc, keep_empty=True)
    store_path = tmp_path / "store.gpkg"
    GeoPackageStore.create(store_path).close()
    with GeoPackageStore.open(store_path) as store:
        saved = pledge_draft.save_document(store, yaml.safe_load(written))
        assert store.get_pledge(saved.id).promises[0].target == 6


def test_a_merge_takes_the_target_of_the_second_where_the_first_has_none():
    doc = pledge_draft.draft_document(parse_pledge_text(PLEDGE_TEXT).to_dict())
    doc = pledge_draft.move_promise(doc, 0, 1)  # the one without a target first
    merged = pledge_draft.merge_promise(doc, 0)["promises"][0]
    assert merged["target"] == 6 and merged["target_unit"] == doc["promises"][1]["target_unit"]
    assert merged["_certainty"]["text"] == "edited"
