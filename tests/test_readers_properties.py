"""Property-based tests (hypothesis) of the readers: what a writer puts in, the reader gives back, and whatever
bytes come in (random, or a valid file of each format damaged), the import reads them or says why not."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata.errors import ImportFileError
from geodata.io.readers import csv_table, decode_text, geojson_table

# Cell text as people type it: any printable text, Swedish letters included; the reader strips surrounding space.
cells = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäö_ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ", min_size=1, max_size=12)


@st.composite
def tables(draw):
    columns = draw(st.lists(names, min_size=1, max_size=5, unique_by=str.lower))
    rows = draw(st.lists(st.lists(cells, min_size=len(columns), max_size=len(columns)), max_size=8))
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    return columns, rows, delimiter


@given(tables())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_csv_written_by_the_csv_module_reads_back(table):
    columns, rows, delimiter = table
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    text = buffer.getvalue()
    read = csv_table(text, "t.csv")
    kept = [r for r in rows if any(c.strip() for c in r)]  # blank rows are skipped
    assert list(read.frame.columns) == columns
    assert len(read.frame) == len(kept)
    for row, want in zip(read.frame.index, kept):
        assert [read.frame.at[row, c] for c in columns] == [c.strip() or None for c in want]
    assert not read.geometry_errors


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_any_text_is_either_a_table_or_a_clear_error(text):
    try:
        read = csv_table(text, "t.csv")
    except ImportFileError as exc:
        assert str(exc).startswith("t.csv:")
    else:
        assert len(read.frame.columns) >= 1


@given(st.binary(max_size=200))
@settings(max_examples=200, deadline=None)
def test_any_bytes_decode_or_give_a_clear_error(data):
    try:
        text, encoding = decode_text(data, "t.csv")
    except ImportFileError as exc:
        assert str(exc).startswith("t.csv:")
    else:
        assert encoding in ("utf-8", "cp1252") and isinstance(text, str)


json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    cells,
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)
lon = st.floats(11.0, 24.0, allow_nan=False)
lat = st.floats(55.5, 69.0, allow_nan=False)


@st.composite
def feature_collections(draw):
    keys = draw(st.lists(names, max_size=4, unique=True))
    features = []
    for _ in range(draw(st.integers(0, 6))):
        properties = {k: draw(json_values) for k in keys}
        geometry = draw(
            st.one_of(st.none(), st.tuples(lon, lat).map(lambda p: {"type": "Point", "coordinates": list(p)}))
        )
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


@given(feature_collections())
@settings(max_examples=150, deadline=None)
def test_geojson_properties_and_points_read_back(document):
    read = geojson_table(json.dumps(document, ensure_ascii=False), "t.geojson")
    assert len(read) == len(document["features"])
    for row, feature in zip(read.frame.index, document["features"]):
        for key, value in feature["properties"].items():
            assert read.frame.at[row, key] == value or (value is None and read.frame.at[row, key] is None)
        geom = read.geometry.loc[row]
        if feature["geometry"] is None:
            assert geom is None
        else:
            assert (geom.x, geom.y) == tuple(feature["geometry"]["coordinates"])


@given(
    st.recursive(
        json_values,
        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(names, inner, max_size=3)),
        max_leaves=20,
    )
)
@settings(max_examples=200, deadline=None)
def test_any_json_is_a_feature_table_or_a_clear_error(value):
    try:
        geojson_table(json.dumps(value), "t.geojson")
    except ImportFileError as exc:
        assert str(exc).startswith("t.geojson:")


# -- any bytes, and any damage to a valid file of each format: read, or a PledgemapError -----------------

VALID_PLACE = {"datum": "2024-03-05", "kategori": "Klotter", "källa": "Enkät", "beskrivning": "Mörk gångväg"}


def _valid_files(folder) -> dict[str, bytes]:
    """One small valid file of each format the readers take, as bytes."""
    import zipfile

    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point

    from builders import KINNA

    files: dict[str, bytes] = {}
    frame = gpd.GeoDataFrame({k: [v] for k, v in VALID_PLACE.items()}, geometry=[Point(*KINNA)], crs=4326)
    frame.to_file(folder / "p.gpkg", layer="platser", driver="GPKG")
    files[".gpkg"] = (folder / "p.gpkg").read_bytes()
    (folder / "shp").mkdir()
    frame.rename(columns={"beskrivning": "beskr"}).to_file(folder / "shp" / "p.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in sorted((folder / "shp").iterdir()):
            archive.write(part, part.name)
    files[".zip"] = buffer.getvalue()
    files[".geojson"] = frame.to_json().encode()
    files[".csv"] = (
        "Datum;Kategori;Källa;Beskrivning;Nord;Öst\n2024-03-05;Klotter;Enkät;Mörk;6376282;361845\n"
    ).encode()
    files[".kml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
        "<name>Mörk passage</name><ExtendedData><Data name='datum'><value>2024-03-05</value></Data></ExtendedData>"
        f"<Point><coordinates>{KINNA[0]},{KINNA[1]}</coordinates></Point></Placemark></Document></kml>"
    ).encode()
    pd.DataFrame([VALID_PLACE | {"Nord": 6376282, "Öst": 361845}]).to_excel(folder / "p.xlsx", index=False)
    files[".xlsx"] = (folder / "p.xlsx").read_bytes()
    return files


@pytest.fixture(scope="module")
def hostile_setup(tmp_path_factory):
    from geodata.model import pledge_from_dict
    from geodata.store import GeoPackageStore

    from builders import pledge_dict

    folder = tmp_path_factory.mktemp("mutations")
    store = GeoPackageStore.create(folder / "store.gpkg")
    store.save_pledge(pledge_from_dict(pledge_dict()))
    yield store, _valid_files(folder), folder
    store.close()


@st.composite
def mutations(draw, data: bytes) -> bytes:
    """``data`` with a few bytes changed, cut, repeated or inserted: what a damaged disk or a fuzzer makes."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "repeat", "zero"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            data = data[:at] + data[at + draw(st.integers(1, 64)) :] if draw(st.booleans()) else data[:at]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 256))] * draw(st.integers(2, 20))
        elif kind == "zero":
            data[at : at + 512] = bytes(len(data[at : at + 512]))
    return bytes(data)


def _read_or_clear_error(store, path) -> None:
    from geodata.errors import PledgemapError
    from geodata.io import plan_file

    try:
        plan_file(store, path, "unsafe_places", defaults={"pledge_id": "test-2024"})
    except PledgemapError as exc:
        assert path.name in str(exc) and str(path.parent) not in str(exc)


FORMATS = (".gpkg", ".zip", ".geojson", ".csv", ".kml", ".xlsx")
FUZZ = settings(
    max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


@pytest.mark.parametrize("suffix", FORMATS)
@given(data=st.data())
@FUZZ
def test_a_damaged_file_of_each_format_reads_or_is_a_clear_error(hostile_setup, suffix, data):
    store, files, folder = hostile_setup
    path = folder / f"skadad{suffix}"
    path.write_bytes(data.draw(mutations(files[suffix])))
    _read_or_clear_error(store, path)


@pytest.mark.parametrize("suffix", FORMATS)
@given(content=st.binary(min_size=1, max_size=600))
@FUZZ
def test_any_bytes_under_any_name_read_or_are_a_clear_error(hostile_setup, suffix, content):
    store, _, folder = hostile_setup
    path = folder / f"slump{suffix}"
    path.write_bytes(content)
    _read_or_clear_error(store, path)


def test_the_mutations_leave_the_store_as_it_was(hostile_setup):
    store, _, _ = hostile_setup
    assert store.counts()["unsafe_places"] == 0
