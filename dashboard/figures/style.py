"""Colours and marker sizes of the layers, chosen to stay apart for colour-blind readers (Okabe–Ito)."""

from __future__ import annotations

from collections.abc import Callable

from dashboard.i18n import PLOTLY_SEPARATORS, language

CATEGORY_COLOURS = {
    "drug_dealing": "#D55E00",
    "drug_use": "#CC79A7",
    "poor_lighting": "#E69F00",
    "blocked_sightlines": "#009E73",
    "loitering": "#0072B2",
    "vandalism": "#56B4E9",
    "harassment": "#882255",
    "traffic": "#000000",
    # The categories beyond Okabe–Ito's eight: each stands out from white by at least 3:1 and from the others.
    "unsafe_passage": "#332288",
    "littering": "#8A6D00",
    "graffiti": "#AA4499",
    "reckless_driving": "#5C3A1E",
    "burglary": "#117733",
    "arson": "#B2182B",
    "disorder": "#4D6A8A",
    "other": "#777777",
}
STATUS_COLOURS = {
    "flagged": "#C1121F",
    "inspected": "#E69F00",
    "action_planned": "#8A5A00",
    "fixed": "#0072B2",
    "verified": "#009E73",
}
OPERATION_COLOURS = {
    "targeted_drug_operation": "#5B2A86",
    "presence_patrol": "#0072B2",
    "school_visit": "#009E73",
    "parent_information": "#E69F00",
    "citizen_dialogue": "#CC79A7",
    "safety_walk": "#56B4E9",
}
# Unsafe places in a red, safe places in a dark blue-green that colour-blind readers keep apart from it and from
# the categories' colours; both stand out from the white background by at least 3:1 (WCAG 1.4.11).
SAFETY_COLOURS = {"unsafe": "#b2182b", "safe": "#00735c"}
BOUNDARY_COLOUR = "#1b1f24"
HIGHLIGHT_COLOUR = "#FFD400"
# Light to dark for few to many records, on the overview's grid and the analysis maps' bands alike: even the
# lightest step stands out from the white background by at least 3:1 (WCAG 1.4.11).
COUNT_COLOURS = ("#d9711f", "#c4501c", "#a33218", "#7a1e12", "#4d0f0a")
GRID_OPACITY = 0.95  # the count markers' and hexagons' opacity: a little of the map shows through, the 3:1 holds
GRID_COLOURSCALE = [[i / (len(COUNT_COLOURS) - 1), colour] for i, colour in enumerate(COUNT_COLOURS)]

# The figures' type: the one the app's stylesheet uses, then a font every Linux machine has.
FONT_FAMILY = "Noto Sans, DejaVu Sans, sans-serif"

# The room above a chart's plot area for plotly's modebar (the buttons in the top right corner), so that it
# never covers a legend or its title placed at the plot's top right.
MODEBAR_MARGIN = 34


# A judged status's colours, as the barometers draw them (green done or achieved, yellow under way, red late or
# missed, greys for not started and cancelled, a dashed white for not judged): (fill, text, border). One table
# for the pages' badges and summary bars (:func:`status_style`) and the reports' charts; every text colour has at
# least 4.5:1 against its fill, every border 3:1 against white.
JUDGED_COLOURS: dict[str, tuple[str, str, str]] = {
    "done": ("#1d6b35", "#ffffff", "#1d6b35"),
    "achieved": ("#1d6b35", "#ffffff", "#1d6b35"),
    "likely": ("#9fd4a8", "#1b1f24", "#2f7a44"),
    "started": ("#f2c94c", "#1b1f24", "#8a6d00"),
    "uncertain": ("#f2c94c", "#1b1f24", "#8a6d00"),
    "unlikely": ("#f0a15e", "#1b1f24", "#9a4f10"),
    "not_started": ("#dde1e6", "#1b1f24", "#7a8591"),
    "delayed": ("#a4161a", "#ffffff", "#a4161a"),
    "not_achieved": ("#a4161a", "#ffffff", "#a4161a"),
    "cancelled": ("#47505a", "#ffffff", "#47505a"),
    "not_judged": ("#ffffff", "#1b1f24", "#47505a"),
}


def status_style(status: str) -> dict[str, str]:
    """The inline style of a judged status's badge or bar part (see :data:`JUDGED_COLOURS`)."""
    fill, text, border = JUDGED_COLOURS[status]
    return {
        "background": fill,
        "color": text,
        "borderColor": border,
        "borderStyle": "dashed" if status == "not_judged" else "solid",
    }


def figure_lang(t: Callable[..., str]) -> str:
    """The language a figure is written in: the one of its translator ``t``."""
    return language(t("app.lang_code"))


def separators(t: Callable[..., str]) -> str:
    """Plotly's ``layout.separators`` for the figure's language (Swedish: decimal comma, space before thousands)."""
    return PLOTLY_SEPARATORS[figure_lang(t)]


# Modebar buttons no chart offers: plotly's "Share chart…" uploads the chart to Plotly Cloud (an
# upload path for internal police data), and the Chart Studio link does the same.
FORBIDDEN_BUTTONS = ("sendChartToCloud", "sendDataToCloud", "editInChartStudio")


def graph_config(
    lang: str, *, scroll_zoom: bool = False, add: tuple[str, ...] = (), remove: tuple[str, ...] = ()
) -> dict:
    """The ``config`` of every ``dcc.Graph``: nothing that sends data out, the page's language, no plotly logo.

    ``add`` and ``remove`` name modebar buttons a chart adds or drops; ``scroll_zoom`` lets maps zoom on the wheel.
    """
    return {
        "displaylogo": False,
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "showLink": False,
        "plotlyServerURL": "",
        "locale": lang,
        "scrollZoom": scroll_zoom,
        "modeBarButtonsToAdd": list(add),
        "modeBarButtonsToRemove": [*FORBIDDEN_BUTTONS, *remove],
    }
