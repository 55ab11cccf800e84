"""Events published by the Swedish police (polisen.se's events API) as a context layer.

The API's files are a JSON array of objects with ``id``, ``datetime``,
``name``, ``summary``, ``url``, ``type`` and ``location {name, gps}``. Their
quirks decide what this module can honestly show:

- ``location.gps`` is the centre of the municipality or county, never the
  incident's place, so events are *counted per municipality and month*, never
  drawn as points;
- since late January 2026 ``location.name`` is the county; the municipality is
  only in the title, after its last comma, and is taken from there when it is
  exactly an official municipality name (it is not always one);
- ``datetime`` is when the event was published or updated, with an hour that
  is not zero-padded (``"2025-06-07 7:32:06 +02:00"``), so months are months of
  publication;
- ``Sammanfattning …`` events are county digests, not incidents, and are left
  out of the counts;
- ``type`` can carry a trailing space.

:func:`read_police_events` reads and checks a file; the store keeps the events
(one row per ``id``, so re-importing adds nothing) and
:func:`monthly_counts` counts them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from geodata.clock import LOCAL_TZ_NAME
from geodata.errors import ImportFileError, Problem, ValidationError
from geodata.io.readers import ImportLimits, decode_text, parse_json
from geodata.records import PoliceEvent
from geodata.validate import EARLIEST_YEAR, LATEST_YEAR, link_problem, text_problem

KEYS = ("id", "datetime", "name", "summary", "url", "type", "location")
DIGEST_PREFIX = "Sammanfattning"
POLICE_SITE = "https://polisen.se"
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{1,2}):(\d{2}):(\d{2}) ([+-]\d{2}):?(\d{2})$")


@dataclass
class EventBatch:
    """What a file holds: the events it could read, what it could not, and what it noticed."""

    name: str
    events: list[PoliceEvent] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    digests: int = 0
    without_municipality: int = 0
    repeated: int = 0


def looks_like_police_events(path: str | Path) -> bool:
    """Whether the file starts like the police events API's answer (a JSON array of event objects)."""
    with Path(path).open("rb") as handle:
        head = handle.read(4096).decode("utf-8", "replace").lstrip("\ufeff \r\n\t")
    return head.startswith("[") and all(f'"{key}"' in head for key in ("id", "datetime", "location"))


@lru_cache(maxsize=1)
def _municipality_codes() -> dict[str, str]:
    from geodata.boundaries import municipalities

    frame = municipalities()
    return dict(zip(frame["name"], frame["code"]))


def parse_published(text: str) -> dt.datetime:
    """The API's ``datetime`` (hour not zero-padded) as an aware UTC datetime.

    >>> parse_published("2025-06-07 7:32:06 +02:00").isoformat()
    '2025-06-07T05:32:06+00:00'
    """
    match = _DATETIME.match(text.strip())
    if not match:
        raise ValueError(f"expected 'YYYY-MM-DD H:MM:SS +HH:MM', got {text!r}")
    year, month, day, hour, minute, second, offset_h, offset_m = match.groups()
    if not EARLIEST_YEAR <= int(year) <= LATEST_YEAR:  # 9999-12-31 23:00 -02:00 has no UTC time
        raise ValueError(f"{text.strip()!r} is outside {EARLIEST_YEAR}–{LATEST_YEAR}; expected a date in that span")
    sign = -1 if offset_h.startswith("-") else 1
    offset = dt.timedelta(hours=int(offset_h), minutes=sign * int(offset_m))
    local = dt.datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=dt.timezone(offset)
    )
    return local.astimezone(dt.UTC)


def municipality_of(title: str, location_name: str) -> str | None:
    """The kommun code an event belongs to: the title's last part if it names a municipality, else its location.

    >>> municipality_of("1 augusti 14.33, Trafikolycka, Mölndal", "Västra Götalands län")
    '1481'
    >>> municipality_of("22 augusti 06.12, Sammanfattning natt, Västra Götalands län", "Västra Götalands län") is None
    True
    """
    codes = _municipality_codes()
    suffix = title.rsplit(",", 1)[-1].strip() if "," in title else ""
    return codes.get(suffix) or codes.get(location_name.strip())


def read_police_events(path: str | Path, limits: ImportLimits = ImportLimits()) -> EventBatch:
    """Read a file in the police events API's format; every event that cannot be read is a problem naming it."""
    path = Path(path)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ImportFileError(
            f"{path.name}: the file is {size / 1e6:.1f} MB; expected at most {limits.max_bytes / 1e6:.0f} MB",
            "too_large",
            file=path.name,
            mb=round(limits.max_bytes / 1e6),
        )
    text, _ = decode_text(path.read_bytes(), path.name, allow_legacy=False)
    return events_from_text(text, path.name, limits)


def events_from_text(text: str, name: str, limits: ImportLimits = ImportLimits()) -> EventBatch:
    data = parse_json(text, name)
    if not isinstance(data, list):
        raise ImportFileError(
            f"{name}: expected a JSON array of events, as polisen.se/api/events answers", "not_events", file=name
        )
    if len(data) > limits.max_features:
        raise ImportFileError(
            f"{name}: {len(data)} events; expected at most {limits.max_features} per import",
            "too_many_records",
            file=name,
            count=len(data),
            max=limits.max_features,
        )
    batch = EventBatch(name)
    seen: set[int] = set()
    for position, item in enumerate(data, start=1):
        label = f"{name} event {position}"
        if not isinstance(item, dict):
            batch.problems.append(Problem(label, "event", "is not an object"))
            continue
        if isinstance(item.get("id"), int):
            label = f"{name} event {position} (id {item['id']})"
        event = _event(item, label, batch.problems)
        if event is None:
            continue
        if event.id in seen:
            batch.repeated += 1
            continue
        seen.add(event.id)
        if event.type.startswith(DIGEST_PREFIX):
            batch.digests += 1
            continue
        if event.municipality_code is None:
            batch.without_municipality += 1
        batch.events.append(event)
    return batch


def _event(item: dict[str, Any], label: str, problems: list[Problem]) -> PoliceEvent | None:
    found: list[Problem] = []
    missing = [key for key in KEYS if key not in item]
    for key in missing:
        found.append(Problem(label, key, "is missing; expected every key of the police events format"))
    if missing:
        problems.extend(found)
        return None
    if not isinstance(item["id"], int) or isinstance(item["id"], bool) or not 0 <= item["id"] < 2**63:
        found.append(Problem(label, "id", f"expected a whole number (0 to 2^63), got {item['id']!r}"))
    published = None
    try:
        published = parse_published(str(item["datetime"]))
    except ValueError as exc:
        found.append(Problem(label, "datetime", str(exc)))
    texts = {}
    for key in ("name", "summary", "url", "type"):
        if not isinstance(item[key], str):
            found.append(Problem(label, key, f"expected text, got {item[key]!r}"))
        elif (refused := text_problem(item[key])) is not None:
            found.append(Problem(label, key, str(refused), refused.code, refused.params))
        texts[key] = str(item[key]).strip()
    location = item["location"]
    if not isinstance(location, dict) or not isinstance(location.get("name"), str):
        found.append(Problem(label, "location", "expected an object with 'name' and 'gps'"))
    elif (refused := text_problem(location["name"])) is not None:
        found.append(Problem(label, "location", str(refused), refused.code, refused.params))
    url = texts.get("url", "")
    if url.startswith("/"):
        url = POLICE_SITE + url
    if url and "url" not in {p.field for p in found} and (refused := link_problem(url)) is not None:
        found.append(Problem(label, "url", str(refused), refused.code, refused.params))
    if found:
        problems.extend(found)
        return None
    assert published is not None  # it stays None only when parsing failed, and that was recorded in found
    return PoliceEvent(
        item["id"],
        published,
        texts["name"],
        texts["type"],
        texts["summary"],
        url,
        location["name"].strip(),
        municipality_of(texts["name"], location["name"]),
    )


def store_events(store, batch: EventBatch, *, partial: bool) -> tuple[int, int]:
    """Store a batch's events once per id; returns (new, already stored).

    Without ``partial`` nothing is stored if any event could not be read;
    :class:`ValidationError` lists them.
    """
    if batch.problems and not partial:
        raise ValidationError(batch.problems)
    return store.write_police_events(batch.events)


def monthly_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Events per municipality, month (of publication, Swedish time) and type, from stored events.

    ``events`` has the columns ``municipality_code``, ``published_at`` (UTC) and ``type``.
    """
    if events.empty:
        return pd.DataFrame(columns=["municipality_code", "month", "type", "count"])
    local = pd.to_datetime(events["published_at"], utc=True).dt.tz_convert(LOCAL_TZ_NAME)
    frame = events.assign(month=local.dt.strftime("%Y-%m"))
    counts = frame.groupby(["municipality_code", "month", "type"], dropna=False).size().rename("count")
    return counts.reset_index().sort_values(
        ["municipality_code", "month", "count"], ascending=[True, True, False], ignore_index=True
    )


@dataclass(frozen=True)
class MonthOfEvents:
    month: str  # YYYY-MM, Swedish time
    total: int
    top_types: tuple[tuple[str, int], ...]


def events_by_month(events: pd.DataFrame, top: int = 3) -> list[MonthOfEvents]:
    """Per month: how many events were published, and the most frequent types."""
    counts = monthly_counts(events)
    months = []
    for month, rows in counts.groupby("month", sort=True):
        ranked = rows.sort_values(["count", "type"], ascending=[False, True])
        months.append(
            MonthOfEvents(
                str(month),
                int(rows["count"].sum()),
                tuple((str(r.type), int(r.count)) for r in ranked.head(top).itertuples()),
            )
        )
    return months
