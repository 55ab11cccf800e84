"""Property-based tests (hypothesis) of the CSV and GeoJSON readers: what a writer puts in, the reader gives back."""

from __future__ import annotations

import csv
import io
import json

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
