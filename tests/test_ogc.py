"""The OGC API – Features: the domain's documents on real GeoPackage stores, and GDAL's OAPIF driver against a real server."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pyproj
import pytest
from shapely import wkt
from shapely.geometry import Point, box, shape

from geodata import ogc
from geodata.access import readable_query
from geodata.errors import NotFoundError
from geodata.store import GeoPackageStore, LayerQuery

from browser import serving
from builders import KINNA, MOLNDAL_CENTRUM, frame, operation, unsafe_place

BASE = "http://example.org/ogc"


@pytest.fixture
def demo(demo_copy):
    # A copy: the API's reads are logged in the store's read log, which the session's demo file must not gather.
    with GeoPackageStore.open(demo_copy) as store:
        yield store


def offset_of(link: dict) -> int:
    return int(parse_qs(urlsplit(link["href"]).query).get("offset", ["0"])[0])


def links(document: dict) -> dict[str, dict]:
    return {link["rel"]: link for link in document["links"]}


# -- documents --------------------------------------------------------------


def test_landing_page_links_to_conformance_and_collections():
    page = ogc.landing_page(BASE)
    assert page["title"] == "Pledgemap"
    assert {rel: link["href"] for rel, link in links(page).items()} == {
        "self": BASE,
        "service-desc": f"{BASE}/api",
        "conformance": f"{BASE}/conformance",
        "data": f"{BASE}/collections",
    }
    assert "JSON" in page["description"]
    assert ogc.conformance()["conformsTo"] == [ogc.CORE, ogc.GEOJSON, ogc.OAS30]  # no html: not implemented


def test_the_api_definition_describes_every_resource_and_parameter():
    api = ogc.api_definition(BASE)
    assert api["openapi"].startswith("3.0") and api["servers"] == [{"url": BASE}]
    assert sorted(api["paths"]) == [
        "/",
        "/api",
        "/collections",
        "/collections/{collectionId}",
        "/collections/{collectionId}/items",
        "/collections/{collectionId}/items/{featureId}",
        "/conformance",
    ]
    components = api["components"]
    for path, item in api["paths"].items():
        names = [ref["$ref"].rsplit("/", 1)[1] for ref in item["get"]["parameters"]]
        assert all(name in components["parameters"] for name in names)
        assert re.findall(r"{(\w+)}", path) == [n for n in names if components["parameters"][n]["in"] == "path"]
        for response in item["get"]["responses"].values():
            if "$ref" in response:
                assert response["$ref"].rsplit("/", 1)[1] in components["responses"]
    items = [
        ref["$ref"].rsplit("/", 1)[1] for ref in api["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
    ]
    assert sorted(n for n in items if components["parameters"][n]["in"] == "query") == sorted(ogc.ITEMS_PARAMETERS)
    assert components["parameters"]["limit"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10000,
        "default": 100,
    }
    assert components["parameters"]["collectionId"]["schema"]["enum"] == [
        "unsafe_places",
        "inventoried_sites",
        "operations",
    ]


def test_collections_are_the_three_layers_with_their_extents(demo):
    found = ogc.collections(demo, BASE, ogc.Texts(layer_titles={"unsafe_places": "Otrygga platser"}))
    by_id = {c["id"]: c for c in found["collections"]}
    assert list(by_id) == ["unsafe_places", "inventoried_sites", "operations"]
    places = by_id["unsafe_places"]
    assert places["title"] == "Otrygga platser" and by_id["operations"]["title"] == "operations"
    assert links(places)["items"] == {
        "href": f"{BASE}/collections/unsafe_places/items",
        "rel": "items",
        "type": "application/geo+json",
        "title": "The collection's features",
    }
    assert "demo" in places["description"]  # generated records stay labelled as demo

    records = demo.read_layer("unsafe_places").to_crs(4326)
    minx, miny, maxx, maxy = places["extent"]["spatial"]["bbox"][0]
    # A box holding every record (the SWEREF box from the spatial index, in degrees): a little wider, never narrower.
    rminx, rminy, rmaxx, rmaxy = records.total_bounds
    assert minx <= rminx and miny <= rminy and maxx >= rmaxx and maxy >= rmaxy
    # The demo's pledges lie from Lund to Malå: a SWEREF box's corners lie west and north of its records.
    assert [minx, miny, maxx, maxy] == pytest.approx([rminx, rminy, rmaxx, rmaxy], abs=1.0)
    assert 10 < minx < maxx < 25 and 55 < miny < maxy < 69  # longitude first
    start, end = places["extent"]["temporal"]["interval"][0]
    assert start[:10] == records["reported_on"].min().date().isoformat()
    assert end[:10] == records["reported_on"].max().date().isoformat()
    assert ogc.collection(demo, "operations", BASE) == by_id["operations"]


def test_paging_walks_a_layer_once_without_overlap(demo):
    total = demo.count("unsafe_places")
    seen, offset, pages = [], 0, 0
    while True:
        page = ogc.items(demo, "unsafe_places", BASE, {"limit": "70", "offset": str(offset)})
        pages += 1
        assert page["numberMatched"] == total and page["numberReturned"] == len(page["features"])
        seen += [f["id"] for f in page["features"]]
        rels = links(page)
        assert offset_of(rels["self"]) == offset
        assert ("prev" in rels) == (offset > 0)
        if "next" not in rels:
            break
        assert rels["next"]["type"] == "application/geo+json"
        offset = offset_of(rels["next"])
    assert pages == -(-total // 70)
    assert seen == list(demo.read_layer("unsafe_places")["id"])
    assert ogc.items(demo, "unsafe_places", BASE, {"offset": str(total)})["features"] == []


def test_limit_defaults_to_100_and_is_clamped_to_10000(demo):
    assert ogc.items(demo, "unsafe_places", BASE, {})["numberReturned"] == 100
    page = ogc.items(demo, "unsafe_places", BASE, {"limit": "50000"})
    assert page["numberReturned"] == demo.count("unsafe_places")
    assert "limit=10000" in links(page)["self"]["href"]


def test_features_are_crs84_with_iso_dates_and_the_demo_flag(store, demo):
    store.write_batch("unsafe_places", frame(unsafe_place()))
    store.write_batch("operations", frame(operation(visibility="public")))
    page = ogc.items(store, "unsafe_places", BASE, {}, now=dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC))
    assert page["timeStamp"] == "2024-06-01T12:00:00+02:00"
    place = page["features"][0]
    assert place["geometry"] == {"type": "Point", "coordinates": pytest.approx(KINNA, abs=1e-7)}
    assert place["properties"] == {
        "reported_on": "2024-03-05",
        "source": "safety_walk",
        "category": "poor_lighting",
        "safety": "unsafe",
        "time_of_day": "evening",
        "description": "Mörk gångväg",
        "report_count": 2,
        "respondent_gender": None,
        "respondent_age": None,
        "pledge_id": None,
        "demo": False,
    }
    props = ogc.items(store, "operations", BASE, {})["features"][0]["properties"]
    assert (props["starts_at"], props["ends_at"]) == ("2024-05-10T18:00:00+02:00", "2024-05-10T22:00:00+02:00")
    assert props["seizures"] == 3 and props["focus"] == "sale"
    demo_place = ogc.items(demo, "unsafe_places", BASE, {"limit": "1"})["features"][0]
    assert demo_place["properties"]["demo"] is True
    single = ogc.item(demo, "unsafe_places", demo_place["id"], BASE)
    assert single["properties"] == demo_place["properties"]
    assert links(single)["self"]["href"] == f"{BASE}/collections/unsafe_places/items/{demo_place['id']}"


# -- filters ----------------------------------------------------------------


def test_bbox_keeps_what_intersects_the_box_in_crs84(store, demo):
    store.write_batch("unsafe_places", frame(unsafe_place(), unsafe_place(geometry=Point(*MOLNDAL_CENTRUM))))
    around_kinna = f"{KINNA[0] - 0.01},{KINNA[1] - 0.01},{KINNA[0] + 0.01},{KINNA[1] + 0.01}"
    found = ogc.items(store, "unsafe_places", BASE, {"bbox": around_kinna})
    assert found["numberMatched"] == 1
    assert found["features"][0]["geometry"]["coordinates"] == pytest.approx(KINNA, abs=1e-7)
    assert ogc.items(store, "unsafe_places", BASE, {"bbox": "20,65,21,66"})["numberMatched"] == 0
    assert ogc.items(store, "unsafe_places", BASE, {"bbox": "-170,-80,-160,-70"})["numberMatched"] == 0  # off Sweden

    # On the demo layers: the same records as testing every record in CRS84, polygons included.
    bbox = (11.98, 57.60, 12.05, 57.66)
    everything = demo.read_layer("unsafe_places").to_crs(4326)
    expected = list(everything[everything.intersects(box(*bbox))]["id"])
    assert 0 < len(expected) < len(everything)
    pages = [
        ogc.items(demo, "unsafe_places", BASE, {"bbox": ",".join(map(str, bbox)), "limit": "20", "offset": str(n)})
        for n in range(0, len(expected) + 20, 20)
    ]
    assert {p["numberMatched"] for p in pages} == {len(expected)}
    assert [f["id"] for p in pages for f in p["features"]] == expected


def test_bbox_does_not_take_the_corners_of_its_storage_envelope(store):
    # A CRS84 box is not a box in EPSG:3006: its envelope there reaches past its sides.
    bbox = (12.0, 57.6, 12.1, 57.7)
    to_3006 = pyproj.Transformer.from_crs("OGC:CRS84", 3006, always_xy=True)
    envelope = box(*to_3006.transform_bounds(*bbox, densify_pts=21))
    corners = [Point(to_3006.transform(x, y, direction="INVERSE")) for x, y in envelope.buffer(-10).exterior.coords]
    outside = next(corner for corner in corners if not box(*bbox).intersects(corner))
    store.write_batch("unsafe_places", frame(unsafe_place(geometry=outside)))
    assert store.count("unsafe_places", LayerQuery(bbox=envelope.bounds)) == 1  # the index finds it...
    assert (
        ogc.items(store, "unsafe_places", BASE, {"bbox": ",".join(map(str, bbox))})["numberMatched"] == 0
    )  # ...not served


def test_datetime_instants_and_intervals(store):
    store.write_batch(
        "unsafe_places", frame(unsafe_place(reported_on="2024-03-05"), unsafe_place(reported_on="2024-03-06"))
    )
    store.write_batch(
        "operations",
        frame(
            operation(visibility="public", starts_at="2024-05-10 18:00", ends_at="2024-05-10 22:00"),
            operation(visibility="public", starts_at="2024-05-11 23:00", ends_at="2024-05-12 01:00"),
        ),
    )
    places = lambda when: ogc.items(store, "unsafe_places", BASE, {"datetime": when})["numberMatched"]  # noqa: E731
    operations = lambda when: ogc.items(store, "operations", BASE, {"datetime": when})["numberMatched"]  # noqa: E731
    assert places("2024-03-05") == 1
    assert places("2024-03-04T23:30:00Z") == 1  # 00:30 on 5 March in Sweden
    assert places("2024-03-05T23:30:00Z") == 1  # 00:30 on 6 March
    assert places("2024-03-05/..") == 2 and places("../2024-03-05") == 1 and places("/2024-03-04") == 0
    assert places("2024-03-06T00:00:00+01:00/2024-12-31T00:00:00Z") == 1
    assert places("../..") == 2
    assert operations("2024-05-10") == 1 and operations("2024-05-12") == 1  # overlaps the day
    assert operations("2024-05-10T19:00:00+02:00") == 1  # during the first operation
    assert operations("2024-05-10T12:00:00Z") == 0  # the same day, before it started
    assert operations("2024-05-10T20:30:00Z/..") == 1  # after the first one ended
    assert operations("2024-05-11T22:30:00Z/2024-05-11T23:00:00Z") == 1  # 00:30 Swedish time, during the second
    found = ogc.items(store, "operations", BASE, {"datetime": "2024-05-10T19:00:00+02:00", "limit": "1"})
    assert "datetime=2024-05-10T19:00:00%2B02:00" in links(found)["self"]["href"]  # the + survives the link


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bbox": "11,57,0,12,58,100"}, "'bbox' is '11,57,0,12,58,100', a 3D box of 6 numbers; expected 4 numbers"),
        ({"bbox": "11,57,12"}, "'bbox' is '11,57,12', 3 values; expected 4 numbers minlon,minlat,maxlon,maxlat"),
        ({"bbox": "11,57,tolv,58"}, "'bbox' is '11,57,tolv,58'; expected 4 numbers"),
        ({"bbox": "57,11,58,190"}, "expected longitudes within -180..180 and latitudes within -90..90"),
        ({"bbox": "11,58,12,57"}, "minimum latitude 58 is above its maximum 57"),
        ({"bbox": "12,57,11,58"}, "minimum longitude 12 is east of its maximum 11"),
        ({"bbox": "nan,57,12,58"}, "expected finite numbers"),
        ({"datetime": "2024-13-01"}, "'datetime' has '2024-13-01'; expected an RFC 3339 date-time with its offset"),
        ({"datetime": "2024-05-10T18:00:00"}, "expected an RFC 3339 date-time with its offset"),
        ({"datetime": "2024-06-01/2024-05-01"}, "ends before it starts"),
        ({"datetime": "2024-05-01/2024-05-02/2024-05-03"}, "expected an instant or one interval start/end"),
        ({"datetime": ".."}, "expected an instant such as"),
        ({"limit": "0"}, "'limit' is 0; expected a whole number of at least 1"),
        ({"limit": "tio"}, "'limit' is 'tio'; expected a whole number of at least 1"),
        ({"offset": "-5"}, "'offset' is '-5'; expected a whole number from 0 to 1000000000"),
        (
            {"filter": "category='traffic'", "sortby": "id"},
            "unknown query parameters 'filter', 'sortby'; expected only: bbox, datetime, limit, offset, f",
        ),
        ({"limit": ["10", "20"]}, "'limit' is given 2 times; expected it once"),
        ({"f": "html"}, "'f' is 'html'; expected one of: json"),
    ],
)
def test_bad_parameters_are_refused_with_what_was_expected(gpkg_store, params, message):
    with pytest.raises(ogc.ParameterError, match=re.escape(message)):
        ogc.items(gpkg_store, "unsafe_places", BASE, params)


def test_f_json_is_accepted_and_other_resources_take_only_f(gpkg_store):
    assert ogc.items(gpkg_store, "unsafe_places", BASE, {"f": "json"})["numberMatched"] == 0
    assert ogc.check_parameters({"f": ["json"]}) == {}
    with pytest.raises(ogc.ParameterError, match="unknown query parameter 'limit'; expected only: f"):
        ogc.check_parameters({"limit": "5"})


def test_unknown_collection_and_feature_are_not_found(gpkg_store):
    with pytest.raises(NotFoundError, match="no collection 'people'; expected one of: unsafe_places"):
        ogc.items(gpkg_store, "people", BASE, {})
    with pytest.raises(NotFoundError, match="no collection 'people'"):
        ogc.collection(gpkg_store, "people", BASE)
    with pytest.raises(NotFoundError, match="collection 'unsafe_places' has no feature 'nope'"):
        ogc.item(gpkg_store, "unsafe_places", "nope", BASE)


# -- privacy ----------------------------------------------------------------


def test_internal_operations_are_never_served(store):
    (public_id,) = store.write_batch("operations", frame(operation(visibility="public")))
    (internal_id,) = store.write_batch(
        "operations",
        frame(
            operation(  # in Mölndal, in September: outside the public one
                visibility="internal",
                starts_at="2024-09-01 10:00",
                ends_at="2024-09-01 12:00",
                geometry=Point(*MOLNDAL_CENTRUM),
            )
        ),
    )
    assert store.count("operations") == 2

    page = ogc.items(store, "operations", BASE, {})
    assert [f["id"] for f in page["features"]] == [public_id] and page["numberMatched"] == 1
    assert ogc.items(store, "operations", BASE, {"datetime": "2024-09-01"})["numberMatched"] == 0
    assert ogc.items(store, "operations", BASE, {"datetime": "2024-09-01T10:30:00+02:00"})["numberMatched"] == 0
    assert ogc.items(store, "operations", BASE, {"bbox": "11.9,57.6,12.1,57.7"})["numberMatched"] == 0
    with pytest.raises(NotFoundError) as hidden:
        ogc.item(store, "operations", internal_id, BASE)
    with pytest.raises(NotFoundError) as missing:
        ogc.item(store, "operations", "no-such-id", BASE)
    assert str(hidden.value).replace(internal_id, "X") == str(missing.value).replace("no-such-id", "X")

    extent = ogc.collection(store, "operations", BASE)["extent"]
    minx, miny, maxx, maxy = extent["spatial"]["bbox"][0]
    assert minx > 12.6  # Kinna only; Mölndal (12.01) is the internal operation
    assert extent["temporal"]["interval"] == [["2024-05-10T18:00:00+02:00", "2024-05-10T22:00:00+02:00"]]

    asked_for_internal = LayerQuery.build({"visibility": ["internal"]})
    assert store.count("operations", readable_query("operations", asked_for_internal)) == 0
    assert readable_query("unsafe_places", asked_for_internal) == asked_for_internal  # no visibility there


# -- a real server and GDAL's OAPIF driver ----------------------------------


@pytest.fixture(scope="module")
def server(demo_file, tmp_path_factory):
    served = tmp_path_factory.mktemp("ogc") / "demo.gpkg"  # a copy, as the read log is written on every read
    shutil.copy(demo_file, served)
    with serving(served) as url:
        yield url.rstrip("/") + "/ogc"


def ogrinfo(*args: str) -> str:
    path = shutil.which("ogrinfo")
    if path is None:
        pytest.fail("ogrinfo is missing: install Debian's gdal-bin (scripts/dev.sh test does)")
    result = subprocess.run([path, "-ro", *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr, result.stderr
    return result.stdout


@pytest.mark.browser
def test_ogrinfo_lists_the_three_collections(server):
    out = ogrinfo("-so", f"OAPIF:{server}")
    assert re.findall(r"^\d+: (\w+)", out, re.M) == ["unsafe_places", "inventoried_sites", "operations"]
    assert "(title: Otrygga platser)" in out


@pytest.mark.browser
def test_ogrinfo_reads_every_unsafe_place(server, demo):
    out = ogrinfo(f"OAPIF:{server}", "unsafe_places")
    assert out.count("OGRFeature(unsafe_places):") == demo.count("unsafe_places")
    first = demo.read_layer("unsafe_places", LayerQuery(limit=1)).iloc[0]
    block = out.split("OGRFeature(unsafe_places):1\n")[1].split("\n\n")[0]
    assert f"id (String) = {first['id']}" in block
    assert f"description (String) = {first['description']}" in block  # Swedish letters included
    assert f"reported_on (Date) = {first['reported_on']:%Y/%m/%d}" in block
    served = shape(ogc.items(demo, "unsafe_places", "x", {"limit": "1"})["features"][0]["geometry"])
    assert wkt.loads(block.strip().splitlines()[-1].strip()).equals_exact(served, tolerance=1e-7)  # lon, lat


@pytest.mark.browser
def test_ogrinfo_bbox_read_matches_the_domain(server, demo):
    bbox = (11.95, 57.60, 12.05, 57.66)
    expected = ogc.items(demo, "unsafe_places", "x", {"bbox": ",".join(map(str, bbox))})["numberMatched"]
    out = ogrinfo("-spat", *map(str, bbox), f"OAPIF:{server}", "unsafe_places")
    assert 0 < out.count("OGRFeature(unsafe_places):") == expected < demo.count("unsafe_places")


@pytest.mark.browser
def test_ogrinfo_reads_only_public_operations(server, demo):
    public = demo.count("operations", LayerQuery.build({"visibility": ["public"]}))
    assert public < demo.count("operations")  # the demo store holds internal operations
    out = ogrinfo(f"OAPIF:{server}", "operations")
    assert out.count("OGRFeature(operations):") == public
    assert "visibility (String) = internal" not in out


def get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers["Content-Type"], json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], json.loads(error.read())


@pytest.mark.browser
def test_http_media_types_absolute_links_and_json_errors(server):
    status, media, page = get(f"{server}/collections/unsafe_places/items?limit=5&f=json")
    assert (status, media) == (200, "application/geo+json")
    assert links(page)["next"]["href"] == f"{server}/collections/unsafe_places/items?limit=5&offset=5"
    status, media, landing = get(server)
    assert (status, media) == (200, "application/json") and links(landing)["data"]["href"] == f"{server}/collections"
    assert get(f"{server}/conformance")[2] == ogc.conformance()
    status, media, feature = get(links(page)["self"]["href"].split("?")[0] + "/" + page["features"][0]["id"])
    assert (status, media, feature["id"]) == (200, "application/geo+json", page["features"][0]["id"])

    status, media, error = get(f"{server}/collections/unsafe_places/items?bbox=1,2,3")
    assert (status, media, error["code"]) == (400, "application/json", "InvalidParameterValue")
    assert "expected 4 numbers" in error["description"]
    assert get(f"{server}/collections?limit=3")[0] == 400
    for missing in (
        "/collections/people",
        "/collections/people/items",
        "/collections/operations/items/nope",
        "/no/such/resource",
    ):
        status, media, error = get(server + missing)
        assert (status, media, error["code"]) == (404, "application/json", "NotFound"), missing
