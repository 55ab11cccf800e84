"""Exporting what a view shows: the layers with its filters applied, and pledges as documents.

One function per format family: :func:`export_layers` writes GeoPackage (all
layers in one file), GeoJSON, CSV or XLSX; :func:`pledge_document` writes a
pledge as YAML or JSON that :func:`geodata.model.pledge_from_dict` reads back.
Every export can be imported again by :mod:`geodata.io.importer` without
duplicating what is stored (records keep their ids).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
import yaml

from geodata.access import describe_query, log_read, masked_for, readable_query, viewer_of
from geodata.errors import PledgemapError
from geodata.io.columns import quote_formula
from geodata.io.files import private_file, store_mode
from geodata.io.wording import CODES, Wording
from geodata.layers import DISPLAY_CRS, LAYERS, SYSTEM_FIELDS, get_layer
from geodata.model import Pledge
from geodata.store.base import LayerQuery, Store
from geodata.validate import LOCAL_TZ, is_missing

LAYER_FORMATS = ("gpkg", "geojson", "csv", "xlsx")
PLEDGE_FORMATS = ("yaml", "json")


@dataclass
class ExportResult:
    path: Path
    format: str
    counts: dict[str, int]


def read_view(
    store: Store, queries: dict[str, LayerQuery | None], include_internal: bool = False
) -> dict[str, gpd.GeoDataFrame]:
    """The records of each layer in ``queries`` as its query selects them.

    Internal police operations are left out unless ``include_internal`` (which
    only the command line's export asks for); a guarded store narrows every
    layer further to what its viewer may read, and a layer it may not read would have its free text masked
    (:func:`~geodata.access.masked_for`: the last guard, should a read ever get past the first).
    """
    viewer = viewer_of(store)
    return {
        get_layer(name).name: masked_for(
            viewer, name, store.read_layer(name, readable_query(name, query, include_internal))
        )
        for name, query in queries.items()
    }


def export_layers(
    store: Store,
    path: str | Path,
    fmt: str,
    queries: dict[str, LayerQuery | None] | None = None,
    include_internal: bool = False,
    wording: Wording = CODES,
) -> ExportResult:
    """Write the layers of ``queries`` (default: every layer, unfiltered) to ``path`` in ``fmt``.

    ``wording`` names the columns and writes the values: the caller's
    language for a file a person reads (the dashboard's downloads, the command
    line by default), :data:`~geodata.io.wording.CODES` for the store's own
    names and codes. The records written are logged as read (an export, see
    :mod:`geodata.access.readlog`) before the file is. The file is written next to ``path`` and moved into place
    when complete, so an interrupted export never leaves half a file behind,
    with the store's permissions from the start (:mod:`geodata.io.files`).
    """
    if fmt not in LAYER_FORMATS:
        raise PledgemapError(f"unknown export format {fmt!r}; expected one of: {', '.join(LAYER_FORMATS)}")
    path = Path(path)
    queries = queries or {name: None for name in LAYERS}
    frames = read_view(store, queries, include_internal)
    # Every record in the file is handed to the caller: logged before the file is written (or nothing is).
    log_read(
        store,
        "export",
        {name: frame["id"] for name, frame in frames.items()},
        {
            get_layer(n).name: describe_query(q, format=fmt, include_internal=include_internal)
            for n, q in queries.items()
        },
    )
    writer = {"gpkg": _write_gpkg, "geojson": _write_geojson, "csv": _write_csv, "xlsx": _write_xlsx}[fmt]
    path.parent.mkdir(parents=True, exist_ok=True)
    with private_file(path, store_mode(store)) as written:
        writer(frames, written, wording)
    return ExportResult(path, fmt, {name: len(frame) for name, frame in frames.items()})


def _kinds(name: str) -> dict[str, str]:
    return {f.name: f.kind for f in (*SYSTEM_FIELDS, *get_layer(name).fields)}


def _worded(name: str, table: pd.DataFrame, wording: Wording) -> pd.DataFrame:
    """``table``'s choice codes and booleans as ``wording`` writes them, its columns as it names them."""
    if wording is CODES:
        return table
    kinds = _kinds(name)
    out = table.copy()
    for column in out.columns:
        kind = kinds.get(column)
        if kind == "choice":
            out[column] = out[column].map(lambda v, c=column: v if is_missing(v) else wording.value(c, str(v)))
        elif kind == "bool":
            out[column] = out[column].map(lambda v: None if is_missing(v) else wording.boolean(bool(v)))
    geometry = out.geometry.name if isinstance(out, gpd.GeoDataFrame) else None
    return out.rename(columns={c: wording.column(c) for c in out.columns if c != geometry})


def _write_gpkg(frames: dict[str, gpd.GeoDataFrame], path: Path, wording: Wording = CODES) -> None:
    for name, frame in frames.items():
        out = frame.copy()
        for column in out.columns:
            if isinstance(out[column].dtype, pd.DatetimeTZDtype):
                out[column] = out[column].dt.tz_convert("UTC")
        out = _worded(name, out, wording)
        pyogrio.write_dataframe(
            out,
            path,
            layer=name,
            driver="GPKG",
            promote_to_multi=False,
            # The table keeps its code (an identifier for SQL and scripts); QGIS shows the identifier.
            layer_options={"DESCRIPTION": f"Pledgemap {name}", "IDENTIFIER": wording.layer(name)},
        )


def _plain_attributes(name: str, frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """A layer's attributes as JSON-ready values: dates as YYYY-MM-DD, times as local ISO 8601."""
    kinds = _kinds(name)
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name)).astype(object)
    for column in table.columns:
        if kinds.get(column) == "date":
            table[column] = table[column].map(lambda v: None if is_missing(v) else pd.Timestamp(v).date().isoformat())
        elif kinds.get(column) == "int":  # a whole number stays one where a column with gaps holds floats
            table[column] = _objects(table[column], lambda v: None if is_missing(v) else int(v))
        else:
            table[column] = table[column].map(_plain_value)
    return table


def _objects(values: pd.Series, convert) -> pd.Series:
    """``convert`` applied to each value, kept as Python objects (``map`` would turn whole numbers with gaps into floats)."""
    return pd.Series([convert(v) for v in values], index=values.index, dtype=object)


def _plain_value(value: Any) -> Any:
    if is_missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.astimezone(LOCAL_TZ).isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _write_geojson(frames: dict[str, gpd.GeoDataFrame], path: Path, wording: Wording = CODES) -> None:
    several = len(frames) > 1
    features = []
    for name, frame in frames.items():
        shown = frame.to_crs(DISPLAY_CRS)
        attributes = _worded(name, _plain_attributes(name, shown), wording)
        for geom, record_id, properties in zip(shown.geometry.values, shown["id"], attributes.to_dict("records")):
            if several:
                properties = {wording.column("layer"): wording.layer(name), **properties}
            features.append(
                {
                    "type": "Feature",
                    "id": record_id,
                    "properties": properties,
                    "geometry": shapely.geometry.mapping(geom),
                }
            )
    document = {
        "type": "FeatureCollection",
        "name": next(iter(frames)) if not several else "pledgemap",
        "features": features,
    }
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def table_rows(name: str, frame: gpd.GeoDataFrame, wording: Wording = CODES) -> pd.DataFrame:
    """A layer as a plain table: its fields, then ``lat``/``lon`` of a point on it and its WKT, in WGS 84.

    With a wording for people, dates stay dates and times are local times
    without a zone (what a spreadsheet shows), and the columns and values
    are worded; with :data:`CODES`, dates and times are ISO 8601 text.
    """
    shown = frame.to_crs(DISPLAY_CRS)
    if wording.for_people:
        table = _local_attributes(name, shown)
    else:
        table = _plain_attributes(name, shown)
    points = shapely.point_on_surface(np.asarray(shown.geometry.values, dtype=object))
    table["lat"] = np.round(shapely.get_y(points), 7) if len(table) else []
    table["lon"] = np.round(shapely.get_x(points), 7) if len(table) else []
    table["wkt"] = (
        shapely.to_wkt(np.asarray(shown.geometry.values, dtype=object), rounding_precision=7) if len(table) else []
    )
    return _worded(name, table, wording)


def _local_attributes(name: str, frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """Attributes for a spreadsheet: dates as dates, times as local times without a zone, numbers as numbers."""
    kinds = _kinds(name)
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name)).astype(object)
    for column in table.columns:
        kind = kinds.get(column)
        if kind == "date":
            table[column] = table[column].map(lambda v: None if is_missing(v) else pd.Timestamp(v).date())
        elif kind == "datetime":
            table[column] = table[column].map(
                lambda v: (
                    None
                    if is_missing(v)
                    else pd.Timestamp(v)
                    .to_pydatetime()
                    .astimezone(LOCAL_TZ)
                    .replace(tzinfo=None, second=0, microsecond=0)
                )
            )
        elif kind == "int":
            table[column] = _objects(table[column], lambda v: None if is_missing(v) else int(v))
        else:
            table[column] = table[column].map(lambda v: None if is_missing(v) else _plain_value(v))
    return table


def _csv_cell(value: Any, wording: Wording) -> Any:
    """A cell as CSV text for the wording's readers: local dates and times, the decimal mark of their language."""
    if is_missing(value):
        return None
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(float(value)).replace(".", wording.decimal)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # text, so a column with gaps is not turned into floats
    # A quote before text Excel would run as a formula; the importer takes it off again.
    return quote_formula(value)


def _csv_text(name: str, frame: gpd.GeoDataFrame, wording: Wording) -> str:
    buffer = io.StringIO()
    table = table_rows(name, frame, wording).map(lambda v: _csv_cell(v, wording))
    table.to_csv(buffer, sep=wording.separator, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    return buffer.getvalue()


def _write_csv(frames: dict[str, gpd.GeoDataFrame], path: Path, wording: Wording = CODES) -> None:
    # UTF-8 with a byte order mark: Excel then shows å, ä and ö right (and other tools skip it).
    if len(frames) == 1:
        ((name, frame),) = frames.items()
        path.write_text(_csv_text(name, frame, wording), encoding="utf-8-sig", newline="")
        return
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, frame in frames.items():
            archive.writestr(f"{wording.layer(name)}.csv", "\ufeff" + _csv_text(name, frame, wording))


def _write_xlsx(frames: dict[str, gpd.GeoDataFrame], path: Path, wording: Wording = CODES) -> None:
    write_sheets({wording.layer(name): table_rows(name, frame, wording) for name, frame in frames.items()}, path)


def write_sheets(tables: dict[str, pd.DataFrame], target) -> None:
    """Tables as sheets of one XLSX workbook (``target``: a path or a binary file).

    Text cells stay text (even if they start with "="), dates and times are
    date cells shown as YYYY-MM-DD (HH:MM), numbers are numbers.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for name, table in tables.items():
        sheet = book.create_sheet(name[:31])
        sheet.append(list(table.columns))
        for values in table.itertuples(index=False):
            row = []
            for value in values:
                if isinstance(value, pd.Timestamp):
                    value = value.to_pydatetime()
                if isinstance(value, np.generic):
                    value = value.item()
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text, even if it starts with "="
                elif isinstance(value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                row.append(cell)
            sheet.append(row)
    book.save(target)


def pledge_document(pledge: Pledge, fmt: str) -> str:
    """The pledge as a YAML or JSON document that :func:`geodata.model.pledge_from_dict` reads back."""
    data = pledge.to_dict()
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    raise PledgemapError(f"unknown pledge format {fmt!r}; expected one of: {', '.join(PLEDGE_FORMATS)}")
