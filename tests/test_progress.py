"""Progress judged against the share of the period that has passed."""

from __future__ import annotations

import datetime as dt

import pytest

from geodata.model import pledge_from_dict
from geodata.views.progress import elapsed_share, judge, pledge_progress

from builders import frame, operation, pledge_dict


def test_elapsed_share_counts_whole_days():
    start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)  # 366 days
    assert elapsed_share(start, end, dt.date(2023, 12, 31)) == 0
    assert elapsed_share(start, end, dt.date(2024, 1, 1)) == pytest.approx(1 / 366)
    assert elapsed_share(start, end, dt.date(2024, 7, 1)) == pytest.approx(183 / 366)
    assert elapsed_share(start, end, dt.date(2025, 3, 1)) == 1


@pytest.mark.parametrize(
    "delivered, target, share, status",
    [
        (4, 4, 0.3, "done"),  # target reached early
        (1, 4, 0.4, "on_track"),  # 4 × 0.4 = 1.6 expected; whole operations: 1 is on track
        (1, 4, 0.5, "behind"),  # 4 × 0.5 = 2 expected
        (2, 4, 0.5, "on_track"),
        (3, 4, 1.0, "not_met"),  # period over
        (0, 4, 0.0, "on_track"),
        (7, None, 0.5, "no_target"),
    ],
)
def test_judge(delivered, target, share, status):
    assert judge(delivered, target, share)[0] == status


def test_pledge_progress_counts_linked_records_of_the_evidence_kinds(store):
    store.write_batch(
        "operations",
        frame(
            operation(),
            operation(starts_at="2024-06-01 18:00", ends_at="2024-06-01 20:00"),
            operation(kind="presence_patrol", visibility="public"),  # linked, but not a targeted operation
        ),
    )
    pledge = pledge_from_dict(pledge_dict())
    [operations, inventory] = pledge_progress(store, pledge, dt.date(2024, 7, 1))
    assert (operations.delivered, operations.target, operations.status) == (2, 4, "on_track")
    assert operations.expected_by_now == pytest.approx(4 * 183 / 366)
    assert (inventory.delivered, inventory.status) == (0, "no_target")


def test_a_site_counts_once_inspected_not_while_only_flagged(store):
    from builders import site

    store.write_batch(
        "inventoried_sites",
        frame(site(), site(status="flagged", inspected_on=None, due_on=None, check_lighting=None, check_access=None)),
    )
    pledge = pledge_from_dict(pledge_dict())
    [_, inventory] = pledge_progress(store, pledge, dt.date(2024, 7, 1))
    assert inventory.delivered == 1


def test_a_target_per_year_asks_for_each_year_of_a_two_year_pledge(store):
    data = pledge_dict(period={"start": "2024-01-01", "end": "2025-12-31"})
    data["promises"][0].update(target=2, target_per="year")
    pledge = pledge_from_dict(data)
    store.save_pledge(pledge)
    store.write_batch(
        "operations", frame(operation(), operation(starts_at="2024-06-01 18:00", ends_at="2024-06-01 20:00"))
    )
    [operations, _] = pledge_progress(store, pledge, dt.date(2024, 12, 31))
    # Two a year over two years: four in all; two done when half the period has passed is on track, not done.
    assert (operations.target, operations.target_each, operations.target_per) == (4, 2, "year")
    assert (operations.delivered, operations.status) == (2, "on_track")
    [operations, _] = pledge_progress(store, pledge, dt.date(2026, 1, 1))
    assert operations.status == "not_met"
