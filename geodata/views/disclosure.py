"""Counts the public may see without a small one being worked out from them: fixed periods, bands, a pinning check.

A public count is safe on its own when it is at least the minimum. It is not
safe beside others: a count over a pledge's whole period minus the counts of
its shown months is the sum of the months that were left out, and when one
month was left out, that is its exact figure. Three rules close that door:

- **Fixed periods.** The public chooses among the pledge's whole period, its
  calendar quarters and its months (:func:`public_periods`), never a date of
  its own, so the only sums a reader can subtract are a quarter from its
  months and the whole period from its quarters.
- **Bands.** A shown count is a band of :data:`BAND_WIDTH` (5–9, 10–14, …),
  never the exact figure, and a count under the minimum is only "fewer than
  the minimum": no figure of what was left out is given anywhere.
- **The pinning check.** :func:`protect` works out, for every count that was
  left out, everything a reader can conclude from all the bands of its cell
  together (every sum of the period hierarchy, to a fixed point), and when
  that pins one to a single figure of at least 1, it leaves out the smallest
  shown period above it too, and checks again.

Everything here is pure arithmetic on counts already made per cell and month;
:mod:`geodata.views.public` reads the records and draws the cells.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from geodata.errors import Problem, ValidationError

MIN_COUNT = 5  # the smallest count of reports (or sites, or operations) a public cell may show in a period
BAND_WIDTH = 5  # a shown count is given as a band this wide: 5–9, 10–14, …
ALL = "all"  # the key of a pledge's whole period
_NO_LIMIT = 10**12  # an upper bound no count reaches


@dataclass(frozen=True)
class PublicPeriod:
    """A period the public view is counted over: ``key`` is ``"all"``, ``"2024-Q1"`` or ``"2024-03"``.

    ``start`` and ``end`` (inclusive) are the period's days within the pledge's period.
    """

    key: str
    kind: str  # "all", "quarter" or "month"
    start: dt.date
    end: dt.date
    year: int | None = None
    number: int | None = None  # the quarter (1–4) or the month (1–12)


@dataclass(frozen=True, order=True)
class Band:
    """A count given as a range, ``low`` to ``high`` inclusive (a shown cell: 5–9, 10–14, …)."""

    low: int
    high: int

    def __add__(self, other: Band) -> Band:
        return Band(self.low + other.low, self.high + other.high)

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


def band(count: int, min_count: int = MIN_COUNT, width: int = BAND_WIDTH) -> Band | None:
    """The band ``count`` is shown as, or ``None`` when it is under ``min_count`` (and not shown).

    >>> band(4), band(5), band(9), band(10), band(23)
    (None, Band(low=5, high=9), Band(low=5, high=9), Band(low=10, high=14), Band(low=20, high=24))
    """
    if count < min_count:
        return None
    low = min_count + (count - min_count) // width * width
    return Band(low, low + width - 1)


def total_band(bands: Iterable[Band]) -> Band:
    """The range the sum of ``bands`` lies in (what a reader adds up from them, nothing more)."""
    total = Band(0, 0)
    for part in bands:
        total = total + part
    return total


def _month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def public_periods(start: dt.date, end: dt.date) -> tuple[PublicPeriod, ...]:
    """The periods the public may choose for a pledge running from ``start`` to ``end``: the whole of it, each
    calendar quarter it touches, each calendar month it touches (each clipped to the pledge's days).

    >>> [p.key for p in public_periods(dt.date(2024, 2, 15), dt.date(2024, 4, 30))]
    ['all', '2024-Q1', '2024-Q2', '2024-02', '2024-03', '2024-04']
    """
    if end < start:
        raise ValueError(f"a period ends ({end}) before it starts ({start})")
    months: list[PublicPeriod] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        last = calendar.monthrange(year, month)[1]
        months.append(
            PublicPeriod(
                _month_key(year, month),
                "month",
                max(start, dt.date(year, month, 1)),
                min(end, dt.date(year, month, last)),
                year,
                month,
            )
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    quarters: dict[tuple[int, int], list[PublicPeriod]] = {}
    for m in months:
        assert m.year is not None and m.number is not None
        quarters.setdefault((m.year, (m.number - 1) // 3 + 1), []).append(m)
    return (
        PublicPeriod(ALL, "all", start, end),
        *(
            PublicPeriod(f"{y:04d}-Q{q}", "quarter", parts[0].start, parts[-1].end, y, q)
            for (y, q), parts in quarters.items()
        ),
        *months,
    )


def quarter_of(month_key: str) -> str:
    """The key of the quarter a month's key (``YYYY-MM``) lies in."""
    year, month = month_key.split("-")
    return f"{year}-Q{(int(month) - 1) // 3 + 1}"


def choose_period(periods: Iterable[PublicPeriod], key: str | None) -> PublicPeriod:
    """The period of ``periods`` whose key is ``key`` (the whole period for ``None``); a clear error otherwise."""
    periods = tuple(periods)
    for period in periods:
        if period.key == (key or ALL):
            return period
    raise ValidationError(
        Problem(
            "public view",
            "period",
            f"{key!r} is not one of the pledge's periods; expected one of {', '.join(p.key for p in periods)}",
            code="public_period",
            params={"value": key, "expected": ", ".join(p.key for p in periods)},
        )
    )


def protect(
    monthly: Mapping[tuple[Hashable, str | None], int],
    periods: Iterable[PublicPeriod],
    *,
    min_count: int = MIN_COUNT,
    width: int = BAND_WIDTH,
) -> dict[tuple[Hashable, str], Band]:
    """The bands the public may see, per cell and period, of counts given per cell and month.

    ``monthly`` maps ``(cell, month)`` to a count, ``month`` a key ``YYYY-MM`` of one of ``periods``'
    months, or ``None`` for what counts only in the whole period (no date, or a date outside the pledge's
    months). A cell is anything hashable (a hexagon, a hexagon and a kind). The result holds the shown
    ``(cell, period key)`` pairs; a pair that is missing is not shown, and a reader cannot tell whether it
    was under the minimum or left out by the pinning check.

    >>> periods = public_periods(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    >>> shown = protect({("a", "2024-01"): 7, ("a", "2024-02"): 2}, periods)
    >>> sorted((period, str(b)) for (_, period), b in shown.items())
    [('2024-01', '5–9'), ('2024-Q1', '5–9'), ('all', '5–9')]

    Here the whole period (5–9) less January (5–9) leaves February anywhere from 0 to 4: nothing is pinned.
    """
    periods = tuple(periods)
    month_keys = [p.key for p in periods if p.kind == "month"]
    known = set(month_keys)
    by_cell: dict[Hashable, dict[str | None, int]] = {}
    for (cell, month), count in monthly.items():
        if month is not None and month not in known:
            raise ValueError(f"month {month!r} is not one of the periods' months")
        if count:
            months = by_cell.setdefault(cell, {})
            months[month] = months.get(month, 0) + int(count)
    quarters: dict[str, list[str]] = {}
    for key in month_keys:
        quarters.setdefault(quarter_of(key), []).append(key)
    shown: dict[tuple[Hashable, str], Band] = {}
    for cell, months in by_cell.items():
        for key, value in _protect_cell(months, quarters, min_count, width).items():
            shown[(cell, key)] = value
    return shown


def _protect_cell(
    months: dict[str | None, int], quarters: dict[str, list[str]], min_count: int, width: int
) -> dict[str, Band]:
    """One cell's shown bands over the hierarchy whole period → quarters (+ the undated rest) → months."""
    values: dict[str, int] = {key: months.get(key, 0) for keys in quarters.values() for key in keys}
    for quarter, keys in quarters.items():
        values[quarter] = sum(values[k] for k in keys)
    values[ALL] = sum(months.values())
    rest = "rest"  # counts in the whole period only: never shown
    children = {ALL: [*quarters, rest], **quarters}
    shown = {key: b for key, v in values.items() if (b := band(v, min_count, width)) is not None}
    hidden: set[str] = set()
    parent = {child: p for p, kids in children.items() for child in kids}
    while True:
        pinned = _pinned(values, shown, hidden, children, rest, months.get(None, 0), min_count)
        if not pinned:
            return {key: b for key, b in shown.items() if key not in hidden}
        # One at a time: leaving one period out may free the other counts it pinned too.
        above = parent.get(pinned[0])
        while above is not None and (above not in shown or above in hidden):
            above = parent.get(above)
        if above is None:  # nothing shown above it: a pin cannot come from bands that are not there
            raise AssertionError(f"count {pinned[0]!r} pinned with nothing shown above it")
        hidden.add(above)


def _pinned(
    values: dict[str, int],
    shown: dict[str, Band],
    hidden: set[str],
    children: dict[str, list[str]],
    rest: str,
    rest_count: int,
    min_count: int,
) -> list[str]:
    """The counts under the minimum whose figure a reader of the shown bands can work out exactly (at least 1).

    A count this check left out is at least the minimum: a reader who works it out learns no small count.
    What counts in the whole period only (``rest``) is taken as known to the reader, exactly: a reader may
    well know that no report lies outside the pledge's days, and then the whole period is the sum of its
    quarters.
    """
    bounds: dict[str, list[int]] = {}
    for key in [*values, rest]:
        if key == rest:
            bounds[key] = [rest_count, rest_count]
        elif key in shown and key not in hidden:
            bounds[key] = [shown[key].low, shown[key].high]
        elif key in shown:  # left out by this check: a reader may guess it was at least the minimum
            bounds[key] = [min_count, _NO_LIMIT]
        else:
            bounds[key] = [0, min_count - 1]
    changed = True
    while changed:  # every step narrows a bound by at least 1: it ends
        changed = False
        for total, parts in children.items():
            low = sum(bounds[p][0] for p in parts)
            high = sum(bounds[p][1] for p in parts)
            new = [max(bounds[total][0], low), min(bounds[total][1], high)]
            for part in parts:
                b = bounds[part]
                others_low, others_high = low - b[0], high - b[1]
                narrowed = [max(b[0], bounds[total][0] - others_high), min(b[1], bounds[total][1] - others_low)]
                if narrowed != b:
                    bounds[part], changed = narrowed, True
            if new != bounds[total]:
                bounds[total], changed = new, True
    # The whole period, when it is under the minimum, is pinned only by what the reader is taken to know of the
    # rest (every quarter under it is under the minimum too): nothing shown gives it away.
    return [
        key
        for key in values
        if key != ALL and key not in shown and bounds[key][0] == bounds[key][1] and bounds[key][0] >= 1
    ]
