"""Figure builders: plain functions from domain results to Plotly figures, tested without a browser."""
