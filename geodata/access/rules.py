"""The one table of who may see and change what: roles, the viewer, and the checks every read and write passes.

Roles (see :mod:`geodata.access.accounts`):

- **admin** and **police**: every record of every layer, internal operations included.
- **municipality**: every record except internal operations, which it sees
  only as counts per area and month (the public aggregation).
- **housing_company**: the inventoried sites its organisation owns, in full
  and editable; everything else as the public sees it.
- **public**: the public, aggregated view only (:mod:`geodata.views.public`); no records.

Tools that are given the store file itself (the command line) act as :data:`LOCAL_ADMIN`.

Which of the dashboard's pages a role may use is :data:`PAGE_ROLES`, asked
through :func:`may_use_page` by the menu and by each page; what a page then
reads is still narrowed by :func:`readable_query` like every other read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from geodata.errors import PledgemapError
from geodata.layers import get_layer
from geodata.store.base import LayerQuery

PUBLIC = "public"
RECORD_ROLES = ("admin", "police", "municipality", "housing_company")
ALL_ROLES = (*RECORD_ROLES, PUBLIC)

# The dashboard's pages and the roles that may use them. A page works on records of its own (a table of
# records, the worklist, the hot spots of the unsafe places, an import that writes) or on the pledge and
# the public view (the overview, the pledge); a page not named here (a statement, help) is for everyone.
PAGE_ROLES: dict[str, tuple[str, ...]] = {
    "overview": ALL_ROLES,
    "regional": ALL_ROLES,  # every pledge of a scope: states and, for the public, report counts of at least 5
    "pledge": ALL_ROLES,
    "layers": RECORD_ROLES,
    "sites": RECORD_ROLES,
    "analysis": ("admin", "police", "municipality"),  # reads the unsafe places themselves
    "import": RECORD_ROLES,
    # Safety surveys: importing results and linking a pledge's goals to them (may_change_pledges' roles).
    "surveys": ("admin", "police", "municipality"),
    "situation": ("admin", "police", "municipality"),  # the lägesbild: DOCUMENT_ROLES, who read and write it
}


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


def reads_records(viewer: Viewer, layer: str) -> bool:
    """Whether ``viewer`` may read records of ``layer`` itself, or sees the layer only as the public aggregation.

    >>> reads_records(Viewer("public"), "unsafe_places"), reads_records(Viewer("housing_company"), "operations")
    (False, False)
    >>> reads_records(Viewer("municipality"), "operations")
    True
    """
    try:
        readable_query(layer, viewer=viewer)
    except AccessError:
        return False
    return True


# Pledges are public documents; police and municipality sign them, admins keep them: only they change one.
PLEDGE_EDITORS = ("admin", "police", "municipality")


def may_change_pledges(viewer: Viewer) -> bool:
    """Whether ``viewer`` may save, replace or change a pledge.

    >>> may_change_pledges(Viewer("municipality", "kim")), may_change_pledges(Viewer("housing_company", "h", "MBAB"))
    (True, False)
    """
    return viewer.role in PLEDGE_EDITORS


def responsible_partners(viewer: Viewer, pledge: Any) -> tuple[str, ...]:
    """The ids of ``pledge``'s partners that ``viewer`` speaks for: every partner for an admin; the police's for
    the police and the municipality's for a municipality (where the account names its organisation, only when it
    is that partner, or the pledge's municipality or police area: a store of many pledges); for a housing
    company, the partner its organisation is (by id, name or short name, case aside).

    >>> from geodata.shipped import shipped_pledges
    >>> mark = next(p for p in shipped_pledges() if p.id == "mark-2021")
    >>> responsible_partners(Viewer("housing_company", "h", "mbab"), mark), responsible_partners(Viewer("police"), mark)
    (('mbab',), ('polisen',))
    >>> responsible_partners(Viewer("municipality", "k", "Mark"), mark), responsible_partners(Viewer("municipality", "k", "Mölndal"), mark)
    (('marks-kommun',), ())
    """
    if viewer.role == "admin":
        return tuple(p.id for p in pledge.partners)
    if viewer.role not in ("police", "municipality", "housing_company"):
        return ()
    ours = [p for p in pledge.partners if p.kind == viewer.role]
    if viewer.role == "housing_company" and not viewer.organisation:
        return ()
    if not viewer.organisation:  # an account of the one municipality (police area) a deployment serves
        return tuple(p.id for p in ours)
    own = viewer.organisation.casefold()
    # A police or municipality account of a store that holds many pledges names its organisation: the partner's
    # id, name or short name, or the pledge's municipality (a municipality) or police area (the police).
    area = pledge.municipality if viewer.role == "municipality" else pledge.police_area
    here = own in {n.casefold() for n in (area.name, area.code) if n}
    return tuple(p.id for p in ours if here or own in {n.casefold() for n in (p.id, p.name, p.short_name) if n})


def may_judge(viewer: Viewer, pledge: Any, subject: str, subject_id: str) -> bool:
    """Whether ``viewer`` may judge a promise or goal of ``pledge`` (see :func:`check_judge`)."""
    try:
        check_judge(viewer, pledge, subject, subject_id)
    except AccessError:
        return False
    return True


def check_judge(viewer: Viewer, pledge: Any, subject: str, subject_id: str) -> None:
    """Raise :class:`AccessError` unless ``viewer`` may judge ``subject_id`` of ``pledge``.

    A promise is judged by those responsible for it: an admin, or a role that speaks for one of the promise's
    parties (the police for the police's promises, a municipality for the municipality's, a housing company
    for its own). A goal is the pledge's as a whole: its signatories judge it (admin, police, municipality).

    >>> from geodata.shipped import shipped_pledges
    >>> mark = next(p for p in shipped_pledges() if p.id == "mark-2021")
    >>> may_judge(Viewer("housing_company", "h", "MBAB"), mark, "promise", "mark-2021-kallare-vindar")
    True
    >>> may_judge(Viewer("housing_company", "h", "MBAB"), mark, "promise", "mark-2021-riktade-insatser")
    False
    >>> may_judge(Viewer("municipality", "k"), mark, "goal", "okad-trygghet"), may_judge(PUBLIC_VIEWER, mark, "goal", "okad-trygghet")
    (True, False)
    """
    if viewer.role == "admin":
        return
    if subject == "goal":
        if viewer.role in PLEDGE_EDITORS and responsible_partners(viewer, pledge):
            return
        raise AccessError(f"the {viewer.role} role may judge the goals only of pledges its organisation signed")
    try:
        parties = pledge.promise(subject_id).parties
    except KeyError:
        raise AccessError(f"pledge {pledge.id} has no promise {subject_id!r} to judge") from None
    if set(parties) & set(responsible_partners(viewer, pledge)):
        return
    raise AccessError(
        f"the {viewer.role} role may judge only promises its organisation is responsible for; "
        f"{subject_id} is {', '.join(parties)}'s"
    )


# A lägesbild and its action plan hold the municipality's and the police's analysis: they read and write them.
DOCUMENT_ROLES = PLEDGE_EDITORS


def may_use_page(viewer: Viewer, page: str) -> bool:
    """Whether ``viewer``'s role may use the dashboard page named ``page`` (see :data:`PAGE_ROLES`).

    >>> may_use_page(Viewer("public"), "overview"), may_use_page(Viewer("public"), "sites")
    (True, False)
    >>> may_use_page(Viewer("housing_company", "hanna", "MBAB"), "analysis")
    False
    """
    return viewer.role in PAGE_ROLES.get(page, ALL_ROLES)


def check_import(viewer: Viewer, page: str = "import") -> None:
    """Raise :class:`AccessError` unless ``viewer`` may bring files in through ``page`` ("import": layer files and
    police events; "surveys": survey results): the one check before a file is uploaded, kept or read.

    >>> check_import(Viewer("municipality", "kim"))
    >>> check_import(Viewer("public", "pat"))
    Traceback (most recent call last):
    ...
    geodata.access.rules.AccessError: the public role may not import files
    """
    if not may_use_page(viewer, page):
        raise AccessError(f"the {viewer.role} role may not import files")


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
