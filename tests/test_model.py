"""The pledge model: what a valid pledge is, and the errors for what is not."""

from __future__ import annotations

import datetime as dt

import pytest

from geodata.errors import ValidationError
from geodata.model import pledge_from_dict
from geodata.shipped import shipped_pledges

from builders import pledge_dict


def problems_of(data) -> list[tuple[str, str, str]]:
    with pytest.raises(ValidationError) as info:
        pledge_from_dict(data)
    return [(p.record, p.field, p.message) for p in info.value.problems]


def test_a_valid_pledge_is_built_with_defaults():
    pledge = pledge_from_dict(pledge_dict())
    operations, inventory = pledge.promises
    assert operations.target == 4
    assert operations.evidence.layer == "operations"
    assert operations.evidence.kinds == ("targeted_drug_operation",)
    assert inventory.evidence.layer == "inventoried_sites"
    assert pledge.promise_period(inventory) == pledge.period  # a promise runs for the pledge's period by default
    assert pledge.period.start == dt.date(2024, 1, 1)


def test_to_dict_reads_back_to_an_equal_pledge():
    for pledge in shipped_pledges():
        assert pledge_from_dict(pledge.to_dict()) == pledge


def test_period_ending_before_it_starts_names_the_field():
    found = problems_of(pledge_dict(period={"start": "2024-12-31", "end": "2024-01-01"}))
    assert found == [
        (
            "pledge test-2024",
            "period.end",
            "ends 2024-01-01 before it starts 2024-12-31; expected an end on or after the start",
        )
    ]


def test_promise_with_unknown_party_kind_and_bad_target():
    data = pledge_dict()
    data["promises"][0].update(parties=["kustbevakningen"], kind="raid", target="fyra")
    fields = {field: message for _, field, message in problems_of(data)}
    assert "'kustbevakningen' is not one of the pledge's partners" in fields["promises[0].parties"]
    assert "'raid' is not allowed; expected one of: targeted_operation" in fields["promises[0].kind"]
    assert fields["promises[0].target"] == "expected a whole number of at least 1, got 'fyra'"


def test_promise_period_outside_the_pledge_and_duplicate_ids():
    data = pledge_dict()
    data["promises"][1]["period"] = {"start": "2023-06-01", "end": "2024-03-01"}
    data["promises"].append(dict(data["promises"][0]))
    fields = [field for _, field, _ in problems_of(data)]
    assert "promises[1].period" in fields
    assert "promises" in fields  # the duplicate id


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"id": "Mölndal 2018"}, "id"),
        ({"municipality": {"name": "Mölndal", "code": "148"}}, "municipality.code"),
        ({"partners": []}, "partners"),
        ({"goals": [{"id": "g"}]}, "goals[0].text"),
        ({"signed_on": "15 februari"}, "signed_on"),
        ({"follow_up": [{"kind": "fax", "label": "Fax"}]}, "follow_up[0].kind"),
        (
            {
                "promises": [
                    {
                        "id": "p",
                        "text": "t",
                        "parties": ["polisen"],
                        "kind": "other",
                        "evidence": {"layer": "operations", "kinds": ["basement"]},
                    }
                ]
            },
            "promises[0].evidence.kinds",
        ),
    ],
)
def test_each_bad_field_is_reported_by_name(overrides, field):
    assert field in [f for _, f, _ in problems_of(pledge_dict(**overrides))]


def test_every_problem_is_reported_at_once():
    found = problems_of(pledge_dict(title="", focus=None, period=None))
    assert {"title", "focus", "period"} <= {f for _, f, _ in found}


def test_a_stray_or_misspelt_key_is_a_problem_not_dropped():
    import yaml

    # An unquoted comma in an inline YAML mapping splits the text and leaves a stray key behind.
    goals = yaml.safe_load("- {id: fortroende, text: Stärkt förtroende för polis, kommun och bostadsbolag}")
    with pytest.raises(ValidationError) as caught:
        pledge_from_dict(pledge_dict(goals=goals, promises=[{**pledge_dict()["promises"][0], "targt": 4}]))
    fields_named = {p.field for p in caught.value.problems}
    assert {"goals[0].kommun och bostadsbolag", "promises[0].targt"} <= fields_named
    assert "is not a field of a goal; expected one of: baseline_year, better, categories, id, indicator, text" in str(
        caught.value
    )


def test_target_per_is_read_checked_and_written():
    data = pledge_dict()
    data["promises"][0].update(target=900, target_unit="timmar", target_per="year")
    pledge = pledge_from_dict(data)
    assert pledge.promises[0].target_per == "year" and pledge.promises[1].target_per is None
    assert pledge.to_dict()["promises"][0]["target_per"] == "year"
    assert "target_per" not in pledge.to_dict()["promises"][1]
    assert pledge_from_dict(pledge.to_dict()) == pledge
    data["promises"][0]["target_per"] = "fortnight"
    fields = {field: message for _, field, message in problems_of(data)}
    assert fields["promises[0].target_per"] == (
        "'fortnight' is not allowed; expected one of: period, year, month, week, day"
    )


def test_a_target_per_unit_over_the_whole_period():
    from geodata.model import Period, target_over

    two_years = Period(dt.date(2021, 1, 1), dt.date(2022, 12, 31))
    summer = Period(dt.date(2021, 6, 1), dt.date(2021, 8, 31))
    assert target_over(900, "year", two_years) == 1800
    assert target_over(1, "month", two_years) == 24
    assert target_over(1, "week", summer) == 13
    assert target_over(1, "day", summer) == 92
    assert target_over(4, "period", two_years) == target_over(4, None, two_years) == 4
    assert target_over(None, "year", two_years) is None
    assert target_over(2, "year", summer) == 2  # at least one year's worth, also for a shorter period
