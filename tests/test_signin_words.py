"""The sign-in page in both languages: its words, its errors, the lock-out wait, the language link, sign-out."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from test_signin import ORIGIN, PASSWORD, client_for, sign_in_form

from geodata.access.accounts import add_user
from geodata.store import GeoPackageStore


@pytest.fixture
def signed(demo_copy):
    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "pia", "police", PASSWORD)
    return demo_copy


def _lang_link(page: str) -> str:
    return html.unescape(re.search(r'<a class="pm-lang" id="pm-lang-link" href="([^"]+)"', page).group(1))


def test_an_english_page_asks_for_sign_in_in_english_and_the_link_switches(signed):
    client = client_for(signed)
    redirect = client.get("/layers?pledge=mark-2021&lang=en")
    assert redirect.status_code == 302
    page = client.get(redirect.headers["Location"]).get_data(as_text=True)
    assert '<html lang="en">' in page and "<title>Sign in – Pledgemap</title>" in page
    assert "Username" in page and "Password" in page and "Användarnamn" not in page
    link = _lang_link(page)
    assert 'lang="sv" hreflang="sv"' in page.split('id="pm-lang-link"')[1].split(">")[0]
    swedish = client.get(link).get_data(as_text=True)
    assert (
        '<html lang="sv">' in swedish and "Användarnamn" in swedish and "<title>Logga in – Pledgemap</title>" in swedish
    )
    # The Swedish form signs in to the same page, now in Swedish.
    target = parse_qs(urlsplit(link).query)["next"][0]
    assert target == "/layers?pledge=mark-2021"
    # And the Swedish page links to English.
    assert parse_qs(urlsplit(_lang_link(swedish)).query)["lang"] == ["en"]


@pytest.mark.parametrize(
    "lang, wrong, wait",
    [
        ("sv", "Fel användarnamn eller lösenord.", r"Försök igen om (\d+) sekund(er)?\."),
        ("en", "Wrong username or password.", r"Try again in (\d+) second(s)?\."),
    ],
)
def test_errors_and_the_lock_out_wait_speak_the_page_s_language(signed, lang, wrong, wait):
    client = client_for(signed)
    answers = []
    for _ in range(5):
        token, _ = sign_in_form(client, f"/login?lang={lang}")
        response = client.post(
            "/login",
            data={"username": "pia", "password": "fel fel fel fel", "csrf": token, "lang": lang},
            headers=ORIGIN,
        )
        answers.append((response.status_code, response.get_data(as_text=True)))
    assert answers[0][0] == 401 and wrong in answers[0][1] and f'<html lang="{lang}">' in answers[0][1]
    waits = [text for status, text in answers if status == 429]
    assert waits, [s for s, _ in answers]
    found = re.search(wait, waits[-1])
    assert found, waits[-1]
    seconds = int(found.group(1))
    assert (found.group(2) is None) == (seconds == 1)  # "1 sekund", "2 sekunder"
    expired = client.post("/login", data={"username": "pia", "password": PASSWORD, "lang": lang}, headers=ORIGIN)
    assert expired.status_code == 400
    assert ("Formuläret har gått ut" if lang == "sv" else "The form has expired") in expired.get_data(as_text=True)


def test_signing_out_from_an_english_page_stays_english(signed):
    client = client_for(signed, "pia")
    expired = client.post(
        "/logout", data={"csrf": "not the token"}, headers={**ORIGIN, "Referer": "http://localhost/?lang=en"}
    )
    body = expired.get_data(as_text=True)
    assert expired.status_code == 400 and '<html lang="en">' in body and "you are not signed out" in body
    swedish = client.post("/logout", data={"csrf": "not the token"}, headers={**ORIGIN, "Referer": "http://localhost/"})
    assert "du är inte utloggad" in swedish.get_data(as_text=True)


SIZES = [(1920, 1080), (1366, 768), (1280, 720), (390, 844)]


@pytest.mark.browser
def test_the_sign_in_page_reads_in_both_languages_at_every_size_and_passes_axe(signed):
    from browser import SCREENSHOTS, axe_violations, browser_page, serving

    with serving(signed, env={"PLEDGEMAP_TILES": "none"}) as url:
        for width, height in SIZES:
            with browser_page(width, height) as (page, console):
                page.goto(url + "layers?pledge=mark-2021&lang=en")
                page.get_by_label("Username").fill("pia")
                page.get_by_label("Password").fill("fel fel fel fel")
                page.get_by_role("button", name="Sign in").click()
                page.get_by_text("Wrong username or password.").wait_for()
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.screenshot(path=SCREENSHOTS / f"signin-en-{width}.png", full_page=True)
                assert axe_violations(page) == []
                page.get_by_role("link", name="Svenska").click()
                page.get_by_label("Användarnamn").fill("pia")
                page.get_by_label("Lösenord").fill(PASSWORD)
                page.get_by_role("button", name="Logga in").click()
                page.wait_for_url("**/layers?pledge=mark-2021")
                assert page.evaluate("document.documentElement.lang") == "sv"
                # The refused sign-in's own answer is a 401, which Chromium logs; nothing else may fail.
                assert [e for e in console.errors if "status of 401" not in e] == []
