"""The differencing attack on the public view: every view a public client can ask for, subtracted pairwise.

The attack of issue 21 downloaded the public map for every window of days a client could ask for and
subtracted the counts cell by cell. Now a client chooses a pledge and one of its fixed periods, and every
count is a band. These tests ask for every one of them as the public role, and let an attacker who knows
how the periods nest (the whole period is the sum of its quarters, a quarter the sum of its months) work
out, by linear programming over all of a cell's views together, the least and the most each count left
out can be. None of them may come out as one figure of at least 1.

A control runs the same attacker on what the old public view published (exact counts, windows a client
chose) over the same records, and shows it recovers small cells: the attacker is able, and the bands, the
fixed periods and the pinning check are what stop it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from dashboard.exports import export_view
from dashboard.settings import Settings
from dashboard.state.view import ViewState
from geodata import GeoPackageStore, LayerQuery
from geodata.access import GuardedStore, Viewer
from geodata.grid import HexGrid, representative_xy
from geodata.views import disclosure
from geodata.views.disclosure import MIN_COUNT, Band, protect, public_periods, quarter_of
from geodata.views.public import PLACE_HEX_M, public_periods_of, public_view
from geodata.vocab import FIXED_SITE_STATUSES

PUBLIC = Viewer("public", "allmänheten")
PLEDGES = ("molndal-2018", "mark-2021")


@pytest.fixture(scope="module")
def public_store(demo_file, tmp_path_factory):
    path = tmp_path_factory.mktemp("differencing") / "demo.gpkg"
    shutil.copy(demo_file, path)
    with GeoPackageStore.open(path) as store:
        yield GuardedStore(store, PUBLIC)


def _attack(
    published: dict[str, dict[object, Band]],
    months: list[str],
    quarters: dict[str, list[str]],
    hidden: frozenset[tuple[object, str]] = frozenset(),
    rest: dict[object, int] | None = None,
) -> dict[tuple[object, str], tuple[float, float]]:
    """What an attacker works out of ``published`` (period key → cell → band; a cell missing is taken as
    fewer than the minimum, as the legend says, unless the attacker is told it was ``hidden`` by the pinning
    check, and so at least the minimum): per cell and period left out, the least and the most its count can
    be, given every published band of the cell and how the periods nest. ``rest`` tells the attacker, per cell,
    exactly what counts in the whole period only (no date, or outside the pledge's days): the strongest case,
    where the whole period is known to be its quarters' sum plus that."""
    cells = {cell for per_period in published.values() for cell in per_period}
    nodes = [*months, "rest"]  # a cell's unknowns: its count per month, and what counts in the whole period only
    sums = {disclosure.ALL: nodes, **quarters, **{m: [m] for m in months}}
    found = {}
    for cell in cells:
        rows, lows, highs = [], [], []
        for key, parts in sums.items():
            row = np.array([1.0 if node in parts else 0.0 for node in nodes])
            b = published.get(key, {}).get(cell)
            low, high = (b.low, b.high) if b is not None else (0, MIN_COUNT - 1)
            if (cell, key) in hidden:
                low, high = MIN_COUNT, 10**9
            rows.append(row)
            lows.append(low)
            highs.append(high)
        a_ub = np.vstack([np.array(rows), -np.array(rows)])
        b_ub = np.concatenate([np.array(highs, float), -np.array(lows, float)])
        known = rest.get(cell, 0) if rest is not None else None
        bounds = [(0, None)] * len(months) + [(known, known) if known is not None else (0, None)]
        for key, parts in sums.items():
            if cell in published.get(key, {}):
                continue
            objective = np.array([1.0 if node in parts else 0.0 for node in nodes])
            least = linprog(objective, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
            most = linprog(-objective, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
            assert least.status == 0 and most.status == 0, (cell, key, least.message, most.message)
            found[(cell, key)] = (least.fun, -most.fun)
    return found


def _pinned(found: dict[tuple[object, str], tuple[float, float]]) -> list[tuple[object, str, int]]:
    """The counts left out that an attacker works out to one figure of at least 1."""
    pinned = []
    for (cell, key), (least, most) in found.items():
        low, high = int(np.ceil(least - 1e-6)), int(np.floor(most + 1e-6))
        if low == high and low >= 1:
            pinned.append((cell, key, low))
    return pinned


def _nesting(periods) -> tuple[list[str], dict[str, list[str]]]:
    months = [p.key for p in periods if p.kind == "month"]
    quarters: dict[str, list[str]] = defaultdict(list)
    for month in months:
        quarters[quarter_of(month)].append(month)
    return months, dict(quarters)


def _rests(store, pledge) -> dict[str, dict[object, int]]:
    """The truth an attacker is told: per layer and cell, what counts in the whole period only."""
    from geodata.access import figures_store
    from geodata.access.rules import readable_query
    from geodata.views.public import AREA_HEX_M, _monthly, _report_weights

    store = figures_store(store)
    query = LayerQuery(pledge_id=pledge.id)
    days = (pledge.period.start, pledge.period.end)
    months = {p.key for p in public_periods_of(pledge) if p.kind == "month"}
    places = store.read_layer("unsafe_places", query)
    operations = store.read_layer("operations", readable_query("operations", query))
    operations = operations[operations["visibility"] == "public"]
    sites = store.read_layer("inventoried_sites", query)
    place, area = HexGrid(PLACE_HEX_M), HexGrid(AREA_HEX_M)
    status = sites["status"].to_numpy()

    def rest(monthly):
        return {cell: n for (cell, month), n in monthly.items() if month is None}

    def reports(frame):
        return rest(_monthly(frame, "reported_on", days, months, place, weights=_report_weights(frame)))

    def counted(weights):
        return rest(_monthly(sites, "inspected_on", days, months, area, weights=weights))

    safe = places["safety"] == "safe"
    return {
        "unsafe": reports(places[~safe]),
        "safe": reports(places[safe]),
        "operations": rest(_monthly(operations, "starts_at", days, months, area, by=operations["kind"])),
        "sites": counted(np.ones(len(sites), dtype=np.int64)),
        "inspected": counted((status != "flagged").astype(np.int64)),
        "fixed": counted(np.isin(status, FIXED_SITE_STATUSES).astype(np.int64)),
    }


@pytest.mark.parametrize("pledge_id", PLEDGES)
def test_every_public_view_together_pins_no_count_under_the_minimum(public_store, pledge_id):
    pledge = public_store.get_pledge(pledge_id)
    periods = public_periods_of(pledge)
    views = {p.key: public_view(public_store, pledge_id, p.key) for p in periods}  # every view a client can ask for
    layers = {
        "unsafe": lambda v: {(c.q, c.r): c.band for c in v.unsafe_places.cells},
        "safe": lambda v: {(c.q, c.r): c.band for c in v.safe_places.cells},
        "operations": lambda v: {(c.q, c.r, k): b for c in v.operations.cells for k, b in c.kinds},
        "sites": lambda v: {(c.q, c.r): c.sites for c in v.sites.cells},
        "inspected": lambda v: {(c.q, c.r): c.inspected for c in v.sites.cells if c.inspected is not None},
        "fixed": lambda v: {(c.q, c.r): c.fixed for c in v.sites.cells if c.fixed is not None},
    }
    months, quarters = _nesting(periods)
    rests = _rests(public_store, pledge)
    shown_cells = 0
    for name, cells_of in layers.items():
        published = {key: cells_of(view) for key, view in views.items()}
        shown_cells += sum(len(cells) for cells in published.values())
        assert _pinned(_attack(published, months, quarters)) == [], name
        # And an attacker who knows exactly what lies outside the months (here: every undated site).
        assert _pinned(_attack(published, months, quarters, rest=rests[name])) == [], name
        # No band is narrower than five, so no shown count is given exactly either.
        assert all(b.high - b.low == disclosure.BAND_WIDTH - 1 for cells in published.values() for b in cells.values())
    assert shown_cells > 50  # the demo pledge's views show cells: the attack had something to work on


def _exact_counts(store, pledge_id) -> pd.DataFrame:
    """The pledge's unsafe-place reports as the old public view counted them: a hexagon and a day each."""
    places = store.read_layer("unsafe_places", LayerQuery(pledge_id=pledge_id))
    places = places[places["safety"] != "safe"]
    q, r = HexGrid(PLACE_HEX_M).cells(*representative_xy(places.geometry).T)
    weights = pd.to_numeric(places.get("report_count"), errors="coerce").fillna(1).astype(int)
    return pd.DataFrame(
        {"cell": list(zip(q.tolist(), r.tolist())), "day": pd.to_datetime(places["reported_on"]), "n": weights}
    )


def test_the_attacker_recovers_small_cells_from_what_the_old_public_view_published(demo_file):
    """The control: exact counts over windows a client chose (from the first day to each day), subtracted."""
    with GeoPackageStore.open(demo_file) as store:
        counts = _exact_counts(store, "molndal-2018")
        pledge = store.get_pledge("molndal-2018")
    days = pd.date_range(pledge.period.start, pledge.period.end, freq="D")
    recovered = 0
    for _cell, reports in counts.groupby("cell"):
        per_day = reports.groupby("day")["n"].sum().reindex(days, fill_value=0).to_numpy()
        prefix = np.cumsum(per_day)  # the window from the first day to each day, as the old view showed it
        shown = prefix >= MIN_COUNT
        # Two consecutive windows both shown: their difference is that day's exact count in the cell.
        for i in range(1, len(days)):
            if shown[i] and shown[i - 1] and 0 < prefix[i] - prefix[i - 1] < MIN_COUNT:
                recovered += 1
    assert recovered > 0


def test_exact_counts_over_the_fixed_periods_would_be_pinned_and_the_check_leaves_a_period_out():
    """Without bands (a width of one) the attacker pins a month from its quarter; the pinning check sees it
    and leaves the quarter out (and what else it must), after which the attacker pins nothing."""
    periods = public_periods(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    months, quarters = _nesting(periods)
    monthly = {("c", "2024-01"): 6, ("c", "2024-02"): 3, ("c", "2024-03"): 5, ("c", "2024-05"): 8}
    naive = {}
    for key, parts in {disclosure.ALL: months, **quarters, **{m: [m] for m in months}}.items():
        total = sum(monthly.get(("c", m), 0) for m in parts)
        if total >= MIN_COUNT:
            naive.setdefault(key, {})["c"] = Band(total, total)
    assert ("c", "2024-02", 3) in _pinned(_attack(naive, months, quarters))

    checked = protect(monthly, periods, width=1)
    published: dict[str, dict[object, Band]] = defaultdict(dict)
    for (cell, key), b in checked.items():
        published[key][cell] = b
    assert "2024-Q1" not in published  # left out by the check: less January (6) and March (5) it gives February (3)
    hidden = frozenset((cell, key) for key, cells in naive.items() for cell in cells if cell not in published[key])
    assert ("c", "2024-Q1") in hidden
    # The strongest attacker: told which periods the check left out (they are at least the minimum).
    found = _attack(dict(published), months, quarters, hidden)
    assert [p for p in _pinned(found) if (p[0], p[1]) not in hidden] == []


def test_a_pledge_of_five_quarters_leaves_its_whole_period_out_when_it_would_pin_them():
    """A year from mid-February touches five quarters: four reports in each show the whole period as 20–24,
    which less five quarters of at most four leaves each exactly four, for a reader who knows no report lies
    outside the pledge's days. The check sees it and leaves the whole period out."""
    periods = public_periods(dt.date(2024, 2, 15), dt.date(2025, 2, 14))
    months, quarters = _nesting(periods)
    assert len(quarters) == 5
    monthly = {("c", parts[0]): 4 for parts in quarters.values()}
    naive = {disclosure.ALL: {"c": disclosure.band(20)}}
    assert len(_pinned(_attack(naive, months, quarters, rest={"c": 0}))) == 5  # each quarter: exactly 4
    checked = protect(monthly, periods)
    assert checked == {}  # the whole period is left out, and nothing under it reaches five
    monthly[("c", "2024-10")] = 9  # now 2024-Q4 and October show 5–9, and the whole period 25–29 would pin
    published: dict[str, dict[object, Band]] = defaultdict(dict)
    for (cell, key), b in protect(monthly, periods).items():
        published[key][cell] = b
    assert disclosure.ALL not in published and "2024-Q4" in published
    hidden = frozenset({("c", disclosure.ALL)})  # the strongest reader: told the whole period was left out
    assert _pinned(_attack(dict(published), months, quarters, hidden, rest={"c": 0})) == []


def test_a_public_export_reads_no_dates_of_the_client(public_store, tmp_path):
    """The public map's file is counted over the chosen period whatever dates the view holds: the view's
    start and end, the old attack's handle, change nothing in it."""
    settings = Settings(data=tmp_path / "unused.gpkg", tiles_url=None)

    def tooltips(**dates):
        state = ViewState(pledge="molndal-2018", period="2018-Q4", **dates)
        content, _name = export_view(public_store, state, "html_public", settings, today=dt.date(2026, 12, 1))
        # The features' tooltips, as the page's GeoJSON holds them (JSON strings).
        found = re.findall(r'"tooltip": ("[^"]* rapporter om otrygghet i rutan")', content.decode("utf-8"))
        return sorted(json.loads(text) for text in found)

    plain = tooltips()
    assert plain  # the period shows cells
    assert tooltips(start=dt.date(2018, 10, 1), end=dt.date(2018, 10, 2)) == plain
    assert tooltips(start=dt.date(2018, 12, 30)) == plain
    view = public_view(public_store, "molndal-2018", "2018-Q4")
    assert len(plain) == len(view.unsafe_places.cells)
    assert all(re.match(r"\d+–\d+ rapporter", text) for text in plain)  # bands, never one figure


def test_a_period_the_pledge_does_not_have_is_refused_naming_it(public_store):
    from geodata.errors import ValidationError

    with pytest.raises(ValidationError) as raised:
        public_view(public_store, "mark-2021", "2019-05")
    [problem] = raised.value.problems
    assert problem.field == "period" and "2019-05" in problem.message and "2021-Q1" in problem.message
