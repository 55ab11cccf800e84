"""Pledgemap's interface: the Dash app, its pages and the ``pledgemap`` command."""
