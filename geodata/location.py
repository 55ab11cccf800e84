"""Where a store is: a GeoPackage file or a PostgreSQL URL, told apart and shown without its password.

Plain text functions, importable without loading a store (the command line's help and the settings use them).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

DATABASE_PREFIXES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_database_url(location: object) -> bool:
    """Whether ``location`` names a PostgreSQL database (``postgresql://user@host:port/db``) rather than a file."""
    return isinstance(location, str) and location.startswith(DATABASE_PREFIXES)


def location(text: str | Path) -> str | Path:
    """A store's location as given on a command line or in the environment: a URL stays text, a file a path."""
    return str(text) if is_database_url(str(text)) else Path(text)


def describe(where: str | Path) -> str:
    """A store's location for messages and logs: a database URL without its password."""
    if is_database_url(where):
        url = urlsplit(str(where))
        if url.password is None:
            return str(where)
        user = quote(unquote(url.username or ""), safe="")
        host = url.hostname or ""
        host = f"[{host}]" if ":" in host else host
        netloc = f"{user}:***@{host}" + (f":{url.port}" if url.port else "")
        return urlunsplit(url._replace(netloc=netloc))
    return str(where)
