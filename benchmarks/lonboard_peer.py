"""The lonboard peer: a ``lonboard.Map`` with one ``ScatterplotLayer`` of the points, exported by ``Map.to_html()``.

lonboard (deck.gl with GeoArrow) is a benchmark-only dependency: ``.venv/bin/pip install lonboard==0.17.0``. The page ``to_html()`` writes loads its scripts from CDNs; the machines run
offline, so the page is served with the same scripts from npm (``benchmarks/baseline/package.json``):

- require.js and ``@jupyter-widgets/html-manager``'s ``embed-amd.js``, in place of their CDN ``<script>`` tags;
- the ``anywidget`` AMD module the widget state names, found by require.js under ``/node_modules/``;
- parquet-wasm: lonboard's bundle fetches the WebAssembly of parquet-wasm 0.9.0 from a CDN before it draws
  anything (its data travels as Parquet). npm has parquet-wasm up to 0.8.0 only, whose WebAssembly does not
  link with the 0.9.0 glue code inlined in the bundle, so the bundle's two uses of it (initialising, reading a
  Parquet buffer) are pointed at npm's parquet-wasm 0.8.0 module, which has the same ``readParquet`` and
  ``Table.intoIPCStream``. The data, the layers and deck.gl are lonboard's own, untouched.

The map has no basemap (as Pledgemap is measured with tiles off). "Drawn": deck.gl has issued instanced draw
calls for at least as many instances as there are points (a ScatterplotLayer draws one instance per point, in one
call per Arrow batch), counted by wrapping WebGL2's instanced draw calls before the page starts.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np

SCRIPTS = {
    "require.min.js": "/node_modules/requirejs/require.js",
    "embed-amd.js": "/node_modules/@jupyter-widgets/html-manager/dist/embed-amd.js",
}
WIDGET_STATE = re.compile(r'(<script type="application/vnd\.jupyter\.widget-state\+json">)(.*?)(</script>)', re.S)
# In lonboard 0.17.0's bundle: the function that initialises parquet-wasm once, and the call that reads Parquet.
INIT = re.compile(r"async function ([\w$]+)\(\)\{([\w$]+)\|\|\(await [\w$]+\(([\w$]+)\),\2=!0\)\}")
READ = re.compile(r'throw new Error\("wasm not ready"\);console\.time\("readParquet"\);let e=([\w$]+)\(')

# Counts the instances deck.gl draws: installed in the page before any of its scripts run.
COUNT_INSTANCES = """() => {
    window.__instancesDrawn = 0;
    const proto = WebGL2RenderingContext.prototype;
    for (const name of ['drawArraysInstanced', 'drawElementsInstanced']) {
        const original = proto[name];
        proto[name] = function (...args) {
            window.__instancesDrawn += args[args.length - 1];
            return original.apply(this, args);
        };
    }
}"""


FILL = (31, 119, 180)  # the points' colour


def drawn_condition(points: int) -> str:
    return f"() => (window.__instancesDrawn || 0) >= {points} && !!document.querySelector('canvas')"


def lonboard_page(lonlat: np.ndarray, folder: Path) -> Path:
    """Write lonboard's ``Map.to_html()`` page of ``lonlat`` into ``folder``, its scripts served locally."""
    import geopandas as gpd
    from lonboard import Map, ScatterplotLayer

    frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lonlat[:, 0], lonlat[:, 1]), crs=4326)
    layer = ScatterplotLayer.from_geopandas(
        frame, get_fill_color=list(FILL), get_radius=3, radius_units="pixels", stroked=False
    )
    page = Map(layer, basemap=None).to_html(title="lonboard")
    page = _local_scripts(page)
    path = folder / f"lonboard-{len(lonlat)}.html"
    path.write_text(page)
    return path


def _local_scripts(page: str) -> str:
    def swap(match: re.Match) -> str:
        name = match.group(1).rsplit("/", 1)[-1]
        if name not in SCRIPTS:
            raise RuntimeError(f"lonboard's page loads {match.group(1)}, which the benchmark has no local copy of")
        return f'<script src="{SCRIPTS[name]}"></script>'

    page, swapped = re.subn(r'<script src="(https://[^"]+)"[^>]*></script>', swap, page)
    if swapped != len(SCRIPTS):
        raise RuntimeError(f"lonboard's page has {swapped} CDN scripts, expected {len(SCRIPTS)}: has to_html changed?")
    # require.js finds the widget's module (``anywidget``, an AMD module) locally before any CDN.
    config = '<script>require.config({paths: {anywidget: "/node_modules/anywidget/dist/index"}});</script>'
    page = page.replace(
        f'<script src="{SCRIPTS["require.min.js"]}"></script>',
        f'<script src="{SCRIPTS["require.min.js"]}"></script>\n{config}',
        1,
    )

    match = WIDGET_STATE.search(page)
    if match is None:
        raise RuntimeError("lonboard's page has no widget state")
    state = json.loads(match.group(2))
    models = [m for m in state["state"].values() if "_esm" in m["state"]]
    for model in models:
        model["state"]["_esm"] = _local_parquet_wasm(model["state"]["_esm"])
    if not models:
        raise RuntimeError("lonboard's page has no widget module (_esm)")
    return page[: match.start(2)] + json.dumps(state) + page[match.end(2) :]


def _local_parquet_wasm(bundle: str) -> str:
    init, read = INIT.search(bundle), READ.search(bundle)
    if init is None or read is None or "parquet-wasm@" not in bundle:
        raise RuntimeError("lonboard's bundle does not initialise parquet-wasm as 0.17.0 does: update lonboard_peer")
    ready, reader = init.group(2), read.group(1)
    local = (
        f"async function {init.group(1)}(){{if(!{ready}){{"
        'const m=await import(location.origin+"/node_modules/parquet-wasm/esm/parquet_wasm.js");'
        f"await m.default();{reader}=m.readParquet;{ready}=!0}}}}"
    )
    return bundle[: init.start()] + local + bundle[init.end() :]


def visible_points(png: bytes) -> int:
    """How many pixels of a screenshot have the points' colour."""
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    return int((np.abs(pixels - np.array(FILL)).sum(axis=2) < 30).sum())
