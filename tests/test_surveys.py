"""Survey indicators that say how sure they are: intervals, groups, breaks, descriptions, on both stores.

The worked numbers are those a statistician checks by hand: a share of 25 % of 400 answers has a 95 % interval
of about ±4,2 points (Wilson's: 21,0–29,5), and a change from 25 % to 28 % with 400 answers in each year is
within the uncertainty of the two (about ±6 points), while one to 32 % is beyond it.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from geodata.analysis.indicators import goal_trends, report_trend
from geodata.errors import ValidationError
from geodata.io.survey_import import import_survey
from geodata.model import Goal, pledge_from_dict
from geodata.surveys import Indicator, compare, group_label, parse_group, share_interval, standard_error_of

from builders import pledge_dict


def _pledge(*goals: dict) -> object:
    return pledge_from_dict(pledge_dict(goals=list(goals)))


def _file(tmp_path, text: str, name: str = "trygghet.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the worked numbers --------------------------------------------------------------------------------------


def test_a_share_of_25_percent_of_400_answers_has_an_interval_of_about_4_2_points():
    low, high = share_interval(25.0, 400)
    assert low == pytest.approx(21.0, abs=0.05) and high == pytest.approx(29.46, abs=0.05)
    assert (high - low) / 2 == pytest.approx(4.2, abs=0.05)
    # The standard error is that of the textbook (√(p(1−p)/n) = 2,17 points) to a hundredth.
    assert standard_error_of(25.0, 400) == pytest.approx((0.25 * 0.75 / 400) ** 0.5 * 100, abs=0.01)
    # A small area: 2 % of 50 answers. The interval stays within 0–100 and is not zero wide at 0 %.
    small_low, small_high = share_interval(2.0, 50)
    assert 0.0 < small_low < 2.0 < small_high < 11.0
    assert share_interval(0.0, 50)[1] > 5.0


def test_a_change_is_judged_only_when_it_is_larger_than_the_uncertainty():
    se = standard_error_of(25.0, 400)
    within = compare(25.0, se, 28.0, standard_error_of(28.0, 400))
    beyond = compare(25.0, se, 32.0, standard_error_of(32.0, 400))
    assert within.uncertainty == "within" and within.margin == pytest.approx(6.1, abs=0.1)
    assert beyond.uncertainty == "beyond" and beyond.change == pytest.approx(7.0)
    assert compare(25.0, None, 32.0, None).uncertainty == "unknown"


def test_groups_are_read_as_surveys_write_them():
    assert [parse_group(t) for t in ("Totalt", "", None, "Kvinnor", "män", "K", "16-29", "16–29 år", "65+")] == [
        "all",
        "all",
        "all",
        "women",
        "men",
        "women",
        "16_29",
        "16_29",
        "65_plus",
    ]
    assert parse_group("65 år och äldre") == "65_plus" and parse_group("Under 16 år") == "under_16"
    assert parse_group("Ungdomar") is None and parse_group("29-16") is None
    assert group_label("16_29", "sv") == "16–29 år" and group_label("women", "en") == "Women"


# -- import and trend on both stores -------------------------------------------------------------------------


def test_a_share_with_n_gets_its_interval_and_the_trend_says_whether_the_change_is_beyond_it(store, tmp_path):
    path = _file(
        tmp_path,
        "Område;År;Indikator;Andel;Antal svar;Typ;Bättre\n"
        "Kinna;2023;Otrygg ute sent;25;400;andel;lägre\n"
        "Kinna;2025;Otrygg ute sent;28;400;andel;lägre\n"
        "Skene;2023;Otrygg ute sent;25;400;andel;lägre\n"
        "Skene;2025;Otrygg ute sent;32;400;andel;lägre\n",
    )
    result = import_survey(store, path, municipality_code="1463")
    assert result.new == 4 and result.missing == ("uncertainty", "group", "series_break")
    assert result.undescribed == ()
    assert store.read_indicators()["Otrygg ute sent"] == Indicator("Otrygg ute sent", "share", better="lower")
    pledge = _pledge({"id": "trygghet", "text": "Ökad trygghet", "indicator": "Otrygg ute sent"})
    (trend,) = goal_trends(store, pledge)
    assert trend.better == "lower"  # the indicator's direction, the goal gave none
    kinna = trend.series[(trend.series["area_id"] == "Kinna") & (trend.series["year"] == 2023)].iloc[0]
    assert (kinna["low"], kinna["high"], kinna["basis"]) == (
        pytest.approx(21.0, abs=0.05),
        pytest.approx(29.46, abs=0.05),
        "computed",
    )
    changes = trend.changes.set_index("area_id")
    assert changes.loc["Kinna", "verdict"] == "within_uncertainty" and changes.loc["Kinna", "uncertainty"] == "within"
    assert changes.loc["Skene", "verdict"] == "worse" and changes.loc["Skene", "uncertainty"] == "beyond"
    assert trend.verdict == "mixed"


def test_a_series_with_a_break_is_never_compared_across_it(store, tmp_path):
    path = _file(
        tmp_path,
        "Område;År;Indikator;Värde;Medelfel;Serieavbrott\n"
        "Hela kommunen;2018;Problemindex;2,7;0,05;\n"
        "Hela kommunen;2019;Problemindex;2,8;0,05;nej\n"
        "Hela kommunen;2020;Problemindex;2,1;0,05;Ny skala: fem svarsalternativ i stället för sex\n"
        "Hela kommunen;2021;Problemindex;1,9;0,05;\n",
    )
    import_survey(store, path, municipality_code="1463")
    stored = store.read_survey_results("1463", "Problemindex")
    assert stored["series_break"].tolist() == [False, False, True, False]
    across = _pledge({"id": "g", "text": "Minskad brottslighet", "indicator": "Problemindex", "baseline_year": 2019})
    (trend,) = goal_trends(store, across)
    assert trend.series["segment"].tolist() == [0, 0, 1, 1]  # a line is drawn within a segment only
    (row,) = trend.changes.itertuples()
    assert (row.verdict, row.break_year, row.uncertainty) == ("not_comparable", 2020, None)
    assert row.break_reason == "Ny skala: fem svarsalternativ i stället för sex"
    assert trend.breaks.to_dict("records") == [
        {"year": 2020, "break_reason": "Ny skala: fem svarsalternativ i stället för sex"}
    ]
    # From the break on, the series compares: 2,1 → 1,9 with standard errors of 0,05 is beyond ±0,14.
    after = dataclasses.replace(across, goals=(Goal("g", "Minskad brottslighet", "Problemindex", "lower", 2020),))
    (trend,) = goal_trends(store, after)
    assert trend.verdict == "better" and trend.changes["margin"].iloc[0] == pytest.approx(0.1386, abs=1e-3)


def test_a_table_with_a_column_per_group_is_read_as_a_row_per_group(store, tmp_path):
    # As Vallentuna's 2023 report publishes it: 18 % of women and 5 % of men feel unsafe in their area.
    path = _file(
        tmp_path,
        "Område;År;Indikator;Alla;Kvinnor;Män;16–29 år;n Alla;n Kvinnor;n Män;n 16–29 år\n"
        "Hela kommunen;2021;Otrygg i området;12;17;6;14;1210;640;570;210\n"
        "Hela kommunen;2023;Otrygg i området;11,5;18;5;;1150;600;550;\n",
    )
    result = import_survey(store, path, municipality_code="0115", dry_run=True)
    assert result.missing == ("uncertainty", "series_break") and result.undescribed == ("Otrygg i området",)
    assert dict(result.wide_groups) == {"Alla": "all", "Kvinnor": "women", "Män": "men", "16–29 år": "16_29"}
    assert store.read_survey_results().empty  # a dry run stores nothing
    import_survey(store, path, municipality_code="0115", describe=Indicator("", "share", better="lower"))
    stored = store.read_survey_results("0115").set_index(["group_code", "year"])
    assert stored.loc[("women", 2023), "value"] == 18.0 and stored.loc[("women", 2023), "n"] == 600
    assert stored.loc[("men", 2023), "value"] == 5.0 and ("16_29", 2023) not in stored.index
    pledge = pledge_from_dict(
        pledge_dict(
            id="vallentuna-2023",
            municipality={"code": "0115", "name": "Vallentuna kommun"},
            goals=[{"id": "g", "text": "Ökad trygghet", "indicator": "Otrygg i området", "baseline_year": 2021}],
        )
    )
    (trend,) = goal_trends(store, pledge)
    assert trend.groups == ["all", "women", "men", "16_29"]
    women = trend.changes.set_index("group").loc["women"]
    assert women["change"] == pytest.approx(1.0) and women["verdict"] == "within_uncertainty"
    # The verdict of the goal is everyone's: 12 → 11,5 of about 1 200 answers fits within the uncertainty.
    assert trend.verdict == "within_uncertainty"


def test_a_table_with_a_column_per_year_is_read_as_a_row_per_year(store, tmp_path):
    # As the police's trygghetsmätning results are often kept: a question per row, a year per column.
    path = _file(
        tmp_path,
        "Område;Fråga;2019;2020;2021;n 2021\nKinna;Problemindex;2,8;;2,1;310\nSkene;Problemindex;1,9;2,0;tre;290\n",
    )
    with pytest.raises(ValidationError) as caught:
        import_survey(store, path, municipality_code="1463")
    assert [(p.record, p.field) for p in caught.value.problems] == [("row 3, 2021", "value")]
    path.write_text(path.read_text(encoding="utf-8").replace("tre", "2,2"), encoding="utf-8")
    result = import_survey(store, path, municipality_code="1463")
    assert result.columns["year"] == result.columns["value"] == "2019, 2020, 2021" and result.columns["n"] == "n 2021"
    stored = store.read_survey_results("1463").set_index(["area_id", "year"])
    assert stored["value"].to_dict() == {
        ("Kinna", 2019): 2.8,
        ("Kinna", 2021): 2.1,
        ("Skene", 2019): 1.9,
        ("Skene", 2020): 2.0,
        ("Skene", 2021): 2.2,
    }
    assert stored.loc[("Kinna", 2021), "n"] == 310 and pd.isna(stored.loc[("Kinna", 2019), "n"])


def test_a_long_table_with_a_gender_column_and_a_margin_of_error(store, tmp_path):
    path = _file(
        tmp_path,
        "Område;År;Indikator;Kön;Värde;Felmarginal\n"
        "Kinna;2022;Förtroende för polisen;Kvinnor;61;±3,5\n"
        "Kinna;2022;Förtroende för polisen;Män;57;3,9\n"
        "Kinna;2022;Förtroende för polisen;Totalt;59;2,6\n",
    )
    result = import_survey(store, path, municipality_code="1463")
    assert result.missing == ("n", "series_break")
    stored = store.read_survey_results("1463").set_index("group_code")
    assert (stored.loc["women", "ci_low"], stored.loc["women", "ci_high"]) == (57.5, 64.5)
    assert stored.loc["all", "ci_low"] == pytest.approx(56.4)


def test_a_file_with_bad_rows_names_each_row_and_field_and_stores_nothing(store, tmp_path):
    import_survey(
        store,
        _file(tmp_path, "Område;År;Indikator;Värde;Typ;Skala\nKinna;2020;Problemindex;2,4;index;0–6\n", "ok.csv"),
        municipality_code="1463",
    )
    before = store.read_survey_results()
    path = _file(
        tmp_path,
        "Område;År;Indikator;Grupp;Värde;Antal svar;Nedre;Övre\n"
        "Kinna;2021;Problemindex;Alla;2,2;312;2,0;2,4\n"  # right
        "Kinna;2021;Problemindex;Ungdomar;2,1;80;;\n"  # row 3: no such group
        "Kinna;2022;Problemindex;Kvinnor;2,3;tolv;;\n"  # row 4: n is no number
        "Kinna;2022;Problemindex;Män;2,5;150;2,6;2,9\n"  # row 5: the interval does not hold the value
        "Skene;2022;Problemindex;Alla;7,5;200;;\n"  # row 6: outside the stored scale 0–6
        "Kinna;2021;Problemindex;Totalt;2,2;312;;\n"  # row 7: repeats row 2 (Totalt is everyone)
        "Skene;2022;Problemindex;Alla;2,0;0;;\n",  # row 8: repeats row 6, and no answers
    )
    with pytest.raises(ValidationError) as caught:
        import_survey(store, path, municipality_code="1463")
    found = {(p.record, p.field, p.code) for p in caught.value.problems}
    assert found == {
        ("row 3", "group", "survey_group"),
        ("row 4", "n", "survey_n"),
        ("row 5", "ci_low", "survey_interval"),
        ("row 6", "value", "survey_outside_scale"),
        ("row 7", "area_id", "survey_repeat"),
        ("row 8", "area_id", "survey_repeat"),
        ("row 8", "n", "survey_n"),
    }
    assert "outside Problemindex's scale 0–6" in str(caught.value)
    after = store.read_survey_results()
    assert after.drop(columns="geometry").equals(before.drop(columns="geometry"))


def test_an_indicator_is_described_once_and_a_file_that_says_otherwise_is_refused(store, tmp_path):
    first = _file(
        tmp_path,
        "Område;År;Indikator;Värde;Typ;Skala;Bättre;Beskrivning\n"
        "Kinna;2020;Problemindex;2,4;index;0–6;lägre;Problem med ordningsstörningar\n"
        "Skene;2020;Problemindex;2,0;;;;\n",
        "first.csv",
    )
    import_survey(store, first, municipality_code="1463")
    assert store.read_indicators()["Problemindex"] == Indicator(
        "Problemindex", "index", 0.0, 6.0, "lower", "Problem med ordningsstörningar"
    )
    # Two rows of one file that describe the indicator differently: the second is named.
    twice = _file(
        tmp_path,
        "Område;År;Indikator;Värde;Typ\nKinna;2021;Trygghetsindex;2,4;index\nSkene;2021;Trygghetsindex;2,0;andel\n",
        "twice.csv",
    )
    with pytest.raises(ValidationError) as caught:
        import_survey(store, twice, municipality_code="1463")
    assert [(p.record, p.field, p.code) for p in caught.value.problems] == [("row 3", "kind", "survey_described_twice")]
    # A later file that calls it a share is a conflict with what is stored, unless it replaces.
    other = _file(tmp_path, "Område;År;Indikator;Värde;Typ\nKinna;2021;Problemindex;2,2;andel\n", "other.csv")
    with pytest.raises(ValidationError, match="'index' is stored"):
        import_survey(store, other, municipality_code="1463")
    assert store.read_indicators()["Problemindex"].kind == "index"
    assert store.read_survey_results("1463", "Problemindex")["year"].tolist() == [2020, 2020]
    import_survey(store, other, municipality_code="1463", replace=True)
    assert store.read_indicators()["Problemindex"].kind == "share"
    audit = [e for e in store.read_audit() if e.layer == "survey_indicators"]
    assert [e.record_id for e in audit] == ["Problemindex", "Problemindex"]


def test_a_result_given_again_with_n_is_completed_and_one_with_another_value_is_a_conflict(store, tmp_path):
    import_survey(
        store, _file(tmp_path, "Område;År;Indikator;Värde\nKinna;2022;Otrygg;21\n", "a.csv"), municipality_code="1463"
    )
    completed = import_survey(
        store,
        _file(tmp_path, "Område;År;Indikator;Värde;n\nKinna;2022;Otrygg;21;350\n", "b.csv"),
        municipality_code="1463",
    )
    assert (completed.new, completed.replaced) == (0, 1)
    assert store.read_survey_results("1463")["n"].tolist() == [350]
    # The first file again, without n: it says nothing of n, so nothing conflicts and n stays.
    again = import_survey(store, tmp_path / "a.csv", municipality_code="1463")
    assert (again.new, again.replaced) == (0, 0) and store.read_survey_results("1463")["n"].tolist() == [350]
    with pytest.raises(ValidationError) as caught:
        import_survey(
            store,
            _file(tmp_path, "Område;År;Indikator;Värde;n\nKinna;2022;Otrygg;23;360\n", "c.csv"),
            municipality_code="1463",
        )
    assert {p.field for p in caught.value.problems} == {"value", "n"}
    assert store.read_survey_results("1463")[["value", "n"]].values.tolist() == [[21.0, 350]]
    # A dry run asks the store as the import would: the same conflict is told before anything is tried, and
    # one that adds a year counts it as new, storing nothing and auditing nothing.
    audited = len(store.read_audit())
    with pytest.raises(ValidationError, match="21.0 is stored"):
        import_survey(store, tmp_path / "c.csv", municipality_code="1463", dry_run=True)
    more = _file(tmp_path, "Område;År;Indikator;Värde;n\nKinna;2022;Otrygg;21;350\nKinna;2023;Otrygg;19;340\n", "d.csv")
    checked = import_survey(store, more, municipality_code="1463", dry_run=True)
    assert (checked.dry_run, checked.new, checked.replaced) == (True, 1, 0)
    assert len(store.read_survey_results("1463")) == 1 and len(store.read_audit()) == audited


def test_a_goal_names_the_unsafe_place_categories_it_concerns():
    pledge = _pledge({"id": "g", "text": "Mindre narkotika", "categories": ["drug_dealing", "drug_use"]})
    assert pledge.goals[0].categories == ("drug_dealing", "drug_use")
    assert pledge_from_dict(pledge.to_dict()) == pledge
    with pytest.raises(ValidationError) as caught:
        _pledge({"id": "g", "text": "Mindre narkotika", "categories": ["drugs"]})
    (problem,) = caught.value.problems
    assert (problem.field, problem.code, problem.params["value"]) == ("goals[0].categories", "not_allowed", "drugs")


def test_the_reports_trend_counts_a_goal_s_categories_and_the_public_sees_no_small_count(demo_copy):
    from geodata.access import GuardedStore
    from geodata.access.rules import Viewer
    from geodata.store import GeoPackageStore, LayerQuery

    with GeoPackageStore.open(demo_copy) as raw:
        pledge = raw.get_pledge("mark-2021")
        goal = next(g for g in pledge.goals if g.categories)
        records = raw.read_layer("unsafe_places", LayerQuery(pledge_id="mark-2021"))
        kept = records[records["category"].isin(goal.categories) & (records["safety"] == "unsafe")]
        by_year = kept.groupby(kept["reported_on"].map(lambda d: d.year))["report_count"].sum()
        police = report_trend(GuardedStore(raw, Viewer("police", "p")), pledge, goal.categories, range(2018, 2024))
        public = GuardedStore(raw, Viewer("public", "q"))
        shown = report_trend(public, pledge, goal.categories, range(2018, 2024))
        # Harassment alone: 3 reports in 2020 and 8 in 2021 (counted from the records above); the public is
        # told 8, and nothing of 2020.
        harassment = kept[kept["category"] == "harassment"]
        few = harassment.groupby(harassment["reported_on"].map(lambda d: d.year))["report_count"].sum()
        single = report_trend(public, pledge, ("harassment",), range(2018, 2024))
        others = tuple(c for c in goal.categories if c != "harassment")
        without = report_trend(public, pledge, others, range(2018, 2024))
        (trend,) = [t for t in goal_trends(public, pledge) if t.goal == goal]
    # The years are those the store holds reports for; the police see each year's count.
    assert police.counts == {int(y): int(n) for y, n in by_year.items()} and not police.public
    # The public's yearly sums leave out each category's year below 5 (harassment's 3 of 2020).
    cells = kept.groupby([kept["reported_on"].map(lambda d: d.year), "category"])["report_count"].sum()
    public_sums = cells[cells >= 5].groupby(level=0).sum()
    assert shown.public and shown.suppressed
    assert shown.counts == {int(y): (int(n) if n >= 5 else None) for y, n in public_sums.items()}
    assert shown.counts[2020] < police.counts[2020] - 2  # harassment's 3 and any other small category left out
    assert few.to_dict() == {2020: 3, 2021: 8} and single.counts == {2020: None, 2021: 8}
    # The attack a reviewer found: a goal with harassment and one without it, subtracted, gave 3. Now the
    # difference is 0 in 2020 (harassment is left out of the public sum) and 8 in 2021 (shown anyway).
    assert shown.counts[2020] - without.counts[2020] == 0 and shown.counts[2021] - without.counts[2021] == 8
    assert trend.reports is not None and trend.reports.public and trend.reports.counts == shown.counts


# -- older stores ----------------------------------------------------------------------------------------------


def test_a_version_13_geopackage_keeps_its_survey_results_each_for_everyone(tmp_path, monkeypatch):
    import sqlite3

    from geodata.store import GeoPackageStore, migrate
    from geodata.store.gpkg import schema as gpkg_schema

    path = tmp_path / "v13.gpkg"
    with monkeypatch.context() as old:
        old.setattr(gpkg_schema, "MIGRATIONS", gpkg_schema.MIGRATIONS[:13])
        GeoPackageStore.create(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO survey_results (municipality_code, area_id, year, indicator, value, imported_at) "
            "VALUES ('1463', 'Kinna', 2020, 'Problemindex', 2.4, '2021-01-01T00:00:00Z')"
        )
    assert migrate(path) == (13, gpkg_schema.latest_version())
    with GeoPackageStore.open(path) as s:
        (row,) = s.read_survey_results().itertuples()
        assert (row.area_id, row.group_code, row.value, row.series_break) == ("Kinna", "all", 2.4, False)
        # The group is part of the key now: women's result for the same area and year is another row.
        frame = s.read_survey_results().drop(columns="geometry")
        frame = frame.assign(group_code="women", value=3.1, n=200)
        import geopandas as gpd

        assert s.write_survey_results(gpd.GeoDataFrame(frame, geometry=[None], crs=3006)) == (1, 0)
        assert s.read_indicators() == {}
    with sqlite3.connect(path) as conn:
        listed = {r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents")}
    assert {"survey_results", "survey_indicators"} <= listed


def test_a_version_4_postgis_database_gets_groups_and_descriptions(pg_server, monkeypatch):
    import psycopg
    from conftest import _databases

    from geodata.store import migrate, open_store
    from geodata.store.postgis import schema as postgis_schema
    from geodata.store.postgis.store import dispose

    name = f"v4_{next(_databases)}_surveys"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = pg_server.rsplit("/", 1)[0] + f"/{name}"
    try:
        with monkeypatch.context() as old:
            old.setattr(postgis_schema, "MIGRATIONS", postgis_schema.MIGRATIONS[:4])
            assert migrate(url) == (0, 4)
        dispose(url)
        with psycopg.connect(url, autocommit=True) as conn:  # the survey table as version 4 made it
            conn.execute("DROP TABLE survey_results; DROP TABLE survey_indicators")
            conn.execute(
                "CREATE TABLE survey_results (fid BIGSERIAL PRIMARY KEY, geom geometry(GEOMETRY, 3006), "
                "municipality_code TEXT NOT NULL, area_id TEXT NOT NULL, area_name TEXT, year INTEGER NOT NULL, "
                "indicator TEXT NOT NULL, value DOUBLE PRECISION NOT NULL, source TEXT, "
                "imported_at TIMESTAMPTZ NOT NULL, UNIQUE (municipality_code, area_id, year, indicator))"
            )
            conn.execute(
                "INSERT INTO survey_results (municipality_code, area_id, year, indicator, value, imported_at) "
                "VALUES ('1463', 'Kinna', 2020, 'Problemindex', 2.4, now())"
            )
        assert migrate(url) == (4, postgis_schema.latest_version())
        with open_store(url) as s:
            (row,) = s.read_survey_results().itertuples()
            assert (row.group_code, row.value, row.series_break) == ("all", 2.4, False)
            s.write_survey_results(
                s.read_survey_results().assign(group_code="women", value=3.1, n=200),
                indicators=[Indicator("Problemindex", "index", 0, 6, "lower")],
            )
            assert sorted(s.read_survey_results()["group_code"]) == ["all", "women"]
            assert s.read_indicators()["Problemindex"].scale == (0.0, 6.0)
        assert migrate(url) == (postgis_schema.latest_version(), postgis_schema.latest_version())
    finally:
        dispose(url)
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_copy_to_postgis_carries_the_results_and_the_descriptions(demo_copy, pg_url):
    from dashboard.cli import main
    from geodata.store import GeoPackageStore, open_store

    assert main(["copy", "--from", str(demo_copy), "--to", pg_url]) == 0
    with GeoPackageStore.open(demo_copy) as source, open_store(pg_url) as target:
        columns = ["municipality_code", "area_id", "year", "indicator", "group_code", "value", "n", "series_break"]
        mine = source.read_survey_results()[columns].reset_index(drop=True)
        theirs = target.read_survey_results()[columns].reset_index(drop=True)
        assert len(mine) == 90 and mine.equals(theirs)
        assert target.read_indicators() == source.read_indicators() != {}


def test_the_lagesbild_lists_each_result_with_its_group_answers_and_interval(demo_copy):
    from dashboard.components.survey_table import survey_cells, survey_headings
    from dashboard.i18n import translator
    from geodata.analysis.situation import kartlaggning
    from geodata.store import GeoPackageStore

    with GeoPackageStore.open(demo_copy) as store:
        k = kartlaggning(store, "1463", 2021)
    rows = survey_cells(k.survey, "sv")
    assert survey_headings(translator("sv"))[2:] == ("Grupp", "År", "Värde", "Svar (n)", "Intervall (95\u00a0%)")
    women = [r for r in rows if r[0] == "Otrygg ute sent en kväll" and r[2] == "Kvinnor" and r[3] == "2021"]
    (row,) = women
    # A share of 550 answers: its interval is computed from n (Wilson's), written the Swedish way.
    value = float(row[4].replace(",", "."))
    from geodata.surveys import share_interval

    low, high = share_interval(value, 550)
    assert row[5] == "550" and row[6] == f"{low:.1f}–{high:.1f}".replace(".", ",")
    index = [r for r in rows if r[0] == "Problemindex" and r[1] == "Kinna" and r[3] == "2021"]
    assert index and index[0][2] == "Alla" and index[0][6] != "–"  # an index with its standard error


def test_a_column_per_group_with_one_n_column_gives_everyone_their_n_and_a_misspelt_group_is_told(store, tmp_path):
    # As a municipal survey's export has it: the groups as columns, one "Antal svar" (everyone's), and a typo.
    path = _file(
        tmp_path,
        "År;Område;Indikator;Totalt;Kvinor;Män;Antal svar\n2022;Kinna;Otrygg;21;27;14;412\n",
    )
    result = import_survey(store, path, municipality_code="1463", describe=Indicator("", "share"))
    assert result.unused == ("Kvinor",)  # told, not dropped unsaid
    stored = store.read_survey_results("1463").set_index("group_code")
    assert stored.loc["all", "n"] == 412 and pd.isna(stored.loc["men", "n"]) and "women" not in stored.index
    (trend,) = goal_trends(store, _pledge({"id": "g", "text": "Trygghet", "indicator": "Otrygg"}))
    everyone = trend.series.set_index("group").loc["all"]
    assert everyone["basis"] == "computed" and (everyone["low"], everyone["high"]) == share_interval(21.0, 412)


def test_a_gender_column_and_an_age_column_each_give_a_row_its_group(store, tmp_path):
    path = _file(
        tmp_path,
        "Område;År;Indikator;Kön;Ålder;Värde\n"
        "Kinna;2022;Otrygg;Totalt;;21\n"
        "Kinna;2022;Otrygg;Kvinnor;;27\n"
        "Kinna;2022;Otrygg;;16–29 år;25\n"
        "Kinna;2022;Otrygg;Män;65+;9\n",
    )
    with pytest.raises(ValidationError) as caught:
        import_survey(store, path, municipality_code="1463")
    assert [(p.record, p.field, p.code) for p in caught.value.problems] == [("row 5", "age_group", "survey_two_groups")]
    path.write_text(path.read_text(encoding="utf-8").replace("Män;65+", ";65+"), encoding="utf-8")
    result = import_survey(store, path, municipality_code="1463")
    assert result.unused == () and "group" not in result.missing
    assert sorted(store.read_survey_results("1463")["group_code"]) == ["16_29", "65_plus", "all", "women"]
