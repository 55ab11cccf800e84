"""The dashboard as a WSGI application, for running several workers (gunicorn) on one store.

    PLEDGEMAP_DATA=postgresql://pledgemap@db.example/pledgemap PLEDGEMAP_SECRET=... \\
        gunicorn -c python:dashboard.gunicorn_conf --workers 4 --bind 127.0.0.1:8050 dashboard.wsgi:app

Every setting comes from the environment (see :class:`dashboard.settings.Settings`); ``-c
python:dashboard.gunicorn_conf`` gives gunicorn the options ``pledgemap serve`` runs with
(:mod:`dashboard.serving`: threads, and a timeout longer than an import may take, where gunicorn's own default
of 30 seconds would end a long dry run with a 500).
"""

from __future__ import annotations

from dashboard.app import create_app
from dashboard.settings import Settings

app = create_app(Settings.from_env()).server
