"""Table alternatives of charts and maps: the component, and the analysis page's tables from its domain results."""

from __future__ import annotations

import pytest

from dashboard.components.chart_table import table_alternative
from dashboard.i18n import number, translator
from dashboard.ids import Analysis

from dash_http import analysis_inputs, call_callback, find, run_before_after, texts
from survey_data import add_goal_survey


def tree(component):
    """A component as the JSON the browser receives."""
    import json

    import plotly

    return json.loads(json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder))


def table_of(details: dict) -> tuple[str, list[str], list[list[str]]]:
    """(caption, column headers, rows) of a table alternative, checking its header cells' scopes on the way."""
    [table] = find(details, className="pm-records pm-chart-table")
    [caption] = [c for c in table["props"]["children"] if c["type"] == "Caption"]
    head = find(table, scope="col")
    [body] = [c for c in table["props"]["children"] if c["type"] == "Tbody"]
    rows = []
    for row in body["props"]["children"]:
        cells = row["props"]["children"]
        assert cells[0]["type"] == "Th" and cells[0]["props"]["scope"] == "row"
        assert all(c["type"] == "Td" for c in cells[1:])
        rows.append([texts(c)[0] if texts(c) else "" for c in cells])
    return texts(caption)[0], [texts(h)[0] for h in head], rows


@pytest.mark.parametrize(("lang", "summary"), [("sv", "Visa som tabell"), ("en", "Show as table")])
def test_the_table_alternative_is_a_closed_details_with_caption_and_header_scopes(lang, summary):
    t = translator(lang)
    details = tree(
        table_alternative(t, "Rapporter per område", ["Område", "Före"], [("Kinna", "1 660"), ("Skene", "3")])
    )
    assert details["type"] == "Details" and not details["props"].get("open")
    assert texts(details["props"]["children"][0]) == [summary]
    caption, columns, rows = table_of(details)
    assert caption == "Rapporter per område" and columns == ["Område", "Före"]
    assert rows == [["Kinna", "1 660"], ["Skene", "3"]]
    empty = tree(table_alternative(t, "Tom", ["A", "B"], []))
    assert t("chart.table_empty") in texts(empty)
    with pytest.raises(ValueError, match="needs 2 values"):
        table_alternative(t, "Fel", ["A", "B"], [("a",)])


def test_the_hotspot_map_s_table_counts_each_class_from_the_domain_result(client, demo_copy):
    import geodata.analysis.getisord as gi
    from geodata.store import GeoPackageStore

    answer = call_callback(
        client, f"{Analysis.map}.figure", analysis_inputs("gi"), state={f"{Analysis.lang}.data": "sv"}
    )
    caption, columns, rows = table_of(answer[Analysis.map_table]["children"])
    with GeoPackageStore.open(demo_copy) as store:
        expected = gi.hotspots_for_pledge(store, "molndal-2018", permutations=999)
    assert columns == ["Klass", "Celler", "Rapporter i cellerna"]
    assert caption.startswith(f"Hexagoner per klass ({number(len(expected.cells), 'sv')} hexagoner om")
    counts = expected.class_counts()
    shown = {row[0]: row[1] for row in rows}
    t = translator("sv")
    assert shown == {t(f"hotspot.{name}"): number(n, "sv") for name, n in counts.items()}
    reports = {row[0]: row[2] for row in rows}
    assert sum(int(v.replace("\u00a0", "")) for v in reports.values()) == expected.reports
    for mode, first in (("density", "Intervall"), ("counts", "Intervall")):
        answer = call_callback(
            client, f"{Analysis.map}.figure", analysis_inputs(mode), state={f"{Analysis.lang}.data": "sv"}
        )
        _, columns, rows = table_of(answer[Analysis.map_table]["children"])
        legend = [tr["name"] for tr in answer[Analysis.map]["figure"]["data"] if tr.get("showlegend")]
        assert columns[0] == first and [row[0] for row in rows] == legend  # the map's bands, in its order
    total = sum(int(row[2].replace("\u00a0", "")) for row in rows)
    counts_note = " ".join(texts(answer[Analysis.findings]["children"]))
    assert f"{number(total, 'sv')} rapporter i" in counts_note


def test_the_before_and_after_chart_and_map_have_their_tables(client, demo_copy):
    from geodata.analysis import intervention_for_operation
    from geodata.store import GeoPackageStore

    choices, answer = run_before_after(client)
    operation = choices[Analysis.operation]["options"][0]["value"]
    effect = answer[Analysis.effect]["children"]
    months, areas = find(effect, className="pm-table-alternative")
    with GeoPackageStore.open(demo_copy) as store:
        result = intervention_for_operation(store, operation)
    _, columns, rows = table_of(months)
    assert columns == ["Månad", "Insatsområdet", "Bufferten", "Kontrollområdet"]
    expected_months = sorted(result.series["month"].unique())
    t = translator("sv")
    assert [row[0] for row in rows] == [f"{t(f'month.{m.month}')} {m.year}" for m in expected_months]
    target = result.series[result.series["area"] == "target"].sort_values("month")["count"].tolist()
    assert [row[1] for row in rows] == [number(n, "sv") for n in target]
    _, columns, rows = table_of(areas)
    c = result.counts
    assert columns == ["Område", "Yta (km²)", "Före", "Efter"]
    assert [row[2:] for row in rows] == [
        [number(c.target_before, "sv"), number(c.target_after, "sv")],
        [number(c.buffer_before, "sv"), number(c.buffer_after, "sv")],
        [number(c.control_before, "sv"), number(c.control_after, "sv")],
    ]
    assert all("," in row[1] for row in rows)  # km² with a decimal comma


def test_a_goal_card_s_chart_has_its_table(demo_copy):
    from dashboard.settings import Settings

    from dash_http import make_client, render_page

    add_goal_survey(demo_copy)
    client = make_client(Settings(data=demo_copy, tiles_url=None))
    page = render_page(client, "/pledge", "?pledge=mark-2021")
    tables = {table_of(d)[0]: table_of(d)[1:] for d in find(page, className="pm-table-alternative")}
    # The undescribed survey has no number of answers: its values stand without an interval.
    columns, rows = tables["Trygghetsindex per område och år"]
    assert columns == ["Område", "2020", "2023"]
    assert rows == [
        ["Hela kommunen", "1\u00a0660", "1\u00a0712,5"],
        ["Kinna", "2,6", "2,1"],
        ["Skene", "1,9", "2,25"],
    ]
    # The demo's described index gives a standard error: each value has its 95 % interval (2,14 ± 1,96 · 0,06).
    columns, rows = tables["Problemindex per område och år"]
    assert columns == ["Område", "2018", "2019", "2020", "2021", "2022", "2023"]
    assert rows[0][:4] == ["Hela kommunen", "2,5 (2,38–2,62)", "2,74 (2,62–2,86)", "2,14 (2,02–2,26)"]


def test_text_columns_read_from_the_left_and_further_tables_share_the_details():
    from dashboard.components.chart_table import Table

    t = translator("sv")
    details = tree(
        table_alternative(
            t,
            "Karta",
            ["Lager", "Vad", "Antal"],
            [("Otrygga platser", "Narkotikabruk", "16")],
            numbers=(False, True),
            more=[Table("Poster", ["Slag", "Datum"], [("Trafik", "2021-05-01")], note="Fler finns.", numbers=False)],
        )
    )
    first, second = find(details, className="pm-records pm-chart-table")
    [_, vad, antal] = find(first, scope="col")
    assert vad["props"]["style"]["textAlign"] == "left" and antal["props"]["style"]["textAlign"] == "right"
    [body] = [c for c in first["props"]["children"] if c["type"] == "Tbody"]
    [cell_what, cell_count] = body["props"]["children"][0]["props"]["children"][1:]
    assert cell_what["props"]["style"]["textAlign"] == "left" and cell_count["props"]["style"]["textAlign"] == "right"
    assert "Poster" in texts(second) and "Fler finns." in texts(details)
    with pytest.raises(ValueError, match="data columns"):
        table_alternative(t, "Karta", ["Lager", "Vad", "Antal"], [], numbers=(False,))
