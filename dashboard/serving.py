"""The production web server's options (gunicorn), in one place for ``pledgemap serve`` and for gunicorn itself.

``pledgemap serve`` runs the dashboard on gunicorn with :func:`gunicorn_options`; a deployment that starts
gunicorn itself reads the same options as its configuration file, :mod:`dashboard.gunicorn_conf`::

    gunicorn -c python:dashboard.gunicorn_conf dashboard.wsgi:app

Why gunicorn: it runs several processes, so a 2-core machine draws maps on both cores (Python's threads share
one, and the map callbacks are Python work), and it restarts a worker that dies. Threads in each process
(gunicorn's ``gthread`` worker) keep a request that waits on the store, or on an import's worker process, from
holding the others up. It runs on Unix only, as Pledgemap does (Debian; ``scripts/dev.sh``).

The app is built once, in the server's first process, and the workers fork from it (preloading). It holds no
connection to the store then: the store is opened per request (:func:`dashboard.context.request_store`), so a
GeoPackage file is opened by each request of each process, and a database's connection pool is each worker's
own, made after the fork (``pledgemap serve`` closes the one its checks opened before it starts the workers).
"""

from __future__ import annotations

from typing import Any

from dashboard.settings import Settings

# Seconds a worker has to finish its requests when the server stops or restarts it.
GRACEFUL_SECONDS = 30
# Seconds an idle keep-alive connection is held open for its next request (a browser's callbacks come in bursts).
KEEPALIVE_SECONDS = 5


def bind_address(host: str, port: int) -> str:
    """``host:port`` as gunicorn binds it, an IPv6 address in brackets.

    >>> bind_address("::1", 8050), bind_address("127.0.0.1", 8050)
    ('[::1]:8050', '127.0.0.1:8050')
    """
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    """gunicorn's settings for the dashboard: where it listens, its workers and threads, its timeouts.

    ``timeout`` is the settings' (:attr:`~dashboard.settings.Settings.timeout`), longer than an import may
    take, so an import or dry run ends with its own message rather than a killed worker and a bare 500.
    """
    return {
        "bind": [bind_address(settings.host, settings.port)],
        "workers": settings.workers,
        "worker_class": "gthread",
        "threads": settings.threads,
        "timeout": settings.timeout,
        "graceful_timeout": GRACEFUL_SECONDS,
        "keepalive": KEEPALIVE_SECONDS,
        # The app is built once, before the workers fork (it holds no connection to the store then).
        "preload_app": True,
        # No shared runtime control socket (one per user by default): several servers may run side by side.
        "control_socket_disable": True,
        # Errors and worker starts on stderr; no access log (the app logs what matters).
        "errorlog": "-",
        "accesslog": None,
    }


def run_gunicorn(wsgi: Any, options: dict[str, Any]) -> None:
    """Serve the WSGI app ``wsgi`` (built in this process) on gunicorn with ``options`` until it is stopped.

    The workers fork from this process with the app in place, so it is built once (and a problem building it
    stops the server before any worker starts); the app holds no connection to the store (see above).
    """
    from gunicorn.app.base import BaseApplication  # Unix only; imported when serving

    class Server(BaseApplication):
        def load_config(self) -> None:
            assert self.cfg is not None
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            return wsgi

    Server().run()
