"""From a file's own columns to a layer's fields: mapping, coordinates and Swedish free text.

:func:`detect_mapping` proposes which source column fills which field, from
the names Swedish municipalities and police areas use; the user confirms or
overrides it. :func:`coordinate_geometry` turns coordinate columns into
points and works out whether they are WGS 84 (lat/lon) or SWEREF 99 TM (N/E),
whatever the columns are called. :func:`map_choice` reads a category written
as free Swedish text when exactly one code fits, and says so when not.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata import vocab
from geodata.errors import Note, Problem
from geodata.layers import LAYERS, Layer
from geodata.validate import is_missing

# Names a column may have, per field, normalised by _norm (lower case, letters and digits only).
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "demo": ("demo", "demodata"),
    "source_id": ("id", "source_id", "objectid", "fid", "löpnummer", "lopnr", "nr", "ärendenummer", "externt id"),
    "reported_on": (
        "reported_on",
        "datum",
        "rapporterad",
        "rapporteringsdatum",
        "inkom",
        "date",
        "reported",
        "registrerad",
        "tidpunkt",
        "when",
        "timestamp",
    ),
    "source": ("source", "källa", "kalla", "metod", "insamling", "ursprung"),
    "category": ("category", "kategori", "typ av problem", "problem typ", "problemtyp", "orsak", "otrygghet"),
    "time_of_day": ("time_of_day", "tid på dygnet", "tidpådygnet", "tid", "när", "dygn"),
    "safety": (
        "safety",
        "trygg/otrygg",
        "trygg eller otrygg",
        "otrygg/trygg",
        "trygghet",
        "upplevd trygghet",
        "upplevelse",
        "safe or unsafe",
    ),
    "respondent_gender": ("respondent_gender", "kön", "kon", "respondentens kön", "gender"),
    "respondent_age": ("respondent_age", "ålder", "alder", "åldersgrupp", "åldersklass", "age", "age group"),
    "description": ("description", "beskrivning", "kommentar", "synpunkt", "fritext", "anteckning", "name"),
    "report_count": ("report_count", "antal", "antal rapporter", "antal svar", "count", "antal synpunkter"),
    "pledge_id": ("pledge_id", "löfte", "medborgarlöfte"),
    "site_type": ("site_type", "platstyp", "objekttyp", "typ av plats", "utrymme", "typ"),
    "owner": ("owner", "ägare", "fastighetsägare", "bolag", "förvaltare", "organisation"),
    "address": ("address", "adress", "gatuadress", "besöksadress"),
    "property_designation": ("property_designation", "fastighetsbeteckning", "fastighet", "beteckning"),
    "inspected_on": (
        "inspected_on",
        "inventerad",
        "inventeringsdatum",
        "besiktigad",
        "besiktningsdatum",
        "kontrollerad",
    ),
    "check_lighting": ("check_lighting", "belysning"),
    "check_access": ("check_access", "lås", "låsning", "skalskydd", "tillträde"),
    "check_sightlines": ("check_sightlines", "siktlinjer", "sikt", "vegetation"),
    "check_litter": ("check_litter", "nedskräpning", "skräp", "klotter och skadegörelse"),
    "check_hangout": ("check_hangout", "tecken på häng", "häng", "hängställe"),
    "measure": ("measure", "åtgärd", "planerad åtgärd", "åtgärder"),
    "status": ("status", "läge", "tillstånd"),
    "due_on": ("due_on", "klart senast", "åtgärdas senast", "senast", "deadline", "förfallodatum"),
    "promise_id": ("promise_id", "löftespunkt", "löfte id"),
    "title": ("title", "titel", "rubrik", "benämning", "insats"),
    "starts_at": ("starts_at", "start", "starttid", "från", "började", "startdatum"),
    "ends_at": ("ends_at", "slut", "sluttid", "till", "slutade", "slutdatum"),
    "kind": ("kind", "insatstyp", "typ av insats", "typ"),
    "focus": ("focus", "fokus", "inriktning"),
    "persons_checked": ("persons_checked", "kontrollerade personer", "kontrollerade", "personkontroller"),
    "seizures": ("seizures", "beslag"),
    "reports_filed": ("reports_filed", "anmälningar", "upprättade anmälningar"),
    "visibility": ("visibility", "synlighet", "publik", "offentlig"),
}

# Coordinate column names: (kind, names). x/y are decided by their values.
COORDINATE_NAMES: dict[str, tuple[str, ...]] = {
    "lat": ("lat", "latitud", "latitude", "breddgrad"),
    "lon": ("lon", "long", "lng", "longitud", "longitude", "längdgrad"),
    "north": ("n", "nord", "northing", "norr", "sweref n", "sweref99 n", "n sweref"),
    "east": ("e", "ö", "öst", "ost", "east", "easting", "sweref e", "sweref99 e", "e sweref"),
    "x": ("x", "x koordinat", "xkoord"),
    "y": ("y", "y koordinat", "ykoord"),
    "wkt": ("wkt", "geometry", "geom", "geometri"),
}

# The ways files write each code of a choice field, per field: the vocabulary table's words and labels
# (geodata/data/vocabulary.yaml, through vocab.choice_words). A text matches a code when one of the
# code's words appears in it as a word or the start of one; it must match exactly one code.
CHOICE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    f.name: vocab.choice_words(vocab.field_group(f.name))
    for layer in LAYERS.values()
    for f in layer.fields
    if f.kind == "choice"
}

SWEDISH_MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)

# SWEREF 99 TM over Sweden, and Sweden in degrees: ranges that tell the coordinate systems apart.
SWEREF_NORTH = (6_100_000, 7_700_000)
SWEREF_EAST = (200_000, 1_000_000)
WGS_LAT = (55.0, 69.5)
WGS_LON = (10.0, 24.5)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text)).lower().strip()
    return re.sub(r"[^0-9a-zåäöéü]+", " ", text).strip()


@dataclass
class ColumnMapping:
    """Which source column fills which field, and where the coordinates are.

    ``coordinates`` is ``geometry`` (the file has geometries), ``wgs84``
    (``x`` is longitude, ``y`` latitude), ``sweref`` (``x`` east, ``y``
    north) or ``wkt`` (``x`` holds each geometry as WKT, in WGS 84 or SWEREF
    99 TM as its values show); ``None`` when no coordinates were found.
    """

    fields: dict[str, str] = field(default_factory=dict)
    x: str | None = None  # or the WKT column when ``coordinates`` is ``wkt``
    y: str | None = None
    coordinates: str | None = None
    # Fields whose column was chosen by what it holds, not by its name ("När" holding dates): a guess to show.
    by_values: dict[str, str] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"fields": dict(self.fields), "x": self.x, "y": self.y, "coordinates": self.coordinates}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnMapping:
        return cls(dict(data.get("fields") or {}), data.get("x"), data.get("y"), data.get("coordinates"))


def detect_mapping(
    columns: list[str], layer: Layer, has_geometry: bool, sample: pd.DataFrame | None = None
) -> ColumnMapping:
    """Propose a mapping of ``columns`` to ``layer``'s fields from their names (and coordinate values).

    >>> from geodata.layers import UNSAFE_PLACES
    >>> m = detect_mapping(["Datum", "Kategori", "Nord", "Öst"], UNSAFE_PLACES, has_geometry=False)
    >>> m.fields["reported_on"], m.fields["category"], m.coordinates, m.y, m.x
    ('Datum', 'Kategori', 'sweref', 'Nord', 'Öst')
    """
    wanted = ("demo", "source_id", *layer.field_names)
    by_name = {_norm(c): c for c in columns}
    mapping = ColumnMapping()
    used: set[str] = set()
    # Exact names first (the layer's own field names, then Swedish ones), so "typ" goes to the best field.
    for field_name in wanted:
        for candidate in FIELD_NAMES.get(field_name, (field_name,)):
            column = by_name.get(_norm(candidate))
            if column is not None and column not in used:
                mapping.fields[field_name] = column
                used.add(column)
                break
    if has_geometry:
        mapping.coordinates = "geometry"
    else:
        _find_coordinates(mapping, by_name, used, sample)
        if mapping.coordinates == "wkt":
            return mapping  # a Pledgemap export: its columns are read by their names (importer._worded_mapping)
    if sample is not None:
        _dates_by_values(mapping, list(columns), layer, sample)
        _choices_by_values(mapping, list(columns), layer, sample)
    return mapping


def _find_coordinates(
    mapping: ColumnMapping, by_name: dict[str, str], used: set[str], sample: pd.DataFrame | None
) -> None:
    """Set ``mapping``'s coordinate columns and system from the columns' names (and, for x/y, their values)."""
    found: dict[str, str] = {}
    for kind, names in COORDINATE_NAMES.items():
        for name in names:
            column = by_name.get(_norm(name))
            if column is not None and column not in used:
                found[kind] = column
                break
    pairs = (("lat", "lon", "wgs84"), ("north", "east", "sweref"))
    if "wkt" in found:  # whole geometries (a Pledgemap CSV export has them beside lat/lon)
        mapping.x, mapping.coordinates = found["wkt"], "wkt"
        return
    for y_kind, x_kind, system in pairs:
        if y_kind in found and x_kind in found:
            mapping.y, mapping.x, mapping.coordinates = found[y_kind], found[x_kind], system
            break
    else:
        if "x" in found and "y" in found:
            # Swedish surveying calls north X and east Y; GIS calls east X. Decide from the values.
            mapping.x, mapping.y, mapping.coordinates = found["x"], found["y"], "sweref"
            if sample is not None:
                xs, ys = to_number(sample[found["x"]]), to_number(sample[found["y"]])
                if np.nanmedian(xs) > np.nanmedian(ys):
                    mapping.x, mapping.y = found["y"], found["x"]
                if _share_in(ys, WGS_LAT) > 0.5 or _share_in(xs, WGS_LAT) > 0.5:
                    mapping.coordinates = "wgs84"
                    if _share_in(xs, WGS_LAT) > _share_in(ys, WGS_LAT):
                        mapping.x, mapping.y = mapping.y, mapping.x
    for column in (mapping.x, mapping.y):
        if column is not None:
            mapping.fields = {k: v for k, v in mapping.fields.items() if v != column}


# A column is read as dates when at least this share of its filled cells are dates.
DATE_COLUMN_SHARE = 0.8
# Dates a store or a GIS keeps about the record itself, never the day of what it records.
BOOKKEEPING_COLUMNS = (
    "created_at",
    "updated_at",
    "deleted_at",
    "skapad",
    "ändrad",
    "uppdaterad",
    "senast ändrad",
    "raderad",
    "last_modified",
)


def _dates_by_values(mapping: ColumnMapping, columns: list[str], layer: Layer, sample: pd.DataFrame) -> None:
    """Give a date field its column by the values, where no column is named for it.

    A column named for another field ("När", which often means the time of
    day) or for nothing ("Tidpunkt för vandringen") whose cells are dates is
    taken for the layer's first date field that has no column; the field is
    listed in ``by_values`` so the plan can say it was a guess.
    """
    coordinates = {mapping.x, mapping.y}
    bookkeeping = {_norm(name) for name in BOOKKEEPING_COLUMNS}
    for f in layer.fields:
        # Only a date the layer needs: an optional one (fixed on, verified on) is never guessed from a column.
        if f.kind not in ("date", "datetime") or not f.required or f.name in mapping.fields:
            continue
        taken = {c: name for name, c in mapping.fields.items()}
        for column in columns:
            if column in coordinates or column not in sample.columns or _norm(column) in bookkeeping:
                continue
            owner = taken.get(column)
            if owner is not None and layer_kind(layer, owner) in ("date", "datetime", None):
                continue  # already a date field's column, or a system field's (source id, demo)
            if date_share(sample[column]) >= DATE_COLUMN_SHARE:
                if owner is not None:
                    del mapping.fields[owner]
                mapping.fields[f.name] = column
                mapping.by_values[f.name] = column
                break


# A column is read as a choice field's when at least this share of its filled cells name one of its codes,
# and its values are short (a category, not a comment that happens to say "mörkt").
CHOICE_COLUMN_SHARE = 0.8
CHOICE_COLUMN_LENGTH = 40


def _choices_by_values(mapping: ColumnMapping, columns: list[str], layer: Layer, sample: pd.DataFrame) -> None:
    """Give a choice field with no column the file's unused column whose values are its codes.

    "Vad gäller det" holding "Narkotikahandel", "Tillhåll", … is the category; "Inrapporterat via"
    holding "Trygghetsvandring", "Tips" is the source; a My Maps folder "Trygga platser" / "Otrygga
    platser" says which places are safe. Required fields are given their column first. The field is
    listed in ``by_values``, so the plan says it was read from the values.
    """
    used = set(mapping.fields.values()) | {mapping.x, mapping.y}
    choice_fields = sorted(
        (f for f in layer.fields if f.kind == "choice" and f.name not in mapping.fields), key=lambda f: not f.required
    )
    for f in choice_fields:
        best, best_share = None, 0.0
        for column in columns:
            if column in used or column not in sample.columns:
                continue
            filled = [str(v).strip() for v in sample[column] if not is_missing(v) and str(v).strip()]
            if not filled or sum(len(v) for v in filled) / len(filled) > CHOICE_COLUMN_LENGTH:
                continue
            # A value that fits several codes ("Klotter och skadegörelse") still says the column holds codes; it is
            # asked about as any unclear value is.
            fits = {text: bool(map_choice(f.name, f.choices, text).candidates) for text in set(filled)}
            share = sum(1 for v in filled if fits[v]) / len(filled)
            if share >= CHOICE_COLUMN_SHARE and share > best_share:
                best, best_share = column, share
        if best is not None:
            mapping.fields[f.name] = best
            mapping.by_values[f.name] = best
            used.add(best)


def layer_kind(layer: Layer, name: str) -> str | None:
    """The kind of ``layer``'s field ``name``, ``None`` for a system field (demo, source id)."""
    return layer.field(name).kind if name in layer.field_names else None


def date_share(values: pd.Series) -> float:
    """The share of the filled cells of ``values`` that hold a date (0 when none is filled)."""
    filled = [v for v in values if not is_missing(v)]
    if not filled:
        return 0.0
    return sum(1 for v in filled if as_date(v) is not None) / len(filled)


_ISO_MOMENT = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?")


def as_date(value: Any) -> dt.date | None:
    """The day ``value`` names, in Swedish time, if it is a date or a moment; else ``None``.

    >>> as_date("2021-09-14T21:30:00Z"), as_date("14 september 2021"), as_date("kväll")
    (datetime.date(2021, 9, 14), datetime.date(2021, 9, 14), None)
    """
    if is_missing(value):  # NaT is a datetime too
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return _local(value).date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = normalise_date(value)
    match = _ISO_MOMENT.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return None
    try:
        if match.group(3):
            return _local(dt.datetime.fromisoformat(text.replace(" ", "T"))).date()
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _local(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment
    from zoneinfo import ZoneInfo

    try:
        return moment.astimezone(ZoneInfo("Europe/Stockholm"))
    except OverflowError:  # a moment at the very end of year 9999: its day as written, which validation refuses
        return moment.replace(tzinfo=None)


# A date written inside a longer text, such as a document's name: ISO, day and month name, or day.month.year.
_DATES_IN_TEXT = (
    re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(\d{1,2})\s+(" + "|".join(SWEDISH_MONTHS) + r")\.?\s+(\d{4})(?!\d)"),
    re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)"),
    re.compile(r"(?<![\d-])((?:19|20)\d{2})(\d{2})(\d{2})(?![\d-])"),
)


def date_in_text(text: str | None) -> dt.date | None:
    """The one date a text names ("Trygghetsvandring Kinna 14 september 2021"); ``None`` for none or several.

    >>> date_in_text("Trygghetsvandring Kinna 2021-09-14"), date_in_text("vandring 5.3.2024 och 12.3.2024")
    (datetime.date(2021, 9, 14), None)
    """
    if not text:
        return None
    lowered = str(text).lower()
    found: set[dt.date] = set()
    for pattern in _DATES_IN_TEXT:
        for match in pattern.finditer(lowered):
            a, b, c = match.groups()
            try:
                if b in SWEDISH_MONTHS:
                    found.add(dt.date(int(c), SWEDISH_MONTHS.index(b) + 1, int(a)))
                elif len(a) == 4:
                    found.add(dt.date(int(a), int(b), int(c)))
                else:
                    found.add(dt.date(int(c), int(b), int(a)))
            except ValueError:
                continue
    return found.pop() if len(found) == 1 else None


def to_number(values: pd.Series) -> np.ndarray:
    """Numbers from a column that may write them Swedish style ("57,65", "6 376 282")."""

    def one(value: Any) -> float:
        if is_missing(value):
            return np.nan
        if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
            return float(value)
        text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            return float(text)
        except ValueError:
            return np.nan

    return np.array([one(v) for v in values], dtype=float)


def _share_in(values: np.ndarray, bounds: tuple[float, float]) -> float:
    finite = values[np.isfinite(values)]
    if not len(finite):
        return 0.0
    return float(((finite >= bounds[0]) & (finite <= bounds[1])).mean())


@dataclass
class CoordinateResult:
    geometry: gpd.GeoSeries
    errors: dict[Any, Problem]  # per row, without its record label
    notes: list[Note]


# Columns the mapping reads in one system whose values lie in the other's ranges: (the system they were
# mapped as, the one their values show, its (y, x) ranges, the note's code, what the note says of them).
_MISREAD_SYSTEMS = (
    (
        "wgs84",
        "sweref",
        (SWEREF_NORTH, SWEREF_EAST),
        "metres_in_degree_columns",
        "hold SWEREF 99 TM values (metres), not degrees; they were read as SWEREF 99 TM north/east",
    ),
    (
        "sweref",
        "wgs84",
        (WGS_LAT, WGS_LON),
        "degrees_in_metre_columns",
        "hold degrees, not metres; they were read as WGS 84 latitude/longitude",
    ),
)


def coordinate_geometry(frame: pd.DataFrame, mapping: ColumnMapping) -> CoordinateResult:
    """Points from the mapping's coordinate columns, in the CRS their values show.

    Columns named lat/lon that hold SWEREF 99 TM values (six and seven digits)
    are read as SWEREF, with a note; a row whose values are not numbers gets
    an error naming the column.
    """
    if mapping.coordinates == "wkt":
        return _wkt_geometry(frame[mapping.x])
    xs, ys = to_number(frame[mapping.x]), to_number(frame[mapping.y])
    notes: list[Note] = []
    system = mapping.coordinates
    for named, held, (y_range, x_range), code, said in _MISREAD_SYSTEMS:
        if system == named and _share_in(ys, y_range) > 0.5 and _share_in(xs, x_range) > 0.5:
            system = held
            notes.append(
                Note(f"the columns {mapping.y!r}/{mapping.x!r} {said}", code, {"y": mapping.y, "x": mapping.x})
            )
            break
    errors: dict[Any, Problem] = {}
    points = []
    for row, x, y, raw_x, raw_y in zip(frame.index, xs, ys, frame[mapping.x], frame[mapping.y]):
        if np.isfinite(x) and np.isfinite(y):
            points.append(gpd.points_from_xy([x], [y])[0])
            continue
        bad = [(c, v) for c, v, n in ((mapping.y, raw_y, y), (mapping.x, raw_x, x)) if not np.isfinite(n)]
        message = "; ".join(f"column {c!r} is {'empty' if is_missing(v) else repr(v)}" for c, v in bad)
        errors[row] = Problem(
            "",
            "geometry",
            message + "; expected a number",
            "coordinate_not_number",
            {"values": [(c, None if is_missing(v) else str(v)) for c, v in bad]},
        )
        points.append(None)
    crs = "OGC:CRS84" if system == "wgs84" else "EPSG:3006"
    return CoordinateResult(gpd.GeoSeries(points, index=frame.index, crs=crs), errors, notes)


def _wkt_geometry(values: pd.Series) -> CoordinateResult:
    errors: dict[Any, Problem] = {}
    geoms: list[Any] = []
    for row, text in values.items():
        geom, unreadable = None, None
        if is_missing(text):
            unreadable = "is empty; expected a geometry as WKT, such as POINT (12.69 57.51)"
        else:
            try:
                geom = shapely.from_wkt(str(text))
            except shapely.errors.ShapelyError as exc:
                unreadable = f"is not WKT ({exc}); expected e.g. POINT (12.69 57.51)"
        if unreadable is not None:
            errors[row] = Problem(
                "", "geometry", f"column {values.name!r} {unreadable}", "wkt_unreadable", {"column": values.name}
            )
        geoms.append(geom)
    series = gpd.GeoSeries(geoms, index=values.index)
    bounds = series.total_bounds
    metres = bool(np.all(np.isfinite(bounds)) and bounds[3] > 1000)
    notes = [
        Note(
            f"the column {values.name!r} holds geometries as WKT, read as "
            + ("SWEREF 99 TM (metres)" if metres else "WGS 84 (degrees)"),
            "wkt_read",
            {"column": values.name, "metres": metres},
        )
    ]
    return CoordinateResult(series.set_crs("EPSG:3006" if metres else "OGC:CRS84"), errors, notes)


# A text cell starting with one of these is a formula to Excel and LibreOffice.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def quote_formula(value: Any) -> Any:
    """Put a quote before text a spreadsheet would run as a formula, so it shows as the text it is.

    >>> quote_formula("=SUMMA(A1)"), quote_formula("Mörk gång")
    ("'=SUMMA(A1)", 'Mörk gång')
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unquote_formula(value: Any) -> Any:
    """Take off the quote an export put before text that a spreadsheet would run as a formula.

    >>> unquote_formula("'=SUMMA(A1)"), unquote_formula("'t is")
    ('=SUMMA(A1)', "'t is")
    """
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


# Answers that give no value ("Vill ej uppge"): for a field that may be left empty they leave it empty.
NOT_STATED = frozenset(
    {
        "vill ej uppge",
        "vill inte uppge",
        "ej angivet",
        "ej angiven",
        "inte angivet",
        "uppger ej",
        "inget svar",
        "ej svar",
        "vet ej",
        "vet inte",
        "okänt",
        "okänd",
        "prefer not to say",
        "not stated",
        "no answer",
        "unknown",
    }
)


def not_stated(value: Any) -> bool:
    """Whether ``value`` is an answer that gives no value ("Vill ej uppge", "Vet ej").

    >>> not_stated("Vill ej uppge"), not_stated("Kvinna")
    (True, False)
    """
    return isinstance(value, str) and _norm(value) in NOT_STATED


# A negation turns "offentlig" into its opposite: text holding one is never read as a code, only asked about.
NEGATIONS = frozenset({"ej", "inte", "icke", "ingen", "inget", "inga", "utan", "aldrig", "not", "no", "non"})
# Words that praise a place ("Bra belyst torg", "Ljust och tryggt"): a category is never guessed through them,
# as a category names what is wrong with a place; such a text is asked about.
POSITIVES = frozenset(
    {"bra", "god", "gott", "goda", "fin", "fint", "fina", "välbelyst", "välbelysta", "ljust", "tryggt"}
)
POSITIVE_BLOCKED = frozenset({"category"})
# Fields where a wrong guess exposes police data: only a whole value that is exactly a code's word counts.
EXACT_ONLY = frozenset({"visibility"})


@dataclass(frozen=True)
class ChoiceMatch:
    """How a free-text value maps to a code: ``code`` if exactly one fits, else the candidates (maybe none)."""

    text: str
    code: str | None
    candidates: tuple[str, ...]


_AGE_RANGE = re.compile(r"(\d{1,3})\s*(?:-|–|—|till)\s*(\d{1,3})(?:\s*år)?")
_AGE_FROM = re.compile(
    r"(?:(\d{1,3})\s*(?:\+|år\s+och\s+(?:äldre|över|uppåt)|och\s+(?:äldre|över|uppåt)|or\s+older|and\s+over))|(?:(?:över|from|minst)\s+(\d{1,3})(?:\s*år)?)"
)
_AGE_UNDER = re.compile(r"(?:under|yngre\s+än|below|younger\s+than)\s+(\d{1,3})(?:\s*år)?")
_AGE_ONE = re.compile(r"(\d{1,3})(?:[.,]0+)?(?:\s*år)?")


def age_band(value: Any) -> Any:
    """The age band (:data:`geodata.vocab.AGE_BANDS`) an age or a range of ages lies in; else ``value`` as it is.

    A survey writes an age ("37", 37), a band in its own words ("16-24", "16–24 år", "65+", "under 16") or
    something else: an age or a range that lies within one band gives that band's code, anything else is left
    for :func:`map_choice` and, if still unclear, asked about.

    >>> [age_band(v) for v in (37, "37", "16-24", "16–24 år", "65+", "Under 16 år", "18-29", "25_44")]
    ['25_44', '25_44', '16_24', '16_24', '65_plus', 'under_16', '18-29', '25_44']
    """
    if isinstance(value, bool) or is_missing(value):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        if float(value) != int(value):
            return value
        first = last = int(value)
    else:
        text = str(value).strip().lower()
        if text in vocab.RESPONDENT_AGES:
            return text
        if match := _AGE_RANGE.fullmatch(text):
            first, last = int(match.group(1)), int(match.group(2))
        elif match := _AGE_FROM.fullmatch(text):
            first, last = int(match.group(1) or match.group(2)), None
        elif match := _AGE_UNDER.fullmatch(text):
            first, last = 0, int(match.group(1)) - 1
        elif match := _AGE_ONE.fullmatch(text):
            first = last = int(match.group(1))
        else:
            return value
    for code, low, high in vocab.AGE_BANDS:
        if first >= low and (high is None or (last is not None and last <= high)):
            return code
    return value


def _gender_text(value: Any) -> Any:
    # "icke-binär" is a word, not a negation of "binär": written as one word, it is not read as "not".
    if not isinstance(value, str):
        return value
    return re.sub(r"\bicke[\s-]+binär", "ickebinär", value, flags=re.IGNORECASE)


# A choice field's values in a form map_choice reads: an age (a number, too) as its band.
CHOICE_NORMALISERS = {"respondent_age": age_band, "respondent_gender": _gender_text}


def normalise_choice(field_name: str, value: Any) -> Any:
    """``value`` of the choice field ``field_name`` as :func:`map_choice` reads it (most fields: as it is).

    >>> normalise_choice("respondent_age", "37"), normalise_choice("category", "Mörkt")
    ('25_44', 'Mörkt')
    """
    normalise = CHOICE_NORMALISERS.get(field_name)
    return value if normalise is None else normalise(value)


def choice_text(value: Any) -> Any:
    """A cell of a choice column as text: a spreadsheet's number (an age, 37 or 37.0) as the digits it shows.

    >>> choice_text(37.0), choice_text(37), choice_text("Kvinna"), choice_text(2.5)
    ('37', '37', 'Kvinna', '2.5')
    """
    if isinstance(value, (bool, np.bool_)) or is_missing(value) or isinstance(value, str):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


def map_choice(field_name: str, choices: tuple[str, ...], value: Any) -> ChoiceMatch:
    """The code a Swedish (or English) free-text value means, if exactly one fits.

    >>> map_choice("category", ("drug_dealing", "poor_lighting"), "Dålig belysning vid gångtunneln").code
    'poor_lighting'
    >>> map_choice("category", ("drug_dealing", "poor_lighting"), "Mörkt och langning").candidates
    ('drug_dealing', 'poor_lighting')

    A whole value that is exactly one code's word or label is that code, though another code's word
    starts one of its words ("brist" is a remark, "Allvarlig brist" the label of critical) or the
    word holds a negation ("Inga anmärkningar" is a word of ok):

    >>> map_choice("check_lighting", ("ok", "remark", "critical"), "Allvarlig brist")
    ChoiceMatch(text='Allvarlig brist', code='critical', candidates=('remark', 'critical'))
    >>> map_choice("check_lighting", ("ok", "remark", "critical"), "Inga anmärkningar").code
    'ok'

    A negation is never guessed through, and visibility takes only an exact word:

    >>> [map_choice("visibility", ("internal", "public"), t).code for t in ("Offentlig", "Ej offentlig", "Öppen insats")]
    ['public', None, None]
    """
    text = str(value).strip()
    if text in choices:
        return ChoiceMatch(text, text, (text,))
    read = str(normalise_choice(field_name, text))
    if read in choices:
        return ChoiceMatch(text, read, (read,))
    normal = _norm(read)
    if normal.replace(" ", "_") in choices:
        code = normal.replace(" ", "_")
        return ChoiceMatch(text, code, (code,))
    words = CHOICE_WORDS.get(field_name, {})
    hits = []
    for code in choices:
        for word in words.get(code, ()):
            word = _norm(word)
            # A word of one letter ("k" for kvinna) would start half the words of a text: only the whole value.
            if (normal == word) if len(word) == 1 else re.search(r"(^|\s)" + re.escape(word), normal):
                hits.append(code)
                break
    hits_t = tuple(hits)
    negated = bool(NEGATIONS & set(normal.split())) or (
        field_name in POSITIVE_BLOCKED and bool(POSITIVES & set(normal.split()))
    )
    # The whole value is one code's word: that code, even where the word itself holds a negation ("Ej inventerad").
    exact = [code for code in choices if normal in {_norm(w) for w in words.get(code, ())}]
    if len(exact) == 1:
        return ChoiceMatch(text, exact[0], hits_t)
    if field_name in EXACT_ONLY:
        return ChoiceMatch(text, None, hits_t)
    return ChoiceMatch(text, hits_t[0] if len(hits_t) == 1 and not negated else None, hits_t)


# Dates in digits: the pattern, and which of its groups are the year, the month and the day.
_NUMERIC_DATES = (
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), (1, 2, 3)),
    (re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})"), (3, 2, 1)),
    (re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"), (1, 2, 3)),
)


def normalise_date(value: Any) -> Any:
    """ISO text for the date forms Swedish files use; anything else is returned as it is for validation to judge.

    >>> normalise_date("5 mars 2024"), normalise_date("20240305"), normalise_date("05.03.2024")
    ('2024-03-05', '2024-03-05', '2024-03-05')
    """
    if not isinstance(value, str):
        return value
    text = value.strip().lower()
    match = re.fullmatch(r"(\d{1,2})\s+([a-zåäö]+)\.?\s+(\d{4})", text)
    if match and match.group(2) in SWEDISH_MONTHS:
        day, month, year = int(match.group(1)), SWEDISH_MONTHS.index(match.group(2)) + 1, int(match.group(3))
        return _iso(year, month, day, value)
    for pattern, order in _NUMERIC_DATES:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(match.group(i)) for i in order)
            return _iso(year, month, day, value)
    return value.strip()


def _iso(year: int, month: int, day: int, original: str) -> str:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return original
