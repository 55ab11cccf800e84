"""The three geospatial layers: their fields, allowed values and geometry.

One description per layer drives validation, storage and (later) import
column mapping and edit forms, so a field is declared exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata import vocab

STORAGE_CRS = 3006  # SWEREF 99 TM
DISPLAY_CRS = 4326  # WGS 84


@dataclass(frozen=True)
class Field:
    """One attribute column of a layer.

    ``kind`` is one of ``text``, ``int``, ``date``, ``datetime``, ``bool`` or
    ``choice`` (text restricted to ``choices``). ``default`` is what a record
    that leaves the field empty holds: validation fills it in, and the stores
    give the column the same default (never empty), so a missing value means
    the default in one place.
    """

    name: str
    kind: str
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    max_length: int | None = None
    default: str | None = None


@dataclass(frozen=True)
class Layer:
    """A layer's schema and the roles some of its fields play."""

    name: str
    fields: tuple[Field, ...]
    geometry_types: tuple[str, ...]
    time_field: str  # the date a time filter applies to
    link_field: str  # pledge_id or promise_id
    kind_field: str | None = None  # what a promise's evidence kinds refer to
    end_field: str | None = None

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


# Columns every record carries, managed by the store.
SYSTEM_FIELDS: tuple[Field, ...] = (
    Field("id", "text", required=True),
    Field("version", "int", required=True, minimum=1),
    Field("created_at", "datetime", required=True),
    Field("updated_at", "datetime", required=True),
    Field("demo", "bool", required=True),
    Field("source_id", "text", max_length=200),
)

POLYGONAL = ("Polygon", "MultiPolygon")

UNSAFE_PLACES = Layer(
    name="unsafe_places",
    fields=(
        Field("reported_on", "date", required=True),
        Field("source", "choice", required=True, choices=vocab.REPORT_SOURCES),
        Field("category", "choice", required=True, choices=vocab.UNSAFE_CATEGORIES),
        # Surveys ask for safe places too; a report that does not say (all data before it did) is unsafe.
        Field("safety", "choice", choices=vocab.PLACE_SAFETY, default=vocab.UNSAFE),
        Field("time_of_day", "choice", choices=vocab.TIMES_OF_DAY),
        Field("description", "text", max_length=2000),
        Field("report_count", "int", minimum=1),
        # Who reported, where a survey asks it: read only by the roles that read records, in public only as counts.
        Field("respondent_gender", "choice", choices=vocab.RESPONDENT_GENDERS),
        Field("respondent_age", "choice", choices=vocab.RESPONDENT_AGES),
        Field("pledge_id", "text"),
    ),
    geometry_types=("Point", *POLYGONAL),
    time_field="reported_on",
    link_field="pledge_id",
    kind_field="category",
)

INVENTORIED_SITES = Layer(
    name="inventoried_sites",
    fields=(
        Field("site_type", "choice", required=True, choices=vocab.SITE_TYPES),
        Field("owner", "text", required=True, max_length=200),
        Field("address", "text", max_length=200),
        Field("property_designation", "text", max_length=100),
        Field("inspected_on", "date"),
        *(Field(f"check_{item}", "choice", choices=vocab.FINDINGS) for item in vocab.CHECKLIST),
        Field("inspection_comment", "text", max_length=2000),
        Field("measure", "text", max_length=2000),
        Field("responsible", "text", max_length=200),
        Field("status", "choice", required=True, choices=vocab.SITE_STATUSES),
        Field("due_on", "date"),
        Field("fixed_on", "date"),
        Field("verified_on", "date"),
        Field("promise_id", "text"),
    ),
    geometry_types=("Point", *POLYGONAL),
    time_field="inspected_on",
    link_field="promise_id",
    kind_field="site_type",
)

OPERATIONS = Layer(
    name="operations",
    fields=(
        Field("title", "text", max_length=200),
        Field("starts_at", "datetime", required=True),
        Field("ends_at", "datetime", required=True),
        Field("kind", "choice", required=True, choices=vocab.OPERATION_KINDS),
        Field("focus", "choice", choices=vocab.OPERATION_FOCUS),
        Field("persons_checked", "int", minimum=0),
        Field("seizures", "int", minimum=0),
        Field("reports_filed", "int", minimum=0),
        Field("visibility", "choice", required=True, choices=vocab.VISIBILITY),
        Field("promise_id", "text"),
    ),
    geometry_types=("Point", *POLYGONAL),
    time_field="starts_at",
    link_field="promise_id",
    kind_field="kind",
    end_field="ends_at",
)

LAYERS: dict[str, Layer] = {layer.name: layer for layer in (UNSAFE_PLACES, INVENTORIED_SITES, OPERATIONS)}


def get_layer(name: str) -> Layer:
    """Return the layer called ``name`` or raise a ``KeyError`` listing the known ones."""
    try:
        return LAYERS[name]
    except KeyError:
        raise KeyError(f"unknown layer {name!r}; expected one of: {', '.join(LAYERS)}") from None
