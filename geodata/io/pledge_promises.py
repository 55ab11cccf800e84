"""The promises of a published pledge text, read in named steps.

:mod:`geodata.io.pledge_text` turns the text into blocks (headings, paragraphs, list items); this module
reads the promises from them:

1. :func:`classify` gives every heading and lead ("Polisen ska:", "Målet är att:") a role (``promise`` list,
   ``goal``, ``follow_up``, ``problem`` picture or priorities, ``chrome`` of the page, or a ``theme`` inside
   the list it follows) and the parties and period it names; items and paragraphs take the role of the
   heading or lead above them.
2. :func:`party_words` and :func:`subject` find the parties as the text words them ("Polisen",
   "Solna stad", "Tekinska verken (TVAB)"); an item's own subject or attribution ("(Polis)", "Ansvarig:
   kommunen") overrides its list's, "vi" and "aktörerna" stand for the parties named just before.
3. :func:`read_target` reads a promise's count, its unit and what it is counted over ("minst fyra", "900 timmar
   per år", "en gång i veckan", "varje onsdag"), and leaves survey figures, grades, ages and years alone.

Nothing here knows a municipality by name: every rule is about the words pledges use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from geodata.io.swedish_text import TextBlock, counts, parse_number, sentences

# --- step 2: parties as the text words them -----------------------------------------------------------------

_NAME = r"[A-ZÅÄÖ][\wåäöéü-]+"
_DIRECTION = r"(?:södra|norra|östra|västra|mellersta)"
_PARTY_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            "police",
            rf"(?:[Ll]okalpolisområde(?:t)?|LPO)\s+(?:{_DIRECTION}\s+)?{_NAME}"
            rf"(?:\s(?:{_NAME}|syd|nord|norr|city|centrum)(?![\wåäö]))?",
        ),
        ("police", rf"[Ll]okalpolisen(?:\s{_NAME})?"),
        ("police", r"[Pp]olismyndigheten|[Kk]ommunpolisen|[Kk]ommunpolis|[Pp]olisen|[Pp]olis"),
        ("municipality", r"[Kk]ommunens\s[a-zåäö]+(?:are|aren|ing|ingen|en|et)\b"),
        ("municipality", rf"{_NAME}\s(?:[Kk]ommun(?:en)?|[Ss]tad(?:en)?)"),
        ("municipality", r"[Kk]ommunen|[Kk]ommun|[Ss]taden"),
        ("municipality", r"[A-ZÅÄÖa-zåäö][a-zåäö]+samordnar(?:e|en)"),  # a municipal role as the actor
        (
            "housing_company",
            r"(?:[A-ZÅÄÖ][\wåäö-]+\s)?[Bb]ostads\s?(?:AB|aktiebolag)(?:\s[A-ZÅÄÖ][\wåäö]+)?|"
            r"AB\sBostäder(?:\si\s[A-ZÅÄÖ][\wåäö]+)?|[A-ZÅÄÖ][\wåäö]*[Bb]ostäder|"
            r"[A-ZÅÄÖ][\wåäö]*(?:hem|hus|fastigheter)\sAB|[Bb]ostadsbolag(?:et|en)?|[Ff]astighetsägar(?:e|en|na)",
        ),
        (
            "other",
            rf"{_NAME}\s(?:[a-zåäö]+\s)?(?:verken|verket)|"
            rf"{_NAME}(?:tjänsten|tjänst|bevakningen|förbund(?:et)?|förbundet|myndigheten|nämnden|styrelsen)"
            rf"(?:\s{_NAME})?|[Ll]änsstyrelsen(?:\s{_NAME})?|Region\s{_NAME}",
        ),
    )
)
_SHORT = re.compile(r"\s?\(([A-ZÅÄÖ]{2,6})\)")
_ABBREVIATION = re.compile(r"[A-ZÅÄÖ]{2,6}(?![\wåäö])")
_UNKNOWN_NAME = re.compile(rf"{_NAME}(?![\wåäö])")
_SEPARATOR = re.compile(r",\s*(?!via\b)|\s+och\s+|\s+samt\s+|\s*&\s*|\s*/\s*")
_TOGETHER_WITH = re.compile(r"\s+tillsammans\s+med\s+")
_NOT_NAME_AFTER = ("och", "samt", "eller")


@dataclass(frozen=True)
class Party:
    """A party as the text words it ("Tekinska verken"), with its short name ("TVAB") and kind."""

    words: str
    kind: str
    short_name: str | None = None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _phrase_at(text: str, pos: int, loose: bool) -> tuple[Party, int] | None:
    """The party named at ``pos``: the longest known wording; in a list ("A, B och C") also an abbreviation
    or an unknown name."""
    best: tuple[str, str] | None = None
    for kind, pattern in _PARTY_KINDS:
        m = pattern.match(text, pos)
        if (
            m
            and not re.match(r"[\wåäö]", text[m.end() : m.end() + 1])
            and (best is None or len(m.group(0)) > len(best[1]))
        ):
            best = (kind, m.group(0))
    if best is None and loose:
        m = _ABBREVIATION.match(text, pos) or _UNKNOWN_NAME.match(text, pos)
        if m:
            best = ("other", m.group(0))
    if best is None:
        return None
    kind, words = best
    end = pos + len(words)
    short = _SHORT.match(text, end)
    if short:
        return Party(_capital(words) + short.group(0), kind, short.group(1)), short.end()
    return Party(_capital(words), kind, words if _ABBREVIATION.fullmatch(words) else None), end


def run_at(text: str, pos: int = 0, loose_first: bool = False, together: bool = True) -> tuple[list[Party], int] | None:
    """The parties listed from ``pos`` ("Polisen, kommunen och Örebrobostäder") and where the list ends.

    The first must be a known wording (unless ``loose_first``); later ones may be abbreviations or names.
    With ``together``, "Polisen tillsammans med Umeå kommun" lists both (as the subject before its verb).
    """
    first = _phrase_at(text, pos, loose_first)
    if first is None:
        return None
    parties, end = [first[0]], first[1]
    while True:
        sep = _SEPARATOR.match(text, end) or (_TOGETHER_WITH.match(text, end) if together else None)
        if not sep:
            break
        following = _phrase_at(text, sep.end(), loose=True)
        if following is None:
            break
        parties.append(following[0])
        end = following[1]
    return parties, end


def runs(text: str) -> list[list[Party]]:
    """Every list of two or more parties in ``text``, in reading order ("polisen och Växjö kommun")."""
    found, pos = [], 0
    while pos < len(text):
        m = re.compile(r"(?<![\wåäö])[A-ZÅÄÖa-zåäö]").search(text, pos)
        if not m:
            break
        run = run_at(text, m.start())
        if run and len(run[0]) >= 2:
            found.append(run[0])
            pos = run[1]
        else:
            pos = m.end() + re.match(r"[\wåäö-]*", text[m.end() :]).end()  # type: ignore[union-attr]
    return found


def _followed_by_predicate(text: str, end: int) -> bool:
    """Whether a verb (a word in lower case, a digit or ", via …") follows the parties ending at ``end``."""
    rest = text[end:]
    m = re.match(r"(?:,\s+|\s+)([a-zåäö0-9][\wåäö/-]*)", rest)
    return m is not None and m.group(1) not in _NOT_NAME_AFTER


def subject(text: str) -> list[Party] | None:
    """The parties a sentence or item begins with, when a verb follows them ("Polisen och kommunen genomför …")."""
    run = run_at(text, 0)
    if run and _followed_by_predicate(text, run[1]):
        return run[0]
    return None


_INVERTING_VERB = re.compile(r"\s(?:ska|skall|kommer|lovar)\s+(?=\S)")


def inverted_subject(text: str) -> list[Party] | None:
    """The parties right after a verb that follows an adverbial ("Under 2018 kommer Ale kommun …",
    "För att bidra … ska polisen öka …")."""
    for m in _INVERTING_VERB.finditer(text[:160]):
        run = run_at(text, m.end(), together=False)  # "kommer Ale kommun tillsammans med bostadsbolagen …"
        if run and (_followed_by_predicate(text, run[1]) or re.fullmatch(r"\s*:?\s*", text[run[1] :])):
            return run[0]
    return None


_ATTRIBUTION = re.compile(r"\s*\(([^()]{2,80})\)\s*\.?\s*$")
_RESPONSIBLE = re.compile(
    r"\s*[–-]?\s*(?:ansvar(?:ig|iga)?|huvudansvar(?:ig)?|ansvarar)\s*:\s*(?P<who>[^.]{1,80})\.?\s*$", re.IGNORECASE
)


def attribution(text: str) -> tuple[str, list[Party] | None, bool]:
    """The promise text without its closing "(Polis och kommun)" or "Ansvarig: kommunen", the parties named
    there and whether the attribution was cut ("Ansvarig: kommunen och p")."""
    m = _ATTRIBUTION.search(text)
    if m:
        who = m.group(1).strip()
        after_sentence = bool(re.search(r"[.!?]\s*$", text[: m.start()]))  # "… Kolla. (EBAB)", not "… (HR)."
        run = run_at(who, loose_first=after_sentence)
        known = any(p.kind in ("police", "municipality") for p in run[0]) if run else False
        if run and run[1] == len(who) and (known or after_sentence):
            return text[: m.start()].strip(), run[0], False
    m = _RESPONSIBLE.search(text)
    if m:
        who = m.group("who").strip()
        run = run_at(who)
        cut = not run or run[1] != len(who)
        return text[: m.start()].strip(), (run[0] if run else None), cut
    return text, None, False


# --- step 1: roles of headings and leads ---------------------------------------------------------------------

# In this order: what a lead promises outright, the page's chrome, goals, follow-up, a lead whose subject
# commits ("Polisen lovar att:", "Kommunen ska:"), problem pictures and priorities, then weaker promise words.
_ROLE_PATTERNS = (
    ("promise", re.compile(r"genom\s+att\s*:?$|följande\s+(?:löften|aktiviteter|åtgärder)", re.IGNORECASE)),
    ("chrome", re.compile(r"^om\s+medborgarlöft|^vad\s+är|^dokument|^dela\b|^inledning$", re.IGNORECASE)),
    ("goal", re.compile(r"\bmål(?:et|en|sättning\w*)?\b|\beffekt(?:er)?\b|åstadkomma|önskat\s+läge", re.IGNORECASE)),
    (
        "follow_up",
        re.compile(r"följ(?:a|er|s)?\s+(?:med|arbetet|upp)|uppföljning|återkoppling|kanaler", re.IGNORECASE),
    ),
    (
        "promise",
        re.compile(
            r"\blovar\b|utlovas|åtar\s+sig|förbinder|det\s+här\s+(?:ska|gör)\s+vi\s+göra|göra\s+följande|"
            r"\b(?:ska|skall)(?:\s+tillsammans)?\s*:?$|\bkommer\b.*\batt\s*:?$",
            re.IGNORECASE,
        ),
    ),
    (
        "problem",
        re.compile(
            r"lägesbild|problem|prioriter|\bområden\b|inriktning\s+på|fokusområde|situationen|bakgrund|"
            r"undersökning|\bsyftet\b|samverkansöverenskommelse|uppdatering|^kontakt",
            re.IGNORECASE,
        ),
    ),
    (
        "promise",
        re.compile(
            r"löfte|åtagande|aktiviteter|åtgärder|det\s+här\s+(?:ska|gör)\s+vi|detta\s+gör\s+vi|så\s+här\s+gör\s+vi|"
            r"följande|stödjer\s+arbetet|bidrar\s+(?:med|genom)",
            re.IGNORECASE,
        ),
    ),
)
_YEARLY = re.compile(r"\bunder\s+året\b|\bvarje\s+år\b|\bper\s+år\b|\bårligen\b", re.IGNORECASE)
_FOR_THE_PERIOD = re.compile(r"\b(?:20\d{2})\b(?!\s*[-–]\s*20\d{2})|\bperioden\b", re.IGNORECASE)
_PLEDGE_OF_YEARS = re.compile(r"^medborgarlöfte[nt]?\s+(?:för\s+)?20\d{2}(?:\s*[-–]\s*20\d{2})?$", re.IGNORECASE)


@dataclass
class Intro:
    """What a heading or lead says about the blocks under it."""

    role: str  # promise, goal, follow_up, problem, chrome or theme
    parties: list[Party] | None
    per: str | None  # "year" or "period" when the heading counts over the year or the period


def _role(text: str) -> str:
    for role, pattern in _ROLE_PATTERNS:
        if pattern.search(text):
            return role
    if run_at(text) or inverted_subject(text) or re.search(r"\bvi\b", text, re.IGNORECASE):
        return "promise"
    return "theme"


@dataclass
class Context:
    """Where the reader is: the last heading's and lead's roles and parties, and the parties seen so far."""

    section: str = "open"  # the role of the last heading (open before any)
    role: str = "open"  # the role of the last heading or lead, which items take
    parties: list[Party] | None = None
    per: str | None = None
    list_parties: list[list[Party]] = field(default_factory=list)  # single-party lists in this section
    seen: list[list[Party]] = field(default_factory=list)  # lists of parties named so far
    we: list[Party] | None = None


def resolve_we(context: Context) -> list[Party] | None:
    """Whom "vi", "aktörerna" or "tillsammans" stands for: the parties of the separate lists before (Polisen /
    Kommunen / "Tillsammans lovar vi"), else whom the text says "vi" is, else the longest list of parties named
    so far (the latest of equals)."""
    singles: list[Party] = []
    for parties in context.list_parties:
        if len(parties) == 1 and all(p.words.lower() != parties[0].words.lower() for p in singles):
            singles.extend(parties)
    if len(singles) >= 2:
        return singles
    if context.we:  # the text said whom: "polisens åtagande där vi från myndigheten lovar"
        return context.we
    if context.seen:
        longest = max(len(r) for r in context.seen)
        return next(r for r in reversed(context.seen) if len(r) == longest)
    return None


def classify(text: str, context: Context) -> Intro:
    """The role, parties and period a heading or lead (``text``) gives the blocks under it."""
    role = _role(text)
    parties = None
    if role == "promise":
        lead = re.sub(r"^(?:åtgärder|löften|aktiviteter|insatser)\s+(?:för\s+|från\s+)?", "", text, flags=re.IGNORECASE)
        parties = subject(text) or subject(_capital(lead)) or inverted_subject(text)
        bare = run_at(_capital(lead))
        if parties is None and bare and bare[1] >= len(lead.rstrip(" :")):
            parties = bare[0]  # a heading that is only the party: "Polisen", "Åtgärder kommunen"
        if parties is None and (re.search(r"\b(?:vi|aktörerna|parterna)\b", text, re.IGNORECASE)):
            parties = resolve_we(context)
        if parties is None and _PLEDGE_OF_YEARS.match(text):
            parties = resolve_we(context)
    per = "year" if _YEARLY.search(text) else ("period" if _FOR_THE_PERIOD.search(text) else None)
    return Intro(role, parties, per)


# --- step 3: targets -----------------------------------------------------------------------------------------

_WEEKDAY = r"(?:måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag)(?:en|ar|s)?"
_MONTH_NAME = r"(?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december)"
_ONCE = r"(?:en|1)\s+gång"
_PER_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (per, re.compile(pattern, re.IGNORECASE))
    for per, pattern in (
        ("day", r"(?:\bper|\bi|\bom|/)\s*(?:dygn(?:et)?|dag(?:en)?)\b|\bvarje\s+(?:dag|dygn)\b|\bdagligen\b"),
        ("week", rf"\b(?:per|i|om)\s+vecka(?:n)?\b|\bvarje\s+(?:vecka|(?:helgfri\s+)?{_WEEKDAY})\b|\bveckovis\b"),
        ("month", r"\b(?:per|i|om)\s+månad(?:en)?\b|\bvarje\s+månad\b|\bmånatligen\b"),
        (
            "year",
            rf"\b(?:per|om)\s+år(?:et)?\b|\bi\s+året\b|\bunder\s+året\b|\bvarje\s+(?:nytt\s+)?år\b|\bårligen\b|"
            rf"\bvarje\s+{_MONTH_NAME}\b",
        ),
        (
            "period",
            r"\bunder\s+(?:den\s+)?(?:hela\s+|totala\s+)?(?:[\w-]*\s)?(?:perioden|[\w-]*perioden)\b|"
            r"\bunder\s+20\d{2}\b(?!\s*[-–]\s*20\d{2})|\bunder\s+löftesperioden\b",
        ),
    )
)
_EVERY_OTHER = re.compile(r"\bvar(?:annat|te)\s+år\b|\bvid\s+varje\s+möte\b", re.IGNORECASE)
_ONCE_EVERY = re.compile(
    rf"\b{_ONCE}\s+(?:per|i|om|/)\s*|\b1\s*gång/|\bvarje\s+(?:helgfri\s+)?{_WEEKDAY}\b|\bvarje\s+{_MONTH_NAME}\b",
    re.IGNORECASE,
)
_DURATION = re.compile(r"^\s*(?:minut\w*|sekund\w*|tim\w*s\b)", re.IGNORECASE)
_PIECES = re.compile(
    r"(?P<qualifier>\bminst\s+|\båtminstone\s+)?\b(?P<number>\d+|[a-zåäö]+)\s+(?:st\.?|stycken)\s+(?:\d+\s+(?:minut|timm?)\w*\s+)?(?P<unit>[a-zåäö-]+)?",
    re.IGNORECASE,
)
_HOURS = re.compile(
    r"\b(?:minst|åtminstone|totalt)\s+(?P<number>\d[\d ]*\d|\d+|[a-zåäö]+)\s+(?P<unit>timmar)\b", re.IGNORECASE
)
_ONE_THING = re.compile(r"^(?:En|Ett)\s+(?P<unit>[a-zåäö]{6,})\b")


@dataclass(frozen=True)
class Target:
    value: int | None
    unit: str | None
    per: str | None
    phrase: str | None  # the words the count was read from
    certain: bool  # False when the words leave doubt (several numbers, a count per something unnamed)
    per_read: bool = True  # False when ``per`` comes from the list's lead or a pledge of one year, not the promise


def _per_of(text: str) -> str | None:
    for per, pattern in _PER_PATTERNS:
        if pattern.search(text):
            return per
    return None


def read_target(text: str, context_per: str | None = None, one_year: bool = False) -> Target:
    """The count a promise commits to, its unit and what it is counted over (None, period, year, month, week, day).

    >>> read_target("Minst 70 hastighetskontroller under den totala tre-års-perioden.")
    Target(value=70, unit='hastighetskontroller', per='period', phrase='Minst 70 hastighetskontroller', certain=True, per_read=True)
    >>> t = read_target("Lägesbild ska tas fram en gång i veckan.")
    >>> t.value, t.unit, t.per
    (1, None, 'week')
    >>> t = read_target("minst 200 stycken 20 minuters trafikkontroller varav minst 20 procent")
    >>> t.value, t.unit, t.per
    (200, 'trafikkontroller', None)
    """
    per = _per_of(text)
    if _EVERY_OTHER.search(text):  # "minst varannat år", "vid varje möte": once, over a span the four do not name
        return Target(1, None, None, _EVERY_OTHER.search(text).group(0), False)  # type: ignore[union-attr]
    once = _ONCE_EVERY.search(text)
    candidates: list[tuple[int, str | None, str, bool]] = []  # value, unit, phrase, qualified
    for m in _HOURS.finditer(text):
        value = parse_number(m.group("number"))
        if value:
            candidates.append((value, m.group("unit"), m.group(0), True))
    for m in _PIECES.finditer(text):
        value = parse_number(m.group("number"))
        if value:
            candidates.append((value, m.group("unit"), m.group(0).strip(), bool(m.group("qualifier"))))
    for c in counts(text):
        after = text[text.find(c.phrase) + len(c.phrase) :] if c.phrase in text else ""
        if c.unit and re.match(r"minut|sekund|tim", c.unit, re.IGNORECASE):
            continue  # "20 minuters trafikkontroller": a duration
        if _DURATION.match(after) and not c.unit:
            continue
        if any(value == c.value for value, *_ in candidates):
            continue
        candidates.append((c.value, c.unit, c.phrase, c.qualified))
    if not candidates and once:
        return Target(1, None, per, once.group(0).strip(), True)
    if not candidates:
        thing = _ONE_THING.match(text)
        if thing:
            inherited = per is None
            per = per or context_per or ("period" if one_year else None)
            return Target(1, thing.group("unit"), per, thing.group(0), False, not (inherited and per))
        return Target(
            None, None, per if per in ("year", "month", "week", "day") and _plain_frequency(text) else None, None, True
        )
    candidates.sort(key=lambda c: (not c[3],))  # a qualified count ("minst …") first
    value, unit, phrase, _ = candidates[0]
    certain = len({c[0] for c in candidates if c[3] or c[1]}) == 1
    inherited = per is None
    if per is None:
        per = context_per or ("period" if one_year else None)
    return Target(value, unit, per, phrase, certain, not (inherited and per))


def _plain_frequency(text: str) -> bool:
    """Whether the text names how often without a count ("varje år genomföra riktade insatser")."""
    return bool(re.search(r"\bvarje\s+(?:nytt\s+)?år\b|\bårligen\b|\bvarje\s+(?:vecka|månad)\b", text, re.IGNORECASE))


# --- the promises ------------------------------------------------------------------------------------------


@dataclass
class FoundPromise:
    """A promise as the text gives it, before it is matched to the pledge's partners."""

    text: str
    parties: list[Party]
    parties_certain: str  # found, guessed (inherited from the list, "vi") or not_found
    section: str | None
    target: Target


_STRONG_VERB = re.compile(r"^\s*(?:lovar|förbinder\s+sig|åtar\s+sig|utlovar)\b", re.IGNORECASE)
_WEAK_VERB = re.compile(
    r"^\s*(?:\w+\s+)?(?:ska|skall|kommer|genomför|fortsätter|samverkar|deltar|erbjuder|ansvarar|arbetar)\b",
    re.IGNORECASE,
)
# An ingress that only says what every pledge is for ("… lovar att arbeta för att öka tryggheten").
_GENERIC = re.compile(
    r"\b(?:arbeta|fokusera)\s+(?:\w+\s+){0,2}?(?:för|på)\s+att\s+(?:öka|minska)\s+(?:den\s+)?(?:upplevda\s+)?"
    r"(?:trygghet|brottslighet)|trygghet\w*\b.{0,60}\bska\s+öka|\bföljande\b",
    re.IGNORECASE,
)


# A sentence on following up or reporting the work is not a promise ("Resultatet följs upp fyra gånger per år").
_FOLLOW_UP_SENTENCE = re.compile(r"\bfölj\w*\s+upp\b|\bredovisa\w*|\butvärdera\w*|\brapportera\w*", re.IGNORECASE)


def _sentence_promise(sentence: str, strong_only: bool) -> list[Party] | None:
    who = subject(sentence)
    if not who:
        return None
    end = run_at(sentence)[1]  # type: ignore[index]
    rest = re.sub(r"^\s*(?:,\s*)?(?:även|också|tillsammans|gemensamt)\s+", " ", sentence[end:])
    if _STRONG_VERB.match(rest) or (not strong_only and _WEAK_VERB.match(rest)):
        return None if _GENERIC.search(sentence) else who
    return None


def find_promises(
    blocks: Sequence[TextBlock], one_year: bool = False, we: list[Party] | None = None
) -> list[FoundPromise]:
    """The promises of the text's blocks, in reading order (see the module's steps)."""
    context = Context(we=we)
    found: list[FoundPromise] = []
    section: str | None = None
    for index, block in enumerate(blocks):
        text = block.text
        for run in runs(text):
            context.seen.append(run)
        is_heading = block.kind == "heading"
        if index == 0 and is_heading:
            continue  # the page's title
        if re.match(r"^(?:ansvar(?:ig|iga)?|huvudansvar\w*)\s*:", text, re.IGNORECASE):
            if found:  # "Ansvar: Polisen" on its own line under the promise
                _, named, cut = attribution(" " + text)
                if named and cut and context.parties:  # "Ansvarig: kommunen och p": the rest from the list
                    named = named + [p for p in context.parties if p not in named]
                if named:
                    found[-1].parties, found[-1].parties_certain = named, "guessed" if cut else "found"
            continue
        short = block.kind == "text" and len(text.split()) <= 6 and not re.search(r"[.,;!?]$", text)
        if is_heading or block.is_lead or short:  # a short line after a lead ("Vi lovar") leads too
            intro = classify(text, context)
            if intro.role == "theme":
                if text.isupper() and len(text.split()) == 1:
                    continue  # a running page header ("POLISEN") left by PDF extraction
                section = text.rstrip(":")
                if block.is_lead:  # "Förebyggande arbete i temaområden …:" names no party
                    context.parties = None
                continue
            if is_heading:
                context.section = intro.role
                context.list_parties = [] if intro.role != "promise" or intro.parties is None else context.list_parties
                section = None
            context.role = intro.role
            context.parties = intro.parties
            if intro.per or is_heading:
                context.per = intro.per
            if intro.role == "promise" and intro.parties and len(intro.parties) == 1:
                context.list_parties.append(intro.parties)
            continue
        if block.kind == "item":
            if context.role not in ("promise", "open"):
                continue  # a list of goals, priorities, problems or channels
            found.extend(_item_promises(text, context, section, one_year))
        elif block.kind == "text" and context.section not in ("goal", "follow_up", "chrome"):
            labelled = re.match(r"^(?P<who>[^:]{2,60}):\s+(?P<rest>\S.*)$", text)
            if labelled and context.role in ("promise", "open"):
                label = run_at(labelled.group("who"))
                if label and label[1] == len(labelled.group("who")):
                    rest = labelled.group("rest")
                    found.append(
                        FoundPromise(rest, label[0], "found", section, read_target(rest, context.per, one_year))
                    )
                    continue
            strong_only = context.role != "promise"
            for sentence in sentences(text):
                if _FOLLOW_UP_SENTENCE.search(sentence):
                    continue
                who = _sentence_promise(sentence, strong_only)
                if who:
                    clean, named, _ = attribution(sentence)
                    found.append(
                        FoundPromise(clean, named or who, "found", section, read_target(clean, context.per, one_year))
                    )
    return found


def _item_promises(text: str, context: Context, section: str | None, one_year: bool) -> list[FoundPromise]:
    """One list item as promises: usually one; two when a later sentence has its own, other subject."""
    clean, named, cut = attribution(text)
    labelled = re.match(r"^(?P<who>[^:]{2,60}):\s+(?P<rest>\S.*)$", clean)
    if labelled:
        run = run_at(labelled.group("who"))
        if run and run[1] == len(labelled.group("who")):
            named, clean = named or run[0], labelled.group("rest")
    parts = [clean]
    own = [subject(clean)]
    split = sentences(clean)
    if len(split) > 1:
        parts, own = [split[0]], [subject(split[0])]
        for sentence in split[1:]:
            who = subject(sentence)
            if (
                who
                and _sentence_promise(sentence, strong_only=False)
                and (own[-1] is None or {p.words.lower() for p in who} != {p.words.lower() for p in own[-1]})
            ):
                parts.append(sentence)
                own.append(who)
            else:
                parts[-1] = f"{parts[-1]} {sentence}"
    promises = []
    for part, who in zip(parts, own, strict=True):
        certain = "found"
        if named and not (cut and not who):
            parties = named
        elif who:
            parties = who
        elif (inverted := inverted_subject(part)) is not None:
            parties = inverted
        elif context.parties:
            parties, certain = (named or []) + [p for p in context.parties if not named or p not in named], "guessed"
        else:
            parties, certain = [], "not_found"
        promises.append(FoundPromise(part, parties, certain, section, read_target(part, context.per, one_year)))
    return promises
