"""The one table of who may see and change what: roles, the viewer, and the checks every read and write passes.

Roles (see :mod:`geodata.access.accounts`):

- **admin** and **police**: every record of every layer, internal operations included.
- **municipality**: every record except internal operations, which it sees
  only as counts per area and month (the public aggregation).
- **housing_company**: the inventoried sites its organisation owns, in full
  and editable; everything else as the public sees it.
- **public**: the public, aggregated view only (:mod:`geodata.views.public`); no records.

Tools that are given the store file itself (the command line) act as :data:`LOCAL_ADMIN`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from geodata.errors import PledgemapError
from geodata.layers import get_layer
from geodata.store.base import LayerQuery

PUBLIC = "public"
RECORD_ROLES = ("admin", "police", "municipality", "housing_company")


class AccessError(PledgemapError, PermissionError):
    """A read or write the caller's role does not allow; nothing was read or changed."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a role, and for a housing company the organisation its sites name as owner."""

    role: str
    username: str | None = None
    organisation: str | None = None

    @classmethod
    def of(cls, account) -> Viewer:
        return cls(account.role, account.username, account.organisation)

    @property
    def sees_internal(self) -> bool:
        return self.role in ("admin", "police")


PUBLIC_VIEWER = Viewer("public")
LOCAL_ADMIN = Viewer("admin", "local")


def readable_query(
    layer: str, query: LayerQuery | None = None, include_internal: bool = False, viewer: Viewer | None = None
) -> LayerQuery:
    """``query`` narrowed to the records a caller may read; raises :class:`AccessError` if it may read none.

    Without a ``viewer``, internal operations are left out unless ``include_internal``.

    >>> readable_query("operations").values
    (('visibility', ('public',)),)
    >>> readable_query("inventoried_sites", viewer=Viewer("housing_company", "anna", "MBAB")).values
    (('owner', ('MBAB',)),)
    """
    query = query or LayerQuery()
    spec = get_layer(layer)
    if query.deleted and (viewer is None or viewer.role != "admin"):
        raise AccessError("only an admin sees deleted records (to restore them)")
    if viewer is not None:
        if viewer.role not in RECORD_ROLES:
            raise AccessError(
                f"the {viewer.role} role sees the public, aggregated view only; records of "
                f"{spec.name} are not shown to it"
            )
        if viewer.role == "housing_company":
            if spec.name != "inventoried_sites":
                raise AccessError(f"a housing company sees {spec.name} only as the public, aggregated view")
            return _narrow(query, "owner", (viewer.organisation or "",))
        include_internal = viewer.sees_internal
    if include_internal or "visibility" not in spec.field_names:
        return query
    return _narrow(query, "visibility", (PUBLIC,))


def _narrow(query: LayerQuery, field: str, allowed: tuple[str, ...]) -> LayerQuery:
    values = dict(query.values)
    asked = values.get(field, allowed)
    values[field] = tuple(v for v in asked if v in allowed)
    return replace(query, values=tuple(sorted(values.items())))


def check_write(viewer: Viewer, layer: str, records: list[dict[str, Any]]) -> None:
    """Raise :class:`AccessError` unless ``viewer`` may write every one of ``records`` (their new values) to ``layer``."""
    spec = get_layer(layer)
    role = viewer.role
    if role in ("admin", "police"):
        return
    if role == "municipality" and spec.name != "operations":
        return
    if role == "housing_company" and spec.name == "inventoried_sites":
        foreign = [r for r in records if r.get("owner") != viewer.organisation]
        if not foreign:
            return
        raise AccessError(
            f"a housing company may change only sites whose owner is {viewer.organisation!r}; "
            f"{len(foreign)} record(s) name another owner"
        )
    raise AccessError(f"the {role} role may not change {spec.name}")
