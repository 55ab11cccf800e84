"""Goal cards (issue 17): the indicator described, its trend with the interval as a band and never across a break,
the change since the baseline against the uncertainty in words, the groups side by side, the reports beside."""

from __future__ import annotations

import shutil

import pytest

from dashboard.i18n import translator
from geodata.analysis.indicators import goal_trends

from dash_http import PASSWORD, find, render_page, signed_in_client, texts

SV, EN = translator("sv"), translator("en")


def mark_trends(data):
    from geodata.store import GeoPackageStore

    with GeoPackageStore.open(data) as store:
        return {t.goal.id: t for t in goal_trends(store, store.get_pledge("mark-2021"))}


def rendered(tree):
    import json

    import plotly

    return json.loads(json.dumps(tree, cls=plotly.utils.PlotlyJSONEncoder))


def card_of(page, goal_text: str) -> dict:
    [card] = [c for c in find(page, className="pm-progress-card pm-goal-card") if goal_text in texts(c)]
    return card


def change_rows(card) -> dict[str, list[str]]:
    """The change table's rows: row header → the words of its cells (a cell's lines joined by " | ")."""
    [table] = find(card, className="pm-records pm-goal-changes")
    [body] = [c for c in table["props"]["children"] if c["type"] == "Tbody"]
    rows = {}
    for row in body["props"]["children"]:
        head, *cells = row["props"]["children"]
        rows[texts(head)[0]] = [" | ".join(texts(c)) for c in cells]
    return rows


def of_type(tree, name: str) -> list[dict]:
    """The components of type ``name`` (Tbody, Graph) in a component tree as the browser receives it."""
    tree = rendered(tree)
    found = []
    if isinstance(tree, list):
        for item in tree:
            found += of_type(item, name)
    elif isinstance(tree, dict):
        if tree.get("type") == name:
            found.append(tree)
        found += of_type(tree.get("props", {}).get("children"), name)
    return found


# -- the trend chart -----------------------------------------------------------------------------------------


def test_the_trend_chart_draws_no_line_across_mark_s_problem_index_break(demo_file):
    from dashboard.figures.analysis import goal_chart

    trend = mark_trends(demo_file)["minskad-brottslighet"]
    assert trend.indicator.kind == "index" and list(trend.breaks["year"]) == [2020]
    figure = goal_chart(trend, SV)
    lines = [tr for tr in figure["data"] if tr["meta"]["role"] == "line"]
    bands = [tr for tr in figure["data"] if tr["meta"]["role"] == "band"]
    # Every area has two lines, 2018–2019 and 2020–2023; none of them or of their bands spans 2019 → 2020.
    assert sorted((tr["meta"]["area"], tr["x"][0], tr["x"][-1]) for tr in lines) == [
        (area, start, end)
        for area in ("Hela kommunen", "Kinna", "Skene")
        for start, end in ((2018, 2019), (2020, 2023))
    ]
    for trace in lines + bands:
        assert not (2019 in trace["x"] and 2020 in trace["x"]), trace["meta"]
    # One legend entry per area, not per segment.
    assert sorted(tr["name"] for tr in lines if tr["showlegend"]) == ["Hela kommunen", "Kinna", "Skene"]
    # The break is a dashed line between the two years, and says why; the baseline is marked as today.
    dashed = [s for s in figure["layout"]["shapes"] if s["line"]["dash"] == "dash"]
    assert [(s["x0"], s["x1"]) for s in dashed] == [(2019.5, 2019.5)]
    words = {a["text"]: a.get("hovertext") for a in figure["layout"]["annotations"]}
    assert words["Serieavbrott 2020"].startswith("Serieavbrott 2020: Ny skala: fem svarsalternativ i stället för sex")
    assert "Basår 2020" in words and any(
        s["x0"] == 2020 and s["line"]["dash"] == "dot" for s in figure["layout"]["shapes"]
    )
    english = {a["text"] for a in goal_chart(trend, EN)["layout"]["annotations"]}
    assert english == {"Series break 2020", "Baseline 2020"}


def test_the_band_traces_hold_the_domain_s_interval_and_lie_under_their_line(demo_file):
    from dashboard.figures.analysis import goal_chart

    trend = mark_trends(demo_file)["minskad-brottslighet"]
    figure = goal_chart(trend, SV)
    series = trend.series[trend.series["group"] == "all"]
    bands = [(i, tr) for i, tr in enumerate(figure["data"]) if tr["meta"]["role"] == "band"]
    assert len(bands) == 6
    for i, band in bands:
        rows = series[(series["area_id"] == band["meta"]["area"]) & (series["segment"] == band["meta"]["segment"])]
        rows = rows.sort_values("year")
        assert band["fill"] in ("toself", "tonexty") and band["hoverinfo"] == "skip"
        assert band["x"] == rows["year"].tolist() + rows["year"].tolist()[::-1]
        assert band["y"] == pytest.approx(rows["high"].tolist() + rows["low"].tolist()[::-1])
        # 2,14 with a standard error of 0,06: 2,14 ± 1,96 · 0,06 in Hela kommunen 2020.
        line = figure["data"][i + 1]
        assert line["meta"] == {**band["meta"], "role": "line"}  # drawn after, so on top of, its band
    [whole] = [tr for _, tr in bands if tr["meta"] == {"role": "band", "area": "Hela kommunen", "segment": 1}]
    assert whole["y"][0] == pytest.approx(2.14 + 1.959964 * 0.06) and whole["y"][-1] == pytest.approx(
        2.14 - 1.959964 * 0.06
    )
    # Hover: value, interval and answers in Swedish.
    [line] = [tr for tr in figure["data"] if tr["meta"] == {"role": "line", "area": "Hela kommunen", "segment": 1}]
    assert line["customdata"][0] == ["2,14", "95\u00a0% konfidensintervall: 2,02–2,26", "Antal svar: 1\u00a0100"]


def test_a_share_s_chart_reads_in_per_cent_and_its_colours_hold_3_to_1(demo_file):
    from test_analysis import _contrast

    from dashboard.figures.analysis import GOAL_BAND_OPACITY, GOAL_COLOURS, GOAL_MARK_COLOUR, goal_chart

    trend = mark_trends(demo_file)["okad-trygghet"]
    figure = goal_chart(trend, SV)
    assert figure["layout"]["yaxis"]["ticksuffix"] == "\u00a0%" and figure["layout"]["separators"] == ",\u00a0"
    [line] = [tr for tr in figure["data"] if tr["meta"] == {"role": "line", "area": "Skene", "segment": 0}]
    assert line["customdata"][-1][:2] == ["15,7\u00a0%", "95\u00a0% konfidensintervall: 12,0–20,2\u00a0%"]
    assert goal_chart(trend, EN)["data"][1]["customdata"][0][0].endswith("%")
    for colour in (*GOAL_COLOURS, GOAL_MARK_COLOUR):
        assert _contrast(colour) >= 3, colour
        channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        band = "#" + "".join(f"{round(GOAL_BAND_OPACITY * c + (1 - GOAL_BAND_OPACITY) * 255):02x}" for c in channels)
        assert _contrast(colour, band) >= 3, colour  # the line reads on its own band


# -- the words ---------------------------------------------------------------------------------------------


def test_the_card_says_whether_the_change_is_larger_than_the_uncertainty(client, demo_file):
    # The numbers first: Skene 20,7 → 15,7 % (−5,0, margin 6,1) fits within; Hela kommunen 22,6 → 14,6 % does not.
    changes = mark_trends(demo_file)["okad-trygghet"].changes.set_index(["area_id", "group"])
    assert changes.loc[("Skene", "all"), "change"] == pytest.approx(-5.0)
    assert changes.loc[("Skene", "all"), "uncertainty"] == "within" and changes.loc[("Skene", "all"), "margin"] > 5
    assert changes.loc[("Hela kommunen", "all"), "uncertainty"] == "beyond"

    card = card_of(render_page(client, "/pledge", "?pledge=mark-2021"), "Ökad trygghet")
    rows = change_rows(card)
    assert rows["Skene"] == ["20,7\u00a0% (2020) | 16,5–25,6\u00a0%", "15,7\u00a0% (2023) | 12,0–20,2\u00a0%", "\u22125,0",
                             "Skillnaden ryms inom osäkerheten"]  # fmt: skip
    assert rows["Hela kommunen"][3] == "Bättre – minskningen är större än osäkerheten"
    assert rows["Hela kommunen, män"][3] == "Skillnaden ryms inom osäkerheten"
    [categories] = find(card, className="pm-goal-categories")
    assert texts(categories) == ["Dålig belysning", "Skymd sikt, vegetation", "Trakasserier"]  # a label with a comma
    shown = texts(card)
    assert {"Andel i procent (0–100\u00a0%)", "lägre är bättre", "Demodata: påhittad trygghetsmätning"} <= set(shown)
    english = change_rows(card_of(render_page(client, "/pledge", "?pledge=mark-2021&lang=en"), "Ökad trygghet"))
    assert english["Skene"][3] == "The difference fits within the uncertainty"
    assert english["Hela kommunen"][3] == "Better – the decrease is larger than the uncertainty"
    assert english["Hela kommunen, Women"][0] == "37.8% (2020) | 33.8–41.9%"


def test_an_index_card_names_its_scale_and_its_break(client):
    card = card_of(render_page(client, "/pledge", "?pledge=mark-2021"), "Minskad brottslighet")
    shown = texts(card)
    assert "Index på en skala från 0 till 6" in shown
    assert (
        "Serieavbrott 2020: Ny skala: fem svarsalternativ i stället för sex. Linjen dras inte över avbrottet." in shown
    )


def test_a_change_across_a_break_and_an_unknown_uncertainty_are_said_as_such(demo_copy):
    from dashboard.components.goals import uncertainty_words
    from geodata.store import GeoPackageStore

    with GeoPackageStore.open(demo_copy) as store:
        pledge = store.get_pledge("mark-2021")
        goals = tuple(g if g.id != "minskad-brottslighet" else type(g)(**{**g.__dict__, "baseline_year": 2019})
                      for g in pledge.goals)  # fmt: skip
        store.save_pledge(type(pledge)(**{**pledge.__dict__, "goals": goals}))
    [row, *_] = mark_trends(demo_copy)["minskad-brottslighet"].changes.itertuples()
    assert row.verdict == "not_comparable"
    assert uncertainty_words(row, SV) == (
        "serien bryts 2020 (Ny skala: fem svarsalternativ i stället för sex), så basåret och det senaste året kan "
        "inte jämföras"
    )
    assert uncertainty_words(row, EN).startswith("the series breaks in 2020 (Ny skala")

    from survey_data import add_goal_survey

    add_goal_survey(demo_copy)  # no number of answers, no interval
    trend = mark_trends(demo_copy)["okad-trygghet"]
    [row] = [r for r in trend.changes.itertuples() if r.area_id == "Kinna"]
    assert uncertainty_words(row, SV) == "osäkerheten är okänd (antal svar eller felmarginal saknas)"


def test_an_undescribed_indicator_says_its_kind_is_not_described(demo_copy):
    from dashboard.settings import Settings

    from dash_http import make_client
    from survey_data import add_goal_survey

    add_goal_survey(demo_copy)
    page = render_page(make_client(Settings(data=demo_copy, tiles_url=None)), "/pledge", "?pledge=mark-2021")
    shown = texts(card_of(page, "Ökad trygghet"))
    assert "Måttets slag är inte beskrivet" in shown and "riktning ej angiven" not in shown


def test_the_standalone_panel_says_the_same_words_for_everyone_s_rows(demo_file):
    from dashboard.standalone import build_standalone_map
    from geodata.store import GeoPackageStore

    with GeoPackageStore.open(demo_file) as store:
        page = build_standalone_map(store, "mark-2021", public=True)
    assert "Skene: 20,7\u00a0% → 15,7\u00a0% (2023), skillnaden ryms inom osäkerheten" in page
    assert "Hela kommunen: 22,6\u00a0% → 14,6\u00a0% (2023), bättre (minskningen är större än osäkerheten)" in page
    assert "Hela kommunen: 37,8" not in page  # the women's row is the card's, not the panel's one line per area


# -- the groups and the reports ----------------------------------------------------------------------------


def test_the_groups_chart_sets_women_and_men_side_by_side_with_their_intervals(client, demo_file):
    from dashboard.figures.analysis import goal_group_areas, goal_groups_chart

    trend = mark_trends(demo_file)["okad-trygghet"]
    assert goal_group_areas(trend) == ["Hela kommunen"]
    [trace] = goal_groups_chart(trend, "Hela kommunen", SV)["data"]
    assert trace["y"] == ["Alla", "Kvinnor", "Män", "16–29 år", "30–64 år", "65 år och äldre"]
    latest = trend.series[(trend.series["area_id"] == "Hela kommunen") & (trend.series["year"] == 2023)]
    women = latest[latest["group"] == "women"].iloc[0]
    assert trace["x"][1] == 29.5 and trace["error_x"]["array"][1] == pytest.approx(women["high"] - 29.5)
    assert trace["error_x"]["arrayminus"][1] == pytest.approx(29.5 - women["low"])
    assert goal_groups_chart(trend, "Hela kommunen", EN)["data"][0]["y"][1:3] == ["Women", "Men"]

    card = rendered(card_of(render_page(client, "/pledge", "?pledge=mark-2021"), "Ökad trygghet"))
    [details] = [d for d in find(card, className="pm-table-alternative") if "grupperna sida vid sida" in texts(d)[1]]
    shown = texts(details)
    assert "Kvinnor" in shown and "Män" in shown and "29,5\u00a0%" in shown and "550" in shown


@pytest.fixture
def public_harassment(demo_copy):
    """Mark's "Ökad trygghet" goal counting harassment only (3 reports in 2020, 8 in 2021), and a public user."""
    from geodata.access.accounts import add_user
    from geodata.store import GeoPackageStore

    with GeoPackageStore.open(demo_copy) as store:
        pledge = store.get_pledge("mark-2021")
        goals = tuple(g if g.id != "okad-trygghet" else type(g)(**{**g.__dict__, "categories": ("harassment",)})
                      for g in pledge.goals)  # fmt: skip
        store.save_pledge(type(pledge)(**{**pledge.__dict__, "goals": goals}))
        add_user(store, "ulla", "public", PASSWORD)
        add_user(store, "pia", "police", PASSWORD)
    return demo_copy


def test_the_reports_chart_counts_the_goal_s_categories_and_withholds_small_counts_from_the_public(public_harassment):
    police = render_page(signed_in_client(public_harassment, "pia"), "/pledge", "?pledge=mark-2021")
    public = render_page(signed_in_client(public_harassment, "ulla"), "/pledge", "?pledge=mark-2021")
    police_card, public_card = card_of(police, "Ökad trygghet"), card_of(public, "Ökad trygghet")
    shown = texts(police_card)
    words = "Bredvid mätningen: rapporterna om otrygga platser i kommunen av kategorin:"
    assert shown[shown.index(words) + 1] == "Trakasserier"

    def table_rows(card):
        [details] = [
            d for d in find(card, className="pm-table-alternative") if any("(Trakasserier)" in x for x in texts(d))
        ]
        [body] = of_type(details, "Tbody")
        return [texts(row) for row in body["props"]["children"]]

    assert table_rows(police_card) == [["2020", "3"], ["2021", "8"]]
    assert table_rows(public_card) == [["2020", "färre än 5"], ["2021", "8"]]
    [graph] = [g for g in of_type(public_card, "Graph") if g["props"]["figure"]["data"][0].get("type") == "bar"]
    assert graph["props"]["figure"]["data"][0]["text"] == ["färre än 5", "8"]
    assert (
        "I den offentliga vyn räknas en kategori bara de år den har minst 5 rapporter, och ett år visas bara med "
        "minst 5; färre skrivs ”färre än 5”." in texts(public_card)
    )


# -- in a browser ------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_the_pledge_page_s_goal_cards_fit_the_screen_and_pass_axe(tmp_path, demo_file, width, height):
    from browser import SCREENSHOTS, axe_violations, browser_page, serving

    data = tmp_path / "pledgemap.gpkg"
    shutil.copy(demo_file, data)
    with serving(data, env={"PLEDGEMAP_TILES": "none"}) as url, browser_page(width, height) as (page, console):
        page.goto(f"{url.rstrip('/')}/pledge?pledge=mark-2021")
        page.wait_for_selector(".pm-goal-card .js-plotly-plot .scatterlayer", timeout=30_000)
        # Every chart drawn: two trend charts, a groups chart, two reports charts.
        page.wait_for_function("() => document.querySelectorAll('.pm-goal-card .js-plotly-plot .main-svg').length >= 5")
        page.screenshot(path=SCREENSHOTS / f"goal-cards-{width}.png", full_page=True)
        wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        cards = page.evaluate(
            "() => Array.from(document.querySelectorAll('.pm-goal-card')).map(c => c.getBoundingClientRect().right)"
        )
        violations = axe_violations(page)
    assert wide[0] <= wide[1], wide
    assert cards and max(cards) <= width
    assert violations == [], violations
    assert console.errors == []
