"""Translation catalogues: Swedish first, English second.

All interface text is looked up here by key; a key missing from a catalogue
is an error in tests rather than a silently English word on a Swedish page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources

from geodata import vocab
from geodata.views.disclosure import Band, PublicPeriod

LANGUAGES = vocab.LANGUAGES  # ("sv", "en"): the vocabulary's labels are written in the same languages
DEFAULT_LANGUAGE = "sv"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every text of ``lang``: the interface's own (``locales/{lang}.json``) and the vocabulary's labels.

    The labels of the codes ("category.loitering", "status.fixed") live in the domain's one vocabulary
    table (``geodata/data/vocabulary.yaml``), beside the words the importer reads them by; a key in both
    places would be two sources for one label, and is an error.
    """
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}; expected one of: {', '.join(LANGUAGES)}")
    text = resources.files("dashboard").joinpath("locales", f"{lang}.json").read_text(encoding="utf-8")
    texts = json.loads(text)
    labels = vocab.labels(lang)
    twice = sorted(set(texts) & set(labels))
    if twice:
        raise KeyError(f"locales/{lang}.json repeats labels of geodata/data/vocabulary.yaml: {', '.join(twice)}")
    return {**texts, **labels}


def language(value: str | None) -> str:
    """The language asked for if it is one we have, else Swedish."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


# A count's word in a catalogue text: ``{count|ändring|ändringar}`` is the first form when ``count``
# is 1 and the second otherwise (Swedish and English both have just these two), so "{count}
# {count|ändring|ändringar}" reads "1 ändring", "2 ändringar". Several counts can share a sentence.
PLURAL = re.compile(r"(?<!%)\{(\w+)\|([^{}|]*)\|([^{}|]*)\}")  # not plotly's %{x|format}


def is_one(value: object) -> bool:
    """Whether ``value`` (a number, or a number as text: "1", "1 660", "−1") counts as one."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) == 1
    if isinstance(value, float):  # a count that pandas made a float; a measured "1,0" comes as text and reads plural
        return abs(value) == 1
    text = str(value).replace("\u00a0", "").replace(" ", "").replace("\u2212", "-").lstrip("+-")
    return text == "1"


def fill(text: str, /, **values: object) -> str:
    """A catalogue text with its ``{name}`` values and its count words (``{name|one|other}``) filled in.

    >>> fill("{count} {count|ändring|ändringar}", count=1), fill("{n} {n|rad|rader}", n=2)
    ('1 ändring', '2 rader')
    """
    text = PLURAL.sub(lambda m: m.group(2) if is_one(values[m.group(1)]) else m.group(3), text)
    return text.format(**values) if values else text


def translator(lang: str) -> Callable[..., str]:
    """A function ``t(key, **values)`` for ``lang``; count words follow their counts (see :func:`fill`)."""
    texts = catalogue(language(lang))

    def t(key: str, /, **values: object) -> str:
        return fill(texts[key], **values)

    return t


# Swedish writes 1 660,5 and −3: a space (non-breaking, so a number never wraps) before thousands,
# a decimal comma, and the minus sign; English writes 1,660.5 and -3.
_THOUSANDS = {"sv": "\u00a0", "en": ","}
_DECIMAL = {"sv": ",", "en": "."}
_MINUS = {"sv": "\u2212", "en": "-"}
# Plotly's ``layout.separators``: the decimal mark, then the thousands mark.
PLOTLY_SEPARATORS = {"sv": ",\u00a0", "en": ".,"}


def band_text(band: Band, lang: str) -> str:
    """A public count's band (``low``–``high``, :class:`geodata.views.disclosure.Band`) as a reader of ``lang``
    reads it: "5–9", "1 000–1 004", or one figure when the band is one.

    >>> band_text(Band(5, 9), "sv"), band_text(Band(1000, 1004), "en"), band_text(Band(3, 3), "sv")
    ('5–9', '1,000–1,004', '3')
    """
    low, high = band.low, band.high
    return number(low, lang) if low == high else f"{number(low, lang)}–{number(high, lang)}"


def shown_band(band: Band | None, min_count: int, lang: str) -> str:
    """A public count that may be left out: its band, or "färre än 5" (``None``: under ``min_count``)."""
    if band is None:
        return fill(catalogue(language(lang))["standalone.public.fewer"], min=min_count)
    return band_text(band, lang)


def period_label(period: PublicPeriod, lang: str) -> str:
    """One of a pledge's public periods as a reader of ``lang`` reads it: "Hela perioden", "Kvartal 1 2024",
    "mars 2024"."""
    texts = catalogue(language(lang))
    if period.kind == "all":
        return fill(texts["period.all"])
    if period.kind == "quarter":
        return fill(texts["period.quarter"], number=period.number, year=period.year)
    assert period.number is not None
    return f"{texts['standalone.months'].split()[period.number - 1]} {period.year}"


def number(value: float | int, lang: str, digits: int = 0) -> str:
    """``value`` written for a reader of ``lang`` with ``digits`` decimals: Swedish "1 660", "15,4", "−0,3".

    >>> number(1660, "sv"), number(15.44, "sv", 1), number(-0.25, "sv", 2), number(1660.5, "en", 1)
    ('1\\xa0660', '15,4', '−0,25', '1,660.5')
    >>> number(-0.04, "sv", 1)  # a value that rounds to zero has no sign
    '0,0'
    """
    lang = language(lang)
    text = f"{abs(value):,.{digits}f}"
    if float(text.replace(",", "")) == 0:
        value = 0
    text = text.replace(",", "\x00").replace(".", _DECIMAL[lang]).replace("\x00", _THOUSANDS[lang])
    return (_MINUS[lang] if value < 0 else "") + text


def distance(metres: float, lang: str) -> str:
    """A grid cell's side or another distance: metres below ten kilometres, kilometres from there.

    >>> distance(250, "sv"), distance(2000, "sv"), distance(200_000, "sv"), distance(20_000, "en")
    ('250 m', '2\xa0000 m', '200 km', '20 km')
    """
    if metres >= 10_000:
        return f"{number(metres / 1000, lang)} km"
    return f"{number(metres, lang)} m"


def signed(value: float | int, lang: str, digits: int = 0) -> str:
    """``value`` with its sign either way, for a change: "+3", "−0,5"; a value that rounds to zero has none.

    >>> signed(22, "sv"), signed(-22.4, "sv"), signed(0.04, "sv", 1), signed(-1660, "en")
    ('+22', '−22', '0,0', '-1,660')
    """
    text = number(value, lang, digits)
    return f"+{text}" if round(value, digits) > 0 else text


def signed_percent(change: float, lang: str, digits: int = 0) -> str:
    """A change already in percent (−50.0 for a halving) with its sign: Swedish "−50 %", English "+12%"."""
    text = percent(change / 100, lang, digits)
    return f"+{text}" if round(change, digits) > 0 else text


def number_range(low: float, high: float, lang: str, digits: int = 0) -> str:
    """A range with an en dash: "0,0–0,8" (spaced when a side is negative: "−1 – 3")."""
    a, b = number(low, lang, digits), number(high, lang, digits)
    return f"{a} – {b}" if low < 0 or high < 0 else f"{a}–{b}"


def percent(share: float, lang: str, digits: int = 0) -> str:
    """A share (0–1) as a percentage: Swedish "12 %" (a non-breaking space before the sign), English "12%"."""
    text = number(100 * share, lang, digits)
    return f"{text}\u00a0%" if language(lang) == "sv" else f"{text}%"


def alternatives(items: list[str], lang: str) -> str:
    """Items read as a choice: Swedish "99 %, 95 % eller 90 %", English "99%, 95% or 90%".

    >>> alternatives(["a", "b", "c"], "sv"), alternatives(["a", "b"], "en"), alternatives(["a"], "sv")
    ('a, b eller c', 'a or b', 'a')
    """
    word = " eller " if language(lang) == "sv" else " or "
    return word.join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def scope_name(t: Callable[..., str], scope, in_sentence: bool = False) -> str:
    """A scope (:class:`geodata.regions.Scope`) as people name it: "Hela Sverige" (in a sentence "hela Sverige"),
    "Region Väst", "Västra Götalands län"."""
    if scope.kind == "region":
        return t(f"police_region.{scope.code}")
    if scope.kind == "county":
        return t(f"county.{scope.code}")
    return t("regional.country_in" if in_sentence else "regional.country")


def period_name(code: str, t: Callable[..., str]) -> str:
    """A follow-up period's code as a person reads it: "2024-T1" is "T1 2024", "2024-Q3" "K3 2024" in Swedish.

    >>> period_name("2024-T1", translator("sv")), period_name("2024-Q3", translator("sv")), period_name("2024", translator("en"))
    ('T1 2024', 'K3 2024', '2024')
    """
    from geodata.followup import parse_period_code

    year, index, cadence = parse_period_code(code)
    return t(f"followup.period.{cadence}", year=year, index=index)


def progress_figure(progress, t: Callable[..., str], lang: str) -> str:
    """How far a promise has come, as every card, table and chart says it: "3 av 4", or "24 registrerade"."""
    delivered = number(progress.delivered, lang)
    if progress.target:
        return t("progress.of", delivered=delivered, target=number(progress.target, lang))
    return t("progress.count", delivered=delivered)
