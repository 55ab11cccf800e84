"""Names of a package's API that are imported when first used (PEP 562), so importing one module stays light."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_api(
    package: str,
    api: Mapping[str, str],
    namespace: dict[str, Any],
    computed: Mapping[str, Callable[[], Any]] | None = None,
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module's ``__getattr__`` and ``__dir__``: ``api`` maps each name to the module that defines it.

    ``computed`` names are made by a function on first use instead (a version read
    from package metadata). A name, once looked up, is kept in ``namespace``.

    >>> getattr_, dir_ = lazy_api("demo", {"sqrt": "math"}, {"__all__": ["sqrt"]})
    >>> getattr_("sqrt")(9.0), "sqrt" in dir_()
    (3.0, True)
    """

    def __getattr__(name: str) -> Any:
        if computed is not None and name in computed:
            value = computed[name]()
        elif name in api:
            value = getattr(importlib.import_module(api[name]), name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *namespace.get("__all__", ())})

    return __getattr__, __dir__
