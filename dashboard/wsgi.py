"""The dashboard as a WSGI application, for running several workers (gunicorn) on one store.

    PLEDGEMAP_DATA=postgresql://pledgemap@db.example/pledgemap PLEDGEMAP_SECRET=... \\
        gunicorn --workers 4 --bind 127.0.0.1:8050 dashboard.wsgi:app

Every setting comes from the environment (see :class:`dashboard.settings.Settings`).
"""

from __future__ import annotations

from dashboard.app import create_app
from dashboard.settings import Settings

app = create_app(Settings.from_env()).server
