"""The overview of many pledges: each pledge's standing in a year, scopes, themes, and the scope's reports per cell."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
from shapely.geometry import Point

from geodata import LayerQuery, clock, pledge_from_dict
from geodata.access import GuardedStore, Viewer
from geodata.analysis.judging import judge
from geodata.regions import parse_scope
from geodata.store import open_store
from geodata.views.public import MIN_COUNT
from geodata.views.regional import default_year, municipality_state, regional_overview, scope_report_grid

from builders import frame, operation, pledge_dict, unsafe_place

TODAY = clock.today()  # judgements are saved now: an overview as of an earlier day would not see them
LAXA = (14.62, 58.99)  # Laxå, Region Bergslagen


def _laxa(**overrides):
    return pledge_dict(
        id="laxa-2024",
        title="Medborgarlöfte Laxå 2024",
        municipality={"name": "Laxå", "code": "1860"},
        focus="Trafiksäkerhet vid skolorna",
        promises=[
            {"id": "laxa-2024-trafik", "text": "Hastighetskontroller", "parties": ["polisen"], "kind": "other"},
            {"id": "laxa-2024-info", "text": "Möten", "parties": ["kommunen"], "kind": "parent_information"},
        ],
        **overrides,
    )


def test_records_of_several_pledges_are_selected_by_pledge_ids_on_both_backends(store):
    store.save_pledge(pledge_from_dict(_laxa()))
    store.write_batch(
        "unsafe_places",
        frame(unsafe_place(pledge_id="test-2024"), unsafe_place(pledge_id="laxa-2024", geometry=Point(*LAXA))),
    )
    store.write_batch("operations", frame(operation()))
    assert store.count("unsafe_places", LayerQuery(pledge_ids=("test-2024", "laxa-2024"))) == 2
    assert store.count("unsafe_places", LayerQuery(pledge_ids=("laxa-2024",))) == 1
    assert store.count("unsafe_places", LayerQuery(pledge_ids=())) == 0
    # Operations link to promises: the pledges' promises select them.
    assert store.count("operations", LayerQuery(pledge_ids=("test-2024",))) == 1
    assert store.count("operations", LayerQuery(pledge_ids=("laxa-2024",))) == 0
    grid = store.grid_counts("unsafe_places", LayerQuery(pledge_ids=("test-2024", "laxa-2024")), 10_000, "report_count")
    assert sorted(grid.count.tolist()) == [2, 2]


def test_each_pledge_stands_by_its_latest_judgement_in_the_year_and_the_scope_keeps_its_own(store):
    store.save_pledge(pledge_from_dict(_laxa()))
    # Mark (Region Väst): one promise started in T1, then delayed in T2; the other not judged.
    judge(store, "test-2024", "promise", "test-2024-insatser", "2024-T1", "started", "", 0)
    judge(store, "test-2024", "promise", "test-2024-insatser", "2024-T2", "delayed", "", 0)
    # Laxå: both done, the second in a later version of the same period.
    judge(store, "laxa-2024", "promise", "laxa-2024-trafik", "2024-T2", "done", "", 0)
    judge(store, "laxa-2024", "promise", "laxa-2024-info", "2024-T2", "started", "", 0)
    judge(store, "laxa-2024", "promise", "laxa-2024-info", "2024-T2", "done", "", 1)
    country = regional_overview(store, parse_scope(None), None, TODAY)
    assert country.year == 2024 and country.years == (2024,)
    rows = {row.pledge.id: row for row in country.rows}
    assert [row.pledge.municipality.name for row in country.rows] == ["Laxå", "Mark"]  # Swedish order
    assert rows["test-2024"].counts["delayed"] == 1 and rows["test-2024"].counts["not_judged"] == 1
    assert rows["test-2024"].state == "delayed" and rows["test-2024"].region == "vast"
    assert rows["laxa-2024"].state == "done" and rows["laxa-2024"].share("done") == 1.0
    assert rows["laxa-2024"].county == "18" and rows["laxa-2024"].region == "bergslagen"
    assert rows["laxa-2024"].last_judged is not None
    assert country.state_counts()["done"] == 1 and country.state_counts()["delayed"] == 1
    assert [r.pledge.id for r in regional_overview(store, parse_scope("region-vast"), 2024, TODAY).rows] == [
        "test-2024"
    ]
    assert regional_overview(store, parse_scope("lan-18"), 2024, TODAY).pledge_ids == ("laxa-2024",)
    assert regional_overview(store, parse_scope("region-syd"), 2024, TODAY).rows == ()


def test_a_judgement_of_a_later_year_does_not_count_in_an_earlier_one(store):
    store.save_pledge(pledge_from_dict(_laxa(period={"start": "2024-01-01", "end": "2025-12-31"})))
    judge(store, "laxa-2024", "promise", "laxa-2024-trafik", "2024-T3", "started", "", 0)
    judge(store, "laxa-2024", "promise", "laxa-2024-trafik", "2025-T1", "done", "", 0)
    earlier = regional_overview(store, parse_scope("lan-18"), 2024, TODAY).rows[0]
    later = regional_overview(store, parse_scope("lan-18"), 2025, TODAY).rows[0]
    assert earlier.counts["started"] == 1 and later.counts["done"] == 1
    assert earlier.state == later.state == "started"  # the second promise is not judged: not done yet


def test_themes_filter_the_pledges_and_are_counted_before_the_filter(store):
    store.save_pledge(pledge_from_dict(_laxa()))
    both = regional_overview(store, parse_scope(None), 2024, TODAY)
    assert both.theme_counts["traffic"] == 1 and both.theme_counts["narcotics"] == 1 and both.theme_counts["youth"] == 1
    traffic = regional_overview(store, parse_scope(None), 2024, TODAY, themes=["traffic"])
    assert traffic.pledge_ids == ("laxa-2024",) and traffic.theme_counts == both.theme_counts
    assert regional_overview(store, parse_scope(None), 2024, TODAY, ["traffic", "narcotics"]).pledge_ids == (
        "laxa-2024",
        "test-2024",
    )
    with pytest.raises(ValueError, match="unknown themes: sport"):
        regional_overview(store, parse_scope(None), 2024, TODAY, themes=["sport"])


def test_the_year_shown_first_is_this_year_else_the_latest_before_it():
    pledges = [pledge_from_dict(pledge_dict(period={"start": s, "end": e})) for s, e in (("2018-02-01", "2019-01-31"),)]
    assert default_year(pledges, dt.date(2026, 12, 1)) == 2019
    assert default_year(pledges, dt.date(2018, 6, 1)) == 2018
    assert default_year(pledges, dt.date(2010, 6, 1)) == 2018
    assert default_year([], dt.date(2026, 1, 1)) is None


def test_the_scope_grid_counts_reports_of_the_scope_only_and_the_public_never_a_cell_below_five(demo_copy):
    with open_store(demo_copy) as store:
        vast = regional_overview(store, parse_scope("region-vast"), 2021, TODAY)
        assert vast.pledge_ids == ("mark-2021",)
        full = scope_report_grid(store, vast, zoom=8)
        unsafe = LayerQuery(
            pledge_id="mark-2021",
            start=dt.date(2021, 1, 1),
            end=dt.date(2021, 12, 31),
            values=(("safety", ("unsafe",)),),
        )
        weights = store.read_layer("unsafe_places", unsafe)["report_count"].sum()
        assert not full.public and int(full.grid.count.sum()) == int(weights)
        country = regional_overview(store, parse_scope(None), 2021, TODAY)
        assert scope_report_grid(store, country, zoom=5).grid.count.sum() > full.grid.count.sum()
        public = scope_report_grid(GuardedStore(store, Viewer("public")), vast, zoom=14)
        assert public.public and public.min_count == MIN_COUNT
        assert public.grid.cell_m >= 1000 and len(public.grid) and np.all(public.grid.count >= MIN_COUNT)
        assert public.grid.count.sum() < weights  # some cells held fewer than five
        # In view only: a box around Kinna holds fewer than the whole municipality.
        kinna = scope_report_grid(store, vast, zoom=12, view_bounds=(12.66, 57.49, 12.72, 57.52))
        assert 0 < kinna.grid.count.sum() < full.grid.count.sum()


def test_the_demo_store_shows_every_state_in_2021(demo_copy):
    with open_store(demo_copy) as store:
        overview = regional_overview(store, parse_scope(None), None, clock.today())
    states = {row.pledge.municipality.name: row.state for row in overview.rows}
    assert overview.year == 2021
    assert states == {
        "Järfälla": "started",
        "Laxå": "done",
        "Lund": "not_started",
        "Malå": "not_judged",
        "Mark": "delayed",
        "Norrköping": "started",
        "Uppsala": "delayed",
    }
    assert {row.region for row in overview.rows} == {"nord", "mitt", "stockholm", "ost", "vast", "syd", "bergslagen"}
    assert all(row.pledge.demo for row in overview.rows if row.pledge.id.startswith("demo-"))


def test_a_municipality_with_two_pledges_is_coloured_by_the_one_needing_attention_most(store):
    kinna = pledge_dict(id="mark-kinna-2024", title="Medborgarlöfte Kinna 2024")
    kinna["promises"] = [{**p, "id": p["id"].replace("test-", "kinna-")} for p in kinna["promises"]]
    store.save_pledge(pledge_from_dict(kinna))
    judge(store, "mark-kinna-2024", "promise", "kinna-2024-insatser", "2024-T1", "delayed", "", 0)
    overview = regional_overview(store, parse_scope("lan-14"), 2024, TODAY)
    [(code, rows)] = overview.by_municipality().items()
    assert code == "1463" and {r.pledge.id for r in rows} == {"test-2024", "mark-kinna-2024"}
    assert municipality_state(rows) == "delayed"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_overview_downloads_as_a_table_in_the_reader_s_words(demo_copy, tmp_path, lang):
    import csv
    import io

    from openpyxl import load_workbook

    from dashboard.exports import overview_file

    with open_store(demo_copy) as store:
        overview = regional_overview(store, parse_scope(None), 2021, TODAY)
    content, name = overview_file(overview, "csv", lang)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";" if lang == "sv" else ","))
    by_name = {r["Kommun" if lang == "sv" else "Municipality"]: r for r in rows}
    assert len(rows) == 7 and name == (
        "alla-löften-sverige-2021.csv" if lang == "sv" else "all-pledges-sverige-2021.csv"
    )
    uppsala = by_name["Uppsala"]
    if lang == "sv":
        assert uppsala["Polisregion"] == "Region Mitt" and uppsala["Län"] == "Uppsala län"
        assert uppsala["Läge"] == "Försenad" and uppsala["Löftespunkter: Försenad"] == "1"
        assert by_name["Malå"]["Läge"] == "Ej bedömd" and by_name["Malå"]["Löftespunkter: Ej bedömd"] == "2"
        assert by_name["Laxå"]["Teman"].startswith("Trafik") and by_name["Laxå"]["Demodata"] == "ja"
        assert uppsala["Period från"] == "2021-01-01"
    else:
        assert uppsala["Police region"] == "Region Central" and uppsala["State"] == "Delayed"
        assert by_name["Malå"]["State"] == "Not judged"
    for row in rows:  # no raw codes anywhere
        assert not {"delayed", "not_judged", "vast", "narcotics"} & set(row.values())
    content, name = overview_file(overview, "xlsx", lang)
    path = tmp_path / name
    path.write_bytes(content)
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    assert header[0] == ("Kommun" if lang == "sv" else "Municipality") and sheet.max_row == 8


def test_the_command_line_prints_or_writes_the_overview_and_names_what_it_cannot_read(demo_copy, tmp_path, capsys):
    from dashboard.cli import main

    assert main(["followup", "overview", "--data", str(demo_copy), "--scope", "region-mitt", "--year", "2021"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Alla löften i Region Mitt 2021") and "Uppsala" in out and "Försenad" in out
    assert "Mark" not in out
    args = ["followup", "overview", "--data", str(demo_copy), "--year", "2021", "--lang", "en", "--theme", "trafik"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("Every pledge in all of Sweden 2021") and "Laxå" in out and "Järfälla" not in out
    target = tmp_path / "alla.xlsx"
    assert main(["followup", "overview", "--data", str(demo_copy), "--year", "2021", "--out", str(target)]) == 0
    assert target.stat().st_size > 0 and "Skrev 7 löften" in capsys.readouterr().out
    assert main(["followup", "overview", "--data", str(demo_copy), "--scope", "region-atlantis"]) == 1
    assert "”region-atlantis” är inget område" in capsys.readouterr().err
    assert main(["followup", "overview", "--data", str(demo_copy), "--theme", "sport"]) == 1
    assert "Okänt tema: sport; välj bland: narkotika, trafik" in capsys.readouterr().err


def test_moving_the_view_s_edge_never_changes_a_cell_so_it_cannot_place_a_report(demo_copy):
    """The differencing a public caller could try: the same cell asked for with the view's west edge moved across
    it in 50 m steps. Every cell is counted whole, so each shown cell holds what the whole scope's grid holds."""
    with open_store(demo_copy) as store:
        public = GuardedStore(store, Viewer("public"))
        vast = regional_overview(public, parse_scope("region-vast"), 2021, TODAY)
        whole = scope_report_grid(public, vast, zoom=13)
        full = dict(zip(zip(whole.grid.x.tolist(), whole.grid.y.tolist()), whole.grid.count.tolist()))
        assert full and whole.grid.cell_m == 1000
        seen = set()
        for step in range(120):
            west = 12.60 + step * 0.001  # about 60 m a step at Kinna's latitude
            part = scope_report_grid(public, vast, zoom=13, view_bounds=(west, 57.45, 12.80, 57.56))
            cells = dict(zip(zip(part.grid.x.tolist(), part.grid.y.tolist()), part.grid.count.tolist()))
            assert all(full[cell] == count for cell, count in cells.items())
            seen.add(len(cells))
        assert len(seen) > 1  # the edge did move across cells: some left the view whole
        # A reader of reports gets the same whole cells, however small.
        police = scope_report_grid(store, vast, zoom=15, view_bounds=(12.69, 57.50, 12.70, 57.51))
        every = scope_report_grid(store, vast, zoom=15)
        counts = dict(zip(zip(every.grid.x.tolist(), every.grid.y.tolist()), every.grid.count.tolist()))
        assert all(
            counts[c] == n for c, n in zip(zip(police.grid.x.tolist(), police.grid.y.tolist()), police.grid.count)
        )


def test_the_public_grid_nests_from_one_zoom_to_the_next_and_gives_bands(demo_copy):
    """The public's cells are 1, 10 or 100 km whatever the zoom (the 1-2-5 series of a reader's grid would give
    a 2 km and a 5 km grid that overlap unevenly, to be subtracted), and each count is a band of five."""
    from dashboard.figures.regional import grid_words, report_grid_trace
    from dashboard.i18n import translator
    from geodata.views.regional import PUBLIC_CELLS_M

    with open_store(demo_copy) as store:
        public = GuardedStore(store, Viewer("public"))
        vast = regional_overview(public, parse_scope("region-vast"), 2021, TODAY)
        sizes = {zoom: scope_report_grid(public, vast, zoom=zoom).grid.cell_m for zoom in range(4, 16)}
        reader = {zoom: scope_report_grid(store, vast, zoom=zoom).grid.cell_m for zoom in range(4, 16)}
        grid = scope_report_grid(public, vast, zoom=13)
    assert set(sizes.values()) <= set(PUBLIC_CELLS_M) and len(set(sizes.values())) > 1, sizes
    assert {2000.0, 5000.0} & set(reader.values())  # a reader's grid follows the 1-2-5 series
    assert all(b.high - b.low == 4 and b.low >= MIN_COUNT and b.low % 5 == 0 for b in grid.bands)
    assert grid.grid.count.tolist() == [b.low for b in grid.bands]
    t = translator("sv")
    texts = report_grid_trace(grid, t)["text"]
    assert texts and all(re.fullmatch(r"\d+–\d+ rapporter", text) for text in texts), texts
    assert f"{grid.total.low}–{grid.total.high} rapporter" in grid_words(t, "sv", grid).replace("\u00a0", "")


def test_an_overview_as_of_an_earlier_day_leaves_out_judgements_saved_after_it(store):
    judge(store, "test-2024", "promise", "test-2024-insatser", "2024-T1", "started", "", 0)
    now = regional_overview(store, parse_scope(None), 2024, clock.today()).rows[0]
    before = regional_overview(store, parse_scope(None), 2024, clock.today() - dt.timedelta(days=1)).rows[0]
    assert now.counts["started"] == 1 and before.counts["started"] == 0 and before.state == "not_judged"


def test_a_scope_may_be_written_with_its_swedish_letters_and_capitals():
    assert parse_scope("region-väst") == parse_scope("Region-Vast") == parse_scope("region-vast")
    assert parse_scope("Sverige") == parse_scope(None)
