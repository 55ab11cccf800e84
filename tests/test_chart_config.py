"""Every chart on every page takes its config from graph_config: no upload button, the page's locale."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard.figures.style import FORBIDDEN_BUTTONS
from dashboard.ids import Analysis

from survey_data import add_goal_survey


def graphs(tree: Any) -> list[dict]:
    """Every dcc.Graph in a component tree, looking into every property that holds components."""
    found = []
    if isinstance(tree, list):
        for item in tree:
            found.extend(graphs(item))
    elif isinstance(tree, dict):
        if tree.get("type") == "Graph" and tree.get("namespace") == "dash_core_components":
            found.append(tree)
        for value in tree.get("props", {}).values():
            if isinstance(value, (list, dict)):
                found.extend(graphs(value))
    return found


def assert_graph_config(graph: dict, lang: str) -> None:
    config = graph["props"].get("config") or {}
    where = graph["props"].get("id", "a graph")
    assert set(FORBIDDEN_BUTTONS) <= set(config.get("modeBarButtonsToRemove", [])), where
    assert config.get("showSendToCloud") is False and config.get("showEditInChartStudio") is False, where
    assert config.get("displaylogo") is False and config.get("locale") == lang, where


@pytest.fixture
def survey_client(demo_copy):
    from dashboard.settings import Settings

    from dash_http import make_client

    add_goal_survey(demo_copy)
    return make_client(Settings(data=demo_copy, tiles_url=None))


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_graph_in_every_page_s_layout_uses_graph_config(survey_client, lang):
    import dash

    from dash_http import render_page

    paths = sorted({page["path"] for page in dash.page_registry.values()})
    assert {"/", "/pledge", "/layers", "/analysis"} <= set(paths)
    counted = {}
    for path in paths:
        for search in (f"?lang={lang}", f"?lang={lang}&pledge=mark-2021", f"?lang={lang}&pledge=molndal-2018"):
            found = graphs(render_page(survey_client, path, search))
            for graph in found:
                assert_graph_config(graph, lang)
            counted[path] = max(counted.get(path, 0), len(found))
    assert counted["/"] >= 2 and counted["/layers"] >= 1 and counted["/analysis"] >= 1
    assert counted["/pledge"] >= 1  # the goal's chart


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_graphs_that_callbacks_make_use_graph_config_too(survey_client, lang):
    from dash_http import run_before_after

    choices, effect = run_before_after(survey_client, "mark-2021", lang)
    goal_graphs = graphs(choices[Analysis.goals]["children"])
    effect_graphs = graphs(effect[Analysis.effect]["children"])
    assert len(goal_graphs) >= 1 and len(effect_graphs) == 2
    for graph in goal_graphs + effect_graphs:
        assert_graph_config(graph, lang)
