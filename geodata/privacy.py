"""Personal data in residents' free text: found, masked, and kept from those who may not read the records.

A resident's report of an unsafe place, a caretaker's inspection comment or a
planned measure often names people: "ring Anna Svensson 070-123 45 67",
"anmälaren har personnummer 19811218-9876". The municipality's and the
housing company's records fall under GDPR, the police's under
brottsdatalagen; neither wants such items stored by accident, and none of
them may reach a viewer who sees only the public aggregation.

:func:`find_personal_data` finds four kinds of item, as spans of the text:

- ``personal_number``: a personnummer or samordningsnummer, 10 or 12 digits with
  or without ``-`` or ``+``, whose date is a date (a samordningsnummer adds 60 to
  the day) and whose check digit passes the Luhn test, so a random number, a
  case number or an amount is not taken for one;
- ``phone``: a Swedish number, 8 to 10 digits from the leading 0 (070-123 45 67,
  031-12 34 56, 08-123 456 78) or +46/0046 and 7 to 9 digits (+46 70 123 45 67),
  grouped with spaces or dashes; a date written 01-02-2021 is not one;
- ``email``: an e-mail address;
- ``name``: up to three capitalised words directly before or after one of the
  items above ("Anna Svensson, 070-…"), or after a word that introduces a
  name ("heter", "namn", "kontakta", "ring", …).

:func:`mask` replaces each item by a fixed marker. The markers are Swedish
whatever the reader's language (:data:`MARKERS`): the masked text is what is
stored, and the stored records are Swedish documents that every reader, in
either language, then reads alike.

:func:`geodata.access.masked_for` masks a layer's free text for a viewer who may
not read the layer's records: the last guard of every export, feed and file,
after the reads themselves refused such a viewer.

>>> text = "Ring Anna Svensson på 070-123 45 67 om lampan."
>>> mask(text, find_personal_data(text))
'Ring [namn] på [telefon] om lampan.'
>>> find_personal_data("Möte 2021-03-04, 431 30 Mölndal, Kåsjön 1:23, 1 200 kr, dnr KS 2021/0123")
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PERSONAL_NUMBER = "personal_number"
PHONE = "phone"
EMAIL = "email"
NAME = "name"
KINDS = (PERSONAL_NUMBER, PHONE, EMAIL, NAME)

# What an item is replaced by: Swedish, whatever the reader's language (see the module's docstring).
MARKERS = {PERSONAL_NUMBER: "[personnummer]", PHONE: "[telefon]", EMAIL: "[e-post]", NAME: "[namn]"}

# The free-text fields of each layer: what people write in their own words, and where a name or a number lands.
# (An owner is an organisation; who is responsible is a name by design, read only by the roles that read records.)
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "unsafe_places": ("description",),
    "inventoried_sites": ("inspection_comment", "measure"),
    "operations": ("title",),
}

# What an importer or an editor chooses for a text that holds personal data.
MASK, KEEP, REJECT = "mask", "keep", "reject"
CHOICES = (MASK, KEEP, REJECT)


@dataclass(frozen=True)
class Finding:
    """One item of personal data: its ``kind`` (one of :data:`KINDS`) and where it is, ``text[start:end]``."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class FieldFindings:
    """What one field of one record holds: the field, the kinds found (in :data:`KINDS` order), the masked text."""

    field: str
    kinds: tuple[str, ...]
    masked: str


# A text without a digit, an "@" or a word that introduces a name holds nothing: most texts end at this test.
_ANY = re.compile(r"\d|@|\b(?:heter|hette|namn|namnet|kontakta|kontaktperson|ring|ringa|ringer|mejla|maila)\b", re.I)

_PERSONAL_NUMBER = re.compile(r"(?<![\w+\-/.:,])((?:19|20)?)(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})(?![\w\-/:]|[.,]\d)")
_PHONE = re.compile(
    r"(?<![\w+\-/.:,])"
    r"(?:(?P<intl>\+46|0046)[ -]?(?:\(0\)[ -]?)?(?P<national>[1-9]\d*(?:(?: - | |-)\d+)*)"
    r"|(?P<domestic>0[1-9]\d*(?:(?: - | |-)\d+)*))"
)
_DATE_LIKE = re.compile(r"\d{1,2}[-/]\d{1,2}[-/]\d{2,4}")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")
_NAME_WORD = r"[A-ZÅÄÖÉÜ][a-zåäöéüèáëï]+(?:-[A-ZÅÄÖÉÜ][a-zåäöéüèáëï]+)?"
_NAMES_BEFORE = re.compile(rf"({_NAME_WORD}(?: {_NAME_WORD}){{0,2}})(?:,? | ?[(–-] ?| på | tel\.? | nr )$")
_NAMES_AFTER = re.compile(rf"^(?:,? | ?[(–-] ?| \(| till )({_NAME_WORD}(?: {_NAME_WORD}){{0,2}})")
# The introducing word in any case ("Ring", "ring"), the name capitalised: only the first part ignores case.
_INTRODUCED = re.compile(
    r"\b(?i:heter|hette|namn(?:et)?|kontakta|kontaktperson(?:en)?|ringa?|ringer|mejla|maila)"
    rf"(?i: är| var)?:? ({_NAME_WORD}(?: {_NAME_WORD}){{0,2}})"
)
# Capitalised words that are not names: a sentence's own words, titles, organisations and places' words.
_NOT_NAMES = frozenset(
    w.casefold()
    for w in (
        "Ring Ringa Ringer Kontakta Kontaktperson Tel Tfn Telefon Pnr Personnr Persnr Mob Mobil Mobilnummer Nummer Nr Mejla Maila Mejl Mail "
        "E-post Epost Personnummer Samordningsnummer Namn Heter Hette Han Hon Hen De Den Det Vi Jag Du Ni Man "
        "Polisen Polis Kommunen Kommun Stad Staden Bostäder Bostad Fastighetsägaren Fastighetsägare Bolaget "
        "Vaktmästaren Vaktmästare Kundtjänst Växeln Växel Felanmälan Förvaltningen Skolan Kontoret Kansliet "
        "Anmälaren Anmälare Boende Boenden Hyresgästen Hyresgäster Grannen Grannar Personen Mannen Kvinnan Föraren "
        "Ägaren Eleven Eleverna Ungdomar Ungdomarna Killen Tjejen Besökare Kontakt Info Information Se Obs OBS "
        "Trygghetsvandring Enkät Medborgardialog Mellan Kl Kväll Kvällar Natt Dag Och Eller Men Om Vid På Från "
        "Till Efter Innan Måndag Tisdag Onsdag Torsdag Fredag Lördag Söndag Januari Februari Mars April Maj Juni "
        "Juli Augusti September Oktober November December AB HB"
    ).split()
)
# A capitalised word ending in one of these is a place ("Storgatan", "Kvarnbacken"), not a name.
_PLACE_ENDINGS = (
    "gatan",
    "vägen",
    "torget",
    "parken",
    "skolan",
    "backen",
    "stigen",
    "gången",
    "centrum",
    "huset",
    "plan",
    "platsen",
    "leden",
    "bron",
    "hallen",
    "kyrkan",
    "stan",
    "dalen",
    "berget",
)


def find_personal_data(text: str | None) -> list[Finding]:
    """The items of personal data in ``text``, in order and not overlapping (see the module's docstring).

    >>> [f.kind for f in find_personal_data("Pnr 811218-9876, mejl anna.s@example.se")]
    ['personal_number', 'email']
    >>> find_personal_data("811218-9875")  # the check digit is wrong: a number, not a personnummer
    []
    """
    if not text or not isinstance(text, str) or not _ANY.search(text):
        return []
    found = [*_personal_numbers(text), *_emails(text)]
    found += [f for f in _phones(text) if not _overlaps(f, found)]
    found += [f for f in _names(text, found) if not _overlaps(f, found)]
    return sorted(found, key=lambda f: f.start)


def mask(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with each finding replaced by its kind's marker (:data:`MARKERS`).

    >>> mask("Kontakta anna@example.se", find_personal_data("Kontakta anna@example.se"))
    'Kontakta [e-post]'
    """
    out, last = [], 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < last:
            continue
        out += [text[last : finding.start], MARKERS[finding.kind]]
        last = finding.end
    out.append(text[last:])
    return "".join(out)


def masked(text: Any) -> Any:
    """``text`` with its personal data masked; anything that is not a text, as it is."""
    if not isinstance(text, str):
        return text
    findings = find_personal_data(text)
    return mask(text, findings) if findings else text


def scan_values(layer: str, values: Mapping[str, Any]) -> list[FieldFindings]:
    """What the free-text fields of ``layer`` among ``values`` (a record's fields) hold, one entry per field that
    holds something: the field, the kinds, and the text masked (what may be shown of it)."""
    out = []
    for name in FREE_TEXT.get(layer, ()):
        text = values.get(name)
        findings = find_personal_data(text) if isinstance(text, str) else []
        if findings:
            kinds = tuple(k for k in KINDS if any(f.kind == k for f in findings))
            out.append(FieldFindings(name, kinds, mask(text, findings)))  # type: ignore[arg-type]
    return out


def mask_values(layer: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` (a record's fields) with the free text of ``layer`` masked; every other field as it is."""
    free = FREE_TEXT.get(layer, ())
    return {name: masked(value) if name in free else value for name, value in values.items()}


# -- the kinds -------------------------------------------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    """Whether the last of ``digits`` is their Luhn check digit (as a personnummer's 10 digits carry it).

    >>> luhn_ok("8112189876"), luhn_ok("8112189875")
    (True, False)
    """
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _personal_numbers(text: str) -> list[Finding]:
    out = []
    for found in _PERSONAL_NUMBER.finditer(text):
        century, year, month, day, _sign, last = found.groups()
        if not 1 <= int(month) <= 12:
            continue
        day_number = int(day) - 60 if int(day) > 60 else int(day)  # a samordningsnummer adds 60 to the day
        if not 1 <= day_number <= 31:
            continue
        if luhn_ok(year + month + day + last):
            out.append(Finding(PERSONAL_NUMBER, found.start(), found.end()))
    return out


def _phones(text: str) -> list[Finding]:
    out = []
    for found in _PHONE.finditer(text):
        start = found.start()
        international = found.group("intl") is not None
        body = found.group("national") if international else found.group("domestic")
        body_start = found.start("national") if international else found.start("domestic")
        low, high = (7, 9) if international else (8, 10)
        # The longest run of the number's groups that has a phone number's digits (a number followed by
        # another, "070-123 45 67 2 gånger", ends where its own digits do).
        end, digits = None, 0
        for group in re.finditer(r"\d+", body):
            digits += len(group.group())
            if digits > high:
                break
            if digits >= low:
                end = body_start + group.end()
        if end is None:
            continue
        if not international and _DATE_LIKE.fullmatch(text[start:end]):
            continue
        out.append(Finding(PHONE, start, end))
    return out


def _emails(text: str) -> list[Finding]:
    return [Finding(EMAIL, m.start(), m.end()) for m in _EMAIL.finditer(text)]


def _names(text: str, items: list[Finding]) -> list[Finding]:
    out = []
    for item in items:
        before = _NAMES_BEFORE.search(text[max(0, item.start - 80) : item.start])
        if before:
            offset = max(0, item.start - 80)
            out += _name_span(text, offset + before.start(1), offset + before.end(1))
        after = _NAMES_AFTER.match(text[item.end : item.end + 80])
        if after:
            out += _name_span(text, item.end + after.start(1), item.end + after.end(1))
    for introduced in _INTRODUCED.finditer(text):
        out += _name_span(text, introduced.start(1), introduced.end(1))
    unique = sorted(set(out), key=lambda f: (f.start, -f.end))
    kept: list[Finding] = []
    for finding in unique:
        if not _overlaps(finding, kept):
            kept.append(finding)
    return kept


def _name_span(text: str, start: int, end: int) -> list[Finding]:
    """The names among the capitalised words ``text[start:end]``: from the first word that is one, to the last."""
    words = [(m.start() + start, m.end() + start, m.group()) for m in re.finditer(r"\S+", text[start:end])]
    names = [(s, e) for s, e, w in words if _is_name(w)]
    if not names:
        return []
    return [Finding(NAME, names[0][0], names[-1][1])]


def _is_name(word: str) -> bool:
    folded = word.casefold()
    return folded not in _NOT_NAMES and not folded.endswith(_PLACE_ENDINGS)


def _overlaps(finding: Finding, others: Iterable[Finding]) -> bool:
    return any(finding.start < other.end and other.start < finding.end for other in others)
