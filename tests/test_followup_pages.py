"""The follow-up on the pages (issue 16): the pledge page's section and its judging form, the status summary bar,
the overview's promise cards. Over HTTP against the app on the demo store, its callbacks called as a browser does."""

from __future__ import annotations

import json

import pytest

from dashboard.ids import FollowUp, Overview
from geodata.store import GeoPackageStore

from dash_http import PASSWORD, call_callback, call_matching, find, props_where, render_page, signed_in_client, texts

VARDNADSHAVARE = {"subject": "promise", "id": "mark-2021-information-vardnadshavare"}
NARVARO = {"subject": "promise", "id": "mark-2021-narvaro"}
KALLARE = {"subject": "promise", "id": "mark-2021-kallare-vindar"}


@pytest.fixture
def accounts(demo_copy):
    from geodata.access.accounts import add_user

    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "pia", "police", PASSWORD)
        add_user(store, "ulla", "public", PASSWORD)
        add_user(store, "hanna", "housing_company", PASSWORD, organisation="Marks Bostads AB")
    return demo_copy


def section(client, search: str = "?pledge=mark-2021") -> dict:
    [found] = find(render_page(client, "/pledge", search), id=FollowUp.section)
    return found


def item(tree, subject_id: str) -> dict:
    [found] = find(tree, id=f"followup-{subject_id}")
    return found


def form_data(tree, key: dict) -> dict:
    [store] = props_where(tree, lambda p: p.get("id") == {"type": FollowUp.form, **key})
    return store["data"]


def save(client, key: dict, form: dict, period: str, status: str, text: str) -> dict:
    return call_matching(
        client,
        f"{FollowUp.result}.children",
        key,
        {f"{FollowUp.save}.n_clicks": 1},
        {
            f"{FollowUp.period}.value": period,
            f"{FollowUp.status}.value": status,
            f"{FollowUp.text}.value": text,
            f"{FollowUp.form}.data": form,
        },
    )


def answer_for(response: dict, kind: str, key: dict) -> dict:
    return response[json.dumps({**key, "type": kind}, sort_keys=True, separators=(",", ":"))]


def test_the_pledge_page_follows_up_every_promise_and_goal_by_period(client):
    tree = section(client)
    shown = texts(tree)
    assert tree["type"] == "Section" and shown[0] == "Uppföljning per period"
    for subject_id in (
        "mark-2021-narvaro",
        "mark-2021-riktade-insatser",
        "mark-2021-skolmiljoer",
        "mark-2021-information-vardnadshavare",
        "mark-2021-kallare-vindar",
        "okad-trygghet",
        "minskad-brottslighet",
    ):
        assert item(tree, subject_id)
    riktade = texts(item(tree, "mark-2021-riktade-insatser"))
    # Every period's status, the latest judgement's words, who judged and when, and every version.
    assert [riktade[i] for i, x in enumerate(riktade) if x in ("T1 2021", "T2 2021", "T3 2021")] == [
        "T1 2021",
        "T2 2021",
        "T3 2021",
    ]
    assert {"Påbörjad", "Försenad"} <= set(riktade)
    assert "Demodata: Tre av fyra insatser; den fjärde flyttas." in riktade
    assert any(x.startswith("Bedömd av demo, 20") for x in riktade)
    assert "Alla versioner (3 versioner)" in riktade
    # The figures' proposal in words, the status preselected.
    assert "Förslag utifrån siffrorna: Försenad – 3 av 4 insatser när löftets period tog slut" in riktade
    # A period over for more than a month without a judgement is "Ej bedömd", flagged late.
    late = texts(item(tree, "mark-2021-information-vardnadshavare"))
    assert late[late.index("T3 2021") :][:5] == ["T3 2021", " ", "Ej bedömd", " ", "sen"]
    # The summary bar of the selected period (the latest over), its counts in words under the bar.
    [summary] = find(tree, id=FollowUp.summary)
    words = [x for x in texts(summary) if x.strip()]
    assert words[0] == "Läget T3 2021: löften"
    assert dict(zip(words[1::2], words[2::2])) == {"Genomförd": "2", "Påbörjad": "1", "Försenad": "1", "Ej bedömd": "1"}
    [bar] = props_where(summary, lambda p: p.get("className") == "pm-summary-bar")
    assert [s["props"]["style"]["flexGrow"] for s in bar["children"]] == [2, 1, 1, 1]


def test_the_follow_up_reads_in_english(client):
    shown = texts(section(client, "?pledge=mark-2021&lang=en"))
    assert "Follow-up by period" in shown and "Not judged" in shown and "late" in shown
    assert "Proposed from the figures: Delayed – 3 of 4 operations when the promise's period ended" in shown
    assert "All versions (3 versions)" in shown


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_reason_of_a_proposal_is_worded(lang):
    from dashboard.components.followup import proposal_reason
    from dashboard.i18n import translator
    from geodata.analysis.followup import Proposal, SubjectFollowUp, propose_goal, propose_promise
    from geodata.shipped import shipped_pledges

    mark = next(p for p in shipped_pledges() if p.id == "mark-2021")
    reasons = {}
    for progress in ("done", "behind", "not_met", "on_track", "no_target"):
        for records in (0, 2):
            for over in (False, True):
                evidence = {
                    "progress": progress,
                    "to_date": records,
                    "promise_over": over,
                    "target": 4,
                    "expected": 1.33,
                }
                status, reason = propose_promise(evidence)
                reasons[("promise", reason)] = (status, evidence)
    for verdict in ("better", "worse", "unchanged", "mixed", "no_indicator", "no_data", "no_baseline"):
        evidence = {"verdict": verdict, "indicator": "Otrygghet"}
        status, reason = propose_goal(evidence, False)
        reasons[("goal", reason)] = (status, evidence)
    assert {r for _, r in reasons} == {
        "target_reached",
        "behind_target",
        "target_not_met",
        "on_track",
        "on_track_no_records",
        "records_no_target",
        "no_records",
        "no_records_period_over",
        "indicator_better",
        "indicator_worse",
        "indicator_unclear",
        "no_indicator",
        "no_data",
        "no_baseline",
    }
    t = translator(lang)
    for (subject, reason), (status, evidence) in reasons.items():
        subject_id = "mark-2021-riktade-insatser" if subject == "promise" else "okad-trygghet"
        item = SubjectFollowUp(subject, subject_id, "", (), (), (), Proposal(status, reason, evidence))
        words = proposal_reason(t, lang, mark, item, item.proposal)
        assert words and "{" not in words, (reason, words)
    proposal = Proposal("started", "behind_target", {"to_date": 2, "target": 4, "expected": 1.333})
    riktade = SubjectFollowUp("promise", "mark-2021-riktade-insatser", "", (), (), (), proposal)
    expected = {
        "sv": "2 av 4 insatser, 1,3 väntade vid periodens slut",
        "en": "2 of 4 operations, 1.3 expected by the end of the period",
    }
    assert proposal_reason(t, lang, mark, riktade, proposal) == expected[lang]


def test_saving_a_judgement_keeps_the_figures_and_shows_it(client, demo_copy):
    tree = section(client)
    form = form_data(tree, VARDNADSHAVARE)
    assert form["versions"]["2021-T3"] == 0 and form["versions"]["2021-T2"] == 1
    response = save(client, VARDNADSHAVARE, form, "2021-T3", "done", "  Fyra möten med vårdnadshavare.  ")
    notice = texts(answer_for(response, FollowUp.result, VARDNADSHAVARE)["children"])
    assert notice == ["Bedömningen sparades: T3 2021, Genomförd (version 1)."]
    redrawn = texts(answer_for(response, FollowUp.subject, VARDNADSHAVARE)["children"])
    assert "Fyra möten med vårdnadshavare." in redrawn and "sen" not in redrawn
    assert answer_for(response, FollowUp.form, VARDNADSHAVARE)["data"]["versions"]["2021-T3"] == 1
    with GeoPackageStore.open(demo_copy) as store:
        [saved] = [j for j in store.read_judgements("mark-2021", VARDNADSHAVARE["id"]) if j.period == "2021-T3"]
    assert (saved.status, saved.text, saved.version, saved.judged_by) == (
        "done",
        "Fyra möten med vårdnadshavare.",
        1,
        "local",
    )
    # The evidence is what the figures said about that period: the promise's 4 of 4 parent meetings.
    assert saved.evidence["to_date"] == 4 and saved.evidence["target"] in (None, 4) and "proposed" in saved.evidence
    # Drawn again, the page shows it: the summary counts it, the overview's card shows it.
    again = section(client)
    assert "Fyra möten med vårdnadshavare." in texts(item(again, VARDNADSHAVARE["id"]))


def test_a_judgement_saved_meanwhile_is_a_conflict_and_the_form_keeps_what_was_written(client, demo_copy):
    form = form_data(section(client), VARDNADSHAVARE)
    save(client, VARDNADSHAVARE, form, "2021-T3", "started", "Först")
    response = save(client, VARDNADSHAVARE, form, "2021-T3", "done", "Min text")  # drawn before the first save
    alert = texts(answer_for(response, FollowUp.result, VARDNADSHAVARE)["children"])
    assert alert[0] == "Bedömningen sparades inte: "
    assert "Någon annan har sparat en bedömning för T3 2021" in alert[1] and "version 1" in alert[1]
    # Nothing redrawn: the text, the status and the form's version stay as the judge left them.
    assert set(response) == {
        json.dumps({**VARDNADSHAVARE, "type": FollowUp.result}, sort_keys=True, separators=(",", ":"))
    }
    with GeoPackageStore.open(demo_copy) as store:
        versions = [j for j in store.read_judgements("mark-2021", VARDNADSHAVARE["id"]) if j.period == "2021-T3"]
    assert [(j.version, j.text) for j in versions] == [(1, "Först")]
    english = save(client, VARDNADSHAVARE, {**form, "lang": "en"}, "2021-T3", "done", "Mine")
    assert (
        "Someone else saved a judgement for T3 2021"
        in texts(answer_for(english, FollowUp.result, VARDNADSHAVARE)["children"])[1]
    )


def test_a_problem_with_the_judgement_is_named_in_the_users_language(client):
    form = form_data(section(client), VARDNADSHAVARE)
    response = save(client, VARDNADSHAVARE, form, "2021-T3", "done", "x" * 2001)
    alert = texts(answer_for(response, FollowUp.result, VARDNADSHAVARE)["children"])
    assert alert[0] == "Bedömningen sparades inte: " and "2001" in alert[1]


def test_a_role_judges_only_what_it_is_responsible_for(accounts):
    hanna = signed_in_client(accounts, "hanna")
    tree = section(hanna)
    # The housing company judges its own promise, not the police's, and sees the follow-up of both.
    assert form_data(tree, KALLARE)["subject_id"] == KALLARE["id"]
    assert not props_where(tree, lambda p: p.get("id") == {"type": FollowUp.form, **NARVARO})
    assert "Demodata: Närvaron har hållits hela året på de utpekade platserna." in texts(item(tree, NARVARO["id"]))
    # A save it may not make (a form it was never given) is refused, in its language, and nothing is stored.
    forged = {**form_data(tree, KALLARE), "subject_id": NARVARO["id"], "versions": {"2021-T3": 1}}
    response = save(hanna, NARVARO, forged, "2021-T3", "cancelled", "Nej")
    alert = texts(answer_for(response, FollowUp.result, NARVARO)["children"])
    assert alert[0] == "Bedömningen sparades inte: " and "behörighet" in alert[1].lower()
    with GeoPackageStore.open(accounts) as store:
        assert {j.status for j in store.read_judgements("mark-2021", NARVARO["id"]) if j.period == "2021-T3"} == {
            "done"
        }
    saved = save(hanna, KALLARE, form_data(tree, KALLARE), "2021-T3", "done", "Alla inventerade.")
    assert texts(answer_for(saved, FollowUp.result, KALLARE)["children"])[0].startswith("Bedömningen sparades: T3 2021")


def test_the_public_sees_the_statuses_without_words_or_names(accounts):
    ulla = signed_in_client(accounts, "ulla")
    tree = section(ulla)
    shown = texts(tree)
    assert "Du ser statusarna. De ansvarigas egna texter visas för inloggade parter." in shown
    assert "Försenad" in shown and "Ej bedömd" in shown and "sen" in shown
    assert not [x for x in shown if "Demodata:" in x or x.startswith("Bedömd av") or "demo)" in x]
    assert any(x.startswith("Bedömd 20") for x in shown)  # when, not who
    assert not props_where(tree, lambda p: isinstance(p.get("id"), dict) and p["id"].get("type") == FollowUp.form)
    # Nor can it save by calling the callback.
    police = signed_in_client(accounts, "pia")
    form = form_data(section(police), NARVARO)
    refused = save(ulla, NARVARO, form, "2021-T3", "cancelled", "Nej")
    assert texts(answer_for(refused, FollowUp.result, NARVARO)["children"])[0] == "Bedömningen sparades inte: "


def test_the_overview_cards_show_the_latest_judgement_and_the_trend(client):
    response = call_callback(
        client,
        f"{Overview.cards}.children",
        {f"{Overview.pledge}.value": "mark-2021"},
        state={f"{Overview.promise}.value": "", f"{Overview.lang}.data": "sv"},
    )
    cards = response[Overview.cards]["children"]
    [riktade] = find(cards, id="card-mark-2021-riktade-insatser")
    shown = texts(riktade)
    assert "3 av 4" in shown  # the count-based progress remains
    assert "Bedömt T3 2021:" in shown and "Försenad" in shown
    assert "Demodata: Tre av fyra insatser; den fjärde flyttas." in shown
    [trend] = props_where(riktade, lambda p: p.get("className") == "pm-trend pm-trend-compact")
    assert [x for x in texts({"props": trend}) if x.strip()] == [
        "T1 2021: Påbörjad",
        "T2 2021: Försenad",
        "T3 2021: Försenad",
    ]
    summary = [x for x in texts(response[Overview.summary]["children"]) if x.strip()]
    assert summary[0] == "Läget T3 2021: löften" and "Ej bedömd" in summary


def test_choosing_another_period_in_the_form_shows_what_the_figures_say_about_it(client):
    riktade = {"subject": "promise", "id": "mark-2021-riktade-insatser"}
    form = form_data(section(client), riktade)
    response = call_matching(
        client,
        f"{FollowUp.hint}.children",
        riktade,
        {f"{FollowUp.period}.value": "2021-T1"},
        {f"{FollowUp.text}.value": "half written", f"{FollowUp.form}.data": form},
    )
    assert answer_for(response, FollowUp.hint, riktade)["children"] == (
        "Förslag utifrån siffrorna: Påbörjad – 1 av 4 insatser, 1,3 väntade vid periodens slut"
    )
    assert answer_for(response, FollowUp.status, riktade)["value"] == "started"  # T1's judgement
    assert (
        answer_for(response, FollowUp.text, riktade)["value"] == "Demodata: En insats mot narkotikaförsäljning i Skene."
    )
    assert answer_for(response, FollowUp.form, riktade)["data"]["versions"]["2021-T1"] == 1


def test_the_address_chooses_the_period_the_follow_up_shows(client):
    tree = section(client, "?pledge=mark-2021&period=2021-T2")
    [summary] = find(tree, id=FollowUp.summary)
    words = [x for x in texts(summary) if x.strip()]
    assert words[0] == "Läget T2 2021: löften"
    assert dict(zip(words[1::2], words[2::2])) == {"Genomförd": "1", "Påbörjad": "3", "Försenad": "1"}
    [current] = props_where(tree, lambda p: p.get("aria-current") == "page")
    assert current["children"] == "T2 2021" and "period=2021-T2" in current["href"]
    [period] = props_where(tree, lambda p: p.get("id") == {"type": FollowUp.period, **NARVARO})
    assert period["value"] == "2021-T2"
    # A period the pledge does not have is not an error: the latest period over is shown.
    again = section(client, "?pledge=mark-2021&period=2030-T9")
    assert [x for x in texts(find(again, id=FollowUp.summary)) if x.strip()][0] == "Läget T3 2021: löften"


def test_a_carried_over_promise_shows_its_earlier_year_in_the_follow_up(client, demo_copy):
    from geodata.io.pledge_cycle import Decision, next_pledge
    from geodata.model import pledge_from_dict

    with GeoPackageStore.open(demo_copy) as store:
        mark = store.get_pledge("mark-2021")
        decisions = {p.id: Decision(True, "Fortsatt behov enligt lägesbilden") for p in mark.promises}
        decisions["mark-2021-skolmiljoer"] = Decision(False, "Ersätts av skolans eget trygghetsarbete")
        store.save_pledge(pledge_from_dict(next_pledge(mark, decisions)))
    next_year = section(client, "?pledge=mark-2022")
    carried = " ".join(texts(item(next_year, "mark-2022-riktade-insatser")))
    assert "Löftespunktens historia" in carried and "Medborgarlöfte Mark 2021" in carried
    assert "T2 2021" in carried and "Försenad" in carried  # the demo's judgement of last year's promise
    # Last year's pledge shows where each promise went; a pledge no other follows shows no history.
    assert "Medborgarlöfte Mark 2022" in " ".join(texts(item(section(client), "mark-2021-narvaro")))
    assert "Löftespunktens historia" not in " ".join(texts(section(client, "?pledge=molndal-2018")))
    # A promise not taken over says why, on last year's page.
    dropped = " ".join(" ".join(texts(item(section(client), "mark-2021-skolmiljoer"))).split())
    assert "Ersätts av skolans eget trygghetsarbete" in dropped


def test_those_who_may_change_the_pledge_set_how_often_it_is_followed_up(accounts, demo_copy):
    from dataclasses import replace

    from geodata.access.accounts import add_user

    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "kim", "municipality", PASSWORD)
        mark = store.get_pledge("mark-2021")  # a copy with nothing judged yet (its promises need ids of their own)
        promises = tuple(replace(p, id=f"{p.id}-b", pledge_id="mark-2021b") for p in mark.promises)
        store.save_pledge(replace(mark, id="mark-2021b", promises=promises))
    kim = signed_in_client(demo_copy, "kim")
    tree = section(kim, "?pledge=molndal-2018")
    assert find(tree, id=FollowUp.cadence) and "Ändra hur ofta löftet följs upp" in " ".join(texts(tree))

    def choose(client, pledge_id: str, cadence: str) -> str:
        shown = {"pledge": pledge_id, "period": "2018-T1", "lang": "sv"}
        answer = call_callback(
            client,
            f"{FollowUp.cadence_result}.children",
            {f"{FollowUp.cadence_save}.n_clicks": 1},
            {f"{FollowUp.cadence}.value": cadence, f"{FollowUp.shown}.data": shown},
        )
        return " ".join(texts(answer[FollowUp.cadence_result]["children"]))

    # Mölndal's tertials are judged: half years would leave those judgements about nothing; nothing is saved.
    words = choose(kim, "molndal-2018", "half_year")
    assert "Uppföljningsintervallet sparades inte" in words
    assert "Uppföljningsintervall: uppföljningsperioden 2018-T1 har bedömningar" in words
    # A pledge with nothing judged takes it, and its periods are quarters from then on.
    assert "Löftet följs nu upp per kvartal." in choose(kim, "mark-2021b", "quarter")
    periods = " ".join(texts(section(kim, "?pledge=mark-2021b")))
    assert "K1 2021" in periods and "K4 2021" in periods and "T1 2021" not in periods
    # A housing company judges its own promises but does not change the pledge: no control, a crafted request
    # is refused.
    company = signed_in_client(demo_copy, "hanna")
    assert not find(section(company, "?pledge=mark-2021b"), id=FollowUp.cadence)
    assert "sparades inte" in choose(company, "mark-2021b", "year")
    with GeoPackageStore.open(demo_copy) as store:
        assert store.get_pledge("molndal-2018").cadence == "tertial"
        assert store.get_pledge("mark-2021b").cadence == "quarter"


def test_the_period_shown_is_the_judgement_shown_and_a_later_one_is_said_beside_it(client):
    t2 = " ".join(" ".join(texts(item(section(client, "?pledge=mark-2021&period=2021-T2"), NARVARO["id"]))).split())
    assert "Bedömningen för T2 2021: Påbörjad" in t2 and "Fler kvällar i Kinna centrum under sommaren." in t2
    assert "Senaste bedömningen, T3 2021: Genomförd" in t2
    t3 = " ".join(" ".join(texts(item(section(client, "?pledge=mark-2021&period=2021-T3"), NARVARO["id"]))).split())
    assert "Bedömningen för T3 2021: Genomförd" in t3 and "Senaste bedömningen" not in t3
    unjudged = " ".join(texts(item(section(client, "?pledge=mark-2021&period=2021-T3"), VARDNADSHAVARE["id"])))
    assert "Ingen bedömning för T3 2021 ännu." in unjudged and "Senaste bedömningen, T2 2021:" in unjudged


def test_a_status_has_one_set_of_colours_on_every_page_and_in_the_reports(client):
    from dashboard.figures.style import JUDGED_COLOURS, status_style

    def contrast(one: str, two: str) -> float:
        def luminance(colour: str) -> float:
            channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
            r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
            return 0.2126 * r + 0.7152 * g + 0.0722 * b

        high, low = sorted((luminance(one), luminance(two)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    for status, (fill, text, border) in JUDGED_COLOURS.items():
        assert contrast(fill, text) >= 4.5, status
        assert contrast(border, "#ffffff") >= 3 or contrast(fill, "#ffffff") >= 3, status
    badges = props_where(section(client), lambda p: p.get("className") == "pm-judged")
    assert badges and all(b["style"] in [status_style(s) for s in JUDGED_COLOURS] for b in badges)
