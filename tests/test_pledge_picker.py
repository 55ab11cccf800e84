"""The pledge choice among many pledges (issue 18): grouped by police region in geodata, drawn by the pages.

With a handful of pledges the pages keep their radio buttons (tests/test_dashboard.py); with more, the choice is
a search over a fieldset per police region whose radios read "Municipality – title (years)", and the component
the callbacks read keeps its id and its ``value``.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from dashboard.components.pledge_choice import choice_text
from dashboard.ids import Analysis, Importer, Layers, Overview, Sites, Situation, Surveys
from dashboard.settings import Settings
from geodata import pledge_from_dict
from geodata.store import open_store
from geodata.views.pledges import municipality_groups, needs_search, pledge_groups
from geodata.views.regional import HANDFUL

from builders import pledge_dict
from dash_http import call_callback, find, make_client, render_page, texts

# Four more pledges for the demo's eight (one per police region and Mark and Mölndal in Väst): 12 > HANDFUL.
EXTRA = (
    ("demo-ale-2022", "Ale", "1440", 2022),
    ("demo-are-2022", "Åre", "2321", 2022),
    ("demo-orebro-2022", "Örebro", "1880", 2022),
    ("demo-goteborg-2022", "Göteborg", "1480", 2022),
)


def _pledge(pledge_id: str, name: str, code: str, year: int, end: int | None = None):
    return pledge_from_dict(
        pledge_dict(
            id=pledge_id,
            title=f"Medborgarlöfte {name} {year}",
            municipality={"name": name, "code": code},
            period={"start": f"{year}-01-01", "end": f"{end or year}-12-31"},
            promises=[
                {
                    "id": f"{pledge_id}-insatser",
                    "text": "Riktade insatser",
                    "parties": ["polisen"],
                    "kind": "targeted_operation",
                }
            ],
        )
    )


def test_a_choice_among_more_than_a_handful_is_searched():
    pledges = [_pledge(f"p{i}", f"Kommun {i}", "1481", 2020 + i) for i in range(HANDFUL + 1)]
    assert not needs_search(pledges[:HANDFUL])
    assert needs_search(pledges)


def test_pledges_are_grouped_by_police_region_in_the_vocabularys_order_municipalities_in_swedish_order():
    pledges = [
        _pledge("orebro", "Örebro", "1880", 2022),
        _pledge("molndal-2019", "Mölndal", "1481", 2019),
        _pledge("molndal-2018", "Mölndal", "1481", 2018),
        _pledge("ale", "Ale", "1440", 2022),
        _pledge("are", "Åre", "2321", 2022),
        _pledge("lulea", "Luleå", "2580", 2022),
        _pledge("zz", "Okänd", "9999", 2022),  # a code that names no county
        _pledge("oland", "Ödeshög", "0509", 2022),
        _pledge("alvesta", "Alvesta", "0764", 2022),
    ]
    groups = pledge_groups(pledges)
    # Vocabulary order: nord, mitt, stockholm, ost, vast, syd, bergslagen; Mitt and Stockholm have none here.
    assert [g.region for g in groups] == ["nord", "ost", "vast", "syd", "bergslagen", None]
    shown = {g.region: [p.id for p in g.pledges] for g in groups}
    assert shown["nord"] == ["lulea", "are"]  # Å after L (and after Z)
    assert shown["vast"] == ["ale", "molndal-2018", "molndal-2019"]  # one municipality's pledges by period
    assert shown[None] == ["zz"]
    assert sum(len(g.pledges) for g in groups) == len(pledges)


def test_a_choice_reads_municipality_title_and_years_unless_the_title_says_them():
    assert choice_text(_pledge("m", "Mölndal", "1481", 2018)) == "Mölndal – Medborgarlöfte Mölndal 2018"
    assert choice_text(_pledge("b", "Borås", "1490", 2024, 2025)) == "Borås – Medborgarlöfte Borås 2024 (2024–2025)"
    two_years = replace(_pledge("k", "Kalmar", "0880", 2024, 2025), title="Medborgarlöfte Kalmar 2024-2025")
    assert choice_text(two_years) == "Kalmar – Medborgarlöfte Kalmar 2024-2025"


@pytest.fixture
def many_client(demo_copy):
    with open_store(demo_copy) as store:
        for pledge_id, name, code, year in EXTRA:
            store.save_pledge(_pledge(pledge_id, name, code, year))
        assert len(store.list_pledges()) == HANDFUL + len(EXTRA)
    return make_client(Settings(data=demo_copy, tiles_url=None))


def _of_type(tree, kind: str) -> list[dict]:
    """The components of one type (``find`` matches props only)."""
    return [c for c in find(tree) if c.get("type") == kind]


def _region_groups(tree, component: str) -> list[tuple[str, list[str]]]:
    """Each region's fieldset of the picker of ``component``: (its legend, its radios' labels)."""
    [picker] = find(tree, **{"data-target": component})
    groups = []
    for fieldset in find(picker, className="pm-picker-group"):
        legend, radios = fieldset["props"]["children"]
        choices = json.loads(fieldset["props"]["data-choices"])
        assert [o["label"] for o in radios["props"]["options"]] == [c["label"] for c in choices]
        groups.append((legend["props"]["children"], [c["label"] for c in choices]))
    return groups


@pytest.mark.parametrize(
    ("path", "component"),
    [
        ("/", Overview.pledge),
        ("/layers", Layers.pledge),
        ("/sites", Sites.pledge),
        ("/analysis", Analysis.pledge),
        ("/surveys", Surveys.pledge),  # the pledge whose goals are linked: the newest
        ("/import", Importer.pledge),  # the pledge an import links to: none until chosen
    ],
)
def test_every_page_with_many_pledges_searches_them_by_region_and_keeps_its_pledge_value(many_client, path, component):
    tree = render_page(many_client, path, "?pledge=molndal-2018")
    chosen = {"/surveys": "demo-orebro-2022", "/import": ""}.get(path, "molndal-2018")
    [holder] = find(tree, id=component)
    assert holder["type"] == "Input" and holder["props"]["type"] == "hidden"
    assert holder["props"]["value"] == chosen
    assert not [
        c for c in _of_type(tree, "RadioItems") if c["props"]["id"] == component
    ]  # no radio list of every pledge
    [search] = find(tree, id=f"{component}-search")
    assert search["props"]["type"] == "search"
    assert "Sök kommun" in texts(tree)
    assert "12 löften, grupperade per polisregion" in texts(find(tree, **{"data-target": component}))
    groups = _region_groups(tree, component)
    assert [name for name, _ in groups] == [
        "Region Nord",
        "Region Mitt",
        "Region Stockholm",
        "Region Öst",
        "Region Väst",
        "Region Syd",
        "Region Bergslagen",
    ]
    assert len(groups) == 7 and sum(len(c) for _, c in groups) == HANDFUL + len(EXTRA)
    vast = dict(groups)["Region Väst"]
    assert [label.split(" – ")[0] for label in vast] == ["Ale", "Göteborg", "Mark", "Mölndal"]
    assert vast[3] == "Mölndal – Medborgarlöfte Mölndals stad 2018 (2018–2019)"
    assert [label.split(" – ")[0] for label in dict(groups)["Region Nord"]] == ["Malå", "Åre"]
    # Only the chosen pledge's radio is ticked, in its region.
    [picker] = find(tree, **{"data-target": component})
    ticked = [r["props"]["value"] for r in _of_type(picker, "RadioItems")]
    assert [v for v in ticked if v is not None] == [chosen]
    # The import's choice of no pledge stands before the search, ticked.
    assert bool(find(picker, id=f"{component}-before")) == (path == "/import")


def test_the_picker_speaks_english_on_an_english_page(many_client):
    tree = render_page(many_client, "/layers", "?pledge=molndal-2018&lang=en")
    shown = texts(tree)
    assert "Search municipality" in shown and "12 pledges, grouped by police region" in shown
    assert [name for name, _ in _region_groups(tree, Layers.pledge)][:2] == ["Region North", "Region Central"]


def test_the_pledge_page_with_many_pledges_links_each_by_region_in_the_pages_language(many_client):
    tree = render_page(many_client, "/pledge", "?pledge=molndal-2018&lang=en")
    [nav] = find(tree, className="pm-pledge-switch pm-picker pm-picker-links")
    links = _of_type(nav, "A")
    assert len(links) == HANDFUL + len(EXTRA)
    assert {link["props"]["href"] for link in links} >= {
        "/pledge?pledge=demo-ale-2022&lang=en",
        "/pledge?pledge=mark-2021&lang=en",
    }
    [current] = [link for link in links if link["props"].get("aria-current") == "page"]
    assert current["props"]["href"] == "/pledge?pledge=molndal-2018&lang=en"
    shown = texts(nav)
    assert shown[0] == "Another pledge (12 pledges)"
    assert "Region West" in shown and "Search municipality" in shown
    # Each region's list is named by the region it lists.
    names = {p["props"]["id"]: p["props"]["children"] for p in find(nav, className="pm-picker-group-name")}
    assert {names[ul["props"]["aria-labelledby"]] for ul in _of_type(nav, "Ul")} == set(names.values())


def test_the_pledge_page_with_a_handful_lists_their_titles(client):
    tree = render_page(client, "/pledge", "?pledge=mark-2021")
    [nav] = find(tree, className="pm-pledge-switch")
    assert len(_of_type(nav, "A")) == HANDFUL
    assert not find(tree, className="pm-picker-group")


def test_the_situation_reports_municipality_among_many_is_searched_by_region(many_client):
    tree = render_page(many_client, "/lagesbild", "?kommun=1481")
    [holder] = find(tree, id=Situation.municipality)
    assert holder["type"] == "Input" and holder["props"]["type"] == "hidden" and holder["props"]["value"] == "1481"
    assert "12 kommuner, grupperade per polisregion" in texts(tree)
    groups = dict(_region_groups(tree, Situation.municipality))
    assert len(groups) == 7
    assert groups["Region Väst"] == ["Ale (1440)", "Göteborg (1480)", "Mark (1463)", "Mölndal (1481)"]
    assert groups["Region Bergslagen"] == ["Laxå (1860)", "Örebro (1880)"]


def test_the_situation_reports_handful_of_municipalities_stay_radio_buttons(client):
    tree = render_page(client, "/lagesbild", "?kommun=1481")
    [radios] = find(tree, id=Situation.municipality)
    assert radios["type"] == "RadioItems" and len(radios["props"]["options"]) == HANDFUL


def test_municipalities_are_grouped_by_police_region_in_swedish_order():
    groups = municipality_groups([("1880", "Örebro"), ("1860", "Laxå"), ("2321", "Åre"), ("9999", "Okänd")])
    assert [(g.region, [name for _, name in g.municipalities]) for g in groups] == [
        ("nord", ["Åre"]),
        ("bergslagen", ["Laxå", "Örebro"]),
        (None, ["Okänd"]),
    ]


def test_the_survey_files_municipality_among_many_keeps_the_files_own_column_and_another_one(many_client):
    tree = render_page(many_client, "/surveys")
    [picker] = find(tree, **{"data-target": Surveys.municipality})
    [before] = find(picker, id=f"{Surveys.municipality}-before")
    [after] = find(picker, id=f"{Surveys.municipality}-after")
    assert [o["value"] for o in before["props"]["options"]] == [""] and before["props"]["value"] == ""
    assert [o["value"] for o in after["props"]["options"]] == ["other"] and after["props"]["value"] is None
    assert "12 kommuner, grupperade per polisregion" in texts(picker)
    assert dict(_region_groups(tree, Surveys.municipality))["Region Syd"] == ["Lund (1281)"]


def test_the_import_among_many_pledges_offers_the_promises_of_the_pledge_chosen(many_client):
    tree = render_page(many_client, "/import")
    [promises] = find(tree, id=Importer.promise)
    assert [o["value"] for o in promises["props"]["options"]] == [""]  # no pledge chosen: no promise either
    answer = call_callback(
        many_client,
        f"{Importer.promise}.options",
        {f"{Importer.pledge}.value": "demo-ale-2022"},
        {f"{Importer.promise}.value": "", f"{Importer.lang}.data": "sv"},
        changed=f"{Importer.pledge}.value",
    )
    offered = answer[Importer.promise]
    assert [o["value"] for o in offered["options"]] == ["", "demo-ale-2022-insatser"]
    assert offered["value"] == ""
