"""Pledgemap's domain: pledges, their promises, the geospatial layers behind them, and their storage.

This package never imports dash, plotly or folium; everything the dashboard
does can be done through it alone.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pledgemap")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"
