"""What a view's filters mean per layer (geodata.views.filters), without a store or a browser."""

from __future__ import annotations

import datetime as dt

from geodata import vocab
from geodata.model import pledge_from_dict
from geodata.views.filters import layer_queries

from builders import pledge_dict


def test_one_query_per_shown_layer_with_the_pledge_and_time_range():
    pledge = pledge_from_dict(pledge_dict())
    queries = layer_queries(pledge, ["operations", "unsafe_places"], start=dt.date(2024, 2, 1), end=dt.date(2024, 3, 1))
    assert list(queries) == ["operations", "unsafe_places"]
    for query in queries.values():
        assert (query.pledge_id, query.start, query.end, query.promise_id) == (
            "test-2024",
            dt.date(2024, 2, 1),
            dt.date(2024, 3, 1),
            None,
        )


def test_a_filter_applies_only_to_its_layer_and_choosing_every_value_filters_nothing():
    pledge = pledge_from_dict(pledge_dict())
    queries = layer_queries(
        pledge,
        ["unsafe_places", "inventoried_sites", "operations"],
        categories=("poor_lighting",),
        sources=vocab.REPORT_SOURCES,
        statuses=("action_planned",),
    )
    assert dict(queries["unsafe_places"].values) == {"category": ("poor_lighting",)}
    assert dict(queries["inventoried_sites"].values) == {"status": ("action_planned",)}
    assert queries["operations"].values == ()


def test_a_chosen_promise_narrows_its_evidence_layer_to_the_records_delivering_it():
    pledge = pledge_from_dict(pledge_dict())  # test-2024-insatser: evidenced by targeted drug operations
    queries = layer_queries(pledge, ["unsafe_places", "operations"], promise="test-2024-insatser")
    assert queries["operations"].promise_id == "test-2024-insatser"
    assert dict(queries["operations"].values) == {"kind": ("targeted_drug_operation",)}
    assert (queries["unsafe_places"].promise_id, queries["unsafe_places"].values) == (None, ())
