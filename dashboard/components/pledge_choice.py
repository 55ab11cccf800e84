"""The choice of a pledge among many: a search by municipality over the pledges grouped by police region.

With a handful of pledges a page lists them as radio buttons (:func:`dashboard.components.layout.pledge_picker`);
with more (:func:`geodata.views.pledges.needs_search`) it draws :func:`pledge_search`: a search field, a line
that says how many pledges match, and a fieldset per police region (its legend the region's name) with the
region's pledges as radio buttons, each reading "Municipality – title (years)".
:func:`geodata.views.pledges.pledge_groups` decides the groups and their order; this module only draws them.

The page's callbacks read the choice where they always did: the component with the picker's id and its
``value``, here a hidden ``dcc.Input``. ``assets/pledgemap.js`` narrows each region's radios to the choices
that hold what is typed (a fieldset carries its region's choices in ``data-choices``), hides a region with none,
keeps the count line up to date, and when a radio is ticked sets the hidden input's ``value`` (and clears the
other regions' radios) through ``dash_clientside.set_props``, which fires the same callbacks a change of the
radio list did.

:func:`pledge_links` is the same search and groups with a link per pledge, for the pledge page, where choosing
a pledge opens its page.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from dash import dcc, html

from dashboard.i18n import translator
from geodata.model import Pledge
from geodata.views.pledges import municipality_groups, needs_search, pledge_groups


def years(pledge: Pledge) -> str:
    """The years of a pledge's period: "2021", "2024–2025"."""
    start, end = pledge.period.start.year, pledge.period.end.year
    return str(start) if start == end else f"{start}–{end}"


def choice_text(pledge: Pledge) -> str:
    """ "Municipality – pledge title (period)", as every choice among many pledges reads; the period is left out
    where the title says it already ("Medborgarlöfte Mark 2021")."""
    period = years(pledge)
    said = period in pledge.title.replace("-", "–")
    return f"{pledge.municipality.name} – {pledge.title}" + ("" if said else f" ({period})")


def _group_name(t, region: str | None) -> str:
    return t(f"police_region.{region}") if region else t("filters.pledge_no_region")


def _search_parts(t, component_id: str, total: int, kind: str = "pledge") -> list:
    """The search field and the line that says how many pledges (``kind`` "pledge") or municipalities
    ("municipality") it finds, read out as it changes."""
    status_id = f"{component_id}-found"
    return [
        html.Label(
            [
                html.Span(t("filters.pledge_search"), className="pm-label"),
                # A native field the page's script reads; Dash keeps nothing of what is typed.
                dcc.Input(
                    id=f"{component_id}-search",
                    type="search",
                    className="pm-picker-search",
                    autoComplete="off",
                    spellCheck=False,
                    debounce=False,
                ),
            ],
            className="pm-picker-field",
        ),
        html.P(
            t(f"filters.{kind}_count", total=total),
            id=status_id,
            className="pm-picker-found pm-hint",
            role="status",
            **{
                "data-all": t(f"filters.{kind}_count", total=total),
                "data-some": t(f"filters.{kind}_found", shown="{shown}", total=total),
                "data-none": t(f"filters.{kind}_none"),
            },
        ),
    ]


def pledge_search(
    component_id: str, pledges: Sequence[Pledge], value: str | None, legend: str, lang: str, none: str | None = None
) -> html.Fieldset:
    """The pledge choice among many: search by municipality, radios grouped by police region.

    ``component_id`` is the hidden input whose ``value`` is the chosen pledge's id (as the radios' was);
    ``none`` labels a choice of no pledge (the value ``""``) before the search, which the search leaves alone.
    """
    groups = [
        (group.region, [{"label": choice_text(p), "value": p.id} for p in group.pledges])
        for group in pledge_groups(pledges)
    ]
    before = [{"label": none, "value": ""}] if none is not None else []
    return _grouped_search(component_id, groups, value, legend, lang, "pledge", before)


def municipality_search(
    component_id: str,
    municipalities: Sequence[tuple[str, str]],
    value: str | None,
    legend: str,
    lang: str,
    before: Sequence[dict] = (),
    after: Sequence[dict] = (),
) -> html.Fieldset:
    """The choice of a municipality among many, as (code, name): the same search, grouped by police region
    (:func:`geodata.views.pledges.municipality_groups`), each reading "Name (code)"; its value is the code.
    ``before`` and ``after`` are choices (options) other than a municipality, before the search and after the
    list, which the search leaves alone."""
    groups = [
        (group.region, [{"label": f"{name} ({code})", "value": code} for code, name in group.municipalities])
        for group in municipality_groups(municipalities)
    ]
    return _grouped_search(component_id, groups, value, legend, lang, "municipality", before, after)


def _grouped_search(
    component_id: str,
    groups: list[tuple[str | None, list[dict]]],
    value: str | None,
    legend: str,
    lang: str,
    kind: str,
    before: Sequence[dict] = (),
    after: Sequence[dict] = (),
) -> html.Fieldset:
    t = translator(lang)

    def extra(where: str, options: Sequence[dict]) -> list:
        if not options:
            return []
        chosen = value if any(o["value"] == value for o in options) else None
        return [
            dcc.RadioItems(
                id=f"{component_id}-{where}",
                options=list(options),
                value=chosen,
                className="pm-radios pm-picker-radios",
            )
        ]

    regions = []
    for region, choices in groups:
        regions.append(
            html.Fieldset(
                className="pm-picker-group",
                # Every choice of the region, for the search to narrow the radios to (assets/pledgemap.js).
                **{"data-choices": json.dumps(choices, ensure_ascii=False)},
                children=[
                    html.Legend(_group_name(t, region)),
                    dcc.RadioItems(
                        id=f"{component_id}-{region or 'unknown'}",
                        options=choices,
                        value=value if any(c["value"] == value for c in choices) else None,
                        className="pm-radios pm-picker-radios",
                    ),
                ],
            )
        )
    return html.Fieldset(
        className="pm-pledge-picker pm-picker",
        **{"data-target": component_id},
        children=[
            html.Legend(legend),
            dcc.Input(id=component_id, type="hidden", value=value),
            *extra("before", before),
            *_search_parts(t, component_id, sum(len(choices) for _, choices in groups), kind),
            html.Div(regions, id=f"{component_id}-choices", className="pm-picker-list"),
            *extra("after", after),
        ],
    )


def pledge_links(pledges: Sequence[Pledge], chosen: str, lang: str, label: str) -> html.Nav:
    """The pledge page's choice of another pledge: a link to each pledge's page; among many, under the same search
    and groups as :func:`pledge_search`, folded away until opened.

    Choosing a pledge opens ``/pledge?pledge=<id>`` in the page's language; the chosen one is marked as the
    current page.
    """
    t = translator(lang)
    suffix = f"&lang={lang}" if lang != "sv" else ""

    def link(p: Pledge, text: str) -> html.A:
        return html.A(
            text, href=f"/pledge?pledge={p.id}{suffix}", **({"aria-current": "page"} if p.id == chosen else {})
        )

    if not needs_search(pledges):
        return html.Nav(
            className="pm-pledge-switch",
            **{"aria-label": label},
            children=[html.Ul([html.Li(link(p, p.title)) for p in pledges])],
        )
    list_id = "pm-pledge-links"
    groups = []
    for i, group in enumerate(pledge_groups(pledges)):
        name_id = f"{list_id}-{i}"
        groups.append(
            html.Div(
                className="pm-picker-group",
                children=[
                    html.P(_group_name(t, group.region), id=name_id, className="pm-picker-group-name"),
                    html.Ul(
                        [
                            html.Li(
                                link(p, choice_text(p)),
                                className="pm-picker-choice",
                            )
                            for p in group.pledges
                        ],
                        **{"aria-labelledby": name_id},
                    ),
                ],
            )
        )
    return html.Nav(
        className="pm-pledge-switch pm-picker pm-picker-links",
        **{"aria-label": label},
        children=html.Details(
            [
                html.Summary(t("filters.pledge_other", total=len(pledges))),
                *_search_parts(t, "pm-pledge", len(pledges)),
                html.Div(groups, id=list_id, className="pm-picker-list"),
            ]
        ),
    )
