"""The map's data layers, one function per variant; each also returns the legend entries for what it drew.

- :func:`record_layers`: the full variant, every record with its details in a popup;
- :func:`public_layers`: the public variant (and a view too large for markers), counts per hexagon only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import geopandas as gpd
import pandas as pd
import shapely.affinity

from dashboard.figures.style import CATEGORY_COLOURS, OPERATION_COLOURS, SAFETY_COLOURS, STATUS_COLOURS
from dashboard.i18n import band_text, period_label, shown_band
from dashboard.standalone.elements import OfflineMap, add_layer, feature
from dashboard.standalone.legend import Entry, Group, note
from dashboard.standalone.markup import render_macro
from dashboard.standalone.words import Words
from geodata import DISPLAY_CRS, STORAGE_CRS
from geodata.clock import LOCAL_TZ_NAME
from geodata.views.public import PublicView
from geodata.views.standalone import MapRecords

# Count classes of the public hexagons, as multiples of the minimum count, and their fills (light to dark).
PUBLIC_CLASSES = (1, 2, 4)
PUBLIC_FILLS = ("#fdd0a2", "#f16913", "#a63603")
AREA_OPERATIONS_COLOUR = "#0072B2"
AREA_SITES_COLOUR = "#009E73"
UNKNOWN_COLOUR = "#777777"


# --- the full variant --------------------------------------------------------------------------------------


class _Record(NamedTuple):
    """How one record is drawn: its colour, its tooltip, and its popup's heading, rows and note."""

    colour: str
    tooltip: str
    heading: str
    rows: list[tuple[str, Any]]
    note: str | None = None


def record_layers(fmap: OfflineMap, records: MapRecords, words: Words, include_internal: bool) -> list[Group]:
    """The full variant: one toggle per layer with every record and its details; returns the legend entries."""
    t = words.t
    places = _to_display(records.unsafe_places)
    sites = _to_display(records.inventoried_sites)
    operations = _to_display(records.operations)

    def operation(row: Any) -> _Record:
        kind = t(f"operation_kind.{row.kind}")
        rows = [
            (t("field.title"), row.title),
            (t("field.when"), _when(row.starts_at, row.ends_at)),
            (t("field.focus"), t(f"focus.{row.focus}") if _present(row.focus) else None),
            (t("field.persons_checked"), row.persons_checked),
            (t("field.seizures"), row.seizures),
            (t("field.reports_filed"), row.reports_filed),
        ]
        internal = t("visibility.internal") if row.visibility != "public" else None
        return _Record(OPERATION_COLOURS.get(row.kind, UNKNOWN_COLOUR), kind, kind, rows, internal)

    def place(row: Any) -> _Record:
        category = t(f"category.{row.category}")
        rows = [
            (t("field.source"), t(f"source.{row.source}")),
            (t("field.reported_on"), _day(row.reported_on)),
            (t("field.time_of_day"), t(f"time_of_day.{row.time_of_day}") if _present(row.time_of_day) else None),
            (t("field.report_count"), row.report_count),
            (t("field.description"), row.description),
        ]
        if getattr(row, "safety", None) == "safe":  # a safe place: its own colour, never a category's
            heading = t("safety.safe")
            return _Record(
                SAFETY_COLOURS["safe"], f"{heading}: {category}", heading, [(t("field.category"), category), *rows]
            )
        return _Record(CATEGORY_COLOURS.get(row.category, UNKNOWN_COLOUR), category, category, rows)

    def site(row: Any) -> _Record:
        site_type, status = t(f"site_type.{row.site_type}"), t(f"status.{row.status}")
        rows = [
            (t("field.status"), status),
            (t("field.owner"), row.owner),
            (t("field.address"), row.address),
            (t("field.property_designation"), row.property_designation),
            (t("field.inspected_on"), _day(row.inspected_on)),
            (t("field.measure"), row.measure),
            (t("field.due_on"), _day(row.due_on)),
        ]
        return _Record(STATUS_COLOURS.get(row.status, UNKNOWN_COLOUR), f"{site_type}: {status}", site_type, rows)

    # Added bottom to top: areas of operations under the sites, unsafe places on top where they can be clicked.
    _add_records(fmap, words, "operations", operations, operation)
    _add_records(fmap, words, "unsafe_places", places, place)
    _add_records(fmap, words, "inventoried_sites", sites, site)

    def entries(shape: str, colours: dict[str, str], prefix: str, shown: Any) -> list[Entry]:
        """A swatch per value drawn, in the order of the dashboard's colours."""
        drawn = set(shown)
        return [Entry(shape, colour, t(f"{prefix}.{value}")) for value, colour in colours.items() if value in drawn]

    unsafe = places[places["safety"] != "safe"] if "safety" in places.columns else places
    safe_entry = [Entry("dot", SAFETY_COLOURS["safe"], t("safety.safe"))] if len(unsafe) < len(places) else []
    legend = [
        (
            t("layer.unsafe_places"),
            [*entries("dot", CATEGORY_COLOURS, "category", unsafe.get("category", ())), *safe_entry],
        ),
        (t("layer.inventoried_sites"), entries("ring", STATUS_COLOURS, "status", sites.get("status", ()))),
        (t("layer.operations"), entries("halo", OPERATION_COLOURS, "operation_kind", operations.get("kind", ()))),
    ]
    internal = t("legend.internal_shown") if include_internal else t("legend.internal_hidden")
    return [*legend, ("", [note(internal)])]


def _add_records(
    fmap: OfflineMap, words: Words, layer: str, frame: gpd.GeoDataFrame, describe: Callable[[Any], _Record]
) -> None:
    """One toggle with every record of ``frame``, drawn as ``describe`` says, its name counting them."""
    features = []
    for row in frame.itertuples():
        record = describe(row)
        rows = [(label, value) for label, value in record.rows if _present(value) and str(value).strip()]
        popup = render_macro("popups.html", "record", record.heading, rows, record.note)
        features.append(feature(row.geometry, _style(layer, record.colour, row.geometry), record.tooltip, popup))
    add_layer(fmap, f"{words.t(f'layer.{layer}')} ({len(frame)})", features)


def _to_display(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.to_crs(DISPLAY_CRS)


def _present(value: Any) -> bool:
    if value is None:
        return False
    try:
        return not pd.isna(value)
    except (TypeError, ValueError):
        return True


def _day(value: Any) -> str | None:
    return pd.Timestamp(value).date().isoformat() if _present(value) else None


def _local(value: Any) -> pd.Timestamp:
    moment = pd.Timestamp(value)
    return moment.tz_convert(LOCAL_TZ_NAME) if moment.tzinfo is not None else moment


def _when(starts: Any, ends: Any) -> str | None:
    if not _present(starts):
        return None
    start = _local(starts)
    text = start.strftime("%Y-%m-%d %H:%M")
    if _present(ends):
        end = _local(ends)
        text += "–" + end.strftime("%H:%M" if end.date() == start.date() else "%Y-%m-%d %H:%M")
    return text


def _point_style(kind: str, colour: str) -> dict:
    """The marker forms the dashboard uses: filled dots, rings, dots on a pale halo."""
    if kind == "unsafe_places":
        return {"radius": 8, "color": "#1b1f24", "weight": 1.5, "fill": True, "fillColor": colour, "fillOpacity": 0.9}
    if kind == "inventoried_sites":
        return {"radius": 8, "color": colour, "weight": 5, "fill": True, "fillColor": "#ffffff", "fillOpacity": 1}
    return {
        "radius": 11,
        "color": colour,
        "weight": 7,
        "opacity": 0.35,
        "fill": True,
        "fillColor": colour,
        "fillOpacity": 1,
    }


def _area_style(colour: str) -> dict:
    return {"color": colour, "weight": 2, "fill": True, "fillColor": colour, "fillOpacity": 0.35}


def _style(layer: str, colour: str, geom: Any) -> dict:
    return _point_style(layer, colour) if geom.geom_type == "Point" else _area_style(colour)


# --- the public variant ------------------------------------------------------------------------------------


def public_layers(fmap: OfflineMap, view: PublicView, words: Words, presentation: bool = False) -> list[Group]:
    """The public variant: hexagon counts only; returns the legend entries.

    In a ``presentation`` only the unsafe places' counts are written on the map (every one of them: which are
    written does not depend on the screen), the areas of operations and sites keep their symbols without
    numbers, and the legend is short enough to read at 28 px beside the map.
    """
    t = words.t
    places = view.unsafe_places
    bounds = [places.min_count * k for k in PUBLIC_CLASSES]

    def fill(count: int) -> str:
        return PUBLIC_FILLS[sum(count >= b for b in bounds) - 1]

    def add_places() -> None:
        features = [
            feature(
                _wgs84(cell.polygon),
                {"color": "#5a2a00", "weight": 1, "fillColor": fill(cell.band.low), "fillOpacity": 0.8},
                t("public.places_tooltip", count=band_text(cell.band, words.lang)),
                label=band_text(cell.band, words.lang),
            )
            for cell in places.cells
        ]
        add_layer(fmap, t("public.places_layer"), features)

    # Added bottom to top: the large areas under the small hexagons, so every hexagon can be pointed at.
    # In a presentation the places share the areas' grid: their cells first, the areas' outlines and sites on top.
    if presentation:
        add_places()
    features = []
    for area in view.operations.cells:
        heading = t("public.operations_tooltip", count=band_text(area.band, words.lang))
        lines = [
            t(
                "public.operations_kind",
                count=band_text(b, words.lang),
                kind=t(f"operation_kind.{kind}").lower(),
            )
            for kind, b in area.kinds
        ]
        features.append(
            feature(
                _wgs84(area.polygon),
                {
                    "color": AREA_OPERATIONS_COLOUR,
                    "weight": 4,
                    "dashArray": "10 6",
                    "fillColor": AREA_OPERATIONS_COLOUR,
                    "fillOpacity": 0.08,
                },
                heading,
                render_macro("popups.html", "lines", heading, lines),
                # Written near the top of the area: its middle holds the sites' hexagon of the same grid cell.
                label=None if presentation else band_text(area.band, words.lang),
                label_rank=2,
                label_top=True,
            )
        )
    add_layer(fmap, t("public.operations_layer"), features)

    features = []
    for cell in view.sites.cells:
        # Drawn smaller than the area so it does not hide the operations' outline on the same grid.
        inner = shapely.affinity.scale(cell.polygon, 0.45, 0.45, origin="centroid")
        sites = band_text(cell.sites, words.lang)
        counts = t(
            "public.sites_popup",
            sites=sites,
            inspected=shown_band(cell.inspected, view.sites.min_count, words.lang),
            fixed=shown_band(cell.fixed, view.sites.min_count, words.lang),
        )
        features.append(
            feature(
                _wgs84(inner),
                _area_style(AREA_SITES_COLOUR),
                t("public.sites_tooltip", sites=sites),
                render_macro("popups.html", "text", counts),
                label=None if presentation else sites,
                label_rank=1,
            )
        )
    add_layer(fmap, t("public.sites_layer"), features)

    if not presentation:
        add_places()
    # Safe places, counted apart on the same hexagons with the same minimum: a dot at each cell's centre, on top.
    safe = view.safe_places
    has_safe = not presentation and bool(safe.cells)
    if has_safe:
        safe_style = {"color": "#ffffff", "weight": 2, "fillColor": SAFETY_COLOURS["safe"], "fillOpacity": 0.95}
        add_layer(
            fmap,
            t("public.safe_layer"),
            [
                feature(
                    _wgs84(cell.polygon.centroid),
                    safe_style,
                    t("public.safe_tooltip", count=band_text(cell.band, words.lang)),
                )
                for cell in safe.cells
            ],
        )

    classes = []
    for i, low in enumerate(bounds):
        label = (
            t("public.places_class", low=low, high=bounds[i + 1] - 1)
            if i + 1 < len(bounds)
            else t("public.places_top", low=low)
        )
        classes.append(Entry("hex", PUBLIC_FILLS[i], label))
    suppressed = t("public.none_suppressed", min=places.min_count)
    if presentation:
        return [
            (
                t("public.places_layer_short"),
                [*classes, note(t("public.count_meaning")), note(t("public.suppressed_short", min=places.min_count))],
            ),
            (
                "",
                [
                    Entry("outline", AREA_OPERATIONS_COLOUR, t("public.operations_short")),
                    Entry("area", AREA_SITES_COLOUR, t("public.sites_short")),
                ],
            ),
        ]
    safe_group: list[Group] = (
        [
            (
                t("public.safe_layer"),
                [
                    Entry("dot", SAFETY_COLOURS["safe"], t("safety.safe")),
                    note(t("public.safe_suppressed", min=safe.min_count)),
                ],
            )
        ]
        if has_safe
        else []
    )
    return [
        (t("public.places_layer"), [*classes, note(suppressed)]),
        *safe_group,
        (t("public.operations_layer"), [Entry("outline", AREA_OPERATIONS_COLOUR, t("layer.operations"))]),
        (
            t("public.sites_layer"),
            [
                Entry("area", AREA_SITES_COLOUR, t("layer.inventoried_sites")),
                note(t("public.sites_suppressed", min=view.sites.min_count)),
            ],
        ),
        (
            "",
            [
                *([note(t("public.period", period=period_label(view.period, words.lang)))] if view.period else []),
                note(t("public.note")),
                *([note(t("public.bands"))] if view.period else []),
                note(t("legend.internal_hidden")),
            ],
        ),
    ]


def _wgs84(geom: Any) -> Any:
    return gpd.GeoSeries([geom], crs=STORAGE_CRS).to_crs(DISPLAY_CRS).iloc[0]
