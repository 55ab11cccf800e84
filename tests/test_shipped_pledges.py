"""The shipped pledges match the published texts in ../shared/seeds: promises, parties, targets, periods, goals."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from geodata.io.columns import SWEDISH_MONTHS
from geodata.shipped import shipped_pledges

MONTHS = {name: i for i, name in enumerate(SWEDISH_MONTHS, start=1)}
NUMBER_WORDS = {"en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6}


def norm(text: str) -> str:
    return " ".join(text.split())


def section(text: str, start: str, end: str | None) -> str:
    body = text.split(start, 1)[1]
    return body.split(end, 1)[0] if end else body


def bullets(text: str, marker: str) -> list[str]:
    return [norm(line.strip()[len(marker) :]) for line in text.splitlines() if line.strip().startswith(marker)]


def swedish_date(day: str, month: str, year: str) -> dt.date:
    return dt.date(int(year), MONTHS[month], int(day))


@pytest.fixture(scope="module")
def pledges():
    return {p.id: p for p in shipped_pledges()}


def party_kinds(pledge, promise) -> list[str]:
    return [pledge.partner(x).kind for x in promise.parties]


def test_molndal_2018(seeds_dir, pledges):
    text = (seeds_dir / "molndal-2018.txt").read_text(encoding="utf-8")
    pledge = pledges["molndal-2018"]

    start, end = (
        re.search(r"(\d+) (\w+) (\d{4}) – (\d+) (\w+) (\d{4})", text).groups()[:3],
        re.search(r"– (\d+) (\w+) (\d{4})", text).groups(),
    )
    assert (pledge.period.start, pledge.period.end) == (swedish_date(*start), swedish_date(*end))
    assert pledge.signed_on == dt.date.fromisoformat(re.search(r"Datum: (\S+)", text).group(1))
    assert norm(pledge.focus) in norm(text)

    promised = bullets(section(text, "Det här lovar vi", "Det här ska vi åstadkomma"), "- ")
    assert len(pledge.promises) == len(promised) == 3
    words = {"polis": "police", "kommun": "municipality"}
    for promise, line in zip(pledge.promises, promised):
        body, parties = re.fullmatch(r"(.*?)\s*\(([^)]*)\)", line).groups()
        assert norm(promise.text) == body
        assert party_kinds(pledge, promise) == [words[w.strip().lower()] for w in re.split(r",| och ", parties)]
        assert promise.target is None  # the Mölndal pledge states no numbers

    goals = bullets(section(text, "Det här ska vi åstadkomma tillsammans", "Följ med"), "- ")
    assert [norm(g.text) for g in pledge.goals] == goals

    channels = bullets(section(text, "Följ med i hur det går", "Datum:"), "- ")
    assert len(pledge.follow_up) == len(channels) == 4
    for channel, line in zip(pledge.follow_up, channels):
        assert norm(channel.label).startswith(line)

    for signatory in pledge.signatories:
        assert signatory.name in text and signatory.title in text
    assert pledge.municipality.code == "1481" and pledge.police_area.code == "550140"


def test_mark_2021(seeds_dir, pledges):
    text = (seeds_dir / "mark-2021.txt").read_text(encoding="utf-8")
    pledge = pledges["mark-2021"]

    year = int(re.search(r"aktiviteter under (\d{4})", text).group(1))
    assert (pledge.period.start, pledge.period.end) == (dt.date(year, 1, 1), dt.date(year, 12, 31))

    police = bullets(section(text, "lovar vi följande aktiviteter", "Kommun och bostadsbolag stödjer"), "•")
    supporting = bullets(section(text, "Kommun och bostadsbolag stödjer arbetet genom:", "Om arbetet"), "•")
    assert len(pledge.promises) == len(police) + len(supporting) == 5
    for promise, line in zip(pledge.promises, police + supporting):
        assert norm(promise.text) == line
    for promise in pledge.promises[:3]:
        assert party_kinds(pledge, promise) == ["police"]  # "vi från myndigheten lovar"
    for promise in pledge.promises[3:]:
        assert set(party_kinds(pledge, promise)) <= {"municipality", "housing_company"}
    mbab = pledge.promises[4]
    assert "MBAB" in mbab.text and [pledge.partner(p).short_name for p in mbab.parties] == ["MBAB"]
    assert {"basement", "attic"} <= set(mbab.evidence.kinds)  # "källare och vindar"

    targets = {p.id: p.target for p in pledge.promises if p.target}
    minst = re.search(r"Minst (\w+) riktade insatser", text).group(1)
    assert targets == {"mark-2021-riktade-insatser": NUMBER_WORDS[minst]}

    aim = norm(re.search(r"Målet är ([^.]*)\.", text).group(1)).lower()
    assert len(pledge.goals) == 3
    for goal in pledge.goals:
        assert goal.text.lower() in aim
    assert pledge.contact.name in text and pledge.contact.email in text and pledge.contact.phone in text
    assert pledge.signed_on is None and pledge.signatories == ()  # the text names neither
    assert pledge.municipality.code == "1463" and pledge.police_area.code == "550220"
