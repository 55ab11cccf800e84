"""Baseline for the dashboard benchmark: a bare Dash page that sends every point to one Scattermap.

Run as `python benchmarks/baseline_scattermap.py PORT N` to serve N seeded random points in southern
Sweden, or `... PORT FILE.npy` to serve the lon/lat pairs saved in FILE.npy, on http://127.0.0.1:PORT/
(tiles off, as the dashboard is measured).
"""

import sys

import numpy as np
import plotly.graph_objects as go
from dash import Dash, dcc, html

port, source = int(sys.argv[1]), sys.argv[2]
if source.endswith(".npy"):
    lon, lat = np.load(source).T
    count = len(lon)
else:
    count = int(source)
    rng = np.random.default_rng(1)
    lon = rng.uniform(11.9, 13.0, count)
    lat = rng.uniform(57.3, 57.7, count)
figure = go.Figure(
    go.Scattermap(
        lon=lon,
        lat=lat,
        mode="markers",
        marker={"size": 6},
        meta={"role": "records"},
        ids=[str(i) for i in range(count)],
    )
)
figure.update_layout(
    map={"style": "white-bg", "center": {"lon": float(np.median(lon)), "lat": float(np.median(lat))}, "zoom": 8},
    margin={"l": 0, "r": 0, "t": 0, "b": 0},
)
app = Dash(__name__, serve_locally=True)
app.layout = html.Div(dcc.Graph(id="ov-map", figure=figure, style={"height": "64vh"}))
app.run(host="127.0.0.1", port=port)
