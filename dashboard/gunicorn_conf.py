"""gunicorn's configuration file for the dashboard: ``gunicorn -c python:dashboard.gunicorn_conf dashboard.wsgi:app``.

The options ``pledgemap serve`` uses (:func:`dashboard.serving.gunicorn_options`), from the environment's
settings (``PLEDGEMAP_HOST``, ``PLEDGEMAP_PORT``, ``PLEDGEMAP_WORKERS``, ``PLEDGEMAP_THREADS``,
``PLEDGEMAP_TIMEOUT``); gunicorn's own command-line flags override them.
"""

from __future__ import annotations

from dashboard.serving import gunicorn_options
from dashboard.settings import Settings

globals().update(gunicorn_options(Settings.from_env()))
