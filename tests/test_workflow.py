"""The site inspection workflow, step by step, with who took each step from the audit log."""

from __future__ import annotations

import datetime as dt

import pytest

from geodata.access import GuardedStore, Viewer
from geodata.errors import ValidationError, VersionConflictError
from geodata.workflow import advance, history

from builders import frame, site

MBAB = "Marks Bostads AB"
CHECKS = {
    "check_lighting": "critical",
    "check_access": "remark",
    "check_sightlines": "ok",
    "check_litter": "ok",
    "check_hangout": "ok",
}


@pytest.fixture
def flagged(store):
    guarded = GuardedStore(store, Viewer("housing_company", "hanna", MBAB))
    [site_id] = guarded.write_batch(
        "inventoried_sites",
        frame(
            site(
                owner=MBAB,
                status="flagged",
                inspected_on=None,
                due_on=None,
                measure=None,
                promise_id=None,
                **{name: None for name in CHECKS},
            )
        ),
    )
    return guarded, site_id


def test_a_basement_from_flagged_to_verified(flagged):
    guarded, site_id = flagged
    day = dt.date(2024, 4, 2)
    step = advance(
        guarded, site_id, "inspected", {**CHECKS, "inspection_comment": "Trasig lampa, dörren glappar"}, 1, today=day
    )
    assert (step["status"], step["check_lighting"], step["version"]) == ("inspected", "critical", 2)
    assert step["inspected_on"].date() == day
    step = advance(
        guarded,
        site_id,
        "action_planned",
        {"measure": "Byt armatur och lås", "responsible": "Fastighetsskötare Ali", "due_on": "2024-05-01"},
        2,
    )
    assert step["responsible"] == "Fastighetsskötare Ali"
    step = advance(guarded, site_id, "fixed", {}, 3, today=dt.date(2024, 4, 20))
    step = advance(guarded, site_id, "verified", {"verified_on": "2024-04-25"}, 4)
    assert step["status"] == "verified" and step["verified_on"].date() == dt.date(2024, 4, 25)
    steps = history(guarded._store, site_id)
    assert [(s.status, s.actor) for s in steps] == [
        ("flagged", "hanna"),
        ("inspected", "hanna"),
        ("action_planned", "hanna"),
        ("fixed", "hanna"),
        ("verified", "hanna"),
    ]
    assert steps[1].values["inspection_comment"] == "Trasig lampa, dörren glappar"


def test_a_step_out_of_order_or_missing_its_values_is_refused_and_changes_nothing(flagged):
    guarded, site_id = flagged
    with pytest.raises(ValidationError, match="cannot go from 'flagged' to 'fixed'; expected inspected"):
        advance(guarded, site_id, "fixed", {}, 1)
    with pytest.raises(ValidationError) as caught:
        advance(guarded, site_id, "inspected", {"check_lighting": "ok", "colour": "röd"}, 1)
    assert {p.field for p in caught.value.problems} == {
        "check_access",
        "check_sightlines",
        "check_litter",
        "check_hangout",
        "colour",
    }
    advance(guarded, site_id, "inspected", CHECKS, 1)
    with pytest.raises(ValidationError, match="critical issues .*check_lighting.*; plan a measure before verifying"):
        advance(guarded, site_id, "verified", {}, 2)
    assert [s.status for s in history(guarded._store, site_id)] == ["flagged", "inspected"]


def test_two_caretakers_stepping_the_same_site_conflict_instead_of_overwriting(flagged):
    guarded, site_id = flagged
    advance(guarded, site_id, "inspected", CHECKS, 1)
    advance(
        guarded, site_id, "action_planned", {"measure": "Nytt lås", "responsible": "Ali", "due_on": "2024-05-01"}, 2
    )
    with pytest.raises(VersionConflictError, match="started from version 2, but the stored record is at version 3"):
        advance(
            guarded, site_id, "action_planned", {"measure": "Ny lampa", "responsible": "Bo", "due_on": "2024-06-01"}, 2
        )


def test_a_site_whose_inspection_found_a_critical_issue_is_not_offered_verification_and_refused_it_by_name(flagged):
    from geodata.workflow import allowed_steps

    guarded, site_id = flagged
    critical = advance(guarded, site_id, "inspected", CHECKS, 1)
    assert allowed_steps(critical) == ("action_planned",)
    clean = advance(
        guarded,
        guarded.write_batch(
            "inventoried_sites", frame(site(owner=MBAB, status="flagged", inspected_on=None, promise_id=None))
        )[0],
        "inspected",
        {**CHECKS, "check_lighting": "ok"},
        1,
    )
    assert allowed_steps(clean) == ("action_planned", "verified")
    with pytest.raises(ValidationError) as caught:
        advance(guarded, site_id, "verified", {}, 2)
    [problem] = caught.value.problems
    assert (problem.field, problem.code, problem.params["fields"]) == ("status", "critical_open", ("check_lighting",))
    # Once a measure is planned and done, the site is verified as usual.
    advance(
        guarded, site_id, "action_planned", {"measure": "Ny lampa", "responsible": "Ali", "due_on": "2024-05-01"}, 2
    )
    fixed = advance(guarded, site_id, "fixed", {}, 3)
    assert allowed_steps(fixed) == ("verified", "action_planned")


def test_the_caretaker_chooses_the_inspection_day_today_by_default_never_a_day_to_come(flagged):
    guarded, site_id = flagged
    today = dt.date(2024, 4, 10)
    for day, code in (("2024-04-11", "future_day"), ("10/4", "not_date")):
        with pytest.raises(ValidationError) as caught:
            advance(guarded, site_id, "inspected", {**CHECKS, "inspected_on": day}, 1, today=today)
        assert [(p.field, p.code) for p in caught.value.problems] == [("inspected_on", code)]
    step = advance(guarded, site_id, "inspected", {**CHECKS, "inspected_on": "2024-04-08"}, 1, today=today)
    assert step["inspected_on"].date() == dt.date(2024, 4, 8)
    advance(guarded, site_id, "action_planned", {"measure": "Lås", "responsible": "Ali", "due_on": "2024-06-01"}, 2)
    with pytest.raises(ValidationError, match="fixed_on.*after today"):
        advance(guarded, site_id, "fixed", {"fixed_on": dt.date(2024, 4, 12)}, 3, today=today)
    assert advance(guarded, site_id, "fixed", {}, 3, today=today)["fixed_on"].date() == today
