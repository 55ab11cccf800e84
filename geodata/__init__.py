"""Pledgemap's domain: pledges, their promises, the geospatial layers behind them, and their storage.

This package never imports dash, plotly or folium; everything the dashboard
does can be done through it alone.
"""

__version__ = "0.1.0"
