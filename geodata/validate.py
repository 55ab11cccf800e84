"""Validation of layer records before anything is written.

:func:`validate_records` checks a whole batch and either returns it cleaned
(values coerced to their field's type, geometry in SWEREF 99 TM) or raises one
:class:`~geodata.errors.ValidationError` that lists every problem, each naming
the record, the field and what was expected.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geodata.boundaries import sweden_outline
from geodata.clock import LOCAL_TZ
from geodata.errors import CoercionError, Problem, ValidationError
from geodata.layers import STORAGE_CRS, Field, Layer

ACCEPTED_INPUT = ("id", "demo", "source_id")

# Dates a record may hold: a wider span breaks time zones and pandas (whose timestamps end in 2262), and no
# pledge, survey or operation happens outside it.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100

# Characters refused in text: control characters (C0, DEL and C1) but tab and line feed, and the halves of
# UTF-16 surrogate pairs standing alone (no UTF-8 can hold them). A carriage return is allowed only before a
# line feed (a Windows line break). Excel cannot hold them, QGIS cuts text at a NUL, and nobody types them.
_REFUSED_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]|\r(?!\n)")


def text_problem(text: str) -> CoercionError | None:
    r"""What makes ``text`` unfit to store (a control character, a lone surrogate), or ``None``.

    The one rule for every way text enters: a file's cells, a form's fields, an event's summary.

    >>> text_problem("Mörk gångväg\tvid skolan\r\n") is None
    True
    >>> str(text_problem("ring\x07"))
    'holds the control character U+0007 (BELL) at position 5; expected text without control characters'
    """
    match = _REFUSED_TEXT.search(text)
    if match is None:
        return None
    char = match.group()
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(char, "")
    if "\ud800" <= char <= "\udfff":
        return CoercionError(
            f"holds a lone UTF-16 surrogate ({code}) at position {match.start() + 1}; expected valid Unicode text",
            "lone_surrogate",
            char=code,
            position=match.start() + 1,
        )
    shown = f"{code} ({name})" if name else code
    return CoercionError(
        f"holds the control character {shown} at position {match.start() + 1}; expected text without control characters",
        "control_character",
        char=code,
        position=match.start() + 1,
    )


_CONTROL_NAMES = {
    "\x00": "NUL",
    "\x07": "BELL",
    "\x08": "BACKSPACE",
    "\x0b": "LINE TABULATION",
    "\x0c": "FORM FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
}


# The schemes a stored link may have: a web page or an e-mail. Anything else a browser would run or open as
# something else (javascript:, data:, vbscript:, file:) is refused where it is stored and drawn as text.
LINK_SCHEMES = ("https", "http", "mailto")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_EMAIL = re.compile(r"^[^@\s:/?#]+@[^@\s:/?#]+\.[^@\s:/?#]+$")


def link_problem(value: str) -> CoercionError | None:
    """What makes ``value`` no link a page may draw (its scheme, a space in it, no address), or ``None``.

    One rule for storing (a pledge's follow-up links) and drawing (:func:`allowed_link`). A browser drops
    leading spaces and removes tabs and line breaks anywhere before it reads a scheme, so a value with any
    space or control character is refused outright rather than read past.

    >>> [link_problem(v) is None for v in ("https://mark.se/trygghet", "mailto:info@mark.se", "www.mark.se")]
    [True, True, False]
    >>> link_problem(" JaVaScRiPt:alert(1)").code
    'not_a_link'
    """
    if not isinstance(value, str) or not value or re.search(r"[\s\x00-\x1f\x7f]", value):
        return _not_a_link(value)
    scheme = _SCHEME.match(value)
    if scheme is None or scheme.group(1).lower() not in LINK_SCHEMES:
        return _not_a_link(value)
    rest = value[scheme.end() :]
    if scheme.group(1).lower() == "mailto":
        ok = bool(_EMAIL.match(rest.split("?", 1)[0]))
    else:
        ok = rest.startswith("//") and len(rest) > 2 and rest[2] not in "/?#"
    return None if ok else _not_a_link(value)


def _not_a_link(value: object) -> CoercionError:
    return CoercionError(
        f"{_short(str(value))!r} is not a link a page may show; expected a web address beginning with "
        "https:// or http://, or mailto: and an e-mail address, without spaces",
        "not_a_link",
        value=_short(str(value)),
    )


def allowed_link(value: object) -> str | None:
    """``value`` if it is a link a page may draw as a link (:func:`link_problem`), else ``None`` (draw it as text)."""
    return value if isinstance(value, str) and link_problem(value) is None else None


def email_problem(value: str) -> CoercionError | None:
    """What makes ``value`` no e-mail address a ``mailto:`` link can be made of, or ``None``.

    >>> email_problem("annika.stomberg@polisen.se") is None, email_problem("x@y.se?bcc=all@z.se") is None
    (True, False)
    """
    if isinstance(value, str) and _EMAIL.match(value):
        return None
    return CoercionError(
        f"{_short(str(value))!r} is not an e-mail address; expected one such as namn@kommun.se",
        "not_an_email",
        value=_short(str(value)),
    )


def check_moment(value: dt.date) -> None:
    """Refuse a date or time outside :data:`EARLIEST_YEAR`–:data:`LATEST_YEAR` (raises :class:`CoercionError`)."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise CoercionError(
            f"{value.isoformat()} is outside {EARLIEST_YEAR}–{LATEST_YEAR}; expected a date in that span",
            "date_out_of_range",
            value=value.isoformat(),
            earliest=EARLIEST_YEAR,
            latest=LATEST_YEAR,
        )


# Parameters of a PROJ definition that read a file (a grid, an init file) on the server when used.
_FILE_PARAMETERS = re.compile(
    r"\+?\b(nadgrids|geoidgrids|init|grids|hgridshift|vgridshift|xyzgridshift|gridshift|tinshift|deformation|file)\s*="
    r"|\bPARAMETERFILE\b|\b(hgridshift|vgridshift|xyzgridshift|gridshift|tinshift|deformation)\b",
    re.IGNORECASE,
)
# Earth's ellipsoids (WGS 84, GRS 80, Bessel, Clarke, Airy, International, the spheres) have semi-major axes in this span.
_EARTH_RADII = (6_350_000.0, 6_400_000.0)


def earth_crs(definition: Any) -> CRS:
    r"""``definition`` as a CRS of places on Earth, or :class:`CoercionError` saying why it is not one.

    The one rule for every CRS a file or a caller names: a definition that names a file or a grid
    (``+nadgrids=``, ``+init=``, a PROJ pipeline with grids, WKT with a parameter file) is refused before
    PROJ reads anything, and so is a CRS that cannot hold Earth coordinates (another planet's, a local
    engineering CRS, a height alone).

    >>> earth_crs("EPSG:3006").to_epsg()
    3006
    >>> str(earth_crs_problem("+proj=longlat +nadgrids=/srv/x"))
    "names a file or grid ('nadgrids='); expected a coordinate system such as EPSG:3006 or EPSG:4326"
    """
    if isinstance(definition, CRS):
        crs = definition
    else:
        text = definition if isinstance(definition, str) else str(definition)
        refuse_crs_files(text)
        try:
            crs = CRS.from_user_input(definition)
        except Exception:  # pyproj raises CRSError, and others for odd input
            raise CoercionError(
                f"{_short(text)!r} is not a coordinate system; expected e.g. EPSG:3006 or EPSG:4326",
                "not_a_crs",
                crs=_short(text),
            ) from None
    refuse_crs_files(crs.to_wkt() or "")
    geodetic = crs.geodetic_crs
    if crs.is_engineering or geodetic is None or geodetic.ellipsoid is None:
        raise CoercionError(
            f"{crs.name!r} ({crs.type_name}) does not place coordinates on Earth; "
            "expected a geographic or projected coordinate system such as EPSG:3006 or EPSG:4326",
            "crs_not_earth",
            crs=crs.name,
        )
    radius = geodetic.ellipsoid.semi_major_metre
    if not _EARTH_RADII[0] <= radius <= _EARTH_RADII[1]:
        raise CoercionError(
            f"{crs.name!r} is on a body of radius {radius / 1000:.0f} km, not Earth; "
            "expected a coordinate system of Earth such as EPSG:3006 or EPSG:4326",
            "crs_not_earth",
            crs=crs.name,
        )
    return crs


def earth_crs_problem(definition: Any) -> CoercionError | None:
    """What :func:`earth_crs` would refuse ``definition`` for, or ``None``."""
    try:
        earth_crs(definition)
    except CoercionError as exc:
        return exc
    return None


def refuse_crs_files(text: str) -> None:
    """Refuse a CRS definition that names a file or a grid PROJ would read (raises :class:`CoercionError`)."""
    match = _FILE_PARAMETERS.search(text)
    if match:
        raise CoercionError(
            f"names a file or grid ({match.group().lstrip('+')!r}); "
            "expected a coordinate system such as EPSG:3006 or EPSG:4326",
            "crs_names_file",
            parameter=match.group().lstrip("+"),
        )


def _short(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[:length] + "…"


@dataclass
class CleanBatch:
    """A validated batch: one dict of typed values per record, and its geometries in EPSG:3006."""

    layer: Layer
    rows: list[dict[str, Any]]
    geometries: np.ndarray


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return False


def coerce(field: Field, value: Any) -> Any:
    """Convert ``value`` to the field's type, or raise ``ValueError`` saying what was expected."""
    if field.kind in ("text", "choice"):
        if not isinstance(value, str):
            raise CoercionError(f"expected text, got {type(value).__name__} {value!r}", "not_text", value=value)
        refused = text_problem(value)
        if refused is not None:
            raise refused
        value = value.strip()
        if field.choices and value not in field.choices:
            raise CoercionError(
                f"{value!r} is not allowed; expected one of: {', '.join(field.choices)}",
                "not_allowed",
                value=value,
                choices=field.choices,
            )
        if field.max_length and len(value) > field.max_length:
            raise CoercionError(
                f"is {len(value)} characters long; expected at most {field.max_length}",
                "too_long",
                length=len(value),
                max=field.max_length,
            )
        return value
    if field.kind == "int":
        not_whole = CoercionError(f"expected a whole number, got {value!r}", "not_whole_number", value=value)
        if isinstance(value, (bool, np.bool_)):
            raise not_whole
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise not_whole from None
        if not number.is_integer():
            raise not_whole
        if field.minimum is not None and number < field.minimum:
            raise CoercionError(
                f"is {int(number)}; expected at least {field.minimum}",
                "below_minimum",
                value=int(number),
                minimum=field.minimum,
            )
        return int(number)
    if field.kind == "bool":
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        # Swedish files write ja/nej (a worded Pledgemap export does too).
        if value in (0, 1) or str(value).strip().lower() in ("true", "false", "0", "1", "ja", "nej", "yes", "no"):
            return str(value).strip().lower() in ("1", "true", "ja", "yes")
        raise CoercionError(f"expected true or false, got {value!r}", "not_bool", value=value)
    if field.kind == "date":
        day = _date(value)
        check_moment(day)
        return day
    if field.kind == "datetime":
        if isinstance(value, np.datetime64):
            value = _datetime64(value)
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        if not isinstance(value, dt.datetime):
            if isinstance(value, dt.date):
                value = dt.datetime.combine(value, dt.time())
            else:
                try:
                    value = dt.datetime.fromisoformat(str(value).strip())
                except ValueError:
                    raise CoercionError(
                        f"expected a date and time (YYYY-MM-DD HH:MM), got {value!r}", "not_datetime", value=value
                    ) from None
        # Checked before the zone is applied: 9999-12-31 23:00 in a zone west of UTC has no UTC time.
        check_moment(value)
        if value.tzinfo is None:  # times without a zone are Swedish local time
            value = value.replace(tzinfo=LOCAL_TZ)
        return value.astimezone(dt.UTC)
    raise AssertionError(f"unknown field kind {field.kind}")


def _date(value: Any) -> dt.date:
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return _datetime64(value).date()
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise CoercionError(f"expected a date (YYYY-MM-DD), got {value!r}", "not_date", value=value) from None


def _datetime64(value: np.datetime64) -> dt.datetime:
    """A NumPy moment as a datetime, without pandas' nanoseconds (which end in 2262)."""
    moment = value.astype("datetime64[us]").item()
    if not isinstance(moment, dt.datetime):  # beyond year 9999 NumPy gives an int
        raise CoercionError(
            f"{value} is outside {EARLIEST_YEAR}–{LATEST_YEAR}; expected a date in that span",
            "date_out_of_range",
            value=str(value),
            earliest=EARLIEST_YEAR,
            latest=LATEST_YEAR,
        )
    return moment


def record_label(layer: Layer, position: int, row: dict[str, Any]) -> str:
    """How a problem names its record: the layer, the 1-based row and any id it has."""
    label = f"{layer.name} record {position}"
    for key in ("id", "source_id"):
        value = row.get(key)
        if not is_missing(value):
            return f"{label} ({key} {value})"
    return label


@dataclass
class RecordCheck:
    """Every record of a batch checked, nothing raised: what an import's dry run reports.

    ``row_problems[i]`` lists what is wrong with record ``i``; ``batch_problems``
    what is wrong with the batch as a whole (an unknown column, no CRS).
    ``rows``/``geometries`` hold the cleaned values of the records without problems.
    """

    layer: Layer
    labels: list[str]
    rows: list[dict[str, Any]]
    geometries: np.ndarray
    row_problems: list[list[Problem]]
    batch_problems: list[Problem]

    def problems(self) -> list[Problem]:
        """Every problem: the batch's first, then each record's in order."""
        return [*self.batch_problems, *(p for found in self.row_problems for p in found)]


def check_records(
    layer: Layer,
    records: gpd.GeoDataFrame,
    known_links: Iterable[str] = (),
    labels: list[str] | None = None,
) -> RecordCheck:
    """Check every record of ``records`` against ``layer`` and report per record; raise nothing.

    ``labels`` name the records in problems (an import names them by file row);
    by default they are numbered from 1 within the batch.
    """
    if not isinstance(records, gpd.GeoDataFrame):
        raise TypeError("records must be a GeoDataFrame")
    batch_problems: list[Problem] = []
    if records.crs is None:
        batch_problems.append(
            Problem(
                f"{layer.name} batch",
                "geometry",
                "has no coordinate reference system; expected e.g. EPSG:4326 or EPSG:3006",
            )
        )
    crs_refused = None if records.crs is None else earth_crs_problem(records.crs)
    if crs_refused is not None:
        batch_problems.append(
            Problem(f"{layer.name} batch", "geometry", str(crs_refused), crs_refused.code, crs_refused.params)
        )
    known_links = set(known_links)
    allowed = set(layer.field_names) | set(ACCEPTED_INPUT) | {records.geometry.name}
    for column in records.columns:
        if column not in allowed:
            batch_problems.append(
                Problem(
                    f"{layer.name} batch",
                    column,
                    f"is not a field of {layer.name}; expected one of: {', '.join(layer.field_names)}",
                )
            )

    plain = pd.DataFrame(records.drop(columns=records.geometry.name))
    raws = plain.to_dict("records")
    if labels is None:
        labels = [record_label(layer, position, raw) for position, raw in enumerate(raws, start=1)]
    rows: list[dict[str, Any]] = []
    row_problems: list[list[Problem]] = []
    for label, raw in zip(labels, raws):
        found: list[Problem] = []
        row: dict[str, Any] = {}
        for field in layer.fields:
            value = raw.get(field.name)
            if is_missing(value) and field.default is not None:
                value = field.default  # the one place an empty value becomes its field's default
            if is_missing(value):
                if field.required:
                    found.append(
                        Problem(
                            label,
                            field.name,
                            "is missing; " + _expectation(field),
                            "missing",
                            {"kind": field.kind, "choices": field.choices},
                        )
                    )
                row[field.name] = None
                continue
            try:
                row[field.name] = coerce(field, value)
            except CoercionError as exc:
                found.append(Problem(label, field.name, str(exc), exc.code, exc.params))
                row[field.name] = None
        row.update(_system_values(label, raw, found))
        found.extend(_cross_field_problems(layer, label, row, known_links))
        rows.append(row)
        row_problems.append(found)

    if records.crs is None or crs_refused is not None:  # nothing is projected from a CRS that was refused
        geometries = np.asarray(records.geometry.values, dtype=object)
    else:
        geometries = _check_geometries(layer, records.geometry, labels, row_problems)
    seen: set[str] = set()
    for label, row, found in zip(labels, rows, row_problems):
        if row["id"] in seen:
            found.append(Problem(label, "id", f"{row['id']} appears twice in the batch; expected unique ids"))
        seen.add(row["id"])
    return RecordCheck(layer, labels, rows, geometries, row_problems, batch_problems)


def validate_records(
    layer: Layer,
    records: gpd.GeoDataFrame,
    known_links: Iterable[str] = (),
) -> CleanBatch:
    """Check every record of ``records`` against ``layer``; return them cleaned or raise.

    ``records`` must carry a CRS; geometries are transformed to EPSG:3006.
    ``known_links`` are the pledge ids (for ``unsafe_places``) or promise ids
    (for the other layers) that a record may link to. One
    :class:`~geodata.errors.ValidationError` lists every problem found.
    """
    check = check_records(layer, records, known_links)
    problems = check.problems()
    if problems:
        raise ValidationError(problems)
    return CleanBatch(layer, check.rows, check.geometries)


def _expectation(field: Field) -> str:
    if field.choices:
        return f"expected one of: {', '.join(field.choices)}"
    return {
        "date": "expected a date (YYYY-MM-DD)",
        "datetime": "expected a date and time",
        "int": "expected a whole number",
        "bool": "expected true or false",
    }.get(field.kind, "expected text")


def _system_values(label: str, raw: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    values: dict[str, Any] = {"id": str(uuid.uuid4()), "demo": False, "source_id": None}
    if not is_missing(raw.get("id")):
        try:
            values["id"] = str(uuid.UUID(str(raw["id"])))
        except ValueError:
            problems.append(Problem(label, "id", f"{raw['id']!r} is not a UUID; leave it empty to get a new one"))
    if not is_missing(raw.get("demo")):
        try:
            values["demo"] = coerce(Field("demo", "bool"), raw["demo"])
        except ValueError as exc:
            problems.append(Problem(label, "demo", str(exc)))
    if not is_missing(raw.get("source_id")):
        source_id = str(raw["source_id"])
        refused = text_problem(source_id)
        if refused is not None:
            problems.append(Problem(label, "source_id", str(refused), refused.code, refused.params))
        else:
            values["source_id"] = source_id.strip()
    return values


def _cross_field_problems(layer: Layer, label: str, row: dict[str, Any], known_links: set[str]) -> list[Problem]:
    found = []
    link = row.get(layer.link_field)
    if link is not None and link not in known_links:
        what = "pledge" if layer.link_field == "pledge_id" else "promise"
        found.append(
            Problem(
                label,
                layer.link_field,
                f"links to {what} {link!r}, which does not exist; expected the id of a stored {what} or nothing",
                "unknown_link",
                {"value": link},
            )
        )
    if layer.end_field and row.get(layer.end_field) and row.get(layer.time_field):
        start, end = row[layer.time_field], row[layer.end_field]
        if end < start:
            shown = {
                "end": f"{end.astimezone(LOCAL_TZ):%Y-%m-%d %H:%M}",
                "start": f"{start.astimezone(LOCAL_TZ):%Y-%m-%d %H:%M}",
            }
            found.append(
                Problem(
                    label,
                    layer.end_field,
                    f"ends {shown['end']} before it starts {shown['start']} (Swedish time); "
                    "expected an end on or after the start",
                    "end_before_start",
                    shown,
                )
            )
    if layer.name == "inventoried_sites" and row.get("status"):
        status = row["status"]
        if status != "flagged" and row.get("inspected_on") is None:
            found.append(
                Problem(
                    label,
                    "inspected_on",
                    f"is missing for status {status!r}; expected the date of the inspection",
                    "needs_inspected_on",
                    {"status": status},
                )
            )
        if status == "action_planned" and row.get("due_on") is None:
            found.append(
                Problem(
                    label,
                    "due_on",
                    code="needs_due_on",
                    message="is missing for status 'action_planned'; expected the date the measure is due",
                )
            )
    return found


def _check_geometries(
    layer: Layer, geoms: gpd.GeoSeries, labels: list[str], row_problems: list[list[Problem]]
) -> np.ndarray:
    source_crs = CRS.from_user_input(geoms.crs)
    values = np.asarray(geoms.values, dtype=object)
    usable = np.zeros(len(values), dtype=bool)
    for i, geom in enumerate(values):
        if geom is None or shapely.is_missing(geom):
            row_problems[i].append(
                Problem(labels[i], "geometry", "is missing; expected a point or polygon", "no_place")
            )
        elif geom.is_empty:
            row_problems[i].append(Problem(labels[i], "geometry", "is empty; expected a point or polygon", "no_place"))
        elif geom.geom_type not in layer.geometry_types:
            row_problems[i].append(
                Problem(
                    labels[i],
                    "geometry",
                    f"is a {geom.geom_type}; expected one of: {', '.join(layer.geometry_types)}",
                    "geometry_type",
                    {"type": geom.geom_type},
                )
            )
        elif not np.isfinite(shapely.get_coordinates(geom)).all():
            row_problems[i].append(
                Problem(labels[i], "geometry", "has coordinates that are not finite numbers", "geometry_invalid")
            )
        elif not geom.is_valid:
            row_problems[i].append(
                Problem(
                    labels[i],
                    "geometry",
                    f"is invalid ({shapely.is_valid_reason(geom)}); expected a simple, non-self-intersecting shape",
                    "geometry_invalid",
                )
            )
        else:
            usable[i] = True

    projected = np.array(values, dtype=object)
    if usable.any():
        projected[usable] = _to_storage(values[usable], source_crs)
        sweden = sweden_outline()
        inside = np.zeros(len(values), dtype=bool)
        inside[usable] = shapely.within(projected[usable].astype(object), sweden)
        for i in np.flatnonzero(usable & ~inside).tolist():
            swapped = _to_storage(
                np.array([shapely.transform(values[i], lambda c: c[:, ::-1])], dtype=object), source_crs
            )
            x, y = shapely.get_coordinates(values[i])[0]
            if shapely.within(swapped[0], sweden):
                degrees = source_crs.is_geographic
                axes = "latitude and longitude" if degrees else "north and east"
                expected = "longitude first" if degrees else "east (E) first, then north (N)"
                row_problems[i].append(
                    Problem(
                        labels[i],
                        "geometry",
                        f"coordinates ({x:g}, {y:g}) look swapped: {axes} are in the wrong order; expected {expected}",
                        "swapped",
                        {"x": x, "y": y, "degrees": degrees},
                    )
                )
            else:
                row_problems[i].append(
                    Problem(
                        labels[i],
                        "geometry",
                        f"lies outside Sweden (first coordinate {x:g}, {y:g} in "
                        f"{source_crs.to_string()}); expected a place in Sweden",
                        "outside_sweden",
                        {"x": x, "y": y},
                    )
                )
    return projected


def _to_storage(values: np.ndarray, source_crs: CRS) -> np.ndarray:
    series = gpd.GeoSeries(list(values), crs=source_crs)
    if not source_crs.equals(CRS.from_epsg(STORAGE_CRS)):
        series = series.to_crs(STORAGE_CRS)
    return np.asarray(series.values, dtype=object)
