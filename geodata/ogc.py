"""OGC API – Features (Part 1: Core, GeoJSON): the documents of Pledgemap's read-only API.

Each public function builds one resource of the API as plain JSON-ready data
from a :class:`~geodata.store.Store`: the landing page, the conformance
declaration, the collections (one per layer), a collection's items and one
item. The web layer only routes requests here and serialises the result;
links are absolute, built on the ``base_url`` it passes in.

Coordinates are served in CRS84 (longitude, latitude), transformed from the
store's EPSG:3006. A ``datetime`` given as a date, or a record's date field,
means that whole day in Swedish time, as everywhere in Pledgemap.

Invalid query parameters raise :class:`ParameterError` (HTTP 400); an unknown
collection or feature raises :class:`~geodata.errors.NotFoundError` (404).

>>> conformance()["conformsTo"][0]
'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core'
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import box, mapping

from geodata.access import describe_query, log_read, masked_for, readable_query, viewer_of
from geodata.errors import NotFoundError, PledgemapError
from geodata.layers import LAYERS, STORAGE_CRS, Layer
from geodata.store.base import LayerExtent, LayerQuery, Store
from geodata.validate import LOCAL_TZ

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
GEOJSON = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
OAS30 = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
JSON_TYPE = "application/json"
GEOJSON_TYPE = "application/geo+json"
OPENAPI_TYPE = "application/vnd.oai.openapi+json;version=3.0"

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
# An offset past any layer's size answers an empty page; beyond this it is refused (no store counts that far).
MAX_OFFSET = 1_000_000_000
# The years a datetime bound may lie in (in Swedish time): far around any record, and within what the stores
# and pandas compute with.
DATETIME_YEARS = (1900, 2199)
# A query parameter's value is at most this long (a bbox of four numbers, an interval of two instants).
MAX_VALUE_LENGTH = 200
# A feature id longer than this, or holding a control character, names no feature (ids are UUIDs).
MAX_ID_LENGTH = 200
# Every resource accepts f=json; items take the filters and paging besides.
FORMAT_PARAMETER = "f"
FORMATS = ("json",)
ITEMS_PARAMETERS = ("bbox", "datetime", "limit", "offset", FORMAT_PARAMETER)
# Seven decimals of a degree are about a centimetre: finer than any record's position.
DECIMALS = 7
# Records lie in Sweden (validation refuses others); a bbox is clipped to EPSG:3006's
# area of use, widened by a degree, before it is transformed to the storage CRS.
STORAGE_AREA_MARGIN = 1.0

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
OPEN_END = ("", "..")


class ParameterError(PledgemapError, ValueError):
    """A query parameter of the API that is unknown, repeated, malformed or out of range."""


@dataclass(frozen=True)
class Texts:
    """The words of the API documents; the web layer passes them from its translation catalogue."""

    title: str = "Pledgemap"
    description: str = "Citizen pledges on the map. JSON and GeoJSON only (f=json)."
    layer_titles: Mapping[str, str] = field(default_factory=dict)
    demo_note: str = "Holds generated demo records (property demo = true), not real data."


@dataclass(frozen=True)
class ItemsRequest:
    """The query parameters of an items request, checked.

    ``start``/``end`` are inclusive instants (aware datetimes); ``whole_days``
    says every bound given was a date, so the store's day filter is exact.
    ``bbox`` is in CRS84. ``datetime`` keeps the parameter's text for links.
    """

    bbox: tuple[float, float, float, float] | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    whole_days: bool = True
    datetime: str | None = None
    limit: int = DEFAULT_LIMIT
    offset: int = 0


# -- parameters -----------------------------------------------------------


def check_parameters(
    params: Mapping[str, str | Sequence[str]], allowed: Sequence[str] = (FORMAT_PARAMETER,)
) -> dict[str, str]:
    """One value per parameter, after refusing unknown, repeated and overlong ones and any format but JSON."""
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ParameterError(
            f"unknown query parameter{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"expected only: {', '.join(allowed)}"
        )
    values = {}
    for name, value in params.items():
        if not isinstance(value, str):
            if len(value) != 1:
                raise ParameterError(f"query parameter {name!r} is given {len(value)} times; expected it once")
            value = value[0]
        if len(value) > MAX_VALUE_LENGTH:
            raise ParameterError(
                f"query parameter {name!r} is {len(value)} characters long; expected at most {MAX_VALUE_LENGTH}"
            )
        values[name] = value
    fmt = values.pop(FORMAT_PARAMETER, "json")
    if fmt not in FORMATS:
        raise ParameterError(
            f"query parameter 'f' is {fmt!r}; expected one of: {', '.join(FORMATS)} "
            "(this API serves JSON and GeoJSON only)"
        )
    return values


def items_request(params: Mapping[str, str | Sequence[str]]) -> ItemsRequest:
    """Check the query parameters of an items request; raises :class:`ParameterError` naming the parameter.

    >>> items_request({"bbox": "11.9,57.6,12.1,57.7", "limit": "20000"}).limit
    10000
    >>> items_request({"datetime": "2024-03-01/.."}).start.isoformat()
    '2024-03-01T00:00:00+01:00'
    """
    values = check_parameters(params, ITEMS_PARAMETERS)
    request = ItemsRequest(
        limit=_whole_number(values, "limit", DEFAULT_LIMIT, minimum=1),
        offset=_whole_number(values, "offset", 0, minimum=0, maximum=MAX_OFFSET),
    )
    if "bbox" in values:
        request = replace(request, bbox=_bbox(values["bbox"]))
    if "datetime" in values:
        start, end, whole_days = _interval(values["datetime"])
        request = replace(request, start=start, end=end, whole_days=whole_days, datetime=values["datetime"])
    return request


def _whole_number(values: dict[str, str], name: str, default: int, minimum: int, maximum: int | None = None) -> int:
    """The parameter ``name`` as a whole number from ``minimum`` (to ``maximum``); a limit is clamped instead.

    >>> _whole_number({"offset": "99999999999999999999"}, "offset", 0, minimum=0, maximum=MAX_OFFSET)
    Traceback (most recent call last):
    geodata.ogc.ParameterError: query parameter 'offset' is '99999999999999999999'; expected a whole number from 0 to 1000000000
    """
    text = values.get(name)
    if text is None:
        return default
    expected = (
        f"a whole number from {minimum} to {maximum}"
        if maximum is not None
        else f"a whole number of at least {minimum}"
    )
    if not re.fullmatch(r"[0-9]+", text.strip()):
        raise ParameterError(f"query parameter {name!r} is {text!r}; expected {expected}")
    number = int(text)  # short enough for int(): check_parameters bounds every value's length
    if maximum is not None and number > maximum:
        raise ParameterError(f"query parameter {name!r} is {text!r}; expected {expected}")
    if number < minimum:
        raise ParameterError(f"query parameter {name!r} is {number}; expected {expected}")
    # A limit above the maximum is served as the maximum, as the standard asks, not refused.
    return min(number, MAX_LIMIT) if name == "limit" else number


def _bbox(text: str) -> tuple[float, float, float, float]:
    parts = text.split(",")
    if len(parts) == 6:
        raise ParameterError(
            f"query parameter 'bbox' is {text!r}, a 3D box of 6 numbers; expected 4 numbers "
            "minlon,minlat,maxlon,maxlat in CRS84 (heights are not supported)"
        )
    if len(parts) != 4:
        raise ParameterError(
            f"query parameter 'bbox' is {text!r}, {len(parts)} value{'s' if len(parts) != 1 else ''}; "
            "expected 4 numbers minlon,minlat,maxlon,maxlat in CRS84"
        )
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ParameterError(
            f"query parameter 'bbox' is {text!r}; expected 4 numbers minlon,minlat,maxlon,maxlat in CRS84"
        ) from None
    if not all(math.isfinite(n) for n in numbers):
        raise ParameterError(f"query parameter 'bbox' is {text!r}; expected finite numbers")
    minx, miny, maxx, maxy = numbers
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise ParameterError(
            f"query parameter 'bbox' is {text!r}; expected longitudes within -180..180 and "
            "latitudes within -90..90 (CRS84: longitude first)"
        )
    if miny > maxy:
        raise ParameterError(
            f"query parameter 'bbox' is {text!r}: its minimum latitude {miny:g} is above its "
            f"maximum {maxy:g}; expected minlon,minlat,maxlon,maxlat"
        )
    if minx > maxx:
        raise ParameterError(
            f"query parameter 'bbox' is {text!r}: its minimum longitude {minx:g} is east of its "
            f"maximum {maxx:g}; expected minlon,minlat,maxlon,maxlat (boxes across the "
            "antimeridian are not supported)"
        )
    return minx, miny, maxx, maxy


def _interval(text: str) -> tuple[dt.datetime | None, dt.datetime | None, bool]:
    """(start, end, whole_days) of an RFC 3339 instant or interval; open ends are ``..`` or empty."""
    parts = text.split("/")
    if len(parts) > 2:
        raise ParameterError(f"query parameter 'datetime' is {text!r}; expected an instant or one interval start/end")
    if len(parts) == 1:
        if parts[0] in OPEN_END:
            raise ParameterError(
                f"query parameter 'datetime' is {text!r}; expected an instant such as "
                "2024-05-10T18:00:00Z or 2024-05-10, or an interval start/end with '..' for an open end"
            )
        parts = [parts[0], parts[0]]
    start_text, end_text = parts
    start, start_day = _bound(start_text, end_of_day=False)
    end, end_day = _bound(end_text, end_of_day=True)
    if start is not None and end is not None and start > end:
        raise ParameterError(
            f"query parameter 'datetime' is {text!r}: it ends before it starts; expected the start first"
        )
    return start, end, start_day and end_day


def _bound(text: str, end_of_day: bool) -> tuple[dt.datetime | None, bool]:
    """An instant and whether it stands for a whole day (a date; the last moment of it for an end)."""
    if text in OPEN_END:
        return None, True
    moment: dt.datetime | None = None
    try:
        if DATE.match(text):
            day = dt.date.fromisoformat(text)
            moment = dt.datetime.combine(day, dt.time.max if end_of_day else dt.time.min, tzinfo=LOCAL_TZ)
        elif DATE_TIME.match(text):
            moment = dt.datetime.fromisoformat(text.upper())
    except ValueError:
        pass
    if moment is not None:
        _check_year(text, moment.year)  # then its Swedish time is a date the stores compute with too
        return moment, DATE.match(text) is not None
    raise ParameterError(
        f"query parameter 'datetime' has {text!r}; expected an RFC 3339 date-time with its offset "
        "such as 2024-05-10T18:00:00Z or 2024-05-10T18:00:00+02:00, a date such as 2024-05-10, "
        "or '..' for an open end"
    )


def _check_year(text: str, year: int) -> None:
    first, last = DATETIME_YEARS
    if not first <= year <= last:
        raise ParameterError(
            f"query parameter 'datetime' has {text!r}, in the year {year}; expected a time in the years "
            f"{first} to {last}, or '..' for an open end"
        )


def plausible_id(text: str) -> bool:
    """Whether a record's or pledge's id from a request could name one: at most 200 characters, none of them a
    control character (a database refuses a NUL in a query's text outright, so such an id never reaches it).

    >>> plausible_id("mark-2021"), plausible_id("a\\x00b"), plausible_id("x" * 201)
    (True, False, False)
    """
    return len(text) <= MAX_ID_LENGTH and not any(ord(c) < 32 or ord(c) == 127 for c in text)


# -- documents ------------------------------------------------------------


def landing_page(base_url: str, texts: Texts = Texts()) -> dict[str, Any]:
    """The API's landing page: its title and the links to the conformance declaration and the collections."""
    return {
        "title": texts.title,
        "description": texts.description,
        "links": [
            _link(base_url, "self", JSON_TYPE, "This document (JSON only)"),
            _link(f"{base_url}/api", "service-desc", OPENAPI_TYPE, "The API's definition (OpenAPI 3.0)"),
            _link(f"{base_url}/conformance", "conformance", JSON_TYPE, "Conformance classes"),
            _link(f"{base_url}/collections", "data", JSON_TYPE, "Collections: one per layer"),
        ],
    }


def conformance() -> dict[str, Any]:
    """The conformance classes the API implements: Part 1 Core, GeoJSON and OpenAPI 3.0."""
    return {"conformsTo": [CORE, GEOJSON, OAS30]}


def api_definition(base_url: str, texts: Texts = Texts()) -> dict[str, Any]:
    """The API as an OpenAPI 3.0 document: its paths, their parameters and the media types they answer in."""

    def answer(description: str, media_type: str = JSON_TYPE) -> dict[str, Any]:
        return {
            "200": {"description": description, "content": {media_type: {"schema": {"type": "object"}}}},
            "400": {"$ref": "#/components/responses/Invalid"},
        }

    def operation(operation_id: str, summary: str, responses: dict, *parameters: str) -> dict[str, Any]:
        refs = [{"$ref": f"#/components/parameters/{name}"} for name in (*parameters, FORMAT_PARAMETER)]
        return {"get": {"operationId": operation_id, "summary": summary, "parameters": refs, "responses": responses}}

    not_found = {"404": {"$ref": "#/components/responses/NotFound"}}
    problem = {"content": {JSON_TYPE: {"schema": {"$ref": "#/components/schemas/exception"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": texts.title, "description": texts.description, "version": "1.0"},
        "servers": [{"url": base_url}],
        "paths": {
            "/": operation("getLandingPage", "Landing page", answer("The landing page")),
            "/api": operation("getAPI", "This document", answer("The API definition", OPENAPI_TYPE)),
            "/conformance": operation("getConformance", "Conformance classes", answer("The conformance classes")),
            "/collections": operation("getCollections", "Collections", answer("One collection per layer")),
            "/collections/{collectionId}": operation(
                "describeCollection", "One collection", answer("The collection") | not_found, "collectionId"
            ),
            "/collections/{collectionId}/items": operation(
                "getFeatures",
                "Features of a collection",
                answer("One page of features", GEOJSON_TYPE) | not_found,
                "collectionId",
                "bbox",
                "datetime",
                "limit",
                "offset",
            ),
            "/collections/{collectionId}/items/{featureId}": operation(
                "getFeature",
                "One feature",
                answer("The feature", GEOJSON_TYPE) | not_found,
                "collectionId",
                "featureId",
            ),
        },
        "components": {
            "parameters": {
                "collectionId": {
                    "name": "collectionId",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": list(LAYERS)},
                },
                "featureId": {"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}},
                "bbox": {
                    "name": "bbox",
                    "in": "query",
                    "required": False,
                    "style": "form",
                    "explode": False,
                    "description": "minlon,minlat,maxlon,maxlat in CRS84",
                    "schema": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
                },
                "datetime": {
                    "name": "datetime",
                    "in": "query",
                    "required": False,
                    "style": "form",
                    "explode": False,
                    "description": "An RFC 3339 instant or interval; '..' for an open end",
                    "schema": {"type": "string"},
                },
                "limit": {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "style": "form",
                    "explode": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
                },
                "offset": {
                    "name": "offset",
                    "in": "query",
                    "required": False,
                    "style": "form",
                    "explode": False,
                    "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
                },
                FORMAT_PARAMETER: {
                    "name": FORMAT_PARAMETER,
                    "in": "query",
                    "required": False,
                    "style": "form",
                    "explode": False,
                    "schema": {"type": "string", "enum": list(FORMATS)},
                },
            },
            "responses": {
                "Invalid": {"description": "A query parameter is unknown, repeated, malformed or out of range"}
                | problem,
                "NotFound": {"description": "No such collection or feature"} | problem,
            },
            "schemas": {
                "exception": {
                    "type": "object",
                    "required": ["code"],
                    "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
                },
            },
        },
    }


def collections(store: Store, base_url: str, texts: Texts = Texts()) -> dict[str, Any]:
    """Every layer as a collection, with its extent."""
    return {
        "links": [_link(f"{base_url}/collections", "self", JSON_TYPE, "Collections")],
        "collections": [_collection(store, spec, base_url, texts) for spec in LAYERS.values()],
    }


def collection(store: Store, layer: str, base_url: str, texts: Texts = Texts()) -> dict[str, Any]:
    """One layer as a collection; raises :class:`NotFoundError` for an unknown layer."""
    return _collection(store, _layer(layer), base_url, texts)


def items(
    store: Store, layer: str, base_url: str, params: Mapping[str, str | Sequence[str]], now: dt.datetime | None = None
) -> dict[str, Any]:
    """One page of a layer's readable records matching ``params``, as a GeoJSON FeatureCollection.

    Without ``bbox``, and without a time of day on a layer whose times have
    one, the store counts and reads only the page. Otherwise it reads the
    records its index finds for the box and days, this function keeps those
    that truly intersect in CRS84 and in time, and slices the page from them.
    """
    spec = _layer(layer)
    request = items_request(params)
    matched, page = _page(store, spec, request)
    # The page's records are handed to the client's account: logged before the answer is made (or none is).
    asked = {name: value if isinstance(value, str) else list(value) for name, value in params.items()}
    log_read(store, "ogc", {spec.name: page["id"]}, describe_query(**asked, matched=matched))
    url = f"{base_url}/collections/{spec.name}/items"
    links = [
        _link(_with_query(url, request, request.offset), "self", GEOJSON_TYPE, "This page"),
        _link(f"{base_url}/collections/{spec.name}", "collection", JSON_TYPE, "The collection"),
    ]
    if request.offset + len(page) < matched:
        links.append(
            _link(_with_query(url, request, request.offset + request.limit), "next", GEOJSON_TYPE, "Next page")
        )
    if request.offset > 0:
        links.append(
            _link(
                _with_query(url, request, max(0, request.offset - request.limit)), "prev", GEOJSON_TYPE, "Previous page"
            )
        )
    return {
        "type": "FeatureCollection",
        "features": _features(masked_for(viewer_of(store), spec.name, page), spec),
        "numberMatched": matched,
        "numberReturned": len(page),
        "timeStamp": _rfc3339(now or dt.datetime.now(dt.UTC)),
        "links": links,
    }


def item(store: Store, layer: str, feature_id: str, base_url: str) -> dict[str, Any]:
    """One readable record as a GeoJSON Feature; raises :class:`NotFoundError` if there is none to serve."""
    spec = _layer(layer)
    found = (
        store.read_layer(spec.name, readable_query(spec.name, LayerQuery(ids=(feature_id,))))
        if plausible_id(feature_id)
        else None
    )
    if found is None or found.empty:
        # The same words whether the record is missing or not readable: a 404 must not tell them apart.
        raise NotFoundError(f"collection {spec.name!r} has no feature {feature_id[:MAX_ID_LENGTH]!r}")
    log_read(store, "ogc", {spec.name: found["id"]})
    feature = _features(masked_for(viewer_of(store), spec.name, found), spec)[0]
    feature["links"] = [
        _link(f"{base_url}/collections/{spec.name}/items/{feature_id}", "self", GEOJSON_TYPE, "This feature"),
        _link(f"{base_url}/collections/{spec.name}", "collection", JSON_TYPE, "The collection"),
    ]
    return feature


# -- reading --------------------------------------------------------------


def _layer(name: str) -> Layer:
    if name not in LAYERS:
        raise NotFoundError(f"no collection {name!r}; expected one of: {', '.join(LAYERS)}")
    return LAYERS[name]


def _page(store: Store, spec: Layer, request: ItemsRequest) -> tuple[int, gpd.GeoDataFrame]:
    """(number matched, the page's records) for a checked request."""
    query = LayerQuery(
        start=request.start.astimezone(LOCAL_TZ).date() if request.start else None,
        end=request.end.astimezone(LOCAL_TZ).date() if request.end else None,
    )
    if request.bbox is not None:
        envelope = _storage_envelope(request.bbox)
        if envelope is None:
            return 0, store.read_layer(spec.name, readable_query(spec.name, replace(query, limit=0)))
        query = replace(query, bbox=envelope)
    query = readable_query(spec.name, query)
    exact_time = not request.whole_days and spec.field(spec.time_field).kind == "datetime"
    if request.bbox is None and not exact_time:
        page = store.read_layer(spec.name, replace(query, limit=request.limit, offset=request.offset))
        return store.count(spec.name, query), page
    candidates = store.read_layer(spec.name, query)
    keep = np.ones(len(candidates), dtype=bool)
    if request.bbox is not None:
        keep &= candidates.geometry.to_crs(CRS84).intersects(box(*request.bbox)).to_numpy()
    if exact_time:
        ends = candidates[spec.end_field or spec.time_field]
        starts = candidates[spec.time_field]
        if request.start is not None:
            keep &= (ends >= pd.Timestamp(request.start)).to_numpy()
        if request.end is not None:
            keep &= (starts <= pd.Timestamp(request.end)).to_numpy()
    matching = candidates[keep]
    return len(matching), matching.iloc[request.offset : request.offset + request.limit]


@lru_cache(maxsize=1)
def _to_storage() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(CRS84, STORAGE_CRS, always_xy=True)


@lru_cache(maxsize=1)
def _from_storage() -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(STORAGE_CRS, CRS84, always_xy=True)


def _storage_envelope(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float] | None:
    """The EPSG:3006 envelope of a CRS84 box (clipped to Sweden's surroundings); None if it misses them."""
    area_of_use = pyproj.CRS.from_epsg(STORAGE_CRS).area_of_use
    assert area_of_use is not None  # PROJ's database gives EPSG:3006 an area of use (Sweden)
    area = area_of_use.bounds
    m = STORAGE_AREA_MARGIN
    minx, miny = max(bbox[0], area[0] - m), max(bbox[1], area[1] - m)
    maxx, maxy = min(bbox[2], area[2] + m), min(bbox[3], area[3] + m)
    if minx > maxx or miny > maxy:
        return None
    # Densified edges: a box's sides curve in a transverse Mercator projection.
    return _to_storage().transform_bounds(minx, miny, maxx, maxy, densify_pts=21)


def _collection(store: Store, spec: Layer, base_url: str, texts: Texts) -> dict[str, Any]:
    url = f"{base_url}/collections/{spec.name}"
    extent = store.extent(spec.name, readable_query(spec.name, LayerQuery()))
    document: dict[str, Any] = {
        "id": spec.name,
        "title": texts.layer_titles.get(spec.name, spec.name),
        "itemType": "feature",
        "crs": [CRS84],
        "links": [
            _link(url, "self", JSON_TYPE, "This collection"),
            _link(f"{url}/items", "items", GEOJSON_TYPE, "The collection's features"),
        ],
    }
    if extent.demo:
        document["description"] = texts.demo_note
    if extent.count:
        document["extent"] = _extent(extent, spec)
    return document


def _extent(extent: LayerExtent, spec: Layer) -> dict[str, Any]:
    """The spatial extent in CRS84 (a box holding every record) and the temporal extent of the time field."""
    assert extent.bbox is not None  # called only when records match, and a store gives their box then
    minx, miny, maxx, maxy = extent.bbox
    box = _from_storage().transform_bounds(minx, miny, maxx, maxy, densify_pts=21)
    result: dict[str, Any] = {"spatial": {"bbox": [[round(float(v), DECIMALS) for v in box]], "crs": CRS84}}
    first, last = extent.first, extent.last
    if first is not None and last is not None:
        if spec.field(spec.time_field).kind == "date":
            # A date is the whole day in Swedish time.
            first = dt.datetime.combine(first.date(), dt.time.min, tzinfo=LOCAL_TZ)
            last = dt.datetime.combine(last.date(), dt.time(23, 59, 59), tzinfo=LOCAL_TZ)
        result["temporal"] = {"interval": [[_rfc3339(first), _rfc3339(last)]], "trs": GREGORIAN}
    return result


def _features(records: gpd.GeoDataFrame, spec: Layer) -> list[dict[str, Any]]:
    """GeoJSON features in CRS84: the layer's fields as properties, plus ``demo``."""
    if records.empty:
        return []
    geometries = shapely.transform(records.geometry.to_crs(CRS84).to_numpy(), lambda c: np.round(c, DECIMALS))
    columns = {f.name: [_json_value(f.kind, v) for v in records[f.name].tolist()] for f in spec.fields}
    columns["demo"] = [bool(v) for v in records["demo"].tolist()]
    return [
        {
            "type": "Feature",
            "id": record_id,
            "geometry": mapping(geometry),
            "properties": {name: values[i] for name, values in columns.items()},
        }
        for i, (record_id, geometry) in enumerate(zip(records["id"].tolist(), geometries))
    ]


def _json_value(kind: str, value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == "date":
        return value.date().isoformat()
    if kind == "datetime":
        return _rfc3339(value)
    if kind == "int":
        return int(value)
    if kind == "bool":
        return bool(value)
    return str(value)


def _rfc3339(moment: dt.datetime) -> str:
    """An instant in Swedish time with its offset, to the second."""
    return moment.astimezone(LOCAL_TZ).isoformat(timespec="seconds")


def _link(href: str, rel: str, media_type: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def _with_query(url: str, request: ItemsRequest, offset: int) -> str:
    params: list[tuple[str, Any]] = []
    if request.bbox is not None:
        params.append(("bbox", ",".join(repr(v) for v in request.bbox)))
    if request.datetime is not None:
        params.append(("datetime", request.datetime))
    params.append(("limit", request.limit))
    if offset:
        params.append(("offset", offset))
    return f"{url}?{urlencode(params, safe=',:/')}"
