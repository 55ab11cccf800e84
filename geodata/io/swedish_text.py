"""Swedish text as PDF extraction and web pages leave it: numbers, dates, periods, counts and blocks.

Everything here works on plain strings and knows nothing of pledges; the
reader in :mod:`geodata.io.pledge_text` decides what the words mean there.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

MONTHS = {
    "januari": 1,
    "februari": 2,
    "mars": 3,
    "april": 4,
    "maj": 5,
    "juni": 6,
    "juli": 7,
    "augusti": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"

_UNITS = {
    "noll": 0,
    "en": 1,
    "ett": 1,
    "två": 2,
    "tre": 3,
    "fyra": 4,
    "fem": 5,
    "sex": 6,
    "sju": 7,
    "åtta": 8,
    "nio": 9,
    "tio": 10,
    "elva": 11,
    "tolv": 12,
    "tretton": 13,
    "fjorton": 14,
    "femton": 15,
    "sexton": 16,
    "sjutton": 17,
    "arton": 18,
    "aderton": 18,
    "nitton": 19,
}
_TENS = {"tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50, "sextio": 60, "sjuttio": 70, "åttio": 80, "nittio": 90}
_NUMBER_WORD = re.compile(
    r"(?:[a-zåäö]*(?:hundra|tusen)[a-zåäö]*|(?:"
    + "|".join(_TENS)
    + r")[a-zåäö]*|"
    + "|".join(sorted(_UNITS, key=len, reverse=True))
    + r")",
    re.IGNORECASE,
)
_DIGITS = r"\d{1,3}(?:[ \u00a0]\d{3})+|\d+"


def parse_number(word: str) -> int | None:
    """The whole number a Swedish number word or digit string stands for, or None.

    >>> [parse_number(w) for w in ("fyra", "Sex", "tio", "tjugofem", "etthundra", "tvåhundrafemtio", "12")]
    [4, 6, 10, 25, 100, 250, 12]
    >>> parse_number("1 000"), parse_number("fyrtiotvå"), parse_number("insatser")
    (1000, 42, None)
    """
    w = word.strip().lower().replace("\u00a0", " ")
    if re.fullmatch(_DIGITS, w):
        return int(w.replace(" ", ""))
    for scale_word, scale in (("tusen", 1000), ("hundra", 100)):
        if scale_word in w:
            left, _, right = w.partition(scale_word)
            many = parse_number(left) if left else 1
            rest = parse_number(right) if right else 0
            if many is None or rest is None or rest >= scale:
                return None
            return many * scale + rest
    for tens_word, tens in _TENS.items():
        if w.startswith(tens_word):
            unit_word = w[len(tens_word) :]
            if not unit_word:
                return tens
            unit = _UNITS.get(unit_word)
            return tens + unit if unit and unit < 10 else None
    return _UNITS.get(w)


# --- counts ("minst fyra riktade insatser", "vid minst sex tillfällen", "10 insatser") --------------------

_QUALIFIER = r"(?:minst|åtminstone|inte\s+mindre\s+än|totalt|sammanlagt|sammantaget|upp\s+till)"
_UNIT_NOUN = (
    r"(?:[a-zåäö]*insats(?:er)?|tillfällen?|[a-zåäö]*besök|[a-zåäö]*möten?|[a-zåäö]*träff(?:ar)?|"
    r"[a-zåäö]*dialog(?:er)?|[a-zåäö]*vandring(?:ar)?|[a-zåäö]*patrull(?:er|eringar?)?|gång(?:er)?|"
    r"[a-zåäö]*aktivitet(?:er)?|[a-zåäö]*kontroll(?:er)?|[a-zåäö]*kvällar|[a-zåäö]*helger|"
    r"[a-zåäö]*evenemang|[a-zåäö]*utbildning(?:ar)?|[a-zåäö]*föreläsning(?:ar)?|[a-zåäö]*kampanj(?:er)?|"
    r"platser|fastigheter|områden|skolor|klasser|[a-zåäö]*rundor|[a-zåäö]*ronder)"
)
_COUNT = re.compile(
    rf"(?P<qualifier>\b{_QUALIFIER}\s+)?(?P<number>(?<![\d.,:/-]){_DIGITS}(?![\d.,:/-]\d)|\b{_NUMBER_WORD.pattern}\b)"
    rf"(?P<unit>(?:\s+[a-zåäö-]+){{0,2}}?\s+\b{_UNIT_NOUN}\b)?",
    re.IGNORECASE,
)
_RATE = re.compile(
    r"^\s*(?:\w+\s+){0,3}?(?:per|i|varje|om)\s+(?:vecka|veckan|månad|månaden|år|året|termin|terminen|"
    r"kvartal|dag|dygn|helg)\b",
    re.IGNORECASE,
)
_NOT_A_COUNT = re.compile(rf"^\s*(?:%|procent|kr\b|kronor|år\b|timmar|{_MONTH}\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Count:
    """A number that counts something: ``value`` of ``unit`` as the text writes it."""

    value: int
    unit: str | None
    phrase: str
    qualified: bool  # preceded by "minst", "totalt" …
    rate: bool  # "två gånger per månad": how often, not how many in all


def counts(text: str) -> list[Count]:
    """Numbers in ``text`` that count something (a qualifier before them or a countable noun after).

    Years, percentages, amounts and dates are not counts; "en"/"ett" count only after a qualifier.

    >>> [(c.value, c.unit) for c in counts("Minst fyra riktade insatser och vid minst sex tillfällen, 10 insatser.")]
    [(4, 'riktade insatser'), (6, 'tillfällen'), (10, 'insatser')]
    >>> [(c.value, c.rate) for c in counts("Två gånger per månad under 2021, 50 procent")]
    [(2, True)]
    """
    found = []
    for m in _COUNT.finditer(text):
        number, qualifier, unit = m.group("number"), m.group("qualifier"), m.group("unit")
        value = parse_number(number)
        if value is None or value == 0:
            continue
        after = text[m.end("number") :]
        if _NOT_A_COUNT.match(after) or (number.isdigit() and len(number) == 4 and 1900 <= value <= 2099):
            continue
        if not qualifier and not unit:
            continue
        if number.lower() in ("en", "ett") and not qualifier:
            continue
        rate = bool(_RATE.match(text[m.end() :]))
        found.append(
            Count(value, " ".join(unit.split()) if unit else None, " ".join(m.group(0).split()), bool(qualifier), rate)
        )
    return found


# --- dates and periods ------------------------------------------------------------------------------------

_DASH = r"\s*(?:–|—|-|till(?:\s+och\s+med)?|t\.\s?o\.\s?m\.?|tom)\s*"
_DAY_DATE = rf"(\d{{1,2}})\s+({_MONTH})\.?\s+(\d{{4}})"
_ISO_DATE = r"(\d{4})-(\d{2})-(\d{2})"
_DATE = re.compile(rf"\b(?:{_DAY_DATE}|{_ISO_DATE})\b", re.IGNORECASE)
_DATE_RANGE = re.compile(
    rf"\b(?:fr\.\s?o\.\s?m\.?\s*|från\s+(?:och\s+med\s+)?)?(\d{{1,2}})\s+({_MONTH})\.?(?:\s+(\d{{4}}))?{_DASH}"
    rf"{_DAY_DATE}\b",
    re.IGNORECASE,
)
_ISO_RANGE = re.compile(rf"\b{_ISO_DATE}{_DASH}{_ISO_DATE}\b")
_MONTH_RANGE = re.compile(rf"\b({_MONTH})(?:\s+(\d{{4}}))?{_DASH}({_MONTH})\s+(\d{{4}})\b", re.IGNORECASE)
_YEAR_RANGE = re.compile(r"(?<![\d-])(20\d{2})\s*(?:–|—|-|/|till(?:\s+och\s+med)?)\s*(20\d{2})(?![\d-])")


@dataclass(frozen=True)
class DateSpan:
    start: dt.date
    end: dt.date
    phrase: str
    clamped: bool = False  # a day past the month's end ("31 juni") was read as the month's last day


def _date(year: str | int, month: str | int, day: str | int, clamp: bool = False) -> dt.date | None:
    if isinstance(month, str) and not month.isdigit():
        month = MONTHS[month.lower()]
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        if clamp and 1 <= int(month) <= 12 and 28 < int(day) <= 31:
            return _month_end(int(year), int(month))
        return None


def parse_date(text: str) -> dt.date | None:
    """The first date in ``text``, written "15 februari 2018" or "2018-02-15", or None.

    >>> parse_date("Datum: 2018-02-15"), parse_date("Mölndal den 1 mars 2019")
    (datetime.date(2018, 2, 15), datetime.date(2019, 3, 1))
    """
    m = _DATE.search(text)
    if not m:
        return None
    day, month, year, iy, im, iday = m.groups()
    return _date(year, month, day) if day else _date(iy, im, iday)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def date_span(text: str) -> DateSpan | None:
    """The first stated span of dates or months in ``text`` ("1 februari 2018 – 31 januari 2019").

    >>> span = date_span("mellan februari 2018 till januari 2019:")
    >>> span.start, span.end
    (datetime.date(2018, 2, 1), datetime.date(2019, 1, 31))
    """
    candidates = []
    clamped = set()
    for m in _DATE_RANGE.finditer(text):
        d1, m1, y1, d2, m2, y2 = m.groups()
        start, end = _date(y1 or y2, m1, d1, clamp=True), _date(y2, m2, d2, clamp=True)
        if (start, end) != (_date(y1 or y2, m1, d1), _date(y2, m2, d2)):
            clamped.add(m.start())
        candidates.append((m.start(), start, end, m.group(0)))
    for m in _ISO_RANGE.finditer(text):
        y1, m1, d1, y2, m2, d2 = m.groups()
        candidates.append((m.start(), _date(y1, m1, d1), _date(y2, m2, d2), m.group(0)))
    for m in _MONTH_RANGE.finditer(text):
        m1, y1, m2, y2 = m.groups()
        first, last = MONTHS[m1.lower()], MONTHS[m2.lower()]
        start = dt.date(int(y1 or y2), first, 1)
        candidates.append((m.start(), start, _month_end(int(y2), last), m.group(0)))
    good = [(pos, s, e, phrase) for pos, s, e, phrase in candidates if s and e and s < e]
    if not good:
        return None
    pos, start, end, phrase = min(good, key=lambda c: c[0])
    return DateSpan(start, end, " ".join(phrase.split()), pos in clamped)


def year_span(text: str) -> DateSpan | None:
    """A span of whole years such as "2021–2022" (at most five years), or None.

    >>> span = year_span("Medborgarlöfte 2021-2022")
    >>> span.start, span.end
    (datetime.date(2021, 1, 1), datetime.date(2022, 12, 31))
    """
    for m in _YEAR_RANGE.finditer(text):
        first, last = int(m.group(1)), int(m.group(2))
        if first < last <= first + 4:
            return DateSpan(dt.date(first, 1, 1), dt.date(last, 12, 31), m.group(0))
    return None


# --- lines and words --------------------------------------------------------------------------------------

_JOINING_WORDS = {
    "och",
    "att",
    "i",
    "på",
    "för",
    "med",
    "av",
    "till",
    "som",
    "mot",
    "samt",
    "eller",
    "om",
    "de",
    "den",
    "det",
    "en",
    "ett",
    "från",
    "vid",
    "under",
    "över",
    "genom",
    "där",
    "när",
    "men",
    "inom",
    "mellan",
    "utan",
    "efter",
    "hos",
    "ska",
    "skall",
    "kommer",
    "är",
    "har",
    "bland",
    "än",
    "ca",
    "cirka",
    "drygt",
    "knappt",
    "nästan",
    "omkring",
}
_ENDS_SENTENCE = re.compile(r"[.!?:;]\W*$")


def normalise(text: str) -> str:
    """Unicode, spaces and line ends made uniform; soft hyphens and form feeds removed."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\u00ad", "").replace("\ufeff", "").replace("\u200b", "")
    text = text.replace("\u00a0", " ").replace("\u2009", " ").replace("\t", " ")
    text = text.replace("\ufb01", "fi").replace("\ufb02", "fl")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def join_wrapped(previous: str, following: str, wrap_width: int) -> str | None:
    """``previous`` and ``following`` as one line when the second only continues the first, else None.

    A line continues the one before when that one was cut by hyphenation, ends
    in a word that cannot end a sentence, or filled the page width without
    ending a sentence, or when it starts in lower case after a line long
    enough to have been wrapped (a short name over a lower-case title is not),
    or with a digit after such a line ("ca" / "600 invånare").

    >>> join_wrapped("riktade insatser mot narkotika-", "handeln i centrum.", 60)
    'riktade insatser mot narkotikahandeln i centrum.'
    >>> join_wrapped("utgår från den lokala läges-", "och problembilden", 60)
    'utgår från den lokala läges- och problembilden'
    >>> join_wrapped("Dan Windt", "Lokalpolisområdeschef", 60), join_wrapped("Annika Stomberg", "kommunpolis", 60)
    (None, None)
    """
    prev, nxt = previous.rstrip(), following.strip()
    if not prev or not nxt:
        return None
    first_word = nxt.split()[0]
    if re.search(r"[a-zåäöé]-$", prev) and not prev.endswith(" -"):
        if first_word in ("och", "eller", "samt", "till") or not nxt[0].islower():
            return f"{prev} {nxt}"
        return prev[:-1] + nxt
    if _ENDS_SENTENCE.search(prev):
        return None
    last_word = prev.split()[-1].lower()
    if prev.endswith(",") or last_word in _JOINING_WORDS:
        return f"{prev} {nxt}"
    if (
        (nxt[0].islower() or nxt[0].isdigit())
        and not re.match(r"\S+@", nxt)
        and len(prev) >= min(40, wrap_width // 2 or 40)
    ):
        return f"{prev} {nxt}"
    if wrap_width and len(prev) >= 0.75 * wrap_width and len(prev) >= 45:
        return f"{prev} {nxt}"
    return None


def slug(text: str, words: int = 4) -> str:
    """A lower-case ASCII slug of the first ``words`` words ("Mölndals stad" → "molndals-stad").

    >>> slug("Marks Bostads AB"), slug("Ökad trygghet för alla invånare i kommunen", words=2)
    ('marks-bostads-ab', 'okad-trygghet')
    """
    folded = unicodedata.normalize("NFKD", text.lower())
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    parts = re.findall(r"[a-z0-9]+", ascii_text)
    return "-".join(parts[:words])


def sentences(text: str) -> list[str]:
    """``text`` split after ".", "!" or "?" where a capital letter, digit or quote follows."""
    parts = re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖÉ0-9\"”])", " ".join(text.split()))
    return [p for p in parts if p]


# --- blocks: extracted lines rejoined ---------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[•●▪■◦○∙·*►➢✓\uf0b7\uf0a7]|[-–—](?=\s)|o(?=\s{1,3}\S))\s*(?P<text>\S.*)$")
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}|[a-h])[.)]\s+(?P<text>\S.*)$")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:(?:sida|page|s\.)\s*)?[-–]?\s*\d{1,3}\s*(?:(?:av|of|/)\s*\d{1,3}|\(\d{1,3}\))?"
    r"\s*[-–]?\s*$",
    re.IGNORECASE,
)
_IMAGE_NAME = re.compile(r"\d+x\d+px|\.(?:jpe?g|png|gif|svg|webp)\b", re.IGNORECASE)


@dataclass
class TextBlock:
    """A heading, a paragraph or a list item."""

    kind: str  # "heading", "text" or "item"
    text: str

    @property
    def is_lead(self) -> bool:
        return self.kind == "text" and self.text.endswith(":")


def _noise(lines: list[str]) -> set[int]:
    """Indexes of page numbers, image names and page headers or footers repeated three times or more."""
    seen: Counter[str] = Counter(" ".join(line.split()).lower() for line in lines if line.strip())
    noise, kept = set(), set()
    for i, line in enumerate(lines):
        key = " ".join(line.split()).lower()
        if not key:
            continue
        if _PAGE_NUMBER.match(line) or _IMAGE_NAME.search(line):
            noise.add(i)
        elif seen[key] >= 3 and not _BULLET.match(line) and len(key) <= 80:
            if key in kept:
                noise.add(i)
            kept.add(key)
    return noise


def _wrap_width(lengths: list[int]) -> int:
    """The width the text was wrapped at, or 0 when it was not (most lines end far from the longest)."""
    if len(lengths) < 5:
        return 0
    lengths = sorted(lengths)
    width = lengths[int(0.9 * (len(lengths) - 1))]
    near = sum(n >= 0.75 * width for n in lengths)
    return width if near >= 0.5 * len(lengths) else 0


def text_blocks(text: str) -> list[TextBlock]:
    """The text as blocks: wrapped lines rejoined, hyphenation undone, bullets and numbers made items."""
    lines = normalise(text).split("\n")
    noise = _noise(lines)
    wrap_width = _wrap_width([len(line.strip()) for line in lines if len(line.strip()) > 20])
    blocks: list[TextBlock] = []
    last_line: str | None = None  # the last line of the open block, None after a blank line
    for i, raw in enumerate(lines):
        if i in noise:
            continue
        line = raw.strip()
        if not line:
            last_line = None
            continue
        item = _BULLET.match(raw) or _NUMBERED.match(raw)
        if (
            item
            and line[0] in "-–—"
            and item.group("text")[0].islower()
            and last_line is not None
            and blocks[-1].kind == "text"
            and not re.search(r"[.!?:;]$", last_line)
        ):
            item = None  # "Trygg -" / "- i arbetet": a dash wrapped to the start of a line, not a bullet
        if item:
            blocks.append(TextBlock("item", item.group("text").strip()))
            last_line = item.group("text").strip()
            continue
        indented = raw.startswith("  ") and blocks and blocks[-1].kind == "item"
        joined = join_wrapped(last_line, line, wrap_width) if last_line is not None else None
        if last_line is not None and (joined is not None or indented):
            block = blocks[-1]
            if joined is not None and block.text.endswith(last_line):
                block.text = block.text[: len(block.text) - len(last_line)] + joined
            else:
                block.text = f"{block.text} {line}"
            last_line = line
            continue
        blocks.append(TextBlock("text", line))
        last_line = line
    for block in blocks:
        block.text = " ".join(block.text.split())
        if block.kind == "text" and _looks_like_heading(block.text):
            block.kind = "heading"
    return blocks


def _looks_like_heading(text: str) -> bool:
    return len(text) <= 90 and len(text.split()) <= 12 and not re.search(r"[.,;:!?]$", text)
