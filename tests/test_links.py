"""Only ``https:``, ``http:`` and ``mailto:`` links: refused where they are stored, drawn as text where one is not."""

from __future__ import annotations

import json
import sqlite3

import pytest
import yaml

from dashboard.cli import main
from dashboard.settings import Settings
from dashboard.text import link
from geodata.errors import ValidationError
from geodata.io.police_events import read_police_events
from geodata.model import pledge_from_dict
from geodata.store import GeoPackageStore
from geodata.validate import allowed_link, email_problem, link_problem

from builders import pledge_dict
from dash_http import find, make_client, render_page, texts

ALLOWED = (
    "https://www.mark.se/trygghet",
    "http://polisen.se/aktuellt?lokal=mark#senaste",
    "HTTPS://MARK.SE",
    "mailto:annika.stomberg@polisen.se",
    "mailto:info@mark.se?subject=Medborgarl%C3%B6fte",
)
REFUSED = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  \t\n JaVaScRiPt:alert(1)",  # a browser drops the spaces and reads the scheme after them
    "java\tscript:alert(1)",  # ... and removes tabs and line breaks inside it
    "java\nscript:alert(1)",
    "\x00javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "/pledge?pledge=mark-2021",  # relative: resolved against whichever page shows it
    "pledge.html",
    "www.mark.se",  # no scheme
    "//evil.example/",  # a scheme-relative address is another site
    "https://",
    "https:///path",
    "https:mark.se",
    "mailto:",
    "mailto:nobody",
    "https://mark.se/a b",
    "",
)


@pytest.mark.parametrize("value", ALLOWED)
def test_web_and_e_mail_links_are_allowed(value):
    assert link_problem(value) is None and allowed_link(value) == value


@pytest.mark.parametrize("value", REFUSED)
def test_every_other_link_is_refused_and_drawn_as_text(value):
    problem = link_problem(value)
    assert problem is not None and problem.code == "not_a_link"
    assert "expected a web address beginning with https:// or http://, or mailto:" in str(problem)
    assert allowed_link(value) is None
    assert link("Läs mer", value) == "Läs mer"  # the words, as text, with no href anywhere


def _with_follow_up(url: str, **overrides) -> dict:
    return pledge_dict(follow_up=[{"kind": "web", "label": "Kommunens sida", "url": url}], **overrides)


@pytest.mark.parametrize("value", ["javascript:alert(1)", " \tJaVaScRiPt:alert(1)", "data:,x", "www.mark.se"])
def test_a_pledge_with_another_link_is_refused_naming_the_field(value):
    with pytest.raises(ValidationError) as refused:
        pledge_from_dict(_with_follow_up(value))
    [problem] = refused.value.problems
    assert (problem.record, problem.field, problem.code) == ("pledge test-2024", "follow_up[0].url", "not_a_link")


def test_a_contact_s_e_mail_must_be_an_address_a_mailto_link_can_hold():
    assert email_problem("annika.stomberg@polisen.se") is None
    contact = {"name": "Annika", "email": "x@mark.se?bcc=alla@mark.se"}
    with pytest.raises(ValidationError) as refused:
        pledge_from_dict(pledge_dict(contact=contact))
    [problem] = refused.value.problems
    assert (problem.field, problem.code) == ("contact.email", "not_an_email")


def test_the_command_refuses_the_pledge_file_in_words_and_stores_nothing(tmp_path, capsys):
    data = tmp_path / "store.gpkg"
    GeoPackageStore.create(data).close()
    document = tmp_path / "löfte.yaml"
    document.write_text(yaml.safe_dump(_with_follow_up(" JaVaScRiPt:alert(1)"), allow_unicode=True), "utf-8")
    assert main(["pledge", "add", "--data", str(data), str(document)]) == 1
    err = capsys.readouterr().err
    assert "”JaVaScRiPt:alert(1)” är ingen länk som går att visa" in err
    assert "https:// eller http://, eller mailto:" in err
    with GeoPackageStore.open(data) as store:
        assert store.list_pledges() == []


def test_a_police_event_s_address_must_be_a_web_link(tmp_path):
    event = {
        "id": 7,
        "datetime": "2025-06-07 7:32:06 +02:00",
        "name": "07 juni 07.10, Narkotikabrott, Mölndal",
        "summary": "Kort text.",
        "type": "Narkotikabrott",
        "url": "javascript:alert(1)",
        "location": {"name": "Mölndal", "gps": "57.6554,12.0138"},
    }
    path = tmp_path / "events.json"
    path.write_text(json.dumps([event, {**event, "id": 8, "url": "/aktuellt/handelser/8/"}]), encoding="utf-8")
    batch = read_police_events(path)
    assert [e.url for e in batch.events] == ["https://polisen.se/aktuellt/handelser/8/"]
    [problem] = batch.problems
    assert problem.field == "url" and problem.code == "not_a_link"


def test_a_link_stored_before_the_rule_still_reads_and_shows_as_text(tmp_path):
    data = tmp_path / "store.gpkg"
    with GeoPackageStore.create(data) as store:
        store.save_pledge(pledge_from_dict(_with_follow_up("https://www.mark.se/trygghet")))
    # A store written before links were checked: its document holds a javascript: link and a bad e-mail.
    with sqlite3.connect(data) as conn:
        [(raw,)] = conn.execute("SELECT document FROM pledges").fetchall()
        document = json.loads(raw)
        document["follow_up"] = [
            {"kind": "web", "label": "Kommunens sida", "url": "javascript:alert(1)"},
            {"kind": "web", "label": "Polisen", "url": "https://polisen.se"},
        ]
        document["contact"] = {"name": "Annika", "email": "x@y.se?bcc=alla@mark.se"}
        conn.execute("UPDATE pledges SET document = ?", (json.dumps(document),))
    with GeoPackageStore.open(data) as store:
        pledge = store.get_pledge("test-2024")
    assert pledge.follow_up[0].url == "javascript:alert(1)"  # kept as stored: nothing is lost
    page = render_page(make_client(Settings(data=data, tiles_url=None)), "/pledge", "?pledge=test-2024")
    hrefs = [a["props"].get("href") for a in find(page, type="A") if isinstance(a, dict)]
    hrefs += [n["props"]["href"] for n in _links(page)]
    assert "https://polisen.se" in hrefs
    assert not any(h and ("javascript" in h.lower() or "bcc" in h) for h in hrefs)
    shown = texts(page)
    assert "Kommunens sida" in shown and "x@y.se?bcc=alla@mark.se" in shown  # the words, as text


def _links(tree) -> list[dict]:
    """Every component with an ``href`` in a page's tree."""
    found = []
    if isinstance(tree, list):
        for item in tree:
            found.extend(_links(item))
    elif isinstance(tree, dict):
        props = tree.get("props", {})
        if props.get("href"):
            found.append(tree)
        found.extend(_links(props.get("children")))
    return found
