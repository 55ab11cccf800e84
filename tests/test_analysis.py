"""Analysis: Gi* hotspots checked against esda run directly, WDQ/WDD against hand arithmetic, survey indicators."""

from __future__ import annotations

import datetime as dt
import math
import re

import esda
import geopandas as gpd
import libpysal
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box

from dashboard.ids import Analysis
from geodata.analysis import AreaCounts, Neighbourhood, evaluate_intervention, hotspots, wdd, wdq
from geodata.analysis.counts import MIN_CELL_M, hex_counts, hex_counts_for_zoom
from geodata.analysis.getisord import density_surface
from geodata.analysis.indicators import goal_trends
from geodata.errors import ValidationError
from geodata.io.survey_import import import_survey
from geodata.model import pledge_from_dict
from geodata.views.public import HexGrid

from builders import pledge_dict
from dash_http import analysis_inputs

# A 5 km square in Mark (SWEREF 99 TM), and a place in it where reports were planted.
AREA = box(340_000, 6_380_000, 345_000, 6_385_000)
PLANTED = (342_600, 6_382_400)


def planted_points(seed: int = 7) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    background = np.column_stack([rng.uniform(340_000, 345_000, 150), rng.uniform(6_380_000, 6_385_000, 150)])
    cluster = np.array(PLANTED) + rng.normal(0, 200, (150, 2))
    xy = np.vstack([background, cluster])
    return gpd.GeoDataFrame(geometry=shapely.points(xy), crs=3006)


# -- Gi* ----------------------------------------------------------------------------------------------


def test_gi_star_matches_esda_run_directly_on_the_same_cells_and_finds_the_planted_hotspot():
    points = planted_points()
    # 9999 permutations: with 999 no pseudo p-value is below 0.001, too coarse for a 99 % FDR cut over 400 cells.
    result = hotspots(points, AREA, cell_m=250, neighbourhood=Neighbourhood(1), permutations=9999, seed=42)
    cells = result.cells
    # Every point is counted once, in the hexagon whose centre is nearest to it (checked by brute force here).
    centres = np.column_stack([cells.geometry.centroid.x, cells.geometry.centroid.y])
    xy = shapely.get_coordinates(points.geometry)
    nearest = np.argmin(((xy[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
    assert cells["count"].tolist() == np.bincount(nearest, minlength=len(cells)).tolist()
    assert result.reports == len(points)
    # The same statistic from esda directly: binary weights, the six touching hexagons, Gi* (star), same seed.
    weights = libpysal.weights.DistanceBand(
        centres, threshold=250 * math.sqrt(3) * 1.01, binary=True, silence_warnings=True
    )
    assert max(weights.cardinalities.values()) == 6
    direct = esda.G_Local(
        cells["count"].to_numpy(dtype=float), weights, transform="B", permutations=9999, star=True, seed=42, n_jobs=1
    )
    np.testing.assert_allclose(cells["z"], direct.Zs)
    # The pseudo p-value from esda's own rearrangements, in the cell's direction, ties counted as extreme:
    # where no rearrangement ties the observed value it is esda's p_sim exactly.
    sims, observed = direct.rGs, direct.Gs[:, None]
    extreme = np.where(direct.Zs >= 0, (sims >= observed).sum(axis=1), (sims <= observed).sum(axis=1))
    expected_p = (extreme + 1) / (9999 + 1)
    np.testing.assert_array_equal(cells["p"], expected_p)
    untied = ~(sims == observed).any(axis=1)
    assert untied.any()
    np.testing.assert_allclose(cells["p"][untied], direct.p_sim[untied], rtol=1e-6)  # esda keeps float32
    # The classes: Benjamini–Hochberg cut-offs at each level, the strictest level met wins.
    for level in (0.99, 0.95, 0.90):
        assert result.cutoffs[level] == esda.fdr(expected_p, 1 - level)
    expected = np.array(["none"] * len(cells), dtype=object)
    for level in (0.90, 0.95, 0.99):
        passed = expected_p <= esda.fdr(expected_p, 1 - level)
        expected[passed & (direct.Zs > 0)] = f"hot_{round(level * 100)}"
        expected[passed & (direct.Zs < 0)] = f"cold_{round(level * 100)}"
    assert cells["class"].tolist() == expected.tolist()
    planted_cell = HexGrid(250).cell(*PLANTED)
    planted = cells[(cells["q"] == planted_cell[0]) & (cells["r"] == planted_cell[1])].iloc[0]
    assert planted["class"] == "hot_99"
    # Nothing far from the planted place is a hot spot.
    hot = cells[cells["class"].str.startswith("hot")]
    assert hot.geometry.centroid.distance(Point(PLANTED)).max() < 1000
    coarse = hotspots(points, AREA, cell_m=250, permutations=999, seed=42)
    assert "p_resolution" in {f.code for f in coarse.findings}  # and it says why 99 % cannot be reached


def test_empty_neighbourhoods_in_sparse_data_are_not_cold_spots():
    # Reports on a tenth of the cells: esda's folded p_sim would call every empty neighbourhood a 99 % cold spot.
    rng = np.random.default_rng(11)
    xy = np.column_stack([rng.uniform(340_000, 341_000, 25), rng.uniform(6_380_000, 6_381_000, 25)])
    points = gpd.GeoDataFrame(geometry=shapely.points(xy), crs=3006)
    result = hotspots(points, AREA, cell_m=250, permutations=999, seed=5)
    counts = result.class_counts()
    assert counts["cold_99"] + counts["cold_95"] + counts["cold_90"] == 0
    assert counts["hot_99"] + counts["hot_95"] + counts["hot_90"] > 0


def test_gi_star_is_repeatable_with_its_seed_and_says_how_it_was_computed():
    points = planted_points()
    first = hotspots(points, AREA, cell_m=500, permutations=199, seed=1)
    again = hotspots(points, AREA, cell_m=500, permutations=199, seed=1)
    assert first.cells["p"].tolist() == again.cells["p"].tolist()
    [method] = [f for f in first.findings if f.code == "gi_method"]
    assert method.params == {
        "cells": len(first.cells),
        "cell_m": 500,
        "rings": 1,
        "permutations": 199,
        "seed": 1,
        "fdr": True,
    }
    uncorrected = hotspots(points, AREA, cell_m=500, permutations=199, seed=1, fdr=False)
    assert uncorrected.cutoffs == {0.99: 0.01, 0.95: 0.05, 0.90: 0.1}
    assert sum(uncorrected.class_counts().values()) == len(uncorrected.cells)


def test_a_wider_neighbourhood_takes_in_exactly_the_next_ring():
    result = hotspots(planted_points(), AREA, cell_m=250, neighbourhood=Neighbourhood(2), permutations=99, seed=3)
    centres = np.column_stack([result.cells.geometry.centroid.x, result.cells.geometry.centroid.y])
    weights = libpysal.weights.DistanceBand(
        centres, threshold=Neighbourhood(2).distance_m(250), binary=True, silence_warnings=True
    )
    assert max(weights.cardinalities.values()) == Neighbourhood(2).cells - 1 == 18


def test_too_few_reports_and_bad_settings_are_said_plainly():
    few = planted_points().iloc[:12]
    result = hotspots(few, AREA, cell_m=500, permutations=99)
    assert "few_reports" in {f.code for f in result.findings}
    nothing = hotspots(few.iloc[:0], AREA, cell_m=500, permutations=99)
    assert set(nothing.cells["class"]) == {"none"} and "no_variation" in {f.code for f in nothing.findings}
    with pytest.raises(ValueError, match="at least 99"):
        hotspots(few, AREA, permutations=10)
    with pytest.raises(ValueError, match="choose larger cells"):
        hotspots(few, box(0, 6_000_000, 500_000, 7_000_000), cell_m=100)


def test_the_density_surface_peaks_at_the_planted_place():
    surface = density_surface(planted_points(), AREA, bandwidth_m=400, cell_m=100)
    peak = surface.cells.loc[surface.cells["density"].idxmax()].geometry.centroid
    assert peak.distance(Point(PLANTED)) < 300
    # A quartic kernel integrates to one: the surface holds (about) as many reports as lie well inside the area.
    total = surface.cells["density"].sum() * (0.1 * 0.1)
    assert abs(total - surface.reports) < 0.05 * surface.reports


# -- WDQ and WDD --------------------------------------------------------------------------------------


def test_wdq_by_hand():
    # Target 40 → 20, buffer 30 → 24, control 400 → 400.
    # success = 20/400 − 40/400 = 0.05 − 0.10 = −0.05 (the target fell relative to the control)
    # displacement = 24/400 − 30/400 = 0.06 − 0.075 = −0.015 (the buffer fell too)
    # WDQ = −0.015 / −0.05 = 0.3: a diffusion of benefits, smaller than the direct effect.
    result = wdq(AreaCounts(40, 20, 30, 24, 400, 400))
    assert (result.success, result.displacement, result.value) == (-0.05, -0.015, 0.3)
    # Target 50 → 25, buffer 20 → 40, control 200 → 250:
    # success = 25/250 − 50/200 = 0.10 − 0.25 = −0.15; displacement = 40/250 − 20/200 = 0.16 − 0.10 = 0.06
    # WDQ = 0.06 / −0.15 = −0.4: some displacement, less than the direct effect.
    result = wdq(AreaCounts(50, 25, 20, 40, 200, 250))
    assert (result.success, result.displacement, result.value) == (-0.15, 0.06, -0.4)
    # The target rose relative to the control: no success, nothing to read.
    assert wdq(AreaCounts(10, 20, 5, 5, 100, 100)).value is None
    assert wdq(AreaCounts(10, 5, 5, 5, 0, 100)) == type(wdq(AreaCounts(10, 5, 5, 5, 0, 100)))(None, None, None)


def test_wdd_by_hand():
    # Target 40 → 20, buffer 30 → 24, control 35 → 33 (one control area for both).
    # local = (20 − 40) − (33 − 35) = −20 + 2 = −18; displaced = (24 − 30) − (33 − 35) = −6 + 2 = −4
    # WDD = −18 + −4 = −22
    # Var = 40 + 20 + 30 + 24 + 4·(35 + 33) = 114 + 272 = 386; SE = √386 = 19.6469
    # 95 %: −22 ± 1.96·19.6469 = −22 ± 38.507 → (−60.51, 16.51); z = −22 / 19.6469 = −1.1198
    result = wdd(AreaCounts(40, 20, 30, 24, 35, 33))
    assert (result.local, result.displaced, result.value) == (-18, -4, -22)
    assert result.se == pytest.approx(math.sqrt(386))
    assert (result.low, result.high, result.z) == (-60.51, 16.51, -1.1198)


def reports_at(spots: list[tuple[tuple[float, float], str, int]]) -> gpd.GeoDataFrame:
    """``count`` reports at each (x, y) on a day: laid out by hand, so the expected counts are known."""
    rows = []
    for (x, y), day, count in spots:
        rows.extend({"reported_on": dt.date.fromisoformat(day), "geometry": Point(x, y)} for _ in range(count))
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=3006)


TARGET = box(342_000, 6_382_000, 342_400, 6_382_400)  # 400 m square
IN_TARGET, IN_BUFFER, IN_CONTROL = (342_200, 6_382_200), (342_200, 6_382_600), (340_500, 6_380_500)


def test_an_intervention_counted_in_target_buffer_and_control():
    records = reports_at(
        [
            (IN_TARGET, "2024-03-01", 40),
            (IN_TARGET, "2024-05-01", 20),
            (IN_BUFFER, "2024-03-10", 30),
            (IN_BUFFER, "2024-05-10", 24),
            (IN_CONTROL, "2024-02-15", 35),
            (IN_CONTROL, "2024-06-15", 33),
            (IN_TARGET, "2023-01-01", 99),
        ]
    )  # long before: outside both periods
    result = evaluate_intervention(
        records, TARGET, dt.date(2024, 4, 1), days=90, buffer_m=500, study_area=AREA, today=dt.date(2024, 12, 1)
    )
    assert result.counts == AreaCounts(40, 20, 30, 24, 35, 33)
    assert result.before == (dt.date(2024, 1, 2), dt.date(2024, 3, 31))
    assert result.after == (dt.date(2024, 4, 1), dt.date(2024, 6, 29))
    assert result.wdd.value == -22
    codes = {f.code for f in result.findings}
    assert {"target_change", "buffer_change", "control_change", "wdd_unclear"} <= codes
    # The buffer is 500 m around the target: the report 400 m north of the target's edge lies in it.
    assert result.areas.set_index("area").loc["buffer"].geometry.contains(Point(IN_BUFFER))
    monthly = result.series[result.series["area"] == "target"].set_index("month")["count"]
    assert monthly[dt.date(2024, 3, 1)] == 40 and monthly[dt.date(2024, 5, 1)] == 20 and monthly.sum() == 60


def test_small_and_meaningless_counts_are_warned_about():
    records = reports_at(
        [
            (IN_TARGET, "2024-03-01", 3),
            (IN_TARGET, "2024-05-01", 6),
            (IN_CONTROL, "2024-03-01", 50),
            (IN_CONTROL, "2024-05-01", 50),
        ]
    )
    result = evaluate_intervention(
        records, TARGET, dt.date(2024, 4, 1), days=90, study_area=AREA, today=dt.date(2024, 12, 1)
    )
    findings = {f.code: f for f in result.findings}
    assert [f.params for f in result.findings if f.code == "few_counts"] == [
        {"area": "target", "count": 3, "minimum": 10},
    ]
    # An area with no reports at all in a period is said as such, not as "only 0 reports".
    assert [f.params for f in result.findings if f.code == "no_counts"] == [{"area": "buffer"}]
    assert "wdq_no_success" in findings  # the target rose: there is no effect to displace
    assert "control_unlike" in findings  # 50 against 3: the WDD's raw counts are not comparable
    no_control = evaluate_intervention(
        records.iloc[:9], TARGET, dt.date(2024, 4, 1), days=90, study_area=AREA, today=dt.date(2024, 12, 1)
    )
    assert "wdq_no_control" in {f.code for f in no_control.findings}


def test_a_recent_date_shortens_both_periods_equally_and_bad_input_is_refused():
    records = reports_at([(IN_TARGET, "2024-03-01", 3)])
    result = evaluate_intervention(
        records, TARGET, dt.date(2024, 4, 1), days=90, study_area=AREA, today=dt.date(2024, 4, 30)
    )
    # 29 whole days have passed (today is not over): both periods are 29 days, the after period ends yesterday.
    assert (result.after[1] - result.after[0]).days == (result.before[1] - result.before[0]).days == 28
    assert result.after[1] == dt.date(2024, 4, 29)
    with pytest.raises(ValueError, match="only 3 whole days"):
        evaluate_intervention(records, TARGET, dt.date(2024, 4, 27), study_area=AREA, today=dt.date(2024, 4, 30))
    with pytest.raises(ValueError, match="after today"):
        evaluate_intervention(records, TARGET, dt.date(2024, 5, 1), study_area=AREA, today=dt.date(2024, 4, 30))
    with pytest.raises(ValueError, match="must be an area"):
        evaluate_intervention(records, Point(IN_TARGET), dt.date(2024, 4, 1), study_area=AREA)
    with pytest.raises(ValueError, match="no control area"):
        evaluate_intervention(records, TARGET, dt.date(2024, 4, 1), today=dt.date(2024, 12, 1))


# -- survey indicators --------------------------------------------------------------------------------


def test_a_survey_file_with_bad_rows_names_each_and_stores_nothing(store, tmp_path):
    path = tmp_path / "trygghet.csv"
    path.write_text(
        "Område;År;Indikator;Värde;Kommunkod\n"
        "Kinna;2020;Problemindex;2,4;1463\n"
        "Kinna;20x0;Problemindex;2,1;1463\n"
        "Skene;2022;Problemindex;;1463\n"
        "Skene;2022;;1,9;9999\n"
        "Kinna;2020;Problemindex;2,5;1463\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        import_survey(store, path)
    found = {(p.record, p.field) for p in caught.value.problems}
    assert found == {
        ("row 3", "year"),
        ("row 4", "value"),
        ("row 5", "indicator"),
        ("row 5", "municipality_code"),
        ("row 6", "area_id"),
    }
    assert "repeats row 2" in str(caught.value)
    assert store.read_survey_results().empty


def test_survey_results_are_stored_once_and_replaced_only_when_asked(store, tmp_path):
    path = tmp_path / "trygghet.csv"
    path.write_text(
        "område;år;indikator;värde\nKinna;2023;Problemindex;2,4\nKinna;2025;Problemindex;1,8\n"
        "Skene;2023;Problemindex;2,0\nSkene;2025;Problemindex;2,2\n",
        encoding="utf-8",
    )
    assert import_survey(store, path, municipality_code="1463", dry_run=True).rows["value"].tolist() == [
        2.4,
        1.8,
        2.0,
        2.2,
    ]
    assert store.read_survey_results().empty
    first = import_survey(store, path, municipality_code="1463")
    assert (first.new, first.replaced) == (4, 0)
    assert (import_survey(store, path, municipality_code="1463").new,) == (0,)
    path.write_text("område;år;indikator;värde\nKinna;2025;Problemindex;1,7\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="1.8 is stored"):
        import_survey(store, path, municipality_code="1463")
    assert import_survey(store, path, municipality_code="1463", replace=True).replaced == 1
    stored = store.read_survey_results("1463", "Problemindex")
    assert stored.set_index(["area_id", "year"]).loc[("Kinna", 2025), "value"] == 1.7
    assert [e.action for e in store.read_audit() if e.layer == "survey_results"] == [
        "survey",
        "survey",
        "survey_replace",
    ]


def test_goal_cards_follow_the_indicator_against_the_baseline_year(store, tmp_path):
    path = tmp_path / "trygghet.csv"
    path.write_text(
        "område;år;indikator;värde\nKinna;2023;Problemindex;2,4\nKinna;2025;Problemindex;1,8\n"
        "Skene;2023;Problemindex;2,0\nSkene;2025;Problemindex;2,2\n",
        encoding="utf-8",
    )
    import_survey(store, path, municipality_code="1463")
    pledge = pledge_from_dict(
        pledge_dict(
            goals=[
                {"id": "trygghet", "text": "Ökad trygghet", "indicator": "Problemindex", "better": "lower"},
                {"id": "ovrigt", "text": "Fler i dialog"},
            ]
        )
    )
    trend, other = goal_trends(store, pledge)
    assert trend.baseline_year == 2023 and trend.latest_year == 2025  # the year before the pledge's start
    changes = trend.changes.set_index("area_id")
    # Bare values (no n, no standard error): the change is shown, never judged.
    assert changes.loc["Kinna", "change"] == pytest.approx(-0.6) and changes.loc["Skene", "change"] == pytest.approx(
        0.2
    )
    assert set(changes["verdict"]) == {"uncertainty_unknown"} and set(changes["uncertainty"]) == {"unknown"}
    assert trend.verdict == "uncertainty_unknown" and other.verdict == "no_indicator"


# -- through the dashboard and the command line ---------------------------------------------------------


def test_the_analysis_page_shows_gi_star_density_and_counts_in_swedish(client, demo_copy):
    import geodata.analysis.getisord as gi
    from geodata.store import GeoPackageStore

    from dash_http import call_callback, render_page, texts

    assert "Heta och kalla punkter" in texts(render_page(client, "/analysis", "?pledge=molndal-2018"))
    answer = call_callback(client, f"{Analysis.map}.figure", analysis_inputs(), state={f"{Analysis.lang}.data": "sv"})
    shown = texts(answer[Analysis.findings]["children"])
    with GeoPackageStore.open(demo_copy) as store:
        expected = gi.hotspots_for_pledge(store, "molndal-2018", permutations=999)
    hot = sum(n for k, n in expected.class_counts().items() if k.startswith("hot"))
    assert f"{hot} celler är heta punkter och 0 kalla punkter med minst 90\u00a0% säkerhet." in shown
    names = [trace.get("name") for trace in answer[Analysis.map]["figure"]["data"]]
    assert {n for n in names if n} <= {"Het punkt, 99\u00a0%", "Het punkt, 95\u00a0%", "Het punkt, 90\u00a0%"} and hot
    for mode, words in (("density", "Kärnskattning av"), ("counts", "hexagoner om")):
        answer = call_callback(
            client, f"{Analysis.map}.figure", analysis_inputs(mode), state={f"{Analysis.lang}.data": "sv"}
        )
        assert any(words in text for text in texts(answer[Analysis.findings]["children"]))


def test_only_a_zoom_in_the_counts_view_reaches_the_hotspot_map(client):
    """The map's autosize report must not call the figure's callback again (it lost the first figure)."""
    from dash_http import call_callback, texts

    def zoom_answer(relayout, mode):
        return call_callback(
            client,
            f"{Analysis.zoom}.data",
            {f"{Analysis.map}.relayoutData": relayout},
            state={f"{Analysis.mode}.value": mode},
        )

    assert zoom_answer({"autosize": True}, "gi") == {}
    assert zoom_answer({"autosize": True}, "counts") == {}
    assert zoom_answer({"map.zoom": 12.5}, "gi") == {}
    assert zoom_answer({"map.zoom": 12.5}, "counts") == {Analysis.zoom: {"data": 12.5}}
    dependencies = client.get("/_dash-dependencies").get_json()
    [figure] = [d for d in dependencies if f"{Analysis.map}.figure" in d["output"]]
    assert f"{Analysis.map}" not in {i["id"] for i in figure["inputs"]}
    far, near = (
        " ".join(
            texts(
                call_callback(
                    client,
                    f"{Analysis.map}.figure",
                    {**analysis_inputs("counts"), f"{Analysis.zoom}.data": zoom},
                    state={f"{Analysis.lang}.data": "sv"},
                )[Analysis.findings]["children"]
            )
        )
        for zoom in (None, 14)
    )
    size = lambda text: int(re.search(r"hexagoner om ([\d\xa0 ]+) m", text).group(1).replace("\xa0", ""))
    assert size(near) < size(far)  # smaller hexagons when zoomed in


def test_an_operation_evaluated_on_the_page_gives_the_domain_s_numbers(client, demo_copy):
    from dashboard.i18n import number, signed
    from geodata.analysis import intervention_for_operation
    from geodata.store import GeoPackageStore

    from dash_http import run_before_after, texts

    choices, answer = run_before_after(client)
    operation = choices[Analysis.operation]["options"][0]["value"]
    shown = texts(answer[Analysis.effect]["children"])
    with GeoPackageStore.open(demo_copy) as store:
        result = intervention_for_operation(store, operation)
    c = result.counts
    assert f"Insatsområdet: {c.target_before} rapporter före, {c.target_after} efter" in " ".join(shown)
    wdd, se = signed(result.wdd.value, "sv"), number(result.wdd.se, "sv", 1)
    assert f"{wdd} rapporter, standardfel {se}" in " ".join(shown)
    assert "," in se or result.wdd.se == int(result.wdd.se)


def test_roles_that_see_no_reports_get_a_refusal_from_the_analysis(signed_demo):
    from dash_http import call_callback

    client = signed_demo("ulla")
    answer = call_callback(client, f"{Analysis.map}.figure", analysis_inputs(), state={f"{Analysis.lang}.data": "sv"})
    assert "Ditt konto har inte behörighet till detta." in str(answer[Analysis.findings]["children"])


@pytest.fixture
def signed_demo(demo_copy):
    from geodata.access.accounts import add_user
    from geodata.store import GeoPackageStore

    from dash_http import signed_in_client

    with GeoPackageStore.open(demo_copy) as store:
        add_user(store, "ulla", "public", "en lång lösenfras")

    def client_for(name):
        return signed_in_client(demo_copy, name)

    return client_for


def test_the_command_line_imports_a_survey_links_a_goal_and_reports_it(demo_copy, tmp_path, capsys):
    from dashboard.cli import main

    survey = tmp_path / "trygghetsmatning.csv"
    survey.write_text(
        "Område;År;Indikator;Värde\nKinna;2020;Trygghetsindex;2,6\nKinna;2023;Trygghetsindex;2,1\n", encoding="utf-8"
    )
    data = ["--data", str(demo_copy)]
    assert main(["survey", "import", str(survey), "--municipality", "1463", "--lang", "en", *data]) == 0
    assert "New results: 2, replaced: 0" in capsys.readouterr().out
    assert (
        main(
            [
                "survey",
                "link",
                "--pledge",
                "mark-2021",
                "--goal",
                "okad-trygghet",
                "--indicator",
                "Trygghetsindex",
                "--better",
                "lower",
                "--baseline-year",
                "2020",
                *data,
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["analyze", "goals", "--pledge", "mark-2021", "--lang", "en", *data]) == 0
    out = capsys.readouterr().out
    assert "Survey indicator: Trygghetsindex" in out
    assert "Baseline 2020: cannot be judged: the uncertainty is unknown" in out
    assert "Kinna, Everyone: 2.60 → 2.10 (2023)" in out and "the uncertainty is unknown" in out
    assert (
        main(
            [
                "analyze",
                "hotspots",
                "--pledge",
                "mark-2021",
                "--permutations",
                "199",
                "--output",
                str(tmp_path / "hot.geojson"),
                *data,
            ]
        )
        == 0
    )
    written = gpd.read_file(tmp_path / "hot.geojson")
    assert {"count", "z", "p", "class"} <= set(written.columns) and written.crs.to_epsg() == 4326
    bad = tmp_path / "bad.csv"
    bad.write_text("Område;År;Indikator;Värde\nKinna;tjugo;Trygghetsindex;2,6\n", encoding="utf-8")
    assert main(["survey", "import", str(bad), "--municipality", "1463", *data]) == 1
    assert "Rad 2, fältet ”år”: ”tjugo” är inget år från 1990 till" in capsys.readouterr().err


def test_goal_trends_read_the_same_on_the_pledge_page_and_in_the_standalone_export(demo_copy, tmp_path):
    from dashboard.settings import Settings
    from dashboard.standalone import build_standalone_map
    from geodata.store import GeoPackageStore

    from dash_http import make_client, render_page, texts

    survey = tmp_path / "trygghet.csv"
    survey.write_text(
        "Område;År;Indikator;Värde\nKinna;2020;Trygghetsindex;2,6\nKinna;2023;Trygghetsindex;2,1\n", encoding="utf-8"
    )
    with GeoPackageStore.open(demo_copy) as store:
        import_survey(store, survey, municipality_code="1463")
        pledge = store.get_pledge("mark-2021")
        goals = tuple(
            g if g.id != "okad-trygghet" else type(g)(g.id, g.text, "Trygghetsindex", "lower", 2020)
            for g in pledge.goals
        )
        store.save_pledge(type(pledge)(**{**pledge.__dict__, "goals": goals}))
        page_html = build_standalone_map(store, "mark-2021", public=True)
    summary = "Trygghetsindex: basår 2020, senast 2023 – kan inte bedömas: osäkerheten är okänd (lägre är bättre)."
    shown = texts(render_page(make_client(Settings(data=demo_copy, tiles_url=None)), "/pledge", "?pledge=mark-2021"))
    assert summary in shown and "2,6 (2020)" in shown and "2,1 (2023)" in shown and "\u22120,5" in shown
    unknown = "osäkerheten är okänd (antal svar eller felmarginal saknas)"
    assert summary in page_html and f"Kinna: 2,6 → 2,1 (2023), {unknown}" in page_html


def test_reports_are_counted_per_hexagon_inside_the_area_only():
    records = reports_at([(IN_TARGET, "2024-03-01", 3), (IN_BUFFER, "2024-03-01", 2), (IN_CONTROL, "2024-03-01", 4)])
    cells = hex_counts(records, TARGET.buffer(500), 250.0)
    assert sorted(cells["count"]) == [2, 3]  # the control's reports lie outside the area
    assert all(cell.contains(Point(IN_TARGET)) or cell.contains(Point(IN_BUFFER)) for cell in cells.geometry)
    assert hex_counts(records.iloc[:0], TARGET, 250.0).empty


def test_hexagons_follow_the_zoom_but_never_shrink_below_the_smallest_cell():
    records = reports_at([(IN_TARGET, "2024-03-01", 3)])
    far, near = hex_counts_for_zoom(records, AREA, 9, 57.6), hex_counts_for_zoom(records, AREA, 22, 57.6)
    assert far.cell_m > near.cell_m == MIN_CELL_M
    assert far.reports == near.reports == 3


def test_an_intervention_is_found_by_its_operation_promise_or_area(demo_copy):
    from geodata.analysis import intervention_effect, intervention_for_operation, intervention_for_promise
    from geodata.analysis.getisord import pledge_points
    from geodata.store import GeoPackageStore, LayerQuery

    with GeoPackageStore.open(demo_copy) as store:
        operation = store.read_layer("operations", LayerQuery(pledge_id="molndal-2018")).iloc[0]
        by_operation = intervention_effect(store, operation=operation["id"], days=60)
        assert by_operation.counts == intervention_for_operation(store, operation["id"], days=60).counts
        promise = operation["promise_id"]
        assert intervention_effect(store, promise=promise).counts == intervention_for_promise(store, promise).counts
        area, day = by_operation.areas.set_index("area").loc["target"].geometry, by_operation.after[0]
        by_area = intervention_effect(store, area=area, date=day, pledge_id="molndal-2018", label="drawn")
        records, study = pledge_points(store, "molndal-2018")
        expected = evaluate_intervention(records, area, day, label="drawn", study_area=study)
        assert (by_area.label, by_area.counts) == ("drawn", expected.counts)
        with pytest.raises(ValueError, match="date"):
            intervention_effect(store, area=area, pledge_id="molndal-2018")
        with pytest.raises(ValueError, match="one of"):
            intervention_effect(store, operation=operation["id"], promise=promise)


# -- the figures and words of the analysis page, in Swedish and English ---------------------------------------------


def small_intervention():
    records = reports_at(
        [
            (IN_TARGET, "2024-03-01", 40),
            (IN_TARGET, "2024-05-01", 20),
            (IN_BUFFER, "2024-03-10", 30),
            (IN_BUFFER, "2024-05-10", 24),
            (IN_CONTROL, "2024-02-15", 35),
            (IN_CONTROL, "2024-06-15", 33),
        ]
    )
    return evaluate_intervention(
        records, TARGET, dt.date(2024, 4, 1), days=90, buffer_m=500, study_area=AREA, today=dt.date(2024, 12, 1)
    )


def area_boundary():
    from dashboard.figures.analysis import _features

    return _features(gpd.GeoSeries([AREA], crs=3006)), gpd.GeoSeries([AREA], crs=3006).to_crs(4326).total_bounds


@pytest.mark.parametrize(("lang", "separators"), [("sv", ",\u00a0"), ("en", ".,")])
def test_every_analysis_figure_writes_numbers_in_the_page_s_language(lang, separators):
    from dashboard.figures.analysis import (
        density_figure,
        hotspot_figure,
        intervention_chart,
        intervention_map,
    )
    from dashboard.i18n import translator

    t = translator(lang)
    boundary, bounds = area_boundary()
    points = planted_points()
    figures = {
        "hotspots": hotspot_figure(
            hotspots(points, AREA, cell_m=500, permutations=99, seed=1, fdr=False), boundary, bounds, t
        ),
        "density": density_figure(density_surface(points, AREA, bandwidth_m=400, cell_m=250), boundary, bounds, t),
        "chart": intervention_chart(small_intervention(), t),
        "areas": intervention_map(small_intervention(), boundary, bounds, t),
    }
    for name, figure in figures.items():
        assert figure["layout"]["separators"] == separators, name
    density_names = [tr["name"] for tr in figures["density"]["data"] if tr.get("showlegend")]
    mark = "," if lang == "sv" else "."
    assert density_names and all(
        re.fullmatch(rf"\d+{re.escape(mark)}\d–\d+{re.escape(mark)}\d per km²", n) for n in density_names
    )
    # Gi*'s hover: z written with the page's decimal mark and minus sign.
    zs = [row[1] for tr in figures["hotspots"]["data"] for row in tr.get("customdata", [])]
    assert zs and all(mark in z for z in zs)
    assert goal_chart_separators(t) == separators


def goal_chart_separators(t):
    import pandas as pd

    from dashboard.figures.analysis import goal_chart
    from geodata.analysis.indicators import SERIES_COLUMNS, GoalTrend
    from geodata.model import Goal
    from geodata.surveys import Indicator

    series = pd.DataFrame(
        {"area_id": ["Kinna", "Kinna"], "area_name": ["Kinna", "Kinna"], "group": ["all", "all"],
         "year": [2020, 2023], "value": [2.6, 2.1], "n": [None, None], "low": [None, None], "high": [None, None],
         "se": [None, None], "basis": ["unknown", "unknown"], "series_break": [False, False],
         "break_reason": [None, None], "segment": [0, 0]},
        columns=SERIES_COLUMNS,
    )  # fmt: skip
    goal = Goal("g", "Ökad trygghet", "Problemindex", "lower", 2020)
    trend = GoalTrend(goal, Indicator("Problemindex"), 2020, 2023, series, series.iloc[:0], "better")
    return goal_chart(trend, t)["layout"]["separators"]


def test_findings_write_thousands_decimals_and_the_minus_sign_as_swedish_does(client):
    # (the client: the page module registers itself with the app it makes)
    from dashboard.i18n import translator
    from dashboard.pages.analysis import finding_text
    from geodata.analysis.findings import Finding

    sv, en = translator("sv"), translator("en")
    method = Finding(
        "gi_method",
        "",
        "note",
        {"cells": 1660, "cell_m": 346.4, "rings": 1, "permutations": 9999, "seed": 20180101, "fdr": True},
    )
    text = finding_text(method, sv)
    assert "på 1\u00a0660 hexagoner om 346 m" in text and "9\u00a0999 permutationer, frö 20180101" in text
    assert "on 1,660 hexagons" in finding_text(method, en)
    assert finding_text(Finding("hot_cold", "", params={"hot": 1660, "cold": 0}), sv).startswith(
        "1\u00a0660 celler är heta punkter"
    )
    unclear = small_intervention()
    [wdd] = [f for f in unclear.findings if f.code == "wdd_unclear"]
    assert finding_text(wdd, sv) == (
        "WDD \u221222 rapporter (95\u00a0% intervall \u221261 till +17): intervallet rymmer noll, så det går inte att "
        "säga säkert att antalet ändrades – skillnaden kan vara slump."
    )
    assert finding_text(wdd, en).startswith("WDD -22 reports (95% interval -61 to +17): the interval includes zero")
    [target] = [f for f in unclear.findings if f.code == "target_change"]
    assert finding_text(target, sv) == "Insatsområdet: 40 rapporter före, 20 efter (\u221250\u00a0%)."
    assert finding_text(target, en) == "Target area: 40 reports before, 20 after (-50%)."
    [quotient] = [f for f in unclear.findings if f.code in {"diffusion", "diffusion_exceeds", "displacement"}]
    assert re.match(r"WDQ \u2212?\d,\d\d:", finding_text(quotient, sv))


def test_goal_cards_write_survey_values_as_the_reader_s_language_does(demo_copy):
    from dashboard.settings import Settings

    from dash_http import make_client, render_page, texts
    from survey_data import add_goal_survey

    add_goal_survey(demo_copy)
    client = make_client(Settings(data=demo_copy, tiles_url=None))
    shown = texts(render_page(client, "/pledge", "?pledge=mark-2021"))
    assert {"1\u00a0660 (2020)", "1\u00a0712,5 (2023)", "+52,5", "2,25 (2023)", "\u22120,5"} <= set(shown)
    english = texts(render_page(client, "/pledge", "?pledge=mark-2021&lang=en"))
    assert {"1,660 (2020)", "1,712.5 (2023)", "+52.5", "-0.5"} <= set(english)


def _contrast(colour: str, background: str = "#ffffff") -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(colour), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _over_white(colour: str, opacity: float) -> str:
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(opacity * c + (1 - opacity) * 255):02x}" for c in channels)


def test_every_hotspot_class_reads_on_white_and_the_legend_shows_even_one_class():
    from dashboard.figures.analysis import BAND_COLOURS, BAND_OPACITY, HOTSPOT_COLOURS, hotspot_figure
    from dashboard.i18n import translator

    shown = {name: colour for name, colour in HOTSPOT_COLOURS.items() if name != "none"}
    assert all(_contrast(colour) >= 3 for colour in shown.values()), {
        n: round(_contrast(c), 2) for n, c in shown.items()
    }
    assert len(set(shown.values())) == 6
    # The density and count bands: their fills as drawn (a little transparent over white) stand out by 3:1 too.
    drawn = [_over_white(colour, BAND_OPACITY) for colour in BAND_COLOURS]
    assert all(_contrast(colour) >= 3 for colour in drawn), [round(_contrast(c), 2) for c in drawn]
    # One class only: the cells planted in one place, few permutations, no correction.
    result = hotspots(planted_points(), AREA, cell_m=500, permutations=99, seed=1, fdr=False)
    only = result.cells["class"].where(result.cells["class"] == "hot_99", "none")
    single = type(result)(**{**result.__dict__, "cells": result.cells.assign(**{"class": only})})
    boundary, bounds = area_boundary()
    figure = hotspot_figure(single, boundary, bounds, translator("sv"))
    [trace] = [tr for tr in figure["data"] if tr.get("name")]
    assert trace["name"] == "Het punkt, 99\u00a0%" and trace["showlegend"] and figure["layout"]["showlegend"]
    assert trace["marker"]["color"] == HOTSPOT_COLOURS["hot_99"] and trace["marker"]["opacity"] == 1
    outlines = [la for la in figure["layout"]["map"]["layers"] if la.get("type") == "line"]
    assert HOTSPOT_COLOURS["hot_99"] in {la["color"] for la in outlines}  # each cell outlined at full strength
    # No class at all: the legend says there is no pattern.
    none = type(result)(**{**result.__dict__, "cells": result.cells.assign(**{"class": "none"})})
    legend = [
        tr["name"] for tr in hotspot_figure(none, boundary, bounds, translator("sv"))["data"] if tr.get("showlegend")
    ]
    assert legend == ["Inget mönster"]
