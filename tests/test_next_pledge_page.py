"""The page that starts next year's pledge (/pledge/next), over HTTP as a browser calls it, and in Chromium."""

from __future__ import annotations

import re

import pytest
from test_pledge_draft_page import FIELD, REPLACE, call, components
from test_signin import client_for, signed  # noqa: F401 (the fixture of accounts of every role)

from dashboard.ids import DraftForm, Importer, NextPledge
from geodata.followup import Judgement
from geodata.store import GeoPackageStore

from dash_http import find, props_where, render_page, texts

DECISION = '{"promise":["ALL"],"type":"np-decision"}'
REASON = '{"promise":["ALL"],"type":"np-reason"}'
SITUATION = '{"all":["ALL"],"type":"np-situation"}'
MARK = (
    "mark-2021-narvaro",
    "mark-2021-riktade-insatser",
    "mark-2021-skolmiljoer",
    "mark-2021-information-vardnadshavare",
    "mark-2021-kallare-vindar",
)


def create(client, choices: dict, reasons: dict, year=2022, lang="sv", plan: bool | None = None) -> dict:
    """Press "Skapa utkast" with ``choices`` ("carry"/"drop" or None) and ``reasons`` by promise id; ``plan``:
    the lägesbild's check box ticked or not (None: the page drew none, as where no lägesbild is saved)."""

    def pattern(kind, values):
        return [
            {"id": {"promise": p, "type": kind}, "property": prop, "value": v}
            for p in MARK
            for prop, v in (("value", values.get(p)),)
        ]

    def ids(kind):
        return [
            {"id": {"promise": p, "type": kind}, "property": "id", "value": {"promise": p, "type": kind}} for p in MARK
        ]

    return call(
        client,
        f"{NextPledge.problems}.children",
        {
            f"{NextPledge.create}.n_clicks": 1,
            f"{DECISION}.value": pattern(NextPledge.decision, choices),
            f"{DECISION}.id": ids(NextPledge.decision),
            f"{REASON}.value": pattern(NextPledge.reason, reasons),
            f"{REASON}.id": ids(NextPledge.reason),
            f"{NextPledge.year}.value": year,
            f"{NextPledge.pledge}.data": "mark-2021",
            f"{Importer.lang}.data": lang,
            f"{SITUATION}.value": []
            if plan is None
            else [
                {
                    "id": {"all": "plan", "type": NextPledge.situation},
                    "property": "value",
                    "value": ["yes"] if plan else [],
                }
            ],
        },
        changed=f"{NextPledge.create}.n_clicks",
    )


def all_decided():
    choices = {p: "carry" for p in MARK}
    choices["mark-2021-skolmiljoer"] = "drop"
    return choices, {p: f"Skäl för {p}" for p in MARK}


def save(client, doc, tree, lang="sv") -> str:
    """Press the review form's "Spara löftet" with the fields as the form drew them."""
    fields = components(tree, DraftForm.field)
    sent = call(
        client,
        f"{Importer.saved}.children",
        {
            f"{Importer.save_pledge}.n_clicks": 1,
            f"{REPLACE}.n_clicks": [],
            f"{FIELD}.value": [{"id": p["id"], "property": "value", "value": p.get("value")} for p in fields],
            f"{FIELD}.id": [{"id": p["id"], "property": "id", "value": p["id"]} for p in fields],
            f"{DraftForm.doc}.data": doc,
            f"{Importer.lang}.data": lang,
        },
        changed=f"{Importer.save_pledge}.n_clicks",
    )
    return " ".join(texts(sent[Importer.saved]["children"]))


def test_the_page_lists_each_promise_with_its_latest_judgement_and_a_choice(client, demo_copy):
    text = "Ingen vidare information i år."
    with GeoPackageStore.open(demo_copy) as store:
        # The demo judged this promise up to 2021-T2; a judgement of the last tertial is now its latest.
        store.save_judgement(
            Judgement("mark-2021", "promise", "mark-2021-information-vardnadshavare", "2021-T3", "cancelled", text, {}),
            0,
        )
        judged = {j.subject_id for j in store.read_judgements("mark-2021") if j.subject == "promise"}
    tree = render_page(client, "/pledge/next", "?pledge=mark-2021")
    shown = " ".join(texts(tree))
    assert "Starta nästa års löfte" in shown and "för perioden 2022-01-01 – 2022-12-31" in shown
    latest = [
        " ".join(texts(p["children"])) for p in props_where(tree, lambda p: p.get("className") == "pm-cycle-latest")
    ]
    assert latest[3] == "Senaste bedömning:  Avförd (inställd) (T3 2021)"
    assert len(latest) == 5 and all(("Ej bedömd" in x) == (m not in judged) for x, m in zip(latest, MARK))
    radios = components(tree, NextPledge.decision)
    assert [r["id"]["promise"] for r in radios] == list(MARK)
    assert [o["label"] for o in radios[0]["options"]] == ["Förs över", "Förs inte över"]
    assert all(r.get("required") for r in components(tree, NextPledge.reason))
    english = " ".join(texts(render_page(client, "/pledge/next", "?pledge=mark-2021&lang=en")))
    assert "Start next year's pledge" in english and "Carried over" not in english  # the options are props
    # The pledge page links here for a role that may change pledges.
    pledge_page = render_page(client, "/pledge", "?pledge=mark-2021")
    [link] = find(pledge_page, id=NextPledge.link)
    assert link["props"]["href"] == "/pledge/next?pledge=mark-2021"


def test_a_missing_decision_or_reason_is_named_by_promise_and_field(client):
    choices, reasons = all_decided()
    reasons["mark-2021-narvaro"] = "  "
    del choices["mark-2021-kallare-vindar"]
    sent = create(client, choices, reasons)
    said = " ".join(texts(sent[NextPledge.problems]["children"]))
    assert said.startswith("2 saker att rätta innan utkastet kan skapas")
    assert (
        "Löftespunkt 1 (”Förstärkt närvaro på särskilt utpekade otrygga platser. Fok…”, mark-2021-narvaro), skäl: saknas"
        in said
    )
    assert "Löftespunkt 5 (”Marks Bostads AB" in said and "mark-2021-kallare-vindar): beslut saknas" in said
    assert sent[DraftForm.doc]["data"] is None
    english = create(client, choices, reasons, lang="en")
    said = " ".join(texts(english[NextPledge.problems]["children"]))
    assert "2 things to fix" in said and "mark-2021-narvaro), reason: missing" in said
    wrong_year = create(client, *all_decided(), year=2020)
    assert "2020 är inte efter löftets första år 2021" in " ".join(texts(wrong_year[NextPledge.problems]["children"]))


def test_a_draft_opens_in_the_review_form_and_saves_with_its_links(client, demo_copy):
    sent = create(client, *all_decided())
    doc = sent[DraftForm.doc]["data"]
    assert doc["id"] == "mark-2022" and doc["follows"] == "mark-2021"
    assert "förs över: 4, förs inte över: 1" in sent[DraftForm.notice]["children"]
    tree = sent[Importer.draft]["children"]
    shown = " ".join(texts(tree))
    assert "Utkast att granska" in shown and "Utkastet bygger på löftet mark-2021." in shown
    values = {p["id"]["path"]: p.get("value") for p in components(tree, DraftForm.field)}
    assert values["id"] == "mark-2022" and values["period.start"] == "2022-01-01"
    assert values["promises.1.text"].startswith("Minst fyra riktade insatser") and len(doc["promises"]) == 4

    answer = save(client, doc, tree)
    assert "Sparat: Medborgarlöfte Mark 2022." in answer
    with GeoPackageStore.open(demo_copy) as store:
        saved = store.get_pledge("mark-2022")
    assert saved.follows == "mark-2021"
    assert saved.carried_from("mark-2022-kallare-vindar") == "mark-2021-kallare-vindar"
    assert [c.to for c in saved.carried if c.promise == "mark-2021-skolmiljoer"] == [None]


def test_a_role_that_may_not_change_pledges_is_refused_on_the_server(signed):  # noqa: F811
    hanna = client_for(signed, "hanna")
    shown = " ".join(texts(render_page(hanna, "/pledge/next", "?pledge=mark-2021")))
    assert "Ditt konto har rollen bostadsbolag" in shown and "Skapa utkast" not in shown
    assert not find(render_page(hanna, "/pledge", "?pledge=mark-2021"), id=NextPledge.link)
    # A crafted request gets no draft, and a crafted save is refused by the guarded store.
    sent = create(hanna, *all_decided())
    assert "Ditt konto har inte behörighet" in " ".join(texts(sent[NextPledge.problems]["children"]))
    assert sent[DraftForm.doc]["data"] is None
    made = create(client_for(signed, "mats"), *all_decided())
    answer = save(hanna, made[DraftForm.doc]["data"], made[Importer.draft]["children"])
    assert "Ditt konto har inte behörighet" in answer
    with GeoPackageStore.open(signed) as store:
        assert "mark-2022" not in {p.id for p in store.list_pledges()}


@pytest.mark.browser
def test_next_pledge_in_chromium_passes_axe_and_makes_a_draft(demo_copy):
    from browser import SCREENSHOTS, axe_violations, browser_page, serving

    with serving(demo_copy) as url, browser_page(1366, 768) as (page, console):
        page.goto(f"{url}/pledge/next?pledge=mark-2021")
        create = page.get_by_role("button", name="Skapa utkast")
        create.wait_for()
        assert axe_violations(page) == []
        create.click()
        page.get_by_role("alert").wait_for()
        assert "Löftespunkt 1" in page.get_by_role("alert").inner_text()
        for n in range(1, 6):
            group = page.get_by_role("group", name=f"Löftespunkt {n}: förs den över till nästa år?")
            group.get_by_label("Förs inte över" if n == 3 else "Förs över", exact=True).check()
            page.get_by_label(f"Skäl för löftespunkt {n} (krävs)").fill(f"Skäl {n}")
        create.click()
        page.get_by_text("Utkast att granska").wait_for()
        assert page.get_by_role("alert").count() == 0
        assert page.get_by_role("textbox", name=re.compile(r"^Id\b")).input_value() == "mark-2022"
        title = page.get_by_role("textbox", name=re.compile(r"^Titel"))
        assert title.input_value() == "Medborgarlöfte Mark 2022"
        assert title.evaluate("e => e.scrollWidth <= e.clientWidth"), "the title is clipped in its field"
        assert axe_violations(page) == []
        page.screenshot(path=str(SCREENSHOTS / "next-pledge-1366x768.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        assert axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.get_by_role("button", name="Spara löftet").click()
        page.get_by_text("Sparat: Medborgarlöfte Mark 2022.").wait_for()
        # Next year again: each carried promise shows its years, folded until opened.
        page.goto(f"{url}/pledge/next?pledge=mark-2022")
        page.get_by_text("Löftespunktens historia (2 år)").first.click()
        page.get_by_text("Förs över till nästa år: Skäl 1").wait_for()
        assert axe_violations(page) == []
        assert console.errors == []


def test_a_draft_whose_carried_promise_was_deleted_says_so_in_the_users_language(client, demo_copy):
    sent = create(client, *all_decided())
    doc, tree = sent[DraftForm.doc]["data"], sent[Importer.draft]["children"]
    doc["promises"] = doc["promises"][:-1]  # as the form's "Ta bort" on the last promise leaves it
    answer = save(client, doc, tree)
    assert (
        "Beslut om förra årets löftespunkt 5, förs över till löftespunkt: ”mark-2022-kallare-vindar” är ingen "
        "löftespunkt i detta löfte" in answer
    )


def test_a_promise_carried_from_last_year_shows_its_history_before_the_next_decision(client, demo_copy):
    from geodata.io.pledge_cycle import Decision, next_pledge
    from geodata.model import pledge_from_dict

    with GeoPackageStore.open(demo_copy) as store:
        mark = store.get_pledge("mark-2021")
        decided = {p.id: Decision(p.id != "mark-2021-skolmiljoer", f"Skäl för {p.id}") for p in mark.promises}
        store.save_pledge(pledge_from_dict(next_pledge(mark, decided)))
    tree = render_page(client, "/pledge/next", "?pledge=mark-2022")
    shown = " ".join(texts(tree))
    assert "för perioden 2023-01-01 – 2023-12-31" in shown
    assert shown.count("Löftespunktens historia (2 år)") == 4
    assert "Medborgarlöfte Mark 2021" in shown and "Förs över till nästa år: Skäl för mark-2021-narvaro" in shown
    assert "Medborgarlöfte Mark 2022  (detta löfte)" in shown


def test_the_lagesbild_action_plan_becomes_new_promises_and_an_existing_next_pledge_is_said(client, demo_copy):
    from geodata.analysis.situation_document import Measure, PriorityProblem, SituationReport, save_situation_report

    with GeoPackageStore.open(demo_copy) as store:
        report = SituationReport(
            "1463",
            2021,
            problems=(PriorityProblem("p1", "Otrygghet vid Kinna busstation"),),
            measures=(Measure("Trygghetsvandring vid busstationen", "marks-kommun", "p1", "våren 2022"),),
        )
        save_situation_report(store, report, 0)
    tree = render_page(client, "/pledge/next", "?pledge=mark-2021")
    [box] = find(tree, id={"type": NextPledge.situation, "all": "plan"})
    assert box["props"]["options"][0]["label"] == "Ta med åtgärdsplanen i lägesbilden från 2021: 1 ny löftespunkt"
    assert box["props"]["value"] == ["yes"] and "Trygghetsvandring vid busstationen" in " ".join(texts(tree))

    choices, reasons = all_decided()
    doc = create(client, choices, reasons, plan=True)[DraftForm.doc]["data"]
    added = doc["promises"][-1]
    assert added["text"] == "Trygghetsvandring vid busstationen" and added["parties"] == ["marks-kommun"]
    assert added["id"].startswith("mark-2022-") and len(doc["promises"]) == 5
    assert len(create(client, choices, reasons, plan=False)[DraftForm.doc]["data"]["promises"]) == 4

    tree = create(client, choices, reasons)[Importer.draft]["children"]
    assert "Sparat" in save(client, create(client, choices, reasons)[DraftForm.doc]["data"], tree)
    again = " ".join(" ".join(texts(render_page(client, "/pledge/next", "?pledge=mark-2021"))).split())
    assert "Nästa års löfte finns redan och följer detta: Medborgarlöfte Mark 2022 ." in again
