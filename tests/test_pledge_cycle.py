"""The pledge cycle: next year's pledge drafted from this one, kept with its link, and a promise's years."""

from __future__ import annotations

import datetime as dt

import pytest

from geodata.errors import ValidationError
from geodata.followup import Judgement
from geodata.io.pledge_cycle import Decision, next_pledge
from geodata.model import Carried, pledge_from_dict
from geodata.shipped import shipped_pledges
from geodata.views.cycle import promise_lineage

from builders import pledge_dict


def mark():
    return next(p for p in shipped_pledges() if p.id == "mark-2021")


def decisions(pledge, dropped=(), reason="Fortsatt behov enligt lägesbilden"):
    return {p.id: Decision(p.id not in dropped, reason if p.id not in dropped else "Avslutat") for p in pledge.promises}


def test_next_pledge_of_mark_2021_is_mark_2022_with_its_promises_carried_or_not():
    old = mark()
    doc = next_pledge(old, decisions(old, dropped=("mark-2021-skolmiljoer",)))
    new = pledge_from_dict(doc)
    assert (new.id, new.title, new.follows) == ("mark-2022", "Medborgarlöfte Mark 2022", "mark-2021")
    assert (new.period.start, new.period.end) == (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert (new.municipality, new.police_area, new.partners, new.contact) == (
        old.municipality,
        old.police_area,
        old.partners,
        old.contact,
    )
    assert new.cadence == old.cadence and new.goals == old.goals and new.follow_up == old.follow_up
    assert [p.id for p in new.promises] == [
        "mark-2022-narvaro",
        "mark-2022-riktade-insatser",
        "mark-2022-information-vardnadshavare",
        "mark-2022-kallare-vindar",
    ]
    targeted = new.promise("mark-2022-riktade-insatser")
    was = old.promise("mark-2021-riktade-insatser")
    assert (targeted.text, targeted.parties, targeted.kind, targeted.target, targeted.target_unit) == (
        was.text,
        was.parties,
        was.kind,
        was.target,
        was.target_unit,
    )
    assert new.promise("mark-2022-kallare-vindar").evidence == old.promise("mark-2021-kallare-vindar").evidence
    assert new.carried[2] == Carried("mark-2021-skolmiljoer", "Avslutat", None)
    assert new.carried[1] == Carried(
        "mark-2021-riktade-insatser", "Fortsatt behov enligt lägesbilden", "mark-2022-riktade-insatser"
    )
    assert new.carried_from("mark-2022-narvaro") == "mark-2021-narvaro"
    assert not new.signatories and new.signed_on is None


def test_next_pledge_takes_a_year_an_id_and_new_promises():
    old = mark()
    extra = {"text": "Trygghetsvandringar i Kinna centrum", "parties": ["marks-kommun"], "kind": "citizen_dialogue"}
    doc = next_pledge(old, decisions(old), year=2024, new_id="mark-trygghet-2024", extra_promises=[extra])
    new = pledge_from_dict(doc)
    assert new.id == "mark-trygghet-2024" and new.title == "Medborgarlöfte Mark 2024"
    assert new.period.start == dt.date(2024, 1, 1) and new.period.end == dt.date(2024, 12, 31)
    assert new.promises[0].id == "mark-trygghet-2024-narvaro"
    assert new.promises[-1].text == extra["text"] and new.promises[-1].id.startswith("mark-trygghet-2024-")
    assert new.carried_from(new.promises[-1].id) is None


def test_a_promise_of_its_own_period_moves_with_the_pledge():
    data = pledge_dict()
    data["promises"][0]["period"] = {"start": "2024-03-01", "end": "2024-06-30"}
    old = pledge_from_dict(data)
    new = pledge_from_dict(next_pledge(old, decisions(old)))
    assert new.promises[0].period.start == dt.date(2025, 3, 1) and new.promises[0].period.end == dt.date(2025, 6, 30)


def test_next_pledge_refuses_promises_without_a_decision_or_a_reason():
    old = mark()
    given = {"mark-2021-narvaro": Decision(True, "  "), "mark-2021-riktade-insatser": Decision(False, "Klart")}
    with pytest.raises(ValidationError) as caught:
        next_pledge(old, given)
    fields = {p.field for p in caught.value.problems}
    assert fields == {
        "decisions.mark-2021-narvaro.reason",
        "decisions.mark-2021-skolmiljoer",
        "decisions.mark-2021-information-vardnadshavare",
        "decisions.mark-2021-kallare-vindar",
    }
    assert {p.params["promise"] for p in caught.value.problems} == {
        "mark-2021-narvaro",
        "mark-2021-skolmiljoer",
        "mark-2021-information-vardnadshavare",
        "mark-2021-kallare-vindar",
    }
    with pytest.raises(ValidationError, match="not a promise of pledge mark-2021"):
        next_pledge(old, {**decisions(old), "mark-2021-annat": Decision(True, "x")})
    with pytest.raises(ValidationError, match="not after"):
        next_pledge(old, decisions(old), year=2021)


def test_a_carried_promise_must_be_a_promise_of_the_pledge():
    doc = next_pledge(mark(), decisions(mark()))
    doc["carried"][0]["to"] = "mark-2022-finns-inte"
    with pytest.raises(ValidationError) as caught:
        pledge_from_dict(doc)
    assert [p.field for p in caught.value.problems] == ["carried[0].to"]


def test_the_store_keeps_follows_and_carried(store):
    old = pledge_from_dict(pledge_dict())
    new = pledge_from_dict(next_pledge(old, decisions(old, dropped=("test-2024-inventering",))))
    store.save_pledge(new)
    kept = store.get_pledge("test-2025")
    assert kept.follows == "test-2024"
    assert kept.carried == (
        Carried("test-2024-insatser", "Fortsatt behov enligt lägesbilden", "test-2025-insatser"),
        Carried("test-2024-inventering", "Avslutat", None),
    )
    assert kept == new


def judge(store, pledge_id, promise_id, period, status, versions=1):
    for version in range(versions):
        store.save_judgement(
            Judgement(pledge_id, "promise", promise_id, period, status, f"{status} {version}", {}), version
        )


def test_a_promise_lineage_spans_three_years_with_its_judgements(store):
    first = store.get_pledge("test-2024")
    second = pledge_from_dict(next_pledge(first, decisions(first)))
    third_doc = next_pledge(
        second,
        {"test-2025-insatser": Decision(True, "Nu med skolan"), "test-2025-inventering": Decision(False, "Klar")},
    )
    third = pledge_from_dict(third_doc)
    store.save_pledge(second)
    store.save_pledge(third)
    judge(store, "test-2024", "test-2024-insatser", "2024-T1", "started")
    judge(store, "test-2024", "test-2024-insatser", "2024-T3", "delayed", versions=2)
    judge(store, "test-2025", "test-2025-insatser", "2025-T2", "done")
    judge(store, "test-2026", "test-2026-insatser", "2026-T1", "not_started")

    lineage = promise_lineage(store, second, "test-2025-insatser", today=dt.date(2026, 6, 1))
    assert [(s.pledge_id, s.promise_id) for s in lineage.steps] == [
        ("test-2024", "test-2024-insatser"),
        ("test-2025", "test-2025-insatser"),
        ("test-2026", "test-2026-insatser"),
    ]
    assert lineage.index() == 1 and not lineage.missing and not lineage.cycle and lineage.dropped is None
    assert [[(j.period, j.status) for j in s.judgements] for s in lineage.steps] == [
        [("2024-T1", "started"), ("2024-T3", "delayed")],
        [("2025-T2", "done")],
        [("2026-T1", "not_started")],
    ]
    assert lineage.steps[0].judgements[1].version == 2
    assert [s.reason for s in lineage.steps] == ["Fortsatt behov enligt lägesbilden", "Nu med skolan", None]
    assert all(s.progress is not None and s.progress.target == 4 for s in lineage.steps)

    ended = promise_lineage(store, third, "test-2026-insatser", today=dt.date(2026, 6, 1))
    assert [s.pledge_id for s in ended.steps] == ["test-2024", "test-2025", "test-2026"]
    gone = promise_lineage(store, second, "test-2025-inventering", today=dt.date(2026, 6, 1))
    assert [s.pledge_id for s in gone.steps] == ["test-2024", "test-2025"] and gone.dropped == ("test-2026", "Klar")


def test_a_lineage_names_a_missing_earlier_pledge_and_stops_at_a_cycle(store):
    first = store.get_pledge("test-2024")
    orphan = pledge_from_dict({**next_pledge(first, decisions(first)), "id": "orphan-2025", "follows": "gone-2024"})
    store.save_pledge(orphan)
    lineage = promise_lineage(store, orphan, "test-2025-insatser", today=dt.date(2025, 6, 1))
    assert lineage.missing == ("gone-2024",)
    assert [(s.pledge_id, s.promise_id, s.pledge) for s in lineage.steps][0] == (
        "gone-2024",
        "test-2024-insatser",
        None,
    )
    assert lineage.steps[1].progress is not None

    # Two pledges that follow each other (bad data): the chain stops instead of running round.
    for me, other in (("loop-a", "loop-b"), ("loop-b", "loop-a")):
        data = pledge_dict(id=me, follows=other, carried=[{"promise": f"{other}-1", "reason": "r", "to": f"{me}-1"}])
        data["promises"] = [{**data["promises"][0], "id": f"{me}-1"}]
        store.save_pledge(pledge_from_dict(data))
    lineage = promise_lineage(store, store.get_pledge("loop-a"), "loop-a-1", today=dt.date(2025, 6, 1))
    assert lineage.cycle and [s.promise_id for s in lineage.steps] == ["loop-b-1", "loop-a-1"]


def test_renaming_the_draft_renames_the_promises_carried_into():
    from geodata.io.pledge_draft import apply_edits, pledge_data

    doc = apply_edits(next_pledge(mark(), decisions(mark())), {"id": "mark-2022b"})
    new = pledge_from_dict(pledge_data(doc))
    assert new.carried[0].to == "mark-2022b-narvaro" == new.promises[0].id


# --- the command line ------------------------------------------------------------------------------------------


def _cli_decisions(dropped="mark-2021-skolmiljoer"):
    args = []
    for promise in mark().promises:
        flag = "--drop" if promise.id == dropped else "--carry"
        args += [flag, f"{promise.id}=Skäl för {promise.id}"]
    return args


def test_pledge_next_writes_a_commented_draft_that_pledge_add_saves_with_its_links(demo_copy, tmp_path, capsys):
    from dashboard.cli import main
    from geodata.store import GeoPackageStore

    out = tmp_path / "mark-2022.yaml"
    assert main(["pledge", "next", "mark-2021", "--data", str(demo_copy), *_cli_decisions(), "--out", str(out)]) == 0
    assert (
        "Skrev utkastet mark-2022: Medborgarlöfte Mark 2022 (förs över: 4, förs inte över: 1)"
        in capsys.readouterr().out
    )
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Utkast till nästa års löfte, efter mark-2021.")
    assert "period:  # antaget från förra året: kontrollera" in text
    assert "- id: mark-2022-narvaro  # förs över från förra året (se carried)" in text
    assert "signed_on: null  # fyll i när löftet skrivs under" in text

    assert main(["pledge", "add", "--data", str(demo_copy), str(out)]) == 0
    with GeoPackageStore.open(demo_copy) as store:
        saved = store.get_pledge("mark-2022")
    assert saved.follows == "mark-2021" and len(saved.carried) == 5
    assert saved.carried[2] == Carried("mark-2021-skolmiljoer", "Skäl för mark-2021-skolmiljoer", None)
    assert saved.carried_from("mark-2022-riktade-insatser") == "mark-2021-riktade-insatser"


def test_pledge_next_names_each_promise_without_a_decision_in_swedish_and_english(demo_copy, tmp_path, capsys):
    from dashboard.cli import main

    out = tmp_path / "draft.yaml"
    given = ["--carry", "mark-2021-narvaro=", "--drop", "mark-2021-skolmiljoer=Skolorna tar över"]
    assert main(["pledge", "next", "mark-2021", "--data", str(demo_copy), *given, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "pledgemap: 4 saker att rätta; inget utkast skrevs:" in err
    assert "- Löftespunkt 1 (”Förstärkt närvaro" in err and "mark-2021-narvaro), skäl: saknas" in err
    assert "Löftespunkt 2 (”Minst fyra riktade insatser" in err and "mark-2021-riktade-insatser): beslut saknas" in err
    assert "skolmiljoer" not in err and not out.exists()
    assert main(["pledge", "next", "mark-2021", "--data", str(demo_copy), *given, "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "pledgemap: 4 things to fix; no draft was written:" in err
    assert "mark-2021-kallare-vindar): no decision; choose whether it is carried over or not" in err
    assert 'Give each promise --carry ID="reason"' in err


def test_the_lineage_list_shows_each_year_its_judgements_and_reasons(store):
    from dash.development.base_component import Component

    from dashboard.components.cycle import promise_lineage_list

    first = store.get_pledge("test-2024")
    second = pledge_from_dict(next_pledge(first, decisions(first)))
    store.save_pledge(second)
    third = pledge_from_dict(
        next_pledge(
            second,
            {
                "test-2025-insatser": Decision(False, "Målet nått"),
                "test-2025-inventering": Decision(True, "Fler platser"),
            },
        )
    )
    store.save_pledge(third)
    judge(store, "test-2024", "test-2024-insatser", "2024-T3", "delayed")
    judge(store, "test-2025", "test-2025-insatser", "2025-T1", "done")

    def words(component) -> str:
        found = []

        def walk(node):
            if isinstance(node, Component):
                walk(getattr(node, "children", None))
            elif isinstance(node, (list, tuple)):
                for item in node:
                    walk(item)
            elif node is not None:
                found.append(str(node))

        walk(component)
        return " ".join(found)

    lineage = promise_lineage(store, second, "test-2025-insatser", today=dt.date(2026, 6, 1))
    shown = words(promise_lineage_list("sv", lineage))
    assert shown.startswith("Löftespunktens historia")
    assert "Medborgarlöfte Testkommun 2024" in shown and "Medborgarlöfte Testkommun 2025  (detta löfte)" in shown
    assert "T3 2024:  Försenad" in shown and "T1 2025:  Genomförd" in shown
    assert "Förs över till nästa år: Fortsatt behov enligt lägesbilden" in shown
    assert "Förs inte över till test-2026: Målet nått" in shown
    english = words(promise_lineage_list("en", lineage))
    assert "The promise's history" in english and "T1 2025:  Done" in english and "(this pledge)" in english


def test_pledge_next_takes_the_lagesbild_action_plan_in_when_asked(demo_copy, tmp_path, capsys):
    from dashboard.cli import main
    from geodata.analysis.situation_document import Measure, PriorityProblem, SituationReport, save_situation_report
    from geodata.store import GeoPackageStore

    out = tmp_path / "mark-2022.yaml"
    asked = ["pledge", "next", "mark-2021", "--data", str(demo_copy), *_cli_decisions(), "--from-situation"]
    assert main([*asked, "--out", str(out)]) == 1
    assert "Mark har ingen sparad lägesbild för det nya löftets första år" in capsys.readouterr().err
    with GeoPackageStore.open(demo_copy) as store:
        plan = SituationReport(
            "1463",
            2021,
            problems=(PriorityProblem("p1", "Klotter i Skene centrum"),),
            measures=(Measure("Snabb sanering av klotter i Skene", "mbab", "p1"),),
        )
        save_situation_report(store, plan, 0)
    assert main([*asked, "--out", str(out)]) == 0
    capsys.readouterr()
    text = out.read_text(encoding="utf-8")
    assert "text: Snabb sanering av klotter i Skene" in text
    assert main(["pledge", "add", "--data", str(demo_copy), str(out)]) == 0
    with GeoPackageStore.open(demo_copy) as store:
        added = store.get_pledge("mark-2022").promises[-1]
    assert (added.text, added.parties) == ("Snabb sanering av klotter i Skene", ("mbab",))
